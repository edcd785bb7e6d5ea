"""Files coming in for collections: the card's "Nộp báo cáo" button (a ForceReply prompt in the
group, or a deep link to the private chat), a file replying to the prompt, a file in private
with the caption `#N` (or after the prompt, or with the bot asking which collection), and the
refusal of a text-only answer. Files are recorded by Telegram file id, never downloaded here."""

from __future__ import annotations

import re

from telegram import ForceReply, InlineKeyboardMarkup, Message, Update
from telegram.ext import MessageHandler, filters

from bot.errors import DomainError
from bot.i18n import t
from bot.permissions import MEMBERS
from bot.services.collection_model import KIND
from handlers import collection_render as cards
from handlers import registry, render
from handlers.cards import card_editor
from handlers.context import GROUP_TYPES, Ctx, reader_language, service_sender, services_of
from handlers.outbox import outbox_of, settle
from handlers.registry import button, deep_link, on_update, text_consumer
from handlers.state import Context
from storage.collections import FileRef
from storage.items import Item
from storage.members import Member

_NUMBER = re.compile(r"\s*#?(\d{1,9})(?:\s|$)")


async def _reply(
    context: Context, message: Message, text: str, keyboard: InlineKeyboardMarkup | None = None
):
    """Answer a message; after a write, staged with it in the outbox."""
    services = services_of(context)
    if not services.db.in_unit_transaction():
        await message.reply_text(text, reply_markup=keyboard)
        return
    outbox = outbox_of(context.application)
    thread = message.message_thread_id if message.is_topic_message else None
    await outbox.text(
        message.chat_id, text, markup=keyboard, thread_id=thread, reply_to=message.message_id
    )
    await settle(outbox)


async def _submit(
    context: Context, message: Message, item: Item, member: Member | None, ref: FileRef, lang: str
) -> None:
    services = services_of(context)
    try:
        done = await services.collections.submit(item, member, ref)
    except DomainError as err:
        await _reply(context, message, t(lang, err.key, **err.params))
        return
    name = render.name(member, lang)
    await _reply(
        context, message, cards.submitted(done.standing, done.submission, done.replaced, name, lang)
    )
    await card_editor(context.application).changed(KIND, item.id)


def _file(message: Message) -> FileRef:
    doc = message.document
    return FileRef(doc.file_id, doc.file_unique_id, doc.file_name or "file", doc.file_size)


async def _in_group(update: Update, context: Context) -> bool:
    message, user = update.effective_message, update.effective_user
    replied = message.reply_to_message
    if replied is None or replied.from_user is None or replied.from_user.id != context.bot.id:
        return False
    services = services_of(context)
    prompt = await services.collections.prompt_by_message(message.chat_id, replied.message_id)
    if prompt is None:
        return False
    item = await services.collections.by_id(prompt.item_id)
    committee = await services.committees.get(item.committee_id)
    lang = await reader_language(services, user.id, committee)
    if prompt.user_id != user.id:
        asked = await services.members.by_user(committee.id, prompt.user_id)
        who = render.name(asked, lang) if asked else str(prompt.user_id)
        await _reply(
            context, message, t(lang, "collect.prompt_not_yours", name=who, number=item.number)
        )
        return True
    member = await services.roster.seat(committee, user.id)
    await _submit(context, message, item, member, _file(message), lang)
    return True


async def _in_private(update: Update, context: Context) -> bool:
    message, user = update.effective_message, update.effective_user
    services = services_of(context)
    service = services.collections
    lang = await reader_language(services, user.id, None)
    found = await service.open_for_user(user.id)
    number = _NUMBER.match(message.caption or "")
    if number is not None:
        wanted = [f for f in found if f[1].number == int(number[1])]
        if len(wanted) == 1:
            committee, item, member = wanted[0]
            lang = await reader_language(services, user.id, committee)
            await _submit(context, message, item, member, _file(message), lang)
            return True
        if not wanted:
            await _reply(context, message, t(lang, "collect.private_not_found", number=number[1]))
            return True
        found = wanted  # the same #N in several committees: ask which
    else:
        prompt = await service.prompt(user.id, message.chat_id)
        if prompt is not None:
            item = await service.by_id(prompt.item_id)
            committee = await services.committees.get(item.committee_id)
            member = await services.roster.seat(committee, user.id)
            await _submit(context, message, item, member, _file(message), lang)
            return True
    if not found:
        if not await services.members.committees_of(user.id):
            return False  # not ours to answer
        await _reply(context, message, t(lang, "collect.private_none"))
        return True
    await service.park(user.id, _file(message))
    choices = [(c, i) for c, i, _ in found]
    await _reply(
        context,
        message,
        t(lang, "collect.private_which", file=_file(message).name),
        cards.choices(choices, lang),
    )
    return True


@on_update(lambda fn: MessageHandler(filters.UpdateType.MESSAGE & filters.Document.ALL, fn))
async def take_file(update: Update, context: Context) -> None:
    """A document: for a collection if it answers a prompt, names `#N`, or is sent in private;
    anything else with a caption goes on to the other features' text consumers."""
    if update.effective_user is None or service_sender(update) is not None:
        return
    chat = update.effective_chat
    if chat.type in GROUP_TYPES:
        taken = await _in_group(update, context)
    else:
        taken = await _in_private(update, context)
    if taken or not update.effective_message.caption:
        return
    for consumer in registry.TEXT_CONSUMERS:
        if await consumer(update, context):
            return


@text_consumer
async def refuse_text(update: Update, context: Context) -> bool:
    """A text answer to a file prompt: say that a file is needed, and how to send one."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or message.document is not None or message.text is None:
        return False
    services = services_of(context)
    service = services.collections
    if message.chat.type in GROUP_TYPES:
        replied = message.reply_to_message
        if replied is None or replied.from_user is None or replied.from_user.id != context.bot.id:
            return False
        prompt = await service.prompt_by_message(message.chat_id, replied.message_id)
    else:
        prompt = await service.prompt(user.id, message.chat_id)
        if prompt is not None and await services.consultations.prompt(user.id, message.chat_id):
            return False  # a comment is awaited here too: that one takes text
    if prompt is None:
        return False
    item = await service.by_id(prompt.item_id)
    committee = await services.committees.get(item.committee_id)
    lang = await reader_language(services, user.id, committee)
    await _reply(context, message, t(lang, "collect.need_file", number=item.number))
    return True


@button(cards.ROUTE, gate="collection.send", who=MEMBERS)
async def on_button(ctx: Ctx, parts: list[str]) -> None:
    """`s`: the card's "Nộp báo cáo" (a prompt); `p`: the collection picked for a parked file."""
    if (
        len(parts) != 2
        or parts[0] not in {"s", "p"}
        or not parts[1].isascii()
        or not parts[1].isdigit()
    ):
        await ctx.answer(ctx.t("common.stale_button"))
        return
    service = ctx.services.collections
    item = await service.by_id(int(parts[1]))
    if parts[0] == "p":
        await _pick(ctx, item)
        return
    if ctx.committee is None or item.committee_id != ctx.committee.id:
        await ctx.answer(ctx.t("common.stale_button"))
        return
    service.check_can_send(item, ctx.member, await service.repo.recipients(item.id))
    link = f"https://t.me/{ctx.context.bot.username}?start=bc_{item.id}"
    prompt = await ctx.message.reply_text(
        ctx.t(
            "collect.prompt",
            name=render.mention(ctx.member, ctx.lang),
            number=item.number,
            link=link,
        ),
        reply_markup=ForceReply(
            selective=True, input_field_placeholder=ctx.t("collect.prompt_placeholder")
        ),
    )
    await service.ask_file(item, ctx.member, ctx.chat.id, prompt.message_id)
    await ctx.answer(ctx.t("collect.prompt_notice"))


async def _pick(ctx: Ctx, item: Item) -> None:
    service = ctx.services.collections
    ref = await service.parked(ctx.user.id)
    committee = await ctx.services.committees.get(item.committee_id)
    member = await ctx.services.roster.seat(committee, ctx.user.id)
    if ref is None or not ctx.is_private or member is None:
        await ctx.answer(ctx.t("common.stale_button"))
        return
    done = await service.submit(item, member, ref)
    lang = await reader_language(ctx.services, ctx.user.id, committee)
    await ctx.reply(
        cards.submitted(
            done.standing, done.submission, done.replaced, render.name(member, lang), lang
        )
    )
    await ctx.answer(ctx.t("collect.recorded_notice", number=item.number))
    await card_editor(ctx.context.application).changed(KIND, item.id)


@deep_link("bc")
async def send_link(ctx: Ctx, payload: str) -> None:
    """`/start bc_<item id>`: the next file sent in this private chat is for that collection."""
    if not (payload.isascii() and payload.isdigit()) or len(payload) > 18:
        raise DomainError("collect.usage")
    found = await ctx.services.items.get(int(payload))
    committee = found and await ctx.services.committees.get(found.committee_id)
    member = committee and await ctx.services.roster.seat(committee, ctx.user.id)
    if not member or found.kind != KIND:  # say nothing about other committees' items
        raise DomainError("collect.usage")
    await ctx.services.collections.ask_file(found, member, ctx.chat.id, None)
    await ctx.say("collect.prompt_private", number=found.number, title=found.title)
