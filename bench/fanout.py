"""Fan-out: 1,000 due reminders to 1,000 group chats through AIORateLimiter, against a fake Bot API
server that enforces Telegram's flood limits (bench/fakes.py `LimitedFake`: 30 messages in any
one second overall, 20 a minute per group, 1 a second per private chat; 429 + retry_after beyond).

Run by hand: `make bench` (or `.venv/bin/python -m bench.fanout [--chats 1000] [--json FILE]`).
A generated database (bench/province_data.py: one committee per chat, 10 tasks each) gets one
due task reminder per committee; the bot is built exactly as in production (`throttle=True`) and
one `Sweeper.sweep(NOW)` sends them all. Reported: messages sent, the achieved rate between the
first and the last accepted message (against the 30 msg/s ceiling), the 429s the fake answered,
and the longest gap between two accepted messages.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import tempfile
import time
from pathlib import Path

from bench.fakes import OVERALL_PER_SECOND, LimitedFake
from bench.province_data import NOW, Shape, generate, make_due
from bot.clock import FakeClock
from bot.wiring.app import build_application
from handlers.jobs import sweeper_of
from tests.chat import bot_settings


async def fan_out(path: Path) -> dict:
    """Send every due reminder once through the rate-limited bot; return the figures."""
    async with LimitedFake() as fake:
        app = build_application(
            bot_settings(fake, path, log_level="WARNING"), FakeClock(NOW), throttle=True
        )
        await app.initialize()
        await app.post_init(app)  # the menus go out here: not part of the fan-out figures
        try:
            accepted_before = len(fake.accepted_times)
            started = time.perf_counter()
            sent = await sweeper_of(app).sweep(NOW)
            elapsed = time.perf_counter() - started
        finally:
            await app.post_shutdown(app)
            await app.shutdown()
    times = fake.accepted_times[accepted_before:]
    span = times[-1] - times[0] if len(times) > 1 else 0.0
    gaps = [b - a for a, b in itertools.pairwise(times)]
    return {
        "sent": sent,
        "accepted": len(times),
        "sweep_s": elapsed,
        "rate": (len(times) - 1) / span if span else 0.0,
        "overall_rate": sent / elapsed if elapsed else 0.0,
        "refused_429": fake.refused,
        "max_gap_ms": max(gaps, default=0.0) * 1000,
    }


def table(figures: dict, chats: int) -> str:
    """Markdown for RESULTS.md."""
    return "\n".join(
        [
            "| figure | value | target |",
            "|---|---|---|",
            f"| due reminders / chats | {chats} / {chats} | |",
            f"| sent (group messages) | {figures['sent']} | {chats} |",
            f"| achieved rate, first to last message | {figures['rate']:.1f} msg/s"
            f" | ≥ 27 (ceiling {OVERALL_PER_SECOND}) |",
            f"| whole sweep | {figures['sweep_s']:.1f} s ({figures['overall_rate']:.1f} msg/s) | |",
            f"| 429 answers from the fake | {figures['refused_429']} | 0 |",
            f"| longest gap between two messages | {figures['max_gap_ms']:.0f} ms | |",
        ]
    )


def main() -> None:
    """Generate the chats, fan out, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=1000)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fanout.db"
        generate(path, Shape(committees=args.chats, tasks=10))
        due = make_due(path, args.chats)
        figures = asyncio.run(fan_out(path))
    figures["due"] = len(due)
    text = table(figures, len(due))
    print(text)
    if args.json:
        args.json.write_text(json.dumps({"figures": figures, "markdown": text}, indent=1))


if __name__ == "__main__":
    main()
