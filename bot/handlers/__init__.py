"""One router per feature; the order of `get_routers()` is the order updates are tried."""

from __future__ import annotations

from aiogram import Router

from bot.handlers import answers, errors, menu, registration, registration_admin, start


def get_routers() -> list[Router]:
    return [
        errors.create_router(),
        # Crisis wording is answered before anything else, even in the middle of a form.
        answers.create_crisis_router(),
        # Before `start`: a command in the middle of the form closes the form first, and
        # `/start reg-<topic>` deep links open it.
        registration.create_router(),
        registration_admin.create_router(),
        start.create_router(),
        menu.create_router(),
        # Free text is the catch-all: it must come last, or it would swallow commands,
        # form answers and button presses meant for the routers above.
        answers.create_router(),
    ]
