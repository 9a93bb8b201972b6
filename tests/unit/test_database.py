"""Migrations and transactions: in order, recorded, atomic."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.db.database import Database, MigrationError
from bot.db.users import Users


async def test_pragmas_and_schema(tmp_path: Path) -> None:
    async with Database(tmp_path / "a.sqlite3") as db:
        applied = await db.migrate()
        assert applied[:2] == ["0001_init.sql", "0002_question_log.sql"]
        assert applied == sorted(applied)
        assert await db.migrate() == []
        # Versions are the file numbers (a number reserved by another branch may be missing).
        assert await db.schema_version() == int(applied[-1][:4])
        mode = await db.fetch_one("PRAGMA journal_mode")
        fks = await db.fetch_one("PRAGMA foreign_keys")
        timeout = await db.fetch_one("PRAGMA busy_timeout")
        assert mode and mode[0] == "wal"
        assert fks and fks[0] == 1
        assert timeout and timeout[0] >= 1000


async def test_failed_migration_leaves_nothing_behind(tmp_path: Path) -> None:
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "0001_ok.sql").write_text("CREATE TABLE a (x INTEGER);", encoding="utf-8")
    (folder / "0002_broken.sql").write_text(
        "CREATE TABLE b (y INTEGER);\nINSERT INTO nowhere VALUES (1);", encoding="utf-8"
    )
    async with Database(tmp_path / "b.sqlite3") as db:
        with pytest.raises(MigrationError, match=r"0002_broken\.sql"):
            await db.migrate(folder)
        assert await db.schema_version() == 1
        tables = {r[0] for r in await db.fetch_all("SELECT name FROM sqlite_master")}
        assert "a" in tables and "b" not in tables


async def test_misnamed_migration_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "init.sql").write_text("SELECT 1;", encoding="utf-8")
    async with Database(tmp_path / "c.sqlite3") as db:
        with pytest.raises(MigrationError, match=r"init\.sql"):
            await db.migrate(folder)


async def test_transaction_rolls_back_on_error(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.transaction() as conn:
            await Users(conn).touch(1)
            raise RuntimeError("crash mid-way")
    assert await Users(db.conn).get(1) is None


async def test_user_touch_language_and_flags(db: Database) -> None:
    async with db.transaction() as conn:
        users = Users(conn)
        first = await users.touch(7, now="2026-01-01T00:00:00Z")
        await users.set_language(7, "ru")
        await users.set_blocked(7, True)
        again = await users.touch(7, now="2026-02-01T00:00:00Z")
    assert first.language is None and first.subscribed and not first.blocked
    assert again.language == "ru" and again.first_seen == "2026-01-01T00:00:00Z"
    assert again.last_seen == "2026-02-01T00:00:00Z"
    assert not again.blocked, "a user who writes again has unblocked the bot"


MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
BUTTON_TABLES = ("tickets", "registrations", "broadcasts", "question_log")


async def test_ids_in_buttons_are_never_given_again(tmp_path: Path) -> None:
    """A database made before 0008, with rows: the rebuild keeps every row, id and link
    (deleting a ticket still takes its thread along), and the id of a deleted newest row
    is not handed out again: an old "close" button cannot reach a new ticket."""
    before = tmp_path / "before"
    before.mkdir()
    for path in sorted(MIGRATIONS.glob("000[1-7]_*.sql")):
        (before / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    now = "2026-01-01T00:00:00Z"
    async with Database(tmp_path / "ids.sqlite3") as db:
        await db.migrate(before)
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO users VALUES (5, 'kk', ?, ?, 1, 0)", (now, now))
            for _ in range(2):
                await conn.execute(
                    "INSERT INTO tickets (user_id, language, created_at,"
                    " updated_at) VALUES (5, 'kk', ?, ?)",
                    (now, now),
                )
            await conn.execute(
                "INSERT INTO ticket_messages (ticket_id, chat_id, message_id,"
                " role, created_at) VALUES (2, -100, 7, 'ticket', ?)",
                (now,),
            )
            await conn.execute(
                "INSERT INTO broadcasts (created_by, source_chat_id,"
                " source_message_id, audience, due_at, created_at)"
                " VALUES (1, 1, 1, '{}', ?, ?)",
                (now, now),
            )
            await conn.execute(
                "INSERT INTO broadcast_deliveries (broadcast_id, user_id) VALUES (1, 5)"
            )
            await conn.execute(
                "INSERT INTO registrations (user_id, topic_id, created_at,"
                " updated_at, admin_message_id) VALUES (5, 'neet', ?, ?, 9)",
                (now, now),
            )
            await conn.execute(
                "INSERT INTO question_log (user_id, asked_at, normalised,"
                " language, score, answered) VALUES (5, ?, 'q', 'kk', 0, 0)",
                (now,),
            )
        assert "0008_ids_never_reused.sql" in await db.migrate(MIGRATIONS)
        assert await db.fetch_all("PRAGMA foreign_key_check") == []
        message = await db.fetch_one("SELECT ticket_id, message_id FROM ticket_messages")
        assert message is not None and tuple(message) == (2, 7)
        registration = await db.fetch_one("SELECT admin_message_id FROM registrations")
        assert registration is not None and registration[0] == 9
        delivery = await db.fetch_one("SELECT broadcast_id, user_id FROM broadcast_deliveries")
        assert delivery is not None and tuple(delivery) == (1, 5)
        async with db.transaction() as conn:
            await conn.execute("DELETE FROM tickets WHERE id = 2")
        assert await db.fetch_all("SELECT * FROM ticket_messages") == []  # cascade kept
        async with db.transaction() as conn:
            for table in BUTTON_TABLES:
                newest = await (await conn.execute(f"SELECT MAX(id) FROM {table}")).fetchone()
                await conn.execute(f"DELETE FROM {table} WHERE id = ?", (newest[0],))
            await conn.execute(
                "INSERT INTO tickets (user_id, language, created_at,"
                " updated_at) VALUES (5, 'kk', ?, ?)",
                (now, now),
            )
            await conn.execute(
                "INSERT INTO broadcasts (created_by, source_chat_id,"
                " source_message_id, audience, due_at, created_at)"
                " VALUES (1, 1, 1, '{}', ?, ?)",
                (now, now),
            )
            await conn.execute(
                "INSERT INTO registrations (user_id, topic_id, created_at,"
                " updated_at) VALUES (5, 'neet', ?, ?)",
                (now, now),
            )
            await conn.execute(
                "INSERT INTO question_log (user_id, asked_at, normalised,"
                " language, score, answered) VALUES (5, ?, 'q', 'kk', 0, 0)",
                (now,),
            )
        ids = {
            table: (await db.fetch_one(f"SELECT id FROM {table}"))[0]  # type: ignore[index]
            for table in BUTTON_TABLES
        }
        assert ids == {"tickets": 3, "registrations": 2, "broadcasts": 2, "question_log": 2}


def test_scrub_numbers_drops_phones_and_id_numbers_only() -> None:
    from bot.db.questions import scrub_numbers

    assert scrub_numbers("ин9010130123 тел 7 701 123 45 67 грант") == "ин тел грант"
    assert scrub_numbers("позвоните 123 45 67") == "позвоните"
    kept = "мне 19 лет в 2025 году 1 0 0 тенге"  # "1 000 000" once normalised
    assert scrub_numbers(kept) == kept
