"""/remind, /reminders, /unremind, /digest, and the text of every automatic reminder."""

from __future__ import annotations

from dataclasses import replace

from bot import dates, scheduler
from bot.errors import DomainError
from bot.i18n import Html, has, t
from bot.permissions import MANAGERS_ONLY, MEMBERS, SECRETARY_ONLY
from bot.services.reminder_sweep import Dispatch
from handlers import digest_render, flows
from handlers.context import Ctx
from handlers.registry import command
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


def private_copy(d: Dispatch, lang: str, author: Member | None = None) -> Html:
    """The same reminder for one member's private chat, naming the committee."""
    text = reminder_text(d, lang, author)
    return t(lang, "reminder.private", title=d.committee.title, text=text)


@command("remind", aliases=("nhac", "hennhac"), who=MANAGERS_ONLY, example="+2h Họp thử quyền")
async def remind(ctx: Ctx) -> None:
    """`/remind <date> <text>`: remind the group at that moment.
    Without arguments: the guided flow (handlers/flows.py)."""
    if not ctx.args.strip():
        await flows.begin(ctx, "remind")
        return
    reminder = await ctx.services.reminders.add(ctx.committee, ctx.member, ctx.args)
    tz = ctx.committee.tz
    when = dates.format_datetime(reminder.due_at, tz, ctx.lang)
    await ctx.say("remind.done", number=reminder.seq, when=when, text=reminder.text)


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
            what = ctx.t(f"reminders.auto_{kind}", number=item.number if item else 0, count=row.seq)
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
