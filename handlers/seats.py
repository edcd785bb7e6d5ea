"""Pre-registered seats taken up: the group is told, and a manager's seat waits for the
secretary's or chair's button "Xác nhận / Không phải người này" (`v1:s:y|n:<claim id>`).
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import MessageHandler, filters

from bot.i18n import Html, t
from bot.permissions import SECRETARY_OR_CHAIR
from bot.reports import agency_label
from bot.services.seat_claims import Arrival
from handlers import render
from handlers.callbacks import pack
from handlers.context import Ctx, service_sender, services_of
from handlers.outbox import outbox_of, post
from handlers.registry import button, on_update
from handlers.state import Context

VERSION = "v1"
# Every message in a group, before the commands run (the announcement comes first).
ARRIVALS = filters.UpdateType.MESSAGE & filters.ChatType.GROUPS


def _who(lang: str, username: str, full_name: str, user_id: int) -> dict:
    return {
        "username": username,
        "name": render.shown_name(full_name, username, user_id, lang),
        "id": user_id,
    }


def arrival_text(arrival: Arrival, lang: str) -> Html:
    """What the group reads when someone takes up (or claims) a pre-registered seat."""
    who = _who(lang, arrival.username, arrival.full_name, arrival.user_id)
    role = render.role_name(arrival.seat.role, lang)
    if arrival.claim is None:
        agency = agency_label(arrival.seat.agency, lang)
        return t(lang, "seat.bound", role=role, agency=agency, **who)
    return t(lang, "seat.claim", role=role, **who)


def claim_keyboard(claim_id: int, lang: str) -> InlineKeyboardMarkup:
    """Confirm / Not this person."""
    row = [
        InlineKeyboardButton(
            t(lang, f"seat.{key}"), callback_data=pack(VERSION, "s", code, claim_id)
        )
        for key, code in (("confirm_button", "y"), ("reject_button", "n"))
    ]
    return InlineKeyboardMarkup([row])


async def announce(context: Context, arrival: Arrival) -> None:
    """Post the arrival in the committee's group (with the buttons when it must be confirmed)."""
    lang = arrival.committee.language
    keyboard = None if arrival.claim is None else claim_keyboard(arrival.claim.id, lang)
    text = arrival_text(arrival, lang)
    await post(outbox_of(context.application), arrival.committee, text, keyboard)


@on_update(lambda fn: MessageHandler(ARRIVALS, fn), group=-2)
async def on_arrival(update: Update, context: Context) -> None:
    """Someone wrote in a group: bind or claim the seat pre-registered under their @username."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None or service_sender(update) is not None:
        return
    claims = services_of(context).roster.claims
    arrival = await claims.arrive(chat.id, user.id, user.username, user.full_name)
    if arrival is not None:
        await announce(context, arrival)


@button("s", gate="roster.confirm_seat", who=SECRETARY_OR_CHAIR)
async def on_button(ctx: Ctx, parts: list[str]) -> None:
    """`v1:s:y:<claim>` confirms, `v1:s:n:<claim>` refuses; the message then says who decided."""
    if len(parts) != 2 or parts[0] not in ("y", "n") or not parts[1].isdigit():
        await ctx.answer(ctx.t("common.stale_button"))
        return
    confirm = parts[0] == "y"
    claim, seat = await ctx.services.roster.claims.decide(
        ctx.committee, ctx.member, int(parts[1]), confirm
    )
    lang = ctx.committee.language
    text = t(
        lang,
        "seat.confirmed" if confirm else "seat.rejected",
        by=render.name(ctx.member, lang),
        role=render.role_name(seat.role, lang),
        **_who(lang, claim.username, claim.full_name, claim.user_id),
    )
    await ctx.update.callback_query.edit_message_text(text, reply_markup=None)
    await ctx.answer(ctx.t("seat.confirmed_notice" if confirm else "seat.rejected_notice"))
