"""The scheduler's Telegram side: one sweep that sends what is due, woken by the JobQueue.

The database is the truth; the JobQueue only calls `Sweeper.sweep()` every `SWEEP_INTERVAL`
seconds (and once right after start-up: the catch-up). Tests call `sweep(now)` directly with the
shared FakeClock. A sweep: replans committees whose settings changed, runs the auto-closers
(consultations and votes past their deadline), then sends every due reminder and digest in
batches — group message first, row marked sent right after, then private copies.
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
from handlers.outbox import send_long, send_to_group, settle
from handlers.registry import on_start
from handlers.reminders import private_copy, reminder_text
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
        """Do everything due at `now` (default: the clock); return how many messages went out."""
        async with self.lock:
            services = self.services
            now = now or services.clock.now()
            await services.reminders.follow_settings(now)
            await self._close_due(now)
            sent, cursor = 0, None
            while True:
                batch, cursor = await services.reminders.due(now, BATCH, cursor)
                for dispatch in batch:
                    sent += await self._deliver(dispatch, now)
                if cursor is None:
                    break
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

    async def _text(self, dispatch: Dispatch, now: datetime) -> str | None:
        services, lang = self.services, dispatch.committee.language
        if dispatch.reminder.kind == scheduler.DIGEST:
            if await services.reminders.digest_already_posted(dispatch, now):
                return None
            digest = await services.digest.build(dispatch.committee, now)
            late = dispatch.reminder.planned_at if dispatch.late else None
            return digest_render.render(digest, lang, late)
        author = await services.reminders.author(dispatch)
        return reminder_text(dispatch, lang, author)

    async def _deliver(self, dispatch: Dispatch, now: datetime) -> int:
        reminders = self.services.reminders
        try:
            text = await self._text(dispatch, now)
            if text is None:
                return 0
            messages = await self._send(dispatch, text)
        except Forbidden as exc:  # removed from the group: away until it is re-added
            await self.services.recovery.away(dispatch.committee, None)
            await reminders.failed(dispatch, now, repr(exc), permanent=True)
            return 0
        except BadRequest as exc:  # refused: that message ends, the schedule goes on
            await reminders.failed(dispatch, now, repr(exc), permanent=True)
            return 0
        except TelegramError as exc:  # 429 after the limiter's retries, timeouts, 5xx: later
            log.warning("reminder %s not sent yet: %r", dispatch.reminder.id, exc)
            await reminders.failed(dispatch, now, repr(exc), permanent=False)
            return 0
        except Exception as exc:
            log.exception("reminder %s failed", dispatch.reminder.id)
            await reminders.failed(dispatch, now, repr(exc), permanent=False)
            return 0
        await reminders.sent(dispatch, now, messages[0].message_id if messages else None)
        await self._copies(dispatch, now)
        return 1

    async def _send(self, dispatch: Dispatch, text: str) -> list:
        """Post to the committee's topic; if the topic was deleted, to the general chat."""
        committee = dispatch.committee
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

    async def _copies(self, dispatch: Dispatch, now: datetime) -> None:
        """Private copies (best effort, after the mark): a blocked bot marks the person."""
        reminders = self.services.reminders
        for member, lang in await reminders.copies(dispatch):
            try:
                await send_long(self.bot, member.user_id, private_copy(dispatch, lang))
            except Forbidden:
                await reminders.unreachable(member.user_id, now)
            except TelegramError as exc:
                log.warning("private copy to %s failed: %r", member.user_id, exc)


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
