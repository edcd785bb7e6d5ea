"""The guided flows' model: steps and flows declared as data, a flow's state as the handlers
see it, and how a chosen deadline is kept and written (the engine: bot/services/flows.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from bot import dates
from bot.errors import DomainError
from bot.services.roster import Person
from bot.services.settings import config_of
from bot.workcalendar import working_days_from
from storage.committees import Committee
from storage.flows import FlowRow
from storage.members import Member
from storage.programmes import Programme

LIFETIME = timedelta(minutes=30)
PAGE_SIZE = 8  # roster buttons per page (a phone shows about eight rows comfortably)
QUICK = ("fri", "nfri", "eom", "w5")  # Thứ Sáu này, Thứ Sáu tuần sau, Cuối tháng, +5 ngày LV
FRIDAY = 4


@dataclass(frozen=True)
class Step:
    """One step: `name` is its key in the answers; see the module docstring for `kind`.

    `optional`: a `many` step may be left empty, a `when` step offers "no deadline";
    `limit`: a `text` answer's maximum length; `lines`: a `text` answer is a list, one per line
    (between `low` and `high` of them); `morning`: a date without a time means that morning
    (reminders), not the end of that day; `label`: the catalog suffix of its texts when not
    `name` (`flow.ask.<label>`, `flow.got.<label>`, and `.<flow kind>` after it for `text`);
    `quick`: the quick deadline buttons a `when` step offers (codes of `QUICK`; none: typed only);
    `choices`: the switches of a `flags` step (each on or off, then "next"; texts
    `flow.flag.<choice>`). A `programme` step (one of the committee's programmes, or none; its
    answer is the code or None) is absent while the committee has no programme.
    """

    name: str
    kind: str
    optional: bool = False
    limit: int = 300
    lines: bool = False
    low: int = 1
    high: int = 1
    morning: bool = False
    label: str = ""
    quick: tuple[str, ...] = QUICK
    choices: tuple[str, ...] = ()

    @property
    def texts(self) -> str:
        """The catalog suffix of this step's texts."""
        return self.label or self.name


@dataclass(frozen=True)
class Outcome:
    """What the one-line command would have been given: people (in order), the argument text,
    and the document it replied to (file id, name)."""

    kind: str
    people: tuple[Person, ...] = ()
    text: str = ""
    document: tuple[str, str | None] | None = None


@dataclass(frozen=True)
class FlowSpec:
    """A declared flow: its kind (also the command it stands for) and its steps; `compose`
    builds the command's arguments from the answers and the picked members."""

    kind: str
    steps: tuple[Step, ...]
    compose: Callable[[dict[str, Any], dict[int, Member]], Outcome]


SPECS: dict[str, FlowSpec] = {}


def declare(spec: FlowSpec) -> FlowSpec:
    """Make a flow known to the engine (a re-declaration replaces it)."""
    SPECS[spec.kind] = spec
    return spec


def present(spec: FlowSpec, programmes: tuple[Programme, ...], index: int) -> bool:
    """Whether step `index` of `spec` is asked: a programme step only when there are any."""
    return spec.steps[index].kind != "programme" or bool(programmes)


@dataclass(frozen=True)
class Flow:
    """A flow as the handlers see it: the row, its spec, and the committee."""

    row: FlowRow
    spec: FlowSpec
    committee: Committee
    members: dict[int, Member] = field(default_factory=dict)  # every member the answers name
    programmes: tuple[Programme, ...] = ()  # the committee's, when the flow has that step

    @property
    def id(self) -> int:
        """The flow's id (carried by its buttons)."""
        return self.row.id

    @property
    def answers(self) -> dict[str, Any]:
        """What has been given so far."""
        return self.row.answers

    @property
    def step(self) -> Step | None:
        """The current step, or None at the summary."""
        index = self.row.step
        return self.spec.steps[index] if index < len(self.spec.steps) else None

    def present(self, index: int) -> bool:
        """Whether step `index` is asked (a programme step only when there are programmes)."""
        return present(self.spec, self.programmes, index)

    @property
    def position(self) -> tuple[int, int]:
        """(current step number from 1, number of steps including the summary)."""
        shown = [i for i in range(len(self.spec.steps)) if self.present(i)]
        return sum(1 for i in shown if i < self.row.step) + 1, len(shown) + 1

    def programme(self, code: str | None) -> Programme | None:
        """The committee's programme with this code (the answer of a programme step)."""
        folded = (code or "").casefold()
        return next((p for p in self.programmes if p.code.casefold() == folded), None)

    @property
    def awaits_text(self) -> bool:
        """Whether the current step is answered by typing (a text, or a typed date)."""
        step = self.step
        return step is not None and (
            step.kind == "text" or (step.kind == "when" and self.row.typing)
        )


@dataclass(frozen=True)
class Page:
    """One page of roster choices."""

    members: list[Member]
    number: int
    count: int
    chosen: frozenset[int]


@dataclass(frozen=True)
class ProgrammePage:
    """One page of programme choices; `chosen`: the code answered so far ("" for none, None
    while unanswered)."""

    programmes: list[Programme]
    number: int
    count: int
    chosen: str | None


class FlowMoved(DomainError):
    """A button of an earlier step was pressed: the flow is elsewhere now (show it again)."""


def chosen_moment(at: datetime, tz) -> dict[str, Any]:
    """A chosen deadline as the flow keeps it: the command text, the moment, whether a day."""
    text = canonical(at, tz)
    return {"text": text, "at": at.isoformat(), "day": " " not in text}


def moment_of(answer: dict[str, Any]) -> datetime:
    """The moment a kept deadline answer stands for."""
    return datetime.fromisoformat(answer["at"])


def canonical(at: datetime, tz) -> str:
    """A moment as the one-line commands read it: `dd/mm/yyyy` for the end of a day (what a date
    alone means), else `dd/mm/yyyy HH:MM`."""
    local = at.astimezone(tz)
    if local.time().replace(second=0, microsecond=0) == dates.END_OF_DAY:
        return f"{local:%d/%m/%Y}"
    return f"{local:%d/%m/%Y %H:%M}"


def quick_moment(code: str, now: datetime, committee: Committee) -> datetime | None:
    """The moment a quick deadline button stands for now (None: not offered today)."""
    cfg = config_of(committee)
    today = dates.local_date(now, cfg.tz)
    monday = today - timedelta(days=today.weekday())
    if code == "fri":
        day: date | None = monday + timedelta(days=FRIDAY) if today.weekday() <= FRIDAY else None
    elif code == "nfri":
        day = monday + timedelta(days=7 + FRIDAY)
    elif code == "eom":
        first_next = (today.replace(day=28) + timedelta(days=4)).replace(day=1)
        day = first_next - timedelta(days=1)
    else:  # w5: the consultations' default, through the committee's working calendar
        return working_days_from(now, 5, cfg)
    cal = cfg.calendar
    if day is not None and day.weekday() in cal.workdays and not cal.is_working(day):
        day = cal.before(day)  # a holiday or a committee's day off: the working day before it
    return None if day is None or day < today else dates.end_of_day(day, cfg.tz)
