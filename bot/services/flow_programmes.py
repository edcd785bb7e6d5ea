"""The programme step of the guided flows (issue 17): the committee's programmes as buttons,
paged like the roster, or "no programme"; the step is absent while the committee has none."""

from __future__ import annotations

from typing import Any

from bot.errors import DomainError
from bot.services.flow_model import PAGE_SIZE, Flow, FlowSpec, ProgrammePage, Step, present
from storage.programmes import Programme, ProgrammeRepo

NONE = 0  # the programme id the "no programme" button carries
STEP = Step("programme", "programme", optional=True)  # last before the summary, by convention


def tagged(answers: dict[str, Any], text: str) -> str:
    """`text` with the chosen programme's `ct:<code>` first (the commands take it anywhere in
    the first line; first, a title's own "ct:…" cannot take its place)."""
    code = answers.get(STEP.name)
    return f"ct:{code} {text}" if code else text


def landing(spec: FlowSpec, programmes: tuple[Programme, ...], index: int, before: int) -> int:
    """Where a move from step `before` to `index` really lands: absent steps are passed over in
    the direction of the move (the summary, `len(steps)`, is always there)."""
    way = -1 if index < before else 1
    while 0 <= index < len(spec.steps) and not present(spec, programmes, index):
        index += way
    return index if index >= 0 else before


class ProgrammeStep:
    """Mixed into FlowService: reading the committee's programmes, paging and choosing them."""

    programme_repo: ProgrammeRepo | None

    async def programmes_for(self, committee_id: int, spec: FlowSpec) -> tuple[Programme, ...]:
        """The committee's programmes by code, when `spec` has a programme step (else none)."""
        if self.programme_repo is None or all(s.kind != "programme" for s in spec.steps):
            return ()
        return tuple(p for p, _ in await self.programme_repo.list(committee_id))

    @staticmethod
    def programme_page(flow: Flow) -> ProgrammePage:
        """The page of programmes the current programme step shows."""
        step = flow.step
        listed = list(flow.programmes)
        count = max(1, -(-len(listed) // PAGE_SIZE))
        number = min(flow.row.page, count - 1)
        answered = step is not None and step.name in flow.answers
        chosen = (flow.answers[step.name] or "") if answered else None
        shown = listed[number * PAGE_SIZE : (number + 1) * PAGE_SIZE]
        return ProgrammePage(shown, number, count, chosen)

    async def choose(self, flow: Flow, programme_id: int) -> Flow:
        """A programme button (`NONE`: "no programme"); a programme removed since is refused."""
        step = self._expect(flow, "programme")
        code = None
        if programme_id != NONE:
            found = next((p for p in flow.programmes if p.id == programme_id), None)
            if found is None:
                raise DomainError("flow.programme_gone")
            code = found.code
        return await self._save(flow, {step.name: code}, advance=True)
