"""Issue 18, the outbox's proof with the real process: a kill between a commit and the send of its
card loses nothing — after the restart the card arrives, once, and is the task's card."""

from __future__ import annotations

import sqlite3

from tests.chat import CHAIR, GROUP, MEMBER_A, SECRETARY
from tests.fakes import FakeBotAPI
from tests.test_crash_restart import BotProcess

TITLE = "Báo cáo tiến độ chuyển đổi số quý IV"


def _rows(database, sql: str) -> list[sqlite3.Row]:
    with sqlite3.connect(database) as conn:
        conn.row_factory = sqlite3.Row
        return conn.execute(sql).fetchall()


async def _say(fake: FakeBotAPI, user, text: str) -> None:
    """Send a command and wait until the bot answered in the group."""
    before = len(fake.sent(GROUP.id))
    fake.inject_message(GROUP, user, text)
    await fake.wait_for(lambda: len(fake.sent(GROUP.id)) > before, 30, f"a reply to {text!r}")


async def test_a_kill_between_the_commit_and_the_cards_send_loses_no_card(tmp_path):
    database = tmp_path / "bot.db"
    async with FakeBotAPI() as fake:
        bot = BotProcess(fake, database, tmp_path)
        await bot.start()
        fake.set_chat_member(GROUP.id, SECRETARY, "administrator")
        await _say(fake, SECRETARY, "/setup Ban Chỉ đạo Chuyển đổi số")
        await _say(fake, CHAIR, "/join UBND tỉnh")
        await _say(fake, MEMBER_A, "/join Sở Tài chính")

        fake.fail_next("sendMessage", 500, chat_id=GROUP.id, times=60)  # Telegram is down
        fake.inject_message(GROUP, SECRETARY, f"/assign @so_taichinh {TITLE} hạn 31/12")
        await fake.wait_for(
            lambda: bool(
                _rows(database, "SELECT 1 FROM outbox WHERE sent_at IS NULL AND attempts > 0")
            ),
            30,
            "the card's first failed attempt",
        )
        await bot.kill()  # the task is committed; its card is not out
        [task] = _rows(database, f"SELECT * FROM items WHERE title = '{TITLE}'")
        assert task["message_id"] is None
        assert not [c for c in fake.sent(GROUP.id) if TITLE in (c.text or "")]

        fake.clear_faults()  # Telegram is back
        await bot.start()
        await fake.wait_for(
            lambda: any(TITLE in (c.text or "") for c in fake.sent(GROUP.id)),
            30,
            "the card after the restart",
        )
        cards = [c for c in fake.sent(GROUP.id) if TITLE in (c.text or "")]
        assert len(cards) == 1
        await fake.wait_for(
            lambda: (
                _rows(database, f"SELECT message_id FROM items WHERE title = '{TITLE}'")[0][0]
                is not None
            ),
            30,
            "the card's message id recorded",
        )
        [task] = _rows(database, f"SELECT * FROM items WHERE title = '{TITLE}'")
        assert task["message_id"] == cards[0].result["message_id"]
        await bot.kill()
