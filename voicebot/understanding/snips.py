"""Scoring the booking rules on the Snips BookRestaurant requests (`nlu/snips_train_BookRestaurant.json`).

1,973 crowd-sourced requests (CC0), slot-annotated. What counts as given, read from the annotation only:

- party size: a `party_size_number` (its first, read as a number), else a `party_size_description` whose
  people can be counted: a list of people ("me", "I", a name, "my wife", "my three kids", "my parents" = 2);
  a description with a plural that says no number ("me and my kids", "my team") is not counted.
- time: a `timeRange` that is a clock time: "7 pm", "eighteen o'clock", "18:49:20", "noon", "midnight", or a
  bare hour ("at six"); meals, parts of the day, "now" and "in 2 hours" are not clock times.
- date: a `timeRange` that names one day: "today", "tonight", "tomorrow", "the day after tomorrow", a
  weekday, a month and day with or without a year, "10/24/2028", "the 23rd", or whole days, weeks, months
  or years from today ("in 345 days", "three weeks from now"). Holidays, months, seasons and weeks are not.

A request counts as right when the rules, given the whole sentence, find that value. Dates are
resolved against the fixed `TODAY` (a Wednesday), times with am/pm left open read as pm, as both the
annotation's reading and the rules' go through the same `resolve_time`.
"""

import calendar
import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sawt.speech import language
from voicebot.understanding.when import _plus

if TYPE_CHECKING:
    from voicebot.understanding.turns import Heard

TODAY = dt.date(2025, 1, 15)
DATASET = "nlu/snips_train_BookRestaurant.json"

_UNCOUNTED = re.compile(r"(s|children|people|crew|team|family|folks|staff|gang|group)$")
_PAIRS = {"parents": 2, "grandparents": 2, "twins": 2}
_MONTHS = [m.lower() for m in calendar.month_name[1:]]
_WEEKDAYS = [d.lower() for d in calendar.day_name]


def _count_people(description: str) -> int | None:
    parts = [p.strip() for p in re.split(r",|\band\b|&", description.lower()) if p.strip()]
    total = 0
    for part in parts:
        words = part.split()
        if words[0] in {"my", "our"}:
            number = language.parse_number(words[1]) if len(words) > 2 else None
            noun = words[-1]
            if number is not None:
                total += number
            elif noun in _PAIRS:
                total += _PAIRS[noun]
            elif _UNCOUNTED.search(noun) and noun not in {"boss", "bf's"}:
                return None
            else:
                total += 1
        else:
            total += 1  # me, I, or a name
    return total or None


def clock_span(span: str, before: str = "") -> tuple[int, int, str | None] | None:
    t = span.lower().rstrip(".").strip()
    if t in {"noon", "midday"}:
        return 12, 0, "pm"
    if t == "midnight":
        return 0, 0, "am"
    match = re.fullmatch(r"(\d{1,2}):(\d{2})(?::\d{2})?(?:\s*([ap]m))?", t)
    if match:
        return int(match.group(1)), int(match.group(2)), match.group(3)
    match = re.fullmatch(r"(.+?)\s*(am|pm|o'clock|oclock)", t)
    if not match:
        match = re.fullmatch(r"(.+)()", t)
        if re.search(r"\bon the\s*$", before.lower()):
            return None  # "on the 23": a day of the month
    hour = language.parse_number(match.group(1)) if match else None
    if match is None or hour is None or hour > 23:
        return None
    period = match.group(2) if match.group(2) in {"am", "pm"} else None
    return hour, 0, period


def _next_day_of_month(today: dt.date, day: int) -> dt.date | None:
    for ahead in range(62):
        if (today + dt.timedelta(days=ahead)).day == day:
            return today + dt.timedelta(days=ahead)
    return None


def _day_of(text: str) -> int | None:
    text = text.strip().replace("-", " ")
    match = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)?", text)
    if match:
        return int(match.group(1))
    return language.parse_ordinal(text)


def _calendar_day(span: str, before: str, today: dt.date) -> dt.date | None:
    t = re.sub(r"\s+", " ", span.lower().replace(",", " ").replace(".", " ")).strip()
    fixed = {"today": 0, "tonight": 0, "tomorrow": 1, "the day after tomorrow": 2}
    if t in fixed:
        return today + dt.timedelta(days=fixed[t])
    for n, name in enumerate(_WEEKDAYS):
        if t in {name, name[:3], name[:4]}:
            return today + dt.timedelta(days=(n - today.weekday()) % 7 or 7)
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", t)
    if match:
        return dt.date(int(match.group(3)), int(match.group(1)), int(match.group(2)))
    match = re.fullmatch(r"(?:in )?(.+?) (day|week|month|year)s?(?: from now)?", t)
    if match and (t.startswith("in ") or t.endswith("from now")):
        count = language.parse_number(match.group(1)) if match.group(1) not in {"a", "an"} else 1
        return _plus(today, count, match.group(2)) if count is not None else None
    match = re.fullmatch(r"([a-z]+) (?:the )?([a-z0-9 ]+?)(?: (\d{4}))?", t)
    if match and any(m.startswith(match.group(1)[:3]) and len(match.group(1)) >= 3 for m in _MONTHS):
        month = next(n for n, m in enumerate(_MONTHS, 1) if m.startswith(match.group(1)[:3]))
        day = _day_of(match.group(2))
        if day is None:
            return None
        if match.group(3):
            return dt.date(int(match.group(3)), month, day)
        candidate = dt.date(today.year, month, day)
        return candidate if candidate >= today else dt.date(today.year + 1, month, day)
    if re.search(r"\bon the\s*$", before.lower()) and _day_of(t):
        return _next_day_of_month(today, _day_of(t) or 0)
    return None


@dataclass
class Example:
    text: str
    party_size: int | None = None
    time: tuple[int, int, str | None] | None = None
    date: dt.date | None = None
    annotated: dict[str, list[str]] = field(default_factory=dict)


def examples(path: Path, today: dt.date = TODAY) -> list[Example]:
    rows = json.loads(path.read_text())["BookRestaurant"]
    out = []
    for row in rows:
        text, example = "", Example("")
        for chunk in row["data"]:
            entity, span = chunk.get("entity"), chunk["text"]
            if entity:
                example.annotated.setdefault(entity, []).append(span)
            if entity == "party_size_number" and example.party_size is None:
                example.party_size = language.parse_number(span.strip())
            elif entity == "party_size_description" and "party_size_number" not in example.annotated:
                example.party_size = _count_people(span)
            elif entity == "timeRange":
                example.time = example.time or clock_span(span, text)
                example.date = example.date or _calendar_day(span, text, today)
            text += span
        example.text = text.strip()
        out.append(example)
    return out


def hhmm(hms: tuple[int, int, str | None] | None) -> str | None:
    """A clock time as the booking would hold it ("19:00"); am/pm left open reads as the rules read it."""
    from voicebot import understanding as nlu

    resolved = nlu.resolve_time(hms, lambda t: False) if hms else None
    return resolved.strftime("%H:%M") if resolved else None


def gold(example: Example) -> dict[str, Any]:
    """What the annotation gives: party size, time ("HH:MM") and date, each None where not given."""
    return {"party_size": example.party_size, "time": hhmm(example.time), "date": example.date}


def understood(text: str, today: dt.date = TODAY, heard: "Heard | None" = None) -> dict[str, Any]:
    """What the rules find in a whole request, in `gold`'s shape; with `heard`, the party size and time most
    hearings of it read are taken over the text's own, as the dialogue's slot reader takes them."""
    from voicebot import understanding as nlu

    return {
        "party_size": (heard and heard.party_size) or nlu.party_size(text),
        "time": hhmm((heard and heard.time) or nlu.clock_time(text)),
        "date": nlu.calendar_date(text, today),
    }


def score(path: Path, today: dt.date = TODAY, misses: int = 0) -> dict[str, Any]:
    """Accuracy of party size, time and date where the annotation gives them, and how often the rules
    find one where the annotation gives none."""
    counts = {slot: [0, 0, 0, 0] for slot in ("party_size", "time", "date")}  # right, given, extra, not given
    missed: dict[str, list[str]] = {slot: [] for slot in counts}
    items = examples(path, today)
    for example in items:
        found = understood(example.text, today)
        expected = gold(example)
        for slot, c in counts.items():
            if expected[slot] is None:
                c[3] += 1
                c[2] += found[slot] is not None
                continue
            c[1] += 1
            c[0] += found[slot] == expected[slot]
            if found[slot] != expected[slot] and len(missed[slot]) < misses:
                missed[slot].append(f"{example.text!r}: {found[slot]} != {expected[slot]}")
    result: dict[str, Any] = {"requests": len(items), "today": today.isoformat()}
    for slot, (right, given, extra, absent) in counts.items():
        result[slot] = {
            "given": given,
            "accuracy": round(right / given, 4) if given else None,
            "found_when_not_given": round(extra / absent, 4) if absent else None,
        }
    if misses:
        result["missed"] = missed
    return result
