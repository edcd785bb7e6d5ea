"""Presentation out of code: words in the catalogs, durations in the view models, one timezone.

Weekday names, duration units and period titles are catalog words (calendar.toml), never Python
literals; handlers do no date arithmetic (view models carry "overdue by", "late by", "time
left"); a committee's timezone comes from one helper, `Committee.tz`.
"""

from __future__ import annotations

import ast
import re
from datetime import timedelta
from pathlib import Path

import pytest

from bot import dates, periods
from bot.i18n import catalog
from bot.services.roster import Person
from bot.timeliness import Timeliness

ROOT = Path(__file__).resolve().parent.parent
WORD_TABLES = ("weekday.", "weekday_short.", "duration.", "period.")


def literals(path: Path) -> set[str]:
    """String literals of a module, docstrings left out (examples there are fine)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr)}
    return {
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs
    }


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_calendar_words_live_in_the_catalogs(lang):
    words = {v for k, v in catalog(lang).items() if k.startswith(WORD_TABLES)}
    assert len(words) > 20
    for module in (ROOT / "bot" / "dates.py", ROOT / "bot" / "periods.py"):
        found = {w for w in words if any(w.split(" {")[0] in s for s in literals(module))}
        found -= {"{y}", "{n} h", "H1 {y}"}  # too short to tell apart from code
        assert {w for w in found if len(w) > 3} == set(), module.name
    assert dates.weekday_name(4, lang) == catalog(lang)["weekday.fri"]
    assert dates.format_workdays(range(5), lang) == "–".join(
        (catalog(lang)["weekday_short.mon"], catalog(lang)["weekday_short.fri"])
    )


def test_durations_and_period_titles_come_from_the_catalogs():
    assert dates.format_duration(timedelta(days=2, hours=3, minutes=4), "vi") == "2 ngày 3 giờ"
    assert dates.format_duration(timedelta(days=1, minutes=5), "en") == "1 day"
    assert dates.format_duration(timedelta(hours=1, minutes=1), "en") == "1 h 1 min"
    assert dates.format_duration(20, "vi") == "dưới 1 phút"
    assert periods.period_title("H1 2026", "vi") == "6 tháng đầu năm 2026"
    assert periods.period_title("Q4 2026", "vi") == "quý IV/2026"
    assert periods.period_title("Q4 2026", "en") == "Q4 2026"


def test_handlers_do_no_date_arithmetic_and_build_no_timezone():
    for path in sorted((ROOT / "handlers").glob("*.py")):
        source = path.read_text(encoding="utf-8")
        for banned in ("total_seconds", "timedelta", "ZoneInfo(", ".timezone)"):
            assert banned not in source, f"{path.name}: {banned}"
        assert not re.search(r"config_of\([^)]*\)\.tz", source), path.name


async def test_task_views_carry_overdue_by_and_late_by(services, clock):
    roster = services.roster
    committee = await roster.setup(-100, None, "Ban", Person(1, "thuky", "Thư Ký"), True)
    sec = await services.members.by_user(committee.id, 1)
    lead, _ = await roster.join(committee, Person(4, "an", "Nguyễn An"), "Sở Tài chính")
    view = await services.tasks.create(committee, sec, [Person(username="an")], "Việc due +24h")
    assert (view.overdue_by, view.late_by) == (None, None)
    clock.advance(days=1, hours=5)
    view = await services.tasks.view(view.task.item.id)
    assert view.timeliness == Timeliness.OPEN_OVERDUE and view.overdue_by == timedelta(hours=5)
    clock.advance(hours=1)
    done = await services.tasks.done(committee, lead, view.number)
    assert done.timeliness == Timeliness.DONE_LATE
    assert (done.overdue_by, done.late_by) == (None, timedelta(hours=6))
