"""The streaming engine itself (sawt/speech/streaming.py), without sockets."""

import asyncio

import pytest

from sawt.speech.scoring import normalize_text, score
from sawt.speech.stream_scheduler import get_scheduler
from sawt.speech.streaming import Final, Partial, StreamingTranscriber, StreamOptions, agreed_prefix
from tests.chat.conftest import collect_finals, frames, silence


async def transcribe(
    pcm: bytes, *, options: StreamOptions | None = None, real_time: bool = False, wants_partial=None
) -> list:
    await asyncio.wrap_future(get_scheduler().warm_up())  # the model's first load is not the stream's
    transcriber = StreamingTranscriber(options=options)
    transcriber.wants_partial = wants_partial
    events = []

    async def collect() -> None:
        async for event in transcriber.events():
            events.append(event)

    reader = asyncio.create_task(collect())
    for frame in frames(pcm):
        await transcriber.push(frame)
        if real_time:
            await asyncio.sleep(0.1)
    await transcriber.stop()
    await asyncio.wait_for(reader, 120)
    transcriber.close()
    return events


def test_it_confirms_only_the_words_two_hypotheses_agree_on():
    assert agreed_prefix(["And", "so", "my"], ["and", "so,", "my", "fellow"]) == 3
    assert agreed_prefix(["Like", "your", "car."], ["Like", "your", "country"]) == 2
    assert agreed_prefix([], ["anything"]) == 0


@pytest.mark.slow
async def test_it_never_rewrites_the_confirmed_start_of_a_partial(jfk_pcm):
    events = await transcribe(jfk_pcm + silence(1.0), real_time=True)

    assert any(isinstance(e, Partial) for e in events)
    confirmed = ""  # of the segment being spoken; a final starts the next one
    for event in events:
        if isinstance(event, Final):
            confirmed = ""
        elif isinstance(event, Partial):
            assert normalize_text(event.text).startswith(normalize_text(confirmed))
            confirmed = event.confirmed


@pytest.mark.slow
async def test_a_listener_that_wants_no_partials_just_now_gets_only_finals(jfk_pcm):
    # A phone call reads partials only while the bot speaks (to hear a barge-in); otherwise none are decoded.
    events = await transcribe(jfk_pcm + silence(1.0), real_time=True, wants_partial=lambda: False)

    assert not any(isinstance(e, Partial) for e in events)
    assert "ask not what your country" in normalize_text(" ".join(e.text for e in events if isinstance(e, Final)))


@pytest.mark.slow
async def test_it_cuts_a_long_unbroken_utterance_into_bounded_finals_without_losing_words(spoken_pcm):
    # Pauses never end a segment here, so only the length bound can.
    options = StreamOptions(endpoint_silence=30.0, speculate_after=30.0, max_utterance=4.0)

    events = await transcribe(spoken_pcm * 3, options=options)

    finals = [e for e in events if isinstance(e, Final)]
    assert len(finals) >= 2
    assert all(f.end - f.start <= 4.2 for f in finals)
    said = normalize_text(" ".join(f.text for f in finals)).split()
    assert said.count("dog") >= 2 and said.count("quick") >= 2


@pytest.mark.slow
async def test_it_is_hearing_the_speaker_until_their_words_are_decoded(spoken_pcm):
    """What a phone call's silence timer reads: not silent while speaking or while the final decodes."""
    await asyncio.wrap_future(get_scheduler().warm_up())
    transcriber = StreamingTranscriber()
    assert not transcriber.hearing
    heard_while_speaking = []
    for frame in frames(spoken_pcm):
        await transcriber.push(frame)
        heard_while_speaking.append(transcriber.hearing)
    assert sum(heard_while_speaking) > len(heard_while_speaking) / 2
    for frame in frames(silence(1.5)):  # past the endpoint: the final is queued, maybe decoding
        await transcriber.push(frame)
    events = transcriber.events()
    final = await asyncio.wait_for(anext(events), 60)
    while not isinstance(final, Final):
        final = await asyncio.wait_for(anext(events), 60)
    assert final.text and not transcriber.hearing
    transcriber.close()


def test_a_decode_given_the_text_of_its_start_returns_only_the_words_after_it(jfk_pcm):
    import numpy as np

    from sawt.speech.stream_scheduler import decode_batch

    audio = np.frombuffer(jfk_pcm, "<i2").astype(np.float32) / 32768.0
    known = "And so my fellow Americans, ask not what your country can do for you,"

    [hypothesis] = decode_batch([audio], prefix=known)

    words = normalize_text(hypothesis.text).split()
    assert words[:2] == ["ask", "what"]
    assert words[-2:] == ["your", "country"]
    assert "fellow" not in words


def test_a_reading_that_only_repeats_the_known_end_or_loops_is_recognised():
    from sawt.speech.streaming import loops, repeats_the_end

    said = "And I'm saying a bunch of different words that I did not say in the original one."
    assert repeats_the_end("I did not say in the original one.", said)
    assert not repeats_the_end("And here's a long pause.", said)
    assert loops("Word. " * 12)
    assert not loops("ask what you can do for your country.")


def test_a_loop_left_by_every_reading_is_kept_once():
    # Whisper's repetition loop, seen on a hesitation in dev/mfa_cold_corpus.wav: when the greedy
    # reading and every beam reading loop, each repeated run is kept once; speech that repeats a word
    # twice, or a run inside a sentence, keeps the rest of the sentence.
    from sawt.speech.streaming import collapse_loop, loops

    assert loops("uh " * 18)
    assert collapse_loop("uh " * 18) == "uh"
    assert collapse_loop("the cat sat the cat sat the cat sat on the mat.") == "the cat sat on the mat."
    assert collapse_loop("go go now") == "go go now"


def test_a_short_command_written_twice_is_kept_once():
    # Whisper base, given a music command and the library's names as its prompt, wrote it twice.
    from sawt.speech.streaming import once_each

    assert (
        once_each("Play Nuvvu Nenantu on Spotify. Play Nuvvu Nenantu on Spotify.") == "Play Nuvvu Nenantu on Spotify."
    )
    assert once_each("Pause. Play it again. Play it again!") == "Pause. Play it again."
    assert once_each("Skip. Skip this one.") == "Skip. Skip this one."


@pytest.mark.slow
async def test_clauses_after_short_pauses_are_heard_in_context_with_no_word_twice(jfk_pcm):
    # JFK pauses between his clauses: with a short endpoint each clause is its own final, and each is
    # decoded after the one before it (its text given): the finals read the sentence exactly once.
    options = StreamOptions(endpoint_silence=0.2, short_endpoint=0.3, context=True)

    events = await transcribe(jfk_pcm + silence(1.0), options=options)

    finals = [e for e in events if isinstance(e, Final)]
    assert len(finals) >= 3
    reference = (
        "And so my fellow Americans, ask not what your country can do for you, ask what you can do for your country."
    )
    heard = " ".join(f.text for f in finals)
    # The first clause has no context, and its reading depends on what shares its decode call: tiny.en
    # reads it alone as "And so am I fellow Americans", batched with a longer partial as "And so my ...".
    # After it, every clause is read once, whole.
    result = score(reference, heard)
    assert result.deletions == 0 and result.insertions <= 1 and result.substitutions <= 1, heard
    after_first = normalize_text(" ".join(f.text for f in finals[1:])).split()
    assert after_first == normalize_text(reference).split()[5:], heard


@pytest.mark.slow
async def test_a_decode_that_ends_the_turn_sooner_is_kept_without_waiting_for_another_frame(spoken_pcm):
    # A browser sends a frame every 100 ms: a speculative decode that comes back between two frames and
    # reads as the end of the turn (`end_of_turn`) is kept then, not when the next frame arrives.
    await asyncio.wrap_future(get_scheduler().warm_up())
    transcriber = StreamingTranscriber(options=StreamOptions(endpoint_silence=1.0))
    transcriber.end_of_turn = lambda text: 0.15 if text.rstrip().endswith(".") else 1.0
    finals, reader = collect_finals(transcriber)
    try:
        for frame in frames(spoken_pcm + silence(0.2)):  # the decode starts at 0.1 s of silence
            await transcriber.push(frame)
        for _ in range(300):  # then no more audio: only the decode coming back can keep the final
            if finals:
                break
            await asyncio.sleep(0.1)
        assert finals and finals[0].text.endswith("."), [f.text for f in finals]
    finally:
        reader.cancel()
        transcriber.close()


@pytest.mark.slow
async def test_a_listener_learns_the_turn_a_pause_would_end_before_the_pause_has_held(spoken_pcm):
    # The call pipeline starts an open request's wider hearing on it while the end-of-turn wait runs.
    await asyncio.wrap_future(get_scheduler().warm_up())
    transcriber = StreamingTranscriber(options=StreamOptions(endpoint_silence=0.6))
    transcriber.end_of_turn = lambda text: 0.6
    finals, reader = collect_finals(transcriber)
    early: list[tuple[Final, int]] = []
    transcriber.on_speculation = lambda final: early.append((final, len(finals)))
    try:
        for frame in frames(spoken_pcm + silence(1.5)):
            await transcriber.push(frame)
        for _ in range(300):
            if finals:
                break
            await asyncio.sleep(0.1)
        assert finals and early, (finals, early)
        final, finals_then = early[-1]
        assert final == finals[0]  # its words, times and sureness
        assert finals_then == 0  # told before the final was kept
        assert final.avg_logprob is not None and -1.0 < final.avg_logprob <= 0.0  # Piper's clear English
    finally:
        reader.cancel()
        transcriber.close()
