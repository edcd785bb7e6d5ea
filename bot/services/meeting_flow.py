"""The guided flow of /meeting (issue 15, point 6): title, date and time, place, and the programme
when the committee has any (issue 17) — composed into exactly what the one-line
`/meeting [ct:<code>] <title> <date time> [tại <place>]` is given."""

from __future__ import annotations

from typing import Any

from bot.services.flow_model import FlowSpec, Outcome, Step, declare
from bot.services.flow_programmes import STEP as PROGRAMME
from bot.services.flow_programmes import tagged
from bot.services.meeting_input import MAX_TITLE
from storage.members import Member

NO_PLACE = {"-", "—", "không", "khong", "none", "no"}


def _compose(answers: dict[str, Any], members: dict[int, Member]) -> Outcome:
    place = " ".join(answers["place"].split())
    where = "" if place.lower() in NO_PLACE else f" tại {place}"
    return Outcome("meeting", text=tagged(answers, f"{answers['title']} {answers['when']}{where}"))


MEETING = declare(
    FlowSpec(
        "meeting",
        (
            Step("title", "text", limit=MAX_TITLE),
            Step("when", "text", limit=40, label="meeting_when"),
            Step("place", "text", limit=MAX_TITLE, label="meeting_place"),
            PROGRAMME,
        ),
        _compose,
    )
)
