"""The HTTP session to the Bot API: calls go out as one JSON body, not as a form.

aiogram's `AiohttpSession` sends every call as `multipart/form-data`-style fields, each
nested object (a keyboard, say) JSON-encoded on its own and then URL-quoted a byte at a
time. Telegram accepts `application/json` bodies as well, so calls without a file are sent
as one `orjson` document; calls that upload a file keep aiogram's multipart form. Answers
are decoded with `orjson` too. Under `bench/load.py` this took about a tenth off the echo
bot's time per update (one call each).

An answer is classified by its HTTP status before its body is read: when Telegram's gateway
(nginx) answers 5xx itself, the body is an HTML page, and aiogram would raise a decode error
that no retry policy knows. Any 5xx becomes `ServerError`, which keeps the status: 502 and
503 mean the call never reached the Bot API, 500 and 504 that it may have been done
(`bot/transport/retry.py` decides what that allows).
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any, cast

import orjson
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import PRODUCTION, TelegramAPIServer
from aiogram.exceptions import TelegramNetworkError, TelegramServerError
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType
from aiohttp import ClientError, ClientTimeout

JSON_HEADERS = {"Content-Type": "application/json"}


class ServerError(TelegramServerError):
    """A 5xx answer, from the Bot API (JSON) or from the gateway in front of it (an HTML page);
    `status` says which kind of failure it was."""

    def __init__(self, method: TelegramMethod[Any], status: int, message: str, page: bool) -> None:
        super().__init__(method=method, message=message)
        self.status = status
        self.page = page  # True: not the Bot API's JSON (nginx answered itself)


def server_error(method: TelegramMethod[Any], status: int, content: Any) -> ServerError:
    """The error for a 5xx answer, whatever its body: the Bot API's description when the body
    is its JSON, else the status and its phrase."""
    try:
        data = orjson.loads(content)
    except orjson.JSONDecodeError:
        data = None
    if isinstance(data, dict) and isinstance(data.get("description"), str):
        return ServerError(method, status, data["description"], page=False)
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Server Error"
    return ServerError(
        method,
        status,
        f"{status} {phrase} (a page from Telegram's gateway, not the Bot API's answer)",
        page=True,
    )


def _dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


class JsonSession(AiohttpSession):
    """`AiohttpSession` that posts JSON bodies and decodes answers with orjson."""

    def __init__(self, api: TelegramAPIServer = PRODUCTION, **kwargs: Any) -> None:
        super().__init__(api=api, json_loads=orjson.loads, json_dumps=_dumps, **kwargs)

    def check_response(
        self, bot: Bot, method: TelegramMethod[TelegramType], status_code: int, content: str
    ) -> Response[TelegramType]:
        """aiogram's checks, after the status: a 5xx is a server error whatever the body."""
        if status_code >= HTTPStatus.INTERNAL_SERVER_ERROR:
            raise server_error(method, status_code, content)
        return super().check_response(bot, method, status_code, content)

    def build_json(self, bot: Bot, method: TelegramMethod[Any]) -> dict[str, Any] | None:
        """The call's fields as JSON values, or None if it uploads a file (multipart then).

        aiogram's own rules apply: defaults (parse mode) are filled in, enums become their
        values and dates timestamps; fields left unset (None or empty text) are not sent.
        """
        files: dict[str, Any] = {}
        payload: dict[str, Any] = {}
        for key, value in method.model_dump(warnings=False).items():
            value = self.prepare_value(value, bot=bot, files=files, _dumps_json=False)
            if value is None or value == "":
                continue
            payload[key] = value
        return None if files else payload

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,  # noqa: ASYNC109 - aiogram's signature
    ) -> TelegramType:
        payload = self.build_json(bot, method)
        if payload is None:
            return await super().make_request(bot, method, timeout)
        session = await self.create_session()
        url = self.api.api_url(token=bot.token, method=method.__api_method__)
        try:
            async with session.post(
                url,
                data=orjson.dumps(payload),
                headers=JSON_HEADERS,
                timeout=ClientTimeout(total=self.timeout if timeout is None else timeout),
            ) as resp:
                raw = await resp.read()
        except TimeoutError as exc:
            raise TelegramNetworkError(method=method, message="Request timeout error") from exc
        except ClientError as exc:
            raise TelegramNetworkError(
                method=method, message=f"{type(exc).__name__}: {exc}"
            ) from exc
        response = self.check_response(
            bot=bot, method=method, status_code=resp.status, content=cast(str, raw)
        )
        return cast(TelegramType, response.result)
