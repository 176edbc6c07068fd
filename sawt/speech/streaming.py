"""Live transcription of a PCM stream: partial text while someone speaks, final segments after.

``StreamingTranscriber`` takes PCM16LE mono 16 kHz chunks (``push``) and yields ``Partial`` and
``Final`` events (``events``), then ``Done`` after ``stop``:

- Silero VAD (faster-whisper's model, run chunk by chunk with its state carried over) gates the
  decoder: silence and noise never reach Whisper, so they produce no text.
- When speech pauses, the final decode starts at once (speculatively); it is kept and sent once
  the pause has lasted ``endpoint_silence`` seconds (``short_endpoint`` after a very short
  segment), and dropped if the speaker goes on. A listener may set ``end_of_turn`` (the decoded
  text -> a pause that ends it sooner; looked at again as soon as the decode comes back): a phone
  call ends "yes" sooner than "for", the chat a closed sentence sooner than a clause.
- Partials: the newest hypothesis is split into a confirmed prefix (words two successive
  hypotheses agree on, never rewritten afterwards) and an unstable tail.
- No audio between two finals is skipped: the next utterance starts where the previous final's
  decoded audio ended, so a word the VAD scores low (a quiet "but", a clause begun softly after a
  short pause) is decoded with what follows it. Only a gap longer than ``max_gap`` loses its start.
- Memory is bounded: only the current utterance (at most ``max_utterance`` seconds, cut at the
  quietest moment when longer) and at most ``max_gap`` of audio since the last final are kept, so
  an hour costs what a minute does.
- ``stop`` sends a final for everything said, waits for every final, then ``Done``.

Decoding goes through the shared ``DecodeScheduler`` (one model per process for all streams).
``language``, ``config`` (which model, as ``SpeechConfig.asr_model`` names it; ``None`` is the
engine's default) and ``prompt`` (Whisper's previous-text prompt: vocabulary, what was asked) are read
at each decode, so a caller may switch them between utterances.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import re
import zlib
from collections import deque
from collections.abc import AsyncIterator, Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from sawt.speech.config import SpeechConfig
from sawt.speech.stream_scheduler import SAMPLE_RATE, DecodeScheduler, Hypothesis, get_scheduler

FloatArray = npt.NDArray[np.float32]
VAD_CHUNK = 512  # samples per Silero step (32 ms)
_VAD_CONTEXT = 64
LOOP_BEAM = 5  # a final whose greedy reading loops is decoded again with a beam this wide


@dataclass(frozen=True)
class StreamOptions:
    vad_threshold: float = 0.5
    vad_off_threshold: float = 0.35
    endpoint_silence: float = 0.3
    speculate_after: float = 0.1
    min_speech: float = 0.1
    speech_pad: float = 0.3
    max_gap: float = 2.0
    # A segment with less speech than `short_speech` ("and", "uh", the first word of a clause) decoded
    # alone reads as noise to Whisper: it may wait for a longer pause (`short_endpoint`; None: the
    # usual one), so the clause after it joins it. The chat waits; a phone call answers "yes" at once.
    short_speech: float = 0.5
    short_endpoint: float | None = None
    partial_every: float = 0.5
    max_utterance: float = 20.0
    # When speech resumes within ``max_gap`` of a final, the next final is decoded after that final's
    # audio, with its text given as known (Whisper's prefix), as long as both fit in ``context_window``
    # seconds (the encoder's smallest window: no slower). A clause said after a short pause is heard in
    # context ("this is the | sick corpus", not "for this"), and its final holds only its own words.
    context: bool = False
    context_window: float = 10.0


@dataclass(frozen=True)
class Partial:
    text: str
    confirmed: str


@dataclass(frozen=True)
class Final:
    text: str
    start: float
    end: float
    avg_logprob: float | None = None  # the decode's mean token log-probability: how sure Whisper was


def _final(hypothesis: Hypothesis, start: int, end: int) -> Final:
    return Final(hypothesis.text, round(start / SAMPLE_RATE, 3), round(end / SAMPLE_RATE, 3), hypothesis.avg_logprob)


@dataclass(frozen=True)
class Failed:
    """The final of speech from ``start`` to ``end`` could not be decoded; the stream goes on."""

    start: float
    end: float
    error: str


@dataclass(frozen=True)
class Done:
    pass


StreamEvent = Partial | Final | Failed | Done


class SileroStream:
    """Silero VAD over a stream: speech probability per 512-sample chunk, state kept across calls."""

    def __init__(self) -> None:
        from faster_whisper.vad import get_vad_model

        self._session = get_vad_model().session
        self._h = np.zeros((1, 1, 128), dtype=np.float32)
        self._c = np.zeros((1, 1, 128), dtype=np.float32)
        self._context = np.zeros(_VAD_CONTEXT, dtype=np.float32)

    def probabilities(self, chunks: FloatArray) -> FloatArray:
        """``chunks`` has shape (n, 512); returns n speech probabilities."""
        if len(chunks) == 0:
            return np.zeros(0, dtype=np.float32)
        contexts = np.concatenate([self._context[None, :], chunks[:-1, -_VAD_CONTEXT:]], axis=0)
        batch = np.concatenate([contexts, chunks], axis=1).astype(np.float32)
        output, self._h, self._c = self._session.run(None, {"input": batch, "h": self._h, "c": self._c})
        self._context = chunks[-1, -_VAD_CONTEXT:].copy()
        return np.asarray(output, dtype=np.float32).reshape(-1)


# onnxruntime runs Silero on one thread; a small pool keeps it off the event loop.
_vad_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="sawt-vad")


def _chunks(seconds: float) -> int:
    return max(1, round(seconds * SAMPLE_RATE / VAD_CHUNK))


_WORD = re.compile(r"[^\w']+")


def _norm(word: str) -> str:
    return _WORD.sub("", word.lower())


def agreed_prefix(previous: list[str], current: list[str]) -> int:
    """How many leading words two hypotheses share (ignoring case and punctuation)."""
    count = 0
    for a, b in zip(previous, current, strict=False):
        if _norm(a) != _norm(b):
            break
        count += 1
    return count


def repeats_the_end(text: str, before: str) -> bool:
    """``text`` is nothing but the last words of ``before`` again (Whisper, made to read ``before``
    first, may say its end once more instead of the new words)."""
    new = [w for w in map(_norm, text.split()) if w]
    old = [w for w in map(_norm, before.split()) if w]
    return bool(new) and len(new) <= len(old) and old[-len(new) :] == new


def loops(text: str) -> bool:
    """The text repeats itself (\"word. word. word. ...\"): compressed, it shrinks more than speech
    does. Whisper's own check, with its threshold (a compression ratio over 2.4)."""
    data = text.encode()
    return len(data) > 24 and len(data) / len(zlib.compress(data)) > 2.4


def collapse_loop(text: str) -> str:
    """``text`` with each run of one to six words said three or more times in a row kept once."""
    words = text.split()
    norms = [_norm(w) for w in words]
    out: list[str] = []
    i = 0
    while i < len(words):
        for n in range(1, 7):
            unit = norms[i : i + n]
            runs = 1
            while norms[i + runs * n : i + (runs + 1) * n] == unit:
                runs += 1
            if len(unit) == n and runs >= 3:
                out.extend(words[i + (runs - 1) * n : i + runs * n])
                i += runs * n
                break
        else:
            out.append(words[i])
            i += 1
    return " ".join(out)


def once_each(text: str) -> str:
    """``text`` with a sentence said again right after itself kept once: Whisper, given a short command and a
    prompt, sometimes writes it twice ("Play X on Spotify. Play X on Spotify.")."""
    sentences = re.split(r"(?<=[.!?])\s+", text.strip())
    kept = [s for i, s in enumerate(sentences) if i == 0 or _norm(s) != _norm(sentences[i - 1])]
    return " ".join(kept)


def is_hallucination(hypothesis: Hypothesis) -> bool:
    text = hypothesis.text.strip()
    if not _norm(text):
        return True
    return hypothesis.no_speech_prob > 0.6 and hypothesis.avg_logprob < -1.0


class StreamingTranscriber:
    def __init__(
        self,
        *,
        language: str | None = "en",
        options: StreamOptions | None = None,
        scheduler: DecodeScheduler | None = None,
        config: SpeechConfig | None = None,
    ) -> None:
        self.language = language
        self.config = config
        self.prompt = ""
        self.end_of_turn: Callable[[str], float] | None = None
        # Called with the final a speculative decode becomes if the pause holds, as soon as it is decoded, so a
        # listener can start on the turn while the pause is waited out.
        self.on_speculation: Callable[[Final], None] | None = None
        # Asked before each partial decode: False skips it, for a listener with no use for partials just now
        # (a phone call reads them only to hear a barge-in while the bot talks; the shared decoder is then free
        # for the final it is waiting for).
        self.wants_partial: Callable[[], bool] | None = None
        self.options = options or StreamOptions()
        self.scheduler = scheduler or get_scheduler()
        self._vad: SileroStream | None = None
        self._events: asyncio.Queue[StreamEvent] = asyncio.Queue()
        self._leftover = np.zeros(0, dtype=np.float32)
        self._odd_byte = b""  # PCM16 may be split anywhere: half a sample waits for the next chunk
        self._samples = 0  # samples run through the VAD so far: the stream's clock
        self._pad = int(self.options.speech_pad * SAMPLE_RATE)
        # Audio since the last final is kept up to this much and decoded with the next utterance.
        self._drop_after = 2 * max(self.options.endpoint_silence * 2, self.options.short_endpoint or 0.0) * SAMPLE_RATE
        self._gap = max(self._pad, int(self.options.max_gap * SAMPLE_RATE) // VAD_CHUNK * VAD_CHUNK)
        self._preroll = np.zeros(0, dtype=np.float32)
        self._utterance: list[FloatArray] = []
        self._probs: list[float] = []
        self._utt_start = 0
        self._speech_start = 0
        self._in_speech = False
        self._speech_samples = 0
        self._silence_samples = 0
        self._speech_end = 0
        self._last_partial_at = 0
        self._partial_future: Future[Hypothesis] | None = None
        self._previous_words: list[str] = []
        self._confirmed: list[str] = []
        # (last speech sample, end of the audio decoded, the decode) of a final not yet kept.
        self._speculative: tuple[int, int, asyncio.Future[Hypothesis]] | None = None
        self._finals: deque[tuple[int, int, asyncio.Future[Hypothesis]]] = deque()
        # (the previous final's audio, its decode, where it ended), for ``options.context``.
        self._context: tuple[FloatArray, asyncio.Future[Hypothesis], int] | None = None
        self._stopped = False
        self._done = False
        self.scheduler.active_streams += 1
        self._closed = False

    @property
    def hearing(self) -> bool:
        """The caller is speaking, or what they said is still being decoded (not silence yet)."""
        return self._in_speech or self._speculative is not None or bool(self._finals)

    @property
    def stopping(self) -> bool:
        """``stop`` was called: what is left is being finalised, then ``Done``."""
        return self._stopped

    # --- input -------------------------------------------------------------------------------
    async def push(self, pcm: bytes) -> None:
        """Feed PCM16LE mono 16 kHz bytes (any length; an odd trailing byte waits for the next chunk)."""
        if self._stopped:
            return
        pcm = self._odd_byte + pcm
        even = len(pcm) // 2 * 2
        self._odd_byte = pcm[even:]
        samples = np.frombuffer(pcm[:even], dtype="<i2").astype(np.float32) / 32768.0
        data = np.concatenate([self._leftover, samples])
        usable = len(data) // VAD_CHUNK * VAD_CHUNK
        self._leftover = data[usable:]
        if not usable:
            return
        chunks = data[:usable].reshape(-1, VAD_CHUNK)
        loop = asyncio.get_running_loop()
        probs = await loop.run_in_executor(_vad_pool, self._vad_probabilities, chunks)
        for chunk, prob in zip(chunks, probs, strict=True):
            self._step(chunk, float(prob))
        self._maybe_partial()
        self._maybe_emit_final()

    def _vad_probabilities(self, chunks: FloatArray) -> FloatArray:
        if self._vad is None:
            self._vad = SileroStream()
        return self._vad.probabilities(chunks)

    def _step(self, chunk: FloatArray, prob: float) -> None:
        opts = self.options
        self._samples += VAD_CHUNK
        speaking = prob >= (opts.vad_off_threshold if self._in_speech else opts.vad_threshold)
        if not self._utterance:
            if not speaking:
                self._preroll = np.concatenate([self._preroll, chunk])[-self._gap :]
                return
            self._utterance = [self._preroll] if len(self._preroll) else []
            self._probs = [0.0] * (len(self._preroll) // VAD_CHUNK)
            self._utt_start = self._samples - VAD_CHUNK - len(self._preroll)
            self._preroll = np.zeros(0, dtype=np.float32)
            self._speech_samples = 0
            self._speech_start = self._samples - VAD_CHUNK
            self._last_partial_at = self._samples
        self._utterance.append(chunk)
        self._probs.append(prob)
        if speaking:
            self._drop_speculative()  # the pause did not hold: the speaker goes on
            self._in_speech = True
            self._speech_samples += VAD_CHUNK
            self._silence_samples = 0
            self._speech_end = self._samples
        else:
            self._silence_samples += VAD_CHUNK
            self._in_speech = False
            if self._silence_samples == _chunks(opts.speculate_after) * VAD_CHUNK:
                self._start_speculative_final()
            elif self._silence_samples > self._drop_after and self._speculative is None:
                self._drop_utterance()  # noise that never became speech long enough to decode
        if self._samples - self._utt_start > opts.max_utterance * SAMPLE_RATE:
            self._cut_long_utterance()

    # --- finals --------------------------------------------------------------------------------
    def _utterance_audio(self, end: int | None = None) -> FloatArray:
        audio = np.concatenate(self._utterance) if self._utterance else np.zeros(0, dtype=np.float32)
        return audio if end is None else audio[: max(0, end - self._utt_start)]

    def _start_speculative_final(self) -> None:
        if self._speech_samples < self.options.min_speech * SAMPLE_RATE:
            return
        # Whisper needs a little trailing context after the last word: decode what we have.
        audio = self._utterance_audio()
        future = self._submit_final(audio)
        self._speculative = (self._speech_end, self._utt_start + len(audio), future)
        if self.on_speculation is not None:  # placed as `_commit` will place its final
            start, end = max(self._utt_start, self._speech_start - self._pad), self._speech_end
            future.add_done_callback(lambda done: self._tell_speculation(done, start, end))
        if self.end_of_turn is not None:
            future.add_done_callback(self._speculative_decoded)

    def _drop_speculative(self) -> None:
        if self._speculative is not None:
            self._speculative[2].cancel()
            self._speculative = None

    def _tell_speculation(self, future: asyncio.Future[Hypothesis], start: int, end: int) -> None:
        if self.on_speculation is not None and not (future.cancelled() or future.exception() or self._closed):
            self.on_speculation(_final(future.result(), start, end))

    def _speculative_decoded(self, future: asyncio.Future[Hypothesis]) -> None:
        """The decode may end the turn after a shorter pause (``end_of_turn``) than has already passed:
        keep it now, not when the next frame arrives (100 ms later for a browser)."""
        if self._speculative is not None and self._speculative[2] is future and not (self._stopped or self._closed):
            self._maybe_emit_final()

    def _submit(
        self, audio: FloatArray, *, final: bool, prefix: str = "", alternatives: int = 1
    ) -> asyncio.Future[Hypothesis]:
        return asyncio.wrap_future(
            self.scheduler.submit(
                audio,
                final=final,
                language=self.language,
                config=self.config,
                stream=id(self),
                prompt=self.prompt,
                prefix=prefix,
                alternatives=alternatives,
            )
        )

    def _submit_final(self, audio: FloatArray) -> asyncio.Future[Hypothesis]:
        """The final decode of ``audio`` (from ``_utt_start``), after the previous final's audio and
        text when it directly follows that final (see ``StreamOptions.context``).

        A reading that fails its check is decoded again, each step as a final in the shared queue:
        read on from the known text, Whisper heard nothing new, said the known end again or looped
        (seen: the known text forced, a whole clause after it came back empty) -> the audio alone;
        the audio alone looped ("uh uh uh ...", Whisper's repetition loop) -> a beam search, whose
        first reading that does not loop is kept (Whisper's own fallback, on its compression ratio).
        """
        context = self._context
        known: Hypothesis | None = None
        before = audio[:0]
        if context is not None and context[2] == self._utt_start:
            before, previous, _ = context
            fits = len(before) + len(audio) <= self.options.context_window * SAMPLE_RATE
            if fits and previous.done() and not previous.cancelled() and previous.exception() is None:
                known = previous.result()
                if is_hallucination(known):
                    known = None
        outer: asyncio.Future[Hypothesis] = asyncio.get_running_loop().create_future()

        def attempt(step: str) -> None:
            if step == "context" and known is not None:
                source = self._submit(np.concatenate([before, audio]), final=True, prefix=known.text)
            else:
                source = self._submit(audio, final=True, alternatives=LOOP_BEAM if step == "beam" else 1)
            source.add_done_callback(functools.partial(settle, step=step))
            outer.add_done_callback(lambda done: source.cancel() if done.cancelled() else None)

        def settle(source: asyncio.Future[Hypothesis], *, step: str) -> None:
            if outer.done():
                return
            if source.cancelled():
                outer.cancel()
                return
            if (error := source.exception()) is not None:
                outer.set_exception(error)
                return
            heard = source.result()
            if step == "context" and (
                is_hallucination(heard) or repeats_the_end(heard.text, known.text if known else "") or loops(heard.text)
            ):
                attempt("alone")
            elif step == "alone" and loops(heard.text):
                attempt("beam")
            elif step == "beam":
                text = next((t for t in (heard.text, *heard.others) if not loops(t)), collapse_loop(heard.text))
                outer.set_result(dataclasses.replace(heard, text=text, others=()))
            else:
                outer.set_result(heard)

        attempt("alone" if known is None else "context")
        return outer

    def _maybe_emit_final(self) -> None:
        """Keep the speculative decode once the pause has held long enough."""
        if self._speculative is None or self._in_speech:
            return
        opts = self.options
        wait = opts.endpoint_silence
        if self._speech_samples < opts.short_speech * SAMPLE_RATE:
            wait = max(wait, opts.short_endpoint or 0.0)
        end, decoded, future = self._speculative
        if self.end_of_turn is not None and future.done() and not future.cancelled() and not future.exception():
            wait = min(wait, self.end_of_turn(future.result().text))
        if self._silence_samples < wait * SAMPLE_RATE:
            return
        self._speculative = None
        self._commit(end, future, decoded=decoded)

    def _commit(
        self, end: int, future: asyncio.Future[Hypothesis], *, cut: bool = False, decoded: int | None = None
    ) -> None:
        """Queue a final for speech up to ``end`` and start the next utterance where its decoded
        audio (``decoded``, by default ``end``) stops, so no sample falls between two finals.

        After an endpoint the rest waits as the next utterance's lead-in (at most ``max_gap``);
        after a length cut (``cut``) the rest is speech still being said and stays the utterance.
        """
        start = max(self._utt_start, self._speech_start - self._pad)
        self._finals.append((start, end, future))
        future.add_done_callback(lambda _: self._flush_finals())
        boundary = end if decoded is None else decoded
        if self.options.context:
            before = self._utterance_audio(boundary)
            # Audio that fills the window alone can never be the next final's context: not kept.
            fits = len(before) < self.options.context_window * SAMPLE_RATE
            self._context = (before, future, boundary) if fits else None
        keep = self._utterance_audio()[max(0, boundary - self._utt_start) :]
        self._utt_start = boundary
        self._speech_start = boundary
        self._utterance = [keep] if len(keep) else []
        self._probs = self._probs[-(len(keep) // VAD_CHUNK) :] if len(keep) >= VAD_CHUNK else []
        self._speech_samples = 0
        self._partial_future = None
        self._previous_words = []
        self._confirmed = []
        if not self._in_speech and not cut:
            self._drop_utterance()

    def _drop_utterance(self) -> None:
        if self._utterance:
            self._preroll = self._utterance_audio()[-self._gap :]
        self._utterance = []
        self._probs = []
        self._speech_samples = 0
        self._previous_words = []
        self._confirmed = []

    def _cut_long_utterance(self) -> None:
        """Bound memory: finalise the part before the quietest moment of the last few seconds.

        The cut falls in the utterance's second half, so each final is at least half the bound
        long and what is left is short enough not to be cut again at once.
        """
        tail = min(len(self._probs) // 2, int(5 * SAMPLE_RATE / VAD_CHUNK))
        window = self._probs[-tail:]
        quietest = len(self._probs) - tail + int(np.argmin(window))
        end = self._utt_start + quietest * VAD_CHUNK
        self._drop_speculative()
        self._commit(end, self._submit_final(self._utterance_audio(end)), cut=True)
        self._speech_samples = self._samples - self._utt_start

    def _flush_finals(self) -> None:
        while self._finals and self._finals[0][2].done():
            start, end, future = self._finals.popleft()
            if future.cancelled():
                continue
            if future.exception() is not None:
                when = (round(start / SAMPLE_RATE, 3), round(end / SAMPLE_RATE, 3))
                self._events.put_nowait(Failed(*when, str(future.exception()) or type(future.exception()).__name__))
                continue
            hypothesis = future.result()
            if not is_hallucination(hypothesis):
                self._events.put_nowait(_final(hypothesis, start, end))
        if self._stopped and not self._finals and not self._closed and not self._done:
            self._done = True
            self._events.put_nowait(Done())

    # --- partials ------------------------------------------------------------------------------
    def _maybe_partial(self) -> None:
        if not self._in_speech or self._partial_future is not None:
            return
        if self._finals:
            return  # this stream's previous final goes out first: a partial must never overtake it
        if self._speech_samples < self.options.min_speech * SAMPLE_RATE:
            return
        if self.wants_partial is not None and not self.wants_partial():
            return
        interval = self.scheduler.partial_interval(self.options.partial_every)
        if self._samples - self._last_partial_at < interval * SAMPLE_RATE:
            return
        self._last_partial_at = self._samples
        future = self._submit(self._utterance_audio(), final=False)
        self._partial_future = future  # type: ignore[assignment]
        future.add_done_callback(functools.partial(self._on_partial, future))

    def _on_partial(self, future: asyncio.Future[Hypothesis], _: Any) -> None:
        if self._partial_future is not future:
            return  # a final replaced this utterance meanwhile
        self._partial_future = None
        if future.cancelled() or future.exception() is not None or self._stopped or self._finals:
            return
        hypothesis = future.result()
        if is_hallucination(hypothesis):
            return
        words = hypothesis.text.split()
        agreed = agreed_prefix(self._previous_words, words)
        # The confirmed prefix only ever grows: a longer agreement that contradicts it is ignored.
        if agreed > len(self._confirmed) and agreed_prefix(self._confirmed, words) == len(self._confirmed):
            self._confirmed = words[:agreed]
        self._previous_words = words
        tail = (
            words[len(self._confirmed) :]
            if agreed_prefix(self._confirmed, words) == len(self._confirmed)
            else words[agreed:]
        )
        text = " ".join([*self._confirmed, *tail])
        self._events.put_nowait(Partial(text, " ".join(self._confirmed)))

    # --- end -------------------------------------------------------------------------------------
    async def stop(self) -> None:
        """Finalise everything said so far; ``Done`` follows the last final."""
        if self._stopped:
            return
        if len(self._leftover):
            await self.push(np.zeros(VAD_CHUNK - len(self._leftover), dtype="<i2").tobytes())
        self._stopped = True
        if self._speculative is not None:
            end, decoded, future = self._speculative
            self._speculative = None
            self._commit(end, future, decoded=decoded)
        elif self._utterance and self._speech_samples >= self.options.min_speech * SAMPLE_RATE:
            end = min(self._samples, self._speech_end + int(self.options.speech_pad * SAMPLE_RATE))
            self._commit(end, self._submit_final(self._utterance_audio(end)))
        self._drop_utterance()
        self._flush_finals()

    async def events(self) -> AsyncIterator[StreamEvent]:
        while True:
            event = await self._events.get()
            yield event
            if isinstance(event, Done):
                return

    def close(self) -> None:
        """Release the stream (socket gone): pending results are dropped."""
        if self._closed:
            return
        self._closed = True
        self.scheduler.active_streams -= 1
        self._drop_speculative()
        for _, _, future in self._finals:
            future.cancel()
        self._finals.clear()
