"""Per-update cost: our bot against a bare python-telegram-bot echo bot, same fake server, same run.

Run by hand: `make bench` (or `PYTHONPATH=. .venv/bin/python bench/per_update.py [--n 300]`).
Prints updates/s, p50/p99 latency and the our/bare ratio for a read command (/tasks), a write
command (/progress) and a button press, sequentially and with 20 chats in parallel. Telegram's
pacing (AIORateLimiter's 30/s and 20/min per group) is off for both bots: this measures our code,
not Telegram's limits (bench/fanout.py measures those).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.app import build_application
from bot.clock import Clock
from handlers.routes import install
from tests.chat import bot_settings
from tests.fakes import FakeBotAPI, User, group, running_bot
from tests.fakes.harness import make_builder

PARALLEL_CHATS = 20


@dataclass
class Result:
    """Figures of one scenario for one bot."""

    rate: float
    p50_ms: float
    p99_ms: float


async def _bare_reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(update.effective_message.text or "ok")


async def _bare_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.callback_query.answer("ok")


def bare_app(fake: FakeBotAPI) -> Application:
    """The baseline: a bare PTB bot that echoes commands and answers buttons."""
    app = make_builder(fake).build()
    app.add_handler(CommandHandler(["tasks", "progress", "members"], _bare_reply))
    app.add_handler(CallbackQueryHandler(_bare_button))
    return app


Inject = Callable[[FakeBotAPI, int, int], object]  # (fake, chat index, i) → injected update
Done = Callable[[FakeBotAPI, int], int]  # (fake, chat id) → count of the responses seen


def sends_to(fake: FakeBotAPI, chat_id: int) -> int:
    """How many messages the bot sent to a chat."""
    return sum(1 for c in fake.sent(chat_id))


def answers(fake: FakeBotAPI, _chat_id: int) -> int:
    """How many callback queries were answered (all chats)."""
    return len(fake.calls_of("answerCallbackQuery"))


async def measure(fake: FakeBotAPI, chats: list[int], n: int, inject: Inject, done: Done) -> Result:
    """Send `n` updates per chat, each waiting for its response; chats run concurrently."""
    latencies: list[float] = []

    async def one_chat(index: int, chat_id: int) -> None:
        for i in range(n):
            before = done(fake, chat_id)
            started = time.perf_counter()
            inject(fake, index, i)
            await fake.wait_for(lambda: done(fake, chat_id) > before, timeout=30)
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(one_chat(i, c) for i, c in enumerate(chats)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    return Result(
        rate=len(latencies) / elapsed,
        p50_ms=statistics.median(latencies) * 1000,
        p99_ms=latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
    )


Prepare = Callable[[object, FakeBotAPI, list], Awaitable[dict]]


async def run_bot(kind: str, n: int, prepare: Prepare, scenarios: dict) -> dict[str, Result]:
    """Start one bot (ours or bare) on a fresh fake server and run every scenario."""
    out: dict[str, Result] = {}
    with tempfile.TemporaryDirectory() as tmp:
        async with FakeBotAPI() as fake:
            if kind == "ours":
                settings = bot_settings(fake, Path(tmp) / "bench.db", log_level="WARNING")
                app = build_application(settings, install, Clock(), throttle=False)
            else:
                app = bare_app(fake)
            async with running_bot(app, fake, step_timeout=60) as conv:
                groups = [group(-1002000000000 - i, f"Ban {i}") for i in range(PARALLEL_CHATS)]
                state = await prepare(conv, fake, groups) if kind == "ours" else {}
                for name, (inject_for, done) in scenarios.items():
                    for mode, chats in (("seq", groups[:1]), ("par", groups)):
                        inject = inject_for(state, groups)
                        out[f"{name}/{mode}"] = await measure(
                            fake, [g.id for g in chats], n if mode == "seq" else n // 4, inject, done
                        )
    return out


def report(ours: dict[str, Result], bare: dict[str, Result]) -> str:
    """A Markdown table of both bots' figures and the ratio of update rates."""
    lines = [
        "| scenario | ours upd/s | bare upd/s | ratio | ours p50 ms | ours p99 ms | bare p50 ms |",
        "|---|---|---|---|---|---|---|",
    ]
    for key in ours:
        o, b = ours[key], bare[key]
        lines.append(
            f"| {key} | {o.rate:.0f} | {b.rate:.0f} | {o.rate / b.rate:.2f} | {o.p50_ms:.1f} |"
            f" {o.p99_ms:.1f} | {b.p50_ms:.1f} |"
        )
    return "\n".join(lines)


def main() -> None:
    """Parse arguments and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="updates per scenario (sequential)")
    args = parser.parse_args()
    from bench.scenarios import SCENARIOS, prepare

    async def both() -> tuple[dict, dict]:
        ours = await run_bot("ours", args.n, prepare, SCENARIOS)
        bare = await run_bot("bare", args.n, prepare, SCENARIOS)
        return ours, bare

    ours, bare = asyncio.run(both())
    print(report(ours, bare))


if __name__ == "__main__":
    main()


__all__ = ["User", "main"]
