"""Commands about any numbered item (#N): /show, /close, /pending — dispatched by the item's kind.

Each feature declares its per-kind functions (`@item_view`, `@item_closer`, `@item_pending` in
`handlers/registry.py`); a kind with no entry gets a clear "not for this kind of item" reply.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.errors import DomainError
from bot.permissions import MEMBERS, SECRETARY_OR_CHAIR
from handlers import close_confirm, registry
from handlers.context import Ctx
from handlers.parsing import item_number
from handlers.registry import command
from storage.items import Item

MENU_RANK = 40
HELP_GROUP = "items"  # /help heading (handlers/registry.py, `command`)


async def find_item(ctx: Ctx, usage_key: str) -> tuple[Item, str]:
    """The item `#N` named first in the arguments (of this committee), and the rest."""
    number, rest = item_number(ctx.args, usage_key)
    item = await ctx.services.items.by_number(ctx.committee.id, number)
    if item is None:
        raise DomainError("item.not_found", number=number)
    return item, rest


async def _dispatch(
    ctx: Ctx, table: dict[str, Callable], usage_key: str, wrong_kind_key: str
) -> None:
    item, _ = await find_item(ctx, usage_key)
    handler = table.get(item.kind)
    if handler is None:
        raise DomainError(wrong_kind_key, number=item.number)
    await handler(ctx, item)


@command("show", aliases=("xem",), who=MEMBERS, example="{task}")
async def show(ctx: Ctx) -> None:
    """Any item in full, with its history: `/show N`."""
    await _dispatch(ctx, registry.ITEM_VIEWS, "show.usage", "show.usage")


@command("close", aliases=("dong",), who=SECRETARY_OR_CHAIR, example="{consultation_close}")
async def close(ctx: Ctx) -> None:
    """Close a consultation or vote now and post its result: `/close N` (before the deadline,
    with members still silent, after the closer confirms on a card)."""
    item, _ = await find_item(ctx, "close.usage")
    closer = registry.ITEM_CLOSERS.get(item.kind)
    if closer is None:
        raise DomainError("close.wrong_kind", number=item.number)
    if await close_confirm.ask(ctx, item):  # before the deadline: the closer confirms first
        return
    await closer(ctx, item)


@command("pending", aliases=("chuatraloi",), who=MEMBERS, example="{consultation}")
async def pending(ctx: Ctx) -> None:
    """Who has not answered a consultation or named vote yet: `/pending N`."""
    await _dispatch(ctx, registry.ITEM_PENDING, "pending.usage", "pending.wrong_kind")
