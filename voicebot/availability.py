"""Booking rules (seed PRD 8.5): hours, holidays, capacity per slot, max party, lead time, horizon.

Pure functions over a `Business` and the seats already booked per slot, so the dialogue, the API
and the tests all ask the same question the same way. The database read lives in selectors.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from voicebot.models import WEEKDAYS, Business

BookedSeats = Callable[[dt.date], dict[dt.time, int]]


@dataclass(frozen=True)
class Verdict:
    ok: bool
    reason: str = ""  # closed, holiday, outside_hours, party_too_large, too_soon, too_far, full

    @property
    def explanation(self) -> str:
        """In the active language (the caller's, during a call)."""
        return str(REASONS.get(self.reason, ""))


REASONS = {
    "closed": gettext_lazy("we are closed that day"),
    "holiday": gettext_lazy("we are closed for a holiday that day"),
    "outside_hours": gettext_lazy("that is outside our opening hours"),
    "party_too_large": gettext_lazy("that party is larger than we can seat"),
    "too_soon": gettext_lazy("that is too soon for us to prepare"),
    "too_far": gettext_lazy("we do not take bookings that far ahead"),
    "full": gettext_lazy("that time is fully booked"),
}


def _parse_hhmm(text: str) -> dt.time:
    hours, minutes = text.split(":")
    return dt.time(int(hours) % 24, int(minutes))


def opening_periods(business: Business, day: dt.date) -> list[tuple[dt.time, dt.time]]:
    if day.isoformat() in set(business.holidays or []):
        return []
    periods = (business.opening_hours or {}).get(WEEKDAYS[day.weekday()]) or []
    return [(_parse_hhmm(start), _parse_hhmm(end)) for start, end in periods]


def slot_times(business: Business, day: dt.date) -> list[dt.time]:
    """Slot starts on `day`: every `slot_minutes` from opening until one slot before closing."""
    step = dt.timedelta(minutes=business.slot_minutes)
    slots = []
    for start, end in opening_periods(business, day):
        cursor = dt.datetime.combine(day, start)
        last = dt.datetime.combine(day, end) - step
        while cursor <= last:
            slots.append(cursor.time())
            cursor += step
    return slots


def check(business: Business, day: dt.date, time: dt.time, party_size: int, booked: dict[dt.time, int]) -> Verdict:
    if party_size < 1 or party_size > business.max_party_size:
        return Verdict(False, "party_too_large")
    if day.isoformat() in set(business.holidays or []):
        return Verdict(False, "holiday")
    if not opening_periods(business, day):
        return Verdict(False, "closed")
    if time not in slot_times(business, day):
        return Verdict(False, "outside_hours")
    now = business.now()
    starts = dt.datetime.combine(day, time, tzinfo=business.tzinfo)
    if starts < now + dt.timedelta(minutes=business.lead_minutes):
        return Verdict(False, "too_soon")
    if starts > now + dt.timedelta(days=business.horizon_days):
        return Verdict(False, "too_far")
    if booked.get(time, 0) + party_size > business.seats_per_slot:
        return Verdict(False, "full")
    return Verdict(True)


def nearest_free(
    business: Business, day: dt.date, time: dt.time, party_size: int, booked_on: BookedSeats, limit: int = 2
) -> list[dt.datetime]:
    """Free slots closest to the wanted one: the same day first, then the following days."""
    if party_size > business.max_party_size:
        return []
    wanted = dt.datetime.combine(day, time)
    found: list[dt.datetime] = []
    for offset in range(0, 8):
        candidate_day = day + dt.timedelta(days=offset)
        booked = booked_on(candidate_day)
        slots = sorted(
            slot_times(business, candidate_day), key=lambda t: abs(dt.datetime.combine(candidate_day, t) - wanted)
        )
        for slot in slots:
            if check(business, candidate_day, slot, party_size, booked).ok:
                found.append(dt.datetime.combine(candidate_day, slot))
                if len(found) >= limit:
                    return sorted(found)
        if found:
            return sorted(found)
    return sorted(found)


def snap_to_slot(business: Business, day: dt.date, time: dt.time) -> dt.time:
    """A time said on the phone ("about 7:40") becomes the slot that starts at or just before it."""
    slots = slot_times(business, day)
    earlier = [s for s in slots if s <= time]
    if (
        earlier
        and (dt.datetime.combine(day, time) - dt.datetime.combine(day, earlier[-1])).seconds
        < business.slot_minutes * 60
    ):
        return earlier[-1]
    return time
