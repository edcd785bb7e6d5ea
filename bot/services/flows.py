"""The guided-flow engine (issue 12): a flow is a list of declared steps (`Step`, `FlowSpec`);
this service moves one flow through them, with its state in the database (storage/flows.py).

Step kinds: `one` (pick one member from the roster), `many` (pick any number, then "next"),
`text` (typed as a reply), `when` (a quick deadline button or a typed date), `flags` (switches
such as a poll's "multi" and "anon", then "next"), `programme` (one of the committee's
programmes or none: bot/services/flow_programmes.py; absent without programmes). After the last step
comes the summary to confirm; confirming turns the answers into exactly the arguments of the
one-line command (`FlowSpec.compose` → `Outcome`) and hands them to the caller's `create`,
inside one transaction with the flow's end. Only the author moves a flow; every move extends its
life by `LIFETIME`; an expired flow is closed by `expire_due` (the sweep) or at the next touch.
Other features declare their own flows with `declare(FlowSpec(...))` (bot/services/flow_model.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from bot import dates
from bot.clock import Clock
from bot.errors import DomainError
from bot.services.flow_model import (
    LIFETIME,
    PAGE_SIZE,
    QUICK,
    SPECS,
    Flow,
    FlowMoved,
    FlowSpec,
    Outcome,
    Page,
    ProgrammePage,
    Step,
    canonical,
    chosen_moment,
    declare,
    moment_of,
    quick_moment,
)
from bot.services.flow_programmes import NONE, ProgrammeStep, landing
from bot.services.flow_typed import TypedAnswers
from storage.committees import Committee, CommitteeRepo
from storage.db import Database
from storage.flows import FlowRepo, FlowRow
from storage.members import Member, MemberRepo
from storage.programmes import ProgrammeRepo

__all__ = [
    "LIFETIME", "NONE", "PAGE_SIZE", "SPECS", "Flow", "FlowMoved", "FlowService", "FlowSpec",
    "Outcome", "Page", "ProgrammePage", "Step", "canonical", "declare", "moment_of",
]  # fmt: skip


class FlowService(TypedAnswers, ProgrammeStep):
    """Starts, moves, confirms, cancels and expires guided flows; never talks to Telegram."""

    def __init__(
        self,
        db: Database,
        repo: FlowRepo,
        committees: CommitteeRepo,
        members: MemberRepo,
        clock: Clock,
        programmes: ProgrammeRepo | None = None,
    ) -> None:
        self.db, self.repo, self.committees, self.members, self.clock = (
            db,
            repo,
            committees,
            members,
            clock,
        )
        self.programme_repo = programmes

    # ------------------------------------------------------------------ starting and reading
    async def start(
        self,
        committee: Committee,
        author: Member,
        kind: str,
        chat_id: int,
        thread_id: int | None,
        document: tuple[str, str | None] | None = None,
        given: dict[str, Any] | None = None,
    ) -> tuple[Flow, list[Flow]]:
        """A new flow at its first step not `given` (e.g. the lead a reply named); the author's
        other open flows here end (returned, so their cards can say so)."""
        spec = SPECS[kind]
        now = self.clock.now()
        answers: dict[str, Any] = dict(given or {})
        if document:
            answers["document"] = list(document)
        first = 0
        while first < len(spec.steps) and spec.steps[first].name in answers:
            first += 1
        programmes = await self.programmes_for(committee.id, spec)
        first = landing(spec, programmes, first, first)
        async with self.db.transaction():
            replaced = await self.repo.open_of(chat_id, author.user_id)
            for old in replaced:
                await self.repo.end(old.id, "cancelled")
            flow_id = await self.repo.insert(
                committee.id, chat_id, thread_id, author.user_id, kind, answers, now, now + LIFETIME
            )
            if first:
                await self.repo.save(
                    flow_id, step=first, page=0, typing=False, answers=answers,
                    expires_at=now + LIFETIME,
                )  # fmt: skip
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
        spec = SPECS[row.kind]
        programmes = await self.programmes_for(row.committee_id, spec)
        return Flow(row, spec, committee, members, programmes)

    async def set_messages(self, flow: Flow, card: int | None = None, prompt: int | None = None):
        """Remember the message ids of the flow's card and prompt."""
        await self.repo.set_messages(flow.id, card, prompt)

    async def page(self, flow: Flow) -> Page | ProgrammePage:
        """The roster page the current pick step shows (by agency, then name), or the
        programmes a programme step shows."""
        step = flow.step
        if step is not None and step.kind == "programme":
            return self.programme_page(flow)
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
        step = flow.step
        codes = step.quick if step is not None and step.kind == "when" else QUICK
        found = [(code, quick_moment(code, now, flow.committee)) for code in codes]
        return [(code, at) for code, at in found if at is not None and at > now]

    # ------------------------------------------------------------------ moving
    async def touch(
        self, flow_id: int, user_id: int, chat_id: int, step: int | None = None
    ) -> Flow:
        """The open flow `flow_id` of this chat for its author, at step `step` (when given);
        refusals: gone, ended or of another chat, expired (closed now), not the author, another
        step (`FlowMoved`)."""
        flow = await self.get(flow_id)
        if flow is None or flow.row.status != "open" or flow.row.chat_id != chat_id:
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

    async def toggle(self, flow: Flow, choice: str) -> Flow:
        """A switch of a `flags` step: on if it was off, off if it was on."""
        step = self._expect(flow, "flags")
        if choice not in step.choices:
            raise FlowMoved("flow.moved")
        chosen = list(flow.answers.get(step.name, []))
        chosen = [c for c in chosen if c != choice] if choice in chosen else [*chosen, choice]
        return await self._save(flow, {step.name: [c for c in step.choices if c in chosen]})

    async def next(self, flow: Flow) -> Flow:
        """ "Next" on a `many` or `flags` step (empty is fine when it is optional)."""
        step = self._expect(flow, "many", "flags")
        if not flow.answers.get(step.name) and not step.optional and step.kind == "many":
            raise DomainError("flow.pick_someone")
        return await self._save(flow, {step.name: flow.answers.get(step.name, [])}, advance=True)

    async def turn(self, flow: Flow, page: int) -> Flow:
        """Another page of the roster (or of the programmes)."""
        self._expect(flow, "one", "many", "programme")
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
        index = landing(flow.spec, flow.programmes, index, flow.row.step)
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
