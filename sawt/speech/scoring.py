"""Word and character error rates with a documented text normalisation.

WER = (substitutions + deletions + insertions) / reference words.  It is a fraction
(0.05 = 5 %) and can exceed 1.0 when the hypothesis has many extra words.  With an
empty (normalised) reference, WER and CER are 0.0 for an empty hypothesis and 1.0
otherwise: every word is an insertion and the ratio has no denominator.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

import jiwer

_APOSTROPHES = str.maketrans({c: "'" for c in "\u2019\u2018\u02bc\u02bb`\u00b4\u2032\uff07"})
_DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"})

_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
         "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]  # fmt: skip
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_SCALES = [(10**9, "billion"), (10**6, "million"), (1000, "thousand"), (100, "hundred")]
_ORDINAL_IRREGULAR = {"one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth",
                      "nine": "ninth", "twelve": "twelfth"}  # fmt: skip


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


_NUMBER_RULES: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(r"\b(\d{1,2}):(\d\d)\b"), _time),
    (re.compile(r"\$(\d[\d,]*(?:\.\d+)?)"), lambda m: _spell_numbers(m.group(1)) + " dollars"),
    (re.compile(r"(\d[\d,]*(?:\.\d+)?)\s?%"), lambda m: _spell_numbers(m.group(1)) + " percent"),
    (re.compile(r"\b(\d+)(?:st|nd|rd|th)\b"), lambda m: ordinal_to_words(int(m.group(1)))),
    (re.compile(r"\b(\d{1,3}(?:,\d{3})+|\d+)\.(\d+)\b"), _decimal),
    (re.compile(r"\b(\d{1,3}(?:,\d{3})+|\d+)\b"), lambda m: _digits(m.group(1).replace(",", ""))),
]


def _spell_numbers(text: str) -> str:
    for pattern, repl in _NUMBER_RULES:
        text = pattern.sub(repl, text)
    return text


def _strip_punctuation(text: str) -> str:
    out: list[str] = []
    n = len(text)
    for i, ch in enumerate(text):
        cat = unicodedata.category(ch)
        if cat[0] not in "PS":
            out.append(ch)
            continue
        prev = text[i - 1] if i else ""
        nxt = text[i + 1] if i + 1 < n else ""
        if ch == "'" and prev.isalnum() and nxt.isalnum():
            out.append(ch)  # don't, it's, O'Brien
        elif ch in ".:" and prev.isdigit() and nxt.isdigit():
            out.append(ch)  # 3.5, 7:30
        elif ch == "," and prev.isdigit() and nxt.isdigit():
            continue  # 1,000 -> 1000
        else:
            out.append(" ")
    return "".join(out)


def normalize_text(
    text: str, *, case_sensitive: bool = False, keep_punctuation: bool = False, numbers: bool = False
) -> str:
    """Normalise text before comparing it.

    Steps, in order:

    1. Unicode NFKC (full-width forms, ligatures, non-breaking spaces).
    2. Apostrophe variants (’ ‘ ʼ ʻ ` ´ ′) become ``'``; dash variants (‐ ‑ ‒ – — ― −)
       become ``-``.
    3. Case folding (``str.casefold``) unless ``case_sensitive``.
    4. ``numbers=True`` spells digits as English words, so "21", "twenty-one" and
       "twenty one" compare equal: integers ("1,000" -> "one thousand"), decimals
       ("3.5" -> "three point five"), ordinals ("21st" -> "twenty first"), times
       ("7:30" -> "seven thirty", "7:05" -> "seven oh five", "7:00" -> "seven"),
       "$5" -> "five dollars", "50%" -> "fifty percent".
    5. Unless ``keep_punctuation``: every Unicode punctuation or symbol character
       becomes a space, except an apostrophe between two letters/digits ("don't"),
       and "." or ":" between digits ("3.5", "7:30"); "," between digits is dropped
       ("1,000" -> "1000").  Hyphens therefore split words ("well-known" ->
       "well known") because recognisers hyphenate inconsistently.  Combining marks
       (Indic vowel signs etc.) are letters, never stripped.
    6. Whitespace collapsed to single spaces and trimmed.
    """
    text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).translate(_DASHES)
    if not case_sensitive:
        text = text.casefold()
    if numbers:
        text = _spell_numbers(text)
        if not keep_punctuation:
            text = text.replace("-", " ")
    if not keep_punctuation:
        text = _strip_punctuation(text)
    return " ".join(text.split())


@dataclass(frozen=True)
class AlignedWord:
    op: Literal["equal", "substitute", "delete", "insert"]
    reference: str | None
    hypothesis: str | None


@dataclass(frozen=True)
class Score:
    wer: float
    cer: float
    hits: int
    substitutions: int
    deletions: int
    insertions: int
    reference_words: int
    hypothesis_words: int
    alignment: list[AlignedWord] = field(default_factory=list)
    reference: str = ""
    hypothesis: str = ""

    @property
    def errors(self) -> int:
        return self.substitutions + self.deletions + self.insertions


def score(
    reference: str,
    hypothesis: str,
    *,
    case_sensitive: bool = False,
    keep_punctuation: bool = False,
    numbers: bool = False,
) -> Score:
    """Compare a hypothesis with its reference after :func:`normalize_text`."""
    opts = {"case_sensitive": case_sensitive, "keep_punctuation": keep_punctuation, "numbers": numbers}
    ref = normalize_text(reference, **opts)
    hyp = normalize_text(hypothesis, **opts)
    ref_words, hyp_words = ref.split(), hyp.split()
    if not ref_words:
        alignment = [AlignedWord("insert", None, w) for w in hyp_words]
        rate = 1.0 if hyp_words else 0.0
        return Score(rate, rate, 0, 0, 0, len(hyp_words), 0, len(hyp_words), alignment, ref, hyp)
    if not hyp_words:
        alignment = [AlignedWord("delete", w, None) for w in ref_words]
        n = len(ref_words)
        return Score(1.0, 1.0, 0, 0, n, 0, n, 0, alignment, ref, hyp)
    words = jiwer.process_words(ref, hyp)
    chars = jiwer.process_characters(ref, hyp)
    return Score(
        wer=float(words.wer),
        cer=float(chars.cer),
        hits=words.hits,
        substitutions=words.substitutions,
        deletions=words.deletions,
        insertions=words.insertions,
        reference_words=len(ref_words),
        hypothesis_words=len(hyp_words),
        alignment=_alignment(words.alignments[0], ref_words, hyp_words),
        reference=ref,
        hypothesis=hyp,
    )


def _alignment(chunks: Iterable[jiwer.AlignmentChunk], ref: list[str], hyp: list[str]) -> list[AlignedWord]:
    out: list[AlignedWord] = []
    for chunk in chunks:
        r = ref[chunk.ref_start_idx : chunk.ref_end_idx]
        h = hyp[chunk.hyp_start_idx : chunk.hyp_end_idx]
        if chunk.type in ("equal", "substitute"):
            out.extend(AlignedWord(chunk.type, a, b) for a, b in zip(r, h, strict=True))  # type: ignore[arg-type]
        elif chunk.type == "delete":
            out.extend(AlignedWord("delete", a, None) for a in r)
        else:
            out.extend(AlignedWord("insert", None, b) for b in h)
    return out


def corpus_wer(pairs: Iterable[tuple[str, str]], **normalize_opts: bool) -> float:
    """Total errors over total reference words (not the mean of per-file WERs)."""
    errors = words = 0
    for reference, hypothesis in pairs:
        result = score(reference, hypothesis, **normalize_opts)
        errors += result.errors
        words += result.reference_words
    return errors / words if words else 0.0
