"""The scheduler's Telegram side: one sweep that sends what is due, woken by the JobQueue.

The database is the truth; the JobQueue only calls `Sweeper.sweep()` every `SWEEP_INTERVAL`
seconds (and once right after start-up: the catch-up). Tests call `sweep(now)` directly with the
shared FakeClock. A sweep: replans committees whose settings changed, runs the auto-closers
(consultations and votes past their deadline), then posts each committee's due reminders and
digest as one batch (`handlers/reminder_batch.py`) within its daily ceiling — each message
first, its rows marked sent right after — and last one private message per person.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from datetime import datetime

from telegram import Bot
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import Application

from bot import scheduler
from bot.delivery.recovery import on_thread_lost, thread_lost
from bot.services.reminder_sweep import Dispatch
from bot.wiring.graph import Services
from handlers import digest_render, registry
from handlers import reminder_batch as batch_render
from handlers.outbox import send_long, send_to_group, settle
from handlers.registry import on_start
from handlers.reminder_batch import Message
from handlers.reminder_lines import lines_of
from handlers.standins import with_standins
from handlers.state import Context, state_of

log = logging.getLogger(__name__)

SWEEP_INTERVAL = 60.0  # seconds between wake-ups; the sweep itself decides from the database
BATCH = 50
JOB_NAME = "reminders.sweep"


class Sweeper:
    """Sends due reminders and digests; one sweep at a time."""

    def __init__(self, app: Application) -> None:
        self.app = app
        self.lock = asyncio.Lock()
        self.sweeps = 0

    @property
    def services(self) -> Services:
        """The application's services."""
        return state_of(self.app).services

    @property
    def bot(self) -> Bot:
        """The rate-limited bot."""
        return self.app.bot

    async def sweep(self, now: datetime | None = None) -> int:
        """Do everything due at `now` (default: the clock); return how many group messages
        went out (the private ones follow them)."""
        async with self.lock:
            services = self.services
            now = now or services.clock.now()
            await services.reminders.follow_settings(now)
            await self._close_due(now)
            due, cursor = [], None
            while True:
                batch, cursor = await services.reminders.due(now, BATCH, cursor)
                due += batch
                if cursor is None:
                    break
            by_committee: dict[int, list[Dispatch]] = {}
            for dispatch in due:
                by_committee.setdefault(dispatch.committee.id, []).append(dispatch)
            sent, delivered = 0, []
            for dispatches in by_committee.values():
                count, marked = await self._deliver(dispatches, now)
                sent, delivered = sent + count, delivered + marked
            await self._private(delivered, now)
            self.sweeps += 1
            await services.reminders.swept(now)  # for `status` and /status
            return sent

    async def _close_due(self, now: datetime) -> None:
        closers = registry.AUTO_CLOSERS
        if not closers:
            return
        committees = await self.services.reminders.closable_committees(now)
        if not committees:
            return
        for closer in closers:
            try:
                await closer(self.app, now, committees)
            except Exception:
                log.exception("auto-closer %s failed", getattr(closer, "__qualname__", closer))

    async def _compose(self, dispatches: list[Dispatch], now: datetime) -> list[Message]:
        """The committee's one post: its digest (if one is due) and every reminder's block."""
        services, committee = self.services, dispatches[0].committee
        lang = committee.language
        digest = None
        blocks = []
        for dispatch in batch_render.order(dispatches):
            if dispatch.reminder.kind == scheduler.DIGEST:
                if await services.reminders.digest_already_posted(dispatch, now):
                    continue
                data = await services.digest.build(committee, now)
                late = dispatch.reminder.planned_at if dispatch.late else None
                digest = (dispatch, digest_render.render(data, lang, late))
                continue
            author = None
            if dispatch.reminder.kind == scheduler.ADHOC:
                author = await services.reminders.author(dispatch)
            text = lines_of(dispatch.reminder.kind).group(dispatch, lang, author)
            text = with_standins(text, dispatch, lang)  # "🔁 B thay đồng chí A" (issue 17)
            blocks.append(batch_render.Block(dispatch, text))
        return batch_render.group_post(committee, blocks, digest)

    async def _deliver(self, dispatches: list[Dispatch], now: datetime) -> tuple[int, list]:
        """Post one committee's batch (within its daily ceiling); each row is marked sent right
        after the message that carried it. Returns (messages sent, dispatches marked)."""
        reminders, committee = self.services.reminders, dispatches[0].committee
        pending = await reminders.admit(committee, dispatches, now)
        if not pending:
            return 0, []
        messages, count, marked = [], 0, []
        try:
            messages = await self._compose(pending, now)
            for message in messages:
                [first, *_] = await self._send(committee, message.text)
                if count == 0 and any(d.reminder.kind != scheduler.ADHOC for d in pending):
                    await reminders.posted(committee, now)  # ad-hoc reminders do not count
                count += 1
                for dispatch in message.marks:
                    await reminders.sent(dispatch, now, first.message_id)
                    marked.append(dispatch)
        except Forbidden as exc:  # removed from the group: away until it is re-added
            await self.services.recovery.away(committee, None)
            await self._failed(pending, marked, now, repr(exc), permanent=True)
        except BadRequest as exc:  # refused: those messages end, the schedule goes on
            await self._failed(pending, marked, now, repr(exc), permanent=True)
        except TelegramError as exc:  # 429 after the limiter's retries, timeouts, 5xx: later
            log.warning("reminders of committee %s not sent yet: %r", committee.id, exc)
            await self._failed(pending, marked, now, repr(exc), permanent=False)
        except Exception as exc:
            log.exception("reminders of committee %s failed", committee.id)
            await self._failed(pending, marked, now, repr(exc), permanent=False)
        return count, marked

    async def _failed(self, pending, marked, now, error: str, *, permanent: bool) -> None:
        done = {id(d) for d in marked}
        for dispatch in pending:
            if id(dispatch) not in done:
                await self.services.reminders.failed(dispatch, now, error, permanent)

    async def _send(self, committee, text: str) -> list:
        """Post to the committee's topic; if the topic was deleted, to the general chat."""
        try:
            return await send_to_group(self.services, committee, text, bot=self.bot)
        except BadRequest as exc:
            if committee.thread_id is None or not thread_lost(exc.message):
                raise
        outbox = self.app.bot_data.outbox
        await on_thread_lost(outbox, self.services, committee.chat_id, committee.thread_id)
        await settle(outbox)  # the secretary's note
        moved = replace(committee, thread_id=None)
        return await send_to_group(self.services, moved, text, bot=self.bot)

    async def _private(self, delivered: list[Dispatch], now: datetime) -> int:
        """One private message per person with every reminder that concerns them, across their
        committees (best effort, after the marks): a blocked bot marks the person."""
        reminders = self.services.reminders
        people: dict[int, tuple[str, list[batch_render.Entry]]] = {}
        for dispatch in delivered:
            if not batch_render.goes_privately(dispatch):
                continue
            for member, lang in await reminders.copies(dispatch):
                entry = batch_render.Entry(dispatch.committee, dispatch, member)
                people.setdefault(member.user_id, (lang, []))[1].append(entry)
        sent = 0
        for user_id, (lang, entries) in people.items():
            text, keyboard = batch_render.private_message(entries, lang)
            try:
                await send_long(self.bot, user_id, text, keyboard=keyboard)
                sent += 1
            except Forbidden:
                await reminders.unreachable(user_id, now)
            except TelegramError as exc:
                log.warning("private reminders to %s failed: %r", user_id, exc)
        return sent


def sweeper_of(app: Application) -> Sweeper:
    """The application's sweeper."""
    sweeper = state_of(app).sweeper
    if sweeper is None:
        raise RuntimeError("the sweeper starts in post_init")
    return sweeper


async def _tick(context: Context) -> None:
    try:
        await sweeper_of(context.application).sweep()
    except Exception:
        log.exception("reminder sweep failed")


@on_start
async def start(app: Application) -> None:
    """Bring the plan up to date, then wake the sweep now and every minute."""
    state = state_of(app)
    await state.services.reminders.start()
    state.sweeper = Sweeper(app)
    if app.job_queue is None:
        log.error("no JobQueue (install python-telegram-bot[job-queue]): reminders will not run")
        return
    kwargs = {"misfire_grace_time": None, "coalesce": True, "max_instances": 1}
    # The catch-up: whatever fell due while the bot was down goes out as soon as it runs.
    # (A repeating job's `first=0` added before the scheduler starts would wait one interval.)
    app.job_queue.run_once(_tick, when=0.0, name=f"{JOB_NAME}.catch_up", job_kwargs=kwargs)
    app.job_queue.run_repeating(
        _tick, interval=SWEEP_INTERVAL, first=SWEEP_INTERVAL, name=JOB_NAME, job_kwargs=kwargs
    )
