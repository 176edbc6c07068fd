"""Fixtures of the production rehearsal (deploy/rehearse), loaded with `-p tests.rehearsal.plugin`.

The rehearsal reaches the stack as an outside client does: only through nginx, over https:// and wss://,
trusting exactly the certificate deploy/rehearse made. It runs without pytest-django and without
tests/conftest.py (whose fixtures would touch the server's Redis); nothing here imports the project's
Django code.
"""

from __future__ import annotations

import json
import os
import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.browsers import CHROMIUM, CHROMIUM_ARGS, FAKE_MEDIA_ARGS


def pytest_configure(config: pytest.Config) -> None:
    if not os.environ.get("SAWT_REHEARSE_URL"):
        raise pytest.UsageError("tests/rehearsal runs under deploy/rehearse (make rehearse), which sets SAWT_REHEARSE_URL")


@pytest.fixture(scope="session")
def rehearsal_dir() -> Path:
    return Path(os.environ["SAWT_REHEARSE_DIR"])


@pytest.fixture(scope="session")
def base_url() -> str:
    """https://127.0.0.1:<port>: nginx, the only door."""
    return os.environ["SAWT_REHEARSE_URL"]


@pytest.fixture(scope="session")
def wss_url(base_url: str) -> str:
    return "wss://" + base_url.removeprefix("https://")


@pytest.fixture(scope="session")
def certificate(rehearsal_dir: Path) -> Path:
    return rehearsal_dir / "nginx" / "cert.pem"


@pytest.fixture(scope="session")
def tls(certificate: Path) -> ssl.SSLContext:
    """Trusts the rehearsal's certificate and nothing else (no verification turned off)."""
    return ssl.create_default_context(cafile=str(certificate))


@pytest.fixture(scope="session")
def state(rehearsal_dir: Path) -> dict[str, Any]:
    return json.loads((rehearsal_dir / "state.json").read_text())


@pytest.fixture(scope="session")
def password() -> str:
    return os.environ["SAWT_REHEARSE_PASSWORD"]


@pytest.fixture(scope="session")
def speech_wav(rehearsal_dir: Path) -> Path:
    """Three sentences (tests.rehearsal.prepare.SPEECH) then a pause, 16 kHz mono."""
    return rehearsal_dir / "speech.wav"


@pytest.fixture(scope="session")
def question_wav(rehearsal_dir: Path) -> Path:
    return rehearsal_dir / "question.wav"


@pytest.fixture(scope="session")
def meeting_wav(rehearsal_dir: Path) -> Path:
    return rehearsal_dir / "meeting.wav"


@pytest.fixture
def http(base_url: str, tls: ssl.SSLContext) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, verify=tls, timeout=30) as client:
        yield client


@pytest.fixture(scope="session")
def script_token(base_url: str, tls: ssl.SSLContext, password: str) -> str:
    """An API token of the script user, obtained as docs/api.md shows."""
    response = httpx.post(
        f"{base_url}/api/v1/auth/token", json={"username": "rehearsal-script", "password": password}, verify=tls
    )
    assert response.status_code == 201, response.text
    return str(response.json()["token"])


@pytest.fixture
def api(base_url: str, tls: ssl.SSLContext, script_token: str) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {script_token}"}
    with httpx.Client(base_url=base_url, verify=tls, timeout=60, headers=headers) as client:
        yield client


@pytest.fixture
def browser_args() -> list[str]:
    """Extra Chromium flags for one test (a fake microphone file); the `browser` fixture reads them."""
    return []


@pytest.fixture
def browser(browser_args: list[str], certificate: Path) -> Iterator[Any]:
    """Debian's headless Chromium. The rehearsal's certificate is not in Chromium's trust store, so the
    context accepts it (ignore_https_errors); every other client here verifies it."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *FAKE_MEDIA_ARGS, *browser_args])
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A page whose script errors fail the test."""
    context = browser.new_context(ignore_https_errors=True, viewport={"width": 1200, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == [], f"script errors on the page: {errors}"


def log_in(page: Any, base_url: str, username: str, password: str, next_path: str) -> None:
    """Through the login page, as a person does, landing on `next_path`."""
    page.goto(f"{base_url}/accounts/login/?next={next_path}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base_url}{next_path}")
