"""The booking dialogue by text: `POST /api/v1/voicebot/businesses/<id>/chat` (staff trying their bot).

A conversation starts as if the bot had just asked "How can I help you?" (no consent question: a member
of the business is typing), keeps the dialogue's state in a `Conversation` row between requests, and
books only on a yes to the confirmation, as a call does. No phone-number or WhatsApp question is asked.
"""

from typing import Any

from django.db import transaction

from sawt.core.errors import NotFound
from voicebot.dialogue import Dialogue
from voicebot.dialogue_state import DialogueState, Stage
from voicebot.models import Business, Conversation

MAX_TEXT = 500


def chat_turn(*, business: Business, user: Any, text: str, conversation_id: int | None) -> dict[str, Any]:
    """One typed turn: the bot's reply and what it has understood so far."""
    with transaction.atomic():
        if conversation_id is None:
            conversation = Conversation.objects.create(business=business, started_by=user)
            state = DialogueState(stage=Stage.OPEN)
        else:
            found = Conversation.objects.select_for_update().filter(pk=conversation_id, business=business).first()
            if found is None:
                raise NotFound("No such conversation for this business.")
            conversation, state = found, DialogueState.from_json(found.state)
        dialogue = Dialogue(business=business)
        dialogue.state = state
        if conversation.done:
            reply_text, done = "This conversation has ended. Please start a new one.", True
        else:
            reply = dialogue.respond(text)
            reply_text, done = reply.text, reply.end_call
        conversation.state = dialogue.state.as_json()
        conversation.turns += 1
        conversation.done = done
        conversation.reservation_id = dialogue.state.booked
        conversation.save()
    return {
        "conversation": conversation.pk,
        "reply": reply_text,
        "slots": dialogue.state.slots.merged(dialogue.state.heard).as_json(),
        "reservation": dialogue.state.booked,
        "done": done,
    }
