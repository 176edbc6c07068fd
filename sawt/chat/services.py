"""Writes of the live chat: sessions open, resume and close, finals are stored as they arrive."""

from typing import Any

from django.db import transaction
from django.utils import timezone

from sawt.chat.models import ChatMessage, ChatSession
from sawt.core.ownership import get_owned_or_404


def chat_session_start(*, owner: Any, language: str) -> ChatSession:
    return ChatSession.objects.create(owner=owner, language=language)


def chat_session_resume(*, owner: Any, session_id: Any, language: str) -> ChatSession | None:
    """`owner`'s session `session_id`, open again (same row; its times continue), or None when it is
    unknown, deleted or someone else's."""
    if not isinstance(session_id, int) or isinstance(session_id, bool):
        return None
    with transaction.atomic():
        session = ChatSession.objects.select_for_update().filter(pk=session_id, owner=owner).first()
        if session is None:
            return None
        session.ended_at = None
        session.language = language
        session.save(update_fields=["ended_at", "language"])
    return session


def chat_message_create(*, session_id: int, text: str, start: float, end: float) -> ChatMessage:
    return ChatMessage.objects.create(session_id=session_id, text=text, start=start, end=end)


def chat_session_end(*, session_id: int, audio_seconds: float) -> bool:
    """Close the session (how much audio it heard is kept for a resume); a session with no message
    is deleted instead. Returns whether it still exists."""
    with transaction.atomic():
        if not ChatMessage.objects.filter(session_id=session_id).exists():
            ChatSession.objects.filter(pk=session_id).delete()
            return False
        ChatSession.objects.filter(pk=session_id, audio_seconds__lt=audio_seconds).update(audio_seconds=audio_seconds)
        # Conditional: a session closed by `stop` is not re-closed when the socket drops afterwards.
        ChatSession.objects.filter(pk=session_id, ended_at__isnull=True).update(ended_at=timezone.now())
    return True


def chat_session_delete(*, user: Any, session_id: int) -> None:
    get_owned_or_404(ChatSession.objects.all(), user, pk=session_id).delete()


def chat_session_rename(*, user: Any, session_id: int, title: str) -> ChatSession:
    session = get_owned_or_404(ChatSession.objects.all(), user, pk=session_id)
    session.title = title.strip()[:200]
    session.save(update_fields=["title"])
    return session
