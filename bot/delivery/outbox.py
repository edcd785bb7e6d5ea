"""The outbox: messages staged in the transaction of the change that causes them, then sent.

A handler (or the scheduler) that must post something because of a change it makes — a card, a
result, a document, the reply to a command that wrote — stages it with `Outbox.text` /
`document` / `poll` inside the change's transaction: the row commits with the change or not at
all. `Outbox.flush()` then sends every due row, oldest first, in order per chat, and marks it
sent (with what the message becomes: `PurposeHooks.sent`, e.g. a task card's message id) in one
transaction. So a committed change always gets its messages, even across a crash; the one
message in flight at a kill (sent, not yet marked) may arrive twice, as with reminders. A row
whose purpose records nothing once sent (a reply, a notice) is marked sent in the next commit
the process makes anyway (`Database.defer`, at most DEFER_DELAY later): a kill before it
repeats the messages sent since the last commit — in practice the last update's reply.

Failures: a transient one (429 after the rate limiter's own retries, 5xx, timeouts) moves the
row's next attempt on with a back-off and holds back only the later rows of that chat; other
chats go on. A permanent refusal (400, 403) marks the row failed with its reason, calls the
purpose's `failed` hook, and is reported once to the committee's secretary privately.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from telegram import (
    Bot,
    InlineKeyboardMarkup,
    InputFile,
    InputPollOption,
    Message,
    ReplyParameters,
)
from telegram.error import BadRequest, ChatMigrated, Forbidden, TelegramError

from bot.clock import Clock
from bot.delivery.recovery import thread_lost
from bot.delivery.split import parts
from storage.db import Database
from storage.outbox import PENDING_LIMIT, OutboxRepo, OutboxRow

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 60  # about eight hours of transient failures at the longest back-off
MAX_BACKOFF = 600.0  # seconds
IDLE_WAKE = 30.0  # seconds between wake-ups of the background loop when nothing is due

Sent = Callable[[OutboxRow, Message], Awaitable[None]]
Failed = Callable[[OutboxRow, str], Awaitable[None]]
Reporter = Callable[[list[OutboxRow]], Awaitable[None]]
Migrated = Callable[[int, int], Awaitable[None]]
ThreadLost = Callable[[OutboxRow], Awaitable[None]]


@dataclass(frozen=True)
class PurposeHooks:
    """What happens when a message of one purpose is sent (record its id) or refused."""

    sent: Sent | None = None
    failed: Failed | None = None


def backoff(attempts: int) -> timedelta:
    """Seconds to wait before attempt `attempts + 1` (1, 2, 4, … capped at MAX_BACKOFF)."""
    return timedelta(seconds=min(MAX_BACKOFF, 2.0 ** max(0, attempts)))


class Outbox:
    """Stages messages in the current transaction and sends them once it has committed."""

    def __init__(self, db: Database, bot: Bot, clock: Clock) -> None:
        self.db, self.bot, self.clock = db, bot, clock
        self.repo = OutboxRepo(db)
        self.hooks: dict[str, PurposeHooks] = {}
        self.reporter: Reporter | None = None
        self.on_migrated: Migrated | None = None
        self.on_thread_lost: ThreadLost | None = None  # the forum topic was deleted
        self._flushing = asyncio.Lock()
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._unmarked: set[int] = set()  # sent; their "sent" mark waits for a commit
        self._staged = 0  # rows staged so far (a flush reads again only when it grew)
        self._refused = True  # a refusal may wait to be reported (at start: look once)

    # ------------------------------------------------------------------ staging
    async def text(
        self,
        chat_id: int,
        text: str,
        *,
        markup: InlineKeyboardMarkup | None = None,
        thread_id: int | None = None,
        reply_to: int | None = None,
        committee_id: int | None = None,
        purpose: str = "reply",
        ref_id: int | None = None,
    ) -> int:
        """Stage an HTML text (split at send time if over Telegram's limit)."""
        payload = {"text": str(text), "markup": markup.to_dict() if markup else None}
        return await self._add("text", chat_id, thread_id, committee_id, purpose, ref_id,
                               payload | {"reply_to": reply_to})  # fmt: skip

    async def document(
        self,
        chat_id: int,
        data: bytes,
        filename: str,
        *,
        caption: str | None = None,
        thread_id: int | None = None,
        reply_to: int | None = None,
        committee_id: int | None = None,
        purpose: str = "document",
        ref_id: int | None = None,
    ) -> int:
        """Stage a file (kept in the row until it is sent)."""
        payload = {"filename": filename, "caption": caption, "reply_to": reply_to}
        return await self._add("document", chat_id, thread_id, committee_id, purpose, ref_id,
                               payload, document=data)  # fmt: skip

    async def poll(
        self,
        chat_id: int,
        question: str,
        options: list[str],
        *,
        anonymous: bool,
        multi: bool,
        thread_id: int | None = None,
        reply_to: int | None = None,
        committee_id: int | None = None,
        purpose: str = "poll",
        ref_id: int | None = None,
    ) -> int:
        """Stage a native poll (plain text: no parse mode, so no markup injection)."""
        payload = {"question": question, "options": list(options), "anonymous": anonymous,
                   "multi": multi, "reply_to": reply_to}  # fmt: skip
        return await self._add("poll", chat_id, thread_id, committee_id, purpose, ref_id, payload)

    async def _add(self, kind, chat_id, thread_id, committee_id, purpose, ref_id, payload,
                   document=None) -> int:  # fmt: skip
        row_id = await self.repo.add(
            chat_id=chat_id, thread_id=thread_id, committee_id=committee_id, kind=kind,
            purpose=purpose, ref_id=ref_id, payload=payload, now=self.clock.now(),
            document=document,
        )  # fmt: skip
        self._staged += 1
        unit = self.db.current_unit()
        if unit is not None and unit.wrote:
            unit.after_commit(self.flush)  # sent right after the update's commit
        else:
            self._wake.set()
        return row_id

    # ------------------------------------------------------------------ sending
    async def flush(self) -> int:
        """Send every row that is due now, in order per chat; return how many went out."""
        async with self._flushing:
            sent, held = 0, set()
            while True:
                staged, again = self._staged, False
                found = await self.repo.pending(self.clock.now())
                rows = [r for r in found if r.chat_id not in held and r.id not in self._unmarked]
                if not rows:
                    break
                progressed = False
                for row in rows:
                    if row.chat_id in held:
                        continue
                    outcome = await self._deliver(row)
                    if outcome == "sent":
                        sent += 1
                        progressed = True
                    elif outcome == "held":
                        held.add(row.chat_id)
                    else:
                        progressed = again = True  # failed, or moved: the chat's next rows
                if not progressed:
                    break
                if not again and staged == self._staged and len(found) < PENDING_LIMIT:
                    break  # nothing new was staged meanwhile: nothing else is due
            await self._report()
            return sent

    async def _deliver(self, row: OutboxRow) -> str:
        """Try one row: 'sent', 'failed' (permanent) or 'held' (transient: later)."""
        try:
            message = await self._send(row)
        except ChatMigrated as exc:
            if self.on_migrated is not None:
                await self.on_migrated(row.chat_id, exc.new_chat_id)
            await self.repo.move_chat(row.chat_id, exc.new_chat_id)
            return "failed_retry_now"
        except BadRequest as exc:
            if row.thread_id is not None and thread_lost(exc.message):
                # The topic is gone: this chat's pending posts go to its general chat instead.
                if self.on_thread_lost is not None:
                    await self.on_thread_lost(row)
                await self.repo.drop_thread(row.chat_id, row.thread_id)
                return "failed_retry_now"
            await self._fail(row, exc.message)
            return "failed"
        except Forbidden as exc:
            await self._fail(row, exc.message)
            return "failed"
        except TelegramError as exc:
            return await self._later(row, repr(exc))
        except Exception as exc:  # a bug in rendering the payload: do not loop forever on it
            log.exception("outbox row %s could not be sent", row.id)
            return await self._later(row, repr(exc))
        hooks = self.hooks.get(row.purpose)
        if hooks is None or hooks.sent is None:  # nothing to record: the mark can wait
            self._unmarked.add(row.id)
            self.repo.mark_sent_later(
                row.id, self.clock.now(), message.message_id, lambda: self._unmarked.discard(row.id)
            )
            return "sent"
        async with self.db.transaction():
            await self.repo.mark_sent(row.id, self.clock.now(), message.message_id)
            await hooks.sent(row, message)
        return "sent"

    async def _later(self, row: OutboxRow, error: str) -> str:
        if row.attempts + 1 >= MAX_ATTEMPTS:
            await self._fail(row, f"gave up after {row.attempts + 1} attempts: {error}")
            return "failed"
        log.warning("outbox row %s to chat %s not sent yet: %s", row.id, row.chat_id, error)
        await self.repo.retry_later(row.id, self.clock.now() + backoff(row.attempts), error)
        return "held"

    async def _fail(self, row: OutboxRow, error: str) -> None:
        log.warning("outbox row %s to chat %s refused: %s", row.id, row.chat_id, error)
        self._refused = True
        hooks = self.hooks.get(row.purpose)
        async with self.db.transaction():
            await self.repo.mark_failed(row.id, self.clock.now(), error)
            if hooks is not None and hooks.failed is not None:
                await hooks.failed(row, error)

    async def _send(self, row: OutboxRow) -> Message:
        p: dict[str, Any] = row.payload
        reply = (
            ReplyParameters(p["reply_to"], allow_sending_without_reply=True)
            if p.get("reply_to")
            else None
        )
        where = {"message_thread_id": row.thread_id}
        if row.kind == "document":
            return await self.bot.send_document(
                row.chat_id, InputFile(row.document or b"", filename=p["filename"]),
                caption=p.get("caption"), reply_parameters=reply, **where,
            )  # fmt: skip
        if row.kind == "poll":
            return await self.bot.send_poll(
                row.chat_id, p["question"],
                [InputPollOption(o, text_parse_mode=None) for o in p["options"]],
                is_anonymous=p["anonymous"], allows_multiple_answers=p["multi"],
                question_parse_mode=None, reply_parameters=reply, **where,
            )  # fmt: skip
        markup = InlineKeyboardMarkup.de_json(p["markup"], self.bot) if p.get("markup") else None
        message = None
        for i, (chunk, keyboard) in enumerate(parts(p["text"], markup)):
            message = await self.bot.send_message(
                row.chat_id, chunk, reply_markup=keyboard,
                reply_parameters=reply if i == 0 else None, **where,
            )  # fmt: skip
        assert message is not None
        return message  # the last part: it carries the keyboard, so it is what gets edited

    async def _report(self) -> None:
        if self.reporter is None or not self._refused:
            return
        self._refused = False
        rows = await self.repo.unreported()
        if not rows:
            return
        try:
            await self.reporter(rows)
        except Exception:
            log.exception("could not report refused messages to the secretary")
        await self.repo.mark_reported([r.id for r in rows], self.clock.now())

    # ------------------------------------------------------------------ background
    def kick(self) -> None:
        """Wake the background loop (something was staged or a retry may be due)."""
        self._wake.set()

    def start(self) -> None:
        """Run the background loop: retries with back-off and anything staged outside updates."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="outbox")

    async def stop(self) -> None:
        """Stop the background loop (pending rows stay in the database for the next start)."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        while True:
            try:
                await self.flush()
            except Exception:
                log.exception("outbox flush failed")
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(await self._idle_wait()):
                    await self._wake.wait()

    async def _idle_wait(self) -> float:
        upcoming: datetime | None = await self.repo.next_attempt(self._unmarked)
        if upcoming is None:
            return IDLE_WAKE
        return max(0.05, min(IDLE_WAKE, (upcoming - self.clock.now()).total_seconds()))
