"""Mistyped commands (issue 12): the suggestion logic, and what the chat sees."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.command_words import distance, nearest
from handlers import registry
from tests.chat import GROUP, MEMBER_A, SECRETARY, en, running, set_up_committee, vi
from tests.fakes import private_chat

WORDS = list(registry.by_word())


@pytest.mark.parametrize(
    ("a", "b", "n"),
    [("assign", "assign", 0), ("asign", "assign", 1), ("assgin", "assign", 1), ("", "ab", 2)],
)
def test_distance(a: str, b: str, n: int) -> None:
    assert distance(a, b) == n == distance(b, a)


@pytest.mark.parametrize(
    ("typed", "after", "meant"),
    [
        ("asign", "", "assign"),
        ("Asign", "", "assign"),
        ("giao", "viec", "giaoviec"),
        ("done1", "", "done"),
        ("tiendo1", "", "tiendo"),
        ("progres", "", "progress"),
        ("xinykein", "", "xinykien"),
        ("bieuqyet", "", "bieuquyet"),
    ],
)
def test_close_commands_are_found(typed: str, after: str, meant: str) -> None:
    assert nearest(typed, after, WORDS, strict=True) == meant


def test_far_commands_are_not_suggested_in_a_group_but_are_when_addressed() -> None:
    assert nearest("weather", "", WORDS, strict=True) is None
    assert nearest("asiggn", "", WORDS, strict=True) is None  # 2 edits: a group stays quiet
    assert nearest("asiggn", "", WORDS, strict=False) == "assign"
    assert nearest("ab", "", WORDS, strict=False) is None


def test_the_candidates_are_every_declared_name_and_alias() -> None:
    assert {"assign", "giaoviec", "ykien", "opinion", "vote", "bieuquyet"} <= set(WORDS)


async def test_mistyped_commands_in_the_chat(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        usage = vi("assign.usage")
        meant = vi("unknown.did_you_mean", command="assign", usage=usage)
        assert await conv.ask(GROUP, SECRETARY, "/asign @so_taichinh Việc hạn 15/12") == meant
        reply = await conv.ask(GROUP, SECRETARY, "/giao viec @so_taichinh Việc hạn 15/12")
        assert reply == vi("unknown.did_you_mean", command="giaoviec", usage=usage)
        reply = await conv.ask(GROUP, MEMBER_A, "/done1")
        assert reply == vi("unknown.did_you_mean", command="done", usage=vi("done.usage"))
        reply = await conv.ask(GROUP, MEMBER_A, "/tiendo1 50")
        assert reply == vi("unknown.did_you_mean", command="tiendo", usage=vi("progress.usage"))
        # Other bots' commands stay ignored; far-off words in a group too.
        await conv.send(GROUP, MEMBER_A, "/asign@SomeOtherBot")
        await conv.send(GROUP, MEMBER_A, "/weather")
        assert conv.new_texts(GROUP.id) == []
        # Addressed to us, or in a private chat: always an answer.
        reply = await conv.ask(GROUP, MEMBER_A, "/weather@CommitteeTestBot")
        assert reply == vi("unknown.not_a_command", word="weather")
        chat = private_chat(MEMBER_A)
        await conv.send(chat, MEMBER_A, "/start")
        assert await conv.ask(chat, MEMBER_A, "/weather") == vi(
            "unknown.not_a_command", word="weather"
        )
        reply = await conv.ask(chat, MEMBER_A, "/mytask")
        assert reply.startswith(vi("unknown.did_you_mean_plain", command="mytasks")[:20])
        await conv.send(GROUP, MEMBER_A, "/lang en")
        reply = await conv.ask(GROUP, MEMBER_A, "/asign x")
        assert reply == en("unknown.did_you_mean", command="assign", usage=en("assign.usage"))


@settings(max_examples=300, deadline=None, database=None, derandomize=True)
@given(st.text(max_size=20), st.text(max_size=10), st.booleans())
def test_nearest_never_fails_and_answers_a_declared_word(typed: str, after: str, strict: bool):
    meant = nearest(typed, after, WORDS, strict=strict)
    assert meant is None or meant in WORDS
