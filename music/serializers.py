from rest_framework import serializers

from music.models import LibraryTrack, Platform, Playlist, Turn


class CommandOutput(serializers.Serializer[None]):
    transcript = serializers.CharField(required=False)
    action = serializers.CharField()
    parameters = serializers.DictField()
    status = serializers.ChoiceField(
        choices=["ok", "needs_account", "no_device", "premium_required", "not_found", "rate_limited", "error"]
    )
    response_text = serializers.CharField()
    response_audio_url = serializers.CharField(allow_null=True)


class ChatMessageInput(serializers.Serializer[None]):
    text = serializers.CharField(max_length=500, allow_blank=True, trim_whitespace=True)


class VoiceProcessInput(serializers.Serializer[None]):
    audio = serializers.FileField()


class AccountStatusOutput(serializers.Serializer[None]):
    platform = serializers.CharField()
    connected = serializers.BooleanField()
    needs_reconnect = serializers.BooleanField()
    display_name = serializers.CharField()
    preferred = serializers.BooleanField()
    connected_at = serializers.DateTimeField(allow_null=True)
    last_synced_at = serializers.DateTimeField(allow_null=True)
    tracks = serializers.IntegerField()
    playlists = serializers.IntegerField()
    sync = serializers.DictField(allow_null=True)


class PlayerStateInput(serializers.Serializer[None]):
    # Only the SoundCloud widget reports today; the same choices as the models keep one enum in the schema.
    platform = serializers.ChoiceField(choices=Platform.choices)
    uri = serializers.CharField(max_length=300, allow_blank=True)
    title = serializers.CharField(max_length=500, allow_blank=True, required=False, default="")
    state = serializers.ChoiceField(choices=["loading", "playing", "paused", "finished", "error"])
    volume = serializers.IntegerField(min_value=0, max_value=100, required=False, allow_null=True, default=None)


class TrackOutput(serializers.ModelSerializer[LibraryTrack]):
    class Meta:
        model = LibraryTrack
        fields = ["id", "platform", "uri", "title", "artist", "album", "duration_ms", "is_saved"]


class PlaylistOutput(serializers.ModelSerializer[Playlist]):
    class Meta:
        model = Playlist
        fields = ["id", "platform", "uri", "name", "track_count"]


class TurnOutput(serializers.ModelSerializer[Turn]):
    class Meta:
        model = Turn
        fields = [
            "id",
            "text",
            "transcript",
            "action",
            "parameters",
            "status",
            "response_text",
            "platform",
            "created_at",
        ]
