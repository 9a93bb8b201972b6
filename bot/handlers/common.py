"""Small helpers every feature's handlers share: showing a screen in place or anew."""

from __future__ import annotations

import contextlib

from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message


async def show(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Replace the pressed message with a new screen; send a new one if it cannot be edited.

    Editing keeps the chat short on a small phone. Telegram refuses to edit messages older
    than 48 hours and says "not modified" when the same button is pressed twice.
    """
    message = query.message
    if isinstance(message, Message):
        try:
            await message.edit_text(text, reply_markup=markup)
            return
        except TelegramBadRequest as exc:
            if "not modified" in exc.message:
                return
    if query.bot is not None:
        await query.bot.send_message(query.from_user.id, text, reply_markup=markup)


async def acknowledge(query: CallbackQuery, text: str | None = None) -> None:
    """Stop the button's spinner; a late answer (query expired) is not worth an error."""
    with contextlib.suppress(TelegramBadRequest):
        await query.answer(text)


async def send_chunks(
    message: Message, chunks: list[str], markup: InlineKeyboardMarkup | None = None
) -> None:
    """Send a long text as several messages, the keyboard under the last one."""
    for i, chunk in enumerate(chunks):
        await message.answer(chunk, reply_markup=markup if i == len(chunks) - 1 else None)
