"""What only production does, seen from outside: TLS, redirects, cookies, DEBUG off, proxy headers, limits."""

from __future__ import annotations

import http.client
import ssl

import httpx


def test_it_answers_health_over_https_with_hsts(http: httpx.Client) -> None:
    response = http.get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert "max-age=" in response.headers["Strict-Transport-Security"]


def test_it_redirects_plain_http_to_https(base_url: str) -> None:
    host, port = base_url.removeprefix("https://").split(":")
    response = httpx.get(f"http://{host}:{int(port) + 1}/meetings/", follow_redirects=False)
    assert response.status_code == 301
    assert response.headers["Location"] == f"{base_url}/meetings/"


def test_it_sets_secure_http_only_cookies_on_login(http: httpx.Client, password: str) -> None:
    page = http.get("/accounts/login/")
    assert "csrftoken" in page.cookies
    csrf_cookie = page.headers["set-cookie"].lower()
    assert "secure" in csrf_cookie and "httponly" in csrf_cookie
    response = http.post(
        "/accounts/login/",
        data={"username": "rehearsal-script", "password": password, "csrfmiddlewaretoken": page.cookies["csrftoken"]},
        headers={"Referer": f"{http.base_url}/accounts/login/"},
    )
    assert response.status_code == 302, response.text[:500]
    session = next(h for h in response.headers.get_list("set-cookie") if h.startswith("sessionid="))
    assert "Secure" in session and "HttpOnly" in session


def test_it_shows_no_debug_page_for_an_unknown_path(http: httpx.Client) -> None:
    response = http.get("/no-such-page/")
    assert response.status_code == 404
    assert "Traceback" not in response.text and "URLconf" not in response.text


def test_it_answers_an_oversized_body_with_the_json_error_before_reading_it(base_url: str, tls: ssl.SSLContext) -> None:
    """nginx's client_max_body_size is SAWT_MAX_UPLOAD_BYTES; the answer is the application's error body."""
    import json
    import os

    limit = int(os.environ["SAWT_MAX_UPLOAD_BYTES"])
    host, port = base_url.removeprefix("https://").split(":")
    connection = http.client.HTTPSConnection(host, int(port), context=tls, timeout=30)
    connection.putrequest("POST", "/api/v1/meetings/")
    connection.putheader("Content-Type", "multipart/form-data; boundary=x")
    connection.putheader("Content-Length", str(limit + 1))
    connection.endheaders()  # the body is never sent: the limit is known from the header alone
    response = connection.getresponse()
    body = json.loads(response.read())
    assert response.status == 413
    assert response.getheader("Content-Type") == "application/json"
    assert body["error"]["code"] == "payload_too_large"
    assert body["error"]["details"] == {"limit_bytes": limit, "content_length": limit + 1}
    connection.close()


def _client_from(address: str, base_url: str, tls: ssl.SSLContext) -> httpx.Client:
    """A client on another loopback address: to nginx, another machine."""
    transport = httpx.HTTPTransport(local_address=address, verify=tls)
    return httpx.Client(base_url=base_url, transport=transport, timeout=30)


def test_it_counts_bad_logins_per_client_address_the_proxy_saw(base_url: str, tls: ssl.SSLContext, password: str) -> None:
    """Behind the proxy every request comes from 127.0.0.1; daphne's proxy headers give the limits the
    address nginx saw, so one client's bad logins lock out that client only."""
    import random

    # Fresh addresses each run: a lock-out lasts the auth window (5 minutes).
    attacker_address, other_address = (f"127.{random.randint(1, 254)}.{random.randint(1, 254)}.{n}" for n in (2, 3))
    with _client_from(attacker_address, base_url, tls) as attacker:
        answers = [
            # A name per try: a username's own limit (SAWT_RATE_LIMIT_AUTH_ACCOUNT) is not what this is about.
            attacker.post("/api/v1/auth/token", json={"username": f"guess-{n}", "password": "wrong"}).status_code
            for n in range(21)
        ]
    assert answers[:20] == [400] * 20
    assert answers[20] == 429
    with _client_from(other_address, base_url, tls) as someone_else:
        response = someone_else.post("/api/v1/auth/token", json={"username": "rehearsal-script", "password": password})
    assert response.status_code == 201, response.text
