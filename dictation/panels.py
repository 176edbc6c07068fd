"""The dictation trainer's panel on the home page (`sawt.core.home`)."""

from typing import Any

from dictation.models import Attempt, Item, TTSStatus
from dictation.selectors import review_due_count
from sawt.core.home import Link, counted, home_panel, latest_items, needs_attention


@home_panel(title="Dictation trainer", url="/dictation/", blurb="Listen, type what you hear, see every mistake.")
def dictation_summary(user: Any) -> str:
    items = Item.objects.filter(owner=user).count()
    if not items:
        return "No sentences yet."
    return f"{counted(items, 'sentence')}, {counted(Attempt.objects.filter(owner=user).count(), 'attempt')}."


@latest_items("/dictation/")
def latest_sentences(user: Any) -> list[Link]:
    items = Item.objects.filter(owner=user).order_by("-created_at", "-id")[:3]
    return [Link(str(item), f"/dictation/items/{item.pk}/practice") for item in items]


@needs_attention("/dictation/")
def due_sentences(user: Any) -> list[Link]:
    """Sentences due for review (dictation.review's schedule) and sentences whose audio failed."""
    links: list[Link] = []
    failed = Item.objects.filter(owner=user, tts_status=TTSStatus.FAILED).count()
    if failed:
        links.append(Link(f"{counted(failed, 'sentence')} without audio (generation failed)", "/dictation/"))
    due = review_due_count(owner=user)
    if due:
        links.append(Link(f"{counted(due, 'sentence')} due for review", "/dictation/review"))
    return links
