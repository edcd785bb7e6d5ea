"""The guided-flow engine (issue 12): a flow is a list of declared steps (`Step`, `FlowSpec`);
this service moves one flow through them, with its state in the database (storage/flows.py).

Step kinds: `one` (pick one member from the roster), `many` (pick any number, then "next"),
`text` (typed as a reply), `when` (a quick deadline button or a typed date). After the last step
comes the summary to confirm; confirming turns the answers into exactly the arguments of the
one-line command (`FlowSpec.compose` → `Outcome`) and hands them to the caller's `create`,
inside one transaction with the flow's end. Only the author moves a flow; every move extends its
life by `LIFETIME`; an expired flow is closed by `expire_due` (the sweep) or at the next touch.
Other features declare their own flows with `declare(FlowSpec(...))`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from bot import dates, periods
from bot.clock import Clock
from bot.errors import DomainError
from bot.services.roster import Person
from bot.services.settings import config_of
from storage.committees import Committee, CommitteeRepo
from storage.db import Database
from storage.flows import FlowRepo, FlowRow
from storage.members import Member, MemberRepo

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
    `name` (`flow.ask.<label>`, `flow.got.<label>`, and `.<flow kind>` after it for `text`).
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


@dataclass(frozen=True)
class Flow:
    """A flow as the handlers see it: the row, its spec, and the committee."""

    row: FlowRow
    spec: FlowSpec
    committee: Committee
    members: dict[int, Member] = field(default_factory=dict)  # every member the answers name

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

    @property
    def position(self) -> tuple[int, int]:
        """(current step number from 1, number of steps including the summary)."""
        return self.row.step + 1, len(self.spec.steps) + 1

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


class FlowService:
    """Starts, moves, confirms, cancels and expires guided flows; never talks to Telegram."""

    def __init__(
        self,
        db: Database,
        repo: FlowRepo,
        committees: CommitteeRepo,
        members: MemberRepo,
        clock: Clock,
    ) -> None:
        self.db, self.repo, self.committees, self.members, self.clock = (
            db,
            repo,
            committees,
            members,
            clock,
        )

    # ------------------------------------------------------------------ starting and reading
    async def start(
        self,
        committee: Committee,
        author: Member,
        kind: str,
        chat_id: int,
        thread_id: int | None,
        document: tuple[str, str | None] | None = None,
    ) -> tuple[Flow, list[Flow]]:
        """A new flow at its first step; the author's other open flows here end (returned, so
        their cards can say so)."""
        if kind not in SPECS:
            raise KeyError(kind)
        now = self.clock.now()
        answers: dict[str, Any] = {"document": list(document)} if document else {}
        async with self.db.transaction():
            replaced = await self.repo.open_of(chat_id, author.user_id)
            for old in replaced:
                await self.repo.end(old.id, "cancelled")
            flow_id = await self.repo.insert(
                committee.id, chat_id, thread_id, author.user_id, kind, answers, now, now + LIFETIME
            )
        ended = [await self._flow(replace(r, status="cancelled")) for r in replaced]
        return await self.get(flow_id), ended

    async def get(self, flow_id: int) -> Flow | None:
        """A flow by id (any status), with the members its answers name."""
        row = await self.repo.get(flow_id)
        return None if row is None else await self._flow(row)

    async def by_message(self, chat_id: int, message_id: int) -> Flow | None:
        """The open flow whose card or prompt this message is."""
        row = await self.repo.by_message(chat_id, message_id)
        return None if row is None else await self._flow(row)

    async def _flow(self, row: FlowRow) -> Flow:
        committee = await self.committees.get(row.committee_id)
        ids = [row.answers.get("lead"), *row.answers.get("cooperators", [])]
        members = await self.members.many([i for i in ids if isinstance(i, int)])
        return Flow(row, SPECS[row.kind], committee, members)

    async def set_messages(self, flow: Flow, card: int | None = None, prompt: int | None = None):
        """Remember the message ids of the flow's card and prompt."""
        await self.repo.set_messages(flow.id, card, prompt)

    async def page(self, flow: Flow) -> Page:
        """The roster page the current pick step shows (by agency, then name)."""
        step = flow.step
        seats = [m for m in await self.members.list(flow.committee.id) if m.active]
        if step is not None and step.name == "cooperators":
            seats = [m for m in seats if m.id != flow.answers.get("lead")]
        seats.sort(key=lambda m: (dates.fold_text(m.agency), dates.fold_text(m.display_name)))
        count = max(1, -(-len(seats) // PAGE_SIZE))
        number = min(flow.row.page, count - 1)
        chosen = frozenset(flow.answers.get(step.name, []) if step and step.kind == "many" else [])
        shown = seats[number * PAGE_SIZE : (number + 1) * PAGE_SIZE]
        return Page(shown, number, count, chosen)

    def quick_deadlines(self, flow: Flow) -> list[tuple[str, datetime]]:
        """The quick deadline buttons that lie ahead now: (code, moment)."""
        now = self.clock.now()
        found = [(code, self._quick(code, now, flow.committee)) for code in QUICK]
        return [(code, at) for code, at in found if at is not None and at > now]

    @staticmethod
    def _quick(code: str, now: datetime, committee: Committee) -> datetime | None:
        cfg = config_of(committee)
        today = dates.local_date(now, cfg.tz)
        monday = today - timedelta(days=today.weekday())
        if code == "fri":
            day: date | None = (
                monday + timedelta(days=FRIDAY) if today.weekday() <= FRIDAY else None
            )
        elif code == "nfri":
            day = monday + timedelta(days=7 + FRIDAY)
        elif code == "eom":
            first_next = (today.replace(day=28) + timedelta(days=4)).replace(day=1)
            day = first_next - timedelta(days=1)
        else:  # w5: the consultations' default, through the one working-day helper
            return periods.add_working_days(now, 5, cfg.workdays, cfg.tz)
        return None if day is None else dates.end_of_day(day, cfg.tz)

    # ------------------------------------------------------------------ moving
    async def touch(self, flow_id: int, user_id: int, step: int | None = None) -> Flow:
        """The open flow `flow_id` for its author, at step `step` (when given); refusals:
        gone or ended, expired (closed now), not the author, another step (`FlowMoved`)."""
        flow = await self.get(flow_id)
        if flow is None or flow.row.status != "open":
            raise DomainError("flow.closed")
        if flow.row.user_id != user_id:
            raise DomainError("flow.not_yours")
        if flow.row.expires_at <= self.clock.now():
            await self.repo.end(flow.id, "expired")
            raise DomainError("flow.expired")
        if step is not None and step != flow.row.step:
            raise FlowMoved("flow.moved")
        return flow

    async def pick(self, flow: Flow, member_id: int) -> Flow:
        """A roster button: `one` takes the member and moves on, `many` toggles them."""
        step = self._expect(flow, "one", "many")
        seat = await self.members.get(member_id)
        if seat is None or seat.committee_id != flow.committee.id or not seat.active:
            raise DomainError("flow.not_member")
        if step.kind == "one":
            return await self._save(flow, {step.name: member_id}, advance=True)
        chosen = list(flow.answers.get(step.name, []))
        chosen = (
            [m for m in chosen if m != member_id] if member_id in chosen else [*chosen, member_id]
        )
        return await self._save(flow, {step.name: chosen})

    async def next(self, flow: Flow) -> Flow:
        """ "Next" on a `many` step (empty is fine when it is optional)."""
        step = self._expect(flow, "many")
        if not flow.answers.get(step.name) and not step.optional:
            raise DomainError("flow.pick_someone")
        return await self._save(flow, {step.name: flow.answers.get(step.name, [])}, advance=True)

    async def turn(self, flow: Flow, page: int) -> Flow:
        """Another page of the roster."""
        self._expect(flow, "one", "many")
        return await self._save(flow, {}, page=max(0, page))

    async def quick(self, flow: Flow, code: str) -> Flow:
        """A quick deadline button."""
        step = self._expect(flow, "when")
        chosen = dict(self.quick_deadlines(flow)).get(code)
        if chosen is None:
            raise DomainError("flow.quick_gone")
        answer = chosen_moment(chosen, flow.committee.tz)
        return await self._save(flow, {step.name: answer}, advance=True)

    async def no_deadline(self, flow: Flow) -> Flow:
        """ "No deadline" on an optional `when` step."""
        step = self._expect(flow, "when")
        if not step.optional:
            raise DomainError("flow.moved")
        return await self._save(flow, {step.name: None}, advance=True)

    async def ask_typed(self, flow: Flow) -> Flow:
        """ "Type a date" on a `when` step: the next reply is the date."""
        self._expect(flow, "when")
        return await self._save(flow, {}, typing=True)

    async def typed(self, flow: Flow, text: str) -> Flow:
        """A typed answer to a `text` step (or a typed date), checked before it is kept."""
        step = flow.step
        if not flow.awaits_text or step is None:
            raise DomainError("flow.use_buttons")
        if step.kind == "when":
            at = dates.parse_deadline(text, self.clock.now(), flow.committee.tz)
            answer = chosen_moment(at, flow.committee.tz)
            return await self._save(flow, {step.name: answer}, advance=True)
        if step.lines:
            values = [" ".join(v.split()) for v in text.replace("|", "\n").splitlines()]
            values = [v for v in values if v]
            if not step.low <= len(values) <= step.high:
                raise DomainError("flow.count", low=step.low, high=step.high, n=len(values))
            for value in values:
                if len(value) > step.limit:
                    raise DomainError("common.too_long", limit=step.limit)
            return await self._save(flow, {step.name: values}, advance=True)
        value = " ".join(text.split())
        if not value:
            raise DomainError("flow.empty")
        if len(value) > step.limit:
            raise DomainError("common.too_long", limit=step.limit)
        return await self._save(flow, {step.name: value}, advance=True)

    async def back(self, flow: Flow) -> Flow:
        """One step back (its answer is kept, to be changed)."""
        return await self._save(flow, {}, step=max(0, flow.row.step - 1))

    async def cancel(self, flow: Flow) -> Flow:
        """✖: the flow ends, nothing is created."""
        await self.repo.end(flow.id, "cancelled")
        return await self.get(flow.id)

    def outcome(self, flow: Flow) -> Outcome:
        """The one-line command's arguments (at the summary)."""
        if flow.step is not None:
            raise FlowMoved("flow.moved")
        result = flow.spec.compose(flow.answers, flow.members)
        document = flow.answers.get("document")
        return replace(result, document=tuple(document) if document else None)

    async def complete(self, flow: Flow, create: Callable[[Outcome], Awaitable[Any]]) -> Any:
        """Confirm: end the flow and `create(outcome)` in one transaction (a refusal by the
        command's service undoes the end: the flow stays at its summary)."""
        outcome = self.outcome(flow)
        async with self.db.transaction():
            if not await self.repo.end(flow.id, "done"):
                raise DomainError("flow.closed")
            return await create(outcome)

    async def expire_due(self, now: datetime | None = None) -> list[Flow]:
        """Close every open flow whose time ran out; return them (their cards say so)."""
        now = now or self.clock.now()
        ended = []
        for row in await self.repo.due(now):
            if await self.repo.end(row.id, "expired"):
                ended.append(await self._flow(replace(row, status="expired")))
        return ended

    # ------------------------------------------------------------------ inside
    @staticmethod
    def _expect(flow: Flow, *kinds: str) -> Step:
        step = flow.step
        if step is None or step.kind not in kinds:
            raise FlowMoved("flow.moved")
        return step

    async def _save(
        self,
        flow: Flow,
        answers: dict[str, Any],
        *,
        advance: bool = False,
        page: int | None = None,
        typing: bool = False,
        step: int | None = None,
    ) -> Flow:
        merged = {**flow.answers, **answers}
        index = flow.row.step + 1 if advance else flow.row.step if step is None else step
        if advance:
            page = 0
        expires = self.clock.now() + LIFETIME
        saved = await self.repo.save(
            flow.id,
            step=index,
            page=flow.row.page if page is None else page,
            typing=typing,
            answers=merged,
            expires_at=expires,
        )
        if not saved:
            raise DomainError("flow.closed")
        return await self.get(flow.id)
