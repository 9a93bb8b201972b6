"""What the JSON session puts on the wire: aiogram's field rules, one JSON document."""

from __future__ import annotations

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.enums import ParseMode
from aiogram.exceptions import ClientDecodeError
from aiogram.methods import GetMe, SendDocument, SendMessage
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup

from bot.transport.session import JsonSession, ServerError
from tests.fake_api import gateway_page

TOKEN = "123456:TEST-token-0000000000000000000000000"


def make_bot() -> Bot:
    return Bot(
        TOKEN, session=JsonSession(), default=DefaultBotProperties(parse_mode=ParseMode.HTML)
    )


def test_a_message_becomes_plain_json_values_with_defaults_filled_in() -> None:
    bot = make_bot()
    markup = InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(text="Жұмыс 💼", callback_data="c:work"),
                InlineKeyboardButton(text="Сайт", url="https://example.org"),
            ]
        ]
    )
    method = SendMessage(chat_id=42, text="<b>Сәлем</b>", reply_markup=markup)
    payload = bot.session.build_json(bot, method)  # type: ignore[attr-defined]
    assert payload == {
        "chat_id": 42,
        "text": "<b>Сәлем</b>",
        "parse_mode": "HTML",
        "reply_markup": {
            "inline_keyboard": [
                [
                    {"text": "Жұмыс 💼", "callback_data": "c:work"},
                    {"text": "Сайт", "url": "https://example.org"},
                ]
            ]
        },
    }


def test_an_explicit_none_parse_mode_is_not_sent() -> None:
    bot = make_bot()
    payload = bot.session.build_json(  # type: ignore[attr-defined]
        bot, SendMessage(chat_id=1, text="<b> stays text", parse_mode=None)
    )
    assert payload == {"chat_id": 1, "text": "<b> stays text"}


def test_a_call_with_a_file_goes_back_to_the_multipart_form() -> None:
    bot = make_bot()
    upload = BufferedInputFile(b"a;b\n", filename="export.csv")
    payload = bot.session.build_json(  # type: ignore[attr-defined]
        bot, SendDocument(chat_id=1, document=upload, caption="CSV")
    )
    assert payload is None


@pytest.mark.parametrize(
    ("status", "reason"),
    [(502, "Bad Gateway"), (504, "Gateway Time-out"), (500, "Internal Server Error")],
)
def test_a_gateway_page_is_a_server_error_with_its_status(status: int, reason: str) -> None:
    bot = make_bot()
    page = gateway_page(status, reason)
    with pytest.raises(ServerError) as err:
        bot.session.check_response(bot, GetMe(), status, page)
    assert err.value.status == status and err.value.page
    assert str(status) in err.value.message and "<html>" not in err.value.message


def test_a_bot_api_5xx_keeps_its_description() -> None:
    bot = make_bot()
    body = '{"ok": false, "error_code": 500, "description": "Internal Server Error: x"}'
    with pytest.raises(ServerError) as err:
        bot.session.check_response(bot, GetMe(), 500, body)
    assert err.value.message == "Internal Server Error: x" and not err.value.page


def test_an_unreadable_answer_below_500_is_still_a_decode_error() -> None:
    bot = make_bot()
    with pytest.raises(ClientDecodeError):
        bot.session.check_response(bot, GetMe(), 404, gateway_page(404, "Not Found"))
