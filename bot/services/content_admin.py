"""Changing what the bot says from the web panel, safely: check a draft of a topic with
exactly `check-content`'s rules, answer questions with it before it is saved, save it
atomically, keep every version, and reload the running bot the way `/reload` does.

The files in content/ stay the source of truth. Every version of a topic file is kept in
`content_versions`: the panel records what it writes, and every reload (from the panel,
`/reload` or start-up) records a file whose hash differs from its last recorded version,
so a hand edit on the server shows up in the history as "found on disk".

A draft is checked by `bot.catalog.loader.check` over an overlay of the content folder (a
temporary folder of links to every file but the edited one, which is written there), so
the rules, the card's HTML check and the length limits are the loader's own, not a copy.
"""

from __future__ import annotations

import asyncio
import contextlib
import difflib
import hashlib
import os
import re
import tempfile
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from bot import clock
from bot.catalog.files import NotRegularFileError, NotUtf8Error, read_text
from bot.catalog.loader import Catalog, ContentError, Report, catalog_of, check
from bot.catalog.models import TOPIC_ID, Topic
from bot.catalog.store import ContentStore
from bot.catalog.topic_file import dump_topic
from bot.config import LANGUAGES, Language
from bot.db.content_versions import ContentVersion, ContentVersions
from bot.db.database import Database
from bot.services import audit
from bot.services.answers import Answer, Answerer
from bot.services.audit import Actor

TOPICS = "topics"
WarningKind = Literal["fill", "checked", "sources", "other"]
WARNING_KINDS: tuple[WarningKind, ...] = ("fill", "checked", "sources", "other")


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def valid_id(topic_id: str) -> bool:
    return re.fullmatch(TOPIC_ID, topic_id) is not None


def rel_path(topic_id: str) -> str:
    return f"{TOPICS}/{topic_id}.toml"


# --- reading -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TopicFile:
    """A topic file as it is on disk now: its text, hash (the edit form's version token)
    and raw data (tokens such as `{{mrp 30}}` unrendered)."""

    topic_id: str
    text: str
    sha256: str
    data: dict[str, object]


def read_topic(content_dir: Path, topic_id: str) -> TopicFile | None:
    """None when there is no such topic file or it cannot be read as TOML."""
    if not valid_id(topic_id):
        return None
    path = content_dir / rel_path(topic_id)
    try:
        text = read_text(path)
        data = tomllib.loads(text)
    except (OSError, NotUtf8Error, NotRegularFileError, tomllib.TOMLDecodeError):
        return None
    return TopicFile(topic_id, text, sha256(text), data)


def kind_of(warning: str) -> WarningKind:
    """Which filter of the topics list a `check-content` warning falls under."""
    if "admin-fill placeholder" in warning:
        return "fill"
    if ": checked:" in warning or "checked, sources" in warning:
        return "checked"
    if ": sources:" in warning or ": source:" in warning:
        return "sources"
    return "other"


@dataclass(frozen=True, slots=True)
class TopicRow:
    topic: Topic
    warnings: list[str]
    kinds: dict[WarningKind, int]


def overview(catalog: Catalog, kind: WarningKind | None = None) -> list[TopicRow]:
    """Every topic with the warnings the last load gave it (the same as `check-content`);
    `kind` keeps only the topics with a warning of that kind."""
    rows = []
    for topic in sorted(catalog.topics.values(), key=lambda t: (t.category, t.order, t.id)):
        prefix = f"{topic.id}.toml:"
        found = [w for w in catalog.warnings if w.startswith(prefix)]
        kinds: dict[WarningKind, int] = {}
        for warning in found:
            kinds[kind_of(warning)] = kinds.get(kind_of(warning), 0) + 1
        if kind is None or kind in kinds:
            rows.append(TopicRow(topic, found, kinds))
    return rows


# --- drafts ------------------------------------------------------------------------------


@dataclass
class Draft:
    """A topic's text checked as if it were saved: `check-content`'s errors (any, since
    the content loads whole or not at all) and this topic's warnings."""

    topic_id: str
    text: str
    report: Report
    errors: list[str]
    warnings: list[str]
    topic: Topic | None
    _catalog: Catalog | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return not self.errors

    def catalog(self) -> Catalog | None:
        if self.errors:
            return None
        if self._catalog is None:
            self._catalog = catalog_of(self.report)
        return self._catalog


@contextlib.contextmanager
def _overlay(content_dir: Path, replaced: str, text: str) -> Iterator[Path]:
    """A temporary content folder: links to every file of `content_dir`, except `replaced`
    (a path inside it), which holds `text`."""
    with tempfile.TemporaryDirectory(prefix="jastar-draft-") as tmp:
        root = Path(tmp)
        parts = Path(replaced).parts
        for entry in content_dir.iterdir():
            if entry.name != parts[0]:
                (root / entry.name).symlink_to(entry.resolve())
        if len(parts) == 1:  # a file at the top: search.toml
            (root / parts[0]).write_text(text, encoding="utf-8")
            yield root
            return
        inner = root / parts[0]
        inner.mkdir()
        source = content_dir / parts[0]
        if source.is_dir():
            for entry in source.iterdir():
                if entry.name != parts[1]:
                    (inner / entry.name).symlink_to(entry.resolve())
        (inner / parts[1]).write_text(text, encoding="utf-8")
        yield root


def check_draft(content_dir: Path, topic_id: str, text: str, path: str | None = None) -> Draft:
    """Check a topic's new text (or another file's, `path` inside content/) with the
    loader's own rules (blocking: call in a thread)."""
    with _overlay(content_dir, path or rel_path(topic_id), text) as root:
        report = check(root)
    prefix = f"{topic_id}.toml"
    topic = next((t for t in report.topics if t.id == topic_id), None)
    return Draft(
        topic_id,
        text,
        report,
        list(report.errors),
        [w for w in report.warnings if w.startswith(prefix)],
        topic,
    )


def try_question(draft: Draft, question: str, lang: Language) -> Answer | None:
    """The real answer engine over the draft's content (blocking: call in a thread); None
    when the draft does not load."""
    catalog = draft.catalog()
    if catalog is None:
        return None
    answerer = Answerer()
    answerer.rebuild(catalog)
    return answerer.answer(question, lang)


# --- saving and reloading ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Saved:
    version_id: int
    topics: int
    warnings: int


@dataclass(frozen=True, slots=True)
class Conflict:
    """The file changed since the form was opened (another admin, or a hand edit)."""

    current_sha: str


@dataclass(frozen=True, slots=True)
class Refused:
    errors: list[str]


@dataclass(frozen=True, slots=True)
class Reloaded:
    errors: list[str]
    warnings: list[str]
    topics: int


def swap(content: ContentStore) -> Reloaded:
    """Check the folder and swap it in (blocking). On any error the running content stays
    as it was (`ContentStore.reload` loads fully before swapping). The checks are
    `check-content`'s, texts included: one reading, checked and used."""
    try:
        catalog = content.reload()
    except ContentError as exc:
        return Reloaded(exc.errors, [], 0)
    return Reloaded([], catalog.warnings, len(catalog.topics))


async def record_disk(db: Database, content_dir: Path) -> int:
    """Record every topic file whose text is not its last recorded version (a hand edit,
    or a file seen for the first time). Returns how many were recorded."""
    found: list[tuple[str, str, str]] = []
    for path in [content_dir / SEARCH, *sorted((content_dir / TOPICS).glob("*.toml"))]:
        try:
            text = read_text(path)
        except (OSError, NotUtf8Error):
            continue
        found.append((path.relative_to(content_dir).as_posix(), sha256(text), text))
    at = clock.iso(clock.now())
    async with db.transaction() as conn:
        repo = ContentVersions(conn)
        known = await repo.latest_hashes()
        fresh = [(p, h, t) for p, h, t in found if known.get(p) != h]
        for name, digest, text in fresh:
            await repo.add(name, digest, text, at, None, "disk")
    return len(fresh)


async def reload(db: Database, content: ContentStore, actor: Actor) -> Reloaded:
    """`/reload` and the panel's reload: re-read content/ without a restart, record hand
    edits in the history, and audit it. A broken edit is reported, not applied."""
    # Reading and indexing take a moment: off the event loop, so other users are served.
    result = await asyncio.to_thread(swap, content)
    if not result.errors:
        await record_disk(db, content.content_dir)
    await audit.record(
        db,
        actor,
        "reload",
        ok=not result.errors,
        topics=result.topics,
        warnings=len(result.warnings),
        errors=len(result.errors),
    )
    return result


def write_atomically(path: Path, text: str) -> None:
    """A temporary file beside `path` (not `*.toml`, so no reader takes it for a topic),
    flushed to disk, then renamed over it: a reader sees the old file or the new one."""
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # the rename itself made durable
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


async def save(
    db: Database,
    content: ContentStore,
    lock: asyncio.Lock,
    topic_id: str,
    text: str,
    expected_sha: str,
    actor: Actor,
    *,
    restored_from: int | None = None,
) -> Saved | Conflict | Refused:
    """Save a topic's new text if the file is still the version the admin edited, the
    content loads with it, and the running bot takes it; record the version and audit it.

    Refused (with the loader's errors) leaves the file and the running bot as they were."""
    async with lock:  # one panel save at a time: check, write and reload as one step
        current = read_topic(content.content_dir, topic_id)
        if current is None:
            return Refused([f"{rel_path(topic_id)}: not found"])
        if current.sha256 != expected_sha:
            return Conflict(current.sha256)
        action = "content-restore" if restored_from else "content-save"
        return await _write(
            db, content, rel_path(topic_id), current.text, text, actor, action, restored_from
        )


async def _write(
    db: Database,
    content: ContentStore,
    path: str,
    old: str,
    text: str,
    actor: Actor,
    action: str,
    restored_from: int | None = None,
    **details: object,
) -> Saved | Refused:
    """Check, write atomically, reload, record and audit (the caller holds the lock)."""
    target = content.content_dir / path
    topic_id = Path(path).stem
    draft = await asyncio.to_thread(check_draft, content.content_dir, topic_id, text, path)
    if draft.errors:
        return Refused(draft.errors)
    await asyncio.to_thread(write_atomically, target, text)
    result = await asyncio.to_thread(swap, content)
    if result.errors:  # another file went bad meanwhile: put ours back as it was
        await asyncio.to_thread(write_atomically, target, old)
        return Refused(result.errors)
    at = clock.now()
    async with db.transaction() as conn:
        version_id = await ContentVersions(conn).add(
            path,
            sha256(text),
            text,
            clock.iso(at),
            actor.admin_id,
            "restore" if restored_from else "panel",
            restored_from,
        )
        await audit.record_in(
            conn,
            actor,
            action,
            f"topic:{topic_id}" if path.startswith(TOPICS) else f"content:{path}",
            at,
            version=version_id,
            restored_from=restored_from,
            warnings=len(draft.warnings),
            **details,
        )
    await record_disk(db, content.content_dir)  # other files edited by hand meanwhile
    return Saved(version_id, result.topics, len(result.warnings))


# --- from questions to answers -----------------------------------------------------------


async def add_faq(
    db: Database,
    content: ContentStore,
    lock: asyncio.Lock,
    topic_id: str,
    questions: dict[Language, list[str]],
    answers: dict[Language, str],
    actor: Actor,
) -> Saved | Refused:
    """Add a question (the /gaps report's) as a new FAQ item of a topic, in both
    languages, to the file as it is now: an addition, so it never overwrites an edit."""
    async with lock:
        current = read_topic(content.content_dir, topic_id)
        if current is None:
            return Refused([f"{rel_path(topic_id)}: not found"])
        data = dict(current.data)
        for lang in LANGUAGES:
            found = data.get(lang)
            text: dict[str, object] = dict(found) if isinstance(found, dict) else {}
            before = text.get("faq")
            faq = list(before) if isinstance(before, list) else []
            faq.append({"questions": questions.get(lang, []), "answer": answers.get(lang, "")})
            text["faq"] = faq
            data[lang] = text
        return await _write(
            db,
            content,
            rel_path(topic_id),
            current.text,
            dump_topic(data),
            actor,
            "gap-faq",
        )


SEARCH = "search.toml"
OFFTOPIC_OPEN = re.compile(r"^offtopic\s*=\s*\[", re.MULTILINE)


def with_offtopic(text: str, phrase: str, day: str) -> str | None:
    """search.toml with `phrase` added at the end of the `offtopic` list, on its own line
    with a comment, the rest of the file (its comments and layout) untouched. A line-level
    edit: the file is written by hand, grouped and commented, and must stay so. None when
    the list cannot be found."""
    opened = OFFTOPIC_OPEN.search(text)
    if opened is None:
        return None
    depth, i, quoted = 1, opened.end(), False
    while i < len(text) and depth:
        ch = text[i]
        if quoted:
            if ch == "\\":
                i += 1
            elif ch == '"':
                quoted = False
        elif ch == '"':
            quoted = True
        elif ch == "#":
            i = text.find("\n", i)
            if i < 0:
                return None
        elif ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
            if not depth:
                break
        i += 1
    if depth:
        return None
    line_start = text.rfind("\n", 0, i) + 1
    head = text[:line_start].rstrip()
    if not head.endswith(",") and not head.endswith("["):
        head += ","
    from bot.catalog.topic_file import _basic

    added = f"    {_basic(phrase)},  # added in the web panel, {day}\n"
    return head + "\n" + added + text[line_start:]


async def mark_out_of_scope(
    db: Database, content: ContentStore, lock: asyncio.Lock, phrase: str, actor: Actor
) -> Saved | Refused:
    """Add a question to the out-of-scope phrases of search.toml: the bot then says
    honestly it does not cover it, instead of offering an unrelated programme."""
    async with lock:
        path = content.content_dir / SEARCH
        try:
            old = read_text(path)
        except (OSError, NotUtf8Error):
            return Refused([f"{SEARCH}: cannot be read"])
        text = with_offtopic(old, phrase, clock.day(clock.today()))
        if text is None:
            return Refused([f"{SEARCH}: offtopic: the list was not found"])
        return await _write(db, content, SEARCH, old, text, actor, "gap-offtopic")


# --- history -----------------------------------------------------------------------------


async def history(db: Database, topic_id: str) -> list[ContentVersion]:
    return await ContentVersions(db.conn).of_path(rel_path(topic_id))


async def version(db: Database, version_id: int) -> ContentVersion | None:
    return await ContentVersions(db.conn).get(version_id)


@dataclass(frozen=True, slots=True)
class DiffLine:
    kind: Literal["add", "del", "ctx", "hunk"]
    text: str


def diff(old: str, new: str, context: int = 2) -> list[DiffLine]:
    """A readable line diff (unified, a few lines of context)."""
    out: list[DiffLine] = []
    lines = difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=context)
    for line in lines:
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            out.append(DiffLine("hunk", "…"))
        elif line.startswith("+"):
            out.append(DiffLine("add", line[1:]))
        elif line.startswith("-"):
            out.append(DiffLine("del", line[1:]))
        else:
            out.append(DiffLine("ctx", line[1:]))
    return out


async def changes_of(db: Database, found: ContentVersion) -> list[DiffLine]:
    """What a version changed against the one before it (all added for the first)."""
    before = await ContentVersions(db.conn).before(found)
    return diff(before.body if before else "", found.body)
