"""`python -m bot chat`: the real dispatcher and handlers, talking to a terminal.

The bot's API calls go to the in-memory `TelegramEmulator` through `TerminalSession`, with
the same validation the tests' fake server applies; what the user types becomes updates
fed to the dispatcher. Nothing needs a token or the network.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
from collections.abc import AsyncGenerator, Callable
from typing import Any, TextIO

from aiogram import Bot, Dispatcher
from aiogram.client.session.base import BaseSession
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import Update

from bot.sandbox.emulator import SentMessage, TelegramEmulator

TERMINAL_TOKEN = "42:terminal-chat-needs-no-real-token-00000"  # shaped like a token, never used
CHAT_ID = 100500
# `chat --admin`: the operators' group, emulated like everything else and shown in the
# terminal, so registration posts and tickets can be seen and their buttons pressed.
OPERATORS_CHAT_ID = -100500
WATCH_EVERY = 0.3  # seconds: how often messages sent in the background are looked for


class EmulatorSession(BaseSession):
    """A session that answers API calls from the in-memory emulator instead of HTTP."""

    def __init__(self, emulator: TelegramEmulator) -> None:
        super().__init__()
        self.emulator = emulator

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,  # noqa: ASYNC109 - aiogram's signature
    ) -> TelegramType:
        files: dict[str, Any] = {}
        params = {}
        for key, value in method.model_dump(warnings=False).items():
            prepared = self.prepare_value(value, bot=bot, files=files)
            if prepared is not None:
                params[key] = prepared
        if files:
            params["_files"] = {
                key: (file.filename or key, b"".join([c async for c in file.read(bot)]))
                for key, file in files.items()
            }
        status, body = self.emulator.handle(method.__api_method__, params)
        response = self.check_response(bot, method, status, json.dumps(body))
        return response.result  # type: ignore[return-value]

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,  # noqa: ASYNC109 - aiogram's signature
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        yield b""

    async def close(self) -> None:
        return None


def render(message: SentMessage, number_from: int) -> tuple[str, list[str]]:
    """A bot message as terminal text, buttons numbered from `number_from`."""
    lines = [message.text]
    buttons: list[str] = []
    for row in message.buttons:
        cells = []
        for button in row:
            if button.callback_data is None:
                cells.append(f"[{button.text} → {button.url}]")
                continue
            buttons.append(button.callback_data)
            cells.append(f"[{number_from + len(buttons) - 1}] {button.text}")
        lines.append("   ".join(cells))
    if message.reply_keyboard:
        lines.append("keyboard: " + " | ".join(" ".join(r) for r in message.reply_keyboard))
    return "\n".join(lines), buttons


class TerminalChat:
    """Runs one private chat between the terminal user and the dispatcher, and shows the
    operators' group too when there is one (`chat --admin`)."""

    def __init__(
        self,
        dp: Dispatcher,
        emulator: TelegramEmulator,
        bot: Bot,
        out: TextIO = sys.stdout,
        language_code: str | None = None,
        operators_chat: int | None = None,
    ) -> None:
        self.dp, self.emulator, self.bot, self.out = dp, emulator, bot, out
        emulator.add_chat(CHAT_ID, "Terminal", username="terminal", language_code=language_code)
        self.chats = [CHAT_ID]
        self.operators_chat = operators_chat
        if operators_chat is not None:
            emulator.add_chat(operators_chat, "Operators", type="supergroup")
            self.chats.append(operators_chat)
        self.buttons: dict[int, tuple[int, int, str]] = {}  # number → chat, message, data
        self._printed: dict[tuple[int, int], str] = {}

    async def feed(self, update: dict[str, Any]) -> None:
        self.emulator.updates.clear()
        parsed = Update.model_validate(update, context={"bot": self.bot})
        await self.dp.feed_update(self.bot, parsed)
        self._print_changes()

    async def say(self, line: str) -> None:
        """A typed line: a number presses a button of the last screen, anything else is text."""
        line = line.strip()
        # isdecimal, not isdigit: "²" is a digit that int() refuses.
        if line.isdecimal() and int(line) in self.buttons:
            chat_id, message_id, data = self.buttons[int(line)]
            update = self.emulator.user_presses(chat_id, message_id, data, from_id=CHAT_ID)
            await self.feed(update)
            answer = self.emulator.answered_callbacks.get(update["callback_query"]["id"], {})
            if answer.get("text"):
                self.out.write(f"   (popup) {answer['text']}\n")
        elif line.startswith(">") and self.operators_chat is not None:
            await self._reply_in_operators_chat(line[1:].strip())
        elif line:
            await self.feed(self.emulator.user_sends(CHAT_ID, line))

    async def _reply_in_operators_chat(self, text: str) -> None:
        """`> text`: the terminal user, as an operator, replies to the newest message the
        bot posted in the operators' chat (a ticket or a follow-up), as operators answer."""
        assert self.operators_chat is not None
        posts = self.emulator.bot_messages(self.operators_chat)
        if not posts or not text:
            self.out.write("   (nothing in the operators' chat to reply to)\n")
            return
        await self.feed(
            self.emulator.user_sends(
                self.operators_chat, text, from_id=CHAT_ID, reply_to=posts[-1].message_id
            )
        )

    def _print_changes(self) -> None:
        """Print bot messages that are new or were edited; their buttons get the numbers."""
        changed = []
        for chat_id in self.chats:
            for message in self.emulator.bot_messages(chat_id):
                text, _ = render(message, 0)
                key = (chat_id, message.message_id)
                if self._printed.get(key) != text:
                    changed.append((message, key in self._printed))
                    self._printed[key] = text
        if not changed:
            return
        self.buttons.clear()
        number = 1
        for message, edited in changed:
            text, datas = render(message, number)
            for data in datas:
                self.buttons[number] = (message.chat_id, message.message_id, data)
                number += 1
            where = "👥 [operators] " if message.chat_id != CHAT_ID else ""
            self.out.write(f"\n🤖 {where}{'✎ ' if edited else ''}{text}\n")
        self.out.flush()

    async def watch(self) -> None:
        """Show what background tasks send (announcements, posts to the operators' chat)
        without waiting for the next typed line."""
        while True:
            await asyncio.sleep(WATCH_EVERY)
            self._print_changes()


async def run_chat(
    dp: Dispatcher,
    emulator: TelegramEmulator,
    bot: Bot,
    read_line: Callable[[str], str] = input,
    *,
    out: TextIO = sys.stdout,
    operators_chat: int | None = None,
) -> None:
    """The interactive loop; `/quit` or Ctrl-D ends it."""
    chat = TerminalChat(dp, emulator, bot, out=out, operators_chat=operators_chat)
    out.write(
        "Jastar bot — terminal chat. Type a message, a number to press a button, /quit to leave.\n"
    )
    if operators_chat is not None:
        out.write(
            "You are an admin here; messages marked 👥 are in the operators' chat, "
            "and their buttons are pressed as a member of it; type > and a text to "
            "reply there to its newest message (a ticket).\n"
        )
    await dp.emit_startup(bot=bot, **dp.workflow_data)
    watcher = asyncio.create_task(chat.watch(), name="terminal-watch")
    try:
        await chat.say("/start")
        loop = asyncio.get_running_loop()
        while True:
            try:
                line = await loop.run_in_executor(None, read_line, "\n👤 ")
            except (EOFError, KeyboardInterrupt):
                break
            if line.strip() in ("/quit", "/exit"):
                break
            await chat.say(line)
    finally:
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher
        await dp.emit_shutdown(bot=bot, **dp.workflow_data)
        chat._print_changes()
