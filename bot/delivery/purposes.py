"""What each kind of staged message becomes once sent (or refused), and who hears of refusals."""

from __future__ import annotations

import logging
from collections import defaultdict

from telegram import Message
from telegram.error import TelegramError

from bot.delivery import recovery
from bot.delivery.outbox import Outbox, PurposeHooks
from bot.i18n import t
from bot.models import Role
from storage.outbox import OutboxRow

log = logging.getLogger(__name__)

TASK_CARD = "task.card"
TASK_EXTENSION = "task.extension"
CONSULTATION_CARD = "consultation.card"
CONSULTATION_RESULT = "consultation.result"
VOTE_CARD = "vote.card"
VOTE_POLL = "vote.poll"
VOTE_RESULT = "vote.result"


def install(outbox: Outbox, services) -> None:
    """Register the hooks that record message ids, and the secretary's refusal report."""

    async def task_card(row: OutboxRow, message: Message) -> None:
        await services.tasks.set_card(row.ref_id, message.message_id)

    async def extension(row: OutboxRow, message: Message) -> None:
        await services.tasks.set_extension_message(row.ref_id, message.message_id)

    async def consultation_card(row: OutboxRow, message: Message) -> None:
        await services.consultations.set_card(row.ref_id, message.message_id)

    async def consultation_result(row: OutboxRow, message: Message) -> None:
        await services.consultations.set_result_message(row.ref_id, message.message_id)

    async def vote_card(row: OutboxRow, message: Message) -> None:
        await services.votes.posted_item(row.ref_id, message.message_id)

    async def vote_poll(row: OutboxRow, message: Message) -> None:
        await services.votes.posted_item(row.ref_id, message.message_id, message.poll.id)

    async def vote_abandoned(row: OutboxRow, error: str) -> None:
        await services.votes.abandon_item(row.ref_id, error)

    async def vote_result(row: OutboxRow, message: Message) -> None:
        await services.votes.result_posted_item(row.ref_id, message.message_id)

    outbox.hooks.update(
        {
            TASK_CARD: PurposeHooks(sent=task_card),
            TASK_EXTENSION: PurposeHooks(sent=extension),
            CONSULTATION_CARD: PurposeHooks(sent=consultation_card),
            CONSULTATION_RESULT: PurposeHooks(sent=consultation_result),
            VOTE_CARD: PurposeHooks(sent=vote_card, failed=vote_abandoned),
            VOTE_POLL: PurposeHooks(sent=vote_poll, failed=vote_abandoned),
            VOTE_RESULT: PurposeHooks(sent=vote_result),
        }
    )

    async def migrated(old: int, new: int) -> None:
        await services.committees.migrate_chat(old, new)

    async def report(rows: list[OutboxRow]) -> None:
        by_committee: dict[int, list[OutboxRow]] = defaultdict(list)
        for row in rows:
            by_committee[row.committee_id].append(row)
        for committee_id, refused in by_committee.items():
            await _tell_secretaries(outbox, services, committee_id, refused)

    outbox.on_migrated = migrated
    recovery.install(outbox, services)
    outbox.reporter = report


async def _tell_secretaries(outbox: Outbox, services, committee_id: int, rows: list) -> None:
    """One private note per secretary who opened a chat with the bot (else only the log)."""
    committee = await services.committees.get(committee_id)
    if committee is None:
        return
    seats = [
        m
        for m in await services.members.list(committee_id)
        if m.role == Role.SECRETARY and m.user_id is not None
    ]
    prefs = await services.users.many([m.user_id for m in seats])
    reasons = "; ".join(dict.fromkeys(row.error or "?" for row in rows))
    for seat in seats:
        pref = prefs.get(seat.user_id)
        if pref is None or not pref.can_dm:
            continue
        lang = pref.language or committee.language
        text = t(lang, "outbox.refused", count=len(rows), title=committee.title, reason=reasons)
        try:
            await outbox.bot.send_message(seat.user_id, text)
        except TelegramError as exc:
            log.warning("could not tell secretary %s about refused messages: %s", seat.user_id, exc)
    log.warning("committee %s: %s messages refused (%s)", committee_id, len(rows), reasons)
