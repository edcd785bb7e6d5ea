"""Guided flows in the chat (the engine: bot/services/flows.py; the flows: flow_specs.py).

A command typed without arguments calls `begin(ctx, kind)`; the flow's card (edited in place at
each step) carries its buttons (`v1:f:…`), a typed answer is a reply to its ForceReply prompt
(or to the card), and ✅ on the summary hands the one-line command's arguments to the kind's
finisher, declared beside that command with `@finisher(kind)`. Messages go out after the
update's commit. Expired flows get their card's note from a job every minute (`expire`), or
at the next touch if that comes first.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from telegram import ForceReply, Update
from telegram.error import TelegramError
from telegram.ext import Application

from bot.errors import DomainError
from bot.i18n import t
from bot.permissions import MANAGERS_ONLY, MEMBERS
from bot.services import flow_specs  # noqa: F401 - declares the five flows
from bot.services.flows import SPECS, Flow, FlowMoved, Outcome
from handlers import flow_render, registry
from handlers.context import GROUP_TYPES, Ctx, reader_language, services_of
from handlers.registry import button, on_start, text_consumer
from handlers.state import Context, state_of

__all__ = ["FINISHERS", "Outcome", "begin", "expire", "finisher", "show"]

log = logging.getLogger(__name__)

EXPIRY_INTERVAL = 60  # seconds between two looks for expired flows
Finisher = Callable[[Ctx, Outcome], Awaitable[None]]
FINISHERS: dict[str, Finisher] = {}


def finisher(kind: str) -> Callable[[Finisher], Finisher]:
    """Declare what ✅ does for flows of `kind`: `async fn(ctx, outcome)` runs the command's own
    code with the outcome's people, text and document (inside the flow's closing transaction)."""

    def declare(fn: Finisher) -> Finisher:
        FINISHERS[kind] = fn
        return fn

    return declare


async def _later(services, fn: Callable[[], Awaitable[None]]) -> None:
    """Run `fn` once this update's writes are committed (now, outside an update)."""
    unit = services.db.current_unit()
    if unit is None:
        await fn()
    else:
        unit.after_commit(fn)


async def begin(
    ctx: Ctx,
    kind: str,
    document: tuple[str, str | None] | None = None,
    given: dict | None = None,
) -> None:
    """Start the guided flow of `kind` for the caller, in this chat (`given`: answers already
    known, e.g. `{"lead": seat id}` when the command replied to that person)."""
    flows = ctx.services.flows
    flow, replaced = await flows.start(
        ctx.committee, ctx.member, kind, ctx.chat.id, ctx.thread_id, document, given
    )
    app, lang, reply_to = ctx.context.application, ctx.lang, ctx.message.message_id

    async def show_now() -> None:
        for old in replaced:
            await _close_card(app, old, "replaced", lang)
        await show(app, flow, lang, reply_to=reply_to, prompt=flow.awaits_text, new=True)

    await _later(ctx.services, show_now)


async def show(
    app: Application,
    flow: Flow,
    lang: str,
    *,
    reply_to: int | None = None,
    prompt: bool = False,
    new: bool = False,
) -> None:
    """Post or edit the flow's card for its current step; ask for a typed answer if `prompt`."""
    services, bot = state_of(app).services, app.bot
    author = await services.roster.seat(flow.committee, flow.row.user_id)
    step = flow.step
    paged = ("one", "many", "programme")
    page = await services.flows.page(flow) if step and step.kind in paged else None
    quick = services.flows.quick_deadlines(flow) if step and step.kind == "when" else []
    text, keyboard = flow_render.card(flow, author, page, quick, lang)
    chat, thread = flow.row.chat_id, flow.row.thread_id
    try:
        if new or flow.row.card_message_id is None:
            sent = await bot.send_message(
                chat, text, reply_markup=keyboard, message_thread_id=thread,
                reply_to_message_id=reply_to,
            )  # fmt: skip
            await services.flows.set_messages(flow, card=sent.message_id)
        else:
            await bot.edit_message_text(text, chat, flow.row.card_message_id, reply_markup=keyboard)
        if prompt:
            placeholder = t(lang, "flow.placeholder")
            asked = await bot.send_message(
                chat, flow_render.prompt(flow, author, lang), message_thread_id=thread,
                reply_to_message_id=reply_to,
                reply_markup=ForceReply(selective=True, input_field_placeholder=placeholder[:64]),
            )  # fmt: skip
            await services.flows.set_messages(flow, prompt=asked.message_id)
    except TelegramError as exc:  # e.g. "message is not modified", or the card was deleted
        log.warning("flow %s: card not shown: %s", flow.id, exc)


async def _close_card(app: Application, flow: Flow, status: str, lang: str) -> None:
    """The flow's card says how it ended, without buttons."""
    if flow.row.card_message_id is None:
        return
    cmd = registry.by_word()[flow.spec.kind]
    word = cmd.aliases[0] if lang == "vi" and cmd.aliases else cmd.name  # /giaoviec in Vietnamese
    try:
        await app.bot.edit_message_text(
            flow_render.ended(flow, status, lang, word), flow.row.chat_id, flow.row.card_message_id
        )
    except TelegramError as exc:
        log.warning("flow %s: card not closed: %s", flow.id, exc)


@button(flow_render.ROUTE, gate="flow.step", who=MEMBERS)
async def on_button(ctx: Ctx, parts: list[str]) -> None:
    """`v1:f:<flow>:<step>:<op>[:<arg>]`: p pick · g page · n next · k switch · q quick date ·
    t type a date · z no deadline · c programme (0: none) · b back · x cancel · ok create."""
    if len(parts) < 3 or not (parts[0].isdigit() and parts[1].isdigit()):
        raise DomainError("common.stale_button")
    flows, app = ctx.services.flows, ctx.context.application
    flow_id, op, arg = int(parts[0]), parts[2], parts[3] if len(parts) > 3 else ""
    try:
        before = await flows.touch(flow_id, ctx.user.id, ctx.chat.id, int(parts[1]))
    except FlowMoved as moved:
        current = await flows.get(flow_id)
        await _later(ctx.services, lambda: show(app, current, ctx.lang))
        raise moved
    except DomainError as err:
        if err.key == "flow.expired":
            gone = await flows.get(flow_id)
            await _later(ctx.services, lambda: _close_card(app, gone, "expired", ctx.lang))
        raise
    if op == "x":
        gone = await flows.cancel(before)
        await _later(ctx.services, lambda: _close_card(app, gone, "cancelled", ctx.lang))
        await ctx.answer(ctx.t("flow.notice.cancelled"))
        return
    if op == "ok":
        await _confirm(ctx, before)
        return
    after = await _move(flows, before, op, arg)
    moved_on = (after.row.step, after.row.typing) != (before.row.step, before.row.typing)
    await _later(
        ctx.services, lambda: show(app, after, ctx.lang, prompt=moved_on and after.awaits_text)
    )
    await ctx.answer(ctx.t("flow.notice.typing" if after.awaits_text else "flow.notice.ok"))


async def _move(flows, flow: Flow, op: str, arg: str) -> Flow:
    if op == "p" and arg.isdigit():
        return await flows.pick(flow, int(arg))
    if op == "g" and arg.isdigit():
        return await flows.turn(flow, int(arg))
    if op == "n":
        return await flows.next(flow)
    if op == "k":
        return await flows.toggle(flow, arg)
    if op == "q":
        return await flows.quick(flow, arg)
    if op == "t":
        return await flows.ask_typed(flow)
    if op == "z":
        return await flows.no_deadline(flow)
    if op == "c" and arg.isdigit():
        return await flows.choose(flow, int(arg))
    if op == "b":
        return await flows.back(flow)
    raise DomainError("common.stale_button")


async def _confirm(ctx: Ctx, flow: Flow) -> None:
    """✅: the command's own rule is checked again, then its finisher creates the item."""
    command = registry.by_word()[flow.spec.kind]
    if not registry.creating_rule(command).allows(ctx.role):
        raise DomainError("flow.no_longer_allowed", command=command.name)
    done = await ctx.services.flows.get(flow.id)
    await ctx.services.flows.complete(flow, lambda outcome: FINISHERS[flow.spec.kind](ctx, outcome))
    app = ctx.context.application
    await _later(ctx.services, lambda: _close_card(app, done, "done", ctx.lang))
    await ctx.answer(ctx.t("flow.notice.done"))


@button("fn", gate="flow.new", who=MANAGERS_ONLY)
async def on_new(ctx: Ctx, parts: list[str]) -> None:
    """`v1:fn:<kind>`: the ➕ button of a list starts that kind's flow for the presser."""
    kind = parts[0] if parts else ""
    if kind not in SPECS or kind not in FINISHERS or ctx.committee is None:
        raise DomainError("common.stale_button")
    await begin(ctx, kind)
    await ctx.answer(ctx.t("flow.notice.started"))


@text_consumer
async def take_text(update: Update, context: Context) -> bool:
    """A reply to a flow's prompt (or card): the answer of its current typed step."""
    message, user, chat = update.effective_message, update.effective_user, update.effective_chat
    text = (message.text or message.caption) if message else None
    if text is None or user is None or chat is None or chat.type not in GROUP_TYPES:
        return False
    replied = message.reply_to_message
    if replied is None or replied.from_user is None or replied.from_user.id != context.bot.id:
        return False
    services = services_of(context)
    found = await services.flows.by_message(chat.id, replied.message_id)
    if found is None:
        return False
    lang = await reader_language(services, user.id, found.committee)
    app = context.application
    try:
        flow = await services.flows.touch(found.id, user.id, chat.id)
        after = await services.flows.typed(flow, text)
    except DomainError as err:
        if err.key == "flow.expired":
            gone = await services.flows.get(found.id)
            await _later(services, lambda: _close_card(app, gone, "expired", lang))
        note = t(lang, err.key, **err.params)
        await _later(services, lambda: _reply(message, note))
        return True
    await _later(
        services,
        lambda: show(app, after, lang, reply_to=message.message_id, prompt=after.awaits_text),
    )
    return True


async def _reply(message, text: str) -> None:
    try:
        await message.reply_text(text)
    except TelegramError as exc:
        log.warning("flow note not sent: %s", exc)


async def expire(app: Application) -> int:
    """Close the flows whose 30 minutes ran out; each card says so. Returns how many."""
    services = state_of(app).services
    ended = await services.flows.expire_due()
    for flow in ended:
        lang = await reader_language(services, flow.row.user_id, flow.committee)
        await _close_card(app, flow, "expired", lang)
    return len(ended)


async def _tick(context: Context) -> None:
    try:
        await expire(context.application)
    except Exception:
        log.exception("expiring guided flows failed")


@on_start
async def start_expiry(app: Application) -> None:
    """Look for expired flows every minute (and once at start: some ran out while down)."""
    if app.job_queue is None:
        return
    kwargs = {"misfire_grace_time": None, "coalesce": True, "max_instances": 1}
    app.job_queue.run_repeating(
        _tick,
        interval=EXPIRY_INTERVAL,
        first=EXPIRY_INTERVAL,
        name="flows.expire",
        job_kwargs=kwargs,
    )
