"""A worker killed with SIGKILL in the middle of a long task, then restarted: the job finishes once.

Celery delivers at least once (acks_late + reject_on_worker_lost): after the kill the unacked
message comes back once the broker's visibility timeout (8 s here) has passed, and the job runtime's
beat sweep re-queues job rows whose lease has passed. Each task claims its row, so a second delivery is
a no-op and nothing is written twice.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.core.files.base import ContentFile

from sawt.testing.fakeserver import FakeServer, running
from tests.reliability.faults import (
    VISIBILITY_TIMEOUT,
    RedisServer,
    Worker,
    database_url,
    needs_postgres,
    send_task,
    subprocess_env,
    wait_for,
)

pytestmark = [pytest.mark.slow, needs_postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def start_worker(redis_server: RedisServer, tmp_path: Path, settings) -> Iterator[Callable[..., Worker]]:  # type: ignore[no-untyped-def]
    workers: list[Worker] = []

    def start(**extra: str) -> Worker:
        env = subprocess_env(redis_url=redis_server.url, db_url=database_url(), media_root=str(settings.MEDIA_ROOT), **extra)
        worker = Worker(env, tmp_path / "worker.log").start()
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.kill()


def restart_for_redelivery(  # type: ignore[no-untyped-def]
    start_worker, extra: dict[str, str], sent_at: float, task_name: str, task_id: str, wait: float = 90
) -> Worker:
    """Starts a new worker once the visibility timeout has passed and waits until the killed task's
    unacknowledged message was delivered to it again (a no-op or a resume: the row tells it which).

    A starting worker restores unacked messages older than the visibility timeout; younger ones only at
    kombu's next periodic scan (about 100 s later), so the restart waits for the timeout to pass.
    """
    time.sleep(max(0.0, sent_at + VISIBILITY_TIMEOUT + 0.5 - time.monotonic()))
    worker = start_worker(**extra)
    wait_for(
        lambda: worker.finished(task_name, task_id),
        timeout=VISIBILITY_TIMEOUT + wait,
        what=f"the unacknowledged {task_name} to be delivered again",
    )
    return worker


def test_it_finishes_a_meeting_transcription_once_after_the_worker_is_killed_mid_task(
    owner, redis_server, start_worker, shared_data
):  # type: ignore[no-untyped-def]
    from meetings.models import ProcessingJob, Segment, Summary
    from tests.meetings.factories import JobFactory, MeetingFactory, RecordingFactory

    audio = (Path(shared_data) / "fw_jfk.flac").read_bytes()
    meeting = MeetingFactory(owner=owner, status="queued", duration=11.0, language="en")
    RecordingFactory(meeting=meeting, file=ContentFile(audio, name="jfk.flac"), size=len(audio))
    job = JobFactory(meeting=meeting, stage="upload", status="queued", progress=0)
    # A "running" row whose lease was not renewed for 2 s was left behind by a dead worker.
    extra = {"SAWT_JOB_LEASE_SECONDS": "2"}
    worker = start_worker(**extra)

    task_id = send_task(redis_server.url, "meetings.tasks.process_meeting", [job.pk], "speech")
    sent_at = time.monotonic()
    wait_for(
        lambda: ProcessingJob.objects.filter(pk=job.pk, stage="transcribe", status="running").exists(),
        timeout=60,
        what="the job to reach transcription",
    )
    # Inside the stage: kill early, since on an idle CPU tiny.en transcribes these 11 s in about 1 s.
    time.sleep(0.2)
    worker.kill()
    killed = ProcessingJob.objects.get(pk=job.pk)
    assert (killed.status, killed.stage) == ("running", "transcribe")
    assert not Segment.objects.filter(meeting=meeting).exists()

    worker = restart_for_redelivery(start_worker, extra, sent_at, "meetings.tasks.process_meeting", task_id)
    send_task(redis_server.url, "sawt.core.jobs.tasks.sweep", [], "default")  # what beat runs every minute
    wait_for(
        lambda: ProcessingJob.objects.filter(pk=job.pk, status__in=["completed", "failed"]).exists(),
        timeout=150,
        interval=0.5,
        what="the re-queued job to finish",
    )
    done = ProcessingJob.objects.get(pk=job.pk)
    assert (done.status, done.stage, done.error) == ("completed", "done", ""), worker.log()[-3000:]
    assert done.attempts == 2
    lines = list(Segment.objects.filter(meeting=meeting).values_list("index", "text"))
    assert lines and len({index for index, _ in lines}) == len(lines)
    assert "country" in " ".join(text for _, text in lines).lower()
    assert Summary.objects.filter(meeting=meeting).count() == 1
    meeting.refresh_from_db()
    assert meeting.status == "completed"


def test_it_sends_a_whatsapp_message_once_when_the_worker_dies_during_the_send(redis_server, start_worker):  # type: ignore[no-untyped-def]
    from tests.voicebot.factories import BusinessFactory
    from voicebot import services
    from voicebot.models import Consent, Message, Reservation

    business = BusinessFactory(lead_minutes=0)
    caller = services.caller_get_or_create(business=business, phone="+919812345678")
    services.consent_record(caller=caller, kinds=[Consent.Kind.WHATSAPP], granted=True, how="voice")
    reservation = Reservation.objects.create(
        business=business,
        caller=caller,
        date=business.now().date() + dt.timedelta(days=2),
        time=dt.time(19, 0),
        party_size=2,
        name="Asha",
    )
    message = Message.objects.create(reservation=reservation, kind=Message.Kind.CONFIRMATION)
    provider_reached = threading.Event()

    def slow_provider(req):  # type: ignore[no-untyped-def]
        provider_reached.set()
        time.sleep(3)  # the worker dies while the provider is still answering
        return 201, {}, {"sid": "SMfault1"}

    def message_list(req):  # type: ignore[no-untyped-def]
        taken = [r.form() for r in server.requests if r.method == "POST"]
        return 200, {}, {"messages": [{"sid": "SMfault1", "body": form["Body"], "to": form["To"]} for form in taken]}

    server = FakeServer()
    server.add("POST", "/2010-04-01/Accounts/ACFAULTS/Messages.json", slow_provider)
    server.add("GET", "/2010-04-01/Accounts/ACFAULTS/Messages.json", message_list)
    with running(server):
        extra = {
            "VOICEBOT_MESSAGING_PROVIDER": "twilio",
            "VOICEBOT_TWILIO_API_URL": server.url,
            "VOICEBOT_TWILIO_ACCOUNT_SID": "ACFAULTS",
            "VOICEBOT_TWILIO_AUTH_TOKEN": "token",
            "VOICEBOT_WHATSAPP_SENDER": "+14155238886",
            "SAWT_JOB_LEASE_SECONDS": "2",
        }
        worker = start_worker(**extra)
        task_id = send_task(redis_server.url, "voicebot.tasks.message_send", [message.pk], "io")
        sent_at = time.monotonic()
        assert provider_reached.wait(60), worker.log()[-3000:]
        worker.kill()

        worker = restart_for_redelivery(start_worker, extra, sent_at, "voicebot.tasks.message_send", task_id)
        sweep_id = send_task(redis_server.url, "sawt.core.jobs.tasks.sweep", [], "default")  # the beat sweep
        wait_for(lambda: worker.finished("sawt.core.jobs.tasks.sweep", sweep_id), timeout=30, what="the sweep")

    sends = [r for r in server.requests if r.method == "POST"]
    assert len(sends) == 1, "the provider was asked to send the confirmation twice"
    message.refresh_from_db()
    # The redelivered task found the send abandoned, asked the provider's message list, and recorded it.
    assert (message.status, message.provider_message_id, message.attempts) == ("sent", "SMfault1", 2)


def test_it_finishes_dictation_audio_once_after_the_worker_is_killed_during_synthesis(
    owner, redis_server, start_worker, settings, tmp_path
):  # type: ignore[no-untyped-def]
    from dictation.models import Item, TTSStatus, TTSTask
    from tests.dictation.factories import ItemFactory

    # A text never synthesized before and an empty TTS cache: the synthesis is real and takes a while.
    text = " ".join(["The train to the coast leaves at seven in the morning."] * 6) + f" Ticket {uuid.uuid4().hex[:8]}."
    item = ItemFactory(owner=owner, text=text)
    task = TTSTask.objects.create(item=item, content_hash=item.content_hash)
    # A "running" job whose lease was not renewed for 2 s was left by a dead worker.
    extra = {
        "SAWT_JOB_LEASE_SECONDS": "2",
        "SAWT_TTS_CACHE_DIR": str(tmp_path / "tts-cache"),
    }
    worker = start_worker(**extra)

    task_id = send_task(redis_server.url, "dictation.tasks.generate_item_audio", [task.pk], "speech")
    sent_at = time.monotonic()
    wait_for(
        lambda: TTSTask.objects.filter(pk=task.pk, status=TTSStatus.RUNNING).exists(),
        timeout=60,
        interval=0.05,
        what=lambda: f"synthesis to start (job {TTSTask.objects.filter(pk=task.pk).values().first()})",
    )
    worker.kill()
    assert TTSTask.objects.get(pk=task.pk).status == TTSStatus.RUNNING
    assert not Item.objects.get(pk=item.pk).audio_file

    worker = restart_for_redelivery(start_worker, extra, sent_at, "dictation.tasks.generate_item_audio", task_id)
    # What beat does every minute, a little faster: sweep until the re-queued synthesis has finished
    # (on a loaded machine the first sweep can come before the row counts as stuck).
    deadline = time.monotonic() + 240
    while not TTSTask.objects.filter(pk=task.pk, status__in=[TTSStatus.COMPLETED, TTSStatus.FAILED]).exists():
        assert time.monotonic() < deadline, "timed out after 240 s waiting for the re-queued synthesis to finish"
        send_task(redis_server.url, "sawt.core.jobs.tasks.sweep", [], "default")
        time.sleep(10)
    done = TTSTask.objects.get(pk=task.pk)
    assert (done.status, done.error) == (TTSStatus.COMPLETED, ""), worker.log()[-3000:]
    assert done.attempts == 2
    item.refresh_from_db()
    assert item.tts_status == TTSStatus.COMPLETED and item.audio_file == done.file
    files = [p for p in (Path(settings.MEDIA_ROOT) / settings.DICTATION_AUDIO_DIR).rglob("*") if p.is_file()]
    assert [p.relative_to(settings.MEDIA_ROOT).as_posix() for p in files] == [item.audio_file]


def test_it_resumes_a_library_sync_from_its_cursor_after_the_worker_is_killed(owner, redis_server, start_worker):  # type: ignore[no-untyped-def]
    from music.models import LibraryTrack, Playlist, SyncRun
    from sawt.testing.spotify import FakeSpotify
    from tests.music.factories import MusicAccountFactory

    spotify = FakeSpotify()
    spotify.extra_tracks = 244  # 250 saved tracks: five pages of 50
    spotify.start()
    pages = threading.Semaphore(0)
    saved_page = spotify.server.routes[("GET", "/v1/me/tracks")]

    def slow_page(req):  # type: ignore[no-untyped-def]
        pages.release()
        time.sleep(1.0)  # a page takes a while: the worker dies between two of them
        return saved_page(req)

    spotify.server.routes[("GET", "/v1/me/tracks")] = slow_page
    try:
        tokens = spotify.issue_tokens(spotify.user_id)
        account = MusicAccountFactory(owner=owner, platform="spotify", access_token=tokens["access_token"],
                                      refresh_token=tokens["refresh_token"])
        run = SyncRun.objects.create(owner=owner, account=account)
        extra = {
            "MUSIC_SPOTIFY_ACCOUNTS_URL": spotify.url,
            "MUSIC_SPOTIFY_API_URL": spotify.url,
            "MUSIC_SPOTIFY_CLIENT_ID": spotify.client_id,
            "MUSIC_SPOTIFY_CLIENT_SECRET": spotify.client_secret,
            "SAWT_JOB_LEASE_SECONDS": "2",
        }
        worker = start_worker(**extra)
        task_id = send_task(redis_server.url, "music.tasks.library_sync", [run.pk], "default")
        sent_at = time.monotonic()
        for _ in range(3):  # two pages stored, the third in flight
            assert pages.acquire(timeout=60), worker.log()[-3000:]
        wait_for(lambda: SyncRun.objects.get(pk=run.pk).tracks_synced >= 100, timeout=10, what="two pages stored")
        worker.kill()
        killed = SyncRun.objects.get(pk=run.pk)
        assert killed.status == "running" and killed.cursor["stage"] == "tracks"
        stored = killed.tracks_synced

        worker = restart_for_redelivery(start_worker, extra, sent_at, "music.tasks.library_sync", task_id, wait=60)
        done = SyncRun.objects.get(pk=run.pk)
        assert done.status == "done", (done.status, done.error, worker.log()[-3000:])
        offsets = [int(r.query["offset"][0]) for r in spotify.server.requests_to("/v1/me/tracks")]
        # The second delivery went on from the page after the last one stored; none was fetched twice
        # except the one the kill interrupted.
        assert offsets[len(offsets) - (250 - stored) // 50:] == list(range(stored, 250, 50))
        assert len(offsets) - len(set(offsets)) <= 1
        assert LibraryTrack.objects.filter(owner=owner, is_saved=True).count() == 250
        assert Playlist.objects.filter(owner=owner).count() == 2
    finally:
        spotify.stop()
