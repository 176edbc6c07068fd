from typing import Any

from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from sawt.accounts import services
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
from sawt.core import ratelimit
from sawt.core.errors import SawtError
from sawt.core.ownership import get_owned_or_404
from sawt.core.wsauth import issue_ticket


class InvalidCredentials(SawtError):
    code = "invalid_credentials"
    message = "Wrong username or password."
    status_code = status.HTTP_400_BAD_REQUEST


def check_login_attempt(request: Request | Any, username: str, password: str) -> User:
    """Authenticates; failed attempts count toward the `auth` limit, and over it every attempt gets 429."""
    ident = ratelimit.identity(request)
    retry_after = ratelimit.peek("auth", ident)
    if retry_after is not None:
        raise ratelimit.RateLimited(retry_after)
    user = authenticate(request, username=username, password=password)
    if user is None:
        retry_after = ratelimit.hit("auth", ident)
        if retry_after is not None:
            raise ratelimit.RateLimited(retry_after)
        raise InvalidCredentials()
    assert isinstance(user, User)
    return user


class TokenObtainApi(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes: list[Any] = []

    @extend_schema(request=TokenObtainInput, responses={201: TokenObtainOutput}, tags=["auth"])
    def post(self, request: Request) -> Response:
        data = TokenObtainInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = check_login_attempt(request, data.validated_data["username"], data.validated_data["password"])
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
        token, key = services.api_token_create(user=request.user, name=data.validated_data["name"])  # type: ignore[arg-type]
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
        assert isinstance(self.request.user, User)
        return self.request.user

    @extend_schema(request=AccountDeleteInput, responses={204: None}, tags=["auth"])
    def delete(self, request: Request) -> Response:
        data = AccountDeleteInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = self.get_object()
        if not user.check_password(data.validated_data["password"]):
            raise InvalidCredentials("The password is not right.")
        services.account_delete(user=user)
        return Response(status=status.HTTP_204_NO_CONTENT)
