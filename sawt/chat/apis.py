from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from sawt.chat import selectors
from sawt.chat.models import ChatSession
from sawt.chat.serializers import ChatSessionDetailOutput, ChatSessionListOutput


class ChatSessionListApi(generics.ListAPIView[ChatSession]):
    """Your sessions, newest first (paginated; the generic view gives the schema its page shape)."""

    serializer_class = ChatSessionListOutput

    def get_queryset(self) -> QuerySet[ChatSession]:
        return selectors.chat_session_list(user=self.request.user)

    @extend_schema(tags=["chat"])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class ChatSessionDetailApi(APIView):
    @extend_schema(responses=ChatSessionDetailOutput, tags=["chat"])
    def get(self, request: Request, session_id: int) -> Response:
        session = selectors.chat_session_get(user=request.user, session_id=session_id)
        return Response(ChatSessionDetailOutput(session).data)
