"""The review schedule: when each item is due again, kept by the FSRS scheduler (the `fsrs` package).

Each item holds FSRS's memory state (`review_memory`, the card as `fsrs.Card.to_dict()`), its state
(`review_state`: new until first practised, then learning, review or relearning) and when it is due
(`review_due`; a new item is due from its creation). Every attempt is a review whose rating comes from
its score: no error is Good, only typos is Hard, mistakes are Again (Hard when they are at most
`HARD_WER` of the words). Items without audio are never due.
"""

from datetime import datetime, timedelta
from typing import Any

import fsrs
from django.db.models import Count, Min, Q
from django.db.models.functions import TruncDate

from dictation.models import Item, ReviewState, TTSStatus
from sawt.accounts.models import User

# FSRS's target recall, and the WER up to which an attempt with mistakes is rated Hard rather than Again.
RETENTION = 0.9
HARD_WER = 0.2


def _scheduler() -> fsrs.Scheduler:
    return fsrs.Scheduler(desired_retention=RETENTION, enable_fuzzing=False)


def rating_for(*, wer: float, typos: int, mistakes: int) -> fsrs.Rating:
    if mistakes == 0:
        return fsrs.Rating.Good if typos == 0 else fsrs.Rating.Hard
    return fsrs.Rating.Hard if wer <= HARD_WER else fsrs.Rating.Again


def review_fields(*, item_id: int, memory: dict[str, Any], rating: fsrs.Rating, at: datetime) -> dict[str, Any]:
    """The item's new review columns after a review with this rating at `at`."""
    card = fsrs.Card.from_dict(memory) if memory else fsrs.Card(card_id=item_id)  # type: ignore[arg-type]
    card, _ = _scheduler().review_card(card, rating, review_datetime=at)
    return {"review_memory": card.to_dict(), "review_due": card.due, "review_state": int(card.state)}


def playable(owner: User) -> Any:
    return Item.objects.filter(owner=owner, tts_status=TTSStatus.COMPLETED)


def review_next(*, owner: User, now: datetime, exclude: list[int] | None = None) -> dict[str, Any]:
    """The most overdue item (or None), its due time and when the one after it falls due."""
    due = playable(owner).order_by("review_due", "id")
    if exclude:
        due = due.exclude(pk__in=exclude)
    head = list(due.values("id", "review_due")[:2])
    item = None
    if head and head[0]["review_due"] <= now:
        item = Item.objects.prefetch_related("tags").get(pk=head[0]["id"])
        after = head[1:]
    else:
        after = head[:1]
    return {
        "item": item,
        "due_at": item.review_due if item else None,
        "next_due_at": after[0]["review_due"] if after else None,
    }


def due_count(*, owner: User, now: datetime) -> int:
    """How many of the owner's items are due now (for the home page's panel)."""
    return int(playable(owner).filter(review_due__lte=now).count())


def review_stats(*, owner: User, now: datetime, days: int = 30) -> dict[str, Any]:
    """Due, new, learning and learned counts, and how many items fall due on each of the next `days` days
    in the owner's time zone (today includes the overdue ones)."""
    items = playable(owner)
    counts = items.aggregate(
        due=Count("id", filter=Q(review_due__lte=now)),
        new=Count("id", filter=Q(review_state=ReviewState.NEW)),
        learning=Count("id", filter=Q(review_state__in=[ReviewState.LEARNING, ReviewState.RELEARNING])),
        learned=Count("id", filter=Q(review_state=ReviewState.REVIEW)),
    )
    tz = owner.tzinfo
    today = now.astimezone(tz).date()
    end = datetime.combine(today + timedelta(days=days), datetime.min.time(), tzinfo=tz)
    rows = (
        items.filter(review_due__lt=end).annotate(day=TruncDate("review_due", tzinfo=tz))
        .values("day").annotate(n=Count("id")).order_by("day")
    )
    by_day: dict[Any, int] = {}
    for row in rows:
        day = max(row["day"], today)
        by_day[day] = by_day.get(day, 0) + row["n"]
    forecast = [{"date": today + timedelta(days=i), "due": by_day.get(today + timedelta(days=i), 0)}
                for i in range(days)]
    first = items.aggregate(first=Min("review_due"))["first"]
    return {**counts, "next_due_at": first, "forecast": forecast}
