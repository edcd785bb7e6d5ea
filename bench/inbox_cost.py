"""What the inbox adds to one update, measured alone on an idle event loop (µs per update).

Polling path, per update: serialise it (`Update.to_dict` + JSON), store it (one autocommit
statement: a hand-off), read it back as pending (the read connection), and mark it done: for a
read-only command a separate autocommit statement (a hand-off, shared by a whole getUpdates
answer), for a writing one a statement inside the unit's open transaction (no hand-off).
`python -m bench.inbox_cost [--n 2000]`; bench/per_update.py prints these figures too.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from pathlib import Path

from telegram import Bot, Update

from bot.clock import Clock
from bot.delivery.polling import inbox_row
from storage.db import Database
from storage.inbox import InboxRepo
from storage.migrate import migrate
from tests.chat import GROUP, SECRETARY
from tests.fakes import FakeBotAPI


def sample_update(update_id: int, bot: Bot) -> Update:
    """A realistic group command as PTB hands it to us."""
    fake = FakeBotAPI()
    fake._last_update_id = update_id - 1
    data = fake.inject_message(GROUP, SECRETARY, "/progress 12 40 đã có số liệu của các sở")
    return Update.de_json(data, bot)


async def measure(n: int = 2000) -> dict[str, float]:
    """µs per update of each inbox step, and of the read-only and writing paths in total."""
    bot = Bot("123456:TEST-TOKEN")
    clock = Clock()
    updates = [sample_update(100_000 + i, bot) for i in range(n)]
    with tempfile.TemporaryDirectory() as folder:
        db = await Database.open(Path(folder) / "inbox.db")
        try:
            await migrate(db)
            inbox = InboxRepo(db)
            began = time.perf_counter()
            rows = [inbox_row(u) for u in updates]
            serialise = time.perf_counter() - began
            began = time.perf_counter()
            for row in rows[: n // 2]:
                await inbox.store([row], clock.now())
                await inbox.pending(1)
                await inbox.mark_done([row[0]], clock.now())
            read_only = time.perf_counter() - began
            began = time.perf_counter()
            for row in rows[n // 2 :]:
                await inbox.store([row], clock.now())
                await inbox.pending(1)
                async with db.unit() as unit:  # the writing update: its mark joins the unit
                    await db.execute("UPDATE scheduler_state SET value = value WHERE 0")
                    unit.before_commit(lambda r=row: inbox.mark_done([r[0]], clock.now()))
            writing = time.perf_counter() - began
            began = time.perf_counter()
            for _ in rows[n // 2 :]:
                async with db.unit():  # the same unit without the inbox, to subtract
                    await db.execute("UPDATE scheduler_state SET value = value WHERE 0")
            bare_unit = time.perf_counter() - began
        finally:
            await db.close()
    half = n // 2
    figures = {
        "serialise_us": serialise / n * 1e6,
        "read_only_us": (read_only / half) * 1e6 + serialise / n * 1e6,
        "writing_us": ((writing - bare_unit) / half) * 1e6 + serialise / n * 1e6,
        "payload_bytes": sum(len(r[2]) for r in rows) / n,
    }
    return {k: round(v, 1) for k, v in figures.items()}


def markdown(figures: dict[str, float]) -> str:
    """Two lines for bench/RESULTS.md."""
    return (
        f"Inbox cost alone (idle loop, file database): **{figures['read_only_us']:.0f} µs** per "
        f"read-only update (store + pending + a separate mark), **{figures['writing_us']:.0f} µs**"
        f" per writing update (store + pending + the mark inside its unit); serialising the "
        f"update {figures['serialise_us']:.0f} µs of that; payload {figures['payload_bytes']:.0f}"
        " bytes. A getUpdates answer of k updates shares one store and one read-only mark."
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
