"""Meetings' panel on the home page (`sawt.core.home`)."""

from typing import Any

from django.db.models import Count, Q

from meetings.models import Meeting
from sawt.core.home import Link, counted, home_panel, latest_items, needs_attention


@home_panel(
    title="Meetings", url="/meetings/", blurb="Upload or record; transcript with speakers, summary, export."
)
def meetings_summary(user: Any) -> str:
    busy = [Meeting.Status.QUEUED, Meeting.Status.PROCESSING]
    figures = Meeting.objects.visible_to(user).aggregate(total=Count("pk"), busy=Count("pk", filter=Q(status__in=busy)))
    if not figures["total"]:
        return "No meetings yet."
    line = counted(figures["total"], "meeting")
    return f"{line}, {figures['busy']} processing" if figures["busy"] else line


@latest_items("/meetings/")
def latest_meetings(user: Any) -> list[Link]:
    return [Link(m.title, f"/meetings/{m.pk}/") for m in Meeting.objects.visible_to(user).order_by("-created")[:3]]


@needs_attention("/meetings/")
def failed_meetings(user: Any) -> list[Link]:
    failed = Meeting.objects.visible_to(user).filter(status=Meeting.Status.FAILED).order_by("-created")[:5]
    return [Link(f"“{m.title}” could not be processed", f"/meetings/{m.pk}/") for m in failed]
