"""Task commands and buttons: /assign /tasks /mytasks /progress /done /reassign /cancel /reopen,
`/show N` for tasks, and the card's buttons (extensions: `handlers/task_extensions.py`).

The card is posted in the committee's language and edited in place after every change. The
card's "Progress" button swaps its keyboard for a quick 25/50/75/90% row (a button cannot carry a
typed number); "Ask for extension" answers with the `/extend N <date> <reason>` form.
"""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup

from bot.answer_words import read_percent
from bot.dates import fold_text
from bot.delivery import purposes
from bot.errors import DomainError
from bot.i18n import Html
from bot.permissions import ANYONE, MANAGERS_ONLY, MEMBERS, SECRETARY_OR_CHAIR
from bot.recurrence import split_recurrence
from bot.services.flows import Outcome
from bot.services.task_queries import TaskView
from bot.services.tasks import Attachment
from handlers import flows, registry, render
from handlers import task_render as cards
from handlers.cards import Card, card_editor, card_kind
from handlers.context import Ctx
from handlers.flow_render import new_button
from handlers.parsing import item_number, leading_people, replied_person, target
from handlers.programmes import programme_tasks
from handlers.registry import button, command, item_view
from storage.items import Item

log = logging.getLogger(__name__)

MENU_RANK = 60
HELP_GROUP = "tasks"  # /help heading (handlers/registry.py, `command`)

FILTER_WORDS = {
    "mine": "mine", "cuatoi": "mine", "cua toi": "mine", "toi": "mine",
    "overdue": "overdue", "quahan": "overdue", "qua han": "overdue",
    "done": "done", "xong": "done", "hoanthanh": "done", "hoan thanh": "done",
}  # fmt: skip


@card_kind("task")  # edited at once after every change
async def task_card(services, item_id: int, view: TaskView | None = None) -> Card | None:
    """The task's card as it should look now (None before it was posted)."""
    view = view or await services.tasks.view(item_id)
    item = view.task.item
    if item.message_id is None:
        return None
    committee = await services.committees.get(item.committee_id)
    lang = committee.language
    text = cards.card(view, committee, lang)
    return Card(committee.chat_id, item.message_id, text, cards.card_keyboard(view, lang))


async def refresh_card(ctx: Ctx, view: TaskView, keyboard: InlineKeyboardMarkup | None = None):
    """Bring the task's card in the group up to `view` (its buttons, or `keyboard`)."""
    await card_editor(ctx.context.application).changed("task", view.task.item.id, view, keyboard)


def _number(ctx: Ctx, usage: str) -> tuple[int, str]:
    """`N rest` from the arguments, else the command's usage."""
    return item_number(ctx.args, usage)


@command(
    "assign",
    aliases=("giaoviec",),
    who=MANAGERS_ONLY,
    example="@so_taichinh Việc kiểm thử quyền hạn 20/12",
)
async def assign(ctx: Ctx) -> None:
    """`/assign @lead [@coop …] <title> due <date>`; replying to a document attaches it, and
    replying to a person's message (with nobody named) makes that person the lead.
    Without arguments: the guided flow (handlers/flows.py)."""
    replied = ctx.message.reply_to_message
    doc = replied.document if replied is not None else None
    attachment = Attachment(doc.file_id, doc.file_name) if doc else None
    if not ctx.args.strip():
        lead = None if doc or replied is None else await _replied_seat(ctx, replied.from_user)
        given = {"lead": lead.id} if lead else None
        await flows.begin(ctx, "assign", (doc.file_id, doc.file_name) if doc else None, given)
        return
    people, rest = leading_people(ctx.message, ctx.args)
    if not people and (person := replied_person(ctx.message)) is not None:
        people = [person]
    await _create(ctx, people, rest, attachment)


async def _replied_seat(ctx: Ctx, user):
    """The seat of the person a bare /assign replied to (the flow then starts with them as
    lead), if they hold one."""
    if user is None or user.is_bot:
        return None
    return await ctx.services.roster.seat(ctx.committee, user.id)


@flows.finisher("assign")
async def assign_confirmed(ctx: Ctx, outcome: Outcome) -> None:
    """✅ on the /assign flow: what the one-line command does with the same arguments."""
    document = outcome.document
    attachment = Attachment(*document) if document else None
    await _create(ctx, list(outcome.people), outcome.text, attachment)


async def _create(ctx: Ctx, people, text: str, attachment: Attachment | None) -> None:
    first, newline, description = text.partition("\n")
    first, rule = split_recurrence(first)  # `… hạn 31/12 hằng tháng`: a recurring task
    text = first + newline + description
    view = await ctx.services.tasks.create(ctx.committee, ctx.member, people, text, attachment)
    if rule is not None:
        await ctx.services.series.start_task(view.task.item.id, rule, ctx.member)
    lang = ctx.group_lang
    text, keyboard = cards.card(view, ctx.committee, lang), cards.card_keyboard(view, lang)
    await ctx.post(text, keyboard, purpose=purposes.TASK_CARD, ref_id=view.task.item.id)
    card_editor(ctx.context.application).posted("task", view.task.item.id, text, keyboard)


@command("tasks", aliases=("nhiemvu",), who=MEMBERS)
async def tasks(ctx: Ctx) -> None:
    """`/tasks [mine|overdue|done|@user|ct:<code>]`."""
    word = fold_text(ctx.args)
    service = ctx.services.tasks
    if not word:
        which = "open"
    elif word in FILTER_WORDS:
        which = FILTER_WORDS[word]
    elif word.startswith("ct:"):  # one programme's open tasks (issue 17)
        await programme_tasks(ctx, ctx.args.strip())
        return
    elif word.startswith("@") or ctx.message.parse_entities(["text_mention"]):
        person, _ = target(ctx.message, ctx.args, "task.list.usage")
        seat = await ctx.services.roster.require_member(ctx.committee, person)
        views = await service.list_tasks(ctx.committee, seat, "mine")
        heading = ctx.t("task.list.mine", name=render.name(seat, ctx.lang), count=len(views))
        await ctx.reply(cards.task_list(heading, views, ctx.committee, ctx.lang))
        return
    else:
        raise DomainError("task.list.usage")
    views = await service.list_tasks(ctx.committee, ctx.member, which)
    if which == "mine":
        heading = ctx.t("task.list.mine", name=render.name(ctx.member, ctx.lang), count=len(views))
    else:
        heading = ctx.t(f"task.list.{which}", count=len(views))
    plus = new_button("assign", ctx.lang) if MANAGERS_ONLY.allows(ctx.role) else None
    await ctx.reply(cards.task_list(heading, views, ctx.committee, ctx.lang), plus)


@command("mytasks", aliases=("viectoi",), who=ANYONE, where="both")
async def mytasks(ctx: Ctx) -> None:
    """The caller's open tasks: here, or (in a private chat) in every committee."""
    if ctx.is_private:
        groups = await ctx.services.tasks.everywhere(ctx.user.id)
        await ctx.reply(cards.everywhere(groups, ctx.lang))
        return
    if ctx.member is None:
        raise DomainError("common.not_member")
    views = await ctx.services.tasks.list_tasks(ctx.committee, ctx.member, "mine")
    heading = ctx.t("task.list.mine", name=render.name(ctx.member, ctx.lang), count=len(views))
    await ctx.reply(cards.task_list(heading, views, ctx.committee, ctx.lang))


@item_view("task")
async def show_task(ctx: Ctx, item: Item) -> None:
    """`/show N` for a task: the card and its history (in the reader's language)."""
    service = ctx.services.tasks
    view = await service.view(item.id)
    entries = await service.history(view.task)
    ids = [e.details.get(k, {}).get("lead") for e in entries for k in ("before", "after")]
    people = await service.people([i for i in ids if isinstance(i, int)])
    text = cards.card(view, ctx.committee, ctx.lang)
    text += "\n\n" + cards.history(entries, people, ctx.committee, ctx.lang)
    await ctx.reply(Html(text))


@command("progress", aliases=("tiendo",), who=MEMBERS, example="{task} 50 đã xong phần số liệu")
async def progress(ctx: Ctx) -> None:
    """`/progress N <percent> [note]`."""
    number, rest = _number(ctx, "progress.usage")
    percent, note = read_percent(rest)
    view = await ctx.services.tasks.progress(ctx.committee, ctx.member, number, percent, note)
    await refresh_card(ctx, view)
    await ctx.say("progress.done", number=number, percent=percent)


@command("done", aliases=("hoanthanh",), who=MEMBERS, example="{task_done} đã gửi")
async def done(ctx: Ctx) -> None:
    """`/done N [note]`."""
    number, note = _number(ctx, "done.usage")
    view = await ctx.services.tasks.done(ctx.committee, ctx.member, number, note)
    await refresh_card(ctx, view)
    await ctx.say("done.done", number=number, timeliness=ctx.t(f"timeliness.{view.timeliness}"))


@command(
    "reassign", aliases=("giaolai",), who=SECRETARY_OR_CHAIR, example="{task_reassign} @so_tttt"
)
async def reassign(ctx: Ctx) -> None:
    """`/reassign N @user`: the person named leads; the old lead leaves the task."""
    number, rest = _number(ctx, "reassign.usage")
    person, _ = target(ctx.message, rest, "reassign.usage")
    service = ctx.services.tasks
    before = await service.view_of(ctx.committee, number)
    view = await service.reassign(ctx.committee, ctx.member, number, person)
    await refresh_card(ctx, view)
    await ctx.say(
        "reassign.done",
        number=number,
        name=render.with_agency(view.lead, ctx.lang),
        old=render.with_agency(before.lead, ctx.lang),
    )


@command("cancel", aliases=("huy",), who=SECRETARY_OR_CHAIR, example="{task_cancel} không còn cần")
async def cancel(ctx: Ctx) -> None:
    """`/cancel N [reason]` (another kind's own cancel, e.g. a meeting's, when it has one)."""
    number, reason = _number(ctx, "cancel.usage")
    item = await ctx.services.items.by_number(ctx.committee.id, number)
    if item is not None and item.kind in registry.ITEM_CANCELLERS:
        await registry.ITEM_CANCELLERS[item.kind](ctx, item, reason)
        return
    view = await ctx.services.tasks.cancel(ctx.committee, ctx.member, number, reason)
    await refresh_card(ctx, view)
    await ctx.say("cancel.done", number=number)


@command("reopen", aliases=("moilai",), who=SECRETARY_OR_CHAIR, example="{task_closed}")
async def reopen(ctx: Ctx) -> None:
    """`/reopen N`."""
    number, _ = _number(ctx, "reopen.usage")
    view = await ctx.services.tasks.reopen(ctx.committee, ctx.member, number)
    await refresh_card(ctx, view)
    await ctx.say("reopen.done", number=number, status=ctx.t(f"task.status.{view.status}"))


@button("t", gate="task.card", who=MEMBERS)
async def on_button(ctx: Ctx, parts: list[str]) -> None:
    """The card's buttons: `s` start, `p` progress (`p:N` shows percents, `p:N:50` sets),
    `b` back, `d` done, `e` how to ask for an extension."""
    if len(parts) < 2 or not parts[1].isdigit():
        await ctx.answer(ctx.t("common.stale_button"))
        return
    action, number, service = parts[0], int(parts[1]), ctx.services.tasks
    if action == "s":
        await refresh_card(ctx, await service.start(ctx.committee, ctx.member, number))
        await ctx.answer(ctx.t("task.notice.started", number=number))
    elif action == "p" and len(parts) == 3 and parts[2].isdigit():
        percent = int(parts[2])
        view = await service.progress(ctx.committee, ctx.member, number, percent)
        await refresh_card(ctx, view)
        await ctx.answer(ctx.t("task.notice.progress", number=number, percent=percent))
    elif action == "p":
        view = await service.for_assignee(ctx.committee, ctx.member, number)
        await refresh_card(ctx, view, cards.percent_keyboard(number, ctx.committee.language))
        await ctx.answer(ctx.t("task.notice.choose_percent", number=number))
    elif action == "b":
        await refresh_card(ctx, await service.view_of(ctx.committee, number))
        await ctx.answer(ctx.t("task.notice.back"))
    elif action == "d":
        await refresh_card(ctx, await service.done(ctx.committee, ctx.member, number))
        await ctx.answer(ctx.t("task.notice.done", number=number))
    elif action == "e":
        await service.for_assignee(ctx.committee, ctx.member, number)
        await ctx.answer(ctx.t("task.notice.extend_howto", number=number))
    else:
        await ctx.answer(ctx.t("common.stale_button"))
