"""Input and Output serializers of the meetings API: what each operation reads and answers, so that
its OpenAPI schema is what it serves."""

from typing import Any

from django.conf import settings
from django.core.validators import ProhibitNullCharactersValidator
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from meetings.exports import FORMATS
from meetings.models import ChunkedUpload, Meeting, Participant, ProcessingJob, Segment, Speaker, Summary


class JobOutput(serializers.ModelSerializer[ProcessingJob]):
    class Meta:
        model = ProcessingJob
        fields = [
            "id",
            "meeting",
            "stage",
            "status",
            "progress",
            "error_code",
            "error",
            "attempts",
            "timings",
            "created",
            "started_at",
            "finished_at",
        ]


class MeetingOutput(serializers.ModelSerializer[Meeting]):
    owner = serializers.CharField(source="owner.username")
    job = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = [
            "id",
            "title",
            "owner",
            "status",
            "language",
            "started",
            "duration",
            "min_speakers",
            "max_speakers",
            "created",
            "updated",
            "job",
        ]

    @extend_schema_field(JobOutput(allow_null=True))
    def get_job(self, meeting: Meeting) -> dict[str, Any] | None:
        job = next(iter(meeting.jobs.all()), None)
        return JobOutput(job).data if job else None


class MeetingDetailOutput(MeetingOutput):
    """A meeting as its reader sees it: `role` is theirs (owner, editor or viewer). Give `user` in the context."""

    role = serializers.SerializerMethodField()

    class Meta(MeetingOutput.Meta):
        fields = [*MeetingOutput.Meta.fields, "role"]

    # A plain enum, not a ChoiceField: a second `role` choice set would collide with Participant's in the schema.
    @extend_schema_field({"type": "string", "enum": ["owner", *Participant.Role.values]})
    def get_role(self, meeting: Meeting) -> str | None:
        return meeting.role_of(self.context["user"])


class QueryTextField(serializers.CharField):
    """Search words as typed: a NUL byte is refused by the database (400 `invalid_value`), as everywhere else."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators = [v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)]


class MeetingListInput(serializers.Serializer[None]):
    q = QueryTextField(required=False, allow_blank=True, default="", help_text="Title or transcript words")
    ordering = serializers.ChoiceField(
        choices=["-created", "created", "title", "-title", "duration", "-duration"],
        required=False,
        default="-created",
        help_text="Sort by creation time, title or length; a leading `-` reverses",
    )


class MeetingPageOutput(serializers.Serializer[None]):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = MeetingOutput(many=True)


class UploadAcceptedOutput(serializers.Serializer[dict[str, Any]]):
    id = serializers.IntegerField()
    status = serializers.CharField()  # a Meeting status; a second enum here would collide in the schema
    job = JobOutput()


class LiveOutput(serializers.Serializer[Meeting]):
    id = serializers.IntegerField(source="pk")
    status = serializers.CharField()
    socket = serializers.SerializerMethodField(help_text="Stream PCM16 16 kHz frames to this WebSocket path")

    def get_socket(self, meeting: Meeting) -> str:
        return f"/ws/meetings/{meeting.pk}/live/"


class UploadInput(serializers.Serializer[None]):
    file = serializers.FileField(allow_empty_file=True)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    language = serializers.CharField(max_length=12, required=False, allow_blank=True, default="")
    min_speakers = serializers.IntegerField(min_value=1, max_value=20, required=False, allow_null=True, default=None)
    max_speakers = serializers.IntegerField(min_value=1, max_value=20, required=False, allow_null=True, default=None)


class ChunkedUploadInput(serializers.Serializer[None]):
    filename = serializers.CharField(max_length=255)
    size = serializers.IntegerField(min_value=1)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    language = serializers.CharField(max_length=12, required=False, allow_blank=True, default="")
    min_speakers = serializers.IntegerField(min_value=1, max_value=20, required=False, allow_null=True, default=None)
    max_speakers = serializers.IntegerField(min_value=1, max_value=20, required=False, allow_null=True, default=None)


class LiveInput(serializers.Serializer[None]):
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    language = serializers.CharField(max_length=12, required=False, default="en")


class MeetingUpdateInput(serializers.Serializer[None]):
    title = serializers.CharField(max_length=200, required=False)
    language = serializers.CharField(max_length=12, required=False, allow_blank=True)


class SegmentUpdateInput(serializers.Serializer[None]):
    text = serializers.CharField(required=False, max_length=10000)
    speaker_id = serializers.IntegerField(required=False)


class SegmentSplitInput(serializers.Serializer[None]):
    word = serializers.IntegerField(min_value=1, help_text="Split before this word (0-based) of the line")


class SegmentMoveInput(serializers.Serializer[None]):
    speaker_id = serializers.IntegerField(help_text="The speaker of the same meeting to give the words to")
    first_word = serializers.IntegerField(
        min_value=0, required=False, help_text="First word of a selection (0-based); the whole line without"
    )
    last_word = serializers.IntegerField(min_value=0, required=False, help_text="Last word of the selection")


class SpeakerUpdateInput(serializers.Serializer[None]):
    display_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    username = serializers.CharField(required=False, max_length=150)


class SpeakerMergeInput(serializers.Serializer[None]):
    into = serializers.IntegerField()


class ShareInput(serializers.Serializer[None]):
    username = serializers.CharField(max_length=150)
    role = serializers.ChoiceField(choices=Participant.Role.choices, default=Participant.Role.VIEWER)


class ShareOutput(serializers.Serializer[dict[str, Any]]):
    """The same answer whether or not `username` has an account (see `services.meeting_share_by_username`)."""

    username = serializers.CharField()
    role = serializers.ChoiceField(choices=Participant.Role.choices)
    message = serializers.SerializerMethodField()

    def get_message(self, share: dict[str, Any]) -> str:
        return f"If “{share['username']}” has an account, they can now open this meeting."


class ParticipantOutput(serializers.ModelSerializer[Participant]):
    username = serializers.CharField(source="user.username")

    class Meta:
        model = Participant
        fields = ["id", "username", "role", "created"]


class SummaryOutput(serializers.ModelSerializer[Summary]):
    class Meta:
        model = Summary
        fields = ["text", "key_points", "action_items", "decisions", "generator", "created"]


class QueuedOutput(serializers.Serializer[dict[str, Any]]):
    status = serializers.SerializerMethodField()

    @extend_schema_field({"type": "string", "enum": ["queued"]})  # as `role` above: no colliding enum
    def get_status(self, body: Any) -> str:
        return "queued"


class WordOutput(serializers.Serializer[dict[str, Any]]):
    start = serializers.FloatField()
    end = serializers.FloatField()
    word = serializers.CharField()
    probability = serializers.FloatField()


class TranscriptSegmentOutput(serializers.Serializer[dict[str, Any]]):
    id = serializers.IntegerField()
    start = serializers.FloatField()
    end = serializers.FloatField()
    text = serializers.CharField()
    speaker = serializers.CharField(allow_null=True)
    speaker_id = serializers.IntegerField(allow_null=True)
    color = serializers.IntegerField(allow_null=True)
    edited = serializers.BooleanField()
    words = serializers.SerializerMethodField()

    @extend_schema_field(WordOutput(many=True))
    def get_words(self, segment: dict[str, Any]) -> list[dict[str, Any]]:
        return list(segment["words"])  # as stored: the engine's word timings


class TranscriptSpeakerOutput(serializers.ModelSerializer[Speaker]):
    name = serializers.CharField()
    user = serializers.IntegerField(allow_null=True)

    class Meta:
        model = Speaker
        fields = ["id", "label", "name", "color", "user"]


class TranscriptOutput(serializers.Serializer[dict[str, Any]]):
    """`selectors.transcript_get`: lines in time order with their speaker, and the speakers."""

    segments = TranscriptSegmentOutput(many=True)
    speakers = TranscriptSpeakerOutput(many=True)


class ExportSummaryOutput(serializers.Serializer[Summary]):
    text = serializers.CharField()
    action_items = serializers.JSONField()
    decisions = serializers.JSONField()


class ExportJsonOutput(serializers.Serializer[dict[str, Any]]):
    """The body of `export/?format=json`, as `meetings.exports` writes it: the transcript with its meeting."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    duration = serializers.FloatField(allow_null=True)
    segments = TranscriptSegmentOutput(many=True)
    speakers = TranscriptSpeakerOutput(many=True)
    summary = ExportSummaryOutput(allow_null=True)


class ExportInput(serializers.Serializer[None]):
    format = serializers.ChoiceField(
        choices=list(FORMATS),
        default="txt",
        help_text="rttm: the diarization turns as NIST RTTM, labelled SPEAKER_00..., never by display name.",
    )


class SegmentOutput(serializers.ModelSerializer[Segment]):
    speaker_id = serializers.IntegerField(allow_null=True)
    words = serializers.SerializerMethodField()

    class Meta:
        model = Segment
        fields = ["id", "start", "end", "text", "speaker_id", "edited", "words"]

    @extend_schema_field(WordOutput(many=True))
    def get_words(self, segment: Segment) -> list[dict[str, Any]]:
        return list(segment.words)


class SegmentLinesOutput(serializers.Serializer[dict[str, Any]]):
    """The lines one line became, in time order."""

    segments = SegmentOutput(many=True)


class SpeakerOutput(serializers.ModelSerializer[Speaker]):
    name = serializers.CharField()
    user = serializers.IntegerField(source="user_id", allow_null=True)

    class Meta:
        model = Speaker
        fields = ["id", "label", "name", "user"]


class SpeakerMergeOutput(serializers.ModelSerializer[Speaker]):
    name = serializers.CharField()

    class Meta:
        model = Speaker
        fields = ["id", "name"]


class SearchInput(serializers.Serializer[None]):
    q = QueryTextField(help_text="Words to find in transcript lines")


class SearchHitOutput(serializers.Serializer[Segment]):
    meeting = serializers.IntegerField(source="meeting_id")
    meeting_title = serializers.CharField(source="meeting.title")
    segment = serializers.IntegerField(source="pk")
    start = serializers.FloatField()
    speaker = serializers.CharField(source="speaker.name", allow_null=True)
    text = serializers.CharField()


class ChunkedUploadOutput(serializers.Serializer[ChunkedUpload]):
    upload = serializers.IntegerField(source="pk")
    received = serializers.IntegerField()
    size = serializers.IntegerField()
    meeting = serializers.IntegerField(source="meeting_id", allow_null=True)
    chunk_limit = serializers.SerializerMethodField(help_text="The largest chunk one PUT may carry, in bytes")

    def get_chunk_limit(self, upload: ChunkedUpload) -> int:
        return int(settings.MEETINGS_CHUNK_BYTES)


class ChunkedUploadDoneOutput(ChunkedUploadOutput):
    """The last chunk arrived: the upload is now a meeting, queued for processing."""

    id = serializers.IntegerField(source="meeting_id")
    status = serializers.CharField(source="meeting.status")  # a Meeting status, as in UploadAcceptedOutput
    job = serializers.SerializerMethodField()

    @extend_schema_field(JobOutput(allow_null=True))
    def get_job(self, upload: ChunkedUpload) -> dict[str, Any] | None:
        job = upload.meeting.jobs.first() if upload.meeting else None
        return JobOutput(job).data if job else None
