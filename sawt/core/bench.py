"""The benchmark registries behind `python manage.py bench <name>`.

Each app registers its benchmarks in a `benchmarks.py` module, found the way the admin finds
`admin.py` (`autodiscover_modules`), so the platform names no product. A benchmark takes the parsed
options and returns a dict of named figures, which the command prints as one JSON line, last.

An app also registers there, with `@load_seed`, what `bench load` reads: a function that gives the
load user realistic rows and answers the API paths (GET, token-authenticated) that read them.
"""

from collections.abc import Callable
from typing import Any

from django.utils.module_loading import autodiscover_modules

Benchmark = Callable[[dict[str, Any]], dict[str, Any]]
LoadSeed = Callable[[Any], list[str]]  # (user) -> API paths to GET

_registry: dict[str, tuple[Benchmark, str]] = {}
_load_seeds: list[LoadSeed] = []


def register(name: str, help: str = "") -> Callable[[Benchmark], Benchmark]:
    def decorator(func: Benchmark) -> Benchmark:
        _registry[name] = (func, help or (func.__doc__ or "").strip().split("\n")[0])
        return func

    return decorator


def load_seed(seed: LoadSeed) -> LoadSeed:
    if seed not in _load_seeds:
        _load_seeds.append(seed)
    return seed


def registry() -> dict[str, tuple[Benchmark, str]]:
    autodiscover_modules("benchmarks")
    return dict(_registry)


def load_seeds() -> list[LoadSeed]:
    autodiscover_modules("benchmarks")
    return list(_load_seeds)
