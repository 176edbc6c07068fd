import os
import time

import pytest

from meetings.live import idle_live_meetings_close, live_meeting_create, live_pcm_path
from meetings.models import Meeting
from meetings.tasks import close_idle_live

pytestmark = pytest.mark.django_db


def test_beat_closes_a_live_meeting_whose_socket_sent_nothing_for_five_minutes(
    owner, django_capture_on_commit_callbacks
):
    quiet = live_meeting_create(owner=owner, title="quiet")
    talking = live_meeting_create(owner=owner, title="talking")
    for meeting, age in ((quiet, 301), (talking, 30)):
        pcm = live_pcm_path(meeting_id=meeting.pk)
        pcm.write_bytes(b"\x01\x00" * 16000 * 2)  # two seconds of audio
        os.utime(pcm, (time.time() - age, time.time() - age))
    try:
        with django_capture_on_commit_callbacks(execute=False):
            assert idle_live_meetings_close() == [quiet.pk]
        quiet.refresh_from_db(), talking.refresh_from_db()
        assert (quiet.status, talking.status) == (Meeting.Status.QUEUED, Meeting.Status.LIVE)
        assert quiet.recording.duration == pytest.approx(2.0)
        with django_capture_on_commit_callbacks(execute=False):
            assert close_idle_live() == 0  # the talking one stays open; the closed one is not closed twice
    finally:
        live_pcm_path(meeting_id=talking.pk).unlink(missing_ok=True)
