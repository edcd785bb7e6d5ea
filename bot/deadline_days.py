"""Which day a day word or a relative number of days means (`tuần sau`, `cuối tháng`, `+5 ngày
làm việc` …), from a local date; `bot.deadlines` reads the words."""

from __future__ import annotations

from datetime import date, timedelta

from bot.periods import next_working_day_on_or_after


def month_start(today: date, months: int) -> date:
    """The first day of the month `months` after today's."""
    index = today.year * 12 + today.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def named_day(name: str, today: date, workdays: frozenset[int]) -> date:
    """The day a day word means (`fri_next`: Friday of next week, `week_end`, `month_end` …)."""
    monday = today - timedelta(days=today.weekday())
    if name == "today":
        return today
    if name == "tomorrow":
        return today + timedelta(days=1)
    if name == "+2":
        return today + timedelta(days=2)
    if name == "fri_next":
        return monday + timedelta(days=11)
    if name == "mon_next":
        return monday + timedelta(days=7)
    if name == "week_end":  # Friday of this week; at the weekend, its Sunday
        return monday + timedelta(days=4 if today.weekday() <= 4 else 6)
    if name == "month_end":
        return month_start(today, 1) - timedelta(days=1)
    if name == "next_month_end":
        return month_start(today, 2) - timedelta(days=1)
    if name == "next_month_start":
        return next_working_day_on_or_after(month_start(today, 1), workdays)
    if name == "mid_month":
        return month_start(today, 0).replace(day=15)
    if name == "mid_next_month":
        return month_start(today, 1).replace(day=15)
    return date(today.year, 12, 31)  # year_end


def relative_day(n: int, unit: str, today: date, workdays: frozenset[int]) -> date:
    """`n` days, weeks, months or working days after today (working days: the existing weekday
    rule until the committee calendar takes over)."""
    if unit == "workdays":
        day = today if n else next_working_day_on_or_after(today, workdays)
        for _ in range(n):
            day = next_working_day_on_or_after(day + timedelta(days=1), workdays)
        return day
    if unit == "months":
        first = month_start(today, n)
        following = month_start(first, 1)
        return first.replace(day=min(today.day, (following - first).days))
    return today + timedelta(days=n * (7 if unit == "weeks" else 1))
