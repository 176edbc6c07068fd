"""Test doubles for the speech engine (importable by any test suite, no Django)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any

from sawt.testing.fakeserver import FakeRequest, FakeServer
from sawt.testing.fakeserver import Reply as HTTPReply

Reply = Callable[[dict[str, Any]], Any]


def default_reply(body: dict[str, Any]) -> Any:
    """``{}`` for structured-output requests, "ok" otherwise."""
    return {} if body.get("response_format") else "ok"


def chat_completion(content: str, model: str = "fake-model") -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
    }


def tool_call_completion(*calls: tuple[str, dict[str, Any] | str], content: str | None = None) -> dict[str, Any]:
    """A reply asking to run ``(name, arguments)`` tools; a ``str`` argument is sent as is (bad JSON)."""
    tool_calls = [
        {
            "id": f"call_{n}_{name}",
            "type": "function",
            "function": {"name": name, "arguments": args if isinstance(args, str) else json.dumps(args)},
        }
        for n, (name, args) in enumerate(calls)
    ]
    completion = chat_completion(content or "")
    completion["choices"][0]["message"] = {"role": "assistant", "content": content, "tool_calls": tool_calls}
    completion["choices"][0]["finish_reason"] = "tool_calls"
    return completion


class Script:
    """Replies in order, one per request (a reply for :class:`FakeOpenAIServer`).

    Each item is anything ``reply`` may return (text, a whole completion such as
    :func:`tool_call_completion`, ``(status, payload)``); past the end it answers 500.
    """

    def __init__(self, *replies: Any) -> None:
        self.replies = list(replies)
        self._lock = threading.Lock()

    def __call__(self, body: dict[str, Any]) -> Any:
        with self._lock:
            if not self.replies:
                return 500, {"error": {"message": "the script has no more replies", "type": "server_error"}}
            return self.replies.pop(0)


class FakeOpenAIServer(FakeServer):
    """A local OpenAI chat-completions endpoint on ``127.0.0.1:<free port>``.

    ``reply(body)`` decides the answer: a ``str`` becomes the message content, a
    ``dict`` with ``"choices"`` is sent as the whole response, any other JSON value
    is serialised as the content, and ``(status, payload)`` sends an HTTP error.
    ``delay`` seconds are slept before answering (timeouts).  ``requests`` records
    every call (``request.json()`` is the body sent).  Use as a context manager or
    call :meth:`start` / :meth:`stop`.
    """

    def __init__(self, reply: Reply | None = None, *, delay: float = 0.0) -> None:
        super().__init__()
        self.reply: Reply = reply or default_reply
        self.delay = delay
        self.add("GET", "/v1/models", lambda _: (200, {}, {"object": "list", "data": [{"id": "fake-model"}]}))
        self.add("POST", "/v1/chat/completions", self._chat)

    @property
    def url(self) -> str:
        """Base URL including ``/v1``, as OpenAI clients expect."""
        return super().url + "/v1"

    def chat_bodies(self) -> list[dict[str, Any]]:
        """The JSON bodies of the chat-completions requests received, in order."""
        return [r.json() for r in self.requests_to("/v1/chat/completions")]

    def __enter__(self) -> FakeOpenAIServer:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def _chat(self, request: FakeRequest) -> HTTPReply:
        try:
            body = request.json() or {}
        except ValueError:
            return 400, {}, {"error": {"message": "invalid JSON body"}}
        if self.delay:
            time.sleep(self.delay)
        status, payload = self._answer(body)
        return status, {}, payload

    def _answer(self, body: dict[str, Any]) -> tuple[int, Any]:
        try:
            result = self.reply(body)
        except Exception as exc:  # the fake reports any reply bug as a server error
            return 500, {"error": {"message": str(exc), "type": "server_error"}}
        if isinstance(result, tuple):
            return int(result[0]), result[1]
        if isinstance(result, dict) and "choices" in result:
            return 200, result
        content = result if isinstance(result, str) else json.dumps(result)
        return 200, chat_completion(content, str(body.get("model") or "fake-model"))
