"""`{{ seconds|hms }}`: a time in a recording as h:mm:ss (m:ss under an hour), as players show it."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def hms(seconds: float | int | str | None) -> str:
    try:
        total = max(0, int(float(seconds or 0)))
    except (TypeError, ValueError):
        return ""
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
