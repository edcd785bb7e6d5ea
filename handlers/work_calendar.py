"""/holiday, /workday and /holidays: the committee's working calendar (issue 17)."""

from __future__ import annotations

from bot import dates
from bot.errors import DomainError
from bot.i18n import Html
from bot.permissions import MEMBERS, SECRETARY_OR_CHAIR
from handlers.context import Ctx
from handlers.registry import command

MENU_RANK = 35  # beside /settings
HELP_GROUP = "settings"  # /help heading
ADD_WORDS = frozenset({"add", "them", "thêm"})
REMOVE_WORDS = frozenset({"remove", "xoa", "xoá", "xóa", "bo", "bỏ"})


def _span(first, last, lang: str) -> str:
    if first == last:
        return dates.format_day(first, lang)
    return f"{dates.format_day(first, lang)} – {dates.format_day(last, lang)}"


def _verb(args: str) -> tuple[str, str]:
    word, _, rest = args.strip().partition(" ")
    word = word.lower()
    if word in ADD_WORDS:
        return "add", rest
    if word in REMOVE_WORDS:
        return "remove", rest
    return "", rest


@command(
    "holiday",
    aliases=("ngaynghi",),
    who=SECRETARY_OR_CHAIR,
    example="add 18/12/2026 Nghỉ bù",
)
async def holiday(ctx: Ctx) -> None:
    """`/holiday add <date>[-<date>] [note]` · `/holiday remove <date>`: days off."""
    verb, rest = _verb(ctx.args)
    service = ctx.services.work_calendar
    if verb == "add":
        first, last, count, note = await service.add_days_off(ctx.committee, ctx.member, rest)
        key = "holiday.added_note" if note else "holiday.added"
        await ctx.say(key, days=_span(first, last, ctx.lang), count=count,
                      note=note)  # fmt: skip
    elif verb == "remove":
        day = await service.remove_day_off(ctx.committee, ctx.member, rest)
        await ctx.say("holiday.removed", day=dates.format_day(day, ctx.lang))
    else:
        raise DomainError("holiday.usage")


@command("workday", aliases=("lamviecbu", "ngaylamviec"), who=SECRETARY_OR_CHAIR,
         example="add 19/12/2026")  # fmt: skip
async def workday(ctx: Ctx) -> None:
    """`/workday add <date> [note]` · `/workday remove <date>`: make-up working days."""
    verb, rest = _verb(ctx.args)
    service = ctx.services.work_calendar
    if verb == "add":
        day, note = await service.add_workday(ctx.committee, ctx.member, rest)
        key = "workday.added_note" if note else "workday.added"
        await ctx.say(key, day=dates.format_day(day, ctx.lang), note=note)
    elif verb == "remove":
        day = await service.remove_workday(ctx.committee, ctx.member, rest)
        await ctx.say("workday.removed", day=dates.format_day(day, ctx.lang))
    else:
        raise DomainError("workday.usage")


@command("holidays", aliases=("lichnghi", "ngayle"), who=MEMBERS, example="2027")
async def holidays(ctx: Ctx) -> None:
    """`/holidays [year]`: public holidays, the committee's days off and make-up days."""
    service = ctx.services.work_calendar
    year = service.year_of(ctx.committee, ctx.args)
    entries = service.entries(ctx.committee, year, ctx.lang)
    lines = [ctx.t("holidays.header", year=year)]
    for entry in entries:
        day = dates.format_day(entry.day, ctx.lang)
        note = f": {entry.name}" if entry.name and entry.kind in ("off", "work") else ""
        lines.append(ctx.t(f"holidays.line_{entry.kind}", day=day, name=entry.name, note=note))
    if not entries:
        lines.append(ctx.t("holidays.empty"))
    lines += ["", ctx.t("holidays.footer")]
    await ctx.reply(Html("\n".join(lines)))
