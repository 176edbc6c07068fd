"""The meetings API: one view per operation; reads via selectors, writes via services."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from meetings import selectors, services
from meetings.exports import FORMATS, meeting_export
from meetings.live import live_meeting_create
from meetings.models import ChunkedUpload, Participant, Speaker
from meetings.serializers import (
    ChunkedUploadInput,
    JobOutput,
    LiveInput,
    MeetingOutput,
    MeetingPageOutput,
    MeetingUpdateInput,
    ParticipantOutput,
    SegmentUpdateInput,
    ShareInput,
    ShareOutput,
    SpeakerMergeInput,
    SpeakerUpdateInput,
    SummaryOutput,
    UploadAcceptedOutput,
    UploadInput,
)
from meetings.uploads import chunked_upload_append, chunked_upload_cancel, chunked_upload_create
from sawt.core.errors import NotFound, ValidationFailed
from sawt.core.pagination import SawtPagination, paginated_response
from sawt.core.ranges import file_headers, ranged_file_response


class MeetingListCreateApi(APIView):
    parser_classes = [MultiPartParser, FormParser]
    throttle_scopes = {"POST": "upload"}  # listing is an ordinary API call

    @extend_schema(operation_id="meetings_list", parameters=[OpenApiParameter("q", str)], responses=MeetingPageOutput)
    def get(self, request: Request) -> Response:
        meetings = selectors.meeting_list(user=request.user, query=request.query_params.get("q", "").strip())
        return paginated_response(request, self, meetings, MeetingOutput)

    @extend_schema(request=UploadInput, responses={202: UploadAcceptedOutput})
    def post(self, request: Request) -> Response:
        data = UploadInput(data=request.data)
        data.is_valid(raise_exception=True)
        meeting, job = services.meeting_create_from_upload(owner=request.user, **data.validated_data)
        job.refresh_from_db()
        meeting.refresh_from_db()
        return Response({"id": meeting.pk, "status": meeting.status, "job": JobOutput(job).data}, status=202)


class LiveMeetingCreateApi(APIView):
    """Start a live meeting; then stream PCM16 16 kHz frames to the returned socket."""

    @extend_schema(request=LiveInput, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        data = LiveInput(data=request.data)
        data.is_valid(raise_exception=True)
        meeting = live_meeting_create(owner=request.user, **data.validated_data)
        return Response(
            {"id": meeting.pk, "status": meeting.status, "socket": f"/ws/meetings/{meeting.pk}/live/"}, status=201
        )


class MeetingDetailApi(APIView):
    @extend_schema(responses=MeetingOutput)
    def get(self, request: Request, meeting_id: int) -> Response:
        meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
        body = MeetingOutput(meeting).data
        body["role"] = meeting.role_of(request.user)
        return Response(body)

    @extend_schema(request=MeetingUpdateInput, responses=MeetingOutput)
    def patch(self, request: Request, meeting_id: int) -> Response:
        meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id, edit=True)
        data = MeetingUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(MeetingOutput(services.meeting_update(meeting=meeting, **data.validated_data)).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, meeting_id: int) -> Response:
        meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
        if meeting.owner_id != request.user.pk:
            raise selectors.ReadOnly("Only the owner can delete a meeting.")
        services.meeting_delete(meeting=meeting)
        return Response(status=204)


class TranscriptApi(APIView):
    @extend_schema(request=None, responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, meeting_id: int) -> Response:
        meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
        return Response(selectors.transcript_get(meeting=meeting))


class SummaryApi(APIView):
    @extend_schema(responses=SummaryOutput)
    def get(self, request: Request, meeting_id: int) -> Response:
        meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
        summary = getattr(meeting, "summary", None)
        if summary is None:
            raise NotFound("This meeting has no summary yet.", code="no_summary")
        return Response(SummaryOutput(summary).data)


class SummaryRegenerateApi(APIView):
    @extend_schema(request=None, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request, meeting_id: int) -> Response:
        meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id, edit=True)
        services.summary_regenerate(meeting=meeting)
        return Response({"status": "queued"}, status=202)


class _FormatIsOurs(DefaultContentNegotiation):
    """`?format=` names the export format here, not a DRF renderer."""

    def select_renderer(self, request: Any, renderers: Iterable[Any], format_suffix: str | None = None) -> Any:
        first = next(iter(renderers))
        return first, first.media_type


class ExportApi(APIView):
    content_negotiation_class = _FormatIsOurs

    @extend_schema(
        parameters=[OpenApiParameter("format", str, enum=list(FORMATS))], responses={(200, "*/*"): OpenApiTypes.BINARY}
    )
    def get(self, request: Request, meeting_id: int) -> HttpResponse:
        meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
        fmt = request.query_params.get("format", "txt")
        if fmt not in FORMATS:
            raise ValidationFailed(f"format must be one of {', '.join(FORMATS)}.")
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
        responses={(200, "*/*"): OpenApiTypes.BINARY, (206, "*/*"): OpenApiTypes.BINARY},
    )
    def get(self, request: Request, meeting_id: int) -> HttpResponseBase:
        meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
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
    @extend_schema(request=SegmentUpdateInput, responses=OpenApiTypes.OBJECT)
    def patch(self, request: Request, segment_id: int) -> Response:
        segment = selectors.segment_get(user=request.user, segment_id=segment_id, edit=True)
        data = SegmentUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        speaker = None
        if "speaker_id" in data.validated_data:
            speaker = Speaker.objects.filter(
                pk=data.validated_data["speaker_id"], meeting_id=segment.meeting_id
            ).first()
            if speaker is None:
                raise ValidationFailed("No such speaker in this meeting.")
        segment = services.segment_update(segment=segment, text=data.validated_data.get("text"), speaker=speaker)
        return Response({"id": segment.pk, "text": segment.text, "speaker_id": segment.speaker_id, "edited": True})


class SpeakerUpdateApi(APIView):
    @extend_schema(request=SpeakerUpdateInput, responses=OpenApiTypes.OBJECT)
    def patch(self, request: Request, speaker_id: int) -> Response:
        speaker = selectors.speaker_get(user=request.user, speaker_id=speaker_id, edit=True)
        data = SpeakerUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = None
        if username := data.validated_data.get("username"):
            user = get_user_model().objects.filter(username=username).first()
            if user is None:
                raise ValidationFailed("No such user.")
        speaker = services.speaker_update(
            speaker=speaker, display_name=data.validated_data.get("display_name"), user=user
        )
        return Response({"id": speaker.pk, "label": speaker.label, "name": speaker.name, "user": speaker.user_id})


class SpeakerMergeApi(APIView):
    @extend_schema(request=SpeakerMergeInput, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request, speaker_id: int) -> Response:
        source = selectors.speaker_get(user=request.user, speaker_id=speaker_id, edit=True)
        data = SpeakerMergeInput(data=request.data)
        data.is_valid(raise_exception=True)
        target = Speaker.objects.filter(pk=data.validated_data["into"], meeting_id=source.meeting_id).first()
        if target is None:
            raise ValidationFailed("No such speaker in this meeting.")
        merged = services.speaker_merge(source=source, target=target)
        return Response({"id": merged.pk, "name": merged.name})


class ParticipantListCreateApi(APIView):
    @extend_schema(request=None, responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, meeting_id: int) -> Response:
        meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
        return Response(ParticipantOutput(meeting.participants.select_related("user"), many=True).data)

    @extend_schema(request=ShareInput, responses={202: ShareOutput})
    def post(self, request: Request, meeting_id: int) -> Response:
        """Answers alike whether or not the username exists, so that it cannot be used to probe
        for accounts; only a real account becomes a participant."""
        meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
        if meeting.owner_id != request.user.pk:
            raise selectors.ReadOnly("Only the owner can share a meeting.")
        data = ShareInput(data=request.data)
        data.is_valid(raise_exception=True)
        username, role = data.validated_data["username"], data.validated_data["role"]
        user = get_user_model().objects.filter(username=username).first()
        if user is not None:
            services.meeting_share(meeting=meeting, user=user, role=role)
        message = f"If “{username}” has an account, they can now open this meeting."
        return Response({"username": username, "role": role, "message": message}, status=status.HTTP_202_ACCEPTED)


class ParticipantDeleteApi(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request: Request, participant_id: int) -> Response:
        participant = get_object_or_404(
            Participant.objects.filter(meeting__owner_id=request.user.pk, meeting__deleted_at__isnull=True),
            pk=participant_id,
        )
        services.meeting_unshare(meeting=participant.meeting, user_id=participant.user_id)
        return Response(status=204)


class JobDetailApi(APIView):
    @extend_schema(responses=JobOutput)
    def get(self, request: Request, job_id: int) -> Response:
        return Response(JobOutput(selectors.job_get(user=request.user, job_id=job_id)).data)


class JobRetryApi(APIView):
    @extend_schema(request=None, responses={202: JobOutput})
    def post(self, request: Request, job_id: int) -> Response:
        job = selectors.job_get(user=request.user, job_id=job_id)
        selectors.meeting_get(user=request.user, meeting_id=job.meeting_id, edit=True)
        return Response(JobOutput(services.job_retry(job=job)).data, status=202)


class SearchApi(APIView):
    @extend_schema(parameters=[OpenApiParameter("q", str, required=True)], responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        query = request.query_params.get("q", "").strip()
        if not query:
            raise ValidationFailed("q is required.")
        hits = selectors.segment_search(user=request.user, query=query)
        paginator = SawtPagination()
        page = paginator.paginate_queryset(hits, request, view=self)
        results = [
            {
                "meeting": s.meeting_id,
                "meeting_title": s.meeting.title,
                "segment": s.pk,
                "start": s.start,
                "speaker": s.speaker.name if s.speaker else None,
                "text": s.text,
            }
            for s in page or []
        ]
        return paginator.get_paginated_response(results)


class ChunkedUploadCreateApi(APIView):
    throttle_scopes = {"POST": "upload"}  # uploads started count; their chunks are ordinary API calls

    @extend_schema(request=ChunkedUploadInput, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        data = ChunkedUploadInput(data=request.data)
        data.is_valid(raise_exception=True)
        upload = chunked_upload_create(owner=request.user, **data.validated_data)
        return Response(_upload_body(upload), status=201)


class ChunkedUploadApi(APIView):
    """`PUT` one `Content-Range` chunk (application/octet-stream); `GET` says how much arrived; `DELETE`
    cancels an unfinished upload."""

    parser_classes: list[Any] = []  # the body is raw bytes, read as a stream

    @extend_schema(request=None, responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, upload_id: int) -> Response:
        return Response(_upload_body(get_object_or_404(ChunkedUpload, pk=upload_id, owner_id=request.user.pk)))

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, upload_id: int) -> Response:
        get_object_or_404(ChunkedUpload, pk=upload_id, owner_id=request.user.pk)
        chunked_upload_cancel(upload_id=upload_id)
        return Response(status=204)

    @extend_schema(
        request={"application/octet-stream": OpenApiTypes.BINARY},
        parameters=[OpenApiParameter("Content-Range", str, OpenApiParameter.HEADER, required=True)],
        responses={200: OpenApiTypes.OBJECT, 202: OpenApiTypes.OBJECT},
    )
    def put(self, request: Request, upload_id: int) -> Response:
        get_object_or_404(ChunkedUpload, pk=upload_id, owner_id=request.user.pk)
        upload = chunked_upload_append(
            upload_id=upload_id, content_range=request.headers.get("Content-Range", ""), stream=request._request
        )
        if upload.meeting_id is None:
            return Response(_upload_body(upload))
        meeting = upload.meeting
        assert meeting is not None
        job = meeting.jobs.first()
        return Response(
            {
                **_upload_body(upload),
                "id": meeting.pk,
                "status": meeting.status,
                "job": JobOutput(job).data if job else None,
            },
            status=202,
        )


def _upload_body(upload: ChunkedUpload) -> dict[str, Any]:
    return {
        "upload": upload.pk,
        "received": upload.received,
        "size": upload.size,
        "meeting": upload.meeting_id,
        "chunk_limit": settings.MEETINGS_CHUNK_BYTES,
    }
