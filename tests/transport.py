"""Test-only lookups into a bot's session (the production code never needs them)."""

from __future__ import annotations

from aiogram import Bot

from bot.transport.retry import RetryMiddleware


def retry_middleware(bot: Bot) -> RetryMiddleware:
    """The retry middleware `create_bot` installed on this bot's session."""
    for middleware in bot.session.middleware:
        if isinstance(middleware, RetryMiddleware):
            return middleware
    raise LookupError("this bot's session has no RetryMiddleware")
