"""The conversation: consent, then booking, changing, cancelling, hours, location, transfer, voicemail.

A slot-filling state machine over `understanding`; every decision about a slot goes through the
same selectors and services as the API. Synchronous (it touches the ORM): the pipeline runs it
through `database_sync_to_async`. Replies put a short sentence first so TTS can start speaking
while the rest is synthesised.

Languages: a call runs in one of the business's `call_languages()` (the first, or the one the caller
picks by keypad or by naming it). Sentences are Django translations (`voicebot/locale/<lang>`, the
compiled .mo is committed); each entry point runs under `translation.override(self.language)`, and a
Hindi caller's words are rewritten by `understanding.hindi` into the forms the rules read.
"""

import datetime as dt
import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Concatenate, ParamSpec, TypeVar

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sawt.core.errors import Conflict
from voicebot import availability, selectors, services
from voicebot import understanding as nlu
from voicebot.models import Business, Call, Caller, Consent, Reservation
from voicebot.understanding import hindi

logger = logging.getLogger("voicebot")


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


# The keypad digit that switches a call to a language, and the language's name as the caller hears it.
LANGUAGE_DIGITS = {"en": "8", "hi": "9"}
LANGUAGE_NAMES = {"en": gettext_lazy("English"), "hi": gettext_lazy("Hindi")}
# Unclear answers to the consent question it is asked again for; after that, privacy is the default.
CONSENT_REPEATS = 2


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


def _hindi() -> bool:
    return (translation.get_language() or "en").startswith("hi")


_HINDI_WEEKDAYS = ("सोमवार", "मंगलवार", "बुधवार", "गुरुवार", "शुक्रवार", "शनिवार", "रविवार")
_HINDI_MONTHS = (
    "जनवरी", "फ़रवरी", "मार्च", "अप्रैल", "मई", "जून", "जुलाई", "अगस्त", "सितंबर", "अक्टूबर", "नवंबर", "दिसंबर",
)  # fmt: skip


def say_date(day: dt.date, today: dt.date) -> str:
    """The day as said in the active language: "tomorrow", "Friday the 5th of December", "कल"."""
    if _hindi():
        named = {0: "आज", 1: "कल", 2: "परसों"}.get((day - today).days)
        return named or f"{_HINDI_WEEKDAYS[day.weekday()]}, {day.day} {_HINDI_MONTHS[day.month - 1]}"
    if day == today:
        return "today"
    if day == today + dt.timedelta(days=1):
        return "tomorrow"
    return f"{day:%A} the {day.day}{_ordinal(day.day)} of {day:%B}"


def say_on_date(day: dt.date, today: dt.date) -> str:
    """The day as an adverb: "today", "on Friday the 5th of December", "शुक्रवार, 5 दिसंबर को"."""
    said = say_date(day, today)
    if _hindi():
        return said if (day - today).days in {0, 1, 2} else f"{said} को"
    return said if said in {"today", "tomorrow"} else f"on {said}"


def _ordinal(n: int) -> str:
    return "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def say_time(time: dt.time) -> str:
    """The time as said in the active language: "7:30 pm", "शाम साढ़े 7 बजे"."""
    hour = time.hour % 12 or 12
    if _hindi():
        part = "सुबह" if 4 <= time.hour < 12 else "दोपहर" if time.hour < 16 else "शाम" if time.hour < 20 else "रात"
        part = "रात" if time.hour < 4 else part
        clock = {
            0: f"{hour} बजे",
            15: f"सवा {hour} बजे",
            30: {1: "डेढ़ बजे", 2: "ढाई बजे"}.get(hour, f"साढ़े {hour} बजे"),
            45: f"पौने {hour % 12 + 1} बजे",
        }.get(time.minute, f"{hour} बजकर {time.minute} मिनट")
        return f"{part} {clock}"
    return (
        f"{hour}:{time.minute:02d} {'pm' if time.hour >= 12 else 'am'}"
        if time.minute
        else f"{hour} {'pm' if time.hour >= 12 else 'am'}"
    )


def _either(options: list[str]) -> str:
    return functools.reduce(lambda a, b: _("%(first)s or %(second)s") % {"first": a, "second": b}, options)


def _both(parts: list[str]) -> str:
    return functools.reduce(lambda a, b: _("%(first)s and %(second)s") % {"first": a, "second": b}, parts)


def _at(day: str, time: str) -> str:
    # Translators: a time on a day, "8 pm tomorrow"; Hindi says the day first.
    return _("%(time)s %(day)s") % {"time": time, "day": day}


P = ParamSpec("P")
R = TypeVar("R")


def _in_call_language(method: Callable[Concatenate["Dialogue", P], R]) -> Callable[Concatenate["Dialogue", P], R]:
    """Runs an entry point with the call's language active, for its sentences and dates."""

    @functools.wraps(method)
    def wrapper(self: "Dialogue", *args: P.args, **kwargs: P.kwargs) -> R:
        with translation.override(self.language):
            return method(self, *args, **kwargs)

    return wrapper


class Dialogue:
    def __init__(self, *, business: Business, call: Call | None = None, caller: Caller | None = None) -> None:
        self.business = business
        self.call = call
        self.caller = caller
        self.state = DialogueState()
        self._asked: str | None = None
        self.language = call.language if call is not None else business.call_languages()[0]

    # --- entry points -------------------------------------------------------------

    @_in_call_language
    def greeting(self) -> Reply:
        hello = self.business.greeting or _("Hello, you have reached %(name)s.") % {"name": self.business.name}
        reply = Reply(f"{hello} {self._consent_question()}", "greeting")
        for language in self.business.call_languages():
            if language != self.language:
                reply.text += " " + self._language_offer(language)
                with translation.override(language):
                    reply.extra.append((language, self._language_offer(language)))
        return reply

    def _consent_question(self) -> str:
        if self.business.record_calls:
            return _(
                "May we record this call, keep a transcript and send your confirmation on WhatsApp? "
                "Please say yes or no."
            )
        return _("May we keep a transcript of this call and send your confirmation on WhatsApp? Please say yes or no.")

    def _language_offer(self, language: str) -> str:
        name = str(LANGUAGE_NAMES[language])
        return _("For %(language)s, press %(digit)s or say %(language)s.") % {
            "language": name,
            "digit": LANGUAGE_DIGITS[language],
        }

    @_in_call_language
    def silence_prompt(self) -> Reply:
        return Reply(_("Are you still there? How can I help you?"), "silence")

    @_in_call_language
    def silence_goodbye(self) -> Reply:
        return Reply(
            _("I can't hear anything, so I'll hang up now. Please call again. Goodbye."),
            "silence",
            end_call=True,
            outcome=self.state.outcome or Call.Outcome.ABANDONED,
        )

    @_in_call_language
    def dtmf(self, digit: str) -> Reply | None:
        if self.state.stage == "consent" and digit in {"1", "2"}:
            return self._consent(digit == "1", Consent.How.KEYPAD, "")
        if digit == "0":
            return self._transfer()
        chosen = next((code for code, key in LANGUAGE_DIGITS.items() if key == digit), None)
        if chosen is not None and chosen != self.language and chosen in self.business.call_languages():
            return self._switch_language(chosen)
        return None

    @_in_call_language
    def respond(self, text: str) -> Reply:
        asked = hindi.language_asked(text)
        if asked is not None and asked != self.language and asked in self.business.call_languages():
            return self._switch_language(asked)
        if self.language == "hi":
            text = hindi.to_english(text)
        if self.state.stage == "consent":
            answer = nlu.yes_no(text)
            if answer is None and not self._holds_request(text) and self.state.consent_repeats < CONSENT_REPEATS:
                # "Maybe", "what for?": ask again rather than guess.
                self.state.consent_repeats += 1
                return Reply(_("Sorry, I didn't catch that.") + " " + self._consent_question(), "consent")
            # Anything but a clear yes is a no: privacy is the default.
            return self._consent(answer is True, Consent.How.VOICE, text if answer is None else "")
        return self._dispatch(text)

    def _switch_language(self, language: str) -> Reply:
        self.language = language
        if self.call is not None:
            services.call_set_language(call=self.call, language=language)
        with translation.override(language):
            lead = _("Okay, let's talk in %(language)s.") % {"language": str(LANGUAGE_NAMES[language])}
            if self.state.stage == "consent":
                return Reply(f"{lead} {self._consent_question()}", "language")
            self.state.stage, self.state.goal, self._asked = "open", "", None
            return Reply(lead + " " + _("How can I help you?"), "language")

    # --- consent ----------------------------------------------------------------------

    def _consent(self, granted: bool, how: str, rest: str) -> Reply:
        services.consent_record(
            caller=self.caller,
            kinds=[Consent.Kind.TRANSCRIPT, Consent.Kind.WHATSAPP]
            + ([Consent.Kind.RECORDING] if self.business.record_calls else []),
            granted=granted,
            how=how,
            call=self.call,
        )
        self.state.stage = "open"
        self.state.transcript_consent = granted
        if self._holds_request(rest):
            return self._dispatch(rest)
        lead = _("Thank you.") if granted else _("No problem, we won't keep anything.")
        return Reply(lead + " " + _("How can I help you today?"), "consent")

    def _holds_request(self, text: str) -> bool:
        return bool(text.strip() and (nlu.intent(text) or nlu.party_size(text) or nlu.date_phrase(text)))

    # --- routing ----------------------------------------------------------------------

    def _dispatch(self, text: str) -> Reply:
        s = self.state
        handler = {
            "collect": self._collect,
            "confirm_booking": self._confirm_booking,
            "offers": self._choose_offer,
            "confirm_cancel": self._confirm_cancel,
            "change_collect": self._change_collect,
            "confirm_change": self._confirm_change,
            "anything_else": self._anything_else,
        }.get(s.stage)
        if handler is not None:
            wanted = nlu.intent(text)
            # A new request in the middle of another ("actually, cancel my booking") wins.
            if (
                wanted in {"cancel", "change", "transfer", "voicemail", "hours", "location"}
                and wanted != s.goal
                and s.stage != "anything_else"
            ):
                return self._start(wanted, text)
            return handler(text)
        return self._start(nlu.intent(text) or self._meaning(text), text)

    def _meaning(self, text: str) -> str | None:
        if nlu.party_size(text) or nlu.date_phrase(text) or nlu.clock_time(text):
            return "book"
        if len(text.split()) < 3 or self.language != "en":
            return None  # the example phrases and the embedding model are English
        try:
            return nlu.intent_by_meaning(text)
        except Exception:  # the embedding model is an optional enrichment, never a reason to fail a call
            logger.warning("intent embeddings unavailable", exc_info=True)
            return None

    def _start(self, goal: str | None, text: str) -> Reply:
        s = self.state
        if goal == "book":
            s.goal, s.stage, s.slots, s.offers = "book", "collect", Slots(), []
            return self._collect(text)
        if goal in {"cancel", "change"}:
            return self._find_booking(goal, text)
        if goal == "hours":
            return self._after(self._hours(text), "information")
        if goal == "location":
            if self.business.address:
                where = _("We are at %(address)s.") % {"address": self.business.address}
            else:
                where = _("Please ask our staff for directions.")
            return self._after(Reply(where), "information")
        if goal == "transfer":
            return self._transfer()
        if goal == "voicemail":
            return Reply(
                _("Sure. Please leave your message after the tone."),
                "voicemail",
                end_call=True,
                outcome=Call.Outcome.VOICEMAIL,
            )
        if goal == "goodbye":
            return self._goodbye()
        s.misunderstood += 1
        if s.misunderstood >= 3:
            return self._transfer(apology=True)
        return Reply(
            _("Sorry, I didn't catch that. I can book, change or cancel a table, or tell you our hours."), "unknown"
        )

    def _after(self, reply: Reply, outcome: str) -> Reply:
        if not self.state.outcome:
            self.state.outcome = outcome
        self.state.stage, self.state.goal = "anything_else", ""
        reply.text += " " + _("Is there anything else I can help with?")
        reply.outcome = reply.outcome or self.state.outcome
        return reply

    def _anything_else(self, text: str) -> Reply:
        wanted = nlu.intent(text)
        if wanted and wanted != "goodbye":
            self.state.stage = "open"
            return self._start(wanted, text)
        if nlu.yes_no(text) is False or wanted == "goodbye":
            return self._goodbye()
        if nlu.yes_no(text):
            self.state.stage = "open"
            return Reply(_("Sure. What can I do for you?"), "open")
        self.state.stage = "open"
        return self._dispatch(text)

    def _goodbye(self) -> Reply:
        return Reply(
            _("Thank you for calling. Goodbye!"),
            "goodbye",
            end_call=True,
            outcome=self.state.outcome or Call.Outcome.NO_ACTION,
        )

    def _transfer_number(self) -> str:
        """Where a transfer goes, "" when nowhere: a phone call is put through only to an approved number."""
        return self.business.transfer_number_for(self.call.provider if self.call is not None else "")

    def _transfer(self, apology: bool = False) -> Reply:
        lead = _("Sorry, I'm having trouble helping with that.") + " " if apology else ""
        if self._transfer_number():
            return Reply(
                lead + _("Let me connect you to a member of our staff."),
                "transfer",
                end_call=True,
                outcome=Call.Outcome.TRANSFERRED,
            )
        return Reply(
            lead + _("Nobody can come to the phone right now. Please leave a message after the tone."),
            "voicemail",
            end_call=True,
            outcome=Call.Outcome.VOICEMAIL,
        )

    def _hours(self, text: str) -> Reply:
        today = self.business.now().date()
        day = nlu.calendar_date(text, today) or today
        periods = availability.opening_periods(self.business, day)
        when = say_on_date(day, today)
        if not periods:
            return Reply(_("We are closed %(day)s.") % {"day": when}, "hours")
        spans = _both([_("%(start)s to %(end)s") % {"start": say_time(a), "end": say_time(b)} for a, b in periods])
        opening = _("%(day)s, we are open %(spans)s.") % {"day": when[:1].upper() + when[1:], "spans": spans}
        return Reply(opening, "hours")

    # --- booking ------------------------------------------------------------------------

    def _fill(self, text: str, *, expecting: str | None) -> None:
        slots = self.state.slots
        today = self.business.now().date()
        slots.day = nlu.calendar_date(text, today) or slots.day
        hms = nlu.clock_time(text)
        if hms is not None:
            day = slots.day or today
            slots.time = nlu.resolve_time(hms, lambda t: t in availability.slot_times(self.business, day)) or slots.time
        size = nlu.party_size(text)
        if size is None and expecting == "party_size":
            words = nlu.normalize(text).split()
            size = next(
                (
                    nlu.NUMBER_WORDS.get(w) or (int(w) if w.isdigit() else None)
                    for w in words
                    if w in nlu.NUMBER_WORDS or w.isdigit()
                ),
                None,
            )
        slots.party_size = size or slots.party_size
        name = nlu.person_name(text, bare=expecting == "name")
        slots.name = name or slots.name

    def _missing(self) -> str | None:
        slots = self.state.slots
        for slot in ("day", "time", "party_size", "name"):
            if getattr(slots, slot) is None:
                return slot
        return None

    def _collect(self, text: str) -> Reply:
        self._fill(text, expecting=self._asked)
        slots = self.state.slots
        if slots.party_size and slots.party_size > self.business.max_party_size:
            slots.party_size = None
            self._asked = "party_size"
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
        again = missing is not None and missing == self._asked and text.strip() != ""
        self._asked = missing
        if again:
            # The answer did not fill what was asked: say so, with an example of what works.
            again_text = {
                "day": _("Sorry, I didn't catch that. Please tell me the day, for example tomorrow, or Friday."),
                "time": _("Sorry, I didn't catch that. Please tell me the time, for example 8 pm."),
                "party_size": _("Sorry, I didn't catch that. Please tell me the party size, for example four people."),
                "name": _("Sorry, I didn't catch that. Please tell me the name, just your first name."),
            }[missing]  # type: ignore[index]
            return Reply(again_text, "book")
        if missing == "day":
            return Reply(_("Sure. For which day?"), "book")
        if missing == "time":
            return Reply(_("Okay. At what time?"), "book")
        if missing == "party_size":
            return Reply(_("Great. For how many people?"), "book")
        if missing == "name":
            return Reply(_("Perfect. What name should I put the booking under?"), "book")
        self.state.stage = "confirm_booking"
        day, time, size, name = slots.filled()
        return Reply(
            _("Okay. A table for %(size)s %(day)s at %(time)s, under %(name)s. Shall I book it?")
            % {"size": size, "day": say_date(day, self.business.now().date()), "time": say_time(time), "name": name},
            "book",
        )

    def _offer(self, verdict: availability.Verdict, nearest: list[dt.datetime]) -> Reply:
        slots = self.state.slots
        today = self.business.now().date()
        assert slots.day and slots.time, "an offer follows a refused day and time"
        wanted = _at(say_date(slots.day, today), say_time(slots.time))
        self.state.offers = nearest
        slots.time = None
        if not nearest:
            slots.day = None
            self._asked = "day"
            return Reply(
                _("Sorry, %(reason)s. Which other day would suit you?") % {"reason": verdict.explanation}, "book"
            )
        self.state.stage = "offers"
        options = _either([self._slot(o, nearest[0].date()) for o in nearest])
        if nearest[0].date() != slots.day:
            options = _at(say_date(nearest[0].date(), today), options)
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
        return _at(say_date(moment.date(), self.business.now().date()), say_time(moment.time()))

    def _choose_offer(self, text: str) -> Reply:
        offers, slots = self.state.offers, self.state.slots
        t = nlu.normalize(text)
        choice: dt.datetime | None = None
        hms = nlu.clock_time(text)
        if hms is not None:
            offered = {offer.time(): offer for offer in offers}
            picked = nlu.resolve_time(hms, lambda t: t in offered)
            choice = offered.get(picked) if picked else None
        if choice is None and any(w in t for w in ("second", "later", "last", "latter")) and len(offers) > 1:
            choice = offers[1]
        elif choice is None and (any(w in t for w in ("first", "earlier", "former")) or nlu.yes_no(text)):
            choice = offers[0]
        if choice is None:
            self.state.stage = "collect"
            if nlu.yes_no(text) is False:
                self._asked = "time"
                return Reply(_("Okay. What other time would suit you?"), "book")
            return self._collect(text)
        slots.day, slots.time = choice.date(), choice.time()
        self.state.stage = "collect"
        self._fill(text, expecting=None)
        return self._collect("")

    def _confirm_booking(self, text: str) -> Reply:
        answer = nlu.yes_no(text)
        slots = self.state.slots
        if answer is None:
            self.state.stage = "collect"
            return self._collect(text)
        if not answer:
            self.state.stage, self._asked = "collect", None
            return Reply(_("Okay. What would you like to change: the day, the time, or the number of people?"), "book")
        day, time, size, name = slots.filled()
        try:
            services.reservation_book(
                business=self.business,
                day=day,
                time=time,
                party_size=size,
                name=name,
                caller=self.caller,
                source_call=self.call,
            )
        except Conflict:
            self.state.stage = "collect"
            verdict, nearest = selectors.availability_check(business=self.business, day=day, time=time, party_size=size)
            return self._offer(verdict, nearest)
        self.state.outcome = Call.Outcome.BOOKED
        note = " " + _("You will get a confirmation on WhatsApp.") if self._whatsapp_ok() else ""
        return self._after(Reply(_("Done! Your table is booked.") + note, "book"), Call.Outcome.BOOKED)

    def _whatsapp_ok(self) -> bool:
        return bool(
            self.caller and not self.caller.whatsapp_opted_out and self.caller.has_consent(Consent.Kind.WHATSAPP)
        )

    # --- existing bookings ------------------------------------------------------------

    def _find_booking(self, goal: str, text: str) -> Reply:
        s = self.state
        upcoming = list(selectors.caller_upcoming_reservations(caller=self.caller)) if self.caller else []
        if not upcoming:
            s.stage, s.goal = "open", ""
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
            s.stage = "confirm_cancel"
            return Reply(found + " " + _("Shall I cancel it?"), goal)
        s.stage, s.slots = "change_collect", Slots()
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
            return self._after(Reply(_("Okay, I've left your booking as it is.")), Call.Outcome.INFORMATION)
        services.reservation_cancel(reservation=target)
        self.state.outcome = Call.Outcome.CANCELLED
        return self._after(Reply(_("Your booking is cancelled."), "cancel"), Call.Outcome.CANCELLED)

    def _read_change(self, text: str, target: Reservation) -> bool:
        before = (self.state.slots.day, self.state.slots.time, self.state.slots.party_size)
        today = self.business.now().date()
        slots = self.state.slots
        slots.day = nlu.calendar_date(text, today) or slots.day
        hms = nlu.clock_time(text)
        if hms is not None:
            day = slots.day or target.date
            slots.time = nlu.resolve_time(hms, lambda t: t in availability.slot_times(self.business, day)) or slots.time
        slots.party_size = nlu.party_size(text) or slots.party_size
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
                options = _either([self._slot(n, day) for n in nearest])
                alt = " " + _("I could do %(options)s.") % {"options": options}
            return Reply(sorry + alt + " " + _("What would you prefer?"), "change")
        slots.day, slots.time, slots.party_size = day, time, size
        self.state.stage = "confirm_change"
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
            self.state.stage = "change_collect"
            self._read_change(text, target)
            return self._propose_change(target)
        if not answer:
            self.state.stage = "change_collect"
            return Reply(_("Okay. What would you like instead?"), "change")
        slots = self.state.slots
        try:
            services.reservation_change(reservation=target, day=slots.day, time=slots.time, party_size=slots.party_size)
        except Conflict:
            self.state.stage = "change_collect"
            return Reply(_("Sorry, that slot was just taken. What other time would suit you?"), "change")
        self.state.outcome = Call.Outcome.CHANGED
        done = _("Done. Your booking is now %(when)s.") % {"when": self._when(target)}
        return self._after(Reply(done, "change"), Call.Outcome.CHANGED)
