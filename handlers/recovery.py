"""The bot back in a group: the catch-up message, its close/extend buttons, the secretary's note."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import TelegramError

from bot.dates import format_datetime
from bot.delivery.outbox import Outbox
from bot.i18n import Html, t
from bot.models import Role
from bot.permissions import SECRETARY_OR_CHAIR
from bot.services.recovery import EXTEND_CHOICES, Return
from handlers import registry
from handlers.callbacks import pack
from handlers.cards import card_editor
from handlers.context import Ctx
from handlers.outbox import post
from handlers.registry import button
from storage.items import Item

log = logging.getLogger(__name__)

ROUTE = "rc"
CATCH_UP = "recovery.catch_up"


def catch_up_text(back: Return, lang: str) -> Html:
    """What fell due while the bot was away, one line per consultation or vote."""
    tz = back.committee.tz
    lines = [
        t(lang, f"recovery.line_{item.kind}", number=item.number, title=item.title,
          deadline=format_datetime(item.deadline, tz, lang))
        for item in back.held
    ]  # fmt: skip
    return t(lang, "recovery.catch_up", lines=Html("\n".join(lines)))


def catch_up_keyboard(held: tuple[Item, ...], lang: str) -> InlineKeyboardMarkup:
    """Per held item: close now, or extend by one of EXTEND_CHOICES working days."""
    rows = []
    for item in held:
        row = [InlineKeyboardButton(
            str(t(lang, "recovery.button_close", number=item.number)),
            callback_data=pack("v1", ROUTE, "c", item.id),
        )]  # fmt: skip
        row += [
            InlineKeyboardButton(
                str(t(lang, "recovery.button_extend", number=item.number, days=days)),
                callback_data=pack("v1", ROUTE, "e", item.id, days),
            )
            for days in EXTEND_CHOICES
        ]
        rows.append(row)
    return InlineKeyboardMarkup(rows)


async def announce_return(outbox: Outbox, services, back: Return) -> None:
    """Stage the catch-up message (if anything fell due) and one private note per secretary."""
    committee = back.committee
    lang = committee.language
    if back.held:
        await post(outbox, committee, catch_up_text(back, lang),
                   catch_up_keyboard(back.held, lang), purpose=CATCH_UP)  # fmt: skip
    seats = [m for m in await services.members.list(committee.id) if m.role == Role.SECRETARY]
    prefs = await services.users.many([m.user_id for m in seats if m.user_id])
    for seat in seats:
        pref = prefs.get(seat.user_id)
        if pref is None or not pref.can_dm:
            continue
        note = t(pref.language or lang, "recovery.back_note", title=committee.title,
                 count=len(back.held))  # fmt: skip
        await outbox.text(seat.user_id, note, committee_id=committee.id, purpose="recovery.note")


@button(ROUTE, gate="recovery.decide", who=SECRETARY_OR_CHAIR)
async def on_decision(ctx: Ctx, parts: list[str]) -> None:
    """`v1:rc:c:<item id>` closes a held item now; `v1:rc:e:<item id>:<days>` extends it."""
    action = parts[0] if parts else ""
    well_formed = len(parts) >= 2 and parts[1].isdigit() and action in ("c", "e")
    if not well_formed or (action == "e" and (len(parts) < 3 or not parts[2].isdigit())):
        await ctx.answer(ctx.t("common.stale_button"))
        return
    service = ctx.services.recovery
    if action == "c":
        item = await service.close_now(ctx.committee, int(parts[1]), ctx.user.id)
        await registry.ITEM_CLOSERS[item.kind](ctx, item)
        await _drop_row(ctx, item.id)
        await ctx.answer(ctx.t("recovery.notice_closed", number=item.number))
        return
    item = await service.extend(ctx.committee, int(parts[1]), int(parts[2]), ctx.user.id)
    tz = ctx.committee.tz
    await post(
        ctx.context.application.bot_data.outbox, ctx.committee,
        t(ctx.group_lang, "recovery.extended", number=item.number, title=item.title,
          deadline=format_datetime(item.deadline, tz, ctx.group_lang)),
        purpose="recovery.extended",
    )  # fmt: skip
    await card_editor(ctx.context.application).changed(item.kind, item.id)  # the new deadline
    await _drop_row(ctx, item.id)
    await ctx.answer(ctx.t("recovery.notice_extended", number=item.number))


async def _drop_row(ctx: Ctx, item_id: int) -> None:
    """The catch-up message loses the buttons of a decided item (after the commit)."""
    message = ctx.update.callback_query.message if ctx.update.callback_query else None
    markup = getattr(message, "reply_markup", None)
    if markup is None:
        return
    suffix = f":{item_id}"
    rows = [row for row in markup.inline_keyboard if not row[0].callback_data.endswith(suffix)]

    async def edit() -> None:
        try:
            await message.edit_reply_markup(InlineKeyboardMarkup(rows) if rows else None)
        except TelegramError as exc:  # deleted, too old: the buttons answer "decided" anyway
            log.warning("catch-up message not edited: %s", exc)

    db = ctx.services.db
    unit = db.current_unit()
    if unit is not None and db.in_unit_transaction():
        unit.after_commit(edit)
    else:
        await edit()
