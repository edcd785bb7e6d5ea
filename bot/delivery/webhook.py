"""Webhook mode: Telegram's POST is answered 200 only after its update is committed to the inbox.

PTB's own webhook answers once the update is on its in-memory queue; a crash then loses it.
Here the answer waits for the commit, so an update Telegram believes delivered is on disk; a
failed commit answers 500 and Telegram sends the update again.
"""

from __future__ import annotations

import hmac
import json
import logging
from http import HTTPStatus

import tornado.web
from telegram import Update
from telegram.ext import Application
from tornado.httpserver import HTTPServer

from bot.clock import Clock
from bot.delivery.processor import Processor
from storage.inbox import InboxRepo

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class _Hook(tornado.web.RequestHandler):
    """POST /<path>: check the secret, commit the update, answer."""

    SUPPORTED_METHODS = ("POST",)  # type: ignore[assignment]

    def initialize(self, server: WebhookServer) -> None:
        """Tornado's per-request set-up."""
        self.server = server

    async def post(self) -> None:
        """Commit the update to the inbox, then answer 200."""
        server = self.server
        given = self.request.headers.get(SECRET_HEADER, "")
        if server.secret is not None and not hmac.compare_digest(given, server.secret):
            raise tornado.web.HTTPError(HTTPStatus.FORBIDDEN)
        try:
            data = json.loads(self.request.body)
            update = Update.de_json(data, server.app.bot)
        except Exception as exc:
            log.warning("webhook: unreadable update refused (%s)", type(exc).__name__)
            raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST) from None
        chat = update.effective_chat
        row = (update.update_id, chat.id if chat else None, self.request.body.decode())
        await server.processor.store([row], [update])  # a failure answers 500: sent again
        self.set_status(HTTPStatus.OK)


class _App(tornado.web.Application):
    def log_request(self, handler: tornado.web.RequestHandler) -> None:
        """Our own logging only (no per-request lines)."""


class WebhookServer:
    """A small tornado server for one webhook path."""

    def __init__(
        self,
        app: Application,
        inbox: InboxRepo,
        processor: Processor,
        clock: Clock,
        url_path: str,
        secret: str | None,
    ) -> None:
        self.app, self.inbox, self.processor, self.clock = app, inbox, processor, clock
        self.secret = secret
        path = "/" + url_path.strip("/")
        self._http = HTTPServer(_App([(rf"{path}/?", _Hook, {"server": self})]))

    async def start(self, listen: str, port: int) -> None:
        """Listen on `listen:port`."""
        self._http.listen(port, address=listen)

    async def stop(self) -> None:
        """Stop listening and close open connections."""
        self._http.stop()
        await self._http.close_all_connections()
