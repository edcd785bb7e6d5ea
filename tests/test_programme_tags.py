"""`ct:<code>` and `theo <số/ký hiệu> ngày <date>` read out of a command's first line (issue 17)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.errors import DomainError
from bot.services.programme_report import split_programme
from bot.services.programme_tags import Tags, extract_tags

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.parametrize(
    ("text", "rest", "tags"),
    [
        ("Số hóa hồ sơ hạn 15/12", "Số hóa hồ sơ hạn 15/12", Tags()),
        ("Số hóa ct:CQS hạn 15/12", "Số hóa hạn 15/12", Tags("CQS")),
        ("ct:KH125 Số hóa hạn 15/12", "Số hóa hạn 15/12", Tags("KH125")),
        (
            "Số hóa theo 1234/UBND-KT ngày 05/11/2026 hạn 15/12",
            "Số hóa hạn 15/12",
            Tags(None, "1234/UBND-KT", date(2026, 11, 5)),
        ),
        (
            "Open data per 88/QD-UBND dated 2026-10-01 ct:KTS due 15/12",
            "Open data due 15/12",
            Tags("KTS", "88/QD-UBND", date(2026, 10, 1)),
        ),
        ("Báo cáo theo 125/KH-UBND hạn 15/12", "Báo cáo hạn 15/12", Tags(None, "125/KH-UBND")),
        ("Theo dõi tiến độ hạn 20/12", "Theo dõi tiến độ hạn 20/12", Tags()),  # not a document
        ("Làm theo kế hoạch hạn 20/12", "Làm theo kế hoạch hạn 20/12", Tags()),
        ("Số hóa ct:CQS hạn 15/12\nMô tả ct:X", "Số hóa hạn 15/12\nMô tả ct:X", Tags("CQS")),
    ],
)
def test_extract_tags(text: str, rest: str, tags: Tags) -> None:
    assert extract_tags(text, NOW, HANOI) == (rest, tags)


def test_directives_only_for_tasks_and_bad_input() -> None:
    text = "Dự thảo theo 1234/UBND-KT ct:CQS hạn 10/12"
    assert extract_tags(text, NOW, HANOI, directive=False) == (
        "Dự thảo theo 1234/UBND-KT hạn 10/12",
        Tags("CQS"),
    )
    with pytest.raises(DomainError) as refused:
        extract_tags("Việc ct:bad!code hạn 10/12", NOW, HANOI)
    assert refused.value.key == "programme.bad_code"
    with pytest.raises(DomainError) as impossible:
        extract_tags("Việc theo 12/UBND ngày 31/02/2026 hạn 10/12", NOW, HANOI)
    assert impossible.value.key == "date.impossible"


def test_split_programme() -> None:
    assert split_programme("Q4 2026 ct:CQS") == ("Q4 2026", "CQS")
    assert split_programme("ct:KTS") == ("", "KTS")
    assert split_programme("H2 2026") == ("H2 2026", None)
