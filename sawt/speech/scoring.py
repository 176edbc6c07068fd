"""Word and character error rates with a documented text normalisation.

WER = (substitutions + deletions + insertions) / reference words.  It is a fraction
(0.05 = 5 %) and can exceed 1.0 when the hypothesis has many extra words.  With an
empty (normalised) reference, WER and CER are 0.0 for an empty hypothesis and 1.0
otherwise: every word is an insertion and the ratio has no denominator.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

import jiwer

from sawt.speech.language import normalize
from sawt.speech.language import number_to_words as number_to_words
from sawt.speech.language import ordinal_to_words as ordinal_to_words


def normalize_text(
    text: str, *, case_sensitive: bool = False, keep_punctuation: bool = False, numbers: bool = False
) -> str:
    """The engine's normalisation (:func:`sawt.speech.language.normalize`, which lists its steps): NFKC,
    apostrophe and dash variants unified, case folded unless ``case_sensitive``, punctuation to spaces
    unless ``keep_punctuation``, digits spelled as words with ``numbers``."""
    return normalize(text, case_sensitive=case_sensitive, keep_punctuation=keep_punctuation, numbers=numbers)


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
