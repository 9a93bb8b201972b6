"""Registrations as a CSV file that Excel opens with Cyrillic intact, and as XLSX.

CSV: UTF-8 with a BOM (without it Excel guesses a Windows code page and shows mojibake),
and cells that Excel would read as a formula (`=`, `+`, `-`, `@`, tab, CR) prefixed with an
apostrophe, so a name typed as `=HYPERLINK(...)` stays text.

XLSX (the web panel): a minimal workbook written here (a zip of six XML parts, no
dependency). Every text is an inline string, never a formula, and a text that starts like
a formula gets Excel's "quote prefix" style, the XLSX form of the same apostrophe: it stays
text even when someone edits the cell.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from xml.sax.saxutils import escape as xml_escape

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


def _rows(regs: list[Registration], catalog: Catalog, t: Translator) -> Iterator[list[object]]:
    """The header, then one row per registration: what both formats write."""
    yield [t(f"export-col-{c.replace('_', '-')}") for c in COLUMNS]
    for reg in regs:
        topic = catalog.get(reg.topic_id)
        yield [
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
        ]


def registrations_csv(regs: list[Registration], catalog: Catalog, t: Translator) -> bytes:
    """One row per registration, headers in the admin's language, values as stored."""
    out = io.StringIO()
    writer = csv.writer(out, dialect="excel")
    for row in _rows(regs, catalog, t):
        writer.writerow(safe_cell(v) for v in row)
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


# Characters XML 1.0 cannot carry at all (a control character typed into a comment).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_XLSX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="registrations" sheetId="1" r:id="rId1"/></sheets>'
        "</workbook>"
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/styles" Target="styles.xml"/>'
        "</Relationships>"
    ),
    # Style 1: a text with Excel's quote prefix; style 2: the bold header.
    "xl/styles.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        "</cellStyleXfs>"
        '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/>'
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
        "</cellXfs></styleSheet>"
    ),
}


def _column(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _cell(ref: str, value: object, header: bool) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        return f'<c r="{ref}"><v>{value}</v></c>'
    text = _NOT_XML.sub("", str(value))
    style = ' s="2"' if header else (' s="1"' if text.startswith(FORMULA_START) else "")
    return (
        f'<c r="{ref}" t="inlineStr"{style}><is>'
        f'<t xml:space="preserve">{xml_escape(text)}</t></is></c>'
    )


def registrations_xlsx(regs: list[Registration], catalog: Catalog, t: Translator) -> bytes:
    """The same rows as `registrations_csv`, as an Excel workbook of one sheet."""
    lines = []
    for number, row in enumerate(_rows(regs, catalog, t), start=1):
        cells = "".join(
            _cell(f"{_column(i)}{number}", value, number == 1) for i, value in enumerate(row)
        )
        lines.append(f'<row r="{number}">{cells}</row>')
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{''.join(lines)}</sheetData></worksheet>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        for name, part in _XLSX_PARTS.items():
            book.writestr(name, part)
        book.writestr("xl/worksheets/sheet1.xml", sheet)
    return out.getvalue()
