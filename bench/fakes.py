"""Bench-only subclasses of the fake Bot API server (tests/fakes stays unchanged by default).

`CountingFake` records, as it answers them, which injected messages got a reply and which button
presses got an answer, so a benchmark waits on a set lookup instead of scanning every call.
`LimitedFake` also enforces Telegram's flood limits (30 messages a second overall, 1 a second per
private chat, 20 a minute per group) and answers 429 with `retry_after` when a bot exceeds them.
"""

from __future__ import annotations

import time
from collections import defaultdict, deque

from tests.fakes import FakeBotAPI
from tests.fakes.bot_api import Call
from tests.fakes.shapes import JSON, ApiError

# Telegram's documented limits for bots (core.telegram.org/bots/faq#my-bot-is-hitting-limits).
OVERALL_PER_SECOND = 30
PRIVATE_PER_SECOND = 1
GROUP_PER_MINUTE = 20


class CountingFake(FakeBotAPI):
    """The fake server, plus O(1) "was this update answered?" bookkeeping."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.replied: set[tuple[int, int]] = set()  # (chat id, id of the message replied to)
        self.answered: set[str] = set()  # callback query ids
        self.sends = 0

    async def _api_sendMessage(self, call: Call) -> JSON:
        msg = await super()._api_sendMessage(call)
        self.sends += 1
        reply = call.params.get("reply_parameters") or {}
        if reply.get("message_id"):
            self.replied.add((msg["chat"]["id"], int(reply["message_id"])))
        return msg

    async def _api_answerCallbackQuery(self, call: Call) -> bool:
        self.answered.add(str(call.params.get("callback_query_id")))
        return True


class LimitedFake(CountingFake):
    """A fake that refuses, like Telegram, sends beyond the flood limits (429 + retry_after).

    Windows are sliding: a send is refused when the last 30 accepted sends (overall) fall within
    one second, or the chat's last accepted send was under a second ago (private chats), or the
    group's last 20 accepted sends fall within a minute. Refused sends are not delivered.
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.accepted: deque[float] = deque()
        self.per_chat: defaultdict[int, deque[float]] = defaultdict(deque)
        self.refused = 0
        self.accepted_times: list[float] = []

    def _admit(self, call: Call) -> None:
        now = time.monotonic()
        chat_id = int(call.params.get("chat_id"))
        overall = self.accepted
        while overall and now - overall[0] >= 1.0:
            overall.popleft()
        chat = self.per_chat[chat_id]
        window, limit = (1.0, PRIVATE_PER_SECOND) if chat_id > 0 else (60.0, GROUP_PER_MINUTE)
        while chat and now - chat[0] >= window:
            chat.popleft()
        if len(overall) >= OVERALL_PER_SECOND:
            wait = 1.0 - (now - overall[0])
        elif len(chat) >= limit:
            wait = window - (now - chat[0])
        else:
            overall.append(now)
            chat.append(now)
            self.accepted_times.append(now)
            return
        self.refused += 1
        retry = max(1, round(wait))
        raise ApiError(429, f"Too Many Requests: retry after {retry}", retry_after=retry)

    async def _api_sendMessage(self, call: Call) -> JSON:
        self._admit(call)
        return await super()._api_sendMessage(call)
