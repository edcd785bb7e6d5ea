"""/standin: a stand-in (ủy quyền) for a range of dates, and the /members lines about them."""

from __future__ import annotations

import re

from bot.errors import DomainError
from bot.i18n import Html, t
from bot.permissions import MEMBERS
from bot.services.roster import Person
from bot.services.standins import OFF_WORDS, StandinView
from handlers.context import Ctx
from handlers.parsing import leading_people
from handlers.registry import command
from handlers.render import mention, name
from storage.members import Member

MENU_RANK = 60
HELP_GROUP = "members"  # /help heading


def _dmy(day) -> str:
    return f"{day:%d/%m}/{day.year:04}"


def with_standins(text: str, dispatch, lang: str) -> Html:
    """A reminder's group block with who acts today for the members it concerns (mentioned, so
    they are notified): `🔁 B (thay đồng chí A)`."""
    if not dispatch.standins:
        return Html(text)
    names = ", ".join(
        t(lang, "standin.on_behalf", standin=mention(acting, lang), member=name(member, lang))
        for member, acting in dispatch.standins
    )
    return Html(f"{text}\n{t(lang, 'standin.reminder_line', names=Html(names))}")


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


_BEHALF = re.compile(r"(?:^|\s)(?:thay|cho|for)\s+@([A-Za-z0-9_]{3,32})(?=\s|$)", re.IGNORECASE)


def split_behalf(text: str) -> tuple[str, str | None]:
    """`… thay @a …` (also `cho @a`, `for @a`) anywhere in `text`: (the text without it, the
    username), else (text, None)."""
    found = _BEHALF.search(text)
    if found is None:
        return text, None
    return " ".join((text[: found.start()] + text[found.end() :]).split()), found[1].lower()


async def behalf_seat(ctx: Ctx, username: str | None) -> Member:
    """The seat the caller acts as: their own, or (`thay @a`) the member they stand in for
    today; anyone else is refused (`standin.not_for`)."""
    if username is None:
        return ctx.member
    person = Person(username=username)
    return await ctx.services.standins.acting_as(ctx.committee, ctx.member, person)


def acting_name(ctx: Ctx, seat: Member) -> Html | str:
    """`B (thay đồng chí A)` when the caller acts for `seat`, else the caller's name."""
    if seat.id == ctx.member.id:
        return seat.display_name
    return ctx.t("standin.on_behalf", standin=name(ctx.member, ctx.lang),
                 member=name(seat, ctx.lang))  # fmt: skip


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
