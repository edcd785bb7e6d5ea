"""Declarations: every command, button, gate, deep link and per-kind item function, declared
once beside its handler with the decorators below, and the tables derived from them.

A command's declaration is its single source: name, aliases, who (a `Rule`), where, menu scopes
and an example. Everything else is derived: the PTB handler list (`handlers/install.py`), the
permission table (`permissions()`), the menus (`menu.<name>` texts), `/help`'s list, the
permission-matrix test's inputs, and `python -m bot routes`.

`example` is the argument string that makes the command do its real work when the caller may
run it (the matrix test runs it for every role). Placeholders name an item the command needs and
are filled from the test fixture's items (`tests/workload.py`, `ITEMS`): `{task}` an open task
led by @so_taichinh, `{task_done}` another one to finish, `{task_extension}` one with a pending
extension request, `{task_cancel}`, `{task_closed}` (done), `{task_reassign}`, `{consultation}`
(open), `{consultation_close}`, `{motion}`, `{poll}`.

Handler modules are found by `discover()` (every module of the `handlers` package); commands are
listed in the order of their module's `MENU_RANK` (default 100), then of declaration. /help
groups them by activity: a command's `group=`, else its module's `HELP_GROUP`.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Literal

from telegram.ext import BaseHandler

from bot.models import Role
from bot.permissions import MEMBERS, Rule
from handlers import context as gate_of

Where = Literal["group", "private", "both"]
SCOPES: dict[str, tuple[str, ...]] = {
    "group": ("group",),
    "private": ("private",),
    "both": ("group", "private"),
}


@dataclass(frozen=True)
class Command:
    """One command: what `@command` declared, and the gated PTB callback."""

    name: str
    callback: Callable
    module: str
    aliases: tuple[str, ...] = ()
    who: Rule = MEMBERS
    where: Where = "group"
    menu: tuple[str, ...] = ("group",)  # scopes whose menu lists it ("group", "private")
    example: str = ""
    before_setup: bool = False  # also runs in a group that is not a committee yet
    told: Mapping[Role, str] = field(default_factory=dict)  # role → catalog key of its refusal
    group: str = "personal"  # /help's activity heading (`help.group.<group>`), see `command`

    @property
    def words(self) -> tuple[str, ...]:
        """The name and its aliases."""
        return (self.name, *self.aliases)

    def works_in(self, scope: str) -> bool:
        """Whether the command runs in a `group` or a `private` chat."""
        return scope in SCOPES[self.where]


@dataclass(frozen=True)
class Button:
    """A callback route `v1:<route>:…`, behind a gate named after what it allows."""

    route: str
    gate: str
    who: Rule
    callback: Callable
    module: str
    where: Where = "both"  # a button works wherever its card is …
    before_setup: bool = False  # … but only in a committee's group
    told: Mapping[Role, str] = field(default_factory=dict)

    def works_in(self, scope: str) -> bool:
        """Buttons work in groups and private chats alike."""
        return True


@dataclass(frozen=True)
class Gate:
    """A permission finer than a command (e.g. `settings.change`), checked by its handler.

    `via` and `example` tell how to exercise it (`/settings quiet 22:00-06:00`); `refusal` is
    the catalog key the handler answers with when the gate is shut.
    """

    name: str
    who: Rule
    via: str
    example: str
    refusal: str

    def allows(self, role: Role | None) -> bool:
        """Whether a seat with `role` (None: not a member) passes."""
        return self.who.allows(role)


_COMMANDS: list[Command] = []
BUTTONS: dict[str, Button] = {}
GATES: dict[str, Gate] = {}
# `/start <prefix>_<payload>` in a private chat → async fn(ctx, payload).
DEEP_LINKS: dict[str, Callable] = {}
# Per-kind functions behind /show, /close and /pending: kind → async fn(ctx, item).
ITEM_VIEWS: dict[str, Callable] = {}
ITEM_CLOSERS: dict[str, Callable] = {}
ITEM_PENDING: dict[str, Callable] = {}
# `/cancel N [reason]` for kinds other than tasks: kind → async fn(ctx, item, reason).
ITEM_CANCELLERS: dict[str, Callable] = {}
# Per-kind check before `/close N`: async fn(ctx, item) → `bot.services.closing.EarlyClose` (the
# closer must confirm first, `handlers/close_confirm.py`) or None (close at once).
CLOSE_CHECKS: dict[str, Callable] = {}
# Plain (non-command) messages a feature waits for, tried in order; each returns True when it
# consumed the message (e.g. the text of a comment a member was asked for).
TEXT_CONSUMERS: list[Callable] = []
# Deadline closers: async fn(bot, services, now, committee_ids) closing every due item of one
# kind in those committees and posting exactly what /close posts (called by the sweep).
AUTO_CLOSERS: list[Callable] = []
# Other PTB handlers: (PTB handler, handler group).
UPDATE_HANDLERS: list[tuple[BaseHandler, int]] = []
# Coroutines run once the database and services are ready (post_init), e.g. the scheduler.
ON_START: list[Callable[..., Awaitable[None]]] = []


def command(
    name: str,
    *,
    aliases: tuple[str, ...] = (),
    who: Rule = MEMBERS,
    where: Where = "group",
    menu: tuple[str, ...] | None = None,
    example: str = "",
    before_setup: bool = False,
    told: Mapping[Role, str] | None = None,
    group: str | None = None,
) -> Callable[[Callable], Callable]:
    """Declare a command handler `async fn(ctx)`; it runs behind the gate built from `who`.

    `group` is the activity /help lists it under (`tasks`, `consult`, `vote`, `remind`,
    `report`, `members`, `items`, `settings`, `personal`, or a new one with its
    `help.group.<name>` text); by default the module's `HELP_GROUP`, else `personal`.
    """

    def declare(handler: Callable) -> Callable:
        module = sys.modules.get(handler.__module__)
        decl = Command(
            name,
            handler,
            handler.__module__,
            tuple(aliases),
            who,
            where,
            SCOPES[where] if menu is None else tuple(menu),
            example,
            before_setup,
            dict(told or {}),
            group or getattr(module, "HELP_GROUP", "personal"),
        )
        gated = gate_of.gated_command(decl, handler)
        _COMMANDS[:] = [c for c in _COMMANDS if c.name != name]  # a re-import replaces it
        _COMMANDS.append(replace(decl, callback=gated))
        _ordered.clear()
        return gated

    return declare


def button(route: str, *, gate: str, who: Rule) -> Callable[[Callable], Callable]:
    """Declare the handler `async fn(ctx, parts)` of callback route `v1:<route>:…`."""

    def declare(handler: Callable) -> Callable:
        decl = Button(route, gate, who, handler, handler.__module__)
        gated = gate_of.gated_button(decl, handler)
        BUTTONS[route] = replace(decl, callback=gated)
        return gated

    return declare


def gate(name: str, *, who: Rule, via: str, example: str, refusal: str) -> Gate:
    """Declare a named sub-permission checked inside a handler (`if not GATE.allows(role)`)."""
    GATES[name] = declared = Gate(name, who, via, example, refusal)
    return declared


def _keyed(table: dict[str, Callable], key: str) -> Callable[[Callable], Callable]:
    def declare(fn: Callable) -> Callable:
        table[key] = fn
        return fn

    return declare


def _listed(table: list[Callable], fn: Callable) -> Callable:
    if fn not in table:
        table.append(fn)
    return fn


def deep_link(prefix: str) -> Callable[[Callable], Callable]:
    """Declare the handler of `/start <prefix>_<payload>`."""
    return _keyed(DEEP_LINKS, prefix)


def item_view(kind: str) -> Callable[[Callable], Callable]:
    """Declare `/show N` for items of `kind`."""
    return _keyed(ITEM_VIEWS, kind)


def item_closer(kind: str) -> Callable[[Callable], Callable]:
    """Declare `/close N` for items of `kind`."""
    return _keyed(ITEM_CLOSERS, kind)


def close_check(kind: str) -> Callable[[Callable], Callable]:
    """Declare the question asked before `/close N` closes an item of `kind` early."""
    return _keyed(CLOSE_CHECKS, kind)


def item_pending(kind: str) -> Callable[[Callable], Callable]:
    """Declare `/pending N` for items of `kind`."""
    return _keyed(ITEM_PENDING, kind)


def item_canceller(kind: str) -> Callable[[Callable], Callable]:
    """Declare `/cancel N` for items of `kind` (tasks have their own)."""
    return _keyed(ITEM_CANCELLERS, kind)


def auto_closer(fn: Callable) -> Callable:
    """Declare a deadline closer (see `AUTO_CLOSERS`)."""
    return _listed(AUTO_CLOSERS, fn)


def text_consumer(fn: Callable) -> Callable:
    """Declare a consumer of plain messages (see `TEXT_CONSUMERS`)."""
    return _listed(TEXT_CONSUMERS, fn)


def on_start(fn: Callable) -> Callable:
    """Declare a coroutine `fn(app)` run in post_init, once the services are open."""
    return _listed(ON_START, fn)


def on_update(make: Callable[[Callable], BaseHandler], group: int = 0) -> Callable:
    """Declare a handler for other updates: `make(fn)` builds the PTB handler (e.g.
    `PollAnswerHandler`); `group` is PTB's handler group (-1 runs before the commands)."""

    def declare(fn: Callable) -> Callable:
        if all(handler.callback is not fn for handler, _ in UPDATE_HANDLERS):
            UPDATE_HANDLERS.append((make(fn), group))
        return fn

    return declare


# ---------------------------------------------------------------------- derived tables
_ordered: dict[str, list[Command]] = {}  # "menu": commands() in menu order, until a declaration


def discover() -> None:
    """Import every module of the `handlers` package, so that each declares what it has."""
    import handlers

    for module in pkgutil.iter_modules(handlers.__path__):
        importlib.import_module(f"handlers.{module.name}")


def commands() -> list[Command]:
    """Every declared command, in menu order."""
    if "menu" not in _ordered:
        discover()

        def rank(cmd: Command) -> tuple[int, str]:
            module = importlib.import_module(cmd.module)
            return getattr(module, "MENU_RANK", 100), cmd.module

        order = {id(cmd): i for i, cmd in enumerate(_COMMANDS)}
        _ordered["menu"] = sorted(_COMMANDS, key=lambda c: (*rank(c), order[id(c)]))
    return list(_ordered["menu"])


def by_word() -> dict[str, Command]:
    """Each command name and alias → its command."""
    return {word: cmd for cmd in commands() for word in cmd.words}


def creating_rule(cmd: Command) -> Rule:
    """Who may make `cmd` create its item: its `<name>.create` gate when it declares one (`/vote`:
    ballots are open to members, new motions are not), else its own rule."""
    creating = GATES.get(f"{cmd.name}.create")
    return creating.who if creating is not None else cmd.who


def permissions() -> dict[str, Rule]:
    """The permission table: every command, button gate and named gate → its rule."""
    table = {cmd.name: cmd.who for cmd in commands()}
    table.update({b.gate: b.who for b in BUTTONS.values()})
    table.update({g.name: g.who for g in GATES.values()})
    return table
