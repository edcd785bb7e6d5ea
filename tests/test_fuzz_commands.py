"""Fuzzing every registered command (names and aliases) through the real Application.

Generated arguments mix Vietnamese and arbitrary unicode, very long text, HTML markup, SQL-ish
injections, numbers at the edges, @mentions, `#N`, dates and the commands' own keywords; they are
sent by every role, an outsider and a member of another committee, in the group and privately.
For every example:

- no unhandled exception: the error handler's apology (vi or en) is never sent, nothing is logged
  at ERROR, and every Bot API call the bot makes succeeds (the fake is as strict as Telegram:
  bad HTML, empty or over-long text are refused);
- always a reply in the chat the command came from; the one documented silence is a command
  addressed to another bot (`/cmd@OtherBot`), which PTB ignores;
- no state change on refusal: when the reply is a usage / forbidden / not-found / bad-input
  catalog message, SQLite reports no row changed on the bot's connection.

Most examples also press a real card with generated callback data (forged routes, actions,
item ids and percents at the edges, arbitrary text within Telegram's 64 bytes): every press is
answered exactly once, never with the apology, and a refused press writes nothing.

One running bot serves all examples of a test (state accumulates, as in a real group); the roster
is put back after each example so every role keeps being exercised. A few hundred examples run in
`make test`; `make soak` runs ≥ 5,000.
"""

from __future__ import annotations

import html
import io
import logging
import os
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handlers import jobs, registry
from handlers.jobs import sweeper_of
from handlers.outbox import split_text
from tests.chat import GROUP, MEMBER_A, SECRETARY, running, services, vi
from tests.fakes import private_chat
from tests.fakes.shapes import DEFAULT_BOT_USERNAME, strip_html
from tests.workload import (
    ACTORS,
    apologies,
    diff,
    examples,
    fingerprint,
    notice_refusal_key,
    quiesce,
    refusal_key,
    restore_roster,
    roster_snapshot,
    set_up_province,
)

FAST_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "300"))
SOAK_EXAMPLES = int(os.environ.get("SOAK_FUZZ_EXAMPLES", "5000"))

ALIASES = {word: cmd.name for word, cmd in registry.by_word().items()}
EXAMPLES = examples()
WORDS = sorted(ALIASES)
VIETNAMESE = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
)
VIETNAMESE += VIETNAMESE.upper()
KEYWORDS = [
    # dates and deadlines
    "hạn", "due", "31/12", "31/12/2026", "2026-12-31", "17:00", "24:00", "00:00", "29/02/2027",
    "31/02", "01/01/1970", "today", "hôm nay", "tomorrow", "ngày mai", "+3d", "+2w", "+4h",
    "+30m", "+0m", "-1d", "+99999d", "+1m", "thứ 6", "fri",
    # command vocabulary
    "mine", "cuatoi", "overdue", "quahan", "done", "xong", "agree", "comment", "disagree",
    "dongy", "gopy", "khongdongy", "multi", "anon", "nhieu", "andanh", "silence=agree",
    "silence=none", "imlang=dongy", "on", "off", "bật", "tắt", "vi", "en", "fr", "chair",
    "standing_deputy", "deputy", "member", "secretary", "truongban", "thuky", "ptb",
    "language", "timezone", "Asia/Ho_Chi_Minh", "Mars/Olympus", "digest", "reminders",
    "quiet", "workdays", "silence", "mon-fri", "t2-t6", "3d,1d,0d", "21:00-07:00", "2026",
    "H1 2026", "Q3 2026", "Q5 2026", "12/2026", "01/01/2026-30/06/2026", "|", "||", "op_1_comment",
    "op_999999999999_disagree", "op_x", "op_²_comment", "op_99999999999999999999_comment",
    "op_1", "²", "¹²", "١٢", "𝟙𝟚", "Ⅻ", "½",
    # markup and injections
    "<b>x</b>", "<script>alert(1)</script>", "&amp;", "&lt;", "<", ">", "&", "<i>", "</b>",
    '<a href="javascript:x">l</a>', "'; DROP TABLE items; --", '" OR 1=1 --', "%s", "{0}",
    "{number}", "\\", "`", "*bold*", "_it_", "\n", "\t", "🎉", "👨‍👩‍👧", "\u200b", "\u202e",
]  # fmt: skip
MENTIONS = [
    "@chutich_qt", "@ptbtt_qt", "@pho_ban", "@so_taichinh", "@so_tttt", "@thuky_qt", "@nguoi_la",
    "@thuky_khac", "@so_khac", "@du_bi", "@khong_ai_ca", "@a", "@" + "x" * 40,
    f"@{DEFAULT_BOT_USERNAME}",
]  # fmt: skip
EDGE_NUMBERS = [0, 1, -1, 2, 3, 9, 10, 11, 99, 100, 101, 2**31 - 1, 2**31, 2**63, 10**9 - 1, 10**9]

numbers = st.one_of(st.sampled_from(EDGE_NUMBERS), st.integers(-(10**20), 10**20))
fragments = st.one_of(
    numbers.map(str),
    numbers.map(lambda n: f"#{n}"),
    st.integers(0, 120).map(lambda n: f"{n}%"),
    st.sampled_from(KEYWORDS),
    st.sampled_from(MENTIONS),
    st.text(VIETNAMESE + " ", min_size=1, max_size=40),
    st.text(min_size=1, max_size=30),  # any unicode (no surrogates)
    st.sampled_from([299, 300, 301, 1999, 2000, 2001, 4000]).map(lambda n: "ý" * n),
)
arguments = st.lists(fragments, max_size=8).map(" ".join)


@st.composite
def command_text(draw) -> tuple[str, bool]:
    """`/word[@bot] args` and whether the bot is expected to stay silent."""
    word = draw(st.sampled_from(WORDS))
    if draw(st.integers(0, 9)) == 0:
        word = word.upper() if draw(st.booleans()) else word
    suffix = draw(
        st.sampled_from(
            ["", *[""] * 12, *[f"@{DEFAULT_BOT_USERNAME}"] * 4, "@OtherBot", "@OtherBot"]
        )
    )
    name = ALIASES[word.lower()]
    if draw(st.integers(0, 2)) == 0 and name in EXAMPLES:  # a valid form, bent a little
        words = EXAMPLES[name].split()
        at = draw(st.integers(0, len(words)))
        words[at:at] = [draw(fragments)] if draw(st.booleans()) else []
        args = " ".join(words)
    else:
        args = draw(arguments)
    text = f"/{word}{suffix} {args}".strip()[:4096]  # Telegram's limit for what people send
    silent = suffix == "@OtherBot"
    return text, silent


def plain(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def unchanged_edit(call) -> bool:
    """Telegram's 400 for an edit that changes nothing: expected and handled by the bot."""
    return call.status == 400 and "not modified" in str(call.result.get("description"))


def describe(record: logging.LogRecord) -> str:
    """The record's message with its traceback (the error handler logs the update first)."""
    text = record.getMessage()[:300]
    if record.exc_info:
        text += "\n" + logging.Formatter().formatException(record.exc_info)[-1500:]
    return text


class ErrorLog(logging.Handler):
    """Records ERROR (and worse) log records while installed."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class Fuzzer:
    """One running bot and the per-example checks."""

    def __init__(self, conv, fake) -> None:
        self.conv, self.fake = conv, fake
        self.db = services(conv).db
        self.snapshot: list[dict] = []
        self.errors = ErrorLog()
        self.examples = 0
        self.refusals = 0
        self.silent = 0
        self.presses = 0
        self.cards: list[dict] = []
        self._fingerprint: dict = {}
        self._fingerprint_at = -1

    async def state(self) -> dict:
        """The database's fingerprint, recomputed only when SQLite reports row changes."""
        if self.db.total_changes != self._fingerprint_at:
            self._fingerprint = await fingerprint(self.db)
            self._fingerprint_at = self.db.total_changes
        return self._fingerprint

    async def run(self, actor: int, private: bool, text: str, silent: bool) -> None:
        _, user, _ = ACTORS[actor]
        chat = private_chat(user) if private else GROUP
        conv, fake = self.conv, self.fake
        before_state = await self.state()
        before = self.db.total_changes
        mark = len(fake.calls)
        self.errors.records.clear()
        await conv.send(chat, user, text)
        new_calls = [c for c in fake.calls[mark:] if c.method != "getUpdates"]
        replies = conv.new_texts(chat.id)
        changed = self.db.total_changes != before  # counts rolled-back changes too
        if changed:
            changed = diff(before_state, await fingerprint(self.db))
        self.examples += 1
        context = f"{user.username} in {'private' if private else 'group'}: {text!r}"
        assert not self.errors.records, (context, [describe(r) for r in self.errors.records])
        assert [c for c in new_calls if not c.ok and not unchanged_edit(c)] == [], context
        assert not set(replies) & apologies(), context
        if silent:
            self.silent += 1
            assert replies == [] and not changed, context
        else:
            assert replies, f"no reply to {context}; calls: {new_calls}"
            if refusal_key(replies[0]) is not None:
                self.refusals += 1
                assert not changed, f"refused but wrote: {context} → {replies[0]!r}: {changed}"
        await restore_roster(self.db, self.snapshot)

    async def press(self, actor: int, card: int, data: str) -> None:
        """Press a real card with (possibly forged) callback data."""
        _, user, _ = ACTORS[actor]
        conv, fake = self.conv, self.fake
        message = self.cards[card % len(self.cards)]
        before_state = await self.state()
        before = self.db.total_changes
        mark = len(fake.calls)
        self.errors.records.clear()
        update = await conv.press(GROUP, user, message, data)
        new_calls = [c for c in fake.calls[mark:] if c.method != "getUpdates"]
        query_id = update["callback_query"]["id"]
        answers = [
            c for c in new_calls
            if c.method == "answerCallbackQuery" and c.params.get("callback_query_id") == query_id
        ]  # fmt: skip
        self.presses += 1
        context = f"{user.username} pressed {data!r}"
        assert not self.errors.records, (context, [describe(r) for r in self.errors.records])
        assert [c for c in new_calls if not c.ok and not unchanged_edit(c)] == [], context
        assert len(answers) == 1, (context, new_calls)  # always answered, once
        notice = answers[0].params.get("text")
        assert notice not in {plain(a) for a in apologies()}, context
        if notice_refusal_key(notice) is not None and self.db.total_changes != before:
            changed = diff(before_state, await fingerprint(self.db))
            assert not changed, f"refused but wrote: {context} → {notice!r}: {changed}"
        await restore_roster(self.db, self.snapshot)


@pytest.fixture
async def fuzzer(tmp_path, clock, monkeypatch):
    monkeypatch.setattr(jobs, "SWEEP_INTERVAL", 10**6)  # only the start-up sweep runs
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_province(conv, fake)
        await fake.wait_for(lambda: sweeper_of(conv.app).sweeps >= 1)
        for _, user, _ in ACTORS:  # each has opened a private chat with the bot
            await conv.send(private_chat(user), user, "/start")
        state = Fuzzer(conv, fake)
        state.snapshot = await roster_snapshot(state.db)
        state.cards = [
            fake.message(GROUP.id, c.result["message_id"])
            for c in fake.sent(GROUP.id)
            if c.params.get("reply_markup")
        ]
        logging.getLogger().addHandler(state.errors)
        try:
            yield state
        finally:
            logging.getLogger().removeHandler(state.errors)
            await quiesce(conv)
        print(
            f"\nfuzz: {state.examples} commands ({state.refusals} refused, "
            f"{state.silent} addressed to another bot), {state.presses} button presses"
        )


ROUTES = ["t", "x", "c", "v", "zz", ""]
ACTIONS = ["s", "p", "b", "d", "e", "a", "r", "b", "x", ""]
callback_part = st.one_of(
    st.sampled_from(ROUTES + ACTIONS + ["y", "n", "f", "25", "90"]),
    numbers.map(str),
    st.text(max_size=12),
)
callback_data = st.one_of(
    st.lists(callback_part, min_size=1, max_size=6).map(lambda parts: ":".join(["v1", *parts])),
    st.lists(callback_part, min_size=0, max_size=6).map(":".join),
).map(lambda data: data.encode()[:64].decode(errors="ignore") or "v1")  # Telegram's 1–64 bytes

EXAMPLE = dict(
    actor=st.integers(0, len(ACTORS) - 1),
    private=st.integers(0, 4).map(lambda n: n == 0),
    command=command_text(),
    press=st.none() | st.tuples(st.integers(0, 50), callback_data),
)
COMMON = dict(
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@settings(max_examples=FAST_EXAMPLES, derandomize=True, **COMMON)
@given(**EXAMPLE)
async def test_fuzzed_commands(fuzzer, actor, private, command, press):
    await fuzzer.run(actor, private, *command)
    if press is not None:
        await fuzzer.press(actor, *press)


@pytest.mark.soak
@settings(max_examples=SOAK_EXAMPLES, **COMMON)
@given(**EXAMPLE)
async def test_fuzzed_commands_soak(fuzzer, actor, private, command, press):
    await fuzzer.run(actor, private, *command)
    if press is not None:
        await fuzzer.press(actor, *press)


# ------------------------------------------------------------------ found by fuzzing
SAFE_PIECES = st.one_of(
    st.text(VIETNAMESE + " &<>", min_size=1, max_size=300).map(html.escape),
    st.sampled_from(["\n", "\n\n", " "]),
    st.sampled_from(["y" * 3000, "ý&amp;" * 900]),
)
TAGS = ["b", "i", "u", "s", "code"]


@st.composite
def telegram_html(draw) -> str:
    """Valid Telegram HTML: escaped text, line breaks, and properly nested tags."""
    out, stack = [], []
    for _ in range(draw(st.integers(1, 40))):
        action = draw(st.integers(0, 5))
        if action == 0 and len(stack) < 3:
            tag = draw(st.sampled_from(TAGS))
            stack.append(tag)
            out.append(f"<{tag}>" if tag != "a" else '<a href="tg://user?id=1">')
        elif action == 1 and stack:
            out.append(f"</{stack.pop()}>")
        else:
            out.append(draw(SAFE_PIECES))
    out += [f"</{tag}>" for tag in reversed(stack)]
    return "".join(out)


@settings(max_examples=300, deadline=None, database=None, derandomize=True)
@given(telegram_html())
def test_split_text_keeps_every_part_valid_html_under_the_limit(text):
    strip_html(text)  # the generator makes valid HTML
    parts = split_text(text)
    assert all(len(part) <= 4096 for part in parts)
    shown = [strip_html(part) for part in parts]  # each part parses on its own (or raises)
    squeeze = lambda t: t.replace("\n", "").replace(" ", "")  # noqa: E731 - cuts eat a break
    assert squeeze("".join(shown)) == squeeze(strip_html(text))


async def test_a_refusal_echoing_a_huge_argument_arrives_as_valid_parts(tmp_path, clock):
    """Regression: `/report <4,090 characters>` echoed the period inside <code> and the hard cut
    at 4,096 broke the tag: Telegram refused the reply and the person got the apology."""
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_province(conv, fake)
        await conv.send(GROUP, SECRETARY, "/report " + "ý" * 4090)
        texts = conv.new_texts(GROUP.id)
        assert len(texts) == 2 and not set(texts) & apologies()
        shown = "".join(fake.message(GROUP.id, c.result["message_id"])["text"]
                        for c in conv.new_sent(GROUP.id))  # fmt: skip
        assert "ý" * 4090 in shown
        await quiesce(conv)


async def test_export_survives_control_characters_and_never_makes_formulas(tmp_path, clock):
    """Regression: a title with a control character (here \\x12) made /export and /report fail
    (openpyxl refuses it); text starting with `=` must stay text, not become a formula."""
    from openpyxl import load_workbook

    async with running(tmp_path, clock) as (conv, fake):
        await set_up_province(conv, fake)
        formula = '=HYPERLINK("http://x.example","bấm")'
        await conv.send(GROUP, SECRETARY, "/assign @so_taichinh Báo\x12 cáo hạn 20/12")
        await conv.send(GROUP, SECRETARY, f"/assign @so_taichinh {formula} hạn 20/12")
        for command in ("/export", "/report Q4 2026"):
            await conv.send(GROUP, SECRETARY, command)
            assert not set(conv.new_texts(GROUP.id)) & apologies(), command
            name, data = conv.last_document(GROUP.id)
            assert name.endswith(".xlsx"), command
            cells = [
                c
                for row in load_workbook(io.BytesIO(data))["Nhiệm vụ"].iter_rows(min_row=2)
                for c in row
            ]
            titles = {c.value: c.data_type for c in cells if isinstance(c.value, str)}
            assert titles.get("Báo cáo") == "s" and titles.get(formula) == "s", command
        await quiesce(conv)


async def test_a_consultation_with_control_characters_still_gets_its_docx(tmp_path, clock):
    """Regression: python-docx refuses control characters, so /close posted the result, then
    failed on the .docx and apologised (and the deadline closer skipped the other items)."""
    from docx import Document

    async with running(tmp_path, clock) as (conv, fake):
        await set_up_province(conv, fake)
        await conv.send(GROUP, SECRETARY, "/consult Góp\x12 ý\x01 dự thảo hạn 20/12")
        await conv.send(GROUP, MEMBER_A, "/opinion 12 comment Đề\x0b nghị\x1f sửa")
        asked = await conv.ask_raw(GROUP, SECRETARY, "/close 12")  # early: confirm first
        await conv.press_button(GROUP, SECRETARY, "Đóng ngay", asked)
        texts = conv.new_texts(GROUP.id)
        assert not set(texts) & apologies() and len(texts) == 2
        name, data = conv.last_document(GROUP.id)
        words = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
        cells = [c.text for t in Document(io.BytesIO(data)).tables for r in t.rows for c in r.cells]
        assert name.endswith(".docx") and "Góp ý dự thảo" in words and "Đề nghị sửa" in cells
        await quiesce(conv)


async def test_forged_button_ids_are_stale_buttons_not_crashes(tmp_path, clock):
    """Regression: `v1:x:t:9223372036854775808` (an id past SQLite's integers) reached the
    database and raised OverflowError; `"²".isdigit()` is true but `int("²")` fails."""
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_province(conv, fake)
        card = next(c for c in fake.sent(GROUP.id) if c.params.get("reply_markup"))
        db = services(conv).db
        for data in (
            "v1:x:t:9223372036854775808",
            "v1:x:a:99999999999999999999",
            "v1:c:a:100000000000000000000:y",
            "v1:v:b:9223372036854775808:f",
            "v1:t:p:1:100000000000000000000",
            "v1:v:b:²:f",
            "v1:t:d:١٢",
        ):
            before = await fingerprint(db)
            await conv.press(GROUP, SECRETARY, card, data)
            assert conv.last_answer() == plain(vi("common.stale_button")), data
            assert diff(before, await fingerprint(db)) == {}, data
        await quiesce(conv)


async def test_unicode_digits_and_huge_ids_in_arguments_get_the_usage(tmp_path, clock):
    """Regression: `"²".isdigit()` is true but `int("²")` raises, and a 20-digit id overflows
    SQLite: `/unremind ²` and the deep link `/start op_²_comment` ended in the apology."""
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_province(conv, fake)
        assert await conv.ask(GROUP, SECRETARY, "/unremind ²") == vi("unremind.usage")
        chat = private_chat(MEMBER_A)
        for payload in ("op_²_comment", "op_99999999999999999999_comment"):
            assert await conv.ask(chat, MEMBER_A, f"/start {payload}") == vi("opinion.usage")
        await quiesce(conv)
