import logging
import secrets
from collections.abc import Callable
from dataclasses import asdict
from typing import IO, Any, TypeVar

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from social_django.models import UserSocialAuth

from music.actions import MusicActionService, Outcome
from music.cache import user_scope
from music.dialog import DialogManager
from music.intents import Intent
from music.library import sync_run_start
from music.models import LibraryTrack, MusicAccount, PlayerState, Playlist, SearchCache, Turn
from music.oauth import AccountRevoked
from music.platforms import PlatformError
from music.players import NAMES, NO_REMOTE_PLAYER, Player, player_for
from music.selectors import account_get, platform_choose
from sawt.accounts.models import User
from sawt.core.errors import NotFound, RateLimited, SawtError, ValidationFailed
from sawt.core.storage import delete_folder

log = logging.getLogger(__name__)
T = TypeVar("T")

STATUSES = ("ok", "needs_account", "no_device", "premium_required", "not_found", "rate_limited", "error")
REPLIES_DIR = "music/replies"
# A spoken command is a few words: greedy decoding (1) answers sooner than the engine's beam search.
ASR_BEAM_SIZE = 1
ASR_PROMPT = (
    "Music commands. Write song titles in Latin letters, transliterated: play Nuvvu Nenantu, "
    "play Butta Bomma, play Kesariya on Spotify, pause, next, play it on SoundCloud."
)


def _reply(turn: Turn, transcript: str | None) -> dict[str, Any]:
    audio_url = reverse("music:turn-audio", kwargs={"turn_id": turn.pk}) if turn.audio_path else None
    body: dict[str, Any] = {
        "action": turn.action,
        "parameters": turn.parameters,
        "status": turn.status,
        "response_text": turn.response_text,
        "response_audio_url": audio_url,
    }
    if transcript is not None:
        body = {"transcript": transcript, **body}
    return body


def command_handle(*, user: User, text: str, transcript: str | None = None) -> Turn:
    """Understands `text` with the user's dialog history, acts on it, and records the turn."""
    text = " ".join(text.split())[:500]
    if not text:
        outcome, intent = Outcome("error", "I didn't catch anything. Please say that again."), Intent("CHAT")
    else:
        dialog = DialogManager(user)
        intent = dialog.understand(text)
        try:
            outcome = MusicActionService(user, dialog).execute(intent)
        except Exception:
            # The action stays in the reply even when carrying it out fails unexpectedly.
            log.exception("music action %s failed", intent.action)
            outcome = Outcome("error", "Something went wrong on my side; nothing was played.")
    parameters = {**intent.parameters, **outcome.parameters}
    if outcome.platform:
        parameters["platform"] = outcome.platform
    assert outcome.status in STATUSES, outcome.status
    return Turn.objects.create(
        owner=user,
        text=text or "",
        transcript=transcript or "",
        action=intent.action,
        parameters=parameters,
        status=outcome.status,
        response_text=outcome.text,
        platform=outcome.platform,
    )


def chat_message(*, user: User, text: str) -> dict[str, Any]:
    return _reply(command_handle(user=user, text=text), None)


def voice_process(*, user: User, audio: IO[bytes]) -> dict[str, Any]:
    """Transcribes (titles transliterated to Latin script by the prompt), acts, and speaks the reply."""
    from sawt.speech.audio import SAMPLE_RATE, AudioDecodeError, decode_audio
    from sawt.speech.stream_scheduler import decode_batch
    from sawt.speech.streaming import once_each
    from sawt.speech.vad import speech_timestamps

    try:
        samples = decode_audio(audio, min_seconds=0.2, max_seconds=30.0)
    except AudioDecodeError as exc:
        raise ValidationFailed(exc.message, code=f"audio_{exc.code}") from exc
    transcript = ""
    spans = speech_timestamps(samples, speech_pad_ms=200)
    if spans:  # silence alone would be "heard" as the prompt's words
        # Only the speech, decoded in one short window (as live speech is), not Whisper's 30 s one.
        speech = samples[int(spans[0].start * SAMPLE_RATE) : int(spans[-1].end * SAMPLE_RATE)]
        [heard] = decode_batch(
            [speech],
            language="en",
            beam_size=ASR_BEAM_SIZE,
            prompt_text=asr_prompt(user),
            config=asr_config(),
        )
        transcript = once_each(heard.text)
    turn = command_handle(user=user, text=transcript, transcript=transcript)
    turn_speak(turn=turn)
    return _reply(turn, transcript)


def asr_prompt(user: User) -> str:
    """The transliteration prompt, then names from the user's library (artists, playlists, titles), so
    Whisper spells "Nuvvu Nenantu" the way the library does."""
    from music.selectors import library_prompt_names

    names = library_prompt_names(owner=user)
    return f"{ASR_PROMPT} {', '.join(names)}." if names else ASR_PROMPT


def asr_config() -> Any:
    """The engine's configuration with the music model: English-only models ignore the transliteration prompt
    ("play nuvvu nenantu" comes out as "Play Nuv" from tiny.en), the multilingual one follows it."""
    from sawt.speech.config import get_config

    config = get_config()
    return config.replace(asr_model=settings.MUSIC_ASR_MODEL) if settings.MUSIC_ASR_MODEL else config


def turn_speak(*, turn: Turn) -> None:
    from sawt.speech import tts

    try:
        wav = tts.synthesize(turn.response_text).wav_bytes()
    except tts.TTSError:
        log.exception("music reply could not be spoken")
        return
    relative = f"{REPLIES_DIR}/{turn.owner_id}/{secrets.token_hex(16)}.wav"
    turn.audio_path = default_storage.save(relative, ContentFile(wav))
    turn.save(update_fields=["audio_path"])


def turn_audio_name(*, user: User, turn_id: int) -> str:
    """The storage name of the user's spoken reply; NotFound when there is none."""
    turn = Turn.objects.filter(owner=user, pk=turn_id).exclude(audio_path="").first()
    if turn is None or not default_storage.exists(turn.audio_path):
        raise NotFound()
    return turn.audio_path


def account_disconnect(*, user: User, platform: str) -> None:
    """Forgets the tokens, the social-auth link and the synced library of one platform."""
    with transaction.atomic():
        MusicAccount.objects.filter(owner=user, platform=platform).delete()
        UserSocialAuth.objects.filter(user=user, provider=platform).delete()
        LibraryTrack.objects.filter(owner=user, platform=platform).delete()
        Playlist.objects.filter(owner=user, platform=platform).delete()
        PlayerState.objects.filter(owner=user, platform=platform).delete()
        SearchCache.objects.filter(scope=user_scope(user.pk), platform=platform).delete()
        remaining = MusicAccount.objects.filter(owner=user).order_by("connected_at").first()
        if remaining and not MusicAccount.objects.filter(owner=user, is_preferred=True).exists():
            MusicAccount.objects.filter(pk=remaining.pk).update(is_preferred=True)


def account_sync(*, user: User, platform: str) -> int:
    account = MusicAccount.objects.filter(owner=user, platform=platform).first()
    if account is None:
        raise NotFound(f"{platform} is not connected.")
    return sync_run_start(account=account).pk


def player_state_report(
    *, user: User, platform: str, uri: str, title: str, state: str, volume: int | None
) -> PlayerState:
    """The widget's own report of what it is doing: the only source of "playing" for SoundCloud."""
    defaults: dict[str, Any] = {"platform": platform, "uri": uri, "title": title[:500], "state": state}
    if volume is not None:
        defaults["volume"] = max(0, min(100, volume))
    player, _ = PlayerState.objects.update_or_create(owner=user, defaults=defaults)
    return player


def replies_delete(user: User) -> None:
    """Account deletion: the spoken replies on disk and the user's cache entries go with the rows."""
    delete_folder(default_storage, f"{REPLIES_DIR}/{user.pk}")
    SearchCache.objects.filter(scope=user_scope(user.pk)).delete()


def chat_history_clear(*, user: User) -> None:
    for turn in Turn.objects.filter(owner=user).exclude(audio_path=""):
        default_storage.delete(turn.audio_path)
    Turn.objects.filter(owner=user).delete()


# --- the player card: devices and what is playing now ---------------------------------------------------

# A reply status (an Outcome's or a PlatformError's) -> the player API's error code and HTTP status. "error"
# is the platform failing (502) unless it refused (a 403, or a device that takes no commands: 409 refused).
PLAYER_ERRORS = {
    "needs_account": ("needs_account", 409),
    "no_device": ("no_device", 404),
    "premium_required": ("premium_required", 403),
    "not_found": ("not_found", 404),
    "error": ("provider_error", 502),
}
REFUSED = ("refused", 409)


class PlayerUnavailable(SawtError):
    """The player cannot be read or driven: not connected, no such device, Premium needed, the platform failed.
    `code` is the reply status the commands use (needs_account, no_device, ...), or provider_error."""

    code = "provider_error"
    status_code = 502


def _player(user: User, platform: str | None) -> Player:
    chosen = platform_choose(owner=user, requested=platform)
    account = account_get(owner=user, platform=chosen) if chosen else None
    if account is None:
        name = NAMES.get(platform or "", "Spotify or SoundCloud")
        raise PlayerUnavailable(
            f"{name} isn't connected. Connect it on the music page first.", code="needs_account", status_code=409
        )
    return player_for(user, account)


def _on_platform(player: Player, call: Callable[[], T]) -> T:
    """Runs a player call; the platform's refusals leave as the API's errors, in the same words."""
    name = NAMES[player.platform]
    try:
        return call()
    except AccountRevoked as exc:
        raise PlayerUnavailable(
            f"{name} no longer accepts Sawt's access. Reconnect {name} on the music page.",
            code="needs_account",
            status_code=409,
        ) from exc
    except PlatformError as exc:
        if exc.status == "rate_limited":
            raise RateLimited(exc.retry_after or 1, message=exc.message) from exc
        code, status_code = REFUSED if exc.http_status == 403 else PLAYER_ERRORS.get(exc.status, PLAYER_ERRORS["error"])
        raise PlayerUnavailable(exc.message, code=code, status_code=status_code) from exc


def player_overview(*, user: User, platform: str | None = None) -> dict[str, Any]:
    """The user's devices and what is playing now, read from the platform (platform: the one named, else the
    preferred account, else the connected one), with a sentence saying it."""
    player = _player(user, platform)
    devices = _on_platform(player, player.devices) if player.remote_devices else []
    playing = _on_platform(player, player.playback)
    name = NAMES[player.platform]
    if playing is not None:
        what = f"{playing.title} by {playing.artist}" if playing.artist else playing.title
        verb = "Playing" if playing.is_playing else "Paused:"
        message = f"{verb} {what} on {playing.device or name}."
    elif not player.remote_devices:
        message = NO_REMOTE_PLAYER
    elif not devices:
        message = f"No {name} device is open. Open {name} on a phone, computer or speaker and it will show up here."
    else:
        message = f"Nothing is playing on {name} right now."
    return {
        "platform": player.platform,
        "remote_devices": player.remote_devices,
        "devices": [asdict(d) for d in devices],
        "now_playing": asdict(playing) if playing else None,
        "message": message,
    }


def player_device_transfer(*, user: User, device_id: str, play: bool, platform: str | None = None) -> dict[str, Any]:
    """Moves playback to one of the user's devices (play: start there; else keep playing or paused), then
    answers the overview, with `moved` saying where playback went."""
    player = _player(user, platform)
    if not player.remote_devices:
        raise PlayerUnavailable(NO_REMOTE_PLAYER, code="no_remote_player", status_code=409)
    outcome = _on_platform(player, lambda: player.transfer(device_id, play))
    if outcome.status != "ok":
        # An outcome is the player's own judgement, never the platform failing: its "error" is a refusal.
        code, status_code = REFUSED if outcome.status == "error" else PLAYER_ERRORS[outcome.status]
        raise PlayerUnavailable(outcome.text, code=code, status_code=status_code, details=outcome.parameters)
    return {**player_overview(user=user, platform=player.platform), "moved": outcome.text}
