"""Registrations as a CSV file that Excel opens with Cyrillic intact.

UTF-8 with a BOM (without it Excel guesses a Windows code page and shows mojibake), and
cells that Excel would read as a formula (`=`, `+`, `-`, `@`, tab, CR) prefixed with an
apostrophe, so a name typed as `=HYPERLINK(...)` stays text.
"""

from __future__ import annotations

import csv
import io

from bot import clock
from bot.catalog.loader import Catalog
from bot.db.registrations import Registration
from bot.i18n import Translator

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
COLUMNS = (
    "id",
    "created",
    "updated",
    "programme_id",
    "programme",
    "status",
    "full_name",
    "age",
    "phone",
    "district",
    "occupation",
    "comment",
    "guardian_consent",
    "consent_version",
    "telegram_id",
)


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def registrations_csv(regs: list[Registration], catalog: Catalog, t: Translator) -> bytes:
    """One row per registration, headers in the admin's language, values as stored."""
    out = io.StringIO()
    writer = csv.writer(out, dialect="excel")
    writer.writerow([t(f"export-col-{c.replace('_', '-')}") for c in COLUMNS])
    for reg in regs:
        topic = catalog.get(reg.topic_id)
        writer.writerow(
            safe_cell(v)
            for v in (
                reg.id,
                clock.in_shymkent(reg.created_at),
                clock.in_shymkent(reg.updated_at),
                reg.topic_id,
                topic.text(t.lang).title if topic else "",
                t(f"status-{reg.status}"),
                reg.full_name,
                reg.age,
                reg.phone,
                t(f"district-{reg.district}") if reg.district else "",
                t(f"occupation-{reg.occupation}") if reg.occupation else "",
                reg.comment,
                t("export-yes") if reg.guardian_confirmed else "",
                reg.consent_version,
                reg.user_id,
            )
        )
    return "\ufeff".encode() + out.getvalue().encode("utf-8")
