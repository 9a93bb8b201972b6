"""One router per feature; the order of `get_routers()` is the order updates are tried."""

from __future__ import annotations

from aiogram import Router

from bot.handlers import announcements, answers, errors, menu, start


def get_routers() -> list[Router]:
    return [
        errors.create_router(),
        # An admin composing an announcement may well write about crisis helplines: in that
        # state the message is the announcement, so this router goes before the crisis one.
        announcements.create_router(),
        # Crisis wording is answered before anything else, even in the middle of a form.
        answers.create_crisis_router(),
        start.create_router(),
        menu.create_router(),
        # Free text is the catch-all: it must come last, or it would swallow commands,
        # form answers and button presses meant for the routers above.
        answers.create_router(),
    ]
