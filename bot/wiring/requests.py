"""The connection for every Bot API call but getUpdates: Telegram's echo of a message we sent is
kept to what the bot reads of it.

Telegram answers sendMessage, editMessageText and the other sending methods with the whole
message it now holds: its text again, every formatting entity, the keyboard, and the message
it replies to (with that one's entities). PTB decodes all of it into a `Message`; for a
ten-line task list that is ≈ 0.5 ms, a card edit ≈ 0.3 ms (bench/ANALYSIS.md), on every send.
The bot reads only the new message's id, chat, date, text and poll (cards, prompts, polls,
the outbox's "sent" mark), so `parse_json_payload` — PTB's documented hook, as for
getUpdates (bot/delivery/polling.py) — drops the echoed entities, keyboard and replied-to
message before PTB decodes the answer. A `Message` returned by a send therefore has no
`entities`, `reply_markup` or `reply_to_message`: read those of incoming messages only.
"""

from __future__ import annotations

from telegram.request import HTTPXRequest

# What Telegram echoes back of a message we sent and the bot never reads.
ECHOED = ("entities", "caption_entities", "reply_markup", "reply_to_message")
POOL_SIZE = 256  # ApplicationBuilder's own default for this connection


class SentMessagesRequest(HTTPXRequest):
    """HTTPXRequest whose answers carry a sent message without the parts the bot never reads."""

    def __init__(self) -> None:
        super().__init__(connection_pool_size=POOL_SIZE)

    def parse_json_payload(self, payload: bytes) -> dict:
        """Parse as PTB does; a message in the result loses the echoed parts (`ECHOED`)."""
        data = super().parse_json_payload(payload)
        result = data.get("result") if isinstance(data, dict) else None
        if isinstance(result, dict) and "message_id" in result and "chat" in result:
            for key in ECHOED:
                result.pop(key, None)
        return data
