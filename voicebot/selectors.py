"""Reads: what a user may see, seats taken per slot, a business's free slots, a caller's bookings."""

import datetime as dt
from typing import Any

from django.db.models import QuerySet, Sum

from sawt.core import crypto
from voicebot import availability
from voicebot.models import Business, Call, Caller, Consent, Reservation


def business_list(*, user: Any) -> QuerySet[Business]:
    return Business.objects.visible_to(user).order_by("name")


def business_by_number(*, phone_number: str) -> Business | None:
    return Business.objects.filter(phone_number=normalize_number(phone_number)).first()


def businesses_sending_from(*, number: str) -> list[Business]:
    """The businesses whose WhatsApp goes out from `number`: their own sender, the configured one for those
    without, and the business whose line it is."""
    from django.conf import settings

    own = Business.objects.exclude(whatsapp_sender="")
    found = {b.pk: b for b in own if normalize_number(b.whatsapp_sender) == number}
    if number == normalize_number(settings.VOICEBOT_WHATSAPP_SENDER):
        found.update({b.pk: b for b in Business.objects.filter(whatsapp_sender="")})
    line = business_by_number(phone_number=number)
    if line is not None:
        found[line.pk] = line
    return list(found.values())


def normalize_number(number: str) -> str:
    """Plivo sends `918071387000`, Twilio `+918071387000`: compare digits with one leading plus."""
    digits = "".join(ch for ch in number or "" if ch.isdigit())
    return f"+{digits}" if digits else ""


def booked_seats(*, business: Business, day: dt.date, exclude_reservation_id: int | None = None) -> dict[dt.time, int]:
    rows = Reservation.objects.active().filter(business=business, date=day)
    if exclude_reservation_id is not None:
        rows = rows.exclude(pk=exclude_reservation_id)
    return {row["time"]: row["seats"] for row in rows.values("time").annotate(seats=Sum("party_size"))}


def availability_for_day(*, business: Business, day: dt.date, party_size: int) -> list[dict[str, Any]]:
    booked = booked_seats(business=business, day=day)
    return [
        {
            "time": slot.strftime("%H:%M"),
            "seats_left": max(0, business.seats_per_slot - booked.get(slot, 0)),
            "available": availability.check(business, day, slot, party_size, booked).ok,
        }
        for slot in availability.slot_times(business, day)
    ]


def availability_check(
    *, business: Business, day: dt.date, time: dt.time, party_size: int, exclude_reservation_id: int | None = None
) -> tuple[availability.Verdict, list[dt.datetime]]:
    """The verdict for one slot and, when it fails on capacity or timing, the nearest free ones."""

    def booked_on(d: dt.date) -> dict[dt.time, int]:
        return booked_seats(business=business, day=d, exclude_reservation_id=exclude_reservation_id)

    verdict = availability.check(business, day, time, party_size, booked_on(day))
    if verdict.ok or verdict.reason == "party_too_large":
        return verdict, []
    return verdict, availability.nearest_free(business, day, time, party_size, booked_on)


def caller_find(*, business: Business, phone: str) -> Caller | None:
    return Caller.objects.filter(business=business, phone_hash=crypto.lookup_hash(normalize_number(phone))).first()


def caller_upcoming_reservations(*, caller: Caller) -> QuerySet[Reservation]:
    today = caller.business.now().date()
    return Reservation.objects.active().filter(caller=caller, date__gte=today).order_by("date", "time")


def reservation_list(*, user: Any, business_id: int | None = None, day: dt.date | None = None) -> QuerySet[Reservation]:
    rows = Reservation.objects.visible_to(user).select_related("business")
    if business_id is not None:
        rows = rows.filter(business_id=business_id)
    if day is not None:
        rows = rows.filter(date=day)
    return rows.order_by("date", "time")


def call_list(*, user: Any, business_id: int | None = None) -> QuerySet[Call]:
    rows = Call.objects.visible_to(user).select_related("business", "caller")
    if business_id is not None:
        rows = rows.filter(business_id=business_id)
    return rows.order_by("-started_at")


def consent_list(*, business: Business) -> QuerySet[Consent]:
    return Consent.objects.filter(caller__business=business).select_related("caller").order_by("-at")
