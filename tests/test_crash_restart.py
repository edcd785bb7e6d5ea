"""Crash-restart: the real bot process (`python -m bot`) runs a committee's workload against the
fake Bot API and is killed with SIGKILL at seeded random moments, then restarted on the same
database. Afterwards:

- every action the bot acknowledged (it replied with a non-refusal, or answered the button with
  its confirmation) is in the database;
- every reminder that fell due was sent exactly once. Reminders become due by the catch-up path:
  while the bot is down, some unsent ones are moved into the past (what a long outage does), so
  the start-up sweep sends them. The scheduler's documented in-flight case (bot/services/
  reminders.py: group message first, row marked right after, so a kill between the two repeats
  that one message after the restart) is the only duplicate allowed, and only when the first copy
  was the last thing the sweep sent before that kill.

People behave like people: a command the bot did not answer before it died is sent again once
it is back; a button is pressed only if its card is there.

`make test` runs a short workload with a few kills; `make soak` runs ≥ 20 kills.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sqlite3
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from storage.db import to_db
from tests.chat import CHAIR, DEPUTY, GROUP, MEMBER_A, MEMBER_B, SECRETARY
from tests.fakes import FakeBotAPI
from tests.fakes.harness import TOKEN
from tests.workload import Step, apologies, committee_workload, refusal_key

ROOT = Path(__file__).resolve().parent.parent
REMINDER_PREFIXES = ("🔔 <b>", "⏰ <b>", "🔴 <b>", "📝 <b>Nhắc", "🗳 <b>Nhắc", "📰")


def reminder_call(call) -> bool:
    """A message the sweep sent (reminders and digests), as opposed to replies."""
    return call.method == "sendMessage" and str(call.params.get("text", "")).startswith(
        REMINDER_PREFIXES
    )


class BotProcess:
    """`python -m bot` against the fake server, stderr to a log file per life."""

    def __init__(
        self, fake: FakeBotAPI, database: Path, logs: Path, env: dict[str, str] | None = None
    ) -> None:
        self.fake, self.database, self.logs = fake, database, logs
        self.env = env or {}  # e.g. WEBHOOK_*: the process is ready once it set its webhook
        self.proc: asyncio.subprocess.Process | None = None
        self.lives = 0
        self.startup_seconds: list[float] = []

    async def start(self) -> None:
        self.lives += 1
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "DATABASE_"))},
            "PYTHONPATH": str(ROOT),
            "BOT_TOKEN": TOKEN,
            "BOT_API_BASE_URL": self.fake.base_url,
            "BOT_API_FILE_URL": self.fake.base_file_url,
            "DATABASE_PATH": str(self.database),
            "LOG_LEVEL": "INFO",
            **self.env,
        }
        ready = "setWebhook" if "WEBHOOK_URL" in self.env else "getUpdates"
        mark = len(self.fake.calls)
        began = time.perf_counter()
        with open(self.logs / f"life-{self.lives:02d}.log", "wb") as log:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", cwd=self.logs, env=env, stdout=log, stderr=log
            )
        await self.fake.wait_for(
            lambda: (
                any(c.method == ready for c in self.fake.calls[mark:])
                or self.proc.returncode is not None
            ),
            timeout=60,
            what=f"the bot process to start ({ready})",
        )
        assert self.proc.returncode is None, self.log_text()
        self.startup_seconds.append(time.perf_counter() - began)

    async def kill(self) -> None:
        assert self.proc is not None and self.proc.returncode is None, self.log_text()
        self.proc.send_signal(signal.SIGKILL)
        await self.proc.wait()

    def log_text(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.logs.glob("*.log")))


@dataclass
class Action:
    """A step as carried out: what was sent, and how the bot answered (if it did)."""

    step: Step
    update_id: int
    message_id: int | None = None
    query_id: str | None = None
    text: str = ""

    def answer(self, fake: FakeBotAPI) -> str | None:
        """The bot's answer: its reply to the message, or its notice on the button."""
        for call in fake.calls:
            if not call.ok:
                continue
            if self.message_id is not None and call.method == "sendMessage":
                quoted = (call.params.get("reply_parameters") or {}).get("message_id")
                if quoted == self.message_id and str(call.chat_id) == str(GROUP.id):
                    return str(call.params.get("text"))
            if self.query_id is not None and call.method == "answerCallbackQuery":
                if call.params.get("callback_query_id") == self.query_id:
                    return str(call.params.get("text") or "")
        return None


@dataclass
class Run:
    """One crash-restart run and its figures."""

    fake: FakeBotAPI
    bot: BotProcess
    database: Path
    rng: random.Random
    actions: list[Action] = field(default_factory=list)
    kill_marks: list[int] = field(default_factory=list)  # len(fake.calls) at each kill
    moved: list[int] = field(default_factory=list)  # reminder ids moved into the past
    resent: int = 0

    # -------------------------------------------------------------- reading the database
    def query(self, sql: str, params: tuple = ()) -> list[sqlite3.Row]:
        conn = sqlite3.connect(f"file:{self.database}?mode=ro", uri=True, timeout=10)
        conn.row_factory = sqlite3.Row
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()

    def item(self, title: str) -> sqlite3.Row | None:
        rows = self.query("SELECT * FROM items WHERE title = ? ORDER BY id DESC LIMIT 1", (title,))
        return rows[0] if rows else None

    # -------------------------------------------------------------- acting
    async def wait_answer(self, action: Action, patience: float) -> str | None:
        try:
            await self.fake.wait_for(lambda: action.answer(self.fake) is not None, patience)
        except AssertionError:
            return None
        return action.answer(self.fake)

    def inject(self, step: Step) -> Action | None:
        """Send the step as its person would; None when it cannot be done (no card to press)."""
        titles = {key: self.item(title) for key, title in step.titles.items()}
        if step.press is not None:
            kind, code = step.press
            item = titles[kind]
            if item is None or item["message_id"] is None:
                return None
            card = self.fake.message(GROUP.id, item["message_id"])
            buttons = [
                b["callback_data"]
                for row in (card or {}).get("reply_markup", {}).get("inline_keyboard", [])
                for b in row
                if b.get("callback_data", "").endswith(f":{code}")
            ]
            if not buttons:
                return None
            user = step.user
            update = self.fake.inject_callback(GROUP, user, card, buttons[0])
            return Action(step, update["update_id"], query_id=update["callback_query"]["id"])
        creates = step.text.startswith(("/assign", "/consult", "/vote"))
        values = {
            key: title if creates else (titles[key]["number"] if titles[key] else 0)
            for key, title in step.titles.items()
        }
        text = step.text.format(**values)
        update = self.fake.inject_message(GROUP, step.user, text)
        message_id = update["message"]["message_id"]
        return Action(step, update["update_id"], message_id=message_id, text=text)

    async def kill_and_restart(self, *, move_reminders: bool) -> None:
        await self.bot.kill()
        self.kill_marks.append(len(self.fake.calls))
        if move_reminders:
            self.move_reminders_into_the_past()
        await self.bot.start()

    def move_reminders_into_the_past(self) -> None:
        """What a long outage does: some planned reminders fall due while the bot is down."""
        rows = self.query(
            "SELECT * FROM reminders WHERE sent_at IS NULL AND cancelled_at IS NULL"
            " AND kind IN ('adhoc', 'task_offset') ORDER BY id"
        )
        now = datetime.now(UTC)
        chosen, tasks = [], set()
        for row in rows:
            if row["kind"] == "task_offset" and (row["item_id"] in tasks or row["seq"] != 86400):
                continue  # one reminder per task: several due at once send only the latest
            if self.rng.random() < 0.5:
                chosen.append(row["id"])
                tasks.add(row["item_id"])
        conn = sqlite3.connect(self.database, timeout=10)
        try:
            with conn:
                for reminder_id in chosen:
                    when = to_db(now - timedelta(minutes=self.rng.choice([1, 5, 30, 600])))
                    conn.execute(
                        "UPDATE reminders SET due_at = ?, planned_at = ? WHERE id = ?",
                        (when, when, reminder_id),
                    )
        finally:
            conn.close()
        self.moved += chosen

    async def perform(self, step: Step, kill: float | None) -> None:
        """Carry the step out; `kill`: die that many seconds after sending it.

        A step the bot did not answer is sent again (at most twice), as a person would."""
        for attempt in range(3):
            action = self.inject(step)
            if action is None:  # nothing to press: the moment to die comes all the same
                if kill is not None:
                    await self.kill_and_restart(move_reminders=self.rng.random() < 0.7)
                return
            self.actions.append(action)
            if attempt:
                self.resent += 1
            if kill is not None:
                await asyncio.sleep(kill)
                await self.kill_and_restart(move_reminders=self.rng.random() < 0.7)
                kill = None
                answered = await self.wait_answer(action, 3)
            else:
                answered = await self.wait_answer(action, 15)
                assert answered is not None, (action.text, self.bot.log_text()[-3000:])
            if answered is not None:
                return

    async def settle_reminders(self) -> None:
        """Wait until nothing is due any more (the sweep caught up)."""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            due = self.query(
                "SELECT count(*) FROM reminders WHERE sent_at IS NULL AND cancelled_at IS NULL"
                " AND due_at <= ?",
                (to_db(datetime.now(UTC)),),
            )[0][0]
            if due == 0:
                return
            await asyncio.sleep(0.1)
        raise AssertionError("due reminders were not sent within 30 s")


# ------------------------------------------------------------------ checks
def check_acknowledged(run: Run) -> int:
    """Every acknowledged action is in the database; returns how many were checked."""
    checked, missing = 0, []
    for action in run.actions:
        answer = action.answer(run.fake)
        step = action.step
        if answer is None or not step.expect or refusal_key(answer) is not None:
            continue
        assert answer not in apologies(), action.text
        if action.query_id is not None and not answer:
            continue  # an empty notice acknowledges nothing
        checked += 1
        kind, *args = step.expect
        rows: list = []
        if kind == "item":
            [title] = [title for title in step.titles.values() if title in action.text]
            rows = run.query("SELECT 1 FROM items WHERE title = ?", (title,))
        elif kind == "note":
            rows = run.query("SELECT 1 FROM task_notes WHERE note = ?", (args[0],))
        elif kind == "opinion":
            user_id, answer_kind, text = args
            rows = run.query(
                "SELECT 1 FROM opinions o JOIN members m ON m.id = o.member_id JOIN items i"
                " ON i.id = o.item_id WHERE m.user_id = ? AND o.answer = ? AND o.text = ?"
                " AND i.title = ?",
                (user_id, answer_kind, text, step.titles["consult"]),
            )
        elif kind == "ballot":
            rows = run.query(
                "SELECT 1 FROM ballots b JOIN items i ON i.id = b.item_id WHERE b.user_id = ?"
                " AND i.title = ?",
                (args[0], step.titles["motion"]),
            )
        elif kind == "adhoc":
            rows = run.query("SELECT 1 FROM reminders WHERE kind = 'adhoc' AND text = ?", args)
        elif kind == "done":
            rows = run.query(
                "SELECT 1 FROM items WHERE title = ? AND status = 'done'", (step.titles["task"],)
            )
        if not rows:
            missing.append((action.text or step.press, answer))
    assert missing == []
    return checked


def generation_of(run: Run, index: int) -> int:
    return sum(1 for mark in run.kill_marks if mark <= index)


def check_reminders(run: Run) -> tuple[int, int]:
    """Every due reminder went out exactly once, bar the in-flight case; returns
    (reminders sent, duplicates excused as in flight).

    Reminders are matched to messages by their text (ad-hoc: its own text; task reminders: the
    task's number) and to their row by the message id the row recorded when it was marked sent.
    A copy no row claims is a duplicate; it is excused only as the in-flight case: it was the
    last message the sweep sent in that life of the process (so the kill came before the mark).
    """
    rows = run.query("SELECT * FROM reminders WHERE kind IN ('adhoc', 'task_offset')")
    calls = run.fake.calls
    sweep_calls = [i for i, c in enumerate(calls) if reminder_call(c) and c.ok]
    now = to_db(datetime.now(UTC))
    groups: dict[tuple, list] = {}
    for row in rows:
        key = ("adhoc", row["text"]) if row["kind"] == "adhoc" else ("task", row["item_id"])
        groups.setdefault(key, []).append(row)
    sent_count, excused, problems = 0, 0, []
    for (kind, value), members in groups.items():
        if kind == "adhoc":
            needle = f"</b>: {value}\n"
        else:
            number = run.query("SELECT number FROM items WHERE id = ?", (value,))[0][0]
            needle = f"<b>Nhắc hạn nhiệm vụ #{number}</b>"
        copies = [i for i in sweep_calls if needle in calls[i].params["text"]]
        claimed = {row["message_id"] for row in members if row["sent_at"] is not None}
        for row in members:
            if row["sent_at"] is not None:
                sent_count += 1
                if row["message_id"] not in {calls[i].result["message_id"] for i in copies}:
                    problems.append(("marked sent, never delivered", dict(row)))
            elif row["cancelled_at"] is None and row["due_at"] <= now:
                problems.append(("due but not sent", dict(row)))
        for i in copies:
            if calls[i].result["message_id"] in claimed:
                continue
            life = generation_of(run, i)
            killed_at = run.kill_marks[life] if life < len(run.kill_marks) else None
            last_of_life = killed_at is not None and not [
                j for j in sweep_calls if i < j < killed_at
            ]
            if last_of_life:
                excused += 1
            else:
                problems.append(("sent twice", needle, calls[i].params["text"][:80]))
    assert problems == []
    return sent_count, excused


def check_logs(run: Run) -> None:
    text = run.bot.log_text()
    assert TOKEN not in text and TOKEN.split(":")[1] not in text
    errors = [line for line in text.splitlines() if " ERROR " in line or "Traceback" in line]
    assert errors == [], "\n".join(errors[:20])


# ------------------------------------------------------------------ the run
async def crash_run(tmp_path: Path, *, seed: int, rounds: int, kills: int) -> dict:
    rng = random.Random(seed)
    logs = tmp_path / "logs"
    logs.mkdir()
    began = time.perf_counter()
    async with FakeBotAPI() as fake:
        bot = BotProcess(fake, tmp_path / "data" / "bot.db", logs)
        run = Run(fake, bot, bot.database, rng)
        await bot.start()
        try:
            fake.set_chat_member(GROUP.id, SECRETARY, "administrator")
            for user, text in (
                (SECRETARY, "/setup Ban Chỉ đạo Chuyển đổi số"),
                (SECRETARY, "/settings quiet off"),  # the real clock may be at night…
                (SECRETARY, "/settings workdays mon-sun"),  # …or on a Sunday
                # Joined first, then given their roles: a pre-registered chair's or deputy's
                # seat would wait for the secretary's confirmation button (issue 19).
                (CHAIR, "/join UBND tỉnh"),
                (DEPUTY, "/join Sở Thông tin và Truyền thông"),
                (SECRETARY, "/role @chutich_qt chair"),
                (SECRETARY, "/role @pho_ban deputy"),
                (MEMBER_A, "/join Sở Tài chính"),
                (MEMBER_B, "/join Sở Kế hoạch và Đầu tư"),
            ):
                await run.perform(Step(user, text), None)
            steps = committee_workload(rounds)
            kill_at = set(rng.sample(range(len(steps)), kills - kills // 3))
            catch_up_kills = kills - len(kill_at)  # the rest land in start-up catch-up sweeps
            for index, step in enumerate(steps):
                delay = rng.choice([0.0, 0.005, 0.02, 0.05, 0.1, 0.3]) if index in kill_at else None
                await run.perform(step, delay)
                if catch_up_kills and rng.random() < catch_up_kills / (len(steps) - index):
                    catch_up_kills -= 1
                    await run.kill_and_restart(move_reminders=True)
                    await asyncio.sleep(rng.uniform(0.0, 0.25))  # the catch-up sweep is running
                    await run.kill_and_restart(move_reminders=False)
            for _ in range(catch_up_kills):
                await run.kill_and_restart(move_reminders=True)
            await run.kill_and_restart(move_reminders=True)  # the last outage: catch up…
            await run.settle_reminders()  # …and send everything that is due
            await asyncio.sleep(0.5)  # the mark lands after the send: let it
        finally:
            if bot.proc is not None and bot.proc.returncode is None:
                await bot.kill()
        acknowledged = check_acknowledged(run)
        sent, excused = check_reminders(run)
        check_logs(run)
    figures = {
        "kills": len(run.kill_marks),
        "lives": bot.lives,
        "steps": len(run.actions),
        "resent": run.resent,
        "acknowledged_checked": acknowledged,
        "reminders_moved_due": len(set(run.moved)),
        "reminders_sent": sent,
        "in_flight_duplicates": excused,
        "startup_median_s": round(sorted(bot.startup_seconds)[len(bot.startup_seconds) // 2], 2),
        "seconds": round(time.perf_counter() - began, 1),
    }
    print(f"\ncrash-restart (seed {seed}): {figures}")
    return figures


async def test_crash_restart_a_few_kills(tmp_path):
    figures = await crash_run(tmp_path, seed=8, rounds=1, kills=4)
    assert figures["kills"] >= 4 + 1 and figures["reminders_sent"] >= 1
    assert figures["acknowledged_checked"] >= 8


@pytest.mark.soak
@pytest.mark.parametrize("seed", [int(os.environ.get("CRASH_SEED", "2026"))])
async def test_crash_restart_soak(tmp_path, seed):
    kills = int(os.environ.get("CRASH_KILLS", "24"))
    figures = await crash_run(tmp_path, seed=seed, rounds=6, kills=kills)
    assert figures["kills"] >= 20 and figures["reminders_sent"] >= 10
