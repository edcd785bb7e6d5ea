"""The declarations beside the handlers are the single source: `python -m bot routes` prints them,
every word is unique, and the PTB handler list, menus and permission table follow from them."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

from handlers import registry
from handlers.install import table

ROOT = Path(__file__).resolve().parent.parent


def test_every_word_names_one_command():
    words = Counter(word for cmd in registry.commands() for word in cmd.words)
    assert [word for word, n in words.items() if n > 1] == []
    assert registry.by_word()["giaoviec"].name == "assign"
    assert registry.by_word()["xinykien"].name == "consult"


def test_routes_prints_every_declaration():
    printed = table()
    for cmd in registry.commands():
        assert f"/{cmd.name} " in printed and all(alias in printed for alias in cmd.aliases)
    for button in registry.BUTTONS.values():
        assert f"  {button.route} " in printed and button.gate in printed
    for name in (*registry.GATES, *registry.DEEP_LINKS, *registry.ITEM_VIEWS):
        assert name in printed


def test_python_m_bot_routes_needs_no_settings():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "DATABASE_"))}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "routes"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "/assign" in done.stdout and "task.card" in done.stdout


def test_menus_are_what_the_declarations_say():
    private = [c.name for c in registry.commands() if "private" in c.menu]
    assert private == ["help", "lang", "notify", "start", "mytasks", "opinion"]
    assert all(c.works_in("group") for c in registry.commands())
