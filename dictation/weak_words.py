"""Weak words: the words of the learner's items that they keep missing.

Every attempt counts each expected word of its diff as seen, and as missed when it was a typo or a
mistake (substituted or left out); counts are kept per item and word (`WordStat`, for the items that
contain a word) and per word (`WordTotal`, their sums), so the list is an index scan however many
attempts there are.
"""

from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from django.db.models import F, QuerySet
from django.db.models.functions import Greatest

from dictation.models import WordStat, WordTotal
from sawt.accounts.models import User


def words_of_diff(diff: list[dict[str, Any]]) -> tuple[Counter[str], Counter[str]]:
    """(seen, missed) counts of the expected words of one attempt's diff."""
    seen: Counter[str] = Counter()
    missed: Counter[str] = Counter()
    for entry in diff:
        expected = entry.get("expected")
        if not expected or entry.get("op") == "insert":
            continue
        word = str(expected)[:100]
        seen[word] += 1
        if entry.get("kind") != "ok":
            missed[word] += 1
    return seen, missed


def word_stats_record(*, owner_id: int, item_id: int, diff: list[dict[str, Any]], at: datetime) -> None:
    seen, missed = words_of_diff(diff)
    _counts_add(
        WordStat.objects.filter(item_id=item_id),
        lambda word: WordStat(owner_id=owner_id, item_id=item_id, word=word, last_seen_at=at),
        seen, missed, at,
    )
    _counts_add(
        WordTotal.objects.filter(owner_id=owner_id),
        lambda word: WordTotal(owner_id=owner_id, word=word, last_seen_at=at),
        seen, missed, at,
    )


Counts = TypeVar("Counts", WordStat, WordTotal)


def _counts_add(
    rows: QuerySet[Counts], new_row: Callable[[str], Counts], seen: Counter[str], missed: Counter[str], at: datetime
) -> None:
    """Adds one attempt's counts to the words' rows among `rows` (locked), making the missing ones."""
    existing = {row.word: row for row in rows.select_for_update().filter(word__in=seen)}
    new: list[Counts] = []
    changed: list[Counts] = []
    for word, count in seen.items():
        row = existing.get(word) or new_row(word)
        row.seen += count
        row.misses += missed[word]
        row.last_seen_at = at
        if missed[word]:
            row.last_missed_at = at
        (changed if row.pk else new).append(row)
    rows.model.objects.bulk_create(new)
    rows.model.objects.bulk_update(changed, ["seen", "misses", "last_seen_at", "last_missed_at"])


def word_stats_forget(*, item_id: int) -> None:
    """Takes a deleted item's counts off the owner's totals (call before deleting it)."""
    for stat in WordStat.objects.filter(item_id=item_id):
        WordTotal.objects.filter(owner_id=stat.owner_id, word=stat.word).update(
            seen=Greatest(F("seen") - stat.seen, 0), misses=Greatest(F("misses") - stat.misses, 0))
    WordTotal.objects.filter(seen=0).delete()


ITEMS_PER_WORD = 50


def weak_words(*, owner: User, limit: int = 20) -> list[dict[str, Any]]:
    """The most-missed words, most misses first (then most recently missed), each with the items (up to
    ITEMS_PER_WORD, most missed there first) where it was missed."""
    rows = list(
        WordTotal.objects.filter(owner=owner, misses__gt=0).order_by("-misses", "-last_missed_at", "word")[:limit]
    )
    items = {
        r.word: list(
            WordStat.objects.filter(owner=owner, word=r.word, misses__gt=0)
            .order_by("-misses", "item_id").values_list("item_id", flat=True)[:ITEMS_PER_WORD]
        )
        for r in rows
    }
    return [{"word": r.word, "misses": r.misses, "seen": r.seen, "last_seen_at": r.last_seen_at,
             "last_missed_at": r.last_missed_at, "item_ids": items.get(r.word, [])} for r in rows]


def weak_word_items(*, owner: User, limit: int = 20) -> list[int]:
    """The ids of the items containing the owner's weak words, the weakest first, each once."""
    ids: list[int] = []
    for row in weak_words(owner=owner, limit=limit):
        ids.extend(i for i in row["item_ids"] if i not in ids)
    return ids
