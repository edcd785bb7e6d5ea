"""Per-update cost: our bot against a bare python-telegram-bot bot, same fake server, same run.

Run by hand: `make bench` (or `.venv/bin/python -m bench.per_update [--n 200] [--json FILE]`).
Prints updates/s, p50/p99 latency and the our/bare ratio for a read command (/tasks), a write
command (/progress) and a button press, sequentially (one chat, one update at a time) and with 20
chats in parallel (each chat one update at a time). Telegram's pacing (AIORateLimiter's 30/s and
20/min per group) is off for both bots: this measures our code, not Telegram's limits
(bench/fanout.py measures those). See bench/scenarios.py for what each bot does per update.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.fakes import CountingFake
from bench.scenarios import SCENARIOS, Bench, Inject, bare_app, prepare_bare, prepare_ours
from bot.app import build_application
from bot.clock import Clock
from handlers.routes import install
from tests.chat import bot_settings
from tests.fakes import group, running_bot

PARALLEL_CHATS = 20
WARMUP = 10


@dataclass
class Result:
    """Figures of one scenario for one bot."""

    updates: int
    rate: float
    p50_ms: float
    p99_ms: float


async def measure(fake: CountingFake, bench: Bench, chats: int, n: int, inject: Inject) -> Result:
    """Send `n` updates in each of the first `chats` chats, each waiting for its answer."""
    latencies: list[float] = []

    async def one_chat(index: int) -> None:
        for _ in range(n):
            started = time.perf_counter()
            done = inject(fake, bench, index)
            await fake.wait_for(done, timeout=30, what="an answer")
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(one_chat(c) for c in range(chats)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    return Result(
        updates=len(latencies),
        rate=len(latencies) / elapsed,
        p50_ms=statistics.median(latencies) * 1000,
        p99_ms=latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
    )


async def run_bot(kind: str, n: int) -> dict[str, Result]:
    """Start one bot (ours or bare) on a fresh fake server and run every scenario."""
    out: dict[str, Result] = {}
    with tempfile.TemporaryDirectory() as tmp:
        async with CountingFake() as fake:
            if kind == "ours":
                settings = bot_settings(fake, Path(tmp) / "bench.db", log_level="WARNING")
                app = build_application(settings, install, Clock(), throttle=False)
            else:
                app = bare_app(fake)
            async with running_bot(app, fake, step_timeout=60) as conv:
                groups = [group(-1002000000000 - i, f"Ban {i}") for i in range(PARALLEL_CHATS)]
                prepare = prepare_ours if kind == "ours" else prepare_bare
                bench = await prepare(conv, fake, groups)
                for name, inject in SCENARIOS.items():
                    await measure(fake, bench, 1, WARMUP, inject)
                    out[f"{name} seq"] = await measure(fake, bench, 1, n, inject)
                    per_chat = max(1, n // 4)
                    out[f"{name} 20 chats"] = await measure(
                        fake, bench, PARALLEL_CHATS, per_chat, inject
                    )
    return out


def table(ours: dict[str, Result], bare: dict[str, Result]) -> str:
    """A Markdown table of both bots' figures and the ratio of update rates."""
    lines = [
        "| scenario | updates | ours upd/s | bare upd/s | ratio | ours p50 / p99 ms"
        " | bare p50 / p99 ms |",
        "|---|---|---|---|---|---|---|",
    ]
    for key in ours:
        o, b = ours[key], bare[key]
        lines.append(
            f"| {key} | {o.updates} | {o.rate:.0f} | {b.rate:.0f} | **{o.rate / b.rate:.2f}** |"
            f" {o.p50_ms:.1f} / {o.p99_ms:.1f} | {b.p50_ms:.1f} / {b.p99_ms:.1f} |"
        )
    return "\n".join(lines)


async def both(n: int) -> tuple[dict[str, Result], dict[str, Result]]:
    """Our bot, then the bare one, in the same process."""
    ours = await run_bot("ours", n)
    bare = await run_bot("bare", n)
    return ours, bare


def main() -> None:
    """Parse arguments and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="updates per scenario (sequential)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    ours, bare = asyncio.run(both(args.n))
    print(table(ours, bare))
    if args.json:
        data = {"ours": {k: asdict(v) for k, v in ours.items()}}
        data["bare"] = {k: asdict(v) for k, v in bare.items()}
        data["markdown"] = table(ours, bare)
        args.json.write_text(json.dumps(data, indent=1))


if __name__ == "__main__":
    main()
