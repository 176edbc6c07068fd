import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests.voicebot.factories import BusinessFactory, ReservationFactory
from voicebot import availability, selectors
from voicebot.models import WEEKDAYS

pytestmark = pytest.mark.django_db


def daytime_zone() -> str:
    zones = ("Asia/Kolkata", "Europe/London", "America/New_York", "Asia/Tokyo", "America/Los_Angeles")
    return next(z for z in zones if 8 <= timezone.now().astimezone(ZoneInfo(z)).hour < 20)


def check(business, day, time, size=2):  # type: ignore[no-untyped-def]
    verdict, nearest = selectors.availability_check(business=business, day=day, time=time, party_size=size)
    return verdict.reason or "ok", nearest


def test_it_applies_hours_holidays_party_size_lead_time_and_horizon():
    business = BusinessFactory(horizon_days=10, max_party_size=6, lead_minutes=120)
    soon = business.now().date() + dt.timedelta(days=3)
    while soon.weekday() in (6, 0):  # neither Monday (closed below) nor the day before it (its holiday)
        soon += dt.timedelta(days=1)
    business.holidays = [(soon + dt.timedelta(days=1)).isoformat()]
    business.opening_hours = {**business.opening_hours, "mon": []}
    business.save()
    assert check(business, soon, dt.time(19, 0))[0] == "ok"
    assert check(business, soon, dt.time(16, 0))[0] == "outside_hours"
    assert check(business, soon, dt.time(22, 45))[0] == "outside_hours"  # the last slot starts 22:30
    assert check(business, soon, dt.time(19, 0), size=7)[0] == "party_too_large"
    assert check(business, soon + dt.timedelta(days=1), dt.time(19, 0))[0] == "holiday"
    monday = soon + dt.timedelta(days=(7 - soon.weekday()) % 7 or 7)
    assert check(business, monday, dt.time(19, 0))[0] == "closed"
    far = soon + dt.timedelta(days=12)
    while far.weekday() == 0:  # a closed Monday is "closed" before it is "too_far" (CI on a Sunday)
        far += dt.timedelta(days=1)
    assert check(business, far, dt.time(19, 0))[0] == "too_far"
    # "In an hour" must be a slot of the same day whenever the suite runs (CI at 17:20 UTC is 22:50 in
    # Kolkata, and an hour later is past the last slot): a zone where it is daytime now.
    always_open = BusinessFactory(
        lead_minutes=120, opening_hours={d: [["00:00", "23:59"]] for d in WEEKDAYS}, time_zone=daytime_zone()
    )
    in_an_hour = always_open.now() + dt.timedelta(hours=1)
    slot = availability.snap_to_slot(always_open, in_an_hour.date(), in_an_hour.time().replace(second=0, microsecond=0))
    assert check(always_open, in_an_hour.date(), slot)[0] == "too_soon"
    assert check(always_open, in_an_hour.date() + dt.timedelta(days=1), slot)[0] == "ok"


def test_it_offers_the_nearest_free_slots_when_a_slot_is_full():
    business = BusinessFactory(seats_per_slot=10)
    day = business.now().date() + dt.timedelta(days=2)
    ReservationFactory(business=business, date=day, time=dt.time(20, 0), party_size=9)
    assert check(business, day, dt.time(20, 0), size=1)[0] == "ok"
    reason, nearest = check(business, day, dt.time(20, 0), size=2)
    assert reason == "full"
    assert [n.time() for n in nearest] == [dt.time(19, 30), dt.time(20, 30)]


def test_it_frees_seats_when_a_reservation_is_cancelled():
    business = BusinessFactory(seats_per_slot=4)
    day = business.now().date() + dt.timedelta(days=2)
    r = ReservationFactory(business=business, date=day, time=dt.time(20, 0), party_size=4)
    assert check(business, day, dt.time(20, 0))[0] == "full"
    r.status = r.Status.CANCELLED
    r.save()
    assert check(business, day, dt.time(20, 0))[0] == "ok"
