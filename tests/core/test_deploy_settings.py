import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_it_passes_check_deploy_with_production_values():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sawt.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "sawt.example.com",
        "SAWT_ENCRYPTION_KEYS": base64.b64encode(os.urandom(32)).decode(),
        "SAWT_LOOKUP_HASH_KEY": secrets.token_urlsafe(32),
    }
    env.pop("DJANGO_DEBUG", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_it_refuses_to_start_in_production_without_a_secret_key():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "sawt.settings.production", "DJANGO_SECRET_KEY": ""}
    env.pop("DJANGO_DEBUG", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_a_process_with_a_database_pool_reuses_its_postgresql_connections():
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("the pool is PostgreSQL's (psycopg)")
    script = (
        "import django\n"
        "django.setup()\n"
        "from django.db import connection\n"
        "pids = []\n"
        "for _ in range(6):  # six requests, each closing its connection at the end\n"
        "    with connection.cursor() as cursor:\n"
        "        cursor.execute('SELECT pg_backend_pid()')\n"
        "        pids.append(cursor.fetchone()[0])\n"
        "    connection.close()\n"
        "print(len(set(pids)), connection.pool.max_size if connection.pool else 0)\n"
    )

    def run(pool_size: str) -> list[str]:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "sawt.settings.development", "DATABASE_POOL_MAX_SIZE": pool_size}
        result = subprocess.run(
            [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.split()

    assert run("0") == ["6", "0"]  # a new PostgreSQL connection per request
    distinct, size = run("3")
    assert int(distinct) <= 3 and size == "3"  # borrowed and given back: never more than the pool's size
