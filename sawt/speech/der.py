"""Diarization error rate, as pyannote.metrics defines it (no collar, overlapped speech scored).

DER = (false alarm + missed detection + confusion) / total reference speech, where at every instant
with N_ref reference and N_hyp hypothesis speakers: false alarm = max(0, N_hyp - N_ref), miss =
max(0, N_ref - N_hyp), and confusion = min(N_ref, N_hyp) - (speakers matched at that instant), with
reference and hypothesis labels paired by the one-to-one mapping that maximises total overlap
(Hungarian algorithm). Computed on a fine time grid (10 ms by default).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.optimize import linear_sum_assignment

Turn = tuple[float, float, str]  # start, end, speaker label


@dataclass(frozen=True)
class DiarizationScore:
    der: float
    false_alarm: float  # fractions of total reference speech
    miss: float
    confusion: float
    total: float  # seconds of reference speech (overlap counted once per speaker)


def read_rttm(path: str | Path) -> list[Turn]:
    turns: list[Turn] = []
    for line in Path(path).read_text().splitlines():
        fields = line.split()
        if len(fields) >= 8 and fields[0] == "SPEAKER":
            start, duration = float(fields[3]), float(fields[4])
            turns.append((start, start + duration, fields[7]))
    return turns


def _activity(turns: Sequence[Turn], labels: list[str], frames: int, step: float) -> np.ndarray:
    grid = np.zeros((len(labels), frames), dtype=bool)
    for start, end, label in turns:
        grid[labels.index(label), round(start / step) : round(end / step)] = True
    return grid


def diarization_error_rate(
    reference: Iterable[Turn], hypothesis: Iterable[Turn], *, step: float = 0.01
) -> DiarizationScore:
    ref, hyp = list(reference), list(hypothesis)
    ref_labels = sorted({t[2] for t in ref})
    hyp_labels = sorted({t[2] for t in hyp})
    end = max([t[1] for t in ref + hyp] or [0.0])
    frames = round(end / step) + 1
    r = _activity(ref, ref_labels, frames, step)
    h = _activity(hyp, hyp_labels, frames, step)
    n_ref, n_hyp = r.sum(axis=0), h.sum(axis=0)
    total = float(n_ref.sum()) * step
    if total == 0:
        return DiarizationScore(0.0, 0.0, 0.0, 0.0, 0.0)
    matched = np.zeros(frames, dtype=int)
    if ref_labels and hyp_labels:
        overlap = r.astype(np.int32) @ h.T.astype(np.int32)
        rows, cols = linear_sum_assignment(-overlap)
        for i, j in zip(rows, cols, strict=True):
            matched += r[i] & h[j]
    false_alarm = float(np.maximum(0, n_hyp - n_ref).sum()) * step
    miss = float(np.maximum(0, n_ref - n_hyp).sum()) * step
    confusion = float((np.minimum(n_ref, n_hyp) - matched).sum()) * step
    return DiarizationScore(
        der=(false_alarm + miss + confusion) / total,
        false_alarm=false_alarm / total,
        miss=miss / total,
        confusion=confusion / total,
        total=total,
    )
