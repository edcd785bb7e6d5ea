"""Writes in one hop: what a write command costs in hand-offs to aiosqlite's worker thread.

Each hand-off is a thread switch both ways and a loop wake-up (bench/ANALYSIS.md); a write
transaction makes one (its COMMIT) whatever it holds, a plain read none. The inbox
(bot/delivery) adds its own: one to store each getUpdates answer before it is confirmed, and one
to mark an answer's read-only updates done (a writing update's mark rides in its unit); the
outbox marks a staged reply sent with a statement of its own.
"""

from __future__ import annotations

from tests.chat import GROUP, MEMBER_A, SECRETARY, running, services, set_up_committee


async def test_a_write_command_and_a_button_cost_one_hand_off_a_read_none(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        card = await conv.ask_raw(GROUP, SECRETARY, "/assign @so_taichinh Báo cáo quý hạn 31/12")
        db = services(conv).db
        costs = {}
        for label, action in (
            ("read", lambda: conv.send(GROUP, MEMBER_A, "/tasks")),
            ("write", lambda: conv.send(GROUP, MEMBER_A, "/progress 1 40 đã họp")),
            ("button", lambda: conv.press(GROUP, MEMBER_A, card.result, "v1:t:p:1:75")),
            ("refused", lambda: conv.send(GROUP, MEMBER_A, "/progress 1 150")),
        ):
            before = db.hops
            await action()
            costs[label] = db.hops - before
        # Before issue 11: 0, 6 and 6 (every statement of the transaction was one). Each update
        # here is its own getUpdates answer: the inbox's store (+1), and for an update that wrote
        # nothing its mark (+1). A write command's reply is staged in the outbox with its change
        # and marked sent after it went out (+1); a button's notice is deferred, not staged.
        assert costs == {"read": 0 + 2, "write": 1 + 1 + 1, "button": 1 + 1, "refused": 0 + 2}
        task = await services(conv).tasks.repo.get(1)
        assert task.progress == 75
