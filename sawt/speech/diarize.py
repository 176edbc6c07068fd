"""Speaker diarization: who spoke when.

Silero VAD (shipped inside faster-whisper) finds speech (a permissive pass for what gets a speaker, a
strict one for what is embedded); Resemblyzer (a GE2E d-vector encoder that ships its weights in the
wheel) embeds overlapping 1.5 s windows (0.1 s hop) inside the clear speech. Speakers are found in two
steps. Voices that are clearly different people (a montage, a phone call's two ends recorded apart,
speakers on their own microphones) are told apart by an absolute measure: up to 3 s pieces of speech
are grouped bottom-up while the most alike groups are more alike than ``DISTINCT_VOICES``: the same
person's voice across a recording stays above it, different people's below. Where every voice is that
alike (one room, one far-field microphone), spectral clustering of a refined cosine affinity over a
bounded, evenly spread sample of the windows finds the speakers relative to each other. Either way
every window then goes to its nearest centroid (refined k-means style). The recording is processed
piece by piece (`diarize_chunks`), so its length is bounded by disk, not memory. The spectral step's
speaker count is the largest eigengap over the allowed range (``min_speakers``..``max_speakers``), or
``num_speakers`` when given (the grouping is then skipped). Frame labels are smoothed with a majority
filter before turns are built, so one odd window does not create a one-word speaker change.

Everything here is CPU-friendly: the encoder is a 3-layer LSTM on 40-band mel frames.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from sawt.core.memory import release_free_memory
from sawt.speech.audio import SAMPLE_RATE

log = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float32]
FRAME = 0.01  # seconds per label frame
# Windows per encoder call: the LSTM's activations for 256 windows of 1.5 s take ~300 MB, for 32 ~40 MB.
EMBED_BATCH = 32

_lock = threading.Lock()
_encoder: Any = None


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


def get_encoder() -> Any:
    """The process-wide Resemblyzer ``VoiceEncoder`` (CPU), loaded once."""
    global _encoder
    if _encoder is None:
        with _lock:
            if _encoder is None:
                import warnings

                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # webrtcvad's pkg_resources deprecation
                    from resemblyzer import VoiceEncoder

                _encoder = VoiceEncoder(device="cpu", verbose=False)
    return _encoder


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


def _hz_to_mel(hz: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Slaney's mel scale (librosa's default): linear below 1 kHz, logarithmic above."""
    linear = hz / (200.0 / 3)
    return np.where(hz >= 1000.0, 15.0 + np.log(np.maximum(hz, 1e-10) / 1000.0) / (np.log(6.4) / 27.0), linear)


def _mel_to_hz(mel: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    return np.where(mel >= 15.0, 1000.0 * np.exp(np.log(6.4) / 27.0 * (mel - 15.0)), mel * (200.0 / 3))


def _mel_filters(n_fft: int = 400, n_mels: int = 40) -> FloatArray:
    """librosa.filters.mel(sr=16000, n_fft, n_mels) (Slaney scale and area normalisation)."""
    fft_hz = np.fft.rfftfreq(n_fft, 1.0 / SAMPLE_RATE)
    edges = _mel_to_hz(np.linspace(_hz_to_mel(np.array(0.0)), _hz_to_mel(np.array(SAMPLE_RATE / 2.0)), n_mels + 2))
    widths, ramps = np.diff(edges), np.subtract.outer(edges, fft_hz)
    weights = np.stack(
        [np.maximum(0, np.minimum(-ramps[i] / widths[i], ramps[i + 2] / widths[i + 1])) for i in range(n_mels)]
    )
    return np.asarray(weights * (2.0 / (edges[2:] - edges[:-2]))[:, None], dtype=np.float32)


def mel_spectrogram(samples: FloatArray, n_fft: int = 400, hop: int = 160) -> FloatArray:
    """Resemblyzer's input, (frames, 40) power mel frames every 10 ms, equal to its
    ``wav_to_mel_spectrogram`` (librosa, centred, zero-padded, periodic Hann) to float rounding, in numpy:
    librosa's first call compiles numba code and takes ~200 MB of the worker's memory for good."""
    padded = np.pad(np.asarray(samples, dtype=np.float32), n_fft // 2)
    count = 1 + (len(padded) - n_fft) // hop
    if count <= 0:
        return np.zeros((0, 40), dtype=np.float32)
    window = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n_fft) / n_fft)).astype(np.float32)
    frames = np.lib.stride_tricks.as_strided(
        padded, shape=(count, n_fft), strides=(padded.strides[0] * hop, padded.strides[0]), writeable=False
    )
    out = np.empty((count, 40), dtype=np.float32)
    filters = _mel_filters(n_fft).T
    for first in range(0, count, 6000):  # a minute of frames at a time
        power = np.abs(np.fft.rfft(frames[first : first + 6000] * window, axis=1)) ** 2
        out[first : first + 6000] = power.astype(np.float32) @ filters
    return out


def embed_windows(samples: FloatArray, spans: Sequence[tuple[float, float]]) -> FloatArray:
    """One L2-normalised 256-d embedding per (start, end) span."""
    import torch

    encoder = get_encoder()
    # One mel spectrogram for the whole recording (10 ms hop), sliced per window: windows overlap,
    # so computing it per window would repeat most of the work.
    full = mel_spectrogram(samples)
    per_second = 100
    mels = [full[round(start * per_second) : round(end * per_second)] for start, end in spans]
    out = np.zeros((len(mels), 256), dtype=np.float32)
    # Batches of equal-length windows (the common case) run as one tensor; short ones alone.
    by_length: dict[int, list[int]] = {}
    for index, mel in enumerate(mels):
        by_length.setdefault(len(mel), []).append(index)
    with torch.no_grad():
        for length, indices in by_length.items():
            if length == 0:
                continue
            for first in range(0, len(indices), EMBED_BATCH):
                part = indices[first : first + EMBED_BATCH]
                batch = torch.from_numpy(np.stack([mels[i] for i in part])).to(encoder.device)
                out[part] = encoder(batch).cpu().numpy()
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


# Mean cosine similarity of two groups' 3 s pieces below which they are different people. On the data
# folder's recordings (bench meetings' montages, docs/benchmarks.md) 0.55 to 0.60 all tell every one of
# six people recorded apart from the others and keep each one whole (0.52 merges two people, 0.63 splits
# JFK's 1961 speech with its crowd). In centroid terms: people recorded apart are 0.43-0.62 alike, one
# person's pieces 0.69 and up; speakers of one far-field meeting or one phone call are 0.69-0.94, which
# no threshold separates from one voice (the spectral step's case).
DISTINCT_VOICES = 0.58
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
    step: float = 0.1,
    smoothing: float = 0.5,
    max_cluster: int = 2000,
    refine: int = 5,
    vad: dict[str, float] | None = None,
    core_vad: dict[str, float] | None = None,
) -> Diarization:
    """Speaker turns for a recording given as consecutive float32 mono 16 kHz pieces (any number,
    any length: only one piece is in memory at a time, plus one 256-d embedding per window).

    Every window of clear speech is embedded; clearly different voices are found by grouping pieces of
    speech (:func:`distinct_voices`, unless ``num_speakers`` is given); where that finds one voice (or
    fewer than ``min_speakers``), the speakers are found by spectral clustering of at most
    ``max_cluster`` windows (evenly spread over the recording, so the clustering's O(n^2) affinity
    stays bounded however long the meeting). Then every window goes to its nearest centroid and the
    centroids are re-estimated from all windows ``refine`` times (k-means on the sphere, which also
    repairs a poor spectral split). Each frame of (permissively detected) speech takes the label of the
    nearest window, and labels are smoothed with a majority filter before turns are built."""
    spans: list[tuple[float, float]] = []
    regions: list[tuple[float, float]] = []
    parts: list[npt.NDArray[np.float16]] = []
    offset = 0.0
    for chunk in chunks:
        chunk = np.ascontiguousarray(chunk, dtype=np.float32)
        found = speech_regions(chunk, **(vad or SPEECH_VAD))
        core = speech_regions(chunk, **(core_vad or CORE_VAD)) or found
        local = _windows(core, window, step)
        if local:
            parts.append(embed_windows(chunk, local).astype(np.float16))  # half the memory, same clusters
            spans += [(offset + a, offset + b) for a, b in local]
        regions += [(offset + a, offset + b) for a, b in found]
        offset += len(chunk) / SAMPLE_RATE
        release_free_memory()  # the piece's mel frames and encoder activations
    if not regions or not spans:
        return Diarization([])
    vectors = np.concatenate(parts)
    del parts
    voices = None
    if num_speakers is None:
        voices = distinct_voices(vectors, spans, step=step, max_speakers=max_speakers or 8, max_groups=max_cluster)
    if voices is not None and voices.max() + 1 >= max(2, min_speakers or 1):
        labels = voices  # clearly different voices
    else:  # one voice, or voices too alike to tell apart absolutely: speakers relative to each other
        sample = np.unique(np.linspace(0, len(vectors) - 1, min(len(vectors), max_cluster)).round().astype(int))
        first = cluster(
            vectors[sample].astype(np.float32),
            num_speakers=num_speakers,
            min_speakers=min_speakers or 1,
            max_speakers=max_speakers or 8,
        )
        labels = _nearest(vectors, _centroids(vectors[sample], first))
    centroids = _centroids(vectors, labels)
    for _ in range(refine):
        centroids = _centroids(vectors, labels)
        labels = _nearest(vectors, centroids)
    frame_labels = _frame_labels(regions, spans, labels, offset)
    frame_labels = _majority_filter(frame_labels, int(smoothing / FRAME))
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
    embeddings: dict[str, list[float]] = {}
    for cluster_id, name in order.items():
        centroid = centroids[cluster_id]
        embeddings[name] = (centroid / max(float(np.linalg.norm(centroid)), 1e-8)).round(5).tolist()
    return Diarization(turns, embeddings)


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
