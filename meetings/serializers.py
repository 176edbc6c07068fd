from typing import Any

from rest_framework import serializers

from meetings.models import Meeting, Participant, ProcessingJob, Summary


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

    def get_job(self, meeting: Meeting) -> dict[str, Any] | None:
        job = next(iter(meeting.jobs.all()), None)
        return JobOutput(job).data if job else None


class MeetingPageOutput(serializers.Serializer[None]):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = MeetingOutput(many=True)


class UploadAcceptedOutput(serializers.Serializer[None]):
    id = serializers.IntegerField()
    status = serializers.CharField()  # a Meeting status; a second enum here would collide in the schema
    job = JobOutput()


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


class SpeakerUpdateInput(serializers.Serializer[None]):
    display_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    username = serializers.CharField(required=False, max_length=150)


class SpeakerMergeInput(serializers.Serializer[None]):
    into = serializers.IntegerField()


class ShareInput(serializers.Serializer[None]):
    username = serializers.CharField(max_length=150)
    role = serializers.ChoiceField(choices=Participant.Role.choices, default=Participant.Role.VIEWER)


class ShareOutput(serializers.Serializer[None]):
    username = serializers.CharField()
    role = serializers.ChoiceField(choices=Participant.Role.choices)
    message = serializers.CharField()


class ParticipantOutput(serializers.ModelSerializer[Participant]):
    username = serializers.CharField(source="user.username")

    class Meta:
        model = Participant
        fields = ["id", "username", "role", "created"]


class SummaryOutput(serializers.ModelSerializer[Summary]):
    class Meta:
        model = Summary
        fields = ["text", "key_points", "action_items", "decisions", "generator", "created"]
