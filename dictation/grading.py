"""Scoring a typed answer against an item, and inferring an item's difficulty.

WER and the word alignment come from the speech engine (`sawt.speech.scoring`), with its documented
normalisation (NFKC, apostrophe and dash variants unified, case folded, punctuation dropped). The item's
options switch case folding and punctuation stripping off. On top of the engine's alignment, each
substituted word is classed as a *typo* or a *mistake* with H5P's rule (`H5P.TextUtilities.areSimilar`):
a typed word is a typo when its Damerau-Levenshtein distance to the expected word is at most 1 for
words of 4 to 9 characters and at most 2 for words of 10 or more; short words (3 characters or fewer)
allow none. WER still counts typos (it is the engine's plain WER); `typos` and `mistakes` report them
apart, as H5P does.

With alternative accepted answers, the attempt is scored against every accepted answer and the best
one (lowest WER, then fewest mistakes) wins.
"""

from dataclasses import dataclass, field
from typing import Any

from sawt.speech import scoring


@dataclass(frozen=True)
class Grade:
    matched_answer: str
    wer: float
    cer: float
    reference_words: int
    hits: int
    substitutions: int
    deletions: int
    insertions: int
    typos: int
    mistakes: int
    diff: list[dict[str, Any]] = field(default_factory=list)


def damerau_levenshtein(a: str, b: str) -> int:
    """Edit distance counting one swap of adjacent characters as one edit (optimal string alignment)."""
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            row[j] = min(rows[i - 1][j] + 1, row[j - 1] + 1, rows[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[i - 2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def is_typo(expected: str, typed: str) -> bool:
    length = max(len(expected), len(typed))
    allowed = 2 if length > 9 else 1 if length > 3 else 0
    return allowed > 0 and damerau_levenshtein(expected, typed) <= allowed


def grade(*, answers: list[str], typed: str, case_sensitive: bool, keep_punctuation: bool) -> Grade:
    best: Grade | None = None
    for answer in answers:
        result = _grade_one(answer, typed, case_sensitive=case_sensitive, keep_punctuation=keep_punctuation)
        if best is None or (result.wer, result.mistakes) < (best.wer, best.mistakes):
            best = result
    assert best is not None, "an item always has its text as an accepted answer"
    return best


def _grade_one(answer: str, typed: str, *, case_sensitive: bool, keep_punctuation: bool) -> Grade:
    result = scoring.score(answer, typed, case_sensitive=case_sensitive, keep_punctuation=keep_punctuation)
    diff: list[dict[str, Any]] = []
    typos = 0
    for word in result.alignment:
        if word.op == "equal":
            kind = "ok"
        elif word.op == "substitute" and is_typo(word.reference or "", word.hypothesis or ""):
            kind = "typo"
            typos += 1
        else:
            kind = "mistake"
        diff.append({"op": word.op, "expected": word.reference, "typed": word.hypothesis, "kind": kind})
    return Grade(
        matched_answer=answer,
        wer=result.wer,
        cer=result.cer,
        reference_words=result.reference_words,
        hits=result.hits,
        substitutions=result.substitutions,
        deletions=result.deletions,
        insertions=result.insertions,
        typos=typos,
        mistakes=result.errors - typos,
        diff=diff,
    )


def infer_difficulty(text: str) -> int:
    """Difficulty 1-5 from the text: 1, plus one point each for at least 6, 11 and 18 words, plus one
    point when the words are long on average (at least 6 letters) or contain digits, which must be
    spelled out or typed exactly. Counted on the engine's normalised words."""
    words = scoring.normalize_text(text).split()
    points = 1 + sum(len(words) >= n for n in (6, 11, 18))
    letters = sum(len(w) for w in words)
    if (words and letters / len(words) >= 6) or any(c.isdigit() for c in text):
        points += 1
    return min(points, 5)
