"""The home page's panels: one per product, registered by the product (from a module its AppConfig.ready()
imports) with `@home_panel(title=..., url=..., blurb=...)` on a function that sums up, in one line, where
the signed-in user stands there ("3 meetings, 1 processing"). The platform lists them; it names none.
Panels show in the order their apps are installed.

A product may also register, by the panel's url, its signed-in user's latest items (`@latest_items(url)`)
and what needs their attention (`@needs_attention(url)`: failed jobs, due reviews, today's bookings); both
return `Link`s, newest or most urgent first, and the home page shows a few of each."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Summary = Callable[[Any], str]  # (signed-in user) -> one line


@dataclass(frozen=True)
class Link:
    label: str
    url: str


Links = Callable[[Any], list[Link]]  # (signed-in user) -> links
SHOWN = 3  # latest items per panel


@dataclass(frozen=True)
class Panel:
    title: str
    url: str
    blurb: str  # what the product does, for everyone
    summary: Summary

    def for_user(self, user: Any) -> dict[str, Any]:
        shown: dict[str, Any] = {"title": self.title, "url": self.url, "blurb": self.blurb}
        if user.is_authenticated:
            shown["summary"] = self.summary(user)
            latest = _latest.get(self.url)
            attention = _attention.get(self.url)
            shown["latest"] = latest(user)[:SHOWN] if latest else []
            shown["attention"] = attention(user) if attention else []
        return shown


_panels: dict[str, Panel] = {}
_latest: dict[str, Links] = {}
_attention: dict[str, Links] = {}


def home_panel(*, title: str, url: str, blurb: str) -> Callable[[Summary], Summary]:
    def register(summary: Summary) -> Summary:
        _panels[url] = Panel(title=title, url=url, blurb=blurb, summary=summary)
        return summary

    return register


def latest_items(url: str) -> Callable[[Links], Links]:
    """Registers the panel at `url`'s latest items for a signed-in user."""

    def register(links: Links) -> Links:
        _latest[url] = links
        return links

    return register


def needs_attention(url: str) -> Callable[[Links], Links]:
    """Registers what needs a signed-in user's attention in the panel at `url`."""

    def register(links: Links) -> Links:
        _attention[url] = links
        return links

    return register


def panels(*, user: Any) -> list[dict[str, Any]]:
    """The panels as a template shows them: title, url, blurb, and for a signed-in user a summary."""
    return [panel.for_user(user) for panel in _panels.values()]


def counted(number: int, singular: str, plural: str = "") -> str:
    """"1 meeting", "3 meetings"."""
    return f"{number} {singular if number == 1 else plural or singular + 's'}"
