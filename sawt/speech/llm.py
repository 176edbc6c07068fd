"""Optional language model behind an OpenAI-compatible chat-completions endpoint.

Sawt works without any model server: features first try the LLM and fall back to
their rule-based path.  :class:`OfflineLLM` (used when ``llm_base_url`` is empty)
raises :class:`LLMUnavailable` from every call, so that fallback is one
``except LLMError`` (or :func:`with_fallback`) away.  :class:`OpenAICompatibleLLM`
talks to llama.cpp, vLLM, Ollama, LM Studio or OpenAI, checks replies against
the caller's JSON schema before returning them, and does function calling
(``tools`` / ``tool_calls``, the OpenAI chat-completions wire format).
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar, runtime_checkable

import httpx

from sawt.speech.config import SpeechConfig, get_config

log = logging.getLogger(__name__)

T = TypeVar("T")


class LLMError(Exception):
    """The model gave no usable answer (timeout, HTTP error, invalid JSON, schema mismatch)."""


class LLMUnavailable(LLMError):
    """No model is configured or reachable; use the rule-based path."""


@dataclass(frozen=True)
class ToolCall:
    id: str
    name: str
    arguments: dict[str, Any]


@dataclass(frozen=True)
class ToolReply:
    """The model's answer to a chat with tools: text, tool calls to run, or both.

    ``message`` is the assistant message to append to the conversation before the
    ``{"role": "tool", "tool_call_id": ..., "content": ...}`` results of its calls.
    """

    text: str
    tool_calls: list[ToolCall]
    message: dict[str, Any]


@runtime_checkable
class LLMClient(Protocol):
    available: bool

    def complete_json(self, *, system: str, user: str, schema: dict[str, Any], name: str) -> dict[str, Any]: ...

    def complete_text(self, *, system: str, user: str) -> str: ...

    def complete_with_tools(
        self, *, messages: list[dict[str, Any]], tools: list[dict[str, Any]], timeout: float | None = None
    ) -> ToolReply: ...


class OfflineLLM:
    """The no-model client: every call raises :class:`LLMUnavailable`."""

    available = False

    def complete_json(self, *, system: str, user: str, schema: dict[str, Any], name: str) -> dict[str, Any]:
        raise LLMUnavailable("No language model is configured (llm_base_url is empty).")

    def complete_text(self, *, system: str, user: str) -> str:
        raise LLMUnavailable("No language model is configured (llm_base_url is empty).")

    def complete_with_tools(
        self, *, messages: list[dict[str, Any]], tools: list[dict[str, Any]], timeout: float | None = None
    ) -> ToolReply:
        raise LLMUnavailable("No language model is configured (llm_base_url is empty).")


_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.S)


def validate_json(value: Any, schema: dict[str, Any]) -> None:
    """Raise :class:`LLMError` unless ``value`` matches ``schema``."""
    try:
        import jsonschema
    except ImportError:  # pragma: no cover - jsonschema ships with our dependencies
        _minimal_check(value, schema)
        return
    validator_cls = jsonschema.validators.validator_for(schema)
    errors = sorted(validator_cls(schema).iter_errors(value), key=lambda e: list(e.path))
    if errors:
        where = "/".join(str(p) for p in errors[0].path) or "(root)"
        raise LLMError(f"Model reply does not match the schema at {where}: {errors[0].message}")


def _minimal_check(value: Any, schema: dict[str, Any]) -> None:
    if schema.get("type") == "object":
        if not isinstance(value, dict):
            raise LLMError("Model reply is not a JSON object.")
        missing = [k for k in schema.get("required", []) if k not in value]
        if missing:
            raise LLMError(f"Model reply lacks {', '.join(missing)}.")


class OpenAICompatibleLLM:
    """``POST {base_url}/chat/completions`` with structured output (json_schema) or tools."""

    available = True

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key: str = "",
        timeout: float = 30.0,
        *,
        temperature: float = 0.0,
        max_tokens: int | None = None,
    ) -> None:
        if not base_url:
            raise ValueError("base_url is required")
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.timeout = timeout
        self.temperature = temperature
        self.max_tokens = max_tokens
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        # httpx.Client is thread-safe and pools connections across requests.
        self._client = httpx.Client(timeout=httpx.Timeout(timeout), headers=headers)

    def close(self) -> None:
        self._client.close()

    def _complete(
        self, messages: list[dict[str, Any]], *, timeout: float | None = None, **options: Any
    ) -> dict[str, Any]:
        """One chat-completions request; the assistant message of the first choice."""
        seconds = self.timeout if timeout is None else timeout
        body: dict[str, Any] = {"model": self.model, "messages": messages, "temperature": self.temperature}
        if self.max_tokens:
            body["max_tokens"] = self.max_tokens
        body.update(options)
        url = f"{self.base_url}/chat/completions"
        try:
            response = self._client.post(url, json=body, timeout=httpx.Timeout(seconds))
        except httpx.TimeoutException as exc:
            raise LLMError(f"The language model did not answer within {seconds:g} s.") from exc
        except httpx.TransportError as exc:
            raise LLMUnavailable(f"The language model at {self.base_url} is unreachable: {exc}") from exc
        if response.status_code >= 400:
            raise LLMError(f"The language model answered HTTP {response.status_code}: {response.text[:200]}")
        try:
            message = response.json()["choices"][0]["message"]
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise LLMError("The language model sent a malformed chat-completions response.") from exc
        if not isinstance(message, dict):
            raise LLMError("The language model sent a malformed chat-completions response.")
        return message

    def _chat(self, messages: list[dict[str, Any]], response_format: dict[str, Any] | None) -> str:
        options: dict[str, Any] = {"response_format": response_format} if response_format else {}
        message = self._complete(messages, **options)
        content = message.get("content")
        if not isinstance(content, str):
            raise LLMError("The language model sent no text content.")
        return content

    def complete_text(self, *, system: str, user: str) -> str:
        return self._chat([{"role": "system", "content": system}, {"role": "user", "content": user}], None).strip()

    def complete_json(self, *, system: str, user: str, schema: dict[str, Any], name: str) -> dict[str, Any]:
        response_format = {"type": "json_schema", "json_schema": {"name": name, "schema": schema, "strict": True}}
        messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
        content = self._chat(messages, response_format)
        fenced = _FENCE.match(content)  # some local servers still wrap JSON in a code fence
        try:
            value = json.loads(fenced.group(1) if fenced else content)
        except ValueError as exc:
            raise LLMError(f"The language model did not return valid JSON: {content[:120]!r}") from exc
        if not isinstance(value, dict):
            raise LLMError("The language model returned JSON that is not an object.")
        validate_json(value, schema)
        return value

    def complete_with_tools(
        self, *, messages: list[dict[str, Any]], tools: list[dict[str, Any]], timeout: float | None = None
    ) -> ToolReply:
        """Function calling: ``tools`` are ``{"type": "function", "function": {name, description, parameters}}``.

        ``timeout`` (seconds) replaces the client's own for this request: what is left of a caller's turn.
        """
        return tool_reply(self._complete(messages, timeout=timeout, tools=tools, tool_choice="auto"))


def tool_reply(message: dict[str, Any]) -> ToolReply:
    """Reads an assistant message that may carry ``tool_calls``; :class:`LLMError` when it is malformed."""
    text = message.get("content") or ""
    raw_calls = message.get("tool_calls") or []
    if not isinstance(text, str) or not isinstance(raw_calls, list):
        raise LLMError("The language model sent a malformed assistant message.")
    calls: list[ToolCall] = []
    for raw in raw_calls:
        function = raw.get("function") if isinstance(raw, dict) else None
        if not isinstance(function, dict) or not isinstance(raw.get("id"), str) or not function.get("name"):
            raise LLMError("The language model sent a malformed tool call.")
        arguments = function.get("arguments") or "{}"
        try:
            parsed = json.loads(arguments) if isinstance(arguments, str) else arguments
        except ValueError as exc:
            raise LLMError(f"The language model sent tool arguments that are not JSON: {arguments[:120]!r}") from exc
        if not isinstance(parsed, dict):
            raise LLMError("The language model sent tool arguments that are not a JSON object.")
        calls.append(ToolCall(id=raw["id"], name=str(function["name"]), arguments=parsed))
    if not calls and not text.strip():
        raise LLMError("The language model sent neither text nor tool calls.")
    # Sent back as the model wrote it, without server extras the next request need not carry.
    echoed: dict[str, Any] = {"role": "assistant", "content": text or None}
    if calls:
        echoed["tool_calls"] = [
            {
                "id": call.id,
                "type": "function",
                "function": {"name": call.name, "arguments": json.dumps(call.arguments)},
            }
            for call in calls
        ]
    return ToolReply(text=text.strip(), tool_calls=calls, message=echoed)


_lock = threading.Lock()
_clients: dict[tuple[str, str, str, float], LLMClient] = {}


def get_llm(config: SpeechConfig | None = None) -> LLMClient:
    """The configured client (shared per process), or :class:`OfflineLLM`."""
    cfg = config or get_config()
    if not cfg.llm_base_url:
        return OfflineLLM()
    key = (cfg.llm_base_url, cfg.llm_model, cfg.llm_api_key, cfg.llm_timeout)
    with _lock:
        client = _clients.get(key)
        if client is None:
            client = OpenAICompatibleLLM(cfg.llm_base_url, cfg.llm_model, cfg.llm_api_key, cfg.llm_timeout)
            _clients[key] = client
        return client


def with_fallback(primary: Callable[[], T], fallback_fn: Callable[[], T]) -> T:
    """``primary()``, or ``fallback_fn()`` when it raises :class:`LLMError`.

    ``with_fallback(lambda: llm.complete_json(...), lambda: rules(text))``
    """
    try:
        return primary()
    except LLMUnavailable:
        return fallback_fn()
    except LLMError as exc:
        log.warning("language model failed, using the rule-based path: %s", exc)
        return fallback_fn()


def llm_info() -> dict[str, Any]:
    cfg = get_config()
    if not cfg.llm_base_url:
        return {"available": False, "mode": "offline"}
    return {"available": True, "mode": "openai-compatible", "base_url": cfg.llm_base_url, "model": cfg.llm_model}
