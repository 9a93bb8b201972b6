"""Logging for a bot that runs unattended: one line per event, no secrets, no phone numbers.

Handlers never log message texts or names (the tests check that); this module adds a second
line of defence: a filter on the root handler blanks the bot token, the webhook secret and
anything shaped like a Kazakhstan phone number, whichever library wrote the record.
`LOG_FORMAT=json` writes one JSON object per line for journald / log shippers.
"""

from __future__ import annotations

import json
import logging
import re
import traceback
from collections.abc import Iterable
from datetime import UTC, datetime

# +7 701 123 45 67, 87011234567, 8 (701) 123-45-67: eleven digits, the second one a 7.
# Telegram ids (up to 10 digits) and update ids do not match.
PHONE = re.compile(
    r"(?<![\d+])(?:\+\s?7|8|7)[\s\-()]*7\d{2}[\s\-()]*\d{3}[\s\-()]*\d{2}"
    r"[\s\-()]*\d{2}(?!\d)"
)
HIDDEN = "[hidden]"


class RedactingFilter(logging.Filter):
    """Rewrites a record's message with secrets and phone numbers blanked out."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, HIDDEN)
        return PHONE.sub(HIDDEN, text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = self.redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and record.exc_info[1] is not None:
            # Tracebacks are formatted later; format now so the text can be cleaned too.
            record.exc_text = self.redact(
                "".join(traceback.format_exception(*record.exc_info)).rstrip()
            )
            record.exc_info = None
        return True


class JsonFormatter(logging.Formatter):
    """`{"ts": …, "level": …, "logger": …, "msg": …, "exc": …}` plus any `extra` fields."""

    STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message"}

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in self.STANDARD:
                entry[key] = value if isinstance(value, int | float | bool | None) else str(value)
        if record.exc_info:
            record.exc_text = record.exc_text or self.formatException(record.exc_info)
        if record.exc_text:
            entry["exc"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


# Loggers that print request or statement *parameters* at DEBUG (aiosqlite logs every SQL
# statement with its values: names, phones). They stay at INFO whatever LOG_LEVEL says.
CHATTY = ("aiosqlite",)


def quiet_chatty_loggers() -> None:
    for name in CHATTY:
        logging.getLogger(name).setLevel(logging.INFO)


def setup_logging(level: str, fmt: str = "text", secrets: Iterable[str] = ()) -> None:
    """Configure the root logger once, at start-up (`main()`), never at import."""
    handler = logging.StreamHandler()
    handler.addFilter(RedactingFilter(secrets))
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(getattr(logging, level.upper(), logging.INFO))
    # aiohttp's access log would print every webhook request with the client's address.
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    quiet_chatty_loggers()
