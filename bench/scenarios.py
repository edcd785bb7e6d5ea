"""The per-update scenarios: a read command, a write command and a button press, for both bots.

Each scenario injects one update into a chat and returns a predicate that is true once the bot's
last Bot API call for that update has been answered (the reply to the command, or the answer to
the button press). Both bots get the same updates from the same fake server; the bare bot makes
the same Bot API calls as ours for each scenario (so the ratio measures our code, not how many
messages a feature decides to send):

| scenario | our bot                                         | bare bot                         |
|----------|-------------------------------------------------|----------------------------------|
| tasks    | `/tasks`: gate, list query, render, 1 reply     | 1 reply (echo)                   |
| progress | `/progress N pct`: gate, transaction, card edit, 1 reply | 1 edit + 1 reply (echo) |
| button   | `v1:t:p:N:pct` on the card: gate, transaction, card edit, answer | 1 edit + answer |
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bench.fakes import CountingFake
from tests.chat import CHAIR, DEPUTY, MEMBER_A, MEMBER_B, SECRETARY
from tests.fakes import Chat, Conversation
from tests.fakes.harness import make_builder

TASKS_PER_COMMITTEE = 10
PERCENTS = (25, 50, 75, 90)


@dataclass
class Bench:
    """What the scenarios need to know about the prepared chats."""

    groups: list[Chat]
    cards: dict[int, dict] = field(default_factory=dict)  # chat id → the card message to press
    numbers: dict[int, int] = field(default_factory=dict)  # chat id → #N of MEMBER_A's task
    sent: dict[int, int] = field(default_factory=dict)  # chat index → updates injected so far

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
    """Each group: a committee with the test cast and 10 open tasks, one led by MEMBER_A."""
    bench = Bench(groups)
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
            card = await conv.ask_raw(
                group, SECRETARY, f"/assign {lead} Báo cáo tiến độ chuyển đổi số số {n} hạn 31/12"
            )
            if n == 1:
                bench.cards[group.id] = card.result
                bench.numbers[group.id] = n
    return bench


# ----------------------------------------------------------------------------- the baseline
async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(update.effective_message.text or "ok")


async def _edit_and_echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    card = context.bot_data["cards"][message.chat_id]
    await context.bot.edit_message_text(message.text, chat_id=message.chat_id, message_id=card)
    await message.reply_text(message.text)


async def _edit_and_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    await query.edit_message_text(query.data)
    await query.answer("ok")


def bare_app(fake: CountingFake) -> Application:
    """The baseline: a bare PTB bot making the same Bot API calls as ours, with no logic."""
    app = make_builder(fake).build()
    app.add_handler(CommandHandler("tasks", _echo))
    app.add_handler(CommandHandler("progress", _edit_and_echo))
    app.add_handler(CallbackQueryHandler(_edit_and_answer))
    return app


async def prepare_bare(conv: Conversation, fake: CountingFake, groups: list[Chat]) -> Bench:
    """Each group: one message from the bot to edit (the bare bot's "card")."""
    bench = Bench(groups)
    cards = conv.app.bot_data.setdefault("cards", {})
    for group in groups:
        fake.register_chat(group)
        sent = await conv.app.bot.send_message(group.id, "card")
        cards[group.id] = sent.message_id
        bench.cards[group.id] = fake.message(group.id, sent.message_id)
    return bench
