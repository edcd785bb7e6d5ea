"""Configuration: defaults of design §3, one clear line per bad variable, the token masked."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "987654:SECRET-token-value-xyz"


def test_defaults_match_the_design():
    s = load_settings(_env_file=None, bot_token=TOKEN)
    assert s.bot_api_base_url == "https://api.telegram.org/bot"
    assert s.bot_api_file_url == "https://api.telegram.org/file/bot"
    assert str(s.database_path) == "data/committee.db"
    assert s.timezone == "Asia/Ho_Chi_Minh"
    assert s.default_language == "vi"
    assert s.webhook_url is None
    assert s.log_level == "INFO"


@pytest.mark.parametrize(
    ("overrides", "variable"),
    [
        ({}, "BOT_TOKEN"),
        ({"bot_token": TOKEN, "timezone": "Mars/Olympus"}, "TIMEZONE"),
        ({"bot_token": TOKEN, "default_language": "fr"}, "DEFAULT_LANGUAGE"),
        ({"bot_token": TOKEN, "log_level": "LOUD"}, "LOG_LEVEL"),
    ],
)
def test_bad_settings_name_the_variable(overrides, variable):
    with pytest.raises(ConfigError) as err:
        load_settings(_env_file=None, **overrides)
    assert str(err.value).startswith(f"{variable}:")


def test_masked_settings_hide_the_token():
    shown = load_settings(_env_file=None, bot_token=TOKEN).masked()
    assert TOKEN not in "".join(shown.values())
    assert shown["TIMEZONE"] == "Asia/Ho_Chi_Minh"


def _cli(args, env, cwd):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "TIMEZONE"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env={**clean, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_cli_refuses_a_missing_token_in_one_line(tmp_path):
    result = _cli(["run"], {}, tmp_path)
    assert result.returncode != 0
    assert result.stderr.strip().count("\n") == 0
    assert "BOT_TOKEN" in result.stderr and "Traceback" not in result.stderr


def test_cli_refuses_an_unknown_timezone(tmp_path):
    result = _cli(["check-config"], {"BOT_TOKEN": TOKEN, "TIMEZONE": "Asia/Nowhere"}, tmp_path)
    assert result.returncode != 0
    assert result.stderr.startswith("configuration error: TIMEZONE:")
    assert TOKEN not in result.stderr


def test_cli_check_config_prints_settings_masked(tmp_path):
    result = _cli(["check-config"], {"BOT_TOKEN": TOKEN, "DEFAULT_LANGUAGE": "en"}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "DEFAULT_LANGUAGE=en" in result.stdout
    assert TOKEN not in result.stdout + result.stderr


def test_cli_migrate_and_backup(tmp_path):
    env = {"BOT_TOKEN": TOKEN, "DATABASE_PATH": str(tmp_path / "d" / "c.db")}
    migrated = _cli(["migrate"], env, tmp_path)
    assert migrated.returncode == 0, migrated.stderr
    backup = _cli(["backup", str(tmp_path / "copy.db")], env, tmp_path)
    assert backup.returncode == 0, backup.stderr
    assert (tmp_path / "copy.db").stat().st_size > 0
