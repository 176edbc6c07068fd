"""The live chat's panel on the home page (`sawt.core.home`)."""

from typing import Any

from sawt.chat.models import ChatSession
from sawt.core.home import counted, home_panel


@home_panel(title="Live voice chat", url="/chat/", blurb="Speak and watch your words appear as you talk.")
def chat_summary(user: Any) -> str:
    sessions = ChatSession.objects.filter(owner=user).count()
    return counted(sessions, "conversation") if sessions else "No conversations yet."
