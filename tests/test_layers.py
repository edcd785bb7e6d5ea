"""The arrows between layers run one way: handlers → bot → storage; only the composition root
(`bot/wiring/`, and `bot/__main__.py` which calls it) may import `handlers`. Every import is read
from the source (lazy imports inside functions too)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imports(path: Path) -> set[str]:
    """The top-level package names a module imports (relative imports resolved)."""
    package = path.relative_to(ROOT).parent.parts
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                names.add(".".join([*base, node.module or ""]).strip("."))
            else:
                names.add(node.module or "")
    return {name.split(".")[0] for name in names if name}


def modules(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def offenders(paths: list[Path], forbidden: set[str]) -> dict[str, set[str]]:
    found = {}
    for path in paths:
        bad = imports(path) & forbidden
        if bad:
            found[str(path.relative_to(ROOT))] = bad
    return found


def test_storage_imports_neither_bot_nor_handlers():
    assert offenders(modules("storage"), {"bot", "handlers", "telegram"}) == {}


def test_only_the_composition_root_imports_handlers():
    wiring = ROOT / "bot" / "wiring"
    outside = [p for p in modules("bot") if wiring not in p.parents and p.name != "__main__.py"]
    assert offenders(outside, {"handlers"}) == {}
    assert "handlers" in imports(wiring / "app.py")  # the root does assemble the layers


def test_services_never_import_telegram():
    assert offenders(modules("bot/services"), {"telegram"}) == {}


@pytest.mark.parametrize("folder", ["bot", "handlers", "storage"])
def test_nothing_imports_the_tests_or_the_benchmarks(folder):
    assert offenders(modules(folder), {"tests", "bench"}) == {}


def test_the_checker_sees_lazy_and_relative_imports():
    sample = ROOT / "bot" / "__main__.py"
    assert "handlers" in imports(sample)  # `from handlers.install import table` inside a function
    assert imports(ROOT / "tests" / "fakes" / "__init__.py") >= {"tests"}  # `from .harness …`
