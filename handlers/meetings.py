"""Meetings in the chat (issue 15): /meeting, /agenda, /reschedule, /minutes, the card and its
attendance buttons (in the group and in private), stand-in and absence prompts, the .ics on
request, and /show /pending /cancel for meetings. Conclusions: `handlers/meeting_conclude.py`.
"""

from __future__ import annotations

from telegram import ForceReply, Update
from telegram.ext import Application

from bot import dates
from bot.delivery.outbox import PurposeHooks
from bot.errors import DomainError
from bot.i18n import Html, t
from bot.permissions import MANAGERS_ONLY, MEMBERS, SECRETARY_OR_CHAIR
from bot.services import meeting_flow  # noqa: F401 - declares the /meeting flow
from bot.services.meeting_model import KIND, MeetingView
from bot.services.meetings import Preread
from handlers import flows, render
from handlers import meeting_render as cards
from handlers.cards import Card, card_editor, card_kind
from handlers.context import Ctx, services_of
from handlers.outbox import outbox_of, settle
from handlers.parsing import item_number
from handlers.prompts import typed_answer
from handlers.registry import (
    button,
    command,
    deep_link,
    item_canceller,
    item_pending,
    item_view,
    on_start,
    text_consumer,
)
from handlers.state import Context
from storage.items import Item

MENU_RANK = 75
HELP_GROUP = "meetings"  # /help heading (handlers/registry.py, `command`)
CARD_PURPOSE = "meeting.card"


@card_kind(KIND, interval=5.0)
async def meeting_card(services, item_id: int, view: MeetingView | None = None) -> Card | None:
    """The meeting's card as it should look now (None before it was posted)."""
    item = view.item if view else await services.items.get(item_id)
    if item is None or item.message_id is None:
        return None
    view = view or await services.meetings.view(item)
    lang = view.committee.language
    return Card(view.committee.chat_id, item.message_id, cards.card(view, lang),
                cards.keyboard(view, lang))  # fmt: skip


@on_start
async def record_cards(app: Application) -> None:
    """A posted meeting card's message id is remembered (the card is edited in place)."""
    services = app.bot_data.services

    async def sent(row, message) -> None:
        await services.meetings.set_card(row.ref_id, message.message_id)

    outbox_of(app).hooks[CARD_PURPOSE] = PurposeHooks(sent=sent)


async def send_ics(app: Application, view: MeetingView, member, caption_key: str) -> None:
    """Stage the meeting's .ics (and its buttons) in a member's private chat."""
    from bot.documents import meeting_ics

    lang = await services_of_app(app).meetings.language_of(member, view.committee)
    outbox = outbox_of(app)
    await outbox.document(
        member.user_id, meeting_ics.build(view, lang), f"phien-hop-{view.number}.ics",
        caption=str(t(lang, caption_key, number=view.number, title=view.item.title,
                      when=cards.start(view, lang))),
        committee_id=view.committee.id, ref_id=view.item.id,
    )  # fmt: skip
    await settle(outbox)


def services_of_app(app: Application):
    """The application's services."""
    return app.bot_data.services


async def tell_invitees(ctx: Ctx, view: MeetingView, key: str, **params: object) -> None:
    """Post a notice to the group mentioning everyone not absent, and send them the new .ics."""
    absent = {m.id for m, _ in view.with_status("absent")}
    people = [m for m in view.invitees if m.id not in absent and m.active]
    names = Html(", ".join(render.mention(m, ctx.group_lang) for m in people))
    text = t(ctx.group_lang, key, number=view.number, title=view.item.title, names=names,
             when=cards.start(view, ctx.group_lang), **params)  # fmt: skip
    await ctx.post(text, purpose="meeting.notice", ref_id=view.item.id)
    for member in await ctx.services.meetings.reachable(people):
        await send_ics(ctx.context.application, view, member, "meeting.ics_updated")


# ---------------------------------------------------------------- commands
@command(
    "meeting",
    aliases=("hop",),
    who=MANAGERS_ONLY,
    example="Họp giao ban quý IV 15/12 14:00 tại Phòng họp số 1",
)
async def meeting(ctx: Ctx) -> None:
    """`/meeting <title> <date time> [tại <place>]`; further lines are agenda lines. Without
    arguments: the guided flow (handlers/flows.py)."""
    if not ctx.args.strip():
        await flows.begin(ctx, "meeting")
        return
    await _create(ctx, ctx.args)


@flows.finisher("meeting")
async def meeting_confirmed(ctx: Ctx, outcome: flows.Outcome) -> None:
    """✅ on the /meeting flow: what the one-line command does with the same arguments."""
    await _create(ctx, outcome.text)


async def _create(ctx: Ctx, text: str) -> None:
    view = await ctx.services.meetings.create(ctx.committee, ctx.member, text)
    lang = ctx.group_lang
    text, keyboard = cards.card(view, lang), cards.keyboard(view, lang)
    await ctx.post(text, keyboard, purpose=CARD_PURPOSE, ref_id=view.item.id)
    card_editor(ctx.context.application).posted(KIND, view.item.id, text, keyboard)
    outbox = outbox_of(ctx.context.application)
    for member in await ctx.services.meetings.reachable(list(view.invitees)):
        own = await ctx.services.meetings.language_of(member, view.committee)
        await outbox.text(
            member.user_id, t(own, "meeting.invitation", committee=view.committee.title)
            + "\n\n" + cards.card(view, own), markup=cards.keyboard(view, own),
            committee_id=view.committee.id, purpose="meeting.invitation", ref_id=view.item.id,
        )  # fmt: skip
    await settle(outbox)


@command("agenda", aliases=("noidung",), who=MANAGERS_ONLY, example="{meeting} Báo cáo tiến độ")
async def agenda(ctx: Ctx) -> None:
    """`/agenda N <line>`; replying to a document with `/agenda N` attaches it as a pre-read."""
    number, rest = item_number(ctx.args, "agenda.usage")
    replied = ctx.message.reply_to_message
    doc = replied.document if replied is not None else None
    preread = Preread(doc.file_id, doc.file_name) if doc else None
    view = await ctx.services.meetings.add_agenda(ctx.committee, ctx.member, number, rest, preread)
    await card_editor(ctx.context.application).changed(KIND, view.item.id)
    await ctx.say("agenda.preread_added" if preread else "agenda.added", number=number)


@command("reschedule", aliases=("doilich",), who=MANAGERS_ONLY, example="{meeting} 16/12 09:00")
async def reschedule(ctx: Ctx) -> None:
    """`/reschedule N <date time>`: new time, an updated .ics to the invitees, a notice."""
    number, rest = item_number(ctx.args, "reschedule.usage")
    view, before = await ctx.services.meetings.reschedule(ctx.committee, ctx.member, number, rest)
    await card_editor(ctx.context.application).changed(KIND, view.item.id)
    old = Html(dates.format_datetime(before.deadline, ctx.committee.tz, ctx.group_lang))
    await tell_invitees(ctx, view, "meeting.rescheduled", old=old)


@item_canceller(KIND)
async def cancel_meeting(ctx: Ctx, item: Item, reason: str) -> None:
    """`/cancel N [reason]` for a meeting: the card says so and the invitees are told."""
    view = await ctx.services.meetings.cancel(ctx.committee, ctx.member, item.number, reason)
    await card_editor(ctx.context.application).changed(KIND, view.item.id)
    await tell_invitees(ctx, view, "meeting.cancelled_notice", reason=reason or "—")


@command("minutes", aliases=("bienban",), who=SECRETARY_OR_CHAIR, example="{meeting}")
async def minutes(ctx: Ctx) -> None:
    """`/minutes N`: the minutes (biên bản) as a .docx, in the committee's language."""
    from bot.documents import meeting_docx

    number, _ = item_number(ctx.args, "minutes.usage")
    view = await ctx.services.meetings.view_of(ctx.committee, number)
    lang = ctx.group_lang
    await ctx.message.reply_document(
        meeting_docx.build(view, lang), filename=f"bien-ban-phien-hop-{number}.docx",
        caption=str(t(lang, "minutes.caption", number=number, title=view.item.title)),
    )  # fmt: skip


# ---------------------------------------------------------------- buttons and prompts
@button(cards.ROUTE, gate="meeting.attend", who=MEMBERS)  # the service says who is invited
async def on_button(ctx: Ctx, parts: list[str]) -> None:
    """Attend records at once; stand-in and absent ask for a name or a reason; `i` the .ics."""
    if len(parts) != 2 or parts[0] not in (*cards.CODES, "i") or not parts[1].isdigit():
        await ctx.answer(ctx.t("common.stale_button"))
        return
    service = ctx.services.meetings
    _, item, member = await service.find_for_user(ctx.user.id, int(parts[1]))
    if ctx.committee is not None and item.committee_id != ctx.committee.id:
        await ctx.answer(ctx.t("common.stale_button"))
        return
    view = await service.view(item)
    if parts[0] == "i":
        if not await service.reachable([member]):  # Telegram opens the bot on this link
            link = f"https://t.me/{ctx.context.bot.username}?start=mt_{item.id}"
            notice = str(ctx.t("meeting.ics_open_chat", bot=ctx.context.bot.username))
            await ctx.update.callback_query.answer(notice[:200], url=link)
            return
        await send_ics(ctx.context.application, view, member, "meeting.ics_caption")
        await ctx.answer(ctx.t("meeting.ics_sent"))
        return
    status = cards.CODES[parts[0]]
    seat, behalf = await service.seat_for(item, member)  # B standing in for A answers for A
    acting = member if behalf else None
    if status == "attend":
        await service.respond(item, seat, status, acting=acting)
        label = cards.status_label(ctx.lang, status)
        key = "standin.meeting_recorded_notice" if behalf else "meeting.recorded_notice"
        await ctx.answer(ctx.t(key, label=label, member=seat.display_name))
        await card_editor(ctx.context.application).changed(KIND, item.id)
        return
    service.check_invitee(view, seat)
    who = cards.answerer(seat, acting, ctx.lang, mention=True)
    text = ctx.t(f"meeting.prompt_{status}", name=who, number=item.number)
    if ctx.is_private:
        await ctx.message.reply_text(text)
        await service.ask(item, seat, status, ctx.chat.id, None, acting=acting)
    else:
        placeholder = ctx.t(f"meeting.placeholder_{status}")
        prompt = await ctx.message.reply_text(
            text, reply_markup=ForceReply(selective=True, input_field_placeholder=placeholder)
        )
        await service.ask(item, seat, status, ctx.chat.id, prompt.message_id, acting=acting)
    await ctx.answer(ctx.t("meeting.prompt_notice"))


@deep_link("mt")
async def calendar_link(ctx: Ctx, payload: str) -> None:
    """`/start mt_<item id>`: the meeting's card with its buttons and the .ics, privately."""
    if not (payload.isascii() and payload.isdigit()) or len(payload) > 18:
        raise DomainError("meeting.not_invited")
    service = ctx.services.meetings
    _, item, member = await service.find_for_user(ctx.user.id, int(payload))
    view = await service.view(item)
    await ctx.reply(cards.card(view, ctx.lang), cards.keyboard(view, ctx.lang))
    await send_ics(ctx.context.application, view, member, "meeting.ics_caption")


@text_consumer
async def take_text(update: Update, context: Context) -> bool:
    """A reply to a stand-in or absence prompt in the group, or the next private message."""
    services = services_of(context)
    service = services.meetings
    typed = await typed_answer(update, context, service, commands=False)
    if typed is None:
        return False
    message, user = update.effective_message, update.effective_user
    text, prompt, item, committee, lang = (
        typed.text, typed.prompt, typed.item, typed.committee, typed.lang,
    )  # fmt: skip
    if prompt.user_id != user.id:
        await message.reply_text(t(lang, "meeting.prompt_not_yours", number=item.number))
        return True
    member = await services.roster.seat(committee, user.id)
    seat, acting = member, None
    if prompt.member_id is not None and member is not None and prompt.member_id != member.id:
        seat, acting = await services.members.get(prompt.member_id), member  # for A (issue 17)
    try:
        status = await service.respond(item, seat, prompt.status, text, acting=acting)
    except DomainError as err:
        await message.reply_text(t(lang, err.key, **err.params))
        return True
    label = cards.status_label(lang, status)
    await message.reply_text(
        t(lang, "meeting.recorded", number=item.number, label=label, detail=" ".join(text.split()))
    )
    await card_editor(context.application).changed(KIND, item.id)
    return True


# ---------------------------------------------------------------- per-kind /show /pending
@item_view(KIND)
async def show_meeting(ctx: Ctx, item: Item) -> None:
    """`/show N`: card, everyone's answer, conclusions and their tasks."""
    await ctx.reply(cards.show(await ctx.services.meetings.view(item), ctx.lang))


@item_pending(KIND)
async def pending_meeting(ctx: Ctx, item: Item) -> None:
    """`/pending N`: mentions of the invitees who have not answered."""
    view, acting = await ctx.services.meetings.pending_view(item)
    await ctx.reply(cards.pending(view, ctx.lang, acting))
