import os
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from dictation import services, tasks
from dictation.models import Item, TTSStatus, TTSTask
from sawt.core.jobs.tasks import sweep
from tests.dictation.factories import ItemFactory

pytestmark = pytest.mark.django_db


def queued_item(owner, **fields):
    item = ItemFactory(owner=owner, **fields)
    task = TTSTask.objects.create(item=item, content_hash=item.content_hash)
    return item, task


def test_it_marks_the_item_failed_with_the_reason_after_the_last_try(
    owner, settings, tmp_path, django_capture_on_commit_callbacks
):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("the audio folder cannot be made under a file")
    settings.MEDIA_ROOT = str(blocker)
    item, task = queued_item(owner, text="The disk is broken today.")

    tasks.generate_item_audio.delay(task.pk)
    for _ in range(TTSTask.max_attempts - 1):  # each retry once its backoff has passed
        item.refresh_from_db()
        assert item.tts_status == TTSStatus.PENDING and "Not a directory" in item.tts_error
        TTSTask.objects.filter(pk=task.pk).update(next_attempt_at=timezone.now())
        with django_capture_on_commit_callbacks(execute=True):
            sweep()

    item.refresh_from_db()
    task.refresh_from_db()
    tries = TTSTask.max_attempts
    assert item.tts_status == TTSStatus.FAILED and f"Gave up after {tries} tries" in item.tts_error
    assert task.attempts == tries and task.error_code == "transient" and task.status == TTSStatus.FAILED
    assert Item.objects.filter(pk=item.pk).exists()


def test_it_fails_at_once_on_an_error_that_would_repeat(owner):
    item, task = queued_item(owner, voice="/no/such/voice.onnx")

    tasks.generate_item_audio.delay(task.pk)

    item.refresh_from_db()
    task.refresh_from_db()
    assert item.tts_status == TTSStatus.FAILED and "Unknown Piper voice" in item.tts_error
    assert task.attempts == 1 and task.state == "failed" and task.next_attempt_at is None


def test_running_a_job_twice_synthesizes_once(owner):
    _, task = queued_item(owner, text="Only once, please.")

    tasks.generate_item_audio.delay(task.pk)
    finished = TTSTask.objects.get(pk=task.pk).finished_at
    tasks.generate_item_audio.delay(task.pk)

    task.refresh_from_db()
    assert task.status == TTSStatus.COMPLETED and task.attempts == 1 and task.finished_at == finished


def test_a_job_for_a_deleted_item_ends_quietly(owner):
    item, task = queued_item(owner)
    item.delete()

    tasks.generate_item_audio.delay(task.pk)

    assert not TTSTask.objects.exists()


def test_the_sweep_requeues_stuck_and_retryable_jobs(owner, django_capture_on_commit_callbacks, settings):
    old = timezone.now() - timedelta(seconds=TTSTask.queued_timeout + 60)
    stuck, stuck_task = queued_item(owner, text="I was lost in the queue.")
    TTSTask.objects.filter(pk=stuck_task.pk).update(queued_at=old)
    failed, failed_task = queued_item(owner, text="The disk was full then.", tts_status=TTSStatus.PENDING)
    TTSTask.objects.filter(pk=failed_task.pk).update(status=TTSStatus.PENDING, attempts=4, error_code="transient",
                                                     next_attempt_at=old)  # a retry now due
    hopeless, hopeless_task = queued_item(owner, tts_status=TTSStatus.FAILED)
    TTSTask.objects.filter(pk=hopeless_task.pk).update(status=TTSStatus.FAILED, state="failed", finished_at=old)
    dead, dead_task = queued_item(owner, text="My worker died mid-sentence.", tts_status=TTSStatus.RUNNING)
    TTSTask.objects.filter(pk=dead_task.pk).update(status=TTSStatus.RUNNING, state="running", attempts=1,
                                                   started_at=old - timedelta(hours=1), lease_until=old)
    fresh, _ = queued_item(owner)

    with django_capture_on_commit_callbacks(execute=True):
        assert sweep.delay().get() == 3

    statuses = {i.pk: i.tts_status for i in Item.objects.all()}
    assert statuses[stuck.pk] == statuses[failed.pk] == statuses[dead.pk] == TTSStatus.COMPLETED
    assert statuses[hopeless.pk] == TTSStatus.FAILED and statuses[fresh.pk] == TTSStatus.PENDING


def test_the_cleanup_deletes_only_old_audio_files_no_item_plays(owner, settings):
    folder = Path(settings.MEDIA_ROOT) / settings.DICTATION_AUDIO_DIR / "ab"
    folder.mkdir(parents=True)
    used, orphan, young, leftover = (folder / n for n in ("used.wav", "orphan.wav", "young.wav", "x.tmp"))
    for path in (used, orphan, young, leftover):
        path.write_bytes(b"RIFF")
    past = time.time() - settings.DICTATION_ORPHAN_GRACE_SECONDS - 60
    for path in (used, orphan, leftover):
        os.utime(path, (past, past))
    ItemFactory(owner=owner, audio_file=used.relative_to(settings.MEDIA_ROOT).as_posix())

    assert tasks.cleanup_orphan_audio.delay().get() == 2

    assert used.exists() and young.exists() and not orphan.exists() and not leftover.exists()


def test_regenerating_synthesizes_again_and_supersedes_waiting_jobs(owner, django_capture_on_commit_callbacks):
    item, waiting = queued_item(owner, text="Say it again, Sam.")

    with django_capture_on_commit_callbacks(execute=True):
        task = services.item_regenerate_audio(item=item)

    item.refresh_from_db()
    assert item.tts_status == TTSStatus.COMPLETED and item.audio_file
    assert TTSTask.objects.get(pk=task.pk).reused is False
    assert TTSTask.objects.get(pk=waiting.pk).error == "Superseded by a regeneration."


def test_the_audio_file_is_readable_by_the_proxy_that_serves_it(owner, settings):
    """nginx (another user) serves stored files by X-Accel-Redirect: the file gets the storage's mode,
    not mkstemp's 0600."""
    item, task = queued_item(owner, text="Read me through the proxy.")

    tasks.generate_item_audio.delay(task.pk)

    item.refresh_from_db()
    mode = (Path(settings.MEDIA_ROOT) / item.audio_file).stat().st_mode & 0o777
    assert mode == settings.FILE_UPLOAD_PERMISSIONS == 0o644
