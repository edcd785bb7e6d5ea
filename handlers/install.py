"""The PTB handler list, derived from the declarations (`handlers/registry.py`), and its printout.

Callback data is compact and versioned: `v1:<route>:<action>:<args…>` (≤ 64 bytes). A button whose
version or route is unknown is a stale button: it is answered politely and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)
from telegram.ext.filters import BaseFilter

from bot.models import ROLE_ORDER
from bot.permissions import Rule
from handlers import registry
from handlers.callbacks import CALLBACK_VERSION, dispatch
from handlers.errors import on_error
from handlers.state import Context


async def route_callback(update: Update, context: Context) -> None:
    """Dispatch a button press by its route, or answer a stale/unknown button."""
    routes = {route: b.callback for route, b in registry.BUTTONS.items()}
    await dispatch(update, context, CALLBACK_VERSION, routes)


class CommandRouter(CommandHandler):
    """Every declared command in one PTB handler: PTB's own matching (`/word`, `/word@ThisBot`,
    lower case, at the start of a message) checks the update once against all the words, then
    the word picks the command's callback. The same as one CommandHandler per command in one
    group, without trying ≈ 30 of them on each update."""

    def __init__(self, callbacks: dict[str, Callable], filters: BaseFilter) -> None:
        super().__init__(list(callbacks), self._route, filters=filters)
        self.callbacks = {word.lower(): fn for word, fn in callbacks.items()}

    async def _route(self, update: Update, context: Context) -> None:
        message = update.effective_message
        word = message.text[1 : message.entities[0].length].split("@")[0].lower()
        await self.callbacks[word](update, context)


async def route_text(update: Update, context: Context) -> None:
    """Offer a plain message to each waiting feature until one takes it."""
    for consumer in registry.TEXT_CONSUMERS:
        if await consumer(update, context):
            return


def install(app: Application) -> None:
    """Register every declared handler on the application (called by the composition root)."""
    commands = registry.commands()  # discovers the handler modules first
    message_only = filters.UpdateType.MESSAGE  # an edited command must not run again
    for handler, group in registry.UPDATE_HANDLERS:
        if group < 0:
            app.add_handler(handler, group=group)
    app.add_handler(
        CommandRouter({w: cmd.callback for cmd in commands for w in cmd.words}, message_only)
    )
    app.add_handler(CallbackQueryHandler(route_callback))
    for handler, group in registry.UPDATE_HANDLERS:
        if group >= 0:
            app.add_handler(handler, group=group)
    app.add_handler(
        MessageHandler(
            message_only & (filters.TEXT | filters.CAPTION) & ~filters.COMMAND, route_text
        )
    )
    app.add_error_handler(on_error)


# ---------------------------------------------------------------------- `python -m bot routes`
def who(rule: Rule) -> str:
    """A rule in a few words: `anyone`, `group admin`, `members`, or the roles."""
    if rule.group_admin:
        return "group admin (Telegram)"
    if rule.outsiders:
        return "anyone"
    if rule.roles == frozenset(ROLE_ORDER):
        return "members"
    return ", ".join(r.value for r in ROLE_ORDER if r in rule.roles)


def _name(fn) -> str:
    return f"{fn.__module__}.{fn.__qualname__}"


def table() -> str:
    """Every command, gate, button, deep link and per-kind function, as plain text."""
    lines = ["COMMANDS (name · aliases · who · where · menu · example)"]
    for c in registry.commands():
        extra = " · before setup" if c.before_setup else ""
        lines.append(
            f"  /{c.name:<10} {','.join(c.aliases) or '-':<18} {who(c.who):<42} {c.where:<7} "
            f"{','.join(c.menu) or '-':<14} {c.example!r}{extra}"
        )
    lines.append("GATES (name · who · exercised by · refusal)")
    for g in registry.GATES.values():
        lines.append(f"  {g.name:<20} {who(g.who):<42} /{g.via} {g.example}  → {g.refusal}")
    lines.append(f"BUTTONS ({CALLBACK_VERSION}:<route>:… · gate · who · handler)")
    for b in registry.BUTTONS.values():
        lines.append(f"  {b.route:<4} {b.gate:<22} {who(b.who):<42} {_name(b.callback)}")
    lines.append("DEEP LINKS (/start <prefix>_…)")
    lines += [f"  {p:<6} {_name(fn)}" for p, fn in registry.DEEP_LINKS.items()]
    lines.append("ITEMS (kind · /show · /pending · /close)")
    for kind in sorted({*registry.ITEM_VIEWS, *registry.ITEM_CLOSERS, *registry.ITEM_PENDING}):
        fns = (registry.ITEM_VIEWS, registry.ITEM_PENDING, registry.ITEM_CLOSERS)
        lines.append(
            f"  {kind:<13} " + " · ".join(_name(t[kind]) if kind in t else "-" for t in fns)
        )
    lines.append("AUTO-CLOSERS, TEXT CONSUMERS, ON START, OTHER UPDATES")
    lines += [f"  closer   {_name(fn)}" for fn in registry.AUTO_CLOSERS]
    lines += [f"  text     {_name(fn)}" for fn in registry.TEXT_CONSUMERS]
    lines += [f"  start    {_name(fn)}" for fn in registry.ON_START]
    for handler, group in registry.UPDATE_HANDLERS:
        lines.append(
            f"  update   {type(handler).__name__} (group {group}) {_name(handler.callback)}"
        )
    return "\n".join(lines)
