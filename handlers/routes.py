"""The one registration module: every command, alias, callback route and deep link.

Callback data is compact and versioned: `v1:<route>:<action>:<args…>` (≤ 64 bytes). A button whose
version or route is unknown is a stale button: it is answered politely and changes nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram import Update
from telegram.ext import (
    Application,
    BaseHandler,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    PollAnswerHandler,
    PollHandler,
    TypeHandler,
    filters,
)

from handlers import consultations as consultation_handlers
from handlers import help as help_handlers
from handlers import items, jobs, roster, seats, settings, setup
from handlers import reminders as reminder_handlers
from handlers import reports as report_handlers
from handlers import tasks as task_handlers
from handlers import votes as vote_handlers
from handlers.callbacks import dispatch
from handlers.errors import on_error

CALLBACK_VERSION = "v1"


@dataclass(frozen=True)
class Cmd:
    """A command: its canonical name (the permission key), handler, aliases and menu scopes."""

    name: str
    handler: Callable
    aliases: tuple[str, ...] = ()
    menu: tuple[str, ...] = ("group",)  # "group" and/or "private"


COMMANDS: list[Cmd] = [
    Cmd("help", help_handlers.help_command, ("trogiup",), ("group", "private")),
    Cmd("start", roster.start, (), ("private",)),
    Cmd("setup", setup.setup, ("thietlap",)),
    Cmd("join", roster.join, ("thamgia",)),
    Cmd("members", roster.members, ("thanhvien",)),
    Cmd("add", roster.add, ("them",)),
    Cmd("role", roster.role, ("vaitro",)),
    Cmd("remove", roster.remove, ("xoa",)),
    Cmd("leave", roster.leave, ("roi",)),
    Cmd("settings", settings.settings, ("caidat",)),
    Cmd("lang", roster.lang, ("ngonngu",), ("group", "private")),
    Cmd("notify", roster.notify, ("thongbao",), ("group", "private")),
    Cmd("show", items.show, ("xem",)),
    Cmd("pending", items.pending, ("chuatraloi",)),
    Cmd("close", items.close, ("dong",)),
    Cmd("poll", vote_handlers.poll, ("thamdo",)),
    Cmd("vote", vote_handlers.vote, ("bieuquyet",)),
    Cmd("assign", task_handlers.assign, ("giaoviec",)),
    Cmd("tasks", task_handlers.tasks, ("nhiemvu",)),
    Cmd("mytasks", task_handlers.mytasks, ("viectoi",), ("group", "private")),
    Cmd("progress", task_handlers.progress, ("tiendo",)),
    Cmd("done", task_handlers.done, ("hoanthanh",)),
    Cmd("extend", task_handlers.extend, ("giahan",)),
    Cmd("approve", task_handlers.approve, ("duyet",)),
    Cmd("reject", task_handlers.reject, ("tuchoi",)),
    Cmd("reassign", task_handlers.reassign, ("giaolai",)),
    Cmd("cancel", task_handlers.cancel, ("huy",)),
    Cmd("reopen", task_handlers.reopen, ("moilai",)),
    Cmd("consult", consultation_handlers.consult, ("xinykien",)),
    Cmd("opinion", consultation_handlers.opinion, ("ykien",), ("group", "private")),
    Cmd("report", report_handlers.report, ("soket", "baocao")),
    Cmd("export", report_handlers.export, ("xuatdulieu",)),
    Cmd("history", report_handlers.history, ("lichsu",)),
    Cmd("remind", reminder_handlers.remind, ("nhac", "hennhac")),
    Cmd("reminders", reminder_handlers.reminders, ("dsnhac", "lichnhac")),
    Cmd("unremind", reminder_handlers.unremind, ("huynhac",)),
    Cmd("digest", reminder_handlers.digest, ("bantin", "tonghop")),
]

# Per-kind functions behind /show, /close and /pending: kind → async fn(ctx, item).
ITEM_VIEWS: dict[str, Callable] = {}
ITEM_CLOSERS: dict[str, Callable] = {}
ITEM_PENDING: dict[str, Callable] = {}

# Callback routes: `v1:<route>:…` → handler(update, context, parts after the route).
CALLBACK_ROUTES: dict[str, Callable[[Update, ContextTypes.DEFAULT_TYPE, list[str]], Awaitable]] = {}

# Deep links: `/start <prefix>_<payload>` in a private chat → handler(ctx, payload).
DEEP_LINKS: dict[str, Callable] = {}

# Plain (non-command) messages that some feature waits for, tried in order; each returns True
# when it consumed the message (e.g. the text of a comment a member was asked for).
TEXT_CONSUMERS: list[Callable] = []

# Deadline closers: async fn(bot, services, now, committee_ids) that closes every due item of one
# kind in those committees and posts exactly what /close posts. The scheduler calls each of them
# with the committees that may be disturbed now; features add theirs here.
AUTO_CLOSERS: list[Callable] = []

# Other PTB handlers a feature needs (e.g. PollAnswerHandler), added in this order.
EXTRA_HANDLERS: list[BaseHandler] = []

# Coroutines run once the database and services are ready (post_init), e.g. the scheduler.
ON_START: list[Callable[[Application], Awaitable[None]]] = []

# votes (issue 5)
CALLBACK_ROUTES["v"] = vote_handlers.on_button
ITEM_VIEWS["vote"] = vote_handlers.show_vote
ITEM_CLOSERS["vote"] = vote_handlers.close_vote
ITEM_PENDING["vote"] = vote_handlers.pending_vote
AUTO_CLOSERS.append(vote_handlers.auto_close)
EXTRA_HANDLERS.append(PollAnswerHandler(vote_handlers.on_poll_answer))
EXTRA_HANDLERS.append(PollHandler(vote_handlers.on_poll))

# tasks (issue 3)
CALLBACK_ROUTES["t"] = task_handlers.on_button
CALLBACK_ROUTES["x"] = task_handlers.on_extension_button
ITEM_VIEWS["task"] = task_handlers.show_task

# consultations (issue 4)
CALLBACK_ROUTES["c"] = consultation_handlers.on_button
ITEM_VIEWS["consultation"] = consultation_handlers.show_consultation
ITEM_CLOSERS["consultation"] = consultation_handlers.close_consultation
ITEM_PENDING["consultation"] = consultation_handlers.pending_consultation
DEEP_LINKS["op"] = consultation_handlers.deep_link
TEXT_CONSUMERS.append(consultation_handlers.take_text)
AUTO_CLOSERS.append(consultation_handlers.auto_close)

# one person, one seat (issue 19): pre-registered seats taken up, managers' confirmed by button
CALLBACK_ROUTES["s"] = seats.on_button

# reminders and digest (issue 6)
ON_START.append(jobs.start)


async def route_callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Dispatch a button press by its route, or answer a stale/unknown button."""
    await dispatch(update, context, CALLBACK_VERSION, CALLBACK_ROUTES)


async def route_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Offer a plain message to each waiting feature until one takes it."""
    for consumer in TEXT_CONSUMERS:
        if await consumer(update, context):
            return


def install(app: Application) -> None:
    """Register every handler on the application (called by the composition root)."""
    app.add_handler(TypeHandler(Update, setup.remember_author), group=-1)
    arrivals = filters.UpdateType.MESSAGE & filters.ChatType.GROUPS
    app.add_handler(MessageHandler(arrivals, seats.on_arrival), group=-2)  # before the command
    aliases: dict[str, str] = {}
    message_only = filters.UpdateType.MESSAGE  # an edited command must not run again
    for cmd in COMMANDS:
        words = (cmd.name, *cmd.aliases)
        app.add_handler(CommandHandler(words, cmd.handler, filters=message_only))
        aliases.update({word: cmd.name for word in words})
    app.add_handler(CallbackQueryHandler(route_callback))
    for handler in EXTRA_HANDLERS:
        app.add_handler(handler)
    app.add_handler(ChatMemberHandler(setup.bot_membership, ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, setup.chat_migrated))
    app.add_handler(
        MessageHandler(
            message_only & (filters.TEXT | filters.CAPTION) & ~filters.COMMAND, route_text
        )
    )
    app.add_error_handler(on_error)
    app.bot_data["command_names"] = [cmd.name for cmd in COMMANDS]
    app.bot_data["command_aliases"] = aliases
    app.bot_data["commands"] = COMMANDS
    app.bot_data["deep_links"] = DEEP_LINKS
    app.bot_data["on_start"] = ON_START
    app.bot_data["auto_closers"] = AUTO_CLOSERS
    app.bot_data["item_views"] = ITEM_VIEWS
    app.bot_data["item_closers"] = ITEM_CLOSERS
    app.bot_data["item_pending"] = ITEM_PENDING
