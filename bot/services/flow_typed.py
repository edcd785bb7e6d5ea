"""Typed answers of the guided flows: a `text` step's title or list, or a date typed on a `when`
step, checked before they are kept (mixed into FlowService, bot/services/flows.py)."""

from __future__ import annotations

from bot import dates
from bot.errors import DomainError
from bot.services.flow_model import Flow, chosen_moment
from bot.services.settings import config_of


class TypedAnswers:
    """Mixed into FlowService (which gives `clock` and `_save`)."""

    async def typed(self, flow: Flow, text: str) -> Flow:
        """A typed answer to a `text` step (or a typed date), checked before it is kept."""
        step = flow.step
        if not flow.awaits_text or step is None:
            raise DomainError("flow.use_buttons")
        if step.kind == "when":
            cfg = config_of(flow.committee)
            at = dates.parse_deadline(text, self.clock.now(), cfg.tz, cfg.calendar)
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
