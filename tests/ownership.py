"""What the generated outsider test needs to know: how to make an object owned by `owner` for each
URL keyword, and for each object id a request carries in its body or query string (`@id_input`).
Every object-level URL or socket route's keyword, and every id-like field of the API schema, must be
registered, or the test fails, so a new endpoint cannot ship without its outsider check.

Each app registers its keywords in `tests/<app>/owned.py` with `@owned("<kwarg>")`; they are all
imported here.
"""

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

OWNED_OBJECTS: dict[str, Callable[[Any], Any]] = {}

# URL names whose keywords are not objects (password reset links carry a signed token).
NOT_OBJECT_URLS = {"password_reset_confirm"}
NOT_OBJECT_NAMESPACES = {"admin"}

# URL keywords that name no object (a social-auth backend), with the value to walk them with.
NOT_OBJECT_KWARGS: dict[str, str] = {"backend": "spotify"}



@dataclass(frozen=True)
class IdInput:
    """An object id carried in a request body or query string rather than the URL.

    `setup(user)` makes what the request needs, owned by `user`, and answers the URL keywords and
    the body or query (holding `field`) with which `user` may rightly make it."""

    method: str
    path: str  # as in the OpenAPI schema: /api/v1/meetings/segments/{segment_id}/
    field: str
    where: str  # "body" or "query"
    setup: Callable[[Any], tuple[dict[str, Any], dict[str, Any]]]


ID_INPUTS: dict[tuple[str, str, str, str], IdInput] = {}


def id_input(
    method: str, path: str, field: str, where: str = "body"
) -> Callable[[Callable[[Any], tuple[dict[str, Any], dict[str, Any]]]], Callable[[Any], Any]]:
    def register(setup: Callable[[Any], tuple[dict[str, Any], dict[str, Any]]]) -> Callable[[Any], Any]:
        ID_INPUTS[(method, path, field, where)] = IdInput(method, path, field, where, setup)
        return setup

    return register


# How to open a socket as its rightful user, per route regex: async (owner) -> (path, headers).
# Routes not listed open with the owner's Bearer token and owned objects for their keywords.
SOCKET_OPENERS: dict[str, Callable[[Any], Any]] = {}


def socket_opener(route_regex: str) -> Callable[[Callable[[Any], Any]], Callable[[Any], Any]]:
    def register(opener: Callable[[Any], Any]) -> Callable[[Any], Any]:
        SOCKET_OPENERS[route_regex] = opener
        return opener

    return register


def owned(kwarg: str) -> Callable[[Callable[[Any], Any]], Callable[[Any], Any]]:
    def register(factory: Callable[[Any], Any]) -> Callable[[Any], Any]:
        OWNED_OBJECTS[kwarg] = factory
        return factory

    return register


@owned("token_id")
def _token(owner: Any) -> int:
    from sawt.accounts.services import api_token_create

    token, _ = api_token_create(user=owner, name="owner's")
    return token.pk


for _package in pkgutil.iter_modules([str(Path(__file__).parent)]):
    if _package.ispkg and (Path(__file__).parent / _package.name / "owned.py").exists():
        importlib.import_module(f"tests.{_package.name}.owned")
