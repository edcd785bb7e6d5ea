"""Shared fixtures: a migrated database in a temp folder, services over it, a fake clock."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.clock import FakeClock
from bot.config import Settings
from bot.wiring.graph import Services
from storage.db import Database
from storage.migrate import migrate

# Tuesday 1 December 2026, 09:00 in Hà Nội (02:00 UTC).
START = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FakeClock:
    """A clock frozen at START until a test moves it."""
    return FakeClock(START)


@pytest.fixture
def settings(tmp_path) -> Settings:
    """Settings for tests: no .env, a database in the temp folder."""
    return Settings(
        _env_file=None, bot_token="123456:TEST-TOKEN", database_path=tmp_path / "committee.db"
    )


@pytest.fixture
async def db(settings):
    """A migrated database, closed after the test."""
    database = await Database.open(settings.database_path)
    await migrate(database)
    yield database
    await database.close()


@pytest.fixture
async def services(db, clock, settings) -> Services:
    """The real services over the test database."""
    return Services.build(db, clock, settings)
