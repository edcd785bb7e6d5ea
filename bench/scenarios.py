"""The per-update scenarios: a read command, a write command and a button press, for both bots.

Each scenario injects one update into a chat and returns a predicate that is true once the bot's
last Bot API call for that update has been answered (the reply to the command, or the answer to
the button press). Both bots get the same updates from the same fake server; the bare bot makes
the same Bot API calls as ours for each scenario (so the ratio measures our code, not how many
or how long messages a feature decides to send):

| scenario | our bot                                              | bare bot                 |
|----------|------------------------------------------------------|--------------------------|
| tasks    | `/tasks`: gate, list query, render, 1 reply          | the same reply           |
| progress | `/progress N pct`: gate, transaction, card edit, reply | the same edit and reply |
| button   | `v1:t:p:N:pct`: gate, transaction, card edit, answer | the same edit and answer |

The bare bot sends the very texts and keyboard our bot sent (captured once from ours), so the
fake server and PTB do the same work for both and the ratio isolates our code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from telegram import InlineKeyboardMarkup, LinkPreviewOptions, ReplyParameters, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
)

from bench.fakes import CountingFake
from tests.chat import CHAIR, DEPUTY, MEMBER_A, MEMBER_B, SECRETARY
from tests.fakes import Chat, Conversation
from tests.fakes.harness import make_builder

TASKS_PER_COMMITTEE = 10
ASSIGN = "/assign {lead} Báo cáo tiến độ chuyển đổi số số {n} hạn 31/12"  # each card answers one
PERCENTS = (25, 50, 75, 90)


@dataclass(frozen=True)
class Payloads:
    """What our bot sends for each scenario, captured once, for the bare bot to send verbatim."""

    tasks_reply: str  # the /tasks list (HTML)
    card: str  # the task card after a change (HTML)
    keyboard: dict  # the card's inline keyboard (Bot API JSON)
    progress_reply: str  # the reply to /progress
    notice: str  # the answer to the percent button


@dataclass
class Bench:
    """What the scenarios need to know about the prepared chats."""

    groups: list[Chat]
    cards: dict[int, dict] = field(default_factory=dict)  # chat id → the card message to press
    numbers: dict[int, int] = field(default_factory=dict)  # chat id → #N of MEMBER_A's task
    sent: dict[int, int] = field(default_factory=dict)  # chat index → updates injected so far
    payloads: Payloads | None = None  # what our bot sent (the bare bot sends the same)
    hops: Callable[[], int] = lambda: 0  # our database's hand-offs to aiosqlite's thread so far
    commits: Callable[[], int] = lambda: 0  # our database's commits so far

    def next(self, chat: int) -> int:
        """A running count per chat, so consecutive edits of a card always change it."""
        self.sent[chat] = self.sent.get(chat, 0) + 1
        return self.sent[chat]


Predicate = Callable[[], bool]
Inject = Callable[[CountingFake, Bench, int], Predicate]


def _replied(fake: CountingFake, update: dict) -> Predicate:
    msg = update["message"]
    key = (msg["chat"]["id"], msg["message_id"])
    return lambda: key in fake.replied


def _answered(fake: CountingFake, update: dict) -> Predicate:
    query_id = update["callback_query"]["id"]
    return lambda: query_id in fake.answered


def read_tasks(fake: CountingFake, bench: Bench, chat: int) -> Predicate:
    """`/tasks` by a member."""
    return _replied(fake, fake.inject_message(bench.groups[chat], MEMBER_A, "/tasks"))


def write_progress(fake: CountingFake, bench: Bench, chat: int) -> Predicate:
    """`/progress N pct` by the task's lead (the percentage changes every time)."""
    group, i = bench.groups[chat], bench.next(chat)
    text = f"/progress {bench.numbers.get(group.id, 1)} {1 + i % 99}"
    return _replied(fake, fake.inject_message(group, MEMBER_A, text))


def press_percent(fake: CountingFake, bench: Bench, chat: int) -> Predicate:
    """A quick-percent button on the task card, pressed by the lead."""
    group, i = bench.groups[chat], bench.next(chat)
    number = bench.numbers.get(group.id, 1)
    data = f"v1:t:p:{number}:{PERCENTS[i % len(PERCENTS)]}"
    return _answered(fake, fake.inject_callback(group, MEMBER_A, bench.cards[group.id], data))


SCENARIOS: dict[str, Inject] = {
    "/tasks (read)": read_tasks,
    "/progress (write)": write_progress,
    "button (write)": press_percent,
}


# ----------------------------------------------------------------------------- our bot
async def prepare_ours(conv: Conversation, fake: CountingFake, groups: list[Chat]) -> Bench:
    """Each group: a committee with the test cast and 10 open tasks, one led by MEMBER_A.

    Then one of each scenario in the first group, to capture what our bot sends.
    """
    db = conv.app.bot_data.services.db
    bench = Bench(groups, hops=lambda: db.hops, commits=lambda: db.commits)
    for group in groups:
        fake.set_chat_member(group.id, SECRETARY, "administrator")
        for user, text in (
            (SECRETARY, "/setup Ban Chỉ đạo Chuyển đổi số"),
            (SECRETARY, "/add @chutich_qt chair UBND tỉnh"),
            (SECRETARY, "/add @pho_ban deputy Sở Thông tin và Truyền thông"),
            (CHAIR, "/join UBND tỉnh"),
            (DEPUTY, "/join Sở Thông tin và Truyền thông"),
            (MEMBER_A, "/join Sở Tài chính"),
            (MEMBER_B, "/join Sở Kế hoạch và Đầu tư"),
        ):
            await conv.send(group, user, text)
        for n in range(1, TASKS_PER_COMMITTEE + 1):
            lead = "@so_taichinh" if n == 1 else "@so_tttt"
            card = await conv.ask_raw(group, SECRETARY, ASSIGN.format(lead=lead, n=n))
            if n == 1:
                bench.cards[group.id] = card.result
                bench.numbers[group.id] = n
    first = groups[0]
    tasks_reply = await conv.ask(first, MEMBER_A, "/tasks")
    progress_reply = await conv.ask(first, MEMBER_A, f"/progress {bench.numbers[first.id]} 5")
    edit = conv.new_edits(first.id)[-1].params
    await conv.press(first, MEMBER_A, bench.cards[first.id], f"v1:t:p:{bench.numbers[first.id]}:25")
    notice = conv.last_answer() or ""
    bench.payloads = Payloads(
        tasks_reply, edit["text"], edit.get("reply_markup") or {}, progress_reply, notice
    )
    return bench


# ----------------------------------------------------------------------------- the baseline
def _card_text(context: ContextTypes.DEFAULT_TYPE, variant: str) -> str:
    """Our card's text, varied so that consecutive edits change it (as ours do)."""
    return f"{context.bot_data['payloads'].card} {variant}"


async def _reply_list(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(context.bot_data["payloads"].tasks_reply)


async def _edit_and_reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message, payloads = update.effective_message, context.bot_data["payloads"]
    await context.bot.edit_message_text(
        _card_text(context, message.text),
        chat_id=message.chat_id,
        message_id=context.bot_data["cards"][message.chat_id],
        reply_markup=context.bot_data["keyboard"],
    )
    await message.reply_text(payloads.progress_reply)


async def _edit_and_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    await query.edit_message_text(
        _card_text(context, query.data), reply_markup=context.bot_data["keyboard"]
    )
    await query.answer(context.bot_data["payloads"].notice)


def bare_app(fake: CountingFake) -> Application:
    """The baseline: a bare PTB bot making the same Bot API calls as ours with the same texts.

    It has no logic at all (no database, no permission check, no rendering) and the same
    Defaults as ours (HTML parse mode, no link previews), so the fake server does the same work
    for both and the difference is our code.
    """
    defaults = Defaults(
        parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)
    )
    app = make_builder(fake).defaults(defaults).build()
    app.add_handler(CommandHandler("tasks", _reply_list))
    app.add_handler(CommandHandler("progress", _edit_and_reply))
    app.add_handler(CallbackQueryHandler(_edit_and_answer))
    return app


async def prepare_bare(
    conv: Conversation, fake: CountingFake, groups: list[Chat], payloads: Payloads
) -> Bench:
    """Each group: one card from the bot, with our card's text and keyboard, to edit.

    Like ours, the card answers the secretary's `/assign` message (a reply): every edit's answer
    and every button press on it then carry the same replied-to message for both bots."""
    bench = Bench(groups, payloads=payloads)
    data = conv.app.bot_data
    data["payloads"] = payloads
    data["keyboard"] = InlineKeyboardMarkup.de_json(payloads.keyboard, conv.app.bot)
    cards = data.setdefault("cards", {})
    for group in groups:
        fake.register_chat(group)
        command = fake.inject_message(group, SECRETARY, ASSIGN.format(lead="@so_taichinh", n=1))
        sent = await conv.app.bot.send_message(
            group.id,
            payloads.card,
            reply_markup=data["keyboard"],
            reply_parameters=ReplyParameters(command["message"]["message_id"]),
        )
        cards[group.id] = sent.message_id
        bench.cards[group.id] = fake.message(group.id, sent.message_id)
    return bench
