"""Pure parts of collections: reading /collect, recurrence, occurrence deadlines, archive names
and splitting under Telegram's upload limit."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.documents.collection_files import Packed, build_zip, split_parts
from bot.errors import DomainError
from bot.recurrence import Recurrence, occurrence_deadline, shift_months, split_recurrence
from bot.services.collection_model import Row, read_collect, zip_names
from bot.services.settings import CommitteeConfig
from storage.collections import FileRef, Submission
from storage.members import Member

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
CFG = CommitteeConfig(HANOI, "vi", frozenset(range(5)), None, (), None, True)


@pytest.mark.parametrize(
    ("text", "rest", "rule"),
    [
        ("Báo cáo hạn 15/01 hằng quý", "Báo cáo hạn 15/01", Recurrence("quarter")),
        ("Báo cáo hạn 15/01 hằng tháng ngày 5", "Báo cáo hạn 15/01", Recurrence("month", 5)),
        ("Report due 15/01 every year on 20", "Report due 15/01", Recurrence("year", 20)),
        ("Report due 15/01 monthly", "Report due 15/01", Recurrence("month")),
        ("Hằng quý họp", "Hằng quý họp", None),
        ("Báo cáo 15 ngày", "Báo cáo 15 ngày", None),
    ],
)
def test_the_recurrence_suffix(text, rest, rule):
    assert split_recurrence(text) == (rest, rule)


def test_a_day_that_no_month_has_is_refused():
    with pytest.raises(DomainError) as err:
        split_recurrence("Báo cáo hạn 15/01 hằng tháng ngày 32")
    assert err.value.key == "recurring.bad_day"


def test_collect_reads_title_deadline_people_and_rule_in_any_order_at_the_end():
    parsed = read_collect("Báo cáo quý hạn 15/01/2027 @so_tc @So_KH hằng quý")
    assert (parsed.title, parsed.due) == ("Báo cáo quý", "15/01/2027")
    assert parsed.usernames == ("so_tc", "so_kh")
    assert parsed.recurrence == Recurrence("quarter")
    assert read_collect("Báo cáo không hạn").due is None


def test_occurrences_follow_the_anchor_clamp_to_the_month_and_skip_days_off():
    assert shift_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    at = time(23, 59)
    rule = Recurrence("month")
    # 31/01 → 28/02 (Sunday) → Monday 01/03; the series keeps its day: 31/03 (Wednesday).
    local = [
        occurrence_deadline(date(2027, 1, 31), at, rule, k, CFG).astimezone(HANOI).date()
        for k in range(3)
    ]
    assert local == [date(2027, 1, 31), date(2027, 3, 1), date(2027, 3, 31)]
    quarter = occurrence_deadline(date(2026, 12, 15), at, Recurrence("quarter", 10), 1, CFG)
    assert quarter == datetime(2027, 3, 10, 16, 59, tzinfo=UTC)


def _row(member_id: int, agency: str, name: str) -> Row:
    member = Member(member_id, 1, member_id, None, f"N{member_id}", "member", agency, True, None)
    sub = Submission(member_id, 1, member_id, FileRef("f", None, name, 1), None, False)
    return Row(member, sub, 1)


def test_archive_names_are_agency_and_file_unique_and_path_safe():
    rows = [
        _row(1, "Sở Tài chính", "báo cáo.pdf"),
        _row(2, "Sở Tài chính", "báo cáo.pdf"),
        _row(3, "Sở A/B", "../x.pdf"),
    ]
    assert zip_names(rows) == {
        1: "Sở Tài chính - báo cáo.pdf",
        2: "Sở Tài chính - báo cáo (2).pdf",
        3: "Sở A_B - .._x.pdf",
    }


def test_archives_are_split_under_the_limit_keeping_every_file():
    files = [Packed(i, f"f{i}.bin", bytes([i]) * 400) for i in range(5)]
    parts = split_parts(files, limit=1000)
    assert [[p.member_id for p in part] for part in parts] == [[0, 1], [2, 3], [4]]
    archive = zipfile.ZipFile(io.BytesIO(build_zip(parts[0])))
    assert archive.read("f1.bin") == bytes([1]) * 400
    assert split_parts([], limit=1000) == []
