from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from sawt.chat import selectors, services
from sawt.chat.models import ChatSession
from sawt.chat.serializers import ChatSessionDetailOutput, ChatSessionListOutput
from sawt.core.errors import ValidationFailed

EXPORT_TYPES = {"txt": "text/plain", "srt": "application/x-subrip", "vtt": "text/vtt"}


class ChatSessionListApi(generics.ListAPIView[ChatSession]):
    """Your sessions, newest first (paginated; the generic view gives the schema its page shape)."""

    serializer_class = ChatSessionListOutput

    def get_queryset(self) -> QuerySet[ChatSession]:
        return selectors.chat_session_list(user=self.request.user)

    @extend_schema(tags=["chat"])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class ChatSessionDetailApi(APIView):
    class RenameInput(serializers.Serializer[Any]):
        title = serializers.CharField(max_length=200, allow_blank=True)

    @extend_schema(responses=ChatSessionDetailOutput, tags=["chat"])
    def get(self, request: Request, session_id: int) -> Response:
        session = selectors.chat_session_get(user=request.user, session_id=session_id)
        return Response(ChatSessionDetailOutput(session).data)

    @extend_schema(request=RenameInput, responses=ChatSessionDetailOutput, tags=["chat"])
    def patch(self, request: Request, session_id: int) -> Response:
        """Rename the session (an empty title shows its date again)."""
        selectors.chat_session_get(user=request.user, session_id=session_id)  # someone else's: 404 first
        data = self.RenameInput(data=request.data)
        if not data.is_valid():
            raise ValidationFailed("title must be text of at most 200 characters.", details=data.errors)
        services.chat_session_rename(user=request.user, session_id=session_id, title=data.validated_data["title"])
        session = selectors.chat_session_get(user=request.user, session_id=session_id)
        return Response(ChatSessionDetailOutput(session).data)

    @extend_schema(responses={204: None}, tags=["chat"])
    def delete(self, request: Request, session_id: int) -> Response:
        """Delete the session and its messages."""
        services.chat_session_delete(user=request.user, session_id=session_id)
        return Response(status=204)


class ChatSessionExportApi(APIView):
    @extend_schema(
        responses={(200, t): OpenApiResponse(OpenApiTypes.STR) for t in EXPORT_TYPES.values()}, tags=["chat"]
    )
    def get(self, request: Request, session_id: int, kind: str) -> HttpResponse:
        """The session's lines as plain text (`txt`) or subtitles (`srt`, `vtt`), times from its start."""
        session = selectors.chat_session_get(user=request.user, session_id=session_id)
        body = selectors.chat_session_export(session=session, kind=kind)
        response = HttpResponse(body, content_type=f"{EXPORT_TYPES[kind]}; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="chat-{session.pk}.{kind}"'
        return response
