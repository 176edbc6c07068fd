from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from meetings.models import Meeting, Participant, ProcessingJob, Segment, Speaker, Summary
from meetings.services import job_retry
from sawt.core.errors import Conflict


class ParticipantInline(admin.TabularInline[Participant, Meeting]):
    model = Participant
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin[Meeting]):
    list_display = ["id", "title", "owner", "status", "duration", "created", "deleted_at"]
    list_filter = ["status"]
    search_fields = ["title", "owner__username"]
    raw_id_fields = ["owner"]
    inlines = [ParticipantInline]


@admin.register(ProcessingJob)
class ProcessingJobAdmin(admin.ModelAdmin[ProcessingJob]):
    list_display = ["id", "meeting", "stage", "status", "progress", "attempts", "error_code", "created"]
    list_filter = ["status", "stage"]
    readonly_fields = ["timings", "turns"]
    actions = ["retry"]

    @admin.action(description="Retry failed jobs (resume at the failed stage)")
    def retry(self, request: HttpRequest, queryset: QuerySet[ProcessingJob]) -> None:
        retried = 0
        for job in queryset:
            try:
                job_retry(job=job)
                retried += 1
            except Conflict:
                continue
        self.message_user(request, f"{retried} job(s) queued again.", messages.SUCCESS)


@admin.register(Speaker)
class SpeakerAdmin(admin.ModelAdmin[Speaker]):
    list_display = ["id", "meeting", "label", "display_name", "user"]
    search_fields = ["display_name", "label"]
    raw_id_fields = ["meeting", "user"]
    exclude = ["embedding"]


@admin.register(Segment)
class SegmentAdmin(admin.ModelAdmin[Segment]):
    list_display = ["id", "meeting", "start", "end", "speaker", "text", "edited"]
    search_fields = ["text"]
    raw_id_fields = ["meeting", "speaker"]
    exclude = ["words"]


@admin.register(Summary)
class SummaryAdmin(admin.ModelAdmin[Summary]):
    list_display = ["meeting", "generator", "created"]
    raw_id_fields = ["meeting"]
