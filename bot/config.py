"""Settings from the environment or `.env` (design §3), validated once at start-up."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

LANGUAGES = ("vi", "en")


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

    bot_token: SecretStr = Field(min_length=1)
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

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown IANA timezone {value!r}") from exc
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

    @field_validator("webhook_url", "webhook_secret", mode="before")
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


def load_settings(**overrides: object) -> Settings:
    """Load settings, turning validation errors into one ConfigError line per variable."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            name = str(error["loc"][0]).upper() if error["loc"] else "settings"
            reason = "is required but not set" if error["type"] == "missing" else error["msg"]
            if name == "BOT_TOKEN" and error["type"] == "missing":
                reason += " (get one from @BotFather and put BOT_TOKEN=... in .env)"
            lines.append(f"{name}: {reason}")
        raise ConfigError("; ".join(lines)) from None
