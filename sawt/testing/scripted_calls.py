"""Fifty varied booking calls as text: the dialogue's acceptance set (bench and tests).

Each call is what a caller says turn by turn and the booking it should end with; dates are
relative to the business's today so the set never goes stale. Varied on purpose: date words
("tomorrow", "next Friday", "the 5th of <month>"), time forms ("7:30 pm", "half past seven",
"8 in the evening"), party forms ("for four", "we are 6", "a couple"), names with and without a
lead-in, everything at once or one slot per turn, corrections, refused consent, and full slots.
"""

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from voicebot.models import Business

WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class ScriptedCall:
    turns: list[str]
    # (date, time or None for "whichever nearest slot was offered", party size, name)
    expect: Callable[[dt.date], tuple[dt.date, dt.time | None, int, str]]
    full_slot: tuple[Callable[[dt.date], dt.date], dt.time] | None = None


def _next_weekday(today: dt.date, name: str) -> dt.date:
    days = (WEEKDAY_NAMES.index(name) - today.weekday()) % 7 or 7
    return today + dt.timedelta(days=days)


def _in_days(n: int) -> Callable[[dt.date], dt.date]:
    return lambda today: today + dt.timedelta(days=n)


def _weekday(name: str) -> Callable[[dt.date], dt.date]:
    return lambda today: _next_weekday(today, name)


def _nth_next_month(n: int) -> Callable[[dt.date], dt.date]:
    def pick(today: dt.date) -> dt.date:
        first = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        return first.replace(day=n)

    return pick


def _month_name(today: dt.date) -> str:
    return f"{(today.replace(day=1) + dt.timedelta(days=32)):%B}"


DATES: list[tuple[str, Callable[[dt.date], dt.date]]] = [
    ("tomorrow", _in_days(1)),
    ("the day after tomorrow", _in_days(2)),
    ("next friday", _weekday("friday")),
    ("this saturday", _weekday("saturday")),
    ("on sunday", _weekday("sunday")),
    ("next wednesday", _weekday("wednesday")),
    ("in three days", _in_days(3)),
    ("on thursday", _weekday("thursday")),
]
TIMES: list[tuple[str, dt.time]] = [
    ("at 7:30 pm", dt.time(19, 30)),
    ("at half past seven in the evening", dt.time(19, 30)),
    ("at 8 pm", dt.time(20, 0)),
    ("around 8 in the evening", dt.time(20, 0)),
    ("at 1 pm", dt.time(13, 0)),
    ("at 7.30 p.m.", dt.time(19, 30)),
    ("at 9 pm", dt.time(21, 0)),
    ("at 12:30 pm", dt.time(12, 30)),
    ("at seven thirty", dt.time(19, 30)),
    ("at 2 in the afternoon", dt.time(14, 0)),
]
PARTIES: list[tuple[str, int]] = [
    ("for four people", 4),
    ("for 2", 2),
    ("for six", 6),
    ("a table for three", 3),
    ("for two people", 2),
    ("for 5 guests", 5),
    ("party of seven", 7),
    ("for eight people", 8),
]
NAMES: list[tuple[str, str]] = [
    ("my name is Priya", "Priya"),
    ("it's Rahul", "Rahul"),
    ("under the name Anil", "Anil"),
    ("Meera", "Meera"),
    ("this is Kavya", "Kavya"),
    ("the name is Arjun", "Arjun"),
    ("Sanjay please", "Sanjay"),
    ("name's Divya", "Divya"),
]


def _expect(
    day: Callable[[dt.date], dt.date], time: dt.time | None, size: int, name: str, today: dt.date
) -> tuple[dt.date, dt.time | None, int, str]:
    return day(today), time, size, name


def scripted_calls() -> list[ScriptedCall]:
    calls: list[ScriptedCall] = []
    for i in range(44):
        date_words, day = DATES[i % len(DATES)]
        time_words, time = TIMES[(i * 3) % len(TIMES)]
        party_words, size = PARTIES[(i * 5) % len(PARTIES)]
        name_words, name = NAMES[(i * 7) % len(NAMES)]
        consent = ("yes", "sure, that's fine", "no thanks", "yes please", "okay")[i % 5]
        style = i % 4
        if style == 0:  # everything at once
            turns = [consent, f"I'd like to book a table {party_words} {date_words} {time_words}", name_words, "yes"]
        elif style == 1:  # one slot per turn
            turns = [
                consent,
                "I want to make a reservation",
                date_words,
                time_words,
                party_words,
                name_words,
                "yes please",
            ]
        elif style == 2:  # request in the consent answer, then a correction
            wrong = PARTIES[(i + 1) % len(PARTIES)][0]
            turns = [
                f"hi can I book a table {wrong} {date_words}",
                time_words,
                name_words,
                "no",
                f"make it {party_words}",
                "yes",
            ]
        else:  # name first, date and time together
            if name_words == name or name_words.endswith("please"):
                name_words = f"my name is {name}"
            turns = [
                consent,
                f"hello {name_words}, can I reserve a table {date_words}?",
                time_words,
                party_words,
                "correct",
            ]
        calls.append(ScriptedCall(turns, functools.partial(_expect, day, time, size, name)))
    # Full slots: the caller is offered the nearest free time and takes it.
    for i, (answer, size) in enumerate(
        [
            ("the first one", 2),
            ("yes that works", 4),
            ("the later one", 3),
            ("okay the first one please", 2),
            ("yes", 5),
            ("second one", 2),
        ]
    ):
        date_words, day = DATES[i % len(DATES)]
        turns = ["yes", f"a table for {size} {date_words} at 8 pm", answer, "my name is Farah", "yes"]
        calls.append(
            ScriptedCall(turns, functools.partial(_expect, day, None, size, "Farah"), full_slot=(day, dt.time(20, 0)))
        )
    return calls


def run_text_call(*, business: "Business", script: ScriptedCall, phone: str) -> tuple[bool, list[tuple[str, str]]]:
    """Plays a script through the dialogue as text; True when the expected booking exists."""
    from voicebot import services
    from voicebot.dialogue import Dialogue
    from voicebot.models import Call, Reservation

    call = services.call_start(business=business, provider=Call.Provider.BROWSER, phone=phone)
    dialogue = Dialogue(business=business, call=call, caller=call.caller)
    log = [("bot", dialogue.greeting().text)]
    for line in script.turns:
        reply = dialogue.respond(line)
        log += [("caller", line), ("bot", reply.text)]
        if reply.end_call:
            break
    day, time, size, name = script.expect(business.now().date())
    booked = Reservation.objects.filter(source_call=call, status=Reservation.Status.BOOKED)
    match = booked.filter(date=day, party_size=size, name=name)
    if time is not None:
        match = match.filter(time=time)
    elif script.full_slot is not None:
        match = match.exclude(time=script.full_slot[1])
    services.call_finish(call_id=call.pk)
    return match.exists(), log
