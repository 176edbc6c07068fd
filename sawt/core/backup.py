"""Export one user's data to a sealed archive and restore it: meetings with their recordings, dictation
items with their audio, attempts and tags, and the callers (with their consents) and reservations of the
voicebot businesses they own.

The archive is a zip sealed with `crypto.ArchiveWriter` (AES-256-GCM under SAWT_BACKUP_KEYS) and
written with mode 0600. Inside, the zip is `manifest.json` plus the media files under `files/`. Rows
are written field by field with each model field's own string form (dates ISO 8601, JSON as JSON), so
the manifest follows the models without a hand-kept schema. Encrypted fields (callers' phone numbers)
are in the manifest in clear, so an archive moves between servers with other encryption keys; lookup
hashes are recomputed on import under the importing server's key. Import creates new rows with new
primary keys and copies files into MEDIA_ROOT under generated names; nothing in the archive names a
path on the target machine.
"""

from __future__ import annotations

import json
import os
import tempfile
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone

from sawt.core import crypto
from sawt.core.fields import lookup_hashes

FORMAT = "sawt-user-export"
VERSION = 1
MAX_MEMBER_BYTES = 2 * 1024**3  # one recording; a guard against a crafted archive, not a product limit


class BackupError(Exception):
    pass


def _row(obj: models.Model, *, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """Concrete, non-relation, non-key fields as their serializable form."""
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.primary_key or field.is_relation or field.name in exclude or isinstance(field, models.FileField):
            continue
        value = field.value_from_object(obj)
        data[field.name] = value if isinstance(field, models.JSONField) or value is None else field.value_to_string(obj)
    return data


def _build(model: type[models.Model], data: dict[str, Any], **relations: Any) -> Any:
    """An unsaved instance from `_row` output; unknown keys (a newer archive) are ignored. Lookup hashes
    are recomputed: the archive's were keyed with the exporting server's SAWT_LOOKUP_HASH_KEY."""
    values: dict[str, Any] = {}
    for field in model._meta.concrete_fields:
        if field.name in data and not field.primary_key and not field.is_relation:
            raw = data[field.name]
            values[field.name] = raw if raw is None or isinstance(field, models.JSONField) else field.to_python(raw)
    instance = model(**values, **relations)
    for entry in lookup_hashes(model):
        entry.fill(instance)
    return instance


def _create_private(path: Path) -> IO[bytes]:
    """A new file only its owner can read, whatever the umask; an existing file is never overwritten."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.fchmod(fd, 0o600)
    return os.fdopen(fd, "wb")


@contextmanager
def archive_read(*, archive_path: Path) -> Iterator[zipfile.ZipFile]:
    """The zip inside a sealed archive, unsealed into an unnamed temporary file that vanishes on close."""
    with archive_path.open("rb") as raw, tempfile.TemporaryFile() as plain:
        try:
            for chunk in crypto.archive_open(raw):
                plain.write(chunk)
        except crypto.DecryptionError as exc:
            raise BackupError(str(exc)) from exc
        plain.seek(0)
        try:
            archive = zipfile.ZipFile(plain)
        except zipfile.BadZipFile as exc:
            raise BackupError("not a Sawt export: the sealed content is not a zip") from exc
        with archive:
            yield archive


def _manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    try:
        manifest = json.loads(_read_member(archive, "manifest.json"))
    except (KeyError, ValueError) as exc:
        raise BackupError("not a Sawt export: manifest.json missing or unreadable") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        found = manifest if isinstance(manifest, dict) else {}
        raise BackupError(f"unsupported archive: {found.get('format')} v{found.get('version')}")
    return manifest


@contextmanager
def _sealed_zip(output: Path) -> Iterator[zipfile.ZipFile]:
    """A zip written straight into a sealed, private file; a failed export leaves no file behind."""
    with _create_private(output) as raw:
        try:
            sealed = crypto.ArchiveWriter(raw)
            with zipfile.ZipFile(sealed, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                yield archive
            sealed.finish()
        except BaseException:
            output.unlink(missing_ok=True)
            raise


def archive_username(*, archive_path: Path) -> str:
    """The username an archive was exported from."""
    with archive_read(archive_path=archive_path) as archive:
        return str(_manifest(archive)["username"])


def user_data_export(*, user: Any, output: Path) -> dict[str, int]:
    from dictation.models import Attempt, Item, Tag
    from meetings.models import Meeting
    from voicebot.models import Business, Membership

    counts = {"meetings": 0, "recordings": 0, "items": 0, "item_audio": 0, "attempts": 0, "tags": 0, "reservations": 0}
    counts["consents"] = 0
    media = Path(settings.MEDIA_ROOT)
    with _sealed_zip(output) as archive:
        meetings = []
        for meeting in Meeting.objects.filter(owner=user, deleted_at__isnull=True).order_by("pk"):
            entry: dict[str, Any] = _row(meeting, exclude=("deleted_at",))
            recording = getattr(meeting, "recording", None)
            if recording is not None and recording.file and Path(recording.file.path).is_file():
                member = f"files/meetings/{meeting.pk}{PurePosixPath(recording.file.name).suffix}"
                archive.write(recording.file.path, member)
                entry["recording"] = {**_row(recording), "file": member}
                counts["recordings"] += 1
            entry["speakers"] = [{**_row(s), "key": s.pk} for s in meeting.speakers.order_by("pk")]
            entry["segments"] = [{**_row(s), "speaker": s.speaker_id} for s in meeting.segments.order_by("index")]
            summary = getattr(meeting, "summary", None)
            entry["summary"] = _row(summary) if summary is not None else None
            meetings.append(entry)
        counts["meetings"] = len(meetings)

        tags = [{**_row(tag), "key": tag.pk} for tag in Tag.objects.filter(owner=user).order_by("pk")]
        items = []
        for item in Item.objects.filter(owner=user).prefetch_related("tags").order_by("pk"):
            entry = {**_row(item, exclude=("audio_file",)), "key": item.pk, "tags": [t.pk for t in item.tags.all()]}
            if item.audio_file and (media / item.audio_file).is_file():
                entry["audio"] = f"files/dictation/{item.pk}{PurePosixPath(item.audio_file).suffix}"
                archive.write(media / item.audio_file, entry["audio"])
                counts["item_audio"] += 1
            items.append(entry)
        attempts = [{**_row(a), "item": a.item_id} for a in Attempt.objects.filter(owner=user).order_by("pk")]
        counts.update(items=len(items), attempts=len(attempts), tags=len(tags))

        businesses = []
        owned = Business.objects.filter(members__user=user, members__role=Membership.Role.OWNER).distinct()
        for business in owned.order_by("pk"):
            callers = {
                c.pk: {**_row(c), "key": c.pk, "consents": [_row(k) for k in c.consents.order_by("at", "pk")]}
                for c in business.callers.order_by("pk")
            }
            counts["consents"] += sum(len(c["consents"]) for c in callers.values())
            reservations = [
                {**_row(r), "caller": r.caller_id} for r in business.reservations.order_by("date", "time", "pk")
            ]
            counts["reservations"] += len(reservations)
            businesses.append({**_row(business), "callers": list(callers.values()), "reservations": reservations})

        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "username": user.get_username(),
            "exported_at": timezone.now().isoformat(),
            "meetings": meetings,
            "dictation": {"tags": tags, "items": items, "attempts": attempts},
            "voicebot": {"businesses": businesses},
        }
        archive.writestr("manifest.json", json.dumps(manifest, indent=1))
    return counts


def _read_member(archive: zipfile.ZipFile, name: str) -> bytes:
    info = archive.getinfo(name)  # KeyError for a name the archive does not hold
    if info.file_size > MAX_MEMBER_BYTES:
        raise BackupError(f"{name} is larger than {MAX_MEMBER_BYTES} bytes")
    return archive.read(info)


def user_data_import(*, archive_path: Path, user: Any) -> dict[str, int]:
    """Restore an export as `user`'s data, all or nothing; returns what was created."""
    from dictation.models import Attempt, Item, Tag
    from meetings.models import Meeting, Recording, Segment, Speaker, Summary
    from voicebot.models import Business, Caller, Consent, Membership, Reservation

    counts = {"meetings": 0, "recordings": 0, "items": 0, "item_audio": 0, "attempts": 0, "tags": 0, "reservations": 0}
    counts["consents"] = 0
    written: list[Path] = []
    media = Path(settings.MEDIA_ROOT)
    with archive_read(archive_path=archive_path) as archive:
        manifest = _manifest(archive)
        try:
            with transaction.atomic():
                for entry in manifest["meetings"]:
                    meeting = _build(Meeting, entry, owner=user)
                    meeting.save()
                    if entry.get("recording"):
                        recording = _build(Recording, entry["recording"], meeting=meeting)
                        content = _read_member(archive, entry["recording"]["file"])
                        # upload_to generates the stored name; the archive's name is only a hint of the suffix.
                        recording.file.save(PurePosixPath(entry["recording"]["file"]).name, ContentFile(content))
                        written.append(Path(recording.file.path))
                        counts["recordings"] += 1
                    speakers = {}
                    for data in entry["speakers"]:
                        speakers[data["key"]] = _build(Speaker, data, meeting=meeting)
                        speakers[data["key"]].save()
                    Segment.objects.bulk_create(
                        _build(Segment, data, meeting=meeting, speaker=speakers.get(data["speaker"]))
                        for data in entry["segments"]
                    )
                    if entry.get("summary"):
                        _build(Summary, entry["summary"], meeting=meeting).save()
                    counts["meetings"] += 1

                dictation = manifest["dictation"]
                tags = {}
                for data in dictation["tags"]:
                    tag = Tag.objects.filter(owner=user, name=data["name"]).first()
                    if tag is None:
                        tag = _build(Tag, data, owner=user)
                        tag.save()
                        counts["tags"] += 1
                    tags[data["key"]] = tag
                items = {}
                for data in dictation["items"]:
                    item = _build(Item, data, owner=user)
                    if data.get("audio"):
                        name = f"{settings.DICTATION_AUDIO_DIR}/{uuid.uuid4().hex}{PurePosixPath(data['audio']).suffix}"
                        target = media / name
                        target.parent.mkdir(parents=True, exist_ok=True)
                        target.write_bytes(_read_member(archive, data["audio"]))
                        written.append(target)
                        item.audio_file = name
                        counts["item_audio"] += 1
                    item.save()
                    item.tags.set([tags[key] for key in data["tags"] if key in tags])
                    items[data["key"]] = item
                Attempt.objects.bulk_create(
                    _build(Attempt, data, owner=user, item=items[data["item"]])
                    for data in dictation["attempts"]
                    if data["item"] in items
                )
                counts.update(items=len(items), attempts=len(dictation["attempts"]))

                for data in manifest["voicebot"]["businesses"]:
                    business = Business.objects.filter(phone_number=data["phone_number"]).first()
                    if business is None:
                        business = _build(Business, data)
                        # Which numbers may take real calls is this server's staff's decision, not the archive's.
                        business.approved_phone_number = business.approved_transfer_number = ""
                        business.numbers_approved_at = None
                        business.save()
                        Membership.objects.create(business=business, user=user, role=Membership.Role.OWNER)
                    elif not business.members.filter(user=user, role=Membership.Role.OWNER).exists():
                        raise BackupError(f"business {data['phone_number']} exists and {user} does not own it")
                    callers = {}
                    for caller_data in data["callers"]:
                        caller = _build(Caller, caller_data, business=business)
                        existing = business.callers.filter(phone_hash=caller.phone_hash).first()
                        if existing is None:
                            caller.save()
                        else:
                            caller = existing
                        callers[caller_data["key"]] = caller
                        for consent_data in caller_data.get("consents", []):  # none in archives before consents
                            consent = _build(Consent, consent_data, caller=caller)
                            known = caller.consents.filter(
                                kind=consent.kind, granted=consent.granted, how=consent.how, at=consent.at
                            )
                            if existing is None or not known.exists():
                                consent.save()
                                counts["consents"] += 1
                    for reservation in data["reservations"]:
                        _build(
                            Reservation, reservation, business=business, caller=callers.get(reservation["caller"])
                        ).save()
                        counts["reservations"] += 1
        except Exception:
            for path in written:  # the rows are rolled back; don't leave their files behind
                path.unlink(missing_ok=True)
            raise
    return counts
