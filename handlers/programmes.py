"""/programme add|rename|remove|restore, /programmes, /tag N <code>|-, and `/tasks ct:<code>`
(issue 17)."""

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
VERBS = {
    **dict.fromkeys(("add", "them", "thêm"), "add"),
    **dict.fromkeys(("rename", "doiten", "đổitên"), "rename"),
    **dict.fromkeys(("remove", "xoa", "xóa", "xoá", "bo", "bỏ"), "remove"),
    **dict.fromkeys(("restore", "khoiphuc", "khôiphục"), "restore"),
}
NO_PROGRAMME = frozenset({"-", "none", "bo", "bỏ", "khong", "không"})  # `/tag N -`


@command("programme", aliases=("chuongtrinh", "program"), who=SECRETARY_OR_CHAIR,
         example="add CQS Chính quyền số")  # fmt: skip
async def programme(ctx: Ctx) -> None:
    """`/programme add <code> <name>` · `rename <code> <new name>` · `remove <code>` ·
    `restore <code>`: the committee's programmes and plans."""
    verb, _, rest = ctx.args.strip().partition(" ")
    service, verb = ctx.services.programmes, VERBS.get(verb.lower())
    if verb == "add":
        added = await service.add(ctx.committee, ctx.member, rest)
        await ctx.say("programme.added", programme=programme_render.programme_text(added, ctx.lang))
    elif verb == "rename":
        renamed = await service.rename(ctx.committee, ctx.member, rest)
        editor = card_editor(ctx.context.application)
        for item_id, kind in renamed.open_items:  # the live cards show the new name
            if kind in KINDS:
                await editor.changed(kind, item_id)
        await ctx.say("programme.renamed", code=renamed.programme.code, before=renamed.before,
                      name=renamed.programme.name)  # fmt: skip
    elif verb == "remove":
        removed = await service.remove(ctx.committee, ctx.member, rest)
        text = programme_render.programme_text(removed.programme, ctx.lang)
        if removed.deleted:
            await ctx.say("programme.removed", programme=text)
        else:
            await ctx.say("programme.archived_done", programme=text, count=removed.items,
                          code=removed.programme.code)  # fmt: skip
    elif verb == "restore":
        restored = await service.restore(ctx.committee, ctx.member, rest)
        text = programme_render.programme_text(restored, ctx.lang)
        await ctx.say("programme.restored", programme=text)
    else:
        raise DomainError("programme.usage")


@command("programmes", aliases=("dschuongtrinh", "programs"), who=MEMBERS)
async def programmes(ctx: Ctx) -> None:
    """`/programmes`: the committee's programmes with how many items each has."""
    lines = await ctx.services.programmes.list(ctx.committee)
    archived = await ctx.services.programmes.list(ctx.committee, archived=True)
    await ctx.reply(programme_render.programme_list(lines, ctx.lang, archived))


@command("tag", aliases=("gancongviec", "gan"), who=MANAGERS_ONLY, example="{task} CQS")
async def tag(ctx: Ctx) -> None:
    """`/tag N <code>`: item N belongs to that programme; `/tag N -`: to none."""
    number, code = item_number(ctx.args, "tag.usage")
    if not code or len(code.split()) != 1:
        raise DomainError("tag.usage")
    service = ctx.services.programmes
    if code.lower() in NO_PROGRAMME:
        item, found = await service.untag(ctx.committee, ctx.member, number)
        key = "tag.removed"
    else:
        item, found = await service.tag(ctx.committee, ctx.member, number, code)
        key = "tag.done"
    if item.kind in KINDS:  # every card shows its programme (unchanged cards are not edited)
        await card_editor(ctx.context.application).changed(item.kind, item.id)
    await ctx.say(key, number=number, programme=programme_render.programme_text(found, ctx.lang))


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
