"""Text normalisation before comparing or matching words.

One reading of "the same words" for the whole project: transcripts scored against references, a
typed dictation answer against its sentence, a music command against the grammar, a caller's words
against the booking rules. Each caller chooses what it keeps (case, punctuation, apostrophes) and
whether digits are spelled as words.
"""

from __future__ import annotations

import unicodedata
from typing import Literal

from sawt.speech.language.numbers import digits_to_words

_APOSTROPHES = str.maketrans({c: "'" for c in "\u2019\u2018\u02bc\u02bb`\u00b4\u2032\uff07"})
_DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"})


def _strip_punctuation(text: str, keep: str) -> str:
    out: list[str] = []
    n = len(text)
    for i, ch in enumerate(text):
        cat = unicodedata.category(ch)
        if cat[0] not in "PS" or ch in keep:
            out.append(ch)
            continue
        prev = text[i - 1] if i else ""
        nxt = text[i + 1] if i + 1 < n else ""
        if ch == "'" and prev.isalnum() and nxt.isalnum():
            out.append(ch)  # don't, it's, O'Brien
        elif ch in ".:" and prev.isdigit() and nxt.isdigit():
            out.append(ch)  # 3.5, 7:30
        elif ch == "," and prev.isdigit() and nxt.isdigit():
            continue  # 1,000 -> 1000
        else:
            out.append(" ")
    return "".join(out)


def normalize(
    text: str,
    *,
    case_sensitive: bool = False,
    keep_punctuation: bool = False,
    keep: str = "",
    apostrophes: Literal["keep", "drop"] = "keep",
    numbers: bool = False,
) -> str:
    """Normalise text before comparing it.

    Steps, in order:

    1. Unicode NFKC (full-width forms, ligatures, non-breaking spaces).
    2. Apostrophe variants (’ ‘ ʼ ʻ ` ´ ′) become ``'``; dash variants (‐ ‑ ‒ – — ― −)
       become ``-``. With ``apostrophes="drop"`` apostrophes go ("what's" -> "whats").
    3. Case folding (``str.casefold``) unless ``case_sensitive``.
    4. ``numbers=True`` spells digits as English words, so "21", "twenty-one" and
       "twenty one" compare equal: integers ("1,000" -> "one thousand"), decimals
       ("3.5" -> "three point five"), ordinals ("21st" -> "twenty first"), times
       ("7:30" -> "seven thirty", "7:05" -> "seven oh five", "7:00" -> "seven"),
       "$5" -> "five dollars", "50%" -> "fifty percent".
    5. Unless ``keep_punctuation``: every Unicode punctuation or symbol character
       becomes a space, except those in ``keep``, an apostrophe between two letters/digits
       ("don't"), and "." or ":" between digits ("3.5", "7:30"); "," between digits is
       dropped ("1,000" -> "1000").  Hyphens therefore split words ("well-known" ->
       "well known") because recognisers hyphenate inconsistently.  Combining marks
       (Indic vowel signs etc.) are letters, never stripped.
    6. Whitespace collapsed to single spaces and trimmed.
    """
    text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).translate(_DASHES)
    if apostrophes == "drop":
        text = text.replace("'", "")
    if not case_sensitive:
        text = text.casefold()
    if numbers:
        text = digits_to_words(text)
        if not keep_punctuation and "-" not in keep:
            text = text.replace("-", " ")
    if not keep_punctuation:
        text = _strip_punctuation(text, keep)
    return " ".join(text.split())


def closes_sentence(text: str) -> bool:
    """``text`` ends as a sentence does (".", "?" or "!"; Whisper punctuates where it hears one end)."""
    return text.rstrip().endswith((".", "?", "!"))
