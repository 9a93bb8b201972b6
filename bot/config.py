"""Settings read from the environment and `.env`, built in `main()`, never at import time."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.private_files import private_dir

Language = Literal["kk", "ru"]
LANGUAGES: tuple[Language, ...] = ("kk", "ru")


def stored_language(stored: str | None, default: Language) -> Language:
    """A language read from the database (a user who never chose one has none)."""
    return "kk" if stored == "kk" else "ru" if stored == "ru" else default


class SettingsError(Exception):
    """A setting is missing or malformed; the message is one line naming the variable."""


class Settings(BaseSettings):
    """All knobs of the bot. The token is optional here because `chat` mode needs none."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr | None = None
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    database_path: Path = Path("data/bot.sqlite3")
    content_dir: Path = Path("content")
    telegram_api_url: str | None = None
    admin_chat_id: int | None = None
    default_language: Language = "kk"
    log_level: str = "INFO"
    log_format: Literal["text", "json"] = "text"
    polling_timeout: int = Field(default=30, ge=1, le=60)
    # Announcements a second. Telegram allows about 30 overall and bans bots that flood.
    broadcast_rate: float = Field(default=25, gt=0, le=30)
    # Messages a second for the whole bot, replies and announcements together (one bucket,
    # replies first, `transport/pacing.py`). With the bucket's burst of a tenth of a second on top,
    # 27 keeps any sliding second under Telegram's 30.
    send_rate: float = Field(default=25, gt=0, le=27)
    # Flood control: updates per second one user may send; more are dropped (0 turns it off).
    flood_rate: int = Field(default=5, ge=0, le=100)
    # Webhook mode (`python -m bot --webhook`): the public HTTPS address Telegram posts to,
    # the secret it must send back, and where the local HTTP server listens.
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_host: str = "127.0.0.1"
    webhook_port: int = Field(default=8080, ge=1, le=65535)
    # The web panel (`bot/panel/`): served beside polling on PANEL_HOST:PANEL_PORT, or by
    # the webhook's server in webhook mode. PANEL_URL is the address admins open (the
    # sign-in links `/panel` sends start with it); https:// makes the cookie Secure.
    panel_enabled: bool = True
    panel_host: str = "127.0.0.1"
    panel_port: int = Field(default=8080, ge=1, le=65535)
    panel_url: str | None = None

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        """Accept `1,2, 3` (the natural way to write ids in an env file)."""
        if isinstance(value, str):
            parts = [p.strip() for p in value.replace(";", ",").split(",")]
            return frozenset(int(p) for p in parts if p)
        if isinstance(value, int):
            return frozenset({value})
        return value

    @field_validator(
        "telegram_api_url",
        "bot_token",
        "admin_chat_id",
        "webhook_url",
        "webhook_secret",
        "panel_url",
        mode="before",
    )
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        """An empty line in `.env` (`ADMIN_CHAT_ID=`) means "not set", not a parse error."""
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("telegram_api_url")
    @classmethod
    def _check_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/") if value else value

    @field_validator("webhook_url")
    @classmethod
    def _check_webhook_url(cls, value: str | None) -> str | None:
        """Telegram posts updates only to HTTPS addresses."""
        if value is not None and not value.startswith("https://"):
            raise ValueError("must start with https:// (Telegram posts to HTTPS only)")
        return value

    @field_validator("panel_url")
    @classmethod
    def _check_panel_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/") if value else value

    @property
    def panel_address(self) -> str:
        """Where admins open the panel: PANEL_URL, or the local address it listens on."""
        return self.panel_url or f"http://{self.panel_host}:{self.panel_port}"

    @field_validator("webhook_secret")
    @classmethod
    def _check_secret(cls, value: SecretStr | None) -> SecretStr | None:
        """Telegram's rule for `secret_token`: 1–256 characters of A–Z, a–z, 0–9, _ and -."""
        if value is not None and not re.fullmatch(
            r"[A-Za-z0-9_-]{16,256}", value.get_secret_value()
        ):
            raise ValueError("must be 16–256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @field_validator("bot_token")
    @classmethod
    def _check_token(cls, value: SecretStr | None) -> SecretStr | None:
        """A token looks like `123456:ABC...`; catching a typo here beats a 401 later."""
        if value is not None:
            head, sep, tail = value.get_secret_value().partition(":")
            if not (sep and head.isdigit() and len(tail) >= 20):
                raise ValueError("does not look like a token from @BotFather (digits:secret)")
        return value


def load_settings(**overrides: object) -> Settings:
    """Build the settings, turning pydantic's report into one line per bad variable."""
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            name = str(err["loc"][0]).upper() if err["loc"] else "settings"
            lines.append(f"{name}: {err['msg']}")
        raise SettingsError("; ".join(lines)) from None
    private_dir(settings.database_path.parent)  # the database holds personal data: 0700
    return settings
