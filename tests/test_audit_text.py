"""Audit entries as sentences (bot/reports/audit_text.py): every action the code records has its
catalog sentence in both languages, and an action without one still reads as words."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.i18n import catalog
from bot.reports.audit_text import action_label, plain_sentence, sentence
from storage.audit import AuditEntry

ROOT = Path(__file__).resolve().parent.parent
HN = ZoneInfo("Asia/Ho_Chi_Minh")
# The areas whose every action must have its own sentence (a new area may start with the
# readable fallback; give it sentences under [history.act.<area>] as it settles).
SENTENCED = {"committee", "member", "settings", "task", "consultation", "vote", "reminder",
             "recovery", "bot", "topic"}  # fmt: skip
_ACTION = re.compile(r'"([a-z_]+\.[a-z_]+)"')


def recorded_actions() -> set[str]:
    """Every action code passed to `audit.add(` in the bot's code."""
    found = set()
    for path in (ROOT / "bot").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for call in re.finditer(r"audit\.add\(", text):
            head = text[call.end() : call.end() + 200].split("\n\n")[0]
            head = head.split(")", 1)[0] if head.count("(") == 0 else head
            found |= {a for a in _ACTION.findall(head) if a.split(".")[0] not in {"common"}}
    return found


def entry(action: str, **details) -> AuditEntry:
    return AuditEntry(1, 1, None, 104, action, details, datetime(2026, 12, 1, 2, tzinfo=UTC))


def test_the_scan_finds_the_actions():
    actions = recorded_actions()
    assert {"task.create", "consultation.close", "vote.ballot", "reminder.add"} <= actions


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_recorded_action_of_a_known_area_has_its_sentence(lang):
    messages = catalog(lang)
    missing = sorted(
        a for a in recorded_actions()
        if a.split(".")[0] in SENTENCED and f"history.act.{a}" not in messages
    )  # fmt: skip
    assert missing == []


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_no_action_ever_reads_as_its_code(lang):
    for action in [*sorted(recorded_actions()), "meeting.open", "weird.thing", "standin.add"]:
        said = plain_sentence(entry(action, title="Họp quý IV", number=3), {}, HN, lang)
        assert action not in said and "{" not in said and said[:1].isupper(), (action, said)
        label = action_label(action, lang)
        assert action not in label and label


def test_a_new_action_reads_as_words_until_it_gets_its_sentence():
    assert plain_sentence(entry("meeting.open", title="Họp quý IV"), {}, HN, "vi") == (
        "Mở phiên họp «Họp quý IV»"
    )
    assert str(sentence(entry("meeting.open", title="Q4"), {}, HN, "en")) == "opened a meeting “Q4”"
    assert action_label("collection.submit", "vi") == "nộp báo cáo định kỳ"
    assert action_label("task.create", "vi") == "tạo nhiệm vụ"
    assert plain_sentence(entry("weird.thing", x=1), {}, HN, "vi") == "Thay đổi mục khác"


def test_a_stored_time_in_the_details_is_shown_in_the_committees_time():
    said = plain_sentence(
        entry("reminder.add", number=2, at="2026-12-01T03:00:00Z", text="Họp"), {}, HN, "vi"
    )
    assert said == "Đặt nhắc việc số 2 lúc 01/12/2026 10:00: Họp"
