"""Calls the features need that the conversation tests do not make on their own."""

from __future__ import annotations

from aiogram.types import BufferedInputFile

from tests.conversation import Harness


async def test_upload_and_copy_over_http(harness: Harness) -> None:
    api = harness.api
    api.add_chat(-100500, "Operators", type="supergroup")
    api.add_chat(42)
    sent = await harness.bot.send_document(
        -100500, BufferedInputFile("ә,б\n".encode(), filename="list.csv"), caption="<b>2</b>"
    )
    assert sent.document is not None and sent.document.file_name == "list.csv"
    assert api.bot_messages(-100500)[-1].upload == ("list.csv", "ә,б\n".encode())
    copied = await harness.bot.copy_message(42, -100500, sent.message_id)
    copy = api.find_message(42, copied.message_id)
    assert copy is not None and copy.kind == "document" and copy.text == "2"
