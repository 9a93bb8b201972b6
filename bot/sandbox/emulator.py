"""An in-memory Telegram Bot API: enough of it to run the bot with no token and no network.

It serves the terminal chat (`python -m bot chat`, through `EmulatorSession`) and the tests
(wrapped in an aiohttp server on 127.0.0.1, `tests/fake_api.py`, which also injects failures:
API errors and the gateway's HTML pages). It takes requests as the real API does (method
name + form fields, complex values JSON-encoded) and refuses what Telegram refuses: texts over
4096 characters, callback data over 64 bytes, broken HTML, unknown chats, blocked users, and
(when limits are set) flood waits.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.formatting import utf16_len
from bot.transport.html import ApiError, parse_html

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
MAX_CALLBACK_ANSWER = 200

# Message fields that carry media (what a user may send instead of text).
MEDIA_FIELDS = {
    "photo",
    "document",
    "sticker",
    "voice",
    "video",
    "video_note",
    "audio",
    "animation",
    "location",
    "contact",
    "poll",
}
# A few of the emoji Telegram accepts as reactions.
REACTIONS = {"👍", "👎", "❤", "🔥", "👏", "🙏", "👌", "✍", "🤝", "👀"}
# Methods that put or change a message in a chat: what Telegram's global flood limit counts.
FLOOD_METHODS = ("send", "copy", "forward", "edit")


@dataclass
class Button:
    text: str
    callback_data: str | None = None
    url: str | None = None


@dataclass
class SentMessage:
    """A message in a chat as a user sees it (`text` is plain, `html` as sent)."""

    chat_id: int
    message_id: int
    text: str
    html: str | None
    from_bot: bool
    buttons: list[list[Button]] = field(default_factory=list)
    reply_keyboard: list[list[str]] | None = None
    kind: str = "text"
    edited: bool = False
    from_id: int | None = None  # who wrote it, when not the bot (groups have many people)
    reply_to: int | None = None  # message_id this one replies to
    media: dict[str, Any] | None = None  # {"photo": […]} or {"document": {…}} as in the API
    upload: tuple[str, bytes] | None = None  # (file name, bytes) of a file the bot uploaded
    reactions: list[dict[str, Any]] = field(default_factory=list)
    copied_from: tuple[int, int] | None = None  # (chat, message) of a copyMessage source


@dataclass
class Chat:
    id: int
    first_name: str
    username: str | None
    language_code: str | None
    type: str = "private"
    blocked: bool = False
    messages: list[SentMessage] = field(default_factory=list)
    pinned: list[int] = field(default_factory=list)  # message ids, the latest pin last
    # In a group: user id → member status ("member", "administrator", "creator", "left"…).
    members: dict[int, str] = field(default_factory=dict)

    def as_user(self) -> dict[str, Any]:
        user: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.username:
            user["username"] = self.username
        if self.language_code:
            user["language_code"] = self.language_code
        return user

    def as_chat(self) -> dict[str, Any]:
        chat: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.type == "private":
            chat["first_name"] = self.first_name
        else:
            chat["title"] = self.first_name
        return chat


class TelegramEmulator:
    """The state of a fake Telegram: chats, messages, pending updates and recorded calls."""

    BOT_ID = 7000000001

    def __init__(
        self,
        username: str = "jastar_test_bot",
        *,
        flood_limit: int | None = None,
        group_limit: int | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """`flood_limit`: at most that many message calls in any sliding second, as Telegram
        allows about 30 a second overall; more get 429 with `retry_after`. Off by default.
        `group_limit`: at most that many new messages a minute in one group (Telegram allows
        about 20); also off by default."""
        self.username = username
        self.flood_limit = flood_limit
        self.group_limit = group_limit
        self._group_windows: dict[int, deque[float]] = {}
        self.flood_refusals = 0
        self._clock = clock
        self._flood_window: deque[float] = deque()
        self.chats: dict[int, Chat] = {}
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.commands: dict[str, list[dict[str, str]]] = {}
        self.updates: deque[dict[str, Any]] = deque()
        self.answered_callbacks: dict[str, dict[str, Any]] = {}
        self._update_ids = itertools.count(1)
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._callback_ids = itertools.count(1)
        # Every refused call as (method, status, description): the tests' oracle for
        # "nothing the bot sent broke Telegram's rules".
        self.refused: list[tuple[str, int, str]] = []
        self.webhook: dict[str, Any] | None = None  # what setWebhook set

    # --- the world around the bot ---------------------------------------------------------

    def add_chat(
        self,
        chat_id: int,
        first_name: str = "Test",
        *,
        username: str | None = None,
        language_code: str | None = None,
        type: str = "private",
    ) -> Chat:
        chat = self.chats.get(chat_id)
        if chat is None:
            chat = Chat(chat_id, first_name, username, language_code, type)
            self.chats[chat_id] = chat
            self._message_ids[chat_id] = itertools.count(1)
        return chat

    def join(self, chat_id: int, *user_ids: int, status: str = "member") -> None:
        """Make users members of a group with `status` (what getChatMember reports)."""
        for user_id in user_ids:
            self.chats[chat_id].members[user_id] = status

    def user_sends(
        self,
        chat_id: int,
        text: str | None = None,
        *,
        from_id: int | None = None,
        reply_to: int | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        """Queue and return the update for a message the user types (or a contact, sticker…).

        `extra` holds raw API fields (`photo=[…]`, `caption="…"`, `contact={…}`); a message
        in a group names its author with `from_id`; `reply_to` is the message replied to.
        """
        chat = self.chats[chat_id]
        sender = self.chats.get(from_id or chat_id, chat)
        message_id = next(self._message_ids[chat_id])
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": chat.as_chat(),
            "from": sender.as_user(),
        }
        if text is not None:
            message["text"] = text
            if text.startswith("/"):
                command = text.split()[0]
                message["entities"] = [
                    {"type": "bot_command", "offset": 0, "length": utf16_len(command)}
                ]
        if reply_to is not None:
            target = self.find_message(chat_id, reply_to)
            if target is not None:
                message["reply_to_message"] = self._message_json(target, nested=True)
        message.update(extra)
        media = {k: v for k, v in extra.items() if k in MEDIA_FIELDS}
        kind = "text" if text is not None else next(iter(media or extra), "other")
        caption = extra.get("caption")
        chat.messages.append(
            SentMessage(
                chat_id,
                message_id,
                text or caption or "",
                None,
                from_bot=False,
                kind=kind,
                from_id=sender.id,
                reply_to=reply_to,
                media=media or None,
            )
        )
        return self._queue({"message": message})

    def user_presses(
        self, chat_id: int, message_id: int, callback_data: str, *, from_id: int | None = None
    ) -> dict[str, Any]:
        """Queue and return the callback query of a press on an inline button (in a group,
        `from_id` says who pressed)."""
        chat = self.chats[chat_id]
        presser = self.chats.get(from_id or chat_id, chat)
        target = self.find_message(chat_id, message_id)
        callback_id = str(next(self._callback_ids))
        query: dict[str, Any] = {
            "id": callback_id,
            "from": presser.as_user(),
            "chat_instance": f"ci{chat_id}",
            "data": callback_data,
        }
        if target is not None:
            query["message"] = self._message_json(target)
        return self._queue({"callback_query": query})

    def member_status(self, chat_id: int, status: str) -> dict[str, Any]:
        """Queue a `my_chat_member` update: the user blocked ("kicked") or restarted the bot."""
        chat = self.chats[chat_id]
        chat.blocked = status == "kicked"
        bot_user = {"id": self.BOT_ID, "is_bot": True, "first_name": "Jastar"}
        member = {"status": "member", "user": bot_user}
        kicked = {"status": "kicked", "user": bot_user, "until_date": 0}  # 0: for ever
        old, new = (member, kicked) if chat.blocked else (kicked, member)
        return self._queue(
            {
                "my_chat_member": {
                    "chat": chat.as_chat(),
                    "from": chat.as_user(),
                    "date": int(time.time()),
                    "old_chat_member": old,
                    "new_chat_member": new,
                }
            }
        )

    def _queue(self, payload: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": next(self._update_ids), **payload}
        self.updates.append(update)
        return update

    def find_message(self, chat_id: int, message_id: int) -> SentMessage | None:
        for message in self.chats[chat_id].messages:
            if message.message_id == message_id:
                return message
        return None

    def bot_messages(self, chat_id: int) -> list[SentMessage]:
        return [m for m in self.chats[chat_id].messages if m.from_bot]

    def _new_message(
        self, chat: Chat, params: dict[str, Any], text: str, html: str | None, kind: str = "text"
    ) -> SentMessage:
        """A bot message in `chat` with the markup and reply target the call asked for."""
        message = SentMessage(
            chat.id,
            next(self._message_ids[chat.id]),
            text,
            html,
            True,
            kind=kind,
            reply_to=_reply_target(params),
        )
        self._apply_markup(message, params.get("reply_markup"))
        return message

    # --- the API ---------------------------------------------------------------------------

    def handle(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """Answer one API call as (HTTP status, JSON body), like api.telegram.org would."""
        self.calls.append((method, params))
        try:
            self._check_flood(method)
            self._check_group(method, params)
            handler = getattr(self, f"_api_{method.lower()}", None)
            if handler is None:
                raise ApiError(404, "Not Found")
            return 200, {"ok": True, "result": handler(params)}
        except ApiError as exc:
            return self.refuse(method, exc)

    def refuse(self, method: str, exc: ApiError) -> tuple[int, dict[str, Any]]:
        """The error answer for a refused call, recorded in `refused`."""
        self.refused.append((method, exc.status, exc.description))
        body: dict[str, Any] = {
            "ok": False,
            "error_code": exc.status,
            "description": exc.description,
        }
        if exc.parameters:
            body["parameters"] = exc.parameters
        return exc.status, body

    def _check_flood(self, method: str) -> None:
        """Refuse a message call over the limit of the last second, as a flood wait would."""
        name = method.lower()
        if (
            self.flood_limit is None
            or not name.startswith(FLOOD_METHODS)
            or name == "sendchataction"
        ):
            return
        self._take(self._flood_window, 1.0, self.flood_limit)

    def _check_group(self, method: str, params: dict[str, Any]) -> None:
        """Refuse a new message in a group past `group_limit` in the last minute."""
        name = method.lower()
        if (
            self.group_limit is None
            or not name.startswith(("send", "copy", "forward"))
            or name == "sendchataction"
        ):
            return
        try:
            chat = self.chats.get(int(params.get("chat_id", 0)))
        except ValueError:
            return
        if chat is None or chat.type == "private":
            return
        self._take(self._group_windows.setdefault(chat.id, deque()), 60.0, self.group_limit)

    def _take(self, window: deque[float], span: float, limit: int) -> None:
        """A sliding window of `span` seconds holding at most `limit` calls: answer 429 with
        the wait Telegram would name, or count this call."""
        now = self._clock()
        while window and window[0] <= now - span:
            window.popleft()
        if len(window) >= limit:
            self.flood_refusals += 1
            wait = max(1, math.ceil(window[0] + span - now))
            raise ApiError(429, f"Too Many Requests: retry after {wait}", retry_after=wait)
        window.append(now)

    def take_updates(self, offset: int | None, limit: int = 100) -> list[dict[str, Any]]:
        """getUpdates semantics: confirm everything below `offset`, return what is left."""
        if offset is not None:
            while self.updates and self.updates[0]["update_id"] < offset:
                self.updates.popleft()
        return list(itertools.islice(self.updates, limit))

    # Each `_api_<method>` takes the raw form fields and returns the `result`.

    def _api_getme(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": self.BOT_ID,
            "is_bot": True,
            "first_name": "Jastar",
            "username": self.username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def _api_getchat(self, params: dict[str, Any]) -> dict[str, Any]:
        """A chat's full info; a public group shows its @username."""
        chat = self._chat(params)
        info = {
            **chat.as_chat(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }
        if chat.username:
            info["username"] = chat.username
        return info

    def _api_getchatmember(self, params: dict[str, Any]) -> dict[str, Any]:
        """A user's status in a group: what `join` set, the bot an administrator, anyone
        else "left" (as Telegram answers for a user who is not in the chat)."""
        chat = self._chat(params)
        try:
            user_id = int(params.get("user_id", 0))
        except ValueError:
            raise ApiError(400, "Bad Request: invalid user_id specified") from None
        if chat.type == "private":
            raise ApiError(400, "Bad Request: chat member status can't be changed in private chats")
        if user_id == self.BOT_ID:
            status = "administrator"
            user = {"id": self.BOT_ID, "is_bot": True, "first_name": "Jastar"}
        else:
            status = chat.members.get(user_id) or "left"
            known = self.chats.get(user_id)
            user = known.as_user() if known else {"id": user_id, "is_bot": False, "first_name": "?"}
        member: dict[str, Any] = {"status": status, "user": user}
        if status == "creator":
            member["is_anonymous"] = False
        elif status == "administrator":
            member.update(
                dict.fromkeys(
                    (
                        "can_be_edited",
                        "is_anonymous",
                        "can_manage_chat",
                        "can_delete_messages",
                        "can_manage_video_chats",
                        "can_restrict_members",
                        "can_promote_members",
                        "can_change_info",
                        "can_invite_users",
                        "can_post_stories",
                        "can_edit_stories",
                        "can_delete_stories",
                        "can_send_welcome_messages",
                    ),
                    False,
                )
            )
            member["can_manage_chat"] = member["can_delete_messages"] = True
        elif status == "kicked":
            member["until_date"] = 0
        return member

    def _api_getupdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = params.get("offset")
        return self.take_updates(int(offset) if offset not in (None, "") else None)

    def _api_deletewebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = None
        return True

    def _api_setwebhook(self, params: dict[str, Any]) -> bool:
        """Telegram posts only to HTTPS, and the secret has its own alphabet."""
        url = str(params.get("url") or "")
        secret = params.get("secret_token")
        if not url.startswith("https://"):
            raise ApiError(400, "Bad Request: bad webhook: An HTTPS URL must be provided")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        self.webhook = {
            "url": url,
            "secret_token": secret,
            "allowed_updates": _json(params.get("allowed_updates"), None),
        }
        return True

    def _api_setmycommands(self, params: dict[str, Any]) -> bool:
        commands = _json(params.get("commands"), [])
        for command in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", command.get("command", "")):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(command.get("description", "")) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands[params.get("language_code") or ""] = commands
        return True

    def _api_sendmessage(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params)
        html, text = self._text(params.get("text"), params.get("parse_mode"), MAX_TEXT)
        message = self._new_message(chat, params, text, html)
        chat.messages.append(message)
        return self._message_json(message)

    def _api_senddocument(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._send_media(params, "document")

    def _api_sendphoto(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._send_media(params, "photo")

    def _send_media(self, params: dict[str, Any], kind: str) -> dict[str, Any]:
        chat = self._chat(params)
        html, text = None, ""
        if params.get("caption"):
            html, text = self._text(params["caption"], params.get("parse_mode"), MAX_CAPTION)
        raw = params.get(kind)
        upload: tuple[str, bytes] | None = None
        if isinstance(raw, str) and raw.startswith("attach://"):
            upload = params.get("_files", {}).get(raw.removeprefix("attach://"))
            if upload is None:
                raise ApiError(400, "Bad Request: file must be non-empty")
            file_id = f"upl{len(self.calls)}"
        elif isinstance(raw, str) and raw:
            file_id = raw
        else:
            raise ApiError(400, f"Bad Request: there is no {kind} in the request")
        if upload is not None and not upload[1]:
            raise ApiError(400, "Bad Request: file must be non-empty")
        message = self._new_message(chat, params, text, html, kind)
        message.upload = upload
        if kind == "photo":
            message.media = {
                "photo": [
                    {"file_id": file_id, "file_unique_id": file_id, "width": 800, "height": 600}
                ]
            }
        else:
            name = upload[0] if upload else "file"
            message.media = {
                "document": {"file_id": file_id, "file_unique_id": file_id, "file_name": name}
            }
        chat.messages.append(message)
        return self._message_json(message)

    def _api_copymessage(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params)
        try:
            source_chat = self.chats[int(params.get("from_chat_id", 0))]
        except (KeyError, ValueError):
            raise ApiError(400, "Bad Request: chat not found") from None
        source = self.find_message(source_chat.id, int(params.get("message_id", 0)))
        if source is None:
            raise ApiError(400, "Bad Request: message to copy not found")
        if source.kind in ("contact", "poll_quiz"):
            raise ApiError(400, "Bad Request: message can't be copied")
        html, text = source.html, source.text
        if params.get("caption") is not None and source.media:
            html, text = self._text(params["caption"], params.get("parse_mode"), MAX_CAPTION)
        message = self._new_message(chat, params, text, html, source.kind)
        message.media, message.upload = source.media, source.upload
        message.copied_from = (source_chat.id, source.message_id)
        chat.messages.append(message)
        return {"message_id": message.message_id}

    def _api_setmessagereaction(self, params: dict[str, Any]) -> bool:
        chat = self._chat(params)
        message = self.find_message(chat.id, int(params.get("message_id", 0)))
        if message is None:
            raise ApiError(400, "Bad Request: message to react not found")
        reactions = _json(params.get("reaction"), [])
        for reaction in reactions:
            if reaction.get("type") == "emoji" and reaction.get("emoji") not in REACTIONS:
                raise ApiError(400, "Bad Request: REACTION_INVALID")
        message.reactions = reactions
        return True

    def _api_editmessagecaption(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params)
        message = self.find_message(chat.id, int(params.get("message_id", 0)))
        if message is None or not message.from_bot or not message.media:
            raise ApiError(400, "Bad Request: message to edit not found")
        html, text = self._text(params.get("caption"), params.get("parse_mode"), MAX_CAPTION)
        if (html, text) == (message.html, message.text):
            raise ApiError(400, "Bad Request: message is not modified")
        message.html, message.text, message.edited = html, text, True
        self._apply_markup(message, params.get("reply_markup"))
        return self._message_json(message)

    def _api_editmessagetext(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params)
        message = self.find_message(chat.id, int(params.get("message_id", 0)))
        if message is None or not message.from_bot:
            raise ApiError(400, "Bad Request: message to edit not found")
        if message.media:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        html, text = self._text(params.get("text"), params.get("parse_mode"), MAX_TEXT)
        old = (message.html, message.text, message.buttons)
        probe = SentMessage(chat.id, message.message_id, text, html, True)
        self._apply_markup(probe, params.get("reply_markup"))
        if (html, text, probe.buttons) == old:
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message "
                "content and reply markup are exactly the same",
            )
        message.html, message.text, message.buttons = html, text, probe.buttons
        message.edited = True
        return self._message_json(message)

    def _api_editmessagemedia(self, params: dict[str, Any]) -> dict[str, Any]:
        """Replace a media message's photo or file (uploaded or by file_id) and caption; as
        with every edit, an omitted reply_markup removes the buttons."""
        chat = self._chat(params)
        message = self.find_message(chat.id, int(params.get("message_id", 0)))
        if message is None or not message.from_bot or not message.media:
            raise ApiError(400, "Bad Request: message to edit not found")
        media = _json(params.get("media"), None)
        kind = media.get("type") if isinstance(media, dict) else None
        if kind not in ("photo", "document"):
            raise ApiError(400, "Bad Request: can't parse InputMedia")
        raw = str(media.get("media") or "")
        upload: tuple[str, bytes] | None = None
        if raw.startswith("attach://"):
            upload = params.get("_files", {}).get(raw.removeprefix("attach://"))
            if not upload or not upload[1]:
                raise ApiError(400, "Bad Request: file must be non-empty")
            file_id = f"upl{len(self.calls)}"
        elif raw:
            file_id = raw
        else:
            raise ApiError(400, "Bad Request: there is no media in the request")
        html, text = None, ""
        if media.get("caption"):
            html, text = self._text(media["caption"], media.get("parse_mode"), MAX_CAPTION)
        if kind == "photo":
            message.media = {
                "photo": [
                    {"file_id": file_id, "file_unique_id": file_id, "width": 800, "height": 600}
                ]
            }
        else:
            message.media = {
                "document": {
                    "file_id": file_id,
                    "file_unique_id": file_id,
                    "file_name": upload[0] if upload else "file",
                }
            }
        probe = SentMessage(chat.id, message.message_id, "", None, True)
        self._apply_markup(probe, params.get("reply_markup"))
        message.kind, message.upload, message.buttons = kind, upload, probe.buttons
        message.html, message.text, message.edited = html, text, True
        return self._message_json(message)

    def _api_editmessagereplymarkup(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params)
        message = self.find_message(chat.id, int(params.get("message_id", 0)))
        if message is None or not message.from_bot:
            raise ApiError(400, "Bad Request: message to edit not found")
        probe = SentMessage(chat.id, message.message_id, "", None, True)
        self._apply_markup(probe, params.get("reply_markup"))
        if probe.buttons == message.buttons:
            raise ApiError(400, "Bad Request: message is not modified")
        message.buttons = probe.buttons
        return self._message_json(message)

    def _api_deletemessage(self, params: dict[str, Any]) -> bool:
        chat = self._chat(params)
        message = self.find_message(chat.id, int(params.get("message_id", 0)))
        if message is None:
            raise ApiError(400, "Bad Request: message to delete not found")
        chat.messages.remove(message)
        return True

    def _api_pinchatmessage(self, params: dict[str, Any]) -> bool:
        chat = self._chat(params)
        message_id = int(params.get("message_id", 0))
        if self.find_message(chat.id, message_id) is None:
            raise ApiError(400, "Bad Request: message to pin not found")
        if message_id in chat.pinned:
            chat.pinned.remove(message_id)
        chat.pinned.append(message_id)
        return True

    def _api_unpinchatmessage(self, params: dict[str, Any]) -> bool:
        chat = self._chat(params)
        raw = params.get("message_id")
        message_id = int(raw) if raw is not None else (chat.pinned[-1] if chat.pinned else 0)
        if message_id not in chat.pinned:
            raise ApiError(400, "Bad Request: message to unpin not found")
        chat.pinned.remove(message_id)
        return True

    def _api_answercallbackquery(self, params: dict[str, Any]) -> bool:
        query_id = str(params.get("callback_query_id", ""))
        if not query_id or query_id in self.answered_callbacks:
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        if utf16_len(params.get("text") or "") > MAX_CALLBACK_ANSWER:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        self.answered_callbacks[query_id] = params
        return True

    def _api_sendchataction(self, params: dict[str, Any]) -> bool:
        self._chat(params)
        return True

    # --- helpers ---------------------------------------------------------------------------

    def _chat(self, params: dict[str, Any]) -> Chat:
        try:
            chat = self.chats[int(params.get("chat_id", 0))]
        except (KeyError, ValueError):
            raise ApiError(400, "Bad Request: chat not found") from None
        if chat.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat

    @staticmethod
    def _text(raw: Any, parse_mode: Any, limit: int) -> tuple[str | None, str]:
        if not raw:
            raise ApiError(400, "Bad Request: message text is empty")
        html = str(raw) if parse_mode == "HTML" else None
        if parse_mode not in (None, "", "HTML"):
            raise ApiError(400, f"Bad Request: unsupported parse_mode {parse_mode}")
        text = parse_html(str(raw)) if html is not None else str(raw)
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if utf16_len(text) > limit:
            raise ApiError(400, "Bad Request: message is too long")
        return html, text

    @staticmethod
    def _apply_markup(message: SentMessage, raw: Any) -> None:
        markup = _json(raw, None)
        if not markup:
            return
        if "inline_keyboard" in markup:
            rows: list[list[Button]] = []
            for row in markup["inline_keyboard"]:
                buttons = []
                for button in row:
                    if not button.get("text"):
                        raise ApiError(
                            400, "Bad Request: text buttons are unallowed in the inline keyboard"
                        )
                    data = button.get("callback_data")
                    if data is not None and not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA:
                        raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
                    buttons.append(Button(button["text"], data, button.get("url")))
                rows.append(buttons)
            message.buttons = rows
        elif "keyboard" in markup:
            message.reply_keyboard = [
                [b["text"] if isinstance(b, dict) else str(b) for b in row]
                for row in markup["keyboard"]
            ]

    def _message_json(self, message: SentMessage, nested: bool = False) -> dict[str, Any]:
        chat = self.chats[message.chat_id]
        data: dict[str, Any] = {
            "message_id": message.message_id,
            "date": int(time.time()),
            "chat": chat.as_chat(),
        }
        if message.from_bot:
            data["from"] = {
                "id": self.BOT_ID,
                "is_bot": True,
                "first_name": "Jastar",
                "username": self.username,
            }
        else:
            data["from"] = self.chats.get(message.from_id or chat.id, chat).as_user()
        if message.media:
            data.update(message.media)
            if message.text:
                data["caption"] = message.text
        elif message.text:
            data["text"] = message.text
        if message.reply_to is not None and not nested:
            target = self.find_message(chat.id, message.reply_to)
            if target is not None:
                data["reply_to_message"] = self._message_json(target, nested=True)
        if message.edited:
            data["edit_date"] = int(time.time())
        if message.buttons:
            data["reply_markup"] = {
                "inline_keyboard": [
                    [
                        {
                            "text": b.text,
                            **(
                                {"callback_data": b.callback_data}
                                if b.callback_data
                                else {"url": b.url or "https://t.me"}
                            ),
                        }
                        for b in row
                    ]
                    for row in message.buttons
                ]
            }
        return data


def _reply_target(params: dict[str, Any]) -> int | None:
    """The message a send call replies to (`reply_parameters` or the older field)."""
    reply = _json(params.get("reply_parameters"), None)
    if reply and reply.get("message_id"):
        return int(reply["message_id"])
    if params.get("reply_to_message_id"):
        return int(params["reply_to_message_id"])
    return None


def _json(raw: Any, default: Any) -> Any:
    """Form fields carry objects as JSON strings; aiogram may also hand over plain objects."""
    if raw is None or raw == "":
        return default
    if isinstance(raw, str):
        try:
            return json.loads(raw)
        except json.JSONDecodeError:
            raise ApiError(400, "Bad Request: can't parse JSON") from None
    return raw
