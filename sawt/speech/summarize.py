"""Meeting summaries: offline extractive by default, an OpenAI-compatible LLM when one is configured.

Extractive: each utterance is split into sentences, embedded with the bundled MiniLM model, and the
summary picks sentences close to the meeting's centroid while staying far from those already picked
(maximal marginal relevance), in the order they were said, each with its speaker's name. Action items
and decisions come from phrase rules ("I'll send...", "can you ... by Friday", "we agreed..."), with
the speaker as owner for first-person commitments and the due phrase when one is said.

With an LLM the transcript is cut into chunks that fit the context window, each chunk is summarised,
and the partial summaries are merged; the prompt asks for speakers by name.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_ACTION = re.compile(
    r"\b(i'll|i will|i'm going to|i am going to|we'll|we will|we need to|we should|let's|let us|"
    r"can you|could you|would you|please|you should|need to|action item|to do|follow up)\b",
    re.IGNORECASE,
)
_FIRST_PERSON = re.compile(r"^\s*(?:\w+,\s*)?(i'll|i will|i'm going to|i am going to|i can|let me)\b", re.IGNORECASE)
_ADDRESSED = re.compile(r"\b(?:can|could|would) you\b|\byou should\b|^\s*please\b", re.IGNORECASE)
_NAMED_OWNER = re.compile(r"\b([A-Z][a-z]+) (?:will|is going to|should|needs to)\b")
_DUE = re.compile(
    r"\b(by (?:the )?(?:end of (?:the )?(?:day|week|month))|by (?:monday|tuesday|wednesday|thursday|friday|"
    r"saturday|sunday|tomorrow|tonight|next \w+|\w+ \d{1,2}(?:st|nd|rd|th)?)|tomorrow|tonight|today|"
    r"next (?:week|month|monday|tuesday|wednesday|thursday|friday)|this (?:week|afternoon|evening)|"
    r"on (?:monday|tuesday|wednesday|thursday|friday)|end of (?:the )?(?:day|week|month))\b",
    re.IGNORECASE,
)
_DECISION = re.compile(
    r"\b(we decided|we've decided|we have decided|decided to|we agreed|we agree|agreed to|the decision is|"
    r"let's go with|we'll go with|we will go with|we're going with|final answer|settled on)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Utterance:
    speaker: str  # display name
    text: str
    start: float = 0.0


@dataclass(frozen=True)
class MeetingSummary:
    text: str
    key_points: list[str] = field(default_factory=list)
    action_items: list[dict[str, str | None]] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)
    generator: str = "extractive"


def _sentences(utterances: Sequence[Utterance]) -> list[Utterance]:
    out = []
    for u in utterances:
        for part in _SENTENCE.split(u.text.strip()):
            if len(part.split()) >= 2:
                out.append(Utterance(u.speaker, part.strip(), u.start))
    return out


def mmr(vectors: np.ndarray, count: int, *, diversity: float = 0.3) -> list[int]:
    """Indices of ``count`` rows near the centroid and far from each other."""
    if len(vectors) == 0:
        return []
    centroid = vectors.mean(axis=0)
    centroid /= max(float(np.linalg.norm(centroid)), 1e-8)
    relevance = vectors @ centroid
    chosen = [int(np.argmax(relevance))]
    while len(chosen) < min(count, len(vectors)):
        redundancy = (vectors @ vectors[chosen].T).max(axis=1)
        score = (1 - diversity) * relevance - diversity * redundancy
        score[chosen] = -np.inf
        chosen.append(int(np.argmax(score)))
    return chosen


def action_items(sentences: Sequence[Utterance]) -> list[dict[str, str | None]]:
    items: list[dict[str, str | None]] = []
    for s in sentences:
        if not _ACTION.search(s.text) or (s.text.rstrip().endswith("?") and not _ADDRESSED.search(s.text)):
            continue
        owner: str | None = None
        if _FIRST_PERSON.search(s.text):
            owner = s.speaker
        elif named := _NAMED_OWNER.search(s.text):
            owner = named.group(1)
        due = _DUE.search(s.text)
        items.append({"text": s.text, "owner": owner, "due": due.group(1) if due else None, "said_by": s.speaker})
    return items


WORDS_PER_POINT = 250  # about two minutes of talk per key point
MIN_POINTS, MAX_POINTS = 3, 25


def summary_points(utterances: Sequence[Utterance]) -> int:
    """How many key points a meeting's summary has: its length follows the meeting's."""
    words = sum(len(u.text.split()) for u in utterances)
    return max(MIN_POINTS, min(MAX_POINTS, round(words / WORDS_PER_POINT)))


def _normal(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def deduplicated(texts: Sequence[str], *, overlap: float = 0.8) -> list[int]:
    """Indexes of the texts to keep, in order: a text whose words are (nearly) all in one kept before,
    or that holds (nearly) all of its words, is dropped, so an item said twice is listed once."""
    kept: list[tuple[int, set[str]]] = []
    for index, text in enumerate(texts):
        words = set(_normal(text))
        if not words:
            continue
        if not any(len(words & other) >= overlap * min(len(words), len(other)) for _, other in kept):
            kept.append((index, words))
    return sorted(i for i, _ in kept)


def extractive_summary(utterances: Sequence[Utterance], *, points: int | None = None) -> MeetingSummary:
    from sawt.speech.embeddings import embed

    sentences = _sentences(utterances)
    if not sentences:
        return MeetingSummary(text="", generator="extractive")
    vectors = np.asarray(embed([s.text for s in sentences]), dtype=np.float32)
    picked = sorted(mmr(vectors, points or summary_points(utterances)))
    key_points = [f"{sentences[i].speaker}: {sentences[i].text}" for i in picked]
    talk: dict[str, int] = {}
    for u in utterances:
        talk[u.speaker] = talk.get(u.speaker, 0) + len(u.text.split())
    total = max(1, sum(talk.values()))
    who = ", ".join(f"{name} ({100 * words // total}%)" for name, words in sorted(talk.items(), key=lambda kv: -kv[1]))
    text = f"Speakers: {who}.\n" + "\n".join(f"- {p}" for p in key_points)
    said = [s for s in sentences if _DECISION.search(s.text)]
    decisions = [f"{said[i].speaker}: {said[i].text}" for i in deduplicated([s.text for s in said])]
    items = action_items(sentences)
    return MeetingSummary(
        text=text,
        key_points=key_points,
        action_items=[items[i] for i in deduplicated([str(item["text"]) for item in items])],
        decisions=decisions,
        generator="extractive:all-MiniLM-L6-v2",
    )


def _chunks(lines: Sequence[str], max_chars: int) -> list[str]:
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for line in lines:
        if current and size + len(line) > max_chars:
            chunks.append("\n".join(current))
            current, size = [], 0
        current.append(line)
        size += len(line) + 1
    if current:
        chunks.append("\n".join(current))
    return chunks


_PROMPT = (
    "You summarise meeting transcripts. Name the speakers exactly as they appear (keep references such "
    "as [[speaker:12]] as written). List each action item and "
    "decision once. Answer with JSON only: "
    '{"summary": str, "key_points": [str], "action_items": [{"text": str, "owner": str|null, '
    '"due": str|null}], "decisions": [str]}.'
)


def llm_summary(utterances: Sequence[Utterance], llm: Any, *, chunk_chars: int = 12000) -> MeetingSummary:
    """Map-reduce over chunks with an ``LLMClient``; raises ``LLMError`` on failures."""
    lines = [f"{u.speaker}: {u.text.strip()}" for u in utterances if u.text.strip()]
    partials = [
        llm.complete_text(system=_PROMPT, user=f"Transcript part {i + 1}:\n{chunk}")
        for i, chunk in enumerate(_chunks(lines, chunk_chars))
    ]
    if len(partials) == 1:
        final = partials[0]
    else:
        final = llm.complete_text(system=_PROMPT, user="Merge these partial summaries:\n" + "\n".join(partials))
    data = _json_object(final)
    items = [
        {"text": str(a.get("text", "")), "owner": a.get("owner"), "due": a.get("due")}
        for a in data.get("action_items", [])
        if isinstance(a, dict)
    ]
    decisions = [str(d) for d in data.get("decisions", [])]
    return MeetingSummary(
        text=str(data.get("summary", "")).strip(),
        key_points=[str(p) for p in data.get("key_points", [])],
        action_items=[items[i] for i in deduplicated([str(a["text"]) for a in items])],
        decisions=[decisions[i] for i in deduplicated(decisions)],
        generator=f"llm:{getattr(llm, 'model', 'unknown')}",
    )


def _json_object(text: str) -> dict[str, Any]:
    match = re.search(r"\{.*\}", text, re.DOTALL)
    if not match:
        return {"summary": text.strip()}
    try:
        value = json.loads(match.group(0))
    except json.JSONDecodeError:
        return {"summary": text.strip()}
    return value if isinstance(value, dict) else {"summary": text.strip()}


def summarize(utterances: Sequence[Utterance], *, llm: Any = None) -> MeetingSummary:
    """The LLM summary when a client is given and answers, else the extractive one."""
    from sawt.speech.llm import LLMError, get_llm

    client = llm if llm is not None else get_llm()
    if getattr(client, "available", False):
        try:
            result = llm_summary(utterances, client)
            if result.text:
                return result
        except LLMError as exc:
            log.warning("LLM summary failed, using the extractive one: %s", exc)
    return extractive_summary(utterances)
