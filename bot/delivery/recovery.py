"""Private notes to a committee's secretaries about recovery (topic lost, bot back), staged."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.i18n import t
from bot.models import Role
from storage.committees import Committee
from storage.outbox import OutboxRow

if TYPE_CHECKING:  # the outbox imports `thread_lost` from here
    from bot.delivery.outbox import Outbox

THREAD_LOST = "message thread not found"


def thread_lost(description: str) -> bool:
    """Whether Telegram's refusal means the forum topic no longer exists."""
    return THREAD_LOST in description.lower()


async def tell_secretaries(
    outbox: Outbox, services, committee: Committee, key: str, **params
) -> int:
    """Stage one private note per secretary who opened a chat with the bot; how many."""
    seats = [
        m
        for m in await services.members.list(committee.id)
        if m.role == Role.SECRETARY and m.user_id is not None
    ]
    prefs = await services.users.many([m.user_id for m in seats])
    told = 0
    for seat in seats:
        pref = prefs.get(seat.user_id)
        if pref is None or not pref.can_dm:
            continue
        text = t(pref.language or committee.language, key, title=committee.title, **params)
        await outbox.text(seat.user_id, text, committee_id=committee.id, purpose="recovery.note")
        told += 1
    return told


async def on_thread_lost(outbox: Outbox, services, chat_id: int, thread_id: int) -> None:
    """The committee's topic is gone: it posts to the general chat, the secretary hears once."""
    committee = await services.recovery.topic_lost(chat_id, thread_id)
    if committee is not None:
        await tell_secretaries(outbox, services, committee, "recovery.topic_lost")


def install(outbox: Outbox, services) -> None:
    """Let the outbox move a chat's posts out of a deleted topic (see `Outbox.on_thread_lost`)."""

    async def lost(row: OutboxRow) -> None:
        await on_thread_lost(outbox, services, row.chat_id, row.thread_id)

    outbox.on_thread_lost = lost
