"""Where the registration code lives: handlers reach data only through services, the
poster is a worker, the constants have one home. Scoped to the registration modules; the
tree-wide rules are checked elsewhere."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import bot.db
from bot import choices

ROOT = Path(__file__).resolve().parents[2]
HANDLERS = ("bot/handlers/registration.py", "bot/handlers/registration_admin.py")
CALLERS = (*HANDLERS, "bot/workers/registration_poster.py", "bot/__main__.py")
SERVICES = (
    "bot/services/registrations.py",
    "bot/services/form_fields.py",
    "bot/services/export.py",
    "bot/choices.py",
)


def repositories() -> set[str]:
    """The classes of bot/db that wrap a connection (constructed with `conn`)."""
    names = set()
    for info in pkgutil.iter_modules(bot.db.__path__):
        module = importlib.import_module(f"bot.db.{info.name}")
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module.__name__ or issubclass(cls, BaseException):
                continue
            if "conn" in inspect.signature(cls.__init__).parameters:
                names.add(name)
    return names


def tree(path: str) -> ast.Module:
    return ast.parse((ROOT / path).read_text(encoding="utf-8"))


def test_repositories_are_found() -> None:
    assert {"Registrations", "Users", "Owners", "Tickets"} <= repositories()


def test_registration_handlers_and_the_poster_use_no_repository_and_no_sql() -> None:
    repos = repositories()
    for path in CALLERS:
        for node in ast.walk(tree(path)):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("bot.db"):
                used = {alias.name for alias in node.names} & repos
                assert not used, f"{path} imports the repository {used}"
            if isinstance(node, ast.Attribute):
                assert node.attr not in {
                    "transaction",
                    "execute",
                    "conn",
                    "fetch_one",
                    "fetch_all",
                }, f"{path}:{node.lineno} reaches the db"


def test_registration_services_import_no_aiogram() -> None:
    for path in SERVICES:
        for node in ast.walk(tree(path)):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = (
                    [node.module or ""]
                    if isinstance(node, ast.ImportFrom)
                    else [alias.name for alias in node.names]
                )
                assert not any(n.split(".")[0] == "aiogram" for n in names), path


def test_the_registration_poster_is_a_worker() -> None:
    assert (ROOT / "bot/workers/registration_poster.py").is_file()
    assert not (ROOT / "bot/services/admin_posts.py").exists()
    assert not (ROOT / "bot/registration_views.py").exists()


def test_districts_occupations_and_statuses_are_defined_once() -> None:
    """Every module names them by importing bot.choices, none writes the tuple again."""
    literals = {
        choices.DISTRICTS,
        choices.OCCUPATIONS,
        choices.STATUSES,
        choices.ACTIVE_STATUSES,
        choices.ADMIN_STATUSES,
    }
    for path in (ROOT / "bot").rglob("*.py"):
        if path.name == "choices.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Tuple) and all(isinstance(e, ast.Constant) for e in node.elts):
                value = tuple(e.value for e in node.elts)  # type: ignore[attr-defined]
                assert value not in literals, f"{path}:{node.lineno} repeats {value}"
