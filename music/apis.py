from pathlib import PurePosixPath
from typing import Any

from django.core.files.storage import default_storage
from django.db.models import QuerySet
from django.http import HttpResponseBase
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from music import selectors, services
from music.models import LibraryTrack, Playlist
from music.serializers import (
    AccountStatusOutput,
    ChatMessageInput,
    CommandOutput,
    DeviceTransferInput,
    DeviceTransferOutput,
    PlayerOutput,
    PlayerQueryInput,
    PlayerStateInput,
    PlaylistOutput,
    TrackOutput,
    TurnOutput,
    VoiceProcessInput,
)
from sawt.accounts.signed_in import request_user
from sawt.core.errors import NotFound
from sawt.core.ranges import ranged_file_response


def known_platform(platform: str) -> str:
    if platform not in selectors.PLATFORM_NAMES:
        raise NotFound(f"Unknown platform {platform!r}; use spotify or soundcloud.", code="unknown_platform")
    return platform


class VoiceProcessApi(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": VoiceProcessInput}, responses={200: CommandOutput}, tags=["music"])
    def post(self, request: Request) -> Response:
        data = VoiceProcessInput(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(services.voice_process(user=request_user(request), audio=data.validated_data["audio"]))


class ChatMessageApi(APIView):
    @extend_schema(request=ChatMessageInput, responses={200: CommandOutput}, tags=["music"])
    def post(self, request: Request) -> Response:
        data = ChatMessageInput(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(services.chat_message(user=request_user(request), text=data.validated_data["text"]))


class AccountsApi(APIView):
    @extend_schema(responses={200: AccountStatusOutput(many=True)}, tags=["music"])
    def get(self, request: Request) -> Response:
        user = request_user(request)
        return Response([selectors.account_status(owner=user, platform=p) for p in selectors.PLATFORM_NAMES])


class AccountStatusApi(APIView):
    @extend_schema(responses={200: AccountStatusOutput}, tags=["music"])
    def get(self, request: Request, platform: str) -> Response:
        return Response(selectors.account_status(owner=request_user(request), platform=known_platform(platform)))


class AccountDisconnectApi(APIView):
    @extend_schema(request=None, responses={204: None}, tags=["music"])
    def post(self, request: Request, platform: str) -> Response:
        services.account_disconnect(user=request_user(request), platform=known_platform(platform))
        return Response(status=204)


class AccountSyncApi(APIView):
    @extend_schema(
        request=None,
        responses={202: inline_serializer("SyncStarted", {"sync_run": serializers.IntegerField()})},
        tags=["music"],
    )
    def post(self, request: Request, platform: str) -> Response:
        run_id = services.account_sync(user=request_user(request), platform=known_platform(platform))
        return Response({"sync_run": run_id}, status=202)


class LibraryTracksApi(generics.ListAPIView[LibraryTrack]):
    serializer_class = TrackOutput

    @extend_schema(parameters=[OpenApiParameter("search", str), OpenApiParameter("platform", str)], tags=["music"])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[LibraryTrack]:
        params = self.request.query_params
        return selectors.library_tracks(
            owner=request_user(self.request), search=params.get("search", ""), platform=params.get("platform", "")
        )


class PlaylistsApi(generics.ListAPIView[Playlist]):
    serializer_class = PlaylistOutput

    @extend_schema(tags=["music"])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Playlist]:
        return selectors.playlists_list(owner=request_user(self.request))


class HistoryApi(APIView):
    @extend_schema(responses={200: TurnOutput(many=True)}, tags=["music"])
    def get(self, request: Request) -> Response:
        turns = selectors.turns_recent(owner=request_user(request), limit=50)
        return Response(TurnOutput(turns, many=True).data)

    @extend_schema(responses={204: None}, tags=["music"])
    def delete(self, request: Request) -> Response:
        services.chat_history_clear(user=request_user(request))
        return Response(status=204)


class TurnAudioApi(APIView):
    @extend_schema(
        responses={(200, "audio/wav"): bytes, (206, "audio/wav"): bytes},
        parameters=[OpenApiParameter("Range", str, OpenApiParameter.HEADER, required=False)],
        tags=["music"],
    )
    def get(self, request: Request, turn_id: int) -> HttpResponseBase:
        name = services.turn_audio_name(user=request_user(request), turn_id=turn_id)
        return ranged_file_response(
            request,
            storage=default_storage,
            name=name,
            filename=PurePosixPath(name).name,
            content_type="audio/wav",
            as_attachment=False,  # speech the server synthesized
        )


class PlayerStateApi(APIView):
    @extend_schema(request=PlayerStateInput, responses={204: None}, tags=["music"])
    def post(self, request: Request) -> Response:
        data = PlayerStateInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.player_state_report(user=request_user(request), **data.validated_data)
        return Response(status=204)


class PlayerApi(APIView):
    @extend_schema(parameters=[PlayerQueryInput], responses={200: PlayerOutput}, tags=["music"])
    def get(self, request: Request) -> Response:
        """The user's devices and what is playing now, read from the platform."""
        query = PlayerQueryInput(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response(services.player_overview(user=request_user(request), **query.validated_data))


class PlayerDeviceApi(APIView):
    @extend_schema(request=DeviceTransferInput, responses={200: DeviceTransferOutput}, tags=["music"])
    def put(self, request: Request) -> Response:
        """Moves playback to one of the user's devices (Spotify Connect; SoundCloud has none)."""
        data = DeviceTransferInput(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(services.player_device_transfer(user=request_user(request), **data.validated_data))
