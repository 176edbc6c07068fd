from typing import Any

from django.db.models import Count, QuerySet

from sawt.chat.models import ChatSession
from sawt.core.ownership import get_owned_or_404, visible_to


def chat_session_list(*, user: Any) -> QuerySet[ChatSession]:
    sessions = visible_to(ChatSession.objects.all(), user).annotate(message_count=Count("messages"))
    return sessions.order_by("-started_at", "-id")


def chat_session_get(*, user: Any, session_id: int) -> ChatSession:
    return get_owned_or_404(ChatSession.objects.prefetch_related("messages"), user, pk=session_id)
