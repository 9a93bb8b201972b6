"""The admins' reports as they read them in the chat: /gaps, /stats and a refused /reload."""

from __future__ import annotations

from datetime import timedelta

from bot.catalog.store import ContentStore
from bot.choices import STATUSES
from bot.formatting import split_blocks
from bot.i18n import Html, Translator, escape
from bot.services import reports
from bot.views.event_admin import stats_block

GAP_TEXT = 200  # characters of a logged question shown in the report

RELOAD_LINES = 15  # problems listed in the chat; the command line prints them all


def gaps_report(
    t: Translator, content: ContentStore, days: int, found: list[reports.Gap]
) -> list[str]:
    if not found:
        return [t("admin-gaps-empty", days=days)]
    blocks = [t("admin-gaps-title", days=days)]
    for i, gap in enumerate(found, 1):
        text = gap.text if len(gap.text) <= GAP_TEXT else gap.text[:GAP_TEXT] + "…"
        line = t(
            "admin-gaps-line",
            n=i,
            count=gap.count,
            text=text,
            unanswered=gap.unanswered,
            not_helpful=gap.not_helpful,
        )
        if gap.topics:
            titles = [_title(content, t, tid) for tid in gap.topics]
            line += "\n" + t("admin-gaps-topics", topics=", ".join(titles))
        blocks.append(line)
    return split_blocks(blocks)


def _title(content: ContentStore, t: Translator, topic_id: str) -> str:
    topic = content.catalog.get(topic_id)
    return topic.text(t.lang).title if topic else topic_id


def _duration(t: Translator, value: timedelta | None) -> str:
    if value is None:
        return t("admin-stats-no-data")
    minutes = int(value.total_seconds() // 60)
    return t("admin-duration", hours=minutes // 60, minutes=minutes % 60)


def stats_report(t: Translator, content: ContentStore, s: reports.Stats) -> str:
    registrations = []
    for topic_id, by_status in s.registrations.items():
        counts = ", ".join(
            t(f"admin-reg-{status}", n=by_status[status])
            for status in STATUSES
            if status in by_status
        )
        registrations.append(f"• {escape(_title(content, t, topic_id))}: {counts}")
    rate = s.answer_rate
    report = t(
        "admin-stats",
        days=s.days,
        users=s.users,
        active7=s.active_7,
        active30=s.active_30,
        kk=s.languages.get("kk", 0),
        ru=s.languages.get("ru", 0),
        unset=s.languages.get("", 0),
        subscribed=s.subscribed,
        blocked=s.blocked,
        registrations=Html("\n".join(registrations) or escape(t("admin-stats-no-data"))),
        open=s.tickets.get("open", 0),
        answered=s.tickets.get("answered", 0),
        closed=s.tickets.get("closed", 0),
        median=_duration(t, s.median_answer),
        questions=s.questions,
        bot_answered=s.answered,
        rate=t("admin-stats-no-data") if rate is None else f"{rate}%",
        helpful=s.helpful,
        not_helpful=s.not_helpful,
        uzbek=s.written_in.get("uz", 0),
        crisis=", ".join(f"{t(f'crisis-kind-{kind}')} {n}" for kind, n in sorted(s.crisis.items()))
        or t("admin-stats-no-data"),
    )
    if s.events_held is not None and s.events_coming is not None:
        report += "\n\n" + stats_block(t, s.events_held, s.events_coming, s.days)
    return report


def reload_failed(t: Translator, errors: list[str]) -> list[str]:
    """Why a /reload was refused: the first `RELOAD_LINES` problems and how many more."""
    lines = [f"• {escape(line)}" for line in errors[:RELOAD_LINES]]
    if len(errors) > RELOAD_LINES:
        lines.append(t("admin-reload-more", count=len(errors) - RELOAD_LINES))
    text = "\n".join([t("admin-reload-failed", count=len(errors)), *lines])
    return split_blocks([text])
