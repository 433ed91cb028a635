"""The search wing's edges: its bit index is reached through one selector, its text comes from smartstadt.text."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
WING = ROOT / "smartstadt" / "search"


def imported_modules(path: Path) -> set[str]:
    """The modules a file imports, absolute (relative imports resolved against its package)."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(part for part in (base, node.module or "") if part)
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def test_only_the_search_wing_imports_its_bit_index():
    sources = [*(ROOT / "smartstadt").rglob("*.py"), *(ROOT / "bench").rglob("*.py")]
    offenders = [
        str(path.relative_to(ROOT))
        for path in sources
        if WING not in path.parents and "smartstadt.search.facets" in imported_modules(path)
    ]
    assert offenders == [], "outside the search wing use smartstadt.search.selectors.published_index()"
