"""Reads `content/`, validates it and reports problems the way an editor can act on them."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pydantic import ValidationError

from bot import clock
from bot.catalog.events import EventsConfig, EventsFile
from bot.catalog.files import NotRegularFileError, NotUtf8Error, read_text
from bot.catalog.models import (
    FILL,
    REQUIRED_TOPIC_IDS,
    Category,
    ConsentNotice,
    Topic,
    TopicText,
)
from bot.catalog.mrp import MrpTable, MrpYear, render
from bot.catalog.topic_model import shared_model
from bot.config import LANGUAGES
from bot.i18n import I18n, TextsError
from bot.transport.html import ApiError, parse_html
from bot.views.menu import topic_card, topic_full

NUMBER = re.compile(r"\d+(?:[ \u00a0\u202f]\d{3})*(?:[.,]\d+)?")


class ContentError(Exception):
    """The content cannot be loaded; `errors` holds one line per problem."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass
class Catalog:
    """The loaded content: categories in menu order and topics by id."""

    categories: list[Category]
    topics: dict[str, Topic]
    warnings: list[str] = field(default_factory=list)
    offtopic: list[str] = field(default_factory=list)
    consent: ConsentNotice | None = None
    events: EventsConfig = field(default_factory=EventsConfig)

    def get(self, topic_id: str) -> Topic | None:
        return self.topics.get(topic_id)

    def category(self, category_id: str) -> Category | None:
        return next((c for c in self.categories if c.id == category_id), None)

    def in_category(self, category_id: str) -> list[Topic]:
        found = [t for t in self.topics.values() if t.category == category_id]
        return sorted(found, key=lambda t: (t.order, t.id))

    def visible_categories(self) -> list[Category]:
        """Categories that hold at least one topic: an empty section is a dead end."""
        return [c for c in self.categories if any(t.category == c.id for t in self.topics.values())]


@dataclass
class Report:
    """What `check-content` prints: topics found, warnings, errors."""

    categories: list[Category] = field(default_factory=list)
    topics: list[Topic] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    offtopic: list[str] = field(default_factory=list)
    consent: ConsentNotice | None = None
    i18n: I18n | None = None
    # The MRP year and value the amounts were rendered with (None: no table).
    mrp: tuple[int, int] | None = None
    events: EventsConfig = field(default_factory=EventsConfig)


def _read_toml(path: Path, errors: list[str]) -> dict[str, object] | None:
    try:
        return tomllib.loads(read_text(path))
    except (NotUtf8Error, NotRegularFileError) as exc:
        errors.append(str(exc))
    except OSError as exc:
        errors.append(f"{path.name}: cannot be read: {exc.strerror or exc}")
    except tomllib.TOMLDecodeError as exc:
        errors.append(f"{path.name}: TOML syntax: {exc}")
    return None


def _describe(path: Path, exc: ValidationError) -> list[str]:
    out = []
    for err in exc.errors():
        where = ".".join(str(part) for part in err["loc"]) or "(file)"
        out.append(f"{path.name}: {where}: {err['msg']}")
    return out


def numbers_in(text: str) -> set[str]:
    """Numbers as written, normalised: `29 807` → `29807`, `23,5` → `23.5`."""
    found = set()
    for match in NUMBER.finditer(text):
        value = re.sub(r"[ \u00a0\u202f]", "", match.group(0)).replace(",", ".")
        found.add(value)
    return found


def _language_checks(topic: Topic, errors: list[str], warnings: list[str]) -> None:
    name = f"{topic.id}.toml"
    kk, ru = topic.kk, topic.ru
    for field_name in TopicText.TEXT_FIELDS:
        filled = {lang: bool(getattr(topic.text(lang), field_name)) for lang in LANGUAGES}
        if len(set(filled.values())) > 1:
            empty = next(lang for lang, ok in filled.items() if not ok)
            errors.append(f"{name}: {empty}.{field_name}: filled in the other language, empty here")
    if bool(kk.faq) != bool(ru.faq):
        errors.append(f"{name}: faq: present in one language only")
    elif len(kk.faq) != len(ru.faq):
        warnings.append(f"{name}: faq: {len(kk.faq)} items in kk, {len(ru.faq)} in ru")
    kk_numbers = set().union(*(numbers_in(text) for _, text in kk.strings()))
    ru_numbers = set().union(*(numbers_in(text) for _, text in ru.strings()))
    if kk_numbers != ru_numbers:
        only_kk = sorted(kk_numbers - ru_numbers)
        only_ru = sorted(ru_numbers - kk_numbers)
        warnings.append(
            f"{name}: numbers differ between languages: only in kk {only_kk}, only in ru {only_ru}"
        )
    for lang in LANGUAGES:
        for field_path, text in topic.text(lang).strings():
            for match in FILL.finditer(text):
                warnings.append(
                    f"{name}: {lang}.{field_path}: admin-fill placeholder: {match.group(1).strip()}"
                )


def check(content_dir: Path, today: date | None = None) -> Report:
    """Validate everything; never raises for a content problem (that is what the report is for).

    `today` (Shymkent's date by default) picks the MRP year the amounts are rendered with and
    dates the age of each topic's check: a reload in a new year follows it."""
    today = today or clock.today()
    report = Report()
    report.mrp = _check_mrp(content_dir / "mrp.toml", today.year, report)
    categories = report.categories
    cat_path = content_dir / "categories.toml"
    if not cat_path.exists():
        report.errors.append("categories.toml: file is missing")
    elif (data := _read_toml(cat_path, report.errors)) is not None:
        raw = data.get("category", [])
        for i, item in enumerate(raw if isinstance(raw, list) else []):
            try:
                categories.append(Category.model_validate(item))
            except ValidationError as exc:
                report.errors.extend(
                    f"categories.toml: category[{i + 1}].{line.split(': ', 1)[1]}"
                    for line in _describe(cat_path, exc)
                )
        if not categories:
            report.errors.append("categories.toml: no [[category]] entries")
    category_ids = {c.id for c in categories}

    topic_files = []
    for path in sorted((content_dir / "topics").glob("*.toml")):
        if path.is_file():
            topic_files.append(path)
        else:  # a FIFO would block the reader (and /reload) for ever; a folder is no topic
            report.warnings.append(f"topics/{path.name}: not a regular file, skipped")
    if not topic_files:
        report.errors.append("topics/: no topic files")
    for path in topic_files:
        data = _read_toml(path, report.errors)
        if data is None:
            continue
        data = _render_tokens(path, data, report)
        try:
            topic = Topic.model_validate(data)
        except ValidationError as exc:
            report.errors.extend(_describe(path, exc))
            continue
        if topic.id != path.stem:
            report.errors.append(
                f"{path.name}: id: is {topic.id!r}, must match the file name {path.stem!r}"
            )
            continue
        if topic.category not in category_ids:
            report.errors.append(
                f"{path.name}: category: {topic.category!r} is not in "
                f"categories.toml ({', '.join(sorted(category_ids))})"
            )
        _language_checks(topic, report.errors, report.warnings)
        _freshness_checks(topic, today, report.warnings)
        report.topics.append(topic)
    _check_search_lists(content_dir / "search.toml", report)
    _check_consent(content_dir / "consent.toml", report)
    _check_handoff(content_dir / "handoff.toml", report)
    _check_events(content_dir / "events.toml", report)
    _check_texts(content_dir / "ui", report)
    present = {t.id for t in report.topics}
    for topic_id in REQUIRED_TOPIC_IDS:
        if topic_id not in present:
            report.warnings.append(
                f"topics/{topic_id}.toml: missing (a topic of the catalogue "
                f"contract, shared/TOPICS.md)"
            )
    _check_model(present, report)
    return report


def _check_model(present: set[str], report: Report) -> None:
    """A topic the topic model was not trained on is found by its words alone (and if most
    are new, the model is not used at all): say so, with the command that trains it again."""
    model = shared_model()
    if model is None:
        report.warnings.append(
            "topic model: bot/catalog/topic_weights.json.gz is missing; free text is matched "
            "by words alone (python bench/train_topics.py)"
        )
        return
    for topic_id in sorted(present - set(model.classes)):
        report.warnings.append(
            f"topics/{topic_id}.toml: not yet known to the topic model, found by its words "
            f"alone until it is trained again (python bench/train_topics.py)"
        )


def _check_mrp(path: Path, year: int, report: Report) -> tuple[int, int] | None:
    """`mrp.toml`: `[2026]` tables with `value` (tenge) and `source`. Returns the (year, value)
    the amounts are shown with: this year's, or the latest earlier one with a warning."""
    if not path.exists():
        report.warnings.append(
            f"mrp.toml: file is missing: {{{{mrp N}}}} amounts cannot be "
            f"shown; add [{year}] with value and source"
        )
        return None
    data = _read_toml(path, report.errors)
    if data is None:
        return None
    years: dict[int, MrpYear] = {}
    for key, item in data.items():
        if not re.fullmatch(r"(19|20)\d\d", key) or not isinstance(item, dict):
            report.errors.append(
                f"mrp.toml: [{key}]: must be a year table such as [{year}] with value and source"
            )
            continue
        try:
            years[int(key)] = MrpYear.model_validate(item)
        except ValidationError as exc:
            report.errors.extend(
                f"mrp.toml: {key}.{line.split(': ', 1)[1]}" for line in _describe(path, exc)
            )
    table = MrpTable(years)
    used = table.for_year(year)
    if year not in years:
        fallback = f"amounts are shown at the {used[0]} MRP" if used else "amounts cannot be shown"
        report.warnings.append(
            f"mrp.toml: no MRP for {year} (the current year): {fallback}; "
            f"add [{year}] with value and source"
        )
    return used


def _render_tokens(path: Path, data: dict[str, object], report: Report) -> dict[str, object]:
    """Replace `{{mrp N}}`/`{{mrp_year}}` in both languages' texts before validation, so every
    reader (cards, search, the number check) sees the tenge amounts."""
    used = False

    def walk(value: object, where: str) -> object:
        nonlocal used
        if isinstance(value, str):
            result = render(value, report.mrp)
            used = used or result.used
            report.errors.extend(f"{path.name}: {where}: {e}" for e in result.errors)
            report.warnings.extend(
                f"{path.name}: {where}: unknown token {token!r} is not "
                f"{{{{mrp N}}}} or {{{{mrp_year}}}}; it is shown as written"
                for token in result.unknown
            )
            return result.text
        if isinstance(value, dict):
            return {k: walk(v, f"{where}.{k}") for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v, f"{where}[{i + 1}]") for i, v in enumerate(value)]
        return value

    out = {k: walk(v, k) if k in LANGUAGES else v for k, v in data.items()}
    if used and report.mrp is None:
        report.errors.append(
            f"{path.name}: uses {{{{mrp …}}}} but mrp.toml has no MRP for this "
            f"year or an earlier one"
        )
    return out


def _freshness_checks(topic: Topic, today: date, warnings: list[str]) -> None:
    """Facts go stale: a topic says where they came from and when they were last checked."""
    name = f"{topic.id}.toml"
    if topic.checked is None and not topic.sources:
        warnings.append(
            f"{name}: checked, sources: missing: add `checked = <date>` and "
            f"[[sources]] (title, url, read) in place of the `source` line"
        )
        return
    if not topic.sources:
        warnings.append(f"{name}: sources: empty: add [[sources]] (title, url, read)")
    if topic.checked is None:
        warnings.append(f"{name}: checked: missing: the date the facts were last checked")
    elif topic.checked > today:
        warnings.append(f"{name}: checked: {topic.checked} is in the future")
    elif topic.checked < _year_before(today):
        warnings.append(
            f"{name}: checked: {topic.checked} is more than a year old: check the "
            f"facts against the sources and update the date"
        )


def _year_before(day: date) -> date:
    """The same day a year earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def _check_search_lists(path: Path, report: Report) -> None:
    """`search.toml`: the out-of-scope subjects, a list of non-empty texts."""
    if not path.exists():
        report.errors.append("search.toml: file is missing (out-of-scope words)")
        return
    data = _read_toml(path, report.errors)
    if data is None:
        return
    for name in ("offtopic",):
        values = data.get(name)
        if not isinstance(values, list) or not values:
            report.errors.append(f"search.toml: {name}: must be a non-empty list of texts")
            continue
        bad = [v for v in values if not isinstance(v, str) or not v.strip()]
        if bad:
            report.errors.append(f"search.toml: {name}: {len(bad)} empty or non-text entries")
            continue
        setattr(report, name, [v.strip() for v in values])


def _check_consent(path: Path, report: Report) -> None:
    """`consent.toml`: the personal-data notice; without it no registration can be stored."""
    if not path.exists():
        report.errors.append("consent.toml: file is missing (personal-data notice)")
        return
    data = _read_toml(path, report.errors)
    if data is None:
        return
    try:
        report.consent = ConsentNotice.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            where = ".".join(str(part) for part in error["loc"])
            report.errors.append(f"consent.toml: {where}: {error['msg']}")
        return
    for lang in ("kk", "ru"):
        for name in ("short", "full"):
            for match in FILL.finditer(getattr(report.consent.text(lang), name)):
                report.warnings.append(
                    f"consent.toml: {lang}.{name}: admin-fill placeholder: {match.group(1).strip()}"
                )


def _check_events(path: Path, report: Report) -> None:
    """`events.toml`: event categories and the words of the events recogniser. Optional (no
    file: no categories, and free text is never taken for an events question)."""
    if not path.exists():
        report.warnings.append("events.toml: file is missing (event categories)")
        return
    data = _read_toml(path, report.errors)
    if data is None:
        return
    try:
        parsed = EventsFile.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            where = ".".join(str(part) for part in error["loc"])
            report.errors.append(f"events.toml: {where}: {error['msg']}")
        return
    ids = [c.id for c in parsed.category]
    for twice in sorted({i for i in ids if ids.count(i) > 1}):
        report.errors.append(f"events.toml: category {twice!r} is listed twice")
    report.events = EventsConfig(parsed)


def _check_handoff(path: Path, report: Report) -> None:
    """`handoff.toml` ("Ask a specialist"): optional; unfilled placeholders are warnings, as
    the bot then says a neutral sentence instead of the working hours."""
    if not path.exists():
        return
    try:
        read_text(path)
    except (NotUtf8Error, NotRegularFileError) as exc:
        # Never meant: an error, so the editor hears of it before users get no hours.
        report.errors.append(str(exc))
        return
    except OSError:
        pass  # reported as a warning just below
    data = _read_toml(path, report.warnings)
    for lang, section in (data or {}).items():
        if not isinstance(section, dict):
            continue
        for name, value in section.items():
            for match in FILL.finditer(value if isinstance(value, str) else ""):
                report.warnings.append(
                    f"handoff.toml: {lang}.{name}: admin-fill placeholder: {match.group(1).strip()}"
                )


def html_problem(html: str) -> str | None:
    """Why Telegram would refuse this message text in HTML mode, or None.

    The rules are `bot.transport.html.parse_html`'s, the ones the emulator, the tests and the
    terminal chat hold every sent message to, so a text that passes here is sent there.
    """
    try:
        plain = parse_html(html)
    except ApiError as exc:
        reason = exc.description.removeprefix("Bad Request: can't parse entities: ")
        return f"Telegram would refuse this HTML: {reason} (write &lt; for a literal <)"
    if not plain.strip():
        return "Telegram would refuse this text: nothing left once tags are removed"
    return None


def _check_texts(folder: Path, report: Report) -> None:
    """`ui/*.ftl`: both languages load and agree, and every text, its variables filled
    with sample values, is HTML Telegram accepts; so is every topic card built with them.

    A text is checked as sent, not as typed: a broken one would fail for every user of its
    language (an unclosed `<b>` in the menu title takes `/start` and `/menu` down)."""
    try:
        i18n = I18n.load(folder)
    except TextsError as exc:
        report.errors.extend(str(exc).split("; "))
        return
    problems = len(report.errors)
    for lang, texts in i18n.texts.items():
        for key in texts:
            try:
                samples = i18n.samples(lang, key)
            except TextsError as exc:
                report.errors.append(f"{folder.name}/{texts.file_of(key)}: {exc}")
                continue
            for sample in samples:
                problem = html_problem(sample)
                if problem:
                    report.errors.append(f"{folder.name}/{texts.file_of(key)}: {key}: {problem}")
                    break
    if len(report.errors) > problems:
        return  # the cards would repeat the same problems
    for topic in report.topics:
        for lang in LANGUAGES:
            t = i18n(lang)
            for message in (*topic_card(t, topic), *topic_full(t, topic)):
                problem = html_problem(message)
                if problem:
                    report.errors.append(f"{topic.id}.toml: {lang}: the card: {problem}")
    report.i18n = i18n


def load_content(content_dir: Path, today: date | None = None) -> tuple[Catalog, I18n]:
    """Load for the running bot: any error stops start-up (or a reload), with file, field
    and reason. The texts come from the same reading the checks looked at; MRP amounts are
    rendered for the year of `today` (Shymkent's date by default)."""
    report = check(content_dir, today)
    if report.errors or report.i18n is None:
        raise ContentError(report.errors or ["ui/: UI texts could not be loaded"])
    return catalog_of(report), report.i18n


def catalog_of(report: Report) -> Catalog:
    """The catalogue a report without errors describes (the bot's, or a draft's in the
    panel, which answers questions with it before it is saved)."""
    return Catalog(
        report.categories,
        {t.id: t for t in report.topics},
        report.warnings,
        offtopic=report.offtopic,
        consent=report.consent,
        events=report.events,
    )


def load_catalog(content_dir: Path) -> Catalog:
    """The catalogue alone (tools and tests that need no texts); same checks."""
    return load_content(content_dir)[0]
