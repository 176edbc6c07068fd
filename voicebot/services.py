"""Writes: businesses, callers and consent, reservations, calls and turns, WhatsApp follow-ups, erasure."""

import datetime as dt
import logging
import secrets
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from sawt.accounts.services import on_account_delete
from sawt.core import crypto
from sawt.core.errors import Conflict, SawtError, ValidationFailed
from voicebot import followups, selectors
from voicebot.models import Business, Call, Caller, Consent, Membership, Message, NumberReveal, Reservation, Turn

logger = logging.getLogger("voicebot")


class CallLimitReached(SawtError):
    """As many calls as allowed are in progress: for the business, or test calls for the user."""

    code = "too_many_calls"
    message = "All lines are busy. Try again when a call has ended."
    status_code = 429


def business_create(*, user: Any, **fields: Any) -> Business:
    fields["phone_number"] = selectors.normalize_number(fields.get("phone_number", ""))
    _number_is_free(fields["phone_number"], None)
    with transaction.atomic():
        business = Business.objects.create(**fields)
        Membership.objects.create(business=business, user=user, role=Membership.Role.OWNER)
    return business


def business_delete(*, business: Business) -> None:
    """The business with its callers, consents, calls, reservations and messages; recordings go on commit."""
    with transaction.atomic():
        _recordings_delete(Call.objects.filter(business=business))
        business.delete()


@on_account_delete
def businesses_release_for_account(user: Any) -> None:
    """A business the leaving user owned alone is deleted; one with another owner stays with that owner.

    The user's memberships go with the account (CASCADE). Each business is locked first, so two owners
    leaving at once cannot both count on the other one staying.
    """
    owned = Business.objects.filter(members__user=user, members__role=Membership.Role.OWNER).values("pk")
    for business in Business.objects.select_for_update().filter(pk__in=owned).order_by("pk"):
        others = business.members.filter(role=Membership.Role.OWNER).exclude(user=user)
        if not others.exists():
            business_delete(business=business)


def _number_is_free(number: str, business_id: int | None) -> None:
    taken = Business.objects.filter(phone_number=number)
    if business_id is not None:
        taken = taken.exclude(pk=business_id)
    if taken.exists():
        raise Conflict("Another business already answers that number.")


def business_update(*, business: Business, **fields: Any) -> Business:
    if "phone_number" in fields:
        fields["phone_number"] = selectors.normalize_number(fields["phone_number"])
        _number_is_free(fields["phone_number"], business.pk)
    for name, value in fields.items():
        setattr(business, name, value)
    # Only what the owner changed: never a stale copy of what staff approved meanwhile.
    business.save(update_fields=list(fields))
    return business


def business_numbers_approve(*, businesses: QuerySet[Business], user: Any) -> int:
    """Staff approve the businesses' current phone and transfer numbers for real calls."""
    approved = businesses.update(
        approved_phone_number=F("phone_number"),
        approved_transfer_number=F("transfer_number"),
        numbers_approved_at=timezone.now(),
        numbers_approved_by=user,
    )
    logger.info("business numbers approved", extra={"count": approved, "user_id": user.pk})
    return approved


def caller_get_or_create(*, business: Business, phone: str) -> Caller:
    number = selectors.normalize_number(phone)
    caller, _ = Caller.objects.get_or_create(
        business=business, phone_hash=crypto.lookup_hash(number), defaults={"phone": number}
    )
    return caller


def consent_record(
    *, caller: Caller | None, kinds: Sequence[str], granted: bool, how: str, call: Call | None = None
) -> None:
    """Records the answer; a staff test call has no caller, so only the call's transcript flag moves."""
    now = timezone.now()
    if caller is not None:
        Consent.objects.bulk_create(
            Consent(caller=caller, kind=k, granted=granted, how=how, at=now, call=call) for k in kinds
        )
    if call is not None and Consent.Kind.RECORDING in kinds:
        Call.objects.filter(pk=call.pk).update(recording_consented=granted)
    if call is not None and Consent.Kind.TRANSCRIPT in kinds:
        Call.objects.filter(pk=call.pk).update(transcript_kept=granted)
        if not granted:
            Turn.objects.filter(call=call).update(caller_text="", bot_text="")


def caller_opt_out(*, business: Business, phone: str) -> bool:
    """A STOP reply: no more WhatsApp for this caller at this business."""
    caller = selectors.caller_find(business=business, phone=phone)
    if caller is None:
        return False
    caller.whatsapp_opted_out = True
    caller.save(update_fields=["whatsapp_opted_out"])
    consent_record(caller=caller, kinds=[Consent.Kind.WHATSAPP], granted=False, how=Consent.How.MESSAGE)
    followups.messages_skip(
        Message.objects.filter(Q(reservation__caller=caller) | Q(caller=caller)), reason="opted out"
    )
    return True


def caller_erase(*, caller: Caller) -> None:
    """Erasure on request: the number, consents, transcripts, recordings and messages go; bookings stay
    nameless."""
    with transaction.atomic():
        Turn.objects.filter(call__caller=caller).update(caller_text="", bot_text="")
        _recordings_delete(Call.objects.filter(caller=caller))
        Message.objects.filter(Q(reservation__caller=caller) | Q(caller=caller)).delete()
        Reservation.objects.filter(caller=caller).update(name="(erased)")
        caller.delete()
    logger.info("caller erased", extra={"caller_id": caller.pk})


def _validated_slot(business: Business, day: dt.date, time: dt.time, party_size: int, exclude: int | None) -> None:
    verdict, nearest = selectors.availability_check(
        business=business, day=day, time=time, party_size=party_size, exclude_reservation_id=exclude
    )
    if not verdict.ok:
        raise Conflict(
            f"That slot cannot be booked: {verdict.explanation}.",
            details={"reason": verdict.reason, "nearest": [n.isoformat(timespec="minutes") for n in nearest]},
        )


def reservation_book(
    *,
    business: Business,
    day: dt.date,
    time: dt.time,
    party_size: int,
    name: str,
    caller: Caller | None = None,
    source_call: Call | None = None,
) -> Reservation:
    if not name.strip():
        raise ValidationFailed("A reservation needs a name.")
    with transaction.atomic():
        # One writer per business at a time, so two calls cannot both take the last seats.
        Business.objects.select_for_update().filter(pk=business.pk).first()
        _validated_slot(business, day, time, party_size, None)
        reservation = Reservation.objects.create(
            business=business,
            caller=caller,
            date=day,
            time=time,
            party_size=party_size,
            name=name.strip()[:120],
            source_call=source_call,
        )
        followups.message_queue(reservation=reservation, kind=Message.Kind.CONFIRMATION)
    logger.info("reservation booked", extra={"reservation_id": reservation.pk, "party_size": party_size})
    return reservation


def reservation_change(
    *,
    reservation: Reservation,
    day: dt.date | None = None,
    time: dt.time | None = None,
    party_size: int | None = None,
    name: str | None = None,
) -> Reservation:
    with transaction.atomic():
        Business.objects.select_for_update().filter(pk=reservation.business_id).first()
        new_day, new_time = day or reservation.date, time or reservation.time
        new_size = party_size or reservation.party_size
        if (new_day, new_time, new_size) != (reservation.date, reservation.time, reservation.party_size):
            _validated_slot(reservation.business, new_day, new_time, new_size, reservation.pk)
        reservation.date, reservation.time, reservation.party_size = new_day, new_time, new_size
        if name:
            reservation.name = name.strip()[:120]
        reservation.save()
        # A changed booking gets a fresh confirmation (and a fresh reminder).
        Message.objects.filter(
            reservation=reservation, status__in=[Message.Status.SENT, Message.Status.DELIVERED]
        ).delete()
        followups.message_queue(reservation=reservation, kind=Message.Kind.CONFIRMATION)
    return reservation


def _reservation_settle(reservation: Reservation, status: str) -> Reservation:
    """The booking will not be kept: no message still queued for it goes out."""
    reservation.status = status
    reservation.save(update_fields=["status", "updated_at"])
    followups.messages_skip(
        Message.objects.filter(reservation=reservation, status=Message.Status.QUEUED), reason="booking not kept"
    )
    return reservation


def reservation_mark_no_show(*, reservation: Reservation) -> Reservation:
    """The party never came (staff say so after the slot)."""
    return _reservation_settle(reservation, Reservation.Status.NO_SHOW)


def reservation_cancel(*, reservation: Reservation) -> Reservation:
    return _reservation_settle(reservation, Reservation.Status.CANCELLED)


def retention_purge() -> int:
    """Transcripts and recordings older than each business's retention go; latency figures stay."""
    purged = 0
    for business in Business.objects.all():
        cutoff = timezone.now() - dt.timedelta(days=business.retention_days)
        purged += (
            Turn.objects.filter(call__business=business, at__lt=cutoff)
            .exclude(caller_text="", bot_text="")
            .update(caller_text="", bot_text="")
        )
        purged += _recordings_delete(Call.objects.filter(business=business, started_at__lt=cutoff))
    return purged


def _recordings_delete(calls: QuerySet[Call]) -> int:
    """Removes the calls' recording files (after the transaction commits) and clears the fields."""
    names = list(calls.exclude(recording="").values_list("recording", flat=True))
    if names:
        calls.exclude(recording="").update(recording="", recording_seconds=None)
        transaction.on_commit(lambda: _files_delete(names))
    return len(names)


def _files_delete(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def call_recording_save(*, call_id: int, wav: bytes, seconds: float) -> None:
    """Keeps the call's audio, only if the caller agreed to the recording."""
    call = Call.objects.filter(pk=call_id, recording_consented=True, recording="").first()
    if call is None or not wav:
        return
    call.recording.save(f"call-{secrets.token_hex(12)}.wav", ContentFile(wav), save=False)
    call.recording_seconds = round(seconds, 2)
    call.save(update_fields=["recording", "recording_seconds"])


# --- calls -------------------------------------------------------------------------


def call_start(
    *, business: Business, provider: str, provider_call_id: str = "", phone: str = "", started_by: Any = None
) -> Call:
    """A new call in progress; `started_by` is the signed-in user of a test call.

    Raises CallLimitReached when the business already has VOICEBOT_MAX_CALLS_PER_BUSINESS calls in
    progress, or the user VOICEBOT_MAX_TEST_CALLS_PER_USER test calls: each call holds a pipeline
    (ASR, dialogue, TTS) for as long as it lasts.
    """
    with transaction.atomic():
        # Calls start one at a time per business (and user), so two cannot both take the last line.
        Business.objects.select_for_update().filter(pk=business.pk).first()
        in_progress = Call.objects.in_progress().filter(business=business).count()
        if in_progress >= settings.VOICEBOT_MAX_CALLS_PER_BUSINESS:
            raise CallLimitReached()
        if started_by is not None:
            get_user_model().objects.select_for_update().filter(pk=started_by.pk).first()
            open_tests = Call.objects.in_progress().filter(started_by=started_by).count()
            if open_tests >= settings.VOICEBOT_MAX_TEST_CALLS_PER_USER:
                raise CallLimitReached("You have as many test calls open as allowed. Hang one up first.")
        caller = caller_get_or_create(business=business, phone=phone) if selectors.normalize_number(phone) else None
        return Call.objects.create(
            business=business,
            caller=caller,
            provider=provider,
            provider_call_id=provider_call_id[:64],
            language=business.call_languages()[0],
            started_by=started_by,
        )


def call_stream_claim(*, call_id: int) -> bool:
    """Takes the call's stream token; False when a socket took it already (a token opens one socket)."""
    return bool(Call.objects.filter(pk=call_id, stream_opened_at__isnull=True).update(stream_opened_at=timezone.now()))


def call_set_language(*, call: Call, language: str) -> None:
    """The caller chose another of the business's languages (keypad or by naming it)."""
    call.language = language
    call.save(update_fields=["language"])


def call_record_turn(
    *,
    call: Call,
    index: int,
    caller_text: str,
    bot_text: str,
    intent: str,
    figures: dict[str, int | None],
    interrupted: bool = False,
) -> Turn:
    kept = Call.objects.filter(pk=call.pk, transcript_kept=True).exists()
    return Turn.objects.create(
        call=call,
        index=index,
        intent=intent[:24],
        interrupted=interrupted,
        caller_text=caller_text if kept else "",
        bot_text=bot_text if kept else "",
        **{
            k: v
            for k, v in figures.items()
            if k in {"endpoint_wait_ms", "asr_ms", "dialogue_ms", "tts_first_byte_ms", "processing_ms"}
        },
    )


def turn_mark_interrupted(*, call_id: int, index: int) -> None:
    Turn.objects.filter(call_id=call_id, index=index).update(interrupted=True)


def _percentile(values: list[int], q: float) -> int | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def call_finish(*, call_id: int, outcome: str | None = None) -> None:
    call = Call.objects.filter(pk=call_id).first()
    if call is None or call.ended_at is not None:
        return
    turns = list(call.turns.all())
    processing = [t.processing_ms for t in turns if t.processing_ms is not None]
    waits = [t.endpoint_wait_ms for t in turns if t.endpoint_wait_ms is not None]
    call.latency = {
        "turns": len(turns),
        "processing_p50_ms": _percentile(processing, 0.5),
        "processing_p95_ms": _percentile(processing, 0.95),
        "endpoint_wait_p50_ms": _percentile(waits, 0.5),
    }
    call.ended_at = timezone.now()
    if outcome:
        call.outcome = outcome
    elif call.outcome == Call.Outcome.ONGOING:
        call.outcome = Call.Outcome.ABANDONED if not turns else Call.Outcome.NO_ACTION
    call.save(update_fields=["latency", "ended_at", "outcome"])
    logger.info("call finished", extra={"call_id": call.pk, "outcome": call.outcome, "turns": len(turns)})


def call_set_outcome(*, call_id: int, outcome: str) -> None:
    Call.objects.filter(pk=call_id).update(outcome=outcome)


def caller_number_reveal(
    *, user: Any, caller: Caller, reservation: Reservation | None = None, call: Call | None = None
) -> tuple[str, NumberReveal]:
    """A member's look at a caller's full number (to call back): recorded with who and when, then returned."""
    reveal = NumberReveal.objects.create(caller=caller, user=user, reservation=reservation, call=call)
    logger.info("caller %s number shown to user %s", caller.pk, getattr(user, "pk", None))
    return caller.phone, reveal
