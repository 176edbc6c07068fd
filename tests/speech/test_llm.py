from __future__ import annotations

import json
import time
from typing import Any

import pytest

from sawt.speech import llm
from sawt.speech.config import SpeechConfig
from sawt.testing.llm_server import FakeOpenAIServer, Script, tool_call_completion

SCHEMA = {
    "type": "object",
    "properties": {"intent": {"type": "string", "enum": ["play", "stop"]}, "query": {"type": "string"}},
    "required": ["intent", "query"],
    "additionalProperties": False,
}


def test_it_returns_schema_checked_json_from_an_openai_server() -> None:
    with FakeOpenAIServer(lambda body: {"intent": "play", "query": "jazz"}) as server:
        client = llm.OpenAICompatibleLLM(server.url, "local-model", api_key="secret", timeout=5)
        result = client.complete_json(system="Classify.", user="play some jazz", schema=SCHEMA, name="intent")
        assert result == {"intent": "play", "query": "jazz"}
        request = server.requests[-1]
        assert request.path == "/v1/chat/completions"
        assert request.headers["Authorization"] == "Bearer secret"
        assert request.json()["model"] == "local-model"
        assert request.json()["messages"][0] == {"role": "system", "content": "Classify."}
        assert request.json()["response_format"]["type"] == "json_schema"
        assert request.json()["response_format"]["json_schema"]["name"] == "intent"
        assert request.json()["response_format"]["json_schema"]["schema"] == SCHEMA


def test_it_completes_text() -> None:
    with FakeOpenAIServer(lambda body: "  Hello there.  ") as server:
        client = llm.OpenAICompatibleLLM(server.url, "m")
        assert client.complete_text(system="s", user="u") == "Hello there."
        assert "response_format" not in server.requests[-1].json()


def test_it_accepts_json_in_a_code_fence() -> None:
    reply = '```json\n{"intent": "stop", "query": ""}\n```'
    with FakeOpenAIServer(lambda body: reply) as server:
        client = llm.OpenAICompatibleLLM(server.url, "m")
        assert client.complete_json(system="s", user="u", schema=SCHEMA, name="x")["intent"] == "stop"


@pytest.mark.parametrize(
    "reply",
    [
        "this is not json",
        json.dumps({"intent": "dance", "query": "x"}),
        json.dumps({"intent": "play"}),
        json.dumps([1, 2]),
        (500, {"error": {"message": "boom"}}),
        {"choices": []},
    ],
)
def test_it_raises_llm_error_on_bad_replies(reply: Any) -> None:
    with FakeOpenAIServer(lambda body: reply) as server:
        client = llm.OpenAICompatibleLLM(server.url, "m")
        with pytest.raises(llm.LLMError):
            client.complete_json(system="s", user="u", schema=SCHEMA, name="x")


def test_it_times_out_with_llm_error() -> None:
    with FakeOpenAIServer(delay=2.0) as server:
        client = llm.OpenAICompatibleLLM(server.url, "m", timeout=0.3)
        started = time.monotonic()
        with pytest.raises(llm.LLMError) as caught:
            client.complete_text(system="s", user="u")
        assert time.monotonic() - started < 1.5
        assert not isinstance(caught.value, llm.LLMUnavailable)


def test_it_reports_an_unreachable_server_as_unavailable() -> None:
    with FakeOpenAIServer() as server:
        url = server.url
    client = llm.OpenAICompatibleLLM(url, "m", timeout=2)
    with pytest.raises(llm.LLMUnavailable):
        client.complete_text(system="s", user="u")


def test_it_falls_back_to_rules_when_offline() -> None:
    offline = llm.get_llm(SpeechConfig())
    assert isinstance(offline, llm.OfflineLLM) and offline.available is False
    with pytest.raises(llm.LLMUnavailable):
        offline.complete_json(system="s", user="u", schema=SCHEMA, name="x")
    result = llm.with_fallback(
        lambda: offline.complete_json(system="s", user="u", schema=SCHEMA, name="x"),
        lambda: {"intent": "play", "query": "rules"},
    )
    assert result["query"] == "rules"
    assert llm.with_fallback(lambda: 1, lambda: 2) == 1


def test_it_builds_the_configured_client_once() -> None:
    with FakeOpenAIServer(lambda body: {"intent": "play", "query": body["model"]}) as server:
        config = SpeechConfig(llm_base_url=server.url, llm_model="cfg-model", llm_timeout=5)
        client = llm.get_llm(config)
        assert client is llm.get_llm(config)
        assert isinstance(client, llm.LLMClient)
        assert client.complete_json(system="s", user="u", schema=SCHEMA, name="x")["query"] == "cfg-model"


def test_it_serves_the_models_list_and_records_requests() -> None:
    import httpx

    with FakeOpenAIServer() as server:
        response = httpx.get(server.url + "/models")
        assert response.json()["data"][0]["id"] == "fake-model"
        assert server.requests[0].method == "GET"
        default = httpx.post(server.url + "/chat/completions", json={"model": "m", "messages": []})
        assert default.json()["choices"][0]["message"]["content"] == "ok"
    with pytest.raises(AssertionError, match="start"):
        _ = server.url


TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "book_table",
            "description": "Book a table.",
            "parameters": {"type": "object", "properties": {"party_size": {"type": "integer"}}},
        },
    }
]


def test_it_returns_tool_calls_in_the_openai_wire_format() -> None:
    reply = tool_call_completion(("book_table", {"party_size": 4}))
    with FakeOpenAIServer(Script(reply, "Booked.")) as server:
        client = llm.OpenAICompatibleLLM(server.url, "m")
        messages: list[dict[str, Any]] = [{"role": "user", "content": "a table for four"}]
        first = client.complete_with_tools(messages=messages, tools=TOOLS)
        assert first.text == "" and first.tool_calls == [
            llm.ToolCall(id="call_0_book_table", name="book_table", arguments={"party_size": 4})
        ]
        messages += [first.message, {"role": "tool", "tool_call_id": "call_0_book_table", "content": "{}"}]
        second = client.complete_with_tools(messages=messages, tools=TOOLS)
        assert (second.text, second.tool_calls) == ("Booked.", [])
        body = server.chat_bodies()[1]
        assert body["tools"] == TOOLS and body["tool_choice"] == "auto"
        assert body["messages"][1]["tool_calls"][0]["function"] == {
            "name": "book_table",
            "arguments": '{"party_size": 4}',
        }
        assert body["messages"][2]["role"] == "tool"


@pytest.mark.parametrize(
    "reply",
    [
        tool_call_completion(("book_table", '{"party_size": ')),
        tool_call_completion(("book_table", "[4]")),
        {"choices": [{"message": {"role": "assistant", "content": None, "tool_calls": [{"id": "x"}]}}]},
        {"choices": [{"message": {"role": "assistant", "content": "  "}}]},
        {"choices": [{"message": "text"}]},
        (500, {"error": {"message": "boom"}}),
    ],
)
def test_it_raises_llm_error_on_bad_tool_replies(reply: Any) -> None:
    with FakeOpenAIServer(lambda body: reply) as server:
        client = llm.OpenAICompatibleLLM(server.url, "m")
        with pytest.raises(llm.LLMError):
            client.complete_with_tools(messages=[{"role": "user", "content": "u"}], tools=TOOLS)


def test_the_offline_client_has_no_tools_either() -> None:
    with pytest.raises(llm.LLMUnavailable):
        llm.OfflineLLM().complete_with_tools(messages=[], tools=TOOLS)
