from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from sawt.speech.dates import find_datetime, format_spoken, parse_datetime_phrase, parse_duration

TZ = "Europe/Paris"
PARIS = ZoneInfo(TZ)
WEDNESDAY_10AM = datetime(2025, 5, 14, 10, 0, tzinfo=PARIS)


def at(text: str, now: datetime = WEDNESDAY_10AM) -> datetime | None:
    return parse_datetime_phrase(text, now=now, timezone=TZ)


def test_it_parses_tomorrow_at_7_pm() -> None:
    assert at("tomorrow at 7 pm") == datetime(2025, 5, 15, 19, 0, tzinfo=PARIS)


def test_it_parses_next_friday_at_seven_thirty() -> None:
    value = at("next Friday at 7:30")
    assert value is not None
    assert value.weekday() == 4 and (value.hour % 12, value.minute) == (7, 30)
    assert WEDNESDAY_10AM < value < WEDNESDAY_10AM + timedelta(days=10)


def test_it_parses_a_time_today_or_tomorrow() -> None:
    assert at("at 8 pm") == datetime(2025, 5, 14, 20, 0, tzinfo=PARIS)
    late = datetime(2025, 5, 14, 21, 0, tzinfo=PARIS)
    assert at("at 8 pm", late) == datetime(2025, 5, 15, 20, 0, tzinfo=PARIS)


def test_it_reads_a_bare_hour_as_a_time_not_a_month() -> None:
    assert at("at 9") == datetime(2025, 5, 14, 21, 0, tzinfo=PARIS)
    assert at("at 11 o'clock") == datetime(2025, 5, 14, 11, 0, tzinfo=PARIS)


def test_it_picks_the_next_am_or_pm_for_ambiguous_times() -> None:
    assert at("at 7:30") == datetime(2025, 5, 14, 19, 30, tzinfo=PARIS)
    night = datetime(2025, 5, 14, 22, 0, tzinfo=PARIS)
    assert at("at 6:30", night) == datetime(2025, 5, 15, 6, 30, tzinfo=PARIS)
    assert at("tomorrow at 7:30") == datetime(2025, 5, 15, 7, 30, tzinfo=PARIS)


def test_it_finds_the_date_inside_a_request() -> None:
    found = find_datetime("remind me tomorrow at 7 pm to call mom", now=WEDNESDAY_10AM, timezone=TZ)
    assert found is not None
    assert found.text == "tomorrow at 7 pm"
    assert found.value == datetime(2025, 5, 15, 19, 0, tzinfo=PARIS)
    assert at("play some jazz please") is None
    assert at("") is None


def test_it_accepts_naive_now_and_other_timezones() -> None:
    value = parse_datetime_phrase("tomorrow at 7 pm", now=datetime(2025, 5, 14, 10, 0), timezone="America/New_York")
    assert value == datetime(2025, 5, 15, 19, 0, tzinfo=ZoneInfo("America/New_York"))
    assert value is not None and value.utcoffset() == timedelta(hours=-4)


def test_it_parses_relative_offsets() -> None:
    assert at("in 2 hours") == datetime(2025, 5, 14, 12, 0, tzinfo=PARIS)
    assert at("in twenty minutes") == datetime(2025, 5, 14, 10, 20, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("set a timer for 5 minutes", 5),
        ("1 hour and 20 minutes", 80),
        ("two and a half hours", 150),
        ("half an hour", 30),
        ("an hour and a half", 90),
        ("90 seconds", 1.5),
    ],
)
def test_it_parses_durations(text: str, minutes: float) -> None:
    value = parse_duration(text)
    assert value == timedelta(minutes=minutes)
    assert parse_duration("no time here") is None


def test_it_formats_dates_for_speech() -> None:
    assert format_spoken(datetime(2025, 5, 14, 19, 30, tzinfo=PARIS), now=WEDNESDAY_10AM) == "today at 7:30 PM"
    assert format_spoken(datetime(2025, 5, 15, 7, 0, tzinfo=PARIS), now=WEDNESDAY_10AM) == "tomorrow at 7:00 AM"
    assert format_spoken(datetime(2025, 5, 16, 9, 0, tzinfo=PARIS), now=WEDNESDAY_10AM) == "Friday at 9:00 AM"


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("thirty five minutes", 35), ("twenty-five minutes", 25), ("a couple of hours", 120), ("half a day", 720)],
)
def test_it_reads_durations_with_any_spoken_number(text: str, minutes: float) -> None:
    assert parse_duration(text) == timedelta(minutes=minutes)


def test_it_reads_no_duration_inside_a_word() -> None:
    assert parse_duration("often minutes") is None  # "ten" is inside "often"
