"""`Delivery`: the inbox, its processor, and how updates come in (our polling loop or webhook)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from telegram.error import InvalidToken
from telegram.ext import Application

from bot.clock import Clock
from bot.delivery.polling import Poller, RawUpdatesRequest
from bot.delivery.processor import InboxStats, Processor
from bot.delivery.set_aside import Notify
from storage.db import Database
from storage.inbox import InboxRepo

log = logging.getLogger(__name__)


class Delivery:
    """Attached to an Application built with `.updater(None)`; started after `app.start()`.

    What must happen after an update's unit commits (the outbox's flush, deferred button
    answers and card edits) registers itself on that unit (`Unit.after_commit`).
    """

    def __init__(
        self,
        app: Application,
        allowed_updates: list[str],
        opened: Callable[[], tuple[Database, Clock]],
        raw: RawUpdatesRequest | None = None,
    ) -> None:
        """`opened()` gives the database and clock once post_init has opened them; `raw` is
        the app's getUpdates request, when it keeps Telegram's JSON (the inbox stores that)."""
        self.app, self.allowed_updates, self.opened = app, list(allowed_updates), opened
        self.raw = raw
        self.processor: Processor | None = None
        self.inbox: InboxRepo | None = None
        self._tasks: list[asyncio.Task] = []
        self._server = None
        self.on_set_aside: Notify | None = None  # tells a sender their update was set aside
        app.add_error_handler(self._note_failure)

    @classmethod
    def of(cls, app: Application) -> Delivery | None:
        """The Delivery attached to `app` (its bot_data's `delivery`), if any."""
        data = app.bot_data
        return data.get("delivery") if isinstance(data, dict) else getattr(data, "delivery", None)

    def _open(self) -> tuple[InboxRepo, Processor, Clock]:
        db, clock = self.opened()
        self.inbox = InboxRepo(db)
        self.processor = Processor(self.app, db, self.inbox, clock)
        self.processor.set_aside.notify = self.on_set_aside
        self.processor.start()
        return self.inbox, self.processor, clock

    async def start_polling(self, *, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Process what the inbox holds, then long-poll (in the background)."""
        inbox, processor, clock = self._open()
        poller = Poller(self.app, inbox, processor, clock, self.allowed_updates, timeout, self.raw)
        self._tasks.append(asyncio.create_task(poller.run(), name="delivery:poller"))

    async def start_webhook(
        self, *, listen: str, port: int, url_path: str, url: str, secret: str | None
    ) -> None:
        """Process what the inbox holds, serve the webhook, and tell Telegram its address."""
        from bot.delivery.webhook import WebhookServer

        inbox, processor, clock = self._open()
        self._server = WebhookServer(self.app, inbox, processor, clock, url_path, secret)
        await self._server.start(listen, port)
        await self.app.bot.set_webhook(
            url=url, allowed_updates=self.allowed_updates, secret_token=secret
        )
        log.info("Webhook Server started.")

    @property
    def stats(self) -> InboxStats | None:
        """What the inbox has cost so far (None before start)."""
        return self.processor.stats if self.processor is not None else None

    async def wait_idle(self) -> None:
        """Until every stored update has been processed (tests' settle point)."""
        if self.processor is not None:
            await self.processor.wait_idle()

    async def stopped(self) -> None:
        """Return when a background task ended by itself, or Telegram refused the token."""
        waiters = [*self._tasks]
        if self.processor is not None:
            waiters.append(asyncio.ensure_future(self.processor.token_refused.wait()))
        if not waiters:
            await asyncio.Event().wait()
        try:
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters[len(self._tasks) :]:
                waiter.cancel()

    @property
    def refusal(self) -> InvalidToken | None:
        """Telegram's refusal of the token while running (getUpdates or a reply), if any."""
        for task in self._tasks:
            if task.done() and not task.cancelled():
                error = task.exception()
                if isinstance(error, InvalidToken):
                    return error
        return self.processor.refusal if self.processor is not None else None

    async def stop(self) -> None:
        """Stop taking updates, then stop the processor after the update in hand."""
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                try:
                    await task
                except InvalidToken:  # reported by whoever runs the delivery (`refusal`)
                    pass
                except Exception:
                    log.exception("delivery task %s failed", task.get_name())
        self._tasks.clear()
        if self._server is not None:
            await self._server.stop()
            self._server = None
        if self.processor is not None:
            await self.processor.stop()
            self.processor = None

    async def _note_failure(self, update: object, context) -> None:
        if self.processor is not None:
            await self.processor.note_failure(update, context)
