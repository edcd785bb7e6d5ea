"""/programme add, /programmes, /tag N <code>, and `/tasks ct:<code>` (issue 17)."""

from __future__ import annotations

from bot.errors import DomainError
from bot.permissions import MANAGERS_ONLY, MEMBERS, SECRETARY_OR_CHAIR
from handlers import programme_render
from handlers import task_render as cards
from handlers.cards import KINDS, card_editor
from handlers.context import Ctx
from handlers.parsing import item_number
from handlers.registry import command

MENU_RANK = 40
HELP_GROUP = "tasks"  # /help heading
ADD_WORDS = frozenset({"add", "them", "thêm"})


@command("programme", aliases=("chuongtrinh", "program"), who=SECRETARY_OR_CHAIR,
         example="add CQS Chính quyền số")  # fmt: skip
async def programme(ctx: Ctx) -> None:
    """`/programme add <code> <name>`: a new programme or plan of the committee."""
    verb, _, rest = ctx.args.strip().partition(" ")
    if verb.lower() not in ADD_WORDS:
        raise DomainError("programme.usage")
    added = await ctx.services.programmes.add(ctx.committee, ctx.member, rest)
    await ctx.say("programme.added", programme=programme_render.programme_text(added, ctx.lang))


@command("programmes", aliases=("dschuongtrinh", "programs"), who=MEMBERS)
async def programmes(ctx: Ctx) -> None:
    """`/programmes`: the committee's programmes with how many items each has."""
    lines = await ctx.services.programmes.list(ctx.committee)
    await ctx.reply(programme_render.programme_list(lines, ctx.lang))


@command("tag", aliases=("gancongviec", "gan"), who=MANAGERS_ONLY, example="{task} CQS")
async def tag(ctx: Ctx) -> None:
    """`/tag N <code>`: item N belongs to that programme."""
    number, code = item_number(ctx.args, "tag.usage")
    if not code or len(code.split()) != 1:
        raise DomainError("tag.usage")
    item, found = await ctx.services.programmes.tag(ctx.committee, ctx.member, number, code)
    if item.kind in KINDS:  # every card shows its programme (unchanged cards are not edited)
        await card_editor(ctx.context.application).changed(item.kind, item.id)
    text = programme_render.programme_text(found, ctx.lang)
    await ctx.say("tag.done", number=number, programme=text)


async def programme_tasks(ctx: Ctx, code: str) -> None:
    """`/tasks ct:<code>`: the open tasks of one programme, overdue first."""
    found = await ctx.services.programmes.resolve(ctx.committee, code)
    ids = await ctx.services.programmes.item_ids(ctx.committee, found.code)
    views = [v for v in await ctx.services.tasks.list_tasks(ctx.committee, ctx.member) if
             v.task.item.id in ids]  # fmt: skip
    heading = ctx.t(
        "programme.tasks",
        programme=programme_render.programme_text(found, ctx.lang),
        count=len(views),
    )
    await ctx.reply(cards.task_list(heading, views, ctx.committee, ctx.lang))
