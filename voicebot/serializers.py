"""API shapes: nested Input/Output serializers per operation live beside their views in apis.py;
the outputs shared by several operations are here."""

import re
from typing import Any

from django.urls import reverse
from rest_framework import serializers

from voicebot.models import BUSINESS_SETTINGS, TURN_FIGURES, Business, Call, Reservation, Turn


class BusinessOutput(serializers.ModelSerializer[Business]):
    role = serializers.SerializerMethodField()
    numbers_pending_approval = serializers.SerializerMethodField(
        help_text="phone_number and/or transfer_number while their current value waits for staff approval: "
        "until then real calls to the number hear it is not in service, and no call is put through to the "
        "transfer number. Test calls never wait."
    )

    class Meta:
        model = Business
        fields = ["id", *BUSINESS_SETTINGS, "created_at", "role", "numbers_pending_approval"]

    def get_role(self, business: Business) -> str | None:
        request = self.context.get("request")
        return business.role_of(request.user) if request else None

    def get_numbers_pending_approval(self, business: Business) -> list[str]:
        return business.numbers_pending_approval()


class BusinessInput(serializers.ModelSerializer[Business]):
    languages = serializers.ListField(child=serializers.CharField(max_length=16), required=False, max_length=10)
    opening_hours = serializers.DictField(
        child=serializers.ListField(child=serializers.ListField(child=serializers.CharField(max_length=5))),
        required=False,
    )
    holidays = serializers.ListField(
        child=serializers.RegexField(r"^\d{4}-\d{2}-\d{2}$"), required=False, max_length=366
    )

    class Meta:
        model = Business
        fields = list(BUSINESS_SETTINGS)

    def validate_time_zone(self, value: str) -> str:
        import zoneinfo

        if value not in zoneinfo.available_timezones():
            raise serializers.ValidationError("Unknown time zone.")
        return value

    def validate_phone_number(self, value: str) -> str:
        if sum(ch.isdigit() for ch in value) < 6:
            raise serializers.ValidationError("A phone number has at least 6 digits.")
        return value

    def validate_opening_hours(self, value: Any) -> Any:
        from voicebot.models import WEEKDAYS

        if not isinstance(value, dict) or any(day not in WEEKDAYS for day in value):
            raise serializers.ValidationError(f"An object keyed by {', '.join(WEEKDAYS)}.")
        for periods in value.values():
            for period in periods or []:
                if len(period) != 2 or not all(re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", p) for p in period):
                    raise serializers.ValidationError('Each day is a list of ["HH:MM", "HH:MM"] periods.')
        return value


class ReservationOutput(serializers.ModelSerializer[Reservation]):
    caller = serializers.SerializerMethodField()

    class Meta:
        model = Reservation
        fields = [
            "id",
            "business",
            "date",
            "time",
            "party_size",
            "name",
            "status",
            "caller",
            "source_call",
            "created_at",
            "updated_at",
        ]

    def get_caller(self, reservation: Reservation) -> str | None:
        return reservation.caller.masked_phone if reservation.caller else None


class CallTurnOutput(serializers.ModelSerializer[Turn]):
    class Meta:
        model = Turn
        fields = [*TURN_FIGURES, "at"]


class CallOutput(serializers.ModelSerializer[Call]):
    caller = serializers.SerializerMethodField()
    recording_url = serializers.SerializerMethodField()

    class Meta:
        model = Call
        fields = [
            "id",
            "business",
            "provider",
            "caller",
            "started_at",
            "ended_at",
            "outcome",
            "language",
            "transcript_kept",
            "recording_url",
            "recording_seconds",
            "latency",
        ]

    def get_caller(self, call: Call) -> str | None:
        return call.caller.masked_phone if call.caller else None

    def get_recording_url(self, call: Call) -> str | None:
        return reverse("voicebot-call-recording", kwargs={"call_id": call.pk}) if call.recording else None


class CallDetailOutput(CallOutput):
    turns = CallTurnOutput(many=True, read_only=True)

    class Meta(CallOutput.Meta):
        fields = [*CallOutput.Meta.fields, "turns", "voicemail_url"]
