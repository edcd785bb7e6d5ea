"""/poll, /vote, the For / Against / Abstain buttons, poll updates, and /show /close /pending N.

Polls are native Telegram polls, named unless `anon`; ballots come from `poll_answer` updates
(anonymous polls: only counts, from `poll` updates and stopPoll). Motion cards carry a live
"voted X of Y" counter, kept up to date by the one card editor (handlers/cards.py).
"""

from __future__ import annotations

import logging
from dataclasses import replace

from telegram import Bot, Update
from telegram.error import TelegramError
from telegram.ext import Application, PollAnswerHandler, PollHandler

from bot.answer_words import read_ballot
from bot.delivery import purposes
from bot.errors import DomainError
from bot.permissions import MANAGERS_ONLY, MEMBERS, VOTERS
from bot.services.votes import Tally
from bot.wiring.graph import Services
from handlers import flows
from handlers import vote_render as cards
from handlers.cards import Card, card_editor, card_kind
from handlers.context import Ctx, services_of
from handlers.outbox import outbox_of, post, settle
from handlers.registry import (
    auto_closer,
    button,
    close_check,
    command,
    gate,
    item_closer,
    item_pending,
    item_view,
    on_update,
)
from handlers.standins import behalf_seat, split_behalf
from handlers.state import Context, state_of
from storage.committees import Committee
from storage.items import Item
from storage.votes import Vote

log = logging.getLogger(__name__)

MENU_RANK = 50
HELP_GROUP = "vote"  # /help heading (handlers/registry.py, `command`)
CREATE = gate(
    "vote.create",
    who=MANAGERS_ONLY,
    via="vote",
    example="Thông qua Quy chế hạn 20/12",
    refusal="vote.create_forbidden",
)


@command(
    "poll",
    aliases=("thamdo",),
    who=MANAGERS_ONLY,
    example="Chọn địa điểm | Hà Nội | Quảng Trị hạn 20/12",
)
async def poll(ctx: Ctx) -> None:
    """`/poll <question> | <option> | <option> … [due <date>] [multi] [anon]`.
    Without arguments: the guided flow (handlers/flows.py)."""
    if not ctx.args.strip():
        await flows.begin(ctx, "poll")
        return
    votes = ctx.services.votes
    vote = await votes.create_poll(ctx.committee, ctx.member, ctx.args)
    outbox = outbox_of(ctx.context.application)
    await outbox.poll(  # plain text: no parse mode, so no markup injection
        ctx.chat.id, cards.poll_question(vote), list(vote.options),
        anonymous=vote.anonymous, multi=vote.multi, thread_id=ctx.thread_id,
        reply_to=ctx.message.message_id, committee_id=ctx.committee.id,
        purpose=purposes.VOTE_POLL, ref_id=vote.item.id,
    )  # fmt: skip
    await settle(outbox)
    programme = await ctx.services.programmes.of_item(vote.item.id)
    await ctx.reply(cards.poll_opened(vote, ctx.committee, ctx.group_lang, programme))


@command("vote", aliases=("bieuquyet",), who=MEMBERS, example="{motion} tán thành")
async def vote(ctx: Ctx) -> None:
    """`/vote N tán thành|không tán thành|không biểu quyết`: a ballot (as the buttons);
    `/vote <motion> due <date>` (managers): a formal motion with For / Against / Abstain buttons;
    without arguments (managers): the guided flow (handlers/flows.py)."""
    votes = ctx.services.votes
    args, behalf = split_behalf(ctx.args)  # `/vote N tán thành thay @a`: a stand-in (issue 17)
    ballot = read_ballot(args) if behalf else None
    if ballot is None:
        ballot, behalf = read_ballot(ctx.args), None
    if ballot is not None:
        seat = await behalf_seat(ctx, behalf)
        acting = ctx.member if seat.id != ctx.member.id else None
        cast = await votes.cast_number(ctx.committee, seat, *ballot, acting=acting)
        key = "vote.cast_done" if cast.changed else "vote.cast_same"
        await ctx.say(key, choice=ctx.t(f"vote.choice.{cast.after}"), number=cast.vote.item.number)
        if cast.changed:
            await card_editor(ctx.context.application).changed("vote", cast.vote.item.id)
        return
    if not CREATE.allows(ctx.role):
        await ctx.say(CREATE.refusal)
        return
    if not ctx.args.strip():
        await flows.begin(ctx, "vote")
        return
    motion = await votes.create_motion(ctx.committee, ctx.member, ctx.args)
    lang = ctx.group_lang
    text = cards.motion_card(await votes.tally(motion), ctx.committee, lang)
    keyboard = cards.motion_keyboard(motion, lang)
    await ctx.post(text, keyboard, purpose=purposes.VOTE_CARD, ref_id=motion.item.id)
    card_editor(ctx.context.application).posted("vote", motion.item.id, text, keyboard)


@flows.finisher("poll")
@flows.finisher("vote")
async def confirmed(ctx: Ctx, outcome: flows.Outcome) -> None:
    """✅ on the /poll or /vote flow: the one-line command with the same arguments."""
    run = poll if outcome.kind == "poll" else vote
    await run.__wrapped__(replace(ctx, args=outcome.text))


@button("v", gate="vote.ballot", who=VOTERS)
async def on_button(ctx: Ctx, parts: list[str]) -> None:
    """`v1:v:b:<item id>:<f|a|s>`: a member's ballot on a motion."""
    if ctx.committee is None or len(parts) != 3 or parts[0] != "b" or not parts[1].isdigit():
        raise DomainError("common.stale_button")
    choice = cards.CHOICE_OF.get(parts[2])
    if choice is None:
        raise DomainError("common.stale_button")
    cast = await ctx.services.votes.cast(ctx.committee, ctx.member, int(parts[1]), choice)
    key = "vote.cast_done" if cast.changed else "vote.cast_same"
    shown = ctx.t(f"vote.choice.{choice}")
    await ctx.answer(ctx.t(key, choice=shown, number=cast.vote.item.number))
    if cast.changed:
        await card_editor(ctx.context.application).changed("vote", cast.vote.item.id)


@on_update(PollAnswerHandler)
async def on_poll_answer(update: Update, context: Context) -> None:
    """Record a named poll's answer (or retraction) as a ballot."""
    answer = update.poll_answer
    if answer is None or answer.user is None:  # answered on behalf of a chat: nobody to count
        return
    await services_of(context).votes.record_poll_answer(
        answer.poll_id, answer.user.id, list(answer.option_ids)
    )


@on_update(PollHandler)
async def on_poll(update: Update, context: Context) -> None:
    """Keep a poll's counts (all an anonymous poll tells)."""
    state = update.poll
    if state is None:
        return
    counts = [option.voter_count for option in state.options]
    await services_of(context).votes.record_poll_counts(state.id, counts, state.total_voter_count)


# ---------------------------------------------------------------------- /show /pending /close
@item_view("vote")
async def show_vote(ctx: Ctx, item: Item) -> None:
    """`/show N` for a vote."""
    votes = ctx.services.votes
    vote_ = await votes.of_item(item)
    people = {
        m.user_id: m
        for m in await ctx.services.members.list(ctx.committee.id, active_only=False)
        if m.user_id is not None
    }
    text = cards.view(
        await votes.tally(vote_), await votes.history(vote_), people, ctx.committee, ctx.lang
    )
    await ctx.reply(text)


@item_pending("vote")
async def pending_vote(ctx: Ctx, item: Item) -> None:
    """`/pending N` for a vote: mention who has not voted."""
    tally, acting = await ctx.services.votes.pending_view(item)
    await ctx.reply(cards.pending(tally, ctx.lang, acting))


@close_check("vote")
async def early_vote(ctx: Ctx, item: Item):
    """Before an early `/close N` of a motion: how many have not voted (polls close at once)."""
    return await ctx.services.votes.early_close(item)


@item_closer("vote")
async def close_vote(ctx: Ctx, item: Item) -> None:
    """`/close N` for a vote: stop the poll, freeze and post the result."""
    tally = await ctx.services.votes.close(item, ctx.member, stopper(ctx.context.bot, ctx.services))
    await post_result(ctx.context.application, ctx.committee, tally)


@auto_closer
async def auto_close(app: Application, now, committee_ids=None) -> None:
    """Close every vote whose deadline has passed (in the committees that may be disturbed now)
    and post exactly what /close posts."""
    services: Services = state_of(app).services
    for tally in await services.votes.close_due(now, stopper(app.bot, services), committee_ids):
        committee = await services.committees.get(tally.item.committee_id)
        try:
            await post_result(app, committee, tally)
        except Exception:  # one item's failure must not stop the others' results
            log.exception("could not post the result of vote %s", tally.item.id)


def stopper(bot: Bot, services: Services):
    """stopPoll for the service's close: the final counts, or None if Telegram refused."""

    async def stop(vote: Vote) -> dict | None:
        if vote.item.message_id is None:
            return None
        committee = await services.committees.get(vote.item.committee_id)
        try:
            final = await bot.stop_poll(committee.chat_id, vote.item.message_id)
        except TelegramError as exc:  # already stopped, deleted, migrated: the DB still closes
            log.warning("stopPoll for vote %s failed: %s", vote.item.id, exc)
            return None
        return {"counts": [o.voter_count for o in final.options], "voters": final.total_voter_count}

    return stop


async def post_result(app: Application, committee: Committee, tally: Tally) -> None:
    """Post a closed vote's result to the group; a motion's card loses its buttons."""
    if not tally.vote.is_poll:
        await card_editor(app).edit_now("vote", tally.item.id)
    text = cards.result(tally, committee, committee.language)
    await post(outbox_of(app), committee, text, purpose=purposes.VOTE_RESULT, ref_id=tally.item.id)


# ---------------------------------------------------------------------- the live card
@card_kind("vote")  # edited at once; presses during an edit are coalesced into one more edit
async def motion_card(services: Services, item_id: int, tally: Tally | None = None) -> Card | None:
    """A motion's card as it should look now (None for polls and before it was posted)."""
    vote_ = tally.vote if tally else await services.votes.get(item_id)
    if vote_ is None or vote_.is_poll or vote_.item.message_id is None:
        return None
    committee = await services.committees.get(vote_.item.committee_id)
    lang = committee.language
    text = cards.motion_card(tally or await services.votes.tally(vote_), committee, lang)
    keyboard = cards.motion_keyboard(vote_, lang) if vote_.is_open else None
    return Card(committee.chat_id, vote_.item.message_id, text, keyboard)
