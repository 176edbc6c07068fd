"""API routes under /api/v1/meetings/."""

from django.urls import URLPattern, URLResolver, path

from meetings import apis, stream

urlpatterns: list[URLPattern | URLResolver] = [
    path("", apis.MeetingListCreateApi.as_view(), name="meeting-list"),
    path("live/", apis.LiveMeetingCreateApi.as_view(), name="meeting-live"),
    path("uploads/", apis.ChunkedUploadCreateApi.as_view(), name="meeting-uploads"),
    path("uploads/<int:upload_id>/", apis.ChunkedUploadApi.as_view(), name="meeting-upload"),
    path("search/", apis.SearchApi.as_view(), name="meeting-search"),
    path("<int:meeting_id>/", apis.MeetingDetailApi.as_view(), name="meeting-detail"),
    path("<int:meeting_id>/restore/", apis.MeetingRestoreApi.as_view(), name="meeting-restore"),
    path("<int:meeting_id>/transcript/", apis.TranscriptApi.as_view(), name="meeting-transcript"),
    path("<int:meeting_id>/summary/", apis.SummaryApi.as_view(), name="meeting-summary"),
    path(
        "<int:meeting_id>/summary/regenerate/", apis.SummaryRegenerateApi.as_view(), name="meeting-summary-regenerate"
    ),
    path("<int:meeting_id>/export/", apis.ExportApi.as_view(), name="meeting-export"),
    path("<int:meeting_id>/audio/", apis.AudioApi.as_view(), name="meeting-audio"),
    path("<int:meeting_id>/stream/", stream.meeting_stream, name="meeting-stream"),
    path("<int:meeting_id>/participants/", apis.ParticipantListCreateApi.as_view(), name="meeting-participants"),
    path("participants/<int:participant_id>/", apis.ParticipantDeleteApi.as_view(), name="meeting-participant"),
    path("segments/<int:segment_id>/", apis.SegmentUpdateApi.as_view(), name="meeting-segment"),
    path("segments/<int:segment_id>/split/", apis.SegmentSplitApi.as_view(), name="meeting-segment-split"),
    path("segments/<int:segment_id>/move/", apis.SegmentMoveApi.as_view(), name="meeting-segment-move"),
    path("speakers/<int:speaker_id>/", apis.SpeakerUpdateApi.as_view(), name="meeting-speaker"),
    path("speakers/<int:speaker_id>/merge/", apis.SpeakerMergeApi.as_view(), name="meeting-speaker-merge"),
    path("jobs/<int:job_id>/", apis.JobDetailApi.as_view(), name="meeting-job"),
    path("jobs/<int:job_id>/retry/", apis.JobRetryApi.as_view(), name="meeting-job-retry"),
]
