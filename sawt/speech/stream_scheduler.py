"""One decode queue shared by every live stream of the process.

All streams share the process-wide Whisper model (``asr.get_asr_model``), or the one their
``SpeechConfig`` names (a Hindi phone call uses the multilingual model). A single worker thread
owns them for streaming work: finals always go before partials, jobs waiting together are decoded as
one batch (one encoder call for several streams), and each stream has at most one partial queued,
so a busy CPU lowers the partial rate instead of building a backlog. Streams take turns (round
robin): a stream with several finals queued does not hold back the next stream's first one, and
partials ride along in a batch of finals when there is room, so one stream's queue of finals never
silences the others' partials. A decode thread that dies is replaced, and the jobs it held fail.

The encoder is run on the utterance itself (padded to a few seconds) rather than on Whisper's
fixed 30 s window: CTranslate2 accepts shorter mel inputs, and the encoder pass is what dominates
latency on a small CPU (about 3x faster for a 10 s window than for 30 s).
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from sawt.core.memory import release_free_memory
from sawt.speech import asr
from sawt.speech.config import SpeechConfig

log = logging.getLogger(__name__)

SAMPLE_RATE = 16000
FINAL = 0
PARTIAL = 1
# Mel frames are 10 ms; windows are rounded up to whole seconds and never below this.
_MAX_PROMPT_TOKENS = 223  # Whisper's limit: half its 448-token context, less the sot_prev token
_MIN_WINDOW_FRAMES = 1000
_MAX_WINDOW_FRAMES = 3000
# Every this many decode calls, freed memory is handed back to the system (see release_free_memory).
_TRIM_EVERY = 50


@dataclass(frozen=True)
class Hypothesis:
    text: str
    no_speech_prob: float
    avg_logprob: float
    seconds: float
    # The beam's other hypotheses, best first, each text once (`decode_batch(..., alternatives=N)`).
    others: tuple[str, ...] = ()


@dataclass(order=True)
class _Job:
    priority: int
    turn: int  # the stream's round: one job of each stream per round, oldest rounds first
    seq: int
    audio: npt.NDArray[np.float32] = field(compare=False)
    language: str | None = field(compare=False)
    beam_size: int = field(compare=False)
    future: Future[Hypothesis] = field(compare=False)
    config: SpeechConfig | None = field(compare=False, default=None)
    prompt: str = field(compare=False, default="")
    prefix: str = field(compare=False, default="")
    alternatives: int = field(compare=False, default=1)


class DecodeScheduler:
    """A priority queue in front of the shared model; ``submit`` returns a future."""

    def __init__(self, *, max_batch: int = 4, final_beam_size: int = 1) -> None:
        self.max_batch = max_batch
        self.final_beam_size = final_beam_size
        self._heap: list[_Job] = []
        self._cond = threading.Condition()
        self._seq = itertools.count()
        self._thread: threading.Thread | None = None
        # Smoothed seconds of one decode call (a whole batch); streams read it to space out partials.
        self.decode_seconds = 0.3
        self.active_streams = 0
        self._warm: dict[str | None, Future[Hypothesis]] = {}
        self._turns: dict[tuple[int, object], int] = {}
        self._served = [0, 0]  # the round being served, finals and partials
        self.finals_pending = 0  # queued or running; streams hold back partials meanwhile
        self._calls = 0

    def submit(
        self,
        audio: npt.NDArray[np.float32],
        *,
        final: bool,
        language: str | None = "en",
        config: SpeechConfig | None = None,
        stream: object = None,
        prompt: str = "",
        prefix: str = "",
        alternatives: int = 1,
    ) -> Future[Hypothesis]:
        """Queue one decode; ``config`` picks another model than the engine's default, ``stream``
        (any hashable key) names the stream whose turn it takes, ``prompt`` is Whisper's previous-text
        prompt (``decode_batch``'s ``prompt_text``), ``prefix`` the known text of the start of ``audio``
        (see ``decode_batch``), ``alternatives`` > 1 a beam search that keeps that many hypotheses."""
        future: Future[Hypothesis] = Future()
        priority = FINAL if final else PARTIAL
        with self._cond:
            key = (priority, stream if stream is not None else object())
            turn = max(self._served[priority], self._turns.get(key, -1) + 1)
            self._turns[key] = turn
            if len(self._turns) > 4096:  # forget streams long gone (their turns are all served)
                self._turns = {k: t for k, t in self._turns.items() if t >= self._served[k[0]]}
        job = _Job(
            priority,
            turn,
            next(self._seq),
            audio,
            language,
            self.final_beam_size if final else 1,
            future,
            config,
            prompt,
            prefix,
            alternatives,
        )
        if final:
            with self._cond:
                self.finals_pending += 1
            future.add_done_callback(self._final_done)
        with self._cond:
            heapq.heappush(self._heap, job)
            if self._thread is None or not self._thread.is_alive():
                self._start_thread()
            self._cond.notify()
        return future

    def _final_done(self, _: Future[Hypothesis]) -> None:
        with self._cond:
            self.finals_pending -= 1

    def warm_up(self, config: SpeechConfig | None = None) -> Future[Hypothesis]:
        """Load the model and run one decode, once per process and model: the first call is the slowest."""
        model = config.asr_model if config is not None else None
        with self._cond:
            if model not in self._warm:
                future = self.submit(np.zeros(SAMPLE_RATE, dtype=np.float32), final=True, config=config)
                self._warm[model] = future
                future.add_done_callback(lambda done: self._forget_failed_warm_up(model, done))
            return self._warm[model]

    def _forget_failed_warm_up(self, model: str | None, future: Future[Hypothesis]) -> None:
        """A failed warm-up (model missing, out of memory) is tried again by the next caller."""
        if future.cancelled() or future.exception() is not None:
            with self._cond:
                if self._warm.get(model) is future:
                    del self._warm[model]

    def queued(self) -> int:
        with self._cond:
            return len(self._heap)

    def partial_interval(self, base: float) -> float:
        """Seconds of new audio between two partials of one stream, widened under load.

        Partials of different streams are decoded together (up to ``max_batch`` a call), so one
        round of partials for every stream costs one call per ``max_batch`` streams, not one per
        stream: four streams get their partials as often as one while a call keeps up.
        """
        calls = -(-max(1, self.active_streams) // self.max_batch)
        return max(base, calls * self.decode_seconds * 1.5)

    def _take_batch(self) -> list[_Job]:
        with self._cond:
            while not self._heap:
                self._cond.wait()
            first = heapq.heappop(self._heap)
            self._served[first.priority] = max(self._served[first.priority], first.turn)
            batch = [first]
            # Same decoding options only; a partial joins a batch of finals only where there is room
            # (taken in order, finals come first), so a final never waits for a partial's batch. And
            # the same encoder window only: every item of a call is padded to its longest, so a 2 s
            # utterance batched with a 16 s one would cost (and wait for) an 18 s window.
            window = window_frames(len(first.audio))
            keep: list[_Job] = []
            while self._heap and len(batch) < self.max_batch:
                job = heapq.heappop(self._heap)
                same = (
                    job.priority >= first.priority
                    and job.beam_size == first.beam_size
                    and job.alternatives == first.alternatives
                    and job.language == first.language
                    and job.config == first.config
                    and job.prompt == first.prompt
                    and not (job.prefix or first.prefix)  # a decode with known text goes alone
                    and window_frames(len(job.audio)) == window
                )
                (batch if same else keep).append(job)
            for job in keep:
                heapq.heappush(self._heap, job)
            for job in batch:
                self._served[job.priority] = max(self._served[job.priority], job.turn)
            return batch

    def _run(self) -> None:
        taken: list[_Job] = []
        try:
            while True:
                taken = self._take_batch()
                batch = [job for job in taken if job.future.set_running_or_notify_cancel()]
                if batch:
                    self._decode(batch)
        except BaseException as exc:  # the thread dies: its jobs fail, and a new thread takes the queue
            log.exception("stream decoder thread died")
            for job in taken:
                if not job.future.done():
                    job.future.set_exception(RuntimeError(f"decoder thread died: {exc!r}"))
            with self._cond:
                self._thread = None
                if self._heap:
                    self._start_thread()

    def _start_thread(self) -> None:
        self._thread = threading.Thread(target=self._run, name="sawt-stream-decoder", daemon=True)
        self._thread.start()

    def _decode(self, batch: list[_Job]) -> None:
        started = time.perf_counter()
        try:
            results = decode_batch(
                [j.audio for j in batch],
                language=batch[0].language,
                beam_size=batch[0].beam_size,
                config=batch[0].config,
                prompt_text=batch[0].prompt,
                prefix=batch[0].prefix,
                alternatives=batch[0].alternatives,
            )
        except Exception as exc:  # a model error fails these jobs, not the worker
            log.exception("stream decode failed")
            for job in batch:
                job.future.set_exception(exc)
            return
        elapsed = time.perf_counter() - started
        self.decode_seconds = 0.7 * self.decode_seconds + 0.3 * elapsed
        self._calls += 1
        if self._calls % _TRIM_EVERY == 0:
            release_free_memory()
        for job, result in zip(batch, results, strict=True):
            job.future.set_result(result)


def _tokenizer(model: Any, language: str | None) -> Any:
    from faster_whisper.tokenizer import Tokenizer

    multilingual = bool(model.model.is_multilingual)
    return Tokenizer(
        model.hf_tokenizer, multilingual, task="transcribe", language=(language or "en") if multilingual else None
    )


def decode_batch(
    audios: list[npt.NDArray[np.float32]],
    *,
    language: str | None = "en",
    beam_size: int = 1,
    prompt_text: str = "",
    config: SpeechConfig | None = None,
    prefix: str = "",
    alternatives: int = 1,
) -> list[Hypothesis]:
    """Greedy (or beam) Whisper decoding of several short utterances in one encoder call.

    The encoder sees the utterance plus two seconds, not Whisper's fixed 30 s window, which is what
    makes a short utterance fast. `prompt_text` is Whisper's previous-text prompt (vocabulary, spelling);
    `config` picks another model than the engine's default. `prefix` is the text already known of the
    start of the audio (one utterance): the decoder is made to read it first, so what follows is heard
    in context, and the hypothesis holds only the words after it. `alternatives` > 1 keeps that many of the
    beam's hypotheses (the beam is at least that wide): the best is `text`, the other texts `others`.
    """
    import ctranslate2

    model = asr.get_asr_model(config)
    started = time.perf_counter()
    longest = max(len(a) for a in audios)
    frames = window_frames(longest)
    window = frames * SAMPLE_RATE // 100
    mels = []
    for audio in audios:
        clip = audio[-window:]
        padded = np.pad(clip, (0, window - len(clip) + SAMPLE_RATE // 100))
        mels.append(model.feature_extractor(padded)[:, :frames])
    # The StorageView borrows the array's memory: keep the array referenced until the encoder is done.
    mel_batch = np.ascontiguousarray(np.stack(mels), dtype=np.float32)
    features = ctranslate2.StorageView.from_array(mel_batch)
    encoded = model.model.encode(features, to_cpu=False)
    del features, mel_batch
    tokenizer = _tokenizer(model, language)
    # Timestamp mode: with a shortened window only the predicted timestamps tell where the audio
    # ends, so text placed after the end (a repeated phrase) can be cut off.
    # One prompt for the whole batch: no previous-text conditioning. CTranslate2 crashed (a null
    # read in generate) on batches whose prompts differ in length, and it did not lower the WER.
    prompt = list(tokenizer.sot_sequence)
    if prompt_text.strip():
        previous = tokenizer.encode(" " + prompt_text.strip())[-(_MAX_PROMPT_TOKENS):]
        prompt = [tokenizer.sot_prev, *previous, *prompt]
    forced = [tokenizer.timestamp_begin, *tokenizer.encode(" " + prefix.strip())] if prefix.strip() else []
    forced = forced[:_MAX_PROMPT_TOKENS]
    # Speech runs at about 3 tokens a second; the cap (twice that) stops a hallucinated loop early.
    # CTranslate2 generates at most min(max_length / 2, max_length - the prompt before the start
    # token) new tokens, Whisper's split of its 448-token context between prompt and text, and
    # crashes past 448: the cap goes in doubled (passed as is, quick speech lost its last words).
    new_tokens = min(224, int(longest / SAMPLE_RATE * 6) + 12)
    max_length = min(448, max(2 * new_tokens, len(prompt) - 1 + new_tokens) + len(forced))
    results = model.model.generate(
        encoded,
        [prompt + forced] * len(audios),
        beam_size=max(beam_size, alternatives),
        num_hypotheses=alternatives,
        max_length=max_length,
        return_scores=True,
        return_no_speech_prob=True,
        no_repeat_ngram_size=0,
        repetition_penalty=1.0,
    )
    seconds = time.perf_counter() - started
    hypotheses = []
    for audio, result in zip(audios, results, strict=True):
        texts = []
        for sequence in result.sequences_ids:
            if forced and sequence[: len(forced)] == forced:  # the result repeats the forced words: drop them
                sequence = sequence[len(forced) :]
            text = token_text(tokenizer, _tokens_within(sequence, tokenizer, min(len(audio), window) / SAMPLE_RATE))
            texts.append(text.lstrip(",.;: ") if forced else text)  # a clause read on from the known text
        hypotheses.append(
            Hypothesis(
                text=texts[0],
                no_speech_prob=float(result.no_speech_prob),
                avg_logprob=float(result.scores[0]) if result.scores else 0.0,
                seconds=seconds,
                others=tuple(t for t in dict.fromkeys(texts[1:]) if t != texts[0]),  # distinct words only
            )
        )
    return hypotheses


def window_frames(samples: int) -> int:
    """The encoder window (10 ms mel frames) for audio of ``samples``: the audio plus two seconds, in
    whole seconds, at least ``_MIN_WINDOW_FRAMES`` and at most Whisper's 30 s."""
    return min(_MAX_WINDOW_FRAMES, max(_MIN_WINDOW_FRAMES, (samples // SAMPLE_RATE + 2) * 100))


def token_text(tokenizer: Any, tokens: list[int]) -> str:
    """The text of ``tokens``; a cut (window end, length cap) can split a character's bytes
    (Devanagari takes several tokens a letter), and the broken half is dropped, not shown as U+FFFD."""
    return tokenizer.decode(tokens).replace("\ufffd", "").strip()


def _tokens_within(sequence: list[int], tokenizer: Any, duration: float) -> list[int]:
    """Text tokens of the segments that start before the audio ends."""
    tokens: list[int] = []
    for token in sequence:
        if token >= tokenizer.timestamp_begin:
            if (token - tokenizer.timestamp_begin) * 0.02 >= duration - 0.1:
                break
        elif token < tokenizer.eot:
            tokens.append(token)
    return tokens


_scheduler: DecodeScheduler | None = None
_scheduler_lock = threading.Lock()


def get_scheduler() -> DecodeScheduler:
    """The process-wide scheduler (one model copy, one decode thread)."""
    global _scheduler
    with _scheduler_lock:
        if _scheduler is None:
            _scheduler = DecodeScheduler()
        return _scheduler
