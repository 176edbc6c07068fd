"""Local fakes of the Spotify (accounts service + Web API, `spotify.py`) and SoundCloud (OAuth 2.1 + API,
`soundcloud.py`) wire formats, and here what they share: the catalogue, the OAuth authorize/token
endpoints (with PKCE), token checks with expiry and revocation, and 429 throttling knobs.

Used by the tests and by `manage.py bench music`; each is a `FakeServer` on 127.0.0.1 holding a small
catalogue, per-user libraries, devices and player state, with knobs for the failures users meet:
expired tokens (401), non-Premium (403 PREMIUM_REQUIRED), no device (404 NO_ACTIVE_DEVICE), 429.
"""

import base64
import hashlib
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from sawt.testing.fakeserver import FakeRequest, FakeServer, Reply

TRACKS = [
    ("5jbYbSzpBqxcqxHcbZS6ns", "Nuvvu Nenantu", "Sid Sriram", "Nuvvu Nenantu (Single)"),
    ("2kD8nIA5WVcW4Q2EGs5tvN", "Butta Bomma", "Armaan Malik", "Ala Vaikunthapurramuloo"),
    ("4uLU6hMCjMI75M1A2tKUQC", "Samajavaragamana", "Sid Sriram", "Ala Vaikunthapurramuloo"),
    ("1ZMiCix7XSAbfAJlEZWMCp", "Naatu Naatu", "Rahul Sipligunj", "RRR"),
    ("6habFhsOp2NvshLv26DqMb", "Kesariya", "Arijit Singh", "Brahmastra"),
    ("0nrRP2bk19rLc0orkWPQk2", "Tum Hi Ho", "Arijit Singh", "Aashiqui 2"),
    ("7qiZfU4dY1lWllzX7mPBI3", "Shape of You", "Ed Sheeran", "Divide"),
    ("0VjIjW4GlUZAMYd2vXMi3b", "Blinding Lights", "The Weeknd", "After Hours"),
    ("39LLxExYz6ewLAcYrzQQyP", "Levitating", "Dua Lipa", "Future Nostalgia"),
    ("3n3Ppam7vgaVa1iaRUc9Lp", "Region Locked Song", "Nobody", "Nowhere"),
]


def _bearer(request: FakeRequest, scheme: str = "Bearer") -> str:
    header = request.headers.get("Authorization", "")
    return header[len(scheme) + 1 :] if header.startswith(scheme + " ") else ""


def _error(status: int, message: str, reason: str = "") -> Reply:
    body: dict[str, Any] = {"status": status, "message": message}
    if reason:
        body["reason"] = reason
    return status, {}, {"error": body}


@dataclass
class FakeProvider:
    client_id: str = "client-id"
    client_secret: str = "client-secret"
    server: FakeServer = field(default_factory=FakeServer)
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)  # access token -> user id
    expired: set[str] = field(default_factory=set)
    refresh_tokens: dict[str, str] = field(default_factory=dict)
    revoked: set[str] = field(default_factory=set)
    # path prefix -> how many more requests answer 429
    throttle: dict[str, int] = field(default_factory=dict)
    retry_after: int = 1
    user_id: str = "fake-user"

    @property
    def url(self) -> str:
        return self.server.url

    def start(self) -> "FakeProvider":
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()

    def issue_tokens(self, user: str) -> dict[str, Any]:
        access, refresh = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
        self.tokens[access] = user
        self.refresh_tokens[refresh] = user
        return {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": 3600,
            "refresh_token": refresh,
            "scope": "user-read-playback-state user-modify-playback-state user-library-read",
        }

    def expire_all(self) -> None:
        self.expired.update(self.tokens)

    def _authorize(self, request: FakeRequest) -> Reply:
        """Consent is given at once, as if the user pressed "Agree"."""
        query = {k: v[0] for k, v in request.query.items()}
        if query.get("client_id") != self.client_id:
            return 400, {}, "INVALID_CLIENT: Invalid client"
        code = secrets.token_urlsafe(12)
        self.codes[code] = query
        location = (
            query["redirect_uri"]
            + ("&" if "?" in query["redirect_uri"] else "?")
            + urlencode({"code": code, "state": query.get("state", "")})
        )
        return 302, {"Location": location}, b""

    def _client_ok(self, request: FakeRequest, form: dict[str, str]) -> bool:
        basic = request.headers.get("Authorization", "")
        if basic.startswith("Basic "):
            pair = base64.b64decode(basic[6:]).decode()
            return pair == f"{self.client_id}:{self.client_secret}"
        return form.get("client_id") == self.client_id and form.get("client_secret") == self.client_secret

    def _token(self, request: FakeRequest) -> Reply:
        form = request.form()
        if not self._client_ok(request, form):
            return 400, {}, {"error": "invalid_client"}
        if form.get("grant_type") == "authorization_code":
            grant = self.codes.pop(form.get("code", ""), None)
            if grant is None or grant.get("redirect_uri") != form.get("redirect_uri"):
                return 400, {}, {"error": "invalid_grant", "error_description": "Invalid authorization code"}
            if not self.pkce_ok(grant, form):
                return 400, {}, {"error": "invalid_grant", "error_description": "code_verifier mismatch"}
            return 200, {}, self.issue_tokens(self.user_id)
        if form.get("grant_type") == "refresh_token":
            refresh = form.get("refresh_token", "")
            if refresh in self.revoked or refresh not in self.refresh_tokens:
                return 400, {}, {"error": "invalid_grant", "error_description": "Refresh token revoked"}
            issued = self.issue_tokens(self.refresh_tokens[refresh])
            issued["refresh_token"] = refresh
            return 200, {}, issued
        return 400, {}, {"error": "unsupported_grant_type"}

    def pkce_ok(self, grant: dict[str, str], form: dict[str, str]) -> bool:
        challenge = grant.get("code_challenge")
        if not challenge:
            return True
        digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=") == challenge

    def check(self, request: FakeRequest, scheme: str = "Bearer") -> Reply | None:
        """The common gate of every API call: throttling, then the token."""
        for prefix, remaining in self.throttle.items():
            if remaining > 0 and request.path.startswith(prefix):
                self.throttle[prefix] = remaining - 1
                return (
                    429,
                    {"Retry-After": str(self.retry_after)},
                    {"error": {"status": 429, "message": "API rate limit exceeded"}},
                )
        token = _bearer(request, scheme)
        if token not in self.tokens:
            return _error(401, "Invalid access token")
        if token in self.expired:
            return _error(401, "The access token expired")
        return None


def _page(request: FakeRequest, items: list[Any], base: str, default_limit: int = 20) -> dict[str, Any]:
    offset = int(request.query.get("offset", ["0"])[0])
    limit = int(request.query.get("limit", [str(default_limit)])[0])
    chunk = items[offset : offset + limit]
    has_next = offset + limit < len(items)
    return {
        "href": f"{base}{request.path}?offset={offset}&limit={limit}",
        "items": chunk,
        "limit": limit,
        "offset": offset,
        "total": len(items),
        "previous": None,
        "next": f"{base}{request.path}?offset={offset + limit}&limit={limit}" if has_next else None,
    }
