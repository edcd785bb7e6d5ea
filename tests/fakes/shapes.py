"""Bot API shapes for the fake server: wire records, JSON builders, validation, injected updates.

Sections: the request records (:class:`Call`, :class:`UploadedFile`, :class:`ApiError`,
:func:`parse_request`); builders for users, chats, messages, members, polls and files; the checks
Telegram applies (HTML, lengths, callback data); and :class:`UpdateInjector`, the test-side
``inject_*`` methods that :class:`~tests.fakes.bot_api.FakeBotAPI` inherits.

Every builder returns plain dicts shaped like real Telegram Bot API objects, including the fields
python-telegram-bot 22.8 insists on (``PollOption.persistent_id``, ``Poll.allows_revoting``,
``Poll.members_only``, ``PollAnswer.option_persistent_ids``, the ``can_*`` flags of
``ChatMemberAdministrator``/``ChatMemberRestricted``, ``ChatFullInfo.accepted_gift_types`` …).
"""

from __future__ import annotations

import contextlib
import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from telegram.constants import InlineKeyboardButtonLimit, MessageLimit, PollLimit, UpdateType

JSON = dict[str, Any]

BOT_ID = 999000
BOT_FIRST_NAME = "Committee Bot"
DEFAULT_BOT_USERNAME = "CommitteeTestBot"
MEMBER_STATUSES = ("creator", "administrator", "member", "restricted", "left", "kicked")
SEND_METHODS = ("sendmessage", "senddocument", "sendphoto", "sendpoll")
DOWNLOAD_LIMIT = 20 * 1024 * 1024  # getFile refuses bigger files ("file is too big")
UPLOAD_LIMIT = 50 * 1024 * 1024  # a bot uploads at most 50 MB per file
#: Update types Telegram delivers when a bot never chose ``allowed_updates`` (or sent ``[]``).
DEFAULT_ALLOWED = tuple(
    str(kind)
    for kind in UpdateType
    if kind not in ("chat_member", "message_reaction", "message_reaction_count")
)
#: Parameters kept as sent: PTB does not JSON-encode strings, so "123" must stay a string.
STRING_PARAMS = frozenset(
    (
        "text",
        "caption",
        "question",
        "explanation",
        "callback_query_id",
        "parse_mode",
        "title",
        "description",
        "url",
        "custom_title",
        "inline_message_id",
        "language_code",
        "secret_token",
    )
)


class ApiError(Exception):
    """Raised by a method implementation to answer with a Bot API error body."""

    def __init__(self, status: int, description: str | None = None, **parameters: Any) -> None:
        super().__init__(description or status)
        self.status, self.description, self.parameters = status, description, parameters


@dataclass(eq=False)
class UploadedFile:
    """A file the bot uploaded (multipart part), with the ids the fake gave it."""

    field: str
    filename: str
    content_type: str
    data: bytes
    file_id: str = ""
    file_unique_id: str = ""
    file_path: str = ""
    params: JSON = field(default_factory=dict)
    declared_size: int | None = None  # a user's file said to be this big (no bytes kept)

    @property
    def size(self) -> int:
        """The number of bytes uploaded (or the size a test declared for a user's file)."""
        return len(self.data) if self.declared_size is None else self.declared_size

    @property
    def mime(self) -> str | None:
        """The MIME type, unless it is the generic octet-stream."""
        return None if self.content_type == "application/octet-stream" else self.content_type


@dataclass(eq=False)
class Call:
    """One Bot API request: method, decoded params, uploaded files and the answer given."""

    method: str
    params: JSON
    files: dict[str, UploadedFile] = field(default_factory=dict)
    status: int | None = None  # None while the request is still being answered
    result: Any = None  # the ``result`` on success, the whole error body on failure

    @property
    def ok(self) -> bool:
        """Whether the call was answered successfully."""
        return self.status == 200

    @property
    def chat_id(self) -> Any:
        """The ``chat_id`` parameter, if any."""
        return self.params.get("chat_id")

    @property
    def text(self) -> str | None:
        """The text the bot sent as given: ``text``, else ``caption``, else poll ``question``."""
        for key in ("text", "caption", "question"):
            if self.params.get(key) is not None:
                return str(self.params[key])
        return None

    def __repr__(self) -> str:
        shown = {k: v for k, v in self.params.items() if k != "reply_markup"}
        text = repr(shown)
        text = text if len(text) < 160 else text[:157] + "..."
        return f"Call({self.method}, {text}, status={self.status})"


def now() -> int:
    """Return the current Unix time in whole seconds (Telegram's ``date`` unit)."""
    return int(time.time())


def utf16_len(text: str) -> int:
    """Return the length of ``text`` in UTF-16 code units, the unit of entity offsets."""
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True)
class User:
    """A Telegram user as a test describes it."""

    id: int
    first_name: str
    username: str | None = None
    last_name: str | None = None
    language_code: str | None = None
    is_bot: bool = False

    def to_dict(self) -> JSON:
        """Return the Bot API ``User`` object."""
        data: JSON = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        return data


@dataclass(frozen=True)
class Chat:
    """A Telegram chat: ``private``, ``group``, ``supergroup`` or ``channel``."""

    id: int
    type: str
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    is_forum: bool = False

    def to_dict(self) -> JSON:
        """Return the Bot API ``Chat`` object."""
        data: JSON = {"id": self.id, "type": self.type}
        keys = ("first_name", "last_name", "username")
        if self.type != "private":
            keys = ("title", "username")
        for key in keys:
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        if self.is_forum:
            data["is_forum"] = True
        return data


def group(
    id: int = -100123, title: str = "Ban Chỉ đạo CĐS", *, type: str | None = None, **kw: Any
) -> Chat:
    """Return a group chat: a supergroup if the id starts with -100, unless ``type`` is given."""
    kind = type or ("supergroup" if str(id).startswith("-100") else "group")
    return Chat(id, kind, title=title, **kw)


def private_chat(user: User) -> Chat:
    """Return the private chat between ``user`` and the bot (its id is the user's id)."""
    return Chat(
        user.id,
        "private",
        username=user.username,
        first_name=user.first_name,
        last_name=user.last_name,
    )


def user_dict(user: User | JSON) -> JSON:
    """Return a ``User`` dict from a :class:`User` or an existing dict."""
    return user.to_dict() if isinstance(user, User) else dict(user)


def chat_dict(chat: Chat | JSON) -> JSON:
    """Return a ``Chat`` dict from a :class:`Chat` or an existing dict."""
    return chat.to_dict() if isinstance(chat, Chat) else dict(chat)


def bot_user(username: str = DEFAULT_BOT_USERNAME, *, full: bool = False) -> JSON:
    """Return the bot's ``User``; ``full`` adds the getMe-only capability flags."""
    data: JSON = {"id": BOT_ID, "is_bot": True, "first_name": BOT_FIRST_NAME, "username": username}
    if full:
        data |= {
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
    return data


def command_entities(text: str | None) -> list[JSON]:
    """Return the ``bot_command`` entity Telegram adds when ``text`` starts with a command."""
    if not text or not text.startswith("/"):
        return []
    token = text.split(maxsplit=1)[0]
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(token)}]


_HTML_TAGS = frozenset(
    "b strong i em u ins s strike del span tg-spoiler a code pre blockquote tg-emoji".split()
)


_ENTITY_TYPES = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "span": "spoiler", "tg-spoiler": "spoiler", "code": "code", "pre": "pre",
    "blockquote": "blockquote", "tg-emoji": "custom_emoji",
}  # fmt: skip
# What Telegram detects in plain text by itself (each one an entity too).
_AUTO_ENTITIES = (
    ("mention", re.compile(r"(?<![\w@])@[A-Za-z0-9_]{4,32}")),
    ("hashtag", re.compile(r"(?<![\w#])#\w*[^\W\d]\w*")),
    ("bot_command", re.compile(r"(?<![\w/])/[A-Za-z][A-Za-z0-9_@]*")),
    ("url", re.compile(r"https?://[^\s]+")),
)


class _TelegramHTML(HTMLParser):
    """Telegram's HTML parse mode: a few tags, properly nested; anything else is an error."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.opened: list[tuple[str, dict, int]] = []  # tag, attributes, UTF-16 offset
        self.entities: list[JSON] = []

    def _offset(self) -> int:
        return utf16_len("".join(self.parts))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _HTML_TAGS:
            self.errors.append(f'Unsupported start tag "{tag}"')
        self.stack.append(tag)
        self.opened.append((tag, dict(attrs), self._offset()))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.errors.append(f'Unsupported start tag "{tag}"')

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f'Unexpected end tag "{tag}"')
        else:
            self.stack.pop()
            _, attrs, start = self.opened.pop()
            self._entity(tag, attrs, start, self._offset() - start)

    def _entity(self, tag: str, attrs: dict, offset: int, length: int) -> None:
        if length == 0:
            return
        entity: JSON = {"type": _ENTITY_TYPES.get(tag, "text_link"), "offset": offset}
        entity["length"] = length
        href = attrs.get("href") or ""
        if tag == "a" and href.startswith("tg://user?id="):
            entity |= {"type": "text_mention", "user": {"id": int(href.split("=", 1)[1])}}
            entity["user"] |= {"is_bot": False, "first_name": "".join(self.parts)[-length:]}
        elif tag == "a":
            entity["url"] = href
        self.entities.append(entity)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def strip_html(text: str) -> str:
    """Return what Telegram displays for an HTML text; raise ApiError where Telegram would."""
    parser = _TelegramHTML()
    parser.feed(text)
    parser.close()
    if parser.stack:
        parser.errors.append(f'Can\'t find end tag corresponding to start tag "{parser.stack[-1]}"')
    if parser.errors:
        raise ApiError(400, f"Bad Request: can't parse entities: {parser.errors[0]}")
    return "".join(parser.parts)


def message_entities(text: Any, parse_mode: Any) -> list[JSON] | None:
    """The entities Telegram applies to a sent text: markup and detected ones, at most 100.

    Telegram silently drops every entity after the first `MessageLimit.MESSAGE_ENTITIES`: a
    mention there notifies nobody. Text mentions carry only the user's id and shown name.
    """
    if text is None:
        return None
    shown, found = str(text), []
    if str(parse_mode or "").upper() == "HTML":
        parser = _TelegramHTML()
        parser.feed(shown)
        parser.close()
        shown, found = "".join(parser.parts), parser.entities
    for kind, pattern in _AUTO_ENTITIES:
        for match in pattern.finditer(shown):
            offset = utf16_len(shown[: match.start()])
            found.append({"type": kind, "offset": offset, "length": utf16_len(match[0])})
    found.sort(key=lambda e: (e["offset"], -e["length"]))
    return found[: MessageLimit.MESSAGE_ENTITIES] or None


def displayed_text(text: Any, parse_mode: Any, kind: str = "text") -> str | None:
    """Return the text Telegram would show for a ``text``/``caption`` param, or raise ApiError."""
    if text is None and kind == "caption":
        return None
    shown = str(text or "")
    if str(parse_mode or "").upper() == "HTML":
        shown = strip_html(shown)
    if kind == "text" and not shown.strip():
        raise ApiError(400, "Bad Request: message text is empty")
    limit = MessageLimit.MAX_TEXT_LENGTH if kind == "text" else MessageLimit.CAPTION_LENGTH
    if len(shown) > limit:
        raise ApiError(
            400, f"Bad Request: message {'caption ' if kind != 'text' else ''}is too long"
        )
    return shown


def check_markup(markup: Any) -> JSON | None:
    """Validate an inline keyboard; return it as the message echoes it (other markups: None)."""
    if not isinstance(markup, dict) or not markup.get("inline_keyboard"):
        return None
    for row in markup["inline_keyboard"]:
        for button in row:
            data = button.get("callback_data")
            size = len(str(data).encode()) if data is not None else 1
            if not (
                InlineKeyboardButtonLimit.MIN_CALLBACK_DATA
                <= size
                <= InlineKeyboardButtonLimit.MAX_CALLBACK_DATA
            ):
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
            if not button.get("text"):
                raise ApiError(
                    400, "Bad Request: text buttons are unallowed in the inline keyboard"
                )
    return markup


def check_poll(question: str, options: list[str]) -> None:
    """Refuse a poll the way Telegram does (question and option lengths, option count)."""
    if not PollLimit.MIN_QUESTION_LENGTH <= len(question) <= PollLimit.MAX_QUESTION_LENGTH:
        raise ApiError(400, "Bad Request: poll question length must not exceed 300")
    if not PollLimit.MIN_OPTION_NUMBER <= len(options) <= PollLimit.MAX_OPTION_NUMBER:
        raise ApiError(400, "Bad Request: poll must have 1-12 options")
    for option in options:
        if not PollLimit.MIN_OPTION_LENGTH <= len(option) <= PollLimit.MAX_OPTION_LENGTH:
            raise ApiError(400, "Bad Request: poll options length must not exceed 100")


def message_dict(message_id: int, chat: JSON, sender: JSON | None, **fields: Any) -> JSON:
    """Return a ``Message``; ``fields`` with a ``None`` value are left out."""
    data: JSON = {"message_id": message_id, "date": now(), "chat": chat}
    if sender is not None:
        data["from"] = sender
    data.update({key: value for key, value in fields.items() if value is not None})
    return data


_ADMIN_RIGHTS = {
    "can_be_edited": False,
    "is_anonymous": False,
    "can_manage_chat": True,
    "can_delete_messages": True,
    "can_manage_video_chats": True,
    "can_restrict_members": True,
    "can_promote_members": False,
    "can_change_info": True,
    "can_invite_users": True,
    "can_post_stories": True,
    "can_edit_stories": True,
    "can_delete_stories": True,
    "can_pin_messages": True,
    "can_manage_topics": True,
}
_RESTRICTIONS = dict.fromkeys(
    (
        "can_send_messages",
        "can_send_audios",
        "can_send_documents",
        "can_send_photos",
        "can_send_videos",
        "can_send_video_notes",
        "can_send_voice_notes",
        "can_send_polls",
        "can_send_other_messages",
        "can_add_web_page_previews",
        "can_react_to_messages",
        "can_change_info",
        "can_invite_users",
        "can_pin_messages",
        "can_manage_topics",
        "can_edit_tag",
    ),
    False,
)


def chat_member(user: JSON, status: str) -> JSON:
    """Return the ``ChatMember`` variant for ``status`` with every field PTB 22.8 requires."""
    if status not in MEMBER_STATUSES:
        raise ValueError(f"unknown chat member status {status!r}; use one of {MEMBER_STATUSES}")
    data: JSON = {"status": status, "user": user}
    if status == "creator":
        data["is_anonymous"] = False
    elif status == "administrator":
        data |= _ADMIN_RIGHTS
    elif status == "restricted":
        data |= _RESTRICTIONS | {"is_member": True, "until_date": 0}
    elif status == "kicked":
        data["until_date"] = 0
    return data


def poll(
    poll_id: str,
    question: str,
    options: list[str],
    *,
    counts: list[int] | None = None,
    total_voter_count: int = 0,
    is_closed: bool = False,
    is_anonymous: bool = True,
    type: str = "regular",
    allows_multiple_answers: bool = False,
    **extra: Any,
) -> JSON:
    """Return a ``Poll`` whose option ``i`` has ``persistent_id`` ``str(i)``."""
    counts = counts or [0] * len(options)
    data: JSON = {
        "id": poll_id,
        "question": question,
        "options": [
            {"text": text, "voter_count": count, "persistent_id": str(index)}
            for index, (text, count) in enumerate(zip(options, counts, strict=True))
        ],
        "total_voter_count": total_voter_count,
        "is_closed": is_closed,
        "is_anonymous": is_anonymous,
        "type": type,
        "allows_multiple_answers": allows_multiple_answers,
        "allows_revoting": type != "quiz",
        "members_only": False,
    }
    data.update({key: value for key, value in extra.items() if value is not None})
    return data


def document_dict(file_id: str, unique_id: str, name: str, mime: str | None, size: int) -> JSON:
    """Return a ``Document``."""
    data: JSON = {"file_id": file_id, "file_unique_id": unique_id, "file_name": name}
    if mime:
        data["mime_type"] = mime
    return data | {"file_size": size}


def photo_sizes(file_id: str, unique_id: str, size: int) -> list[JSON]:
    """Return the ``PhotoSize`` list Telegram produces for an uploaded photo (thumb, full)."""
    return [
        {
            "file_id": f"{file_id}-s",
            "file_unique_id": f"{unique_id}-s",
            "width": 90,
            "height": 68,
            "file_size": min(size, 1200),
        },
        {
            "file_id": file_id,
            "file_unique_id": unique_id,
            "width": 800,
            "height": 600,
            "file_size": size,
        },
    ]


def chat_full_info(chat: JSON) -> JSON:
    """Return the ``ChatFullInfo`` getChat answers for ``chat``."""
    gifts = dict.fromkeys(
        (
            "unlimited_gifts",
            "limited_gifts",
            "unique_gifts",
            "premium_subscription",
            "gifts_from_channels",
        ),
        False,
    )
    return chat | {"accent_color_id": 0, "max_reaction_count": 11, "accepted_gift_types": gifts}


def error(status: int, description: str | None = None, **parameters: Any) -> JSON:
    """Return a Bot API error body (``ok: false``) with Telegram's usual descriptions."""
    if description is None:
        description = {
            429: f"Too Many Requests: retry after {parameters.get('retry_after')}",
            403: "Forbidden: bot was blocked by the user",
            400: "Bad Request: chat not found",
            409: "Conflict: terminated by other getUpdates request",
            500: "Internal Server Error",
            502: "Bad Gateway",
        }.get(status, f"Error {status}")
        if status == 400 and parameters.get("migrate_to_chat_id"):
            description = "Bad Request: group chat was upgraded to a supergroup chat"
    body: JSON = {"ok": False, "error_code": status, "description": description}
    parameters = {key: value for key, value in parameters.items() if value is not None}
    if parameters:
        body["parameters"] = parameters
    return body


async def parse_request(request: Any) -> tuple[JSON, dict[str, UploadedFile]]:
    """Read query, url-encoded, multipart or JSON parameters; decode JSON-encoded values."""
    params: JSON = dict(request.query)
    files: dict[str, UploadedFile] = {}
    if request.can_read_body and request.content_type == "application/json":
        params.update(await request.json())
        return params, files
    if request.can_read_body:
        for key, value in (await request.post()).items():
            if hasattr(value, "file") and hasattr(value, "filename"):
                content_type = value.content_type or "application/octet-stream"
                files[key] = UploadedFile(key, value.filename, content_type, value.file.read())
            else:
                params[key] = value if isinstance(value, str) else bytes(value).decode()
    for key, value in params.items():
        if isinstance(value, str) and key not in STRING_PARAMS:
            with contextlib.suppress(ValueError):
                params[key] = json.loads(value)
    return params, files


# --------------------------------------------------------------------------- injected updates
# Telegram's service senders, as the Bot API shows them (telegram.constants.ChatID).
TELEGRAM = User(777000, "Telegram")
ANONYMOUS_ADMIN = User(1087968824, "Group", username="GroupAnonymousBot", is_bot=True)
CHANNEL_BOT = User(136817688, "Channel", username="Channel_Bot", is_bot=True)


class UpdateInjector:
    """The test side of :class:`~tests.fakes.bot_api.FakeBotAPI`: build and queue user updates.

    Each ``inject_*`` method keeps the fake's state consistent (known chats and users, message
    ids per chat, member statuses, poll counts) and returns the queued ``Update`` dict.
    """

    bot: JSON
    chats: dict[int, JSON]
    users: dict[int, JSON]
    messages: dict[tuple[int, int], JSON]
    polls: dict[str, JSON]
    members: dict[tuple[int, int], str]
    migrated: dict[int, int]
    _message_ids: dict[int, int]
    _pending: list[JSON]
    _last_update_id: int
    _ids: Iterator[int]
    _poke: Callable[[], None]
    _store_upload: Callable[[Call, str, str], UploadedFile]

    def register_chat(self, chat: Chat | JSON) -> JSON:
        """Make a chat known (for a private chat: the user has started the bot)."""
        data = chat_dict(chat)
        self.chats[data["id"]] = data
        return data

    def set_chat_member(self, chat_id: int, user: User | JSON, status: str) -> None:
        """Set what getChatMember answers for ``user`` in ``chat_id`` (default ``member``)."""
        chat_member({}, status)  # validates the status
        data = user_dict(user)
        self.users.setdefault(data["id"], data)
        self.members[(int(chat_id), data["id"])] = status

    def _enqueue(self, kind: str, payload: JSON) -> JSON:
        self._last_update_id += 1
        update = {"update_id": self._last_update_id, kind: payload}
        self._pending.append(update)
        self._poke()
        return update

    def _post(
        self, chat: Chat | JSON, user: User | JSON, kind: str = "message", **fields: Any
    ) -> JSON:
        """Store a message ``user`` posts in ``chat`` and queue it as a ``kind`` update."""
        chat_data, user_data = self.register_chat(chat), user_dict(user)
        self.users[user_data["id"]] = user_data
        chat_id, message_id = chat_data["id"], None
        if kind == "edited_message":  # edits the user's latest message in the chat
            own = [
                mid
                for (cid, mid), msg in self.messages.items()
                if cid == chat_id and msg.get("from", {}).get("id") == user_data["id"]
            ]
            message_id = max(own, default=None)
        if message_id is None:
            self._message_ids[chat_id] += 1
            message_id = self._message_ids[chat_id]
        msg = message_dict(message_id, chat_data, user_data, **fields)
        self.messages[(chat_id, message_id)] = msg
        return self._enqueue(kind, msg)

    def inject_message(
        self,
        chat: Chat | JSON,
        user: User | JSON,
        text: str | None = None,
        *,
        reply_to_message_id: int | None = None,
        reply_to: JSON | Call | None = None,
        document: JSON | None = None,
        message_thread_id: int | None = None,
        edited: bool = False,
        **fields: Any,
    ) -> JSON:
        """Queue a user's message; a leading ``/command[@bot]`` gets its ``bot_command`` entity.

        ``document`` is ``{"file_name", "mime_type", "content": bytes, "file_size": int}``
        (content optional, served by getFile; ``file_size`` declares a size without the bytes,
        e.g. a file over getFile's 20 MB limit); the text then becomes the caption.
        ``edited=True`` queues an ``edited_message`` of the user's latest message in the chat.
        ``fields`` are extra Message fields.
        """
        chat_data = chat_dict(chat)
        if isinstance(reply_to, Call):
            reply_to = reply_to.result
        if reply_to is None and reply_to_message_id is not None:
            key = (chat_data["id"], reply_to_message_id)
            reply_to = self.messages.get(key) or message_dict(reply_to_message_id, chat_data, None)
        if reply_to is not None:
            reply_to = json.loads(json.dumps(reply_to))
            reply_to.pop("reply_to_message", None)
        extra = fields.pop("entities", None) or []  # e.g. a text_mention a test adds
        entities = command_entities(text) + extra or None
        if document is not None:
            mime = document.get("mime_type") or "application/octet-stream"
            name = document.get("file_name", "file.bin")
            upload = UploadedFile("document", name, mime, document.get("content", b""))
            upload.declared_size = document.get("file_size")
            upload = self._store_upload(Call("inject", {}, {"document": upload}), "document", "doc")
            fields["document"] = document_dict(
                upload.file_id, upload.file_unique_id, upload.filename, upload.mime, upload.size
            )
            fields |= {"caption": text, "caption_entities": entities}
        else:
            fields |= {"text": text, "entities": entities}
        if message_thread_id is not None and chat_data.get("is_forum"):
            fields["is_topic_message"] = True
        if edited:
            fields["edit_date"] = now()
        return self._post(
            chat,
            user,
            kind="edited_message" if edited else "message",
            reply_to_message=reply_to,
            message_thread_id=message_thread_id,
            **fields,
        )

    def inject_anonymous(self, chat: Chat | JSON, text: str, **kw: Any) -> JSON:
        """Queue a message of an anonymous admin: from GroupAnonymousBot, on behalf of the group."""
        return self.inject_message(chat, ANONYMOUS_ADMIN, text, sender_chat=chat_dict(chat), **kw)

    def inject_as_channel(self, chat: Chat | JSON, channel: Chat, text: str, **kw: Any) -> JSON:
        """Queue a message a member posts in ``chat`` on behalf of ``channel`` (Channel_Bot)."""
        return self.inject_message(chat, CHANNEL_BOT, text, sender_chat=chat_dict(channel), **kw)

    def inject_auto_forward(self, chat: Chat | JSON, channel: Chat, text: str) -> JSON:
        """Queue Telegram (777000) auto-forwarding a post of the group's linked ``channel``."""
        origin = {"type": "channel", "chat": chat_dict(channel), "message_id": 7, "date": now()}
        return self.inject_message(
            chat,
            TELEGRAM,
            text,
            sender_chat=chat_dict(channel),
            is_automatic_forward=True,
            forward_origin=origin,
        )

    def inject_callback(
        self, chat: Chat | JSON, user: User | JSON, message: JSON | Call, data: str
    ) -> JSON:
        """Queue a press on a button of ``message`` (a sent Call or a message dict)."""
        msg = message.result if isinstance(message, Call) else message
        current = self.messages.get((msg["chat"]["id"], msg["message_id"]), msg)
        user_data = user_dict(user)
        self.users[user_data["id"]] = user_data
        query = {
            "id": str(4_000_000_000 + next(self._ids)),
            "from": user_data,
            "message": json.loads(json.dumps(current)),
            "chat_instance": str(abs(chat_dict(chat)["id"]) * 31 + 7),
            "data": data,
        }
        return self._enqueue("callback_query", query)

    def inject_poll_answer(self, poll_id: str, user: User | JSON, option_ids: list[int]) -> JSON:
        """Queue a vote (``[]`` retracts it) and update the poll's counts for stopPoll."""
        user_data = user_dict(user)
        persistent = [str(i) for i in option_ids]
        state = self.polls.get(poll_id)
        if state is not None:
            poll, votes = state["poll"], state["votes"]
            persistent = [poll["options"][i]["persistent_id"] for i in option_ids]
            votes[user_data["id"]] = list(option_ids)
            for index, option in enumerate(poll["options"]):
                option["voter_count"] = sum(index in chosen for chosen in votes.values())
            poll["total_voter_count"] = sum(1 for chosen in votes.values() if chosen)
        answer = {"poll_id": poll_id, "user": user_data, "option_ids": list(option_ids)}
        return self._enqueue("poll_answer", answer | {"option_persistent_ids": persistent})

    def _member_update(
        self, kind: str, chat: Chat | JSON, actor: User | JSON, subject: JSON, old: str, new: str
    ) -> JSON:
        chat_data = self.register_chat(chat)
        self.members[(chat_data["id"], subject["id"])] = new
        payload = {
            "chat": chat_data,
            "from": user_dict(actor),
            "date": now(),
            "old_chat_member": chat_member(subject, old),
            "new_chat_member": chat_member(subject, new),
        }
        return self._enqueue(kind, payload)

    def inject_my_chat_member(
        self, chat: Chat | JSON, user_who_added: User | JSON, old_status: str, new_status: str
    ) -> JSON:
        """Queue a change of the bot's own status in ``chat`` (left → member: it was added)."""
        return self._member_update(
            "my_chat_member", chat, user_who_added, self.bot, old_status, new_status
        )

    def inject_chat_member(
        self, chat: Chat | JSON, actor: User | JSON, user: User | JSON, old: str, new: str
    ) -> JSON:
        """Queue ``actor`` changing ``user``'s status (delivered only if chat_member is allowed)."""
        return self._member_update("chat_member", chat, actor, user_dict(user), old, new)

    def inject_new_members(
        self, chat: Chat | JSON, user_who_added: User | JSON, new_users: list[User | JSON]
    ) -> JSON:
        """Queue the ``new_chat_members`` service message; they become members."""
        joined = [user_dict(u) for u in new_users]
        chat_id = self.register_chat(chat)["id"]
        for user in joined:
            self.members[(chat_id, user["id"])] = "member"
        return self._post(chat, user_who_added, new_chat_members=joined)

    def inject_left_member(
        self, chat: Chat | JSON, user_who_removed: User | JSON, left_user: User | JSON
    ) -> JSON:
        """Queue the ``left_chat_member`` service message; the user's status becomes ``left``."""
        left = user_dict(left_user)
        self.members[(self.register_chat(chat)["id"], left["id"])] = "left"
        return self._post(chat, user_who_removed, left_chat_member=left)

    def inject_migration(
        self, old_chat_id: int, new_chat_id: int, user: User | JSON = TELEGRAM
    ) -> list[JSON]:
        """Queue both service messages of a group → supergroup upgrade; the old id then fails."""
        old = self.chats.get(old_chat_id) or group(old_chat_id, type="group").to_dict()
        new = group(new_chat_id, old.get("title") or "", type="supergroup").to_dict()
        first = self._post(old, user, migrate_to_chat_id=new_chat_id)
        second = self._post(new, user, migrate_from_chat_id=old_chat_id)
        for (chat_id, user_id), status in list(self.members.items()):
            if chat_id == old_chat_id:
                self.members[(new_chat_id, user_id)] = status
        self.migrated[old_chat_id] = new_chat_id
        return [first, second]
