"""Words of a dictation sentence and of a typed answer, and their alignment.

A sentence is cut into *units*, each shown as written (case and punctuation kept) and compared by its
normalised form (`sawt.speech.language.normalize`, with the item's case and punctuation options):

- a plain word is one unit; a word the normalisation splits ("well-known", "U.S.A.") is one unit per
  piece;
- a word written with per-word alternatives, H5P's `colour|color`, is one unit accepting each of them
  (the audio speaks the first, see :func:`spoken_text`);
- a number is one unit whether written in digits or in words: "3" and "three", "1990", "nineteen ninety"
  and "one thousand nine hundred ninety" are all the number they read as (`find_numbers` with
  ``years=True``). Quantity words ("a couple", "a dozen") stay words.

The alignment is a minimum edit alignment over units (substitute, delete, insert, 1 each) with two more
moves: a word typed as two ("sea shells" for "seashells") or two words typed as one (the reverse), when
the letters are the same; each of those is one typo.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from sawt.speech.language import find_numbers, normalize, number_to_words, parse_number

Op = Literal["equal", "substitute", "delete", "insert", "split", "merge"]

_ALTERNATIVE = re.compile(r"[^\s|]+(?:\|[^\s|]+)+")
_PIECE = re.compile(r"\W*\w[\w']*\W*")
_NOT_NUMBERS = {"a", "an", "couple", "dozen", "pair"}


@dataclass(frozen=True)
class Unit:
    keys: tuple[str, ...]  # accepted normalised forms; the first is the one the audio speaks
    displays: tuple[str, ...]  # each form as written
    spellings: tuple[str, ...]  # letters to compare for typos (numbers also spelled as words)


@dataclass(frozen=True)
class Step:
    op: Op
    ref: tuple[Unit, ...]
    hyp: tuple[Unit, ...]
    typo: bool = False


def spoken_text(text: str) -> str:
    """The sentence as the voice says it: `colour|color` -> `colour` (trailing punctuation kept)."""

    def first(match: re.Match[str]) -> str:
        lead, options, trail = _split_alternatives(match.group(0))
        return lead + options[0] + trail

    return _ALTERNATIVE.sub(first, text)


def _split_alternatives(token: str) -> tuple[str, list[str], str]:
    lead = re.match(r"^[^\w|]*", token)
    trail = re.search(r"[^\w|]*$", token)
    start = lead.end() if lead else 0
    end = trail.start() if trail else len(token)
    return token[:start], token[start:end].split("|"), token[end:]


def units(text: str, *, case_sensitive: bool, keep_punctuation: bool) -> list[Unit]:
    """The units of a sentence or an answer (see the module's docstring)."""

    def norm(s: str) -> list[str]:
        return normalize(s, case_sensitive=case_sensitive, keep_punctuation=keep_punctuation).split()

    # (normalised word, display, alternatives unit or None)
    words: list[tuple[str, str, Unit | None]] = []
    for token in text.split():
        if _ALTERNATIVE.fullmatch(token):
            lead, options, trail = _split_alternatives(token)
            displays = [lead + o + trail for o in options]
            keyed = [(" ".join(norm(d)), d) for d in displays]
            keyed = [(k, d) for k, d in keyed if k]
            if keyed:
                keys = tuple(_number_key(k.split()) or k for k, _ in keyed)
                spellings = tuple(s for k, _ in keyed for s in _spellings(k.split()))
                words.append(("|", token, Unit(keys, tuple(d for _, d in keyed), spellings)))
            continue
        normalised = norm(token)
        if not normalised:
            continue
        pieces = _PIECE.findall(token)
        if len(normalised) > 1 and len(pieces) != len(normalised):
            pieces = [token] + [""] * (len(normalised) - 1)
        elif len(normalised) == 1:
            pieces = [token]
        words.extend((w, p, None) for w, p in zip(normalised, pieces, strict=True))
    return _group(words)


def _group(words: list[tuple[str, str, Unit | None]]) -> list[Unit]:
    """Merges the words of each number into one unit."""
    joined, starts = "", []
    for word, _, _ in words:
        starts.append(len(joined) + (1 if joined else 0))
        joined = f"{joined} {word}" if joined else word
    spans: dict[int, tuple[int, int]] = {}  # first word index -> (end word index, value)
    for match in find_numbers(joined, years=True):
        if match.start not in starts:
            continue
        first = starts.index(match.start)
        last = first
        while last + 1 < len(words) and starts[last + 1] < match.end:
            last += 1
        covered = [w for w, _, _ in words[first : last + 1]]
        if starts[last] + len(covered[-1]) == match.end and not _NOT_NUMBERS & set(covered):
            spans[first] = (last + 1, match.value)
    out: list[Unit] = []
    i = 0
    while i < len(words):
        word, display, alternatives = words[i]
        if alternatives is not None:
            out.append(alternatives)
            i += 1
        elif i in spans:
            end, value = spans[i]
            written = [w for w, _, _ in words[i:end]]
            display = " ".join(d for _, d, _ in words[i:end] if d)
            out.append(Unit((f"#{value}",), (display,), tuple(_spellings(written))))
            i = end
        else:
            out.append(Unit((word,), (display,), (word,)))
            i += 1
    return out


def _number_key(words: list[str]) -> str | None:
    if len(words) == 1 and words[0].isdigit():
        return f"#{int(words[0])}"
    if _NOT_NUMBERS & set(words):
        return None
    value = parse_number(" ".join(words), years=True)
    matches = find_numbers(" ".join(words), years=True)
    if value is not None and len(matches) == 1 and matches[0].text == " ".join(words):
        return f"#{value}"
    return None


def _spellings(words: list[str]) -> list[str]:
    written = "".join(words)
    key = _number_key(words)
    if key is None:
        return [written]
    return [written, number_to_words(int(key[1:])).replace(" ", "").replace("-", "")]


def _letters(unit: Unit, index: int = 0) -> str:
    return unit.spellings[index] if unit.spellings else ""


def align(ref: list[Unit], hyp: list[Unit], is_typo: Callable[[str, str], bool]) -> list[Step]:
    """Minimum edit alignment (fewest errors, then fewest mistakes, then most right words) with splits and
    merges."""
    n, m = len(ref), len(hyp)
    inf = (10**9, 10**9, 0)
    # For splits and joins: each unit's letters, the forms it accepts without spaces, and whether it is a
    # number (numbers are never split).
    ref_letters = [_letters(u) for u in ref]
    hyp_letters = [_letters(u) for u in hyp]
    ref_forms = [{s.replace(" ", "") for s in u.spellings} for u in ref]
    hyp_forms = [{s.replace(" ", "") for s in u.spellings} for u in hyp]
    ref_number = [any(k.startswith("#") for k in u.keys) for u in ref]
    hyp_number = [any(k.startswith("#") for k in u.keys) for u in hyp]
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[Step | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = (0, 0, 0)

    def relax(i: int, j: int, pi: int, pj: int, step: Step, errors: int, mistakes: int) -> None:
        prev = cost[pi][pj]
        # Ties go to the alignment with more right words.
        candidate = (prev[0] + errors, prev[1] + mistakes, prev[2] - (step.op in ("equal", "merge")))
        if candidate < cost[i][j]:
            cost[i][j] = candidate
            back[i][j] = step

    for i in range(n + 1):
        for j in range(m + 1):
            if i and j:
                r, h = ref[i - 1], hyp[j - 1]
                if h.keys[0] in r.keys:
                    relax(i, j, i - 1, j - 1, Step("equal", (r,), (h,)), 0, 0)
                else:
                    typo = any(is_typo(s, hyp_letters[j - 1]) for s in r.spellings)
                    relax(i, j, i - 1, j - 1, Step("substitute", (r,), (h,), typo), 1, 0 if typo else 1)
                # "sea shells" typed for "seashells": the same letters, one word apart.
                if (j > 1 and not (hyp_number[j - 2] or hyp_number[j - 1])
                        and hyp_letters[j - 2] + hyp_letters[j - 1] in ref_forms[i - 1]):
                    relax(i, j, i - 1, j - 2, Step("split", (r,), (hyp[j - 2], h), True), 1, 0)
                if (i > 1 and not (ref_number[i - 2] or ref_number[i - 1])
                        and ref_letters[i - 2] + ref_letters[i - 1] in hyp_forms[j - 1]):
                    relax(i, j, i - 2, j - 1, Step("merge", (ref[i - 2], r), (h,), True), 1, 0)
            if i:
                relax(i, j, i - 1, j, Step("delete", (ref[i - 1],), ()), 1, 1)
            if j:
                relax(i, j, i, j - 1, Step("insert", (), (hyp[j - 1],)), 1, 1)
    steps: list[Step] = []
    i, j = n, m
    while i or j:
        step = back[i][j]
        assert step is not None
        steps.append(step)
        i, j = i - len(step.ref), j - len(step.hyp)
    steps.reverse()
    return steps
