"""/remind, /reminders, /unremind, /digest, the text of every automatic reminder (group block
and private line of each built-in kind), and the private reminders' buttons (route `r`)."""

from __future__ import annotations

from dataclasses import replace

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import dates, scheduler
from bot.errors import DomainError
from bot.i18n import Html, has, t
from bot.models import ROLE_ORDER
from bot.permissions import MANAGERS_ONLY, MEMBERS, SECRETARY_ONLY
from bot.recurrence import split_recurrence
from bot.services.reminder_sweep import Dispatch
from handlers import (
    consultation_render,
    digest_render,
    flows,
    meeting_render,
    registry,
    task_render,
    vote_render,
)
from handlers.callbacks import CALLBACK_VERSION
from handlers.context import Ctx, reader_language
from handlers.registry import command
from handlers.reminder_lines import PRIVATE_ROUTE, button, private_data, reminder_lines
from handlers.render import mention, name
from storage.members import Member

MENU_RANK = 90
HELP_GROUP = "remind"  # /help heading (handlers/registry.py, `command`)


def _names(members: tuple[Member, ...] | list[Member], lang: str) -> Html:
    return Html(", ".join(mention(m, lang) for m in members))


def reminder_text(d: Dispatch, lang: str, author: Member | None = None) -> Html:
    """What a due reminder says, in `lang` (the group's, or the reader's for a private copy)."""
    row, item = d.reminder, d.item
    tz = d.committee.tz
    lines: list[str] = []
    if row.kind == scheduler.ADHOC:
        who = name(author, lang) if author else "—"
        lines.append(t(lang, "reminder.adhoc", text=row.text, author=who))
    elif item is not None:
        deadline = dates.format_datetime(item.deadline, tz, lang)
        left = dates.format_duration(d.time_left, lang)  # overdue: how long past it
        common = {"number": item.number, "title": item.title, "deadline": deadline}
        if row.kind == scheduler.PENDING:
            key = f"reminder.pending_{item.kind}"
            if has(f"{key}_{row.seq}"):  # a kind with several reminders (a meeting's hour before)
                key = f"{key}_{row.seq}"
            names = _names(d.members, lang)
            lines.append(t(lang, key, left=left, count=len(d.members), names=names, **common))
        else:
            if row.kind == scheduler.OVERDUE:
                lines.append(
                    t(
                        lang,
                        "reminder.overdue",
                        late=left,
                        progress=d.progress or 0,
                        count=row.seq,
                        **common,
                    )
                )
            else:
                lines.append(t(lang, "reminder.offset", left=left, **common))
            if d.members:
                lines.append(t(lang, "reminder.lead", name=mention(d.members[0], lang)))
            if len(d.members) > 1:
                lines.append(t(lang, "reminder.cooperators", names=_names(d.members[1:], lang)))
            if d.escalate_to:
                names = _names(d.escalate_to, lang)
                lines.append(t(lang, "reminder.escalation", names=names, count=row.seq))
        lines.append(t(lang, "reminder.show", number=item.number))
    if d.late:
        when = dates.format_datetime(row.planned_at, tz, lang)
        lines.append(t(lang, "reminder.late", when=when))
    return Html("\n".join(lines))


def private_line(d: Dispatch, member: Member, lang: str) -> Html:
    """A task, consultation or vote reminder in one member's private message: what, by when,
    and their part in it — never who else has not answered."""
    row, item = d.reminder, d.item
    deadline = dates.format_datetime(item.deadline, d.committee.tz, lang)
    left = dates.format_duration(d.time_left, lang)
    common = {"number": item.number, "title": item.title, "deadline": deadline}
    if row.kind == scheduler.PENDING:
        lines = [t(lang, f"batch.pending_{item.kind}", left=left, **common)]
        away = [a for a, b in d.standins if b.id == member.id]  # a stand-in (issue 17)
        if away and not any(m.id == member.id for m in d.members):
            key = f"standin.pending_{item.kind}"  # only the member away is waited for
            lines = [t(lang, key, left=left, member=name(away[0], lang), **common)]
        elif away:
            lines.append(t(lang, "standin.private_role", member=name(away[0], lang)))
    elif row.kind == scheduler.OVERDUE:
        progress = d.progress or 0
        lines = [t(lang, "reminder.overdue", late=left, progress=progress, count=row.seq, **common)]
    else:
        lines = [t(lang, "reminder.offset", left=left, **common)]
    if row.kind != scheduler.PENDING:
        if d.members and d.members[0].id == member.id:
            lines.append(t(lang, "batch.lead"))
        elif any(m.id == member.id for m in d.members):
            lines.append(t(lang, "batch.cooperator"))
        elif away := [a for a, b in d.standins if b.id == member.id]:  # a stand-in (issue 17)
            lines.append(t(lang, "standin.private_role", member=name(away[0], lang)))
        else:
            lines.append(t(lang, "batch.escalation", count=row.seq))
    if d.late:
        when = dates.format_datetime(row.planned_at, d.committee.tz, lang)
        lines.append(t(lang, "reminder.late", when=when))
    return Html("\n".join(lines))


def task_buttons(d: Dispatch, member: Member, lang: str) -> list[list[InlineKeyboardButton]]:
    """Progress for the lead and the cooperators, Done for the lead (the card's own routes)."""
    committee, number = d.committee, d.item.number
    if not any(m.id == member.id for m in d.members):
        return []  # the chair or the secretary, told of an escalation
    row = [button(lang, number, "task.button.progress", private_data(committee, "t", "p", number))]
    if d.members[0].id == member.id:
        row.append(
            button(lang, number, "task.button.done", private_data(committee, "t", "d", number))
        )
    return [row]


def pending_buttons(d: Dispatch, member: Member, lang: str) -> list[list[InlineKeyboardButton]]:
    """A consultation's three answers; a motion's three ballots (a native poll is answered in
    the poll itself)."""
    committee, item = d.committee, d.item
    if item.kind == "consultation":
        route = consultation_render.ROUTE

        def answer(key: str, code: str) -> InlineKeyboardButton:
            return button(
                lang, item.number, key, private_data(committee, route, "a", item.id, code)
            )

        return [
            [answer("consult.button_agree", "y")],
            [answer("consult.button_comment", "c"), answer("consult.button_disagree", "n")],
        ]
    if item.kind == "meeting":  # Tham dự / Cử người dự thay / Vắng, as on the card
        route = meeting_render.ROUTE
        return [
            [
                button(lang, item.number, f"meeting.button.{status}",
                       private_data(committee, route, code, item.id))
                for code, status in meeting_render.CODES.items()
            ]
        ]  # fmt: skip
    if item.kind == "vote" and d.data == "motion":
        route, codes = vote_render.ROUTE, vote_render.CODES
        return [
            [
                button(
                    lang,
                    item.number,
                    f"vote.button.{c}",
                    private_data(committee, route, "b", item.id, k),
                )
                for c, k in codes.items()
            ]
        ]
    return []


def _adhoc(d: Dispatch, lang: str, author: Member | None) -> Html:
    return reminder_text(d, lang, author)


for _kind in (scheduler.OFFSET, scheduler.OVERDUE):
    reminder_lines(_kind, group=reminder_text, private=private_line, buttons=task_buttons)
reminder_lines(
    scheduler.PENDING, group=reminder_text, private=private_line, buttons=pending_buttons
)
reminder_lines(scheduler.ADHOC, group=_adhoc)


@registry.button(PRIVATE_ROUTE, gate="reminder.private", who=MEMBERS)
async def on_private_button(ctx: Ctx, parts: list[str]) -> None:
    """`v1:r:<committee id>:<route>:…`: a button of a private reminder runs the group card's
    button `<route>` for that committee, behind that button's own gate, as if pressed there."""
    inner = registry.BUTTONS.get(parts[1]) if len(parts) >= 2 else None
    if (
        inner is None
        or inner.route == PRIVATE_ROUTE
        or not parts[0].isdigit()
        or len(parts[0]) > 18
    ):
        raise DomainError("common.stale_button")
    committee = await ctx.services.committees.get(int(parts[0]))
    member = await ctx.services.roster.seat(committee, ctx.user.id) if committee else None
    if committee is None or member is None or not committee.active:
        raise DomainError("common.stale_button")
    lang = await reader_language(ctx.services, ctx.user.id, committee)
    acting = replace(ctx, committee=committee, member=member, lang=lang)
    if not inner.who.allows(acting.role):
        roles = ", ".join(
            acting.t(f"roles.{r}") for r in sorted(inner.who.roles, key=ROLE_ORDER.index)
        )
        raise DomainError("common.forbidden_button", roles=roles)
    rest = parts[2:]
    if inner.route == "t" and rest[:1] == ["p"] and len(rest) == 2 and rest[1].isdigit():
        # The card shows the percents in place of its buttons; here they come as a reply.
        view = await ctx.services.tasks.for_assignee(committee, member, int(rest[1]))
        keyboard = _privately(task_render.percent_keyboard(view.number, lang), committee.id)
        await ctx.message.reply_text(
            acting.t("batch.percent", number=view.number, title=view.task.item.title),
            reply_markup=keyboard,
        )
        await ctx.answer(acting.t("task.notice.choose_percent", number=view.number))
        return
    await inner.callback.__wrapped__(acting, rest)


def _privately(markup: InlineKeyboardMarkup, committee_id: int) -> InlineKeyboardMarkup:
    """A card keyboard whose buttons go through route `r` (its "back" row dropped)."""
    prefix = f"{CALLBACK_VERSION}:"
    wrapped = f"{prefix}{PRIVATE_ROUTE}:{committee_id}:"
    rows = []
    for row in markup.inline_keyboard:
        kept = [
            InlineKeyboardButton(b.text, callback_data=wrapped + b.callback_data[len(prefix) :])
            for b in row
            if b.callback_data and not b.callback_data.startswith(f"{prefix}t:b:")
        ]
        if kept:
            rows.append(kept)
    return InlineKeyboardMarkup(rows)


@command("remind", aliases=("nhac", "hennhac"), who=MANAGERS_ONLY, example="+2h Họp thử quyền")
async def remind(ctx: Ctx) -> None:
    """`/remind <date> <text>`: remind the group at that moment.
    Without arguments: the guided flow (handlers/flows.py)."""
    if not ctx.args.strip():
        await flows.begin(ctx, "remind")
        return
    text, rule = split_recurrence(ctx.args)  # `… hằng tháng`: a recurring reminder
    reminder = await ctx.services.reminders.add(ctx.committee, ctx.member, text)
    tz = ctx.committee.tz
    when = dates.format_datetime(reminder.due_at, tz, ctx.lang)
    done = ctx.t("remind.done", number=reminder.seq, when=when, text=reminder.text)
    if rule is not None:
        await ctx.services.series.start_reminder(ctx.committee, reminder, rule, ctx.member)
        every = ctx.t(f"recurring.every.{rule.every}")
        done = Html(done + "\n" + ctx.t("recurring.reminder_started", every=every))
    await ctx.reply(done)


@flows.finisher("remind")
async def remind_confirmed(ctx: Ctx, outcome: flows.Outcome) -> None:
    """✅ on the /remind flow: the one-line command with the same arguments."""
    await remind.__wrapped__(replace(ctx, args=outcome.text))


@command("reminders", aliases=("dsnhac", "lichnhac"), who=MEMBERS)
async def reminders(ctx: Ctx) -> None:
    """`/reminders`: the ad-hoc reminders (numbered) and the next automatic ones."""
    rows = await ctx.services.reminders.scheduled(ctx.committee)
    tz = ctx.committee.tz
    adhoc = [(r, i) for r, i in rows if r.kind == scheduler.ADHOC]
    auto = [(r, i) for r, i in rows if r.kind != scheduler.ADHOC][:10]
    lines = [ctx.t("reminders.header", count=len(adhoc))]
    if not adhoc:
        lines.append(ctx.t("reminders.empty"))
    for row, _ in adhoc:
        author = await ctx.services.roster.seat(ctx.committee, row.created_by or 0)
        when = dates.format_datetime(row.due_at, tz, ctx.lang)
        who = name(author, ctx.lang) if author else "—"
        lines.append(ctx.t("reminders.line", number=row.seq, when=when, text=row.text, author=who))
    if auto:
        lines += ["", ctx.t("reminders.auto_header")]
        for row, item in auto:
            kind = row.kind.removeprefix("task_")
            key = f"reminders.auto_{kind}" if has(f"reminders.auto_{kind}") else "batch.auto_item"
            what = ctx.t(key, number=item.number if item else 0, count=row.seq)
            when = dates.format_datetime(row.due_at, tz, ctx.lang)
            lines.append(ctx.t("reminders.auto_line", when=when, what=what))
    lines += ["", ctx.t("reminders.footer")]
    await ctx.reply(Html("\n".join(lines)))


@command("unremind", aliases=("huynhac",), who=SECRETARY_ONLY, example="1")
async def unremind(ctx: Ctx) -> None:
    """`/unremind N`: cancel ad-hoc reminder N."""
    word = ctx.args.strip().lstrip("#")
    if not (word.isascii() and word.isdigit()) or len(word) > 9:  # "²".isdigit() is true
        raise DomainError("unremind.usage")
    row = await ctx.services.reminders.cancel(ctx.committee, ctx.member, int(word))
    await ctx.say("unremind.done", number=row.seq, text=row.text)


@command("digest", aliases=("bantin", "tonghop"), who=MEMBERS, group="report")
async def digest(ctx: Ctx) -> None:
    """`/digest`: this week's digest now, in the reader's language."""
    data = await ctx.services.digest.build(ctx.committee)
    await ctx.reply(digest_render.render(data, ctx.lang))
