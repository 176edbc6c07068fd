"""The phone voice bot's panel on the home page (`sawt.core.home`)."""

from typing import Any

from django.utils import timezone

from sawt.core.home import counted, home_panel
from voicebot.models import Business, Reservation


@home_panel(title="Phone voice bot", url="/voicebot/", blurb="Answers your business's phone and books tables.")
def voicebot_summary(user: Any) -> str:
    businesses = Business.objects.visible_to(user).count()
    if not businesses:
        return "No business set up yet."
    upcoming = Reservation.objects.visible_to(user).active().filter(date__gte=timezone.localdate()).count()
    return f"{counted(businesses, 'business', 'businesses')}, {counted(upcoming, 'upcoming booking')}."
