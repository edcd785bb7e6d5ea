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


def _book(data: bytes):
    import io

    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(data))


async def _tagged_work(conv, fake, clock) -> None:
    await set_up_committee(conv, fake)
    await conv.send(GROUP, SECRETARY, "/programme add CQS Chính quyền số")
    await conv.send(GROUP, SECRETARY, "/programme add KTS Kinh tế số")
    await conv.send(
        GROUP, SECRETARY, "/assign @so_taichinh Số hóa hồ sơ ct:CQS theo 1234/UBND-KT ngày "
        "05/11/2026 hạn 05/12"
    )  # fmt: skip
    await conv.send(GROUP, SECRETARY, "/assign @so_tttt Sàn thương mại ct:KTS hạn 02/12")
    await conv.send(GROUP, SECRETARY, "/assign @so_tttt Họp giao ban hạn 04/12")
    await conv.send(GROUP, MEMBER_A, "/done 1")
    clock.advance(days=2)  # #2 is overdue


async def test_report_breakdown_by_programme_and_one_programme(tmp_path, clock):
    import matplotlib.backends.backend_agg  # noqa: F401 - imported before the clock starts:
    import openpyxl  # noqa: F401 - on a loaded machine the first import alone takes seconds

    from bot.reports.programme_sheets import PROGRAMME_SHEETS
    from bot.reports.workbook import SHEETS, sheet_name

    async with running(tmp_path, clock) as (conv, fake):
        await _tagged_work(conv, fake, clock)
        reply = await conv.ask(GROUP, CHAIR, "/report H2 2026")
        assert vi("report.programme.heading") in reply.splitlines()
        cqs = vi(
            "report.programme.line", programme=name_vi("CQS", "Chính quyền số"), assigned=1,
            on_time=1, late=0, open=0, overdue=0,
        )  # fmt: skip
        kts = vi(
            "report.programme.line", programme=name_vi("KTS", "Kinh tế số"), assigned=1,
            on_time=0, late=0, open=0, overdue=1,
        )  # fmt: skip
        none = vi(
            "report.programme.line", programme=vi("report.programme.none"), assigned=1,
            on_time=0, late=0, open=1, overdue=0,
        )  # fmt: skip
        assert reply.splitlines()[-3:] == [cqs, kts, none]
        methods = [c.method for c in conv.new_sent(GROUP.id)]
        assert methods == ["sendMessage", "sendPhoto", "sendPhoto", "sendDocument"]
        captions = [u.params.get("caption") for u in fake.uploads if u.filename.endswith(".png")]
        assert vi("report.programme.photo_caption", period="6 tháng cuối năm 2026") in captions
        _, data = conv.last_document(GROUP.id)
        book = _book(data)
        assert book.sheetnames == [sheet_name(k, "vi") for k in (*SHEETS, *PROGRAMME_SHEETS)]
        rows = [[c.value for c in row] for row in book["Theo chương trình"].iter_rows(min_row=2)]
        assert [r[:3] for r in rows] == [
            ["CQS", "Chính quyền số", 1],
            ["KTS", "Kinh tế số", 1],
            [None, "(chưa gắn chương trình)", 1],  # an empty cell
        ]
        sources = {r[0].value: r for r in book["Nguồn giao việc"].iter_rows(min_row=2)}
        assert sources[1][4].value == "1234/UBND-KT"
        assert sources[1][5].value.strftime("%d/%m/%Y") == "05/11/2026"
        # one programme only: its tasks, recounted, no programme chart
        only = await conv.ask(GROUP, CHAIR, "/report H2 2026 ct:KTS")
        assert only.splitlines()[-1] == vi(
            "report.programme.only", programme=name_vi("KTS", "Kinh tế số")
        )
        assert "Sàn thương mại" in only and "Họp giao ban" not in only
        methods = [c.method for c in conv.new_sent(GROUP.id)]
        assert methods == ["sendMessage", "sendPhoto", "sendDocument"]
        assert await conv.ask(GROUP, CHAIR, "/report ct:NOPE") == vi(
            "programme.unknown", code="NOPE"
        )


async def test_report_without_programmes_is_unchanged(tmp_path, clock):
    from bot.reports.workbook import SHEETS, sheet_name

    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(GROUP, SECRETARY, "/assign @so_taichinh Báo cáo kinh phí hạn 05/12")
        await conv.send(GROUP, CHAIR, "/lang en")
        reply = await conv.ask(GROUP, CHAIR, "/report H2 2026")
        assert en("report.programme.heading") not in reply
        _, data = conv.last_document(GROUP.id)
        assert _book(data).sheetnames == [sheet_name(k, "en") for k in SHEETS]


async def test_consultations_and_motions_are_tagged_when_opened(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(GROUP, SECRETARY, "/programme add CQS Chính quyền số")
        await conv.send(GROUP, SECRETARY, "/consult Dự thảo Quy chế ct:CQS hạn 10/12")
        await conv.send(GROUP, SECRETARY, "/vote Thông qua Quy chế ct:cqs hạn 10/12")
        consultation = await services(conv).items.by_number(1, 1)
        motion = await services(conv).items.by_number(1, 2)
        assert (consultation.title, motion.title) == ("Dự thảo Quy chế", "Thông qua Quy chế")
        listed = (await conv.ask(GROUP, MEMBER_A, "/programmes")).splitlines()
        assert listed[1] == vi(
            "programmes.line", programme=name_vi("CQS", "Chính quyền số"), count=2
        )
        assert await conv.ask(GROUP, SECRETARY, "/consult Khác ct:NOPE") == vi(
            "programme.unknown", code="NOPE"
        )
        assert await services(conv).items.by_number(1, 3) is None
