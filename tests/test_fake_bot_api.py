"""Tests proving the fake Bot API server and the conversation harness with a bare PTB echo bot."""

from __future__ import annotations

import asyncio
import datetime as dtm
import warnings

import pytest
from telegram import (
    ChatMemberAdministrator,
    ChatMemberBanned,
    ChatMemberLeft,
    ChatMemberMember,
    ChatMemberOwner,
    ChatMemberRestricted,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    PollAnswerHandler,
    TypeHandler,
    filters,
)

from tests.fakes import FakeBotAPI, User, group, make_builder, private_chat, running_bot

ALICE = User(1001, "Alice", username="alice", language_code="vi")
BOB = User(1002, "Bob", last_name="Trần")
GROUP = group()


@pytest.fixture
async def fake() -> FakeBotAPI:
    """A started fake server, stopped after the test."""
    async with FakeBotAPI() as server:
        yield server


def echo_app(fake: FakeBotAPI) -> Application:
    """A minimal bot: /start, /keyboard, /poll, /doc, private echo, a button and poll answers."""
    app = make_builder(fake).build()
    seen: list[int] = []
    app.bot_data.update(seen=seen, answers=[], members=[])

    async def record(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        seen.append(update.update_id)

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_text(f"Hello {update.effective_user.first_name}")

    async def keyboard(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        markup = InlineKeyboardMarkup([[InlineKeyboardButton("Done", callback_data="t:done:4")]])
        await update.effective_message.reply_text("Choose", reply_markup=markup)

    async def poll(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_poll("#3 Lunch?", ["Phở", "Bún"], is_anonymous=False)

    async def doc(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_document(
            b"minutes\n", filename="report.txt", caption="<b>Report</b>", parse_mode=ParseMode.HTML
        )

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_text(update.effective_message.text)

    async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        await query.answer(f"got {query.data}")
        await query.edit_message_text(f"{query.message.text}: done by {query.from_user.first_name}")

    async def poll_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        context.bot_data["answers"].append(update.poll_answer)

    async def member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        context.bot_data["members"].append(update.my_chat_member or update.chat_member)

    app.add_handler(TypeHandler(Update, record), group=-1)
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("keyboard", keyboard))
    app.add_handler(CommandHandler("poll", poll))
    app.add_handler(CommandHandler("doc", doc))
    app.add_handler(
        MessageHandler(filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE, echo)
    )
    app.add_handler(CallbackQueryHandler(button))
    app.add_handler(PollAnswerHandler(poll_answer))
    app.add_handler(ChatMemberHandler(member, ChatMemberHandler.ANY_CHAT_MEMBER))
    return app


async def test_command_round_trip(fake: FakeBotAPI) -> None:
    """A command in the group is answered in the group, addressed or not."""
    async with running_bot(echo_app(fake), fake) as conv:
        assert await conv.ask(GROUP, ALICE, "/start") == "Hello Alice"
        assert await conv.ask(GROUP, BOB, "/start@CommitteeTestBot now") == "Hello Bob"
        await conv.send(GROUP, ALICE, "/start@OtherBot")
        assert conv.new_sent() == []
        reply = conv.last_sent(GROUP.id)
        assert reply.result["chat"] == {"id": GROUP.id, "type": "supergroup", "title": GROUP.title}
        assert reply.result["from"]["id"] == 999000
        assert reply.result["reply_to_message"]["text"] == "/start@CommitteeTestBot now"
    update = fake.inject_message(GROUP, ALICE, "/start@CommitteeTestBot x")
    assert update["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 23}]
    assert fake.calls_of("getme") and fake.allowed_updates == Update.ALL_TYPES


async def test_private_echo_and_hooks(fake: FakeBotAPI) -> None:
    """running_bot runs post_init/post_stop/post_shutdown; private text is echoed as given."""
    order: list[str] = []

    async def hook(name: str) -> None:
        order.append(name)

    builder = make_builder(fake).post_init(lambda app: hook("init"))
    builder = builder.post_stop(lambda app: hook("stop")).post_shutdown(lambda app: hook("down"))
    app = builder.build()
    app.add_handler(MessageHandler(filters.TEXT, lambda u, c: u.effective_message.reply_text("42")))
    async with running_bot(app, fake) as conv:
        assert order == ["init"]
        assert await conv.ask(private_chat(ALICE), ALICE, "123") == "42"
        assert conv.last_sent().result["chat"]["type"] == "private"
    assert order == ["init", "stop", "down"]
    assert fake.calls_of("sendMessage")[0].params["text"] == "42"  # a string, not an int


async def test_long_poll_returns_on_inject(fake: FakeBotAPI) -> None:
    """A waiting getUpdates answers as soon as an update arrives, not at its timeout."""
    async with make_builder(fake).build().bot as bot:
        assert await bot.get_updates(timeout=0) == ()
        task = asyncio.create_task(bot.get_updates(timeout=30))
        await fake.wait_for(lambda: len(fake.calls_of("getUpdates")) == 2)
        assert not task.done()
        fake.inject_message(GROUP, ALICE, "hello")
        async with asyncio.timeout(5):
            updates = await task
        assert [u.message.text for u in updates] == ["hello"]
        assert fake.calls_of("getUpdates")[1].params["timeout"] == 30


async def test_offsets_confirm_updates(fake: FakeBotAPI) -> None:
    """offset drops smaller update ids; limit caps the batch; ids increase."""
    async with make_builder(fake).build().bot as bot:
        for text in ("one", "two", "three"):
            fake.inject_message(GROUP, ALICE, text)
        first = await bot.get_updates(limit=2, allowed_updates=["message"])
        assert [u.message.text for u in first] == ["one", "two"]
        assert first[0].update_id < first[1].update_id
        assert fake.allowed_updates == ["message"]
        rest = await bot.get_updates(offset=first[1].update_id)
        assert [u.message.text for u in rest] == ["two", "three"]
        assert await bot.get_updates(offset=rest[-1].update_id + 1) == ()
        assert rest[0].message.message_id < rest[1].message.message_id
        fake.inject_chat_member(GROUP, ALICE, BOB, "left", "member")  # not in allowed_updates
        assert await bot.get_updates() == () and fake.calls_of("getUpdates")[-1].ok


async def test_injected_document_reply_and_topic_parse(fake: FakeBotAPI) -> None:
    """Injected documents (downloadable), replies and forum topics parse in PTB."""
    forum = group(-100777, "Forum", is_forum=True)
    fake.register_chat(forum)
    async with make_builder(fake).build().bot as bot:
        sent = await bot.send_message(forum.id, "Draft", message_thread_id=5)
        assert sent.message_thread_id == 5 and sent.is_topic_message
        fake.inject_message(
            forum,
            ALICE,
            "/assign@CommitteeTestBot @bob",
            reply_to={"message_id": sent.message_id, "chat": forum.to_dict(), "date": 0},
            document={"file_name": "du-thao.docx", "mime_type": "application/pdf", "content": b"x"},
            message_thread_id=5,
        )
        [update] = await bot.get_updates()
        message = update.message
        assert message.caption.startswith("/assign") and message.caption_entities[0].length == 24
        assert message.reply_to_message.message_id == sent.message_id
        assert message.document.file_name == "du-thao.docx" and message.is_topic_message
        file = await message.document.get_file()
        assert bytes(await file.download_as_bytearray()) == b"x"
        fake.inject_message(forum, ALICE, "/assign fixed", edited=True)
        [edited] = await bot.get_updates(offset=update.update_id + 1)
        assert edited.edited_message.message_id == message.message_id
        assert edited.edited_message.edit_date is not None


async def test_callback_answered_and_message_edited(fake: FakeBotAPI) -> None:
    """A button press reaches the CallbackQueryHandler with the current message state."""
    async with running_bot(echo_app(fake), fake) as conv:
        keyboard_msg = await conv.ask_raw(GROUP, ALICE, "/keyboard")
        assert conv.keyboard(keyboard_msg) == [[("Done", "t:done:4")]]
        await conv.press(GROUP, BOB, keyboard_msg, "t:done:4")
        assert conv.last_answer() == "got t:done:4"
        [edit] = conv.new_edits(GROUP.id)
        assert edit.params["text"] == "Choose: done by Bob"
        assert conv.keyboard(keyboard_msg) == []  # editing text without markup removes it
        assert keyboard_msg.result["text"] == "Choose"  # call results are snapshots
        await conv.send(GROUP, ALICE, "/keyboard")
        await conv.press_button(GROUP, ALICE, "Don")
        assert conv.new_edits()[0].params["text"] == "Choose: done by Alice"
        with pytest.raises(BadRequest, match="not modified"):
            await conv.app.bot.edit_message_text(
                "Choose: done by Bob", GROUP.id, edit.result["message_id"]
            )


async def test_poll_and_poll_answer_parsed(fake: FakeBotAPI) -> None:
    """sendPoll returns a full Poll; poll answers and stopPoll counts parse in PTB 22.8."""
    app = echo_app(fake)
    async with running_bot(app, fake) as conv:
        call = await conv.ask_raw(GROUP, ALICE, "/poll")
        poll = call.result["poll"]
        assert [o["persistent_id"] for o in poll["options"]] == ["0", "1"]
        await conv.vote(poll["id"], ALICE, [1])
        await conv.vote(poll["id"], BOB, [0])
        await conv.vote(poll["id"], BOB, [])
        answers = app.bot_data["answers"]
        assert [a.option_ids for a in answers] == [(1,), (0,), ()]
        assert answers[0].option_persistent_ids == ("1",) and answers[0].user.id == ALICE.id
        stopped = await app.bot.stop_poll(GROUP.id, call.result["message_id"])
        assert stopped.is_closed and [o.voter_count for o in stopped.options] == [0, 1]
        assert stopped.total_voter_count == 1 and stopped.allows_revoting
        with pytest.raises(BadRequest, match="already been closed"):
            await app.bot.stop_poll(GROUP.id, call.result["message_id"])


async def test_document_upload_captured(fake: FakeBotAPI) -> None:
    """sendDocument's multipart upload is stored and can be downloaded back with getFile."""
    app = echo_app(fake)
    async with running_bot(app, fake) as conv:
        await conv.send(GROUP, ALICE, "/doc")
        assert conv.last_document(GROUP.id) == ("report.txt", b"minutes\n")
        call = conv.last_sent()
        assert call.files["document"].filename == "report.txt"
        assert call.text == "<b>Report</b>" and call.result["caption"] == "Report"
        document = call.result["document"]
        assert document["file_name"] == "report.txt" and document["file_size"] == 8
        file = await app.bot.get_file(document["file_id"])
        assert bytes(await file.download_as_bytearray()) == b"minutes\n"


async def test_chat_member_statuses_parsed(fake: FakeBotAPI) -> None:
    """getChatMember returns every ChatMember variant with the fields PTB 22.8 requires."""
    expected = {
        "creator": ChatMemberOwner,
        "administrator": ChatMemberAdministrator,
        "member": ChatMemberMember,
        "restricted": ChatMemberRestricted,
        "left": ChatMemberLeft,
        "kicked": ChatMemberBanned,
    }
    fake.register_chat(GROUP)
    async with make_builder(fake).build().bot as bot:
        assert isinstance(await bot.get_chat_member(GROUP.id, ALICE.id), ChatMemberMember)
        for status, cls in expected.items():
            fake.set_chat_member(GROUP.id, ALICE, status)
            member = await bot.get_chat_member(GROUP.id, ALICE.id)
            assert isinstance(member, cls) and member.user.first_name == "Alice"
        fake.set_chat_member(GROUP.id, BOB, "creator")
        admins = await bot.get_chat_administrators(GROUP.id)
        assert {a.user.id for a in admins} == {BOB.id}
        chat = await bot.get_chat(GROUP.id)
        assert chat.title == GROUP.title and chat.type == "supergroup"


async def test_api_errors_surface_as_ptb_exceptions(fake: FakeBotAPI) -> None:
    """429, 403, migrate, 5xx, bad HTML and slow answers become the right PTB exceptions."""
    fake.register_chat(GROUP)
    async with make_builder(fake).build().bot as bot:
        fake.fail_next("sendMessage", 429, retry_after=3)
        with pytest.raises(RetryAfter) as retry, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            await bot.send_message(GROUP.id, "hi")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert retry.value.retry_after in (3, dtm.timedelta(seconds=3))
        fake.fail_next("SENDMESSAGE", 403)
        with pytest.raises(Forbidden, match="blocked"):
            await bot.send_message(GROUP.id, "hi")
        fake.fail_next("sendMessage", 400, migrate_to_chat_id=-100999)
        with pytest.raises(ChatMigrated) as migrated:
            await bot.send_message(GROUP.id, "hi")
        assert migrated.value.new_chat_id == -100999
        fake.fail_next("sendMessage", 502)
        with pytest.raises(NetworkError):
            await bot.send_message(GROUP.id, "hi")
        assert (await bot.send_message(GROUP.id, "recovered")).text == "recovered"
        with pytest.raises(BadRequest, match="parse entities"):
            await bot.send_message(GROUP.id, "<Sở Tài chính>", parse_mode=ParseMode.HTML)
        with pytest.raises(Forbidden, match="initiate"):
            await bot.send_message(BOB.id, "hello stranger")
        fake.delay_next("sendMessage", 10)
        with pytest.raises(TimedOut):
            await bot.send_message(GROUP.id, "slow", read_timeout=0.2)
        statuses = [c.status for c in fake.calls_of("sendMessage")]
        assert statuses[:7] == [429, 403, 400, 502, 200, 400, 403]
        await fake.wait_for(lambda: fake.calls[-1].status == 499, what="the slow call cancelled")
        assert [c.text for c in fake.sent()] == ["recovered"]


async def test_migration_and_member_updates(fake: FakeBotAPI) -> None:
    """Migration service messages parse, and the old chat id then fails with ChatMigrated."""
    old = group(-4001, "Ban cũ")
    app = echo_app(fake)
    async with running_bot(app, fake) as conv:
        await conv.deliver(fake.inject_my_chat_member(old, ALICE, "left", "member"))
        await conv.deliver(fake.inject_chat_member(old, ALICE, BOB, "left", "member"))
        added, joined = app.bot_data["members"]
        assert added.new_chat_member.user.id == 999000 and added.chat.type == "group"
        assert joined.new_chat_member.status == "member" and joined.from_user.id == ALICE.id
        await conv.deliver(fake.inject_new_members(old, ALICE, [BOB]))
        await conv.deliver(fake.inject_left_member(old, ALICE, BOB))
        first, second = fake.inject_migration(old.id, -1004001)
        await conv.settle()
        assert first["message"]["migrate_to_chat_id"] == -1004001
        assert second["message"]["chat"]["type"] == "supergroup"
        with pytest.raises(ChatMigrated):
            await app.bot.send_message(old.id, "hi")
        assert (await app.bot.send_message(-1004001, "hi")).chat.title == "Ban cũ"


async def test_wait_processed_allows_asserting_silence(fake: FakeBotAPI) -> None:
    """After wait_processed the update has been handled, so "nothing sent" is meaningful."""
    app = echo_app(fake)
    async with running_bot(app, fake) as conv:
        update = await conv.send(GROUP, ALICE, "just chatting")
        assert update["update_id"] in app.bot_data["seen"]
        assert conv.new_sent() == [] and conv.new_texts() == []
        texts = [await conv.ask(GROUP, ALICE, "/start") for _ in range(3)]
        assert texts == ["Hello Alice"] * 3 and conv.new_texts() == ["Hello Alice"]
