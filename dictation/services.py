"""Writes of the dictation trainer: items and their audio, attempts, tags."""

import functools
import logging
import re
import subprocess
import time
import wave
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from dictation import grading, review, weak_words
from dictation.models import Attempt, Item, Tag, TTSStatus, TTSTask
from sawt.accounts.models import User
from sawt.accounts.services import on_account_delete
from sawt.core.errors import Conflict, ValidationFailed
from sawt.core.jobs import runtime
from sawt.core.storage import save_replacing, walk
from sawt.speech import tts
from sawt.speech.config import get_config

logger = logging.getLogger("dictation")

# Errors worth another try: the disk (full, busy), the espeak subprocess timing out, memory pressure, a
# synthesis cut off by the soft time limit on a starved machine. Everything else the engine raises
# (TTSError: empty text, unknown voice, synthesis failure) will fail the same way again, so it fails the
# item at once.
TRANSIENT_TTS_ERRORS: tuple[type[BaseException], ...] = (
    OSError, subprocess.TimeoutExpired, MemoryError, SoftTimeLimitExceeded,
)

_LOCALE = re.compile(r"^([A-Za-z]{2,3})((?:[-_][A-Za-z0-9]{2,8})*)$")


class UnknownLocale(ValidationFailed):
    code = "unknown_locale"
    message = "No voice speaks this locale."


def locale_normalize(*, locale: str) -> str:
    """`en_us` -> `en-US`; raises UnknownLocale when the shape is wrong."""
    match = _LOCALE.match(locale.strip())
    if not match:
        raise UnknownLocale(f"{locale!r} is not a locale such as en-US.", details={"locale": locale})
    parts = [match.group(1).lower()] + [p for p in re.split(r"[-_]", match.group(2)) if p]
    return "-".join([parts[0]] + [p.upper() if len(p) == 2 else p.lower() for p in parts[1:]])


def voice_for_locale(*, locale: str) -> str:
    """The voice argument `tts.synthesize` takes for this locale; raises UnknownLocale."""
    voice = _voice_for(locale, get_config().tts_voice)
    if voice is None:
        raise UnknownLocale(details={"locale": locale})
    return voice


@functools.lru_cache(maxsize=256)
def _voice_for(locale: str, configured_voice: str) -> str | None:
    # Cached: finding a voice reads package data and espeak's voice list, and a bulk request asks per row.
    try:
        synthesizer = tts.get_synthesizer(language=locale)
    except tts.TTSError:
        return None
    if isinstance(synthesizer, tts.EspeakSynthesizer):
        return f"espeak:{synthesizer.voice}"
    return configured_voice


@functools.lru_cache(maxsize=1)
def locale_choices() -> list[str]:
    """The locales the installed voices speak, for the pages' locale choice: English (Piper) first, then
    every language espeak-ng has, as BCP-47 codes."""
    found = {"en-US", "en-GB"}
    for name in tts.espeak_languages():
        if "/" not in name and _LOCALE.match(name):
            found.add(locale_normalize(locale=name))
    return sorted(found, key=lambda code: (not code.startswith("en"), code))


def tag_name_normalize(*, name: str) -> str:
    return " ".join(name.split()).lower()


def tags_resolve(*, owner: User, names: Iterable[str]) -> list[Tag]:
    """The owner's tags with these names, created when missing."""
    wanted = list(dict.fromkeys(tag_name_normalize(name=n) for n in names if n.strip()))
    existing = {t.name: t for t in Tag.objects.filter(owner=owner, name__in=wanted)}
    missing = [Tag(owner=owner, name=n) for n in wanted if n not in existing]
    if missing:
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {t.name: t for t in Tag.objects.filter(owner=owner, name__in=wanted)}
    return [existing[n] for n in wanted]


def tag_create(*, owner: User, name: str) -> Tag:
    name = tag_name_normalize(name=name)
    if Tag.objects.filter(owner=owner, name=name).exists():
        raise Conflict(f"You already have a tag named {name!r}.", code="duplicate_tag", details={"name": name})
    return Tag.objects.create(owner=owner, name=name)


def tag_delete(*, tag: Tag) -> None:
    tag.delete()


@dataclass
class ItemDraft:
    """A validated item to create (see serializers.ItemCreateInput)."""

    text: str
    locale: str
    difficulty: int | None = None
    tags: list[str] = field(default_factory=list)
    alternatives: list[str] = field(default_factory=list)
    hint: str = ""
    case_sensitive: bool = False
    keep_punctuation: bool = False


def _new_item(owner: User, draft: ItemDraft) -> Item:
    difficulty = draft.difficulty or grading.infer_difficulty(draft.text)
    return Item(
        owner=owner, text=draft.text, locale=draft.locale, difficulty=difficulty,
        difficulty_inferred=draft.difficulty is None, alternatives=draft.alternatives, hint=draft.hint,
        case_sensitive=draft.case_sensitive, keep_punctuation=draft.keep_punctuation,
        voice=voice_for_locale(locale=draft.locale), tts_status=TTSStatus.PENDING,
    )


def _queue_audio(task_ids: Sequence[int]) -> None:
    """Queues one audio job per TTSTask once the transaction commits. Many jobs go out through one
    fan-out task, so a bulk request does not wait for a hundred broker round trips."""
    from dictation.tasks import queue_item_audio

    ids = list(task_ids)
    if len(ids) == 1:
        runtime.publish(TTSTask, ids[0])
    elif ids:
        transaction.on_commit(lambda: queue_item_audio.delay(ids))


def audio_jobs_queue(*, tts_task_ids: Sequence[int]) -> None:
    for tts_task_id in tts_task_ids:
        runtime.publish(TTSTask, tts_task_id)


def item_create(*, owner: User, draft: ItemDraft) -> Item:
    return item_bulk_create(owner=owner, drafts=[draft])[0]


def item_bulk_create(*, owner: User, drafts: Sequence[ItemDraft]) -> list[Item]:
    """Creates items in one transaction and queues one audio job each once it commits."""
    with transaction.atomic():
        items = Item.objects.bulk_create([_new_item(owner, d) for d in drafts])
        tags_by_name = {t.name: t for t in tags_resolve(owner=owner, names=[n for d in drafts for n in d.tags])}
        links = [
            Item.tags.through(item_id=item.pk, tag_id=tags_by_name[tag_name_normalize(name=n)].pk)
            for item, d in zip(items, drafts, strict=True)
            for n in dict.fromkeys(tag_name_normalize(name=x) for x in d.tags if x.strip())
        ]
        Item.tags.through.objects.bulk_create(links)
        tasks = TTSTask.objects.bulk_create([TTSTask(item=item, content_hash=item.content_hash) for item in items])
        _queue_audio([t.pk for t in tasks])
    return items


def item_update_difficulty(*, item: Item, difficulty: int) -> Item:
    item.difficulty = difficulty
    item.difficulty_inferred = False
    item.save(update_fields=["difficulty", "difficulty_inferred", "updated_at"])
    return item


def item_update_tags(*, item: Item, names: Sequence[str]) -> Item:
    with transaction.atomic():
        item.tags.set(tags_resolve(owner=item.owner, names=names))
        item.save(update_fields=["updated_at"])
    return item


EDITABLE = ("text", "locale", "difficulty", "alternatives", "hint", "case_sensitive", "keep_punctuation")


def item_update(*, item: Item, changes: dict[str, Any]) -> Item:
    """Changes any of the item's fields (validated by serializers.ItemCreateInput, partial). A new text or
    locale makes new audio: the item is pending again, the old WAV goes once no item plays it, and an
    inferred difficulty is inferred again unless one is given."""
    fields = {k: v for k, v in changes.items() if k in EDITABLE}
    new_audio = any(k in fields and fields[k] != getattr(item, k) for k in ("text", "locale"))
    if "difficulty" in fields:
        if fields["difficulty"] is None:
            fields["difficulty"] = grading.infer_difficulty(fields.get("text", item.text))
            fields["difficulty_inferred"] = True
        else:
            fields["difficulty_inferred"] = False
    elif new_audio and item.difficulty_inferred:
        fields["difficulty"] = grading.infer_difficulty(fields.get("text", item.text))
    old_audio = item.audio_file
    with transaction.atomic():
        for name, value in fields.items():
            setattr(item, name, value)
        if new_audio:
            item.voice = voice_for_locale(locale=item.locale)
            item.tts_status, item.tts_error, item.audio_file, item.duration = TTSStatus.PENDING, "", "", None
            fields.update(voice=None, tts_status=None, tts_error=None, audio_file=None, duration=None)
        item.save(update_fields=[*fields, "updated_at"])
        if "tags" in changes:
            item.tags.set(tags_resolve(owner=item.owner, names=changes["tags"]))
        if new_audio:
            unfinished = TTSTask.objects.filter(item=item, status__in=[TTSStatus.PENDING, TTSStatus.FAILED])
            runtime.cancel(unfinished, reason="Superseded by a new text.")
            unfinished.update(status=TTSStatus.FAILED, error="Superseded by a new text.")
            task = TTSTask.objects.create(item=item, content_hash=item.content_hash)
            _queue_audio([task.pk])
            if old_audio:
                transaction.on_commit(lambda: _delete_unused_audio([old_audio]))
    return item


def item_delete(*, item: Item) -> None:
    """Deletes the item, then its audio file unless an identical item still plays it."""
    audio_file = item.audio_file
    with transaction.atomic():
        weak_words.word_stats_forget(item_id=item.pk)
        item.delete()
        if audio_file:
            transaction.on_commit(lambda: _delete_unused_audio([audio_file]))


def _delete_unused_audio(names: Iterable[str]) -> None:
    wanted = set(names)
    in_use = set(Item.objects.filter(audio_file__in=wanted).values_list("audio_file", flat=True))
    for name in wanted - in_use:
        default_storage.delete(name)


@on_account_delete
def _delete_account_audio(user: User) -> None:
    names = set(Item.objects.filter(owner=user).exclude(audio_file="").values_list("audio_file", flat=True))
    shared = set(Item.objects.exclude(owner=user).filter(audio_file__in=names).values_list("audio_file", flat=True))
    for name in names - shared:
        default_storage.delete(name)


def item_regenerate_audio(*, item: Item) -> TTSTask:
    """Synthesizes the item's audio again (the admin's action); earlier unfinished jobs are superseded."""
    with transaction.atomic():
        unfinished = TTSTask.objects.filter(item=item, status__in=[TTSStatus.PENDING, TTSStatus.FAILED])
        runtime.cancel(unfinished, reason="Superseded by a regeneration.")
        unfinished.update(status=TTSStatus.FAILED, error="Superseded by a regeneration.")
        task = TTSTask.objects.create(item=item, content_hash=item.content_hash, force=True)
        Item.objects.filter(pk=item.pk).update(tts_status=TTSStatus.PENDING, tts_error="", updated_at=timezone.now())
        _queue_audio([task.pk])
    return task


# --- audio generation (run by tasks.generate_item_audio) ---


def audio_name(*, digest: str) -> str:
    return f"{settings.DICTATION_AUDIO_DIR}/{digest[:2]}/{digest}.wav"


def tts_task_run(*, tts_task_id: int) -> None:
    """Generates (or reuses) the audio of one TTSTask, as a job: safe to run twice (the first run claims
    the row). Transient errors are retried with backoff until the job's tries are spent; others fail the
    item at once."""
    runtime.run_job(TTSTask, tts_task_id, _generate)


def _generate(task: TTSTask) -> dict[str, object]:
    item = task.item
    started = time.perf_counter()
    try:
        name, sample_rate, duration, reused = _audio_for(task, item)
    except tts.TTSError as exc:
        _tts_failed(task, f"Speech synthesis failed: {exc}")
        raise runtime.JobFailed("tts_error", f"Speech synthesis failed: {exc}") from exc
    except TRANSIENT_TTS_ERRORS as exc:
        reason = f"{type(exc).__name__}: {exc}"
        if task.attempts >= TTSTask.max_attempts:
            reason = f"Gave up after {task.attempts} tries: {reason}"
            _tts_failed(task, reason)
        raise runtime.JobFailed("transient", reason, transient=True) from exc
    finished = timezone.now()
    Item.objects.filter(pk=item.pk).update(
        tts_status=TTSStatus.COMPLETED, audio_file=name, duration=duration, tts_error="", updated_at=finished
    )
    return {"file": name, "sample_rate": sample_rate, "reused": reused,
            "synthesis_seconds": time.perf_counter() - started}


def _audio_for(task: TTSTask, item: Item) -> tuple[str, int, float, bool]:
    """The audio file's name, sample rate and duration, and whether it was reused from an earlier item
    of the same owner. Audio is shared with other users' identical items too (the same text in the same
    voice), but `reused` must not tell a user that someone else has such an item."""
    name = audio_name(digest=task.content_hash)
    if not task.force and default_storage.exists(name):
        identical = TTSTask.objects.filter(content_hash=task.content_hash, status=TTSStatus.COMPLETED)
        identical = identical.exclude(pk=task.pk)
        if identical.exists():
            with default_storage.open(name, "rb") as handle, wave.open(handle, "rb") as wav:
                rate, frames = wav.getframerate(), wav.getnframes()
            return name, rate, frames / rate, identical.filter(item__owner_id=item.owner_id).exists()
    synthesis = tts.synthesize(grading.spoken_text(item.text), language=item.locale, voice=item.voice)
    # Replaced whole, so a player never gets half a file.
    save_replacing(default_storage, name, synthesis.wav_bytes())
    return name, synthesis.sample_rate, synthesis.duration, False


def _tts_failed(task: TTSTask, reason: str) -> None:
    logger.warning("dictation audio failed", extra={"tts_task_id": task.pk, "reason": reason})


def audio_cleanup_orphans() -> int:
    """Deletes audio files no item plays (and abandoned temporary files), once they are old enough
    that a job which just wrote one has committed its row. Returns how many files went."""
    cutoff = timezone.now() - timedelta(seconds=settings.DICTATION_ORPHAN_GRACE_SECONDS)
    candidates = [
        name for name in walk(default_storage, settings.DICTATION_AUDIO_DIR)
        if default_storage.get_modified_time(name) < cutoff
    ]
    in_use = set(Item.objects.filter(audio_file__in=candidates).values_list("audio_file", flat=True))
    removed = 0
    for name in candidates:
        if name not in in_use:
            default_storage.delete(name)
            removed += 1
    return removed


# --- attempts ---


def attempt_create(*, owner: User, item: Item, text: str) -> Attempt:
    result = grading.grade(
        answers=item.accepted_answers, typed=text,
        case_sensitive=item.case_sensitive, keep_punctuation=item.keep_punctuation,
    )
    now = timezone.now()
    with transaction.atomic():
        memory = Item.objects.select_for_update().values_list("review_memory", flat=True).get(pk=item.pk)
        rating = review.rating_for(wer=result.wer, typos=result.typos, mistakes=result.mistakes)
        schedule = review.review_fields(item_id=item.pk, memory=memory, rating=rating, at=now)
        attempt = Attempt.objects.create(
            owner=owner, item=item, text=text, matched_answer=result.matched_answer, wer=result.wer,
            cer=result.cer, reference_words=result.reference_words, hits=result.hits,
            substitutions=result.substitutions, deletions=result.deletions, insertions=result.insertions,
            typos=result.typos, mistakes=result.mistakes, diff=result.diff, score=result.score, created_at=now,
        )
        Item.objects.filter(pk=item.pk).update(
            attempts_count=F("attempts_count") + 1, last_attempt_at=now, **schedule
        )
        weak_words.word_stats_record(owner_id=owner.pk, item_id=item.pk, diff=result.diff, at=now)
    return attempt
