"""Export one user's data to a sealed archive and restore it.

The platform seals, unseals and checks the archive; what goes in it is the apps'. An app registers a
section with `register_section(key, export=..., restore=...)` from a module its AppConfig.ready()
imports, as account-deletion cleanups are registered: `export` answers the JSON kept under `key` in the
manifest and copies the app's files into the archive, `restore` rebuilds the rows from it. All sections
restore in one transaction, all or nothing; an archive written before an app had a section restores the
sections it holds.

The archive is a zip sealed with `crypto.ArchiveWriter` (AES-256-GCM under SAWT_BACKUP_KEYS) and
written with mode 0600. Inside, the zip is `manifest.json` plus the media files under `files/`. Rows
are written field by field with each model field's own string form (dates ISO 8601, JSON as JSON), so
the manifest follows the models without a hand-kept schema. Encrypted fields (callers' phone numbers)
are in the manifest in clear, so an archive moves between servers with other encryption keys; lookup
hashes are recomputed on import under the importing server's key. Import creates new rows with new
primary keys and stores files through the storage API under generated names; nothing in the archive
names a path on the target machine.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.core.files import File
from django.core.files.storage import Storage
from django.db import models, transaction
from django.utils import timezone

from sawt.core import crypto
from sawt.core.fields import lookup_hashes

FORMAT = "sawt-user-export"
VERSION = 1
MAX_MEMBER_BYTES = 2 * 1024**3  # one recording; a guard against a crafted archive, not a product limit
HEADER_KEYS = ("format", "version", "username", "exported_at")


class BackupError(Exception):
    pass


@dataclass
class ExportContext:
    """What an app's export gets: the user, the counts it reports, and the archive to copy files into."""

    user: Any
    archive: zipfile.ZipFile
    counts: Counter[str] = field(default_factory=Counter)

    def add_file(self, member: str, *, storage: Storage, name: str) -> bool:
        """Copies the stored file `name` into the archive as `member` (under `files/`); False when the
        storage no longer holds it, and then the archive leaves it out."""
        if not storage.exists(name):
            return False
        with storage.open(name, "rb") as source:
            info = zipfile.ZipInfo(member, date_time=timezone.localtime().timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.file_size = getattr(source, "size", 0) or 0  # decides whether the member needs zip64
            with self.archive.open(info, "w") as target:
                shutil.copyfileobj(source, target, 1024 * 1024)
        return True


@dataclass
class ImportContext:
    """What an app's restore gets: the user who will own the rows, the counts it reports, the archive's
    files, and a record of the files it stored, deleted again if the import fails."""

    user: Any
    archive: zipfile.ZipFile
    counts: Counter[str] = field(default_factory=Counter)
    stored: list[tuple[Storage, str]] = field(default_factory=list)

    @contextmanager
    def member(self, name: str) -> Iterator[File[Any]]:
        """An archive member as a Django File, to hand to `FieldFile.save` (then call `keep`)."""
        info = self.archive.getinfo(name)  # KeyError for a name the archive does not hold
        if info.file_size > MAX_MEMBER_BYTES:
            raise BackupError(f"{name} is larger than {MAX_MEMBER_BYTES} bytes")
        with self.archive.open(info) as handle:
            content = File(handle, name=PurePosixPath(name).name)
            content.size = info.file_size  # not os.path.getsize(the member's name), which File would try
            yield content

    def save(self, member: str, *, storage: Storage, name: str) -> str:
        """Stores an archive member as `name` (the storage may change it to keep it unique); the stored name."""
        with self.member(member) as content:
            stored = storage.save(name, content)
        self.keep(storage, stored)
        return stored

    def keep(self, storage: Storage, name: str) -> None:
        """Records a file the restore stored, so that a failed import deletes it with the rows."""
        self.stored.append((storage, name))


Exporter = Callable[[ExportContext], Any]
Restorer = Callable[[ImportContext, Any], None]


@dataclass(frozen=True)
class Section:
    key: str
    export: Exporter
    restore: Restorer


_sections: dict[str, Section] = {}


def register_section(key: str, *, export: Exporter, restore: Restorer) -> None:
    """An app's part of the archive: `export(context)` answers the JSON stored under `key` in the
    manifest; `restore(context, that JSON)` rebuilds it inside the import's transaction."""
    if key in HEADER_KEYS:
        raise ValueError(f"{key!r} is the archive's own manifest key")
    _sections[key] = Section(key=key, export=export, restore=restore)


def sections() -> list[Section]:
    return list(_sections.values())


def row(obj: models.Model, *, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """Concrete, non-relation, non-key, non-file fields as their serializable form."""
    data: dict[str, Any] = {}
    for model_field in obj._meta.concrete_fields:
        if (
            model_field.primary_key
            or model_field.is_relation
            or model_field.name in exclude
            or isinstance(model_field, models.FileField)
        ):
            continue
        value = model_field.value_from_object(obj)
        if isinstance(model_field, models.JSONField) or value is None:
            data[model_field.name] = value
        else:
            data[model_field.name] = model_field.value_to_string(obj)
    return data


def build(model: type[models.Model], data: dict[str, Any], **relations: Any) -> Any:
    """An unsaved instance from `row` output; unknown keys (a newer archive) are ignored. Lookup hashes
    are recomputed: the archive's were keyed with the exporting server's SAWT_LOOKUP_HASH_KEY."""
    values: dict[str, Any] = {}
    for model_field in model._meta.concrete_fields:
        if model_field.name in data and not model_field.primary_key and not model_field.is_relation:
            raw = data[model_field.name]
            is_json = isinstance(model_field, models.JSONField)
            values[model_field.name] = raw if raw is None or is_json else model_field.to_python(raw)
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


def _read_member(archive: zipfile.ZipFile, name: str) -> bytes:
    info = archive.getinfo(name)  # KeyError for a name the archive does not hold
    if info.file_size > MAX_MEMBER_BYTES:
        raise BackupError(f"{name} is larger than {MAX_MEMBER_BYTES} bytes")
    return archive.read(info)


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
    """Writes every registered section of `user`'s data to a new sealed archive; returns what it holds."""
    with _sealed_zip(output) as archive:
        context = ExportContext(user=user, archive=archive)
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "version": VERSION,
            "username": user.get_username(),
            "exported_at": timezone.now().isoformat(),
        }
        for section in sections():
            manifest[section.key] = section.export(context)
        archive.writestr("manifest.json", json.dumps(manifest, indent=1))
    return dict(context.counts)


def user_data_import(*, archive_path: Path, user: Any) -> dict[str, int]:
    """Restore an export as `user`'s data, all or nothing; returns what was created."""
    with archive_read(archive_path=archive_path) as archive:
        manifest = _manifest(archive)
        context = ImportContext(user=user, archive=archive)
        try:
            with transaction.atomic():
                for section in sections():
                    if section.key in manifest:
                        section.restore(context, manifest[section.key])
        except Exception:
            for storage, name in context.stored:  # the rows are rolled back; don't leave their files behind
                storage.delete(name)
            raise
    return dict(context.counts)
