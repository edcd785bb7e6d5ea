"""Transcripts of programmes (issue 17): /programme add, /programmes, `ct:` and `theo … ngày …`
in /assign, /tag, /tasks ct:<code>, in Vietnamese and English."""

from __future__ import annotations

from bot.i18n import Html
from tests.chat import (
    CHAIR,
    DEPUTY,
    GROUP,
    MEMBER_A,
    SECRETARY,
    en,
    running,
    services,
    set_up_committee,
    vi,
)


def name_vi(code: str, name: str) -> Html:
    return vi("programme.name", code=code, name=name)


async def test_programmes_tags_and_directing_documents_in_vietnamese(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        added = await conv.ask(GROUP, SECRETARY, "/programme add CQS Chính quyền số")
        assert added == vi("programme.added", programme=name_vi("CQS", "Chính quyền số"))
        assert await conv.ask(GROUP, SECRETARY, "/programme add cqs Khác") == vi(
            "programme.exists", code="cqs"
        )
        await conv.send(GROUP, SECRETARY, "/programme add KTS Kinh tế số")
        card = await conv.ask(
            GROUP,
            SECRETARY,
            "/assign @so_taichinh Số hóa hồ sơ theo 1234/UBND-KT ngày 05/11/2026 ct:CQS hạn 15/12",
        )
        lines = card.splitlines()
        assert lines[0] == vi("task.card.header", number=1, title="Số hóa hồ sơ")
        assert lines[1] == vi("programme.card", programme=name_vi("CQS", "Chính quyền số"))
        assert lines[2] == vi(
            "programme.card_directive",
            text=vi("programme.directive_dated", number="1234/UBND-KT", day="05/11/2026"),
        )
        # "theo dõi" is not a directing document; a task without ct: has no programme line
        plain = await conv.ask(GROUP, SECRETARY, "/assign @so_tttt Theo dõi tiến độ hạn 20/12")
        assert plain.splitlines()[0] == vi("task.card.header", number=2, title="Theo dõi tiến độ")
        assert "📚" not in plain and "📜" not in plain
        # unknown programme: nothing is created
        refused = await conv.ask(GROUP, SECRETARY, "/assign @so_tttt Việc khác ct:XYZ hạn 20/12")
        assert refused == vi("programme.unknown", code="XYZ")
        assert await services(conv).items.by_number(1, 3) is None
        # tag later, from a deputy; the card is edited to show it
        assert await conv.ask(GROUP, DEPUTY, "/tag 2 KTS") == vi(
            "tag.done", number=2, programme=name_vi("KTS", "Kinh tế số")
        )
        [edit] = conv.new_edits(GROUP.id)
        assert vi("programme.card", programme=name_vi("KTS", "Kinh tế số")) in edit.params["text"]
        refused = await conv.ask(GROUP, MEMBER_A, "/tag 2 CQS")
        roles = "Trưởng ban, Phó Trưởng ban Thường trực, Phó Trưởng ban, Thư ký"
        assert refused == vi("common.forbidden", command="tag", roles=roles)
        assert (await services(conv).programmes.list(await services(conv).committees.get(1)))[
            0
        ].items == 1  # still only #1 in CQS
        assert await conv.ask(GROUP, DEPUTY, "/tag 99 KTS") == vi("item.not_found", number=99)
        assert await conv.ask(GROUP, DEPUTY, "/tag 2") == vi("tag.usage")
        # lists
        listed = (await conv.ask(GROUP, MEMBER_A, "/programmes")).splitlines()
        assert listed[0] == vi("programmes.header", count=2)
        assert listed[1] == vi(
            "programmes.line", programme=name_vi("CQS", "Chính quyền số"), count=1
        )
        assert listed[2] == vi("programmes.line", programme=name_vi("KTS", "Kinh tế số"), count=1)
        tasks = await conv.ask(GROUP, MEMBER_A, "/tasks ct:cqs")
        assert tasks.splitlines()[0] == vi(
            "programme.tasks", programme=name_vi("CQS", "Chính quyền số"), count=1
        )
        assert "#1" in tasks and "#2" not in tasks
        assert await conv.ask(GROUP, MEMBER_A, "/tasks ct:ABC") == vi(
            "programme.unknown", code="ABC"
        )


async def test_programmes_in_english(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(GROUP, CHAIR, "/lang en")
        assert await conv.ask(GROUP, CHAIR, "/programme") == en("programme.usage")
        added = await conv.ask(GROUP, CHAIR, "/programme add KH125 Plan 125/KH-UBND")
        assert added == en(
            "programme.added", programme=en("programme.name", code="KH125", name="Plan 125/KH-UBND")
        )
        assert await conv.ask(GROUP, CHAIR, "/programme add bad!code Name") == en(
            "programme.bad_code", code="bad!code", limit=30
        )
        await conv.send(GROUP, SECRETARY, "/assign @so_taichinh Open data per 88/QD-UBND hạn 15/12")
        assert await conv.ask(GROUP, CHAIR, "/tag 1 kh125") == en(
            "tag.done",
            number=1,
            programme=en("programme.name", code="KH125", name="Plan 125/KH-UBND"),
        )
        view = await services(conv).tasks.view((await services(conv).items.by_number(1, 1)).id)
        assert view.directive.number == "88/QD-UBND" and view.directive.issued_on is None
        listed = (await conv.ask(GROUP, CHAIR, "/programmes")).splitlines()
        assert listed[0] == en("programmes.header", count=1)
        tasks = await conv.ask(GROUP, CHAIR, "/tasks ct:KH125")
        assert tasks.splitlines()[0] == en(
            "programme.tasks",
            programme=en("programme.name", code="KH125", name="Plan 125/KH-UBND"),
            count=1,
        )
