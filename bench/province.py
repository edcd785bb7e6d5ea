"""Province scale: 1,000 committees × 1,000 tasks; time the digest, /tasks, /report, the reminder
sweep and start-up on that database, check the query plans, and report the peak RSS.

Run by hand: `make bench` (or `.venv/bin/python -m bench.province [--committees 1000]
[--tasks 1000] [--db PATH] [--json FILE]`). With `--db PATH` an existing generated database is
reused (delete it to regenerate). Generation runs in this process; the measurements run in a
fresh child process (`--measure PATH`), so its peak RSS is the bot's own: start-up, then each
operation, in the order a running bot would meet them.

What is timed (committee #500; NOW = Tue 2026-12-01 09:00 Hà Nội, the data's reference time):
- start-up: build the Application, initialize, post_init (open + migrations check + services +
  command menus + the scheduler's start hook) against the fake Bot API server;
- digest: DigestService.build + render (what the weekly digest and `/digest` do);
- /tasks: TaskService.list_tasks("open") + render;
- /report: ReportService.report("H2 2026") + text (chart and workbook timed apart: they are
  CPU work on the period's rows and import matplotlib/openpyxl the first time);
- sweep: Sweeper.sweep(NOW) with nothing due, then with 5 rows due in 5 committees (the DB part,
  `ReminderService.due`, is also timed alone: sending goes through the fake server over HTTP).
First run ("cold") and the median of the next runs ("warm") are both reported.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.province_data import NOW, Shape, generate, make_due, table_sizes

COMMITTEE_ID = 500
TOKEN = "123456:BENCH-TOKEN"
RUNS = 5
BIG_TABLES = {
    "items",
    "tasks",
    "task_assignees",
    "task_notes",
    "audit_log",
    "reminders",
    "opinions",
    "ballots",
    "members",
    "committees",
}
TARGETS_MS = {"digest": 50, "sweep (nothing due)": 10, "sweep (5 due, DB part)": 10}


def rss_mib() -> float:
    """Peak resident set size of this process image so far, in MiB.

    Linux's VmHWM (reset by exec); `getrusage().ru_maxrss` survives fork + exec on Linux and would
    also count the parent's peak (it is reported once, at the end, for reference).
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def _timed(fn, runs: int = RUNS) -> dict[str, float]:
    """Cold (first) and warm (median of the rest) milliseconds of `await fn()`."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        await fn()
        times.append((time.perf_counter() - started) * 1000)
    return {"cold_ms": times[0], "warm_ms": statistics.median(times[1:]) if runs > 1 else times[0]}


class Plans:
    """Collects the SQL the bot runs (sqlite trace callback) and checks each one's query plan."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.statements: dict[str, str] = {}  # first 60 chars → full statement, by operation
        self.current = ""

    def trace(self, sql: str) -> None:
        """sqlite3 trace callback (aiosqlite's thread, or the loop's for the read connection)."""
        head = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
        if head in {"SELECT", "WITH", "UPDATE", "DELETE", "INSERT"}:
            self.statements.setdefault(" ".join(sql.split())[:90], sql)

    def check(self) -> list[dict]:
        """EXPLAIN QUERY PLAN of every distinct statement; flag full scans of big tables."""
        conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        out = []
        for short, sql in self.statements.items():
            try:
                rows = conn.execute("EXPLAIN QUERY PLAN " + sql).fetchall()
            except sqlite3.Error as exc:
                out.append({"sql": short, "plan": [f"(not explained: {exc})"], "full_scan": []})
                continue
            plan = [r[3] for r in rows]
            scans = [
                d
                for d in plan
                if d.startswith("SCAN ") and "USING" not in d and d.split()[1] in BIG_TABLES
            ]
            out.append({"sql": short, "plan": plan, "full_scan": scans})
        conn.close()
        return out


async def measure(path: Path, api: str) -> dict:
    """Everything timed, in a fresh process over the generated database.

    The fake Bot API server runs in the parent process (`api` is its base URL), so this
    process holds only the bot: its peak RSS is the bot's.
    """
    from bot.clock import FakeClock
    from bot.config import Settings
    from bot.wiring.app import build_application

    results: dict = {"rss_mib": {"at import": rss_mib()}}
    plans = Plans(path)
    if True:
        settings = Settings(
            _env_file=None,
            bot_token=TOKEN,
            bot_api_base_url=f"{api}/bot",
            bot_api_file_url=f"{api}/file/bot",
            database_path=path,
            log_level="WARNING",
        )
        clock = FakeClock(NOW)
        started = time.perf_counter()
        app = build_application(settings, clock, throttle=False)
        await app.initialize()
        await app.post_init(app)
        results["start-up"] = {"ms": (time.perf_counter() - started) * 1000}
        results["rss_mib"]["after start-up"] = rss_mib()
        services = app.bot_data.services
        await services.db.conn.set_trace_callback(plans.trace)
        if services.db.reader is not None:  # plain reads run on the read connection
            services.db.reader.set_trace_callback(plans.trace)
        count = await services.db.fetchval("SELECT COUNT(*) FROM committees")
        committee = await services.committees.get(min(COMMITTEE_ID, max(1, count // 2)))
        try:
            await _operations(results, app, services, committee, path)
        finally:
            await services.db.conn.set_trace_callback(None)
            if services.db.reader is not None:
                services.db.reader.set_trace_callback(None)
            await app.post_shutdown(app)
            await app.shutdown()
    results["plans"] = plans.check()
    results["rss_mib"]["peak"] = rss_mib()
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    results["rss_mib"]["getrusage ru_maxrss (includes the parent's peak)"] = maxrss
    return results


async def _operations(results: dict, app, services, committee, path: Path) -> None:
    """Time each operation (see the module docstring)."""
    from bot.i18n import Html
    from handlers import digest_render
    from handlers import task_render as cards
    from handlers.jobs import Sweeper
    from handlers.report_render import report_text

    async def digest() -> None:
        built = await services.digest.build(committee, NOW)
        digest_render.render(built, committee.language)

    async def tasks() -> None:
        views = await services.tasks.list_tasks(committee, None, "open")
        cards.task_list(Html("Nhiệm vụ"), views, committee, "vi")

    report_holder = {}

    async def report() -> None:
        report_holder["r"] = await services.reports.report(committee, "H2 2026")
        report_text(report_holder["r"], "vi")

    async def chart_and_workbook() -> None:
        from bot.reports import chart, workbook

        chart.render(report_holder["r"], "vi")
        workbook.report_workbook(report_holder["r"], "vi")

    sweeper = Sweeper(app)

    async def sweep() -> None:
        await sweeper.sweep(NOW)

    results["digest"] = await _timed(digest)
    results["/tasks"] = await _timed(tasks)
    results["/report (queries + text)"] = await _timed(report)
    results["rss_mib"]["after digest, /tasks, /report"] = rss_mib()
    results["/report chart + xlsx"] = await _timed(chart_and_workbook, 3)
    results["rss_mib"]["after chart + xlsx"] = rss_mib()
    results["sweep (nothing due)"] = await _timed(sweep)
    due_ids = make_due(path, 5)

    async def due_only() -> None:
        await services.reminders.due(NOW, 50)

    results["sweep (5 due, DB part)"] = await _timed(due_only)
    started = time.perf_counter()
    sent = await sweeper.sweep(NOW)
    ms = (time.perf_counter() - started) * 1000
    results["sweep (5 due, with sending)"] = {"cold_ms": ms, "warm_ms": ms, "sent": sent}
    results["sweep (5 due, with sending)"]["rows"] = len(due_ids)


def table(results: dict, timings: dict, sizes: dict) -> str:
    """The Markdown tables for RESULTS.md."""
    lines = ["| operation | cold ms | warm ms | target |", "|---|---|---|---|"]
    start = results["start-up"]["ms"]
    lines.append(f"| start-up (open + migrations check + post_init) | {start:.0f} | | ≤ 2000 |")
    for name in (
        "digest",
        "/tasks",
        "/report (queries + text)",
        "/report chart + xlsx",
        "sweep (nothing due)",
        "sweep (5 due, DB part)",
        "sweep (5 due, with sending)",
    ):
        r = results[name]
        target = f"≤ {TARGETS_MS[name]}" if name in TARGETS_MS else ""
        label = f"{name}: {r['sent']} sent" if "sent" in r else name
        lines.append(f"| {label} | {r['cold_ms']:.1f} | {r['warm_ms']:.1f} | {target} |")
    rss = results["rss_mib"]
    lines += ["", "| peak RSS (MiB) | value |", "|---|---|"]
    lines += [f"| {k} | {v:.0f}{' (target ≤ 150)' * (k == 'peak')} |" for k, v in rss.items()]
    lines += ["", "| database | rows |", "|---|---|"]
    lines += [f"| {k} | {v:,} |" for k, v in sizes.items()]
    total = timings.get("total")
    if total is not None:
        lines += ["", f"Generated in {total:.1f} s (one transaction, bulk INSERT … SELECT)."]
    scans = [p for p in results["plans"] if p["full_scan"]]
    lines += [
        "",
        f"Query plans: {len(results['plans'])} distinct statements ran;"
        f" {len(scans)} with a full scan of a big table.",
    ]
    lines += [f"- `{p['sql']}` → {'; '.join(p['plan'])}" for p in scans]
    return "\n".join(lines)


async def _measure_in_child(path: Path) -> dict:
    """Serve the fake Bot API here while a fresh child process measures the bot."""
    from bench.fakes import CountingFake

    async with CountingFake() as fake:
        api = fake.base_url.removesuffix("/bot")
        child = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.province",
            "--measure",
            str(path),
            "--api",
            api,
            stdout=asyncio.subprocess.PIPE,
        )
        out, _ = await child.communicate()
    if child.returncode != 0:
        raise SystemExit(f"the measuring process failed ({child.returncode})")
    return json.loads(out.decode().strip().splitlines()[-1])


def main() -> None:
    """Generate (or reuse) the database, measure in a child process, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--committees", type=int, default=1000)
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--db", type=Path, help="reuse/keep the generated database here")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--api", help=argparse.SUPPRESS)
    parser.add_argument("--generate", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        print(json.dumps(generate(args.generate, Shape(args.committees, args.tasks))))
        return
    if args.measure:
        print(json.dumps(asyncio.run(measure(args.measure, args.api))))
        return
    with tempfile.TemporaryDirectory() as folder:
        path = args.db or Path(folder) / "province.db"
        timings: dict[str, float] = {}
        if not path.exists():  # in a child: this process stays small for the measuring one
            command = [sys.executable, "-m", "bench.province", "--generate", str(path)]
            command += ["--committees", str(args.committees), "--tasks", str(args.tasks)]
            out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
            timings = json.loads(out.strip().splitlines()[-1])
            print(f"generated {path} in {timings['total']:.1f} s", file=sys.stderr)
        sizes = table_sizes(path)
        results = asyncio.run(_measure_in_child(path))
    text = table(results, timings, sizes)
    print(text)
    if args.json:
        payload = {"results": results, "generation": timings, "sizes": sizes, "markdown": text}
        args.json.write_text(json.dumps(payload, indent=1))


if __name__ == "__main__":
    main()
