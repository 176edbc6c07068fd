"""The booking dialogue by text: `POST /api/v1/voicebot/businesses/<id>/chat` (staff trying their bot).

A conversation starts as if the bot had just asked "How can I help you?" (no consent question: a member
of the business is typing), keeps the dialogue's state in a `Conversation` row between requests, and
books only on a yes to the confirmation, as a call does. No phone-number or WhatsApp question is asked.
"""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from sawt.core.errors import NotFound
from voicebot import services
from voicebot.agent import dialogue_class
from voicebot.dialogue_state import DialogueState, Stage
from voicebot.models import Business, Conversation

# A WhatsApp conversation idle this long is over; the next message starts a new one.
WHATSAPP_CONVERSATION_IDLE = dt.timedelta(hours=2)

MAX_TEXT = 500


def chat_turn(*, business: Business, user: Any, text: str, conversation_id: int | None) -> dict[str, Any]:
    """One typed turn: the bot's reply and what it has understood so far."""
    with transaction.atomic():
        dialogue = dialogue_class()(business=business)
        if conversation_id is None:
            conversation = Conversation.objects.create(business=business, started_by=user)
            # Staff typing to their own bot: their words are theirs to give to the model.
            dialogue.state = DialogueState(stage=Stage.OPEN, transcript_consent=True)
        else:
            found = Conversation.objects.select_for_update().filter(pk=conversation_id, business=business).first()
            if found is None:
                raise NotFound("No such conversation for this business.")
            conversation = found
            dialogue.load(found.state)
        if conversation.done:
            reply_text, done = "This conversation has ended. Please start a new one.", True
        else:
            reply = dialogue.respond(text)
            reply_text, done = reply.text, reply.end_call
        conversation.state = dialogue.dump()
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


def whatsapp_turn(*, business: Business, phone: str, text: str) -> str:
    """A customer's WhatsApp message to the business, answered by the same dialogue (so they can book by
    text); the reply goes back in the provider's webhook answer, inside the customer's session."""
    caller = services.caller_get_or_create(business=business, phone=phone)
    with transaction.atomic():
        conversation = (
            Conversation.objects.select_for_update()
            .filter(
                business=business,
                caller=caller,
                done=False,
                updated_at__gte=timezone.now() - WHATSAPP_CONVERSATION_IDLE,
            )
            .first()
        )
        # The model answers a customer only as far as a caller who gave no consent (VOICEBOT_LLM_WITHOUT_CONSENT).
        dialogue = dialogue_class()(business=business, caller=caller)
        if conversation is None:
            conversation = Conversation.objects.create(business=business, caller=caller)
            dialogue.state = DialogueState(stage=Stage.OPEN)
        else:
            dialogue.load(conversation.state)
        reply = dialogue.respond(text[:MAX_TEXT])
        conversation.state = dialogue.dump()
        conversation.turns += 1
        conversation.done = reply.end_call
        conversation.reservation_id = dialogue.state.booked
        conversation.save()
    return reply.text
