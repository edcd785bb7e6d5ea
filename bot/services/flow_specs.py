"""The guided flows of /assign, /consult, /vote, /poll and /remind, declared as data.

Each `compose` returns exactly what the one-line command is given: `/assign` gets the people
and `<title> hạn <date>`, `/consult` `<title> hạn <date>`, `/vote` `<motion> hạn <date>`,
`/poll` `<question> | <option> | … [hạn <date>] [multi] [anon]`, `/remind` `<date> <text>`;
the chosen date is written the way those commands read it (`canonical`: `dd/mm/yyyy` or
`dd/mm/yyyy HH:MM`). The flows of items that can belong to a programme end with the programme
step (after the deadline, before the summary); a chosen programme puts `ct:<code>` first in the
text, ahead of anything typed (so a title's own "ct:…" cannot take its place).
"""

from __future__ import annotations

from typing import Any

from bot.services.consultation_model import MAX_TITLE
from bot.services.flow_programmes import STEP as PROGRAMME
from bot.services.flow_programmes import tagged as _tagged
from bot.services.flows import FlowSpec, Outcome, Step, declare
from bot.services.reminders import MAX_TEXT
from bot.services.roster import Person
from bot.services.task_input import MAX_TITLE as TASK_TITLE
from bot.services.vote_input import MAX_MOTION, MAX_OPTION, MAX_OPTIONS, MAX_QUESTION, MIN_OPTIONS
from storage.members import Member


def _person(member: Member) -> Person:
    return Person(member.user_id, member.username, member.full_name)


def _due(answers: dict[str, Any], name: str = "deadline") -> str:
    chosen = answers.get(name)
    return f" hạn {chosen['text']}" if chosen else ""


def _assign(answers: dict[str, Any], members: dict[int, Member]) -> Outcome:
    ids = [answers["lead"], *answers.get("cooperators", [])]
    people = tuple(_person(members[i]) for i in ids if i in members)
    return Outcome("assign", people, _tagged(answers, answers["title"] + _due(answers)))


def _titled(kind: str):
    def compose(answers: dict[str, Any], members: dict[int, Member]) -> Outcome:
        return Outcome(kind, text=_tagged(answers, answers["title"] + _due(answers)))

    return compose


def _poll(answers: dict[str, Any], members: dict[int, Member]) -> Outcome:
    text = " | ".join([answers["title"], *answers["options"]]) + _due(answers)
    return Outcome("poll", text=_tagged(answers, " ".join([text, *answers.get("flags", [])])))


def _remind(answers: dict[str, Any], members: dict[int, Member]) -> Outcome:
    return Outcome("remind", text=f"{answers['deadline']['text']} {answers['title']}")


ASSIGN = declare(
    FlowSpec(
        "assign",
        (
            Step("lead", "one"),
            Step("cooperators", "many", optional=True),
            Step("title", "text", limit=TASK_TITLE),
            Step("deadline", "when"),
            PROGRAMME,
        ),
        _assign,
    )
)
CONSULT = declare(
    FlowSpec(
        "consult",
        (Step("title", "text", limit=MAX_TITLE), Step("deadline", "when"), PROGRAMME),
        _titled("consult"),
    )
)
VOTE = declare(
    FlowSpec(
        "vote",
        (Step("title", "text", limit=MAX_MOTION), Step("deadline", "when"), PROGRAMME),
        _titled("vote"),
    )
)
POLL = declare(
    FlowSpec(
        "poll",
        (
            Step("title", "text", limit=MAX_QUESTION - 6),  # room for "#N " in the question
            Step(
                "options", "text", lines=True, low=MIN_OPTIONS, high=MAX_OPTIONS, limit=MAX_OPTION
            ),
            Step("flags", "flags", optional=True, choices=("multi", "anon")),
            Step("deadline", "when", optional=True),
            PROGRAMME,
        ),
        _poll,
    )
)
REMIND = declare(
    FlowSpec(
        "remind",
        (
            Step("title", "text", limit=MAX_TEXT),
            Step("deadline", "when", morning=True, label="remind_at"),
        ),
        _remind,
    )
)
