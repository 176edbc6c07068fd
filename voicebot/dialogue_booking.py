"""The dialogue's steps for a new booking: read the slots, ask for what is missing, offer free times, confirm.

A part of `voicebot.dialogue.Dialogue`, kept apart for length; it reads and writes the same state.
`read_slots` is the one slot reader: a new booking, a change and a correction at the confirmation all
go through it. A bare number answers the question that was asked ("8" after "At what time?" is 8
o'clock, after "For how many people?" eight people).
"""

import datetime as dt
import re
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from sawt.core.errors import Conflict
from voicebot import availability, selectors, services
from voicebot import understanding as nlu
from voicebot.dialogue_state import DialogueState, Reply, Slots, Stage
from voicebot.models import Business, Call, Caller, Consent, Reservation
from voicebot.phrases import ask_slot, ask_slot_again, at, either, offer_choices, say_date, say_time
from voicebot.understanding.turns import Heard
from voicebot.understanding.when import words_as_digits

SLOTS = ("day", "time", "party_size", "name")
# Answers that did not fill the slot asked for before choices are offered; one more, and the caller is offered
# a WhatsApp message to book by text, or a person.
REPEATS_BEFORE_CHOICES = 2
# The slot a caller names when asked what to change ("The time.", "the number of people").
_SLOT_NAMED = (
    ("party_size", re.compile(r"\b(people|persons|guests|party|number)\b")),
    ("time", re.compile(r"\b(time|hour)\b")),
    ("day", re.compile(r"\b(day|date)\b")),
    ("name", re.compile(r"\bname\b")),
)


def bare_time(text: str) -> tuple[int, int, None] | None:
    """The time of an answer to "At what time?" that gives only a number: "8", "eight", "tomorrow for 8", or
    the hour and minute run together as Whisper writes "fourteen forty-one" and "seven thirty" ("1441",
    "730")."""
    t = words_as_digits(nlu.normalize(text))
    phrase = nlu.date_phrase(text)
    if phrase:
        t = t.replace(phrase, " ")
    numbers = re.findall(r"\b(\d{1,4})\b", t)
    if len(numbers) != 1:
        return None
    said = numbers[0]
    hour, minute = (int(said), 0) if len(said) <= 2 else (int(said[:-2]), int(said[-2:]))
    return (hour, minute, None) if 0 < hour <= 23 and minute <= 59 else None


def read_slots(
    business: Business, slots: Slots, text: str, *, expecting: str | None, day: dt.date, heard: Heard | None = None
) -> set[str]:
    """Fills `slots` from what `text` says and names the slots it filled. `day` resolves am/pm by the
    opening hours when no day is known yet; `expecting` is the slot the last question asked for; `heard`:
    the party size and time most hearings of an open request read, taken over the text's own."""
    filled: set[str] = set()
    said_day = nlu.calendar_date(text, business.now().date())
    if said_day is not None:
        slots.day = said_day
        filled.add("day")
    hms = nlu.clock_time(text)
    size = nlu.party_size(text, loose=expecting != "time", asked=expecting == "party_size")
    if heard is not None and expecting is None:
        hms, size = heard.time or hms, heard.party_size or size
    if hms is None and size is None and expecting == "time":
        hms = bare_time(text)
    if hms is not None:
        on = slots.day or day
        time = nlu.resolve_time(hms, lambda t: t in availability.slot_times(business, on))
        if time is not None:
            slots.time = time
            filled.add("time")
    if size is None and hms is None and expecting == "party_size":
        size = nlu.first_number(text)
    if size:
        slots.party_size = size
        filled.add("party_size")
    # A name already given changes only on words that can only introduce one ("No, under Priya").
    name = nlu.person_name(text, bare=expecting == "name" and not filled, clear=slots.name is not None)
    if name:
        slots.name = name
        filled.add("name")
    return filled


class BookingSteps:
    business: Business
    call: Call | None
    caller: Caller | None
    state: DialogueState
    turn_heard: Heard | None

    if TYPE_CHECKING:

        def after(self, reply: Reply, outcome: str) -> Reply: ...

        def _transfer(self, apology: bool = False) -> Reply: ...

        def _way_out(self) -> Reply: ...

    def _read(self, text: str, *, expecting: str | None) -> set[str]:
        slots, heard = self.state.slots, self.state.heard
        filled = read_slots(
            self.business, slots, text, expecting=expecting, day=self.business.now().date(), heard=self.turn_heard
        )
        for slot in filled:
            setattr(heard, slot, getattr(slots, slot))
        return filled

    def _missing(self) -> str | None:
        return next((slot for slot in SLOTS if getattr(self.state.slots, slot) is None), None)

    def _collect(self, text: str) -> Reply:
        s = self.state
        filled = self._read(text, expecting=s.asked)
        slots = s.slots
        if not filled and s.asked is None and self._missing() is None:
            # Asked what to change, the caller names a slot without its new value ("The time."): ask for it.
            said = nlu.normalize(text)
            named = next((slot for slot, words in _SLOT_NAMED if words.search(said)), None)
            if named is not None:
                s.asked = named
                return Reply(ask_slot(named), "book")
        if slots.party_size and slots.party_size > self.business.max_party_size:
            slots.party_size = None
            s.asked = "party_size"
            return Reply(
                _("Sorry, we can seat at most %(size)s people at one table. How many people should I book for?")
                % {"size": self.business.max_party_size},
                "book",
            )
        if slots.day and slots.time:
            verdict, nearest = selectors.availability_check(
                business=self.business, day=slots.day, time=slots.time, party_size=slots.party_size or 1
            )
            if not verdict.ok:
                return self._offer(verdict, nearest)
        missing = self._missing()
        if missing is not None and missing == s.asked and text.strip():
            # The answer did not fill what was asked: say so with an example, then offer choices, then a way
            # out (booking by WhatsApp, or a person); never the same question a third time in the same words.
            s.failures[missing] = s.failures.get(missing, 0) + 1
            if s.failures[missing] > REPEATS_BEFORE_CHOICES and missing == "name" and self.caller is not None:
                # A name the line does not carry loses no booking: it goes under the number the caller rings
                # from (its last two digits, as staff see callers), read back so that "my name is ..." mends it.
                slots.name = str(self.caller)
                missing = self._missing()
            elif s.failures[missing] > REPEATS_BEFORE_CHOICES:
                return self._way_out()
            elif s.failures[missing] == REPEATS_BEFORE_CHOICES:
                return Reply(offer_choices(missing, self._choices(missing)), "book")
            else:
                return Reply(ask_slot_again(missing), "book")
        s.asked = missing
        if missing is not None:
            return Reply(ask_slot(missing), "book")
        s.stage = Stage.CONFIRM_BOOKING
        day, time, size, name = slots.filled()
        if self.caller is not None and name == str(self.caller):
            name = _("the number you are calling from")
        return Reply(
            _("Okay. A table for %(size)s %(day)s at %(time)s, under %(name)s. Shall I book it?")
            % {"size": size, "day": say_date(day, self.business.now().date()), "time": say_time(time), "name": name},
            "book",
        )

    def _choices(self, slot: str) -> list[str]:
        today = self.business.now().date()
        if slot == "day":
            return [say_date(today + dt.timedelta(days=n), today) for n in range(3)]
        if slot == "party_size":
            return [str(n) for n in (2, 4, 6) if n <= self.business.max_party_size] or ["1"]
        day = self.state.slots.day or today
        free = [
            dt.time.fromisoformat(row["time"])
            for row in selectors.availability_for_day(
                business=self.business, day=day, party_size=self.state.slots.party_size or 1
            )
            if row["available"]
        ]
        evening = [t for t in free if t.minute == 0 and t.hour >= 18] or [t for t in free if t.minute == 0] or free
        return [say_time(t) for t in evening[:3]] or [say_time(dt.time(19)), say_time(dt.time(20))]

    def _offer(self, verdict: availability.Verdict, nearest: list[dt.datetime]) -> Reply:
        slots = self.state.slots
        today = self.business.now().date()
        assert slots.day and slots.time, "an offer follows a refused day and time"
        wanted = at(say_date(slots.day, today), say_time(slots.time))
        self.state.offers = nearest
        slots.time = None
        if not nearest:
            slots.day = None
            self.state.asked = "day"
            return Reply(
                _("Sorry, %(reason)s. Which other day would suit you?") % {"reason": verdict.explanation}, "book"
            )
        self.state.stage = Stage.OFFERS
        options = either([self._slot(o, nearest[0].date()) for o in nearest])
        if nearest[0].date() != slots.day:
            options = at(say_date(nearest[0].date(), today), options)
        return Reply(
            _(
                "Sorry, %(wanted)s is not possible: %(reason)s. The nearest free times are %(options)s. "
                "Would one of those work?"
            )
            % {"wanted": wanted, "reason": verdict.explanation, "options": options},
            "book",
        )

    def _slot(self, moment: dt.datetime, day: dt.date) -> str:
        """A free time offered: just the time on `day`, else the time and its day."""
        if moment.date() == day:
            return say_time(moment.time())
        return at(say_date(moment.date(), self.business.now().date()), say_time(moment.time()))

    def _choose_offer(self, text: str) -> Reply:
        offers, slots = self.state.offers, self.state.slots
        t = nlu.normalize(text)
        choice: dt.datetime | None = None
        hms = nlu.clock_time(text) or bare_time(text)
        if hms is not None:
            offered = {offer.time(): offer for offer in offers}
            picked = nlu.resolve_time(hms, lambda t: t in offered)
            choice = offered.get(picked) if picked else None
        if choice is None and any(w in t for w in ("second", "later", "last", "latter")) and len(offers) > 1:
            choice = offers[1]
        elif choice is None and (any(w in t for w in ("first", "earlier", "former")) or nlu.yes_no(text)):
            choice = offers[0]
        if choice is None:
            self.state.stage = Stage.COLLECT
            if nlu.yes_no(text) is False:
                self.state.asked = "time"
                return Reply(_("Okay. What other time would suit you?"), "book")
            return self._collect(text)
        slots.day, slots.time = choice.date(), choice.time()
        self.state.stage = Stage.COLLECT
        self._read(text, expecting=None)
        slots.day, slots.time = choice.date(), choice.time()
        return self._collect("")

    def _confirm_booking(self, text: str) -> Reply:
        answer = nlu.yes_no(text)
        s = self.state
        if answer is not True:
            # "No, make it five", "actually Saturday": the correction is read and the booking confirmed afresh.
            before = (s.slots.day, s.slots.time, s.slots.party_size, s.slots.name)
            self._read(text, expecting=None)
            s.stage, s.asked = Stage.COLLECT, None
            if answer is None or (s.slots.day, s.slots.time, s.slots.party_size, s.slots.name) != before:
                return self._collect("")
            return Reply(_("Okay. What would you like to change: the day, the time, or the number of people?"), "book")
        day, time, size, name = s.slots.filled()
        try:
            self.book(day=day, time=time, party_size=size, name=name)
        except Conflict:
            s.stage = Stage.COLLECT
            verdict, nearest = selectors.availability_check(business=self.business, day=day, time=time, party_size=size)
            return self._offer(verdict, nearest)
        note = " " + _("You will get a confirmation on WhatsApp.") if self.whatsapp_ok() else ""
        return self.after(Reply(_("Done! Your table is booked.") + note, "book"), Call.Outcome.BOOKED)

    def book(self, *, day: dt.date, time: dt.time, party_size: int, name: str) -> Reservation:
        """Books a table for this caller from this call: the one place a dialogue (the rules' confirmation or
        the model's `book_table`) makes a reservation. A refused slot raises `Conflict` (`ValidationFailed`
        for a bad party size or name)."""
        reservation = services.reservation_book(
            business=self.business,
            day=day,
            time=time,
            party_size=party_size,
            name=name,
            caller=self.caller,
            source_call=self.call,
        )
        self.state.outcome, self.state.booked = Call.Outcome.BOOKED, reservation.pk
        return reservation

    def whatsapp_ok(self) -> bool:
        return bool(
            self.caller and not self.caller.whatsapp_opted_out and self.caller.has_consent(Consent.Kind.WHATSAPP)
        )
