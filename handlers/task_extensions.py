"""Deadline extensions: /extend, /approve, /reject and the request message's buttons.

An assignee's `/extend` posts a request with Approve / Reject buttons for the secretary and the
chair; theirs applies at once. A decision edits the task's card and the request (its buttons go).
"""

from __future__ import annotations

import logging

from telegram.error import BadRequest, TelegramError

from bot.delivery import purposes
from bot.errors import DomainError
from bot.permissions import MEMBERS, SECRETARY_OR_CHAIR
from bot.services.task_extensions import ExtensionOutcome
from handlers import task_render as cards
from handlers.context import Ctx
from handlers.parsing import item_number
from handlers.registry import button, command
from handlers.tasks import refresh_card

log = logging.getLogger(__name__)

MENU_RANK = 61  # after the other task commands
HELP_GROUP = "tasks"  # /help heading (handlers/registry.py, `command`)


@command("extend", aliases=("giahan",), who=MEMBERS, example="{task} 28/12 chờ số liệu")
async def extend(ctx: Ctx) -> None:
    """`/extend N <date> <reason>`: a request from an assignee, at once from secretary/chair."""
    number, rest = item_number(ctx.args, "extend.usage")
    if not rest:
        raise DomainError("extend.usage")
    outcome = await ctx.services.tasks.extend(ctx.committee, ctx.member, number, rest)
    await refresh_card(ctx, outcome.view)
    if outcome.applied:
        deadline = cards.when(outcome.view.task.item.deadline, ctx.committee, ctx.lang)
        await ctx.say("extend.applied", number=number, deadline=deadline)
        return
    lang = ctx.group_lang
    deciders = await ctx.services.tasks.deciders(ctx.committee)
    text = cards.extension_request(outcome, deciders, ctx.committee, lang)
    keyboard = cards.extension_keyboard(outcome.request.id, lang)
    await ctx.post(text, keyboard, purpose=purposes.TASK_EXTENSION, ref_id=outcome.request.id)


async def _after_decision(ctx: Ctx, outcome: ExtensionOutcome) -> None:
    """Edit the card and the request message (its buttons go) after approve/reject."""
    await refresh_card(ctx, outcome.view)
    request = outcome.request
    if request.message_id is None:
        return
    lang = ctx.committee.language
    deciders = await ctx.services.tasks.deciders(ctx.committee)
    text = cards.extension_request(outcome, deciders, ctx.committee, lang, decided_by=ctx.member)
    chat_id, bot = ctx.committee.chat_id, ctx.context.bot

    async def edit() -> None:
        try:
            await bot.edit_message_text(text, chat_id=chat_id, message_id=request.message_id)
        except BadRequest as exc:
            log.info("extension message %s not edited: %s", request.id, exc.message)
        except TelegramError as exc:
            log.warning("extension message %s not edited: %s", request.id, exc)

    db = ctx.services.db
    if db.in_unit_transaction():  # after the commit, behind the card's edit (no network wait
        db.current_unit().after_commit(edit)  # inside the transaction)
    else:
        await edit()


async def _decide_command(ctx: Ctx, approve: bool) -> None:
    number, reason = item_number(ctx.args, "approve.usage" if approve else "reject.usage")
    outcome = await ctx.services.tasks.decide(ctx.committee, ctx.member, number, approve, reason)
    await _after_decision(ctx, outcome)
    deadline = cards.when(outcome.view.task.item.deadline, ctx.committee, ctx.lang)
    await ctx.say("approve.done" if approve else "reject.done", number=number, deadline=deadline)


@command("approve", aliases=("duyet",), who=SECRETARY_OR_CHAIR, example="{task_extension}")
async def approve(ctx: Ctx) -> None:
    """`/approve N`."""
    await _decide_command(ctx, True)


@command(
    "reject",
    aliases=("tuchoi",),
    who=SECRETARY_OR_CHAIR,
    example="{task_extension} chưa đủ lý do",
)
async def reject(ctx: Ctx) -> None:
    """`/reject N [reason]`."""
    await _decide_command(ctx, False)


@button("x", gate="task.extension", who=SECRETARY_OR_CHAIR)
async def on_extension_button(ctx: Ctx, parts: list[str]) -> None:
    """`v1:x:a:<request id>` approves an extension request, `v1:x:r:<request id>` rejects it."""
    if len(parts) < 2 or parts[0] not in ("a", "r") or not parts[1].isdigit():
        await ctx.answer(ctx.t("common.stale_button"))
        return
    approve = parts[0] == "a"
    outcome = await ctx.services.tasks.decide_request(
        ctx.committee, ctx.member, int(parts[1]), approve
    )
    await _after_decision(ctx, outcome)
    key = "extension.notice_approved" if approve else "extension.notice_rejected"
    await ctx.answer(ctx.t(key, number=outcome.view.number))
