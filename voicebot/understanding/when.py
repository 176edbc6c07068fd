"""When a request is for: a clock time ("7:30 pm", "half past seven", "eighteen o'clock", "at six", "midnight")
and a day ("tomorrow", "next Friday", "Aug. the 3rd", "the 5th of December 2026", "6/14/2035",
"in 345 days", "three weeks from now").

Numbers in words are read by `sawt.speech.language`; dates are resolved against a given today, never
the clock, so the same words give the same day in tests, benches and calls.
"""

import calendar
import datetime as dt
import re
from collections.abc import Callable

from sawt.speech import language

_MONTH_NAMES = [m.lower() for m in calendar.month_name[1:]]
_MONTH = (
    r"(january|february|march|april|may|june|july|august|september|october|november|december|"
    r"jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)"
)
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY = r"(monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_WEEKDAY_SHORT = r"(mon|tues|tue|wed|thurs|thur|thu|fri|sat|sun)"
_ORDINAL_WORD = (
    r"(?:(?:twenty|thirty)[ -])?(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)|tenth|eleventh|"
    r"twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|thirtieth"
)
_DAY = rf"(\d{{1,2}}(?:st|nd|rd|th)?|{_ORDINAL_WORD})"
_YEAR = r"(?:,?\s+(\d{4}))?"
_UNIT = r"(days?|weeks?|months?|years?)"
_COUNT = r"(\d+|a|an|one)"
_PERIOD_AFTER = r"\s*(am|pm|a m|p m|oclock|o'clock|in the (?:morning|afternoon|evening)|at night|tonight)?"

_DATE_PHRASES = [
    r"\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b",
    rf"\b{_MONTH}\s+(?:the\s+)?{_DAY}\b{_YEAR}",
    rf"\b(?:the\s+)?{_DAY}\s+(?:of\s+)?{_MONTH}\b{_YEAR}",
    rf"\bin\s+{_COUNT}\s+{_UNIT}\b",
    rf"\b{_COUNT}\s+{_UNIT}\s+from\s+(?:now|today)\b",
    r"\bday after tomorrow\b",
    r"\btomorrow\b",
    r"\btoday\b",
    r"\btonight\b",
    r"\bthis evening\b",
    rf"\b(?:next|this|coming)\s+{_WEEKDAY}\b",
    rf"\b{_WEEKDAY}\b(?:\s+the\s+\d{{1,2}}(?:st|nd|rd|th)?)?",
    rf"\bon\s+{_WEEKDAY_SHORT}\b",
    rf"\b(?:for|this|next)\s+{_WEEKDAY_SHORT}$",  # "a table for Sat." (the sentence ends on it)
    rf"\b(?:on\s+the\s+\d{{1,2}}|(?:on\s+)?the\s+(?:\d{{1,2}}(?:st|nd|rd|th)|{_ORDINAL_WORD}))\b(?!\s+(?:of\s+)?{_MONTH})",
]


def words_as_digits(text: str) -> str:
    """Numbers said in words written in digits ("twenty three oclock" -> "23 oclock"); digits stay as written."""
    out, last = [], 0
    for found in language.find_numbers(text):
        ordinal_next = re.match(
            r"[\s-]+(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)\b", text[found.end :]
        )
        if any(ch.isalpha() for ch in found.text) and not ordinal_next:
            out += [text[last : found.start], str(found.value)]
            last = found.end
    return "".join(out) + text[last:]


def _day_number(text: str) -> int | None:
    match = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)?", text)
    if match:
        return int(match.group(1))
    return language.parse_ordinal(text.replace("-", " "))


def _month_number(text: str) -> int:
    return next(n for n, name in enumerate(_MONTH_NAMES, 1) if name.startswith(text[:3]))


def _plus(today: dt.date, count: int, unit: str) -> dt.date:
    if unit.startswith("day"):
        return today + dt.timedelta(days=count)
    if unit.startswith("week"):
        return today + dt.timedelta(weeks=count)
    months = count * (12 if unit.startswith("year") else 1)
    year, month = divmod(today.month - 1 + months, 12)
    day = min(today.day, calendar.monthrange(today.year + year, month + 1)[1])
    return dt.date(today.year + year, month + 1, day)


def _on_or_after(today: dt.date, month: int, day: int, year: int | None) -> dt.date | None:
    try:
        if year is not None:
            return dt.date(year, month, day)
        candidate = dt.date(today.year, month, day)
        return candidate if candidate >= today else dt.date(today.year + 1, month, day)
    except ValueError:
        return None


def date_phrase(text: str) -> str | None:
    """The words that name a day, as the rules read them (numbers in digits), or None."""
    from voicebot.understanding import normalize

    t = words_as_digits(normalize(text))
    for pattern in _DATE_PHRASES:
        match = re.search(pattern, t)
        if match:
            return match.group(0)
    return None


def calendar_date(text: str, today: dt.date) -> dt.date | None:
    phrase = date_phrase(text)
    if phrase is None:
        return None
    phrase = re.sub(rf"^(?:for|this|next)\s+(?={_WEEKDAY_SHORT}$)", "", phrase)
    phrase = re.sub(r"^on\s+", "", phrase)
    fixed = {"today": 0, "tonight": 0, "this evening": 0, "tomorrow": 1, "day after tomorrow": 2}
    if phrase in fixed:
        return today + dt.timedelta(days=fixed[phrase])
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?", phrase)
    if match:
        year = int(match.group(3)) if match.group(3) else None
        return _on_or_after(
            today, int(match.group(1)), int(match.group(2)), year + 2000 if year and year < 100 else year
        )
    match = re.fullmatch(rf"{_MONTH}\s+(?:the\s+)?{_DAY}{_YEAR}", phrase)
    if match:
        day = _day_number(match.group(2))
        year = int(match.group(3)) if match.group(3) else None
        return _on_or_after(today, _month_number(match.group(1)), day, year) if day else None
    match = re.fullmatch(rf"(?:the\s+)?{_DAY}\s+(?:of\s+)?{_MONTH}{_YEAR}", phrase)
    if match:
        day = _day_number(match.group(1))
        year = int(match.group(3)) if match.group(3) else None
        return _on_or_after(today, _month_number(match.group(2)), day, year) if day else None
    match = re.fullmatch(rf"(?:in\s+)?{_COUNT}\s+{_UNIT}(?:\s+from\s+(?:now|today))?", phrase)
    if match:
        count = int(match.group(1)) if match.group(1).isdigit() else 1
        return _plus(today, count, match.group(2))
    match = re.fullmatch(rf"(?:(?:this|coming|next)\s+)?{_WEEKDAY}(?:\s+the\s+(\d{{1,2}})(?:st|nd|rd|th)?)?", phrase)
    if match:
        # "this/next Friday" said on a Friday means a week on; otherwise the coming one.
        days = (_WEEKDAYS.index(match.group(1)) - today.weekday()) % 7 or 7
        return today + dt.timedelta(days=days)
    match = re.fullmatch(_WEEKDAY_SHORT, phrase)
    if match:
        target = next(n for n, name in enumerate(_WEEKDAYS) if name.startswith(match.group(1)[:3]))
        return today + dt.timedelta(days=(target - today.weekday()) % 7 or 7)
    match = re.fullmatch(rf"(?:on\s+)?(?:the\s+)?{_DAY}", phrase)
    day = _day_number(match.group(1)) if match else None
    if day:
        # "the 12th": the next 12th of a month.
        for ahead in range(0, 62):
            candidate = today + dt.timedelta(days=ahead)
            if candidate.day == day:
                return candidate
    return None


def _period(word: str | None, text: str) -> str | None:
    if word in {"pm", "p m"} or (word and re.search(r"afternoon|evening|night", word)):
        return "pm"
    if word in {"am", "a m"} or (word and "morning" in word):
        return "am"
    if re.search(r"\b(evening|night|tonight|dinner|supper)\b", text):
        return "pm"
    if re.search(r"\b(morning|breakfast)\b", text):
        return "am"
    return None


def clock_time(text: str) -> tuple[int, int, str | None] | None:
    """(hour, minute, "am"/"pm"/None) from "7:30 pm", "half past seven", "8 in the evening", "noon"."""
    from voicebot.understanding import normalize

    t = normalize(text)
    if re.search(r"\b(noon|mid-?day)\b", t):  # Whisper writes "mid-day" as often as "midday"
        return 12, 0, "pm"
    # A phone line drops the n of "midnight": "at mid-ight" (espeak-ng through 8 kHz, bench voicebot-slu).
    if re.search(r"\bmid-?n?ight\b", t):
        return 0, 0, "am"
    t = words_as_digits(re.sub(r"\bo'?clock\b", "oclock", t))
    match = re.search(rf"\b(\d{{1,2}}):(\d{{2}})(?::\d{{2}})?{_PERIOD_AFTER}", t)
    if match:
        return int(match.group(1)), int(match.group(2)), _period(match.group(3), t)
    for minutes, pattern in ((30, "half past"), (15, "quarter past"), (-15, "quarter to")):
        match = re.search(rf"\b{pattern} (\d{{1,2}}){_PERIOD_AFTER}", t)
        if match:
            hour = int(match.group(1)) - (1 if minutes < 0 else 0)
            return hour, minutes % 60, _period(match.group(2), t)
    match = re.search(rf"\b(\d{{1,2}}) (15|30|45)\b(?!\s*(people|persons|guests|minutes|days)){_PERIOD_AFTER}", t)
    if match and re.search(r"\b(at|around|about|by|for)\s+" + re.escape(match.group(0)), t):
        return int(match.group(1)), int(match.group(2)), _period(match.group(4), t)
    match = re.search(r"\b(\d{1,2})\s*(am|pm|a m|p m|oclock)\b", t)
    if match and int(match.group(1)) <= 23:
        return int(match.group(1)), 0, _period(match.group(2), t)
    match = re.search(r"\b(\d{1,2}) in the (morning|afternoon|evening)\b", t)
    if match:
        return int(match.group(1)), 0, _period(match.group(2), t)
    match = re.search(
        r"\b(?:at|around|about|by|before|after)\s+(\d{1,2})\b(?!\s*(people|persons|guests|of us|/|st\b|nd\b|rd\b|th\b|"
        r"days?|weeks?|months?|years?|hours?|minutes?|seconds?))",
        t,
    )
    if match and int(match.group(1)) <= 23:
        return int(match.group(1)), 0, _period(None, t)
    return None


def resolve_time(hms: tuple[int, int, str | None], fits: Callable[[dt.time], bool]) -> dt.time | None:
    """Picks am or pm when the caller did not say: the reading inside opening hours, else pm."""
    hour, minute, period = hms
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    if period == "pm" and hour < 12:
        return dt.time(hour + 12, minute)
    if period == "am" and hour == 12:
        return dt.time(0, minute)
    if period or hour > 12 or hour == 0:
        return dt.time(hour, minute)
    morning, evening = dt.time(hour, minute), dt.time((hour + 12) % 24, minute)
    if fits(morning) and not fits(evening):
        return morning
    return evening
