"""One editor for every card the bot keeps up to date in a group (tasks, consultations, motions).

A card is a message edited in place as its item changes. Each kind registers a renderer with
`@card_kind("task")`: for an item id (and, optionally, a view the caller already holds) it gives
the card as it should look now, or None when the item has no card. The editor then:

- skips an edit whose text and keyboard equal what the card shows, so Telegram never answers
  "message is not modified" and the group's 20-a-minute budget is not spent for nothing;
- coalesces: a change that arrives while the card is being edited, or within its kind's minimum
  interval after the last edit, is folded into one more edit that renders the state of that
  moment, so the last state is always what the card shows;
- handles BadRequest and other TelegramErrors in one place (the change itself is saved; the card
  catches up at the next change);
- remembers a bounded number of cards; what each card shows is also kept as a short digest in
  the database (storage/card_digests.py, written with `Database.defer`: no commit of its own),
  read only when the editor has no memory of a card (after a restart, or once memory evicted it).

Tests call `await card_editor(app).flush()` to run waiting edits now instead of waiting.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import math
import operator
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, TelegramError
from telegram.ext import Application

from handlers.state import state_of

log = logging.getLogger(__name__)

MAX_REMEMBERED = 5000  # cards whose shown state (and last edit time) are kept


@dataclass(frozen=True)
class Card:
    """What one card message should show."""

    chat_id: int
    message_id: int
    text: str
    keyboard: InlineKeyboardMarkup | None = None

    @property
    def state(self) -> bytes:
        """A digest of the text and keyboard, comparable with what the card shows."""
        return digest_of(self.text, self.keyboard)


def digest_of(text: str, keyboard: InlineKeyboardMarkup | None) -> bytes:
    """16 bytes that change whenever the text or the keyboard does."""
    blob = text + "\0" + (_buttons(keyboard) if keyboard else "")
    return hashlib.blake2b(blob.encode(), digest_size=16).digest()


_BUTTON_FIELDS = operator.attrgetter(*sorted(InlineKeyboardButton.__slots__))  # all of a button


def _buttons(keyboard: InlineKeyboardMarkup) -> str:
    """Every field of every button, row by row (a seventh of the cost of `to_json`)."""
    return repr([[_BUTTON_FIELDS(b) for b in row] for row in keyboard.inline_keyboard])


# (services, item id, a fresh view from the caller or None) → the card now, or None (no card)
Renderer = Callable[[Any, int, Any], Awaitable[Card | None]]


@dataclass(frozen=True)
class Kind:
    """A kind of card: how it is rendered and how often it may be edited."""

    render: Renderer
    interval: float = 0.0  # seconds between two edits of one card; the first is immediate


KINDS: dict[str, Kind] = {}


def card_kind(name: str, interval: float = 0.0) -> Callable[[Renderer], Renderer]:
    """Register the renderer of a kind of card (at import time, like the command declarations)."""

    def register(render: Renderer) -> Renderer:
        KINDS[name] = Kind(render, interval)
        return render

    return register


Key = tuple[str, int]  # (kind, item id)


class CardEditor:
    """Keeps every card of one application up to date; see the module docstring."""

    def __init__(
        self,
        app: Application,
        kinds: dict[str, Kind] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        remembered: int = MAX_REMEMBERED,
    ) -> None:
        self.app, self.monotonic, self.remembered = app, monotonic, remembered
        self.kinds = dict(KINDS if kinds is None else kinds)
        self.intervals = {name: kind.interval for name, kind in self.kinds.items()}
        self.edits = 0  # editMessageText calls made (for tests and logs)
        self._shown: OrderedDict[tuple[int, int], bytes] = OrderedDict()
        self._last: OrderedDict[Key, float] = OrderedDict()
        self._busy: set[Key] = set()
        self._dirty: set[Key] = set()
        self._forced: set[Key] = set()  # asked to edit now while an edit was under way
        self._keyboards: dict[Key, InlineKeyboardMarkup] = {}
        self._posted: OrderedDict[Key, bytes] = OrderedDict()  # staged, message id not known yet
        self._timers: dict[Key, asyncio.Task] = {}

    @property
    def services(self) -> Any:
        """The application's services (built in post_init)."""
        return state_of(self.app).services

    async def changed(
        self,
        kind: str,
        item_id: int,
        view: Any = None,
        keyboard: InlineKeyboardMarkup | None = None,
    ) -> None:
        """An item changed: bring its card up to date now, or as soon as its interval allows.

        `view` is a current view the caller holds (spares a read); `keyboard` replaces the card's
        own keyboard on the next edit (e.g. the task card's percent row). Inside an update that
        has written, the edit waits for the commit, and the view is still used then if nothing
        was written to the state meanwhile (`Database.version`), else the card is read again."""
        db = self.services.db
        version = db.version

        def again() -> Awaitable[None]:
            return self.changed(kind, item_id, view if db.version == version else None, keyboard)

        if self._after_commit(again):
            return
        key = (kind, item_id)
        if keyboard is not None:
            self._keyboards[key] = keyboard
        if key in self._busy:
            self._dirty.add(key)  # the edit under way renders once more when it is done
            return
        if key in self._timers:
            return  # the waiting edit will render the latest state
        wait = self._wait(key)
        if wait > 0:
            self._schedule(key, wait)
            return
        await self._run(key, view)

    async def edit_now(self, kind: str, item_id: int) -> None:
        """Bring a card up to date now, whatever its interval (a result is being posted)."""
        if self._after_commit(lambda: self.edit_now(kind, item_id)):
            return
        self._cancel((kind, item_id))
        await self._start((kind, item_id), force=True)

    async def flush(self) -> None:
        """Run every waiting edit now."""
        while self._timers:
            key = next(iter(self._timers))
            self._cancel(key)
            await self._start(key, force=True)

    def remember(self, card: Card) -> None:
        """A card was just posted with this content (the next identical render edits nothing)."""
        self._remember((card.chat_id, card.message_id), card.state)

    def posted(
        self, kind: str, item_id: int, text: str, keyboard: InlineKeyboardMarkup | None = None
    ) -> None:
        """A card was staged for posting with this content, its message id not known yet (the
        outbox sends it): the first render that equals it will edit nothing."""
        digest = digest_of(text, keyboard)
        self._posted[(kind, item_id)] = digest
        self._posted.move_to_end((kind, item_id))
        self.services.card_digests.record_later(kind, item_id, 0, 0, digest)  # rides the post
        while len(self._posted) > self.remembered:
            self._posted.popitem(last=False)

    # ------------------------------------------------------------------ internals
    def _after_commit(self, again: Callable[[], Any]) -> bool:
        """Inside an update that has written: do it once the unit commits (a card shows only
        committed state, and no Telegram call waits inside the transaction)."""
        db = self.services.db
        unit = db.current_unit()
        if unit is None or not db.in_unit_transaction():
            return False
        unit.after_commit(again)
        return True

    def _wait(self, key: Key) -> float:
        interval = self.intervals.get(key[0], 0.0)
        if interval <= 0:
            return 0.0
        return self._last.get(key, -math.inf) + interval - self.monotonic()

    def _schedule(self, key: Key, wait: float) -> None:
        # Our own task, awaited by the application's (so stop() waits for it and errors reach
        # the error handler): cancelled before it started, it closes cleanly, where cancelling
        # the application's wrapper would leave `_later` never awaited (a RuntimeWarning).
        timer = asyncio.ensure_future(self._later(key, wait))
        self.app.create_task(timer, name=f"card:{key[0]}:{key[1]}")
        self._timers[key] = timer

    def _cancel(self, key: Key) -> None:
        task = self._timers.pop(key, None)
        if task is not None:
            task.cancel()

    async def _later(self, key: Key, wait: float) -> None:
        await asyncio.sleep(wait)
        self._timers.pop(key, None)
        await self._start(key)

    async def _start(self, key: Key, force: bool = False) -> None:
        if key in self._busy:
            self._dirty.add(key)
            if force:
                self._forced.add(key)
            return
        await self._run(key, None, force)

    async def _run(self, key: Key, view: Any, force: bool = False) -> None:
        self._busy.add(key)
        try:
            while True:
                self._dirty.discard(key)
                await self._edit(key, view)
                view = None  # a later round re-reads the state
                if key not in self._dirty:
                    return
                forced = force or key in self._forced
                self._forced.discard(key)
                wait = 0.0 if forced else self._wait(key)
                if wait > 0:
                    self._dirty.discard(key)
                    if key not in self._timers:
                        self._schedule(key, wait)
                    return
        finally:
            self._busy.discard(key)
            self._forced.discard(key)

    async def _edit(self, key: Key, view: Any) -> None:
        kind, item_id = key
        card = await self.kinds[kind].render(self.services, item_id, view)
        keyboard = self._keyboards.pop(key, None)
        if card is None:
            return
        if keyboard is not None:
            card = replace(card, keyboard=keyboard)
        where = (card.chat_id, card.message_id)
        staged = self._posted.pop(key, None)
        if staged is not None and where not in self._shown:
            self._remember(where, staged)
        digest = card.state
        shown = self._shown.get(where)
        if shown is None:  # first edit since a restart, or memory forgot the card
            shown = await self.services.card_digests.shown(kind, item_id, *where)
            if shown is not None:
                self._remember(where, shown)
        if shown == digest:
            return
        self._touch(key)
        try:
            self.edits += 1
            await self.app.bot.edit_message_text(
                card.text,
                chat_id=card.chat_id,
                message_id=card.message_id,
                reply_markup=card.keyboard,
            )
        except BadRequest as exc:  # deleted, too old, or edited by other means
            if "not modified" not in exc.message.lower():
                log.info("%s card of item %s not edited: %s", kind, item_id, exc.message)
                return
        except TelegramError as exc:  # Telegram kept failing: the change is saved all the same
            log.warning("%s card of item %s not edited: %r", kind, item_id, exc)
            return
        self._remember(where, digest)
        self.services.card_digests.record_later(kind, item_id, *where, digest)

    def _touch(self, key: Key) -> None:
        self._last[key] = self.monotonic()
        self._last.move_to_end(key)
        while len(self._last) > self.remembered:
            self._last.popitem(last=False)

    def _remember(self, where: tuple[int, int], state: bytes) -> None:
        self._shown[where] = state
        self._shown.move_to_end(where)
        while len(self._shown) > self.remembered:
            self._shown.popitem(last=False)


def card_editor(app: Application) -> CardEditor:
    """The application's one card editor."""
    state = state_of(app)
    if state.card_editor is None:
        state.card_editor = CardEditor(app)
    return state.card_editor
