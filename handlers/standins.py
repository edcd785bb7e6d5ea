"""/standin: a stand-in (ủy quyền) for a range of dates, and the /members lines about them."""

from __future__ import annotations

from bot.errors import DomainError
from bot.i18n import Html, t
from bot.models import Role
from bot.permissions import MEMBERS, VOTERS
from bot.services.standins import OFF_WORDS, StandinView
from handlers.cards import card_editor
from handlers.context import Ctx
from handlers.parsing import item_number, leading_people
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


BEHALF_WORDS = ("thay", "for", "cho")


async def on_behalf(ctx: Ctx, text: str) -> tuple[Member, str]:
    """`thay @a rest` / `for @a rest` at the start of `text`: the member the caller stands in
    for today (refused unless they do) and the rest; otherwise (the caller's own seat, text)."""
    word, _, after = text.strip().partition(" ")
    if word.lower() not in BEHALF_WORDS:
        return ctx.member, text
    people, rest = leading_people(ctx.message, after.strip())
    if len(people) != 1:
        return ctx.member, text
    return await ctx.services.standins.acting_as(ctx.committee, ctx.member, people[0]), rest


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


BALLOT_WORDS = {
    "for": "for", "yes": "for", "tanthanh": "for", "tán thành": "for", "dongy": "for",
    "against": "against", "no": "against", "khongtanthanh": "against", "phandoi": "against",
    "abstain": "abstain", "khongbieuquyet": "abstain", "trongphieu": "abstain",
}  # fmt: skip


@command("ballot", aliases=("bophieu",), who=VOTERS, example="{motion} for",
         told={Role.SECRETARY: "vote.not_voter"})  # fmt: skip
async def ballot(ctx: Ctx) -> None:
    """`/ballot N for|against|abstain [thay @a]`: a ballot on motion N, by text; a stand-in
    names the member they vote for (counted only with `/settings proxyvote on`)."""
    number, rest = item_number(ctx.args, "ballot.usage")
    word, _, rest = rest.partition(" ")
    choice = BALLOT_WORDS.get(word.lower())
    if choice is None:
        raise DomainError("ballot.usage")
    seat, rest = await on_behalf(ctx, rest)
    if rest.strip():
        raise DomainError("ballot.usage")
    item = await ctx.services.items.by_number(ctx.committee.id, number)
    if item is None or item.kind != "vote":
        raise DomainError("item.not_found", number=number)
    acting = ctx.member if seat.id != ctx.member.id else None
    cast = await ctx.services.votes.cast(ctx.committee, seat, item.id, choice, acting=acting)
    key = "vote.cast_done" if cast.changed else "vote.cast_same"
    await ctx.say(key, choice=ctx.t(f"vote.choice.{choice}"), number=number)
    if cast.changed:
        await card_editor(ctx.context.application).changed("vote", item.id)
