"""The live chat's panel on the home page (`sawt.core.home`)."""

from typing import Any

from django.utils import timezone

from sawt.chat.models import ChatSession
from sawt.core.home import Link, counted, home_panel, latest_items


@home_panel(title="Live voice chat", url="/chat/", blurb="Speak and watch your words appear as you talk.")
def chat_summary(user: Any) -> str:
    sessions = ChatSession.objects.filter(owner=user).count()
    return counted(sessions, "conversation") if sessions else "No conversations yet."


@latest_items("/chat/")
def latest_conversations(user: Any) -> list[Link]:
    sessions = ChatSession.objects.filter(owner=user).order_by("-started_at", "-id")[:3]
    return [Link(f"Conversation of {timezone.localtime(s.started_at):%d %b %H:%M}", "/chat/") for s in sessions]
