"""Input and output shapes of the dictation API."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from rest_framework import serializers

from dictation import services
from dictation.models import Attempt, Item, Tag, TTSStatus, TTSTask
from dictation.selectors import ITEM_SORTS, Window

MAX_ALTERNATIVES = 10  # accepted answers besides the item text


class TagListField(serializers.ListField):
    child = serializers.CharField(max_length=50)
    max_length = 20


class ItemCreateInput(serializers.Serializer[None]):
    text = serializers.CharField()
    locale = serializers.CharField(max_length=35)
    difficulty = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True)
    tags = TagListField(required=False, default=list)
    alternatives = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    hint = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    case_sensitive = serializers.BooleanField(required=False, default=False)
    keep_punctuation = serializers.BooleanField(required=False, default=False)

    def validate_text(self, value: str) -> str:
        text = " ".join(value.split())
        limit = settings.DICTATION_MAX_TEXT_CHARS
        if len(text) > limit:
            raise serializers.ValidationError(f"Ensure this field has no more than {limit} characters.",
                                              code="max_length")
        return text

    def validate_alternatives(self, value: list[str]) -> list[str]:
        if len(value) > MAX_ALTERNATIVES:
            raise serializers.ValidationError(
                f"At most {MAX_ALTERNATIVES} alternative answers.", code="max_length")
        return [self.validate_text(v) for v in value]

    def validate_locale(self, value: str) -> str:
        try:
            locale = services.locale_normalize(locale=value)
            services.voice_for_locale(locale=locale)
        except services.UnknownLocale as exc:
            raise serializers.ValidationError(exc.message, code="unknown_locale") from exc
        return locale

    def draft(self) -> services.ItemDraft:
        return services.ItemDraft(**self.validated_data)


def item_rows_validate(rows: list[Any]) -> list[services.ItemDraft | dict[str, Any]]:
    """Each row's draft, or its field errors. One serializer validates every row, as DRF's ListSerializer
    does, because building its fields per row costs more than the validation itself."""
    validator = ItemCreateInput()
    results: list[services.ItemDraft | dict[str, Any]] = []
    for row in rows:
        try:
            results.append(services.ItemDraft(**validator.run_validation(row)))
        except serializers.ValidationError as exc:
            detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
            results.append(dict(detail))
    return results


class ItemBulkCreateInput(serializers.Serializer[None]):
    """`items`: objects shaped like a single create, or plain strings (one sentence each). `locale`,
    `tags` and `difficulty` at the top apply to rows that do not set them."""

    items = serializers.ListField(child=serializers.JSONField(), min_length=1)
    locale = serializers.CharField(max_length=35, required=False)
    tags = TagListField(required=False)
    difficulty = serializers.IntegerField(min_value=1, max_value=5, required=False)

    def validate_items(self, value: list[Any]) -> list[Any]:
        if len(value) > settings.DICTATION_MAX_BULK_ITEMS:
            raise serializers.ValidationError(f"At most {settings.DICTATION_MAX_BULK_ITEMS} items per request.",
                                              code="max_length")
        return value

    def rows(self) -> list[dict[str, Any]]:
        defaults = {k: v for k, v in self.validated_data.items() if k != "items"}
        rows = []
        for row in self.validated_data["items"]:
            fields = {"text": row} if isinstance(row, str) else row
            rows.append({**defaults, **fields} if isinstance(fields, dict) else fields)
        return rows


class ItemListFilter(serializers.Serializer[None]):
    locale = serializers.CharField(required=False)
    tags = serializers.CharField(required=False, help_text="Comma-separated; items carry all of them.")
    difficulty_min = serializers.IntegerField(min_value=1, max_value=5, required=False)
    difficulty_max = serializers.IntegerField(min_value=1, max_value=5, required=False)
    practiced = serializers.BooleanField(required=False, allow_null=True, default=None)
    tts_status = serializers.ChoiceField(choices=TTSStatus.choices, required=False)
    q = serializers.CharField(required=False, max_length=200)
    sort = serializers.ChoiceField(choices=list(ITEM_SORTS), required=False, default="-created")
    page = serializers.IntegerField(min_value=1, required=False)
    page_size = serializers.IntegerField(min_value=1, max_value=100, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        low, high = attrs.get("difficulty_min"), attrs.get("difficulty_max")
        if low is not None and high is not None and low > high:
            raise serializers.ValidationError({"difficulty_min": "Must not be above difficulty_max."})
        return attrs

    def selector_args(self) -> dict[str, Any]:
        data = self.validated_data
        tags = [services.tag_name_normalize(name=t) for t in data.get("tags", "").split(",") if t.strip()]
        return {
            "locale": data.get("locale"), "tags": tags, "difficulty_min": data.get("difficulty_min"),
            "difficulty_max": data.get("difficulty_max"), "practiced": data.get("practiced"),
            "tts_status": data.get("tts_status"), "search": data.get("q"), "sort": data["sort"],
        }


class ItemOutput(serializers.ModelSerializer[Item]):
    tags: serializers.SlugRelatedField[Tag] = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
    audio_url = serializers.SerializerMethodField()

    class Meta:
        model = Item
        fields = [
            "id", "text", "locale", "difficulty", "difficulty_inferred", "tags", "alternatives", "hint",
            "case_sensitive", "keep_punctuation", "voice", "tts_status", "tts_error", "audio_url", "duration",
            "attempts_count", "last_attempt_at", "created_at", "updated_at",
        ]

    def get_audio_url(self, item: Item) -> str | None:
        if item.tts_status != TTSStatus.COMPLETED:
            return None
        return reverse("dictation:item-audio", kwargs={"item_id": item.pk})


class TTSStatusOutput(serializers.ModelSerializer[TTSTask]):
    item_id = serializers.IntegerField()
    audio_url = serializers.SerializerMethodField()

    class Meta:
        model = TTSTask
        fields = ["item_id", "status", "error", "attempts", "reused", "sample_rate", "queued_at", "started_at",
                  "finished_at", "synthesis_seconds", "audio_url"]

    def get_audio_url(self, task: TTSTask) -> str | None:
        if task.status != TTSStatus.COMPLETED:
            return None
        return reverse("dictation:item-audio", kwargs={"item_id": task.item_id})


class DifficultyInput(serializers.Serializer[None]):
    difficulty = serializers.IntegerField(min_value=1, max_value=5)


class TagsInput(serializers.Serializer[None]):
    tags = TagListField(allow_empty=True)


class AttemptCreateInput(serializers.Serializer[None]):
    item_id = serializers.IntegerField(min_value=1)
    text = serializers.CharField(max_length=5000)


class AttemptOutput(serializers.ModelSerializer[Attempt]):
    item_id = serializers.IntegerField()

    class Meta:
        model = Attempt
        fields = ["id", "item_id", "text", "matched_answer", "wer", "cer", "reference_words", "hits",
                  "substitutions", "deletions", "insertions", "typos", "mistakes", "score", "diff", "created_at"]


class WindowInput(serializers.Serializer[None]):
    """`since`/`until`: ISO 8601 datetimes, or dates (midnight in the user's time zone)."""

    since = serializers.DateTimeField(required=False, input_formats=["iso-8601", "%Y-%m-%d"])
    until = serializers.DateTimeField(required=False, input_formats=["iso-8601", "%Y-%m-%d"])

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        since, until = attrs.get("since"), attrs.get("until")
        if since and until and since >= until:
            raise serializers.ValidationError({"since": "Must be before until."}, code="invalid_window")
        return attrs

    def window(self) -> Window:
        return Window(since=self.validated_data.get("since"), until=self.validated_data.get("until"))


class AttemptListFilter(WindowInput):
    item_id = serializers.IntegerField(min_value=1, required=False)
    page = serializers.IntegerField(min_value=1, required=False)
    page_size = serializers.IntegerField(min_value=1, max_value=100, required=False)


class PracticeLogFilter(WindowInput):
    page = serializers.IntegerField(min_value=1, required=False)
    page_size = serializers.IntegerField(min_value=1, max_value=100, required=False)


class ProgressInput(serializers.Serializer[None]):
    """Days `since`..`until` inclusive in the user's time zone; by default the last 30 days."""

    since = serializers.DateField(required=False)
    until = serializers.DateField(required=False)
    item_id = serializers.IntegerField(min_value=1, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # "Today" is the user's (a learner in Auckland is a day ahead of the server's UTC).
        until = attrs.get("until") or timezone.localdate(timezone=self.context.get("tzinfo"))
        since = attrs.get("since") or until - timedelta(days=29)
        if since >= until:
            raise serializers.ValidationError({"since": "Must be before until."}, code="invalid_window")
        if (until - since).days > 366:
            raise serializers.ValidationError({"since": "At most 366 days at a time."}, code="invalid_window")
        return {**attrs, "since": since, "until": until}


class PracticeLogRowOutput(serializers.ModelSerializer[Item]):
    item_id = serializers.IntegerField(source="id")
    tags: serializers.SlugRelatedField[Tag] = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
    attempts = serializers.IntegerField(source="window_attempts")
    average_wer = serializers.FloatField(source="window_average_wer")
    best_wer = serializers.FloatField(source="window_best_wer")
    last_attempt_at = serializers.DateTimeField(source="window_last_attempt_at")

    class Meta:
        model = Item
        fields = ["item_id", "text", "locale", "difficulty", "tags", "attempts", "average_wer", "best_wer",
                  "last_attempt_at"]


class StatsFiguresOutput(serializers.Serializer[Any]):
    attempts = serializers.IntegerField()
    perfect_attempts = serializers.IntegerField()
    average_wer = serializers.FloatField(allow_null=True)
    best_wer = serializers.FloatField(allow_null=True)
    worst_wer = serializers.FloatField(allow_null=True)
    words = serializers.IntegerField()
    typos = serializers.IntegerField()
    mistakes = serializers.IntegerField()
    first_attempt_at = serializers.DateTimeField(allow_null=True)
    last_attempt_at = serializers.DateTimeField(allow_null=True)


class StatsSummaryOutput(StatsFiguresOutput):
    items_practiced = serializers.IntegerField()
    items_total = serializers.IntegerField()
    since = serializers.DateTimeField(allow_null=True)
    until = serializers.DateTimeField(allow_null=True)


class RecentAttemptOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    wer = serializers.FloatField()
    typos = serializers.IntegerField()
    mistakes = serializers.IntegerField()
    created_at = serializers.DateTimeField()


class StatsItemOutput(StatsFiguresOutput):
    item = ItemOutput()
    latest_wer = serializers.FloatField(allow_null=True)
    recent = RecentAttemptOutput(many=True)


class ProgressDayOutput(serializers.Serializer[Any]):
    date = serializers.DateField()
    attempts = serializers.IntegerField()
    items = serializers.IntegerField()
    average_wer = serializers.FloatField(allow_null=True)
    best_wer = serializers.FloatField(allow_null=True)


class ProgressOutput(serializers.Serializer[Any]):
    time_zone = serializers.CharField()
    item_id = serializers.IntegerField(allow_null=True)
    since = serializers.DateField()
    until = serializers.DateField()
    days = ProgressDayOutput(many=True)


class TagCreateInput(serializers.Serializer[None]):
    name = serializers.CharField(max_length=50)


class TagOutput(serializers.ModelSerializer[Tag]):
    items_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Tag
        fields = ["id", "name", "items_count", "created_at"]


class ItemBulkRowErrorOutput(serializers.Serializer[Any]):
    code = serializers.CharField()
    message = serializers.CharField()
    details = serializers.JSONField(help_text='{"fields": {"<field>": ["<message>", ...]}}')


class ItemBulkRowOutput(serializers.Serializer[Any]):
    """One row of a bulk create, by its place in the request: `item` when it was created (`ok`), `error`
    when it was not valid."""

    index = serializers.IntegerField()
    ok = serializers.BooleanField()
    item = ItemOutput(required=False)
    error = ItemBulkRowErrorOutput(required=False)


class ItemBulkOutput(serializers.Serializer[Any]):
    created = serializers.IntegerField()
    failed = serializers.IntegerField()
    results = ItemBulkRowOutput(many=True)
