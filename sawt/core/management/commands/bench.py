import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sawt.core.bench import registry


class Command(BaseCommand):
    help = "Run a named benchmark; prints one JSON line last with its figures."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", nargs="?", help="benchmark name; omit to list them")
        parser.add_argument("--data", default=None, help="data folder with manifest.tsv")
        parser.add_argument("--quick", action="store_true", help="smaller inputs, for smoke runs")
        parser.add_argument("--url", default=None, help="base URL of a running server, where used")
        parser.add_argument("--seconds", type=float, default=None, help="duration, where used")
        parser.add_argument("--hours", type=float, default=None, help="recording length in hours, where used")
        parser.add_argument("--limit", type=int, default=None, help="how many items, where used")

    def handle(self, *args: Any, **options: Any) -> None:
        benchmarks = registry()
        name = options["name"]
        if not name:
            for key, (_, help_text) in sorted(benchmarks.items()):
                self.stdout.write(f"{key}: {help_text}")
            return
        if name not in benchmarks:
            raise CommandError(f"unknown benchmark {name!r}; known: {', '.join(sorted(benchmarks))}")
        func, _ = benchmarks[name]
        from django.conf import settings

        if options["data"] is None:
            options["data"] = settings.SAWT_TEST_DATA
        if settings.REDIS_IS_EMBEDDED and not options["url"]:
            from sawt.core.embedded_redis import ensure_running

            ensure_running()  # sockets, caches and queues need Redis even outside `make run`
        result = func(options)
        self.stdout.write(json.dumps({"bench": name, **result}, default=str))
