"""Plivo and Twilio webhooks under /voicebot/: answer, after-stream, hang-up/status, voicemail, messages.

Every request's signature is checked against the URL the provider called (VOICEBOT_PUBLIC_BASE_URL
+ path, as the provider saw it behind a proxy); a wrong or missing signature gets 403. A signed request
seen again within REPLAY_SECONDS (the same Plivo nonce, the same Twilio signature)
gets the first one's answer, stored in the cache (Redis), and changes nothing. Answers are Plivo XML /
TwiML. Logs carry call ids, never phone numbers.
"""

import hashlib
import logging
import time
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.urls import reverse
from django.utils.html import escape
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from voicebot import followups, selectors, services, telephony, textchat
from voicebot.models import Call

logger = logging.getLogger("voicebot")
View = Callable[[HttpRequest], HttpResponse]


def public_url(request: HttpRequest, path: str | None = None) -> str:
    base = settings.VOICEBOT_PUBLIC_BASE_URL.rstrip("/")
    full = path if path is not None else request.get_full_path()
    return f"{base}{full}" if base else request.build_absolute_uri(full)


def _socket_base(request: HttpRequest) -> str:
    base = public_url(request, "/")
    return (
        "wss://" + base.split("://", 1)[1].rstrip("/")
        if base.startswith("https")
        else "ws://" + base.split("://", 1)[1].rstrip("/")
    )


def signed(provider: str) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @csrf_exempt
        @require_POST
        @wraps(view)
        def checked(request: HttpRequest) -> HttpResponse:
            url, headers = public_url(request), request.headers
            if provider == "plivo":
                ok = telephony.plivo_signature_valid(url=url, method="POST", params=request.POST, headers=headers)
            else:
                ok = telephony.twilio_signature_valid(url=url, params=request.POST, headers=headers)
            if not ok:
                logger.warning("webhook signature refused", extra={"provider": provider, "path": request.path})
                return HttpResponseForbidden("bad signature")
            return _first_answer(provider, request, view)

        return checked

    return decorate


# A signed webhook seen again within this time (same Plivo nonce, same Twilio signature) gets the first
# answer and changes nothing: providers retry, and a captured request must not start a second call.
REPLAY_SECONDS = 300
_REPLAY_PENDING = "pending"
_REPLAY_WAIT_SECONDS = 3.0


def _first_answer(provider: str, request: HttpRequest, view: View) -> HttpResponse:
    """The view's answer to the first delivery of this signed request; a repeat gets the same bytes.

    Providers retry a request they got no answer to, and anyone who captured one could send it again:
    neither may start a second call. A repeat that arrives while the first is still being answered
    waits for it briefly, then gets 503 (the provider tries again).
    """
    window = REPLAY_SECONDS
    if window <= 0:
        return view(request)
    header = "X-Plivo-Signature-V3-Nonce" if provider == "plivo" else "X-Twilio-Signature"
    key = f"voicebot:webhook:{provider}:{hashlib.sha256(request.headers.get(header, '').encode()).hexdigest()}"
    if cache.add(key, _REPLAY_PENDING, timeout=window):
        try:
            response = view(request)
        except BaseException:
            cache.delete(key)
            raise
        cache.set(key, (response.status_code, response.get("Content-Type", ""), response.content), timeout=window)
        return response
    deadline = time.monotonic() + _REPLAY_WAIT_SECONDS
    stored = cache.get(key)
    while stored == _REPLAY_PENDING and time.monotonic() < deadline:
        time.sleep(0.05)
        stored = cache.get(key)
    logger.info("webhook replay answered", extra={"provider": provider, "path": request.path})
    if not isinstance(stored, tuple):
        response = HttpResponse("the first delivery is still being answered", status=503)
        response["Retry-After"] = "1"
        return response
    status, content_type, body = stored
    return HttpResponse(body, status=status, content_type=content_type)


def _xml(body: str) -> HttpResponse:
    return HttpResponse(body, content_type="application/xml")


def _spoken_hangup(provider: str, sentence: str) -> HttpResponse:
    verb = "Speak" if provider == "plivo" else "Say"
    return _xml(f'<?xml version="1.0" encoding="UTF-8"?>\n<Response><{verb}>{sentence}</{verb}><Hangup /></Response>')


_NOT_IN_SERVICE = "Sorry, this number is not in service."
_ALL_LINES_BUSY = "Sorry, all our lines are busy. Please call again in a few minutes."


def _answer(request: HttpRequest, provider: str, call_id_field: str) -> HttpResponse:
    business = selectors.business_by_number(phone_number=request.POST.get("To", ""))
    if business is None:
        logger.warning("call for an unknown number", extra={"provider": provider})
        return _spoken_hangup(provider, _NOT_IN_SERVICE)
    if not business.phone_number_approved():
        # Anyone may create a business with any free number: it answers once staff approve it.
        logger.warning("call for a number awaiting approval", extra={"provider": provider, "business_id": business.pk})
        return _spoken_hangup(provider, _NOT_IN_SERVICE)
    try:
        call = services.call_start(
            business=business,
            provider=provider,
            provider_call_id=request.POST.get(call_id_field, ""),
            phone=request.POST.get("From", ""),
        )
    except services.CallLimitReached:
        logger.warning("call refused: all lines busy", extra={"provider": provider, "business_id": business.pk})
        return _spoken_hangup(provider, _ALL_LINES_BUSY)
    token = telephony.stream_token(business_id=business.pk, call_id=call.pk)
    socket = f"{_socket_base(request)}/ws/voicebot/{provider}/{business.pk}/"
    after = public_url(request, reverse(f"voicebot_pages:{provider}_after") + f"?call={call.pk}")
    status = public_url(request, reverse(f"voicebot_pages:{provider}_status"))
    logger.info("call answered", extra={"call_id": call.pk, "provider": provider, "business_id": business.pk})
    if provider == "plivo":
        return _xml(
            telephony.plivo_answer_xml(stream_url=f"{socket}?token={token}", after_url=after, status_url=status)
        )
    return _xml(telephony.twilio_answer_xml(stream_url=socket, token=token, after_url=after, status_url=status))


def _after(request: HttpRequest, provider: str, call_id_field: str) -> HttpResponse:
    call = (
        Call.objects.select_related("business")
        .filter(pk=request.GET.get("call") or 0, provider_call_id=request.POST.get(call_id_field, ""))
        .first()
        if (request.GET.get("call") or "").isdigit()
        else None
    )
    if call is None:
        return _xml(telephony.after_stream_xml(provider=provider, outcome="", transfer_number="", record_url=""))
    record_url = public_url(request, reverse(f"voicebot_pages:{provider}_voicemail") + f"?call={call.pk}")
    return _xml(
        telephony.after_stream_xml(
            provider=provider,
            outcome=call.outcome,
            transfer_number=call.business.transfer_number_for(call.provider),
            record_url=record_url,
        )
    )


def _finish(request: HttpRequest, call_id_field: str) -> HttpResponse:
    call = (
        Call.objects.filter(provider_call_id=request.POST.get(call_id_field, "")).exclude(provider_call_id="").first()
    )
    if call is not None:
        services.call_finish(call_id=call.pk)
    return HttpResponse(status=204)


def _voicemail(request: HttpRequest, call_id_field: str, url_field: str) -> HttpResponse:
    call_id = request.GET.get("call", "")
    if call_id.isdigit():
        Call.objects.filter(pk=call_id, provider_call_id=request.POST.get(call_id_field, "")).update(
            voicemail_url=request.POST.get(url_field, "")[:200], outcome=Call.Outcome.VOICEMAIL
        )
    return _xml('<?xml version="1.0" encoding="UTF-8"?>\n<Response><Hangup /></Response>')


def _message(request: HttpRequest, text_field: str, id_field: str, status_field: str) -> HttpResponse:
    text = request.POST.get(text_field, "")
    if text:
        # STOP reaches the sender the customer replied to: every business whose messages go out from it.
        to = selectors.normalize_number(request.POST.get("To", "").removeprefix("whatsapp:"))
        customer = request.POST.get("From", "").removeprefix("whatsapp:")
        businesses = selectors.businesses_sending_from(number=to) if to else []
        if text.strip().upper() in {"STOP", "UNSUBSCRIBE", "STOP ALL", "CANCEL"}:
            for business in businesses:
                services.caller_opt_out(business=business, phone=customer)
        elif len(businesses) == 1 and selectors.normalize_number(customer):
            reply = textchat.whatsapp_turn(business=businesses[0], phone=customer, text=text)
            return _message_reply(request, reply)
    elif request.POST.get(status_field):
        followups.message_status_update(
            provider_message_id=request.POST.get(id_field, ""),
            status=request.POST[status_field],
            error_code=request.POST.get("ErrorCode", ""),
        )
    return HttpResponse(status=204)


def _message_reply(request: HttpRequest, reply: str) -> HttpResponse:
    """The dialogue's answer as the provider's messaging XML, sent back to the customer in their session."""
    text = escape(reply)
    if "MessageSid" in request.POST or "SmsSid" in request.POST:  # Twilio
        return _xml(f'<?xml version="1.0" encoding="UTF-8"?>\n<Response><Message>{text}</Message></Response>')
    src, dst = escape(request.POST.get("To", "")), escape(request.POST.get("From", ""))
    return _xml(
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Response><Message src="{src}" dst="{dst}" type="whatsapp">'
        f"{text}</Message></Response>"
    )


@signed("plivo")
def plivo_answer(request: HttpRequest) -> HttpResponse:
    return _answer(request, "plivo", "CallUUID")


@signed("plivo")
def plivo_after(request: HttpRequest) -> HttpResponse:
    return _after(request, "plivo", "CallUUID")


@signed("plivo")
def plivo_hangup(request: HttpRequest) -> HttpResponse:
    return _finish(request, "CallUUID")


@signed("plivo")
def plivo_status(request: HttpRequest) -> HttpResponse:
    logger.info("plivo stream status", extra={"event": request.POST.get("Event", "")[:40]})
    return HttpResponse(status=204)


@signed("plivo")
def plivo_voicemail(request: HttpRequest) -> HttpResponse:
    return _voicemail(request, "CallUUID", "RecordUrl")


@signed("plivo")
def plivo_message(request: HttpRequest) -> HttpResponse:
    return _message(request, "Text", "MessageUUID", "Status")


@signed("twilio")
def twilio_answer(request: HttpRequest) -> HttpResponse:
    return _answer(request, "twilio", "CallSid")


@signed("twilio")
def twilio_after(request: HttpRequest) -> HttpResponse:
    return _after(request, "twilio", "CallSid")


@signed("twilio")
def twilio_status(request: HttpRequest) -> HttpResponse:
    if request.POST.get("CallStatus") in {"completed", "busy", "failed", "no-answer", "canceled"}:
        return _finish(request, "CallSid")
    return HttpResponse(status=204)


@signed("twilio")
def twilio_voicemail(request: HttpRequest) -> HttpResponse:
    return _voicemail(request, "CallSid", "RecordingUrl")


@signed("twilio")
def twilio_message(request: HttpRequest) -> HttpResponse:
    return _message(request, "Body", "MessageSid", "MessageStatus")
