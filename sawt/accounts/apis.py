from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from sawt.accounts import services
from sawt.accounts.authentication import InvalidCredentials, login_attempt, password_check, password_confirm
from sawt.accounts.models import ApiToken, User
from sawt.accounts.serializers import (
    AccountDeleteInput,
    ApiTokenCreateInput,
    ApiTokenCreateOutput,
    ApiTokenOutput,
    MeSerializer,
    TokenObtainInput,
    TokenObtainOutput,
    WsTicketOutput,
)
from sawt.accounts.signed_in import request_user
from sawt.core.ownership import get_owned_or_404
from sawt.core.wsauth import issue_ticket


class TokenObtainApi(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes: list[Any] = []

    @extend_schema(request=TokenObtainInput, responses={201: TokenObtainOutput}, tags=["auth"])
    def post(self, request: Request) -> Response:
        data = TokenObtainInput(data=request.data)
        data.is_valid(raise_exception=True)
        # The username and password are the proof here: no current_password on top.
        user = login_attempt(
            request=request, username=data.validated_data["username"], password=data.validated_data["password"]
        )
        token, key = services.api_token_create(user=user, name=data.validated_data["name"])
        return Response({"token": key, "id": token.id}, status=status.HTTP_201_CREATED)


class WsTicketApi(APIView):
    @extend_schema(request=None, responses={201: WsTicketOutput}, tags=["auth"])
    def post(self, request: Request) -> Response:
        assert request.user.pk is not None
        ticket, ttl = issue_ticket(request.user.pk)
        return Response({"ticket": ticket, "expires_in": ttl}, status=status.HTTP_201_CREATED)


class ApiTokenListCreateApi(APIView):
    @extend_schema(responses=ApiTokenOutput(many=True), tags=["auth"])
    def get(self, request: Request) -> Response:
        tokens = ApiToken.objects.filter(owner_id=request.user.pk)
        return Response(ApiTokenOutput(tokens, many=True).data)

    @extend_schema(request=ApiTokenCreateInput, responses={201: ApiTokenCreateOutput}, tags=["auth"])
    def post(self, request: Request) -> Response:
        data = ApiTokenCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = request_user(request)
        password_confirm(request=request, user=user, password=data.validated_data.get("current_password"))
        token, key = services.api_token_create(user=user, name=data.validated_data["name"])
        body = ApiTokenOutput(token).data | {"token": key}
        return Response(body, status=status.HTTP_201_CREATED)


class ApiTokenDetailApi(APIView):
    @extend_schema(responses=ApiTokenOutput, tags=["auth"])
    def get(self, request: Request, token_id: int) -> Response:
        token = get_owned_or_404(ApiToken.objects.all(), request.user, pk=token_id)
        return Response(ApiTokenOutput(token).data)

    @extend_schema(responses={204: None}, tags=["auth"])
    def delete(self, request: Request, token_id: int) -> Response:
        token = get_owned_or_404(ApiToken.objects.all(), request.user, pk=token_id)
        services.api_token_revoke(token=token)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeApi(generics.RetrieveUpdateAPIView[User]):
    serializer_class = MeSerializer
    http_method_names = ["get", "patch", "delete", "options"]

    def get_object(self) -> User:
        return request_user(self.request)

    def perform_update(self, serializer: MeSerializer) -> None:  # type: ignore[override]
        # A new e-mail receives the password resets: changing it takes the password, not just a session or token.
        user = self.get_object()
        password = serializer.validated_data.pop("current_password", None)
        if "email" in serializer.validated_data and serializer.validated_data["email"] != user.email:
            password_confirm(request=self.request, user=user, password=password)
        serializer.save()

    @extend_schema(request=AccountDeleteInput, responses={204: None}, tags=["auth"])
    def delete(self, request: Request) -> Response:
        data = AccountDeleteInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = self.get_object()
        if not password_check(request=request, user=user, password=data.validated_data["password"]):
            raise InvalidCredentials("The password is not right.")
        services.account_delete(user=user)
        return Response(status=status.HTTP_204_NO_CONTENT)
