"""What the inbox and the outbox add to one update, measured alone on an idle loop (µs/update).

Inbox, per update (the polling path, one update per getUpdates answer as in the sequential
bench): serialise it (the JSON Telegram sent, kept by `RawUpdatesRequest`) and commit it (one
transaction on the loop's thread, no hand-off). A read-only update's "done" mark is deferred
(`Database.defer`): it rides in the next answer's commit, so it costs a statement, not a
commit. A writing update's mark is a statement inside its own unit's transaction.

Outbox, per staged message (a write command's reply): the row's INSERT inside the unit, the
flush after the commit (one read of the due rows, building the call, the bookkeeping), and the
deferred "sent" mark riding in the next commit — everything except the Bot API call itself,
which a stub answers at once (the bare bot makes that call too).

`python -m bench.inbox_cost [--n 2000]`; bench/per_update.py prints these figures too.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import tempfile
import time
from pathlib import Path

from telegram import Bot, Chat, Message, Update

from bot.clock import Clock
from bot.delivery.outbox import Outbox
from bot.delivery.polling import inbox_row
from storage.db import Database
from storage.inbox import InboxRepo
from storage.migrate import migrate
from tests.chat import GROUP, SECRETARY
from tests.fakes import FakeBotAPI

NOOP = "UPDATE scheduler_state SET value = value WHERE 0"  # a unit's write, changing nothing


class Stopwatch:
    """Wall and CPU seconds (all threads of the process) since it was made."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def read(self) -> tuple[float, float]:
        """(wall, CPU) seconds so far."""
        return time.perf_counter() - self.wall, time.process_time() - self.cpu


def minus(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float]:
    """Component-wise a - b."""
    return a[0] - b[0], a[1] - b[1]


def sample_update(update_id: int, bot: Bot) -> tuple[Update, dict]:
    """A realistic group command as PTB hands it to us, and its JSON as Telegram sent it."""
    fake = FakeBotAPI()
    fake._last_update_id = update_id - 1
    data = fake.inject_message(GROUP, SECRETARY, "/progress 12 40 đã có số liệu của các sở")
    return Update.de_json(data, bot), data


class StubBot:
    """Answers `send_message` at once with a ready-made Message (the Bot API call and PTB's
    parsing of its answer are not the outbox's cost: the bare bot pays them too)."""

    def __init__(self) -> None:
        self.sent = 0
        chat = Chat(GROUP.id, Chat.SUPERGROUP)
        self.answer = Message(1, dt.datetime.now(dt.UTC), chat, text="ok")

    async def send_message(self, chat_id, text, **_) -> Message:
        """The ready-made answer."""
        self.sent += 1
        return self.answer


async def _inbox(db: Database, rows: list, clock: Clock) -> tuple[tuple, tuple]:
    """(wall, CPU) for the read-only half and the writing half (minus a bare unit) of `rows`."""
    inbox, half = InboxRepo(db), len(rows) // 2
    watch = Stopwatch()
    for row in rows[:half]:
        await inbox.store([row], clock.now())  # the previous one's deferred mark rides in it
        inbox.mark_done_later(row[0], clock.now())
    read_only = watch.read()
    await db.write_deferred()
    watch = Stopwatch()
    for row in rows[half:]:
        await inbox.store([row], clock.now())
        async with db.unit() as unit:  # the writing update: its mark joins the unit
            await db.execute(NOOP)
            unit.before_commit(lambda r=row: inbox.mark_done([r[0]], clock.now()))
    writing = watch.read()
    watch = Stopwatch()
    for _ in rows[half:]:
        async with db.unit():  # the same unit without the inbox, to subtract
            await db.execute(NOOP)
    return read_only, minus(writing, watch.read())


async def _outbox(db: Database, n: int, clock: Clock) -> tuple[float, float]:
    """(wall, CPU) the outbox adds to `n` writing updates that each stage one reply."""
    stub = StubBot()
    outbox = Outbox(db, stub, clock)  # type: ignore[arg-type]
    watch = Stopwatch()
    for i in range(n):
        async with db.unit():
            await db.execute(NOOP)
            await outbox.text(GROUP.id, f"Đã ghi tiến độ {i}%", committee_id=None, reply_to=i + 1)
        await db.execute(NOOP)  # the next update's commit, which carries the "sent" mark
    staged = watch.read()
    watch = Stopwatch()
    for _ in range(n):
        async with db.unit():
            await db.execute(NOOP)
        await db.execute(NOOP)
    assert stub.sent == n
    return minus(staged, watch.read())


async def measure(n: int = 2000) -> dict[str, float]:
    """µs per update of the inbox (read-only, writing), the serialising part, and the outbox."""
    bot = Bot("123456:TEST-TOKEN")
    clock = Clock()
    updates = [sample_update(100_000 + i, bot) for i in range(n)]
    with tempfile.TemporaryDirectory() as folder:
        db = await Database.open(Path(folder) / "inbox.db")
        try:
            await migrate(db)
            watch = Stopwatch()
            rows = [inbox_row(u, raw) for u, raw in updates]  # as the bot does (RawUpdatesRequest)
            serialise = [x / n for x in watch.read()]
            read_only, writing = await _inbox(db, rows, clock)
            outbox = await _outbox(db, n // 2, clock)
        finally:
            await db.close()
    half = n // 2
    figures = {"payload_bytes": sum(len(r[2]) for r in rows) / n}
    for i, clocked in enumerate(("", "cpu_")):  # wall time, then CPU time
        figures |= {
            f"serialise_{clocked}us": serialise[i] * 1e6,
            f"read_only_{clocked}us": (read_only[i] / half + serialise[i]) * 1e6,
            f"writing_{clocked}us": (writing[i] / half + serialise[i]) * 1e6,
            f"outbox_{clocked}us": outbox[i] / half * 1e6,
        }
    return {k: round(v, 1) for k, v in figures.items()}


def markdown(f: dict[str, float]) -> str:
    """The lines for bench/RESULTS.md (wall time; CPU time, all threads, in brackets)."""

    def us(key: str) -> str:
        return f"**{f[key + '_us']:.0f} µs** ({f[key + '_cpu_us']:.0f} µs CPU)"

    return (
        f"Inbox cost alone (idle loop, file database): {us('read_only')} per read-only update "
        "(serialise + one commit per getUpdates answer, its mark deferred into the next one), "
        f"{us('writing')} per writing update (serialise + that commit + the mark inside its "
        f"unit); serialising the update (the JSON Telegram sent, `RawUpdatesRequest`) "
        f"{us('serialise')} of that; payload "
        f"{f['payload_bytes']:.0f} bytes.\nOutbox cost alone: {us('outbox')} per staged reply "
        '(its INSERT in the unit, the flush after the commit, the deferred "sent" mark; the '
        "Bot API call itself excluded)."
    )


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000)
    figures = asyncio.run(measure(parser.parse_args().n))
    print(json.dumps(figures))
    print(markdown(figures))


if __name__ == "__main__":
    main()
