"""Permission matrix: every command (and alias) × every role × an outsider × a member of another
committee, against the table derived from the handlers' declarations (handlers/registry.py,
design §5); each command's input is its declared example. Zero escapes: a refused
command gets the forbidden / not-a-member reply and writes nothing; an allowed one is never told
it is forbidden. Items of one committee are invisible from another, by command and by button.
"""

from __future__ import annotations

import html
import re

import pytest

from bot.i18n import t
from bot.models import Role
from handlers import registry
from tests.chat import GROUP, MEMBER_A, OTHER_GROUP, SECRETARY, services, vi
from tests.fakes import User, private_chat
from tests.workload import (
    ACTORS,
    GATE_REFUSALS,
    ITEMS,
    OTHER_ITEMS,
    OTHER_MEMBER,
    OTHER_SECRETARY,
    OTHER_TASK_TITLE,
    SECRETARY_RENAMED,
    SERVICE_ACTORS,
    USERNAME_HEIR,
    apologies,
    diff,
    examples,
    fingerprint,
    province,
    refusal_key,
    restore_roster,
    roster_snapshot,
)

COMMANDS = registry.commands()
PERMISSIONS = registry.permissions()
EXAMPLES = examples()
GATES = registry.GATES
# Refusals other than the gate's that are the documented answer for a role the table excludes:
# the ones declared (`told=`, a gate's `refusal`), and /mytasks, open to all at the gate, whose
# handler tells an outsider in a group that they have no tasks here.
OTHER_REFUSALS = {
    **{c.name: tuple(c.told.values()) for c in COMMANDS if c.told},
    **{g.name: (g.refusal,) for g in GATES.values()},
    "mytasks": ("common.not_member",),
}
# Commands whose gate is not the role table: /setup asks Telegram whether the caller is an admin.
NOT_ROLE_GATED = {c.name for c in COMMANDS if c.who.group_admin}
REFUSED = {*GATE_REFUSALS, "common.forbidden_button", *(g.refusal for g in GATES.values())}


def allowed(name: str, role: Role | None) -> bool:
    return PERMISSIONS[name].allows(role)


def words_of(name: str) -> list[str]:
    if name in GATES:
        name = GATES[name].via
    return list(registry.by_word()[name].words)


def matrix_names() -> list[str]:
    return [c.name for c in COMMANDS] + list(GATES)


def test_the_table_covers_every_declared_command_and_the_matrix_every_one():
    buttons = {b.gate for b in registry.BUTTONS.values()}
    assert buttons == {
        "task.card",
        "task.extension",
        "consultation.answer",
        "vote.ballot",
        "roster.confirm_seat",
        "recovery.decide",
        "meeting.attend",
        "meeting.conclude",
        "item.close",
        "reminder.private",  # a private reminder's button: runs the card's route behind its gate
        "collection.send",
        "flow.step",
        "flow.new",
    }
    assert set(matrix_names()) == set(EXAMPLES)
    assert set(PERMISSIONS) == set(matrix_names()) | buttons
    assert NOT_ROLE_GATED == {"setup"}
    assert OTHER_REFUSALS["opinion"] == ("consult.secretary",)


async def _ask(conv, chat, user, text, **kw) -> str | None:
    await conv.send(chat, user, text, **kw)
    texts = conv.new_texts(chat.id)
    return texts[0] if texts else None


async def check_command(conv, db, snapshot, name: str, actors=ACTORS) -> list:
    """Run `name` (and its aliases) for every actor; return the escapes found."""
    refused = [(label, user, role) for label, user, role in actors if not allowed(name, role)]
    permitted = [(label, user, role) for label, user, role in actors if allowed(name, role)]
    escapes = []
    # Refused callers first, against untouched state; every alias too.
    for word in words_of(name):
        for label, user, _ in refused:
            before = await fingerprint(db)
            reply = await _ask(conv, GROUP, user, f"/{word} {EXAMPLES[name]}".strip())
            key = refusal_key(reply, (*GATE_REFUSALS, *OTHER_REFUSALS.get(name, ())))
            changed = diff(before, await fingerprint(db))
            if name not in NOT_ROLE_GATED and (key is None or changed):
                escapes.append((word, label, reply, changed))
    # Then every permitted caller with the command's name, and one with each alias.
    runs = [(words_of(name)[0], who) for who in permitted] + [
        (word, who) for word in words_of(name)[1:] for who in permitted[:1]
    ]
    for word, (label, user, role) in runs:
        reply = await _ask(conv, GROUP, user, f"/{word} {EXAMPLES[name]}".strip())
        key = refusal_key(reply, (*REFUSED, *OTHER_REFUSALS.get(name, ())))
        outsider_ok = role is None and key == "common.not_member" and name == "mytasks"
        if reply is None or reply in apologies() or (key and not outsider_ok):
            escapes.append((word, label, reply, "allowed but refused"))
        await restore_roster(db, snapshot)
    return escapes


def no_background_sweep(conv):
    """Hold the minute's background reminder sweep (real time, not the test's clock) off while
    commands are compared before/after: on a loaded machine these long tests span several
    minutes, and a sweep writing its own bookkeeping (`scheduler_state`) mid-command looked
    like a refused command's write. A sweep already running is waited for."""
    from handlers.jobs import sweeper_of

    return sweeper_of(conv.app).lock


async def test_every_command_and_role_against_the_table(tmp_path, clock):
    async with province(tmp_path, clock) as (conv, _):
        db = services(conv).db
        snapshot = await roster_snapshot(db)
        escapes = {}
        async with no_background_sweep(conv):
            for name in matrix_names():
                found = await check_command(conv, db, snapshot, name)
                if found:
                    escapes[name] = found
        assert escapes == {}


async def test_telegram_service_accounts_are_refused_every_command_with_one_line(tmp_path, clock):
    async with province(tmp_path, clock) as (conv, _), no_background_sweep(conv):
        db = services(conv).db
        escapes = []
        for name in matrix_names():
            for word in words_of(name):
                for label, user, fields, key in SERVICE_ACTORS:
                    before = await fingerprint(db)
                    text = f"/{word} {EXAMPLES[name]}".strip()
                    reply = await _ask(conv, GROUP, user, text, **fields)
                    changed = diff(before, await fingerprint(db))
                    if refusal_key(reply, (key,)) is None or changed:
                        escapes.append((word, label, reply, changed))
        assert escapes == []


async def test_a_username_handed_to_another_account_carries_no_seat(tmp_path, clock):
    async with province(tmp_path, clock) as (conv, _):
        db = services(conv).db
        await conv.send(GROUP, SECRETARY_RENAMED, "/help")  # dropped @thuky_qt …
        await conv.send(GROUP, USERNAME_HEIR, "/help")  # … which someone else took
        snapshot = await roster_snapshot(db)
        heir = [("username_heir", USERNAME_HEIR, None)]
        escapes = {}
        async with no_background_sweep(conv):
            for name in matrix_names():
                found = await check_command(conv, db, snapshot, name, heir)
                if found:
                    escapes[name] = found
        assert escapes == {}
        assert await _ask(conv, GROUP, SECRETARY_RENAMED, "/history") not in apologies()
        seat = await services(conv).members.by_user(1, SECRETARY.id)
        assert seat.role == Role.SECRETARY and seat.active


async def test_setup_is_decided_by_telegram_admin_status_not_by_our_roster(tmp_path, clock):
    async with province(tmp_path, clock) as (conv, fake):
        new_group = OTHER_GROUP.__class__(-1005550001, "supergroup", title="Nhóm mới")
        before = await fingerprint(services(conv).db)
        assert await _ask(conv, new_group, MEMBER_A, "/setup Ban mới") == vi("setup.not_admin")
        assert diff(before, await fingerprint(services(conv).db)) == {}
        fake.set_chat_member(new_group.id, MEMBER_A, "creator")
        reply = await _ask(conv, new_group, MEMBER_A, "/thietlap Ban mới")
        assert reply == vi("setup.done", title="Ban mới", name="Nguyễn An")


async def test_group_commands_in_a_private_chat_are_refused_and_change_nothing(tmp_path, clock):
    async with province(tmp_path, clock) as (conv, _fake), no_background_sweep(conv):
        chat = private_chat(MEMBER_A)
        await conv.send(chat, MEMBER_A, "/start")
        db = services(conv).db
        for cmd in COMMANDS:
            before = await fingerprint(db)
            reply = await _ask(conv, chat, MEMBER_A, f"/{cmd.name} {EXAMPLES[cmd.name]}".strip())
            assert reply is not None and reply not in apologies(), cmd.name
            if not cmd.works_in("private"):
                assert reply == vi("common.group_only", command=cmd.name), cmd.name
                assert diff(before, await fingerprint(db)) == {}, cmd.name


# ------------------------------------------------------------------ one committee, another's items
CROSS = [
    ("show", "{n}", "item.not_found"),
    ("progress", "{n} 50", "item.not_found"),
    ("done", "{n}", "item.not_found"),
    ("close", "{n}", "item.not_found"),
    ("pending", "{n}", "item.not_found"),
    ("history", "{n}", None),
    ("opinion", "{n} agree", "item.not_found"),
    ("extend", "{n} 28/12 lý do", "item.not_found"),
    ("cancel", "{n}", "item.not_found"),
    ("reopen", "{n}", "item.not_found"),
    ("reassign", "{n} @so_khac", "item.not_found"),
    ("approve", "{n}", "item.not_found"),
]


@pytest.mark.parametrize("number", [ITEMS["consultation"], ITEMS["task_extension"], 9])
async def test_items_of_one_committee_are_invisible_to_another(tmp_path, clock, number):
    async with province(tmp_path, clock) as (conv, _fake):
        db = services(conv).db
        for user, role in ((OTHER_SECRETARY, Role.SECRETARY), (OTHER_MEMBER, Role.MEMBER)):
            for name, args, key in CROSS:
                before = await fingerprint(db)
                reply = await _ask(conv, OTHER_GROUP, user, f"/{name} {args.format(n=number)}")
                assert diff(before, await fingerprint(db)) == {}, name
                if not allowed(name, role):
                    expected = refusal_key(reply, (*GATE_REFUSALS, *OTHER_REFUSALS.get(name, ())))
                    assert expected is not None, (name, reply)
                elif key is not None:
                    assert reply == vi(key, number=number), (name, user.username, reply)
                for title in ("Góp ý dự thảo Quy chế", "Rà soát thủ tục", "Góp ý báo cáo sơ kết"):
                    assert title not in (reply or ""), (name, reply)
        # Their own #1 is their task, not GROUP's.
        own = await _ask(conv, OTHER_GROUP, OTHER_SECRETARY, f"/show {OTHER_ITEMS['task']}")
        assert OTHER_TASK_TITLE in own and "Báo cáo kinh phí" not in own
        listing = await _ask(conv, OTHER_GROUP, OTHER_SECRETARY, "/tasks")
        assert OTHER_TASK_TITLE in listing and "Báo cáo kinh phí" not in listing
        # Privately, a person sees only their own committees.
        await conv.send(private_chat(OTHER_SECRETARY), OTHER_SECRETARY, "/start")
        reply = await _ask(
            conv, private_chat(OTHER_SECRETARY), OTHER_SECRETARY, f"/opinion {number} agree"
        )
        assert reply == vi("opinion.not_found_private", number=number)
        mine = await _ask(conv, private_chat(OTHER_SECRETARY), OTHER_SECRETARY, "/mytasks")
        assert "Báo cáo kinh phí" not in mine and "Rà soát thủ tục" not in mine


# ------------------------------------------------------------------ buttons
def plain(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def answer_is(answer: str | None, key: str) -> bool:
    template = plain(t("vi", key, roles="\x00", command="\x00"))
    parts = [re.escape(p) for p in template.split("\x00")]
    return answer is not None and re.fullmatch("(?s)" + ".*?".join(parts), answer) is not None


def cards(fake, group_id: int) -> list:
    """Every message the bot sent to the group that still has buttons."""
    out = []
    for call in fake.sent(group_id):
        current = fake.message(group_id, call.result["message_id"])
        if current and (current.get("reply_markup") or {}).get("inline_keyboard"):
            out.append(current)
    return out


async def test_every_button_against_the_table(tmp_path, clock):
    async with province(tmp_path, clock) as (conv, fake):
        db = services(conv).db
        # A pre-registered deputy's seat claimed by the account now showing @pho_moi: its card
        # waits for the secretary's or chair's confirmation.
        await conv.send(GROUP, SECRETARY, "/add @pho_moi deputy Sở Mới")
        await conv.send(GROUP, User(330, "Người Nhận Ghế", username="pho_moi"), "/help")
        snapshot = await roster_snapshot(db)
        pressed, escapes = 0, []
        for card in cards(fake, GROUP.id):
            for label, data in [b for row in conv.keyboard(card) for b in row]:
                route = data.split(":")[1]
                permission = registry.BUTTONS[route].gate
                for who, user, role in ACTORS:
                    before = await fingerprint(db)
                    await conv.press(GROUP, user, card, data)
                    answer = conv.last_answer()
                    pressed += 1
                    refused = answer_is(answer, "common.forbidden_button") or answer_is(
                        answer, "common.not_member"
                    )
                    if not allowed(permission, role):
                        if not refused or diff(before, await fingerprint(db)):
                            escapes.append((label, data, who, answer))
                    elif refused or answer == plain(vi("error.callback")):
                        escapes.append((label, data, who, answer, "allowed but refused"))
                    await restore_roster(db, snapshot)
        assert pressed > 50 and escapes == []


async def test_a_button_of_one_committee_pressed_in_another_changes_nothing(tmp_path, clock):
    async with province(tmp_path, clock) as (conv, _fake):
        db = services(conv).db
        item_ids = {
            n: (await services(conv).items.by_number(1, n)).id
            for n in (ITEMS["consultation"], ITEMS["motion"], ITEMS["task"])
        }
        request = await db.fetchval("SELECT id FROM extension_requests WHERE status = 'pending'")
        await conv.send(OTHER_GROUP, OTHER_SECRETARY, "/tasks")
        host = conv.new_sent(OTHER_GROUP.id)[0]  # any message of OTHER_GROUP carries the press
        forged = [
            f"v1:c:a:{item_ids[ITEMS['consultation']]}:a",
            f"v1:v:b:{item_ids[ITEMS['motion']]}:f",
            f"v1:x:a:{request}",
            f"v1:x:r:{request}",
            f"v1:t:d:{ITEMS['task_extension']}",
            f"v1:t:p:{ITEMS['task_extension']}:90",
        ]
        await conv.send(OTHER_GROUP, MEMBER_A, "/help")  # an outsider there, too
        for user in (OTHER_SECRETARY, MEMBER_A, SECRETARY):
            for data in forged:
                before = await fingerprint(db)
                await conv.press(OTHER_GROUP, user, host, data)
                assert diff(before, await fingerprint(db)) == {}, (user.username, data)
                assert conv.last_answer() not in (None, plain(vi("error.callback"))), data
