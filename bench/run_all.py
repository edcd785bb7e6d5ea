"""Run every benchmark and write bench/RESULTS.md (machine, date, commit, figures, analysis).

`make bench` runs this. Each benchmark runs in its own process (as a user would run it by hand)
and hands back its figures as JSON; the analysis that explains the figures is kept by hand in
bench/ANALYSIS.md and appended as is.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BENCHES = (
    ("per_update", "1. Per-update cost: our bot against a bare PTB bot"),
    ("province", "2. Province scale: 1,000 committees × 1,000 tasks"),
    ("fanout", "3. Fan-out: 1,000 due reminders to 1,000 chats through AIORateLimiter"),
)


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def machine() -> dict[str, str]:
    """nproc, CPU model, RAM, OS and Python of this machine."""
    cpu = next(
        (line.split(":", 1)[1].strip() for line in _read("/proc/cpuinfo").splitlines()
         if line.startswith("model name")),
        platform.processor() or "unknown",
    )  # fmt: skip
    mem_kib = next(
        (int(line.split()[1]) for line in _read("/proc/meminfo").splitlines()
         if line.startswith("MemTotal:")),
        0,
    )  # fmt: skip
    return {
        "nproc": str(os.cpu_count()),
        "CPU": cpu,
        "RAM": f"{mem_kib / 2**20:.1f} GiB",
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def commit() -> str:
    """HEAD, marked when the working tree has uncommitted changes (read-only git commands)."""
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return f"{head or 'unknown'}{' (with uncommitted changes)' if dirty else ''}"


def run(name: str, folder: Path) -> tuple[dict, float]:
    """Run one benchmark module; return its JSON figures and its wall time."""
    out = folder / f"{name}.json"
    started = time.perf_counter()
    print(f"== bench.{name}", flush=True)
    command = [sys.executable, "-m", f"bench.{name}", "--json", str(out)]
    subprocess.run(command, cwd=ROOT, check=True)
    return json.loads(out.read_text()), time.perf_counter() - started


def main() -> None:
    """Run the benchmarks in turn and write RESULTS.md."""
    info = machine()
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (bench/run_all.py); the analysis at the end is bench/ANALYSIS.md.",
        "",
        f"- Date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- Commit: `{commit()}`",
    ]
    lines += [f"- {key}: {value}" for key, value in info.items()]
    with tempfile.TemporaryDirectory() as folder:
        for name, title in BENCHES:
            figures, seconds = run(name, Path(folder))
            lines += ["", f"## {title}", "", f"(`python -m bench.{name}`, {seconds:.0f} s)", ""]
            lines.append(figures["markdown"])
    analysis = HERE / "ANALYSIS.md"
    if analysis.exists():
        lines += ["", analysis.read_text().rstrip()]
    (HERE / "RESULTS.md").write_text("\n".join(lines) + "\n")
    print(f"wrote {HERE / 'RESULTS.md'}")


if __name__ == "__main__":
    main()
