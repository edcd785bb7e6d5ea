"""The main Bot API connection keeps, of a sent message's echo, only what the bot reads."""

from __future__ import annotations

import json

from bot.config import Settings
from bot.wiring.app import build_application
from bot.wiring.requests import SentMessagesRequest
from tests.fakes.harness import TOKEN

ECHO = {
    "message_id": 42,
    "date": 1764547200,
    "chat": {"id": -1001, "type": "supergroup", "title": "Ban Chỉ đạo"},
    "from": {"id": 1, "is_bot": True, "first_name": "Bot", "username": "committee_bot"},
    "text": "#1 Báo cáo tiến độ",
    "entities": [{"type": "bold", "offset": 0, "length": 2}],
    "reply_markup": {"inline_keyboard": [[{"text": "50%", "callback_data": "v1:t:p:1:50"}]]},
    "reply_to_message": {
        "message_id": 41,
        "date": 1764547100,
        "chat": {"id": -1001, "type": "supergroup"},
        "text": "/assign …",
    },
    "poll": {"id": "p1"},
}


def parsed(result: object) -> object:
    return SentMessagesRequest().parse_json_payload(
        json.dumps({"ok": True, "result": result}).encode()
    )["result"]


def test_a_sent_message_loses_its_echoed_entities_keyboard_and_replied_message():
    message = parsed(ECHO)
    assert message == {k: v for k, v in ECHO.items() if k not in (
        "entities", "reply_markup", "reply_to_message")}  # fmt: skip
    assert message["poll"] == {"id": "p1"}  # a sent poll's id is read (votes)


def test_other_answers_are_left_as_telegram_sent_them():
    member = {"status": "administrator", "user": {"id": 5, "is_bot": False, "first_name": "A"}}
    assert parsed(member) == member
    assert parsed(True) is True
    assert parsed([ECHO]) == [ECHO]  # not a message at the top: untouched
    error = SentMessagesRequest().parse_json_payload(b'{"ok":false,"description":"Bad"}')
    assert error == {"ok": False, "description": "Bad"}


def test_the_application_sends_through_it(tmp_path):
    settings = Settings(
        _env_file=None,
        bot_token=TOKEN,
        bot_api_base_url="http://127.0.0.1:9/bot",
        bot_api_file_url="http://127.0.0.1:9/file/bot",
        database_path=tmp_path / "bot.db",
    )
    app = build_application(settings)
    assert isinstance(app.bot.request, SentMessagesRequest)
