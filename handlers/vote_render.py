"""Pure rendering of votes: poll texts, motion card and buttons, results, /show, /pending."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import dates
from bot.i18n import Html, t
from bot.pass_rule import CHOICES
from bot.services.votes import Tally
from handlers import programme_render
from handlers.callbacks import CALLBACK_VERSION, pack
from handlers.render import mention, name, pending_name
from storage.committees import Committee
from storage.members import Member
from storage.programmes import Programme
from storage.votes import Ballot, Vote

ROUTE = "v"
CODES = {"for": "f", "against": "a", "abstain": "s"}
CHOICE_OF = {code: choice for choice, code in CODES.items()}


def poll_question(vote: Vote) -> str:
    """The native poll's question: `#N question` (plain text, as Telegram shows it)."""
    return f"#{vote.item.number} {vote.item.title}"


def _when(committee: Committee, moment, lang: str) -> str:
    return dates.format_datetime(moment, committee.tz, lang)


def _names(
    members: list[Member], lang: str, *, notify: bool = False, acting: dict | None = None
) -> Html:
    if not members:
        return t(lang, "vote.nobody")
    acting = acting or {}

    def one(m: Member) -> Html:
        shown = mention(m, lang) if notify else name(m, lang)
        if m.id not in acting:
            return shown
        return t(lang, "standin.on_behalf", standin=name(acting[m.id], lang), member=shown)

    return Html(", ".join(str(one(m)) for m in members))


def _deadline(committee: Committee, vote: Vote, lang: str) -> Html:
    if vote.item.deadline is None:
        return t(lang, "poll.no_deadline")
    return t(lang, "vote.deadline", when=_when(committee, vote.item.deadline, lang))


def poll_opened(
    vote: Vote, committee: Committee, lang: str, programme: Programme | None = None
) -> Html:
    """What the bot says under a new poll: number, programme, deadline, and whether it knows
    who voted."""
    note = "poll.anon_note" if vote.anonymous else "poll.named_note"
    text = t(
        lang,
        "poll.opened",
        number=vote.item.number,
        deadline=_deadline(committee, vote, lang),
        note=t(lang, note, number=vote.item.number),
    )
    return programme_render.under_header(text, programme, lang)


def motion_card(tally: Tally, committee: Committee, lang: str) -> Html:
    """The motion card: motion, deadline, rule, and the live `voted X of Y` counter."""
    vote = tally.vote
    key = "vote.card" if vote.is_open else "vote.card_closed"
    text = t(
        lang,
        key,
        number=vote.item.number,
        title=vote.item.title,
        deadline=_deadline(committee, vote, lang),
        voted=tally.voters,
        eligible=len(tally.eligible),
    )
    return programme_render.under_header(text, tally.programme, lang)


def motion_keyboard(vote: Vote, lang: str) -> InlineKeyboardMarkup:
    """For / Against / Abstain."""
    buttons = [
        InlineKeyboardButton(
            t(lang, f"vote.button.{choice}"),
            callback_data=pack(CALLBACK_VERSION, ROUTE, "b", vote.item.id, CODES[choice]),
        )
        for choice in CHOICES
    ]
    return InlineKeyboardMarkup([buttons])


def _who_chose(tally: Tally, lang: str) -> list[Html]:
    lines = []
    if tally.vote.is_poll:
        for index, option in enumerate(tally.vote.options):
            chose = [m for m in tally.eligible if index in tally.choices.get(m.id, ())]
            count = tally.option_counts[index] if index < len(tally.option_counts) else 0
            key = "poll.option_named" if chose else "poll.option_line"
            lines.append(
                t(
                    lang,
                    key,
                    option=option,
                    count=count,
                    names=_names(chose, lang, acting=tally.acting),
                )
            )
        return lines
    for choice in CHOICES:
        chose = [m for m in tally.eligible if tally.choices.get(m.id) == choice]
        lines.append(
            t(
                lang,
                "vote.choice_line" if chose else "vote.choice_count",
                choice=t(lang, f"vote.choice.{choice}"),
                count=len(chose),
                names=_names(chose, lang, acting=tally.acting),
            )
        )
    return lines


def _turnout(tally: Tally, lang: str) -> list[Html]:
    eligible = len(tally.eligible)
    if tally.vote.anonymous:
        return [t(lang, "poll.anon_turnout", voters=tally.voters, eligible=eligible)]
    lines = [t(lang, "vote.turnout", voted=tally.voters, eligible=eligible)]
    lines.append(t(lang, "vote.non_voters", names=_names(tally.non_voters, lang)))
    if tally.others:
        lines.append(t(lang, "vote.others", count=tally.others))
    return lines


def result(tally: Tally, committee: Committee, lang: str) -> Html:
    """The result posted at close (by /close or at the deadline)."""
    vote = tally.vote
    lines = [t(lang, "poll.result" if vote.is_poll else "vote.result", number=vote.item.number,
               title=vote.item.title)]  # fmt: skip
    decision = tally.decision
    if decision is not None:
        lines.append(t(lang, "vote.passed" if decision.passed else "vote.rejected"))
        lines.append(
            t(
                lang,
                f"vote.rule.{decision.rule}",
                eligible=decision.eligible,
                needed=decision.needed,
                votes_for=decision.votes_for,
            )
        )
        if tally.closed_early and decision.not_voted:
            lines.append(
                t(lang, "vote.early_rule", eligible=decision.eligible, silent=decision.not_voted)
            )
    lines += _who_chose(tally, lang)
    lines += _turnout(tally, lang)
    return Html("\n".join(lines))


def view(
    tally: Tally,
    history: list[Ballot],
    people: dict[int, Member],
    committee: Committee,
    lang: str,
) -> Html:
    """`/show N` for a vote: state, counts so far, who chose what, and the ballot history."""
    vote = tally.vote
    kind = "poll" if vote.is_poll else "motion"
    state = (
        t(lang, "vote.state_open")
        if vote.is_open
        else t(lang, "vote.state_closed", when=_when(committee, vote.item.closed_at, lang))
    )
    lines = [
        t(lang, f"vote.show_{kind}", number=vote.item.number, title=vote.item.title),
        *programme_render.card_lines(tally.programme, lang),
        t(lang, "vote.state", state=state),
        _deadline(committee, vote, lang),
    ]
    if vote.is_poll:
        flags = [t(lang, "poll.flag_multi")] if vote.multi else []
        flags.append(t(lang, "poll.flag_anon" if vote.anonymous else "poll.flag_named"))
        lines.append(Html(" · ".join(flags)))
    if not vote.is_open and (decision := tally.decision) is not None:
        lines.append(t(lang, "vote.passed" if decision.passed else "vote.rejected"))
    lines += _who_chose(tally, lang)
    lines += _turnout(tally, lang)
    if history and not vote.anonymous:
        lines.append(t(lang, "vote.history"))
        tz = committee.tz
        for ballot in history:
            lines.append(_history_line(vote, ballot, people.get(ballot.user_id), tz, lang))
    return Html("\n".join(lines))


def _history_line(vote: Vote, ballot: Ballot, member: Member | None, tz, lang: str) -> Html:
    who = name(member, lang) if member else t(lang, "vote.someone", user_id=ballot.user_id)
    if vote.is_poll:
        picked = [vote.options[i] for i in ballot.choice if i < len(vote.options)]
        what = ", ".join(picked) if picked else t(lang, "poll.retracted")
    else:
        what = t(lang, f"vote.choice.{ballot.choice}")
    key = "vote.history_late" if ballot.late else "vote.history_line"
    return t(lang, key, at=dates.format_short(ballot.at, tz), who=who, what=what)


def pending(tally: Tally, lang: str, acting: dict[int, Member] | None = None) -> Html:
    """`/pending N`: mention who has not voted (or who acts for them today, where `acting`
    says so), or why that cannot be known."""
    number = tally.vote.item.number
    if tally.vote.anonymous:
        return t(lang, "poll.pending_anon", number=number)
    if not tally.non_voters:
        return t(lang, "vote.pending_none", number=number)
    return t(
        lang,
        "vote.pending",
        number=number,
        count=len(tally.non_voters),
        eligible=len(tally.eligible),
        names=Html(
            ", ".join(pending_name(m, (acting or {}).get(m.id), lang) for m in tally.non_voters)
        ),
    )
