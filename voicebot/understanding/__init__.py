"""Offline understanding of what a caller said: intent, yes/no (`answers`), party size, date, time, name.

Rules first (phone requests are formulaic and rules are instant), the engine's `dates` (dateparser
underneath) for the date phrase the rules cut out, and sentence embeddings against example phrases when
no rule recognises the intent. Input is ASR text, so numbers may come as digits or words and times as "7.30 p.m.".
Hindi goes through the same rules once `hindi.to_english` has rewritten its words; names may stay in Devanagari.
"""

import datetime as dt
import logging
import re

from sawt.speech import language
from sawt.speech.language.numbers import WORDS_1_TO_99
from voicebot.understanding.answers import yes_no as yes_no
from voicebot.understanding.party import party_size as party_size
from voicebot.understanding.when import calendar_date as calendar_date
from voicebot.understanding.when import clock_time as clock_time
from voicebot.understanding.when import date_phrase as date_phrase
from voicebot.understanding.when import resolve_time as resolve_time

logger = logging.getLogger("voicebot")

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
    # A booking first: "book a table close by", "for 6 in 3 hours", "a restaurant where I can get a burrito"
    # ask for a table, not for the opening hours or the address.
    ("book", re.compile(r"\b(book|bookings?|reserve|reservations?|tables?|seats?)\b")),
    # Not "close by" or "close to" (where), nor "in 3 hours" (when: `_HOURS_AHEAD` is read out first).
    ("hours", re.compile(r"\b(hours|opening|open|closed|closing|timings?)\b|\bclose\b(?!\s*-|\s+(?:by|to)\b)")),
    ("location", re.compile(r"\b(where|address|located|location|directions|find you)\b")),
    ("goodbye", re.compile(r"\b(bye|goodbye|that's all|that is all|nothing else|that's it|no thanks|no thank you)\b")),
]

INTENT_EXAMPLES = {
    "book": [
        "I'd like to come for dinner",
        "we want to eat there tonight",
        "can we come in on Saturday",
        "I'd like to eat at a restaurant",
        "find me a place to eat",
    ],
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


_NOT_A_CLOCK = r"(?!\s*(?:days?|weeks?|months?|years?|hours?|minutes?|people|persons|guests))"


def normalize(text: str) -> str:
    """The engine's normalisation keeping what times and names need (' : . -), then one way to write a
    time: "7.30 p.m." -> "7:30 pm", "730 pm" -> "7:30 pm", "8 o'clock" -> "8 oclock"."""
    # Devanagari full stops (dandas) are punctuation: they go with the rest.
    text = language.normalize(text, keep="':.-/")
    text = text.replace("p.m.", "pm").replace("a.m.", "am").replace("p.m", "pm").replace("a.m", "am")
    text = text.replace("o'clock", "oclock")
    text = re.sub(r"(?<=\d)\.(?=\d\d(?!\d))", ":", text)  # "7.30" -> "7:30"
    text = re.sub(r"(?<=\d)(am|pm)\b", r" \1", text)  # "7:30pm" -> "7:30 pm"
    text = re.sub(r"\b(\d{1,2})([0-5]\d) (am|pm)\b", r"\1:\2 \3", text)  # "730 pm" -> "7:30 pm"
    text = re.sub(
        r"\b(at|around|by|about) (\d{1,2})([0-5]\d)\b" + _NOT_A_CLOCK,
        r"\1 \2:\3",
        text,
    )  # "at 730" -> "at 7:30"
    text = re.sub(r"(?<!\d)[./]|[./](?!\d)", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def is_backchannel(text: str) -> bool:
    words = normalize(text).replace("-", " ")
    return not words or words in BACKCHANNELS or all(w in BACKCHANNELS for w in words.split())


# Said to show one is listening, not to answer: "okay", "right", "mm-hmm" while a question plays stay backchannels
# ("yes", "yeah", "no", "sure" answer it).
LISTENING = frozenset({"ok", "okay", "right", "alright", "hmm", "hm", "mm", "mhm", "mm hmm", "uh huh", "aha", "ah",
                       "oh", "i see", "uh", "um", "cool", "got it", "ok ok", "okay okay"})  # fmt: skip


def is_listening(text: str) -> bool:
    return normalize(text).replace("-", " ") in LISTENING


_HOURS_AHEAD = re.compile(rf"\b(?:\d+|{WORDS_1_TO_99}|a few|several|an?) hours?\b")


def intent(text: str) -> str | None:
    t = _HOURS_AHEAD.sub(" ", normalize(text))
    for name, pattern in INTENT_RULES:
        if pattern.search(t):
            return name
    return None


INTENT_CLASSIFIER = language.ExampleClassifier(INTENT_EXAMPLES, threshold=0.55)


def intent_by_meaning(text: str, threshold: float = 0.55) -> str | None:
    """The embedding fallback: the nearest example phrase's intent, if it is near enough."""
    return INTENT_CLASSIFIER.label(text, threshold=threshold)


def goal(text: str, *, english: bool = True) -> str | None:
    """What an open request wants: the intent its words name, else a booking when it names a party size, a
    day or a time, else the nearest example phrase's intent (`english` only: the phrases and the embedding
    model are English)."""
    named = intent(text)
    if named:
        return named
    if party_size(text) or date_phrase(text) or clock_time(text):
        return "book"
    if len(text.split()) < 3 or not english:
        return None
    try:
        return intent_by_meaning(text)
    except Exception:  # the embedding model is an optional enrichment, never a reason to fail a call
        logger.warning("intent embeddings unavailable", exc_info=True)
        return None


def _number(token: str) -> int | None:
    return language.parse_number(token)


def first_number(text: str) -> int | None:
    """The first number said or written in ``text`` ("we'll be twenty five" -> 25), for a bare answer."""
    found = language.find_numbers(normalize(text))
    return found[0].value if found else None


def warm_up() -> None:
    """dateparser loads its language data on first use (about half a second): do it before calls."""
    calendar_date("the 5th of december", dt.date.today())


# Words that lead to a name. The clear ones can only name the booking, and alone change a name already given
# ("No, I'm DM" is a phone line's "No, at 9 pm", not a new name).
_CLEAR_LEADS = ("my name is", "my name's", "name is", "name's", "under the name(?: of)?", "under", "call me")
_OTHER_LEADS = ("this is", "it's", "its", "it is", "i am", "i'm", "the name(?: is)?")


def _leading_to_a_name(leads: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(rf"\b(?:{'|'.join(leads)})\s+([a-z\u0900-\u097f][a-z\u0900-\u097f' -]{{0,40}})")


_NAME_LEADS = _leading_to_a_name(_CLEAR_LEADS + _OTHER_LEADS)
_CLEAR_NAME_LEADS = _leading_to_a_name(_CLEAR_LEADS)
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


def person_name(text: str, *, bare: bool = False, clear: bool = False) -> str | None:
    """A name after "my name is", "under", ...; with `bare`, the whole short answer is the name; with
    `clear`, only after words that can only introduce a name ("my name is", "under"; not "I'm", "it's")."""
    t = normalize(text).replace(":", " ")
    match = (_CLEAR_NAME_LEADS if clear else _NAME_LEADS).search(t)
    candidate = match.group(1) if match else (t if bare else "")
    candidate = _NAME_STOP.sub("", candidate).strip(" .'-")
    words = [w for w in candidate.split() if w]
    if not words or words[0] in _NOT_NAMES or len(words) > 3 or any(ch.isdigit() for ch in candidate):
        return None
    if len(words) > 1 and words[0] == words[1]:
        words = words[1:]  # "Rahul, Rahul Verma"
    return " ".join(_capitalized(w) for w in words)


def _capitalized(word: str) -> str:
    """ "ana-maria" -> "Ana-Maria", "o'brien" -> "O'Brien"; Devanagari stays as it is."""
    return re.sub(r"(^|[-'])([a-z])", lambda m: m.group(1) + m.group(2).upper(), word)
