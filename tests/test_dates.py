"""Tests for bot.dates and bot.periods: deadlines, formatting, working days, settings, periods."""

from __future__ import annotations

import string
import tomllib
import unicodedata
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.dates import (
    end_of_day,
    fold_text,
    format_date,
    format_datetime,
    format_duration,
    format_offsets,
    format_short,
    format_workdays,
    looks_like_deadline,
    parse_deadline,
    parse_hhmm,
    parse_offsets,
    parse_quiet,
    parse_weekday,
    parse_workdays,
    split_deadline,
)
from bot.errors import DomainError
from bot.periods import (
    add_working_days,
    is_working_day,
    next_allowed,
    next_period,
    next_working_day_on_or_after,
    parse_period,
    period_title,
    previous_period,
    previous_working_day,
)

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
NY = ZoneInfo("America/New_York")
MON_FRI = frozenset(range(5))
QUIET = (time(21), time(7))
LOCALES = Path(__file__).resolve().parent.parent / "bot" / "locales"


def hcm(*args: int) -> datetime:
    """An aware UTC moment given as Ho Chi Minh City wall time."""
    return datetime(*args, tzinfo=HCM).astimezone(UTC)


def ny(*args: int) -> datetime:
    """An aware UTC moment given as New York wall time."""
    return datetime(*args, tzinfo=NY).astimezone(UTC)


def refused(key: str, call, *args) -> DomainError:
    """Run `call(*args)` expecting a DomainError with `key`; return it."""
    with pytest.raises(DomainError) as caught:
        call(*args)
    assert caught.value.key == key, caught.value
    return caught.value


# Wednesday 4 March 2026, 10:00 in Ho Chi Minh City (03:00 UTC).
NOW = hcm(2026, 3, 4, 10, 0)


# ---------------------------------------------------------------- parse_deadline: accepted forms


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("31/12", hcm(2026, 12, 31, 23, 59)),
        ("5/3", hcm(2026, 3, 5, 23, 59)),
        ("05/03", hcm(2026, 3, 5, 23, 59)),
        ("31/12/2026", hcm(2026, 12, 31, 23, 59)),
        ("2026-12-31", hcm(2026, 12, 31, 23, 59)),
        ("2026-3-5", hcm(2026, 3, 5, 23, 59)),
        ("31/12 17:00", hcm(2026, 12, 31, 17, 0)),
        ("31/12 7:05", hcm(2026, 12, 31, 7, 5)),
        ("31/12/2026 17:00", hcm(2026, 12, 31, 17, 0)),
        ("2026-12-31 17:00", hcm(2026, 12, 31, 17, 0)),
        ("31/12 17h", hcm(2026, 12, 31, 17, 0)),
        ("31/12 17h30", hcm(2026, 12, 31, 17, 30)),
        ("31/12 lúc 17h30", hcm(2026, 12, 31, 17, 30)),
        ("31/12 at 17:30", hcm(2026, 12, 31, 17, 30)),
        ("ngày 31/12", hcm(2026, 12, 31, 23, 59)),
        ("17h ngày 31/12", hcm(2026, 12, 31, 17, 0)),
        ("17:00 31/12/2026", hcm(2026, 12, 31, 17, 0)),
        ("today", hcm(2026, 3, 4, 23, 59)),
        ("today 17:00", hcm(2026, 3, 4, 17, 0)),
        ("hôm nay", hcm(2026, 3, 4, 23, 59)),
        ("hom nay 17h", hcm(2026, 3, 4, 17, 0)),
        ("homnay", hcm(2026, 3, 4, 23, 59)),
        ("tomorrow", hcm(2026, 3, 5, 23, 59)),
        ("tomorrow at 9:00", hcm(2026, 3, 5, 9, 0)),
        ("ngày mai", hcm(2026, 3, 5, 23, 59)),
        ("ngay mai 8h", hcm(2026, 3, 5, 8, 0)),
        ("mai", hcm(2026, 3, 5, 23, 59)),
        ("mai 14h30", hcm(2026, 3, 5, 14, 30)),
        # A relative number of days or weeks is the end of that day; hours and minutes are exact.
        ("+3d", hcm(2026, 3, 7, 23, 59)),
        ("+2w", hcm(2026, 3, 18, 23, 59)),
        ("+4h", NOW + timedelta(hours=4)),
        ("+30m", NOW + timedelta(minutes=30)),
        ("+3n", hcm(2026, 3, 7, 23, 59)),
        ("+ 3 ngày", hcm(2026, 3, 7, 23, 59)),
        ("+2 tuần", hcm(2026, 3, 18, 23, 59)),
        ("+4 giờ", NOW + timedelta(hours=4)),
        ("+30 phút", NOW + timedelta(minutes=30)),
        ("+1 day", hcm(2026, 3, 5, 23, 59)),
        ("+45 min", NOW + timedelta(minutes=45)),
    ],
)
def test_parse_deadline_forms(text: str, expected: datetime) -> None:
    assert parse_deadline(text, NOW, HCM) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # NOW is a Wednesday: every weekday word means the next such day, strictly after today.
        ("thứ hai", date(2026, 3, 9)),
        ("thu hai", date(2026, 3, 9)),
        ("Thứ 2", date(2026, 3, 9)),
        ("t2", date(2026, 3, 9)),
        ("thứ ba", date(2026, 3, 10)),
        ("t3", date(2026, 3, 10)),
        ("thứ tư", date(2026, 3, 11)),
        ("thu tu", date(2026, 3, 11)),
        ("t4", date(2026, 3, 11)),
        ("wed", date(2026, 3, 11)),
        ("thứ năm", date(2026, 3, 5)),
        ("thứ 5", date(2026, 3, 5)),
        ("thu", date(2026, 3, 5)),
        ("thursday", date(2026, 3, 5)),
        ("thứ sáu", date(2026, 3, 6)),
        ("thứ6", date(2026, 3, 6)),
        ("T6", date(2026, 3, 6)),
        ("fri", date(2026, 3, 6)),
        ("THỨ BẢY", date(2026, 3, 7)),
        ("thu bay", date(2026, 3, 7)),
        ("t7", date(2026, 3, 7)),
        ("saturday", date(2026, 3, 7)),
        ("chủ nhật", date(2026, 3, 8)),
        ("Chu Nhat", date(2026, 3, 8)),
        ("cn", date(2026, 3, 8)),
        ("SUN", date(2026, 3, 8)),
        ("mon", date(2026, 3, 9)),
        ("Monday", date(2026, 3, 9)),
        ("tue", date(2026, 3, 10)),
    ],
)
def test_weekday_words_mean_the_next_such_day(text: str, expected: date) -> None:
    assert parse_deadline(text, NOW, HCM) == end_of_day(expected, HCM)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("thứ 6 17h", hcm(2026, 3, 6, 17, 0)),
        ("t6 9:30", hcm(2026, 3, 6, 9, 30)),
        ("fri 17:00", hcm(2026, 3, 6, 17, 0)),
        ("chủ nhật lúc 8h", hcm(2026, 3, 8, 8, 0)),
        ("thu 2 17h30", hcm(2026, 3, 9, 17, 30)),
        ("thu 17:00", hcm(2026, 3, 5, 17, 0)),
        ("wednesday 08:00", hcm(2026, 3, 11, 8, 0)),
    ],
)
def test_weekday_with_time(text: str, expected: datetime) -> None:
    assert parse_deadline(text, NOW, HCM) == expected


def test_weekday_typed_on_that_weekday_means_next_week() -> None:
    monday = hcm(2026, 3, 2, 9, 0)
    assert parse_deadline("thứ hai", monday, HCM) == hcm(2026, 3, 9, 23, 59)
    assert parse_deadline("mon 08:00", monday, HCM) == hcm(2026, 3, 9, 8, 0)


@pytest.mark.parametrize(
    "text",
    [
        "  31/12   17:00  ",
        "31/12\t17:00",
        "31/12 17H00",
        "31/12 17h00",
        "31/12, 17:00",
        "31/12 LÚC 17:00",
        "31/12 luc 17:00",
    ],
)
def test_spacing_and_case_tolerated(text: str) -> None:
    assert parse_deadline(text, NOW, HCM) == hcm(2026, 12, 31, 17, 0)


@pytest.mark.parametrize("text", ["Hôm Nay", "HÔM NAY", "hom nay", "Hom  Nay", "TODAY", "Today"])
def test_today_spellings(text: str) -> None:
    assert parse_deadline(text, NOW, HCM) == hcm(2026, 3, 4, 23, 59)


@pytest.mark.parametrize("text", ["Ngày Mai", "NGAY MAI", "ngay mai", "ngaymai", "Mai", "TOMORROW"])
def test_tomorrow_spellings(text: str) -> None:
    assert parse_deadline(text, NOW, HCM) == hcm(2026, 3, 5, 23, 59)


# ---------------------------------------------------------------- end of day and timezones


def test_date_without_time_is_end_of_day_in_ho_chi_minh() -> None:
    due = parse_deadline("31/12", NOW, HCM)
    assert due == datetime(2026, 12, 31, 16, 59, tzinfo=UTC)
    assert due.tzinfo is UTC
    assert due.astimezone(HCM).time() == time(23, 59)


def test_end_of_day_follows_daylight_saving_in_new_york() -> None:
    now = ny(2026, 3, 6, 12, 0)  # Friday; clocks go forward on Sunday 8 March 2026
    assert parse_deadline("07/03", now, NY) == datetime(2026, 3, 8, 4, 59, tzinfo=UTC)  # EST
    assert parse_deadline("09/03", now, NY) == datetime(2026, 3, 10, 3, 59, tzinfo=UTC)  # EDT
    assert parse_deadline("mon", now, NY) == datetime(2026, 3, 10, 3, 59, tzinfo=UTC)
    assert parse_deadline("09/03 09:00", now, NY) == datetime(2026, 3, 9, 13, 0, tzinfo=UTC)


def test_relative_hours_are_exact_across_daylight_saving() -> None:
    now = ny(2026, 3, 7, 12, 0)
    assert parse_deadline("+24h", now, NY) == now + timedelta(hours=24)
    assert parse_deadline("+24h", now, NY).astimezone(NY).hour == 13
    assert parse_deadline("+1d", now, NY) == datetime(2026, 3, 9, 3, 59, tzinfo=UTC)  # EDT


def test_nonexistent_local_time_uses_offset_before_the_change() -> None:
    now = ny(2026, 3, 6, 12, 0)
    assert parse_deadline("08/03 02:30", now, NY) == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)


def test_today_late_at_night_uses_the_local_date() -> None:
    late = hcm(2026, 3, 4, 23, 30)
    assert late == datetime(2026, 3, 4, 16, 30, tzinfo=UTC)
    assert parse_deadline("today", late, HCM) == datetime(2026, 3, 4, 16, 59, tzinfo=UTC)
    assert parse_deadline("tomorrow", late, HCM) == datetime(2026, 3, 5, 16, 59, tzinfo=UTC)
    refused("date.past_time", parse_deadline, "hôm nay 23:00", late, HCM)


def test_today_just_after_local_midnight_when_utc_is_still_yesterday() -> None:
    early = hcm(2026, 3, 5, 1, 0)
    assert early == datetime(2026, 3, 4, 18, 0, tzinfo=UTC)
    assert parse_deadline("today", early, HCM) == hcm(2026, 3, 5, 23, 59)
    assert parse_deadline("ngày mai", early, HCM) == hcm(2026, 3, 6, 23, 59)
    assert parse_deadline("hôm nay 9h", early, HCM) == hcm(2026, 3, 5, 9, 0)
    assert parse_deadline("thứ năm", early, HCM) == hcm(2026, 3, 12, 23, 59)


def test_today_in_the_last_minute_is_already_past() -> None:
    refused("date.past", parse_deadline, "today", hcm(2026, 3, 4, 23, 59, 30), HCM)


# ---------------------------------------------------------------- years and leap days


@pytest.mark.parametrize(
    ("text", "now", "expected"),
    [
        ("31/12", hcm(2026, 1, 10, 9, 0), hcm(2026, 12, 31, 23, 59)),
        ("05/01", hcm(2026, 12, 20, 9, 0), hcm(2027, 1, 5, 23, 59)),
        ("19/09", hcm(2026, 12, 20, 9, 0), hcm(2027, 9, 19, 23, 59)),  # > 2 months back
        ("20/12", hcm(2026, 12, 20, 9, 0), hcm(2026, 12, 20, 23, 59)),
        ("01/01", hcm(2026, 12, 31, 23, 30), hcm(2027, 1, 1, 23, 59)),
        ("29/02", hcm(2028, 1, 15, 9, 0), hcm(2028, 2, 29, 23, 59)),
        ("29/02", hcm(2027, 3, 15, 9, 0), hcm(2028, 2, 29, 23, 59)),
        ("29/02/2028", NOW, hcm(2028, 2, 29, 23, 59)),
        ("2028-02-29 08:00", NOW, hcm(2028, 2, 29, 8, 0)),
    ],
)
def test_year_inference_and_leap_days(text: str, now: datetime, expected: datetime) -> None:
    assert parse_deadline(text, now, HCM) == expected


def test_a_day_that_just_ended_is_refused_naming_it_not_moved_a_year() -> None:
    last_second = hcm(2026, 12, 20, 23, 59, 30)
    error = refused("date.past", parse_deadline, "20/12", last_second, HCM)
    assert error.params == {"text": "20/12", "when": "20/12/2026"}
    error = refused("date.past", parse_deadline, "19/12", hcm(2026, 12, 20, 9, 0), HCM)
    assert error.params == {"text": "19/12", "when": "19/12/2026"}


def test_same_day_with_past_time_is_refused_not_moved_a_year() -> None:
    error = refused("date.past_time", parse_deadline, "20/12 08:00", hcm(2026, 12, 20, 10, 0), HCM)
    assert error.params == {"text": "20/12 08:00", "when": "20/12/2026 08:00"}


@pytest.mark.parametrize(
    ("text", "now"),
    [
        ("29/02/2027", NOW),
        ("2027-02-29", NOW),
        ("31/02", NOW),
        ("30/02/2028", NOW),
        ("31/04", NOW),
        ("32/01", NOW),
        ("00/05", NOW),
        ("15/13", NOW),
        ("15/00/2027", NOW),
        ("31/06 17:00", NOW),
        ("29/02", hcm(2027, 1, 15, 9, 0)),  # this year's 29 February does not exist
    ],
)
def test_impossible_dates(text: str, now: datetime) -> None:
    error = refused("date.impossible", parse_deadline, text, now, HCM)
    assert error.params == {"text": text}


# ---------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "xyz",
        "2026/12/31",
        "31/12 25:00",
        "31/12 24:00",
        "31/12 17:60",
        "today 99h",
        "t8",
        "t1",
        "3d",
        "+3",
        "+d",
        "-3d",
        "+3x",
        "+1.5d",
        "<b>31/12</b>",
        "+1234567d",
        "٣١/١٢",
    ],
)
def test_unparseable_is_invalid(text: str) -> None:
    error = refused("date.invalid", parse_deadline, text, NOW, HCM)
    assert error.params == {"text": " ".join(text.split())}


@pytest.mark.parametrize(
    ("text", "key", "when"),
    [
        ("01/01/2026", "date.past", "01/01/2026"),
        ("2026-03-03", "date.past", "03/03/2026"),
        ("03/03", "date.past", "03/03/2026"),  # just passed: refused, not moved to 2027
        ("03/03/2026 23:00", "date.past_time", "03/03/2026 23:00"),
        ("04/03 09:59", "date.past_time", "04/03/2026 09:59"),
        ("04/03 10:00", "date.past_time", "04/03/2026 10:00"),
        ("today 9:00", "date.past_time", "04/03/2026 09:00"),
        ("8h", "date.past_time", "04/03/2026 08:00"),
    ],
)
def test_past_moments_are_refused_naming_the_moment(text: str, key: str, when: str) -> None:
    error = refused(key, parse_deadline, text, NOW, HCM)
    assert error.params == {"text": text, "when": when}


@pytest.mark.parametrize("text", ["+0m", "+0h"])
def test_zero_offsets_are_refused(text: str) -> None:
    refused("date.past_time", parse_deadline, text, NOW, HCM)


@pytest.mark.parametrize("text", ["+0d", "+0w", "+00d", "trong 0 ngày"])
def test_zero_days_mean_the_end_of_today(text: str) -> None:
    assert parse_deadline(text, NOW, HCM) == hcm(2026, 3, 4, 23, 59)


def test_one_minute_ahead_is_accepted() -> None:
    assert parse_deadline("04/03 10:01", NOW, HCM) == hcm(2026, 3, 4, 10, 1)


@pytest.mark.parametrize("text", ["31/12/9999", "+999999w", "31/12/2999"])
def test_absurdly_far_deadlines(text: str) -> None:
    with pytest.raises(DomainError) as caught:
        parse_deadline(text, NOW, NY)
    assert caught.value.key in {"date.too_far", "date.invalid"}


def test_far_but_sane_deadline_accepted() -> None:
    assert parse_deadline("31/12/2045", NOW, HCM) == hcm(2045, 12, 31, 23, 59)


# ---------------------------------------------------------------- split_deadline


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Báo cáo tiến độ due 31/12", ("Báo cáo tiến độ", "31/12")),
        ("Báo cáo tiến độ hạn 31/12 17:00", ("Báo cáo tiến độ", "31/12 17:00")),
        ("Báo cáo tiến độ han 31/12", ("Báo cáo tiến độ", "31/12")),
        ("Báo cáo tiến độ HẠN ngày mai", ("Báo cáo tiến độ", "ngày mai")),
        ("Báo cáo tiến độ Due: tomorrow 9:00", ("Báo cáo tiến độ", "tomorrow 9:00")),
        ("Báo cáo hạn chót 30/09", ("Báo cáo", "30/09")),
        ("Rà soát hạn mức ngân sách hạn 31/12", ("Rà soát hạn mức ngân sách", "31/12")),
        ("Review due process due +3d", ("Review due process", "+3d")),
        ("Đề án hạn 30/06 rồi hạn 31/12", ("Đề án hạn 30/06 rồi", "31/12")),
        ("Nộp báo cáo hạn thứ 6", ("Nộp báo cáo", "thứ 6")),
        ("Nộp báo cáo  due   fri 17:00  ", ("Nộp báo cáo", "fri 17:00")),
        ("Báo cáo hạn 32/13", ("Báo cáo", "32/13")),
        ("Báo cáo hạn 31/12 25:00", ("Báo cáo", "31/12 25:00")),
        ("due 31/12", ("", "31/12")),
        (
            "@lan @minh Kế hoạch chuyển đổi số hạn 2026-12-31",
            ("@lan @minh Kế hoạch chuyển đổi số", "2026-12-31"),
        ),
    ],
)
def test_split_deadline_found(text: str, expected: tuple[str, str]) -> None:
    assert split_deadline(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Quy định hạn chế sử dụng",
        "Gia hạn hợp đồng",
        "Rà soát hạn mức",
        "Review due diligence",
        "Kế hoạch năm 2026 due",
        "Thời hạn 30 ngày",
        "Overdue 31/12",
        "Báo cáo thanh 31/12",
        "",
    ],
)
def test_split_deadline_absent(text: str) -> None:
    assert split_deadline(text) == (text, None)


def test_split_deadline_then_parse() -> None:
    title, when = split_deadline("Báo cáo sơ kết hạn thứ sáu 17h")
    assert title == "Báo cáo sơ kết"
    assert when is not None
    assert parse_deadline(when, NOW, HCM) == hcm(2026, 3, 6, 17, 0)


@pytest.mark.parametrize(("text", "shape"), [("31/12", True), ("32/13", True), ("chế", False)])
def test_looks_like_deadline(text: str, shape: bool) -> None:
    assert looks_like_deadline(text) is shape


# ---------------------------------------------------------------- formatting

MONDAY = date(2026, 3, 2)
VI_DAYS = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"]
EN_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


@pytest.mark.parametrize("offset", range(7))
def test_weekday_names(offset: int) -> None:
    day = MONDAY + timedelta(days=offset)
    moment = hcm(day.year, day.month, day.day, 17, 0)
    stamp = f"{day:%d/%m/%Y}"
    assert format_datetime(moment, HCM, "vi") == f"{VI_DAYS[offset]}, {stamp} 17:00"
    assert format_datetime(moment, HCM, "en") == f"{EN_DAYS[offset]}, {stamp} 17:00"
    assert format_date(moment, HCM, "vi") == f"{VI_DAYS[offset]}, {stamp}"
    assert format_date(moment, HCM, "en") == f"{EN_DAYS[offset]}, {stamp}"


def test_formatting_uses_the_committee_timezone() -> None:
    moment = datetime(2026, 12, 31, 10, 0, tzinfo=UTC)
    assert format_datetime(moment, HCM, "vi") == "Thứ Năm, 31/12/2026 17:00"
    assert format_datetime(moment, NY, "en") == "Thursday, 31/12/2026 05:00"
    assert format_short(moment, HCM) == "31/12 17:00"
    late = datetime(2026, 12, 31, 20, 0, tzinfo=UTC)
    assert format_date(late, HCM, "vi") == "Thứ Sáu, 01/01/2027"
    assert format_short(late, HCM) == "01/01 03:00"


def test_end_of_day_deadline_shows_2359() -> None:
    due = parse_deadline("31/12", NOW, HCM)
    assert format_datetime(due, HCM, "vi") == "Thứ Năm, 31/12/2026 23:59"


def test_unknown_language_falls_back_to_vietnamese() -> None:
    assert format_date(hcm(2026, 3, 2, 9, 0), HCM, "fr") == "Thứ Hai, 02/03/2026"


@pytest.mark.parametrize(
    ("seconds", "vi", "en"),
    [
        (0, "dưới 1 phút", "under 1 min"),
        (59, "dưới 1 phút", "under 1 min"),
        (60, "1 phút", "1 min"),
        (45 * 60, "45 phút", "45 min"),
        (3600, "1 giờ", "1 h"),
        (3600 + 20 * 60, "1 giờ 20 phút", "1 h 20 min"),
        (5 * 3600 + 59, "5 giờ", "5 h"),
        (86400, "1 ngày", "1 day"),
        (86400 + 30 * 60, "1 ngày", "1 day"),
        (2 * 86400 + 3 * 3600, "2 ngày 3 giờ", "2 days 3 h"),
        (2 * 86400 + 3 * 3600 + 59 * 60, "2 ngày 3 giờ", "2 days 3 h"),
        (45 * 86400, "45 ngày", "45 days"),
        (-(2 * 86400 + 3 * 3600), "2 ngày 3 giờ", "2 days 3 h"),
    ],
)
def test_format_duration(seconds: int, vi: str, en: str) -> None:
    assert format_duration(seconds, "vi") == vi
    assert format_duration(seconds, "en") == en


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Thứ Hai", "thu hai"),
        ("CHỦ NHẬT", "chu nhat"),
        ("Đồng ý", "dong y"),
        ("  hôm   nay ", "hom nay"),
        ("T2–T6", "t2-t6"),
        (unicodedata.normalize("NFD", "Thứ Hai"), "thu hai"),
    ],
)
def test_fold_text(text: str, folded: str) -> None:
    assert fold_text(text) == folded


# ---------------------------------------------------------------- working days

SAT_THU = frozenset({5, 6, 0, 1, 2, 3})  # a Saturday-to-Thursday week
MON_WED_FRI = frozenset({0, 2, 4})


@pytest.mark.parametrize(
    ("start", "n", "workdays", "expected"),
    [
        (hcm(2026, 3, 4, 10, 0), 1, MON_FRI, date(2026, 3, 5)),  # Wed → Thu
        (hcm(2026, 3, 4, 10, 0), 5, MON_FRI, date(2026, 3, 11)),  # Wed → next Wed
        (hcm(2026, 3, 6, 10, 0), 1, MON_FRI, date(2026, 3, 9)),  # Fri → Mon
        (hcm(2026, 3, 6, 10, 0), 5, MON_FRI, date(2026, 3, 13)),  # Fri → next Fri
        (hcm(2026, 3, 7, 10, 0), 1, MON_FRI, date(2026, 3, 9)),  # Sat → Mon
        (hcm(2026, 3, 8, 10, 0), 5, MON_FRI, date(2026, 3, 13)),  # Sun → Fri
        (hcm(2026, 3, 4, 10, 0), 10, MON_FRI, date(2026, 3, 18)),
        (hcm(2026, 3, 4, 10, 0), 0, MON_FRI, date(2026, 3, 4)),
        (hcm(2026, 3, 7, 10, 0), 0, MON_FRI, date(2026, 3, 9)),
        (hcm(2026, 3, 2, 10, 0), 2, MON_WED_FRI, date(2026, 3, 6)),  # Mon → Wed, Fri
        (hcm(2026, 3, 6, 10, 0), 1, MON_WED_FRI, date(2026, 3, 9)),
        (hcm(2026, 3, 5, 10, 0), 1, SAT_THU, date(2026, 3, 7)),  # Thu → Sat
        (hcm(2026, 3, 4, 10, 0), 3, frozenset(range(7)), date(2026, 3, 7)),
        # 18:00 UTC on Friday is already Saturday 01:00 in Ho Chi Minh City
        (datetime(2026, 3, 6, 18, 0, tzinfo=UTC), 1, MON_FRI, date(2026, 3, 9)),
        (datetime(2026, 3, 6, 16, 0, tzinfo=UTC), 1, MON_FRI, date(2026, 3, 9)),
        (datetime(2026, 3, 5, 16, 30, tzinfo=UTC), 1, MON_FRI, date(2026, 3, 6)),
    ],
)
def test_add_working_days(start: datetime, n: int, workdays: frozenset[int], expected: date):
    result = add_working_days(start, n, workdays, HCM)
    assert result == end_of_day(expected, HCM)
    assert result.tzinfo is UTC


def test_add_working_days_in_new_york_across_daylight_saving() -> None:
    result = add_working_days(ny(2026, 3, 6, 10, 0), 1, MON_FRI, NY)
    assert result == datetime(2026, 3, 10, 3, 59, tzinfo=UTC)


def test_add_working_days_refuses_negative_and_empty() -> None:
    with pytest.raises(ValueError):
        add_working_days(NOW, -1, MON_FRI, HCM)
    with pytest.raises(ValueError):
        add_working_days(NOW, 1, frozenset(), HCM)
    with pytest.raises(ValueError):
        next_working_day_on_or_after(MONDAY, frozenset({7}))


@pytest.mark.parametrize(
    ("moment", "tz", "expected"),
    [
        (hcm(2026, 3, 6, 23, 0), HCM, True),  # Friday evening
        (hcm(2026, 3, 7, 1, 0), HCM, False),  # Saturday 01:00 local …
        (datetime(2026, 3, 6, 18, 0, tzinfo=UTC), UTC, True),  # … still Friday in UTC
        (hcm(2026, 3, 9, 0, 0), HCM, True),
        (hcm(2026, 3, 8, 23, 59), HCM, False),
    ],
)
def test_is_working_day(moment: datetime, tz: ZoneInfo, expected: bool) -> None:
    assert is_working_day(moment, MON_FRI, tz) is expected


@pytest.mark.parametrize(
    ("day", "workdays", "previous", "on_or_after"),
    [
        (date(2026, 3, 9), MON_FRI, date(2026, 3, 6), date(2026, 3, 9)),  # Monday
        (date(2026, 3, 4), MON_FRI, date(2026, 3, 3), date(2026, 3, 4)),  # Wednesday
        (date(2026, 3, 7), MON_FRI, date(2026, 3, 6), date(2026, 3, 9)),  # Saturday
        (date(2026, 3, 8), MON_FRI, date(2026, 3, 6), date(2026, 3, 9)),  # Sunday
        (date(2026, 3, 4), MON_WED_FRI, date(2026, 3, 2), date(2026, 3, 4)),
        (date(2026, 3, 5), MON_WED_FRI, date(2026, 3, 4), date(2026, 3, 6)),
        (date(2026, 3, 6), frozenset({6}), date(2026, 3, 1), date(2026, 3, 8)),
        # New Year's Day is a public holiday (issue 17): the next working day is 2 January
        (date(2026, 1, 1), MON_FRI, date(2025, 12, 31), date(2026, 1, 2)),
    ],
)
def test_previous_and_next_working_day(day, workdays, previous, on_or_after) -> None:
    assert previous_working_day(day, workdays) == previous
    assert next_working_day_on_or_after(day, workdays) == on_or_after


# ---------------------------------------------------------------- next_allowed


@pytest.mark.parametrize(
    ("moment", "quiet", "expected"),
    [
        (hcm(2026, 3, 4, 10, 0), QUIET, hcm(2026, 3, 4, 10, 0)),
        (hcm(2026, 3, 4, 7, 0), QUIET, hcm(2026, 3, 4, 7, 0)),
        (hcm(2026, 3, 4, 20, 59), QUIET, hcm(2026, 3, 4, 20, 59)),
        (hcm(2026, 3, 4, 21, 0), QUIET, hcm(2026, 3, 5, 7, 0)),
        (hcm(2026, 3, 4, 23, 30), QUIET, hcm(2026, 3, 5, 7, 0)),
        (hcm(2026, 3, 5, 0, 0), QUIET, hcm(2026, 3, 5, 7, 0)),
        (hcm(2026, 3, 5, 6, 59), QUIET, hcm(2026, 3, 5, 7, 0)),
        (hcm(2026, 3, 6, 22, 0), QUIET, hcm(2026, 3, 9, 7, 0)),  # Friday night → Monday
        (hcm(2026, 3, 7, 12, 0), QUIET, hcm(2026, 3, 9, 7, 0)),  # Saturday → Monday
        (hcm(2026, 3, 8, 23, 0), QUIET, hcm(2026, 3, 9, 7, 0)),  # Sunday night → Monday
        (hcm(2026, 3, 9, 3, 0), QUIET, hcm(2026, 3, 9, 7, 0)),
        (hcm(2026, 3, 7, 12, 0), None, hcm(2026, 3, 9, 0, 0)),
        (hcm(2026, 3, 4, 23, 0), None, hcm(2026, 3, 4, 23, 0)),
        (hcm(2026, 3, 4, 12, 15), (time(12), time(13, 30)), hcm(2026, 3, 4, 13, 30)),
        (hcm(2026, 3, 4, 12, 0), (time(12), time(13, 30)), hcm(2026, 3, 4, 13, 30)),
        (hcm(2026, 3, 4, 13, 30), (time(12), time(13, 30)), hcm(2026, 3, 4, 13, 30)),
        (hcm(2026, 3, 4, 11, 59), (time(12), time(13, 30)), hcm(2026, 3, 4, 11, 59)),
        (hcm(2026, 3, 4, 23, 0), (time(12), time(13, 30)), hcm(2026, 3, 4, 23, 0)),
        (hcm(2026, 3, 7, 12, 45), (time(12), time(13, 30)), hcm(2026, 3, 9, 0, 0)),
        (hcm(2026, 3, 4, 23, 0), (time(0), time(8)), hcm(2026, 3, 4, 23, 0)),
        (hcm(2026, 3, 7, 9, 0), (time(0), time(8)), hcm(2026, 3, 9, 8, 0)),
    ],
)
def test_next_allowed(moment: datetime, quiet, expected: datetime) -> None:
    assert next_allowed(moment, HCM, MON_FRI, quiet) == expected


def test_next_allowed_returns_the_same_moment_when_allowed() -> None:
    moment = hcm(2026, 3, 4, 10, 0, 17)
    assert next_allowed(moment, HCM, MON_FRI, QUIET) is moment


def test_next_allowed_with_custom_workdays() -> None:
    friday_night = hcm(2026, 3, 6, 22, 0)
    assert next_allowed(friday_night, HCM, SAT_THU, QUIET) == hcm(2026, 3, 7, 7, 0)
    assert next_allowed(friday_night, HCM, frozenset({2}), QUIET) == hcm(2026, 3, 11, 7, 0)
    assert next_allowed(friday_night, HCM, frozenset(range(7)), QUIET) == hcm(2026, 3, 7, 7, 0)


def test_next_allowed_across_daylight_saving_in_new_york() -> None:
    friday_night = ny(2026, 3, 6, 22, 0)
    assert next_allowed(friday_night, NY, MON_FRI, QUIET) == datetime(2026, 3, 9, 11, 0, tzinfo=UTC)


def test_next_allowed_refuses_empty_workdays() -> None:
    with pytest.raises(ValueError):
        next_allowed(NOW, HCM, frozenset(), QUIET)


# ---------------------------------------------------------------- settings parsers


@pytest.mark.parametrize(
    ("token", "day"),
    [
        ("mon", 0),
        ("Monday", 0),
        ("t2", 0),
        ("T2", 0),
        ("thứ hai", 0),
        ("thu hai", 0),
        ("thứ 2", 0),
        ("tue", 1),
        ("tues", 1),
        ("t3", 1),
        ("thứ ba", 1),
        ("wed", 2),
        ("thứ tư", 2),
        ("t4", 2),
        ("thu", 3),
        ("thursday", 3),
        ("thứ năm", 3),
        ("t5", 3),
        ("fri", 4),
        ("thứ sáu", 4),
        ("t6", 4),
        ("sat", 5),
        ("thứ bảy", 5),
        ("thứ 7", 5),
        ("t7", 5),
        ("sun", 6),
        ("SUNDAY", 6),
        ("cn", 6),
        ("CN", 6),
        ("chủ nhật", 6),
        ("chu nhat", 6),
        ("  fri  ", 4),
    ],
)
def test_parse_weekday(token: str, day: int) -> None:
    assert parse_weekday(token) == day


@pytest.mark.parametrize("token", ["", "x", "t1", "t8", "thứ tám", "funday", "0", "mon-fri"])
def test_parse_weekday_refused(token: str) -> None:
    error = refused("date.bad_weekday", parse_weekday, token)
    assert error.params == {"text": token.strip()}


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("mon-fri", {0, 1, 2, 3, 4}),
        ("mon-sun", set(range(7))),
        ("MON-FRI", {0, 1, 2, 3, 4}),
        ("t2-t6", {0, 1, 2, 3, 4}),
        ("T2 - T6", {0, 1, 2, 3, 4}),
        ("T2–T6", {0, 1, 2, 3, 4}),
        ("t2-cn", set(range(7))),
        ("thứ hai-thứ sáu", {0, 1, 2, 3, 4}),
        ("thứ 2 - thứ 7", {0, 1, 2, 3, 4, 5}),
        ("mon,wed,fri", {0, 2, 4}),
        ("mon, wed, fri", {0, 2, 4}),
        ("t2,t4,t6", {0, 2, 4}),
        ("T2–T4, T6", {0, 1, 2, 4}),
        ("sat", {5}),
        ("sat-sun", {5, 6}),
        ("mon-wed,tue-thu", {0, 1, 2, 3}),
        ("fri-fri", {4}),
    ],
)
def test_parse_workdays(text: str, days: set[int]) -> None:
    assert parse_workdays(text) == frozenset(days)


@pytest.mark.parametrize(
    "text", ["", " ", "fri-mon", "cn-t2", "mon-", "-fri", "mon-wed-fri", "xyz", "t2,,t4", "mon;fri"]
)
def test_parse_workdays_refused(text: str) -> None:
    refused("date.bad_workdays", parse_workdays, text)


@pytest.mark.parametrize(
    ("days", "vi", "en"),
    [
        ({0, 1, 2, 3, 4}, "T2–T6", "Mon–Fri"),
        (set(range(7)), "T2–CN", "Mon–Sun"),
        ({0, 2, 4}, "T2, T4, T6", "Mon, Wed, Fri"),
        ({0, 1}, "T2, T3", "Mon, Tue"),
        ({0, 1, 2, 4}, "T2–T4, T6", "Mon–Wed, Fri"),
        ({5, 6}, "T7, CN", "Sat, Sun"),
        ({6}, "CN", "Sun"),
        ({0, 1, 2, 4, 5, 6}, "T2–T4, T6–CN", "Mon–Wed, Fri–Sun"),
    ],
)
def test_format_workdays_round_trips(days: set[int], vi: str, en: str) -> None:
    assert format_workdays(frozenset(days), "vi") == vi
    assert format_workdays(frozenset(days), "en") == en
    assert parse_workdays(vi) == frozenset(days)
    assert parse_workdays(en) == frozenset(days)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("08:00", time(8)),
        ("8:00", time(8)),
        ("8h", time(8)),
        ("8H", time(8)),
        ("8h30", time(8, 30)),
        ("17:45", time(17, 45)),
        ("0:00", time(0)),
        ("23:59", time(23, 59)),
        (" 07:05 ", time(7, 5)),
    ],
)
def test_parse_hhmm(text: str, expected: time) -> None:
    assert parse_hhmm(text) == expected


@pytest.mark.parametrize(
    "text", ["", "8", "24:00", "8:60", "8:5", "abc", "8am", "-1:00", "08:00:00"]
)
def test_parse_hhmm_refused(text: str) -> None:
    refused("date.bad_time", parse_hhmm, text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("21:00-07:00", (time(21), time(7))),
        ("21:00 - 07:00", (time(21), time(7))),
        ("21h-7h", (time(21), time(7))),
        ("21:00–07:00", (time(21), time(7))),
        ("12:00-13:30", (time(12), time(13, 30))),
        ("off", None),
        ("OFF", None),
        ("tắt", None),
        ("Tắt", None),
        ("tat", None),
    ],
)
def test_parse_quiet(text: str, expected) -> None:
    assert parse_quiet(text) == expected


@pytest.mark.parametrize(
    "text", ["", "21:00", "21:00-21:00", "7h-07:00", "25:00-07:00", "21:00-07:00-08:00", "on"]
)
def test_parse_quiet_refused(text: str) -> None:
    refused("date.bad_quiet", parse_quiet, text)


D, H, M = timedelta(days=1), timedelta(hours=1), timedelta(minutes=1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3d,1d,0d", (3 * D, D, 0 * D)),
        ("0d,1d,3d", (3 * D, D, 0 * D)),
        ("3d, 1d, 0d", (3 * D, D, 0 * D)),
        ("3 d,1 d", (3 * D, D)),
        ("2h,30m", (2 * H, 30 * M)),
        ("1w", (7 * D,)),
        ("1w,7d,168h", (7 * D,)),
        ("1d,1d,24h", (D,)),
        ("60d", (60 * D,)),
        ("8w", (56 * D,)),
        ("0m", (0 * M,)),
        ("3d,1d,", (3 * D, D)),
        ("3n,1 ngày,2 giờ,30 phút", (3 * D, D, 2 * H, 30 * M)),
        ("1d,2d,3d,4d,5d,6d,7d,8d,9d,10d", tuple(n * D for n in range(10, 0, -1))),
        ("off", ()),
        ("tắt", ()),
        ("Off", ()),
    ],
)
def test_parse_offsets(text: str, expected: tuple[timedelta, ...]) -> None:
    assert parse_offsets(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        ",",
        "3",
        "d",
        "3x",
        "-1d",
        "61d",
        "9w",
        "1441h",
        "3d;;x",
        "1d,2d,3d,4d,5d,6d,7d,8d,9d,10d,11d",
        "3d 1d",
        "1.5d",
    ],
)
def test_parse_offsets_refused(text: str) -> None:
    refused("date.bad_offsets", parse_offsets, text)


@pytest.mark.parametrize(
    ("offsets", "text"),
    [
        ((3 * D, D, 0 * D), "3d,1d,0d"),
        ((2 * H, 30 * M), "2h,30m"),
        ((7 * D,), "7d"),
        ((90 * M,), "90m"),
        ((36 * H,), "36h"),
        ((), "off"),
    ],
)
def test_format_offsets_round_trips(offsets: tuple[timedelta, ...], text: str) -> None:
    assert format_offsets(offsets) == text
    assert parse_offsets(text) == offsets


# ---------------------------------------------------------------- report periods


def hcm_midnight(year: int, month: int, day: int) -> datetime:
    return hcm(year, month, day, 0, 0)


@pytest.mark.parametrize(
    ("text", "start", "end", "label"),
    [
        ("2026", date(2026, 1, 1), date(2027, 1, 1), "2026"),
        ("năm 2026", date(2026, 1, 1), date(2027, 1, 1), "2026"),
        ("H1 2026", date(2026, 1, 1), date(2026, 7, 1), "H1 2026"),
        ("h2 2026", date(2026, 7, 1), date(2027, 1, 1), "H2 2026"),
        ("H2/2026", date(2026, 7, 1), date(2027, 1, 1), "H2 2026"),
        ("6 tháng đầu năm 2026", date(2026, 1, 1), date(2026, 7, 1), "H1 2026"),
        ("6 thang cuoi nam 2026", date(2026, 7, 1), date(2027, 1, 1), "H2 2026"),
        ("Q1 2026", date(2026, 1, 1), date(2026, 4, 1), "Q1 2026"),
        ("Q3 2026", date(2026, 7, 1), date(2026, 10, 1), "Q3 2026"),
        ("q4 2026", date(2026, 10, 1), date(2027, 1, 1), "Q4 2026"),
        ("quý 3 2026", date(2026, 7, 1), date(2026, 10, 1), "Q3 2026"),
        ("Quý III/2026", date(2026, 7, 1), date(2026, 10, 1), "Q3 2026"),
        ("quy iv 2026", date(2026, 10, 1), date(2027, 1, 1), "Q4 2026"),
        ("12/2026", date(2026, 12, 1), date(2027, 1, 1), "12/2026"),
        ("2/2026", date(2026, 2, 1), date(2026, 3, 1), "02/2026"),
        ("tháng 2/2026", date(2026, 2, 1), date(2026, 3, 1), "02/2026"),
        (
            "01/01/2026-30/06/2026",
            date(2026, 1, 1),
            date(2026, 7, 1),
            "01/01/2026–30/06/2026",
        ),
        (
            "1/1/2026 – 30/6/2026",
            date(2026, 1, 1),
            date(2026, 7, 1),
            "01/01/2026–30/06/2026",
        ),
        (
            "từ 15/03/2026 đến 15/03/2026",
            date(2026, 3, 15),
            date(2026, 3, 16),
            "15/03/2026–15/03/2026",
        ),
        ("H1", date(2026, 1, 1), date(2026, 7, 1), "H1 2026"),
        ("q2", date(2026, 4, 1), date(2026, 7, 1), "Q2 2026"),
    ],
)
def test_parse_period(text: str, start: date, end: date, label: str) -> None:
    assert parse_period(text, NOW, HCM) == (
        hcm_midnight(start.year, start.month, start.day),
        hcm_midnight(end.year, end.month, end.day),
        label,
    )


def test_h2_2026_boundaries_are_local_midnight() -> None:
    start, end, label = parse_period("H2 2026", NOW, HCM)
    assert start == datetime(2026, 6, 30, 17, 0, tzinfo=UTC)
    assert end == datetime(2026, 12, 31, 17, 0, tzinfo=UTC)
    assert label == "H2 2026"
    start, end, _ = parse_period("H2 2026", NOW, NY)
    assert start == datetime(2026, 7, 1, 4, 0, tzinfo=UTC)  # EDT
    assert end == datetime(2027, 1, 1, 5, 0, tzinfo=UTC)  # EST


@pytest.mark.parametrize(
    ("now", "start", "end", "label"),
    [
        (NOW, hcm_midnight(2026, 1, 1), hcm_midnight(2026, 7, 1), "H1 2026"),
        (hcm(2026, 9, 15, 8, 0), hcm_midnight(2026, 7, 1), hcm_midnight(2027, 1, 1), "H2 2026"),
        # 17:30 UTC on 30 June is already 1 July 00:30 in Ho Chi Minh City
        (
            datetime(2026, 6, 30, 17, 30, tzinfo=UTC),
            hcm_midnight(2026, 7, 1),
            hcm_midnight(2027, 1, 1),
            "H2 2026",
        ),
        (hcm(2026, 6, 30, 23, 0), hcm_midnight(2026, 1, 1), hcm_midnight(2026, 7, 1), "H1 2026"),
    ],
)
def test_default_period_is_the_whole_current_half_year(now, start, end, label) -> None:
    for text in ("", "   "):
        assert parse_period(text, now, HCM) == (start, end, label)


@pytest.mark.parametrize(
    "text",
    ["abc", "H3 2026", "H0 2026", "Q5 2026", "Q0 2026", "13/2026", "0/2026", "2026-2027", "26"],
)
def test_parse_period_refused(text: str) -> None:
    error = refused("date.bad_period", parse_period, text, NOW, HCM)
    assert error.params == {"text": text}


@pytest.mark.parametrize("text", ["1800", "Q1 9999", "01/01/1800-01/01/2026", "12/9999"])
def test_parse_period_out_of_range(text: str) -> None:
    refused("date.bad_period", parse_period, text, NOW, HCM)


def test_parse_period_impossible_and_reversed() -> None:
    refused("date.impossible", parse_period, "31/02/2026-30/06/2026", NOW, HCM)
    refused("date.impossible", parse_period, "01/01/2027-29/02/2027", NOW, HCM)
    refused("date.period_reversed", parse_period, "30/06/2026-01/01/2026", NOW, HCM)


@pytest.mark.parametrize(
    ("label", "following", "preceding"),
    [
        ("2026", "2027", "2025"),
        ("H1 2026", "H2 2026", "H2 2025"),
        ("H2 2026", "H1 2027", "H1 2026"),
        ("Q1 2026", "Q2 2026", "Q4 2025"),
        ("Q4 2026", "Q1 2027", "Q3 2026"),
        ("12/2026", "01/2027", "11/2026"),
        ("01/2026", "02/2026", "12/2025"),
        ("01/01/2026–30/06/2026", "01/07/2026–31/12/2026", "01/07/2025–31/12/2025"),
        ("01/02/2026–30/04/2026", "01/05/2026–31/07/2026", "01/11/2025–31/01/2026"),
        ("01/03/2026–10/03/2026", "11/03/2026–20/03/2026", "19/02/2026–28/02/2026"),
        ("15/03/2026–15/03/2026", "16/03/2026–16/03/2026", "14/03/2026–14/03/2026"),
    ],
)
def test_next_and_previous_period(label: str, following: str, preceding: str) -> None:
    start, end, got = next_period(label, HCM)
    assert got == following
    assert (start, end, got) == parse_period(following, NOW, HCM)
    start, end, got = previous_period(label, HCM)
    assert got == preceding
    assert (start, end, got) == parse_period(preceding, NOW, HCM)


def test_the_default_period_is_the_whole_current_half_year() -> None:
    assert parse_period("", NOW, HCM) == parse_period("H1 2026", NOW, HCM)  # 4 March 2026
    assert parse_period(" ", datetime(2026, 12, 31, 16, 59, tzinfo=UTC), HCM)[2] == "H2 2026"


def test_next_period_of_the_default_is_the_next_half_year() -> None:
    _, _, label = parse_period("", NOW, HCM)
    assert next_period(label, HCM) == parse_period("H2 2026", NOW, HCM)


@pytest.mark.parametrize(
    ("label", "vi", "en"),
    [
        ("2026", "năm 2026", "2026"),
        ("H1 2026", "6 tháng đầu năm 2026", "H1 2026"),
        ("H2 2026", "6 tháng cuối năm 2026", "H2 2026"),
        ("Q3 2026", "quý III/2026", "Q3 2026"),
        ("Q4 2026", "quý IV/2026", "Q4 2026"),
        ("12/2026", "tháng 12/2026", "12/2026"),
        ("01/01/2026–30/06/2026", "từ 01/01/2026 đến 30/06/2026", "01/01/2026 – 30/06/2026"),
    ],
)
def test_period_title(label: str, vi: str, en: str) -> None:
    assert period_title(label, "vi") == vi
    assert period_title(label, "en") == en


# ---------------------------------------------------------------- catalogs

RAISED_KEYS = {
    "date.invalid",
    "date.impossible",
    "date.past",
    "date.past_time",
    "date.unread",
    "date.weekday_mismatch",
    "date.too_far",
    "date.bad_weekday",
    "date.bad_workdays",
    "date.bad_time",
    "date.bad_quiet",
    "date.bad_offsets",
    "date.bad_period",
    "date.period_reversed",
}


def load_catalog(lang: str) -> dict[str, str]:
    def flatten(table: dict, prefix: str) -> dict[str, str]:
        flat: dict[str, str] = {}
        for key, value in table.items():
            if isinstance(value, dict):
                flat.update(flatten(value, f"{prefix}{key}."))
            else:
                flat[f"{prefix}{key}"] = value
        return flat

    with (LOCALES / lang / "dates.toml").open("rb") as fh:
        return flatten(tomllib.load(fh), "")


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def test_catalogs_have_the_same_keys_and_placeholders() -> None:
    vi, en = load_catalog("vi"), load_catalog("en")
    assert set(vi) == set(en)
    for key in vi:
        assert placeholders(vi[key]) == placeholders(en[key]), key


def test_catalogs_cover_every_raised_key_with_text_placeholder() -> None:
    for lang in ("vi", "en"):
        messages = load_catalog(lang)
        assert set(messages) == RAISED_KEYS
        for key in RAISED_KEYS:
            extra = {"date.past": {"when"}, "date.past_time": {"when"}, "date.unread": {"part"}}
            extra["date.weekday_mismatch"] = {"date"}
            assert placeholders(messages[key]) == {"text", *extra.get(key, ())}, (lang, key)
            assert messages[key].format(text="x", when="y", part="z", date="d")


def test_invalid_message_lists_every_form() -> None:
    for lang in ("vi", "en"):
        message = load_catalog(lang)["date.invalid"]
        for form in ("31/12", "31/12/2026", "2026-12-31", "17:00", "+3d", "+2w", "+4h", "+30m"):
            assert f"<code>{form}" in message or form in message, (lang, form)


# ---------------------------------------------------------------- fuzzing: only DomainError

ALPHABET = st.sampled_from(list("0123456789/:-+hdwmnt ,.;ĐđạôứủânaysbcTHQ–"))
FUZZ = st.text(ALPHABET, max_size=30) | st.text(max_size=30)


@settings(max_examples=300, deadline=None, database=None, derandomize=True)
@given(FUZZ)
def test_fuzzed_text_only_raises_domain_errors(text: str) -> None:
    for call in (
        lambda: parse_deadline(text, NOW, HCM),
        lambda: parse_deadline(text, NOW, NY),
        lambda: parse_period(text, NOW, HCM),
        lambda: parse_weekday(text),
        lambda: parse_workdays(text),
        lambda: parse_hhmm(text),
        lambda: parse_quiet(text),
        lambda: parse_offsets(text),
    ):
        try:
            call()
        except DomainError:
            pass
    _, when = split_deadline(text)
    assert when is None or looks_like_deadline(when)
