"""Reads for meetings: what a user may see, transcripts, search, sharing and uploads."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import OuterRef, Q, QuerySet, Subquery, TextField, Value
from django.db.models.functions import Coalesce, Concat
from django.http import Http404
from django.shortcuts import get_object_or_404

from meetings.models import ChunkedUpload, Meeting, Participant, ProcessingJob, Segment, Speaker, Summary
from sawt.core.errors import SawtError, ValidationFailed
from sawt.core.ownership import get_owned_or_404


class ReadOnly(SawtError):
    """The meeting is shared with the user read-only. Outsiders get 404; viewers get this 403."""

    code = "read_only"
    message = "This meeting is shared with you read-only."
    status_code = 403


def meeting_get(*, user: Any, meeting_id: int, edit: bool = False) -> Meeting:
    meeting = get_owned_or_404(Meeting.objects.select_related("owner"), user, pk=meeting_id)
    if edit and not Meeting.objects.editable_by(user).filter(pk=meeting.pk).exists():
        raise ReadOnly()
    return meeting


def meeting_get_as_owner(*, user: Any, meeting_id: int, refusal: str) -> Meeting:
    """The meeting, for its owner only: a participant is refused (403, `refusal`), an outsider gets 404."""
    meeting = meeting_get(user=user, meeting_id=meeting_id)
    if meeting.owner_id != user.pk:
        raise ReadOnly(refusal)
    return meeting


def meeting_get_for_restore(*, user: Any, meeting_id: int) -> Meeting:
    """The owner's meeting, deleted or not; a participant is refused (403), anyone else gets 404."""
    meeting = Meeting.objects.filter(pk=meeting_id, owner_id=getattr(user, "pk", None)).first()
    if meeting is not None:
        return meeting
    meeting_get_as_owner(user=user, meeting_id=meeting_id, refusal="Only the owner can restore a meeting.")
    raise Http404("Not found.")  # unreachable: a visible meeting that is not the user's was refused above


# How the list may be sorted: the name a client sends, and the fields it sorts by (newest first on ties).
MEETING_ORDERINGS = {
    "-created": ["-created"],
    "created": ["created"],
    "title": ["title", "-created"],
    "-title": ["-title", "-created"],
    "duration": ["duration", "-created"],
    "-duration": ["-duration", "-created"],
}


def meeting_list(*, user: Any, query: str = "", ordering: str = "-created") -> QuerySet[Meeting]:
    meetings = Meeting.objects.visible_to(user).select_related("owner")
    if query:
        hits = segment_search(user=user, query=query).values("meeting_id")
        meetings = meetings.filter(Q(title__icontains=query) | Q(pk__in=hits))
    return meetings.order_by(*MEETING_ORDERINGS.get(ordering, ["-created"])).prefetch_related("jobs")


def segment_search(*, user: Any, query: str) -> QuerySet[Segment]:
    """Full-text search over the user's transcript lines. The words of a query may be split over a line
    and the next one (people are cut off, lines end mid-sentence): such a pair is found at its first line.

    PostgreSQL: `websearch_to_tsquery` against an English tsvector, ranked. Elsewhere (SQLite): every
    word must appear (case-insensitive), newest meetings first.
    """
    visible = Meeting.objects.visible_to(user).values("pk")
    following = Segment.objects.filter(meeting_id=OuterRef("meeting_id"), start__gt=OuterRef("start")).order_by(
        "start", "index"
    )
    lines = (
        Segment.objects.filter(meeting_id__in=visible)
        .select_related("meeting", "speaker")
        .annotate(next_text=Coalesce(Subquery(following.values("text")[:1]), Value(""), output_field=TextField()))
    )
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        search = SearchQuery(query, config="english", search_type="websearch")
        alone = SearchVector("text", config="english")
        pair = SearchVector(Concat("text", Value(" "), "next_text", output_field=TextField()), config="english")
        lines = lines.annotate(
            alone=alone, pair=pair, next_alone=SearchVector("next_text", config="english")
        ).annotate(rank=SearchRank(pair, search))
        # The line itself, or it and the next when neither holds the query alone.
        matching = Q(alone=search) | (Q(pair=search) & ~Q(next_alone=search))
        return lines.filter(matching).order_by("-rank", "start")
    words = query.split()
    if not words:
        return lines.none()
    in_line, in_pair, in_next = Q(), Q(), Q()
    for word in words:
        in_line &= Q(text__icontains=word)
        in_next &= Q(next_text__icontains=word)
        in_pair &= Q(text__icontains=word) | Q(next_text__icontains=word)
    return lines.filter(in_line | (in_pair & ~in_next)).order_by("-meeting__created", "start")


def segment_get(*, user: Any, segment_id: int, edit: bool = False) -> Segment:
    segment = _child_or_404(Segment.objects.select_related("meeting"), user, segment_id)
    meeting_get(user=user, meeting_id=segment.meeting_id, edit=edit)
    return segment


def speaker_get(*, user: Any, speaker_id: int, edit: bool = False) -> Speaker:
    speaker = _child_or_404(Speaker.objects.all(), user, speaker_id)
    meeting_get(user=user, meeting_id=speaker.meeting_id, edit=edit)
    return speaker


def meeting_speaker_get(*, meeting_id: int, speaker_id: int) -> Speaker:
    """A speaker named in a request about `meeting_id`; one of another meeting is an invalid request."""
    speaker = Speaker.objects.filter(pk=speaker_id, meeting_id=meeting_id).first()
    if speaker is None:
        raise ValidationFailed("No such speaker in this meeting.")
    return speaker


def account_by_username(*, username: str) -> Any | None:
    return get_user_model().objects.filter(username=username).first()


def participant_list(*, meeting: Meeting) -> QuerySet[Participant]:
    return meeting.participants.select_related("user")


def participant_get(*, owner: Any, participant_id: int) -> Participant:
    """A participant of one of `owner`'s meetings (only the owner manages sharing); 404 otherwise."""
    visible = Participant.objects.filter(meeting__owner_id=owner.pk, meeting__deleted_at__isnull=True)
    return get_object_or_404(visible.select_related("meeting"), pk=participant_id)


def chunked_upload_get(*, owner: Any, upload_id: int) -> ChunkedUpload:
    return get_object_or_404(ChunkedUpload, pk=upload_id, owner_id=owner.pk)


def job_get(*, user: Any, job_id: int) -> ProcessingJob:
    return _child_or_404(ProcessingJob.objects.select_related("meeting"), user, job_id)


def _child_or_404(queryset: QuerySet[Any], user: Any, pk: int) -> Any:
    visible = Meeting.objects.visible_to(user).values("pk")
    try:
        return queryset.get(pk=pk, meeting_id__in=visible)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("Not found.") from exc


def transcript_get(*, meeting: Meeting) -> dict[str, Any]:
    speakers = list(meeting.speakers.all())
    names = {s.pk: s.name for s in speakers}
    colors = {s.pk: s.color for s in speakers}
    segments = meeting.segments.order_by("start", "index")
    return {
        "segments": [
            {
                "id": s.pk,
                "start": s.start,
                "end": s.end,
                "text": s.text,
                "speaker": names.get(s.speaker_id) if s.speaker_id else None,
                "speaker_id": s.speaker_id,
                "color": colors.get(s.speaker_id) if s.speaker_id else None,
                "edited": s.edited,
                "words": s.words,
            }
            for s in segments
        ],
        "speakers": [
            {"id": s.pk, "label": s.label, "name": s.name, "color": s.color, "user": s.user_id} for s in speakers
        ],
    }


SPEAKER_REF = "[[speaker:{id}]]"  # how a stored summary names a speaker: by id, rendered on each read
_SPEAKER_REF = re.compile(r"\[\[speaker:(\d+)\]\]")


def _named(value: Any, names: dict[int, str]) -> Any:
    if isinstance(value, str):
        return _SPEAKER_REF.sub(lambda m: names.get(int(m.group(1)), "Unknown speaker"), value)
    if isinstance(value, list):
        return [_named(v, names) for v in value]
    if isinstance(value, dict):
        return {k: _named(v, names) for k, v in value.items()}
    return value


def summary_get(*, meeting: Meeting) -> Summary | None:
    """The meeting's summary with its speakers' current names in place of the ids it stores (unsaved:
    renaming a speaker changes what is read, never the stored text)."""
    summary = getattr(meeting, "summary", None)
    if summary is None:
        return None
    names = {speaker.pk: speaker.name for speaker in Speaker.objects.filter(meeting_id=meeting.pk)}
    return Summary(
        pk=summary.pk,
        meeting_id=summary.meeting_id,
        text=_named(summary.text, names),
        key_points=_named(summary.key_points, names),
        action_items=_named(summary.action_items, names),
        decisions=_named(summary.decisions, names),
        generator=summary.generator,
        created=summary.created,
    )
