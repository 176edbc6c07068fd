"""Notifications to a person, wherever they are on the site: `/ws/notifications/` joins the user's
own group, and any service pushes an event to it with `user_notify`. Pages show it as a toast (and a
browser notification when the person allowed them); e-mail is for when nobody is watching."""

from __future__ import annotations

import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

log = logging.getLogger(__name__)


def user_group(user_id: int) -> str:
    return f"users.{user_id}"


def group_push(group: str, message_type: str, event: dict[str, Any]) -> None:
    """Send `event` to every socket in `group`; a down channel layer never fails the caller's work."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, {"type": message_type, "event": event})
    except Exception:  # best effort: a Redis hiccup must not fail a job
        log.warning("could not push an event to %s", group.split(".", 1)[0], exc_info=True)


def user_notify(*, user_id: int, event: dict[str, Any]) -> None:
    group_push(user_group(user_id), "user.notification", event)
