"""The dialogue's steps for a caller's existing booking: find it, then cancel it or change it.

A part of `voicebot.dialogue.Dialogue`, kept apart for length; it reads and writes the same state.
"""

import datetime as dt
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from sawt.core.errors import Conflict
from voicebot import selectors, services
from voicebot import understanding as nlu
from voicebot.dialogue_booking import read_slots
from voicebot.dialogue_state import DialogueState, Reply, Slots, Stage
from voicebot.models import Business, Call, Caller, Reservation
from voicebot.phrases import either, say_date, say_time


class ExistingBookingSteps:
    business: Business
    caller: Caller | None
    state: DialogueState

    if TYPE_CHECKING:

        def after(self, reply: Reply, outcome: str) -> Reply: ...

        def _start(self, goal: str | None, text: str) -> Reply: ...

        def _slot(self, moment: dt.datetime, day: dt.date) -> str: ...

    def _find_booking(self, goal: str, text: str) -> Reply:
        s = self.state
        upcoming = list(selectors.caller_upcoming_reservations(caller=self.caller)) if self.caller else []
        if not upcoming:
            s.stage, s.goal = Stage.OPEN, ""
            return Reply(
                _(
                    "Sorry, I couldn't find an upcoming booking for the number you're calling from. "
                    "Would you like to make a new one?"
                ),
                goal,
            )
        day = nlu.calendar_date(text, self.business.now().date())
        chosen = next((r for r in upcoming if r.date == day), upcoming[0])
        s.goal, s.target = goal, chosen.pk
        found = _("I found your booking for %(size)s %(when)s.") % {
            "size": chosen.party_size,
            "when": self._when(chosen),
        }
        if goal == "cancel":
            s.stage = Stage.CONFIRM_CANCEL
            return Reply(found + " " + _("Shall I cancel it?"), goal)
        s.stage, s.slots = Stage.CHANGE_COLLECT, Slots()
        changes = self._read_change(text, chosen)
        if changes:
            return self._propose_change(chosen)
        return Reply(found + " " + _("What would you like to change it to?"), goal)

    def _when(self, r: Reservation) -> str:
        return self._day_at(r.date, r.time)

    def _day_at(self, day: dt.date, time: dt.time) -> str:
        return _("%(day)s at %(time)s") % {"day": say_date(day, self.business.now().date()), "time": say_time(time)}

    def _target(self) -> Reservation | None:
        if self.state.target is None:
            return None
        return Reservation.objects.filter(pk=self.state.target, business=self.business).first()

    def _confirm_cancel(self, text: str) -> Reply:
        answer, target = nlu.yes_no(text), self._target()
        if target is None or answer is None:
            return Reply(_("Should I cancel that booking? Please say yes or no."), "cancel")
        self.state.goal = ""
        if not answer:
            return self.after(Reply(_("Okay, I've left your booking as it is.")), Call.Outcome.INFORMATION)
        services.reservation_cancel(reservation=target)
        self.state.outcome = Call.Outcome.CANCELLED
        return self.after(Reply(_("Your booking is cancelled."), "cancel"), Call.Outcome.CANCELLED)

    def _read_change(self, text: str, target: Reservation) -> bool:
        slots = self.state.slots
        before = (slots.day, slots.time, slots.party_size)
        read_slots(self.business, slots, text, expecting=None, day=slots.day or target.date)
        return (slots.day, slots.time, slots.party_size) != before

    def _change_collect(self, text: str) -> Reply:
        target = self._target()
        if target is None:
            return self._start("book", text)
        if not self._read_change(text, target):
            return Reply(_("Sorry, what day, time or party size would you like instead?"), "change")
        return self._propose_change(target)

    def _propose_change(self, target: Reservation) -> Reply:
        slots = self.state.slots
        day, time, size = slots.day or target.date, slots.time or target.time, slots.party_size or target.party_size
        verdict, nearest = selectors.availability_check(
            business=self.business, day=day, time=time, party_size=size, exclude_reservation_id=target.pk
        )
        if not verdict.ok:
            slots.time = None
            sorry = _("Sorry, %(reason)s.") % {"reason": verdict.explanation}
            alt = ""
            if nearest:
                options = either([self._slot(n, day) for n in nearest])
                alt = " " + _("I could do %(options)s.") % {"options": options}
            return Reply(sorry + alt + " " + _("What would you prefer?"), "change")
        slots.day, slots.time, slots.party_size = day, time, size
        self.state.stage = Stage.CONFIRM_CHANGE
        return Reply(
            _("Okay. I can move it to %(when)s for %(size)s. Shall I go ahead?")
            % {"when": self._day_at(day, time), "size": size},
            "change",
        )

    def _confirm_change(self, text: str) -> Reply:
        answer, target = nlu.yes_no(text), self._target()
        if target is None:
            return self._start("book", text)
        if answer is None:
            # A new day, time or size is proposed afresh; anything else unclear gets the same question again.
            self.state.stage = Stage.CHANGE_COLLECT
            self._read_change(text, target)
            return self._propose_change(target)
        if not answer:
            self.state.stage = Stage.CHANGE_COLLECT
            return Reply(_("Okay. What would you like instead?"), "change")
        slots = self.state.slots
        try:
            services.reservation_change(reservation=target, day=slots.day, time=slots.time, party_size=slots.party_size)
        except Conflict:
            self.state.stage = Stage.CHANGE_COLLECT
            return Reply(_("Sorry, that slot was just taken. What other time would suit you?"), "change")
        self.state.outcome = Call.Outcome.CHANGED
        done = _("Done. Your booking is now %(when)s.") % {"when": self._when(target)}
        return self.after(Reply(done, "change"), Call.Outcome.CHANGED)
