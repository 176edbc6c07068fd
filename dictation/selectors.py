"""Reads of the dictation trainer: lists and statistics, always of one user's own rows."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Avg, Count, Max, Min, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from dictation.models import Attempt, Item, Tag
from dictation.services import ItemDraft
from sawt.accounts.models import User

ITEM_SORTS = {
    "created": ("created_at", "id"),
    "-created": ("-created_at", "-id"),
    "difficulty": ("difficulty", "-created_at", "-id"),
    "-difficulty": ("-difficulty", "-created_at", "-id"),
    "practiced": ("last_attempt_at", "-created_at", "-id"),
    "-practiced": ("-last_attempt_at", "-created_at", "-id"),
    "text": ("text", "id"),
    "-text": ("-text", "-id"),
}


@dataclass(frozen=True)
class Window:
    since: datetime | None = None
    until: datetime | None = None

    def q(self, prefix: str = "") -> Q:
        q = Q()
        if self.since:
            q &= Q(**{f"{prefix}created_at__gte": self.since})
        if self.until:
            q &= Q(**{f"{prefix}created_at__lt": self.until})
        return q


def item_list(
    *, owner: User, locale: str | None = None, tags: list[str] | None = None, difficulty_min: int | None = None,
    difficulty_max: int | None = None, practiced: bool | None = None, tts_status: str | None = None,
    search: str | None = None, sort: str = "-created",
) -> QuerySet[Item]:
    """Items carrying every tag asked for, matching all the other filters."""
    items = Item.objects.filter(owner=owner)
    if locale:
        items = items.filter(locale__iexact=locale)
    for tag in tags or []:
        items = items.filter(tags__owner=owner, tags__name=tag)
    if difficulty_min is not None:
        items = items.filter(difficulty__gte=difficulty_min)
    if difficulty_max is not None:
        items = items.filter(difficulty__lte=difficulty_max)
    if practiced is not None:
        items = items.filter(last_attempt_at__isnull=not practiced)
    if tts_status:
        items = items.filter(tts_status=tts_status)
    if search:
        items = items.filter(text__icontains=search)
    return items.order_by(*ITEM_SORTS[sort]).prefetch_related("tags")


def item_rows_without_duplicates(
    *, owner: User, rows: Sequence[ItemDraft | dict[str, Any]], labels: Sequence[str]
) -> list[ItemDraft | dict[str, Any]]:
    """The rows of a bulk create (item_rows_validate) with each duplicate turned into field errors, as an
    invalid row is: a sentence the owner already has, or one an earlier row has (named by its label,
    "line 3" on the page, "item 0" in the API)."""
    texts = [row.text for row in rows if isinstance(row, ItemDraft)]
    existing = set(Item.objects.filter(owner=owner, text__in=texts).values_list("text", flat=True))
    first: dict[str, str] = {}
    result: list[ItemDraft | dict[str, Any]] = []
    for row, label in zip(rows, labels, strict=True):
        if not isinstance(row, ItemDraft):
            result.append(row)
        elif row.text in existing:
            result.append({"text": ["You already have this sentence."]})
        elif row.text in first:
            result.append({"text": [f"The same sentence as {first[row.text]}."]})
        else:
            first[row.text] = label
            result.append(row)
    return result


def review_due_count(*, owner: User) -> int:
    """How many of the owner's items are due for review now (for the home page's "due reviews" panel)."""
    from dictation.review import due_count

    return due_count(owner=owner, now=timezone.now())


def tag_list(*, owner: User) -> QuerySet[Tag]:
    return Tag.objects.filter(owner=owner).annotate(items_count=Count("items")).order_by("name")


def attempt_list(*, owner: User, item_id: int | None = None, window: Window = Window()) -> QuerySet[Attempt]:
    attempts = Attempt.objects.filter(window.q(), owner=owner)
    if item_id is not None:
        attempts = attempts.filter(item_id=item_id)
    return attempts.order_by("-created_at", "-id")


def _aggregate(attempts: QuerySet[Attempt]) -> dict[str, Any]:
    figures = attempts.aggregate(
        attempts=Count("id"), average_wer=Avg("wer"), best_wer=Min("wer"), worst_wer=Max("wer"),
        words=Sum("reference_words"), typos=Sum("typos"), mistakes=Sum("mistakes"),
        first_attempt_at=Min("created_at"), last_attempt_at=Max("created_at"),
        perfect_attempts=Count("id", filter=Q(wer=0)), items_practiced=Count("item", distinct=True),
    )
    figures["words"] = figures["words"] or 0
    figures["typos"] = figures["typos"] or 0
    figures["mistakes"] = figures["mistakes"] or 0
    return figures


def stats_summary(*, owner: User, window: Window = Window()) -> dict[str, Any]:
    attempts = Attempt.objects.filter(window.q(), owner=owner)
    figures = _aggregate(attempts)
    figures["items_total"] = Item.objects.filter(owner=owner).count()
    figures["since"], figures["until"] = window.since, window.until
    return figures


def stats_practice_log(*, owner: User, window: Window = Window()) -> QuerySet[Item]:
    """Items practised in the window with their figures there, most recently practised first."""
    in_window = window.q("attempts__")
    return (
        Item.objects.filter(owner=owner)
        .annotate(
            window_attempts=Count("attempts", filter=in_window),
            window_average_wer=Avg("attempts__wer", filter=in_window),
            window_best_wer=Min("attempts__wer", filter=in_window),
            window_last_attempt_at=Max("attempts__created_at", filter=in_window),
        )
        .filter(window_attempts__gt=0)
        .order_by("-window_last_attempt_at", "-id")
        .prefetch_related("tags")
    )


def stats_item(*, item: Item, recent: int = 10) -> dict[str, Any]:
    attempts = Attempt.objects.filter(item=item)
    figures = _aggregate(attempts)
    latest = list(attempts.order_by("-created_at", "-id")[:recent])
    figures["latest_wer"] = latest[0].wer if latest else None
    figures["recent"] = [{"id": a.pk, "wer": a.wer, "typos": a.typos, "mistakes": a.mistakes,
                          "created_at": a.created_at} for a in latest]
    return figures


def stats_progress(*, owner: User, since: date, until: date, item_id: int | None = None) -> list[dict[str, Any]]:
    """One row per day from `since` to `until` inclusive, in the owner's time zone; empty days included."""
    tz = owner.tzinfo
    start = datetime.combine(since, datetime.min.time(), tzinfo=tz)
    end = datetime.combine(until + timedelta(days=1), datetime.min.time(), tzinfo=tz)
    attempts = Attempt.objects.filter(owner=owner, created_at__gte=start, created_at__lt=end)
    if item_id is not None:
        attempts = attempts.filter(item_id=item_id)
    rows = (
        attempts.annotate(day=TruncDate("created_at", tzinfo=tz))
        .values("day")
        .annotate(attempts=Count("id"), average_wer=Avg("wer"), best_wer=Min("wer"), items=Count("item", distinct=True))
        .order_by("day")
    )
    by_day = {row["day"]: row for row in rows}
    series = []
    day = since
    while day <= until:
        row = by_day.get(day)
        series.append({
            "date": day,
            "attempts": row["attempts"] if row else 0,
            "items": row["items"] if row else 0,
            "average_wer": row["average_wer"] if row else None,
            "best_wer": row["best_wer"] if row else None,
        })
        day += timedelta(days=1)
    return series
