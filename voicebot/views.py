"""Staff pages: businesses, today's reservations, calls with transcripts and latency, consents, test call."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from sawt.core.ownership import get_owned_or_404
from voicebot import selectors
from voicebot.models import Business, Call


@login_required
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "voicebot/index.html", {"businesses": selectors.business_list(user=request.user)})


@login_required
def business_detail(request: HttpRequest, business_id: int) -> HttpResponse:
    business = get_owned_or_404(Business.objects.all(), request.user, pk=business_id)
    today = business.now().date()
    return render(
        request,
        "voicebot/business.html",
        {
            "business": business,
            "today": today,
            "reservations": selectors.reservation_list(user=request.user, business_id=business.pk, day=today),
            "calls": selectors.call_list(user=request.user, business_id=business.pk)[:20],
        },
    )


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
