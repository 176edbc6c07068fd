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


class DeviceOutput(serializers.Serializer[None]):
    id = serializers.CharField()
    name = serializers.CharField()
    type = serializers.CharField()
    is_active = serializers.BooleanField()
    is_restricted = serializers.BooleanField(help_text="Takes no remote commands: playback cannot move there.")
    volume_percent = serializers.IntegerField(allow_null=True)


class PlaybackOutput(serializers.Serializer[None]):
    title = serializers.CharField()
    artist = serializers.CharField()
    album = serializers.CharField()
    artwork_url = serializers.CharField(help_text="The album artwork (about 300 px), or empty.")
    uri = serializers.CharField()
    is_playing = serializers.BooleanField()
    device = serializers.CharField()
    progress_ms = serializers.IntegerField()
    duration_ms = serializers.IntegerField()


class PlayerOutput(serializers.Serializer[None]):
    platform = serializers.ChoiceField(choices=Platform.choices)
    remote_devices = serializers.BooleanField(
        help_text="False for SoundCloud: it has no remote player, playback happens in the music page's widget."
    )
    devices = DeviceOutput(many=True)
    now_playing = PlaybackOutput(allow_null=True)
    message = serializers.CharField(help_text="What is playing, or why nothing is, in a sentence.")


class DeviceTransferOutput(PlayerOutput):
    moved = serializers.CharField(help_text="Where playback went, in a sentence.")


class PlayerQueryInput(serializers.Serializer[None]):
    platform = serializers.ChoiceField(choices=Platform.choices, required=False)


class DeviceTransferInput(serializers.Serializer[None]):
    platform = serializers.ChoiceField(choices=Platform.choices, required=False)
    device_id = serializers.CharField(max_length=200)
    play = serializers.BooleanField(
        default=False, help_text="Start playback on the device; false keeps it playing or paused as it was."
    )


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
