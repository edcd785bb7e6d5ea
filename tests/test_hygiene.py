"""Hygiene: the token never reaches a log line, even with the HTTP client logging at DEBUG."""

from __future__ import annotations

import io
import logging

from bot.logs import configure_logging
from tests.chat import GROUP, MEMBER_A, running, services, set_up_committee, vi
from tests.fakes.harness import TOKEN


def test_redaction_covers_messages_arguments_and_tracebacks():
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    try:
        configure_logging("DEBUG", [TOKEN], stream=stream)
        log = logging.getLogger("test")
        log.info("calling https://api.telegram.org/bot%s/getMe", TOKEN)
        try:
            raise RuntimeError(f"bad url /bot{TOKEN}/x")
        except RuntimeError:
            log.exception("failed")
    finally:
        root.handlers[:], root.level = saved
    text = stream.getvalue()
    assert TOKEN not in text
    assert "/bot***/getMe" in text and "RuntimeError: bad url /bot***/x" in text


async def test_a_real_run_with_an_error_logs_no_token(tmp_path, clock):
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    try:
        configure_logging("DEBUG", [TOKEN], stream=stream)
        logging.getLogger("httpx").setLevel(logging.DEBUG)  # URLs carry the token
        async with running(tmp_path, clock) as (conv, fake):
            await set_up_committee(conv, fake)
            db = services(conv).db
            await db.execute("ALTER TABLE members RENAME TO members_gone")
            assert await conv.ask(GROUP, MEMBER_A, "/members") == vi("error.apology")
            await db.execute("ALTER TABLE members_gone RENAME TO members")
    finally:
        root.handlers[:], root.level = saved
    text = stream.getvalue()
    assert "error while handling" in text and "members" in text
    assert "getUpdates" in text  # the client's request lines were logged…
    assert TOKEN not in text  # …without the token


# ------------------------------------------------------------------ user text is never markup


def shown(fake, call) -> str:
    """What Telegram displays for a sent message: text, caption, or a poll's question/options."""
    message = fake.message(call.result["chat"]["id"], call.result["message_id"]) or call.result
    if "poll" in message:
        poll = message["poll"]
        return "\n".join([poll["question"], *(o["text"] for o in poll["options"])])
    return message.get("text") or message.get("caption") or ""


async def test_user_text_is_displayed_literally_everywhere_it_is_echoed(tmp_path, clock):
    from handlers.jobs import sweeper_of
    from tests.chat import OTHER_GROUP, SECRETARY
    from tests.fakes import User
    from tests.workload import apologies, quiesce

    odd = User(300, "<b>Tên</b> &", last_name="<i>lạ</i>", username="ten_la")

    def p(name: str) -> str:  # one markup-laden text per field, to tell where each shows
        return f"<b>{name}</b> & <script>"

    steps = [  # (chat, who, text, the literal text the bot must display in its answer)
        (GROUP, odd, f"/join {p('cơ quan')}", p("cơ quan")),
        (GROUP, SECRETARY, "/members", "<b>Tên</b> & <i>lạ</i>"),
        (GROUP, SECRETARY, f"/assign @so_taichinh {p('tiêu đề')} hạn 20/12", p("tiêu đề")),
        (GROUP, MEMBER_A, f"/progress 1 40 {p('ghi chú')}", None),
        (GROUP, SECRETARY, "/show 1", p("ghi chú")),
        (GROUP, MEMBER_A, f"/extend 1 28/12 {p('lý do')}", p("lý do")),
        (GROUP, SECRETARY, "/tasks", p("tiêu đề")),
        (GROUP, SECRETARY, f"/consult {p('xin ý kiến')} hạn 20/12", p("xin ý kiến")),
        (GROUP, MEMBER_A, f"/opinion 2 comment {p('góp ý')}", None),
        (GROUP, SECRETARY, "/show 2", p("góp ý")),
        (GROUP, SECRETARY, f"/vote {p('biểu quyết')} hạn 20/12", p("biểu quyết")),
        (GROUP, SECRETARY, f"/poll {p('thăm dò')} | {p('phương án')} | b&c", p("phương án")),
        (GROUP, SECRETARY, f"/remind +1h {p('nhắc')}", p("nhắc")),
        (GROUP, SECRETARY, "/reminders", p("nhắc")),
        (GROUP, SECRETARY, "/digest", p("xin ý kiến")),
        (GROUP, SECRETARY, "/history", p("tiêu đề")),
        (GROUP, SECRETARY, "/close 2", p("xin ý kiến")),  # the early-close confirmation
        (GROUP, SECRETARY, f"/cancel 1 {p('hủy')}", None),
        (GROUP, SECRETARY, "/show 1", p("hủy")),
        (GROUP, SECRETARY, f"/settings timezone {p('múi giờ')}", p("múi giờ")),
        (GROUP, SECRETARY, f"/tasks @x{p('ai')}", None),
        (GROUP, SECRETARY, f"/report {p('kỳ')}", p("kỳ")),
        (OTHER_GROUP, SECRETARY, f"/setup {p('Ban')}", p("Ban")),
    ]
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        fake.set_chat_member(OTHER_GROUP.id, SECRETARY, "administrator")
        missing = []
        for chat, user, text, literal in steps:
            mark = len(fake.calls)
            await conv.send(chat, user, text)
            calls = [c for c in fake.calls[mark:] if c.method != "getUpdates"]
            assert all(c.ok or c.method.startswith("edit") for c in calls), (text, calls)
            sent = [c for c in calls if c.ok and c.method.startswith("send")]
            displayed = [shown(fake, c) for c in sent]
            assert displayed and not set(displayed) & apologies(), text
            if literal is not None and not any(literal in d for d in displayed):
                missing.append((text, displayed))
        clock.advance(hours=1)
        mark = len(fake.calls)
        assert await sweeper_of(conv.app).sweep() == 1
        [reminder] = [shown(fake, c) for c in fake.sent(GROUP.id) if c in fake.calls[mark:]]
        assert p("nhắc") in reminder
        await quiesce(conv)
    assert "\n".join(m[0] for m in missing) == ""
