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

import functools
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, TypeVar

from django.utils import translation
from django.utils.translation import gettext as _

from voicebot import availability, followups, messaging, services
from voicebot import understanding as nlu
from voicebot.dialogue_booking import BookingSteps
from voicebot.dialogue_changes import ExistingBookingSteps
from voicebot.dialogue_state import YES_NO_STAGES, DialogueState, Reply, Slots, Stage
from voicebot.models import Business, Call, Caller, Consent
from voicebot.phrases import LANGUAGE_DIGITS, LANGUAGE_NAMES, both, say_date, say_on_date, say_time
from voicebot.understanding import hindi
from voicebot.understanding.turns import Heard

__all__ = ["Dialogue", "DialogueState", "Reply", "Slots", "Stage", "say_date", "say_on_date", "say_time"]


# Unclear answers to the consent question it is asked again for; after that, privacy is the default.
CONSENT_REPEATS = 2


P = ParamSpec("P")
R = TypeVar("R")


def _in_call_language(method: Callable[Concatenate["Dialogue", P], R]) -> Callable[Concatenate["Dialogue", P], R]:
    """Runs an entry point with the call's language active, for its sentences and dates."""

    @functools.wraps(method)
    def wrapper(self: "Dialogue", *args: P.args, **kwargs: P.kwargs) -> R:
        with translation.override(self.language):
            return method(self, *args, **kwargs)

    return wrapper


class Dialogue(BookingSteps, ExistingBookingSteps):
    def __init__(self, *, business: Business, call: Call | None = None, caller: Caller | None = None) -> None:
        self.business = business
        self.call = call
        self.caller = caller
        self.state = DialogueState()
        self.language = call.language if call is not None else business.call_languages()[0]
        self.turn_heard: Heard | None = None  # how the turn being answered was heard (`respond`)

    @property
    def expects_yes_no(self) -> bool:
        """Whether the question last asked is answered by a yes or no (so one said while it plays counts)."""
        return self.state.stage in YES_NO_STAGES

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
        if self.state.stage == Stage.CONSENT and digit in {"1", "2"}:
            return self._consent(digit == "1", Consent.How.KEYPAD, "")
        if digit == "0":
            return self._transfer()
        chosen = next((code for code, key in LANGUAGE_DIGITS.items() if key == digit), None)
        if chosen is not None and chosen != self.language and chosen in self.business.call_languages():
            return self._switch_language(chosen)
        return None

    @_in_call_language
    def respond(self, text: str, *, heard: Heard | None = None) -> Reply:
        """The reply to the caller's `text`; `heard`: how the call heard it (an open request's party size and
        time as most hearings read them, which the slot reader takes over the text's own)."""
        self.turn_heard = heard
        switched = self.switch_language_if_asked(text)
        if switched is not None:
            return switched
        text = self.in_english(text)
        if self.state.stage == Stage.CONSENT:
            answer = nlu.yes_no(text)
            if answer is None and not self._holds_request(text) and self.state.consent_repeats < CONSENT_REPEATS:
                # "Maybe", "what for?": ask again rather than guess.
                self.state.consent_repeats += 1
                return Reply(_("Sorry, I didn't catch that.") + " " + self._consent_question(), "consent")
            # Anything but a clear yes is a no: privacy is the default.
            return self._consent(answer is True, Consent.How.VOICE, text if answer is None else "")
        return self._dispatch(text)

    def switch_language_if_asked(self, text: str) -> Reply | None:
        """The caller named another language the business speaks ("Hindi mein baat karo"): the call turns to it."""
        asked = hindi.language_asked(text)
        if asked is not None and asked != self.language and asked in self.business.call_languages():
            return self._switch_language(asked)
        return None

    def in_english(self, text: str) -> str:
        """What the caller said as the rules read it (a Hindi call's words rewritten into English ones)."""
        return hindi.to_english(text) if self.language == "hi" else text

    def dump(self) -> dict[str, Any]:
        """The conversation so far, as JSON (a text conversation is kept between requests)."""
        return self.state.as_json()

    def load(self, data: dict[str, Any]) -> None:
        self.state = DialogueState.from_json(data)

    def _switch_language(self, language: str) -> Reply:
        self.language = language
        if self.call is not None:
            services.call_set_language(call=self.call, language=language)
        with translation.override(language):
            lead = _("Okay, let's talk in %(language)s.") % {"language": str(LANGUAGE_NAMES[language])}
            if self.state.stage == Stage.CONSENT:
                return Reply(f"{lead} {self._consent_question()}", "language")
            self.state.stage, self.state.goal, self.state.asked = Stage.OPEN, "", None
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
        self.state.stage = Stage.OPEN
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
            Stage.COLLECT: self._collect,
            Stage.CONFIRM_BOOKING: self._confirm_booking,
            Stage.OFFERS: self._choose_offer,
            Stage.CONFIRM_CANCEL: self._confirm_cancel,
            Stage.CHANGE_COLLECT: self._change_collect,
            Stage.CONFIRM_CHANGE: self._confirm_change,
            Stage.ANYTHING_ELSE: self._anything_else,
            Stage.WHATSAPP_LINK: self._whatsapp_link,
        }.get(s.stage)
        if handler is not None:
            wanted = nlu.intent(text)
            # A new request in the middle of another ("actually, cancel my booking") wins.
            if (
                wanted in {"cancel", "change", "transfer", "voicemail", "hours", "location"}
                and wanted != s.goal
                and s.stage != Stage.ANYTHING_ELSE
            ):
                return self._start(wanted, text)
            return handler(text)
        return self._start(nlu.goal(text, english=self.language == "en"), text)

    def _start(self, goal: str | None, text: str) -> Reply:
        s = self.state
        if goal == "book":
            s.goal, s.stage, s.slots, s.heard, s.offers = "book", Stage.COLLECT, Slots(), Slots(), []
            return self._collect(text)
        if goal in {"cancel", "change"}:
            return self._find_booking(goal, text)
        if goal == "hours":
            return self.after(self._hours(text), "information")
        if goal == "location":
            if self.business.address:
                where = _("We are at %(address)s.") % {"address": self.business.address}
            else:
                where = _("Please ask our staff for directions.")
            return self.after(Reply(where), "information")
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

    def after(self, reply: Reply, outcome: str) -> Reply:
        if not self.state.outcome:
            self.state.outcome = outcome
        self.state.stage, self.state.goal = Stage.ANYTHING_ELSE, ""
        reply.text += " " + _("Is there anything else I can help with?")
        reply.outcome = reply.outcome or self.state.outcome
        return reply

    def _anything_else(self, text: str) -> Reply:
        wanted = nlu.intent(text)
        if wanted and wanted != "goodbye":
            self.state.stage = Stage.OPEN
            return self._start(wanted, text)
        if nlu.yes_no(text) is False or wanted == "goodbye":
            return self._goodbye()
        if nlu.yes_no(text):
            self.state.stage = Stage.OPEN
            return Reply(_("Sure. What can I do for you?"), "open")
        self.state.stage = Stage.OPEN
        return self._dispatch(text)

    def _goodbye(self) -> Reply:
        return Reply(
            _("Thank you for calling. Goodbye!"),
            "goodbye",
            end_call=True,
            outcome=self.state.outcome or Call.Outcome.NO_ACTION,
        )

    def transfer_number(self) -> str:
        """Where a transfer goes, "" when nowhere: a phone call is put through only to an approved number."""
        return self.business.transfer_number_for(self.call.provider if self.call is not None else "")

    def _transfer(self, apology: bool = False) -> Reply:
        lead = _("Sorry, I'm having trouble helping with that.") + " " if apology else ""
        if self.transfer_number():
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

    def _way_out(self) -> Reply:
        """When neither the question, its example nor the choices helped: offer to book by WhatsApp where a
        message can go to this caller, and a person otherwise (or if they say no)."""
        caller = self.caller
        if self.call is None or caller is None or caller.whatsapp_opted_out or messaging.get_sender() is None:
            return self._transfer(apology=True)
        self.state.stage = Stage.WHATSAPP_LINK
        return Reply(
            _(
                "Sorry, I'm having trouble understanding. I can send you a WhatsApp message so you can book by "
                "text instead, or put you through to our staff. Shall I send the WhatsApp message?"
            ),
            "book",
        )

    def _whatsapp_link(self, text: str) -> Reply:
        if not nlu.yes_no(text):
            return self._transfer()
        followups.message_booking_link(business=self.business, caller=self.caller)
        self.state.goal = ""
        return self.after(
            Reply(_("Done. It is on its way to this number: just reply to it on WhatsApp to book."), "book"),
            "information",
        )

    def _hours(self, text: str) -> Reply:
        today = self.business.now().date()
        day = nlu.calendar_date(text, today) or today
        periods = availability.opening_periods(self.business, day)
        when = say_on_date(day, today)
        if not periods:
            return Reply(_("We are closed %(day)s.") % {"day": when}, "hours")
        spans = both([_("%(start)s to %(end)s") % {"start": say_time(a), "end": say_time(b)} for a, b in periods])
        opening = _("%(day)s, we are open %(spans)s.") % {"day": when[:1].upper() + when[1:], "spans": spans}
        return Reply(opening, "hours")
