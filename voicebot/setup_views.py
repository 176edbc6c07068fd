"""Staff pages to set a business up and keep its book: create and edit a business (every setting, the
opening hours as a weekly grid), invite staff, add, edit and cancel bookings by hand."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from sawt.accounts.signed_in import request_user
from sawt.core.errors import SawtError
from sawt.core.ownership import get_owned_or_404
from voicebot import services
from voicebot.forms import BusinessForm, InviteForm, ReservationForm
from voicebot.models import Business, Membership, Reservation


def _owned_business(request: HttpRequest, business_id: int) -> Business:
    business = get_owned_or_404(Business.objects.all(), request.user, pk=business_id)
    if business.role_of(request.user) != Membership.Role.OWNER:
        raise PermissionDenied("Only the business's owners change its settings.")
    return business


def _business_page(business_id: int, day: dt.date | None = None) -> str:
    page = reverse("voicebot_pages:business", args=[business_id])
    return f"{page}?day={day.isoformat()}" if day else page


@login_required
def business_new(request: HttpRequest) -> HttpResponse:
    form = BusinessForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            business = services.business_create(user=request_user(request), **form.settings())
        except SawtError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, f"{business.name} is set up. Try it with a test call.")
            return redirect(_business_page(business.pk))
    context = {"form": form, "business": None, "approval_required": settings.VOICEBOT_REQUIRE_NUMBER_APPROVAL}
    return render(request, "voicebot/business_form.html", context)


@login_required
def business_edit(request: HttpRequest, business_id: int) -> HttpResponse:
    business = _owned_business(request, business_id)
    form = BusinessForm(request.POST or None, instance=Business.objects.get(pk=business.pk), user=request.user)
    if request.method == "POST" and form.is_valid():
        changed = {name: value for name, value in form.settings().items() if getattr(business, name) != value}
        try:
            services.business_update(business=business, **changed)
        except SawtError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, "The business's settings are saved.")
            return redirect(_business_page(business.pk))
    context = {"form": form, "business": business, "invite": InviteForm()}
    return render(request, "voicebot/business_form.html", context)


@login_required
@require_POST
def business_invite(request: HttpRequest, business_id: int) -> HttpResponse:
    """Adds a user as staff by username. Known and unknown usernames get the same answer: the page does
    not tell who has an account."""
    business = _owned_business(request, business_id)
    form = InviteForm(request.POST)
    if form.is_valid():
        username = form.cleaned_data["username"].strip()
        invited = get_user_model().objects.filter(username=username, is_active=True).first()
        if invited is not None:
            Membership.objects.get_or_create(business=business, user=invited, defaults={"role": Membership.Role.STAFF})
        messages.success(request, f"If {username} has an account, they now see {business.name} under Voice bot.")
    return redirect(reverse("voicebot_pages:business_edit", args=[business.pk]))


def _reservation_form_page(
    request: HttpRequest, business: Business, form: ReservationForm, reservation: Any
) -> HttpResponse:
    context = {"business": business, "form": form, "reservation": reservation}
    return render(request, "voicebot/reservation_form.html", context)


@login_required
def reservation_new(request: HttpRequest, business_id: int) -> HttpResponse:
    business = get_owned_or_404(Business.objects.all(), request.user, pk=business_id)
    form = ReservationForm(request.POST or None, initial={"date": business.now().date()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.reservation_book(
                business=business, day=data["date"], time=data["time"], party_size=data["party_size"], name=data["name"]
            )
        except SawtError as error:
            form.add_error(None, str(error.message))
        else:
            when = f"{data['date']:%a %d %b} at {data['time']:%H:%M}"
            messages.success(request, f"Booked {data['name']}, {data['party_size']} on {when}.")
            return redirect(_business_page(business.pk))
    return _reservation_form_page(request, business, form, None)


@login_required
def reservation_edit(request: HttpRequest, reservation_id: int) -> HttpResponse:
    reservation = get_owned_or_404(Reservation.objects.select_related("business"), request.user, pk=reservation_id)
    initial = {"date": reservation.date, "time": reservation.time, "party_size": reservation.party_size}
    initial["name"] = reservation.name
    form = ReservationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.reservation_change(
                reservation=reservation,
                day=data["date"],
                time=data["time"],
                party_size=data["party_size"],
                name=data["name"],
            )
        except SawtError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, "The booking is changed.")
            return redirect(_business_page(reservation.business_id))
    return _reservation_form_page(request, reservation.business, form, reservation)


@login_required
def reservation_confirm(request: HttpRequest, reservation_id: int, action: str) -> HttpResponse:
    """Asks before a booking is cancelled or marked a no-show; the form posts to the action's own URL."""
    reservation = get_owned_or_404(Reservation.objects.select_related("business"), request.user, pk=reservation_id)
    return render(request, "voicebot/reservation_confirm.html", {"reservation": reservation, "action": action})
