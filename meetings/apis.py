"""The meetings API: one view per URL with one method per operation (the URLs are public, so list and
create share theirs); reads via selectors, writes via services, bodies and query parameters through Input
serializers, answers through Output serializers, so that the OpenAPI schema says what each operation serves."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import Http404, HttpResponse, HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from meetings import selectors, services
from meetings.exports import FORMATS, meeting_export
from meetings.live import live_meeting_create
from meetings.serializers import (
    ChunkedUploadDoneOutput,
    ChunkedUploadInput,
    ChunkedUploadOutput,
    ExportInput,
    ExportJsonOutput,
    JobOutput,
    LiveInput,
    LiveOutput,
    MeetingDetailOutput,
    MeetingListInput,
    MeetingOutput,
    MeetingPageOutput,
    MeetingUpdateInput,
    ParticipantOutput,
    QueuedOutput,
    SearchHitOutput,
    SearchInput,
    SegmentLinesOutput,
    SegmentMoveInput,
    SegmentOutput,
    SegmentSplitInput,
    SegmentUpdateInput,
    ShareInput,
    ShareOutput,
    SpeakerMergeInput,
    SpeakerMergeOutput,
    SpeakerOutput,
    SpeakerUpdateInput,
    SummaryOutput,
    TranscriptOutput,
    UploadAcceptedOutput,
    UploadInput,
)
from meetings.uploads import chunked_upload_append, chunked_upload_cancel, chunked_upload_create
from sawt.accounts.signed_in import request_user
from sawt.core.errors import NotFound, ValidationFailed
from sawt.core.pagination import paginated, paginated_response
from sawt.core.ranges import file_headers, ranged_file_response

# What `export/` answers for each `format`: its media type (without the charset) and body.
_EXPORT_MEDIA_TYPES = {fmt: media_type.split(";")[0] for fmt, media_type in FORMATS.items()}
_EXPORT_DESCRIPTION = (
    "An attachment in the media type of `format`: "
    + ", ".join(f"{fmt} {media_type}" for fmt, media_type in _EXPORT_MEDIA_TYPES.items())
    + (
        ". `rttm` is NIST RTTM of the diarization turns, one line per turn: `SPEAKER meeting-<id> 1 <start> "
        "<duration> <NA> <NA> <label> <NA> <NA>`, times in seconds, `<label>` the speaker's label (`SPEAKER_00`), "
        "never a display name."
    )
)
_EXPORT_RESPONSES: dict[tuple[int, str], Any] = {
    (200, media_type): OpenApiResponse(
        ExportJsonOutput if fmt == "json" else OpenApiTypes.BINARY if fmt == "docx" else OpenApiTypes.STR,
        description=_EXPORT_DESCRIPTION,
    )
    for fmt, media_type in _EXPORT_MEDIA_TYPES.items()
}
_AUDIO_RESPONSE = {
    "audio/*": OpenApiTypes.BINARY,  # the type the decoder found the upload to be
    "application/octet-stream": OpenApiTypes.BINARY,  # before decoding, or when it is no audio
}


class MeetingListCreateApi(APIView):
    parser_classes = [MultiPartParser, FormParser]
    throttle_scopes = {"POST": "upload"}  # listing is an ordinary API call

    @extend_schema(operation_id="meetings_list", parameters=[MeetingListInput], responses=MeetingPageOutput)
    def get(self, request: Request) -> Response:
        filters = MeetingListInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        meetings = selectors.meeting_list(
            user=request_user(request), query=filters.validated_data["q"], ordering=filters.validated_data["ordering"]
        )
        return paginated_response(request, self, meetings, MeetingOutput)

    @extend_schema(request=UploadInput, responses={202: UploadAcceptedOutput})
    def post(self, request: Request) -> Response:
        data = UploadInput(data=request.data)
        data.is_valid(raise_exception=True)
        meeting, job = services.meeting_create_from_upload(owner=request_user(request), **data.validated_data)
        job.refresh_from_db()
        meeting.refresh_from_db()
        accepted = {"id": meeting.pk, "status": meeting.status, "job": job}
        return Response(UploadAcceptedOutput(accepted).data, status=status.HTTP_202_ACCEPTED)


class LiveMeetingCreateApi(APIView):
    """Start a live meeting; then stream PCM16 16 kHz frames to the returned socket."""

    @extend_schema(request=LiveInput, responses={201: LiveOutput})
    def post(self, request: Request) -> Response:
        data = LiveInput(data=request.data)
        data.is_valid(raise_exception=True)
        meeting = live_meeting_create(owner=request_user(request), **data.validated_data)
        return Response(LiveOutput(meeting).data, status=status.HTTP_201_CREATED)


class MeetingDetailApi(APIView):
    @extend_schema(responses=MeetingDetailOutput)
    def get(self, request: Request, meeting_id: int) -> Response:
        user = request_user(request)
        meeting = selectors.meeting_get(user=user, meeting_id=meeting_id)
        return Response(MeetingDetailOutput(meeting, context={"user": user}).data)

    @extend_schema(request=MeetingUpdateInput, responses=MeetingOutput)
    def patch(self, request: Request, meeting_id: int) -> Response:
        meeting = selectors.meeting_get(user=request_user(request), meeting_id=meeting_id, edit=True)
        data = MeetingUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(MeetingOutput(services.meeting_update(meeting=meeting, **data.validated_data)).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, meeting_id: int) -> Response:
        meeting = selectors.meeting_get_as_owner(
            user=request_user(request), meeting_id=meeting_id, refusal="Only the owner can delete a meeting."
        )
        services.meeting_delete(meeting=meeting)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeetingRestoreApi(APIView):
    """Undo a delete, within 30 seconds of it (then 409 `undo_expired`); owner only."""

    @extend_schema(request=None, responses=MeetingOutput)
    def post(self, request: Request, meeting_id: int) -> Response:
        meeting = selectors.meeting_get_for_restore(user=request_user(request), meeting_id=meeting_id)
        return Response(MeetingOutput(services.meeting_restore(meeting=meeting)).data)


class TranscriptApi(APIView):
    @extend_schema(request=None, responses=TranscriptOutput)
    def get(self, request: Request, meeting_id: int) -> Response:
        meeting = selectors.meeting_get(user=request_user(request), meeting_id=meeting_id)
        return Response(TranscriptOutput(selectors.transcript_get(meeting=meeting)).data)


class SummaryApi(APIView):
    @extend_schema(responses=SummaryOutput)
    def get(self, request: Request, meeting_id: int) -> Response:
        meeting = selectors.meeting_get(user=request_user(request), meeting_id=meeting_id)
        summary = selectors.summary_get(meeting=meeting)
        if summary is None:
            raise NotFound("This meeting has no summary yet.", code="no_summary")
        return Response(SummaryOutput(summary).data)


class SummaryRegenerateApi(APIView):
    @extend_schema(request=None, responses={202: QueuedOutput})
    def post(self, request: Request, meeting_id: int) -> Response:
        meeting = selectors.meeting_get(user=request_user(request), meeting_id=meeting_id, edit=True)
        services.summary_regenerate(meeting=meeting)
        return Response(QueuedOutput({}).data, status=status.HTTP_202_ACCEPTED)


class _FormatIsOurs(DefaultContentNegotiation):
    """`?format=` names the export format here, not a DRF renderer."""

    def select_renderer(self, request: Any, renderers: Iterable[Any], format_suffix: str | None = None) -> Any:
        first = next(iter(renderers))
        return first, first.media_type


class ExportApi(APIView):
    """The transcript as a file to download, in the media type of its `format`."""

    content_negotiation_class = _FormatIsOurs

    @extend_schema(parameters=[ExportInput], responses=_EXPORT_RESPONSES)
    def get(self, request: Request, meeting_id: int) -> HttpResponse:
        meeting = selectors.meeting_get(user=request_user(request), meeting_id=meeting_id)
        # A plain dict, not the QueryDict: there an empty `format=` would read as absent (txt), not as invalid.
        params = ExportInput(data={"format": request.query_params.get("format", "txt")})
        if not params.is_valid():
            raise ValidationFailed(f"format must be one of {', '.join(FORMATS)}.")
        fmt = params.validated_data["format"]
        return HttpResponse(
            meeting_export(meeting=meeting, fmt=fmt),
            headers=file_headers(content_type=FORMATS[fmt], filename=f"meeting-{meeting.pk}.{fmt}", as_attachment=True),
        )


class AudioApi(APIView):
    """The original upload, for owner and participants only: always an attachment, typed as what the
    job's decoder found it to be (application/octet-stream before that, or if it is no audio)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("download", str, description="Ignored: the upload is always an attachment"),
            OpenApiParameter("Range", str, OpenApiParameter.HEADER, required=False),
        ],
        responses={
            **{(200, media_type): schema for media_type, schema in _AUDIO_RESPONSE.items()},
            **{(206, media_type): schema for media_type, schema in _AUDIO_RESPONSE.items()},
        },
    )
    def get(self, request: Request, meeting_id: int) -> HttpResponseBase:
        meeting = selectors.meeting_get(user=request_user(request), meeting_id=meeting_id)
        recording = getattr(meeting, "recording", None)
        if recording is None or not recording.file or not recording.file.storage.exists(recording.file.name):
            raise Http404("No recording.")
        return ranged_file_response(
            request,
            storage=recording.file.storage,
            name=recording.file.name,
            filename=recording.original_name or f"meeting-{meeting.pk}",
            content_type=recording.content_type or "application/octet-stream",
            as_attachment=True,
        )


class SegmentUpdateApi(APIView):
    @extend_schema(request=SegmentUpdateInput, responses=SegmentOutput)
    def patch(self, request: Request, segment_id: int) -> Response:
        segment = selectors.segment_get(user=request_user(request), segment_id=segment_id, edit=True)
        data = SegmentUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        speaker = None
        if "speaker_id" in data.validated_data:
            speaker = selectors.meeting_speaker_get(
                meeting_id=segment.meeting_id, speaker_id=data.validated_data["speaker_id"]
            )
        segment = services.segment_update(segment=segment, text=data.validated_data.get("text"), speaker=speaker)
        return Response(SegmentOutput(segment).data)


class SegmentSplitApi(APIView):
    @extend_schema(request=SegmentSplitInput, responses={201: SegmentLinesOutput})
    def post(self, request: Request, segment_id: int) -> Response:
        segment = selectors.segment_get(user=request_user(request), segment_id=segment_id, edit=True)
        data = SegmentSplitInput(data=request.data)
        data.is_valid(raise_exception=True)
        lines = services.segment_split(segment=segment, word=data.validated_data["word"])
        return Response(SegmentLinesOutput({"segments": lines}).data, status=status.HTTP_201_CREATED)


class SegmentMoveApi(APIView):
    @extend_schema(request=SegmentMoveInput, responses=SegmentLinesOutput)
    def post(self, request: Request, segment_id: int) -> Response:
        segment = selectors.segment_get(user=request_user(request), segment_id=segment_id, edit=True)
        data = SegmentMoveInput(data=request.data)
        data.is_valid(raise_exception=True)
        speaker = selectors.meeting_speaker_get(
            meeting_id=segment.meeting_id, speaker_id=data.validated_data["speaker_id"]
        )
        lines = services.segment_move(
            segment=segment,
            speaker=speaker,
            first_word=data.validated_data.get("first_word"),
            last_word=data.validated_data.get("last_word"),
        )
        return Response(SegmentLinesOutput({"segments": lines}).data)


class SpeakerUpdateApi(APIView):
    @extend_schema(request=SpeakerUpdateInput, responses=SpeakerOutput)
    def patch(self, request: Request, speaker_id: int) -> Response:
        speaker = selectors.speaker_get(user=request_user(request), speaker_id=speaker_id, edit=True)
        data = SpeakerUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = None
        if username := data.validated_data.get("username"):
            user = selectors.account_by_username(username=username)
            if user is None:
                raise ValidationFailed("No such user.")
        speaker = services.speaker_update(
            speaker=speaker, display_name=data.validated_data.get("display_name"), user=user
        )
        return Response(SpeakerOutput(speaker).data)


class SpeakerMergeApi(APIView):
    @extend_schema(request=SpeakerMergeInput, responses=SpeakerMergeOutput)
    def post(self, request: Request, speaker_id: int) -> Response:
        source = selectors.speaker_get(user=request_user(request), speaker_id=speaker_id, edit=True)
        data = SpeakerMergeInput(data=request.data)
        data.is_valid(raise_exception=True)
        target = selectors.meeting_speaker_get(meeting_id=source.meeting_id, speaker_id=data.validated_data["into"])
        return Response(SpeakerMergeOutput(services.speaker_merge(source=source, target=target)).data)


class ParticipantListCreateApi(APIView):
    @extend_schema(request=None, responses=ParticipantOutput(many=True))
    def get(self, request: Request, meeting_id: int) -> Response:
        meeting = selectors.meeting_get(user=request_user(request), meeting_id=meeting_id)
        return Response(ParticipantOutput(selectors.participant_list(meeting=meeting), many=True).data)

    @extend_schema(request=ShareInput, responses={202: ShareOutput})
    def post(self, request: Request, meeting_id: int) -> Response:
        """Answers alike whether or not the username exists, so that it cannot be used to probe
        for accounts; only a real account becomes a participant."""
        meeting = selectors.meeting_get_as_owner(
            user=request_user(request), meeting_id=meeting_id, refusal="Only the owner can share a meeting."
        )
        data = ShareInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.meeting_share_by_username(meeting=meeting, **data.validated_data)
        return Response(ShareOutput(data.validated_data).data, status=status.HTTP_202_ACCEPTED)


class ParticipantDeleteApi(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request: Request, participant_id: int) -> Response:
        participant = selectors.participant_get(owner=request_user(request), participant_id=participant_id)
        services.meeting_unshare(meeting=participant.meeting, user_id=participant.user_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class JobDetailApi(APIView):
    @extend_schema(responses=JobOutput)
    def get(self, request: Request, job_id: int) -> Response:
        return Response(JobOutput(selectors.job_get(user=request_user(request), job_id=job_id)).data)


class JobRetryApi(APIView):
    @extend_schema(request=None, responses={202: JobOutput})
    def post(self, request: Request, job_id: int) -> Response:
        user = request_user(request)
        job = selectors.job_get(user=user, job_id=job_id)
        selectors.meeting_get(user=user, meeting_id=job.meeting_id, edit=True)
        return Response(JobOutput(services.job_retry(job=job)).data, status=status.HTTP_202_ACCEPTED)


class SearchApi(APIView):
    @extend_schema(parameters=[SearchInput], responses=paginated(SearchHitOutput, name="MeetingSearchPage"))
    def get(self, request: Request) -> Response:
        params = SearchInput(data=request.query_params)
        if not params.is_valid():
            raise ValidationFailed("q is required.")
        hits = selectors.segment_search(user=request_user(request), query=params.validated_data["q"])
        return paginated_response(request, self, hits, SearchHitOutput)


class ChunkedUploadCreateApi(APIView):
    throttle_scopes = {"POST": "upload"}  # uploads started count; their chunks are ordinary API calls

    @extend_schema(request=ChunkedUploadInput, responses={201: ChunkedUploadOutput})
    def post(self, request: Request) -> Response:
        data = ChunkedUploadInput(data=request.data)
        data.is_valid(raise_exception=True)
        upload = chunked_upload_create(owner=request_user(request), **data.validated_data)
        return Response(ChunkedUploadOutput(upload).data, status=status.HTTP_201_CREATED)


class ChunkedUploadApi(APIView):
    """`PUT` one `Content-Range` chunk (application/octet-stream); `GET` says how much arrived; `DELETE`
    cancels an unfinished upload."""

    parser_classes: list[Any] = []  # the body is raw bytes, read as a stream

    @extend_schema(request=None, responses=ChunkedUploadOutput)
    def get(self, request: Request, upload_id: int) -> Response:
        upload = selectors.chunked_upload_get(owner=request_user(request), upload_id=upload_id)
        return Response(ChunkedUploadOutput(upload).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, upload_id: int) -> Response:
        selectors.chunked_upload_get(owner=request_user(request), upload_id=upload_id)
        chunked_upload_cancel(upload_id=upload_id)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request={"application/octet-stream": OpenApiTypes.BINARY},
        parameters=[OpenApiParameter("Content-Range", str, OpenApiParameter.HEADER, required=True)],
        responses={200: ChunkedUploadOutput, 202: ChunkedUploadDoneOutput},
    )
    def put(self, request: Request, upload_id: int) -> Response:
        selectors.chunked_upload_get(owner=request_user(request), upload_id=upload_id)
        upload = chunked_upload_append(
            upload_id=upload_id, content_range=request.headers.get("Content-Range", ""), stream=request._request
        )
        if upload.meeting_id is None:
            return Response(ChunkedUploadOutput(upload).data)
        return Response(ChunkedUploadDoneOutput(upload).data, status=status.HTTP_202_ACCEPTED)
