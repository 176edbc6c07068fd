"""What the bot says, as the caller hears it in the call's language: days, times, lists, language offers.

Sentences are Django translations (`voicebot/locale/<lang>`); these helpers put days and times into them
the way each language says them ("Friday the 5th of December", "शाम साढ़े 7 बजे").
"""

import datetime as dt
import functools

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# The keypad digit that switches a call to a language, and the language's name as the caller hears it.
LANGUAGE_DIGITS = {"en": "8", "hi": "9"}
LANGUAGE_NAMES = {"en": gettext_lazy("English"), "hi": gettext_lazy("Hindi")}


def _hindi() -> bool:
    return (translation.get_language() or "en").startswith("hi")


_HINDI_WEEKDAYS = ("सोमवार", "मंगलवार", "बुधवार", "गुरुवार", "शुक्रवार", "शनिवार", "रविवार")
_HINDI_MONTHS = (
    "जनवरी", "फ़रवरी", "मार्च", "अप्रैल", "मई", "जून", "जुलाई", "अगस्त", "सितंबर", "अक्टूबर", "नवंबर", "दिसंबर",
)  # fmt: skip


def say_date(day: dt.date, today: dt.date) -> str:
    """The day as said in the active language: "tomorrow", "Friday the 5th of December", "कल"."""
    if _hindi():
        named = {0: "आज", 1: "कल", 2: "परसों"}.get((day - today).days)
        return named or f"{_HINDI_WEEKDAYS[day.weekday()]}, {day.day} {_HINDI_MONTHS[day.month - 1]}"
    if day == today:
        return "today"
    if day == today + dt.timedelta(days=1):
        return "tomorrow"
    return f"{day:%A} the {day.day}{_ordinal(day.day)} of {day:%B}"


def say_on_date(day: dt.date, today: dt.date) -> str:
    """The day as an adverb: "today", "on Friday the 5th of December", "शुक्रवार, 5 दिसंबर को"."""
    said = say_date(day, today)
    if _hindi():
        return said if (day - today).days in {0, 1, 2} else f"{said} को"
    return said if said in {"today", "tomorrow"} else f"on {said}"


def _ordinal(n: int) -> str:
    return "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def say_time(time: dt.time) -> str:
    """The time as said in the active language: "7:30 pm", "शाम साढ़े 7 बजे"."""
    hour = time.hour % 12 or 12
    if _hindi():
        part = "सुबह" if 4 <= time.hour < 12 else "दोपहर" if time.hour < 16 else "शाम" if time.hour < 20 else "रात"
        part = "रात" if time.hour < 4 else part
        clock = {
            0: f"{hour} बजे",
            15: f"सवा {hour} बजे",
            30: {1: "डेढ़ बजे", 2: "ढाई बजे"}.get(hour, f"साढ़े {hour} बजे"),
            45: f"पौने {hour % 12 + 1} बजे",
        }.get(time.minute, f"{hour} बजकर {time.minute} मिनट")
        return f"{part} {clock}"
    return (
        f"{hour}:{time.minute:02d} {'pm' if time.hour >= 12 else 'am'}"
        if time.minute
        else f"{hour} {'pm' if time.hour >= 12 else 'am'}"
    )


def either(options: list[str]) -> str:
    return functools.reduce(lambda a, b: _("%(first)s or %(second)s") % {"first": a, "second": b}, options)


def both(parts: list[str]) -> str:
    return functools.reduce(lambda a, b: _("%(first)s and %(second)s") % {"first": a, "second": b}, parts)


def at(day: str, time: str) -> str:
    # Translators: a time on a day, "8 pm tomorrow"; Hindi says the day first.
    return _("%(time)s %(day)s") % {"time": time, "day": day}


def ask_slot(slot: str) -> str:
    """The first question for a booking's missing slot."""
    return {
        "day": _("Sure. For which day?"),
        "time": _("Okay. At what time?"),
        "party_size": _("Great. For how many people?"),
        "name": _("Perfect. What name should I put the booking under?"),
    }[slot]


def ask_slot_again(slot: str) -> str:
    """The question again after an answer that did not fill it, with an example of what works."""
    return {
        "day": _("Sorry, I didn't catch that. Please tell me the day, for example tomorrow, or Friday."),
        "time": _("Sorry, I didn't catch that. Please tell me the time, for example 8 pm."),
        "party_size": _("Sorry, I didn't catch that. Please tell me the party size, for example four people."),
        "name": _("Sorry, I didn't catch that. Please tell me the name, just your first name."),
    }[slot]


def offer_choices(slot: str, options: list[str]) -> str:
    """After two answers that did not fill a slot: choices to pick from, never the same question again."""
    if slot == "name":
        return _("Sorry, I still didn't get the name. Please say just your first name, slowly.")
    choices = (
        options[0]
        if len(options) == 1
        else _("%(first)s or %(second)s")
        % {
            "first": ", ".join(options[:-1]),
            "second": options[-1],
        }
    )
    return {
        "day": _("Let me make it easier: %(choices)s?"),
        "time": _("Let me make it easier: we have tables at %(choices)s. Which suits you?"),
        "party_size": _("Let me make it easier: is it %(choices)s people?"),
    }[slot] % {"choices": choices}
