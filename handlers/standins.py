"""/standin: a stand-in (ủy quyền) for a range of dates, and the /members lines about them."""

from __future__ import annotations

from bot.errors import DomainError
from bot.i18n import Html, t
from bot.permissions import MEMBERS
from bot.services.standins import OFF_WORDS, StandinView
from handlers.context import Ctx
from handlers.parsing import leading_people
from handlers.registry import command
from handlers.render import name

MENU_RANK = 60
HELP_GROUP = "members"  # /help heading


def _dmy(day) -> str:
    return f"{day:%d/%m}/{day.year:04}"


def section(views: list[StandinView], lang: str) -> str:
    """`/members`: who stands in for whom, and when ("" when nobody does)."""
    if not views:
        return ""
    lines = [t(lang, "standin.members_heading")]
    for view in views:
        lines.append(
            t(
                lang,
                "standin.members_line",
                standin=name(view.acting, lang),
                member=name(view.member, lang),
                first=_dmy(view.standin.starts_on),
                last=_dmy(view.standin.ends_on),
            )
        )
    return "\n".join(lines)


@command("standin", aliases=("uyquyen",), who=MEMBERS, example="@so_tttt 07/12/2026-11/12/2026")
async def standin(ctx: Ctx) -> None:
    """`/standin @b <from>-<to>` · `/standin @a @b <from>-<to>` · `/standin off [@a]`."""
    service = ctx.services.standins
    word, _, rest = ctx.args.strip().partition(" ")
    if word.lower() in OFF_WORDS:
        people, _ = leading_people(ctx.message, rest) if rest.strip() else ([], "")
        if len(people) > 1:
            raise DomainError("standin.usage")
        ended = await service.end(ctx.committee, ctx.member, people[0] if people else None)
        await ctx.say("standin.ended", member=name(ended[0].member, ctx.lang),
                      standin=Html(", ".join(name(v.acting, ctx.lang) for v in ended)))  # fmt: skip
        return
    people, span = leading_people(ctx.message, ctx.args)
    view = await service.name(ctx.committee, ctx.member, people, span)
    await ctx.say(
        "standin.named",
        standin=name(view.acting, ctx.lang),
        member=name(view.member, ctx.lang),
        first=_dmy(view.standin.starts_on),
        last=_dmy(view.standin.ends_on),
    )
