"""Offline understanding of what a caller said: intent, yes/no (`answers`), party size, date, time, name.

Rules first (phone requests are formulaic and rules are instant), the engine's `dates` (dateparser
underneath) for the date phrase the rules cut out, and sentence embeddings against example phrases when
no rule recognises the intent. Input is ASR text, so numbers may come as digits or words and times as "7.30 p.m.".
Hindi goes through the same rules once `hindi.to_english` has rewritten its words; names may stay in Devanagari.
"""

import datetime as dt
import re
from collections.abc import Callable

from sawt.speech import dates, language
from sawt.speech.language.numbers import WORDS_1_TO_99
from voicebot.understanding.answers import yes_no as yes_no

# A party size in words or digits: "4", "four", "twenty five".
_NUM = rf"(\d{{1,2}}|{WORDS_1_TO_99})"

INTENT_RULES: list[tuple[str, re.Pattern[str]]] = [
    (
        "transfer",
        re.compile(r"\b(human|real person|someone|somebody|staff|manager|operator|transfer|speak to|talk to)\b"),
    ),
    ("voicemail", re.compile(r"\b(voicemail|voice mail|leave a message|take a message)\b")),
    ("cancel", re.compile(r"\b(cancel|call off)\w*")),
    ("change", re.compile(r"\b(change|move|reschedule|modify|push (it|my)|postpone|bring forward)\b")),
    ("hours", re.compile(r"\b(hours|opening|open|close|closing|timings?)\b")),
    ("location", re.compile(r"\b(where|address|located|location|directions|find you)\b")),
    ("book", re.compile(r"\b(book|booking|reserve|reservation|table|seats?)\b")),
    ("goodbye", re.compile(r"\b(bye|goodbye|that's all|that is all|nothing else|that's it|no thanks|no thank you)\b")),
]

INTENT_EXAMPLES = {
    "book": ["I'd like to come for dinner", "we want to eat there tonight", "can we come in on Saturday"],
    "cancel": ["we can't make it anymore", "please drop my booking"],
    "change": ["can we come later instead", "I need a different day for my booking"],
    "hours": ["when are you open", "what time do you start serving"],
    "location": ["how do I get to you", "which street are you on"],
    "transfer": ["I want to talk to the owner", "connect me to the restaurant"],
}

BACKCHANNELS = frozenset(
    {
        "hmm",
        "hm",
        "mm",
        "mhm",
        "mm-hmm",
        "uh-huh",
        "uh huh",
        "ok",
        "okay",
        "yeah",
        "yes",
        "right",
        "sure",
        "aha",
        "ah",
        "oh",
        "i see",
        "uh",
        "um",
        "alright",
        "cool",
        "got it",
        # Hindi (Whisper writes it in Devanagari on a Hindi call)
        "हाँ",
        "हां",
        "जी",
        "हाँ जी",
        "हां जी",
        "हम्म",
        "अच्छा",
        "ठीक है",
        "ओके",
    }
)


def normalize(text: str) -> str:
    """The engine's normalisation keeping what times and names need (' : . -), then one way to write a
    time: "7.30 p.m." -> "7:30 pm", "730 pm" -> "7:30 pm", "8 o'clock" -> "8 oclock"."""
    # Devanagari full stops (dandas) are punctuation: they go with the rest.
    text = language.normalize(text, keep="':.-")
    text = text.replace("p.m.", "pm").replace("a.m.", "am").replace("p.m", "pm").replace("a.m", "am")
    text = text.replace("o'clock", "oclock")
    text = re.sub(r"(?<=\d)\.(?=\d\d(?!\d))", ":", text)  # "7.30" -> "7:30"
    text = re.sub(r"(?<=\d)(am|pm)\b", r" \1", text)  # "7:30pm" -> "7:30 pm"
    text = re.sub(r"\b(\d{1,2})([0-5]\d) (am|pm)\b", r"\1:\2 \3", text)  # "730 pm" -> "7:30 pm"
    text = re.sub(r"\b(at|around|by|about) (\d{1,2})([0-5]\d)\b", r"\1 \2:\3", text)  # "at 730" -> "at 7:30"
    text = re.sub(r"(?<!\d)\.|\.(?!\d)", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def is_backchannel(text: str) -> bool:
    words = normalize(text).replace("-", " ")
    return not words or words in BACKCHANNELS or all(w in BACKCHANNELS for w in words.split())


def intent(text: str) -> str | None:
    t = normalize(text)
    for name, pattern in INTENT_RULES:
        if pattern.search(t):
            return name
    return None


INTENT_CLASSIFIER = language.ExampleClassifier(INTENT_EXAMPLES, threshold=0.55)


def intent_by_meaning(text: str, threshold: float = 0.55) -> str | None:
    """The embedding fallback: the nearest example phrase's intent, if it is near enough."""
    return INTENT_CLASSIFIER.label(text, threshold=threshold)


def _number(token: str) -> int | None:
    return language.parse_number(token)


def first_number(text: str) -> int | None:
    """The first number said or written in ``text`` ("we'll be twenty five" -> 25), for a bare answer."""
    found = language.find_numbers(normalize(text))
    return found[0].value if found else None


def party_size(text: str) -> int | None:
    t = normalize(text)
    if re.search(r"\b(just me|only me|myself|just one|table for one)\b", t):
        return 1
    patterns = [
        rf"\b(?:party of|table for|group of|booking for|reservation for|we are|we're|there are|there'll be|"
        rf"there will be)\s+{_NUM}\b(?!\s*(?::|am|pm|oclock|thirty|fifteen|forty))",
        rf"\b{_NUM}\s+(?:people|persons|person|guests|adults|of us|pax|diners|seats)\b",
        rf"\bfor\s+{_NUM}\b(?!\s*(?::|am|pm|oclock|thirty|fifteen|forty|\d))",
        rf"^{_NUM}$",
    ]
    for pattern in patterns:
        match = re.search(pattern, t)
        if match:
            value = _number(match.group(1))
            if value:
                return value
    if re.search(r"\b(a couple|couple of us|two of us|me and my (wife|husband|partner|friend))\b", t):
        return 2
    return None


_TIME_WORD = r"(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d{1,2})"


def clock_time(text: str) -> tuple[int, int, str | None] | None:
    """(hour, minute, "am"/"pm"/None) from "7:30 pm", "half past seven", "8 in the evening", "noon"."""
    t = normalize(text)
    if re.search(r"\bnoon|midday\b", t):
        return 12, 0, "pm"
    period = None
    if re.search(r"\b(pm|evening|night|tonight)\b", t):
        period = "pm"
    elif re.search(r"\b(am|morning)\b", t):
        period = "am"
    match = re.search(r"\b(\d{1,2}):(\d{2})\b", t)
    if match:
        return int(match.group(1)), int(match.group(2)), period
    match = re.search(rf"\bhalf past {_TIME_WORD}\b", t)
    if match:
        return _number(match.group(1)) or 0, 30, period
    match = re.search(rf"\bquarter past {_TIME_WORD}\b", t)
    if match:
        return _number(match.group(1)) or 0, 15, period
    match = re.search(rf"\bquarter to {_TIME_WORD}\b", t)
    if match:
        return (_number(match.group(1)) or 1) - 1, 45, period
    match = re.search(rf"\b{_TIME_WORD} (fifteen|thirty|forty five|forty-five)\b(?!\s*(people|persons|guests))", t)
    if match and re.search(r"\b(at|around|about|by|for)\s+" + re.escape(match.group(0)), t):
        return _number(match.group(1)) or 0, _number(match.group(2)) or 0, period
    match = re.search(rf"\b{_TIME_WORD}\s*(am|pm|oclock)\b", t)
    if match:
        return _number(match.group(1)) or 0, 0, period
    match = re.search(rf"\b(?:at|around|about|by)\s+{_TIME_WORD}\b(?!\s*(people|persons|guests|of us))", t)
    if match:
        return _number(match.group(1)) or 0, 0, period
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


_WEEKDAY = r"(monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_MONTH = (
    r"(january|february|march|april|may|june|july|august|september|october|november|december|"
    r"jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)"
)
_DATE_PHRASES = [
    r"\bday after tomorrow\b",
    r"\btomorrow\b",
    r"\btoday\b",
    r"\btonight\b",
    r"\bthis evening\b",
    rf"\b(?:next|this|coming)\s+{_WEEKDAY}\b",
    rf"\b{_WEEKDAY}\b(?:\s+the\s+\d{{1,2}}(?:st|nd|rd|th)?)?",
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\b",
    rf"\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b",
    r"\bthe\s+\d{1,2}(?:st|nd|rd|th)\b",
    r"\bin\s+(?:two|three|four|five|\d)\s+days\b",
    r"\b\d{1,2}/\d{1,2}\b",
]


def warm_up() -> None:
    """dateparser loads its language data on first use (about half a second): do it before calls."""
    calendar_date("the 5th of december", dt.date.today())


def date_phrase(text: str) -> str | None:
    t = normalize(text)
    for pattern in _DATE_PHRASES:
        match = re.search(pattern, t)
        if match:
            return match.group(0)
    return None


def calendar_date(text: str, today: dt.date) -> dt.date | None:
    phrase = date_phrase(text)
    if phrase is None:
        return None
    if phrase in {"today", "tonight", "this evening"}:
        return today
    if phrase == "tomorrow":
        return today + dt.timedelta(days=1)
    if phrase == "day after tomorrow":
        return today + dt.timedelta(days=2)
    match = re.fullmatch(r"in\s+(\w+)\s+days", phrase)
    if match and _number(match.group(1)):
        return today + dt.timedelta(days=_number(match.group(1)) or 0)
    match = re.fullmatch(r"the\s+(\d{1,2})(?:st|nd|rd|th)", phrase)
    if match:
        # "the 12th": the next 12th of a month (dateparser reads a bare "12th" as December).
        day = int(match.group(1))
        for ahead in range(0, 62):
            candidate = today + dt.timedelta(days=ahead)
            if candidate.day == day:
                return candidate
        return None
    match = re.fullmatch(rf"(?:(?:this|coming|next|on)\s+)?{_WEEKDAY}", phrase)
    if match:
        # "this/next Friday" said on a Friday means a week on; otherwise the coming one.
        target = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday").index(match.group(1))
        days = (target - today.weekday()) % 7 or 7
        return today + dt.timedelta(days=days)
    # Month names, ordinals and the rest: the engine's spoken-date parser (dateparser underneath).
    parsed = dates.parse_datetime_phrase(
        phrase.replace("the ", ""), now=dt.datetime.combine(today, dt.time(12, 0)), timezone="UTC"
    )
    return parsed.date() if parsed else None


_NAME_LEADS = re.compile(
    r"\b(?:my name is|my name's|name is|name's|this is|it's|it is|i am|i'm|under the name(?: of)?|under|"
    r"the name(?: is)?|call me)\s+([a-z\u0900-\u097f][a-z\u0900-\u097f' -]{0,40})",
)
_NOT_NAMES = frozenset(
    {
        "yes",
        "no",
        "okay",
        "ok",
        "sure",
        "calling",
        "looking",
        "hoping",
        "trying",
        "just",
        "a",
        "the",
        "not",
        "fine",
        "good",
        "here",
        "great",
        "sorry",
        "for",
        "at",
        "on",
        "please",
        "thanks",
        "thank",
        "correct",
        "right",
        "yeah",
        "yep",
        "perfect",
        "hello",
        "hi",
        "that",
        "it",
        "what",
        "booking",
        "going",
        "free",
        "available",
        "interested",
        "wondering",
        "afraid",
        "busy",
        "done",
        "from",
    }
)
_NAME_STOP = re.compile(
    r"\b(please|thanks|thank you|and|for|at|on|tomorrow|today|tonight|table|booking|party|with|i|i'd|we|can|"
    r"could|would|"
    r"want|like|need|calling|here|speaking|to|is|again)\b.*$"
)


def person_name(text: str, *, bare: bool = False) -> str | None:
    """A name after "my name is", "under", ...; with `bare`, the whole short answer is the name."""
    t = normalize(text).replace(":", " ")
    match = _NAME_LEADS.search(t)
    candidate = match.group(1) if match else (t if bare else "")
    candidate = _NAME_STOP.sub("", candidate).strip(" .'-")
    words = [w for w in candidate.split() if w]
    if not words or words[0] in _NOT_NAMES or len(words) > 3 or any(ch.isdigit() for ch in candidate):
        return None
    return " ".join(w.capitalize() for w in words)
