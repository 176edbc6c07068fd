"""`python manage.py bench voicebot`: phone latency with the simulated caller, and booking success.

- booking: the 50 scripted calls through the dialogue as text (success = the expected booking exists).
- latency: simulated Plivo calls in real time (Piper speech as 20 ms mu-law frames) over the real
  stream consumer; per turn the server's processing time (end of the endpoint wait -> first
  audio frame out) from the stored `Turn` rows, the endpoint wait reported separately, and the
  caller-side time from the end of its speech to the first bot audio, and talk-over (a bot reply
  begun while the simulated caller was still speaking; the end-of-turn wait adapts to the words so
  far, `understanding.turns`).
- concurrency: 10 such calls at once (then fewer until p50 holds under 800 ms, if it does not).

Runs in-process against `sawt.asgi.application` on the configured database (run `migrate` first);
its business and calls are deleted afterwards.
"""

import asyncio
import datetime as dt
import os
import time
import uuid
from typing import TYPE_CHECKING, Any

import numpy as np
from asgiref.sync import sync_to_async

from sawt.core.bench import register

if TYPE_CHECKING:
    from voicebot.models import Business
    from voicebot.pipeline import Listening
    from voicebot.understanding.snips import Example
    from voicebot.understanding.turns import Heard

CALL_LINES = [
    [
        "Yes, that's fine.",
        "I'd like to book a table for {size} people {day} at {time}.",
        "My name is {name}.",
        "Yes, please book it.",
        "No, that's all. Thank you.",
    ],
    [
        "Sure.",
        "Can I reserve a table {day}?",
        "At {time}, please.",
        "We are {size}.",
        "It's {name}.",
        "Yes, go ahead.",
        "No thanks, bye.",
    ],
]
NAMES = ["Priya", "Rahul", "Anil", "Meera", "Kavya", "Arjun", "Sanjay", "Divya", "Sarah", "Vikram", "Nisha", "Omar"]
DAYS = ["tomorrow", "next friday", "this saturday", "on sunday", "the day after tomorrow"]
TIMES = ["7:30 pm", "8 pm", "1 pm", "9 pm", "12:30 pm", "8:30 pm"]


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))], 1)


def _business() -> Any:
    from voicebot.models import Business

    return Business.objects.create(
        name="Bench Bistro",
        phone_number=f"+1555{uuid.uuid4().int % 10**7:07d}",
        seats_per_slot=400,
        max_party_size=10,
        horizon_days=60,
        lead_minutes=0,
    )


def _booking_success() -> dict[str, Any]:
    from sawt.testing.scripted_calls import run_text_call, scripted_calls

    business = _business()
    try:
        scripts = scripted_calls()
        booked = 0
        started = time.perf_counter()
        for n, script in enumerate(scripts):
            if script.full_slot is not None:
                from voicebot.models import Reservation

                Reservation.objects.create(
                    business=business,
                    date=script.full_slot[0](business.now().date()),
                    time=script.full_slot[1],
                    party_size=business.seats_per_slot,
                    name="Full house",
                )
            ok, _ = run_text_call(business=business, script=script, phone=f"+91990000{n:04d}")
            booked += ok
        return {
            "booking_calls": len(scripts),
            "booking_success": booked / len(scripts),
            "dialogue_ms_per_call": round((time.perf_counter() - started) * 1000 / len(scripts), 1),
        }
    finally:
        business.delete()


def _new_call(business_id: int, n: int) -> str:
    from voicebot import services, telephony
    from voicebot.models import Business, Call

    business = Business.objects.get(pk=business_id)
    call = services.call_start(
        business=business, provider=Call.Provider.PLIVO, provider_call_id=str(uuid.uuid4()), phone=f"+9198{n:08d}"
    )
    return f"/ws/voicebot/plivo/{business_id}/?token={telephony.stream_token(business_id=business_id, call_id=call.pk)}"


async def _one_call(business_id: int, n: int, lines: list[list[bytes]]) -> tuple[list[float], int]:
    from channels.testing import WebsocketCommunicator

    from sawt.asgi import application
    from sawt.testing.voicebot_simulator import CommunicatorTransport, SimulatedCaller

    path = await sync_to_async(_new_call)(business_id, n)
    communicator = WebsocketCommunicator(application, path)
    await communicator.connect()
    caller = SimulatedCaller(CommunicatorTransport(communicator), provider="plivo", realtime=True)
    await caller.start()
    for frames in lines:
        await caller.say(frames)
        if caller.closed:
            break
    await caller.hang_up()
    return caller.latencies, caller.talk_overs


def _script(n: int) -> list[str]:
    template = CALL_LINES[n % len(CALL_LINES)]
    fill = {
        "size": (2, 4, 3, 6, 5)[n % 5],
        "day": DAYS[n % len(DAYS)],
        "time": TIMES[n % len(TIMES)],
        "name": NAMES[n % len(NAMES)],
    }
    return [line.format(**fill) for line in template]


def _synthesize(scripts: list[list[str]]) -> list[list[list[bytes]]]:
    from sawt.testing.voicebot_simulator import speech_frames

    return [[speech_frames(line) for line in script] for script in scripts]


def _turn_figures(business_id: int) -> dict[str, Any]:
    from voicebot.models import Call, Reservation, Turn

    turns = list(Turn.objects.filter(call__business_id=business_id, processing_ms__isnull=False))

    def p(field: str, q: float) -> float | None:
        return _percentile([float(getattr(t, field)) for t in turns], q)

    calls = Call.objects.filter(business_id=business_id)
    return {
        "turns": len(turns),
        "processing_p50_ms": p("processing_ms", 0.5),
        "processing_p95_ms": p("processing_ms", 0.95),
        "endpoint_wait_p50_ms": p("endpoint_wait_ms", 0.5),
        "asr_p50_ms": p("asr_ms", 0.5),
        "dialogue_p50_ms": p("dialogue_ms", 0.5),
        "tts_first_byte_p50_ms": p("tts_first_byte_ms", 0.5),
        "calls_booked": Reservation.objects.filter(business_id=business_id).count(),
        "calls": calls.count(),
    }


async def _run_calls(count: int, first: int, concurrent: bool) -> tuple[dict[str, Any], list[float]]:
    """The calls' figures (with `talk_overs`: bot replies begun while the caller spoke) and caller-heard latencies."""
    business = await sync_to_async(_business)()
    try:
        audio = await asyncio.to_thread(_synthesize, [_script(first + i) for i in range(count)])
        latencies: list[float] = []
        talk_overs = 0
        if concurrent:
            # Staggered like real calls, so not every caller stops speaking at the same instant.
            async def staggered(i: int) -> tuple[list[float], int]:
                await asyncio.sleep(i * 0.37)
                return await _one_call(business.pk, first + i, audio[i])

            results = list(await asyncio.gather(*(staggered(i) for i in range(count))))
        else:
            results = [await _one_call(business.pk, first + i, audio[i]) for i in range(count)]
        for heard, overs in results:
            latencies += heard
            talk_overs += overs
        figures = await sync_to_async(_turn_figures)(business.pk)
        return {**figures, "talk_overs": talk_overs}, latencies
    finally:
        await sync_to_async(business.delete)()


@register("voicebot", help="phone bot: processing latency p50/p95, 10 concurrent calls, booking success on 50 calls")
def bench_voicebot(options: dict[str, Any]) -> dict[str, Any]:
    from django.conf import settings

    from sawt.speech import asr, tts
    from voicebot import understanding
    from voicebot.pipeline import ENDPOINT_SILENCE_MS
    from voicebot.understanding import turns

    asr.get_asr_model()
    tts.synthesize("Warming up.", sample_rate=8000)
    understanding.warm_up()
    result: dict[str, Any] = {
        "cpu_count": os.cpu_count(),
        "load_avg_at_start": [round(x, 2) for x in os.getloadavg()],
        "endpoint_silence_ms": {
            "answered": round(turns.ANSWERED_WAIT * 1000),
            "usual": round(turns.USUAL_WAIT * 1000),
            "unfinished": ENDPOINT_SILENCE_MS,
        },
        "asr_model": settings.SAWT_ASR_MODEL,
    }
    result.update(_booking_success())
    quick = bool(options.get("quick"))
    single, client = asyncio.run(_run_calls(1 if quick else 3, 0, concurrent=False))
    result["single"] = {
        **single,
        "caller_heard_p50_ms": _percentile([x * 1000 for x in client], 0.5),
        "caller_heard_p95_ms": _percentile([x * 1000 for x in client], 0.95),
    }
    holds = None
    for count in [3] if quick else [10, 6, 4, 2]:
        figures, client = asyncio.run(_run_calls(count, 100 * count, concurrent=True))
        result[f"concurrent_{count}"] = {
            **figures,
            "caller_heard_p50_ms": _percentile([x * 1000 for x in client], 0.5),
            "caller_heard_p95_ms": _percentile([x * 1000 for x in client], 0.95),
        }
        if (figures["processing_p50_ms"] or 1e9) < 800:
            holds = count
            break
    result["concurrent_calls_holding_p50_under_800ms"] = holds
    result["talk_overs"] = sum(v["talk_overs"] for v in result.values() if isinstance(v, dict) and "talk_overs" in v)
    result["load_avg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    result["date"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    return result


@register("voicebot-nlu", help="phone bot rules on the Snips BookRestaurant requests: party size, time, date")
def bench_voicebot_nlu(options: dict[str, Any]) -> dict[str, Any]:
    """Scores `voicebot.understanding` on `nlu/snips_train_BookRestaurant.json` under the data folder
    (`--data`, default `SAWT_TEST_DATA`); what counts as given is in `voicebot/understanding/snips.py`."""
    from pathlib import Path

    from voicebot import understanding as nlu
    from voicebot.understanding import snips

    path = Path(options["data"]) / snips.DATASET
    started = time.perf_counter()
    result = snips.score(path)
    result["targets"] = {"party_size": 0.97, "time": 0.95, "date": 0.95}
    result["ms_per_request"] = round((time.perf_counter() - started) * 1000 / result["requests"], 2)
    # Every request of the set asks for a table: how many an open question takes as a booking (`nlu.goal`).
    requests = snips.examples(path)
    result["booking_recognised"] = round(sum(nlu.goal(e.text) == "book" for e in requests) / len(requests), 4)
    result["data"] = str(path)
    return result


SLU_VOICES = {"piper": None, "espeak": "espeak:en-us"}  # the bundled joe-us Piper voice, espeak-ng


def _slu_requests(path: Any, count: int) -> list[Any]:
    """`count` requests that carry a party size or a clock time, spread over the set: the ones with a time
    (fewer) up to half, party sizes for the rest, in the set's order."""
    from voicebot.understanding import snips

    items = [e for e in snips.examples(path) if e.party_size is not None or snips.gold(e)["time"]]
    timed = [e for e in items if snips.gold(e)["time"]]
    timed = timed[:: max(1, len(timed) // (count // 2))][: count // 2]
    rest = [e for e in items if e not in timed]
    rest = rest[:: max(1, len(rest) // (count - len(timed)))][: count - len(timed)]
    return sorted(timed + rest, key=items.index)


def _phone_line(text: str, voice: str | None) -> bytes:
    """`text` spoken by `voice` as the line carries it: 8 kHz mu-law (the TTS cache keeps the rendering)."""
    from sawt.speech import audio as speech_audio
    from sawt.speech import tts

    samples = tts.synthesize(text, voice=voice, sample_rate=8000).samples
    pad = np.zeros(int(0.3 * 8000), dtype=np.float32)  # a breath before, the line's quiet after
    tail = np.zeros(int(1.2 * 8000), dtype=np.float32)
    pcm = np.clip(np.concatenate([pad, samples, tail]) * 32767.0, -32768, 32767).astype(np.int16)
    return speech_audio.mulaw_encode(pcm)


def _wideband(text: str, voice: str | None) -> bytes:
    """`text` spoken by `voice` as PCM16 16 kHz, padded as on the line but never through it: what the
    same listening hears without the 8 kHz band and the mu-law codec (the TTS cache keeps the rendering)."""
    from sawt.speech import audio as speech_audio
    from sawt.speech import tts

    samples = tts.synthesize(text, voice=voice, sample_rate=16000).samples
    pad = np.zeros(int(0.3 * 16000), dtype=np.float32)
    tail = np.zeros(int(1.2 * 16000), dtype=np.float32)
    return speech_audio.float32_to_pcm16(np.concatenate([pad, samples, tail]))


async def _recognise(
    mulaw: bytes,
    *,
    prompted: bool = True,
    wideband: bytes | None = None,
    asked: str | None = None,
    listening: "Listening | None" = None,
) -> "Heard":
    """The call pipeline's listening to an opening request, or with `asked` to the answer to the question
    for that slot (its stream options, phone-audio conversion, shared decoder, end-of-turn waits and, when
    `prompted`, its ASR prompt), fed faster than real time; partials are left out, as they never reach the
    dialogue. `listening`: as a call listens after its dialogue's last question (`pipeline.listening_for`).
    `wideband` (PCM16 16 kHz) is heard instead of `mulaw`, skipping the line."""
    import dataclasses
    import functools

    from sawt.speech.audio import pcm16_to_float32
    from sawt.speech.streaming import Final, StreamingTranscriber
    from voicebot.pipeline import FRAME_BYTES, Listening, PhoneAudio, call_stream_options, hear_again
    from voicebot.understanding import turns

    if listening is None:
        prompt = turns.listening_prompt(asked, "Bench Bistro") if prompted else ""
        listening = Listening(asked=asked, slot_question=True, prompt=prompt, yes_no=False)
    options = dataclasses.replace(call_stream_options(), partial_every=3600.0)
    transcriber = StreamingTranscriber(language="en", options=options)
    transcriber.prompt = listening.prompt
    transcriber.end_of_turn = functools.partial(turns.end_of_turn, asked=listening.asked, yes_no=listening.yes_no)
    phone = PhoneAudio()
    try:
        if wideband is not None:
            chunks = [wideband[offset : offset + 6400] for offset in range(0, len(wideband), 6400)]  # 200 ms
        else:
            step = FRAME_BYTES * 10
            chunks = [phone.pcm16k(mulaw[offset : offset + step]) for offset in range(0, len(mulaw), step)]
        for chunk in chunks:
            await transcriber.push(chunk)
        await transcriber.stop()
        audio = pcm16_to_float32(b"".join(chunks))
        finals = [e async for e in transcriber.events() if isinstance(e, Final)]
        # As a call does: an open request not heard surely is heard again by the second-hearing model (the
        # beam's hypotheses), and the hypothesis that agrees best with what most of them say is kept.
        heard = [
            await hear_again(
                e.text,
                audio[int(e.start * 16000) : int(e.end * 16000)],
                asked=listening.asked,
                prompt=transcriber.prompt,
                logprob=e.avg_logprob,
            )
            if listening.slot_question
            else turns.Heard(e.text)
            for e in finals
        ]
        # The dialogue reads the text, with the party size and time most hearings read taken over its own.
        return turns.Heard(
            " ".join(h.text.strip() for h in heard),
            party_size=next((h.party_size for h in heard if h.party_size), None),
            time=next((h.time for h in heard if h.time), None),
        )
    finally:
        transcriber.close()


# A whole call: what the simulated caller answers to a question about a slot its request did
# not give (not scored), and how many of its turns a call may take.
CALLER_DEFAULTS = {"party_size": "For two people.", "time": "At 7 pm.", "day": "Tomorrow.", "name": "Anna Lee."}
CALL_TURNS = 10


def _open_all_day() -> "Business":
    """A business that takes any minute of any day for any party, so that what a call books is what it
    understood: a request's "18:49" or "3 am" is no business rule's to refuse."""
    from voicebot.models import WEEKDAYS, Business

    return Business.objects.create(
        name="Bench Bistro",
        phone_number=f"+1555{uuid.uuid4().int % 10**7:07d}",
        time_zone="UTC",
        opening_hours={day: [["00:00", "23:59"]] for day in WEEKDAYS},
        seats_per_slot=100_000,
        max_party_size=1000,
        slot_minutes=1,
        lead_minutes=0,
        horizon_days=3650,
    )


def _sentence(words: str) -> str:
    """Words as the simulated caller says them: a sentence ("at 7 pm" -> "At 7 pm.")."""
    return words[0].upper() + words[1:] + "."


def _caller_says(state: Any, expected: dict[str, Any], time_words: str) -> str | None:
    """What a caller who knows what they want answers the bot (`state`: the dialogue's, after its reply):
    the slot asked for, a yes to a confirmation that reads back what they asked for, else a "no" with what
    was wrong; None once the call has nothing more to say."""
    from voicebot.dialogue_state import Stage

    def said(slot: str) -> str:
        if slot == "party_size" and expected["party_size"]:
            return f"for {expected['party_size']} people"
        if slot == "time" and expected["time"]:
            return f"at {time_words}"
        return CALLER_DEFAULTS[slot].rstrip(".").lower()

    understood = state.slots.as_json()
    wrong = [said(slot) for slot in ("party_size", "time") if expected[slot] not in (None, understood[slot])]
    if state.stage in {Stage.COLLECT, Stage.CHANGE_COLLECT}:
        # The slot asked for; asked what to change ("the day, the time, or the number of people?"), what was wrong.
        return _sentence(said(state.asked) if state.asked else " ".join(wrong) or "nothing else")
    if state.stage == Stage.CONFIRM_BOOKING:
        return f"No, {' '.join(wrong)}." if wrong else "Yes."
    if state.stage in {Stage.OFFERS, Stage.WHATSAPP_LINK}:
        return "No."
    if state.stage == Stage.OPEN:
        return "I'd like to book a table."
    return None


def _time_words(example: "Example") -> str:
    """The words a request gives its clock time in ("7 pm", "eighteen o'clock"), without an "at"."""
    from voicebot.understanding import snips

    spans = [span.strip() for span in example.annotated.get("timeRange", [])]
    words = next((span for span in spans if snips.hhmm(snips.clock_span(span))), "")
    return words[3:] if words.lower().startswith("at ") else words


def _whole_call(business: "Business", example: "Example", voice: str | None, opening: "Heard") -> dict[str, Any]:
    """A call that opens with the request as `opening` heard it and goes on as the dialogue leads: each
    answer spoken by `voice` through the line and heard as a call hears it (`pipeline.listening_for`).
    What it ends with: the booking's party size and time (what was understood where nothing was booked)."""
    from voicebot import services
    from voicebot.agent import dialogue_class
    from voicebot.dialogue_state import DialogueState, Stage
    from voicebot.pipeline import listening_for
    from voicebot.understanding import snips

    expected = snips.gold(example)
    time_words = _time_words(example)
    # A phone call always comes from a number: a caller of its own (the number is no request's to share).
    caller = services.caller_get_or_create(business=business, phone=f"+1999{uuid.uuid4().int % 10**7:07d}")
    dialogue = dialogue_class()(business=business, caller=caller)
    dialogue.state = DialogueState(stage=Stage.OPEN, transcript_consent=True)
    reply = dialogue.respond(opening.text, heard=opening)
    log = [f"{example.text!r} heard {opening.text!r} -> {reply.text!r}"]
    turns_taken, corrections = 1, 0
    while not reply.end_call and dialogue.state.booked is None and turns_taken < CALL_TURNS:
        answer = _caller_says(dialogue.state, expected, time_words)
        if answer is None:
            break
        corrections += answer.startswith("No, ")
        heard = asyncio.run(_recognise(_phone_line(answer, voice), listening=listening_for(dialogue)))
        reply = dialogue.respond(heard.text, heard=heard)
        log.append(f"{answer!r} heard {heard.text!r} -> {reply.text!r}")
        turns_taken += 1
    ended = dialogue.state.slots.merged(dialogue.state.heard).as_json()
    return {
        "party_size": ended["party_size"],
        "time": ended["time"],
        "booked": dialogue.state.booked is not None,
        "turns": turns_taken,
        "corrections": corrections,
        "log": log,
    }


def _call_figures(calls: dict[str, list[tuple[dict[str, Any], dict[str, Any]]]], verbose: bool) -> dict[str, Any]:
    """Whole calls: how often what each ended with is the party size and time asked for (where the
    request gave them), how many were booked, in how many caller turns, with how many corrections."""

    def share(rows: list[tuple[dict[str, Any], dict[str, Any]]], slot: str) -> float | None:
        given = [(want, got) for want, got in rows if want[slot] is not None]
        return round(sum(want[slot] == got[slot] for want, got in given) / len(given), 4) if given else None

    every = [row for rows in calls.values() for row in rows]
    figures: dict[str, Any] = {"calls": len(every)}
    for slot in ("party_size", "time"):
        figures[slot] = {"accuracy": share(every, slot), **{f"accuracy_{v}": share(r, slot) for v, r in calls.items()}}
    figures["booked"] = round(sum(got["booked"] for _, got in every) / max(len(every), 1), 4)
    figures["caller_turns_mean"] = round(sum(got["turns"] for _, got in every) / max(len(every), 1), 2)
    figures["calls_corrected"] = sum(got["corrections"] > 0 for _, got in every)
    if verbose:
        figures["missed"] = [
            got["log"]
            for want, got in every
            if any(want[slot] is not None and want[slot] != got[slot] for slot in ("party_size", "time"))
        ]
    return figures


@register("voicebot-slu", help="phone bot on spoken Snips booking requests (Piper, espeak-ng, mu-law 8 kHz)")
def bench_voicebot_slu(options: dict[str, Any]) -> dict[str, Any]:
    """Speaks Snips BookRestaurant requests that carry a party size or a time with two offline voices,
    through G.711 mu-law 8 kHz, into the call pipeline's recognition and the rules' understanding, and
    scores party size, time and date as understood against the annotation (`understanding/snips.py`).
    `--limit N` takes N requests (default 200), `--quick` 8. `accuracy_<voice>_wideband`: the same voice at
    16 kHz without the line (no 8 kHz band, no mu-law), heard the same way, to tell the line's share of the
    misses from the voice's; `accuracy_text_only`: the same hearings read from their text alone, without the
    party size and time most hypotheses read (`turns.Heard`); `time_answer`: each timed request's time words
    said alone as the answer to "At what time?", heard and read as a call does. Each request, as each voice's
    call heard it, then goes on as a whole call (`whole_call`): a simulated caller answers the bot's questions
    and corrects its read-back; what the calls end with is the `end_to_end` figure the targets are met by."""
    business = _open_all_day()
    try:
        return _spoken_requests(options, business)
    finally:
        business.delete()  # its callers and bookings with it, also when the bench fails


def _spoken_requests(options: dict[str, Any], business: "Business") -> dict[str, Any]:
    """`bench_voicebot_slu` on `business` (open every minute of every day, `_open_all_day`)."""
    from pathlib import Path

    from django.conf import settings

    from sawt.speech import asr
    from voicebot.understanding import snips, turns

    count = int(options.get("limit") or (8 if options.get("quick") else 200))
    requests = _slu_requests(Path(options["data"]) / snips.DATASET, count)
    asr.get_asr_model()
    slots = ("party_size", "time", "date")
    heard_as = [
        *SLU_VOICES,
        *(f"{v}_no_prompt" for v in SLU_VOICES),
        *(f"{v}_wideband" for v in SLU_VOICES),
        *(f"{v}_text_only" for v in SLU_VOICES),
        "text",
    ]
    tally: dict[str, dict[str, list[int]]] = {v: {s: [0, 0] for s in slots} for v in heard_as}
    # Each request, as each voice's call heard it, goes on as a whole call.
    calls: dict[str, list[tuple[dict[str, Any], dict[str, Any]]]] = {name: [] for name in SLU_VOICES}
    missed: list[str] = []
    seconds = {"synthesis": 0.0, "recognition": 0.0, "audio": 0.0}
    for example in requests:
        expected = snips.gold(example)
        heard = {"text": turns.Heard(example.text)}
        for name, voice in SLU_VOICES.items():
            started = time.perf_counter()
            mulaw = _phone_line(example.text, voice)
            seconds["synthesis"] += time.perf_counter() - started
            seconds["audio"] += len(mulaw) / 8000
            started = time.perf_counter()
            heard[name] = asyncio.run(_recognise(mulaw, prompted=True))
            seconds["recognition"] += time.perf_counter() - started
            # The same hearing read from its text alone, without the slots most hypotheses read.
            heard[f"{name}_text_only"] = turns.Heard(heard[name].text)
            heard[f"{name}_no_prompt"] = asyncio.run(_recognise(mulaw, prompted=False))
            heard[f"{name}_wideband"] = asyncio.run(
                _recognise(b"", prompted=True, wideband=_wideband(example.text, voice))
            )
            calls[name].append((expected, _whole_call(business, example, voice, heard[name])))
        for name, hearing in heard.items():
            text = hearing.text
            found = snips.understood(text, snips.TODAY, heard=hearing)
            for slot in slots:
                if expected[slot] is None:
                    continue
                tally[name][slot][1] += 1
                tally[name][slot][0] += found[slot] == expected[slot]
                if found[slot] != expected[slot] and name in SLU_VOICES and len(missed) < 40:
                    missed.append(f"{slot} {name}: {example.text!r} heard {text!r}: {found[slot]} != {expected[slot]}")

    # The answer to "At what time?": each timed request's own time words said alone ("7 am", "eighteen"),
    # heard as a call hears that answer, read by the dialogue's slot reader (a bare number is the hour).
    from voicebot.dialogue_booking import read_slots
    from voicebot.dialogue_state import Slots

    answered = {name: [0, 0] for name in SLU_VOICES}
    for example in requests:
        said = _time_words(example)
        if not said or snips.gold(example)["time"] is None:
            continue
        for name, voice in SLU_VOICES.items():
            text = asyncio.run(_recognise(_phone_line(_sentence(said), voice), asked="time")).text
            read = Slots()
            read_slots(business, read, text, expecting="time", day=snips.TODAY)
            answered[name][1] += 1
            answered[name][0] += read.as_json()["time"] == snips.gold(example)["time"]

    def accuracy(right: int, given: int) -> float | None:
        return round(right / given, 4) if given else None

    result: dict[str, Any] = {
        "requests": len(requests),
        "voices": {name: voice or settings.SAWT_TTS_VOICE for name, voice in SLU_VOICES.items()},
        "asr_model": settings.SAWT_ASR_MODEL,
        "line": "G.711 mu-law 8 kHz",
    }
    for slot in slots:
        spoken = [sum(tally[v][slot][i] for v in SLU_VOICES) for i in (0, 1)]
        result[slot] = {
            "given": tally["text"][slot][1],
            "accuracy": accuracy(*spoken),
            **{f"accuracy_{v}": accuracy(*tally[v][slot]) for v in heard_as if v != "text"},
            "accuracy_text_only": accuracy(
                *[sum(tally[f"{v}_text_only"][slot][i] for v in SLU_VOICES) for i in (0, 1)]
            ),
            "accuracy_no_prompt": accuracy(
                *[sum(tally[f"{v}_no_prompt"][slot][i] for v in SLU_VOICES) for i in (0, 1)]
            ),
            "accuracy_text": accuracy(*tally["text"][slot]),
        }
    result["time_answer"] = {
        "given": answered["piper"][1],
        "accuracy": accuracy(*[sum(answered[v][i] for v in SLU_VOICES) for i in (0, 1)]),
        **{f"accuracy_{v}": accuracy(*answered[v]) for v in SLU_VOICES},
    }
    result["whole_call"] = _call_figures(calls, verbose=options.get("verbosity", 1) > 1)
    # End to end: what the call ends with, the opening heard, read back and corrected where it was wrong.
    targets = {"party_size": 0.90, "time": 0.85}
    result["end_to_end"] = {
        **{slot: result["whole_call"][slot]["accuracy"] for slot in targets},
        "targets": targets,
        "met": all((result["whole_call"][slot]["accuracy"] or 0.0) >= goal for slot, goal in targets.items()),
        "measured_as": "whole calls (`whole_call`); each slot block above is the opening request's first hearing",
    }
    result["targets"] = targets
    result["asr_prompt"] = "booking vocabulary, as a call's opening question is listened for"
    result["recognition_x_realtime"] = round(seconds["recognition"] / max(seconds["audio"], 1e-9), 3)
    result["synthesis_seconds"] = round(seconds["synthesis"], 1)
    if options.get("verbosity", 1) > 1:
        result["missed"] = missed
    result["data"] = str(Path(options["data"]) / snips.DATASET)
    return result
