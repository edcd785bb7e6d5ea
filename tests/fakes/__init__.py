"""Test doubles for the Telegram side: a fake Bot API server and a chat-transcript harness.

Typical use::

    async with FakeBotAPI() as fake:
        app = build_application(make_builder(fake))
        async with running_bot(app, fake) as conv:
            reply = await conv.ask(group(), User(1001, "Alice"), "/help")
"""

from .bot_api import FakeBotAPI
from .harness import Conversation, make_builder, running_bot
from .shapes import (
    ANONYMOUS_ADMIN,
    CHANNEL_BOT,
    TELEGRAM,
    ApiError,
    Call,
    Chat,
    UploadedFile,
    User,
    group,
    private_chat,
)

__all__ = [
    "ANONYMOUS_ADMIN",
    "CHANNEL_BOT",
    "TELEGRAM",
    "ApiError",
    "Call",
    "Chat",
    "Conversation",
    "FakeBotAPI",
    "UploadedFile",
    "User",
    "group",
    "make_builder",
    "private_chat",
    "running_bot",
]
