"""The FSM storage keeps changes in memory until `flush()`; what it writes and when."""

from __future__ import annotations

import asyncio

import pytest
from aiogram.fsm.storage.base import StorageKey

from bot.db import fsm_storage
from bot.db.database import Database
from bot.db.fsm_storage import SQLiteStorage
from bot.isolation import OneUpdateAtATime


def key(user_id: int) -> StorageKey:
    return StorageKey(bot_id=1, chat_id=user_id, user_id=user_id)


async def stored(db: Database) -> dict[str, tuple[str | None, str]]:
    rows = await db.fetch_all("SELECT key, state, data FROM fsm_state ORDER BY key")
    return {row["key"]: (row["state"], row["data"]) for row in rows}


async def test_state_and_data_reach_sqlite_together_at_flush(db: Database) -> None:
    storage = SQLiteStorage(db)
    await storage.set_state(key(5), "RegForm:age")
    await storage.update_data(key(5), {"name": "Ерлан"})
    assert await stored(db) == {}  # nothing written yet…
    assert await storage.get_state(key(5)) == "RegForm:age"  # …but read back at once
    await storage.flush()
    assert list((await stored(db)).values()) == [("RegForm:age", '{"name": "Ерлан"}')]
    # A fresh storage (a restarted bot) reads the same row from the file.
    again = SQLiteStorage(db)
    assert await again.get_data(key(5)) == {"name": "Ерлан"}


async def test_one_flush_writes_many_users_and_deletes_finished_forms(db: Database) -> None:
    storage = SQLiteStorage(db)
    for user_id in range(1, 6):
        await storage.set_state(key(user_id), "RegForm:name")
    await storage.flush()
    await storage.set_state(key(1), None)  # user 1 finished: no state, no data
    await storage.set_state(key(2), "RegForm:phone")
    await storage.flush()
    rows = await stored(db)
    assert len(rows) == 4 and ("RegForm:phone", "{}") in rows.values()


async def test_a_failed_flush_keeps_the_changes_for_the_next_one(db: Database) -> None:
    storage = SQLiteStorage(db)
    await storage.set_state(key(7), "RegForm:age")
    await storage.set_state(key(8), "RegForm:age")
    await db.conn.execute("ALTER TABLE fsm_state RENAME TO fsm_away")
    with pytest.raises(Exception, match="fsm_state"):
        await storage.flush()
    await storage.set_state(key(8), "RegForm:phone")  # changed again meanwhile: newer wins
    await db.conn.execute("ALTER TABLE fsm_away RENAME TO fsm_state")
    await storage.flush()
    assert sorted(state for state, _ in (await stored(db)).values()) == [
        "RegForm:age",
        "RegForm:phone",
    ]


async def test_forget_turns_pending_changes_into_deletes(db: Database) -> None:
    storage = SQLiteStorage(db)
    await storage.set_data(key(9), {"phone": "+77011234567"})
    await storage.flush()
    await storage.set_data(key(9), {"phone": "+77011234567", "district": "abai"})
    await db.conn.execute("DELETE FROM fsm_state")  # what /forget does with plain SQL
    storage.forget(9)
    await storage.flush()
    assert await stored(db) == {}
    assert await storage.get_data(key(9)) == {}


async def test_a_pending_row_pushed_out_of_the_cache_is_still_read(
    db: Database,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(fsm_storage, "CACHE_SIZE", 2)
    storage = SQLiteStorage(db)
    await storage.set_state(key(1), "RegForm:age")
    for user_id in range(2, 6):  # evicts user 1 from the cache before any flush
        await storage.get_state(key(user_id))
    assert await storage.get_state(key(1)) == "RegForm:age"


async def test_a_failed_flush_never_brings_back_an_older_value(db: Database) -> None:
    storage = SQLiteStorage(db)
    await storage.set_data(key(3), {"phone": "old"})
    async with db.transaction() as conn:  # another writer holds the turn
        first = asyncio.create_task(storage.flush())
        await asyncio.sleep(0)  # it has taken "old" and waits
        await storage.set_data(key(3), {"phone": "new"})
        second = asyncio.create_task(storage.flush())
        await asyncio.sleep(0)
        await conn.execute("ALTER TABLE fsm_state RENAME TO fsm_away")  # both will fail
    results = await asyncio.gather(first, second, return_exceptions=True)
    assert isinstance(results[0], Exception)
    assert await storage.get_data(key(3)) == {"phone": "new"}
    await db.conn.execute("ALTER TABLE fsm_away RENAME TO fsm_state")
    await storage.flush()
    assert list((await stored(db)).values()) == [(None, '{"phone": "new"}')]


async def test_forget_beside_a_flush_in_flight_leaves_no_row(db: Database) -> None:
    storage = SQLiteStorage(db)
    await storage.set_data(key(9), {"phone": "+77011234567"})
    async with db.transaction() as conn:  # /forget's transaction, ahead of the flush
        flushing = asyncio.create_task(storage.flush())
        await asyncio.sleep(0)  # the phone is on its way to the table
        await conn.execute("DELETE FROM fsm_state")
    storage.forget(9)
    await flushing  # writes the phone after /forget's delete…
    await storage.flush()  # …and the delete it was turned into follows
    assert await stored(db) == {}


async def test_a_value_json_cannot_hold_fails_where_it_is_set(db: Database) -> None:
    storage = SQLiteStorage(db)
    await storage.set_state(key(1), "RegForm:name")
    with pytest.raises(TypeError):
        await storage.set_data(key(2), {"tags": {"a", "b"}})
    await storage.flush()  # the other user's row is not lost with it
    assert list((await stored(db)).values()) == [("RegForm:name", "{}")]


async def test_one_update_at_a_time_per_user_and_no_lock_kept() -> None:
    isolation = OneUpdateAtATime()
    order: list[str] = []

    async def handle(user_id: int, name: str) -> None:
        async with isolation.lock(key(user_id)):
            order.append(f"{name} in")
            await asyncio.sleep(0.01)
            order.append(f"{name} out")

    await asyncio.gather(handle(1, "a1"), handle(1, "a2"), handle(2, "b1"))
    assert order.index("a1 out") < order.index("a2 in")  # the same user: one after another
    assert order.index("b1 in") < order.index("a1 out")  # another user is not held up
    assert isolation.held == 0


async def test_delete_user_rows_takes_every_form_of_that_user_and_no_other(db: Database) -> None:
    """/forget asks the storage, which alone knows the key format, to delete a user's rows
    inside the caller's transaction; a user whose id ends the same digits keeps theirs."""
    storage = SQLiteStorage(db)
    await storage.set_state(key(9), "RegForm:phone")
    await storage.update_data(key(9), {"phone": "+77011234567"})
    await storage.set_state(StorageKey(bot_id=1, chat_id=9, user_id=9, destiny="x"), "Ask:text")
    await storage.set_state(key(19), "RegForm:name")
    await storage.flush()
    async with db.transaction() as conn:
        await fsm_storage.delete_user_rows(conn, 9)
    assert [k.split(":")[1:3] for k in await stored(db)] == [["19", "19"]]
