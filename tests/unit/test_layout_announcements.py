"""The announcements and hand-off slice keeps the layout of issue #16: handlers reach data
only through services, each screen's callback data, keyboards and texts live in its view
module, the services hold no aiogram, and the broadcast worker sits in `bot/workers/`.

Scoped to these modules; the tree-wide rules are checked elsewhere."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
import pkgutil
import re
from pathlib import Path

import pytest
from aiogram.filters.callback_data import CallbackData

import bot.db

ROOT = Path(__file__).resolve().parents[2]
HANDLERS = ("bot/handlers/announcements.py", "bot/handlers/handoff.py")
SERVICES = ("bot/services/broadcasts.py", "bot/services/handoff.py", "bot/services/operators.py")
# The database's own doors: a handler that touches one of these is doing a service's job.
DATA_ACCESS = {
    "transaction",
    "conn",
    "execute",
    "execute_fetchall",
    "executemany",
    "executescript",
    "commit",
    "rollback",
}
SQL = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE|REPLACE)\b.*\b(FROM|INTO|SET|WHERE)\b", re.S)
KEYBOARD_BUILDERS = {"InlineKeyboardButton", "InlineKeyboardMarkup", "InlineKeyboardBuilder"}


def _tree(path: str) -> ast.Module:
    return ast.parse((ROOT / path).read_text(encoding="utf-8"), filename=path)


def _repositories() -> set[str]:
    """Classes in `bot.db` built on a connection (`Users(conn)`, `Broadcasts(conn)`, …)."""
    names = set()
    for info in pkgutil.iter_modules(bot.db.__path__, "bot.db."):
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if (
                inspect.isclass(obj)
                and obj.__module__ == module.__name__
                and "conn" in inspect.signature(obj.__init__).parameters
            ):
                names.add(name)
    return names


def _called_names(tree: ast.Module) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            names.add(
                func.id
                if isinstance(func, ast.Name)
                else func.attr
                if isinstance(func, ast.Attribute)
                else ""
            )
    return names


def _imported(tree: ast.Module) -> set[str]:
    """Every module and name the file imports, dotted (`aiogram.types.Message`)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
    return found


def test_the_repositories_are_found() -> None:
    """The check below is only as good as this list."""
    assert {"Broadcasts", "Tickets", "Users", "Owners", "Questions"} <= _repositories()


@pytest.mark.parametrize("path", HANDLERS)
def test_handlers_reach_data_only_through_services(path: str) -> None:
    tree = _tree(path)
    repositories = _repositories()
    imported = {name.rsplit(".", 1)[-1] for name in _imported(tree)}
    assert not imported & repositories, f"{path} imports a repository"
    assert not _called_names(tree) & repositories, f"{path} constructs a repository"
    touched = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    assert not touched & DATA_ACCESS, f"{path} uses {touched & DATA_ACCESS}"
    strings = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]
    assert not [s for s in strings if SQL.search(s)], f"{path} holds SQL"


@pytest.mark.parametrize("path", HANDLERS)
def test_handlers_build_no_keyboards_and_define_no_callback_data(path: str) -> None:
    tree = _tree(path)
    assert not _called_names(tree) & KEYBOARD_BUILDERS, f"{path} builds a keyboard"
    module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
    own = [
        name
        for name, obj in vars(module).items()
        if inspect.isclass(obj)
        and issubclass(obj, CallbackData)
        and obj.__module__ == module.__name__
    ]
    assert not own, f"{path} defines callback data {own}"


def test_each_screens_callback_data_lives_in_its_view() -> None:
    from bot.handlers import announcements, handoff

    assert announcements.BroadcastCD.__module__ == "bot.views.announcements"
    assert announcements.SubscriptionCD.__module__ == "bot.views.announcements"
    assert handoff.TicketCD.__module__ == "bot.views.handoff"
    # The old shared keyboards module is gone: every screen's keyboards live in its view.
    assert importlib.util.find_spec("bot.keyboards") is None


@pytest.mark.parametrize("path", SERVICES)
def test_services_import_no_aiogram(path: str) -> None:
    found = [name for name in _imported(_tree(path)) if name.split(".")[0] == "aiogram"]
    assert not found, f"{path} imports {found}"


def test_the_broadcast_worker_is_a_worker() -> None:
    from bot.workers.broadcasts import Broadcaster

    assert Broadcaster.__module__ == "bot.workers.broadcasts"
    assert importlib.util.find_spec("bot.services.broadcast_worker") is None
    assert importlib.util.find_spec("bot.broadcast_views") is None
