"""Collections in the chat: /collect, the card, /show /pending /close for collections (an early
close asks for confirmation first), the deadline closer, /recurring and /stop.

Files come in through `handlers/collection_intake.py`; compiling the .zip and register after a
close through `handlers/collection_compile.py`.
"""

from __future__ import annotations

import logging

from telegram.ext import Application

from bot.errors import DomainError
from bot.permissions import MANAGERS_ONLY, MEMBERS, SECRETARY_OR_CHAIR
from bot.services.closing import EarlyClose, before_deadline
from bot.services.collection_model import KIND, KIND_FLOW, Standing
from handlers import collection_render as cards
from handlers import flows
from handlers.cards import Card, card_editor, card_kind
from handlers.collection_compile import COLLECTION_CARD, after_close, publisher
from handlers.context import Ctx
from handlers.parsing import item_number
from handlers.registry import (
    auto_closer,
    close_check,
    command,
    item_closer,
    item_pending,
    item_view,
)
from handlers.state import state_of
from storage.items import Item
from storage.members import Member

log = logging.getLogger(__name__)

MENU_RANK = 75
HELP_GROUP = "report"  # /help heading (handlers/registry.py, `command`): báo cáo định kỳ
EDIT_INTERVAL = 5.0  # seconds between two edits of one card, like the consultations'


@card_kind(KIND, interval=EDIT_INTERVAL)
async def collection_card(services, item_id: int, standing: Standing | None = None) -> Card | None:
    """The collection's card as it should look now (None before it was posted)."""
    item = standing.item if standing else await services.items.get(item_id)
    if item is None or item.message_id is None:
        return None
    standing = standing or await services.collections.standing(item)
    lang = standing.committee.language
    return Card(
        standing.committee.chat_id,
        item.message_id,
        cards.card(standing, lang),
        cards.keyboard(standing, lang),
    )


@command(
    "collect",
    aliases=("thubaocao", "baocaodinhky"),
    who=MANAGERS_ONLY,
    example="Báo cáo tháng kiểm thử quyền hạn 20/12",
)
async def collect(ctx: Ctx) -> None:
    """`/collect <title> due <date> [every month|quarter|year [on <day>]] [@a @b …]`; without
    arguments the guided flow (title, deadline; every member is asked)."""
    if not ctx.args.strip():
        await flows.begin(ctx, KIND_FLOW)
        return
    await _open(ctx, ctx.args)


@flows.finisher(KIND_FLOW)
async def collect_confirmed(ctx: Ctx, outcome: flows.Outcome) -> None:
    """✅ on the /collect flow: what the one-line command does with the same arguments."""
    await _open(ctx, outcome.text)


async def _open(ctx: Ctx, text: str) -> None:
    standing = await ctx.services.collections.open(ctx.committee, ctx.member, text)
    text, keyboard = cards.card(standing, ctx.group_lang), cards.keyboard(standing, ctx.group_lang)
    await ctx.post(text, keyboard, purpose=COLLECTION_CARD, ref_id=standing.item.id)
    card_editor(ctx.context.application).posted(KIND, standing.item.id, text, keyboard)


# ---------------------------------------------------------------- /show /pending /close
@item_view(KIND)
async def show_collection(ctx: Ctx, item: Item) -> None:
    """`/show N`: the card and every file sent, replacements included."""
    service = ctx.services.collections
    await ctx.reply(cards.show(await service.standing(item), await service.history(item), ctx.lang))


@item_pending(KIND)
async def pending_collection(ctx: Ctx, item: Item) -> None:
    """`/pending N`: mentions of those who have not sent."""
    await ctx.reply(cards.pending(await ctx.services.collections.standing(item), ctx.lang))


@close_check(KIND)
async def early_collection(ctx: Ctx, item: Item) -> EarlyClose | None:
    """Before an early `/close N` (the shared confirmation card): who has not sent yet."""
    if item.status != "open" or not before_deadline(item, ctx.services.clock.now()):
        return None
    standing = await ctx.services.collections.standing(item)
    if not standing.pending:
        return None
    return EarlyClose(item, len(standing.pending), standing.asked)


@item_closer(KIND)
async def close_collection(ctx: Ctx, item: Item) -> None:
    """`/close N` (confirmed first when early): close, post the result, compile the files."""
    if item.status != "open":
        raise DomainError("collect.already_closed", number=item.number)
    await _close(ctx, item, ctx.member)


async def _close(ctx: Ctx, item: Item, actor: Member) -> None:
    app = ctx.context.application
    await ctx.services.collections.close(item, actor, publisher(app))
    unit = ctx.services.db.current_unit()
    if unit is not None and ctx.services.db.in_unit_transaction():
        unit.after_commit(lambda: after_close(app, item.id))
    else:
        await after_close(app, item.id)


@auto_closer
async def auto_close(app: Application, now, committee_ids=None) -> None:
    """The scheduler's closer: collections whose late window ended, compiled like /close."""
    service = state_of(app).services.collections
    for standing in await service.close_due(now, publisher(app), committee_ids):
        try:
            await after_close(app, standing.item.id)
        except Exception:  # one item's failure must not stop the others (the catch-up retries)
            log.exception("collection %s: result not published", standing.item.id)


# ---------------------------------------------------------------- recurring series
@command("recurring", aliases=("dinhky", "lap"), who=MEMBERS)
async def recurring(ctx: Ctx) -> None:
    """`/recurring`: the committee's recurring series."""
    lines = await ctx.services.series.running(ctx.committee)
    await ctx.reply(cards.recurring(lines, ctx.committee, ctx.lang))


@command("stop", aliases=("dunglap", "ngunglap"), who=SECRETARY_OR_CHAIR, example="{task}")
async def stop(ctx: Ctx) -> None:
    """`/stop N`: item #N's series makes no further occurrence (#N itself stays open)."""
    number, _ = item_number(ctx.args, "stop.usage")
    line = await ctx.services.series.stop(ctx.committee, ctx.member, number)
    await ctx.say("stop.done", number=number, title=line.series.title)
