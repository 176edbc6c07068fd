"""Numbers as people say and write them, both ways.

Reading (words to values): :func:`parse_number` reads a whole phrase ("thirty five", "two thousand
and five", "a couple", "half a dozen", "5 hundred"); :func:`find_numbers` finds every spoken or
written number in a sentence, longest reading first; :func:`words_to_digits` rewrites a sentence
with digits. Years ("nineteen ninety" -> 1990, "twenty twenty four" -> 2024, "nineteen oh five" ->
1905) are read only when asked for (``years=True``): said as a time, "eleven thirty" is no year.
:func:`parse_ordinal` reads "second", "twenty first" and "3rd".

Writing (values to words, for comparing a transcript with digits against one with words):
:func:`number_to_words`, :func:`ordinal_to_words` and :func:`digits_to_words`.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass

_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
         "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]  # fmt: skip
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_SCALES = [(10**9, "billion"), (10**6, "million"), (1000, "thousand"), (100, "hundred")]
_ORDINAL_IRREGULAR = {"one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth",
                      "nine": "ninth", "twelve": "twelfth"}  # fmt: skip

UNITS: dict[str, int] = {word: n for n, word in enumerate(_ONES)}
TENS: dict[str, int] = {word: 10 * n for n, word in enumerate(_TENS) if word}
SCALES: dict[str, int] = {"thousand": 10**3, "million": 10**6, "billion": 10**9}
ORDINALS: dict[str, int] = {
    **{ordinal_word: UNITS[word] for word, ordinal_word in _ORDINAL_IRREGULAR.items()},
    **{word + "th": n for word, n in UNITS.items() if word not in _ORDINAL_IRREGULAR and n > 3},
    **{word[:-1] + "ieth": n for word, n in TENS.items()},
    "hundredth": 100, "thousandth": 1000,
}  # fmt: skip

# One to ninety-nine in words, for rules that embed a small number in a regular expression.
_UNIT_WORDS = "|".join(_ONES[1:10])
_SMALL_WORDS = "|".join(sorted(_ONES[1:], key=len, reverse=True))
WORDS_1_TO_99 = rf"(?:(?:{'|'.join(TENS)})(?:[ -](?:{_UNIT_WORDS}))?|{_SMALL_WORDS})"
# A run of number words ("two hundred and five", "a couple", "twenty-one"), to be read by parse_number.
_WORD = rf"\b(?:{'|'.join(sorted([*UNITS, *TENS, *SCALES, 'hundred', 'dozen'], key=len, reverse=True))})\b"
NUMBER_WORDS_PATTERN = (
    rf"(?:half an? dozen|an? couple(?: of)?|couple(?: of)?|an? dozen|"
    rf"(?:\ban? (?=hundred|thousand|million|billion))?{_WORD}(?:(?:[ -]|\sand\s)(?={_WORD}){_WORD})*)"
)


@dataclass(frozen=True)
class NumberMatch:
    text: str  # the words as found in the input
    start: int
    end: int
    value: int


# --- reading ----------------------------------------------------------------------------------------

_TOKEN = re.compile(r"\d+(?:,\d{3})*|[^\W\d_]+")
_JOINERS = re.compile(r"[\s-]*")


def _below_100(tokens: list[str], i: int) -> tuple[int, int] | None:
    """Zero to ninety-nine in words: "seven", "seventeen", "seventy", "seventy seven"."""
    if i >= len(tokens):
        return None
    word = tokens[i]
    if word in TENS:
        if i + 1 < len(tokens) and 1 <= UNITS.get(tokens[i + 1], 0) <= 9:
            return TENS[word] + UNITS[tokens[i + 1]], i + 2
        return TENS[word], i + 1
    if word in UNITS:
        return UNITS[word], i + 1
    return None


def _group(tokens: list[str], i: int) -> tuple[int, int] | None:
    """A number below a thousand, or a digit string: "a hundred and five", "nineteen hundred", "250"."""
    if i >= len(tokens):
        return None
    word = tokens[i]
    head: tuple[int, int] | None
    if word.replace(",", "").isdigit():
        digits = int(word.replace(",", ""))
        head = (digits, i + 1)
        if digits >= 100 or i + 1 >= len(tokens) or tokens[i + 1] != "hundred":
            return head
    elif word == "hundred":
        head = (1, i)  # "hundred percent"
    elif word in {"a", "an"}:
        if i + 1 < len(tokens) and (tokens[i + 1] == "hundred" or tokens[i + 1] in SCALES):
            head = (1, i + 1)
        else:
            return None
    else:
        head = _below_100(tokens, i)
    if head is None:
        return None
    value, j = head
    if j < len(tokens) and tokens[j] == "hundred" and value:
        value, j = value * 100, j + 1
        k = j + 1 if j < len(tokens) and tokens[j] == "and" else j
        rest = _below_100(tokens, k)
        if rest is not None and rest[0]:
            value, j = value + rest[0], rest[1]
    return value, j


def _quantity(tokens: list[str], i: int) -> tuple[int, int] | None:
    """ "a couple (of)", "a dozen", "half a dozen", "two dozen"."""
    words = tokens[i : i + 3]
    for phrase, value in ((["half", "a", "dozen"], 6), (["a", "couple"], 2), (["couple"], 2), (["a", "dozen"], 12),
                          (["dozen"], 12)):  # fmt: skip
        if words[: len(phrase)] == phrase:
            j = i + len(phrase)
            return value, j + 1 if j < len(tokens) and tokens[j] == "of" and phrase[-1] == "couple" else j
    return None


def _cardinal(tokens: list[str], i: int) -> tuple[int, int] | None:
    quantity = _quantity(tokens, i)
    if quantity is not None:
        return quantity
    total, j, last_scale = 0, i, None
    while True:
        group = _group(tokens, j)
        if group is None:
            break
        value, k = group
        if k < len(tokens) and tokens[k] == "dozen":
            return total + value * 12, k + 1
        scale = SCALES.get(tokens[k]) if k < len(tokens) else None
        if scale is not None and (last_scale is None or scale < last_scale) and value < 1000:
            total, j, last_scale = total + value * scale, k + 1, scale
            if j < len(tokens) and tokens[j] == "and" and _group(tokens, j + 1) is not None:
                j += 1  # "two thousand and five"
            continue
        if last_scale is not None and value >= last_scale:
            break  # "two thousand 3000" is two numbers
        return total + value, k
    return (total, j) if last_scale is not None else None


def _year(tokens: list[str], i: int) -> tuple[int, int] | None:
    """ "nineteen ninety", "nineteen eighty four", "twenty twenty four", "nineteen oh five", "twenty ten"."""
    if i + 1 >= len(tokens):
        return None
    head = UNITS.get(tokens[i], 0) if tokens[i] in UNITS else TENS.get(tokens[i], 0)
    if not 10 <= head <= 20:
        return None
    if tokens[i + 1] in {"oh", "o"} and i + 2 < len(tokens) and 1 <= UNITS.get(tokens[i + 2], 0) <= 9:
        return head * 100 + UNITS[tokens[i + 2]], i + 3
    tail = _below_100(tokens, i + 1)
    if tail is None or tail[0] < 10:
        return None
    return head * 100 + tail[0], tail[1]


def _read(tokens: list[str], i: int, years: bool) -> tuple[int, int] | None:
    cardinal = _cardinal(tokens, i)
    year = _year(tokens, i) if years else None
    if year is not None and (cardinal is None or year[1] > cardinal[1]):
        return year
    return cardinal


def _tokens(text: str) -> list[re.Match[str]]:
    return list(_TOKEN.finditer(text.lower()))


def parse_number(text: str, *, years: bool = False) -> int | None:
    """The number a whole phrase says, or ``None``: "thirty five" -> 35, "a couple" -> 2, "1,000" -> 1000.

    A lone "a" is no number. With ``years``, "nineteen ninety" is 1990 (else it is no one number).
    """
    matches = _tokens(text)
    if not matches or any(
        _JOINERS.fullmatch(text[a.end() : b.start()]) is None for a, b in itertools.pairwise(matches)
    ):
        return None
    tokens = [m.group(0) for m in matches]
    found = _read(tokens, 0, years)
    return found[0] if found is not None and found[1] == len(tokens) else None


def find_numbers(text: str, *, years: bool = False) -> list[NumberMatch]:
    """Every number in ``text``, in order, each read as long as it goes ("twenty five people" is 25)."""
    matches = _tokens(text)
    out: list[NumberMatch] = []
    i = 0
    while i < len(matches):
        # A number runs over words joined by spaces or hyphens only.
        j = i + 1
        while j < len(matches) and _JOINERS.fullmatch(text[matches[j - 1].end() : matches[j].start()]):
            j += 1
        tokens = [m.group(0) for m in matches[i:j]]
        found = _read(tokens, 0, years)
        if found is None:
            i += 1
            continue
        value, used = found
        if tokens[used - 1] in {"of", "and"}:
            used -= 1
        start, end = matches[i].start(), matches[i + used - 1].end()
        out.append(NumberMatch(text[start:end], start, end, value))
        i += used
    return out


def words_to_digits(text: str, *, years: bool = False) -> str:
    """``text`` with every spoken number written in digits: "table for twenty five" -> "table for 25"."""
    out, last = [], 0
    for found in find_numbers(text, years=years):
        out += [text[last : found.start], str(found.value)]
        last = found.end
    return "".join(out) + text[last:]


def parse_ordinal(text: str) -> int | None:
    """ "second" -> 2, "twenty first" -> 21, "3rd" -> 3, "the fifth" -> 5; ``None`` for anything else."""
    words = text.lower().replace("-", " ").split()
    if words[:1] == ["the"]:
        words = words[1:]
    if len(words) == 1 and re.fullmatch(r"\d+(?:st|nd|rd|th)", words[0]):
        return int(words[0][:-2])
    if not words or words[-1] not in ORDINALS:
        return None
    last = ORDINALS[words[-1]]
    if len(words) == 1:
        return last
    head = parse_number(" ".join(words[:-1]))
    if head is not None and last in {100, 1000}:
        return head * last
    if head is None or (last < 10 and head % 10) or (last >= 10 and head % 100):
        return None
    return head + last


# --- writing ----------------------------------------------------------------------------------------


def number_to_words(n: int) -> str:
    """Cardinal English words without "and" or hyphens: 121 -> "one hundred twenty one"."""
    if n < 0:
        return "minus " + number_to_words(-n)
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + (" " + _ONES[ones] if ones else "")
    for value, name in _SCALES:
        if n >= value:
            head, rest = divmod(n, value)
            return f"{number_to_words(head)} {name}" + (" " + number_to_words(rest) if rest else "")
    raise AssertionError("unreachable")


def ordinal_to_words(n: int) -> str:
    words = number_to_words(n).split()
    last = words[-1]
    if last in _ORDINAL_IRREGULAR:
        words[-1] = _ORDINAL_IRREGULAR[last]
    elif last.endswith("y"):
        words[-1] = last[:-1] + "ieth"
    else:
        words[-1] = last + "th"
    return " ".join(words)


def _digits(digits: str) -> str:
    # Very long digit strings (phone or card numbers) are read digit by digit.
    return number_to_words(int(digits)) if len(digits) < 13 else " ".join(_ONES[int(c)] for c in digits)


def _time(match: re.Match[str]) -> str:
    hours, minutes = int(match.group(1)), match.group(2)
    if minutes == "00":
        return number_to_words(hours)
    spoken = number_to_words(int(minutes)) if minutes[0] != "0" else "oh " + _ONES[int(minutes[1])]
    return f"{number_to_words(hours)} {spoken}"


def _decimal(match: re.Match[str]) -> str:
    whole, fraction = match.group(1).replace(",", ""), match.group(2)
    return f"{_digits(whole)} point " + " ".join(_ONES[int(c)] for c in fraction)


_DIGIT_RULES: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(r"\b(\d{1,2}):(\d\d)\b"), _time),
    (re.compile(r"\$(\d[\d,]*(?:\.\d+)?)"), lambda m: digits_to_words(m.group(1)) + " dollars"),
    (re.compile(r"(\d[\d,]*(?:\.\d+)?)\s?%"), lambda m: digits_to_words(m.group(1)) + " percent"),
    (re.compile(r"\b(\d+)(?:st|nd|rd|th)\b"), lambda m: ordinal_to_words(int(m.group(1)))),
    (re.compile(r"\b(\d{1,3}(?:,\d{3})+|\d+)\.(\d+)\b"), _decimal),
    (re.compile(r"\b(\d{1,3}(?:,\d{3})+|\d+)\b"), lambda m: _digits(m.group(1).replace(",", ""))),
]


def digits_to_words(text: str) -> str:
    """Numbers written in digits spelled as words: integers ("1,000" -> "one thousand"), decimals ("3.5" ->
    "three point five"), ordinals ("21st" -> "twenty first"), times ("7:30" -> "seven thirty", "7:05" ->
    "seven oh five", "7:00" -> "seven"), "$5" -> "five dollars", "50%" -> "fifty percent"."""
    for pattern, repl in _DIGIT_RULES:
        text = pattern.sub(repl, text)
    return text
