"""Meetings' panel on the home page (`sawt.core.home`)."""

from typing import Any

from django.db.models import Count, Q

from meetings.models import Meeting
from sawt.core.home import counted, home_panel


@home_panel(title="Meetings", url="/meetings/", blurb="Upload or record; transcript with speakers, summary, export.")
def meetings_summary(user: Any) -> str:
    busy = [Meeting.Status.QUEUED, Meeting.Status.PROCESSING]
    figures = Meeting.objects.visible_to(user).aggregate(total=Count("pk"), busy=Count("pk", filter=Q(status__in=busy)))
    if not figures["total"]:
        return "No meetings yet."
    line = counted(figures["total"], "meeting")
    return f"{line}, {figures['busy']} processing" if figures["busy"] else line
