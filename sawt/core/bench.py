"""The benchmark registry behind `python manage.py bench <name>`.

Each app registers its benchmarks in a `benchmarks.py` module; a benchmark takes the parsed options
and returns a dict of named figures, which the command prints as one JSON line, last.
"""

from collections.abc import Callable
from typing import Any

Benchmark = Callable[[dict[str, Any]], dict[str, Any]]
_registry: dict[str, tuple[Benchmark, str]] = {}


def register(name: str, help: str = "") -> Callable[[Benchmark], Benchmark]:
    def decorator(func: Benchmark) -> Benchmark:
        _registry[name] = (func, help or (func.__doc__ or "").strip().split("\n")[0])
        return func

    return decorator


def registry() -> dict[str, tuple[Benchmark, str]]:
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("benchmarks")
    return dict(_registry)
