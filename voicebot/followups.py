"""WhatsApp follow-ups: queue a confirmation or reminder, send it as a job, record what the provider says.

A `Message` is a job row (`sawt.core.jobs`): the runtime claims, leases, retries and sweeps it; this
module says what sending one means.
"""

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from sawt.core.jobs import runtime
from sawt.core.jobs.models import JobState
from voicebot.messaging import PermanentSendError, TransientSendError, get_sender
from voicebot.models import Consent, Message, Reservation

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


def message_send(*, message_id: int) -> str:
    """Sends one message once (it runs as a job); the message's status after, or "not_claimed" when
    there was nothing to send (sent already, being sent by a live worker, or not due yet)."""
    if runtime.run_job(Message, message_id, _send) is None:
        return "not_claimed"
    return Message.objects.filter(pk=message_id).values_list("status", flat=True).first() or "not_claimed"


def _send(message: Message) -> dict[str, Any]:
    """A row some dead worker left mid-send (`abandoned_since`) is sent again only when the provider has
    no record of it."""
    reservation = Reservation.objects.select_related("caller", "business", "source_call").get(
        pk=message.reservation_id
    )
    caller, sender = reservation.caller, get_sender()
    if sender is None or caller is None or caller.whatsapp_opted_out or reservation.status != Reservation.Status.BOOKED:
        return {"status": Message.Status.SKIPPED, "error": "no provider, no caller or opted out"}
    message.reservation = reservation
    text = message_text(message)
    try:
        since = message.abandoned_since
        earlier = sender.find_sent(to=caller.phone, text=text, since=since) if since is not None else None
        provider_id = earlier or sender.send(to=caller.phone, text=text)
    except TransientSendError as exc:
        logger.warning(
            "whatsapp send failed, will retry", extra={"message_id": message.pk, "attempts": message.attempts}
        )
        raise runtime.JobFailed("transient", str(exc)[:300], transient=True) from exc
    except PermanentSendError as exc:
        raise runtime.JobFailed("refused", str(exc)[:300]) from exc
    logger.info("whatsapp sent", extra={"message_id": message.pk, "kind": message.kind, "found_sent": bool(earlier)})
    return {"provider_message_id": provider_id, "sent_at": timezone.now()}


def message_status_update(*, provider_message_id: str, status: str) -> None:
    mapped = {
        "delivered": Message.Status.DELIVERED,
        "read": Message.Status.DELIVERED,
        "failed": Message.Status.FAILED,
        "undelivered": Message.Status.FAILED,
    }.get(status.lower())
    if mapped and provider_message_id:
        Message.objects.filter(provider_message_id=provider_message_id).update(status=mapped)


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
