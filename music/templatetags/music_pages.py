"""The music page's own wording of SAM's replies (the API's `response_text` keeps its words)."""

from django import template

register = template.Library()

# Replies are written for every channel ("connect it on the music page"); on that page, they point at it.
_ON_THE_MUSIC_PAGE = "on the music page"


@register.filter
def on_this_page(text: str) -> str:
    return text.replace(_ON_THE_MUSIC_PAGE, "on this page")
