"""Rows beside the call and booking models: text-channel conversations and reveals of a caller's number.

Imported by `voicebot.models`, so Django finds them as models of the app.
"""

from typing import Any

from django.conf import settings
from django.db import models

from voicebot.models import Business, Call, Caller, Reservation


class Conversation(models.Model):
    """A booking conversation by text (`POST /api/v1/voicebot/businesses/<id>/chat`): the dialogue's state."""

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="conversations")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A WhatsApp conversation's customer (a staff text conversation has none).
    caller = models.ForeignKey(Caller, on_delete=models.CASCADE, null=True, blank=True, related_name="conversations")
    state = models.JSONField(default=dict)
    reservation = models.ForeignKey(Reservation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    turns = models.PositiveIntegerField(default=0)
    done = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Conversation {self.pk} with {self.business}"


class NumberRevealQuerySet(models.QuerySet["NumberReveal"]):
    def visible_to(self, user: Any) -> "NumberRevealQuerySet":
        return self.filter(caller__business__in=Business.objects.visible_to(user))


class NumberReveal(models.Model):
    """A member saw a caller's full number (to call them back): who, when, and from which booking or call."""

    caller = models.ForeignKey(Caller, on_delete=models.CASCADE, related_name="reveals")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    reservation = models.ForeignKey(Reservation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    call = models.ForeignKey(Call, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = NumberRevealQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Number of caller {self.caller_id} shown to user {self.user_id}"
