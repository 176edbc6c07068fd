"""Weak words: the words of the learner's items that they keep missing.

Every attempt counts each expected word of its diff as seen, and as missed when it was a typo or a
mistake (substituted or left out); counts are kept per item and word (`WordStat`), so the list is one
grouped query however many attempts there are.
"""

from collections import Counter
from datetime import datetime
from typing import Any

from django.db.models import Max, Sum

from dictation.models import WordStat
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
    existing = {w.word: w for w in WordStat.objects.select_for_update().filter(item_id=item_id, word__in=seen)}
    new: list[WordStat] = []
    changed: list[WordStat] = []
    for word, count in seen.items():
        row = existing.get(word) or WordStat(owner_id=owner_id, item_id=item_id, word=word, last_seen_at=at)
        row.seen += count
        row.misses += missed[word]
        row.last_seen_at = at
        if missed[word]:
            row.last_missed_at = at
        (changed if row.pk else new).append(row)
    WordStat.objects.bulk_create(new)
    WordStat.objects.bulk_update(changed, ["seen", "misses", "last_seen_at", "last_missed_at"])


def weak_words(*, owner: User, limit: int = 20) -> list[dict[str, Any]]:
    """The most-missed words, most misses first (then most recently missed)."""
    rows = list(
        WordStat.objects.filter(owner=owner)
        .values("word")
        .annotate(misses_total=Sum("misses"), seen_total=Sum("seen"), last_seen=Max("last_seen_at"),
                  last_missed=Max("last_missed_at"))
        .filter(misses_total__gt=0)
        .order_by("-misses_total", "-last_missed", "word")[:limit]
    )
    items: dict[str, list[int]] = {}
    pairs = WordStat.objects.filter(owner=owner, word__in=[r["word"] for r in rows], misses__gt=0)
    for word, item_id in pairs.order_by("-misses", "item_id").values_list("word", "item_id"):
        items.setdefault(word, []).append(item_id)
    return [{"word": r["word"], "misses": r["misses_total"], "seen": r["seen_total"], "last_seen_at": r["last_seen"],
             "last_missed_at": r["last_missed"], "item_ids": items.get(r["word"], [])} for r in rows]


def weak_word_items(*, owner: User, limit: int = 20) -> list[int]:
    """The ids of the items containing the owner's weak words, the weakest first, each once."""
    ids: list[int] = []
    for row in weak_words(owner=owner, limit=limit):
        ids.extend(i for i in row["item_ids"] if i not in ids)
    return ids
