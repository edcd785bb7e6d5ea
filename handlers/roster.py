"""Roster commands: /join /add /role /remove /leave /members /lang /notify /start."""

from __future__ import annotations

from bot.errors import DomainError
from bot.i18n import Html
from bot.models import parse_role
from bot.permissions import ANYONE, MEMBERS, SECRETARY_OR_CHAIR
from bot.reports import agency_label
from handlers import registry, render
from handlers.context import Ctx, person_of
from handlers.parsing import target
from handlers.registry import command
from handlers.standins import section as standin_section

MENU_RANK = 20
HELP_GROUP = "members"  # /help heading (handlers/registry.py, `command`)


@command("join", aliases=("thamgia",), who=ANYONE, example="Sở Mới")
async def join(ctx: Ctx) -> None:
    """Join the committee as a member of an agency, or change one's agency."""
    seat, new = await ctx.services.roster.join(ctx.committee, person_of(ctx.user), ctx.args)
    key = "join.done" if new else "join.updated"
    await ctx.say(key, name=render.name(seat, ctx.lang), agency=seat.agency)


@command("add", aliases=("them",), who=SECRETARY_OR_CHAIR, example="@nguoi_moi member Sở Mới")
async def add(ctx: Ctx) -> None:
    """Pre-register or update a member: `/add @user <role> [agency]`."""
    person, rest = target(ctx.message, ctx.args, "add.usage")
    role_word, _, agency = rest.partition(" ")
    role = parse_role(role_word)
    if role is None:
        raise DomainError("add.usage")
    seat, created = await ctx.services.roster.add(ctx.committee, ctx.member, person, role, agency)
    await ctx.say(
        "add.created" if created else "add.updated",
        name=render.name(seat, ctx.lang),
        role=render.role_name(seat.role, ctx.lang),
        agency=agency_label(seat.agency, ctx.lang),
    )


@command("role", aliases=("vaitro",), who=SECRETARY_OR_CHAIR, example="@du_bi deputy")
async def role(ctx: Ctx) -> None:
    """Change a member's role: `/role @user <role>`."""
    person, rest = target(ctx.message, ctx.args, "role.usage")
    new_role = parse_role(rest)
    if new_role is None:
        raise DomainError("role.usage")
    seat = await ctx.services.roster.set_role(ctx.committee, ctx.member, person, new_role)
    await ctx.say(
        "role.done", name=render.name(seat, ctx.lang), role=render.role_name(seat.role, ctx.lang)
    )


@command("remove", aliases=("xoa",), who=SECRETARY_OR_CHAIR, example="@du_bi")
async def remove(ctx: Ctx) -> None:
    """Take a member off the roster: `/remove @user`."""
    person, _ = target(ctx.message, ctx.args, "remove.usage")
    seat = await ctx.services.roster.remove(ctx.committee, ctx.member, person)
    await ctx.say("remove.done", name=render.name(seat, ctx.lang))


@command("leave", aliases=("roi",), who=MEMBERS)
async def leave(ctx: Ctx) -> None:
    """Leave the committee."""
    seat = await ctx.services.roster.leave(ctx.committee, ctx.member)
    await ctx.say("leave.done", name=render.name(seat, ctx.lang))


@command("members", aliases=("thanhvien",), who=MEMBERS)
async def members(ctx: Ctx) -> None:
    """The roster by role."""
    entries = await ctx.services.roster.roster(ctx.committee)
    text = render.roster(ctx.committee, entries, ctx.lang)
    standins = standin_section(await ctx.services.standins.listing(ctx.committee), ctx.lang)
    await ctx.reply(Html(f"{text}\n\n{standins}") if standins else text)


@command(
    "lang",
    aliases=("ngonngu",),
    who=ANYONE,
    where="both",
    before_setup=True,
    example="vi",
    group="personal",
)
async def lang(ctx: Ctx) -> None:
    """Choose one's own language: `/lang vi|en`."""
    choice = ctx.args.strip().lower()
    await ctx.services.roster.set_language(ctx.user.id, choice)
    ctx.lang = choice
    await ctx.say("lang.done")


@command("notify", aliases=("thongbao",), who=ANYONE, where="both", example="on", group="personal")
async def notify(ctx: Ctx) -> None:
    """Turn private copies of one's reminders on or off: `/notify on|off`."""
    choice = ctx.args.strip().lower()
    words = {"on": True, "bật": True, "bat": True, "off": False, "tắt": False, "tat": False}
    if choice not in words:
        raise DomainError("notify.usage")
    await ctx.services.roster.set_notify(ctx.user.id, words[choice])
    prefs = await ctx.services.roster.prefs(ctx.user.id)
    key = "notify.on" if words[choice] else "notify.off"
    if words[choice] and not (prefs and prefs.can_dm):
        key = "notify.on_no_dm"
    await ctx.say(key, bot=ctx.context.bot.username)


@command("start", who=ANYONE, where="both", menu=("private",), before_setup=True, group="personal")
async def start(ctx: Ctx) -> None:
    """Private: link the person for DMs and list their committees. Group: how to begin."""
    if ctx.is_private:
        committees = await ctx.services.roster.open_private_chat(ctx.user.id)
        prefix, _, payload = ctx.args.partition("_")
        deep_link = registry.DEEP_LINKS.get(prefix)
        if deep_link is not None:
            await deep_link(ctx, payload)
            return
        await ctx.reply(
            ctx.t(
                "start.private",
                name=render.shown_name(
                    ctx.user.full_name, ctx.user.username, ctx.user.id, ctx.lang
                ),
            )
            + "\n\n"
            + render.committees_list(committees, ctx.lang)
        )
    elif ctx.committee is None:
        await ctx.say("start.group_new")
    else:
        await ctx.say("start.group", title=ctx.committee.title)
