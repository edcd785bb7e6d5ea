"""Time the whole `/report` path for a committee with 1,000 tasks (run by hand, prints figures).

    .venv/bin/python bench/report_timing.py [--tasks 1000] [--runs 5]

Builds a temporary database (12 agencies, the tasks spread over H2 2026, monthly consultations),
then times what `/report H2 2026` does between the command and the last upload: the queries
(ReportService.report), the summary text, the PNG chart and the .xlsx workbook. The first run is
"cold" (matplotlib and openpyxl are imported then, as in a freshly started bot); later runs are
warm.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.clock import FakeClock
from bot.config import Settings
from bot.wiring.graph import Services
from storage.db import Database
from storage.migrate import migrate
from tests.factories import Factory, populate

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
H2 = (datetime(2026, 6, 30, 17, 0, tzinfo=UTC), datetime(2026, 12, 31, 17, 0, tzinfo=UTC))


async def _one_run(services: Services, committee) -> dict[str, float]:
    from bot.reports import chart, workbook
    from handlers.report_render import report_text

    marks = [time.perf_counter()]
    report = await services.reports.report(committee, "H2 2026")
    marks.append(time.perf_counter())
    text = report_text(report, "vi")
    marks.append(time.perf_counter())
    png = chart.render(report, "vi")
    marks.append(time.perf_counter())
    xlsx = workbook.report_workbook(report, "vi")
    marks.append(time.perf_counter())
    steps = ("queries", "text", "chart", "workbook")
    figures = {step: marks[i + 1] - marks[i] for i, step in enumerate(steps)}
    figures["total"] = marks[-1] - marks[0]
    figures["sizes"] = (len(report.tasks), len(text), len(png), len(xlsx))
    return figures


async def main(tasks: int, runs: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        db = await Database.open(path)
        await migrate(db)
        settings = Settings(_env_file=None, bot_token="1:BENCH", database_path=path)
        services = Services.build(db, FakeClock(NOW), settings)
        factory = Factory(services)
        committee = await factory.committee()
        started = time.perf_counter()
        await populate(factory, committee, tasks, *H2)
        print(f"data: {tasks} tasks built in {time.perf_counter() - started:.1f} s (not timed)")
        results = [await _one_run(services, committee) for _ in range(runs)]
        await db.close()
    in_period, text_chars, png_bytes, xlsx_bytes = results[0]["sizes"]
    print(f"report: {in_period} tasks in H2 2026, text {text_chars} chars,"
          f" PNG {png_bytes / 1024:.0f} KiB, xlsx {xlsx_bytes / 1024:.0f} KiB")  # fmt: skip
    print(f"{'step':<10}{'cold (1st run)':>16}{'warm median':>14}{'warm max':>11}")
    for step in ("queries", "text", "chart", "workbook", "total"):
        warm = [r[step] for r in results[1:]] or [results[0][step]]
        print(f"{step:<10}{results[0][step]:>14.3f} s{statistics.median(warm):>12.3f} s"
              f"{max(warm):>9.3f} s")  # fmt: skip
    verdict = "under" if results[0]["total"] < 2 else "OVER"
    print(f"cold total {results[0]['total']:.3f} s: {verdict} the 2 s budget")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    asyncio.run(main(options.tasks, options.runs))
