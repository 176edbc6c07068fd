"""A real daphne server in a subprocess, for the stream bench and the over-the-wire tests.

In-process test servers cannot serve WebSockets the way a deployment does; this runs the same
ASGI application under daphne on a free local port, against a database the caller names.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

REPO_ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class DaphneServer:
    def __init__(self, *, env: dict[str, str] | None = None, log_path: Path | None = None) -> None:
        self.port = free_port()
        self.env = {**os.environ, **(env or {})}
        self.log_path = log_path
        # Replaceable, for a test that runs daphne exactly as a Procfile line does.
        self.command = [
            sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(self.port), "sawt.asgi:application"
        ]
        self.process: subprocess.Popen[bytes] | None = None

    @classmethod
    def on_sqlite(cls, folder: Path, *, log_path: Path | None = None) -> DaphneServer:
        """A server for browser and socket tests: test settings, its own migrated SQLite file and media
        folder in `folder` (the test process can read both), static files from the finders."""
        server = cls(
            env={
                "DJANGO_SETTINGS_MODULE": "sawt.settings.test",
                "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
                "SAWT_MEDIA_ROOT": str(folder / "media"),
                "DJANGO_DEBUG": "true",  # static files from the finders, no collectstatic
            },
            log_path=log_path or folder / "daphne.log",
        )
        server.manage("migrate", "--noinput", "-v0")
        return server

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def manage(self, *args: str) -> str:
        """Run a management command against the server's database and settings."""
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=REPO_ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"manage.py {args[0]} failed: {done.stderr[-2000:]}")
        return done.stdout

    def start(self, timeout: float = 60.0) -> DaphneServer:
        log = open(self.log_path, "wb") if self.log_path else subprocess.DEVNULL  # noqa: SIM115 - lives with the process
        self.process = subprocess.Popen(
            self.command,
            cwd=REPO_ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"daphne exited with {self.process.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("daphne did not start listening in time")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def __enter__(self) -> DaphneServer:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()
