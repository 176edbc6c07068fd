"""`manage.py bench music`: command latency per cache tier, voice round trip, offline intent accuracy.

Runs in-process through the whole Django stack (test client) against the local fake Spotify, inside a
transaction that is rolled back, so the database is left as it was (it must be migrated).
"""

import io
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings
from rest_framework.test import APIClient

from sawt.core.bench import register


class _Rollback(Exception):
    pass


def _p50(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 2)


def _timed(call: Callable[[], Any], n: int) -> list[float]:
    times = []
    for _ in range(n):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return times


def intent_accuracy() -> dict[str, Any]:
    from music.grammar import parse_offline

    path = Path(settings.BASE_DIR) / "tests" / "music" / "commands.tsv"
    rows = [line.split("\t") for line in path.read_text().splitlines() if line and not line.startswith("#")]
    started = time.perf_counter()
    correct = sum(parse_offline(text).action == want for text, want in rows)
    return {
        "intent_commands": len(rows),
        "intent_accuracy": round(correct / len(rows), 4),
        "intent_ms_per_command": round((time.perf_counter() - started) / len(rows) * 1000, 2),
    }


def snips_scores() -> dict[str, Any]:
    """The parser on the SNIPS NLU PlayMusic and AddToPlaylist training sets (read in place)."""
    from music.nlu_eval import data_dir, score

    out: dict[str, Any] = {}
    for intent in ("PlayMusic", "AddToPlaylist"):
        if not (data_dir() / f"snips_train_{intent}.json").exists():
            out[f"snips_{intent}"] = "data set not found"
            continue
        started = time.perf_counter()
        scores = score(intent)
        scores.pop("misses")
        scores["ms_per_request"] = round((time.perf_counter() - started) / scores["examples"] * 1000, 2)
        out[f"snips_{intent}"] = scores
    return out


@register("music", "music: command p50 per cache tier, voice p50, offline intent accuracy, SNIPS slot scores")
def bench_music(options: dict[str, Any]) -> dict[str, Any]:
    from sawt.testing.spotify import FakeSpotify

    result: dict[str, Any] = {"load_average_1m": round(os.getloadavg()[0], 2), "cpus": os.cpu_count()}
    result |= intent_accuracy()
    result |= snips_scores()
    fake = FakeSpotify().start()
    n = 10 if options.get("quick") else 50
    try:
        with override_settings(
            MUSIC_SPOTIFY_ACCOUNTS_URL=fake.url,
            MUSIC_SPOTIFY_API_URL=fake.url,
            MUSIC_SPOTIFY_CLIENT_ID=fake.client_id,
            MUSIC_SPOTIFY_CLIENT_SECRET=fake.client_secret,
            MUSIC_USE_LLM=False,
        ):
            try:
                with transaction.atomic():
                    result |= _measure(fake, n, voice_runs=3 if options.get("quick") else 10)
                    raise _Rollback
            except _Rollback:
                pass
    finally:
        fake.stop()
    result["load_average_1m_after"] = round(os.getloadavg()[0], 2)
    return result


def _measure(fake: Any, n: int, voice_runs: int) -> dict[str, Any]:
    from datetime import timedelta

    from django.utils import timezone

    from music.models import MusicAccount, SearchCache
    from sawt.accounts.models import User

    user = User.objects.create_user(f"bench-music-{time.time_ns()}", password=None)
    tokens = fake.issue_tokens(fake.user_id)
    MusicAccount.objects.create(
        owner=user,
        platform="spotify",
        access_token=tokens["access_token"],
        refresh_token=tokens["refresh_token"],
        is_preferred=True,
        expires_at=timezone.now() + timedelta(hours=1),
    )
    client = APIClient()
    client.force_authenticate(user)

    def say(text: str) -> dict[str, Any]:
        body: dict[str, Any] = client.post("/api/v1/music/chat/message", {"text": text}, format="json").json()
        return body

    out: dict[str, Any] = {}
    cache.clear()  # a run a few minutes earlier left its answers in tier 1
    assert say("search for nuvvu nenantu")["parameters"]["cache"] == "api"  # tier 3, written back
    assert say("search for nuvvu nenantu")["parameters"]["cache"] == "redis"
    out["text_search_tier1_p50_ms"] = _p50(_timed(lambda: say("search for nuvvu nenantu"), n))
    out["text_play_tier1_p50_ms"] = _p50(_timed(lambda: say("play nuvvu nenantu"), n))

    def tier2() -> None:
        cache.clear()  # drops tier 1 only; the SearchCache row stays
        assert say("search Nuvvu-Nenantu song")["parameters"]["cache"] == "table"

    out["text_search_tier2_p50_ms"] = _p50(_timed(tier2, n))

    def tier3() -> None:
        cache.clear()
        SearchCache.objects.all().delete()  # inside the rolled-back transaction
        assert say("play butta bomma")["parameters"]["cache"] == "api"

    out["text_play_api_p50_ms"] = _p50(_timed(tier3, n))
    out |= _voice(client, voice_runs)
    return out


def _voice(client: APIClient, runs: int) -> dict[str, Any]:
    from sawt.speech import config as speech_config
    from sawt.speech import tts

    speech = tts.synthesize("hey sam, could you please play nuvvu nenantu on spotify for me")
    before = speech_config.get_config()
    # The reply cache would make every spoken reply after the first free; measure real synthesis.
    speech_config.configure(before.replace(tts_cache=False))
    try:

        def once() -> None:
            audio = io.BytesIO(speech.wav_bytes())
            audio.name = "command.wav"
            body = client.post("/api/v1/music/voice/process", {"audio": audio}, format="multipart").json()
            assert body["action"] == "PLAY" and body["response_audio_url"], body

        once()  # loads the ASR model
        times = _timed(once, runs)
    finally:
        speech_config.configure(before)
    return {
        "voice_speech_seconds": round(speech.duration, 2),
        "voice_p50_ms": _p50(times),
        "voice_runs": runs,
        "asr_model": settings.MUSIC_ASR_MODEL or "engine default",
    }
