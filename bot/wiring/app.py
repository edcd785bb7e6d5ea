"""The application builder: defaults, rate limiter, typed state, handlers, start-up and
shut-down hooks, menus (all derived from the handlers' declarations)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, NetworkError
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, Defaults

from bot.clock import Clock
from bot.config import LANGUAGES, Settings
from bot.delivery import Delivery, purposes
from bot.delivery.outbox import Outbox
from bot.delivery.polling import RawUpdatesRequest
from bot.i18n import has, t
from bot.wiring.graph import Services
from bot.wiring.requests import SentMessagesRequest
from handlers import registry
from handlers.errors import tell_set_aside
from handlers.install import install as install_handlers
from handlers.state import CONTEXT_TYPES, state_of
from storage.db import Database
from storage.migrate import migrate

log = logging.getLogger(__name__)

ALLOWED_UPDATES = [
    Update.MESSAGE,
    Update.CALLBACK_QUERY,
    Update.POLL,
    Update.POLL_ANSWER,
    Update.MY_CHAT_MEMBER,
    Update.CHAT_MEMBER,
]


OVERALL_PER_SECOND = 29  # evenly spaced; Telegram allows about 30 messages a second overall
TRANSIENT_RETRIES = 2
TRANSIENT_DELAY = 0.5  # seconds, doubled after each try


class RetryingRateLimiter(AIORateLimiter):
    """AIORateLimiter (429: wait `retry_after`, retry) that also retries transient failures.

    A 5xx answer, a dropped connection or a timeout is tried again twice after a short back-off,
    so a reply or a card is not lost to a hiccup (a timed-out request that did reach Telegram
    may then show twice: a repeated message is better than a missing one). Refusals (400, 403,
    migrated chat) are not retried: they would fail the same way.
    """

    async def process_request(self, callback, args, kwargs, endpoint, data, rate_limit_args):
        """Run the request through the limiter; retry it on a transient network error."""
        for attempt in range(TRANSIENT_RETRIES + 1):
            try:
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            except BadRequest:
                raise
            except NetworkError as exc:
                if attempt == TRANSIENT_RETRIES:
                    raise
                log.warning("%s failed (%s); trying again", endpoint, exc)
                await asyncio.sleep(TRANSIENT_DELAY * 2**attempt)
        raise AssertionError("unreachable")


def rate_limiter(throttle: bool = True) -> AIORateLimiter:
    """Telegram's limits (30 msg/s overall, 20/min per group) with retries on 429 and on
    transient errors (5xx, timeouts).

    `throttle=False` keeps the retries but not the pacing (tests and per-update benchmarks).
    """
    if throttle:
        # One message every 1/29 s, not bursts of 30 then 30/s: the bucket's burst put up to 59
        # messages in the first second of a fan-out and drew 429s (bench/RESULTS.md, fan-out).
        return RetryingRateLimiter(
            overall_max_rate=1, overall_time_period=1 / OVERALL_PER_SECOND, max_retries=5
        )
    return RetryingRateLimiter(overall_max_rate=0, group_max_rate=0, max_retries=5)


def build_application(
    settings: Settings,
    clock: Clock | None = None,
    *,
    throttle: bool = True,
    install: Callable[[Application], None] = install_handlers,
) -> Application:
    """An Application for these settings, with every declared handler installed."""
    defaults = Defaults(
        parse_mode=ParseMode.HTML,
        tzinfo=settings.tz,
        link_preview_options=LinkPreviewOptions(is_disabled=True),
    )
    app = (
        ApplicationBuilder()
        .token(settings.bot_token.get_secret_value())
        .base_url(settings.bot_api_base_url)
        .base_file_url(settings.bot_api_file_url)
        .defaults(defaults)
        .rate_limiter(rate_limiter(throttle))
        .context_types(CONTEXT_TYPES)
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .updater(None)  # updates come through the inbox (bot/delivery), not PTB's Updater
        .get_updates_request(raw := RawUpdatesRequest())  # the inbox stores Telegram's JSON
        .request(SentMessagesRequest())  # the echo of a sent message: only what we read
        .build()
    )
    state = state_of(app)
    state.settings = settings
    state.clock = clock or Clock()
    state.allowed_updates = list(ALLOWED_UPDATES)
    install(app)
    state.delivery = Delivery(app, ALLOWED_UPDATES, lambda: (state.services.db, state.clock), raw)
    state.delivery.on_set_aside = lambda update: tell_set_aside(app, update)
    return app


async def open_services(settings: Settings, clock: Clock) -> Services:
    """Open and migrate the database, and wire the services over it."""
    db = await Database.open(settings.database_path)
    try:
        await migrate(db)
    except Exception:
        await db.close()
        raise
    return Services.build(db, clock, settings)


async def _post_init(app: Application) -> None:
    state = state_of(app)
    settings = state.settings
    state.opened = await open_services(settings, state.clock)
    state.outbox = Outbox(state.opened.db, app.bot, state.clock)
    purposes.install(state.outbox, state.opened)
    state.outbox.start()  # whatever a crash left unsent goes out now
    await register_menus(app)
    for hook in registry.ON_START:
        await hook(app)
    log.info("bot @%s ready; database %s", app.bot.username, settings.database_path)


async def _post_shutdown(app: Application) -> None:
    state = state_of(app)
    outbox, state.outbox = state.outbox, None
    if outbox is not None:
        await outbox.stop()
    services, state.opened = state.opened, None
    if services is not None:
        await services.db.close()
    log.info("stopped; database closed")


async def register_menus(app: Application) -> None:
    """Command menus per language and scope (group / private); default = DEFAULT_LANGUAGE."""
    commands = registry.commands()
    default_language = state_of(app).default_language
    scopes = {"group": BotCommandScopeAllGroupChats(), "private": BotCommandScopeAllPrivateChats()}
    for scope_name, scope in scopes.items():
        for lang in (*LANGUAGES, None):
            shown = [
                BotCommand(c.name, t(lang or default_language, f"menu.{c.name}"))
                for c in commands
                if scope_name in c.menu and has(f"menu.{c.name}")
            ]
            await app.bot.set_my_commands(shown, scope=scope, language_code=lang)
