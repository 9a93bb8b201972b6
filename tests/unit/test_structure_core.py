"""The layout rules of issue #16 for the core modules (menu, answers, admin, users, reports).

Handlers and middlewares reach data only through services; SQL lives in `bot/db/`; the form
state's key format lives only in the FSM storage; one clock; screens live in `bot/views/`.
Scoped to the modules the core slice owns; the tree-wide versions come after the merge.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parents[2] / "bot"
HANDLERS = [
    "handlers/start.py",
    "handlers/menu.py",
    "handlers/answers.py",
    "handlers/admin.py",
    "handlers/common.py",
    "handlers/errors.py",
]
EDGE = [*HANDLERS, "middlewares.py", "filters.py"]
SERVICES = [
    "services/answers.py",
    "services/reports.py",
    "services/housekeeping.py",
    "services/crisis.py",
    "services/followups.py",
    "services/users.py",
    "services/feedback.py",
]
VIEWS = ["views/common.py", "views/menu.py", "views/answers.py", "views/admin.py"]
DB = ["db/users.py", "db/questions.py", "db/reports.py", "db/database.py", "db/fsm_storage.py"]
# Reaching the database: a repository's connection, SQL, or the writer's turn.
DATA_ACCESS = {
    "conn",
    "execute",
    "execute_fetchall",
    "fetch_one",
    "fetch_all",
    "statement",
    "transaction",
}
SQL = re.compile(
    r"\b(SELECT\b.+\bFROM|INSERT\s+INTO|UPDATE\b.+\bSET|DELETE\s+FROM)\b", re.IGNORECASE | re.DOTALL
)
TIME_CALLS = {"now", "utcnow", "strftime", "strptime", "fromisoformat", "astimezone"}


def tree(relative: str) -> ast.Module:
    return ast.parse((BOT / relative).read_text(encoding="utf-8"), relative)


def imports(module: ast.Module) -> list[tuple[str, str]]:
    """(module, name) for every `from … import …`, and (module, "") for `import …`."""
    found: list[tuple[str, str]] = []
    for node in ast.walk(module):
        if isinstance(node, ast.ImportFrom) and node.module:
            found += [(node.module, alias.name) for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [(alias.name, "") for alias in node.names]
    return found


def strings(module: ast.Module) -> list[str]:
    return [
        node.value
        for node in ast.walk(module)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]


@pytest.mark.parametrize("relative", EDGE)
def test_handlers_and_middlewares_use_no_repository(relative: str) -> None:
    """Types (`Database`, `User`) may be named; a repository (a class over a connection) may
    not: every read and write goes through a service."""
    for module, name in imports(tree(relative)):
        if not module.startswith("bot.db") or not name:
            continue
        obj = getattr(importlib.import_module(module), name)
        takes_conn = inspect.isclass(obj) and "conn" in inspect.signature(obj).parameters
        assert not takes_conn, f"{relative} imports the repository {module}.{name}"


@pytest.mark.parametrize("relative", EDGE)
def test_handlers_and_middlewares_touch_no_connection(relative: str) -> None:
    used = {node.attr for node in ast.walk(tree(relative)) if isinstance(node, ast.Attribute)}
    assert not used & DATA_ACCESS, f"{relative} reaches the database: {used & DATA_ACCESS}"


@pytest.mark.parametrize("relative", [*EDGE, *SERVICES, *VIEWS])
def test_sql_lives_only_in_db(relative: str) -> None:
    found = [s for s in strings(tree(relative)) if SQL.search(s)]
    assert not found, f"{relative} holds SQL: {found}"


def test_the_form_state_table_is_named_only_by_the_fsm_storage() -> None:
    """`/forget` asks the storage to delete a user's rows; nobody else knows its key format."""
    naming = sorted(
        str(path.relative_to(BOT))
        for path in BOT.rglob("*.py")
        if "fsm_state" in path.read_text(encoding="utf-8")
    )
    assert naming == ["db/fsm_storage.py"]


@pytest.mark.parametrize("relative", [*SERVICES, *DB, "middlewares.py", *HANDLERS, *VIEWS])
def test_time_is_read_and_written_through_the_clock(relative: str) -> None:
    """No module of the core reads the time or formats a moment itself: `bot.clock` does."""
    calls = [
        node.func.attr
        for node in ast.walk(tree(relative))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in TIME_CALLS
        and not (isinstance(node.func.value, ast.Name) and node.func.value.id == "clock")
    ]
    assert not calls, f"{relative} handles time itself: {calls}"
    assert ("datetime", "timezone") not in imports(tree(relative))


@pytest.mark.parametrize("relative", HANDLERS)
def test_handlers_take_their_screens_from_views(relative: str) -> None:
    """Keyboards and renderers of the core screens are in `bot/views/`, not beside handlers."""
    modules = {module for module, _ in imports(tree(relative))}
    assert not modules & {"bot.keyboards", "bot.cards"}, relative
    assert not (BOT / "cards.py").exists()


@pytest.mark.parametrize("relative", [*SERVICES, *VIEWS[:1]])
def test_services_and_shared_view_helpers_import_no_aiogram(relative: str) -> None:
    modules = [module for module, _ in imports(tree(relative))]
    assert not [m for m in modules if m.split(".")[0] == "aiogram"], relative
