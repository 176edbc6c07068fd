"""`bench meetings`' diarization figures: pooled DER of the diarization turns (what the RTTM export
serves) and of the transcript's speaker lines, on every multi-speaker recording with a reference RTTM
in the data folder (`<stem>.rttm` beside the audio) and its `dev/` folder (`dev/rttm/<stem>.rttm`).

Pooled DER is pyannote.metrics' definition summed over the files: (missed speech + false alarm +
confusion) / all reference speech, no collar, overlapped speech scored.

Also clean montages (`montage_figures`): people recorded apart, from the data folder's one-speaker
recordings, cut at their pauses and interleaved, with the reference turns known by construction; what
an outside check of "exactly N speakers on a clean recording of N" plays.
"""

from __future__ import annotations

import itertools
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


# One person each, from the data folder (`../shared/data`, the manifests say whence): recordings of
# different people made apart. Several LJSpeech clips are one reader, as are the two LibriSpeech 1221
# clips.
PEOPLE = {
    "jfk": ["fw_jfk.flac"],
    "ljspeech": ["dev/sb_LJ050-0131.wav", "dev/nemo_LJ019-0373.wav", "dev/nemo_LJ050-0234.wav"],
    "librispeech_1221": ["dev/tac_1221-135766-0001.wav", "dev/tac_1221-135766-0002.wav"],
    "harvard_osr": ["osr_us_000_0034_8k.wav"],
    "mfa_monologue": ["dev/mfa_acoustic_corpus.wav"],
    "librispeech_1995": ["dev/wenet_librispeech-1995-1837-0001.wav"],
}


def person_pieces(data: Path, person: str) -> list[np.ndarray]:
    """`person`'s recordings (`PEOPLE`) cut at their pauses into pieces of 0.8 to 5 s (16 kHz samples)."""
    from sawt.speech.audio import SAMPLE_RATE, decode_audio
    from sawt.speech.diarize import speech_regions

    samples = np.concatenate([decode_audio(data / f, max_seconds=float("inf")) for f in PEOPLE[person]])
    cuts: list[list[float]] = []
    for start, end in speech_regions(samples, min_silence=0.3, pad=0.05, threshold=0.5):
        if cuts and end - cuts[-1][0] < 5.0:
            cuts[-1][1] = end
        else:
            cuts.append([start, end])
    return [samples[int(a * SAMPLE_RATE) : int(b * SAMPLE_RATE)] for a, b in cuts if b - a > 0.8]


def montage(
    pieces: dict[str, list[np.ndarray]], people: list[str], seconds: float
) -> tuple[np.ndarray, list[tuple[float, float, str]]]:
    """`people` taking turns for about `seconds` with their `pieces` (`person_pieces`), played in turn
    (round robin, looping a person's pieces), 0.4-0.8 s of silence between turns. Returns the 16 kHz
    samples and the reference turns (start, end, person)."""
    from sawt.speech.audio import SAMPLE_RATE

    rng = np.random.default_rng(0)
    audio, reference, clock = [np.zeros(int(0.3 * SAMPLE_RATE), dtype=np.float32)], [], 0.3
    for turn in itertools.count():
        if clock >= seconds:
            break
        person = people[turn % len(people)]
        piece = pieces[person][(turn // len(people)) % len(pieces[person])]
        gap = 0.4 + 0.4 * float(rng.random())
        reference.append((clock, clock + len(piece) / SAMPLE_RATE, person))
        audio += [piece, np.zeros(int(gap * SAMPLE_RATE), dtype=np.float32)]
        clock += len(piece) / SAMPLE_RATE + gap
    return np.concatenate(audio), reference


def montage_figures(data: Path, sizes: tuple[int, ...] = (2, 3, 4)) -> dict[str, Any]:
    """Every montage of 2, 3 and 4 of `PEOPLE` (45 s + 15 s per person), diarized: how many found
    exactly their number of people, and the pooled DER of the turns."""
    from sawt.speech.der import diarization_error_rate
    from sawt.speech.diarize import diarize

    if not all((data / f).exists() for files in PEOPLE.values() for f in files):
        return {"montages": "skipped: the data folder lacks the one-speaker recordings"}
    pieces = {person: person_pieces(data, person) for person in PEOPLE}
    result: dict[str, Any] = {}
    errors, total = 0.0, 0.0
    for size in sizes:
        exact, wrong = 0, []
        groups = list(itertools.combinations(PEOPLE, size))
        for people in groups:
            samples, reference = montage(pieces, list(people), 45.0 + 15.0 * size)
            found = diarize(samples)
            score = diarization_error_rate(reference, [(t.start, t.end, t.speaker) for t in found.turns])
            errors += score.der * score.total
            total += score.total
            if len(found.speakers) == size:
                exact += 1
            else:
                wrong.append(f"{'+'.join(people)}: {len(found.speakers)}")
        result[f"montage_{size}_people_exact"] = f"{exact}/{len(groups)}"
        if wrong:
            result[f"montage_{size}_people_wrong_counts"] = wrong
    result["montage_der_pooled_turns"] = round(errors / max(total, 1e-9), 4)
    return result
