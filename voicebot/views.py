"""Staff pages: businesses, upcoming bookings and a day's reservations (no-show once the time has passed,
cancel), calls with transcripts and latency, consents, test call. Setting a business up and booking by hand:
voicebot/setup_views.py."""

import datetime as dt
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_POST

from sawt.core.ownership import get_owned_or_404
from voicebot import selectors, services
from voicebot.models import Business, Call, Reservation


@login_required
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "voicebot/index.html", {"businesses": selectors.business_list(user=request.user)})


@login_required
def business_detail(request: HttpRequest, business_id: int) -> HttpResponse:
    business = get_owned_or_404(Business.objects.all(), request.user, pk=business_id)
    today = business.now().date()
    day = parse_date(request.GET.get("day") or "") or today  # another day's bookings: ?day=YYYY-MM-DD
    upcoming = Reservation.objects.filter(
        business=business, status=Reservation.Status.BOOKED, date__gte=today, date__lte=today + dt.timedelta(days=60)
    ).order_by("date", "time")[:200]
    return render(
        request,
        "voicebot/business.html",
        {
            "business": business,
            "is_owner": business.role_of(request.user) == "owner",
            "upcoming": upcoming,
            "now": business.now(),
            "today": today,
            "day": day,
            "previous_day": day - dt.timedelta(days=1),
            "next_day": day + dt.timedelta(days=1),
            "reservations": selectors.reservation_list(user=request.user, business_id=business.pk, day=day),
            "calls": selectors.call_list(user=request.user, business_id=business.pk)[:20],
        },
    )


def _booking_settled(request: HttpRequest, reservation_id: int, settle: Callable[..., Reservation]) -> HttpResponse:
    """The buttons beside a booking on the business page; back to that booking's day."""
    reservation = get_owned_or_404(Reservation.objects.select_related("business"), request.user, pk=reservation_id)
    if settle is services.reservation_mark_no_show and reservation.starts_at > reservation.business.now():
        messages.error(request, "A booking can be marked a no-show only once its time has passed.")
    elif reservation.status == Reservation.Status.BOOKED:
        settle(reservation=reservation)
        done = "marked a no-show" if settle is services.reservation_mark_no_show else "cancelled"
        messages.success(request, f"{reservation.name}'s booking is {done}.")
    page = reverse("voicebot_pages:business", args=[reservation.business_id])
    return redirect(f"{page}?day={reservation.date.isoformat()}")


@login_required
@require_POST
def reservation_no_show(request: HttpRequest, reservation_id: int) -> HttpResponse:
    return _booking_settled(request, reservation_id, services.reservation_mark_no_show)


@login_required
@require_POST
def reservation_cancel(request: HttpRequest, reservation_id: int) -> HttpResponse:
    return _booking_settled(request, reservation_id, services.reservation_cancel)


@login_required
def consents(request: HttpRequest, business_id: int) -> HttpResponse:
    business = get_owned_or_404(Business.objects.all(), request.user, pk=business_id)
    return render(
        request,
        "voicebot/consents.html",
        {"business": business, "consents": selectors.consent_list(business=business)[:200]},
    )


@login_required
def test_call(request: HttpRequest, business_id: int) -> HttpResponse:
    business = get_owned_or_404(Business.objects.all(), request.user, pk=business_id)
    return render(request, "voicebot/test_call.html", {"business": business})


@login_required
def call_detail(request: HttpRequest, call_id: int) -> HttpResponse:
    call = get_owned_or_404(Call.objects.select_related("business", "caller"), request.user, pk=call_id)
    return render(request, "voicebot/call.html", {"call": call, "turns": call.turns.all()})
