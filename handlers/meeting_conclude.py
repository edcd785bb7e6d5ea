"""`/conclude N` and its summary card: each line with a person and a date becomes a task exactly
as /assign makes it, once the one who concluded (or the secretary or chair) confirms."""

from __future__ import annotations

import logging

from telegram.error import TelegramError

from bot.delivery import purposes
from bot.errors import DomainError
from bot.permissions import MANAGERS_ONLY
from bot.services.meeting_model import KIND
from handlers import meeting_render as cards
from handlers import task_render
from handlers.cards import card_editor
from handlers.context import Ctx
from handlers.parsing import item_number
from handlers.registry import button, command

log = logging.getLogger(__name__)

MENU_RANK = 76
HELP_GROUP = "meetings"


@command(
    "conclude",
    aliases=("ketluan",),
    who=MANAGERS_ONLY,
    example="{meeting}\n- @so_taichinh chủ trì, @so_tttt phối hợp: Hoàn thiện kế hoạch hạn 30/01",
)
async def conclude(ctx: Ctx) -> None:
    """`/conclude N` then one conclusion a line (or replying to the message that holds them)."""
    head, _, lines = ctx.args.partition("\n")
    number, rest = item_number(head, "conclude.usage")
    text = "\n".join(part for part in (rest, lines) if part.strip())
    replied = ctx.message.reply_to_message
    if not text.strip() and replied is not None:
        text = replied.text or replied.caption or ""
    if not text.strip():
        raise DomainError("conclude.usage")
    prepared = await ctx.services.meetings.prepare(ctx.committee, ctx.member, number, text)
    await ctx.reply(
        cards.summary(prepared, ctx.group_lang), cards.summary_keyboard(prepared, ctx.group_lang)
    )


@button(cards.CONCLUDE_ROUTE, gate="meeting.conclude", who=MANAGERS_ONLY)
async def on_confirm(ctx: Ctx, parts: list[str]) -> None:
    """`y` records the conclusions and posts each new task's card; `n` drops the draft."""
    if len(parts) != 2 or parts[0] not in ("y", "n") or not parts[1].isdigit() or not ctx.committee:
        await ctx.answer(ctx.t("common.stale_button"))
        return
    service, draft_id = ctx.services.meetings, int(parts[1])
    app = ctx.context.application
    if parts[0] == "n":
        item = await service.discard(ctx.committee, ctx.member, draft_id)
        await _settle_summary(ctx, ctx.t("conclude.dropped", number=item.number))
        await ctx.answer(ctx.t("conclude.dropped", number=item.number))
        return
    view, made = await service.confirm(ctx.committee, ctx.member, draft_id)
    lang = ctx.group_lang
    for task in made:
        text, keyboard = (
            task_render.card(task, ctx.committee, lang),
            task_render.card_keyboard(task, lang),
        )
        await ctx.post(text, keyboard, purpose=purposes.TASK_CARD, ref_id=task.task.item.id)
        card_editor(app).posted("task", task.task.item.id, text, keyboard)
    await ctx.post(
        ctx.t("conclude.done", number=view.number, count=len(view.conclusions), tasks=len(made)),
        purpose="reply",
    )
    await card_editor(app).changed(KIND, view.item.id)
    await _settle_summary(ctx, ctx.t("conclude.confirmed", number=view.number))
    await ctx.answer(ctx.t("conclude.done_notice", number=view.number))


async def _settle_summary(ctx: Ctx, line: str) -> None:
    """The summary loses its buttons and says what was decided (after the commit)."""
    message = ctx.message
    text = f"{message.text_html}\n\n{line}" if message.text else line

    async def edit() -> None:
        try:
            await message.edit_text(text)
        except TelegramError as exc:  # the decision is saved; the summary just keeps its look
            log.info("conclusion summary not edited: %s", exc)

    unit = ctx.services.db.current_unit()
    if unit is not None and ctx.services.db.in_unit_transaction():
        unit.after_commit(edit)
    else:
        await edit()
