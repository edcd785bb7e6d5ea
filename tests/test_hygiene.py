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
