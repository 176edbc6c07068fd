"""The DialogManager: understands a command in the light of the user's last turns.

It parses (the LLM when one is configured and MUSIC_USE_LLM is on, else or on any LLM error the offline
parser), then resolves follow-ups: "play it" / "the second one" / "play it on soundcloud" take their item
from the history; "louder" and "what's playing?" need no history.
"""

import json
import logging
from typing import Any

from django.conf import settings

from music.grammar import parse_offline
from music.intents import ACTIONS, INTENT_SCHEMA, MEDIA_TYPES, PLATFORMS, Intent, validate_intent
from music.models import Turn
from music.selectors import turns_recent
from sawt.accounts.models import User

log = logging.getLogger(__name__)

_SYSTEM = (
    "You turn a music listener's command into JSON for a music assistant. Actions: "
    + ", ".join(ACTIONS)
    + ". Use CHAT for anything that is not about music playback. "
    "parameters: query (the title/artist/album/playlist named, without the words play/song), and what each "
    "name is: title, artist, album, playlist, genre, year ('X by Y': title X, artist Y; 'my X playlist': "
    "playlist X; 'songs from the nineties': year 1990s); media_type "
    "(track|album|artist|playlist, only if said or obvious), platform (the service named, only if said), "
    "ADD_TO_PLAYLIST takes playlist and title/artist, or reference 'it' for the song playing; "
    "reference ('it' when the user refers to something earlier: 'play it', 'the second one'), index (1-based, "
    "for 'the second one'), volume (0-100) or volume_delta (+10 louder, -10 quieter), state (on|off for "
    "SHUFFLE; track|context|off for REPEAT). Use null for parameters that do not apply. "
    "Recent turns are given for context."
)


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    if "enum" in schema:
        return {"enum": [*schema["enum"], None]}
    return {**schema, "type": [schema["type"], "null"]}


# Strict structured output wants every property required; absent ones come back null and are dropped.
DIALOG_TURNS = 5  # earlier turns the parser sees (for "play the next one", "louder")
_PARAMS = INTENT_SCHEMA["properties"]["parameters"]["properties"]
LLM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["action", "parameters"],
    "properties": {
        "action": {"enum": list(ACTIONS)},
        "parameters": {
            "type": "object",
            "additionalProperties": False,
            "required": list(_PARAMS),
            "properties": {k: _nullable(v) for k, v in _PARAMS.items()},
        },
    },
}


class DialogManager:
    def __init__(self, user: User) -> None:
        self.user = user
        self.history: list[Turn] = turns_recent(owner=user, limit=DIALOG_TURNS)

    def understand(self, text: str) -> Intent:
        intent = self._parse(text)
        return self._resolve(intent)

    def _parse(self, text: str) -> Intent:
        if settings.MUSIC_USE_LLM:
            from sawt.speech import llm

            client = llm.get_llm()
            if client.available:
                context = [
                    {"said": t.text, "action": t.action, "item": (t.parameters.get("item") or {}).get("title")}
                    for t in reversed(self.history)
                ]
                try:
                    raw = client.complete_json(
                        system=_SYSTEM,
                        user=json.dumps({"recent": context, "command": text}),
                        schema=LLM_SCHEMA,
                        name="music_intent",
                    )
                    params = {k: v for k, v in (raw.get("parameters") or {}).items() if v is not None}
                    return validate_intent({"action": raw.get("action"), "parameters": params})
                except (llm.LLMError, ValueError) as exc:
                    log.warning("music intent: LLM answer unusable, using the offline parser: %s", exc)
        return parse_offline(text)

    def last_item(self, platform: str | None = None) -> dict[str, Any] | None:
        for turn in self.history:
            item = turn.parameters.get("item")
            if item and (platform is None or item.get("platform") == platform):
                return dict(item)
        return None

    def last_results(self) -> list[dict[str, Any]]:
        for turn in self.history:
            if turn.parameters.get("results"):
                return list(turn.parameters["results"])
        return []

    def _resolve(self, intent: Intent) -> Intent:
        params = intent.parameters
        if params.get("reference") != "it" or params.get("query"):
            return intent
        index = params.get("index")
        if index is not None:
            results = self.last_results()
            if results and -len(results) <= (index - 1 if index > 0 else index) < len(results):
                chosen = results[index - 1 if index > 0 else index]
                params["item"] = chosen
                params["query"] = chosen["title"]
                params.setdefault("platform", chosen["platform"])
                params.setdefault("media_type", chosen["media_type"])
            return intent
        item = self.last_item()
        if item is None:
            return intent
        params["query"] = item["title"]
        if item.get("media_type") in MEDIA_TYPES:
            params.setdefault("media_type", item["media_type"])
        target = params.get("platform")
        if target in PLATFORMS and target != item.get("platform"):
            # The same song on another platform: search there by title and artist, not by a foreign URI.
            params["query"] = item["title"]
        else:
            params["item"] = item
            params.setdefault("platform", item.get("platform"))
        return intent
