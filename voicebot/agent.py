"""The conversation run by a language model with tools, the way Pipecat and LiveKit Agents book tables.

`AgentDialogue` holds a rules `Dialogue` and calls its public methods (it does not subclass it).
Consent (greeting, yes/no, keypad, silence prompts) stays with the rule dialogue, so privacy never
depends on a model. After it, each caller utterance goes to the OpenAI-compatible model (SAWT_LLM_*)
with the conversation so far and a handful of tools; every tool goes through the same selectors and
services as the rule dialogue and the API, and only ever touches the calling caller's own bookings.
When the model fails (error, timeout, nonsense) the turn is answered by the rules and the rest of
the call stays on them.
"""

import datetime as dt
import json
import logging
import re
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from sawt.core.errors import Conflict, ValidationFailed
from sawt.speech.config import get_config
from sawt.speech.llm import LLMClient, LLMError, ToolCall, get_llm
from voicebot import availability, selectors, services
from voicebot.dialogue import Dialogue
from voicebot.dialogue_state import DialogueState, Reply, Stage
from voicebot.models import WEEKDAYS, Business, Call, Caller, Reservation
from voicebot.understanding.turns import Heard

logger = logging.getLogger("voicebot")

MAX_ROUNDS = 4  # model requests per caller turn: tool rounds plus the spoken answer
DIALOGUE_MODES = ("rules", "llm", "auto")


def dialogue_class() -> "type[Dialogue] | type[AgentDialogue]":
    """The dialogue VOICEBOT_DIALOGUE asks for ("auto": the model when one is configured)."""
    mode = settings.VOICEBOT_DIALOGUE
    if mode not in DIALOGUE_MODES:
        raise ImproperlyConfigured(f"VOICEBOT_DIALOGUE must be one of {', '.join(DIALOGUE_MODES)}, not {mode!r}.")
    if mode == "llm" or (mode == "auto" and get_config().llm_base_url):
        return AgentDialogue
    return Dialogue


def _function(name: str, description: str, properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {
        "type": "function",
        "function": {
            "name": name,
            "description": description,
            "parameters": {
                "type": "object",
                "properties": properties,
                "required": required,
                "additionalProperties": False,
            },
        },
    }


_DATE = {"type": "string", "description": "YYYY-MM-DD"}
_TIME = {"type": "string", "description": "HH:MM, 24-hour"}
_PARTY = {"type": "integer", "minimum": 1}
_RESERVATION = {"type": "integer", "description": "reservation_id from find_bookings"}

TOOLS = [
    _function(
        "check_availability",
        "Whether a table is free; when not, why and the nearest free slots.",
        {"date": _DATE, "time": _TIME, "party_size": _PARTY},
        ["date", "time", "party_size"],
    ),
    _function(
        "book_table",
        "Book a table once the caller has confirmed date, time, party size and name.",
        {"date": _DATE, "time": _TIME, "party_size": _PARTY, "name": {"type": "string"}},
        ["date", "time", "party_size", "name"],
    ),
    _function("find_bookings", "The caller's upcoming bookings (found by the number they call from).", {}, []),
    _function(
        "cancel_booking", "Cancel one of the caller's bookings.", {"reservation_id": _RESERVATION}, ["reservation_id"]
    ),
    _function(
        "change_booking",
        "Move one of the caller's bookings; give only what changes.",
        {"reservation_id": _RESERVATION, "date": _DATE, "time": _TIME, "party_size": _PARTY},
        ["reservation_id"],
    ),
    _function("opening_hours", "Opening hours on a date (today when no date is given).", {"date": _DATE}, []),
    _function("transfer_to_human", "Hand the call to a member of staff.", {}, []),
    _function("take_voicemail", "Let the caller leave a message after the tone.", {}, []),
    _function("end_call", "Hang up after the caller has said goodbye.", {}, []),
]


# What the caller hears when a tool wrote and the model then failed to say so.
WRITTEN: dict[str, str] = {
    Call.Outcome.BOOKED: "Done! Your table is booked.",
    Call.Outcome.CHANGED: "Done. Your booking is changed.",
    Call.Outcome.CANCELLED: "Your booking is cancelled.",
}


class BadArguments(ValueError):
    """A tool was called with arguments we cannot use; the model is told and may try again."""


def _date(value: Any) -> dt.date:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise BadArguments("date must be YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise BadArguments("date is not a calendar date") from exc


def _time(value: Any) -> dt.time:
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", value) if isinstance(value, str) else None
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        raise BadArguments("time must be HH:MM, 24-hour")
    return dt.time(int(match[1]), int(match[2]))


def _int(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise BadArguments(f"{what} must be a positive integer")
    return value


def _refused(done: str, exc: Conflict) -> dict[str, Any]:
    """A slot the rules refused, told to the model: why, and the nearest free slots to offer."""
    return {
        done: False,
        "reason": exc.details.get("reason", ""),
        "explanation": exc.message,
        "nearest_free": exc.details.get("nearest", []),
    }


def _booking(r: Reservation) -> dict[str, Any]:
    return {
        "reservation_id": r.pk,
        "date": r.date.isoformat(),
        "time": f"{r.time:%H:%M}",
        "party_size": r.party_size,
        "name": r.name,
    }


class AgentDialogue:
    """The model answering every turn after consent, in front of a rules `Dialogue` it holds and calls
    through its public methods: the rules keep the state, consent, the keypad, silences, language switches,
    the booking itself (`Dialogue.book`), and any turn once the model has failed."""

    def __init__(
        self,
        *,
        business: Business,
        call: Call | None = None,
        caller: Caller | None = None,
        llm: LLMClient | None = None,
    ) -> None:
        self.rules = Dialogue(business=business, call=call, caller=caller)
        self.business, self.call, self.caller = business, call, caller
        self.llm = llm or get_llm(get_config().replace(llm_timeout=settings.VOICEBOT_LLM_TIMEOUT))
        self.on_rules = False
        self.messages: list[dict[str, Any]] = []  # the conversation after consent, as the model sees it
        self._turn = Reply("", "chat")  # what this turn's tools did (intent, outcome, end_call), then its text
        self._tools: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "check_availability": self._check_availability,
            "book_table": self._book_table,
            "find_bookings": self._find_bookings,
            "cancel_booking": self._cancel_booking,
            "change_booking": self._change_booking,
            "opening_hours": self._opening_hours,
            "transfer_to_human": self._transfer_to_human,
            "take_voicemail": self._take_voicemail,
            "end_call": self._end_call,
        }

    # --- what the pipeline and the text channel use, as on `Dialogue` ------------------------------

    @property
    def state(self) -> DialogueState:
        return self.rules.state

    @state.setter
    def state(self, value: DialogueState) -> None:
        self.rules.state = value

    @property
    def language(self) -> str:
        return self.rules.language

    @property
    def expects_yes_no(self) -> bool:
        return self.rules.expects_yes_no

    def greeting(self) -> Reply:
        return self.rules.greeting()

    def silence_prompt(self) -> Reply:
        return self.rules.silence_prompt()

    def silence_goodbye(self) -> Reply:
        return self.rules.silence_goodbye()

    def dtmf(self, digit: str) -> Reply | None:
        return self.rules.dtmf(digit)

    def dump(self) -> dict[str, Any]:
        return {**self.rules.dump(), "model": {"messages": self.messages, "on_rules": self.on_rules}}

    def load(self, data: dict[str, Any]) -> None:
        self.rules.load(data)
        model = data.get("model") or {}
        self.messages, self.on_rules = list(model.get("messages") or []), bool(model.get("on_rules"))

    def respond(self, text: str, *, heard: Heard | None = None) -> Reply:
        # Consent stays with the rules. A caller who declined the transcript was told "we won't keep
        # anything": their words stay on this server with the rules, unless the operator's model keeps
        # nothing either (VOICEBOT_LLM_WITHOUT_CONSENT).
        private = not (self.state.transcript_consent or settings.VOICEBOT_LLM_WITHOUT_CONSENT)
        if self.state.stage == Stage.CONSENT or self.on_rules or private:
            return self.rules.respond(text, heard=heard)
        switched = self.rules.switch_language_if_asked(text)
        if switched is not None:
            return switched
        self._turn = Reply("", "chat")
        try:
            return self._agent_turn(self.rules.in_english(text))
        except LLMError as exc:
            self.on_rules = True
            # The exception text may quote the model or the caller: only its kind is logged.
            logger.warning(
                "voicebot language model failed, the call goes on with the rules",
                extra={"call_id": self.call.pk if self.call else None, "error": type(exc).__name__},
            )
            done = WRITTEN.get(self._turn.outcome)
            if done:
                # A tool already wrote this turn: say so, rather than let the rules start it again.
                self.state.outcome = self._turn.outcome
                with translation.override(self.language):
                    return self.rules.after(Reply(done, self._turn.intent), self._turn.outcome)
            return self.rules.respond(text, heard=heard)

    def _agent_turn(self, text: str) -> Reply:
        self.messages.append({"role": "user", "content": text})
        # VOICEBOT_LLM_TIMEOUT is the whole turn's: the caller waits for all of its requests together.
        budget = settings.VOICEBOT_LLM_TIMEOUT
        deadline = time.monotonic() + budget
        for _ in range(MAX_ROUNDS):
            left = deadline - time.monotonic()
            if left <= 0:
                raise LLMError(f"The language model used up the turn's {budget:g} s.")
            answer = self.llm.complete_with_tools(
                messages=[{"role": "system", "content": self.system_prompt()}, *self.messages],
                tools=TOOLS,
                timeout=left,
            )
            if not answer.tool_calls:
                self.messages.append({"role": "assistant", "content": answer.text})
                return self._reply(answer.text)
            self.messages.append(answer.message)
            for call in answer.tool_calls:
                result = self._run(call)
                self.messages.append({"role": "tool", "tool_call_id": call.id, "content": json.dumps(result)})
        raise LLMError(f"The language model gave no answer after {MAX_ROUNDS} requests.")

    def _reply(self, text: str) -> Reply:
        reply = self._turn
        if reply.end_call and not reply.outcome:
            reply.outcome = self.state.outcome or Call.Outcome.NO_ACTION
        self.state.outcome = reply.outcome or self.state.outcome
        reply.text, reply.outcome = text, self.state.outcome
        return reply

    def _run(self, call: ToolCall) -> dict[str, Any]:
        tool = self._tools.get(call.name)
        if tool is None:
            return {"error": f"there is no tool called {call.name}"}
        try:
            return tool(call.arguments)
        except BadArguments as exc:
            return {"error": str(exc)}

    def _did(self, intent: str, outcome: str = "", *, end_call: bool = False) -> None:
        self._turn.intent = intent
        self._turn.outcome = outcome or self._turn.outcome
        self._turn.end_call = self._turn.end_call or end_call

    # --- what the model is told ---------------------------------------------------------------

    def system_prompt(self) -> str:
        b = self.business
        now = b.now()
        week = "; ".join(
            f"{name.capitalize()} "
            + (", ".join(f"{start}-{end}" for start, end in (b.opening_hours or {}).get(name) or []) or "closed")
            for name in WEEKDAYS
        )
        holidays = [d for d in (b.holidays or []) if d >= now.date().isoformat()]
        return "\n".join(
            [
                f"You answer the phone for {b.name}, a restaurant"
                + (f" at {b.address}." if b.address else ".")
                + " You are talking to a caller on a phone line.",
                f"Today is {now:%A} {now.date().isoformat()}, the time is {now:%H:%M} ({b.time_zone}).",
                f"Opening hours: {week}." + (f" Closed on {', '.join(holidays)}." if holidays else ""),
                f"Tables are for 1 to {b.max_party_size} people, at slots every {b.slot_minutes} minutes from "
                f"opening until one slot before closing; bookings close {b.lead_minutes} minutes before the slot "
                f"and are taken up to {b.horizon_days} days ahead.",
                "Rules:",
                "- Speak in one to three short sentences; no lists, markdown or emojis. Say times like 7:30 pm.",
                "- Use the tools for every fact about availability, hours and bookings; never guess.",
                "- Tool dates are YYYY-MM-DD and times HH:MM (24-hour); work out words like tomorrow from today.",
                "- Before book_table, have the date, time, party size and a name, read them back and get a yes.",
                "- The caller can only manage their own bookings: find them with find_bookings.",
                "- If a slot is not free, offer the nearest free slots the tool gives.",
                "- A caller who asks for a person: transfer_to_human. To leave a message: take_voicemail. "
                "When the caller is done: say goodbye and end_call.",
                "- If you are unsure what the caller wants, ask.",
                *(
                    ["- The call is in Hindi: answer in Hindi, in Devanagari script (tool arguments stay as above)."]
                    if self.language == "hi"
                    else []
                ),
            ]
        )

    # --- tools --------------------------------------------------------------------------------

    def _check_availability(self, args: dict[str, Any]) -> dict[str, Any]:
        day, size = _date(args.get("date")), _int(args.get("party_size"), "party_size")
        time = availability.snap_to_slot(self.business, day, _time(args.get("time")))
        self._did("book")
        self._heard(day=day, time=time, party_size=size)
        verdict, nearest = selectors.availability_check(business=self.business, day=day, time=time, party_size=size)
        if verdict.ok:
            return {"available": True, "date": day.isoformat(), "time": f"{time:%H:%M}", "party_size": size}
        return {
            "available": False,
            "reason": verdict.reason,
            "explanation": verdict.explanation,
            "nearest_free": [n.isoformat(timespec="minutes") for n in nearest],
        }

    def _book_table(self, args: dict[str, Any]) -> dict[str, Any]:
        day, size = _date(args.get("date")), _int(args.get("party_size"), "party_size")
        time = availability.snap_to_slot(self.business, day, _time(args.get("time")))
        name = args.get("name")
        if not isinstance(name, str) or not name.strip():
            raise BadArguments("name is required")
        self._did("book")
        self._heard(day=day, time=time, party_size=size, name=name.strip())
        try:
            reservation = self.rules.book(day=day, time=time, party_size=size, name=name)
        except Conflict as exc:
            return _refused("booked", exc)
        except ValidationFailed as exc:
            return {"booked": False, "explanation": exc.message}
        self._did("book", Call.Outcome.BOOKED)
        return {"booked": True, **_booking(reservation), "whatsapp_confirmation": self.rules.whatsapp_ok()}

    def _heard(self, **slots: Any) -> None:
        """What the model understood goes into the state's slots as well (the text channel reports them)."""
        for slot, value in slots.items():
            setattr(self.state.heard, slot, value)
            setattr(self.state.slots, slot, value)

    def _own(self, args: dict[str, Any]) -> Reservation | None:
        """The caller's own upcoming booking at this business with that id; guessing others' ids finds nothing."""
        reservation_id = _int(args.get("reservation_id"), "reservation_id")
        if self.caller is None:
            return None
        return selectors.caller_upcoming_reservations(caller=self.caller).filter(pk=reservation_id).first()

    def _find_bookings(self, args: dict[str, Any]) -> dict[str, Any]:
        upcoming = list(selectors.caller_upcoming_reservations(caller=self.caller)) if self.caller else []
        self._did("find")
        return {"bookings": [_booking(r) for r in upcoming]}

    def _cancel_booking(self, args: dict[str, Any]) -> dict[str, Any]:
        self._did("cancel")
        reservation = self._own(args)
        if reservation is None:
            return {"cancelled": False, "explanation": "no upcoming booking with that id for this caller"}
        services.reservation_cancel(reservation=reservation)
        self._did("cancel", Call.Outcome.CANCELLED)
        return {"cancelled": True, **_booking(reservation)}

    def _change_booking(self, args: dict[str, Any]) -> dict[str, Any]:
        self._did("change")
        day = _date(args["date"]) if args.get("date") is not None else None
        time = _time(args["time"]) if args.get("time") is not None else None
        size = _int(args["party_size"], "party_size") if args.get("party_size") is not None else None
        reservation = self._own(args)
        if reservation is None:
            return {"changed": False, "explanation": "no upcoming booking with that id for this caller"}
        if time is not None:
            time = availability.snap_to_slot(self.business, day or reservation.date, time)
        try:
            services.reservation_change(reservation=reservation, day=day, time=time, party_size=size)
        except Conflict as exc:
            return _refused("changed", exc)
        self._did("change", Call.Outcome.CHANGED)
        return {"changed": True, **_booking(reservation)}

    def _opening_hours(self, args: dict[str, Any]) -> dict[str, Any]:
        day = _date(args["date"]) if args.get("date") is not None else self.business.now().date()
        periods = availability.opening_periods(self.business, day)
        self._did("hours", "" if self.state.outcome or self._turn.outcome else Call.Outcome.INFORMATION)
        return {
            "date": day.isoformat(),
            "weekday": f"{day:%A}",
            "open": [[f"{a:%H:%M}", f"{b:%H:%M}"] for a, b in periods],
            "closed": not periods,
        }

    def _transfer_to_human(self, args: dict[str, Any]) -> dict[str, Any]:
        if self.rules.transfer_number():
            self._did("transfer", Call.Outcome.TRANSFERRED, end_call=True)
            return {"ok": True, "next": "the call is put through to staff after your reply"}
        self._did("voicemail", Call.Outcome.VOICEMAIL, end_call=True)
        return {"ok": False, "next": "nobody can come to the phone: the caller leaves a message after the tone"}

    def _take_voicemail(self, args: dict[str, Any]) -> dict[str, Any]:
        self._did("voicemail", Call.Outcome.VOICEMAIL, end_call=True)
        return {"ok": True, "next": "the caller leaves a message after the tone that follows your reply"}

    def _end_call(self, args: dict[str, Any]) -> dict[str, Any]:
        self._did("goodbye", end_call=True)
        return {"ok": True, "next": "the call ends after your reply"}


# Either dialogue: what the pipeline and the text channel hold.
AnyDialogue = Dialogue | AgentDialogue
