"""Run the real `python -m bot` as an operator would: a clean environment, captured output."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# A token that looks real, so that any leak of it is found by a plain substring search.
TOKEN = "424242:STARTUP-secret-AbCdEf_0123456789"
BASE = {"BOT_TOKEN": TOKEN}
CLEARED = ("BOT_", "DATABASE_", "TIMEZONE", "WEBHOOK_", "STARTUP_", "BACKUP_", "LOG_", "DEFAULT_")


@dataclass
class Outcome:
    """What the process printed and returned."""

    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        """stdout and stderr together (for the token check)."""
        return self.stdout + self.stderr

    @property
    def last_line(self) -> str:
        """The last line written to stderr."""
        lines = self.stderr.strip().splitlines()
        return lines[-1] if lines else ""


def environment(env: dict[str, str]) -> dict[str, str]:
    """The inherited environment without any bot setting, plus `env`."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(CLEARED)}
    return {**clean, "PYTHONPATH": str(ROOT), **env}


def bot_command(*args: str) -> list[str]:
    """The command line of `python -m bot ARGS`."""
    return [sys.executable, "-m", "bot", *args]


def run_bot(args: list[str], env: dict[str, str], cwd: Path, timeout: float = 60) -> Outcome:
    """Run `python -m bot ARGS` to its end (bounded by `timeout`)."""
    done = subprocess.run(
        bot_command(*args),
        cwd=cwd,
        env=environment(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return Outcome(done.returncode, done.stdout, done.stderr)


def run_wrapped(wrapper: list[str], env: dict[str, str], cwd: Path) -> Outcome:
    """Run `wrapper` (e.g. a shell that prepares a mount, then execs the bot) to its end."""
    done = subprocess.run(
        wrapper, cwd=cwd, env=environment(env), capture_output=True, text=True, timeout=60
    )
    return Outcome(done.returncode, done.stdout, done.stderr)


async def run_bot_async(
    args: list[str],
    env: dict[str, str],
    cwd: Path,
    timeout: float = 60,  # noqa: ASYNC109 - a bound on the whole run, applied with asyncio.timeout
) -> Outcome:
    """`run_bot` for tests whose event loop serves the fake Bot API meanwhile."""
    proc = await asyncio.create_subprocess_exec(
        *bot_command(*args),
        cwd=cwd,
        env=environment(env),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        async with asyncio.timeout(timeout):
            out, err = await proc.communicate()
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    return Outcome(proc.returncode, out.decode(), err.decode())


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` with its bytes: compare before and after a refusal."""
    return {
        str(p.relative_to(folder)): p.read_bytes() if p.is_file() else b"<dir>"
        for p in sorted(folder.rglob("*"))
    }


def refused(outcome, line: str, code: int) -> None:
    """The process printed exactly `line` as its only line and exited with `code`."""
    assert outcome.stderr == line + "\n", outcome.stderr
    assert outcome.code == code
    assert TOKEN not in outcome.output
    assert "Traceback" not in outcome.output
