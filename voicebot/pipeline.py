"""One phone call's pipeline: caller audio -> streaming ASR -> dialogue -> TTS -> 20 ms mu-law frames.

Provider-neutral: the consumer hands in decoded events and a `Protocol` that shapes outbound frames
(Plivo `playAudio`/`checkpoint`/`clearAudio`, Twilio `media`/`mark`/`clear`). Per call it owns a
`StreamingTranscriber` (Silero VAD gating; the final decode starts speculatively when the caller
pauses and is kept once the pause reaches the phone endpoint), a `Dialogue` (the rules, or the
model with tools in `agent.AgentDialogue`, as VOICEBOT_DIALOGUE says), and at most one
reply task. `close()` tears all of it down; nothing outlives the socket.

Barge-in: while the bot's audio is playing, caller speech whose text is more than a backchannel
("hmm", "ok", "yeah") sends a clear and stops the reply; backchannels are ignored entirely.

Language: the call's (`Call.language`); a Hindi call listens with the multilingual Whisper model
(`VOICEBOT_MULTILINGUAL_ASR_MODEL`, language "hi") and speaks with espeak-ng's Hindi voice, an English
one keeps the engine's default model (tiny.en) and Piper. When the caller switches language (keypad or
by naming it) the transcriber and voice follow from the next utterance on.

Latency per turn (stored on `Turn`): endpoint wait (the silence that ends the turn), ASR (the
part of the final decode not hidden in that wait), dialogue, TTS first byte, and processing =
end of the endpoint wait to the first audio frame handed to the socket.
"""

import asyncio
import contextlib
import functools
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from channels.db import database_sync_to_async
from django.conf import settings

from sawt.speech import audio as speech_audio
from sawt.speech import tts
from sawt.speech.config import SpeechConfig, get_config
from sawt.speech.stream_scheduler import get_scheduler
from sawt.speech.streaming import Final, Partial, StreamingTranscriber, StreamOptions
from voicebot import services
from voicebot import understanding as nlu
from voicebot.agent import AnyDialogue, dialogue_class
from voicebot.dialogue_state import Reply, Stage
from voicebot.models import Call
from voicebot.recording import CallRecorder
from voicebot.telephony import Protocol
from voicebot.understanding import turns

logger = logging.getLogger("voicebot")

FRAME_BYTES = 160  # 20 ms of 8 kHz mu-law
FRAME_SECONDS = 0.02
# Phone endpointing (ms): the longest silence that ends a turn (an unfinished sentence; the words so far
# pick a shorter one, `understanding.turns.end_of_turn`), and when speculative transcription starts.
ENDPOINT_SILENCE_MS = round(turns.UNFINISHED_WAIT * 1000)
SPECULATIVE_AFTER_MS = 100
# Seconds of bot audio sent ahead of playback (jitter buffer vs. how fast a barge-in silences it).
PLAYBACK_LEAD_SECONDS = 0.4

_executor: ThreadPoolExecutor | None = None


def inference_executor() -> ThreadPoolExecutor:
    """Bounded pool for TTS across all calls of the process (ASR has its own shared decoder)."""
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(
            max_workers=settings.VOICEBOT_INFERENCE_WORKERS, thread_name_prefix="voicebot-tts"
        )
    return _executor


def synthesize_mulaw(text: str, language: str = "en") -> bytes:
    """One sentence as 8 kHz mu-law (cached on disk by the engine, so fixed prompts are instant)."""
    result = tts.synthesize(text, language=language, sample_rate=8000)
    pcm = np.clip(result.samples * 32767.0, -32768, 32767).astype(np.int16)
    return speech_audio.mulaw_encode(pcm)


def asr_config(language: str) -> SpeechConfig | None:
    """The speech config a call in `language` listens with; None is the engine's default (English)."""
    if language == "en":
        return None
    return get_config().replace(asr_model=settings.VOICEBOT_MULTILINGUAL_ASR_MODEL)


def call_stream_options() -> StreamOptions:
    """How a phone call's transcriber listens (also what `bench voicebot-slu` decodes with)."""
    return StreamOptions(
        endpoint_silence=ENDPOINT_SILENCE_MS / 1000,
        speculate_after=SPECULATIVE_AFTER_MS / 1000,
        min_speech=0.15,
        # Lower than the engine's 0.5 / 0.35: through mu-law 8 kHz Silero scores the weak ends of words
        # low, so at 0.5 / 0.35 it heard 0.29-0.35 s of silence after "Yes," and inside "that's fine"
        # where Piper pauses 0.16-0.19 s, and an answer's short wait split the line ("Yes." answered,
        # then the bot spoke over "that's fine"). At 0.3 / 0.15 the longest pause heard inside a caller
        # line of `bench voicebot` is 0.22 s.
        vad_threshold=0.3,
        vad_off_threshold=0.15,
        partial_every=0.4,
        # A turn starts with the usual pad before its speech, not with the whole pause since the last
        # one: on a phone line that pause is line noise and the bot's echo, which sends Whisper's
        # multilingual model into romanised text.
        max_gap=0.3,
    )


# Hypotheses a turn worth hearing again is decoded into (beam search of that width).
SECOND_HEARING_BEAM = 5
HEARD_SECONDS = 30.0  # caller audio kept for a second hearing (trimmed every 5 s, not every frame)
# An open request whose first hearing was at least this sure (Whisper's mean token log-probability) is not
# heard again. On `bench voicebot-slu`'s 200 requests this skips 44 % of them (77 % of the Piper voice's)
# for 0.7 points of party size and time together; -0.15 to -0.4 gave the same.
SURE_LOGPROB = -0.4


def second_hearing_config() -> SpeechConfig | None:
    """The model an open request is heard again with (`VOICEBOT_SECOND_HEARING_MODEL`); None: the call's own."""
    name = settings.VOICEBOT_SECOND_HEARING_MODEL
    return get_config().replace(asr_model=name) if name else None


@dataclass(frozen=True)
class Listening:
    """How a call listens for the answer to what its dialogue last said."""

    asked: str | None  # the slot the question asked for (None: an open request, or no slot question)
    slot_question: bool  # an open request or a slot's answer: heard again when it misses (`hear_again`)
    prompt: str  # the ASR prompt
    yes_no: bool  # answered by a yes or no (the end-of-turn wait's reading)


def listening_for(dialogue: AnyDialogue) -> Listening:
    state = dialogue.state
    asked = state.asked if state.stage in {Stage.COLLECT, Stage.CHANGE_COLLECT} else None
    confirming = state.stage in {Stage.CONFIRM_BOOKING, Stage.CONFIRM_CHANGE}
    if confirming or (state.stage == Stage.COLLECT and asked is None):
        # "Shall I book it?" or "What would you like to change?": a yes, or what to change, with no prompt (a
        # booking prompt on a short answer is copied: "At 7 am" heard "at 8 pm, for 6 people at 8 pm, ..."),
        # heard again when it reads as no day, time or party size.
        return Listening(asked=turns.CORRECTION, slot_question=True, prompt="", yes_no=confirming)
    slot_question = asked is not None or state.stage == Stage.OPEN
    return Listening(
        asked=asked,
        slot_question=slot_question,
        # A yes or no needs no vocabulary, and a prompt on a short answer invites Whisper to repeat it.
        prompt=turns.listening_prompt(asked, dialogue.business.name) if slot_question else "",
        # "Anything else?" is answered by a yes or no as well, though a "yes" to it is no backchannel.
        yes_no=dialogue.expects_yes_no or state.stage == Stage.ANYTHING_ELSE,
    )


async def hear_again(
    text: str,
    audio: npt.NDArray[np.float32],
    *,
    asked: str | None,
    prompt: str,
    config: SpeechConfig | None = None,
    stream: object = None,
    logprob: float | None = None,
) -> turns.Heard:
    """`text`, or what a wider hearing of the turn's `audio` (16 kHz) makes of it.

    An open request (`asked` None), which carries the booking, is kept as heard only when the first hearing
    was sure of itself (its mean token `logprob` at least `SURE_LOGPROB`) and names a slot and reads every
    number it says (`turns.worth_hearing_again`). Otherwise it is heard again by a second model
    (`second_hearing_config`: Whisper base by default, which hears a phone line's numbers better than tiny.en
    and its times worse) with a beam of `SECOND_HEARING_BEAM`, and of the first hearing and the beam's
    hypotheses the one that agrees best with what most of them say is kept, with the party size and time most
    of them read (`turns.voted`). The call starts
    this on the speculative final, while the end-of-turn wait runs. An answer to a slot question that does
    not give it (`turns.worth_hearing_again`) is decoded again with the call's model and the beam, and the
    first hypothesis that gives it is kept (`turns.best_heard`): a phone line's "At APV" can be "At 8 pm" in
    the beam. The decodes are finals in the shared decoder's queue (`stream` takes its turn)."""
    if not text.strip() or len(audio) == 0:
        return turns.Heard(text)
    scheduler = get_scheduler()

    def hearing(samples: npt.NDArray[np.float32], model: SpeechConfig | None, prompt: str) -> asyncio.Future[Any]:
        return asyncio.wrap_future(
            scheduler.submit(
                samples, final=True, config=model, stream=stream, prompt=prompt, alternatives=SECOND_HEARING_BEAM
            )
        )

    if asked is None or asked == turns.CORRECTION:
        sure = asked is None and logprob is not None and logprob >= SURE_LOGPROB
        if (sure or asked == turns.CORRECTION) and not turns.worth_hearing_again(text, asked=asked):
            return turns.Heard(text)
        heard = await hearing(audio, second_hearing_config() or config, prompt)
        return turns.voted([text, heard.text, *heard.others])
    if not turns.worth_hearing_again(text, asked=asked):
        return turns.Heard(text)
    wider = await hearing(audio, config, prompt)
    return turns.Heard(turns.best_heard([text, wider.text, *wider.others], asked=asked))


class PhoneAudio:
    """Caller audio as the line delivers it (8 kHz mu-law) -> PCM16 16 kHz for the transcriber; the
    resampler's state carries over from frame to frame."""

    def __init__(self) -> None:
        self._resampler: Any = None

    def pcm16k(self, mulaw: bytes) -> bytes:
        pcm8 = speech_audio.mulaw_decode(mulaw).astype(np.float32) / 32768.0
        if self._resampler is None:
            import soxr

            self._resampler = soxr.ResampleStream(8000, 16000, 1, dtype="float32", quality="HQ")
        return speech_audio.float32_to_pcm16(self._resampler.resample_chunk(pcm8))


Send = Callable[[dict[str, Any]], Awaitable[None]]


@dataclass
class TurnClock:
    """Wall-clock marks of one turn, in perf_counter seconds."""

    endpoint_at: float = 0.0
    final_at: float = 0.0
    dialogue_done_at: float = 0.0
    first_byte_at: float = 0.0
    endpoint_wait: float = 0.0


class CallPipeline:
    def __init__(
        self,
        *,
        call_id: int,
        protocol: Protocol,
        send: Send,
        hang_up: Callable[[], Awaitable[None]],
        on_turn: Callable[[str, str], Awaitable[None]] | None = None,
    ) -> None:
        self.call_id = call_id
        self._on_turn = on_turn  # (what the caller said, what the bot answers): the staff test-call page
        self.protocol = protocol
        self._send = send
        self._hang_up = hang_up
        self.options = call_stream_options()
        self.transcriber = StreamingTranscriber(language="en", options=self.options)
        self.transcriber.on_speculation = self._on_speculation
        # Partials serve only to hear a barge-in: while the bot is quiet they would hold up the final.
        self.transcriber.wants_partial = lambda: self.bot_speaking
        self._phone_audio = PhoneAudio()
        self.dialogue: AnyDialogue | None = None
        self.language = "en"
        self.recorder: CallRecorder | None = None  # when the business records calls
        self._stream_seconds = 0.0
        self._heard = bytearray()  # the caller's last HEARD_SECONDS as the transcriber got them (PCM16 16 kHz)
        self._heard_from = 0  # stream sample where `_heard` starts
        self._asked: str | None = None  # the slot the last question asked for (None: an open question)
        self._may_hear_again = False  # the last question was open or asked for a slot, in English
        self._early: tuple[Final, asyncio.Task[turns.Heard]] | None = None  # an open request's wider hearing, begun
        self._arrivals: deque[tuple[float, float]] = deque(maxlen=500)  # (stream seconds, wall)
        self._reply_task: asyncio.Task[None] | None = None
        self._events_task: asyncio.Task[None] | None = None
        self._playing_until = 0.0  # wall time the caller finishes hearing what we sent
        self._marks = 0
        self._turn_index = 0
        self._silence_since = time.perf_counter()
        self._prompted = False
        self._closed = False
        self._ending = False
        self._outcome = ""
        self._background: set[asyncio.Task[None]] = set()

    # --- life cycle ---------------------------------------------------------------------

    async def start(self) -> None:
        if self.dialogue is not None:
            return  # a repeated `start` event
        self.dialogue = await database_sync_to_async(self._load_dialogue)()
        self._listen_in(self.dialogue.language)
        second = second_hearing_config()
        if second is not None and self.language == "en":
            self.transcriber.scheduler.warm_up(second)  # the opening request is heard by it too
        self._events_task = asyncio.create_task(self._consume_transcripts())
        await self._say(self.dialogue.greeting(), clock=None, caller_text="")

    def _load_dialogue(self) -> AnyDialogue:
        nlu.warm_up()
        call = Call.objects.select_related("business", "caller").get(pk=self.call_id)
        self.language = call.language
        if call.business.record_calls:
            self.recorder = CallRecorder(max_seconds=settings.VOICEBOT_RECORDING_MAX_SECONDS)
        return dialogue_class()(business=call.business, call=call, caller=call.caller)

    def _listen_in(self, language: str) -> None:
        """Point ASR and TTS at the call's language; the model loads in the decoder meanwhile."""
        self.language = language
        if self.transcriber.language == language:
            return
        config = asr_config(language)
        self.transcriber.language, self.transcriber.config = language, config
        self.transcriber.scheduler.warm_up(config)

    async def close(self) -> None:
        """Hang-up: stop speaking, stop transcribing, settle the call row. Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        if self._early is not None:
            self._early[1].cancel()
        for task in (self._reply_task, self._events_task):
            if task is not None and not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        self.transcriber.close()
        if self._background:
            await asyncio.gather(*self._background, return_exceptions=True)
        outcome = self._outcome or (self.dialogue.state.outcome if self.dialogue else "")
        if self.recorder is not None and self.recorder.seconds:
            recorder = self.recorder
            wav = await asyncio.get_running_loop().run_in_executor(None, recorder.wav)
            await database_sync_to_async(services.call_recording_save)(
                call_id=self.call_id, wav=wav, seconds=recorder.seconds
            )
        await database_sync_to_async(services.call_finish)(call_id=self.call_id, outcome=outcome or None)

    # --- inbound --------------------------------------------------------------------------

    async def on_audio(self, mulaw: bytes) -> None:
        if self._closed or not mulaw:
            return
        if self.recorder is not None:
            self.recorder.caller_audio(mulaw)
        self._stream_seconds += len(mulaw) / 8000
        self._arrivals.append((self._stream_seconds, time.perf_counter()))
        pcm = self._phone_audio.pcm16k(mulaw)
        self._heard += pcm
        if len(self._heard) > (HEARD_SECONDS + 5) * 32000:  # moving 1 MB on each 20 ms frame would be waste
            excess = len(self._heard) - int(HEARD_SECONDS * 32000)
            del self._heard[:excess]
            self._heard_from += excess // 2
        await self.transcriber.push(pcm)
        await self._check_silence()

    async def on_dtmf(self, digit: str) -> None:
        if self.dialogue is None or self._closed:
            return
        reply = await database_sync_to_async(self.dialogue.dtmf)(digit)
        self._listen_in(self.dialogue.language)
        if reply is not None:
            await self._interrupt()
            await self._say(reply, clock=None, caller_text=f"[keypad {digit}]")

    async def on_played(self, name: str) -> None:
        if name == f"reply-{self._marks}":
            self._playing_until = min(self._playing_until, time.perf_counter())

    @property
    def bot_speaking(self) -> bool:
        running = self._reply_task is not None and not self._reply_task.done()
        return running or time.perf_counter() < self._playing_until

    # --- transcripts -> turns ---------------------------------------------------------------

    async def _consume_transcripts(self) -> None:
        async for event in self.transcriber.events():
            self._silence_since = time.perf_counter()
            self._prompted = False
            if isinstance(event, Partial):
                if self.bot_speaking and not nlu.is_backchannel(event.text) and len(event.text.split()) >= 2:
                    await self._interrupt()
            elif isinstance(event, Final):
                await self._on_final(event)

    def _wall_at(self, stream_seconds: float) -> float:
        for at, wall in self._arrivals:
            if at >= stream_seconds:
                return wall
        return time.perf_counter()

    async def _on_final(self, final: Final) -> None:
        text = final.text.strip()
        if not text or self.dialogue is None or self._ending:
            return
        if self.bot_speaking and nlu.is_backchannel(text) and not self._answers_question(text):
            return  # "mm-hmm" while the bot talks: the caller is listening, not interrupting
        await self._interrupt()
        now = time.perf_counter()
        # The pause that ended the turn: what the caller has been silent for, at most the longest wait.
        wait = max(0.0, min(self._stream_seconds - final.end, self.options.endpoint_silence))
        clock = TurnClock(endpoint_at=min(now, self._wall_at(final.end + wait)), final_at=now, endpoint_wait=wait)
        # Not thread-sensitive: a dialogue waiting on a language model must not hold up the one
        # shared thread every other call's database work runs in. One call's turns never overlap.
        early, self._early = self._early, None
        heard = None
        if early is not None and early[0] == final:
            heard = await early[1]  # heard wider while the pause was waited out
        elif self._may_hear_again:
            if early is not None:
                early[1].cancel()
            heard = await self._hear_again(final)
        text = heard.text if heard is not None else text
        reply = await database_sync_to_async(self.dialogue.respond, thread_sensitive=False)(text, heard=heard)
        self._listen_in(self.dialogue.language)
        clock.dialogue_done_at = time.perf_counter()
        await self._say(reply, clock=clock, caller_text=text)

    def _hear_again(self, final: Final) -> Awaitable[turns.Heard]:
        return hear_again(
            final.text.strip(),
            self._heard_audio(final.start, final.end),
            asked=self._asked,
            prompt=self.transcriber.prompt,
            config=self.transcriber.config,
            stream=id(self.transcriber),
            logprob=final.avg_logprob,
        )

    def _on_speculation(self, final: Final) -> None:
        """The transcriber decoded what the turn is if the caller's pause holds: an open request's wider hearing
        (`hear_again`) starts now, during the end-of-turn wait, not after it."""
        if self._early is not None:
            self._early[1].cancel()
            self._early = None
        if self._may_hear_again and self._asked is None and final.text.strip():
            self._early = (final, asyncio.ensure_future(self._hear_again(final)))

    def _heard_audio(self, start: float, end: float) -> npt.NDArray[np.float32]:
        """The caller's audio from `start` to `end` (stream seconds), as far as it is still kept."""
        first = max(0, int(start * 16000) - self._heard_from)
        last = max(first, int(end * 16000) - self._heard_from)
        return speech_audio.pcm16_to_float32(bytes(self._heard[2 * first : 2 * last]))

    def _answers_question(self, text: str) -> bool:
        """A "yes" or "no" said while a yes-or-no question is still playing is the answer, not a backchannel."""
        return (
            self.dialogue is not None
            and self.dialogue.expects_yes_no
            and nlu.yes_no(text) is not None
            and not nlu.is_listening(text)
        )

    async def _check_silence(self) -> None:
        # Silence is the caller saying nothing: not while they talk, nor while their words decode
        # (a slow decode of a long sentence must not earn them "are you still there?").
        if self.bot_speaking or self._ending or self.dialogue is None or self.transcriber.hearing:
            self._silence_since = time.perf_counter()
            return
        quiet = time.perf_counter() - self._silence_since
        if quiet >= settings.VOICEBOT_SILENCE_HANGUP_SECONDS:
            await self._say(self.dialogue.silence_goodbye(), clock=None, caller_text="")
        elif quiet >= settings.VOICEBOT_SILENCE_PROMPT_SECONDS and not self._prompted:
            self._prompted = True
            await self._say(self.dialogue.silence_prompt(), clock=None, caller_text="")

    # --- outbound ---------------------------------------------------------------------------

    async def _interrupt(self) -> None:
        """Barge-in: stop producing audio and flush what the provider still buffers."""
        if not self.bot_speaking:
            return
        if self._reply_task is not None and not self._reply_task.done():
            self._reply_task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reply_task
        self._playing_until = 0.0
        if self.recorder is not None:
            self.recorder.cleared()
        await self._send(self.protocol.clear())

    def _listen_for(self) -> None:
        """Listen for the answer to what was just asked: the ASR prompt and the end-of-turn wait follow it."""
        dialogue = self.dialogue
        if dialogue is None:
            return
        self._may_hear_again = False
        if self.language != "en":  # the rules read English words; Hindi keeps the usual wait, no prompt
            self.transcriber.prompt = ""
            self.transcriber.end_of_turn = lambda _: turns.USUAL_WAIT
            return
        listening = listening_for(dialogue)
        self._asked, self._may_hear_again = listening.asked, listening.slot_question
        self.transcriber.prompt = listening.prompt
        self.transcriber.end_of_turn = functools.partial(
            turns.end_of_turn, asked=listening.asked, yes_no=listening.yes_no
        )

    async def _say(self, reply: Reply, *, clock: TurnClock | None, caller_text: str) -> None:
        self._listen_for()
        if reply.outcome:
            self._outcome = reply.outcome
        if reply.end_call:
            self._ending = True
        self._turn_index += 1
        self._reply_task = asyncio.create_task(self._speak(reply, clock, caller_text, self._turn_index))
        if self._on_turn is not None:
            with contextlib.suppress(Exception):  # the page is told best effort; the call goes on
                await self._on_turn(caller_text, reply.full_text)

    async def _speak(self, reply: Reply, clock: TurnClock | None, caller_text: str, index: int) -> None:
        loop = asyncio.get_running_loop()
        sentences = [(self.language, s) for s in tts.split_sentences(reply.text) or [reply.text]]
        sentences += [(language, s) for language, text in reply.extra for s in tts.split_sentences(text)]
        # Synthesis of later sentences overlaps playback of earlier ones.
        jobs = [loop.run_in_executor(inference_executor(), synthesize_mulaw, s, lang) for lang, s in sentences]
        # How far ahead of the caller's ear audio may run: enough to absorb network and CPU jitter,
        # little enough that a barge-in `clear` silences the bot at once.
        lead = PLAYBACK_LEAD_SECONDS
        interrupted = True
        try:
            started = time.perf_counter()
            self._playing_until = max(self._playing_until, started)
            for n, job in enumerate(jobs):
                audio = await job
                for offset in range(0, len(audio), FRAME_BYTES):
                    frame = audio[offset : offset + FRAME_BYTES]
                    await self._send(self.protocol.audio(frame))
                    if self.recorder is not None:
                        self.recorder.bot_audio(frame)
                    if n == 0 and offset == 0 and clock is not None:
                        clock.first_byte_at = time.perf_counter()
                        task = asyncio.create_task(self._record_turn(index, caller_text, reply, clock))
                        self._background.add(task)
                        task.add_done_callback(self._background.discard)
                    now = time.perf_counter()
                    self._playing_until = max(self._playing_until, now) + FRAME_SECONDS
                    ahead = self._playing_until - now
                    if ahead > lead:
                        await asyncio.sleep(ahead - lead)
            self._marks += 1
            await self._send(self.protocol.mark(f"reply-{self._marks}"))
            interrupted = False
        finally:
            for job in jobs:
                job.cancel()
            if clock is None or not clock.first_byte_at:
                # Untimed (a greeting, a keypad answer), or cut off before its first byte by a hang-up or
                # barge-in: the caller's words were still heard, acted on and shown; the turn is kept.
                await self._record_untimed(index, caller_text, reply, interrupted)
            elif interrupted:
                task = asyncio.create_task(self._mark_interrupted(index))
                self._background.add(task)
                task.add_done_callback(self._background.discard)
        if reply.end_call:
            await asyncio.sleep(max(0.0, self._playing_until - time.perf_counter()))
            await self._hang_up()

    async def _record_turn(self, index: int, caller_text: str, reply: Reply, clock: TurnClock) -> None:
        def ms(seconds: float) -> int:
            return max(0, round(seconds * 1000))

        figures: dict[str, int | None] = {
            "endpoint_wait_ms": ms(clock.endpoint_wait),
            "asr_ms": ms(clock.final_at - clock.endpoint_at),
            "dialogue_ms": ms(clock.dialogue_done_at - clock.final_at),
            "tts_first_byte_ms": ms(clock.first_byte_at - clock.dialogue_done_at),
            "processing_ms": ms(clock.first_byte_at - clock.endpoint_at),
        }
        await database_sync_to_async(services.call_record_turn)(
            call=Call(pk=self.call_id),
            index=index,
            caller_text=caller_text,
            bot_text=reply.full_text,
            intent=reply.intent,
            figures=figures,
        )

    async def _mark_interrupted(self, index: int) -> None:
        # The turn row is written at first byte; wait for it before flagging it.
        await asyncio.gather(*(t for t in self._background if t is not asyncio.current_task()), return_exceptions=True)
        await database_sync_to_async(services.turn_mark_interrupted)(call_id=self.call_id, index=index)

    async def _record_untimed(self, index: int, caller_text: str, reply: Reply, interrupted: bool) -> None:
        with contextlib.suppress(Exception):  # a greeting cut off by hang-up is not worth an error
            await database_sync_to_async(services.call_record_turn)(
                call=Call(pk=self.call_id),
                index=index,
                caller_text=caller_text,
                bot_text=reply.full_text,
                intent=reply.intent,
                figures={},
                interrupted=interrupted,
            )
