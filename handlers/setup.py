"""Group life: /setup, the bot being added or removed, supergroup migration, who wrote."""

from __future__ import annotations

from telegram import ChatMember, ChatMemberUpdated, Update
from telegram.ext import ChatMemberHandler, MessageHandler, TypeHandler, filters

from bot.i18n import t
from bot.permissions import GROUP_ADMIN
from handlers import render
from handlers.context import GROUP_TYPES, Ctx, person_of, service_sender, services_of
from handlers.outbox import outbox_of, settle
from handlers.recovery import announce_return
from handlers.registry import command, on_update
from handlers.state import Context, state_of

MENU_RANK = 10
HELP_GROUP = "settings"  # /help heading (handlers/registry.py, `command`)

ADMIN_STATUSES = frozenset({ChatMember.ADMINISTRATOR, ChatMember.OWNER})
PRESENT = frozenset({ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER})


@command("setup", aliases=("thietlap",), who=GROUP_ADMIN, before_setup=True, example="Ban mới")
async def setup(ctx: Ctx) -> None:
    """Make this group a committee; only a Telegram admin or the creator may (one getChatMember)."""
    if ctx.committee is not None:
        await ctx.say("setup.already", title=ctx.committee.title)
        return
    status = (await ctx.chat.get_member(ctx.user.id)).status
    title = ctx.args or ctx.chat.title or ""
    thread = ctx.message.message_thread_id if ctx.message.is_topic_message else None
    committee = await ctx.services.roster.setup(
        ctx.chat.id, thread, title, person_of(ctx.user), status in ADMIN_STATUSES
    )
    name = render.shown_name(ctx.user.full_name, ctx.user.username, ctx.user.id, ctx.lang)
    await ctx.say("setup.done", title=committee.title, name=name)


@on_update(lambda fn: ChatMemberHandler(fn, ChatMemberHandler.MY_CHAT_MEMBER))
async def bot_membership(update: Update, context: Context) -> None:
    """The bot was added to or removed from a group: introduce itself, or mark it dormant.

    Back in a committee's group: active again, everything replanned, one catch-up message for
    what fell due meanwhile, and a private note to the secretary (`handlers.recovery`)."""
    change: ChatMemberUpdated = update.my_chat_member
    if change.chat.type not in GROUP_TYPES:
        return
    services = services_of(context)
    committee = await services.committees.by_chat(change.chat.id)
    was_in = change.old_chat_member.status in PRESENT
    is_in = change.new_chat_member.status in PRESENT
    if was_in == is_in:
        return
    actor = change.from_user.id if change.from_user else None
    outbox = outbox_of(context.application)
    if not is_in:
        if committee is not None:
            await services.recovery.away(committee, actor)
        return
    back = await services.recovery.back(committee, actor) if committee is not None else None
    lang = committee.language if committee else services.settings.default_language
    key = "intro.back" if committee else "intro.new"
    await outbox.text(change.chat.id, t(lang, key, bot=context.bot.username),
                      thread_id=committee.thread_id if committee else None,
                      committee_id=committee.id if committee else None)  # fmt: skip
    if back is not None:
        await announce_return(outbox, services, back)
    await settle(outbox)


@on_update(lambda fn: MessageHandler(filters.StatusUpdate.MIGRATE, fn))
async def chat_migrated(update: Update, context: Context) -> None:
    """A group became a supergroup: the committee follows the new chat id."""
    message = update.effective_message
    old, new = None, None
    if message.migrate_to_chat_id:
        old, new = message.chat.id, message.migrate_to_chat_id
    elif message.migrate_from_chat_id:
        old, new = message.migrate_from_chat_id, message.chat.id
    if old is not None:
        await services_of(context).committees.migrate_chat(old, new)


@on_update(lambda fn: TypeHandler(Update, fn), group=-1)  # before any command
async def remember_author(update: Update, context: Context) -> None:
    """Keep names fresh and bind pre-registered @usernames; writes only when something changed."""
    user = update.effective_user
    if user is None or service_sender(update) is not None:
        return
    seen = state_of(context).seen_users
    key = (user.username, user.full_name)
    if seen.get(user.id) == key:
        return
    await services_of(context).roster.seen(person_of(user))
    seen[user.id] = key
