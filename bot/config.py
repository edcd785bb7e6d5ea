"""Settings from the environment or `.env` (design §3), validated once at start-up."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from difflib import get_close_matches
from pathlib import Path
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, SettingsConfigDict

LANGUAGES = ("vi", "en")
TOKEN_MISSING = "is required but not set (get one from @BotFather and put BOT_TOKEN=... in .env)"
TOKEN_SHAPE = re.compile(r"\d+:[A-Za-z0-9_-]+")
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
# Names people type for Vietnam's zone that are not IANA names.
VIETNAM = "Asia/Ho_Chi_Minh"
ALIASES = dict.fromkeys(("hanoi", "ha noi", "saigon", "vietnam", "viet nam", "vn"), VIETNAM)
OFFSET = re.compile(r"(?:UTC|GMT)?\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?", re.IGNORECASE)


class ConfigError(Exception):
    """A setting is missing or malformed; the message names the variable."""


class Settings(BaseSettings):
    """Every setting of the bot; names match the environment variables."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        hide_input_in_errors=True,
    )

    bot_token: SecretStr
    bot_api_base_url: str = "https://api.telegram.org/bot"
    bot_api_file_url: str = "https://api.telegram.org/file/bot"
    database_path: Path = Path("data/committee.db")
    timezone: str = "Asia/Ho_Chi_Minh"
    default_language: str = "vi"
    webhook_url: str | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8443
    webhook_secret: SecretStr | None = None
    log_level: str = "INFO"
    startup_timeout: float = Field(default=60.0, gt=0)
    backup_dir: Path | None = None

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr) -> SecretStr:
        token = value.get_secret_value()
        if not token.strip():
            raise PydanticCustomError("token_missing", TOKEN_MISSING)
        if not TOKEN_SHAPE.fullmatch(token):
            raise PydanticCustomError("token_shape", token_shape_problem(token))
        return value

    @field_validator("bot_api_base_url", "bot_api_file_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        url = urlparse(value)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise PydanticCustomError(
                "not_url",
                "must be an http(s) URL such as https://api.telegram.org/bot, not {value}",
                {"value": repr(value)},
            )
        return value

    @field_validator("webhook_url")
    @classmethod
    def _https_webhook(cls, value: str | None) -> str | None:
        if value is None:
            return None
        url = urlparse(value)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise PydanticCustomError(
                "not_url",
                "must be an https:// URL such as https://bot.example.org/telegram, not {value}",
                {"value": repr(value)},
            )
        if url.scheme == "http" and url.hostname not in LOCAL_HOSTS:
            raise PydanticCustomError(
                "not_https",
                "must start with https:// (Telegram only calls HTTPS webhooks; plain http is"
                " allowed only for 127.0.0.1 or localhost), not {value}",
                {"value": repr(value)},
            )
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            names = suggest_timezones(value)
            hint = f"; did you mean {', '.join(names)}?" if names else ""
            raise ValueError(f"unknown IANA timezone {value!r}{hint}") from exc
        return value

    @field_validator("default_language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        if value not in LANGUAGES:
            raise ValueError(f"must be one of {', '.join(LANGUAGES)}, not {value!r}")
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError(f"must be DEBUG, INFO, WARNING, ERROR or CRITICAL, not {value!r}")
        return level

    @field_validator("webhook_url", "webhook_secret", "backup_dir", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @property
    def tz(self) -> ZoneInfo:
        """The default timezone as a ZoneInfo."""
        return ZoneInfo(self.timezone)

    def masked(self) -> dict[str, str]:
        """The effective settings as printable strings, secrets masked."""
        token = self.bot_token.get_secret_value()
        shown = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if name == "bot_token":
                value = f"{token[:3]}…{token[-2:]}" if len(token) > 8 else "***"
            elif isinstance(value, SecretStr):
                value = "***"
            shown[name.upper()] = "" if value is None else str(value)
        return shown


def token_shape_problem(token: str) -> str:
    """Why `token` is not `<digits>:<secret>`, without showing any of it."""
    if any(c.isspace() for c in token):
        what = "it contains spaces"
    elif any(c in "\"'" for c in token):
        what = "it contains quotes"
    elif ":" not in token:
        what = "it has no ':'"
    elif not token.split(":", 1)[0].isdigit():
        what = "the part before ':' is not a number"
    else:
        what = "the part after ':' is empty or has characters other than letters, digits, _ and -"
    return (
        "does not look like a token from @BotFather: expected <digits>:<secret>, like"
        f" 123456789:AAH…xyz; the value set has {len(token)} characters and {what}"
    )


def suggest_timezones(value: str) -> list[str]:
    """IANA names close to `value` (a misspelling, a city, or a `UTC+7`-style offset)."""
    cleaned = value.strip()
    offset = OFFSET.fullmatch(cleaned)
    if offset:
        sign, hours, minutes = offset.groups()
        delta = timedelta(hours=int(hours), minutes=int(minutes or 0))
        return zones_at(delta if sign == "+" else -delta)
    city = cleaned.rsplit("/", 1)[-1].replace("_", " ").lower()
    if city in ALIASES:
        return [ALIASES[city]]
    zones = sorted(available_timezones())
    by_lower = {z.lower(): z for z in zones}
    return [by_lower[m] for m in get_close_matches(cleaned.lower(), by_lower, n=2, cutoff=0.8)]


def zones_at(offset: timedelta) -> list[str]:
    """A few region zones whose offset is `offset` today, Vietnam's first."""
    now = datetime.now(UTC)
    matching = [
        zone
        for zone in (VIETNAM, "Asia/Bangkok", "Asia/Jakarta", *sorted(available_timezones()))
        if "/" in zone
        and not zone.startswith(("Etc/", "SystemV/", "posix/", "right/"))
        and now.astimezone(ZoneInfo(zone)).utcoffset() == offset
    ]
    return list(dict.fromkeys(matching))[:3]


def load_settings(**overrides: object) -> Settings:
    """Load settings, turning validation errors into one ConfigError line per variable."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            name = str(error["loc"][0]).upper() if error["loc"] else "settings"
            if error["type"] == "missing":
                reason = TOKEN_MISSING if name == "BOT_TOKEN" else "is required but not set"
            else:
                reason = error["msg"].removeprefix("Value error, ")
            lines.append(f"{name}: {reason}")
        raise ConfigError("; ".join(lines)) from None
