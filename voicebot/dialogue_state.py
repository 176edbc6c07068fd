"""The dialogue's state between turns and what one turn answers."""

import datetime as dt
from dataclasses import dataclass, field


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

    def filled(self) -> tuple[dt.date, dt.time, int, str]:
        assert self.day and self.time and self.party_size and self.name, "all slots are asked for before use"
        return self.day, self.time, self.party_size, self.name


@dataclass
class DialogueState:
    stage: str = "consent"
    goal: str = ""
    slots: Slots = field(default_factory=Slots)
    offers: list[dt.datetime] = field(default_factory=list)
    target: int | None = None  # reservation id being changed or cancelled
    misunderstood: int = 0
    outcome: str = ""
    transcript_consent: bool = False  # the caller's answer to the consent question
    consent_repeats: int = 0  # times the consent question was asked again after an unclear answer
