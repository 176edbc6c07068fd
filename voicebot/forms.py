"""The business setup and booking forms of the staff pages (the API's serializers take the same settings)."""

import datetime as dt
import zoneinfo
from typing import Any

from django import forms

from voicebot.models import BUSINESS_SETTINGS, CALL_LANGUAGES, WEEKDAYS, Business

DAY_NAMES = dict(
    zip(WEEKDAYS, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"), strict=True)
)
LANGUAGE_NAMES = {"en": "English", "hi": "Hindi"}
PERIODS = 2  # opening periods per day on the grid (lunch and dinner)
TIME_ZONES = [(name, name) for name in sorted(zoneinfo.available_timezones())]


def _phone(value: str) -> str:
    if value and sum(ch.isdigit() for ch in value) < 6:
        raise forms.ValidationError("A phone number has at least 6 digits.")
    return value


class BusinessForm(forms.ModelForm[Business]):
    """Every setting an owner sets, the opening hours as a weekly grid: each day up to two periods."""

    time_zone = forms.ChoiceField(choices=TIME_ZONES)
    languages = forms.MultipleChoiceField(
        choices=[(code, LANGUAGE_NAMES.get(code, code)) for code in CALL_LANGUAGES],
        widget=forms.CheckboxSelectMultiple,
        help_text="The bot greets in the first one ticked and switches when a caller asks.",
    )
    holidays_text = forms.CharField(
        label="Holidays", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Dates the business is closed, one a line (YYYY-MM-DD).",
    )
    retention_days = forms.TypedChoiceField(
        label="Keep transcripts and recordings for", coerce=int,
        choices=[(7, "7 days"), (30, "30 days"), (90, "90 days"), (365, "a year")],
    )

    class Meta:
        model = Business
        fields = [name for name in BUSINESS_SETTINGS if name not in ("opening_hours", "holidays")]
        labels = {
            "phone_number": "Phone number callers dial",
            "seats_per_slot": "Seats per slot",
            "max_party_size": "Largest party",
            "slot_minutes": "Slot length (minutes)",
            "lead_minutes": "Bookings close this many minutes before a slot",
            "horizon_days": "Bookings taken this many days ahead",
            "transfer_number": "Transfer number (a person, when a caller asks)",
            "record_calls": "Record calls (callers are asked first)",
        }

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        business = self.instance
        retention = self.fields["retention_days"]
        assert isinstance(retention, forms.TypedChoiceField)
        kept = business.retention_days
        labels = dict(list(retention.choices))  # type: ignore[arg-type]
        labels.setdefault(kept, f"{kept} days")
        retention.choices = sorted(labels.items())
        if business.pk is None:
            self.initial.setdefault("time_zone", getattr(user, "time_zone", "") or business.time_zone)
            self.initial.setdefault("languages", ["en"])
        self.initial.setdefault("holidays_text", "\n".join(business.holidays or []))
        hours = business.opening_hours or {}
        for day in WEEKDAYS:
            periods = hours.get(day) or []
            for index in range(PERIODS):
                for edge, position in (("open", 0), ("close", 1)):
                    name = f"{day}_{edge}_{index}"
                    label = f"{DAY_NAMES[day]} {edge} {index + 1}"
                    self.fields[name] = forms.TimeField(
                        required=False, label=label,
                        widget=forms.TimeInput(attrs={"type": "time", "aria-label": label}, format="%H:%M"),
                    )
                    if index < len(periods):
                        self.initial.setdefault(name, periods[index][position])

    def clean_phone_number(self) -> str:
        return _phone(self.cleaned_data["phone_number"])

    def clean_transfer_number(self) -> str:
        return _phone(self.cleaned_data.get("transfer_number", ""))

    def clean_holidays_text(self) -> list[str]:
        days = []
        for line in self.cleaned_data.get("holidays_text", "").split():
            try:
                days.append(dt.date.fromisoformat(line.strip()).isoformat())
            except ValueError:
                raise forms.ValidationError(f"{line} is not a date like 2026-12-25.") from None
        return sorted(set(days))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        hours: dict[str, list[list[str]]] = {}
        for day in WEEKDAYS:
            hours[day] = []
            for index in range(PERIODS):
                opens, closes = data.get(f"{day}_open_{index}"), data.get(f"{day}_close_{index}")
                if opens is None and closes is None:
                    continue
                if opens is None or closes is None or closes <= opens:
                    problem = f"{DAY_NAMES[day]}: give an opening time before the closing time."
                    self.add_error(f"{day}_open_{index}", problem)
                    continue
                if hours[day] and opens.strftime("%H:%M") < hours[day][-1][1]:
                    self.add_error(f"{day}_open_{index}", f"{DAY_NAMES[day]}: the periods overlap.")
                    continue
                hours[day].append([opens.strftime("%H:%M"), closes.strftime("%H:%M")])
        data["opening_hours"] = hours
        return data

    def settings(self) -> dict[str, Any]:
        """The business's settings as the services take them."""
        data = self.cleaned_data
        fields = {name: data[name] for name in self._meta.fields or [] if name in data}
        fields["opening_hours"] = data["opening_hours"]
        fields["holidays"] = data["holidays_text"]
        return fields

    def grid(self) -> list[dict[str, Any]]:
        """The opening-hours rows for the template: a day and its periods' (open, close) fields."""
        rows = []
        for day in WEEKDAYS:
            periods = [(self[f"{day}_open_{i}"], self[f"{day}_close_{i}"]) for i in range(PERIODS)]
            rows.append({"day": DAY_NAMES[day], "periods": periods})
        return rows


class InviteForm(forms.Form):
    username = forms.CharField(max_length=150, help_text="They see this business's bookings and calls.")


class ReservationForm(forms.Form):
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    party_size = forms.IntegerField(min_value=1, max_value=500, initial=2)
    name = forms.CharField(max_length=120)
