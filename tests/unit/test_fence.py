"""The fenced machinery stays fenced (issue 16): the Bot API transport in `bot/transport/`,
Telegram-without-Telegram in `bot/sandbox/`, dispatcher machinery out of `bot/db/`, no
test-only helper in the package, and the heap freeze in the factory's hands only."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BOT = ROOT / "bot"


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)} | {
        node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)
    }


def modules(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.py"))


def test_the_transport_and_the_sandbox_have_their_packages() -> None:
    transport = {p.stem for p in (BOT / "transport").glob("*.py")}
    assert {"session", "retry", "pacing", "webhook", "models", "html"} <= transport
    assert {p.stem for p in (BOT / "sandbox").glob("*.py")} >= {"emulator", "terminal"}
    for gone in ("session", "retry", "pacing", "webhook", "emulator", "terminal"):
        assert not (BOT / f"{gone}.py").exists(), gone


def test_only_the_chat_command_reaches_into_the_sandbox() -> None:
    for path in modules(BOT):
        if BOT / "sandbox" in path.parents or path == BOT / "__main__.py":
            continue
        reached = {m for m in imports(path) if m.startswith("bot.sandbox")}
        assert not reached, f"{path.relative_to(ROOT)} imports {reached}"


def test_the_transport_knows_no_screens() -> None:
    for path in modules(BOT / "transport"):
        reached = {
            m for m in imports(path) if m.startswith(("bot.handlers", "bot.views", "bot.sandbox"))
        }
        assert not reached, f"{path.relative_to(ROOT)} imports {reached}"


def test_no_event_isolation_in_the_database_package() -> None:
    for path in modules(BOT / "db"):
        assert "BaseEventIsolation" not in names(path), path.name


def test_test_only_helpers_live_in_tests() -> None:
    defined = {
        node.name
        for path in modules(BOT)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    }
    assert not defined & {"retry_middleware", "fail_next", "gateway_page_next", "gateway_page"}


def test_only_the_factory_freezes_the_heap() -> None:
    """`gc.freeze` and the refreeze after a reload are the factory's (`create_dispatcher`),
    not the command line's or a handler's."""
    for path in [BOT / "__main__.py", *modules(BOT / "handlers")]:
        used = names(path) | imports(path)
        assert not used & {"gc", "freeze_long_lived", "refreeze", "HeapFreezer"}, path.name
