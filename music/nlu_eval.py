"""The offline parser scored on the SNIPS NLU benchmark's PlayMusic and AddToPlaylist training sets
(CC0, slot-annotated, read in place from `SAWT_TEST_DATA/nlu/`): intent accuracy and per-slot recall and
precision. A slot counts when the parameter of the same meaning holds the same words (normalised text).
"""

import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

from music.intents import normalize_text

# SNIPS entity -> the parameter that says the same thing.
SLOT_PARAMETERS = {
    "artist": "artist",
    "track": "title",
    "album": "album",
    "playlist": "playlist",
    "genre": "genre",
    "entity_name": "title",
}
INTENT_ACTIONS = {"PlayMusic": "PLAY", "AddToPlaylist": "ADD_TO_PLAYLIST"}


def data_dir() -> Path:
    return Path(os.environ.get("SAWT_TEST_DATA", "/work/shared/data")) / "nlu"


def load(intent: str) -> list[tuple[str, dict[str, str]]]:
    """(text, {entity: value}) per example; "my" (playlist_owner) and services are not names."""
    path = data_dir() / f"snips_train_{intent}.json"
    examples = json.loads(path.read_text(encoding="utf-8", errors="replace"))[intent]
    out = []
    for example in examples:
        text = "".join(part["text"] for part in example["data"])
        slots = {p["entity"]: p["text"] for p in example["data"] if p.get("entity") in SLOT_PARAMETERS}
        out.append((text, slots))
    return out


def score(intent: str, limit: int | None = None) -> dict[str, Any]:
    from music.grammar import parse_offline

    want_action = INTENT_ACTIONS[intent]
    rows = load(intent)[:limit]
    correct = 0
    found: Counter[str] = Counter()
    gold: Counter[str] = Counter()
    predicted: Counter[str] = Counter()
    right: Counter[str] = Counter()
    misses: list[dict[str, Any]] = []
    for text, slots in rows:
        parsed = parse_offline(text)
        correct += parsed.action == want_action
        params = parsed.parameters if parsed.action == want_action else {}
        wanted = {}
        for entity, value in slots.items():
            gold[entity] += 1
            wanted[SLOT_PARAMETERS[entity]] = normalize_text(value)
            if normalize_text(str(params.get(SLOT_PARAMETERS[entity], ""))) == normalize_text(value):
                found[entity] += 1
            elif len(misses) < 2000:
                misses.append({"text": text, "slot": entity, "want": value, "got": parsed.as_dict()})
        for entity, parameter in SLOT_PARAMETERS.items():
            if (entity == "entity_name" and intent != "AddToPlaylist") or (entity == "track" and intent != "PlayMusic"):
                continue
            if parameter in params:
                predicted[entity] += 1
                right[entity] += normalize_text(str(params[parameter])) == wanted.get(parameter)
    result: dict[str, Any] = {"examples": len(rows), "intent_accuracy": round(correct / len(rows), 4)}
    for entity in sorted(gold):
        result[f"{entity}_recall"] = round(found[entity] / gold[entity], 4)
        result[f"{entity}_precision"] = round(right[entity] / predicted[entity], 4) if predicted[entity] else None
        result[f"{entity}_count"] = gold[entity]
    result["misses"] = misses
    return result
