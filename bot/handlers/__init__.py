"""One router per feature; the order of `get_routers()` is the order updates are tried."""

from __future__ import annotations

from aiogram import Router

from bot.filters import InPrivate
from bot.handlers import (
    admin,
    announcements,
    answers,
    errors,
    event_admin,
    events,
    handoff,
    menu,
    panel,
    registration,
    registration_admin,
    start,
)


def get_routers() -> list[Router]:
    private = [
        # An admin composing an announcement may well write about crisis helplines: in that
        # state the message is the announcement, so this router goes before the crisis one.
        announcements.create_router(),
        # The same for an admin writing an event (a seminar on helplines has such words).
        event_admin.create_router(),
        # Crisis wording is answered before anything else, even in the middle of a form.
        answers.create_crisis_router(),
        # Before `start`: a command in the middle of a form closes the form first, and
        # `/start reg-<topic>` deep links open the registration form.
        registration.create_router(),
        handoff.create_router(),
        # Before `start` (`/start ev-<id>`) and, with its free-text questions about events,
        # before `answers`; after the crisis router and the forms above.
        events.create_router(),
        start.create_router(),
        menu.create_router(),
        admin.create_router(),
        panel.create_router(),
        # Free text is the catch-all: it must come last, or it would swallow commands,
        # form answers and button presses meant for the routers above.
        answers.create_router(),
    ]
    # The bot also sits in the operators' group: only the group router may act there.
    for router in private:
        router.message.filter(InPrivate())
        router.callback_query.filter(InPrivate())
    # Status buttons on registration posts are pressed in the admin chat, by admins only.
    return [
        errors.create_router(),
        handoff.create_group_router(),
        registration_admin.create_router(),
        *private,
    ]
