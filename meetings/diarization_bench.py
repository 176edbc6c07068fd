"""`bench meetings`' diarization figures: pooled DER of the diarization turns (what the RTTM export
serves) and of the transcript's speaker lines, on every multi-speaker recording with a reference RTTM
in the data folder (`<stem>.rttm` beside the audio) and its `dev/` folder (`dev/rttm/<stem>.rttm`).

Pooled DER is pyannote.metrics' definition summed over the files: (missed speech + false alarm +
confusion) / all reference speech, no collar, overlapped speech scored.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

AUDIO = (".wav", ".flac", ".mp3", ".ogg", ".m4a")
Run = Callable[[np.ndarray], dict[str, Any]]


def multi_speaker_recordings(data: Path) -> list[tuple[Path, Path]]:
    """(audio, rttm) pairs: `<stem>.rttm` beside the audio, or in `rttm/` under the audio's folder."""
    pairs = []
    for folder, rttms in ((data, data.glob("*.rttm")), (data / "dev", (data / "dev" / "rttm").glob("*.rttm"))):
        for rttm in sorted(rttms):
            audio = next((folder / (rttm.stem + ext) for ext in AUDIO if (folder / (rttm.stem + ext)).exists()), None)
            if audio is not None:
                pairs.append((audio, rttm))
    return pairs


def der_figures(data: Path, run: Run) -> dict[str, Any]:
    """Per file and pooled DER for the turns and the lines; `run(samples)` returns `turns` and `lines`
    as (start, end, label) and `speakers`."""
    from sawt.speech.audio import decode_audio
    from sawt.speech.der import diarization_error_rate, read_rttm

    pooled: dict[str, dict[str, float]] = {
        k: {"fa": 0.0, "miss": 0.0, "conf": 0.0, "total": 0.0} for k in ("turns", "lines")
    }
    files: dict[str, Any] = {}
    for audio, rttm in multi_speaker_recordings(data):
        reference = read_rttm(rttm)
        out = run(decode_audio(audio, max_seconds=float("inf")))
        entry: dict[str, Any] = {
            "speakers_found": len(out["speakers"]),
            "speakers_reference": len({label for _, _, label in reference}),
        }
        for kind in ("turns", "lines"):
            score = diarization_error_rate(reference, out[kind])
            entry[f"der_{kind}"] = round(score.der, 4)
            sums = pooled[kind]
            sums["fa"] += score.false_alarm * score.total
            sums["miss"] += score.miss * score.total
            sums["conf"] += score.confusion * score.total
            sums["total"] += score.total
        files[audio.name] = entry
    result: dict[str, Any] = {"der_files": files}
    for kind, sums in pooled.items():
        total = max(sums["total"], 1e-9)
        result[f"der_pooled_{kind}"] = round((sums["fa"] + sums["miss"] + sums["conf"]) / total, 4)
        result[f"der_pooled_{kind}_missed"] = round(sums["miss"] / total, 4)
        result[f"der_pooled_{kind}_false_alarm"] = round(sums["fa"] / total, 4)
        result[f"der_pooled_{kind}_confusion"] = round(sums["conf"] / total, 4)
    result["der_reference_speech_s"] = round(pooled["turns"]["total"], 1)
    result["der_speaker_count_exact"] = sum(f["speakers_found"] == f["speakers_reference"] for f in files.values())
    return result
