"""API routes under /api/v1/music/."""

from django.urls import path

from music import apis, views

app_name = "music"
urlpatterns = [
    path("voice/process", apis.VoiceProcessApi.as_view(), name="voice-process"),
    path("chat/message", apis.ChatMessageApi.as_view(), name="chat-message"),
    path("history", apis.HistoryApi.as_view(), name="history"),
    path("turns/<int:turn_id>/audio", apis.TurnAudioApi.as_view(), name="turn-audio"),
    path("player", apis.PlayerApi.as_view(), name="player"),
    path("player/device", apis.PlayerDeviceApi.as_view(), name="player-device"),
    path("player/state", apis.PlayerStateApi.as_view(), name="player-state"),
    path("accounts", apis.AccountsApi.as_view(), name="accounts"),
    path("adapter/<str:platform>/login", views.oauth_login, name="adapter-login"),
    path("adapter/<str:platform>/callback", views.oauth_callback, name="adapter-callback"),
    path("adapter/<str:platform>/status", apis.AccountStatusApi.as_view(), name="adapter-status"),
    path("adapter/<str:platform>/disconnect", apis.AccountDisconnectApi.as_view(), name="adapter-disconnect"),
    path("adapter/<str:platform>/sync", apis.AccountSyncApi.as_view(), name="adapter-sync"),
    path("library/tracks", apis.LibraryTracksApi.as_view(), name="library-tracks"),
    path("library/playlists", apis.PlaylistsApi.as_view(), name="library-playlists"),
]
