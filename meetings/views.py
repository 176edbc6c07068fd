"""Server-rendered meeting pages; the JS on them talks to the API with the session."""

from datetime import timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import ensure_csrf_cookie

from meetings import selectors
from meetings.models import Meeting
from meetings.services import UNDO_SECONDS

PAGE_SIZE = 25
# The languages offered for an upload when the speech model is multilingual (code, name).
LANGUAGES = [
    ("en", "English"),
    ("ar", "Arabic"),
    ("de", "German"),
    ("es", "Spanish"),
    ("fr", "French"),
    ("hi", "Hindi"),
    ("it", "Italian"),
    ("ja", "Japanese"),
    ("nl", "Dutch"),
    ("pt", "Portuguese"),
    ("ru", "Russian"),
    ("tr", "Turkish"),
    ("ur", "Urdu"),
    ("zh", "Chinese"),
]
# Column -> the `sort` values for ascending and descending.
SORTS = {"title": ("title", "-title"), "duration": ("duration", "-duration"), "created": ("created", "-created")}


def _upload_languages() -> list[tuple[str, str]]:
    """What the upload form offers: an English-only model (tiny.en) transcribes everything as English,
    so it offers nothing else; a multilingual one detects by default."""
    from sawt.speech.config import get_config

    if get_config().asr_model.endswith(".en"):
        return [("en", "English")]
    return [("", "Detect automatically"), *LANGUAGES]


@login_required
@ensure_csrf_cookie
def index(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    sort = request.GET.get("sort", "-created")
    sort = sort if sort in selectors.MEETING_ORDERINGS else "-created"
    hits = list(selectors.segment_search(user=request.user, query=query)[:20]) if query else []
    matching = selectors.meeting_list(user=request.user, query=query, ordering=sort)
    # A search that finds nothing says so and leaves the list as it was.
    if query and not hits and not matching.exists():
        matching = selectors.meeting_list(user=request.user, ordering=sort)
    page = Paginator(matching, PAGE_SIZE).get_page(request.GET.get("page"))
    columns = {
        column: {"sort": down if sort == up else up, "current": "asc" if sort == up else "desc" if sort == down else ""}
        for column, (up, down) in SORTS.items()
    }
    return render(
        request,
        "meetings/index.html",
        {
            "meetings": page,
            "page": page,
            "query": query,
            "sort": sort,
            "columns": columns,
            "hits": hits,
            "languages": _upload_languages(),
            "deleted": _just_deleted(request),
        },
    )


def _just_deleted(request: HttpRequest) -> dict[str, Any] | None:
    """The meeting the owner deleted a moment ago (`?deleted=<id>`), while it can still be restored."""
    try:
        meeting_id = int(request.GET.get("deleted", ""))
    except ValueError:
        return None
    since = timezone.now() - timedelta(seconds=UNDO_SECONDS)
    meeting = Meeting.objects.filter(pk=meeting_id, owner_id=request.user.pk, deleted_at__gt=since).first()
    if meeting is None or meeting.deleted_at is None:
        return None
    left = UNDO_SECONDS - (timezone.now() - meeting.deleted_at).total_seconds()
    return {"id": meeting.pk, "title": meeting.title, "seconds_left": max(1, int(left))}


def _lines(segments: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each line with its words to show one by one (highlighted while played, a click seeks), when they
    still spell its text (lines edited before edits kept word timings show as plain text)."""
    for line in segments:
        words = line["words"] or []
        spelled = "".join(str(w.get("word", "")) for w in words).strip() == line["text"]
        line["tokens"] = (
            [{"start": w["start"], "end": w["end"], "text": str(w["word"]).strip()} for w in words] if spelled else []
        )
    return segments


@login_required
@ensure_csrf_cookie
def detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
    editable = Meeting.objects.editable_by(request.user).filter(pk=meeting.pk).exists()
    transcript = selectors.transcript_get(meeting=meeting)
    job = meeting.jobs.first()
    return render(
        request,
        "meetings/detail.html",
        {
            "meeting": meeting,
            "lines": _lines(transcript["segments"]),
            "speakers": transcript["speakers"],
            "summary": selectors.summary_get(meeting=meeting),
            "job": job,
            # A file that could not be read: its error and a delete button, nothing else.
            "unreadable": job is not None and job.file_unreadable,
            "editable": editable,
            "is_owner": meeting.owner_id == request.user.pk,
            "has_audio": hasattr(meeting, "recording"),
            # Only the owner shares (the API's rule too): who else sees the meeting, and how.
            "participants": meeting.participants.select_related("user").order_by("user__username")
            if meeting.owner_id == request.user.pk
            else None,
            "formats": ["txt", "srt", "vtt", "json", "md", "docx", "rttm"],
        },
    )


@login_required
@ensure_csrf_cookie
def live(request: HttpRequest) -> HttpResponse:
    return render(request, "meetings/live.html")
