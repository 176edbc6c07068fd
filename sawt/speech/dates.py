"""Dates and times in spoken requests ("tomorrow at 7 pm", "next Friday at 7:30").

A thin layer over ``dateparser`` that fixes what speech needs: a bare hour ("at 9")
is a time, not a month; a time with no am/pm and no date ("at 7:30" said at 10:00)
means the next occurrence of either 7:30 or 19:30; results are timezone-aware in
the user's timezone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sawt.speech.language.numbers import NUMBER_WORDS_PATTERN, parse_number

_BARE_HOUR = re.compile(
    r"\b(at|by|around|until|till)\s+(\d{1,2})\b(?![:.]\d)(?!\s*(?:am|pm|a\.m\.|p\.m\.|o'?clock|h\b|hours?\b))", re.I
)
_OCLOCK = re.compile(r"\b(\d{1,2})\s*o'?clock\b", re.I)
_TIME_ONLY = re.compile(r"^\s*(?:at|by|around)?\s*(\d{1,2})(?::(\d\d))?\s*$", re.I)
# Amounts beside the spoken numbers: "an hour", "half an hour", "a few minutes".
_AMOUNT_WORDS = {"a": 1.0, "an": 1.0, "half an": 0.5, "half a": 0.5, "a few": 3.0}
_UNITS = {"second": 1, "sec": 1, "minute": 60, "min": 60, "hour": 3600, "hr": 3600, "day": 86400, "week": 604800}
_DURATION = re.compile(
    rf"(?<![\w-])(\d+(?:\.\d+)?|{NUMBER_WORDS_PATTERN}|half an?|a few|an?)(\s+and\s+a\s+half)?\s+"
    r"(second|sec|minute|min|hour|hr|day|week)s?\b(\s+and\s+a\s+half)?",
    re.I,
)


@dataclass(frozen=True)
class DateMatch:
    text: str  # the words that named the date, as found in the input
    start: int
    end: int
    value: datetime


def _settings(now: datetime, timezone: str, prefer_future: bool) -> dict[str, Any]:
    zone = ZoneInfo(timezone)
    local_now = now.astimezone(zone) if now.tzinfo else now.replace(tzinfo=zone)
    return {
        "RELATIVE_BASE": local_now.replace(tzinfo=None),
        "PREFER_DATES_FROM": "future" if prefer_future else "current_period",
        "TIMEZONE": timezone,
        "TO_TIMEZONE": timezone,
        "RETURN_AS_TIMEZONE_AWARE": True,
    }


def _prepare(text: str) -> str:
    text = " ".join(text.split())
    text = _OCLOCK.sub(r"\1:00", text)
    return _BARE_HOUR.sub(r"\1 \2:00", text)


def _localise(value: datetime, now: datetime, timezone: str) -> datetime:
    zone = ZoneInfo(timezone)
    if value.tzinfo is None:
        return value.replace(tzinfo=zone)
    return value.astimezone(zone)


def _next_of_am_pm(phrase: str, value: datetime, now: datetime, prefer_future: bool) -> datetime:
    match = _TIME_ONLY.match(phrase)
    if not (prefer_future and match and 1 <= int(match.group(1)) <= 11):
        return value
    # "at 7:30" said at 10:00 most likely means this evening, not tomorrow morning.
    candidates = []
    for day in (0, 1):
        base = now + timedelta(days=day)
        for hour in (value.hour, value.hour + 12):
            candidates.append(base.replace(hour=hour, minute=value.minute, second=0, microsecond=0))
    future = [c for c in candidates if c > now]
    return min(future) if future else value


def parse_datetime_phrase(
    text: str,
    *,
    now: datetime,
    timezone: str,
    prefer_future: bool = True,
    languages: tuple[str, ...] = ("en",),
) -> datetime | None:
    """The moment a phrase names, aware in ``timezone``; ``None`` if it names none.

    ``text`` may be just the phrase ("next Friday at 7:30") or a whole request
    ("remind me tomorrow at 7 pm to call mom"); the first date found is used.
    A naive ``now`` is taken to be in ``timezone``.
    """
    found = find_datetime(text, now=now, timezone=timezone, prefer_future=prefer_future, languages=languages)
    return found.value if found else None


def find_datetime(
    text: str,
    *,
    now: datetime,
    timezone: str,
    prefer_future: bool = True,
    languages: tuple[str, ...] = ("en",),
) -> DateMatch | None:
    """Like :func:`parse_datetime_phrase`, also saying which words named the date."""
    import dateparser
    from dateparser.search import search_dates

    zone = ZoneInfo(timezone)
    local_now = now.astimezone(zone) if now.tzinfo else now.replace(tzinfo=zone)
    prepared = _prepare(text)
    if not prepared:
        return None
    settings = _settings(local_now, timezone, prefer_future)
    whole = dateparser.parse(prepared, languages=list(languages), settings=settings)
    if whole is not None:
        phrase, value = prepared, whole
    else:
        hits = search_dates(prepared, languages=list(languages), settings=settings)
        if not hits:
            return None
        phrase, value = hits[0]
    value = _next_of_am_pm(phrase, _localise(value, local_now, timezone), local_now, prefer_future)
    start = max(prepared.find(phrase), 0)
    return DateMatch(phrase, start, start + len(phrase), value)


def parse_duration(text: str) -> timedelta | None:
    """Sum of the durations named in ``text``: "1 hour and 20 minutes", "half an hour"."""
    total = 0.0
    found = False
    for match in _DURATION.finditer(text):
        amount = _amount(match.group(1).lower())
        if amount is None:
            continue
        if match.group(2) or match.group(4):
            amount += 0.5
        total += amount * _UNITS[match.group(3).lower()]
        found = True
    if not found:
        lowered = text.lower()
        if "half an hour" in lowered:
            return timedelta(minutes=30)
        if "quarter of an hour" in lowered or "quarter hour" in lowered:
            return timedelta(minutes=15)
        return None
    return timedelta(seconds=total)


def _amount(text: str) -> float | None:
    if text in _AMOUNT_WORDS:
        return _AMOUNT_WORDS[text]
    if re.fullmatch(r"\d+\.\d+", text):
        return float(text)
    number = parse_number(text)
    return float(number) if number is not None else None


def format_spoken(value: datetime, *, now: datetime) -> str:
    """Short English phrasing for confirmations: "today at 7:30 PM", "Friday 16 May at 9:00 AM"."""
    local_now = now.astimezone(value.tzinfo) if now.tzinfo and value.tzinfo else now
    clock = value.strftime("%I:%M %p").lstrip("0")
    days = (value.date() - local_now.date()).days
    if days == 0:
        return f"today at {clock}"
    if days == 1:
        return f"tomorrow at {clock}"
    if 1 < days < 7:
        return f"{value.strftime('%A')} at {clock}"
    return f"{value.strftime('%A')} {value.day} {value.strftime('%B')} at {clock}"
