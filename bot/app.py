"""The one factory that builds the bot and dispatcher for polling, `chat` mode and the tests."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.fsm.storage.base import BaseStorage
from aiogram.types import BotCommand, BotCommandScopeDefault, Update, User

from bot.catalog.store import ContentStore
from bot.clock import Clock
from bot.config import LANGUAGES, Settings
from bot.db.database import Database
from bot.db.fsm_storage import SQLiteStorage
from bot.handlers import get_routers
from bot.isolation import OneUpdateAtATime
from bot.loop import HeapFreezer, cancel_and_wait
from bot.middlewares import (
    FloodControlMiddleware,
    FlushStateMiddleware,
    UserContextMiddleware,
)
from bot.services import content_admin, handoff
from bot.services.answers import Answerer
from bot.services.followups import FollowupGate
from bot.services.housekeeping import Housekeeper
from bot.services.operators import MembershipCache
from bot.speedups import install_inline_filters
from bot.transport.models import PinResponseModels
from bot.transport.pacing import Pacer
from bot.transport.retry import RetryMiddleware
from bot.transport.session import JsonSession
from bot.workers.broadcasts import Broadcaster
from bot.workers.event_cancellations import CancellationNotices
from bot.workers.event_reminders import EventReminders
from bot.workers.registration_poster import RegistrationPoster

log = logging.getLogger(__name__)

# Commands shown in Telegram's menu button, in this order; descriptions come from UI texts.
MENU_COMMANDS = ("start", "menu", "events", "register", "my", "ask", "language", "help")
# At shutdown, updates in hand get this long to finish before they are cancelled; the
# systemd unit's TimeoutStopSec (deploy/jastar-bot.service) leaves room for it.
DRAIN_TIMEOUT = 10.0
# After that, the cancelled ones get this long to write their form state and unwind.
CANCEL_GRACE = 3.0


class GracefulDispatcher(Dispatcher):
    """aiogram's Dispatcher, whose shutdown first lets the updates in hand finish.

    aiogram stops polling (or the webhook server stops taking requests) and then at once
    runs the shutdown handlers (the FSM storage and the per-user locks are closed, the
    background workers stopped) and closes the HTTP session, while handler tasks still run:
    a form step that had worked met a closed session and told the user "something went
    wrong". Here `emit_shutdown` waits for every update being handled (`drain`), and only
    then lets aiogram close things, in polling and webhook mode alike.
    """

    def __init__(self, *args: Any, drain_timeout: float = DRAIN_TIMEOUT, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.drain_timeout = drain_timeout
        self.draining = False  # set once shutdown began: the webhook refuses new updates
        self.heap: HeapFreezer | None = None  # set by `create_dispatcher(freeze_heap=True)`
        self._in_hand: set[asyncio.Task[Any]] = set()

    def hold(self, task: asyncio.Task[Any]) -> None:
        """Count a task that will handle an update (a webhook's background task) from the
        moment it exists, before it reaches `feed_update`."""
        self._in_hand.add(task)
        task.add_done_callback(self._in_hand.discard)

    async def feed_update(self, bot: Bot, update: Update, **kwargs: Any) -> Any:
        task = asyncio.current_task()
        counted = task is not None and task not in self._in_hand
        if counted:
            self._in_hand.add(task)  # type: ignore[arg-type]
        try:
            return await super().feed_update(bot, update, **kwargs)
        finally:
            if counted:
                self._in_hand.discard(task)

    @property
    def in_hand(self) -> int:
        return len(self._in_hand)

    async def drain(self) -> None:
        """Wait for the updates in hand, at most `drain_timeout` seconds; then cancel the
        rest (their form state is still written as they unwind) and wait a little more."""
        self.draining = True
        pending = self._in_hand - {asyncio.current_task()}
        if not pending:
            return
        log.info("shutdown: waiting for %d update(s) in hand", len(pending))
        _, late = await asyncio.wait(pending, timeout=self.drain_timeout)
        if not late:
            return
        log.warning(
            "shutdown: %d update(s) still running after %.0f s are cancelled",
            len(late),
            self.drain_timeout,
        )
        for task in late:
            task.cancel()
        await asyncio.wait(late, timeout=CANCEL_GRACE)

    async def emit_startup(self, *args: Any, **kwargs: Any) -> None:
        """Start-up handlers, then (serving modes) the heap freeze: after every handler,
        whoever registered it, so that all start-up built is frozen with the rest."""
        self.draining = False
        await super().emit_startup(*args, **kwargs)
        if self.heap is not None:
            await self.heap.freeze()

    async def emit_shutdown(self, *args: Any, **kwargs: Any) -> None:
        await self.drain()
        await super().emit_shutdown(*args, **kwargs)


# Seconds before a failed set-up call is made again: the first wait, doubling up to the last.
SETUP_RETRY_DELAYS = (5.0, 300.0)
# How long start-up waits for its set-up calls before serving anyway.
SETUP_WAIT = 5.0


def create_bot(settings: Settings, token: str, session: BaseSession | None = None) -> Bot:
    """A Bot with HTML as the default parse mode, pointed at a local Bot API if configured,
    retrying calls that failed for a passing reason (`bot/transport/retry.py`) and sending
    every message at one bot-wide pace (`bot/transport/pacing.py`; each retry takes its own
    turn)."""
    if session is None:
        session = JsonSession()
        if settings.telegram_api_url:
            session.api = TelegramAPIServer.from_base(settings.telegram_api_url)
    session.middleware(PinResponseModels())
    session.middleware(RetryMiddleware())
    session.middleware(Pacer(settings.send_rate, settings.broadcast_rate))
    return Bot(token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))


def create_dispatcher(
    settings: Settings,
    db: Database,
    content: ContentStore,
    storage: BaseStorage | None = None,
    clock: Clock | None = None,
    *,
    freeze_heap: bool = False,
) -> GracefulDispatcher:
    """Wire services into workflow data, middlewares and routers. No I/O happens here.

    Conversation state lives in SQLite unless a test passes another storage. With
    `freeze_heap` (the serving modes, `run` and `--webhook`), start-up objects are frozen
    out of the garbage collector's sight once started, and again after each content reload
    (`bot/loop.py`); the chat mode and the tests leave the heap as it is.
    """
    dp = GracefulDispatcher(
        storage=storage or SQLiteStorage(db), events_isolation=OneUpdateAtATime()
    )
    dp["settings"] = settings
    dp["db"] = db
    dp["content"] = content
    answerer = Answerer()
    content.on_reload(answerer.rebuild)
    dp["answerer"] = answerer
    dp["fsm_storage"] = dp.storage
    dp["setup_calls"] = SetupCalls()
    dp["operators"] = MembershipCache()
    dp["followups"] = FollowupGate()
    dp["poster"] = RegistrationPoster(
        db, content, settings.admin_chat_id, settings.default_language
    )
    broadcaster = Broadcaster(db, content, settings, clock)
    dp["broadcaster"] = broadcaster
    dp["clock"] = broadcaster.clock
    dp["event_reminders"] = EventReminders(db, content, settings, broadcaster.clock)
    dp["cancellations"] = CancellationNotices(db, content, settings, broadcaster.clock)
    # Before the user row is touched: a flood costs no database work.
    flood = FloodControlMiddleware(settings.flood_rate, admin_ids=settings.admin_ids)
    dp["flood_control"] = flood
    dp.update.outer_middleware(flood)
    if isinstance(dp.storage, SQLiteStorage):
        dp.update.outer_middleware(FlushStateMiddleware(dp.storage))
    context = UserContextMiddleware()
    dp.message.outer_middleware(context)
    dp.callback_query.outer_middleware(context)
    install_inline_filters()  # aiogram patch (version-guarded): before any filter is built
    dp.include_routers(*get_routers())
    if freeze_heap:
        dp.heap = HeapFreezer()
        content.after_reload(dp.heap.content_swapped)
    dp.startup.register(on_startup)
    dp.shutdown.register(on_shutdown)
    dp.startup.register(start_broadcasts)
    dp.shutdown.register(stop_broadcasts)
    dp.startup.register(start_event_reminders)
    dp.shutdown.register(stop_event_reminders)
    dp.startup.register(start_cancellations)
    dp.shutdown.register(stop_cancellations)
    dp["housekeeper"] = Housekeeper(db)
    dp.startup.register(start_housekeeping)
    dp.shutdown.register(stop_housekeeping)
    return dp


class SetupCalls:
    """Start-up calls the bot can serve without: the command menu, its own username, dropping
    or registering a webhook. Each is made once at start-up; when it fails — a gateway page,
    a timeout, any unexpected answer — the bot warns, goes on starting, and makes the call
    again in the background until Telegram takes it (a 400, which a repeat cannot cure, is
    logged as an error instead). Polling or the webhook serves meanwhile."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()

    async def run(self, name: str, call: Callable[[], Awaitable[Any]]) -> bool:
        """True when the call succeeded now; otherwise it is retried in the background."""
        try:
            await call()
        except Exception as exc:  # anything at all: start-up must not end here
            if isinstance(exc, TelegramBadRequest):
                log.error("%s refused by Telegram: %s", name, exc.message)
                return False
            log.warning(
                "%s failed at start-up (%s); serving anyway, retrying in the background",
                name,
                _reason(exc),
            )
            task = asyncio.create_task(self._retry(name, call), name=f"setup {name}")
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            return False
        return True

    async def within(self, seconds: float, *steps: Awaitable[Any]) -> None:
        """Start set-up steps together and wait for them at most `seconds`: a gateway that
        hangs (each call may take its retries times the session's timeout) must not hold
        up serving; what is not done by then finishes in the background."""
        tasks = [asyncio.ensure_future(step) for step in steps]
        for task in tasks:
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        await asyncio.wait(tasks, timeout=seconds)

    async def _retry(self, name: str, call: Callable[[], Awaitable[Any]]) -> None:
        delay, longest = SETUP_RETRY_DELAYS
        while True:
            await asyncio.sleep(delay)
            try:
                await call()
            except Exception as exc:  # keep trying whatever Telegram answers
                log.warning(
                    "%s failed again (%s); next try in %.0fs",
                    name,
                    _reason(exc),
                    min(delay * 2, longest),
                )
                delay = min(delay * 2, longest)
                continue
            log.info("%s done after all", name)
            return

    async def stop(self) -> None:
        for task in list(self._tasks):
            await cancel_and_wait(task)


def _reason(exc: Exception) -> str:
    """The type and Telegram's description (never a whole HTML page)."""
    if isinstance(exc, TelegramAPIError):
        return f"{type(exc).__name__}: {exc.message}"
    return type(exc).__name__


async def on_startup(
    bot: Bot,
    fsm_storage: BaseStorage,
    content: ContentStore,
    settings: Settings,
    poster: RegistrationPoster,
    db: Database,
    setup_calls: SetupCalls,
) -> None:
    if isinstance(fsm_storage, SQLiteStorage):
        expired = await fsm_storage.purge_expired()
        if expired:
            log.info("%d idle conversations expired", expired)
    orphans = await handoff.close_orphans(db)
    if orphans:
        log.warning("%d ticket(s) never linked to their group post were closed", orphans)
    poster.start(bot)
    # The content as found at start-up goes into its history (a hand edit since the last run).
    await content_admin.record_disk(db, content.content_dir)
    await setup_calls.within(
        SETUP_WAIT,
        learn_identity(bot, setup_calls),
        set_commands(bot, content, settings, setup_calls),
        warn_if_public(bot, settings),
    )
    if bot._me is None:  # getMe is still on its way: polling starts with a stand-in
        bot._me = User(id=bot.id, is_bot=True, first_name="")


async def warn_if_public(bot: Bot, settings: Settings) -> None:
    """A public operators' group shows full registration cards to anyone who finds it."""
    if settings.admin_chat_id is None:
        return
    try:
        chat = await bot.get_chat(settings.admin_chat_id)
    except Exception as exc:  # a gateway page or a timeout: a check, never a reason to stop
        log.warning("ADMIN_CHAT_ID: could not read the operators' chat: %s", exc)
        return
    if chat.username:
        log.warning(
            "ADMIN_CHAT_ID is a public group (@%s): anyone can read its registration "
            "cards and questions; make the group private",
            chat.username,
        )


async def on_shutdown(poster: RegistrationPoster, setup_calls: SetupCalls) -> None:
    await setup_calls.stop()
    await poster.stop()


async def learn_identity(bot: Bot, setup_calls: SetupCalls) -> None:
    """getMe, which aiogram's polling needs before its first getUpdates. When it fails, a
    stand-in (the id is in the token; no username yet) lets polling start, and the real
    answer replaces it when the background retry gets one."""

    async def get_me() -> None:
        bot._me = await bot.get_me()  # aiogram caches it there for `bot.me()`

    if not await setup_calls.run("getMe", get_me) and bot._me is None:
        bot._me = User(id=bot.id, is_bot=True, first_name="")


async def drop_webhook(bot: Bot, setup_calls: SetupCalls) -> None:
    """Polling mode: a webhook left from a webhook deploy would make getUpdates fail."""
    await setup_calls.run("deleteWebhook", lambda: bot.delete_webhook(drop_pending_updates=False))


async def start_broadcasts(bot: Bot, broadcaster: Broadcaster) -> None:
    """The announcement worker runs beside polling and resumes unfinished jobs."""
    await broadcaster.start(bot)


async def stop_broadcasts(broadcaster: Broadcaster) -> None:
    await broadcaster.stop()


async def start_event_reminders(bot: Bot, event_reminders: EventReminders) -> None:
    """Reminders, rating questions and event news beside polling, at the announcements' pace."""
    await event_reminders.start(bot)


async def stop_event_reminders(event_reminders: EventReminders) -> None:
    await event_reminders.stop()


async def start_cancellations(bot: Bot, cancellations: CancellationNotices) -> None:
    """Telling people an event was cancelled, at the announcements' pace (and carrying on
    with a cancellation the last stop interrupted)."""
    await cancellations.start(bot)


async def stop_cancellations(cancellations: CancellationNotices) -> None:
    await cancellations.stop()


async def start_housekeeping(housekeeper: Housekeeper) -> None:
    """Purge what is kept only for a while (old question texts) now and every few hours."""
    await housekeeper.start()


async def stop_housekeeping(housekeeper: Housekeeper) -> None:
    await housekeeper.stop()


async def set_commands(
    bot: Bot, content: ContentStore, settings: Settings, setup_calls: SetupCalls
) -> None:
    """The command menu in each language (and the default one): cosmetic, so a failure is
    a warning and a retry in the background."""
    for lang in (*LANGUAGES, None):
        texts = content.i18n(lang or settings.default_language)
        commands = [BotCommand(command=c, description=texts(f"cmd-{c}")) for c in MENU_COMMANDS]
        await setup_calls.run(
            f"setMyCommands({lang or 'default'})",
            partial(
                bot.set_my_commands, commands, scope=BotCommandScopeDefault(), language_code=lang
            ),
        )
