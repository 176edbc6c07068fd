"""How many live chat streams are open, per user and in this process, and how fast each may send.

Each chat socket takes a slot when it connects and gives it back when it closes; over a cap
(`SAWT_CHAT_MAX_STREAMS_PER_USER`, `SAWT_CHAT_MAX_STREAMS`) it gets the error `busy` and is closed
with 1013. The counts live in the process: the caps protect this process's one decoder.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from typing import Any

from django.conf import settings

# Seconds of audio a client may be ahead of the wall clock since its stream began; frames past
# that lead are refused with `too_fast` (a burst after a stall of up to this much is fine).
MAX_LEAD_SECONDS = 2.0
# A resumed session may send this much audio captured while its socket was down (the page keeps 10 s).
RESUME_BACKLOG_SECONDS = 10.0
CLOSE_TRY_AGAIN_LATER = 1013

_lock = threading.Lock()
_per_user: Counter[Any] = Counter()
_total = 0


def stream_admit(*, user_id: Any) -> bool:
    """Take a slot for one stream of `user_id`; False when a cap is reached (nothing taken)."""
    global _total
    with _lock:
        if _total >= settings.SAWT_CHAT_MAX_STREAMS:
            return False
        if _per_user[user_id] >= settings.SAWT_CHAT_MAX_STREAMS_PER_USER:
            return False
        _per_user[user_id] += 1
        _total += 1
        return True


def stream_release(*, user_id: Any) -> None:
    global _total
    with _lock:
        _per_user[user_id] -= 1
        if _per_user[user_id] <= 0:
            del _per_user[user_id]
        _total = max(0, _total - 1)


def open_streams() -> int:
    with _lock:
        return _total


class Pace:
    """The audio clock of one stream against the wall clock since it began."""

    def __init__(self, *, heard: float = 0.0, elapsed: float = 0.0, now: float | None = None) -> None:
        # A resumed session continues: `heard` seconds of audio over `elapsed` wall seconds, of which
        # at most RESUME_BACKLOG_SECONDS of audio not yet heard may arrive at once. `now` is when the
        # stream began (the `start` received), so time the server spends opening it is the client's too.
        self.heard = heard
        now = time.monotonic() if now is None else now
        self.began = now - max(heard, min(elapsed, heard + RESUME_BACKLOG_SECONDS))
        self.refusing = False

    def accept(self, seconds: float) -> bool:
        """Whether `seconds` more audio keeps the stream within the lead; counts it if so."""
        lead = self.heard + seconds - (time.monotonic() - self.began)
        if lead > MAX_LEAD_SECONDS:
            return False
        self.heard += seconds
        self.refusing = False
        return True
