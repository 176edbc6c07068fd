from typing import Any

from tests.ownership import owned


@owned("session_id")
def _chat_session(owner: Any) -> int:
    from tests.chat.factories import ChatMessageFactory

    return ChatMessageFactory(session__owner=owner).session.pk
