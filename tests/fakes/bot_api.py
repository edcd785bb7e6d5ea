"""A fake Telegram Bot API server for end-to-end tests of python-telegram-bot applications.

:class:`FakeBotAPI` is an aiohttp server on ``127.0.0.1`` that speaks the Bot API over real HTTP:
PTB's ``HTTPXRequest`` talks to it exactly as to ``api.telegram.org``. It long-polls
``getUpdates`` with real offset semantics, answers the common methods with realistic JSON, records
every call, injects faults, and lets tests inject user updates. Validation mirrors Telegram where
bots usually trip: text length, unparsable HTML, callback data over 64 bytes, unchanged edits,
messages to users who never opened a private chat, sends to a migrated group.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
from collections import defaultdict, deque
from collections.abc import Callable
from typing import Any

from aiohttp import web

from . import shapes
from .shapes import JSON, ApiError, Call, Chat, UpdateInjector, UploadedFile, User

# How long a test waits for the bot before failing: a ceiling, never a sleep (a passing test
# returns as soon as the bot answered). Generous because a loaded 2-core CI machine renders a
# report's chart in seconds; TEST_PATIENCE overrides it.
PATIENCE = float(os.environ.get("TEST_PATIENCE", "30"))

__all__ = ["Call", "Chat", "FakeBotAPI", "UploadedFile", "User"]


class FakeBotAPI(UpdateInjector):
    """An in-process Bot API server; use ``async with FakeBotAPI() as fake:``.

    Methods without an ``_api_`` implementation (answerCallbackQuery, close, logOut, …) are
    recorded and answered ``{"ok": true, "result": true}``.
    """

    def __init__(self, *, bot_username: str = shapes.DEFAULT_BOT_USERNAME) -> None:
        """Create the server (not started); ``bot_username`` is what getMe reports."""
        self.bot_username = bot_username
        self.bot = shapes.bot_user(bot_username)
        self.calls: list[Call] = []
        self.uploads: list[UploadedFile] = []
        self.files: dict[str, UploadedFile] = {}
        self.chats: dict[int, JSON] = {}
        self.users: dict[int, JSON] = {}
        self.messages: dict[tuple[int, int], JSON] = {}
        self.polls: dict[str, JSON] = {}
        self.commands: dict[str, list[JSON]] = {}
        self.webhook_url = ""
        self.allowed_updates: list[str] | None = None
        self.members: dict[tuple[int, int], str] = {}
        self.migrated: dict[int, int] = {}
        self._pending: list[JSON] = []
        self._last_update_id = 10_000
        self._message_ids: defaultdict[int, int] = defaultdict(lambda: 100)
        self._ids = itertools.count(1)
        self._faults: defaultdict[str, deque[tuple[int | None, JSON]]] = defaultdict(deque)
        self._delays: defaultdict[str, deque[float]] = defaultdict(deque)
        self._holds: defaultdict[str, deque[asyncio.Event]] = defaultdict(deque)
        self._changed = asyncio.Event()
        self._closing = False
        self._token_refused = False
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._methods = {
            name[5:].lower(): (name[5:], getattr(self, name))
            for name in dir(self)
            if name.startswith("_api_")
        }

    # ----------------------------------------------------------------- lifecycle
    async def start(self) -> FakeBotAPI:
        """Start listening on 127.0.0.1 on a free port."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self._port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        """Wake every long poll and shut the server down."""
        self._closing = True
        self._poke()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeBotAPI:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """The value for ``ApplicationBuilder().base_url(...)``."""
        return f"http://127.0.0.1:{self._port}/bot"

    @property
    def base_file_url(self) -> str:
        """The value for ``ApplicationBuilder().base_file_url(...)``."""
        return f"http://127.0.0.1:{self._port}/file/bot"

    # ----------------------------------------------------------------- inspection
    def calls_of(self, method: str) -> list[Call]:
        """Return every call of ``method`` (case-insensitive), failed ones included."""
        return [call for call in self.calls if call.method.lower() == method.lower()]

    def sent(self, chat_id: int | str | None = None) -> list[Call]:
        """Return the successful message-producing calls, optionally only to ``chat_id``."""
        return self._successful(shapes.SEND_METHODS, chat_id)

    def edits(self, chat_id: int | str | None = None) -> list[Call]:
        """Return the successful editMessageText/editMessageReplyMarkup calls."""
        return self._successful(("editmessagetext", "editmessagereplymarkup"), chat_id)

    def notified(self, chat_id: int) -> set[int | str]:
        """Who the bot's messages in ``chat_id`` notify: user ids of applied text mentions and
        @usernames of applied mentions (Telegram applies only a message's first 100 entities)."""
        found: set[int | str] = set()
        for call in self.sent(chat_id):
            text = call.result.get("text") or ""
            for entity in call.result.get("entities") or []:
                if entity["type"] == "text_mention":
                    found.add(entity["user"]["id"])
                elif entity["type"] == "mention":
                    start = entity["offset"]  # the fake's texts here are BMP-only
                    found.add(text[start + 1 : start + entity["length"]].lower())
        return found

    def message(self, chat_id: int, message_id: int) -> JSON | None:
        """Return the current state of a stored message (after edits), or None if deleted."""
        return self.messages.get((int(chat_id), int(message_id)))

    def _successful(self, methods: tuple[str, ...], chat_id: int | str | None) -> list[Call]:
        return [
            call
            for call in self.calls
            if call.ok
            and call.method.lower() in methods
            and (chat_id is None or str(call.params.get("chat_id")) == str(chat_id))
        ]

    def redeliver(self, update: JSON) -> None:
        """Hand ``update`` out again, as Telegram does with an update it thinks unconfirmed."""
        self._pending.append(json.loads(json.dumps(update)))
        self._pending.sort(key=lambda u: u["update_id"])
        self._poke()

    # ----------------------------------------------------------------- waiting
    def _poke(self) -> None:
        """Wake every waiter: they re-check their predicate on the next event."""
        event, self._changed = self._changed, asyncio.Event()
        event.set()

    async def wait_for(
        self,
        predicate: Callable[[], object],
        timeout: float = PATIENCE,  # noqa: ASYNC109 - a bound on the wait (asyncio.timeout)
        what: str = "",
    ) -> None:
        """Wait until ``predicate()`` is true, re-checked after every call and injection."""
        try:
            async with asyncio.timeout(timeout):
                while not predicate():
                    await self._changed.wait()
        except TimeoutError:
            recent = [c for c in self.calls if c.method != "getUpdates"][-8:]
            lines = "\n".join(f"  {c!r}" for c in recent) or "  (none)"
            name = what or getattr(predicate, "__name__", "predicate")
            raise AssertionError(
                f"timed out after {timeout}s waiting for {name}; last calls:\n{lines}"
            ) from None

    async def wait_processed(self, app: Any, timeout: float = PATIENCE) -> None:  # noqa: ASYNC109
        """Wait until the bot fetched every injected update and has processed all of them.

        A bot with a delivery layer (``app.bot_data["delivery"]``) commits a batch before its
        next getUpdates moves the offset past it; then its processor must be idle (every stored
        update processed, nothing in hand). Other bots: PTB's update queue must be drained.
        """
        target = self._last_update_id
        await self.wait_for(
            lambda: all(u["update_id"] > target for u in self._pending),
            timeout,
            f"the bot to fetch update {target} (is it polling?)",
        )
        bot_data = app.bot_data
        if isinstance(bot_data, dict):
            delivery = bot_data.get("delivery")
        else:  # a typed bot_data (ContextTypes): its attribute
            delivery = getattr(bot_data, "delivery", None)
        idle = delivery.wait_idle() if delivery is not None else app.update_queue.join()
        try:
            async with asyncio.timeout(timeout):
                await idle
        except TimeoutError:
            raise AssertionError(f"updates not processed after {timeout}s") from None

    # ----------------------------------------------------------------- faults
    def fail_next(
        self,
        method: str,
        status: int = 500,
        *,
        retry_after: int | None = None,
        description: str | None = None,
        migrate_to_chat_id: int | None = None,
        times: int = 1,
        chat_id: int | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` (to ``chat_id`` if given) fail."""
        if status == 429 and retry_after is None:
            retry_after = 1
        body = shapes.error(
            status, description, retry_after=retry_after, migrate_to_chat_id=migrate_to_chat_id
        )
        self._faults[method.lower()].extend([(chat_id, body)] * times)

    def clear_faults(self) -> None:
        """Forget every fault and delay still queued (Telegram is healthy again)."""
        self._faults.clear()
        self._delays.clear()

    def refuse_token(self, refused: bool = True) -> None:
        """From now on answer every call 401 Unauthorized, as Telegram does for a revoked token
        (a call already waiting, such as a long poll, still gets its answer)."""
        self._token_refused = refused
        self._poke()

    def delay_next(self, method: str, seconds: float) -> None:
        """Make the next call of ``method`` answer only after ``seconds`` (or at stop)."""
        self._delays[method.lower()].append(seconds)

    def hold_next(self, method: str) -> asyncio.Event:
        """Make the next call of ``method`` wait (recorded, unanswered) until the returned event
        is set: the test acts while the bot is in the middle of a handler."""
        release = asyncio.Event()
        self._holds[method.lower()].append(release)
        return release

    def _take_fault(self, key: str, call: Call) -> JSON | None:
        queue = self._faults.get(key)
        for index, (chat_id, body) in enumerate(queue or ()):
            if chat_id is None or str(chat_id) == str(call.params.get("chat_id")):
                del queue[index]  # type: ignore[arg-type]
                return body
        return None

    # ----------------------------------------------------------------- HTTP
    async def _handle(self, request: web.Request) -> web.Response:
        raw = request.match_info["method"]
        name, handler = self._methods.get(raw.lower(), (raw, None))
        params, files = await shapes.parse_request(request)
        call = Call(name, params, files)
        self.calls.append(call)
        self._poke()
        try:
            if self._delays[raw.lower()]:
                await self._idle(self._delays[raw.lower()].popleft())
            if self._holds[raw.lower()]:
                await self._holds[raw.lower()].popleft().wait()
            body = self._take_fault(raw.lower(), call)
            if body is None and self._token_refused:
                body = shapes.error(401, "Unauthorized")
            if body is None:
                body = {"ok": True, "result": True if handler is None else await handler(call)}
        except ApiError as exc:
            body = shapes.error(exc.status, exc.description, **exc.parameters)
        except asyncio.CancelledError:
            call.status = 499  # the client gave up (timeout, or PTB stopped polling)
            self._poke()
            raise
        call.status = body.get("error_code", 200)
        call.result = json.loads(json.dumps(body.get("result", body)))  # a snapshot
        self._poke()
        return web.json_response(body, status=call.status)

    async def _download(self, request: web.Request) -> web.Response:
        for stored in self.files.values():
            if stored.file_path == request.match_info["path"]:
                return web.Response(body=stored.data, content_type=stored.content_type)
        raise web.HTTPNotFound()

    async def _idle(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                while not self._closing:
                    await self._changed.wait()

    # ----------------------------------------------------------------- chats and messages
    def _chat(self, chat_id: Any) -> JSON:
        """Resolve a ``chat_id`` parameter to a known chat, the way Telegram would refuse it."""
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            for chat in self.chats.values():
                if chat.get("username") == chat_id[1:]:
                    return chat
            raise ApiError(400, "Bad Request: chat not found")
        cid = int(chat_id)
        if cid in self.migrated:
            raise ApiError(400, None, migrate_to_chat_id=self.migrated[cid])
        if cid not in self.chats:
            if cid > 0:
                raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
            self.chats[cid] = shapes.group(cid, f"Chat {cid}").to_dict()
        return self.chats[cid]

    def _stored(self, params: JSON, verb: str) -> JSON:
        msg = self.messages.get((int(self._chat(params["chat_id"])["id"]), params["message_id"]))
        if msg is None:
            raise ApiError(400, f"Bad Request: message to {verb} not found")
        return msg

    def _new_message(self, call: Call, **fields: Any) -> JSON:
        params = call.params
        chat = self._chat(params.get("chat_id"))
        self._message_ids[chat["id"]] += 1
        reply = params.get("reply_parameters") or {}
        reply_id = reply.get("message_id") or params.get("reply_to_message_id")
        thread = params.get("message_thread_id")
        msg = shapes.message_dict(
            self._message_ids[chat["id"]],
            chat,
            self.bot,
            message_thread_id=thread,
            is_topic_message=True if thread and chat.get("is_forum") else None,
            reply_to_message=self._snapshot(chat["id"], reply_id),
            **fields,
        )
        markup = shapes.check_markup(params.get("reply_markup"))
        if markup:
            msg["reply_markup"] = markup
        self.messages[(chat["id"], msg["message_id"])] = msg
        return msg

    def _snapshot(self, chat_id: int, message_id: int | None) -> JSON | None:
        msg = self.messages.get((chat_id, message_id)) if message_id else None
        return {k: v for k, v in msg.items() if k != "reply_to_message"} if msg else None

    def _store_upload(self, call: Call, field: str, kind: str) -> UploadedFile:
        """Store the file sent as ``field`` (multipart upload or an earlier file_id)."""
        upload = call.files.get(field)
        if upload is None:
            known = self.files.get(str(call.params.get(field)))
            if known is not None:
                return known
            upload = UploadedFile(field, f"{kind}.bin", "application/octet-stream", b"")
        number = next(self._ids)
        upload.file_id, upload.file_unique_id = f"{kind.upper()}{number:06d}", f"U{number:06d}"
        upload.file_path = f"{kind}s/file_{number}_{upload.filename}"
        upload.params = dict(call.params)
        self.uploads.append(upload)
        self.files[upload.file_id] = upload
        return upload

    # ----------------------------------------------------------------- Bot API methods
    async def _api_getMe(self, call: Call) -> JSON:
        return shapes.bot_user(self.bot_username, full=True)

    async def _api_getUpdates(self, call: Call) -> list[JSON]:
        params = call.params
        offset, limit = int(params.get("offset") or 0), int(params.get("limit") or 100)
        if params.get("allowed_updates") is not None:
            self.allowed_updates = list(params["allowed_updates"])
        if offset > 0:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
        elif offset < 0:
            self._pending = self._pending[offset:]
        self._poke()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(float(params.get("timeout") or 0)):
                while not (self._closing or self._deliverable()):
                    await self._changed.wait()
        self._poke()
        return self._deliverable()[: max(1, min(limit, 100))]

    def _deliverable(self) -> list[JSON]:
        """Drop updates of types the bot did not subscribe to and return the rest."""
        allowed = set(self.allowed_updates or shapes.DEFAULT_ALLOWED) | {"update_id"}
        kept = [u for u in self._pending if set(u) <= allowed]
        if len(kept) < len(self._pending):
            self._pending = kept
            self._poke()  # wait_processed counts dropped updates as settled
        return list(kept)

    async def _api_setWebhook(self, call: Call) -> bool:
        self.webhook_url = str(call.params.get("url", ""))
        return True

    async def _api_deleteWebhook(self, call: Call) -> bool:
        self.webhook_url = ""
        if call.params.get("drop_pending_updates"):
            self._pending.clear()
        return True

    async def _api_getWebhookInfo(self, call: Call) -> JSON:
        info = {"url": self.webhook_url, "has_custom_certificate": False}
        return info | {"pending_update_count": len(self._pending)}

    def _commands_key(self, params: JSON) -> str:
        return json.dumps([params.get("scope"), params.get("language_code")], sort_keys=True)

    async def _api_setMyCommands(self, call: Call) -> bool:
        self.commands[self._commands_key(call.params)] = list(call.params.get("commands") or [])
        return True

    async def _api_deleteMyCommands(self, call: Call) -> bool:
        self.commands.pop(self._commands_key(call.params), None)
        return True

    async def _api_getMyCommands(self, call: Call) -> list[JSON]:
        return self.commands.get(self._commands_key(call.params), [])

    async def _api_sendMessage(self, call: Call) -> JSON:
        text = shapes.displayed_text(call.params.get("text"), call.params.get("parse_mode"), "text")
        entities = call.params.get("entities") or shapes.message_entities(
            call.params.get("text"), call.params.get("parse_mode")
        )
        return self._new_message(call, text=text, entities=entities)

    async def _api_sendDocument(self, call: Call) -> JSON:
        upload = call.files.get("document")
        if upload is not None and upload.size > shapes.UPLOAD_LIMIT:
            raise ApiError(413, "Request Entity Too Large")
        upload = self._store_upload(call, "document", "document")
        doc = shapes.document_dict(
            upload.file_id, upload.file_unique_id, upload.filename, upload.mime, upload.size
        )
        return self._new_message(call, document=doc, **self._caption(call))

    async def _api_sendPhoto(self, call: Call) -> JSON:
        upload = self._store_upload(call, "photo", "photo")
        sizes = shapes.photo_sizes(upload.file_id, upload.file_unique_id, upload.size)
        return self._new_message(call, photo=sizes, **self._caption(call))

    def _caption(self, call: Call) -> JSON:
        caption = call.params.get("caption")
        if caption is None:
            return {}
        shown = shapes.displayed_text(caption, call.params.get("parse_mode"), "caption")
        return {"caption": shown, "caption_entities": call.params.get("caption_entities")}

    async def _api_sendPoll(self, call: Call) -> JSON:
        params = call.params
        options = [o if isinstance(o, str) else o["text"] for o in params.get("options") or []]
        shapes.check_poll(str(params.get("question", "")), options)
        poll = shapes.poll(
            str(5_000_000_000 + next(self._ids)),
            str(params["question"]),
            options,
            is_anonymous=params.get("is_anonymous", True),
            type=params.get("type") or "regular",
            allows_multiple_answers=bool(params.get("allows_multiple_answers")),
            correct_option_ids=params.get("correct_option_ids"),
            open_period=params.get("open_period"),
            close_date=params.get("close_date"),
        )
        msg = self._new_message(call, poll=poll)
        self.polls[poll["id"]] = {"poll": poll, "message": msg, "votes": {}}
        return msg

    async def _api_stopPoll(self, call: Call) -> JSON:
        msg = self._stored(call.params, "stop")
        if "poll" not in msg:
            raise ApiError(400, "Bad Request: message with poll to stop not found")
        if msg["poll"]["is_closed"]:
            raise ApiError(400, "Bad Request: poll has already been closed")
        msg["poll"]["is_closed"] = True
        if "reply_markup" in call.params:
            msg.pop("reply_markup", None)
            if markup := shapes.check_markup(call.params["reply_markup"]):
                msg["reply_markup"] = markup
        return msg["poll"]

    async def _api_editMessageText(self, call: Call) -> JSON | bool:
        params = call.params
        if params.get("inline_message_id"):
            return True
        msg = self._stored(params, "edit")
        if "text" not in msg:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        text = shapes.displayed_text(params.get("text"), params.get("parse_mode"), "text")
        return self._edit(msg, params.get("reply_markup"), text=text)

    async def _api_editMessageReplyMarkup(self, call: Call) -> JSON | bool:
        if call.params.get("inline_message_id"):
            return True
        return self._edit(self._stored(call.params, "edit"), call.params.get("reply_markup"))

    def _edit(self, msg: JSON, markup: Any, **fields: Any) -> JSON:
        markup = shapes.check_markup(markup)
        if all(msg.get(k) == v for k, v in fields.items()) and msg.get("reply_markup") == markup:
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message",
            )
        msg.update(fields, edit_date=shapes.now())
        msg.pop("reply_markup", None)
        if markup:
            msg["reply_markup"] = markup
        return msg

    async def _api_deleteMessage(self, call: Call) -> bool:
        msg = self._stored(call.params, "delete")
        del self.messages[(msg["chat"]["id"], msg["message_id"])]
        return True

    async def _api_getChat(self, call: Call) -> JSON:
        return shapes.chat_full_info(self._chat(call.params.get("chat_id")))

    async def _api_getChatMember(self, call: Call) -> JSON:
        chat, user_id = self._chat(call.params.get("chat_id")), int(call.params["user_id"])
        status = self.members.get((chat["id"], user_id), "member")
        return shapes.chat_member(self._user(user_id), status)

    async def _api_getChatAdministrators(self, call: Call) -> list[JSON]:
        chat = self._chat(call.params.get("chat_id"))
        return [
            shapes.chat_member(self._user(user_id), status)
            for (chat_id, user_id), status in self.members.items()
            if chat_id == chat["id"] and status in ("creator", "administrator")
        ]

    def _user(self, user_id: int) -> JSON:
        if user_id == shapes.BOT_ID:
            return self.bot
        return self.users.get(user_id) or {"id": user_id, "is_bot": False, "first_name": "User"}

    async def _api_getFile(self, call: Call) -> JSON:
        stored = self.files.get(str(call.params.get("file_id")))
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        if stored.size > shapes.DOWNLOAD_LIMIT:  # bots download at most 20 MB
            raise ApiError(400, "Bad Request: file is too big")
        keys = ("file_id", "file_unique_id", "file_path")
        return {key: getattr(stored, key) for key in keys} | {"file_size": stored.size}

    async def _api_sendChatAction(self, call: Call) -> bool:
        self._chat(call.params.get("chat_id"))
        return True

    async def _api_pinChatMessage(self, call: Call) -> bool:
        self._stored(call.params, "pin")
        return True
