"""The phone voice bot's panel on the home page (`sawt.core.home`)."""

from typing import Any

from django.utils import timezone

from sawt.core.home import Link, counted, home_panel, latest_items, needs_attention
from voicebot.models import Business, Call, Reservation


@home_panel(title="Phone voice bot", url="/voicebot/", blurb="Answers your business's phone and books tables.")
def voicebot_summary(user: Any) -> str:
    businesses = Business.objects.visible_to(user).count()
    if not businesses:
        return "No business set up yet."
    upcoming = Reservation.objects.visible_to(user).active().filter(date__gte=timezone.localdate()).count()
    return f"{counted(businesses, 'business', 'businesses')}, {counted(upcoming, 'upcoming booking')}."


@latest_items("/voicebot/")
def latest_calls(user: Any) -> list[Link]:
    calls = Call.objects.visible_to(user).select_related("business").order_by("-started_at")[:3]
    return [
        Link(f"{call.business.name}: call of {call.started_at.astimezone(call.business.tzinfo):%d %b %H:%M}",
             f"/voicebot/calls/{call.pk}/")
        for call in calls
    ]


@needs_attention("/voicebot/")
def todays_bookings(user: Any) -> list[Link]:
    """Today's bookings, each business's today in its own time zone."""
    links = []
    for business in Business.objects.visible_to(user).order_by("name"):
        today = timezone.now().astimezone(business.tzinfo).date()
        booked = business.reservations.filter(status=Reservation.Status.BOOKED, date=today).count()
        if booked:
            label = f"{business.name}: {counted(booked, 'booking')} today"
            links.append(Link(label, f"/voicebot/businesses/{business.pk}/"))
    return links
