"""Consultations in the chat: /consult, the card and its buttons, comment prompts, /opinion,
/show /pending /close for consultations, and the deadline closer.

The card is kept up to date by the one card editor (handlers/cards.py): the first change is
shown at once, later ones within `EDIT_INTERVAL` seconds are folded into one edit at the end of
that window, which renders the state of that moment.
"""

from __future__ import annotations

import logging

from telegram import ForceReply, Update
from telegram.ext import Application

from bot.answer_words import read_answer
from bot.delivery import purposes
from bot.errors import DomainError
from bot.i18n import t
from bot.models import Role
from bot.permissions import MANAGERS_ONLY, MEMBERS, VOTERS
from bot.services.consultation_model import KIND, Document, Standing
from handlers import consultation_render as cards
from handlers import flows, render
from handlers.cards import Card, card_editor, card_kind
from handlers.context import Ctx, services_of
from handlers.outbox import outbox_of, settle
from handlers.parsing import item_number
from handlers.prompts import typed_answer
from handlers.registry import (
    auto_closer,
    button,
    close_check,
    command,
    deep_link,
    item_closer,
    item_pending,
    item_view,
    text_consumer,
)
from handlers.standins import acting_name, behalf_seat, split_behalf
from handlers.state import Context, state_of
from storage.items import Item

log = logging.getLogger(__name__)

MENU_RANK = 70
HELP_GROUP = "consult"  # /help heading (handlers/registry.py, `command`)

EDIT_INTERVAL = 5.0  # seconds between two edits of one card (a group allows ~20 messages/min)
KIND_FLOW = "consult"  # the guided flow standing for /consult
LINK_WORDS = {"comment": "agree_with_comments", "disagree": "disagree"}
LINK_OF = {answer: word for word, answer in LINK_WORDS.items()}


@card_kind("consultation", interval=EDIT_INTERVAL)
async def consultation_card(services, item_id: int, standing: Standing | None = None):
    """The consultation's card as it should look now (None before it was posted)."""
    item = standing.item if standing else await services.items.get(item_id)
    if item is None or item.message_id is None:
        return None
    standing = standing or await services.consultations.standing(item)
    lang = standing.committee.language
    text, keyboard = cards.card(standing, lang), cards.keyboard(standing, lang)
    return Card(standing.committee.chat_id, item.message_id, text, keyboard)


async def publish(app: Application, standing: Standing) -> None:
    """What /close and the deadline closer post: the card closed, the result, the .docx
    (result and document are staged with the close, so they survive a crash)."""
    from bot.documents import consultation_docx

    outbox = outbox_of(app)
    item, lang, committee = standing.item, standing.committee.language, standing.committee
    await outbox.text(
        committee.chat_id, cards.result(standing, lang), thread_id=committee.thread_id,
        committee_id=committee.id, purpose=purposes.CONSULTATION_RESULT, ref_id=item.id,
    )  # fmt: skip
    await outbox.document(
        committee.chat_id, consultation_docx.build(standing, lang),
        t(lang, "consult.docx_filename", number=item.number),
        caption=t(lang, "consult.docx_caption", number=item.number),
        thread_id=committee.thread_id, committee_id=committee.id, ref_id=item.id,
    )  # fmt: skip
    await card_editor(app).edit_now(KIND, item.id)
    await settle(outbox)


# ---------------------------------------------------------------- commands
@command("consult", aliases=("xinykien",), who=MANAGERS_ONLY, example="Góp ý dự thảo mới hạn 20/12")
async def consult(ctx: Ctx) -> None:
    """`/consult <title> [due <date>] [silence=agree|none]`, optionally replying to a document.
    Without arguments: the guided flow (handlers/flows.py); the document still attaches."""
    replied = ctx.message.reply_to_message
    document = None
    if replied is not None and replied.document is not None:
        document = Document(replied.document.file_id, replied.document.file_name)
    if not ctx.args.strip():
        await flows.begin(ctx, KIND_FLOW, (document.file_id, document.name) if document else None)
        return
    await _open(ctx, ctx.args, document)


@flows.finisher("consult")
async def consult_confirmed(ctx: Ctx, outcome: flows.Outcome) -> None:
    """✅ on the /consult flow: what the one-line command does with the same arguments."""
    document = Document(*outcome.document) if outcome.document else None
    await _open(ctx, outcome.text, document)


async def _open(ctx: Ctx, text: str, document: Document | None) -> None:
    standing = await ctx.services.consultations.open(ctx.committee, ctx.member, text, document)
    text, keyboard = cards.card(standing, ctx.group_lang), cards.keyboard(standing, ctx.group_lang)
    await ctx.post(text, keyboard, purpose=purposes.CONSULTATION_CARD, ref_id=standing.item.id)
    card_editor(ctx.context.application).posted(KIND, standing.item.id, text, keyboard)


@command(
    "opinion",
    aliases=("ykien",),
    who=VOTERS,
    where="both",
    example="{consultation} agree",
    told={Role.SECRETARY: "consult.secretary"},  # the secretary is told politely why not
)
async def opinion(ctx: Ctx) -> None:
    """`/opinion N <đồng ý | góp ý … | không đồng ý …>`: the rest of the line is the comment."""
    number, rest = item_number(ctx.args, "opinion.usage")
    rest, behalf = split_behalf(rest)  # `… thay @a`: a stand-in answers for A (issue 17)
    answer, text = read_answer(rest)
    service = ctx.services.consultations
    acting = None
    if ctx.is_private:
        _, item, member = await service.find_for_user(ctx.user.id, number)
        shown = member.display_name
    else:
        item = await service.get(ctx.committee, number)
        member = await behalf_seat(ctx, behalf)
        acting = ctx.member if member.id != ctx.member.id else None
        shown = acting_name(ctx, member)
    _, answer = await service.answer(item, member, answer, text, acting=acting)
    await ctx.say(
        "consult.recorded",
        name=shown,
        number=item.number,
        answer=cards.answer_label(ctx.lang, answer),
    )
    await card_editor(ctx.context.application).changed(KIND, item.id)


# ---------------------------------------------------------------- buttons and prompts
@button("c", gate="consultation.answer", who=MEMBERS)  # the service tells the secretary why not
async def on_button(ctx: Ctx, parts: list[str]) -> None:
    """Agree records at once; the other two ask the member for their text."""
    if len(parts) != 3 or parts[0] != "a" or parts[2] not in cards.CODES or not parts[1].isdigit():
        await ctx.answer(ctx.t("common.stale_button"))
        return
    service = ctx.services.consultations
    item = await service.by_id(int(parts[1]))
    if ctx.committee is None or item.committee_id != ctx.committee.id:
        await ctx.answer(ctx.t("common.stale_button"))
        return
    answer = cards.CODES[parts[2]]
    if answer == "agree":
        await service.answer(item, ctx.member, answer)
        await ctx.answer(
            ctx.t("consult.recorded_notice", answer=cards.answer_label(ctx.lang, answer))
        )
        await card_editor(ctx.context.application).changed(KIND, item.id)
        return
    service.check_can_answer(item, ctx.member)
    link = f"https://t.me/{ctx.context.bot.username}?start=op_{item.id}_{LINK_OF[answer]}"
    prompt = await ctx.message.reply_text(
        ctx.t(
            "consult.prompt",
            name=render.mention(ctx.member, ctx.lang),
            number=item.number,
            answer=cards.answer_label(ctx.lang, answer),
            link=link,
        ),
        reply_markup=ForceReply(
            selective=True, input_field_placeholder=ctx.t("consult.prompt_placeholder")
        ),
    )
    await service.ask_text(item, ctx.member, answer, ctx.chat.id, prompt.message_id)
    # Pressed on a private reminder (handlers/reminders.py): the prompt is right there.
    await ctx.answer(ctx.t("batch.comment_notice" if ctx.is_private else "consult.prompt_notice"))


@deep_link("op")
async def answer_link(ctx: Ctx, payload: str) -> None:
    """`/start op_<item id>_<comment|disagree>`: the next private message is the text."""
    item_id, _, word = payload.partition("_")
    if not (item_id.isascii() and item_id.isdigit()) or len(item_id) > 18 or word not in LINK_WORDS:
        raise DomainError("opinion.usage")  # "²" is a digit to isdigit(); 19+ digits overflow
    service = ctx.services.consultations
    found = await ctx.services.items.get(int(item_id))
    committee = found and await ctx.services.committees.get(found.committee_id)
    member = committee and await ctx.services.roster.seat(committee, ctx.user.id)
    if not member:  # say nothing about other committees' items
        raise DomainError("opinion.usage")
    item = await service.by_id(found.id)
    answer = LINK_WORDS[word]
    await service.ask_text(item, member, answer, ctx.chat.id, None)
    label = cards.answer_label(ctx.lang, answer)
    await ctx.say("consult.prompt_private", number=item.number, title=item.title, answer=label)


@text_consumer
async def take_text(update: Update, context: Context) -> bool:
    """A reply to a comment prompt in the group, or the next private message after a deep link."""
    services = services_of(context)
    service = services.consultations
    typed = await typed_answer(update, context, service)
    if typed is None:
        return False
    message, user = update.effective_message, update.effective_user
    text, prompt, item, committee, lang = (
        typed.text, typed.prompt, typed.item, typed.committee, typed.lang,
    )  # fmt: skip
    if prompt.user_id != user.id:
        asked = await services.members.by_user(committee.id, prompt.user_id)
        name = asked.display_name if asked else str(prompt.user_id)
        await message.reply_text(t(lang, "consult.prompt_not_yours", name=name, number=item.number))
        return True
    member = await services.roster.seat(committee, user.id)
    try:
        _, answer = await service.answer_prompt(prompt, member, text)
    except DomainError as err:
        await message.reply_text(t(lang, err.key, **err.params))
        return True
    label = cards.answer_label(lang, answer)
    await message.reply_text(
        t(lang, "consult.recorded", name=member.display_name, number=item.number, answer=label)
    )
    await card_editor(context.application).changed(KIND, item.id)
    return True


# ---------------------------------------------------------------- per-kind /show /pending /close
@item_view("consultation")
async def show_consultation(ctx: Ctx, item: Item) -> None:
    """`/show N`: card, answers so far, who has not answered, history."""
    service = ctx.services.consultations
    standing = await service.standing(item)
    await ctx.reply(cards.show(standing, await service.timeline(item), ctx.lang))


@item_pending("consultation")
async def pending_consultation(ctx: Ctx, item: Item) -> None:
    """`/pending N`: mentions of those who have not answered."""
    standing, acting = await ctx.services.consultations.pending_view(item)
    await ctx.reply(cards.pending(standing, ctx.lang, acting))


@close_check("consultation")
async def early_consultation(ctx: Ctx, item: Item):
    """Before an early `/close N`: who would be recorded as no answer."""
    return await ctx.services.consultations.early_close(item)


@item_closer("consultation")
async def close_consultation(ctx: Ctx, item: Item) -> None:
    """`/close N`: close now and publish the result with its .docx."""
    standing = await ctx.services.consultations.close(item, ctx.member)
    await publish(ctx.context.application, standing)


@auto_closer
async def auto_close(app: Application, now, committee_ids=None) -> None:
    """The scheduler's closer: every consultation past its deadline (in the committees that may
    be disturbed now), published like /close."""
    for standing in await state_of(app).services.consultations.close_due(now, committee_ids):
        try:
            await publish(app, standing)
        except Exception:  # one item's failure must not stop the others' results
            log.exception("result of consultation %s not published", standing.item.id)
