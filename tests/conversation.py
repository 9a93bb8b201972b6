"""Drive the bot like a person: `await user.send("/start"); await user.click("Қазақша")`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.types import Update

from bot.config import Settings
from bot.sandbox.emulator import Button, SentMessage
from tests.fake_api import FaultyEmulator


@dataclass
class Harness:
    bot: Bot
    dp: Dispatcher
    api: FaultyEmulator
    settings: Settings

    def user(
        self,
        user_id: int,
        first_name: str = "Test",
        *,
        language_code: str | None = None,
        username: str | None = None,
    ) -> Conversation:
        self.api.add_chat(user_id, first_name, username=username, language_code=language_code)
        return Conversation(self, user_id)

    def open_admin_chat(self, chat_id: int, admin_id: int, admin_name: str, pace: float) -> Harness:
        """The department's group and one admin in it; registration posts paced `pace` s
        apart (the settings must name `chat_id` as ADMIN_CHAT_ID)."""
        self.api.add_chat(chat_id, "Operators", type="supergroup")
        self.api.add_chat(admin_id, admin_name)
        self.api.join(chat_id, admin_id, status="administrator")
        self.dp["poster"].pace = pace
        return self

    async def feed(self, update: dict[str, Any]) -> None:
        """Hand one update to the real dispatcher; its API calls go over HTTP to the fake."""
        self.api.updates.clear()
        parsed = Update.model_validate(update, context={"bot": self.bot})
        await self.dp.feed_update(self.bot, parsed)


class Conversation:
    """One user's private chat with the bot."""

    def __init__(self, harness: Harness, user_id: int) -> None:
        self.h = harness
        self.id = user_id
        self._seen = 0

    @property
    def messages(self) -> list[SentMessage]:
        return self.h.api.bot_messages(self.id)

    @property
    def last(self) -> SentMessage:
        assert self.messages, "the bot has not sent anything"
        return self.messages[-1]

    @property
    def last_text(self) -> str:
        return self.last.text

    def new_messages(self) -> list[SentMessage]:
        """Messages sent since the previous call (edits show up in `last`, not here)."""
        messages = self.messages
        fresh = messages[self._seen :]
        self._seen = len(messages)
        return fresh

    async def start(self, language_button: str) -> None:
        """The opening every conversation shares: /start, then a language button."""
        await self.send("/start")
        await self.click(language_button)

    async def send(self, text: str | None = None, **extra: Any) -> None:
        self.new_messages()
        await self.h.feed(self.h.api.user_sends(self.id, text, **extra))

    def find_button(self, label: str) -> tuple[SentMessage, Button]:
        """The newest message with a button whose text contains `label`."""
        for message in reversed(self.messages):
            for row in message.buttons:
                for button in row:
                    if label in button.text:
                        return message, button
        shown = [b.text for m in self.messages[-3:] for r in m.buttons for b in r]
        raise AssertionError(f"no button {label!r}; recent buttons: {shown}")

    def buttons(self) -> list[str]:
        return [b.text for row in self.last.buttons for b in row]

    async def click(self, label: str) -> dict[str, Any]:
        """Press a button; returns what the bot answered to the callback (popup text…)."""
        message, button = self.find_button(label)
        assert button.callback_data is not None, f"{label!r} is a URL button"
        return await self.press(message.message_id, button.callback_data)

    async def press(self, message_id: int, data: str) -> dict[str, Any]:
        self.new_messages()
        update = self.h.api.user_presses(self.id, message_id, data)
        await self.h.feed(update)
        query_id = update["callback_query"]["id"]
        return self.h.api.answered_callbacks.get(query_id, {})
