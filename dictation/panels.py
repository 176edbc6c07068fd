"""The dictation trainer's panel on the home page (`sawt.core.home`)."""

from typing import Any

from dictation.models import Attempt, Item
from sawt.core.home import counted, home_panel


@home_panel(title="Dictation trainer", url="/dictation/", blurb="Listen, type what you hear, see every mistake.")
def dictation_summary(user: Any) -> str:
    items = Item.objects.filter(owner=user).count()
    if not items:
        return "No sentences yet."
    return f"{counted(items, 'sentence')}, {counted(Attempt.objects.filter(owner=user).count(), 'attempt')}."
