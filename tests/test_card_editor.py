"""The one card editor (handlers/cards.py) through the real Application and the fake Bot API.

A test kind of card renders a message the bot really sent, from a state the test changes; the
editor must skip unchanged edits, coalesce bursts so the last state shows, respect a kind's
minimum interval, survive Telegram's refusals and stay bounded.
"""

from __future__ import annotations

import asyncio
import contextlib

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.wiring.app import build_application
from handlers.cards import Card, CardEditor, Kind, card_editor
from storage.outbox import OutboxRepo
from tests.chat import (
    GROUP,
    MEMBER_A,
    SECRETARY,
    bot_settings,
    running,
    services,
    set_up_committee,
)
from tests.fakes import FakeBotAPI, running_bot

KIND = "test"


class Board:
    """A card message and the state its renderer shows."""

    def __init__(self, conv, fake, interval: float = 0.0) -> None:
        self.conv, self.fake = conv, fake
        self.editor = card_editor(conv.app)
        self.editor.kinds[KIND] = Kind(self.render, interval)
        self.editor.intervals[KIND] = interval
        self.text = "v0"
        self.message_ids: dict[int, int] = {}
        self.renders = 0
        self.hidden: set[int] = set()
        self.now = 0.0
        self.editor.monotonic = lambda: self.now

    async def post(self, item_id: int = 1) -> None:
        sent = await self.conv.app.bot.send_message(GROUP.id, self.text)
        self.message_ids[item_id] = sent.message_id

    async def render(self, services, item_id: int, view) -> Card | None:
        self.renders += 1
        if item_id in self.hidden:
            return None
        keyboard = InlineKeyboardMarkup(
            [[InlineKeyboardButton("OK", callback_data=f"k:{item_id}")]]
        )
        return Card(GROUP.id, self.message_ids[item_id], view or self.text, keyboard)

    async def change(self, text: str, item_id: int = 1) -> None:
        self.text = text
        await self.editor.changed(KIND, item_id)

    def attempts(self) -> list:
        return self.fake.calls_of("editMessageText")

    def shown(self) -> list[str]:
        return [c.params["text"] for c in self.fake.edits(GROUP.id)]


async def test_every_card_kind_uses_the_one_editor(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, _):
        editor = card_editor(conv.app)
        assert editor is card_editor(conv.app)
        assert editor.intervals == {
            "task": 0.0,
            "consultation": 5.0,
            "vote": 0.0,
            "collection": 5.0,
            "meeting": 5.0,
        }


async def test_an_edit_that_changes_nothing_is_never_sent(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        board = Board(conv, fake)
        await board.post()
        await board.change("v1")
        await board.change("v1")  # same text and keyboard: nothing to send
        assert board.shown() == ["v1"] and len(board.attempts()) == 1
        await board.change("v2")
        await board.change("v2")
        assert board.shown() == ["v1", "v2"]
        assert all(c.ok for c in board.attempts())  # never "message is not modified"


async def test_a_posted_card_is_remembered(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        board = Board(conv, fake)
        await board.post()
        board.editor.remember(await board.render(None, 1, None))
        await board.change("v0")
        assert board.attempts() == []


async def test_not_modified_from_telegram_counts_as_shown(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        board = Board(conv, fake)
        await board.post()
        # e.g. the card was edited by other means: Telegram says it shows this already
        fake.fail_next("editMessageText", 400, description="Bad Request: message is not modified")
        await board.change("v1")
        [refused] = board.attempts()
        assert refused.status == 400
        await board.change("v1")
        assert len(board.attempts()) == 1  # now known: not asked again


async def test_after_a_restart_an_unchanged_card_is_not_edited_and_a_changed_one_is(
    tmp_path, clock
):
    """What each card shows survives a restart of the Application over the same database: the
    first unchanged edit after it sends nothing (no "message is not modified"), a real change
    is one edit. Task 1's card was edited before the restart, task 2's only posted."""
    async with FakeBotAPI() as fake:
        settings = bot_settings(fake, tmp_path / "bot.db")
        async with running_bot(build_application(settings, clock, throttle=False), fake) as conv:
            await set_up_committee(conv, fake)
            await conv.send(GROUP, SECRETARY, "/assign @so_taichinh Báo cáo kinh phí hạn 31/12")
            await conv.send(GROUP, SECRETARY, "/assign @so_taichinh Kế hoạch năm hạn 31/12")
            await conv.send(GROUP, MEMBER_A, "/progress 1 30")
            assert len(fake.calls_of("editMessageText")) == 1
        before = len(fake.calls_of("editMessageText"))
        again = build_application(settings, clock, throttle=False)
        async with running_bot(again, fake) as conv:  # a new process: the editor forgot all
            svc, editor = services(conv), card_editor(again)
            assert not editor._shown
            committee = await svc.committees.by_chat(GROUP.id)
            ids = [(await svc.items.by_number(committee.id, n)).id for n in (1, 2)]
            for item_id in ids:
                await editor.changed("task", item_id)
                await editor.edit_now("task", item_id)
            await conv.send(GROUP, MEMBER_A, "/extend 1 15/01/2027 chờ số liệu")  # card unchanged
            assert len(fake.calls_of("editMessageText")) == before  # nothing sent, nothing refused
            await conv.send(GROUP, MEMBER_A, "/progress 1 60")
            await conv.send(GROUP, MEMBER_A, "/progress 2 10")
            [first, second] = fake.calls_of("editMessageText")[before:]
            assert first.ok and second.ok
            assert "60%" in first.params["text"] and "10%" in second.params["text"]


async def test_a_card_memory_evicted_is_still_known_from_the_database(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        board = Board(conv, fake)
        editor = CardEditor(conv.app, board.editor.kinds, remembered=1)
        for item_id in (1, 2):
            await board.post(item_id)
            await editor.changed(KIND, item_id)
        assert len(editor._shown) == 1 and len(board.attempts()) == 2
        await services(conv).db.write_deferred(lazy=True)  # as the next commit would
        await editor.changed(KIND, 1)  # forgotten in memory, known in the database
        assert len(board.attempts()) == 2
        board.text = "v1"
        await editor.changed(KIND, 1)
        assert board.shown()[-1] == "v1" and len(board.attempts()) == 3


async def test_edits_during_an_edit_in_flight_are_coalesced_into_the_last_state(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        board = Board(conv, fake)
        await board.post()
        fake.delay_next("editMessageText", 0.5)
        board.text = "v1"
        first = asyncio.create_task(board.editor.changed(KIND, 1))
        await fake.wait_for(lambda: board.attempts(), what="the first edit")
        await board.change("v2")  # returns at once: marked for one more edit
        await board.change("v3")
        await first
        assert board.shown() == ["v1", "v3"]


async def test_a_kinds_interval_folds_a_burst_into_one_later_edit(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        board = Board(conv, fake, interval=60)
        await board.post()
        await board.change("v1")  # the first change shows at once
        await board.change("v2")
        await board.change("v3")
        assert board.shown() == ["v1"]
        await board.editor.flush()
        assert board.shown() == ["v1", "v3"]
        await board.editor.flush()  # nothing waits any more
        board.now = 61.0
        await board.change("v4")  # the window has passed: at once again
        assert board.shown() == ["v1", "v3", "v4"]


async def test_the_waiting_edit_runs_at_the_end_of_the_window(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        board = Board(conv, fake, interval=0.01)
        board.editor.monotonic = asyncio.get_running_loop().time
        await board.post()
        await board.change("v1")
        await board.change("v2")
        await fake.wait_for(lambda: board.shown() == ["v1", "v2"], what="the coalesced edit")


async def test_edit_now_ignores_the_interval(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        board = Board(conv, fake, interval=60)
        await board.post()
        await board.change("v1")
        await board.change("v2")
        board.text = "closed"
        await board.editor.edit_now(KIND, 1)
        assert board.shown() == ["v1", "closed"]
        await board.editor.flush()
        assert board.shown() == ["v1", "closed"]  # the waiting edit was dropped


async def test_telegram_refusals_are_handled_and_the_next_change_catches_up(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        board = Board(conv, fake)
        await board.post()
        fake.fail_next("editMessageText", 400, description="Bad Request: message can't be edited")
        await board.change("v1")  # no exception reaches the caller
        fake.fail_next("editMessageText", 403, description="Forbidden: bot was kicked")
        await board.change("v1")  # not shown yet: tried again
        assert [c.status for c in board.attempts()] == [400, 403]
        await board.change("v1")
        assert board.shown() == ["v1"]


async def test_a_keyboard_override_lasts_one_edit(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        board = Board(conv, fake)
        await board.post()
        other = InlineKeyboardMarkup([[InlineKeyboardButton("50%", callback_data="p:50")]])
        await board.editor.changed(KIND, 1, keyboard=other)
        await board.editor.changed(KIND, 1)  # back to the card's own keyboard
        rows = [c.params["reply_markup"]["inline_keyboard"][0][0]["text"] for c in board.attempts()]
        assert rows == ["50%", "OK"] and board.shown() == ["v0", "v0"]


async def test_a_view_given_by_the_caller_spares_a_read_and_no_card_means_no_edit(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        board = Board(conv, fake)
        await board.post()
        await board.editor.changed(KIND, 1, "from the view")
        assert board.shown() == ["from the view"]
        board.hidden.add(1)
        await board.change("v9")
        assert board.shown() == ["from the view"] and board.renders == 2


async def test_memory_is_bounded(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        board = Board(conv, fake)
        editor = CardEditor(conv.app, board.editor.kinds, remembered=3)
        for item_id in range(1, 6):
            await board.post(item_id)
            await editor.changed(KIND, item_id)
        assert len(board.shown()) == 5
        assert len(editor._shown) == 3 and len(editor._last) == 3


async def test_edit_now_during_an_edit_in_flight_follows_at_once(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        board = Board(conv, fake, interval=60)
        await board.post()
        fake.delay_next("editMessageText", 0.5)
        board.text = "v1"
        first = asyncio.create_task(board.editor.changed(KIND, 1))
        await fake.wait_for(lambda: board.attempts(), what="the first edit")
        board.text = "closed"
        await board.editor.edit_now(KIND, 1)  # returns at once: the edit under way follows up
        await first
        assert board.shown() == ["v1", "closed"]


async def test_a_card_staged_before_its_message_id_is_known_is_remembered(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        board = Board(conv, fake)
        board.editor.posted(KIND, 1, "v0", _ok_keyboard(1))
        await board.post()  # the outbox sends it; the message id becomes known afterwards
        await board.change("v0")
        assert board.attempts() == []
        await board.change("v1")
        assert board.shown() == ["v1"]


def _ok_keyboard(item_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton("OK", callback_data=f"k:{item_id}")]])


async def test_a_request_that_leaves_the_task_card_as_posted_edits_nothing(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(GROUP, SECRETARY, "/assign @so_taichinh Báo cáo kinh phí hạn 31/12")
        await conv.send(GROUP, MEMBER_A, "/extend 1 15/01/2027 chờ số liệu")  # card unchanged
        assert fake.calls_of("editMessageText") == []  # not even a refused "not modified"
        await conv.send(GROUP, MEMBER_A, "/progress 1 30")
        assert len(fake.edits(GROUP.id)) == 1


async def test_inside_an_updates_transaction_the_card_is_edited_only_after_the_commit(
    tmp_path, clock
):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(GROUP, SECRETARY, "/assign @so_taichinh Báo cáo kinh phí hạn 20/12")
        svc = conv.app.bot_data.services
        committee = await svc.committees.by_chat(GROUP.id)
        member = await svc.members.by_user(committee.id, MEMBER_A.id)
        item = await svc.items.by_number(committee.id, 1)
        editor, edits = card_editor(conv.app), len(fake.edits(GROUP.id))
        async with svc.db.unit():
            await svc.tasks.progress(committee, member, 1, 40)
            await editor.changed("task", item.id)
            assert len(fake.edits(GROUP.id)) == edits  # not while the transaction is open
        assert len(fake.edits(GROUP.id)) == edits + 1
        assert "40%" in fake.message(GROUP.id, item.message_id)["text"]


async def test_after_a_write_the_callers_view_is_used_only_if_the_state_did_not_change_since(
    tmp_path, clock
):
    """Inside an update that wrote, the edit waits for the commit; the caller's view then spares
    a read only if nothing but the delivery's bookkeeping (its outbox row) was written after it:
    a later write, or the undo of the block the view was read in, makes the card read again."""
    async with running(tmp_path, clock) as (conv, fake):
        board = Board(conv, fake)
        await board.post()
        db = services(conv).db
        touch = "UPDATE committees SET title = title WHERE id = 0"  # a write to the state
        board.text = "state"
        async with db.unit():
            await db.execute(touch)
            await board.editor.changed(KIND, 1, "view")
            await OutboxRepo(db).add(
                chat_id=GROUP.id, thread_id=None, committee_id=None, kind="text", purpose="reply",
                ref_id=None, payload={"text": "x"}, now=clock.now(),
            )  # fmt: skip
            assert board.renders == 0  # not before the commit
        assert board.shown() == ["view"] and board.renders == 1
        async with db.unit():
            await db.execute(touch)
            await board.editor.changed(KIND, 1, "stale view")
            board.text = "written after the view"
            await db.execute(touch)
        assert board.shown()[-1] == "written after the view"
        async with db.unit():
            await db.execute(touch)
            with contextlib.suppress(RuntimeError):
                async with db.transaction():
                    await db.execute(touch)
                    await board.editor.changed(KIND, 1, "undone view")
                    raise RuntimeError("the block fails: its writes are undone")
            board.text = "after the undo"
        assert board.shown()[-1] == "after the undo"


async def test_no_card_kind_ever_sends_an_unchanged_edit(tmp_path, clock):
    """Task, consultation and motion cards: a change that leaves the card as shown (a repeated
    ballot, the same answer again, a bare "changed") sends nothing, so Telegram never answers
    "message is not modified"; a real change is one edit."""
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(GROUP, SECRETARY, "/assign @so_taichinh Báo cáo kinh phí hạn 20/12")
        consultation = await conv.ask_raw(GROUP, SECRETARY, "/consult Dự thảo hạn 20/12")
        motion = await conv.ask_raw(GROUP, SECRETARY, "/vote Thông qua kế hoạch hạn 20/12")
        svc = conv.app.bot_data.services
        committee = await svc.committees.by_chat(GROUP.id)
        ids = {n: (await svc.items.by_number(committee.id, n)).id for n in (1, 2, 3)}
        editor = card_editor(conv.app)
        assert set(editor.kinds) >= {"task", "consultation", "vote"}

        async def untouched() -> None:
            for kind, number in (("task", 1), ("consultation", 2), ("vote", 3)):
                await editor.changed(kind, ids[number])
                await editor.edit_now(kind, ids[number])
            await editor.flush()

        await untouched()  # as posted: nothing to edit
        assert fake.calls_of("editMessageText") == []
        await conv.send(GROUP, MEMBER_A, "/progress 1 30")
        await conv.press(GROUP, MEMBER_A, consultation, f"v1:c:a:{ids[2]}:y")
        await conv.press(GROUP, MEMBER_A, motion, f"v1:v:b:{ids[3]}:f")
        await editor.flush()
        edits = len(fake.calls_of("editMessageText"))
        assert edits == 3  # one real change per card
        await conv.press(GROUP, MEMBER_A, consultation, f"v1:c:a:{ids[2]}:y")  # same answer
        await conv.press(GROUP, MEMBER_A, motion, f"v1:v:b:{ids[3]}:f")  # same ballot
        await conv.send(GROUP, MEMBER_A, "/opinion 2 agree")
        await untouched()
        attempts = fake.calls_of("editMessageText")
        assert len(attempts) == edits and all(c.ok for c in attempts)
