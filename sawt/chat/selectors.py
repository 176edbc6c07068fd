from typing import Any

from django.db.models import Count, QuerySet

from sawt.chat.models import ChatSession
from sawt.core.ownership import get_owned_or_404, visible_to


def chat_session_list(*, user: Any) -> QuerySet[ChatSession]:
    sessions = visible_to(ChatSession.objects.all(), user).annotate(message_count=Count("messages"))
    return sessions.order_by("-started_at", "-id")


def chat_session_get(*, user: Any, session_id: int) -> ChatSession:
    return get_owned_or_404(ChatSession.objects.prefetch_related("messages"), user, pk=session_id)


def chat_session_export(*, session: ChatSession, kind: str) -> str:
    """The session's messages as `txt`, `srt` or `vtt` (times in seconds from the session's start)."""
    from sawt.speech import subtitles
    from sawt.speech.asr import Segment

    segments = [Segment(start=m.start, end=m.end, text=m.text) for m in session.messages.all()]
    if kind == "srt":
        return subtitles.to_srt(segments)
    if kind == "vtt":
        return subtitles.to_vtt(segments)
    return subtitles.to_text(segments)
