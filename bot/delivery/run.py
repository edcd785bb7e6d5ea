"""The process's lifecycle (what `run_polling`/`run_webhook` did), with the inbox in between.

initialize → post_init → start → delivery (inbox first, then polling or the webhook) → … a stop
signal (SIGINT, SIGTERM) … → delivery stops → stop → post_stop → shutdown → post_shutdown.
When Telegram refuses the token while running, the same clean stop happens, then StartupError
(exit code 5, the one line for the operator; bot/__main__.py prints it).
"""

from __future__ import annotations

import asyncio
import logging
import signal
from urllib.parse import urlparse

from telegram.error import InvalidToken
from telegram.ext import Application

from bot.config import Settings
from bot.delivery.core import Delivery
from bot.ops import StartupError
from bot.ops.preflight import REJECTED

log = logging.getLogger(__name__)
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def run(app: Application, settings: Settings) -> None:
    """Run the bot until a stop signal: long polling, or a webhook when WEBHOOK_URL is set."""
    asyncio.run(serve(app, settings))


async def serve(app: Application, settings: Settings) -> None:
    """The lifecycle inside a running event loop."""
    delivery = Delivery.of(app)
    if delivery is None:
        raise RuntimeError("the application has no Delivery attached")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in STOP_SIGNALS:
        loop.add_signal_handler(sig, stop.set)
    await app.initialize()
    started, refusal = False, None
    try:
        if app.post_init:
            await app.post_init(app)
        await app.start()
        started = True
        await _start_delivery(delivery, settings)
        waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(delivery.stopped())]
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        for waiter in waiters:
            waiter.cancel()
        refusal = delivery.refusal
        log.info("stopping")
    finally:
        try:
            await delivery.stop()
        except Exception:  # the rest of the shutdown must run: the database has to close
            log.exception("stopping delivery failed")
        if started and app.running:
            await app.stop()
            if app.post_stop:
                await app.post_stop(app)
        await app.shutdown()
        if app.post_shutdown:
            await app.post_shutdown(app)
        for sig in STOP_SIGNALS:
            loop.remove_signal_handler(sig)
    if refusal is not None:  # after a clean stop: what was received stays in the inbox
        raise StartupError(refused_line(refusal), REJECTED)


def refused_line(refusal: InvalidToken) -> str:
    """The operator's line when Telegram refuses the token of a running bot (no token in it)."""
    return (
        f"the Bot API refused BOT_TOKEN while the bot was running ({refusal.message}): the token"
        " was revoked or replaced; get the current one from @BotFather, put it in .env as"
        " BOT_TOKEN=..., then start the bot again (what was received is kept and processed then)"
    )


async def _start_delivery(delivery: Delivery, settings: Settings) -> None:
    if settings.webhook_url:
        secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
        await delivery.start_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path=urlparse(settings.webhook_url).path,  # as the proxy forwards it
            url=settings.webhook_url,
            secret=secret,
        )
    else:
        await delivery.start_polling()
