"""What manage.py, asgi, wsgi and celery run with no DJANGO_SETTINGS_MODULE, and the one reader of the
environment."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Each entry point, imported the way its server imports it, prints the settings that decide transport.
_PROBE = (
    "import importlib, json, sys\n"
    "importlib.import_module(sys.argv[1])\n"
    "from django.conf import settings\n"
    "print(json.dumps({'module': settings.SETTINGS_MODULE, 'debug': settings.DEBUG,\n"
    "    'ssl_redirect': settings.SECURE_SSL_REDIRECT, 'session_cookie_secure': settings.SESSION_COOKIE_SECURE,\n"
    "    'csrf_cookie_secure': settings.CSRF_COOKIE_SECURE, 'hsts': settings.SECURE_HSTS_SECONDS}))\n"
)


def _environ(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DJANGO_DEBUG"}}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return {**env, **extra}


def _diffsettings(env: dict[str, str]) -> dict[str, str]:
    result = subprocess.run(
        [sys.executable, "manage.py", "diffsettings", "--all"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    # "NAME = value", "### NAME = value" (Django's default) or "NAME = value  ###" (not a Django setting)
    pairs = (line.removeprefix("### ").split(" = ", 1) for line in result.stdout.splitlines() if " = " in line)
    return {name: value.removesuffix("  ###") for name, value in pairs}


def test_manage_py_runs_with_debug_off_and_https_only_by_default():
    values = _diffsettings(_environ(DJANGO_SECRET_KEY=secrets.token_urlsafe(50)))
    assert values["DEBUG"] == "False"
    assert values["SECURE_SSL_REDIRECT"] == "True"
    assert values["SESSION_COOKIE_SECURE"] == "True" and values["CSRF_COOKIE_SECURE"] == "True"


def test_manage_py_refuses_to_start_without_a_secret_key_by_default():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT, env=_environ(DJANGO_SECRET_KEY=""), capture_output=True, text=True, timeout=120,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_manage_py_with_django_debug_serves_plain_http():
    values = _diffsettings(_environ(DJANGO_DEBUG="true"))
    assert values["DEBUG"] == "True"
    assert values["SECURE_SSL_REDIRECT"] == "False"
    assert values["SESSION_COOKIE_SECURE"] == "False" and values["CSRF_COOKIE_SECURE"] == "False"
    assert values["SECURE_HSTS_SECONDS"] == "0"


@pytest.mark.parametrize("entry_point", ["sawt.asgi", "sawt.wsgi", "sawt.celery"])
@pytest.mark.parametrize("debug", ["", "true"])
def test_servers_and_workers_follow_django_debug(entry_point, debug):
    extra = {"DJANGO_DEBUG": debug} if debug else {"DJANGO_SECRET_KEY": secrets.token_urlsafe(50)}
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, entry_point],
        cwd=ROOT, env=_environ(**extra), capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["module"] == "sawt.settings.default"
    if debug:
        assert seen["debug"] is True
        assert not (seen["ssl_redirect"] or seen["session_cookie_secure"] or seen["csrf_cookie_secure"])
        assert seen["hsts"] == 0
    else:
        assert seen["debug"] is False
        assert seen["ssl_redirect"] and seen["session_cookie_secure"] and seen["csrf_cookie_secure"]


def test_the_engine_defaults_are_the_settings_defaults():
    """Scripts outside Django run on SpeechConfig(); a Django process with no SAWT_ variable set gets
    the same engine configuration from its settings."""
    probe = (
        "import django\n"
        "django.setup()\n"
        "from sawt.speech.config import SpeechConfig, get_config\n"
        "print(get_config() == SpeechConfig(), get_config())\n"
    )
    env = {k: v for k, v in _environ(DJANGO_DEBUG="true").items() if not k.startswith("SAWT_")}
    env["DJANGO_SETTINGS_MODULE"] = "sawt.settings.default"
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("True"), result.stdout


# Variables read by the processes and tools rather than by the settings (Procfile, make rehearse, make fuzz,
# boto3's own credentials for SAWT_STORAGE=s3).
_NOT_SETTINGS = {
    "DJANGO_SETTINGS_MODULE", "SAWT_PORT", "SAWT_BIND", "SAWT_WORKER_CONCURRENCY", "SAWT_IO_CONCURRENCY",
    "SAWT_REHEARSE_PORT", "SAWT_FUZZ_EXAMPLES", "SAWT_FUZZ_SCENARIOS", "SAWT_FUZZ_STEPS",
    "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
}


def test_each_environment_variable_is_read_once_and_listed_in_env_example():
    import re

    read = [
        name
        for path in sorted((ROOT / "sawt" / "settings").glob("*.py"))
        for name in re.findall(r'\benv\.[a-z_]+\(\s*"([A-Z0-9_]+)"', path.read_text())
    ]
    assert sorted(read) == sorted(set(read)), "read twice: " + ", ".join(n for n in set(read) if read.count(n) > 1)
    listed = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    assert set(read) == listed - _NOT_SETTINGS
