"""The shared decode queue: streams take turns, failures are visible, a failed warm-up is retried."""

import dataclasses
import threading

import numpy as np
import pytest

from sawt.speech.config import get_config
from sawt.speech.stream_scheduler import DecodeScheduler
from sawt.speech.streaming import Failed, StreamingTranscriber
from tests.chat.conftest import frames, silence

SECOND = np.zeros(16000, dtype=np.float32)


def test_finals_of_different_streams_are_served_in_turn():
    scheduler = DecodeScheduler(max_batch=1)
    order: list[str] = []
    gate = threading.Event()
    # Hold the decoder on a first job, so the next ones queue up behind it.
    blocker = scheduler.submit(SECOND, final=True, stream="warm")
    blocker.add_done_callback(lambda _: gate.wait(30))
    blocker.result(timeout=120)
    futures = [(name, scheduler.submit(SECOND, final=True, stream=name[0])) for name in ("a1", "a2", "a3", "b1")]
    for name, future in futures:
        future.add_done_callback(lambda _, name=name: order.append(name))
    gate.set()
    for _, future in futures:
        future.result(timeout=120)

    # Stream b's first final is not kept waiting behind all of stream a's.
    assert order.index("b1") < order.index("a3")


def test_a_failed_warm_up_is_tried_again_by_the_next_caller(tmp_path):
    scheduler = DecodeScheduler()
    missing = dataclasses.replace(get_config(), asr_model=str(tmp_path / "no-such-model"))

    first = scheduler.warm_up(missing)
    with pytest.raises(Exception):  # noqa: B017 (whatever the loader raises)
        first.result(timeout=60)
    second = scheduler.warm_up(missing)

    assert second is not first
    with pytest.raises(Exception):  # noqa: B017
        second.result(timeout=60)


async def test_a_final_that_cannot_be_decoded_is_reported_and_the_stream_goes_on(tmp_path, spoken_pcm):
    missing = dataclasses.replace(get_config(), asr_model=str(tmp_path / "no-such-model"))
    transcriber = StreamingTranscriber(config=missing)
    for frame in frames(spoken_pcm + silence(1.0)):
        await transcriber.push(frame)
    await transcriber.stop()

    events = [event async for event in transcriber.events()]
    transcriber.close()

    failed = [e for e in events if isinstance(e, Failed)]
    assert failed and failed[0].end > failed[0].start
    assert events[-1].__class__.__name__ == "Done"


def test_a_dead_decoder_thread_fails_its_jobs_and_is_replaced():
    scheduler = DecodeScheduler()
    scheduler.submit(SECOND, final=True).result(timeout=120)

    class Boom(BaseException):
        pass

    # A job whose future explodes when the thread marks it running kills the thread as a bug would.
    doomed = scheduler.submit(SECOND, final=True)
    original = doomed.set_running_or_notify_cancel

    def explode() -> bool:
        original()
        raise Boom("decoder bug")

    doomed.set_running_or_notify_cancel = explode  # type: ignore[method-assign]
    with pytest.raises(RuntimeError, match="decoder thread died"):
        doomed.result(timeout=120)
    # The next job is decoded by a new thread.
    assert scheduler.submit(SECOND, final=True).result(timeout=120).seconds > 0


def test_partials_of_four_streams_come_as_often_as_one_streams_while_a_batch_keeps_up():
    # Partials of up to `max_batch` streams share one decode call, so the spacing a stream is given
    # grows with the calls a round of partials needs, not with the number of streams.
    scheduler = DecodeScheduler(max_batch=4)
    scheduler.decode_seconds = 0.2
    spacing = {}
    for streams in (1, 4, 5, 8):
        scheduler.active_streams = streams
        spacing[streams] = scheduler.partial_interval(0.5)

    assert spacing[1] == spacing[4] == 0.5
    assert spacing[4] < spacing[5] <= spacing[8]


def test_a_short_utterance_is_not_decoded_in_a_long_ones_window():
    # Every item of one encoder call is padded to its longest: a 2 s partial batched with a 16 s one
    # would wait for (and cost) an 18 s window. Items of one call share its `seconds`.
    scheduler = DecodeScheduler(max_batch=4)
    gate = threading.Event()
    blocker = scheduler.submit(SECOND, final=True, stream="warm")
    blocker.add_done_callback(lambda _: gate.wait(30))
    blocker.result(timeout=120)
    short_a = scheduler.submit(np.tile(SECOND, 2), final=False, stream="a")
    long_b = scheduler.submit(np.tile(SECOND, 16), final=False, stream="b")
    short_c = scheduler.submit(np.tile(SECOND, 3), final=False, stream="c")
    gate.set()
    a, b, c = (future.result(timeout=120) for future in (short_a, long_b, short_c))

    assert a.seconds == c.seconds  # the two short ones shared a call
    assert b.seconds != a.seconds  # the long one had its own
