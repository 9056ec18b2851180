"""Import boundaries (STYLE): the core never imports the API or web frameworks, and the pure
core modules import no persistence or spreadsheet libraries."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parents[2] / "chainmap"
NEVER_IN_CHAINMAP = ("api", "fastapi", "starlette", "uvicorn")
PURE = [
    "domain.py",
    "chains.py",
    "gaps.py",
    "strength.py",
    "errors.py",
    "freshness.py",
    "credit_code.py",
    "matching",
    "pipeline",
    "carriers",
    "auth",
    "demo.py",
    "demo_carriers.py",
]
NEVER_IN_PURE = (
    "sqlalchemy",
    "alembic",
    "openpyxl",
    "typer",
    "chainmap.store",
    "chainmap.settings",
)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _files(entries: list[str]) -> list[Path]:
    out: list[Path] = []
    for e in entries:
        p = CORE / e
        out.extend(sorted(p.rglob("*.py")) if p.is_dir() else [p] if p.exists() else [])
    return out


def _hits(names: set[str], banned: tuple[str, ...]) -> list[str]:
    return sorted(n for n in names for b in banned if n == b or n.startswith(b + "."))


@pytest.mark.parametrize("path", sorted(CORE.rglob("*.py")), ids=lambda p: str(p.relative_to(CORE)))
def test_chainmap_never_imports_the_api(path: Path) -> None:
    assert not _hits(_imports(path), NEVER_IN_CHAINMAP)


@pytest.mark.parametrize("path", _files(PURE), ids=lambda p: str(p.relative_to(CORE)))
def test_pure_core_imports_no_adapters(path: Path) -> None:
    assert not _hits(_imports(path), NEVER_IN_PURE)
