"""Deadlines as officials write them (issue 12): every phrasing, with and without diacritics,
NFD input, any case and spacing; past dates named; the part not understood named."""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.dates import fold_text, leading_deadline, parse_deadline, split_deadline
from bot.deadlines import parse_when
from bot.errors import DomainError

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def hcm(*args: int) -> datetime:
    return datetime(*args, tzinfo=HCM).astimezone(UTC)


NOW = hcm(2026, 12, 1, 9, 0)  # Tuesday 01/12/2026 09:00, the tests' fake clock

PHRASES = [
    ("trước ngày 15/12", hcm(2026, 12, 15, 23, 59)),
    ("trước 15/12", hcm(2026, 12, 15, 23, 59)),
    ("chậm nhất 15/12", hcm(2026, 12, 15, 23, 59)),
    ("chậm nhất là ngày 15/12", hcm(2026, 12, 15, 23, 59)),
    ("thứ sáu tuần sau", hcm(2026, 12, 11, 23, 59)),
    ("t6 tuần sau", hcm(2026, 12, 11, 23, 59)),
    ("thứ sáu tuần này", hcm(2026, 12, 4, 23, 59)),
    ("thứ sáu này", hcm(2026, 12, 4, 23, 59)),
    ("tuần sau", hcm(2026, 12, 11, 23, 59)),
    ("tuần tới", hcm(2026, 12, 11, 23, 59)),
    ("cuối tuần", hcm(2026, 12, 4, 23, 59)),
    ("cuối tuần sau", hcm(2026, 12, 11, 23, 59)),
    ("đầu tuần sau", hcm(2026, 12, 7, 23, 59)),
    ("cuối tháng", hcm(2026, 12, 31, 23, 59)),
    ("cuối tháng sau", hcm(2027, 1, 31, 23, 59)),
    # the first working day: 1/1/2027 is New Year's Day (issue 17's calendar), so Monday 4/1
    ("đầu tháng sau", hcm(2027, 1, 4, 23, 59)),
    ("giữa tháng", hcm(2026, 12, 15, 23, 59)),
    ("cuối năm", hcm(2026, 12, 31, 23, 59)),
    ("sáng mai", hcm(2026, 12, 2, 12, 0)),
    ("chiều mai", hcm(2026, 12, 2, 17, 0)),
    ("chiều nay", hcm(2026, 12, 1, 17, 0)),
    ("tối nay", hcm(2026, 12, 1, 21, 0)),
    ("chiều thứ năm", hcm(2026, 12, 3, 17, 0)),
    ("sáng thứ hai tuần sau", hcm(2026, 12, 7, 12, 0)),
    ("9 giờ sáng mai", hcm(2026, 12, 2, 9, 0)),
    ("3 giờ chiều thứ năm", hcm(2026, 12, 3, 15, 0)),
    ("15/12 17 giờ", hcm(2026, 12, 15, 17, 0)),
    ("15/12 lúc 17 giờ 30", hcm(2026, 12, 15, 17, 30)),
    ("17 giờ 30", hcm(2026, 12, 1, 17, 30)),
    ("17 giờ rưỡi", hcm(2026, 12, 1, 17, 30)),
    ("17g30", hcm(2026, 12, 1, 17, 30)),
    ("15/12/26", hcm(2026, 12, 15, 23, 59)),
    ("15-12", hcm(2026, 12, 15, 23, 59)),
    ("15.12", hcm(2026, 12, 15, 23, 59)),
    ("15-12-2026", hcm(2026, 12, 15, 23, 59)),
    ("ngày 15", hcm(2026, 12, 15, 23, 59)),
    ("15 tháng 12", hcm(2026, 12, 15, 23, 59)),
    ("ngày 15 tháng 12 năm 2026", hcm(2026, 12, 15, 23, 59)),
    ("+3 ngày", hcm(2026, 12, 4, 23, 59)),
    ("3 ngày nữa", hcm(2026, 12, 4, 23, 59)),
    ("trong 3 ngày", hcm(2026, 12, 4, 23, 59)),
    ("trong vòng 3 ngày", hcm(2026, 12, 4, 23, 59)),
    ("3 ngày nữa lúc 9h", hcm(2026, 12, 4, 9, 0)),
    ("+5 ngày làm việc", hcm(2026, 12, 8, 23, 59)),
    ("2 tuần nữa", hcm(2026, 12, 15, 23, 59)),
    ("1 tháng nữa", hcm(2027, 1, 1, 23, 59)),
    ("2 giờ nữa", NOW + timedelta(hours=2)),
    ("trong 30 phút", NOW + timedelta(minutes=30)),
    ("ngày kia", hcm(2026, 12, 3, 23, 59)),
    ("trong ngày 15/12", hcm(2026, 12, 15, 23, 59)),
    ("đến hết ngày 15/12", hcm(2026, 12, 15, 23, 59)),
    ("15/12.", hcm(2026, 12, 15, 23, 59)),
    ("15/12 (thứ Ba)", hcm(2026, 12, 15, 23, 59)),
    ("ngày 15/12/2026 thứ ba lúc 17h", hcm(2026, 12, 15, 17, 0)),
    ("10 giờ tối nay", hcm(2026, 12, 1, 22, 0)),
    ("3 ngày tới", hcm(2026, 12, 4, 23, 59)),
    ("15/01", hcm(2027, 1, 15, 23, 59)),  # more than two months back: next year
    # English
    ("next friday", hcm(2026, 12, 11, 23, 59)),
    ("this friday", hcm(2026, 12, 4, 23, 59)),
    ("next week", hcm(2026, 12, 11, 23, 59)),
    ("end of month", hcm(2026, 12, 31, 23, 59)),
    ("tomorrow morning", hcm(2026, 12, 2, 12, 0)),
    ("thursday afternoon", hcm(2026, 12, 3, 17, 0)),
    ("by 15/12 5pm", hcm(2026, 12, 15, 17, 0)),
    ("in 3 days", hcm(2026, 12, 4, 23, 59)),
    ("+5 working days", hcm(2026, 12, 8, 23, 59)),
    ("in 2 hours", NOW + timedelta(hours=2)),
]


def plain(text: str) -> str:
    """The same words typed without diacritics (đ → d)."""
    return fold_text(text)


@pytest.mark.parametrize(("text", "expected"), PHRASES)
def test_phrasings_people_write(text: str, expected: datetime) -> None:
    assert parse_deadline(text, NOW, HCM) == expected


@pytest.mark.parametrize(("text", "expected"), PHRASES)
def test_without_diacritics_nfd_upper_case_and_extra_spaces(text: str, expected: datetime) -> None:
    nfd = unicodedata.normalize("NFD", text)
    spaced = "  " + "   ".join(text.upper().split()) + " "
    for variant in (plain(text), nfd, spaced):
        assert parse_deadline(variant, NOW, HCM) == expected, variant


def test_toi_after_a_weekday_is_next_with_diacritics_and_evening_without() -> None:
    assert parse_deadline("thứ sáu tới", NOW, HCM) == hcm(2026, 12, 4, 23, 59)  # tới: coming
    assert parse_deadline("thứ sáu tối", NOW, HCM) == hcm(2026, 12, 4, 21, 0)  # tối: evening
    assert parse_deadline("thu sau toi", NOW, HCM) == hcm(2026, 12, 4, 21, 0)  # can't tell


def test_a_time_of_day_is_reported_only_when_written() -> None:
    assert parse_when("15/12", NOW, HCM).has_time is False
    assert parse_when("+3 ngày", NOW, HCM).has_time is False
    assert parse_when("sáng mai", NOW, HCM).has_time is True
    assert parse_when("+2h", NOW, HCM).has_time is True


def test_start_reading_of_parts_of_the_day_for_meetings() -> None:
    assert parse_when("sáng mai", NOW, HCM, start=True).at == hcm(2026, 12, 2, 8, 0)
    assert parse_when("chiều thứ năm", NOW, HCM, start=True).at == hcm(2026, 12, 3, 14, 0)


def test_working_days_follow_the_committee_week() -> None:
    six_days = frozenset(range(6))
    assert parse_when("+5 ngày làm việc", NOW, HCM, six_days).at == hcm(2026, 12, 7, 23, 59)


def refusal(text: str, now: datetime = NOW) -> DomainError:
    with pytest.raises(DomainError) as caught:
        parse_deadline(text, now, HCM)
    return caught.value


@pytest.mark.parametrize(
    ("text", "when"),
    [("30/11", "30/11/2026"), ("hạn 30/11", "30/11/2026"), ("1/10", "01/10/2026")],
)
def test_a_date_that_just_passed_is_refused_with_the_date_named(text: str, when: str) -> None:
    error = refusal(text)
    assert (error.key, error.params["when"]) == ("date.past", when)


def test_a_weekday_that_does_not_match_the_date_is_refused() -> None:
    error = refusal("15/12 (thứ Tư)")
    assert (error.key, error.params) == (
        "date.weekday_mismatch",
        {"text": "15/12 (thứ Tư)", "date": "15/12/2026"},
    )


def test_two_months_is_the_line_between_passed_and_next_year() -> None:
    assert refusal("01/10").key == "date.past"  # 61 days back
    assert parse_deadline("29/09", NOW, HCM) == hcm(2027, 9, 29, 23, 59)


@pytest.mark.parametrize(
    ("text", "part"),
    [
        ("thứ sáu tuần sau nhé", "nhé"),
        ("15/12 17:00 hoặc sớm hơn", "hoặc sớm hơn"),
        ("thứ tám", "tám"),
        ("mai kia", "kia"),
        ("15/12 16/12", "16/12"),
        ("+2h 15/12", "15/12"),
    ],
)
def test_the_part_not_understood_is_named(text: str, part: str) -> None:
    error = refusal(text)
    assert (error.key, error.params) == ("date.unread", {"text": text, "part": part})


def test_split_deadline_knows_the_words_that_introduce_a_deadline() -> None:
    assert split_deadline("Báo cáo trước ngày 15/12") == ("Báo cáo", "ngày 15/12")
    assert split_deadline("Báo cáo chậm nhất 15/12") == ("Báo cáo", "15/12")
    assert split_deadline("Báo cáo hạn thứ sáu tuần sau") == ("Báo cáo", "thứ sáu tuần sau")
    assert split_deadline("Báo cáo han thu sau tuan sau") == ("Báo cáo", "thu sau tuan sau")
    assert split_deadline("Họp trước Tết") == ("Họp trước Tết", None)
    assert split_deadline("Gia hạn chiều dài") == ("Gia hạn chiều dài", None)


def test_leading_deadline_takes_the_longest_date() -> None:
    assert leading_deadline("9 giờ sáng thứ sáu tuần sau Họp giao ban") == (
        "9 giờ sáng thứ sáu tuần sau",
        "Họp giao ban",
    )
    assert leading_deadline("+2h Họp lúc 14:00") == ("+2h", "Họp lúc 14:00")
    assert leading_deadline("Họp") == ("", "Họp")


@settings(max_examples=200, deadline=None, database=None, derandomize=True)
@given(st.dates(date(2026, 12, 2), date(2027, 9, 29)))
def test_every_coming_day_month_reads_as_that_day(day: date) -> None:
    for text in (f"{day:%d/%m}", f"{day.day}-{day.month}", f"{day:%d.%m}", f"trước {day:%d/%m}"):
        assert parse_deadline(text, NOW, HCM) == hcm(day.year, day.month, day.day, 23, 59), text


@settings(max_examples=200, deadline=None, database=None, derandomize=True)
@given(st.dates(date(2026, 10, 1), date(2026, 11, 30)))
def test_every_recent_day_month_is_refused_as_past(day: date) -> None:
    error = refusal(f"{day:%d/%m}")
    assert (error.key, error.params["when"]) == ("date.past", f"{day:%d/%m/%Y}")


@settings(max_examples=200, deadline=None, database=None, derandomize=True)
@given(st.integers(0, 23), st.integers(0, 59), st.dates(date(2026, 12, 2), date(2027, 3, 1)))
def test_every_clock_spelling_is_the_same_moment(hour: int, minute: int, day: date) -> None:
    expected = hcm(day.year, day.month, day.day, hour, minute)
    for clock in (f"{hour}:{minute:02}", f"{hour}h{minute:02}", f"{hour} giờ {minute}"):
        assert parse_deadline(f"{day:%d/%m} {clock}", NOW, HCM) == expected, clock
