"""`/ws/notifications/`: the signed-in user's own notifications (e.g. a meeting is ready)."""

from __future__ import annotations

from typing import Any

from sawt.accounts.notifications import user_group
from sawt.core.consumers import SawtConsumer


class NotificationsConsumer(SawtConsumer):
    group = ""

    async def authorize(self) -> bool:
        self.group = user_group(self.user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        return True

    async def disconnect(self, code: int) -> None:
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def user_notification(self, message: dict[str, Any]) -> None:
        await self.send_json(message["event"])
