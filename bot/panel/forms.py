"""Reading the panel's query strings and forms: everything is checked against a list of
known values or parsed strictly; anything else is ignored, never passed on."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot import clock
from bot.catalog.loader import Catalog
from bot.choices import DISTRICTS, OCCUPATIONS, STATUSES
from bot.db.audit import AuditFilter
from bot.db.registrations import SORTS, RegFilter
from bot.services.audit import VIAS

AGE_BANDS = {"14-17": (14, 17), "18-24": (18, 24), "25-29": (25, 29), "30-35": (30, 35)}
FILTER_FIELDS = ("programme", "status", "district", "occupation", "age", "from", "to", "q")
MAX_ID = 2**63 - 1
MAX_Q = 100


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _midnight(day: date) -> str:
    return clock.iso(datetime(day.year, day.month, day.day, tzinfo=clock.SHYMKENT))


def day_bounds(args: Mapping[str, str]) -> tuple[str | None, str | None]:
    """`from`/`to` (Shymkent days, inclusive) as stored-form bounds [since, until)."""
    since, until = _day(args.get("from")), _day(args.get("to"))
    return (
        _midnight(since) if since else None,
        _midnight(until + timedelta(days=1)) if until else None,
    )


def positive_int(text: str | None, limit: int = MAX_ID) -> int | None:
    if text is None or not text.isdecimal() or len(text) > 19:
        return None
    value = int(text)
    return value if 0 < value <= limit else None


@dataclass(frozen=True, slots=True)
class RegQuery:
    """The registrations page's query: the filter, sort and page, and the arguments that
    were valid (to put back in links and forms)."""

    filter: RegFilter
    sort: str
    desc: bool
    page: int
    args: dict[str, str]


def registrations_query(args: Mapping[str, str], catalog: Catalog) -> RegQuery:
    kept: dict[str, str] = {}

    def pick(name: str, allowed: object) -> str | None:
        value = args.get(name, "")
        if value and value in allowed:  # type: ignore[operator]
            kept[name] = value
            return value
        return None

    topic = pick("programme", catalog.topics)
    status = pick("status", STATUSES)
    district = pick("district", DISTRICTS)
    occupation = pick("occupation", OCCUPATIONS)
    band = pick("age", AGE_BANDS)
    since, until = day_bounds(args)
    for name in ("from", "to"):
        if _day(args.get(name)):
            kept[name] = args[name]
    q = " ".join(args.get("q", "").split())[:MAX_Q] or None
    if q:
        kept["q"] = q
    sort = pick("sort", SORTS) or "created"
    desc = args.get("dir") != "asc"
    if not desc:
        kept["dir"] = "asc"
    page = positive_int(args.get("page"), 1_000_000) or 1
    low, high = AGE_BANDS[band] if band else (None, None)
    found = RegFilter(
        topic_id=topic,
        status=status,
        district=district,
        occupation=occupation,
        age_min=low,
        age_max=high,
        since=since,
        until=until,
        q=q,
    )
    return RegQuery(found, sort, desc, page, kept)


def audit_query(
    args: Mapping[str, str], actions: tuple[str, ...]
) -> tuple[AuditFilter, dict[str, str], int]:
    kept: dict[str, str] = {}
    admin = positive_int(args.get("admin"))
    if admin is not None:
        kept["admin"] = str(admin)
    action = args.get("action") if args.get("action") in actions else None
    via = args.get("via") if args.get("via") in VIAS else None
    for name, value in (("action", action), ("via", via)):
        if value:
            kept[name] = value
    since, until = day_bounds(args)
    for name in ("from", "to"):
        if _day(args.get(name)):
            kept[name] = args[name]
    page = positive_int(args.get("page"), 1_000_000) or 1
    return AuditFilter(admin_id=admin, action=action, via=via, since=since, until=until), kept, page


# --- the topic edit form -----------------------------------------------------------------

TOPIC_TEXT_FIELDS = ("title", "summary", "text", "eligibility", "benefits", "how_to_apply")
LANGS = ("kk", "ru")
MAX_FAQ = 200  # items a form may carry (the longest topic has a few dozen)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _text(value: str) -> str:
    """A textarea's value as the file keeps it: browsers send CRLF line ends."""
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def _sources(form: Mapping[str, str]) -> list[dict[str, object]]:
    """The `[[sources]]` rows of the form; a row left empty is dropped. Dates the loader
    cannot read are passed on as typed, for it to name the field and the reason."""
    out: list[dict[str, object]] = []
    for i in range(positive_int(form.get("src-count"), MAX_FAQ) or 0):
        row = {k: form.get(f"src-{i}-{k}", "").strip() for k in ("title", "url", "read", "date")}
        if not any(row.values()):
            continue
        source: dict[str, object] = {"title": row["title"], "url": row["url"]}
        try:
            source["read"] = date.fromisoformat(row["read"])
        except ValueError:
            source["read"] = row["read"]
        if row["date"]:
            source["date"] = row["date"]
        out.append(source)
    return out


def topic_from_form(base: Mapping[str, object], form: Mapping[str, str]) -> dict[str, object]:
    """The topic's raw data with the form's fields put in (see topic_edit.html for the
    names). What the form does not carry (id, sources, unknown keys) stays as it was; an
    optional field left empty that the file did not have stays absent; a FAQ item left
    empty in both languages is dropped."""
    data: dict[str, object] = dict(base)
    if "category" in form:
        data["category"] = form["category"].strip()
    order = form.get("order", "").strip()
    if order:
        data["order"] = int(order) if order.lstrip("-").isdecimal() and len(order) < 10 else order
    if "checked" in form:
        day = form["checked"].strip()
        try:
            data["checked"] = date.fromisoformat(day)
        except ValueError:
            if day:
                data["checked"] = day  # the loader names the field and the reason
            else:
                data.pop("checked", None)
    if "category" in form:  # the form was sent whole: an unticked box sends nothing
        data["registration_open"] = form.get("registration_open") == "on"
    if "src-count" in form:
        sources = _sources(form)
        if sources or "sources" in data:
            data["sources"] = sources
    count = positive_int(form.get("faq-count"), MAX_FAQ) or 0
    for lang in LANGS:
        old = base.get(lang)
        text: dict[str, object] = dict(old) if isinstance(old, Mapping) else {}
        for name in TOPIC_TEXT_FIELDS:
            key = f"{lang}-{name}"
            if key in form:
                value = _text(form[key])
                if value or name in text or name in ("title", "summary", "text"):
                    text[name] = value
        if f"{lang}-keywords" in form:
            words = _lines(form[f"{lang}-keywords"])
            if words or "keywords" in text:
                text["keywords"] = words
        if "faq-count" in form:
            faq: list[dict[str, object]] = []
            for i in range(count):
                questions = _lines(form.get(f"faq-{i}-{lang}-q", ""))
                answer = _text(form.get(f"faq-{i}-{lang}-a", ""))
                other = "ru" if lang == "kk" else "kk"
                empty_other = not _lines(form.get(f"faq-{i}-{other}-q", "")) and not _text(
                    form.get(f"faq-{i}-{other}-a", "")
                )
                if not questions and not answer and empty_other:
                    continue
                faq.append({"questions": questions, "answer": answer})
            if faq:
                text["faq"] = faq
            else:
                text.pop("faq", None)
        data[lang] = text
    return data
