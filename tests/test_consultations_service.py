"""ConsultationService: opening, answering, changing answers, closing (by hand and when due)."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest

from bot.documents import consultation_docx
from bot.errors import DomainError
from bot.models import Role
from bot.services.consultation_model import parse_consult
from bot.services.roster import Person

SECRETARY = Person(101, "thuky_qt", "Lê Thư Ký")
CHAIR = Person(102, "chutich_qt", "Võ Văn Hưng")
MEMBER_A = Person(104, "so_taichinh", "Nguyễn An")
MEMBER_B = Person(105, "so_tttt", "Trần Bình")


async def committee_with_members(services, chat_id=-100123, title="Ban Chỉ đạo"):
    committee = await services.roster.setup(chat_id, None, title, SECRETARY, True)
    secretary = await services.roster.seat(committee, SECRETARY.user_id)
    await services.roster.add(committee, secretary, CHAIR, Role.CHAIR, "UBND tỉnh")
    await services.roster.join(committee, CHAIR, "UBND tỉnh")
    await services.roster.join(committee, MEMBER_A, "Sở Tài chính")
    await services.roster.join(committee, MEMBER_B, "Sở Kế hoạch và Đầu tư")
    seats = {p: await services.roster.seat(committee, p.user_id) for p in (SECRETARY, CHAIR)}
    seats |= {p: await services.roster.seat(committee, p.user_id) for p in (MEMBER_A, MEMBER_B)}
    return committee, seats


@pytest.fixture
async def setup(services):
    committee, seats = await committee_with_members(services)
    changed: list[int] = []

    async def listener(item_id: int) -> None:
        changed.append(item_id)

    services.events.on_item_changed(listener)
    return services, committee, seats, changed


def hanoi(y, mo, d, h, mi) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=UTC) - timedelta(hours=7)


def test_parse_consult_strips_flags_around_the_deadline():
    assert parse_consult("Dự thảo A due 10/12 silence=none") == ("Dự thảo A", "10/12", False)
    assert parse_consult("Dự thảo B imlang=dongy hạn 10/12") == ("Dự thảo B", "10/12", True)
    assert parse_consult("Dự thảo C") == ("Dự thảo C", None, None)
    with pytest.raises(DomainError) as err:
        parse_consult("Dự thảo D silence=maybe")
    assert err.value.key == "consult.bad_silence"


async def test_open_defaults_five_working_days_and_committee_rule(setup, clock):
    services, committee, seats, changed = setup
    standing = await services.consultations.open(committee, seats[SECRETARY], "Dự thảo Quy chế")
    item = standing.item
    assert (item.number, item.kind, item.status, item.title) == (
        1,
        "consultation",
        "open",
        "Dự thảo Quy chế",
    )
    # Tuesday 1 Dec 2026 + 5 working days = Tuesday 8 Dec, end of day in Hà Nội.
    assert item.deadline == hanoi(2026, 12, 8, 23, 59)
    assert standing.silence_agree is True and (standing.answered, standing.eligible) == (0, 3)
    assert [e.action for e in await services.audit.for_item(item.id)] == ["consultation.open"]
    assert changed == [item.id]


async def test_open_with_link_deadline_and_rule(setup):
    services, committee, seats, _ = setup
    standing = await services.consultations.open(
        committee,
        seats[CHAIR],
        "Dự thảo https://example.gov.vn/dt.pdf hạn 10/12 17:00 silence=none",
    )
    item = standing.item
    assert item.title == "Dự thảo" and item.document_url == "https://example.gov.vn/dt.pdf"
    assert item.deadline == hanoi(2026, 12, 10, 17, 0) and standing.silence_agree is False


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("", "consult.usage"),
        ("x" * 301, "common.too_long"),
        ("Dự thảo due 01/01/2020", "date.past"),
    ],
)
async def test_open_refusals_store_nothing(setup, text, key):
    services, committee, seats, _ = setup
    with pytest.raises(DomainError) as err:
        await services.consultations.open(committee, seats[SECRETARY], text)
    assert err.value.key == key
    assert await services.items.by_number(committee.id, 1) is None


async def test_answers_change_until_close_and_history_is_kept(setup):
    services, committee, seats, changed = setup
    svc = services.consultations
    item = (await svc.open(committee, seats[SECRETARY], "Dự thảo")).item
    await svc.answer(item, seats[MEMBER_A], "agree")
    standing, answer = await svc.answer(item, seats[MEMBER_A], "disagree", "Chưa phù hợp")
    assert answer == "disagree" and (standing.answered, standing.count("disagree")) == (1, 1)
    _, answer = await svc.answer(item, seats[CHAIR], "agree", "Bổ sung Điều 5")
    assert answer == "agree_with_comments"  # words with an agreement are comments
    history = await svc.history(item)
    assert [(o.answer, o.text) for o in history] == [
        ("agree", ""),
        ("disagree", "Chưa phù hợp"),
        ("agree_with_comments", "Bổ sung Điều 5"),
    ]
    assert [m.full_name for m in await svc.pending_members(item)] == ["Trần Bình"]
    assert changed.count(item.id) == 4
    answers = [e.details for e in await services.audit.for_item(item.id)][1:]
    assert answers[1]["before"] == "agree" and answers[1]["after"] == "disagree"


@pytest.mark.parametrize(
    ("who", "answer", "text", "key"),
    [
        (MEMBER_A, "agree_with_comments", "  ", "opinion.empty"),
        (MEMBER_A, "disagree", "x" * 2001, "common.too_long"),
        (SECRETARY, "agree", "", "consult.secretary"),
    ],
)
async def test_answer_refusals_change_nothing(setup, who, answer, text, key):
    services, committee, seats, _ = setup
    item = (await services.consultations.open(committee, seats[SECRETARY], "Dự thảo")).item
    with pytest.raises(DomainError) as err:
        await services.consultations.answer(item, seats[who], answer, text)
    assert err.value.key == key
    assert await services.consultations.history(item) == []


async def test_non_member_and_removed_member_cannot_answer(setup):
    services, committee, seats, _ = setup
    svc = services.consultations
    item = (await svc.open(committee, seats[SECRETARY], "Dự thảo")).item
    with pytest.raises(DomainError, match=r"^consult\.not_member$"):
        await svc.answer(item, None, "agree")
    await services.roster.leave(committee, seats[MEMBER_B])
    gone = await services.members.get(seats[MEMBER_B].id)
    with pytest.raises(DomainError, match=r"^consult\.not_member$"):
        await svc.answer(item, gone, "agree")
    assert (await svc.standing(item)).eligible == 2


async def test_an_early_close_asks_first_and_records_the_silent_as_no_answer(setup, clock):
    services, committee, seats, _ = setup
    svc = services.consultations
    item = (await svc.open(committee, seats[SECRETARY], "Dự thảo")).item  # silence rule on
    await svc.answer(item, seats[MEMBER_A], "agree")
    early = await svc.early_close(item)
    assert (early.item.id, early.pending, early.eligible) == (item.id, 2, 3)
    standing = await svc.close(item, CHAIR.user_id)
    assert standing.count("no_answer") == 2 and standing.count("deemed_agreed") == 0
    assert standing.closed_early and standing.silent_answer == "no_answer"
    [entry] = [e for e in await services.audit.for_item(item.id) if e.action.endswith("close")]
    assert entry.details["early"] is True and entry.details["recorded_as"] == "no_answer"
    assert await svc.early_close(standing.item) is None  # closed: nothing to ask
    # After the deadline there is nothing to confirm, and silence is agreement.
    late = (await svc.open(committee, seats[SECRETARY], "Dự thảo 2 due +2h")).item
    clock.advance(hours=3)
    assert await svc.early_close(late) is None
    assert (await svc.close(late, CHAIR.user_id)).count("deemed_agreed") == 3


async def test_close_records_silence_and_freezes_the_result(setup, clock):
    services, committee, seats, changed = setup
    svc = services.consultations
    item = (await svc.open(committee, seats[SECRETARY], "Dự thảo")).item
    await svc.answer(item, seats[MEMBER_A], "disagree", "Không đồng ý Điều 3")
    clock.advance(days=8)  # past the deadline: silence counts as agreement
    standing = await svc.close(item, CHAIR.user_id)
    assert standing.closed and standing.count("deemed_agreed") == 2
    assert (standing.eligible, standing.answered, standing.pending) == (3, 1, [])
    auto = [o for o in await svc.history(item) if o.auto]
    assert {o.answer for o in auto} == {"deemed_agreed"} and len(auto) == 2
    assert (await services.consultations.repo.get(item.id)).eligible_count == 3
    closed_item = standing.item
    with pytest.raises(DomainError, match=r"^consult\.closed$"):
        await svc.answer(closed_item, seats[MEMBER_B], "agree")
    with pytest.raises(DomainError, match=r"^consult\.already_closed$"):
        await svc.close(closed_item, CHAIR.user_id)
    # A member joining later does not change a closed result.
    await services.roster.join(committee, Person(106, "moi", "Người Mới"), "Sở Y tế")
    assert (await svc.standing(closed_item)).eligible == 3
    assert changed[-1] == item.id


async def test_close_without_silence_rule_records_no_answer(setup):
    services, committee, seats, _ = setup
    svc = services.consultations
    item = (await svc.open(committee, seats[SECRETARY], "Dự thảo silence=none")).item
    standing = await svc.close(item, SECRETARY.user_id)
    assert standing.count("no_answer") == 3 and standing.count("deemed_agreed") == 0


async def test_close_due_closes_only_what_is_due_in_every_committee(setup, clock):
    services, committee, seats, _ = setup
    svc = services.consultations
    other, other_seats = await committee_with_members(services, -100999, "Ban khác")
    soon = (await svc.open(committee, seats[SECRETARY], "Sớm due +2h")).item
    there = (await svc.open(other, other_seats[SECRETARY], "Ban khác due +3h")).item
    later = (await svc.open(committee, seats[SECRETARY], "Muộn due +3d")).item
    clock.advance(hours=2, minutes=30)
    with pytest.raises(DomainError, match=r"^consult\.closed$"):  # past its deadline: no answers
        await svc.answer(soon, seats[MEMBER_A], "agree")
    assert [s.item.id for s in await svc.close_due(clock.now())] == [soon.id]
    clock.advance(hours=1)
    assert [s.item.id for s in await svc.close_due(clock.now())] == [there.id]
    assert await svc.close_due(clock.now()) == []
    assert (await services.items.get(later.id)).status == "open"
    closing = [e for e in await services.audit.for_item(soon.id) if e.action.endswith("close")]
    assert closing[0].actor_user_id is None and closing[0].details["automatic"] is True


async def test_private_answer_needs_a_unique_open_number(setup):
    services, committee, seats, _ = setup
    svc = services.consultations
    with pytest.raises(DomainError, match=r"^opinion\.not_found_private$"):
        await svc.find_for_user(MEMBER_A.user_id, 1)
    await svc.open(committee, seats[SECRETARY], "Dự thảo")
    found_committee, item, member = await svc.find_for_user(MEMBER_A.user_id, 1)
    assert (found_committee.id, item.number, member.id) == (committee.id, 1, seats[MEMBER_A].id)
    other, other_seats = await committee_with_members(services, -100999, "Ban khác")
    await svc.open(other, other_seats[SECRETARY], "Dự thảo khác")
    with pytest.raises(DomainError) as err:
        await svc.find_for_user(MEMBER_A.user_id, 1)
    assert err.value.key == "opinion.ambiguous"
    assert err.value.params["committees"] == "Ban Chỉ đạo, Ban khác"


async def test_prompts_survive_and_are_dropped_by_an_answer(setup):
    services, committee, seats, _ = setup
    svc = services.consultations
    item = (await svc.open(committee, seats[SECRETARY], "Dự thảo")).item
    await svc.ask_text(item, seats[MEMBER_A], "disagree", committee.chat_id, 77)
    prompt = await svc.prompt_by_message(committee.chat_id, 77)
    assert (prompt.user_id, prompt.answer) == (MEMBER_A.user_id, "disagree")
    with pytest.raises(DomainError, match=r"^opinion\.empty$"):
        await svc.answer_prompt(prompt, seats[MEMBER_A], "")
    assert await svc.prompt(MEMBER_A.user_id, committee.chat_id) is not None  # still waiting
    await svc.answer_prompt(prompt, seats[MEMBER_A], "Đề nghị sửa")
    assert await svc.prompt(MEMBER_A.user_id, committee.chat_id) is None
    with pytest.raises(DomainError, match=r"^consult\.secretary$"):
        await svc.ask_text(item, seats[SECRETARY], "disagree", committee.chat_id, 78)


async def test_wrong_kind_and_unknown_number(setup):
    services, committee, _, _ = setup
    with pytest.raises(DomainError, match=r"^item\.not_found$"):
        await services.consultations.get(committee, 9)
    async with services.db.transaction():
        number = await services.committees.take_number(committee.id)
        await services.items.insert(
            committee_id=committee.id, number=number, kind="task", title="Việc",
            status="open", deadline=None, created_by=None, now=services.clock.now(),
        )  # fmt: skip
    with pytest.raises(DomainError, match=r"^consult\.wrong_kind$"):
        await services.consultations.get(committee, number)


async def test_docx_summary_lists_every_member(setup, clock):
    from docx import Document
    from docx.oxml.ns import qn

    services, committee, seats, _ = setup
    svc = services.consultations
    item = (await svc.open(committee, seats[SECRETARY], "Dự thảo <b>x</b> & <script>")).item
    await svc.answer(item, seats[MEMBER_A], "agree_with_comments", "Bổ sung Điều 5 & <i>6</i>")
    clock.advance(days=8)  # closed after the deadline: the silent are deemed agreed
    standing = await svc.close(item, CHAIR.user_id)
    doc = Document(io.BytesIO(consultation_docx.build(standing, "vi")))
    texts = [p.text for p in doc.paragraphs]
    assert "TỔNG HỢP Ý KIẾN" in texts and "Ban: Ban Chỉ đạo" in texts
    assert "Xin ý kiến #1: Dự thảo <b>x</b> & <script>" in texts
    rows = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert rows[0] == ["STT", "Họ và tên", "Cơ quan", "Ý kiến", "Nội dung", "Thời gian"]
    assert rows[1] == ["1", "Võ Văn Hưng", "UBND tỉnh", "Coi như đồng ý", "", ""]
    assert rows[2] == [
        "2",
        "Nguyễn An",
        "Sở Tài chính",
        "Đồng ý, có ý kiến",
        "Bổ sung Điều 5 & <i>6</i>",
        "01/12/2026 09:00",
    ]
    assert rows[3][1:4] == ["Trần Bình", "Sở Kế hoạch và Đầu tư", "Coi như đồng ý"]
    assert "Coi như đồng ý: 2" in texts and "Đồng ý, có ý kiến: 1" in texts
    assert any(t.startswith("Quy tắc im lặng: ") for t in texts)
    assert doc.styles["Normal"].font.name == "Times New Roman"
    fonts = doc.styles["Normal"].element.rPr.rFonts
    assert {fonts.get(qn(f"w:{a}")) for a in ("eastAsia", "cs", "hAnsi")} == {"Times New Roman"}
