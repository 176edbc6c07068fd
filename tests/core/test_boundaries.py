"""The platform (`sawt/`) never imports a product, and no runtime module imports the test support
(`sawt.testing`). Read from the source, so that the rules stay true as the code grows."""

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]
# The only platform modules that may name products: they wire the products in.
WIRING = {"sawt/urls.py", "sawt/routing.py", "sawt/asgi.py", "sawt/wsgi.py"}
WIRING_DIRS = ("sawt/settings/", "sawt/testing/")
DOTTED = re.compile(r"[a-z_][a-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")


def _products() -> set[str]:
    """Installed apps that are the repository's own top-level packages, outside the platform."""
    found = set()
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path.parent == ROOT and path.name != "sawt":
            found.add(config.name)
    return found


def _parse(source: str, filename: str = "<unknown>") -> ast.Module:
    """`ast.parse`, tried again on CPython 3.11's spurious "AST constructor recursion depth mismatch"
    SystemError (python/cpython#106905, fixed in later releases): the AST builder's depth counter is shared
    state, and a background thread left by an earlier test building an AST at the same moment can trip the
    check (which thread it was is not known). Once, in a fresh-clone CI run (2026-12-06), it failed this test
    on meetings/selectors.py, which parses."""
    for attempt in range(3):
        try:
            return ast.parse(source, filename=filename)
        except SystemError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _modules(*folders: str) -> Iterator[tuple[str, ast.Module]]:
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            yield relative, _parse(path.read_text(encoding="utf-8"), filename=relative)


def _references(tree: ast.Module) -> Iterator[tuple[int, str]]:
    """Every module an import names (at any depth, in functions too), and every string constant that
    reads as a dotted module or app label (`apps.get_model("music", ...)`, `import_module("music.x")`)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module
            for alias in node.names:
                yield node.lineno, f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and DOTTED.fullmatch(node.value):
            yield node.lineno, node.value


def _names(reference: str, package: str) -> bool:
    return reference == package or reference.startswith(package + ".")


def test_it_knows_the_products():
    assert _products() >= {"dictation", "meetings", "music", "voicebot"}


def test_the_platform_imports_no_product():
    products = _products()
    found = [
        f"{path}:{line} {reference}"
        for path, tree in _modules("sawt")
        if path not in WIRING and not path.startswith(WIRING_DIRS)
        for line, reference in _references(tree)
        if any(_names(reference, product) for product in products)
    ]
    assert found == [], "the platform names a product; register through sawt.core (backup, home, bench) instead"


def _may_use_test_support(path: str) -> bool:
    return (
        path.startswith(("tests/", "sawt/testing/"))
        or Path(path).name == "benchmarks.py"
        or path == "sawt/core/management/commands/bench.py"
    )


def test_no_runtime_module_imports_the_test_support():
    folders = ["sawt", *sorted(_products())]
    found = [
        f"{path}:{line} {reference}"
        for path, tree in _modules(*folders)
        if not _may_use_test_support(path)
        for line, reference in _references(tree)
        if _names(reference, "sawt.testing")
    ]
    assert found == [], "a runtime module imports sawt.testing; only tests, benchmarks and `bench` may"


def test_the_rules_catch_what_they_forbid():
    tree = _parse(
        "def f():\n"
        "    from music.models import Turn\n"
        "    import voicebot.services\n"
        "    apps.get_model('dictation', 'Item')\n"
        "    import_module('sawt.testing.fakeserver')\n"
    )
    references = [reference for _, reference in _references(tree)]
    assert "music.models" in references and "voicebot.services" in references
    assert "dictation" in references and "sawt.testing.fakeserver" in references
