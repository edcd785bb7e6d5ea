"""Transcripts of `/programme rename|remove|restore` and `/tag N -` (issue 17), in Vietnamese and
English: an unused programme is deleted, one that items carry is archived (hidden, no new tags,
its items keep it); bad input gets a clear reply and changes nothing."""

from __future__ import annotations

from handlers.cards import card_editor
from tests.chat import (
    CHAIR,
    GROUP,
    MEMBER_A,
    SECRETARY,
    en,
    running,
    services,
    set_up_committee,
    vi,
)


def name_vi(code: str, name: str) -> str:
    return vi("programme.name", code=code, name=name)


async def names(conv) -> dict[str, tuple[str, bool]]:
    committee = await services(conv).committees.get(1)
    service = services(conv).programmes
    found = [*await service.list(committee), *await service.list(committee, archived=True)]
    return {line.programme.code: (line.programme.name, line.programme.archived) for line in found}


async def test_rename_remove_restore_and_untag_in_vietnamese(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        for text in ("CQS Chính quyền số", "KTS Kinh tế số", "XHS Xã hội số"):
            await conv.send(GROUP, SECRETARY, f"/programme add {text}")
        await conv.send(GROUP, SECRETARY, "/consult Dự thảo Quy chế ct:CQS hạn 10/12")
        await conv.send(GROUP, SECRETARY, "/assign @so_taichinh Sàn thương mại ct:KTS hạn 15/12")
        before = await names(conv)

        # bad input: a clear reply, nothing changes
        bad = {
            "/programme rename": vi("programme.rename_usage"),
            "/programme rename CQS": vi("programme.rename_empty", code="CQS"),
            "/programme rename CQS   ": vi("programme.rename_empty", code="CQS"),
            "/programme rename NOPE Tên mới": vi("programme.unknown", code="NOPE"),
            "/programme rename cqs Chính quyền số": vi("programme.rename_same", code="CQS"),
            "/programme remove": vi("programme.remove_usage"),
            "/programme remove NOPE": vi("programme.unknown", code="NOPE"),
            "/programme restore CQS": vi("programme.not_archived", code="CQS"),
            "/programme frobnicate CQS": vi("programme.usage"),
        }
        for text, reply in bad.items():
            assert await conv.ask(GROUP, SECRETARY, text) == reply, text
        roles = "Trưởng ban, Thư ký"
        assert await conv.ask(GROUP, MEMBER_A, "/programme remove CQS") == vi(
            "common.forbidden", command="programme", roles=roles
        )
        assert await names(conv) == before

        # rename: the open consultation's card shows the new name (one edit)
        await card_editor(conv.app).flush()
        conv.new_edits(GROUP.id)
        assert await conv.ask(GROUP, SECRETARY, "/programme rename CQS Chính quyền số tỉnh") == vi(
            "programme.renamed", code="CQS", before="Chính quyền số", name="Chính quyền số tỉnh"
        )
        await card_editor(conv.app).flush()
        [edit] = conv.new_edits(GROUP.id)
        assert edit.params["text"].splitlines()[1] == vi(
            "programme.card", programme=name_vi("CQS", "Chính quyền số tỉnh")
        )

        # remove an unused programme: deleted; one that #2 carries: archived
        assert await conv.ask(GROUP, CHAIR, "/programme remove XHS") == vi(
            "programme.removed", programme=name_vi("XHS", "Xã hội số")
        )
        assert await conv.ask(GROUP, CHAIR, "/programme remove kts") == vi(
            "programme.archived_done", programme=name_vi("KTS", "Kinh tế số"), count=1, code="KTS"
        )
        assert await names(conv) == {
            "CQS": ("Chính quyền số tỉnh", False),
            "KTS": ("Kinh tế số", True),
        }
        listed = (await conv.ask(GROUP, MEMBER_A, "/programmes")).splitlines()
        assert listed[:3] == [
            vi("programmes.header", count=1),
            vi("programmes.line", programme=name_vi("CQS", "Chính quyền số tỉnh"), count=1),
            vi("programmes.archived",
               codes=vi("programmes.archived_code", code="KTS", count=1)),
        ]  # fmt: skip
        # archived: no new tags, its item keeps it
        archived = vi("programme.archived", code="KTS")
        assert await conv.ask(GROUP, SECRETARY, "/tag 1 KTS") == archived
        assert await conv.ask(GROUP, SECRETARY, "/assign @so_tttt Việc mới ct:KTS hạn 20/12") == (
            archived
        )
        assert await services(conv).items.by_number(1, 3) is None
        assert await conv.ask(GROUP, SECRETARY, "/programme add KTS Khác") == vi(
            "programme.exists_archived", code="KTS"
        )
        assert await conv.ask(GROUP, SECRETARY, "/programme remove KTS") == vi(
            "programme.already_archived", code="KTS"
        )
        shown = await conv.ask(GROUP, MEMBER_A, "/show 2")
        assert shown.splitlines()[1] == vi("programme.card", programme=name_vi("KTS", "Kinh tế số"))
        tasks = await conv.ask(GROUP, MEMBER_A, "/tasks ct:KTS")
        assert "#2" in tasks

        # restore, then take #2 out of its programme
        assert await conv.ask(GROUP, SECRETARY, "/programme restore KTS") == vi(
            "programme.restored", programme=name_vi("KTS", "Kinh tế số")
        )
        conv.new_edits(GROUP.id)
        assert await conv.ask(GROUP, SECRETARY, "/tag 2 -") == vi(
            "tag.removed", number=2, programme=name_vi("KTS", "Kinh tế số")
        )
        await card_editor(conv.app).flush()
        [edit] = conv.new_edits(GROUP.id)
        assert "📚" not in edit.params["text"]
        assert await conv.ask(GROUP, SECRETARY, "/tag 2 bỏ") == vi("tag.not_tagged", number=2)
        assert await conv.ask(GROUP, SECRETARY, "/tag 9 -") == vi("item.not_found", number=9)

        # the audit tells it in sentences
        history = await conv.ask(GROUP, CHAIR, "/history")
        for sentence in (
            vi("history.act.programme.rename", code="CQS", before="Chính quyền số",
               name="Chính quyền số tỉnh"),
            vi("history.act.programme.remove", code="XHS", name="Xã hội số"),
            vi("history.act.programme.archive", code="KTS", name="Kinh tế số", items=1),
            vi("history.act.programme.restore", code="KTS", name="Kinh tế số"),
            vi("history.act.item.untag", programme="KTS"),
        ):  # fmt: skip
            assert sentence in history, sentence


async def test_rename_remove_and_untag_in_english(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(GROUP, CHAIR, "/lang en")
        await conv.send(GROUP, CHAIR, "/programme add KH125 Plan 125")
        await conv.send(GROUP, CHAIR, "/programme add TMP Temporary")
        await conv.send(GROUP, SECRETARY, "/vote Adopt the plan ct:KH125 hạn 10/12")
        assert await conv.ask(GROUP, CHAIR, "/programme rename KH125") == en(
            "programme.rename_empty", code="KH125"
        )
        assert await conv.ask(GROUP, CHAIR, "/programme rename KH125 Plan 125/KH-UBND") == en(
            "programme.renamed", code="KH125", before="Plan 125", name="Plan 125/KH-UBND"
        )
        program = en("programme.name", code="KH125", name="Plan 125/KH-UBND")
        assert await conv.ask(GROUP, CHAIR, "/programme remove TMP") == en(
            "programme.removed", programme=en("programme.name", code="TMP", name="Temporary")
        )
        assert await conv.ask(GROUP, CHAIR, "/programme remove TMP") == en(
            "programme.unknown", code="TMP"
        )
        assert await conv.ask(GROUP, CHAIR, "/programme remove KH125") == en(
            "programme.archived_done", programme=program, count=1, code="KH125"
        )
        listed = (await conv.ask(GROUP, CHAIR, "/programmes")).splitlines()
        assert listed[:3] == [
            en("programmes.header", count=0),
            en("programmes.empty"),
            en("programmes.archived", codes=en("programmes.archived_code", code="KH125", count=1)),
        ]
        assert await conv.ask(GROUP, CHAIR, "/tag 1 none") == en(
            "tag.removed", number=1, programme=program
        )
        assert await conv.ask(GROUP, CHAIR, "/tag 1 -") == en("tag.not_tagged", number=1)
        assert await conv.ask(GROUP, CHAIR, "/tag 1 KH125") == en(
            "programme.archived", code="KH125"
        )
        assert await conv.ask(GROUP, CHAIR, "/programme restore KH125") == en(
            "programme.restored", programme=program
        )
        assert await conv.ask(GROUP, CHAIR, "/tag 1 KH125") == en(
            "tag.done", number=1, programme=program
        )


async def test_an_archived_programme_leaves_the_flows_programme_step(tmp_path, clock):
    from tests.test_chat_flow_programmes import assign_until_programme
    from tests.test_chat_flows import labels

    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(GROUP, SECRETARY, "/programme add CQS Chính quyền số")
        await conv.send(GROUP, SECRETARY, "/programme add KTS Kinh tế số")
        await conv.send(GROUP, SECRETARY, "/assign @so_taichinh Sàn thương mại ct:KTS hạn 15/12")
        await conv.send(GROUP, SECRETARY, "/programme remove KTS")
        card = await assign_until_programme(conv, "Số hóa hồ sơ")
        assert labels(conv, card)[:2] == [["CQS · Chính quyền số"], ["Không thuộc chương trình"]]
