"""What a call listens for and when a caller's turn is over, from the question asked and the words so far.

- `listening_prompt`: Whisper's previous-text prompt for the next answer. Booking words in the forms the
  rules read ("for 6 people at 11 am") make a phone-line "for four at seven pm" come out as digits and
  am/pm instead of sound-alikes; the slot asked goes last, nearest to the answer.
- `end_of_turn`: how long a pause ends the turn. Short when the words so far already answer what was
  asked (a yes or no to a yes-or-no question, the number, time, day or name asked for, a request that
  names a slot), long when the sentence is plainly unfinished ("for", "and", "um"), the usual in between.
"""

import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sawt.speech import language, streaming
from voicebot import understanding as nlu

# The end-of-turn waits (seconds of silence after the last word). A bare yes or no often leads into more
# ("Yes, please book it."): its wait is not shorter than the pause after "Yes," (at 0.25 s the bot's reply
# began over "please book it"; Piper's voice, and the call's VAD thresholds, `pipeline.call_stream_options`,
# decide how long that pause sounds). Any other answer (a number, a time, "No, thanks.") ends on 0.25 s.
ANSWERED_WAIT = 0.25
YES_NO_WAIT = 0.3
USUAL_WAIT = 0.5
UNFINISHED_WAIT = 0.8

# Both halves of the day: with two pm examples and no am, espeak-ng's "six am" came out "6 pm" (`bench
# voicebot-slu`: time 0.718 -> 0.772 with "11 am" in place of "7:30 pm"). Whisper copies the prompt's values
# when it loses the audio ("at 8 pm, for 8 pm, ..."): `voted` takes such loops out of the vote.
_BOOKING = "Restaurant booking. A table for two at 8 pm, for 6 people at 11 am, tomorrow, on Friday."
_ASKED = {
    "day": "Which day? Tomorrow, on Saturday, the 12th.",
    "time": "At what time? At 7 pm, 11:30 am.",  # both halves of the day, as in `_BOOKING`
    "party_size": "For how many people? For 4 people.",
    "name": "Under which name?",
}

# Words a sentence does not end on: conjunctions, prepositions, articles, fillers, a lead-in waiting for its noun.
_UNFINISHED = frozenset(
    [
        "and",
        "or",
        "but",
        "so",
        "because",
        "with",
        "without",
        "at",
        "for",
        "to",
        "from",
        "on",
        "in",
        "of",
        "by",
        "about",
        "around",
        "near",
        "than",
        "then",
        "the",
        "a",
        "an",
        "my",
        "our",
        "your",
        "this",
        "that",
        "some",
        "um",
        "uhm",
        "uh",
        "er",
        "erm",
        "ah",
        "like",
        "is",
        "are",
        "was",
        "be",
        "it's",
        "its",
        "i'm",
        "we're",
        "name",
    ]
)
_WORD = re.compile(r"[a-z0-9']+")


def listening_prompt(asked: str | None, business: str = "") -> str:
    """The prompt for an answer to the question that asked for `asked` (None: an open request)."""
    lead = f"{business}. " if business else ""
    return lead + _BOOKING + (" " + _ASKED[asked] if asked in _ASKED else "")


def unfinished(text: str) -> bool:
    words = _WORD.findall(text.lower())
    return not words or words[-1] in _UNFINISHED or text.rstrip().endswith(("...", ",", "-"))


def booking_slots(text: str) -> tuple[int | None, tuple[int, int, str | None] | None, dt.date | None]:
    """What an open request names: its party size, clock time and day (each None when not said)."""
    return nlu.party_size(text), nlu.clock_time(text), nlu.calendar_date(text, dt.date.today())


def answers(text: str, *, asked: str | None, yes_no: bool) -> bool:
    """Whether `text` already answers the question (`asked`: the slot it asked for; `yes_no`: a yes-or-no one)."""
    if yes_no and nlu.yes_no(text) is not None:
        return True
    if asked == "time":
        return nlu.clock_time(text) is not None or nlu.first_number(text) is not None
    if asked == "party_size":
        return nlu.party_size(text, asked=True) is not None or nlu.first_number(text) is not None
    if asked == "day":
        return nlu.calendar_date(text, dt.date.today()) is not None
    if asked == "name":
        return nlu.person_name(text, bare=True) is not None
    # An open request may name one slot and go on to the next: short only once the sentence is closed.
    return language.closes_sentence(text) and any(found is not None for found in booking_slots(text))


_HEARD_AGAIN = ("time", "party_size", "day")
# What a confirmation's answer is listened for as: a yes, or a no that may say what to change ("No, at 7 am").
CORRECTION = "correction"


def slots_heard(text: str, *, asked: str | None) -> int:
    """How much of what the question wants `text` gives: 1 when it gives the slot asked for (`asked`), else
    for an open request the number of booking slots it names (party size, clock time, day)."""
    if asked is not None and asked != CORRECTION:
        return int(answers(text, asked=asked, yes_no=False))
    return sum(found is not None for found in booking_slots(text))


def worth_hearing_again(text: str, *, asked: str | None) -> bool:
    """Whether the turn's audio is worth a second, wider hearing: an answer to "At what time?", "For how many
    people?" or "Which day?" that does not give it, or an open request that names no slot at all, or says a
    number that was read as neither its party size nor its time ("for a party on the 8"), or that ends
    unfinished although the caller fell silent ("... within the same area of": tiny.en ended the text before
    the audio, dropping "for 10 pm"). An open request is heard again anyway unless its first hearing was
    sure of itself (`pipeline.hear_again`). The answer to a confirmation (`CORRECTION`) is heard again when it
    is no plain yes and goes on without a day, time or party size that can be read ("No, have an AM")."""
    if asked == CORRECTION:
        return (
            nlu.yes_no(text) is not True and len(_WORD.findall(text.lower())) > 2 and not slots_heard(text, asked=asked)
        )
    if asked is None:
        if unfinished(text):
            return True
        size, hms, day = booking_slots(text)
        if size is None and hms is None and day is None:
            return True
        # The day reads the numbers its words say ("on the 12th", "in 3 days"), not the date it comes to: the
        # 8 of "tomorrow for a party in 8" is unread even on the 7th.
        phrase = nlu.date_phrase(text) if day else None
        read = {size, *(hms[:2] if hms else ()), *(n.value for n in language.find_numbers(phrase or ""))}
        return any(number.value not in read for number in language.find_numbers(nlu.normalize(text)))
    return asked in _HEARD_AGAIN and not slots_heard(text, asked=asked)


def best_heard(texts: list[str], *, asked: str | None) -> str:
    """Of the hypotheses of one turn, best first, the first that gives the most of what was asked (`max`
    keeps the first of equals)."""
    return max(texts, key=lambda text: slots_heard(text, asked=asked))


# Of the hypotheses that hear a clock time, the share that must say am or pm for it to count (a bare "at 6"
# more often drops a spoken "am" than a hearing adds one).
AM_PM_SHARE = 1 / 3  # 1/4 to 1/2 gave the same on `bench voicebot-slu`'s requests


def _majority(readings: list[Any]) -> Any:
    """The reading most hypotheses give (the first given, of equals); clock times vote on the hour and
    minute first, then on am or pm among those that say it."""
    if not readings:
        return None
    if not isinstance(readings[0], tuple):
        return Counter(readings).most_common(1)[0][0]
    hour, minute = Counter(r[:2] for r in readings).most_common(1)[0][0]
    same = [r[2] for r in readings if r[:2] == (hour, minute)]
    said = Counter(half for half in same if half is not None)
    half = said.most_common(1)[0][0] if said and sum(said.values()) >= AM_PM_SHARE * len(same) else None
    return (hour, minute, half)


def _fits(a: Any, b: Any) -> bool:
    """Two readings of one slot that can be the same: equal, or one clock time said without am/pm."""
    if isinstance(a, tuple) and isinstance(b, tuple):
        return bool(a[:2] == b[:2] and (a[2] == b[2] or a[2] is None or b[2] is None))
    return bool(a == b)


@dataclass(frozen=True)
class Heard:
    """A caller's turn as heard: its text and, for an open request heard several times (`voted`), the party
    size and clock time that most of the hearings read (None where none read one). The dialogue takes those
    over what the text alone says: the text chosen is the hearing that agrees best overall, and it may still
    read one slot as a minority did."""

    text: str
    party_size: int | None = None
    time: tuple[int, int, str | None] | None = None


def looped(text: str) -> bool:
    """Whether a hypothesis ran into Whisper's repetition loop ("for 8 pm, for 8 pm, for 8 pm"): a decoder
    that has lost the audio repeats its last words or its prompt, and what such a hearing reads is what it
    was told, not what was said. Whisper's compression-ratio check, or a run of words said three times in a
    row (a short loop compresses less)."""
    return streaming.loops(text) or streaming.collapse_loop(text) != " ".join(text.split())


def voted(texts: Sequence[str]) -> Heard:
    """Of an open request's hypotheses (several hearings of one turn, the first heard first), the first that
    agrees best with what most of them say, with the party size and time most of them read. Each booking
    slot (party size, clock time, day) takes the reading the most hypotheses give (`_majority`); a
    hypothesis scores two points for each slot it reads so, one where its reading merely fits (a bare "at 9"
    fits "9 am"). One hearing that took "for a party of 8" for "on 8 pm" is outvoted. Hypotheses that ran
    into a loop (`looped`) have no vote while any other does."""
    texts = [text for text in texts if not looped(text)] or texts
    found = [booking_slots(text) for text in texts]
    majority = [_majority([values[slot] for values in found if values[slot] is not None]) for slot in range(3)]

    # A slot counts as much as the hypotheses that read it so: seven hearings of "for 6" outweigh one "at 2:46".
    weight = [sum(v[slot] is not None and _fits(v[slot], value) for v in found) for slot, value in enumerate(majority)]

    def agrees(index: int) -> int:
        return sum(
            weight[slot] * (2 if reading == value else int(reading is not None and _fits(reading, value)))
            for slot, (reading, value) in enumerate(zip(found[index], majority, strict=True))
            if value is not None
        )

    return Heard(texts[max(range(len(texts)), key=agrees)], party_size=majority[0], time=majority[1])


def end_of_turn(text: str, *, asked: str | None, yes_no: bool) -> float:
    """Seconds of silence after `text` (the words decoded so far) that end the caller's turn."""
    if unfinished(text):
        return UNFINISHED_WAIT
    if answers(text, asked=asked, yes_no=yes_no):
        return YES_NO_WAIT if yes_no and len(text.split()) == 1 and nlu.yes_no(text) is not None else ANSWERED_WAIT
    return USUAL_WAIT
