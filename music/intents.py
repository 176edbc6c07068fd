"""What an intent is: `{"action": ACTION, "parameters": {...}}` validated against `INTENT_SCHEMA`, and the
text normalisation shared by the parsers and the search cache. The offline parser is `music.grammar`; the
LLM path (`music.dialog`) answers in the same shape. Follow-up references ("it", "the second one") are left
as parameters for the DialogManager to resolve against the history. What was named is structured (`title`,
`artist`, `album`, `playlist`, `genre`, `year`, `platform`, see music.slots) beside `query`, the words to
search for when no field fits.
"""

from dataclasses import dataclass, field
from typing import Any

from sawt.speech.language import normalize

ACTIONS = (
    "PLAY",
    "PAUSE",
    "RESUME",
    "SKIP",
    "PREVIOUS",
    "VOLUME",
    "SHUFFLE",
    "REPEAT",
    "QUEUE",
    "NOW_PLAYING",
    "SEARCH",
    "SWITCH_PLATFORM",
    "LIKE",
    "ADD_TO_PLAYLIST",
    "CHAT",
)
MEDIA_TYPES = ("track", "album", "artist", "playlist")
PLATFORMS = ("spotify", "soundcloud")

INTENT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["action", "parameters"],
    "additionalProperties": False,
    "properties": {
        "action": {"enum": list(ACTIONS)},
        "parameters": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "query": {"type": "string"},
                "title": {"type": "string"},
                "artist": {"type": "string"},
                "album": {"type": "string"},
                "playlist": {"type": "string"},
                "genre": {"type": "string"},
                "year": {"type": "string"},
                "media_type": {"enum": list(MEDIA_TYPES)},
                # Any service the user named; only PLATFORMS are played, the others are answered with that.
                "platform": {"type": "string"},
                "reference": {"enum": ["it"]},
                "index": {"type": "integer", "minimum": 1, "maximum": 20},
                "volume": {"type": "integer", "minimum": 0, "maximum": 100},
                "volume_delta": {"type": "integer", "minimum": -100, "maximum": 100},
                "state": {"enum": ["on", "off", "track", "context"]},
            },
        },
    },
}


@dataclass
class Intent:
    action: str
    parameters: dict[str, Any] = field(default_factory=dict)
    source: str = "grammar"  # grammar | embedding | llm | dialog

    def as_dict(self) -> dict[str, Any]:
        return {"action": self.action, "parameters": dict(self.parameters)}


def normalize_text(text: str) -> str:
    """The engine's normalisation with apostrophes dropped ("What’s" -> "whats"): case folded, hyphens and
    punctuation to spaces."""
    return normalize(text, apostrophes="drop")


# Words spoken around a title that do not identify it ("play nuvvu nenantu song" = "Play Nuvvu-Nenantu").
_FILLER = {"play", "song", "songs", "track", "music", "please", "the", "song by", "for", "me", "now", "a"}


def normalize_query(query: str) -> str:
    words = normalize_text(query).split()
    while words and words[0] in {"play", "search", "find", "the", "a", "some", "please"}:
        words.pop(0)
    while words and words[-1] in _FILLER:
        words.pop()
    return " ".join(words)


def validate_intent(data: Any) -> Intent:
    """Checks an untrusted intent (the LLM's) against INTENT_SCHEMA; raises ValueError."""
    import jsonschema

    try:
        jsonschema.validate(data, INTENT_SCHEMA)
    except jsonschema.ValidationError as exc:
        raise ValueError(exc.message) from exc
    return Intent(data["action"], dict(data["parameters"]), source="llm")


SEARCH_FIELDS = ("title", "artist", "album", "year", "genre")


def search_fields(params: dict[str, Any]) -> dict[str, str]:
    """The fields a search narrows by: two or more names said together ("X by Y", "the album X by Y"), or a
    year or genre. A single name is searched as said, whatever it was taken for, so "play X" and "play X
    song" share their cache rows."""
    fields = {k: str(params[k]) for k in SEARCH_FIELDS if params.get(k)}
    return fields if len(fields) >= 2 or fields.keys() & {"year", "genre"} else {}
