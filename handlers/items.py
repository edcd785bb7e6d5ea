"""Commands about any numbered item (#N): /show, /close, /pending — dispatched by the item's kind.

Each feature registers its per-kind function in `routes.ITEM_VIEWS`, `ITEM_CLOSERS` and
`ITEM_PENDING`; a kind with no entry gets a clear "not for this kind of item" reply.
"""

from __future__ import annotations

from bot.errors import DomainError
from handlers.context import Ctx, command
from handlers.parsing import item_number
from storage.items import Item


async def find_item(ctx: Ctx, usage_key: str) -> tuple[Item, str]:
    """The item `#N` named first in the arguments (of this committee), and the rest."""
    number, rest = item_number(ctx.args, usage_key)
    item = await ctx.services.items.by_number(ctx.committee.id, number)
    if item is None:
        raise DomainError("item.not_found", number=number)
    return item, rest


async def _dispatch(ctx: Ctx, registry: str, usage_key: str, wrong_kind_key: str) -> None:
    item, _ = await find_item(ctx, usage_key)
    handler = ctx.context.application.bot_data[registry].get(item.kind)
    if handler is None:
        raise DomainError(wrong_kind_key, number=item.number)
    await handler(ctx, item)


@command("show")
async def show(ctx: Ctx) -> None:
    """Any item in full, with its history: `/show N`."""
    await _dispatch(ctx, "item_views", "show.usage", "show.usage")


@command("close")
async def close(ctx: Ctx) -> None:
    """Close a consultation or vote now and post its result: `/close N`."""
    await _dispatch(ctx, "item_closers", "close.usage", "close.wrong_kind")


@command("pending")
async def pending(ctx: Ctx) -> None:
    """Who has not answered a consultation or named vote yet: `/pending N`."""
    await _dispatch(ctx, "item_pending", "pending.usage", "pending.wrong_kind")
