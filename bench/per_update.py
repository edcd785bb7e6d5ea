"""Per-update cost: our bot against a bare python-telegram-bot bot, same fake server, same run.

Run by hand: `make bench` (or `.venv/bin/python -m bench.per_update [--n 240] [--rounds 8]
[--json FILE]`). Prints updates/s, p50/p99 latency, process CPU per update and the our/bare ratio
for a read command (/tasks), a write command (/progress) and a button press, sequentially (one
chat, one update at a time) and with 20 chats in parallel (each chat one update at a time).
Our bot runs the production path (bot/delivery: every update through the inbox, every reply
of a write through the outbox); the last columns count its database commits and hand-offs to
aiosqlite's worker thread per update, and the wall time of its inbox work per update in situ
(storing each getUpdates answer; the read-only marks ride in the next commit, a writing
update's in its own unit). The last lines give the inbox's and the outbox's cost in µs per
update measured alone (bench/inbox_cost.py).

Both bots run in this process at once, each on its own instance of the fake server
(tests/fakes, via bench/fakes.py `CountingFake`); each scenario's updates are split into rounds
that alternate ours/bare, so load from elsewhere on the machine hits both alike. The ratio is
given on the best round of each bot (the least disturbed), on the median round, and as the
median of paired rounds (each of ours against the bare round right after it). Telegram's
pacing (AIORateLimiter's 30/s and 20/min per group) is off for both bots (`throttle=False`): this
measures our code, not Telegram's limits (bench/fanout.py measures those). See bench/scenarios.py
for what each bot does per update.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from bench import inbox_cost
from bench.fakes import CountingFake
from bench.scenarios import (
    SCENARIOS,
    Bench,
    Inject,
    Payloads,
    bare_app,
    prepare_bare,
    prepare_ours,
)
from bot.clock import Clock
from bot.delivery.processor import InboxStats
from bot.wiring.app import build_application
from tests.chat import bot_settings
from tests.fakes import group, running_bot

PARALLEL_CHATS = 20
WARMUP = 10


@dataclass
class Result:
    """Figures of one scenario for one bot."""

    updates: int
    rate: float  # best round (the least disturbed by other load on the machine)
    median_rate: float
    cpu_ms: float  # process CPU per update (bot, fake server and driver together)
    hops: float  # hand-offs to aiosqlite's worker thread per update (ours; 0 for the bare bot)
    commits: float  # database commits per update (ours)
    rates: list[float]  # each round's rate, in order (round i of ours ran just before bare's)
    p50_ms: float
    p99_ms: float
    inbox_us: float | None = None  # wall µs of inbox work per update, in situ (ours only)


async def measure(
    fake: CountingFake,
    bench: Bench,
    chats: int,
    n: int,
    inject: Inject,
    stats: InboxStats | None = None,
) -> Round:
    """Send `n` updates in each of the first `chats` chats, each waiting for its answer."""
    latencies: list[float] = []
    inbox_before = stats.seconds if stats is not None else 0.0

    async def one_chat(index: int) -> None:
        for _ in range(n):
            started = time.perf_counter()
            done = inject(fake, bench, index)
            await fake.wait_for(done, timeout=30, what="an answer")
            latencies.append(time.perf_counter() - started)

    started, cpu = time.perf_counter(), time.process_time()
    hops, commits = bench.hops(), bench.commits()
    await asyncio.gather(*(one_chat(c) for c in range(chats)))
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    inbox = stats.seconds - inbox_before if stats is not None else None
    return Round(elapsed, cpu, latencies, bench.hops() - hops, bench.commits() - commits, inbox)


@dataclass
class Round:
    """One batch of updates: wall time and each update's latency (seconds)."""

    elapsed: float
    cpu: float  # process CPU time, all threads (the fake server's share included)
    latencies: list[float]
    hops: int = 0
    commits: int = 0
    inbox: float | None = None  # seconds of inbox work (storing the answers), ours only


def summarize(rounds: list[Round]) -> Result:
    """Rate: the best and the median round; latencies: pooled over the rounds."""
    latencies = sorted(x for r in rounds for x in r.latencies)
    return Result(
        updates=len(latencies),
        rate=max(len(r.latencies) / r.elapsed for r in rounds),
        median_rate=statistics.median(len(r.latencies) / r.elapsed for r in rounds),
        cpu_ms=sum(r.cpu for r in rounds) / len(latencies) * 1000,
        hops=sum(r.hops for r in rounds) / len(latencies),
        commits=sum(r.commits for r in rounds) / len(latencies),
        rates=[len(r.latencies) / r.elapsed for r in rounds],
        p50_ms=statistics.median(latencies) * 1000,
        p99_ms=latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
        inbox_us=(
            sum(r.inbox for r in rounds if r.inbox is not None) / len(latencies) * 1e6
            if rounds[0].inbox is not None
            else None
        ),
    )


@asynccontextmanager
async def started(
    kind: str, folder: str, payloads: Payloads | None = None
) -> AsyncIterator[tuple[CountingFake, Bench, InboxStats | None]]:
    """One bot (ours, or bare sending `payloads`) on its own fake server, its chats prepared."""
    async with CountingFake() as fake:
        if kind == "ours":
            settings = bot_settings(fake, Path(folder) / "bench.db", log_level="WARNING")
            app = build_application(settings, Clock(), throttle=False)
        else:
            app = bare_app(fake)
        async with running_bot(app, fake, step_timeout=60) as conv:
            groups = [group(-1002000000000 - i, f"Ban {i}") for i in range(PARALLEL_CHATS)]
            if kind == "ours":
                prepared = await prepare_ours(conv, fake, groups)
                yield fake, prepared, app.bot_data.delivery.stats
            else:
                yield fake, await prepare_bare(conv, fake, groups, payloads), None


async def compare(n: int, rounds: int) -> tuple[dict[str, Result], dict[str, Result]]:
    """Both bots run at once; each batch alternates ours/bare so background load hits both."""
    with tempfile.TemporaryDirectory() as folder:
        async with (
            started("ours", folder) as ours,
            started("bare", folder, ours[1].payloads) as bare,
        ):
            figures: dict[str, dict[str, list[Round]]] = {"ours": {}, "bare": {}}
            for name, inject in SCENARIOS.items():
                for fake, bench, stats in (ours, bare):
                    await measure(fake, bench, 1, WARMUP, inject, stats)
                for mode, chats, per_chat in (
                    ("seq", 1, n),
                    (f"{PARALLEL_CHATS} chats", PARALLEL_CHATS, max(1, n // 4)),
                ):
                    for _ in range(rounds):
                        for (fake, bench, stats), kind in ((ours, "ours"), (bare, "bare")):
                            per = per_chat // rounds
                            batch = await measure(fake, bench, chats, per, inject, stats)
                            figures[kind].setdefault(f"{name} {mode}", []).append(batch)
    out = tuple({k: summarize(v) for k, v in figures[kind].items()} for kind in ("ours", "bare"))
    return out  # type: ignore[return-value]


def paired(ours: Result, bare: Result) -> float:
    """The median of round-by-round ratios: each of our rounds against the bare round run right
    after it, under nearly the same load from elsewhere (the steadiest figure on a busy machine)."""
    return statistics.median(o / b for o, b in zip(ours.rates, bare.rates, strict=True))


def table(ours: dict[str, Result], bare: dict[str, Result]) -> str:
    """A Markdown table of both bots' figures and the ratio of update rates."""
    lines = [
        "| scenario | updates | ours upd/s | bare upd/s | ratio (best round) | ratio (median)"
        " | ratio (paired)"
        " | ours p50 / p99 ms | bare p50 / p99 ms | CPU ms/update ours / bare"
        " | commits / hand-offs per update | inbox µs/update (in situ) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for key in ours:
        o, b = ours[key], bare[key]
        lines.append(
            f"| {key} | {o.updates} | {o.rate:.0f} | {b.rate:.0f} | **{o.rate / b.rate:.2f}** |"
            f" {o.median_rate / b.median_rate:.2f} | {paired(o, b):.2f} |"
            f" {o.p50_ms:.1f} / {o.p99_ms:.1f} | {b.p50_ms:.1f} / {b.p99_ms:.1f} |"
            f" {o.cpu_ms:.2f} / {b.cpu_ms:.2f} | {o.commits:.2f} / {o.hops:.2f} |"
            f" {o.inbox_us or 0:.0f} |"
        )
    return "\n".join(lines)


def main() -> None:
    """Parse arguments and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=240, help="updates per scenario (sequential)")
    parser.add_argument("--rounds", type=int, default=8, help="alternating batches per bot")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    ours, bare = asyncio.run(compare(args.n, args.rounds))
    inbox = asyncio.run(inbox_cost.measure())
    print(table(ours, bare))
    print()
    print(inbox_cost.markdown(inbox))
    if args.json:
        data = {"ours": {k: asdict(v) for k, v in ours.items()}}
        data["bare"] = {k: asdict(v) for k, v in bare.items()}
        data["inbox"] = inbox
        data["markdown"] = table(ours, bare) + "\n\n" + inbox_cost.markdown(inbox)
        args.json.write_text(json.dumps(data, indent=1))


if __name__ == "__main__":
    main()
