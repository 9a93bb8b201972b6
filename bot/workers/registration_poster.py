"""Posts new registrations to the admin chat, paced, a burst folded into one digest.

Telegram lets a bot send about 20 messages a minute into one group. The queue is the
database itself (`registrations.admin_notified_at IS NULL`), so nothing is lost when the
bot restarts between a registration and its post: the backlog goes out as a digest.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import aiosqlite
from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramRetryAfter,
)
from aiogram.types import InlineKeyboardMarkup

from bot.catalog.store import ContentStore
from bot.config import LANGUAGES
from bot.db.database import Database
from bot.db.registrations import Post, Registration
from bot.i18n import Html
from bot.loop import cancel_and_wait
from bot.services import registrations
from bot.views.registration import (
    admin_post,
    admin_status_keyboard,
    status_changed_text,
    status_set_card,
)

log = logging.getLogger(__name__)

PACE = 3.0  # seconds between posts: 20 a minute, Telegram's limit for one group
DIGEST_MAX = 20  # registrations in one digest message (stays far below 4096 characters)
IDLE_CHECK = 60.0  # look for a backlog this often even when nobody wakes the poster
HOUSEKEEPING_EVERY = 3600.0  # retention of finished registrations and limit marks
STOP_GRACE = 10.0  # a stop waits this long for a post on its way, so it is not sent twice


class RegistrationPoster:
    """One background task per bot process; `wake()` after each new registration."""

    def __init__(
        self,
        db: Database,
        content: ContentStore,
        chat_id: int | None,
        lang: str,
        *,
        pace: float = PACE,
    ) -> None:
        self.db = db
        self.content = content
        self.chat_id = chat_id
        self.lang = lang
        self.pace = pace
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._posting: asyncio.Task[int] | None = None

    def wake(self) -> None:
        self._wake.set()

    def start(self, bot: Bot) -> None:
        """Start posting; what piled up while the bot was down goes out at once, not at
        the first idle check a minute later. Runs without an operators' chat too: the
        retention housekeeping still applies."""
        if self._task is None:
            self._wake.set()
            self._task = asyncio.create_task(self._run(bot), name="registration-poster")

    async def stop(self) -> None:
        """Stop posting. A post already on its way is let finish (up to `STOP_GRACE`):
        cancelled between the send and `mark_posted`, it would go out a second time after
        the restart."""
        await cancel_and_wait(self._task)
        self._task = None
        posting, self._posting = self._posting, None
        if posting is not None and not posting.done():
            with contextlib.suppress(Exception):
                await asyncio.wait_for(asyncio.shield(posting), STOP_GRACE)

    async def housekeep(self, bot: Bot) -> None:
        """Apply the retention period (`registrations.expire`) and draw the posts of the
        registrations it stripped again, so the group keeps no copy either."""
        await self.redraw(bot, await registrations.expire(self.db))

    async def _run(self, bot: Bot) -> None:
        next_housekeeping = 0.0
        while True:
            if asyncio.get_running_loop().time() >= next_housekeeping:
                next_housekeeping = asyncio.get_running_loop().time() + HOUSEKEEPING_EVERY
                try:
                    await self.housekeep(bot)
                except (TelegramAPIError, aiosqlite.Error) as exc:
                    log.warning("housekeeping failed: %s", type(exc).__name__)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), IDLE_CHECK)
            self._wake.clear()
            try:
                # Shielded: a stop while the card is on its way waits for it (see `stop`).
                self._posting = asyncio.create_task(self.post_pending(bot))
                posted = await asyncio.shield(self._posting)
            except TelegramRetryAfter as exc:
                await asyncio.sleep(exc.retry_after)
                self._wake.set()
                continue
            except (TelegramAPIError, aiosqlite.Error) as exc:
                # A network fault or a locked database: the rows stay unposted; try later.
                log.warning(
                    "posting registrations to the admin chat failed: %s", type(exc).__name__
                )
                await asyncio.sleep(self.pace * 5)
                self._wake.set()
                continue
            if posted:
                # Whatever arrived meanwhile waits for the pace, then goes out as a digest.
                await asyncio.sleep(self.pace)
                self._wake.set()

    async def post_pending(self, bot: Bot) -> int:
        """Post what is waiting (one card, or a digest of several); returns how many."""
        if self.chat_id is None:
            return 0
        pending = await registrations.unposted(self.db, DIGEST_MAX)
        if not pending:
            return 0
        text, markup = self.render(pending)
        sent = await bot.send_message(self.chat_id, text, reply_markup=markup)
        await registrations.mark_posted(self.db, [r.id for r in pending], sent.message_id)
        await self.record(bot, self.chat_id, sent.message_id, pending)
        return len(pending)

    def render(self, regs: list[Registration]) -> tuple[Html, InlineKeyboardMarkup | None]:
        """One registration's card with status buttons, or a digest of several."""
        t = self.content.i18n(self.lang)  # type: ignore[arg-type]
        return admin_post(t, self.content.catalog, regs)

    async def record(
        self, bot: Bot, chat_id: int, message_id: int, shown: list[Registration]
    ) -> None:
        """Remember that a message shows `shown`, then look at them again.

        A send can take seconds (the group's 20 messages a minute, retries); a /forget that
        ran meanwhile could not know of this message. Recording first and re-reading after
        leaves no gap: either /forget finds the message recorded and redraws it, or the
        re-read here sees the registration forgotten and redraws it now.
        """
        now = await registrations.record_post(self.db, chat_id, message_id, [r.id for r in shown])
        had_data = {r.id for r in shown if r.user_id is not None}
        if any(r.id in had_data and r.user_id is None for r in now):
            await self._redraw_one(bot, chat_id, message_id, now)

    async def show_status(
        self, bot: Bot, reg: Registration, who: str, pressed: Post | None = None
    ) -> None:
        """An admin set `reg`'s status (a button in the operators' chat, or the web panel):
        the card shows the new status and who set it, and the young person is told.

        The one path for both front ends. From a button, the pressed message is the card
        redrawn (a card opened from a digest included); from the panel, every single-card
        post of the registration is (a digest lists several and stays as it is)."""
        t = self.content.i18n(self.lang)  # type: ignore[arg-type]
        text = status_set_card(t, self.content.catalog, reg, who)
        markup = admin_status_keyboard(t, reg)
        if pressed is not None:
            targets = [pressed]
        else:
            targets = []
            for chat_id, message_id in await registrations.posts_showing(self.db, reg.id):
                chat_id = chat_id if chat_id is not None else self.chat_id
                if chat_id is None:
                    continue
                if len(await registrations.on_post(self.db, chat_id, message_id)) == 1:
                    targets.append((chat_id, message_id))
        for chat_id, message_id in targets:
            assert chat_id is not None
            try:
                await bot.edit_message_text(
                    text, chat_id=chat_id, message_id=message_id, reply_markup=markup
                )
            except TelegramBadRequest as exc:
                log.info("could not edit the registration card: %s", exc)
            await self.record(bot, chat_id, message_id, [reg])
        await self.tell_user(bot, reg)

    async def tell_user(self, bot: Bot, reg: Registration) -> None:
        """The young person hears of the new status in the language they filled the form
        in (a user who never pressed the language button has no language in their row)."""
        found = await registrations.recipient(self.db, reg)
        if found is None:
            return
        user_id, user_lang = found
        lang = reg.language if reg.language in LANGUAGES else user_lang
        ut = self.content.i18n(lang or self.lang)  # type: ignore[arg-type]
        try:
            await bot.send_message(user_id, status_changed_text(ut, self.content.catalog, reg))
        except TelegramForbiddenError:
            await registrations.mark_blocked(self.db, user_id)

    async def redraw(self, bot: Bot, posts: list[Post]) -> None:
        """Draw posts again from the database, e.g. after /forget blanked a registration:
        the operators' chat must not keep what the young person asked to delete."""
        for chat_id, message_id in posts:
            chat_id = chat_id if chat_id is not None else self.chat_id
            if chat_id is None:
                continue
            regs = await registrations.on_post(self.db, chat_id, message_id)
            await self._redraw_one(bot, chat_id, message_id, regs)

    async def _redraw_one(
        self, bot: Bot, chat_id: int, message_id: int, regs: list[Registration]
    ) -> None:
        if not regs:
            return
        text, markup = self.render(regs)
        try:
            await bot.edit_message_text(
                text, chat_id=chat_id, message_id=message_id, reply_markup=markup
            )
        except TelegramAPIError as exc:  # "not modified", or deleted by hand
            log.info("could not redraw admin post %s: %s", message_id, type(exc).__name__)
