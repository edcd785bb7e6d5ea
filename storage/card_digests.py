"""Repository of the `card_digests` table: a hash of what each card message shows."""

from __future__ import annotations

from storage.db import Database

_UPSERT = (
    "INSERT INTO card_digests (kind, item_id, chat_id, message_id, digest) VALUES (?, ?, ?, ?, ?)"
    " ON CONFLICT (kind, item_id) DO UPDATE SET chat_id = excluded.chat_id,"
    " message_id = excluded.message_id, digest = excluded.digest"
)


class CardDigestRepo:
    """Read once per card after a restart; written only through `Database.defer`."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def shown(self, kind: str, item_id: int, chat_id: int, message_id: int) -> bytes | None:
        """The digest of what this card message shows, if known: recorded for this very
        message, or staged before its message id was known (message_id 0)."""
        row = await self.db.fetchone(
            "SELECT chat_id, message_id, digest FROM card_digests WHERE kind = ? AND item_id = ?",
            (kind, item_id),
        )
        if row is None:
            return None
        if row["message_id"] == 0 or (row["chat_id"], row["message_id"]) == (chat_id, message_id):
            return bytes(row["digest"])
        return None  # the card was posted again since: that message's content is unknown

    def record_later(
        self, kind: str, item_id: int, chat_id: int, message_id: int, digest: bytes
    ) -> None:
        """Record what the card shows in the next commit (a lazy `Database.defer`: no commit or
        hand-off of its own). Lost at a kill, the next unchanged edit is sent once and
        Telegram answers "message is not modified", which the editor takes as shown."""
        self.db.defer(_UPSERT, (kind, item_id, chat_id, message_id, digest), lazy=True)
