"""The home page's panels: one per product, registered by the product (from a module its AppConfig.ready()
imports) with `@home_panel(title=..., url=..., blurb=...)` on a function that sums up, in one line, where
the signed-in user stands there ("3 meetings, 1 processing"). The platform lists them; it names none.
Panels show in the order their apps are installed."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Summary = Callable[[Any], str]  # (signed-in user) -> one line


@dataclass(frozen=True)
class Panel:
    title: str
    url: str
    blurb: str  # what the product does, for everyone
    summary: Summary

    def for_user(self, user: Any) -> dict[str, str]:
        shown = {"title": self.title, "url": self.url, "blurb": self.blurb}
        if user.is_authenticated:
            shown["summary"] = self.summary(user)
        return shown


_panels: dict[str, Panel] = {}


def home_panel(*, title: str, url: str, blurb: str) -> Callable[[Summary], Summary]:
    def register(summary: Summary) -> Summary:
        _panels[url] = Panel(title=title, url=url, blurb=blurb, summary=summary)
        return summary

    return register


def panels(*, user: Any) -> list[dict[str, str]]:
    """The panels as a template shows them: title, url, blurb, and for a signed-in user a summary."""
    return [panel.for_user(user) for panel in _panels.values()]


def counted(number: int, singular: str, plural: str = "") -> str:
    """"1 meeting", "3 meetings"."""
    return f"{number} {singular if number == 1 else plural or singular + 's'}"
