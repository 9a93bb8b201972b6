"""The one factory that builds the bot and dispatcher for polling, `chat` mode and the tests."""

from __future__ import annotations

import logging

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramAPIError
from aiogram.fsm.storage.base import BaseStorage
from aiogram.types import BotCommand, BotCommandScopeDefault

from bot.catalog.store import ContentStore
from bot.config import LANGUAGES, Settings
from bot.db.database import Database
from bot.db.fsm_storage import OneUpdateAtATime, SQLiteStorage
from bot.handlers import get_routers
from bot.middlewares import (
    FloodControlMiddleware,
    FlushStateMiddleware,
    UserContextMiddleware,
)
from bot.retry import RetryMiddleware
from bot.services.admin_posts import RegistrationPoster
from bot.services.answers import Answerer
from bot.services.broadcast_worker import Broadcaster
from bot.services.broadcasts import Clock
from bot.services.followups import FollowupGate
from bot.services.operators import MembershipCache
from bot.session import JsonSession
from bot.speedups import PinResponseModels

log = logging.getLogger(__name__)

# Commands shown in Telegram's menu button, in this order; descriptions come from UI texts.
MENU_COMMANDS = ("start", "menu", "register", "my", "ask", "language", "help")


def create_bot(settings: Settings, token: str, session: BaseSession | None = None) -> Bot:
    """A Bot with HTML as the default parse mode, pointed at a local Bot API if configured,
    retrying calls that failed for a passing reason (`bot/retry.py`)."""
    if session is None:
        session = JsonSession()
        if settings.telegram_api_url:
            session.api = TelegramAPIServer.from_base(settings.telegram_api_url)
    session.middleware(PinResponseModels())
    session.middleware(RetryMiddleware())
    return Bot(token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))


def create_dispatcher(
    settings: Settings, db: Database, content: ContentStore,
    storage: BaseStorage | None = None, clock: Clock | None = None,
) -> Dispatcher:
    """Wire services into workflow data, middlewares and routers. No I/O happens here.

    Conversation state lives in SQLite unless a test passes another storage.
    """
    dp = Dispatcher(storage=storage or SQLiteStorage(db), events_isolation=OneUpdateAtATime())
    dp["settings"] = settings
    dp["db"] = db
    dp["content"] = content
    answerer = Answerer()
    content.on_reload(answerer.rebuild)
    dp["answerer"] = answerer
    dp["fsm_storage"] = dp.storage
    dp["operators"] = MembershipCache()
    dp["followups"] = FollowupGate()
    dp["poster"] = RegistrationPoster(db, content, settings.admin_chat_id,
                                      settings.default_language)
    broadcaster = Broadcaster(db, content, settings, clock)
    dp["broadcaster"] = broadcaster
    dp["clock"] = broadcaster.clock
    # Before the user row is touched: a flood costs no database work.
    flood = FloodControlMiddleware(settings.flood_rate, admin_ids=settings.admin_ids)
    dp["flood_control"] = flood
    dp.update.outer_middleware(flood)
    if isinstance(dp.storage, SQLiteStorage):
        dp.update.outer_middleware(FlushStateMiddleware(dp.storage))
    context = UserContextMiddleware()
    dp.message.outer_middleware(context)
    dp.callback_query.outer_middleware(context)
    dp.include_routers(*get_routers())
    dp.startup.register(on_startup)
    dp.shutdown.register(on_shutdown)
    dp.startup.register(start_broadcasts)
    dp.shutdown.register(stop_broadcasts)
    return dp


async def on_startup(bot: Bot, fsm_storage: BaseStorage, content: ContentStore,
                     settings: Settings, poster: RegistrationPoster) -> None:
    if isinstance(fsm_storage, SQLiteStorage):
        expired = await fsm_storage.purge_expired()
        if expired:
            log.info("%d idle conversations expired", expired)
    poster.start(bot)
    await set_commands(bot, content, settings)
    await warn_if_public(bot, settings)


async def warn_if_public(bot: Bot, settings: Settings) -> None:
    """A public operators' group shows full registration cards to anyone who finds it."""
    if settings.admin_chat_id is None:
        return
    try:
        chat = await bot.get_chat(settings.admin_chat_id)
    except TelegramAPIError as exc:
        log.warning("ADMIN_CHAT_ID: could not read the operators' chat: %s", exc)
        return
    if chat.username:
        log.warning("ADMIN_CHAT_ID is a public group (@%s): anyone can read its registration "
                    "cards and questions; make the group private", chat.username)


async def on_shutdown(poster: RegistrationPoster) -> None:
    await poster.stop()
async def start_broadcasts(bot: Bot, broadcaster: Broadcaster) -> None:
    """The announcement worker runs beside polling and resumes unfinished jobs."""
    await broadcaster.start(bot)


async def stop_broadcasts(broadcaster: Broadcaster) -> None:
    await broadcaster.stop()


async def set_commands(bot: Bot, content: ContentStore, settings: Settings) -> None:
    """The command menu in each language (and the default one); a failure is only logged."""
    for lang in (*LANGUAGES, None):
        texts = content.i18n(lang or settings.default_language)
        commands = [BotCommand(command=c, description=texts(f"cmd-{c}")) for c in MENU_COMMANDS]
        try:
            await bot.set_my_commands(commands, scope=BotCommandScopeDefault(),
                                      language_code=lang)
        except TelegramAPIError as exc:
            log.warning("set_my_commands(%s) failed: %s", lang or "default", exc)
