"""The confirmation card before an early `/close N`: "N members have not answered yet; they will
be recorded as no answer — close now?" with Close / Keep open.

Any kind of item can use it: declare `@close_check("<kind>")` returning the service's
`EarlyClose` (or None to close at once) beside its `@item_closer`, and put the question in the
catalogs as `close.confirm.<kind>` (placeholders: number, title, pending, eligible, needed,
deadline). The buttons carry the item and the closer (`v1:cc:<y|n>:<item id>:<user id>`): only
the closer may press them; a press after the item closed (or on another committee's item) is
answered as stale and the card loses its buttons.
"""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import TelegramError

from bot import dates
from bot.i18n import Html, t
from bot.permissions import SECRETARY_OR_CHAIR
from bot.services.closing import EarlyClose
from handlers import registry, render
from handlers.callbacks import CALLBACK_VERSION, pack
from handlers.context import Ctx
from handlers.registry import button
from storage.items import Item

log = logging.getLogger(__name__)

ROUTE = "cc"


def question(early: EarlyClose, tz, lang: str) -> Html:
    """The card's text in the closer's language."""
    item = early.item
    return t(
        lang,
        f"close.confirm.{item.kind}",
        number=item.number,
        title=item.title,
        pending=early.pending,
        eligible=early.eligible,
        needed=early.needed or 0,
        deadline=dates.format_datetime(item.deadline, tz, lang),
    )


def keyboard(item: Item, closer_user_id: int, lang: str) -> InlineKeyboardMarkup:
    """Close / Keep open, for the closer only."""

    def press(label: str, code: str) -> InlineKeyboardButton:
        data = pack(CALLBACK_VERSION, ROUTE, code, item.id, closer_user_id)
        return InlineKeyboardButton(t(lang, label), callback_data=data)

    return InlineKeyboardMarkup(
        [[press("close.confirm_card.close", "y"), press("close.confirm_card.keep", "n")]]
    )


async def ask(ctx: Ctx, item: Item) -> bool:
    """Before `/close N`: post the confirmation card if the item closes early with members still
    silent (True: wait for the closer's press), else False (close at once)."""
    check = registry.CLOSE_CHECKS.get(item.kind)
    early = await check(ctx, item) if check else None
    if early is None:
        return False
    text = question(early, ctx.committee.tz, ctx.lang)
    await ctx.reply(text, keyboard(item, ctx.user.id, ctx.lang))
    return True


@button(ROUTE, gate="item.close", who=SECRETARY_OR_CHAIR)
async def on_press(ctx: Ctx, parts: list[str]) -> None:
    """`v1:cc:y:<item>:<closer>` closes now as `/close` does; `…:n:…` keeps the item open."""
    if len(parts) != 3 or parts[0] not in ("y", "n") or not all(p.isdigit() for p in parts[1:]):
        await ctx.answer(ctx.t("common.stale_button"))
        return
    item = await ctx.services.items.get(int(parts[1]))
    if item is None or ctx.committee is None or item.committee_id != ctx.committee.id:
        await ctx.answer(ctx.t("common.stale_button"))
        return
    closer_id = int(parts[2])
    if ctx.user.id != closer_id:
        closer = await ctx.services.members.by_user(ctx.committee.id, closer_id)
        shown = render.name(closer, ctx.lang) if closer else str(closer_id)
        await ctx.answer(ctx.t("close.confirm_card.not_yours", name=shown))
        return
    closer = registry.ITEM_CLOSERS.get(item.kind)
    if item.status != "open" or closer is None:
        await _settle(ctx, ctx.t("close.confirm_card.gone", number=item.number))
        await ctx.answer(ctx.t("common.stale_button"))
        return
    if parts[0] == "n":
        tz, lang = ctx.committee.tz, ctx.lang
        deadline = dates.format_datetime(item.deadline, tz, lang) if item.deadline else "—"
        await _settle(ctx, ctx.t("close.confirm_card.kept", number=item.number, deadline=deadline))
        await ctx.answer(ctx.t("close.confirm_card.kept_notice", number=item.number))
        return
    await closer(ctx, item)
    name = render.name(ctx.member, ctx.lang)
    await _settle(ctx, ctx.t("close.confirm_card.closed", number=item.number, name=name))
    await ctx.answer(ctx.t("close.confirm_card.closed_notice", number=item.number))


async def _settle(ctx: Ctx, text: str) -> None:
    """Replace the card's question and buttons with what became of it (after the commit, when
    the press wrote something: a card shows only committed state)."""
    message = ctx.update.callback_query.message
    if message is None:
        return

    async def edit() -> None:
        try:
            await ctx.context.bot.edit_message_text(
                text, chat_id=message.chat.id, message_id=message.message_id
            )
        except TelegramError as exc:  # deleted or too old: the close itself stands
            log.info("close confirmation %s not edited: %s", message.message_id, exc)

    db = ctx.services.db
    if db.in_unit_transaction():
        db.current_unit().after_commit(edit)
    else:
        await edit()
