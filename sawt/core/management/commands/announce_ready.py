"""`make run`'s last word: waits until /health says every process is ready (the workers answer, the models
are loaded), then prints one short block under the start-up banners, and stays up (honcho stops every
process when one ends)."""

import json
import signal
import time
import urllib.request
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

WAIT_SECONDS = 600


def ready_block(base_url: str, status: str, demo: bool) -> str:
    login = " — log in as demo / demo-sawt" if demo else ""
    lines = ["", "=" * 72, f"  Sawt is ready at {base_url}{login}; e-mail is printed here"]
    if status != "ok":
        lines.append(f"  (/health says {status}: see {base_url}health)")
    lines += ["=" * 72, ""]
    return "\n".join(lines)


def health_status(url: str) -> str | None:
    """/health's status, or None while the web process does not answer."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (our own local address)
            return str(json.load(response)["status"])
    except Exception:
        return None


class Command(BaseCommand):
    help = "Wait for every process to be ready, print where Sawt is and how to log in, then wait."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--once", action="store_true", help="Exit after printing (tests).")
        parser.add_argument("--wait", type=float, default=WAIT_SECONDS)

    def handle(self, *args: Any, **options: Any) -> None:
        base_url = f"http://127.0.0.1:{options['port']}/"
        deadline = time.monotonic() + options["wait"]
        status = None
        while time.monotonic() < deadline:
            status = health_status(base_url + "health")
            if status is not None and status != "starting":
                break
            time.sleep(2)
        if status is None:
            self.stderr.write(f"Sawt did not answer at {base_url} within {options['wait']:.0f}s.")
        else:
            self.stdout.write(self.style.SUCCESS(ready_block(base_url, status, demo=settings.DEBUG)))
        self.stdout.flush()
        if not options["once"]:
            while True:
                signal.pause()
