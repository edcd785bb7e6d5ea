"""What an update costs the database: hand-offs to aiosqlite's worker thread, and commits.

Each hand-off is a thread switch both ways and a loop wake-up (bench/ANALYSIS.md); since issue
18 point 4 a transaction makes none (BEGIN, statements and COMMIT run on the loop's thread; a
WAL checkpoint goes to the worker every `CHECKPOINT_EVERY` commits). What is left to count is
commits: the inbox commits each getUpdates answer once (with the marks of the read-only updates
processed since the last commit), a writing update's unit commits once (its inbox mark rides
in it), and the outbox marks a staged reply sent after it went out.
"""

from __future__ import annotations

import storage.transactions
from bot.delivery import Delivery
from tests.chat import GROUP, MEMBER_A, SECRETARY, running, services, set_up_committee


def replied(fake, message_id: int) -> bool:
    """Whether the bot answered this group message."""
    return any(
        (c.params.get("reply_parameters") or {}).get("message_id") == message_id
        for c in fake.sent(GROUP.id)
    )


async def test_no_update_hands_off_and_each_costs_its_commits(tmp_path, clock, monkeypatch):
    monkeypatch.setattr(storage.transactions, "CHECKPOINT_EVERY", 10**9)  # pinned in test_db
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
            hops, commits = db.hops, db.commits
            await action()  # settles: every mark committed before it returns
            costs[label] = (db.hops - hops, db.commits - commits)
        # Before issue 11: 0, 6 and 6 hand-offs; before issue 18 point 4: 2, 3, 2 and 2 (the
        # store, the unit's COMMIT, the outbox's and the read-only marks were each one).
        # Commits: the store; the read-only mark (alone here: the harness settles after each
        # update); the unit (with the update's mark); the reply's "sent" mark.
        assert costs == {"read": (0, 2), "write": (0, 3), "button": (0, 2), "refused": (0, 2)}
        task = await services(conv).tasks.repo.get(1)
        assert task.progress == 75


async def test_read_only_marks_ride_in_the_next_getupdates_answers_commit(tmp_path, clock):
    """As in production (and the bench): the next update arrives before the marks are due."""
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        db, processor = services(conv).db, Delivery.of(conv.app).processor
        commits, updates = db.commits, 4
        for i in range(updates):
            message_id = fake.inject_message(GROUP, MEMBER_A, "/tasks")["message"]["message_id"]
            await fake.wait_for(lambda m=message_id: replied(fake, m), 10, f"reply {i}")
            await processor.wait_processed()  # its mark is not committed yet
        pending = await db.fetchval("SELECT count(*) FROM inbox WHERE done_at IS NULL")
        assert (pending, db.commits - commits) == (1, updates)  # one commit per answer
        await conv.settle()  # (or MARK_DELAY idle): the last one's mark on its own
        assert db.commits - commits == updates + 1  # was 2 per update
        assert await db.fetchval("SELECT count(*) FROM inbox WHERE done_at IS NULL") == 0
