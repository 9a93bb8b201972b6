"""What the JSON session puts on the wire: aiogram's field rules, one JSON document."""

from __future__ import annotations

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.enums import ParseMode
from aiogram.methods import SendDocument, SendMessage
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup

from bot.session import JsonSession

TOKEN = "123456:TEST-token-0000000000000000000000000"


def make_bot() -> Bot:
    return Bot(TOKEN, session=JsonSession(),
               default=DefaultBotProperties(parse_mode=ParseMode.HTML))


def test_a_message_becomes_plain_json_values_with_defaults_filled_in() -> None:
    bot = make_bot()
    markup = InlineKeyboardMarkup(inline_keyboard=[[
        InlineKeyboardButton(text="Жұмыс 💼", callback_data="c:work"),
        InlineKeyboardButton(text="Сайт", url="https://example.org"),
    ]])
    method = SendMessage(chat_id=42, text="<b>Сәлем</b>", reply_markup=markup)
    payload = bot.session.build_json(bot, method)  # type: ignore[attr-defined]
    assert payload == {
        "chat_id": 42,
        "text": "<b>Сәлем</b>",
        "parse_mode": "HTML",
        "reply_markup": {"inline_keyboard": [[
            {"text": "Жұмыс 💼", "callback_data": "c:work"},
            {"text": "Сайт", "url": "https://example.org"},
        ]]},
    }


def test_an_explicit_none_parse_mode_is_not_sent() -> None:
    bot = make_bot()
    payload = bot.session.build_json(  # type: ignore[attr-defined]
        bot, SendMessage(chat_id=1, text="<b> stays text", parse_mode=None))
    assert payload == {"chat_id": 1, "text": "<b> stays text"}


def test_a_call_with_a_file_goes_back_to_the_multipart_form() -> None:
    bot = make_bot()
    upload = BufferedInputFile(b"a;b\n", filename="export.csv")
    payload = bot.session.build_json(  # type: ignore[attr-defined]
        bot, SendDocument(chat_id=1, document=upload, caption="CSV"))
    assert payload is None
