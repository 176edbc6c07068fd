"""`export_user_data` / `import_user_data`: a user's data survives a round trip through an archive."""

import base64
import datetime as dt
import json
import os
import stat
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from tests.dictation.factories import AttemptFactory, ItemFactory, TagFactory
from tests.factories import UserFactory
from tests.meetings.factories import MeetingFactory, RecordingFactory, SegmentFactory, SpeakerFactory, SummaryFactory
from tests.storage.test_s3 import bucket, s3_endpoint  # noqa: F401  (fixtures: the default storage in a bucket)
from tests.voicebot.factories import BusinessFactory, MembershipFactory

pytestmark = pytest.mark.django_db

RECORDING = b"RIFF" + bytes(range(256)) * 40
ITEM_AUDIO = b"RIFF-item-audio" + bytes(200)


def _stored(storage, name: str) -> bytes:  # type: ignore[no-untyped-def]
    with storage.open(name, "rb") as handle:
        return handle.read()


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

    audio_name = default_storage.save(f"{settings.DICTATION_AUDIO_DIR}/abc123.wav", ContentFile(ITEM_AUDIO))
    travel = TagFactory(owner=user, name="travel")
    item = ItemFactory(owner=user, text="Where is the station?", audio_file=audio_name, tts_status="completed")
    item.tags.add(travel)
    ItemFactory(owner=user, text="No audio yet.")
    AttemptFactory(item=item, text="where is the stasion", wer=0.25)
    AttemptFactory(item=item, text="where is the station", wer=0.0)

    business = BusinessFactory(name="Dosa Corner", phone_number="+918000000001")
    MembershipFactory(business=business, user=user)
    caller = services.caller_get_or_create(business=business, phone="+919812345678")
    services.consent_record(caller=caller, kinds=["transcript", "whatsapp"], granted=True, how="keypad")
    services.consent_record(caller=caller, kinds=["whatsapp"], granted=False, how="message")
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
    from voicebot.models import Consent, Reservation

    meetings = []
    for meeting in Meeting.objects.filter(owner=user, deleted_at__isnull=True).order_by("title"):
        recording = getattr(meeting, "recording", None)
        meetings.append(
            {
                "title": meeting.title,
                "language": meeting.language,
                "recording": _stored(recording.file.storage, recording.file.name) if recording else None,
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
            _stored(default_storage, i.audio_file) if i.audio_file else None,
        )
        for i in Item.objects.filter(owner=user).order_by("text")
    ]
    attempts = sorted((a.item.text, a.text, a.wer) for a in Attempt.objects.filter(owner=user))
    reservations = sorted(
        (r.business.phone_number, r.date, r.time, r.party_size, r.name, r.caller.phone if r.caller else None)
        for r in Reservation.objects.filter(business__members__user=user, business__members__role="owner")
    )
    consents = sorted(
        (c.caller.business.phone_number, c.caller.phone, c.kind, c.granted, c.how, c.at)
        for c in Consent.objects.filter(caller__business__members__user=user, caller__business__members__role="owner")
    )
    return {
        "meetings": meetings,
        "items": items,
        "attempts": attempts,
        "reservations": reservations,
        "consents": consents,
    }


def _manifest(archive: Path) -> dict:  # type: ignore[type-arg]
    from sawt.core import backup

    with backup.archive_read(archive_path=archive) as zipped:
        return json.loads(zipped.read("manifest.json"))


def _sealed(path: Path, content: bytes) -> None:
    from sawt.core import crypto

    with path.open("wb") as raw:
        writer = crypto.ArchiveWriter(raw)
        writer.write(content)
        writer.finish()


def test_it_restores_a_users_data_from_an_export_after_the_account_is_gone(tmp_path):
    from meetings.models import Recording
    from voicebot.models import Business

    user = _user_with_data()
    before = _snapshot(user)
    old_recording = Recording.objects.get(meeting__owner=user).file.name
    archive = tmp_path / "asha.zip"

    call_command("export_user_data", "--user", "asha", "--output", str(archive))

    manifest = _manifest(archive)
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


def test_a_restored_business_waits_for_staff_to_approve_its_numbers_again(tmp_path, settings):
    from voicebot import services
    from voicebot.models import Business

    settings.VOICEBOT_REQUIRE_NUMBER_APPROVAL = True
    user = _user_with_data()
    services.business_numbers_approve(businesses=Business.objects.all(), user=user)
    archive = tmp_path / "asha.zip"
    call_command("export_user_data", "--user", "asha", "--output", str(archive))
    Business.objects.filter(phone_number="+918000000001").delete()

    call_command("import_user_data", str(archive))

    restored = Business.objects.get(phone_number="+918000000001")
    assert restored.numbers_pending_approval() == ["phone_number"] and restored.numbers_approved_at is None


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
    import io

    UserFactory(username="asha")
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zipped:
        zipped.writestr("manifest.json", json.dumps({"format": "something-else", "username": "asha"}))
    bogus = tmp_path / "bogus.backup"
    _sealed(bogus, inner.getvalue())
    with pytest.raises(CommandError, match="unsupported archive"):
        call_command("import_user_data", str(bogus), "--as-user", "asha")
    with pytest.raises(CommandError, match="unsupported archive"):
        call_command("import_user_data", str(bogus))
    plain = tmp_path / "plain.zip"  # an unsealed zip could come from anyone: refused
    plain.write_bytes(inner.getvalue())
    with pytest.raises(CommandError, match="not a sealed Sawt archive"):
        call_command("import_user_data", str(plain), "--as-user", "asha")


def test_it_writes_a_sealed_archive_only_its_owner_can_read(tmp_path):
    _user_with_data()
    archive = tmp_path / "asha.backup"
    umask = os.umask(0o022)  # the usual umask, which leaves a new file readable by every local user
    try:
        call_command("export_user_data", "--user", "asha", "--output", str(archive))
    finally:
        os.umask(umask)

    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    content = archive.read_bytes()
    assert not zipfile.is_zipfile(archive)
    for secret in (b"9812345678", b"Budget review", b"Where is the station", RECORDING[:64]):
        assert secret not in content
    assert _manifest(archive)["voicebot"]["businesses"][0]["callers"][0]["phone"] == "+919812345678"


def test_it_refuses_an_archive_sealed_with_another_key_or_altered(tmp_path, settings):
    _user_with_data()
    archive = tmp_path / "asha.backup"
    call_command("export_user_data", "--user", "asha", "--output", str(archive))
    UserFactory(username="twin")
    written_with = settings.SAWT_BACKUP_KEYS[0]

    settings.SAWT_BACKUP_KEYS = [base64.b64encode(os.urandom(32)).decode()]
    with pytest.raises(CommandError, match="SAWT_BACKUP_KEYS"):
        call_command("import_user_data", str(archive), "--as-user", "twin")

    settings.SAWT_BACKUP_KEYS = [written_with]
    altered = tmp_path / "altered.backup"
    content = bytearray(archive.read_bytes())
    content[len(content) // 2] ^= 1
    altered.write_bytes(bytes(content))
    truncated = tmp_path / "truncated.backup"
    truncated.write_bytes(archive.read_bytes()[:-100])
    for bad in (altered, truncated):
        with pytest.raises(CommandError, match="failed authentication"):
            call_command("import_user_data", str(bad), "--as-user", "twin")


def test_an_import_under_another_lookup_key_finds_the_caller_by_phone(tmp_path, settings):
    from voicebot import selectors
    from voicebot.models import Business

    user = _user_with_data()
    before = _snapshot(user)
    archive = tmp_path / "asha.backup"
    call_command("export_user_data", "--user", "asha", "--output", str(archive))
    Business.objects.filter(phone_number="+918000000001").delete()
    user.delete()
    restored = UserFactory(username="asha")

    settings.SAWT_LOOKUP_HASH_KEY = "the-lookup-key-of-another-server"
    call_command("import_user_data", str(archive))

    business = Business.objects.get(phone_number="+918000000001")
    caller = selectors.caller_find(business=business, phone="+91 98123 45678")
    assert caller is not None and caller.has_consent("transcript") and not caller.has_consent("whatsapp")
    assert _snapshot(restored) == before


def _music_of(user):  # type: ignore[no-untyped-def]
    from music.models import PlayerState

    player = PlayerState.objects.filter(owner=user).first()
    return {
        "tracks": sorted(user.music_tracks.values_list("platform", "uri", "title", "artist", "is_saved")),
        "playlists": [
            (p.name, p.uri, [e.track.uri for e in p.entries.order_by("position")])
            for p in user.music_playlists.order_by("name")
        ],
        "turns": list(user.music_turns.order_by("created_at").values_list("text", "response_text", "created_at")),
        "player": (player.platform, player.uri, player.volume) if player else None,
    }


def test_it_restores_the_music_library_and_history_but_never_exports_account_tokens(tmp_path):
    from music.models import PlayerState, Playlist, PlaylistTrack
    from sawt.core import backup
    from tests.music.factories import LibraryTrackFactory, MusicAccountFactory, TurnFactory

    user = UserFactory(username="asha")
    MusicAccountFactory(owner=user, access_token="access-token-secret", refresh_token="refresh-token-secret")
    tracks = [LibraryTrackFactory(owner=user, is_saved=n % 2 == 0) for n in range(3)]
    playlist = Playlist.objects.create(
        owner=user, platform="spotify", uri="spotify:playlist:road", external_id="road", name="Road trip",
        search_text="road trip", track_count=2,
    )
    PlaylistTrack.objects.create(playlist=playlist, track=tracks[2], position=0)
    PlaylistTrack.objects.create(playlist=playlist, track=tracks[0], position=1)
    for text in ("play butta bomma", "louder"):
        TurnFactory(owner=user, text=text)
    PlayerState.objects.create(owner=user, platform="soundcloud", uri="soundcloud:tracks:1", state="paused", volume=30)
    before = _music_of(user)
    archive = tmp_path / "asha.backup"

    call_command("export_user_data", "--user", "asha", "--output", str(archive))

    with backup.archive_read(archive_path=archive) as zipped:
        inside = b"".join(zipped.read(name) for name in zipped.namelist())
    assert b"access-token-secret" not in inside and b"refresh-token-secret" not in inside
    user.delete()
    restored = UserFactory(username="asha")
    call_command("import_user_data", str(archive))

    assert _music_of(restored) == before
    assert not restored.music_accounts.exists()  # the user connects again: no token came back


def test_it_round_trips_stored_files_through_an_s3_bucket(tmp_path, bucket):  # noqa: F811 (the fixture)
    from voicebot.models import Business

    user = _user_with_data()
    before = _snapshot(user)
    archive = tmp_path / "asha.backup"
    call_command("export_user_data", "--user", "asha", "--output", str(archive))
    Business.objects.filter(phone_number="+918000000001").delete()
    user.delete()
    restored = UserFactory(username="asha")

    call_command("import_user_data", str(archive))

    assert _snapshot(restored) == before
    recording = restored.meetings.get().recording.file.name
    audio = restored.dictation_items.exclude(audio_file="").get().audio_file
    assert {recording, audio} <= set(bucket.stored())
