"""SQL is always parameterized: statically (every SQL call gets constant text, dynamic column
lists only in reviewed places with a name check) and at run time (user text never reaches the
text of a statement, however hostile).

ruff's S608 flags SQL-looking strings built with f-strings, `%`, `.format` or `+` where they are
written; this test also catches what it misses: SQL built in a variable over several statements,
helpers that return SQL, `str.join`, SQL that does not *look* like SQL to S608, and SQL calls made
outside storage/.
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

from storage.db import Database
from tests.chat import GROUP, MEMBER_A, SECRETARY, running, services, set_up_committee

ROOT = Path(__file__).resolve().parent.parent
SQL_METHODS = frozenset(
    {
        "execute",
        "executemany",
        "executescript",
        "execute_insert",
        "execute_fetchall",
        "fetchone",
        "fetchall",
        "fetchval",
        "fetchone_once",
        "execute_returning",
    }
)
NOQA = "# noqa: S608 - names checked"
# The reviewed places that build a column list; each checks the names against an allow-list
# before building (the test below requires a `raise` guard in the function).
DYNAMIC_SQL = {
    ("storage/committees.py", "update_settings"),
    ("storage/members.py", "update"),
    ("storage/users.py", "set"),
    ("storage/items.py", "update"),
    ("storage/tasks.py", "update"),
    ("storage/votes.py", "update"),
}
# Migrations run the statements of the project's own .sql files, and an int user_version; the
# Database methods pass their caller's text through (the callers are what this test checks).
TRUSTED = {
    ("storage/migrate.py", "_apply"),
    ("storage/connections.py", "_first"),
    *(
        ("storage/db.py", name)
        for name in (
            "fetchone",
            "fetchall",
            "fetchval",
            "_write",
            "execute",
            "execute_rowcount",
            "executemany",
            "fetchone_once",
            "execute_returning",
        )
    ),
    *(
        ("storage/transactions.py", name)
        for name in (
            "_hop",
            "defer",
            "_ride",
            "_run_deferred",
        )
    ),
}


def _is_constant(node: ast.AST, constants: set[str]) -> bool:
    """Whether an expression can only evaluate to text written in the source."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return all(isinstance(v, ast.Constant) for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _is_constant(node.left, constants) and _is_constant(node.right, constants)
    if isinstance(node, ast.IfExp):
        return _is_constant(node.body, constants) and _is_constant(node.orelse, constants)
    if isinstance(node, ast.Subscript):  # a slice of constant text
        return _is_constant(node.value, constants)
    if isinstance(node, ast.Name):
        return node.id in constants
    return False


def _constant_names(body: list[ast.stmt], inherited: set[str]) -> set[str]:
    """Names whose every assignment in `body` (not nested functions) is constant text."""
    assigned: dict[str, list[ast.AST]] = {}
    stack = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
            continue
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    assigned.setdefault(target.id, []).append(node.value)
        elif isinstance(node, ast.AnnAssign | ast.AugAssign) and isinstance(node.target, ast.Name):
            if node.value is not None:
                assigned.setdefault(node.target.id, []).append(node.value)
        elif isinstance(node, ast.For | ast.AsyncFor | ast.comprehension):
            literal = isinstance(node.iter, ast.Tuple | ast.List)
            for name in ast.walk(node.target):
                if isinstance(name, ast.Name):  # a loop over written-out strings stays constant
                    values = node.iter.elts if literal else [ast.Name("<loop>")]
                    assigned.setdefault(name.id, []).extend(values)
        elif isinstance(node, ast.With | ast.AsyncWith):
            for item in node.items:
                for name in ast.walk(item.optional_vars) if item.optional_vars else ():
                    if isinstance(name, ast.Name):
                        assigned.setdefault(name.id, []).append(ast.Name("<with>"))
        stack.extend(ast.iter_child_nodes(node))
    names = set(inherited) - set(assigned)
    changed = True
    while changed:  # a name built from other constant names is constant too
        changed = False
        for name, values in assigned.items():
            if name not in names and all(_is_constant(v, names) for v in values):
                names.add(name)
                changed = True
    return names


def _functions(tree: ast.Module):
    """(qualified function name, function node) for every function, methods included."""
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node.name, node


def imported_constants(tree: ast.Module, exported: dict[str, set[str]]) -> set[str]:
    """Names imported from a project module where they are constant text."""
    names = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module in exported:
            names |= {
                alias.asname or alias.name
                for alias in node.names
                if alias.name in exported[node.module]
            }
    return names


def module_constants(folder: str) -> dict[str, set[str]]:
    """Module name → its module-level constant-text names."""
    return {
        ".".join(path.relative_to(ROOT).with_suffix("").parts): _constant_names(
            ast.parse(path.read_text(encoding="utf-8")).body, set()
        )
        for path in python_files(folder)
    }


def sql_calls(
    source: str, exported: dict[str, set[str]] | None = None
) -> list[tuple[str, int, bool, ast.Call]]:
    """Every SQL call with arguments: (function name, line, text is constant, call node)."""
    tree = ast.parse(source)
    module_constants = _constant_names(tree.body, imported_constants(tree, exported or {}))
    found = []
    for name, func in _functions(tree):
        constants = _constant_names(func.body, module_constants)
        for node in ast.walk(func):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in SQL_METHODS
                and node.args
            ):
                found.append((name, node.lineno, _is_constant(node.args[0], constants), node))
    return found


def _defining_lines(func: ast.AST, call: ast.Call) -> set[int]:
    """Lines of the call's first argument, and of every assignment to it if it is a name."""
    arg = call.args[0]
    lines = set(range(arg.lineno, (arg.end_lineno or arg.lineno) + 1))
    if isinstance(arg, ast.Name):
        for node in ast.walk(func):
            if isinstance(node, ast.Assign | ast.AugAssign) and any(
                isinstance(t, ast.Name) and t.id == arg.id
                for t in getattr(node, "targets", [getattr(node, "target", None)])
            ):
                lines |= set(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    return lines


def python_files(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py"))


def test_every_sql_call_gets_constant_text_or_is_a_reviewed_name_checked_update():
    problems = []
    reviewed_seen = set()
    exported = module_constants("storage")
    for path in python_files("storage"):
        rel = path.relative_to(ROOT).as_posix()
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        tree = ast.parse(source)
        funcs = dict(_functions(tree))
        for name, line, constant, call in sql_calls(source, exported):
            if constant or (rel, name) in TRUSTED:
                continue
            marked = any(NOQA in lines[n - 1] for n in _defining_lines(funcs[name], call))
            guarded = any(isinstance(n, ast.Raise) for n in ast.walk(funcs[name]))
            if (rel, name) in DYNAMIC_SQL and marked and guarded:
                reviewed_seen.add((rel, name))
                continue
            problems.append(f"{rel}:{line} in {name}(): SQL text is not constant")
    assert problems == []
    assert reviewed_seen == DYNAMIC_SQL  # the allow-list has no stale entries


def test_the_noqa_marker_appears_only_in_reviewed_functions():
    marked = []
    for path in python_files("bot", "handlers", "storage"):
        rel = path.relative_to(ROOT).as_posix()
        source = path.read_text(encoding="utf-8")
        for name, func in _functions(ast.parse(source)):
            body = source.splitlines()[func.lineno - 1 : func.end_lineno]
            inner = [f for f in ast.walk(func) if f is not func and isinstance(f, type(func))]
            if any("noqa: S608" in line for line in body) and not inner:
                marked.append((rel, name))
    assert set(marked) <= DYNAMIC_SQL, set(marked) - DYNAMIC_SQL


def test_no_sql_outside_storage():
    calls = []
    for path in python_files("bot", "handlers"):
        for name, line, _, call in sql_calls(path.read_text(encoding="utf-8")):
            calls.append(f"{path.relative_to(ROOT)}:{line} {name}() calls .{call.func.attr}()")
    assert calls == []


BAD = textwrap.dedent(
    """
    async def a(db, title):
        await db.execute(f"SELECT * FROM items WHERE title = '{title}'")
    async def b(db, title):
        sql = "SELECT * FROM items WHERE title = '"
        sql += title + "'"
        await db.fetchall(sql)
    async def c(db, title):
        await db.fetchone("SELECT * FROM items WHERE title = '%s'" % title)
    async def d(db, title):
        await db.execute("DELETE FROM items WHERE title = '{}'".format(title))
    async def e(db, column):
        where = " AND ".join([column, "1"])
        await db.fetchval("SELECT 1 FROM items WHERE " + where)
    def query(title):
        return "SELECT * FROM items WHERE title = " + title
    async def f(db, title):
        await db.execute(query(title))
    async def g(conn, names):
        async with conn.execute(f"UPDATE items SET {names} = 1") as cur:
            return cur
    async def h(db, rows):
        for sql in rows:
            await db.execute(sql)
    """
)
GOOD = textwrap.dedent(
    """
    _SELECT = "SELECT * FROM items"
    async def a(db, title):
        await db.execute("SELECT * FROM items WHERE title = ?", (title,))
    async def b(db, only_open):
        sql = _SELECT + " WHERE committee_id = ?"
        if only_open:
            sql += " AND status = 'open'"
        return await db.fetchall(sql + " ORDER BY id", (1,))
    async def c(conn, flag):
        sql = ("SELECT 1" " FROM items") if flag else f"SELECT 2"
        async with conn.execute(sql, ()) as cur:
            return await cur.fetchone()
    """
)


def test_the_checker_catches_what_s608_misses_and_accepts_constants():
    assert [(name, constant) for name, _, constant, _ in sql_calls(BAD)] == [
        (name, False) for name in "abcdefgh"
    ]
    assert all(constant for _, _, constant, _ in sql_calls(GOOD))
    assert len(sql_calls(GOOD)) == 3  # cur.fetchone() has no SQL argument: not a SQL call


# ------------------------------------------------------------------ at run time
HOSTILE = "x'); DROP TABLE items; -- \" OR 1=1 /* zq9"


@pytest.fixture
def statements(monkeypatch) -> list[str]:
    """Every SQL text the bot hands to SQLite: recorded where every statement passes, the
    Database methods (read connection, write transaction and autocommit writes alike)."""
    seen: list[str] = []

    def recording(original):
        async def record(self, sql, *args, **kwargs):
            seen.append(sql)
            return await original(self, sql, *args, **kwargs)

        return record

    for name in ("fetchone", "fetchall", "execute", "execute_rowcount", "executemany", "_hop"):
        monkeypatch.setattr(Database, name, recording(getattr(Database, name)))
    return seen


async def test_hostile_user_text_never_reaches_the_text_of_a_statement(tmp_path, clock, statements):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        for user, text in (
            (SECRETARY, f"/assign @so_taichinh {HOSTILE} hạn 20/12"),
            (MEMBER_A, f"/progress 1 40 {HOSTILE}"),
            (SECRETARY, f"/consult {HOSTILE} hạn 20/12"),
            (MEMBER_A, f"/opinion 2 comment {HOSTILE}"),
            (SECRETARY, f"/vote {HOSTILE} hạn 20/12"),
            (SECRETARY, f"/remind +2h {HOSTILE}"),
            (MEMBER_A, f"/join {HOSTILE}"),
            (SECRETARY, f"/add @zq9_nguoi member {HOSTILE}"),
            (SECRETARY, f"/settings timezone {HOSTILE}"),
            (MEMBER_A, f"/extend 1 28/12 {HOSTILE}"),
            (SECRETARY, f"/tasks @{HOSTILE}"),
            (SECRETARY, f"/report {HOSTILE}"),
            (SECRETARY, f"/history {HOSTILE}"),
            (SECRETARY, f"/cancel 1 {HOSTILE}"),
        ):
            await conv.send(GROUP, user, text)
        stored = await services(conv).items.by_number(1, 1)
        assert stored.title == HOSTILE  # stored as typed, and the tables are all still there
        assert await services(conv).db.fetchval("SELECT count(*) FROM items") == 3
    assert len(statements) > 100
    assert [s for s in statements if "zq9" in s] == []
