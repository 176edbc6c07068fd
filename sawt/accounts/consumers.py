"""`/ws/notifications/`: the signed-in user's own notifications (e.g. a meeting is ready)."""

from __future__ import annotations

from typing import Any

from sawt.accounts.notifications import user_group
from sawt.core.consumers import SawtConsumer


class NotificationsConsumer(SawtConsumer):
    def listen_groups(self) -> list[str]:
        return [user_group(self.user.pk)]

    async def user_notification(self, message: dict[str, Any]) -> None:
        await self.send_json(message["event"])
