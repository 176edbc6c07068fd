"""Meeting summaries: length that follows the meeting's, items listed once, the LLM path over HTTP."""

from __future__ import annotations

import json

from sawt.speech import llm
from sawt.speech.summarize import Utterance, deduplicated, extractive_summary, summarize, summary_points
from sawt.testing.llm_server import FakeOpenAIServer

TOPICS = [
    "The budget for the new office needs another review before the board meets.",
    "Marketing wants the launch video finished in two weeks at the latest.",
    "Our hiring plan adds three engineers and one designer this quarter.",
    "The customer survey shows that onboarding takes far too long for most users.",
    "Server costs went up by twenty percent because of the analytics cluster.",
    "The mobile app release slipped because of the payment provider change.",
    "Legal asked us to update the privacy policy for the European customers.",
    "Support tickets about login problems doubled after the last deployment.",
]


def _meeting(minutes: int) -> list[Utterance]:
    """About 150 words a minute of varied talk between two people."""
    out, said = [], 0
    while said < minutes * 150:
        text = TOPICS[len(out) % len(TOPICS)] + f" That was point number {len(out)}."
        out.append(Utterance("Diane" if len(out) % 2 else "Sheila", text, float(len(out) * 5)))
        said += len(text.split())
    return out


def test_the_summary_of_a_long_meeting_has_more_points_than_a_short_ones():
    short, long = _meeting(2), _meeting(40)
    assert summary_points(short) == 3
    assert summary_points(long) > 3 * summary_points(short)
    assert len(extractive_summary(long).key_points) == summary_points(long)
    assert len(extractive_summary(short).key_points) == 3


def test_an_action_item_or_decision_said_twice_is_listed_once():
    utterances = [
        Utterance("Diane", "I'll send the budget report by Friday.", 0.0),
        Utterance("Sheila", "Great. We agreed to move the launch to May.", 4.0),
        Utterance("Diane", "So I will send the budget report by Friday.", 9.0),
        Utterance("Sheila", "Yes, we agreed to move the launch to May.", 12.0),
        Utterance("Sheila", "Can you book the room for Tuesday?", 15.0),
    ]
    summary = extractive_summary(utterances)
    assert [item["text"] for item in summary.action_items] == [
        "I'll send the budget report by Friday.",
        "Can you book the room for Tuesday?",
    ]
    assert summary.decisions == ["Sheila: We agreed to move the launch to May."]
    assert deduplicated(["Ship it.", "ship it!", "Something else entirely."]) == [0, 2]


def test_the_llm_path_summarises_chunks_merges_them_and_lists_items_once():
    answer = {
        "summary": "Diane will send the report; the launch moves to May.",
        "key_points": ["Budget report", "Launch date"],
        "action_items": [
            {"text": "Send the budget report by Friday", "owner": "Diane", "due": "Friday"},
            {"text": "send the budget report by Friday.", "owner": "Diane", "due": "Friday"},
        ],
        "decisions": ["Move the launch to May", "Move the launch to May."],
    }
    with FakeOpenAIServer(lambda body: json.dumps(answer)) as server:
        client = llm.OpenAICompatibleLLM(server.url, "local-model", timeout=5)
        summary = summarize(_meeting(25), llm=client)
        bodies = server.chat_bodies()
    assert summary.generator == "llm:local-model"
    assert summary.text == answer["summary"]
    assert summary.action_items == [{"text": "Send the budget report by Friday", "owner": "Diane", "due": "Friday"}]
    assert summary.decisions == ["Move the launch to May"]
    # The transcript (over 12,000 characters) went in parts, then one request merged them.
    assert len(bodies) >= 3
    assert bodies[0]["messages"][1]["content"].startswith("Transcript part 1:\nSheila: ")
    assert bodies[-1]["messages"][1]["content"].startswith("Merge these partial summaries:")


def test_an_llm_that_fails_leaves_the_extractive_summary():
    with FakeOpenAIServer(lambda body: (500, {"error": "down"})) as server:
        client = llm.OpenAICompatibleLLM(server.url, "local-model", timeout=5)
        summary = summarize(_meeting(2), llm=client)
    assert summary.generator.startswith("extractive")
    assert len(summary.key_points) == 3
