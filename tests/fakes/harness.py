"""Chat-transcript harness: run a real PTB Application against :class:`FakeBotAPI` and talk to it.

Example::

    async with FakeBotAPI() as fake:
        app = make_builder(fake).build()          # or the project's own builder function
        async with running_bot(app, fake) as conv:
            reply = await conv.ask(group(), User(1001, "Alice"), "/members")
            await conv.press(group(), alice, conv.last_sent(), "t:done:4")
            assert conv.last_answer() == "..."

Every wait is on an event with a bounded timeout; nothing sleeps for wall-clock time.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import logging
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from telegram import Update
from telegram.ext import Application, ApplicationBuilder

from .bot_api import FakeBotAPI
from .shapes import JSON, Call, Chat, User

TOKEN = "123456:TEST-TOKEN"
_LOGGER = logging.getLogger(__name__)


def make_builder(fake: FakeBotAPI, token: str = TOKEN) -> ApplicationBuilder:
    """Return an ApplicationBuilder whose bot talks to ``fake`` instead of Telegram."""
    return (
        ApplicationBuilder().token(token).base_url(fake.base_url).base_file_url(fake.base_file_url)
    )


@asynccontextmanager
async def running_bot(
    app: Application, fake: FakeBotAPI, *, step_timeout: float = 10.0
) -> AsyncIterator[Conversation]:
    """Run ``app`` as the process does (hooks included) and yield a :class:`Conversation`.

    An app with a delivery layer attached (``delivery`` in its bot_data: the project's own
    polling loop over its inbox, the code path of ``python -m bot``) is driven through it; any
    other app through PTB's Updater, polling with ``allowed_updates`` of its bot_data when
    set, else ``Update.ALL_TYPES``. Every shutdown step is bounded by ``step_timeout``, so
    leaving the block never hangs.
    """
    delivery = delivery_of(app)
    async with asyncio.timeout(step_timeout):
        await app.initialize()
    started = False
    try:
        async with asyncio.timeout(step_timeout):
            if app.post_init:
                await app.post_init(app)
            if delivery is not None:
                await app.start()
                started = True
                await delivery.start_polling(timeout=1)
            else:
                allowed = _of(app.bot_data, "allowed_updates") or Update.ALL_TYPES
                await app.updater.start_polling(  # type: ignore[union-attr]
                    poll_interval=0.0,
                    timeout=dtm.timedelta(seconds=1),
                    allowed_updates=list(allowed),
                )
                await app.start()
                started = True
        yield Conversation(app, fake)
    finally:
        errors = await _stop(app, started, step_timeout)
        if errors and sys.exc_info()[0] is None:
            raise errors[0]


async def _stop(app: Application, started: bool, step_timeout: float) -> list[BaseException]:
    """Run every shutdown step, each bounded by ``step_timeout``; return the errors."""
    steps: list[tuple[str, Callable[[], Awaitable[Any]]]] = []
    delivery = delivery_of(app)
    if delivery is not None:
        steps.append(("delivery.stop", delivery.stop))
    if app.updater is not None and app.updater.running:
        steps.append(("updater.stop", app.updater.stop))
    if app.running:
        steps.append(("stop", app.stop))
    if started and app.post_stop:
        steps.append(("post_stop", lambda: app.post_stop(app)))  # type: ignore[misc]
    steps.append(("shutdown", app.shutdown))
    if app.post_shutdown:
        steps.append(("post_shutdown", lambda: app.post_shutdown(app)))  # type: ignore[misc]
    errors: list[BaseException] = []
    for name, step in steps:
        try:
            async with asyncio.timeout(step_timeout):
                await step()
        except TimeoutError:
            errors.append(AssertionError(f"application {name} took longer than {step_timeout}s"))
        except Exception as exc:
            _LOGGER.exception("application %s failed", name)
            errors.append(exc)
    return errors


def _of(bot_data: Any, name: str) -> Any:
    """A key of a dict bot_data, or an attribute of a typed one (ContextTypes)."""
    return bot_data.get(name) if isinstance(bot_data, dict) else getattr(bot_data, name, None)


def delivery_of(app: Application) -> Any:
    """The project's delivery layer attached to ``app`` (duck-typed), or None."""
    delivery = _of(app.bot_data, "delivery")
    return delivery if hasattr(delivery, "start_polling") else None


def _message_of(message: Call | JSON) -> JSON:
    return message.result if isinstance(message, Call) else message


class Conversation:
    """Drive a running bot like a chat: inject, wait until processed, read what it sent."""

    def __init__(self, app: Application, fake: FakeBotAPI) -> None:
        """Wrap a running ``app`` talking to ``fake``."""
        self.app, self.fake = app, fake
        self._mark = len(fake.calls)

    # ----------------------------------------------------------------- acting
    async def settle(self) -> None:
        """Wait until every injected update has been processed by the bot."""
        await self.fake.wait_processed(self.app)

    async def deliver(self, update: Any) -> Any:
        """Settle after an injection made on the fake: ``await conv.deliver(fake.inject_x(...))``.

        Use it in the same statement as the injection: with no await in between, the bot cannot
        have answered yet, so "new" calls are exactly those the injected update caused.
        """
        self._mark = len(self.fake.calls)
        await self.settle()
        return update

    async def send(self, chat: Chat | JSON, user: User | JSON, text: str, **kw: Any) -> JSON:
        """Post ``text`` as ``user`` in ``chat`` (keywords as ``inject_message``) and settle."""
        self._mark = len(self.fake.calls)
        update = self.fake.inject_message(chat, user, text, **kw)
        await self.settle()
        return update

    async def ask_raw(self, chat: Chat | JSON, user: User | JSON, text: str, **kw: Any) -> Call:
        """Send ``text`` and return the first message call the bot then sent to ``chat``."""
        await self.send(chat, user, text, **kw)
        chat_id = chat.id if isinstance(chat, Chat) else chat["id"]
        sent = self.new_sent(chat_id)
        if not sent:
            raise AssertionError(
                f"the bot sent nothing to chat {chat_id} after {text!r}; "
                f"new calls: {self.new_calls()}"
            )
        return sent[0]

    async def ask(self, chat: Chat | JSON, user: User | JSON, text: str, **kw: Any) -> str:
        """Send ``text`` and return the text (or caption) of the bot's first reply in ``chat``."""
        return (await self.ask_raw(chat, user, text, **kw)).text or ""

    async def press(
        self, chat: Chat | JSON, user: User | JSON, message: Call | JSON, data: str
    ) -> JSON:
        """Press the button carrying ``data`` on ``message`` and settle."""
        self._mark = len(self.fake.calls)
        update = self.fake.inject_callback(chat, user, message, data)
        await self.settle()
        return update

    async def press_button(
        self, chat: Chat | JSON, user: User | JSON, label: str, message: Call | JSON | None = None
    ) -> JSON:
        """Press the first button whose label contains ``label`` (default: latest keyboard)."""
        chat_id = chat.id if isinstance(chat, Chat) else chat["id"]
        target = message or self._last_with_keyboard(chat_id)
        for row in self.keyboard(target):
            for text, data in row:
                if label in text and data is not None:
                    return await self.press(chat, user, target, data)
        raise AssertionError(f"no button labelled {label!r} in {self.keyboard(target)}")

    async def vote(self, poll_id: str, user: User | JSON, option_ids: list[int]) -> JSON:
        """Answer a poll the bot sent (``[]`` retracts) and settle."""
        self._mark = len(self.fake.calls)
        update = self.fake.inject_poll_answer(poll_id, user, option_ids)
        await self.settle()
        return update

    # ----------------------------------------------------------------- reading
    def new_calls(self) -> list[Call]:
        """Every Bot API call (except getUpdates) since the last send/ask/press/deliver."""
        return [c for c in self.fake.calls[self._mark :] if c.method != "getUpdates"]

    def new_sent(self, chat_id: int | None = None) -> list[Call]:
        """Successful message sends since the last interaction, optionally to ``chat_id``."""
        new = {id(c) for c in self.new_calls()}
        return [c for c in self.fake.sent(chat_id) if id(c) in new]

    def new_texts(self, chat_id: int | None = None) -> list[str]:
        """Texts (or captions, poll questions) sent since the last interaction."""
        return [c.text or "" for c in self.new_sent(chat_id)]

    def new_edits(self, chat_id: int | None = None) -> list[Call]:
        """Successful message edits since the last interaction."""
        new = {id(c) for c in self.new_calls()}
        return [c for c in self.fake.edits(chat_id) if id(c) in new]

    def last_sent(self, chat_id: int | None = None) -> Call:
        """The latest successful message send (to ``chat_id`` if given)."""
        sent = self.fake.sent(chat_id)
        if not sent:
            raise AssertionError(f"the bot has sent no message (chat filter: {chat_id})")
        return sent[-1]

    def last_text(self, chat_id: int | None = None) -> str:
        """The text (or caption) of the latest message the bot sent, as it passed it."""
        return self.last_sent(chat_id).text or ""

    def last_answer(self) -> str | None:
        """The ``text`` of the latest answerCallbackQuery (None when answered silently)."""
        answers = [c for c in self.fake.calls_of("answerCallbackQuery") if c.ok]
        if not answers:
            raise AssertionError("no callback query has been answered")
        text = answers[-1].params.get("text")
        return None if text is None else str(text)

    def keyboard(self, message: Call | JSON | None = None) -> list[list[tuple[str, str | None]]]:
        """Inline keyboard rows as ``(text, callback_data or url)``, read from the current state."""
        msg = _message_of(message) if message is not None else self.last_sent().result
        current = self.fake.message(msg["chat"]["id"], msg["message_id"]) or msg
        rows = (current.get("reply_markup") or {}).get("inline_keyboard", [])
        return [[(b["text"], b.get("callback_data", b.get("url"))) for b in row] for row in rows]

    def _last_with_keyboard(self, chat_id: int) -> JSON:
        for call in reversed(self.fake.sent(chat_id)):
            if self.keyboard(call):
                return call.result
        raise AssertionError(f"no message with an inline keyboard in chat {chat_id}")

    def last_document(self, chat_id: int | None = None) -> tuple[str, bytes]:
        """``(filename, bytes)`` of the latest document the bot sent."""
        docs = [c for c in self.fake.sent(chat_id) if c.method == "sendDocument"]
        if not docs:
            raise AssertionError("the bot has sent no document")
        upload = self.fake.files[docs[-1].result["document"]["file_id"]]
        return upload.filename, upload.data
