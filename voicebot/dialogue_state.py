"""The dialogue's state between turns and what one turn answers."""

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Stage(StrEnum):
    """Where the conversation is: what the caller's next words answer."""

    CONSENT = "consent"
    OPEN = "open"  # "How can I help you?"
    COLLECT = "collect"  # a booking's day, time, party size and name
    CONFIRM_BOOKING = "confirm_booking"
    OFFERS = "offers"  # the nearest free times were offered
    CONFIRM_CANCEL = "confirm_cancel"
    CHANGE_COLLECT = "change_collect"
    CONFIRM_CHANGE = "confirm_change"
    ANYTHING_ELSE = "anything_else"
    WHATSAPP_LINK = "whatsapp_link"  # "Shall I send you a WhatsApp message to book by text?"


# Stages whose question a plain yes or no answers, so a "yes" said while it is still playing counts.
YES_NO_STAGES = frozenset(
    {
        Stage.CONSENT,
        Stage.CONFIRM_BOOKING,
        Stage.OFFERS,
        Stage.CONFIRM_CANCEL,
        Stage.CONFIRM_CHANGE,
        Stage.WHATSAPP_LINK,
    }
)


@dataclass
class Reply:
    text: str
    intent: str = ""
    end_call: bool = False
    outcome: str = ""  # a Call.Outcome once the call has achieved something
    # (language, text) said after `text` in that language's voice: the greeting's language offers.
    extra: list[tuple[str, str]] = field(default_factory=list)

    @property
    def full_text(self) -> str:
        return " ".join([self.text, *(text for _, text in self.extra)])


@dataclass
class Slots:
    day: dt.date | None = None
    time: dt.time | None = None
    party_size: int | None = None
    name: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "date": self.day.isoformat() if self.day else None,
            "time": self.time.strftime("%H:%M") if self.time else None,
            "party_size": self.party_size,
            "name": self.name,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Slots":
        return cls(
            day=dt.date.fromisoformat(data["date"]) if data.get("date") else None,
            time=dt.time.fromisoformat(data["time"]) if data.get("time") else None,
            party_size=data.get("party_size"),
            name=data.get("name"),
        )

    def merged(self, heard: "Slots") -> "Slots":
        """These slots, with what was heard standing in where a business rule emptied one."""
        return Slots(
            day=self.day or heard.day,
            time=self.time or heard.time,
            party_size=self.party_size or heard.party_size,
            name=self.name or heard.name,
        )

    def filled(self) -> tuple[dt.date, dt.time, int, str]:
        assert self.day and self.time and self.party_size and self.name, "all slots are asked for before use"
        return self.day, self.time, self.party_size, self.name


@dataclass
class DialogueState:
    stage: Stage = Stage.CONSENT
    goal: str = ""
    asked: str | None = None  # the slot the last question asked for
    failures: dict[str, int] = field(default_factory=dict)  # answers per slot that did not fill it
    slots: Slots = field(default_factory=Slots)
    heard: Slots = field(default_factory=Slots)  # what the caller said, even where a rule then refused it
    booked: int | None = None  # the reservation this conversation made
    offers: list[dt.datetime] = field(default_factory=list)
    target: int | None = None  # reservation id being changed or cancelled
    misunderstood: int = 0
    outcome: str = ""
    transcript_consent: bool = False  # the caller's answer to the consent question
    consent_repeats: int = 0  # times the consent question was asked again after an unclear answer

    def as_json(self) -> dict[str, Any]:
        """The state as JSON, to keep a text conversation between requests."""
        return {
            **{name: getattr(self, name) for name in _PLAIN},
            "stage": str(self.stage),
            "slots": self.slots.as_json(),
            "heard": self.heard.as_json(),
            "offers": [offer.isoformat() for offer in self.offers],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "DialogueState":
        if not data:
            return cls()
        return cls(
            **{name: data[name] for name in _PLAIN if name in data},
            stage=Stage(data.get("stage", Stage.CONSENT)),
            slots=Slots.from_json(data.get("slots") or {}),
            heard=Slots.from_json(data.get("heard") or {}),
            offers=[dt.datetime.fromisoformat(offer) for offer in data.get("offers", [])],
        )


_PLAIN = (
    "goal",
    "asked",
    "failures",
    "booked",
    "target",
    "misunderstood",
    "outcome",
    "transcript_consent",
    "consent_repeats",
)
