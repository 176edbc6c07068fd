"""Server-rendered meeting pages; the JS on them talks to the API with the session."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import ensure_csrf_cookie

from meetings import selectors
from meetings.models import Meeting


@login_required
@ensure_csrf_cookie
def index(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    hits = list(selectors.segment_search(user=request.user, query=query)[:20]) if query else []
    matching = selectors.meeting_list(user=request.user, query=query)
    # A search that finds nothing says so and leaves the list as it was.
    meetings = (matching if not query or hits or matching.exists() else selectors.meeting_list(user=request.user))[:100]
    return render(request, "meetings/index.html", {"meetings": meetings, "query": query, "hits": hits})


@login_required
@ensure_csrf_cookie
def detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
    editable = Meeting.objects.editable_by(request.user).filter(pk=meeting.pk).exists()
    transcript = selectors.transcript_get(meeting=meeting)
    return render(
        request,
        "meetings/detail.html",
        {
            "meeting": meeting,
            "transcript": transcript,
            "summary": selectors.summary_get(meeting=meeting),
            "job": meeting.jobs.first(),
            "editable": editable,
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
