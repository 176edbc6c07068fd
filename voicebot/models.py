"""Vartalaap: businesses answering the phone, their callers, reservations, calls and follow-ups.

Phone numbers live only in `Caller`, as AES-256-GCM ciphertext plus an HMAC lookup hash.
"""

import datetime as dt
import zoneinfo
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from sawt.core.fields import EncryptedTextField
from sawt.core.jobs.models import Job, JobEvent
from voicebot.messaging import TransientSendError
from voicebot.telephony import MAX_CALL_SECONDS

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def default_opening_hours() -> dict[str, list[list[str]]]:
    lunch_dinner = [["12:00", "15:00"], ["18:00", "23:00"]]
    return {day: lunch_dinner for day in WEEKDAYS}


def default_languages() -> list[str]:
    return ["en"]


# Languages the phone dialogue speaks (its sentences, understanding, ASR model and TTS voice).
CALL_LANGUAGES = ("en", "hi")


# What an owner sets on a business (API input and output), and what each call turn records.
BUSINESS_SETTINGS = (
    "name",
    "phone_number",
    "time_zone",
    "languages",
    "greeting",
    "address",
    "opening_hours",
    "holidays",
    "seats_per_slot",
    "max_party_size",
    "slot_minutes",
    "lead_minutes",
    "horizon_days",
    "transfer_number",
    "retention_days",
    "record_calls",
    "whatsapp_sender",
    "whatsapp_confirmation_template",
    "whatsapp_reminder_template",
    "whatsapp_booking_link_template",
)
TURN_FIGURES = (
    "index",
    "caller_text",
    "bot_text",
    "intent",
    "endpoint_wait_ms",
    "asr_ms",
    "dialogue_ms",
    "tts_first_byte_ms",
    "processing_ms",
    "interrupted",
)


class BusinessQuerySet(models.QuerySet["Business"]):
    def visible_to(self, user: Any) -> "BusinessQuerySet":
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(members__user=user).distinct()


class Business(models.Model):
    name = models.CharField(max_length=120)
    # The number callers dial (a business line, not personal data): picks the business on answer.
    phone_number = models.CharField(max_length=32, unique=True)
    time_zone = models.CharField(max_length=64, default="Asia/Kolkata")
    languages = models.JSONField(default=default_languages)
    greeting = models.CharField(max_length=300, blank=True)
    address = models.CharField(max_length=300, blank=True)
    # {"mon": [["12:00", "15:00"], ["18:00", "23:00"]], ...}; a missing or empty day is closed.
    opening_hours = models.JSONField(default=default_opening_hours)
    holidays = models.JSONField(default=list, blank=True, help_text="ISO dates the business is closed.")
    seats_per_slot = models.PositiveIntegerField(default=40)
    max_party_size = models.PositiveIntegerField(default=10)
    slot_minutes = models.PositiveIntegerField(default=30)
    lead_minutes = models.PositiveIntegerField(default=60, help_text="How long before a slot bookings close.")
    horizon_days = models.PositiveIntegerField(default=30, help_text="How far ahead bookings are taken.")
    transfer_number = models.CharField(max_length=32, blank=True)
    retention_days = models.PositiveIntegerField(
        default=30, help_text="Transcripts and recordings are purged after this."
    )
    record_calls = models.BooleanField(
        default=False, help_text="Ask callers whether the call may be recorded, and keep the audio when they agree."
    )
    # WhatsApp: the business's own sender (blank: VOICEBOT_WHATSAPP_SENDER) and its approved template ids
    # (Twilio Content SID "HX...", Plivo template name); blank sends free-form text (only inside a session).
    whatsapp_sender = models.CharField(max_length=32, blank=True)
    whatsapp_confirmation_template = models.CharField(max_length=80, blank=True)
    whatsapp_reminder_template = models.CharField(max_length=80, blank=True)
    # The message a caller who could not be understood is sent on request, to book by text instead.
    whatsapp_booking_link_template = models.CharField(max_length=80, blank=True)
    # The numbers as staff last approved them (VOICEBOT_REQUIRE_NUMBER_APPROVAL): an owner who changes a
    # number makes it differ from its approved value, so it waits for approval again.
    approved_phone_number = models.CharField(max_length=32, blank=True, editable=False)
    approved_transfer_number = models.CharField(max_length=32, blank=True, editable=False)
    numbers_approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    numbers_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BusinessQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "businesses"

    def __str__(self) -> str:
        return self.name

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def now(self) -> dt.datetime:
        return timezone.now().astimezone(self.tzinfo)

    def call_languages(self) -> list[str]:
        """The business's languages that calls can run in, first = default; English when none is."""
        offered = [code for code in self.languages or [] if code in CALL_LANGUAGES]
        return list(dict.fromkeys(offered)) or ["en"]

    def phone_number_approved(self) -> bool:
        """Whether real calls to the number are answered: staff approved it, or no approval is required."""
        return not settings.VOICEBOT_REQUIRE_NUMBER_APPROVAL or self.phone_number == self.approved_phone_number

    def transfer_number_approved(self) -> bool:
        return not settings.VOICEBOT_REQUIRE_NUMBER_APPROVAL or self.transfer_number == self.approved_transfer_number

    def numbers_pending_approval(self) -> list[str]:
        """The fields whose current number waits for staff approval."""
        pending = [] if self.phone_number_approved() else ["phone_number"]
        if self.transfer_number and not self.transfer_number_approved():
            pending.append("transfer_number")
        return pending

    def transfer_number_for(self, provider: str) -> str:
        """Where a call from `provider` is put through to, "" when nowhere: a phone call is only ever put
        through to an approved number (it is dialled on the operator's bill); a test call in the browser
        dials nothing, so it never waits for approval."""
        if provider == Call.Provider.BROWSER or self.transfer_number_approved():
            return self.transfer_number
        return ""

    def role_of(self, user: Any) -> str | None:
        member = self.members.filter(user=user).first() if user and user.is_authenticated else None
        return member.role if member else None


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner"
        STAFF = "staff"

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="voicebot_memberships")
    role = models.CharField(max_length=8, choices=Role.choices, default=Role.STAFF)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["business", "user"], name="voicebot_one_membership")]

    def __str__(self) -> str:
        return f"{self.user} ({self.role}) at {self.business}"


class Caller(models.Model):
    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="callers")
    phone = EncryptedTextField()
    phone_hash = models.CharField(max_length=64, db_index=True)
    whatsapp_opted_out = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["business", "phone_hash"], name="voicebot_one_caller")]

    def __str__(self) -> str:
        return f"Caller {self.masked_phone}"

    @property
    def masked_phone(self) -> str:
        """Only the last two digits: enough for staff to tell callers apart, useless to anyone else."""
        digits = "".join(ch for ch in (self.phone or "") if ch.isdigit())
        return f"•••• ••{digits[-2:]}" if len(digits) >= 2 else "••••"

    def has_consent(self, kind: str) -> bool:
        latest = self.consents.filter(kind=kind).order_by("-at", "-pk").first()
        return bool(latest and latest.granted)


class Consent(models.Model):
    class Kind(models.TextChoices):
        RECORDING = "recording"
        TRANSCRIPT = "transcript"
        WHATSAPP = "whatsapp"

    class How(models.TextChoices):
        VOICE = "voice"
        KEYPAD = "keypad"
        MESSAGE = "message"
        STAFF = "staff"

    caller = models.ForeignKey(Caller, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    granted = models.BooleanField()
    at = models.DateTimeField(default=timezone.now)
    how = models.CharField(max_length=8, choices=How.choices)
    call = models.ForeignKey("Call", on_delete=models.SET_NULL, null=True, blank=True, related_name="consents")

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.kind} {'granted' if self.granted else 'refused'}"


class CallQuerySet(models.QuerySet["Call"]):
    def visible_to(self, user: Any) -> "CallQuerySet":
        return self.filter(business__in=Business.objects.visible_to(user))

    def in_progress(self) -> "CallQuerySet":
        """Not ended, and started recently enough that a live process may still be running it."""
        return self.filter(
            ended_at__isnull=True, started_at__gte=timezone.now() - dt.timedelta(seconds=MAX_CALL_SECONDS)
        )


class Call(models.Model):
    class Provider(models.TextChoices):
        PLIVO = "plivo"
        TWILIO = "twilio"
        BROWSER = "browser"

    class Outcome(models.TextChoices):
        ONGOING = "ongoing"
        BOOKED = "booked"
        CHANGED = "changed"
        CANCELLED = "cancelled"
        INFORMATION = "information"
        TRANSFERRED = "transferred"
        VOICEMAIL = "voicemail"
        NO_ACTION = "no_action"
        ABANDONED = "abandoned"
        FAILED = "failed"

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="calls")
    caller = models.ForeignKey(Caller, on_delete=models.SET_NULL, null=True, blank=True, related_name="calls")
    provider = models.CharField(max_length=8, choices=Provider.choices)
    provider_call_id = models.CharField(max_length=64, blank=True, db_index=True)
    # Who started a test call from the staff page (None for phone calls): test calls are limited per user.
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # When a provider's media stream took the call's stream token: a token opens one socket only.
    stream_opened_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, default=Outcome.ONGOING)
    # What the bot spoke and listened for: the business's first language, or the one the caller chose.
    language = models.CharField(max_length=8, default="en")
    transcript_kept = models.BooleanField(default=False)
    recording_consented = models.BooleanField(default=False)
    # Both sides of the call, caller left and bot right, 8 kHz: only with the caller's recording consent.
    recording = models.FileField(upload_to="voicebot/recordings/%Y/%m/", blank=True, max_length=200)
    recording_seconds = models.FloatField(null=True, blank=True)
    voicemail_url = models.URLField(blank=True)
    # {"turns", "processing_p50_ms", "processing_p95_ms", "endpoint_wait_p50_ms"} filled at hang-up.
    latency = models.JSONField(default=dict, blank=True)

    objects = CallQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Call {self.pk} ({self.provider}, {self.outcome})"


class Turn(models.Model):
    """One exchange: what the caller said and what the bot answered, with where the time went."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="turns")
    index = models.PositiveIntegerField()
    # Empty when the caller refused transcript consent; the latency figures stay.
    caller_text = models.TextField(blank=True)
    bot_text = models.TextField(blank=True)
    intent = models.CharField(max_length=24, blank=True)
    endpoint_wait_ms = models.PositiveIntegerField(null=True, blank=True)
    asr_ms = models.PositiveIntegerField(null=True, blank=True)
    dialogue_ms = models.PositiveIntegerField(null=True, blank=True)
    tts_first_byte_ms = models.PositiveIntegerField(null=True, blank=True)
    processing_ms = models.PositiveIntegerField(null=True, blank=True, help_text="End of speech to first audio out.")
    interrupted = models.BooleanField(default=False)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["call", "index"]
        constraints = [models.UniqueConstraint(fields=["call", "index"], name="voicebot_turn_index")]

    def __str__(self) -> str:
        return f"Turn {self.index} of call {self.call_id}"


class ReservationQuerySet(models.QuerySet["Reservation"]):
    def visible_to(self, user: Any) -> "ReservationQuerySet":
        return self.filter(business__in=Business.objects.visible_to(user))

    def active(self) -> "ReservationQuerySet":
        return self.filter(status=Reservation.Status.BOOKED)


class Reservation(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked"
        CANCELLED = "cancelled"
        NO_SHOW = "no_show"

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="reservations")
    caller = models.ForeignKey(Caller, on_delete=models.SET_NULL, null=True, blank=True, related_name="reservations")
    date = models.DateField()
    time = models.TimeField()
    party_size = models.PositiveIntegerField()
    name = models.CharField(max_length=120)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.BOOKED)
    source_call = models.ForeignKey(Call, on_delete=models.SET_NULL, null=True, blank=True, related_name="reservations")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReservationQuerySet.as_manager()

    class Meta:
        ordering = ["date", "time"]
        indexes = [models.Index(fields=["business", "date", "status"])]

    def __str__(self) -> str:
        return f"{self.party_size} on {self.date} at {self.time:%H:%M}"

    @property
    def starts_at(self) -> dt.datetime:
        return dt.datetime.combine(self.date, self.time, tzinfo=self.business.tzinfo)


class Message(Job):
    """A WhatsApp follow-up, sent as a job; one per reservation and kind, so queuing twice sends once.
    `status` is what staff and the provider's callbacks see; the job state drives the sending. A booking
    link (how to book by text) goes to a caller, not about a reservation."""

    class Kind(models.TextChoices):
        CONFIRMATION = "confirmation"
        REMINDER = "reminder"
        BOOKING_LINK = "booking_link"

    class Status(models.TextChoices):
        QUEUED = "queued"
        SENDING = "sending"
        SENT = "sent"
        DELIVERED = "delivered"
        FAILED = "failed"
        SKIPPED = "skipped"

    task_name = "voicebot.tasks.message_send"
    max_attempts = 5
    retry_backoff = 60.0
    retry_backoff_max = 7680.0
    transient_errors = (TransientSendError,)

    reservation = models.ForeignKey(
        Reservation, on_delete=models.CASCADE, related_name="messages", null=True, blank=True
    )
    # The recipient of a booking link (a reservation's messages go to its caller).
    caller = models.ForeignKey(Caller, on_delete=models.CASCADE, related_name="messages", null=True, blank=True)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    provider_message_id = models.CharField(max_length=80, blank=True, db_index=True)
    # What the provider's signed status callbacks said (beside the job state): delivered, read or failed.
    delivery_status = models.CharField(max_length=12, blank=True)
    channel = models.CharField(max_length=10, default="whatsapp")  # "sms" when a refused template fell back
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["reservation", "kind"], name="voicebot_one_message_per_kind")]

    def __str__(self) -> str:
        about = f"reservation {self.reservation_id}" if self.reservation_id else f"caller {self.caller_id}"
        return f"{self.kind} for {about}: {self.status}"

    @classmethod
    def fields_for(cls, event: JobEvent) -> dict[str, Any]:
        return {
            "status": {
                JobEvent.CLAIMED: cls.Status.SENDING,
                JobEvent.SUCCEEDED: cls.Status.SENT,
                JobEvent.RETRYING: cls.Status.FAILED,
                JobEvent.REQUEUED: cls.Status.QUEUED,
                JobEvent.FAILED: cls.Status.FAILED,
            }[event]
        }


# Models kept apart for length; imported here so Django finds them as this app's.
from voicebot.records import Conversation as Conversation  # noqa: E402
from voicebot.records import NumberReveal as NumberReveal  # noqa: E402
