"""The tree-wide layout rules of issue 16, checked on the source (each slice has its own, finer
tests beside this): services know nothing of Telegram; handlers and middlewares reach the
database only through services; SQL lives in bot/db/."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parents[2] / "bot"
SERVICES = sorted((BOT / "services").glob("*.py"))
FRONT = sorted([*(BOT / "handlers").glob("*.py"), BOT / "middlewares.py", BOT / "filters.py"])
SQL = re.compile(r"\b(SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM|CREATE TABLE)\b")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _repositories() -> set[str]:
    """Every class in bot/db/ built over a connection (`__init__(self, conn, …)`)."""
    found: set[str] = set()
    for path in (BOT / "db").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ClassDef):
                for item in node.body:
                    if (
                        isinstance(item, ast.FunctionDef)
                        and item.name == "__init__"
                        and [a.arg for a in item.args.args[1:2]] == ["conn"]
                    ):
                        found.add(node.name)
    return found


@pytest.mark.parametrize("path", SERVICES, ids=lambda p: p.name)
def test_services_import_no_aiogram(path: Path) -> None:
    assert not [m for m in _imports(path) if m.split(".")[0] == "aiogram"]


@pytest.mark.parametrize("path", FRONT, ids=lambda p: p.name)
def test_handlers_and_middlewares_use_no_repository_and_no_sql(path: Path) -> None:
    source = path.read_text("utf-8")
    used = {n.id for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Name)}
    assert not used & _repositories(), used & _repositories()
    assert not re.search(r"\.(transaction|statement|execute|executemany)\(|\.conn\b", source)
    assert not SQL.search(source)


def test_sql_lives_only_in_db() -> None:
    outside = [
        p.relative_to(BOT).as_posix()
        for p in BOT.rglob("*.py")
        if "db" not in p.relative_to(BOT).parts[:1]
        and p.name != "__main__.py"
        and SQL.search(p.read_text("utf-8"))
    ]
    assert outside == []


def test_the_repository_scan_finds_repositories() -> None:
    assert {"Users", "Registrations", "Tickets", "Broadcasts", "Questions"} <= _repositories()
