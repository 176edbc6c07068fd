from django.conf import settings
from django.db import models


class ChatSession(models.Model):
    """One start-to-stop conversation on the live chat socket."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_sessions")
    language = models.CharField(max_length=16, default="en")
    title = models.CharField(max_length=200, blank=True, default="")
    # Seconds of audio heard so far: a resumed session's times continue from here.
    audio_seconds = models.FloatField(default=0.0)
    started_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["owner", "-started_at"])]

    def __str__(self) -> str:
        return f"Chat {self.pk} of {self.owner_id} at {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def is_live(self) -> bool:
        return self.ended_at is None


class ChatMessage(models.Model):
    """A final segment: its text and where it lies (seconds from the session's first sample)."""

    session = models.ForeignKey(ChatSession, on_delete=models.CASCADE, related_name="messages")
    text = models.TextField()
    start = models.FloatField()
    end = models.FloatField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["start", "id"]

    def __str__(self) -> str:
        return self.text[:60]
