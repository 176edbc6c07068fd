"""Stored files through Django's storage API, whatever the storage: the filesystem (one machine, or a
shared disk) or an S3 bucket (`SAWT_STORAGE=s3`), so that web and worker machines need no shared disk.

Code names a stored file by its storage name and reads, writes and deletes it through the storage; it
never builds a path from MEDIA_ROOT. This module is the one place that knows what a filesystem storage
can do besides: lend a real path (`local_copy`), replace a file atomically (`save_replacing`), remove
emptied folders (`delete_folder`).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage

COPY_BYTES = 1 << 20


def scratch_folder(name: str) -> Path:
    """A folder on this machine's own disk for files a process is still writing (never shared between
    machines: what must outlive the process goes to storage)."""
    folder = Path(settings.FILE_UPLOAD_TEMP_DIR or tempfile.gettempdir()) / "sawt" / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@contextmanager
def local_copy(storage: Storage, name: str) -> Iterator[Path]:
    """A path on the local disk holding the stored file `name`, for code that needs one (decoders,
    ffmpeg). The file itself on a filesystem storage; elsewhere a temporary copy, deleted on exit.
    Raises FileNotFoundError when there is no such file."""
    if isinstance(storage, FileSystemStorage):
        path = Path(storage.path(name))
        if not path.is_file():
            raise FileNotFoundError(name)
        yield path
        return
    if not storage.exists(name):
        raise FileNotFoundError(name)
    fd, temporary = tempfile.mkstemp(suffix=PurePosixPath(name).suffix, dir=settings.FILE_UPLOAD_TEMP_DIR)
    try:
        with os.fdopen(fd, "wb") as target:
            remote = _remote_object(storage, name)
            if remote is not None:
                remote.download_fileobj(target)  # streamed to disk, never held in memory
            else:
                with storage.open(name, "rb") as source:
                    shutil.copyfileobj(source, target, COPY_BYTES)
        yield Path(temporary)
    finally:
        with suppress(FileNotFoundError):
            os.unlink(temporary)


def open_at(storage: Storage, name: str, start: int, length: int) -> IO[bytes]:
    """The stored file `name` opened for reading `length` bytes from `start`: an S3 object is asked for
    just that range (opening it would download it whole first)."""
    remote = _remote_object(storage, name)
    if remote is not None:
        body: IO[bytes] = remote.get(Range=f"bytes={start}-{start + length - 1}")["Body"]
        return body
    handle: Any = storage.open(name, "rb")
    handle.seek(start)
    return handle


def save_replacing(storage: Storage, name: str, content: bytes | File[Any]) -> None:
    """Stores `content` as `name`, replacing a file of that name, and never shows a reader half a file:
    on the filesystem it is written beside and renamed over (with the storage's file mode, so the proxy
    serving files by X-Accel-Redirect can read it); an S3 PUT replaces an object whole."""
    source: File[Any] = ContentFile(content) if isinstance(content, bytes) else content
    if isinstance(storage, FileSystemStorage):
        path = Path(storage.path(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            os.fchmod(fd, storage.file_permissions_mode or 0o644)  # mkstemp's 0600 would lock nginx out
            with os.fdopen(fd, "wb") as target:
                for chunk in source.chunks(COPY_BYTES):
                    target.write(chunk)
            os.replace(temporary, path)
        except BaseException:
            with suppress(FileNotFoundError):
                os.unlink(temporary)
            raise
        return
    if storage.exists(name) and storage.get_available_name(name) != name:
        storage.delete(name)  # a storage that would save beside it under another name
    saved = storage.save(name, source)
    if saved != name:
        raise OSError(f"The storage saved {name} as {saved}.")


def walk(storage: Storage, folder: str) -> Iterator[str]:
    """The names of all stored files under `folder`, subfolders included; none when it does not exist."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    prefix = folder.rstrip("/")
    for file in files:
        yield f"{prefix}/{file}"
    for sub in folders:
        yield from walk(storage, f"{prefix}/{sub}")


def delete_folder(storage: Storage, folder: str) -> None:
    """Deletes every stored file under `folder`, and on the filesystem the emptied folders too."""
    for name in list(walk(storage, folder)):
        storage.delete(name)
    if isinstance(storage, FileSystemStorage):
        root = Path(storage.path(folder))
        if root.is_dir():
            for directory in sorted((p for p in root.rglob("*") if p.is_dir()), reverse=True):
                with suppress(OSError):
                    directory.rmdir()
            with suppress(OSError):
                root.rmdir()


def _remote_object(storage: Storage, name: str) -> Any:
    """The boto3 Object behind an S3Storage file, to stream or range-read it; None for other storages."""
    try:
        from storages.backends.s3 import S3Storage
        from storages.utils import clean_name
    except ImportError:  # django-storages not installed: no S3 storage either
        return None
    if not isinstance(storage, S3Storage):
        return None
    return storage.bucket.Object(storage._normalize_name(clean_name(name)))
