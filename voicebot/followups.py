"""WhatsApp follow-ups: queue a confirmation or reminder, send it as a job, record what the provider says.

A `Message` is a job row (`sawt.core.jobs`): the runtime claims, leases, retries and sweeps it; this
module says what sending one means.
"""

import datetime as dt
import functools
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from sawt.core.jobs import runtime
from sawt.core.jobs.models import JobState
from voicebot.messaging import TEMPLATE_REQUIRED, Outgoing, PermanentSendError, TransientSendError, get_sender
from voicebot.models import Business, Caller, Consent, Message, Reservation

logger = logging.getLogger("voicebot")


def message_queue(*, reservation: Reservation, kind: str) -> Message | None:
    """Idempotent per reservation and kind; sent after commit only with consent and no opt-out."""
    caller = reservation.caller
    if caller is None or caller.whatsapp_opted_out or not caller.has_consent(Consent.Kind.WHATSAPP):
        return None
    message, created = Message.objects.get_or_create(reservation=reservation, kind=kind)
    if created or message.state == JobState.QUEUED:
        runtime.publish(Message, message.pk)
    return message


def message_booking_link(*, business: Business, caller: Caller | None) -> Message | None:
    """The way to book by text, sent to a caller who asked for it on the phone (the bot could not understand
    them); none to a caller who opted out, and one at a time (queued twice, sent once)."""
    if caller is None or caller.whatsapp_opted_out or get_sender() is None:
        return None
    waiting = Message.objects.filter(caller=caller, kind=Message.Kind.BOOKING_LINK, state=JobState.QUEUED).first()
    if waiting is not None:
        return waiting
    message = Message.objects.create(caller=caller, kind=Message.Kind.BOOKING_LINK)
    runtime.publish(Message, message.pk)
    return message


def messages_skip(messages: QuerySet[Message], *, reason: str) -> int:
    """Messages not sent yet (queued, or failed) will not be: they end as skipped."""
    runtime.cancel(messages, reason=reason)
    return messages.filter(status__in=[Message.Status.QUEUED, Message.Status.FAILED]).update(
        status=Message.Status.SKIPPED, error=reason
    )


def message_text(message: Message) -> str:
    """The WhatsApp text, in the language of the call that booked (English for other bookings).

    The same message always gets the same text: a resend is matched against the provider's log by it.
    """
    r = message.reservation
    if r is None:
        assert message.caller is not None, "a message goes about a reservation or to a caller"
        business = message.caller.business
        return _(
            "To book a table at %(business)s, reply here with the day, the time, the number of people and your "
            "name, or call us on %(phone)s. Reply STOP to opt out."
        ) % {"business": business.name, "phone": business.phone_number}
    language = r.source_call.language if r.source_call else "en"
    with translation.override(language):
        day = formats.date_format(r.date, "D d M")
        when = _("%(day)s at %(time)s") % {"day": day, "time": f"{r.time:%H:%M}"}
        values = {"size": r.party_size, "business": r.business.name, "when": when, "name": r.name}
        if message.kind == Message.Kind.REMINDER:
            text = _("Reminder: your table for %(size)s at %(business)s is %(when)s. Reply STOP to opt out.")
        else:
            text = _("Booked: a table for %(size)s at %(business)s on %(when)s, under %(name)s. Reply STOP to opt out.")
        return text % values


def message_outgoing(message: Message, *, to: str) -> Outgoing:
    """What goes to the provider: the business's approved template for this kind when it has one (variables
    1 name, 2 day and time, 3 party size, 4 business), else the text; with a status callback to
    `/voicebot/<provider>/message/` when `VOICEBOT_PUBLIC_BASE_URL` is set."""
    r = message.reservation
    if r is None:  # a booking link (variables 1 business, 2 its phone number)
        assert message.caller is not None, "a message goes about a reservation or to a caller"
        business = message.caller.business
        template = business.whatsapp_booking_link_template
        variables = {"1": business.name, "2": business.phone_number}
    else:
        business = r.business
        template = (
            business.whatsapp_reminder_template
            if message.kind == Message.Kind.REMINDER
            else business.whatsapp_confirmation_template
        )
        variables = {
            "1": r.name,
            "2": f"{formats.date_format(r.date, 'D d M')} {r.time:%H:%M}",
            "3": str(r.party_size),
            "4": business.name,
        }
    base = settings.VOICEBOT_PUBLIC_BASE_URL.rstrip("/")
    provider = settings.VOICEBOT_MESSAGING_PROVIDER
    return Outgoing(
        to=to,
        text=message_text(message),
        template=template,
        variables=variables,
        status_callback=f"{base}/voicebot/{provider}/message/" if base and provider else "",
        sender=business.whatsapp_sender,
        sms=message.channel == "sms",
    )


def message_send(*, message_id: int) -> str:
    """Sends one message once (it runs as a job); the message's status after, or "not_claimed" when
    there was nothing to send (sent already, being sent by a live worker, or not due yet)."""
    if runtime.run_job(Message, message_id, _send) is None:
        return "not_claimed"
    return Message.objects.filter(pk=message_id).values_list("status", flat=True).first() or "not_claimed"


def _send(message: Message) -> dict[str, Any]:
    """A row some dead worker left mid-send (`abandoned_since`) is sent again only when the provider has
    no record of it."""
    if message.reservation_id is None:  # a booking link
        caller = Caller.objects.select_related("business").filter(pk=message.caller_id or 0).first()
        booked = True
    else:
        reservation = Reservation.objects.select_related("caller", "business", "source_call").get(
            pk=message.reservation_id
        )
        caller, booked = reservation.caller, reservation.status == Reservation.Status.BOOKED
        message.reservation = reservation
    sender = get_sender()
    if sender is None or caller is None or caller.whatsapp_opted_out or not booked:
        return {"status": Message.Status.SKIPPED, "error": "no provider, no caller or opted out"}
    outgoing = message_outgoing(message, to=caller.phone)
    try:
        since = message.abandoned_since
        earlier = sender.find_sent(to=caller.phone, text=outgoing.text, since=since) if since is not None else None
        provider_id = earlier or sender.deliver(outgoing)
    except TransientSendError as exc:
        logger.warning(
            "whatsapp send failed, will retry", extra={"message_id": message.pk, "attempts": message.attempts}
        )
        raise runtime.JobFailed("transient", str(exc)[:300], transient=True) from exc
    except PermanentSendError as exc:
        if exc.code == TEMPLATE_REQUIRED and settings.VOICEBOT_SMS_FALLBACK and not outgoing.sms:
            outgoing.sms = True
            try:
                provider_id, earlier = sender.deliver(outgoing), None
            except (TransientSendError, PermanentSendError) as sms_exc:
                raise runtime.JobFailed("refused", str(sms_exc)[:300]) from sms_exc
            message.channel = "sms"
            Message.objects.filter(pk=message.pk).update(channel="sms")
        else:
            raise runtime.JobFailed("refused", str(exc)[:300]) from exc
    logger.info("whatsapp sent", extra={"message_id": message.pk, "kind": message.kind, "found_sent": bool(earlier)})
    return {"provider_message_id": provider_id, "sent_at": timezone.now()}


def message_status_update(*, provider_message_id: str, status: str, error_code: str = "") -> None:
    """A signed status callback: delivered, read or failed go into the message's delivery status (beside
    the job state). A template refused afterwards (63016) is sent again as SMS where that is configured."""
    delivery = {
        "delivered": "delivered",
        "read": "read",
        "failed": "failed",
        "undelivered": "failed",
    }.get(status.lower())
    if not delivery or not provider_message_id:
        return
    messages = Message.objects.filter(provider_message_id=provider_message_id)
    mapped = Message.Status.FAILED if delivery == "failed" else Message.Status.DELIVERED
    messages.exclude(delivery_status="read").update(status=mapped, delivery_status=delivery)
    if delivery == "failed" and error_code == TEMPLATE_REQUIRED and settings.VOICEBOT_SMS_FALLBACK:
        for message in messages.exclude(channel="sms"):
            Message.objects.filter(pk=message.pk).update(
                channel="sms",
                state=JobState.QUEUED,
                attempts=0,
                queued_at=timezone.now(),
                next_attempt_at=None,
                finished_at=None,
                status=Message.Status.QUEUED,
                delivery_status="",
            )
            transaction.on_commit(functools.partial(runtime.publish, Message, message.pk))


def reminders_queue() -> int:
    now = timezone.now()
    horizon = now + dt.timedelta(hours=settings.VOICEBOT_REMINDER_HOURS)
    queued = 0
    candidates = Reservation.objects.active().filter(
        date__range=(now.date() - dt.timedelta(days=1), horizon.date() + dt.timedelta(days=1))
    )
    for reservation in candidates.exclude(messages__kind=Message.Kind.REMINDER).select_related("business", "caller"):
        if now < reservation.starts_at <= horizon:
            with transaction.atomic():
                queued += message_queue(reservation=reservation, kind=Message.Kind.REMINDER) is not None
    return queued
