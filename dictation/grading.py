"""Scoring a typed answer against an item, and inferring an item's difficulty.

Words come from `dictation.alignment` (the engine's normalisation, with the item's case and punctuation
options; per-word alternatives `colour|color`; digits and number words as one word; splits and joins).
Each substituted word is classed as a *typo* or a *mistake* with H5P's rule
(`H5P.TextUtilities.areSimilar`): a typed word is a typo when its Damerau-Levenshtein distance to the
expected word is at most 1 for words of 4 to 9 characters and at most 2 for words of 10 or more; short
words (3 characters or fewer) allow none. A word split in two or two joined ("sea shells" / "seashells")
is one typo. WER counts typos too; `typos` and `mistakes` report them apart, as H5P does, and `score` is
H5P's: right words 1, typos 0.5, the rest 0, over the reference's word count.

With alternative accepted answers, the attempt is scored against every accepted answer and the best
one (lowest WER, then fewest mistakes, then highest score) wins.
"""

from dataclasses import dataclass, field
from typing import Any

import jiwer
from rapidfuzz.distance import OSA

from dictation import alignment
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
    score: float = 0.0


def damerau_levenshtein(a: str, b: str) -> int:
    """Edit distance counting one swap of adjacent characters as one edit (optimal string alignment)."""
    return int(OSA.distance(a, b))


def is_typo(expected: str, typed: str) -> bool:
    length = max(len(expected), len(typed))
    allowed = 2 if length > 9 else 1 if length > 3 else 0
    if allowed == 0 or abs(len(expected) - len(typed)) > allowed:
        return False
    return damerau_levenshtein(expected, typed) <= allowed


def grade(*, answers: list[str], typed: str, case_sensitive: bool, keep_punctuation: bool) -> Grade:
    best: Grade | None = None
    for answer in answers:
        result = _grade_one(answer, typed, case_sensitive=case_sensitive, keep_punctuation=keep_punctuation)
        if best is None or (result.wer, result.mistakes, -result.score) < (best.wer, best.mistakes, -best.score):
            best = result
    assert best is not None, "an item always has its text as an accepted answer"
    return best


def _grade_one(answer: str, typed: str, *, case_sensitive: bool, keep_punctuation: bool) -> Grade:
    opts = {"case_sensitive": case_sensitive, "keep_punctuation": keep_punctuation}
    ref, hyp = alignment.units(answer, **opts), alignment.units(typed, **opts)
    steps = alignment.align(ref, hyp, is_typo)
    hits = substitutions = deletions = insertions = typos = 0
    credit = 0.0
    diff: list[dict[str, Any]] = []
    ref_said: list[str] = []  # the reference as matched, for CER
    for step in steps:
        if step.op == "equal":
            hits += 1
            credit += 1
            ref_said.append(_key_text(step.hyp[0]))
        elif step.op == "merge":
            hits += 1
            substitutions += 1
            typos += 1
            credit += 1.5
            ref_said.extend(_key_text(u) for u in step.ref)
        elif step.op in ("substitute", "split"):
            substitutions += 1
            typos += step.typo
            credit += 0.5 if step.typo else 0
            ref_said.append(_key_text(step.ref[0]))
        elif step.op == "delete":
            deletions += 1
            ref_said.append(_key_text(step.ref[0]))
        else:
            insertions += 1
        diff.append(_diff_entry(step))
    hyp_said = " ".join(_key_text(u) for u in hyp)
    n = len(ref)
    errors = substitutions + deletions + insertions
    if n:
        wer = errors / n
        cer = float(jiwer.cer(" ".join(ref_said), hyp_said)) if hyp_said else 1.0
    else:
        wer = cer = 1.0 if hyp else 0.0
    return Grade(
        matched_answer=answer, wer=wer, cer=cer, reference_words=n, hits=hits,
        substitutions=substitutions, deletions=deletions, insertions=insertions, typos=typos,
        mistakes=errors - typos, diff=diff, score=min(credit / n, 1.0) if n else (0.0 if hyp else 1.0),
    )


def _key_text(unit: alignment.Unit) -> str:
    return unit.spellings[0] if unit.keys[0].startswith("#") else unit.keys[0]


def _diff_entry(step: alignment.Step) -> dict[str, Any]:
    """`expected` and `typed` are the normalised words (as before); `expected_text` and `typed_text` show
    the sentence as written and the answer as typed."""
    ref, hyp = step.ref, step.hyp
    expected: str | None
    expected_text: str | None
    if step.op == "equal":
        index = ref[0].keys.index(hyp[0].keys[0])
        expected, expected_text = ref[0].keys[index], ref[0].displays[index]
    else:
        expected = " ".join(u.keys[0] for u in ref) or None
        expected_text = " ".join(u.displays[0] for u in ref) or None
    typed = " ".join(u.keys[0] for u in hyp) or None
    typed_text = " ".join(u.displays[0] for u in hyp) or None
    if expected and expected.startswith("#"):
        expected = " ".join(_key_text(u) if u.keys[0].startswith("#") else u.keys[0] for u in ref)
        if step.op == "equal":
            expected = typed if typed and not typed.startswith("#") else ref[0].displays[0].lower()
    if typed and "#" in typed:
        typed = " ".join(u.displays[0].lower() if u.keys[0].startswith("#") else u.keys[0] for u in hyp)
    op = {"split": "substitute", "merge": "substitute"}.get(step.op, step.op)
    kind = "ok" if step.op == "equal" else "typo" if step.typo else "mistake"
    return {"op": op, "expected": expected, "typed": typed, "kind": kind,
            "expected_text": expected_text, "typed_text": typed_text}


def spoken_text(text: str) -> str:
    """What the voice reads: each per-word alternative `colour|color` as its first form."""
    return alignment.spoken_text(text)


def infer_difficulty(text: str) -> int:
    """Difficulty 1-5 from the text: 1, plus one point each for at least 6, 11 and 18 words, plus one
    point when the words are long on average (at least 6 letters) or contain digits, which must be
    spelled out or typed exactly. Counted on the engine's normalised words."""
    text = alignment.spoken_text(text)
    words = scoring.normalize_text(text).split()
    points = 1 + sum(len(words) >= n for n in (6, 11, 18))
    letters = sum(len(w) for w in words)
    if (words and letters / len(words) >= 6) or any(c.isdigit() for c in text):
        points += 1
    return min(points, 5)
