"""The processing pipeline: decode check -> transcribe -> diarize -> align -> summarize.

Each stage reads what it needs from the database, replaces its own output in one transaction, and
only then moves ``ProcessingJob.stage`` on. A worker killed mid-stage leaves the stage unchanged, so
the re-run starts that stage again from its row and replaces (never duplicates) its output.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any

import numpy as np
from django.conf import settings
from django.db import transaction

from meetings.models import Meeting, ProcessingJob, Segment, Speaker
from meetings.services import TRANSCRIBE_PROGRESS, job_progress, meeting_notify, summary_save, transcription_progress
from sawt.core.jobs.runtime import JobFailed, run_job
from sawt.core.memory import release_free_memory
from sawt.core.storage import local_copy
from sawt.speech.audio import AudioDecodeError

log = logging.getLogger(__name__)
Stage = ProcessingJob.Stage
ORDER = [Stage.UPLOAD, Stage.TRANSCRIBE, Stage.DIARIZE, Stage.ALIGN, Stage.SUMMARIZE, Stage.DONE]
TRANSIENT = (OSError, ConnectionError, TimeoutError)
# Cosine similarity (CAM++ voice embeddings, the centroid of a speaker's windows) at or above which a
# speaker takes the name of a voice named in one of the owner's earlier meetings; one name per voice.
# `bench meetings` reports what it must separate: different people of one recording scored up to 0.772
# (pyannote_sample, one phone call) and 0.581 (dev00) against each other, a voice against itself in
# another cut at least 0.98; people recorded apart score 0.33-0.40. A miss beats a wrong name. Voices
# stored before CAM++ (Resemblyzer's 256-d) never match (`diarize.similarity` gives 0).
VOICE_MATCH = 0.85


class _Audio:
    """The job's recording, decoded piece by piece on each pass (`chunks`): never the whole recording
    as float32 in memory (a 4-hour meeting would be 0.9 GB)."""

    def __init__(self, job: ProcessingJob) -> None:
        self.job = job

    def chunks(self) -> Iterator[np.ndarray]:
        from sawt.speech.audio import audio_chunks

        file = self.job.meeting.recording.file
        with local_copy(file.storage, str(file.name)) as path:
            yield from audio_chunks(
                path, seconds=settings.MEETINGS_DECODE_SECONDS, max_seconds=settings.MEETINGS_MAX_SECONDS
            )


def job_run(*, job_id: int) -> None:
    """Runs (or resumes, at its stage) one processing job; a second delivery finds nothing to claim."""
    run_job(ProcessingJob, job_id, _process)


def _process(job: ProcessingJob) -> None:
    audio = _Audio(job)
    try:
        for stage in ORDER[ORDER.index(Stage(job.stage)) :]:
            if stage == Stage.DONE:
                break
            started = time.perf_counter()
            STAGES[stage](job, audio)
            release_free_memory()  # what this stage freed is not held while the next loads its model
            job.timings[stage] = round(time.perf_counter() - started, 3)
            following = ORDER[ORDER.index(stage) + 1]
            ProcessingJob.objects.filter(pk=job.pk).update(stage=following, timings=job.timings)
            job.stage = following
    except AudioDecodeError as exc:
        raise JobFailed(exc.code, exc.message) from exc
    except TRANSIENT as exc:
        log.warning("meeting job %s: transient failure in %s", job.pk, job.stage, exc_info=True)
        raise JobFailed(
            "transient", f"Temporary failure in {job.stage}: {exc}. It will be retried.", transient=True
        ) from exc
    except Exception as exc:
        log.exception("meeting job %s failed in %s", job.pk, job.stage)
        raise JobFailed("processing_error", f"Processing failed in {job.stage}: {type(exc).__name__}.") from exc


def stage_decode_check(job: ProcessingJob, audio: _Audio) -> None:
    from sawt.speech.audio import audio_seconds, probe_audio

    job_progress(job=job, stage=Stage.UPLOAD, progress=2)
    recording = job.meeting.recording
    if recording.size > settings.MEETINGS_MAX_FILE_BYTES:
        raise AudioDecodeError(
            "too_large", f"The file is larger than the {settings.MEETINGS_MAX_FILE_BYTES // 2**20} MB limit."
        )
    with local_copy(recording.file.storage, str(recording.file.name)) as path:  # one copy for both reads
        info = probe_audio(path)
        duration = audio_seconds(path, max_seconds=settings.MEETINGS_MAX_SECONDS)
    recording.format, recording.duration = f"{info.format}/{info.codec}", duration
    recording.content_type = info.content_type
    recording.save(update_fields=["format", "content_type", "duration"])
    Meeting.objects.filter(pk=job.meeting_id).update(duration=duration)


def stage_transcribe(job: ProcessingJob, audio: _Audio) -> None:
    from sawt.speech.asr import transcribe

    job_progress(job=job, stage=Stage.TRANSCRIBE, progress=TRANSCRIBE_PROGRESS[0])
    meeting = job.meeting
    duration = max(meeting.recording.duration or meeting.duration or 0.0, 1e-9)
    language = meeting.language or None
    progress = transcription_progress(job=job, duration=duration)
    rows: list[Segment] = []
    offset = 0.0
    for chunk in audio.chunks():
        # Piece by piece; the first piece's detected language holds for the rest of the meeting.
        def on_segment(segment: Any, at: float = offset) -> None:
            progress(SimpleNamespace(end=at + segment.end))  # the position in the whole recording

        result = transcribe(chunk, language=language, word_timestamps=True, on_segment=on_segment)
        language = language or result.language
        rows += [
            Segment(
                meeting=meeting,
                index=len(rows) + i,
                start=round(offset + s.start, 3),
                end=round(offset + s.end, 3),
                text=s.text.strip(),
                words=[
                    {
                        "start": round(offset + w.start, 3),
                        "end": round(offset + w.end, 3),
                        "word": w.word,
                        "probability": round(w.probability, 3),
                    }
                    for w in s.words
                ],
            )
            for i, s in enumerate(s for s in result.segments if s.text.strip())
        ]
        offset += len(chunk) / 16000
        progress(SimpleNamespace(end=offset))  # a piece with no speech moves the bar too
        release_free_memory()  # each piece's decode buffers; else the worker's arenas grow with the length
    with transaction.atomic():
        Segment.objects.filter(meeting=meeting).delete()
        Segment.objects.bulk_create(rows)
        if not meeting.language and language:
            Meeting.objects.filter(pk=meeting.pk).update(language=language)
    job_progress(job=job, stage=Stage.TRANSCRIBE, progress=TRANSCRIBE_PROGRESS[1])


def stage_diarize(job: ProcessingJob, audio: _Audio) -> None:
    from sawt.speech.diarize import diarize_chunks, unload

    job_progress(job=job, stage=Stage.DIARIZE, progress=55)
    meeting = job.meeting
    result = diarize_chunks(audio.chunks(), min_speakers=meeting.min_speakers, max_speakers=meeting.max_speakers)
    names = _recognise(result.embeddings, _known_voices(meeting))
    with transaction.atomic():
        Speaker.objects.filter(meeting=meeting).delete()
        for color, label in enumerate(result.speakers):
            name, user = names.get(label, ("", None))
            Speaker.objects.create(
                meeting=meeting,
                label=label,
                embedding=result.embeddings.get(label, []),
                color=color,
                display_name=name,
                user=user,
            )
        ProcessingJob.objects.filter(pk=job.pk).update(turns=[[t.start, t.end, t.speaker] for t in result.turns])
    job.turns = [[t.start, t.end, t.speaker] for t in result.turns]
    unload()  # so the summary's model does not load on top of both (the next job loads them again)
    job_progress(job=job, stage=Stage.DIARIZE, progress=80)


def _known_voices(meeting: Meeting) -> list[Speaker]:
    """Named speakers from the owner's other meetings: their voices are recognised in this one."""
    return list(
        Speaker.objects.filter(meeting__owner_id=meeting.owner_id)
        .exclude(meeting=meeting)
        .exclude(display_name="")
        .select_related("user")
    )


def _recognise(embeddings: dict[str, list[float]], known: list[Speaker]) -> dict[str, tuple[str, Any]]:
    """Name this meeting's voices after the closest named voice at or above VOICE_MATCH, one
    person per voice: the best-scoring pairs are taken first, so two voices never get the same name."""
    from sawt.speech.diarize import similarity

    pairs = sorted(
        (
            (similarity(embedding, speaker.embedding), label, speaker)
            for label, embedding in embeddings.items()
            if embedding
            for speaker in known
            if speaker.embedding
        ),
        key=lambda pair: pair[0],
        reverse=True,
    )
    named: dict[str, tuple[str, Any]] = {}
    people: set[tuple[str, int | None]] = set()
    for score, label, speaker in pairs:
        person = (speaker.display_name, speaker.user_id)
        if score < VOICE_MATCH:
            break
        if label not in named and person not in people:
            named[label] = (speaker.display_name, speaker.user)
            people.add(person)
    return named


def stage_align(job: ProcessingJob, audio: _Audio) -> None:
    """Give each word the speaker whose turn it overlaps most and split lines where the speaker
    changes, so every word is in a line and no line spans two speakers' turns (the diarization has
    already smoothed one-word changes away); then stretch each line over its speaker's turn around it."""
    from sawt.speech.diarize import SpeakerTurn, group_words_by_speaker, line_times, speaker_for_span

    job_progress(job=job, stage=Stage.ALIGN, progress=85)
    turns = [SpeakerTurn(float(a), float(b), str(c)) for a, b, c in job.turns]
    speakers = {s.label: s for s in Speaker.objects.filter(meeting=job.meeting)}
    rows: list[tuple[str | None, Segment]] = []
    for segment in Segment.objects.filter(meeting=job.meeting).order_by("start", "index"):
        words = segment.words or []
        if not words:
            label = speaker_for_span(turns, segment.start, segment.end)
            line = _copy(segment, segment.start, segment.end, segment.text, [], speakers.get(label or ""))
            rows.append((label, line))
            continue
        runs = group_words_by_speaker([(w["start"], w["end"]) for w in words], turns, min_words=1)
        for label, indexes in runs:
            group = [words[i] for i in indexes]
            text = "".join(w["word"] for w in group).strip()
            if text:
                line = _copy(segment, group[0]["start"], group[-1]["end"], text, group, speakers.get(label or ""))
                rows.append((label, line))
    times = line_times([(label, row.start, row.end) for label, row in rows], turns)
    for index, ((_, row), (start, end)) in enumerate(zip(rows, times, strict=True)):
        row.index, row.start, row.end = index, start, end
    with transaction.atomic():
        Segment.objects.filter(meeting=job.meeting).delete()
        Segment.objects.bulk_create(row for _, row in rows)


def _copy(
    segment: Segment, start: float, end: float, text: str, words: list[dict[str, Any]], speaker: Speaker | None
) -> Segment:
    return Segment(
        meeting_id=segment.meeting_id, index=0, start=start, end=end, text=text, words=words, speaker=speaker
    )


def stage_summarize(job: ProcessingJob, audio: _Audio) -> None:
    job_progress(job=job, stage=Stage.SUMMARIZE, progress=90)
    meeting_summarize(meeting_id=job.meeting_id)


def meeting_summarize(*, meeting_id: int) -> None:
    from meetings.selectors import SPEAKER_REF
    from sawt.speech.summarize import Utterance, summarize

    segments = Segment.objects.filter(meeting_id=meeting_id).select_related("speaker").order_by("start", "index")
    # Speakers by id: the summary is rendered with their current names on each read (selectors.summary_get).
    utterances = [
        Utterance(SPEAKER_REF.format(id=s.speaker_id) if s.speaker_id else "Unknown speaker", s.text, s.start)
        for s in segments
    ]
    summary_save(meeting_id=meeting_id, result=summarize(utterances))
    meeting_notify(meeting_id=meeting_id, event={"type": "summary"})


STAGES: dict[str, Callable[[ProcessingJob, _Audio], None]] = {
    Stage.UPLOAD: stage_decode_check,
    Stage.TRANSCRIBE: stage_transcribe,
    Stage.DIARIZE: stage_diarize,
    Stage.ALIGN: stage_align,
    Stage.SUMMARIZE: stage_summarize,
}
