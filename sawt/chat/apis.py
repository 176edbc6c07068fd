from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from sawt.chat import selectors
from sawt.chat.serializers import ChatSessionDetailOutput, ChatSessionListOutput
from sawt.core.pagination import SawtPagination


class ChatSessionListApi(APIView):
    @extend_schema(responses=ChatSessionListOutput(many=True), tags=["chat"])
    def get(self, request: Request) -> Response:
        paginator = SawtPagination()
        page = paginator.paginate_queryset(selectors.chat_session_list(user=request.user), request, view=self)
        return paginator.get_paginated_response(ChatSessionListOutput(page, many=True).data)


class ChatSessionDetailApi(APIView):
    @extend_schema(responses=ChatSessionDetailOutput, tags=["chat"])
    def get(self, request: Request, session_id: int) -> Response:
        session = selectors.chat_session_get(user=request.user, session_id=session_id)
        return Response(ChatSessionDetailOutput(session).data)
