"""Reliability-suite support: a cast covering every role, two committees, a database fingerprint,
a refusal classifier built from the catalogs, and the scripted committee workload that the
crash-restart test replays against the real bot process.

Everything here drives the bot the way people do (messages and button presses through the fake
Bot API); SQL is only used to *read* state, to restore the roster between permission checks, and
(crash test) to move reminders into the past while the process is down.
"""

from __future__ import annotations

import ast
import html
import re
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from bot.i18n import catalog
from bot.models import Role
from handlers import registry
from tests.chat import (
    CHAIR,
    DEPUTY,
    GROUP,
    MEMBER_A,
    MEMBER_B,
    OTHER_GROUP,
    OUTSIDER,
    SECRETARY,
    running,
    set_up_committee,
)
from tests.fakes import ANONYMOUS_ADMIN, CHANNEL_BOT, TELEGRAM, Chat, Conversation, FakeBotAPI, User

ROOT = Path(__file__).resolve().parent.parent

STANDING = User(106, "Phạm Thường", last_name="Trực", username="ptbtt_qt")
OTHER_SECRETARY = User(201, "Đỗ Văn", last_name="Khác", username="thuky_khac")
OTHER_MEMBER = User(202, "Lý Thị", last_name="Mai", username="so_khac")

ROLE_CAST: dict[Role, User] = {
    Role.CHAIR: CHAIR,
    Role.STANDING_DEPUTY: STANDING,
    Role.DEPUTY: DEPUTY,
    Role.MEMBER: MEMBER_A,
    Role.SECRETARY: SECRETARY,
}
# (label, user, role on GROUP's committee or None): every seat, an outsider, another committee.
ACTORS: list[tuple[str, User, Role | None]] = [
    *((role.value, user, role) for role, user in ROLE_CAST.items()),
    ("outsider", OUTSIDER, None),
    ("other_committee", OTHER_SECRETARY, None),
]
# Telegram's service senders (issue 19), as the Bot API shows their messages: (label, `from`,
# extra Message fields, the one-line refusal every command of theirs gets). Never a seat.
LINKED_CHANNEL = Chat(-1002223334447, "channel", title="Kênh Ban Chỉ đạo")
OTHER_BOT = User(5550002, "Bot Khác", username="botkhac_bot", is_bot=True)
SERVICE_ACTORS: list[tuple[str, User, dict, str]] = [
    ("anonymous_admin", ANONYMOUS_ADMIN, {"sender_chat": GROUP.to_dict()}, "sender.anonymous"),
    ("channel", CHANNEL_BOT, {"sender_chat": LINKED_CHANNEL.to_dict()}, "sender.channel"),
    (
        "telegram_777000",
        TELEGRAM,
        {"sender_chat": LINKED_CHANNEL.to_dict(), "is_automatic_forward": True},
        "sender.linked_channel",
    ),
    ("other_bot", OTHER_BOT, {}, "sender.bot"),
]
# The secretary dropped @thuky_qt and someone else took it: the heir is an outsider, nothing more.
SECRETARY_RENAMED = User(SECRETARY.id, SECRETARY.first_name, last_name=SECRETARY.last_name)
USERNAME_HEIR = User(301, "Người Nhận Lại", username="thuky_qt")

EVERYONE = [CHAIR, STANDING, DEPUTY, MEMBER_A, MEMBER_B, SECRETARY, OUTSIDER, OTHER_SECRETARY]

# What GROUP holds after `set_up_province` (numbers are the committee's #N).
ITEMS = {
    "task": 1,  # lead @so_taichinh, cooperator @so_tttt, due 20/12
    "consultation": 2,
    "motion": 3,
    "task_done": 4,  # lead @so_taichinh; for /done
    "task_extension": 5,  # lead @so_taichinh, with a pending extension request
    "task_cancel": 6,
    "task_closed": 7,  # done already; for /reopen
    "task_reassign": 8,
    "consultation_close": 9,
    "poll": 10,
    "meeting": 11,  # Họp giao ban tháng 12, 15/12 14:00
}
OTHER_ITEMS = {"task": 1}  # OTHER_GROUP has a single task #1 of its own
OTHER_TASK_TITLE = "Việc riêng của Ban khác"


def examples() -> dict[str, str]:
    """Arguments that make each command (and named gate) do its real work when the caller may:
    the examples declared beside the handlers (handlers/registry.py), items filled from ITEMS."""
    table = {c.name: c.example.format(**ITEMS) for c in registry.commands()}
    table.update({g.name: g.example.format(**ITEMS) for g in registry.GATES.values()})
    return table


async def set_up_province(conv: Conversation, fake: FakeBotAPI) -> None:
    """GROUP with every role and one item of each kind, OTHER_GROUP with its own task #1."""
    await set_up_committee(conv, fake)
    g = GROUP
    await conv.send(g, STANDING, "/join Văn phòng UBND tỉnh")
    await conv.send(g, SECRETARY, "/add @ptbtt_qt standing_deputy Văn phòng UBND tỉnh")
    await conv.send(g, SECRETARY, "/add @du_bi member Sở Dự bị")  # pre-registered, never speaks
    for text in (
        "/assign @so_taichinh @so_tttt Báo cáo kinh phí hạn 20/12",
        "/consult Góp ý dự thảo Quy chế hạn 18/12",
        "/vote Thông qua Kế hoạch năm 2027 hạn 18/12",
        "/assign @so_taichinh Tổng hợp số liệu hạn 21/12",
        "/assign @so_taichinh Rà soát thủ tục hạn 22/12",
        "/assign @so_tttt Cập nhật cổng thông tin hạn 23/12",
        "/assign @so_tttt Việc đã xong hạn 24/12",
        "/assign @pho_ban Kế hoạch truyền thông hạn 24/12",
        "/consult Góp ý báo cáo sơ kết hạn 19/12",
        "/poll Chọn ngày họp | Thứ Hai | Thứ Ba hạn 18/12",
        "/meeting Họp giao ban tháng 12 15/12 14:00 tại Phòng họp số 1",
        "/remind +2h Họp giao ban",
    ):
        await conv.send(g, SECRETARY, text)
    await conv.send(g, MEMBER_A, "/extend 5 28/12 chờ số liệu của các huyện")
    await conv.send(g, MEMBER_B, "/done 7")
    fake.set_chat_member(OTHER_GROUP.id, OTHER_SECRETARY, "administrator")
    await conv.send(OTHER_GROUP, OTHER_SECRETARY, "/setup Ban Chỉ đạo khác")
    await conv.send(OTHER_GROUP, OTHER_MEMBER, "/join Sở Khác")
    await conv.send(OTHER_GROUP, OTHER_SECRETARY, f"/assign @so_khac {OTHER_TASK_TITLE} hạn 20/12")
    for user in EVERYONE:  # everyone has spoken in GROUP once: later messages write nothing
        await conv.send(g, user, "/help")


@asynccontextmanager
async def province(tmp_path: Path, clock, **overrides) -> AsyncIterator[tuple]:
    """`running` + `set_up_province`; pending card edits are flushed before shutdown."""
    async with running(tmp_path, clock, **overrides) as (conv, fake):
        await set_up_province(conv, fake)
        yield conv, fake
        await quiesce(conv)


async def quiesce(conv: Conversation) -> None:
    """Run the consultation cards' pending (rate-spaced) edits now instead of at shutdown."""
    from handlers.cards import card_editor

    await card_editor(conv.app).flush()


# ---------------------------------------------------------------------------- database state
async def tables(db) -> list[str]:
    """Every table of the schema (not views, not SQLite's own)."""
    rows = await db.fetchall(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " ORDER BY name"
    )
    return [r[0] for r in rows]


# The delivery layer's own bookkeeping: every update is recorded there, refused or not; and the
# card editor's digests of what cards show (an earlier edit's lazy write rides any later commit).
BOOKKEEPING = frozenset({"inbox", "card_digests"})
# The answer to the command itself: staged in the outbox once its update's unit has begun a
# write, even when the write was then refused and undone. Cards, results and notices still count.
ANSWERS = ("outbox", "purpose", "reply")


async def fingerprint(db) -> dict[str, list[tuple]]:
    """Every row of every table, sorted: equal fingerprints mean nothing was written."""
    state = {}
    for name in await tables(db):
        if name in BOOKKEEPING:
            continue
        quoted = name.replace('"', '""')
        rows = await db.fetchall(f'SELECT * FROM "{quoted}"')  # a name read from sqlite_master
        if name == ANSWERS[0]:
            rows = [r for r in rows if r[ANSWERS[1]] != ANSWERS[2]]
        state[name] = sorted((tuple(r) for r in rows), key=repr)
    return state


def diff(before: dict[str, list[tuple]], after: dict[str, list[tuple]]) -> dict[str, object]:
    """The tables that changed, with the rows that appeared or vanished (for failure messages)."""
    changed = {}
    for name in sorted(set(before) | set(after)):
        old, new = set(before.get(name, [])), set(after.get(name, []))
        if old != new:
            changed[name] = {
                "added": sorted(new - old, key=repr),
                "gone": sorted(old - new, key=repr),
            }
    return changed


async def roster_snapshot(db) -> list[dict]:
    """The members table, to put back after a command changed someone's seat."""
    return [dict(r) for r in await db.fetchall("SELECT * FROM members ORDER BY id")]


async def restore_roster(db, snapshot: list[dict]) -> None:
    """Put every seat back as it was; seats created since are deactivated (history may use them).

    Writes only what differs, so an untouched roster costs one read.
    """
    known = {row["id"]: row for row in snapshot}
    for row in await roster_snapshot(db):
        old = known.get(row["id"])
        if old is None:
            if row["active"]:
                await db.execute("UPDATE members SET active = 0 WHERE id = ?", (row["id"],))
        elif row != old:
            columns = [c for c in old if c != "id"]
            assignments = ", ".join(f"{c} = ?" for c in columns)  # names from the table itself
            await db.execute(
                f"UPDATE members SET {assignments} WHERE id = ?",  # test-only restore
                (*(old[c] for c in columns), old["id"]),
            )


# ---------------------------------------------------------------------------- refusals
# Refusals that are not raised as DomainError("…") constants in the code.
EXTRA_REFUSALS = (
    "common.forbidden",
    "common.forbidden_button",
    "common.not_member",
    "common.no_committee",
    "common.group_only",
    "common.private_only",
    "common.stale_button",
    "settings.forbidden",
    "vote.create_forbidden",
    "consult.secretary",
    "consult.prompt_not_yours",
    "sender.anonymous",
    "sender.channel",
    "sender.linked_channel",
    "sender.bot",
)
GATE_REFUSALS = ("common.forbidden", "common.not_member")


def _domain_error_keys() -> set[str]:
    """Catalog keys the code raises as DomainError: constants, and f-string prefixes expanded."""
    keys: set[str] = set()
    prefixes: set[str] = set()
    for folder in ("bot", "handlers"):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not (
                    isinstance(node, ast.Call)
                    and getattr(node.func, "id", None) == "DomainError"
                    and node.args
                ):
                    continue
                arg = node.args[0]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    keys.add(arg.value)
                elif isinstance(arg, ast.JoinedStr) and isinstance(arg.values[0], ast.Constant):
                    prefixes.add(arg.values[0].value)
    every = catalog("vi")
    keys |= {k for k in every if any(k.startswith(p) for p in prefixes)}
    keys |= {k for k in every if k.rsplit(".", 1)[-1].startswith("usage")}  # usage_key arguments
    return keys


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{[a-z_]+\}", template)
    return re.compile("(?s)" + "(.*?)".join(re.escape(p) for p in parts))


@cache
def refusal_patterns() -> dict[str, list[re.Pattern[str]]]:
    """Catalog key → the vi and en message as a full-match pattern (placeholders: anything)."""
    keys = sorted(_domain_error_keys() | set(EXTRA_REFUSALS))
    return {key: [_pattern(catalog(lang)[key]) for lang in ("vi", "en")] for key in keys}


def refusal_key(text: str | None, keys: Iterable[str] | None = None) -> str | None:
    """The refusal a reply is (a usage / forbidden / not-found / bad-input catalog message)."""
    if text is None:
        return None
    patterns = refusal_patterns()
    for key in keys if keys is not None else patterns:
        if any(p.fullmatch(text) for p in patterns[key]):
            return key
    return None


def _plain(text: str) -> str:
    """A button notice as the bot sends it: tags dropped, entities unescaped (handlers.context)."""
    return html.unescape(re.sub(r"<[^>]+>", "", text))


@cache
def _notice_patterns() -> dict[str, list[re.Pattern[str]]]:
    keys = sorted(_domain_error_keys() | set(EXTRA_REFUSALS))
    patterns = {}
    for key in keys:
        patterns[key] = []
        for lang in ("vi", "en"):
            parts = re.split(r"\{[a-z_]+\}", catalog(lang)[key])
            literal = [re.escape(_plain(p)) for p in parts]
            patterns[key].append(re.compile("(?s)" + "(.*?)".join(literal)))
    return patterns


def notice_refusal_key(answer: str | None) -> str | None:
    """The refusal a button's notice is (notices are plain text, cut at 200 characters)."""
    if not answer:
        return None
    for key, patterns in _notice_patterns().items():
        for pattern in patterns:
            if pattern.fullmatch(answer) or (len(answer) == 200 and pattern.match(answer)):
                return key
    return None


def apologies() -> set[str]:
    """The error handler's texts, which must never reach anyone in these tests."""
    return {
        catalog(lang)[key] for lang in ("vi", "en") for key in ("error.apology", "error.callback")
    }


# ---------------------------------------------------------------------------- crash workload
@dataclass
class Step:
    """One thing a person does in the group.

    `text` may name items by their title (`{task}`, `{consult}`, `{motion}` of the round: the
    driver looks their current number up, as a person reads it off the card); `press` is a button
    (`(kind, code)`: the card of that item, the button whose data ends with `:code`). `expect` is
    what the database must hold once the bot acknowledged the step with a non-refusal.
    """

    user: User
    text: str = ""
    press: tuple[str, str] | None = None
    expect: tuple = ()
    titles: dict = field(default_factory=dict)


def committee_workload(rounds: int) -> list[Step]:
    """A committee's busy day, `rounds` times over; every action carries a unique marker.

    Each round assigns a task, reports progress on it, opens a consultation that one member
    answers by command and the chair by button, opens a motion two members vote on by button,
    schedules two ad-hoc reminders (a few days ahead: the crash test moves them into the past
    while the bot is down), and finishes every other task so some stay open with reminders.
    """
    steps: list[Step] = []
    for r in range(rounds):
        titles = {
            "task": f"Nhiệm vụ R{r}",
            "consult": f"Xin ý kiến R{r}",
            "motion": f"Biểu quyết R{r}",
        }

        def step(user, text="", press=None, expect=(), titles=titles):
            return Step(user, text, press, expect, titles)

        steps += [
            step(SECRETARY, "/assign @so_taichinh @so_tttt {task} hạn +3d", expect=("item",)),
            step(MEMBER_A, f"/progress {{task}} 40 ghi chú R{r}", expect=("note", f"ghi chú R{r}")),
            step(SECRETARY, "/consult {consult} hạn +3d", expect=("item",)),
            step(
                MEMBER_A,
                f"/opinion {{consult}} disagree ý kiến R{r}",
                expect=("opinion", MEMBER_A.id, "disagree", f"ý kiến R{r}"),
            ),
            step(CHAIR, press=("consult", "y"), expect=("opinion", CHAIR.id, "agree", "")),
            step(SECRETARY, "/vote {motion} hạn +3d", expect=("item",)),
            step(DEPUTY, press=("motion", "f"), expect=("ballot", DEPUTY.id)),
            step(MEMBER_B, press=("motion", "a"), expect=("ballot", MEMBER_B.id)),
            step(SECRETARY, f"/remind +3d Nhắc R{r}a", expect=("adhoc", f"Nhắc R{r}a")),
            step(DEPUTY, f"/remind +4d Nhắc R{r}b", expect=("adhoc", f"Nhắc R{r}b")),
        ]
        if r % 2:
            steps.append(step(MEMBER_A, f"/done {{task}} xong R{r}", expect=("done",)))
        steps.append(step(SECRETARY, "/reminders"))
    return steps
