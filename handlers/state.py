"""The running bot's typed state (PTB's `bot_data`, via `ContextTypes(bot_data=AppState)`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from bot.clock import Clock

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.delivery import Delivery
    from bot.delivery.outbox import Outbox
    from bot.wiring.graph import Services
    from handlers.cards import CardEditor
    from handlers.jobs import Sweeper


@dataclass
class AppState:
    """What the bot keeps between updates. PTB creates it empty; the wiring fills it in.

    `settings` and `clock` are set when the application is built, `services` once the database
    is open (post_init); the rest is filled by the features that own it.
    """

    settings: Settings | None = None
    clock: Clock = field(default_factory=Clock)
    allowed_updates: list[str] = field(default_factory=list)
    opened: Services | None = None  # the object graph; None until post_init, again after shutdown
    sweeper: Sweeper | None = None  # handlers/jobs.py, started in post_init
    outbox: Outbox | None = None  # bot/delivery/outbox.py, started in post_init
    seen_users: dict[int, tuple[str | None, str]] = field(default_factory=dict)  # remember_author
    card_editor: CardEditor | None = None  # handlers/cards.py (every card), made on first use
    delivery: Delivery | None = None  # the inbox and its loop (bot/delivery), set by the wiring

    @property
    def services(self) -> Services:
        """The services (the database is open from post_init to post_shutdown)."""
        if self.opened is None:
            raise RuntimeError("services are not open (post_init has not run)")
        return self.opened

    @property
    def default_language(self) -> str:
        """DEFAULT_LANGUAGE, also when the settings are not there yet."""
        return self.settings.default_language if self.settings else "vi"


CONTEXT_TYPES = ContextTypes(bot_data=AppState)
Context = CallbackContext[ExtBot[None], dict, dict, AppState]


def state_of(context: CallbackContext | Application) -> AppState:
    """The application's state, from a callback context or the application itself."""
    return context.bot_data
