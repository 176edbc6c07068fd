"""`export_user_data` / `import_user_data`: a user's data survives a round trip through an archive."""

import datetime as dt
import json
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command

from tests.dictation.factories import AttemptFactory, ItemFactory, TagFactory
from tests.factories import UserFactory
from tests.meetings.factories import MeetingFactory, RecordingFactory, SegmentFactory, SpeakerFactory, SummaryFactory
from tests.voicebot.factories import BusinessFactory, MembershipFactory

pytestmark = pytest.mark.django_db

RECORDING = b"RIFF" + bytes(range(256)) * 40
ITEM_AUDIO = b"RIFF-item-audio" + bytes(200)


def _user_with_data():  # type: ignore[no-untyped-def]
    from voicebot import services
    from voicebot.models import Reservation

    user = UserFactory(username="asha")
    meeting = MeetingFactory(owner=user, title="Budget review", language="en")
    RecordingFactory(meeting=meeting, file=ContentFile(RECORDING, name="call.wav"), size=len(RECORDING))
    diane = SpeakerFactory(meeting=meeting, label="SPEAKER_00", display_name="Diane")
    sheila = SpeakerFactory(meeting=meeting, label="SPEAKER_01", display_name="Sheila")
    SegmentFactory(meeting=meeting, speaker=diane, index=0, text="Hello everyone.")
    SegmentFactory(meeting=meeting, speaker=sheila, index=1, text="I will send the report by Friday.")
    SummaryFactory(meeting=meeting, action_items=[{"text": "send the report", "owner": "Sheila", "due": "Friday"}])
    MeetingFactory(owner=user, title="Deleted one", deleted_at=dt.datetime(2030, 1, 1, tzinfo=dt.UTC))  # not exported

    audio_name = f"{settings.DICTATION_AUDIO_DIR}/abc123.wav"
    (Path(settings.MEDIA_ROOT) / audio_name).parent.mkdir(parents=True, exist_ok=True)
    (Path(settings.MEDIA_ROOT) / audio_name).write_bytes(ITEM_AUDIO)
    travel = TagFactory(owner=user, name="travel")
    item = ItemFactory(owner=user, text="Where is the station?", audio_file=audio_name, tts_status="completed")
    item.tags.add(travel)
    ItemFactory(owner=user, text="No audio yet.")
    AttemptFactory(item=item, text="where is the stasion", wer=0.25)
    AttemptFactory(item=item, text="where is the station", wer=0.0)

    business = BusinessFactory(name="Dosa Corner", phone_number="+918000000001")
    MembershipFactory(business=business, user=user)
    caller = services.caller_get_or_create(business=business, phone="+919812345678")
    Reservation.objects.create(
        business=business, caller=caller, date=dt.date(2030, 5, 1), time=dt.time(19, 30), party_size=4, name="Ravi"
    )
    other = BusinessFactory(phone_number="+918000000002")  # asha is only staff here: not hers to export
    MembershipFactory(business=other, user=user, role="staff")
    Reservation.objects.create(business=other, date=dt.date(2030, 5, 2), time=dt.time(20, 0), party_size=2, name="X")
    return user


def _snapshot(user):  # type: ignore[no-untyped-def]
    from dictation.models import Attempt, Item
    from meetings.models import Meeting
    from voicebot.models import Reservation

    meetings = []
    for meeting in Meeting.objects.filter(owner=user, deleted_at__isnull=True).order_by("title"):
        recording = getattr(meeting, "recording", None)
        meetings.append(
            {
                "title": meeting.title,
                "language": meeting.language,
                "recording": Path(recording.file.path).read_bytes() if recording else None,
                "lines": [
                    (s.index, s.text, s.speaker.display_name if s.speaker else None, s.words)
                    for s in meeting.segments.order_by("index")
                ],
                "summary": (meeting.summary.text, meeting.summary.action_items)
                if hasattr(meeting, "summary")
                else None,
            }
        )
    items = [
        (
            i.text,
            i.locale,
            i.difficulty,
            sorted(t.name for t in i.tags.all()),
            (Path(settings.MEDIA_ROOT) / i.audio_file).read_bytes() if i.audio_file else None,
        )
        for i in Item.objects.filter(owner=user).order_by("text")
    ]
    attempts = sorted((a.item.text, a.text, a.wer) for a in Attempt.objects.filter(owner=user))
    reservations = sorted(
        (r.business.phone_number, r.date, r.time, r.party_size, r.name, r.caller.phone if r.caller else None)
        for r in Reservation.objects.filter(business__members__user=user, business__members__role="owner")
    )
    return {"meetings": meetings, "items": items, "attempts": attempts, "reservations": reservations}


def test_it_restores_a_users_data_from_an_export_after_the_account_is_gone(tmp_path):
    from meetings.models import Recording
    from voicebot.models import Business

    user = _user_with_data()
    before = _snapshot(user)
    old_recording = Recording.objects.get(meeting__owner=user).file.name
    archive = tmp_path / "asha.zip"

    call_command("export_user_data", "--user", "asha", "--output", str(archive))

    with zipfile.ZipFile(archive) as zipped:
        manifest = json.loads(zipped.read("manifest.json"))
    assert [m["title"] for m in manifest["meetings"]] == ["Budget review"]
    assert [b["phone_number"] for b in manifest["voicebot"]["businesses"]] == ["+918000000001"]

    # Disaster: the account and its business are gone.
    Business.objects.filter(phone_number="+918000000001").delete()
    user.delete()
    UserFactory(username="asha")
    call_command("import_user_data", str(archive))

    restored = UserFactory._meta.model.objects.get(username="asha")
    assert _snapshot(restored) == before
    assert Recording.objects.get(meeting__owner=restored).file.name != old_recording


def test_it_imports_into_another_account_with_new_keys_and_file_names(tmp_path):
    from dictation.models import Item
    from meetings.models import Meeting

    user = _user_with_data()
    archive = tmp_path / "asha.zip"
    call_command("export_user_data", "--user", "asha", "--output", str(archive))
    twin = UserFactory(username="twin")
    # The business still exists and twin does not own it: the whole import is refused, nothing half-written.
    with pytest.raises(CommandError, match="does not own"):
        call_command("import_user_data", str(archive), "--as-user", "twin")
    assert not Meeting.objects.filter(owner=twin).exists() and not Item.objects.filter(owner=twin).exists()

    MembershipFactory(business=user.voicebot_memberships.get(role="owner").business, user=twin)
    call_command("import_user_data", str(archive), "--as-user", "twin")
    mine, theirs = _snapshot(user), _snapshot(twin)
    assert theirs["meetings"] == mine["meetings"] and theirs["items"] == mine["items"]
    assert theirs["attempts"] == mine["attempts"]
    assert set(Meeting.objects.filter(owner=twin).values_list("pk", flat=True)).isdisjoint(
        Meeting.objects.filter(owner=user).values_list("pk", flat=True)
    )
    twin_audio = Item.objects.filter(owner=twin).exclude(audio_file="").get().audio_file
    assert twin_audio != Item.objects.filter(owner=user).exclude(audio_file="").get().audio_file


def test_it_refuses_an_archive_that_is_not_an_export(tmp_path):
    UserFactory(username="asha")
    bogus = tmp_path / "bogus.zip"
    with zipfile.ZipFile(bogus, "w") as zipped:
        zipped.writestr("manifest.json", json.dumps({"format": "something-else", "username": "asha"}))
    with pytest.raises(CommandError, match="unsupported archive"):
        call_command("import_user_data", str(bogus))
