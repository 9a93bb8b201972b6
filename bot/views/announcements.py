"""Announcement texts for admins: audience in words, live progress, final report, the list."""

from __future__ import annotations

from bot.catalog.loader import Catalog
from bot.db.broadcasts import Audience, Broadcast, Tally
from bot.i18n import Html, Translator
from bot.services.broadcasts import from_iso, local_text

BAR_CELLS = 12


def progress_bar(done: int, total: int) -> str:
    filled = round(BAR_CELLS * done / total) if total else BAR_CELLS
    return "▰" * filled + "▱" * (BAR_CELLS - filled)


def duration_text(seconds: float | None) -> str:
    """1:05:09 or 4:07 (hours:minutes:seconds), or a dash when unknown."""
    if seconds is None:
        return "—"
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def audience_text(t: Translator, audience: Audience, catalog: Catalog) -> str:
    """"Everyone subscribed", "Language: Қазақша", "Programme: NEET (status: enrolled)"…"""
    if audience.kind == "all":
        return t("bc-aud-everyone")
    if audience.kind == "lang":
        return t("bc-aud-is", what=t("bc-aud-name-lang"),
                 value=t(f"lang-button-{audience.value}"))
    if audience.kind == "topic":
        topic = catalog.get(audience.value or "")
        title = topic.text(t.lang).title if topic else audience.value
        status = t(f"bc-status-{audience.status or 'any'}")
        return t("bc-aud-topic-is", title=title, status=status)
    what = t("bc-aud-name-district" if audience.kind == "district"
             else "bc-aud-name-occupation")
    prefix = "district" if audience.kind == "district" else "bc-occ"
    return t("bc-aud-is", what=what, value=t(f"{prefix}-{audience.value}"))


def progress_text(t: Translator, job: Broadcast, tally: Tally, rate: float,
                  eta: float | None) -> str:
    total = tally.total
    percent = round(100 * tally.processed / total) if total else 100
    text = t("bc-progress", id=job.id, state=t(f"bc-state-{job.status}"),
             bar=progress_bar(tally.processed, total), percent=percent, sent=tally.sent,
             failed=tally.failed, blocked=tally.blocked, left=tally.remaining,
             rate=f"{rate:.1f}", eta=duration_text(eta))
    if tally.skipped or tally.uncertain:
        text += "\n" + t("bc-progress-extra", skipped=tally.skipped, uncertain=tally.uncertain)
    return text


def report_text(t: Translator, job: Broadcast, tally: Tally) -> str:
    seconds = None
    if job.started_at and job.finished_at:
        seconds = (from_iso(job.finished_at) - from_iso(job.started_at)).total_seconds()
    return t("bc-report", id=job.id, state=t(f"bc-state-{job.status}"), total=tally.total,
             sent=tally.sent, failed=tally.failed, blocked=tally.blocked,
             skipped=tally.skipped, uncertain=tally.uncertain, left=tally.remaining,
             time=duration_text(seconds))


def list_item(t: Translator, job: Broadcast, tally: Tally, catalog: Catalog) -> str:
    when = local_text(job.started_at or job.due_at)
    return t("bc-list-item", id=job.id, state=t(f"bc-state-{job.status}"), when=when,
             audience=Html(audience_text(t, job.audience, catalog)), total=tally.total,
             sent=tally.sent, failed=tally.failed, blocked=tally.blocked,
             uncertain=tally.uncertain)
