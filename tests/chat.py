"""Transcript-test support: run the real bot against the fake Bot API, with a cast of people."""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

from bot.clock import Clock
from bot.config import Settings
from bot.i18n import t
from bot.wiring.app import build_application
from tests.fakes import Chat, Conversation, FakeBotAPI, User, group, running_bot
from tests.fakes.harness import TOKEN

GROUP = group(-1001234567890, "Ban Chỉ đạo Chuyển đổi số tỉnh Quảng Trị")
OTHER_GROUP = group(-1009876543210, "Ban Chỉ đạo khác")

SECRETARY = User(101, "Lê Thư", last_name="Ký", username="thuky_qt")
CHAIR = User(102, "Võ Văn", last_name="Hưng", username="chutich_qt")
DEPUTY = User(103, "Hoàng Nam", username="pho_ban")
MEMBER_A = User(104, "Nguyễn An", username="so_taichinh")
MEMBER_B = User(105, "Trần Bình", username="so_tttt")
OUTSIDER = User(199, "Người Lạ", username="nguoi_la")


def bot_settings(fake: FakeBotAPI, database: Path, **overrides) -> Settings:
    """Settings that point the bot at the fake server and a temp database."""
    return Settings(
        _env_file=None,
        bot_token=TOKEN,
        bot_api_base_url=fake.base_url,
        bot_api_file_url=fake.base_file_url,
        database_path=database,
        **overrides,
    )


@asynccontextmanager
async def running(tmp_path: Path, clock: Clock, *, throttle: bool = False, **overrides):
    """A real Application over HTTP against a fresh fake server; yields (conversation, fake).

    Telegram's pacing (20 messages a minute per group) is off unless `throttle`: tests would
    otherwise wait for real time; retries on 429 stay on either way.
    """
    async with FakeBotAPI() as fake:
        app = build_application(
            bot_settings(fake, tmp_path / "bot.db", **overrides), clock, throttle=throttle
        )
        async with running_bot(app, fake) as conv:
            yield conv, fake


def services(conv: Conversation):
    """The bot's own services (for checking what was stored)."""
    return conv.app.bot_data.services


async def set_up_committee(conv: Conversation, fake: FakeBotAPI, chat: Chat = GROUP) -> None:
    """Secretary sets up the group; chair, a deputy and two members join with their agencies, and
    the secretary gives the chair and the deputy their roles (a pre-registered chair's seat would
    wait for a confirmation button: tests/test_chat_seats.py)."""
    fake.set_chat_member(chat.id, SECRETARY, "administrator")
    await conv.send(chat, SECRETARY, "/setup Ban Chỉ đạo Chuyển đổi số")
    await conv.send(chat, CHAIR, "/join UBND tỉnh")
    await conv.send(chat, DEPUTY, "/join Sở Thông tin và Truyền thông")
    await conv.send(chat, SECRETARY, "/add @chutich_qt chair UBND tỉnh")
    await conv.send(chat, SECRETARY, "/add @pho_ban deputy Sở Thông tin và Truyền thông")
    await conv.send(chat, MEMBER_A, "/join Sở Tài chính")
    await conv.send(chat, MEMBER_B, "/join Sở Kế hoạch và Đầu tư")


def vi(key: str, /, **params) -> str:
    """A Vietnamese catalog message, for exact-reply assertions."""
    return t("vi", key, **params)


def en(key: str, /, **params) -> str:
    """An English catalog message, for exact-reply assertions."""
    return t("en", key, **params)


def iso(text: str) -> str:
    """A user-given string that could reorder its line, as messages show it (issue 19)."""
    return f"\u2068{text}\u2069"
