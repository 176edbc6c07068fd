from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from dictation import services
from dictation.models import Attempt, Item, Tag, TTSTask


class TTSTaskInline(admin.TabularInline[TTSTask, Item]):
    model = TTSTask
    extra = 0
    can_delete = False
    readonly_fields = ["status", "attempts", "reused", "error", "queued_at", "started_at",
                       "finished_at", "synthesis_seconds", "sample_rate", "file"]
    fields = ("status", "attempts", "reused", "error", "queued_at", "started_at", "finished_at",
              "synthesis_seconds", "sample_rate", "file")

    def has_add_permission(self, request: HttpRequest, obj: Item | None = None) -> bool:
        return False


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin[Item]):
    list_display = ["id", "text", "owner", "locale", "difficulty", "tts_status", "attempts_count", "created_at"]
    list_filter = ["tts_status", "locale", "difficulty"]
    search_fields = ["text", "owner__username"]
    raw_id_fields = ["owner"]
    filter_horizontal = ["tags"]
    readonly_fields = ["voice", "tts_status", "tts_error", "audio_file", "duration", "attempts_count",
                       "last_attempt_at", "created_at", "updated_at"]
    inlines = [TTSTaskInline]
    actions = ["regenerate_audio"]

    @admin.action(description="Regenerate audio")
    def regenerate_audio(self, request: HttpRequest, queryset: QuerySet[Item]) -> None:
        count = 0
        for item in queryset:
            services.item_regenerate_audio(item=item)
            count += 1
        self.message_user(request, f"Queued audio for {count} item(s).", messages.SUCCESS)


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin[Attempt]):
    list_display = ["id", "owner", "item", "wer", "typos", "mistakes", "created_at"]
    list_filter = ["created_at"]
    search_fields = ["text", "owner__username"]
    raw_id_fields = ["owner", "item"]
    readonly_fields = ["wer", "cer", "reference_words", "hits", "substitutions", "deletions", "insertions",
                       "typos", "mistakes", "diff", "matched_answer"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin[Tag]):
    list_display = ["id", "name", "owner", "created_at"]
    search_fields = ["name", "owner__username"]
    raw_id_fields = ["owner"]
