"""How many people a request is for: "for 4", "a party of ten", "we'll be five", "two adults and two kids",
"twenty people", "a couple", and people listed rather than counted ("me and my wife" = 2, "my wife, me and
our three kids" = 5, "Gretchen, Trisha and Amber" = 3). A list with a plural that says no number ("me and
my kids") is no count.
"""

import re

from sawt.speech import language
from voicebot.understanding.when import words_as_digits

# Words after which a number is a time, a date or a duration, not people.
_NOT_PEOPLE = (
    r"(?!\s*(?::|/|\.\d|am\b|pm\b|a m\b|p m\b|oclock|o'clock|hours?\b|minutes?\b|seconds?\b|days?\b|weeks?\b|"
    r"months?\b|years?\b|in the (?:morning|evening|afternoon)|\d+\s*(?::|\.\d|am\b|pm\b|oclock|/)|"
    r"(?:15|30|45)\b(?!\s*(?:people|persons|guests))|"
    r"st\b|nd\b|rd\b|th\b))"
)
_N = r"(\d{1,3})"
_PEOPLE = r"(?:people|persons?|guests?|adults?|of us|pax|diners|seats?|heads|folks|ppl|members|friends|us)"
_KIDS = r"(?:kids?|children|child|teens?|teenagers?|babies|baby|infants?|toddlers?)"
_STRONG = [
    rf"\b{_N}\s+{_PEOPLE}\b",
    rf"\b(?:party|group|table|booking|reservation|family|crowd|total) (?:of|for)\s+{_N}\b{_NOT_PEOPLE}",
    rf"\b(?:we are|we're|we'll be|we will be|we'd be|we would be|we shall be|we be|there are|there'll be|"
    rf"there will be|there's|it's|it is|it'll be|it will be|make it|change it to|make that|just|only)\s+{_N}\b"
    rf"{_NOT_PEOPLE}",
    rf"\b(?:seats?|spots?|places?|room|space|tables?|chairs?) for\s+{_N}\b{_NOT_PEOPLE}",
    rf"\b(?:seat|feed|accommodate|fit|sit|serve) (?:a group of |a party of |up to |about )?{_N}\b{_NOT_PEOPLE}",
    rf"\b(?:i|we) have {_N} (?:that|who|coming|joining)\b",
    # A phone line's "party of 8" is often heard "party on 8"; "on the 8th", "on 8 May" and "on 8 pm" stay dates
    # and times.
    rf"\b(?:party|group) on\s+{_N}\b{_NOT_PEOPLE}(?!\s*(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec))",
]
_WEAK = [
    rf"\b(?:for|with|of)\s+{_N}\b{_NOT_PEOPLE}",
    rf"^{_N}$",
]
# Number words a phone line's recognizer writes as their sound-alikes ("we are for", "just to").
_SOUND_ALIKES = {"for": "4", "fore": "4", "to": "2", "too": "2", "ate": "8", "won": "1"}
_SOUND_ALIKE_END = re.compile(rf"\b({'|'.join(_SOUND_ALIKES)})$")
# How a phone line's recognizer writes espeak-ng's "three" and "nine" where people are counted: "free people",
# "a table for free", "for I-N members" (letters for "nine"). Only there: "gluten free", "dessert for free",
# "a table for free wifi" and "Ian" stay as they are.
_LINE_ALIKES = [
    (re.compile(rf"\b(?:free|tree)(?=\s+{_PEOPLE}\b)"), "3"),
    (
        re.compile(
            r"\b((?:seats?|spots?|places?|room|space|tables?|party|group|reservation|booking) (?:of |on |for )?)"
            r"(?:free|tree)\b(?!\s*(?:food|wifi|parking|drinks?|dessert|of charge))"
        ),
        r"\g<1>3",
    ),
    (re.compile(r"\b(for|of|on) (?:the )?i(?: |\. ?)n\b\.?"), r"\g<1> 9"),
]
_ONE = re.compile(r"\b(just me|only me|myself alone|just myself|me alone|on my own|by myself|table for one|solo)\b")
_TWO = re.compile(
    r"\b(couple of us|the two of us|both of us|me and my (wife|husband|partner|date)|my (wife|husband) and i)\b"
)

# A listed person: me, I, "my (step) sister", "our three kids", or a name of one or two words.
_SELF = {"me", "i", "myself"}
_PAIRS = {"parents": 2, "grandparents": 2, "twins": 2}
_PLURAL = re.compile(r"(?:s|children|people|crew|team|family|folks|staff|gang|group)$")
_SINGULAR_S = {"boss", "bf's", "gf's", "ms", "mrs", "miss", "niece's", "boys", "guys"}
_STOP = set(
    [
        "a",
        "an",
        "the",
        "at",
        "in",
        "on",
        "for",
        "to",
        "with",
        "from",
        "by",
        "near",
        "of",
        "and",
        "or",
        "but",
        "is",
        "are",
        "am",
        "be",
        "been",
        "we",
        "us",
        "you",
        "they",
        "he",
        "she",
        "it",
        "this",
        "that",
        "these",
        "those",
        "want",
        "wants",
        "wanted",
        "need",
        "needs",
        "would",
        "like",
        "will",
        "shall",
        "can",
        "could",
        "should",
        "please",
        "book",
        "booking",
        "booked",
        "reserve",
        "reservation",
        "reservations",
        "table",
        "tables",
        "spot",
        "spots",
        "seat",
        "seats",
        "place",
        "restaurant",
        "restaurants",
        "bar",
        "pub",
        "cafe",
        "food",
        "eat",
        "eating",
        "dinner",
        "lunch",
        "breakfast",
        "brunch",
        "supper",
        "meal",
        "drinks",
        "tea",
        "coffee",
        "today",
        "tonight",
        "tomorrow",
        "now",
        "time",
        "am",
        "pm",
        "oclock",
        "people",
        "persons",
        "guests",
        "party",
        "group",
        "some",
        "somewhere",
        "something",
        "that's",
        "there",
        "here",
        "go",
        "going",
        "get",
        "find",
        "make",
        "made",
        "craving",
        "hungry",
        "together",
        "out",
        "serves",
        "serving",
        "which",
        "who",
        "where",
        "when",
        "what",
        "how",
        "all",
        "also",
        "just",
        "only",
        "then",
        "than",
        "so",
        "not",
        "no",
        "yes",
        "ok",
        "okay",
    ]
)
_MAX_RELATION_WORDS = 4


def _number(text: str) -> int | None:
    return language.parse_number(text)


def _person(tokens: list[str], i: int) -> tuple[int | None, int] | None:
    """(people, next index) for a listed person at `i`; people is None when uncountable ("my kids")."""
    if i >= len(tokens):
        return None
    word = tokens[i]
    if word in _SELF:
        return 1, i + 1
    if (
        word.isdigit()
        and i + 1 < len(tokens)
        and re.fullmatch(rf"{_PEOPLE}|{_KIDS}|others|colleagues|cousins", tokens[i + 1])
    ):
        return int(word), i + 2  # "myself and 3 friends"
    if word in {"my", "our"}:
        j, count = i + 1, None
        if j < len(tokens) and re.fullmatch(r"\d{1,2}", tokens[j]):
            count, j = int(tokens[j]), j + 1
        nouns: list[str] = []
        while j < len(tokens) and len(nouns) < _MAX_RELATION_WORDS and tokens[j] not in {",", "and", "&"}:
            if tokens[j] in _STOP - {"in"} or (tokens[j] == "in" and tokens[j + 1 : j + 2] != ["law"]):
                break
            nouns.append(tokens[j])
            j += 1
        if not nouns:
            return None
        noun = nouns[-1]
        if count is None:
            if noun in _PAIRS:
                count = _PAIRS[noun]
            elif _PLURAL.search(noun) and noun not in _SINGULAR_S:
                count = None
            else:
                count = 1
        return count, j
    if word in _STOP or word in {",", "&"} or word.isdigit() or len(word) < 2:
        return None
    j = i + 1
    if j < len(tokens) and tokens[j] not in _STOP and tokens[j] not in {",", "&"} and not tokens[j].isdigit():
        j += 1  # a family name: "Maggie Parker"
    return 1, j


def _listed(tokens: list[str], start: int) -> tuple[int | None, int, bool, int] | None:
    """People listed from `start` ("me, Tiffany and Sondra"): (count, items, whether me or my-someone is in it)."""
    total: int | None = 0
    items, mine, i = 0, False, start
    while True:
        found = _person(tokens, i)
        if found is None:
            return None
        count, end = found
        mine = mine or tokens[i] in _SELF | {"my", "our"}
        total = None if total is None or count is None else total + count
        items, i = items + 1, end
        if i < len(tokens) and tokens[i] == ",":
            i += 1
            if i < len(tokens) and tokens[i] in {"and", "&"}:
                i += 1
                last = True
            else:
                continue
        elif i < len(tokens) and tokens[i] in {"and", "&"}:
            i += 1
            last = True
        else:
            return None  # a list ends with "and" someone
        if last:
            found = _person(tokens, i)
            if found is None:
                return None
            count, end = found
            mine = mine or tokens[i] in _SELF | {"my", "our"}
            total = None if total is None or count is None else total + count
            return total, items + 1, mine, end


_ANCHORS = {"for", "with", "take", "bring", "accommodate", "book", "seat", "invite", "near", "or", "reserve"}
_FOLLOWERS = {"want", "wants", "need", "needs", "would", "will", "are", "have", "like", "plan", "wish"}


def people_listed(text: str) -> tuple[int | None, bool] | None:
    """The count of a list of people: one with me or my someone in it anywhere, a list of names after "for",
    "with", "take"... or opening the sentence, or followed by "want", "need"...
    (people, whether me or my someone is in it); people is None when not countable."""
    t = language.normalize(text, keep=",&'")
    tokens = re.findall(r"[\w']+|,|&", words_as_digits(t))
    with_me: list[tuple[int | None, bool]] = []
    followed: list[tuple[int | None, bool]] = []
    for start in range(len(tokens)):
        found = _listed(tokens, start)
        if found is None:
            continue
        total, _items, mine, end = found
        if start == 0 or tokens[start - 1] in _ANCHORS:
            return total, mine
        # "... liver and onions and I need a table for Bessie, Antonio and Lisa": a list that is only the
        # subject of "need" gives way to one after "for".
        if tokens[end : end + 1] and tokens[end] in _FOLLOWERS:
            followed.append((total, mine))
        elif mine:
            with_me.append((total, mine))
    found_lists = followed or with_me
    return found_lists[0] if found_lists else None


def party_size(text: str, *, loose: bool = True, asked: bool = False) -> int | None:
    """The party size said in `text`; without `loose`, only where it is plainly people ("for 8" and a bare
    "8" are then no party size: asked the time, they are the hour). `asked`: `text` answers "For how many
    people?", so an answer that ends on a number word the recognizer wrote as its sound-alike is read as
    that number ("We are for." -> 4, "Just to." -> 2); elsewhere "for" and "to" end unfinished sentences."""
    t = language.normalize(text, keep="':./")
    if asked:
        found, said = party_size(text, loose=loose), t.rstrip(" .")
        heard = _SOUND_ALIKE_END.sub(lambda m: _SOUND_ALIKES[m.group(1)], said)
        return found if found is not None or heard == said else party_size(heard, loose=loose)
    if _ONE.search(t):
        return 1
    digits = words_as_digits(t)
    for alike, number in _LINE_ALIKES:
        digits = alike.sub(number, digits)
    match = re.search(rf"\b{_N}\s+(?:adults?|grown ups|people)(?:\s+(?:and|with|plus))?\s+{_N}\s+{_KIDS}\b", digits)
    if match:
        return int(match.group(1)) + int(match.group(2))
    listed = people_listed(text)
    if listed and listed[0] and listed[1]:
        return listed[0]  # "me, my wife and our three kids": the list, numbers in it included
    for pattern in _STRONG:
        match = re.search(pattern, digits)
        if match and 0 < int(match.group(1)) < 1000:
            return int(match.group(1))
    if listed and listed[0]:
        return listed[0]
    if _TWO.search(t):
        return 2
    for pattern in _WEAK if loose else []:
        match = re.search(pattern, digits)
        if match and 0 < int(match.group(1)) < 1000:
            return int(match.group(1))
    return None
