"""Admin for the voice bot: phone numbers only ever masked; callers can be erased on request."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import F, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from sawt.accounts.signed_in import request_user
from voicebot import services
from voicebot.models import (
    TURN_FIGURES,
    Business,
    Call,
    Caller,
    Consent,
    Membership,
    Message,
    NumberReveal,
    Reservation,
    Turn,
)


class MembershipInline(admin.TabularInline[Membership, Business]):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


class AwaitingApprovalFilter(admin.SimpleListFilter):
    title = "numbers"
    parameter_name = "awaiting_approval"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Awaiting approval")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() != "yes":
            return queryset
        changed_transfer = Q(transfer_number__gt="") & ~Q(transfer_number=F("approved_transfer_number"))
        return queryset.filter(~Q(phone_number=F("approved_phone_number")) | changed_transfer)


@admin.register(Business)
class BusinessAdmin(admin.ModelAdmin[Business]):
    list_display = ["name", "phone_number", "transfer_number", "pending_approval", "time_zone", "seats_per_slot"]
    list_filter = [AwaitingApprovalFilter]
    search_fields = ["name", "phone_number"]
    readonly_fields = [
        "approved_phone_number",
        "approved_transfer_number",
        "numbers_approved_at",
        "numbers_approved_by",
    ]
    inlines = [MembershipInline]
    actions = ["approve_numbers"]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """A business made here gets an owner: the user chosen in the members below, else its creator."""
        super().save_related(request, form, formsets, change)
        business = form.instance
        if not business.members.filter(role=Membership.Role.OWNER).exists():
            Membership.objects.update_or_create(
                business=business, user=request_user(request), defaults={"role": Membership.Role.OWNER}
            )

    @admin.display(description="awaiting approval")
    def pending_approval(self, business: Business) -> str:
        return ", ".join(business.numbers_pending_approval()) or "—"

    @admin.action(description="Approve numbers (the phone and transfer numbers as they are now)")
    def approve_numbers(self, request: HttpRequest, queryset: QuerySet[Business]) -> None:
        count = services.business_numbers_approve(businesses=queryset, user=request.user)
        self.message_user(request, f"Approved the numbers of {count} business(es).", messages.SUCCESS)


@admin.register(Caller)
class CallerAdmin(admin.ModelAdmin[Caller]):
    list_display = ["id", "business", "masked_phone", "whatsapp_opted_out", "created_at"]
    list_filter = ["business", "whatsapp_opted_out"]
    # The ciphertext and hash are never shown, and the number only masked.
    fields = ["business", "masked_phone", "whatsapp_opted_out", "created_at"]
    readonly_fields = ["business", "masked_phone", "created_at"]
    actions = ["erase"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Erase the selected callers' data (on their request)")
    def erase(self, request: HttpRequest, queryset: QuerySet[Caller]) -> None:
        count = 0
        for caller in queryset:
            services.caller_erase(caller=caller)
            count += 1
        self.message_user(request, f"Erased {count} caller(s).", messages.SUCCESS)


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin[Consent]):
    list_display = ["at", "caller_masked", "kind", "granted", "how", "call"]
    list_filter = ["kind", "granted", "how"]
    readonly_fields = ["caller", "kind", "granted", "at", "how", "call"]

    @admin.display(description="caller")
    def caller_masked(self, consent: Consent) -> str:
        return consent.caller.masked_phone


@admin.register(Reservation)
class ReservationAdmin(admin.ModelAdmin[Reservation]):
    list_display = ["business", "date", "time", "party_size", "name", "status", "caller_masked"]
    list_filter = ["business", "status", "date"]
    search_fields = ["name"]
    exclude = ["caller"]
    readonly_fields = ["caller_masked", "source_call"]

    @admin.display(description="caller")
    def caller_masked(self, reservation: Reservation) -> str:
        return reservation.caller.masked_phone if reservation.caller else "—"


class TurnInline(admin.TabularInline[Turn, Call]):
    model = Turn
    extra = 0
    can_delete = False
    fields = readonly_fields = TURN_FIGURES

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Call)
class CallAdmin(admin.ModelAdmin[Call]):
    list_display = [
        "id",
        "business",
        "provider",
        "caller_masked",
        "started_at",
        "outcome",
        "language",
        "processing_p50",
        "processing_p95",
    ]
    list_filter = ["business", "provider", "outcome", "language"]
    exclude = ["caller"]
    readonly_fields = [
        "caller_masked",
        "business",
        "provider",
        "provider_call_id",
        "started_by",
        "started_at",
        "stream_opened_at",
        "ended_at",
        "language",
        "transcript_kept",
        "recording_player",
        "voicemail_url",
        "latency",
    ]
    exclude = ["recording", "recording_seconds", "recording_consented"]
    inlines = [TurnInline]

    @admin.display(description="recording")
    def recording_player(self, call: Call) -> str:
        if not call.recording:
            return "—"
        url = reverse("voicebot-call-recording", kwargs={"call_id": call.pk})
        return format_html('<audio controls preload="none" src="{}"></audio> {} s', url, call.recording_seconds)

    @admin.display(description="caller")
    def caller_masked(self, call: Call) -> str:
        return call.caller.masked_phone if call.caller else "—"

    @admin.display(description="processing p50 (ms)")
    def processing_p50(self, call: Call) -> Any:
        return (call.latency or {}).get("processing_p50_ms")

    @admin.display(description="processing p95 (ms)")
    def processing_p95(self, call: Call) -> Any:
        return (call.latency or {}).get("processing_p95_ms")


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin[Message]):
    list_display = ["id", "reservation", "kind", "status", "attempts", "sent_at", "error"]
    list_filter = ["kind", "status"]
    readonly_fields = [
        "reservation",
        "kind",
        "status",
        "attempts",
        "provider_message_id",
        "error",
        "next_attempt_at",
        "sent_at",
    ]


@admin.register(NumberReveal)
class NumberRevealAdmin(admin.ModelAdmin[NumberReveal]):
    """Who saw which caller's full number, and when: read-only."""

    list_display = ["created_at", "user", "masked_caller", "reservation", "call"]
    list_filter = ["caller__business"]
    list_select_related = ["user", "caller", "reservation", "call"]
    readonly_fields = ["created_at", "user", "masked_caller", "reservation", "call"]
    exclude = ["caller"]

    @admin.display(description="caller")
    def masked_caller(self, obj: NumberReveal) -> str:
        return obj.caller.masked_phone

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: NumberReveal | None = None) -> bool:
        return False
