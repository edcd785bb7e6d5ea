"""A committee's changes to the working calendar (`/holiday`, `/workday`) and its yearly list."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from bot import dates
from bot.clock import Clock
from bot.errors import DomainError
from bot.services.guard import actor_id, guarded
from bot.services.settings import config_of
from bot.workcalendar import (
    OFF,
    WORK,
    Change,
    calendar_of,
    dump_changes,
    parse_changes,
    public_holidays,
)
from storage.audit import AuditRepo
from storage.committees import Committee, CommitteeRepo
from storage.members import Member, MemberRepo

MAX_RANGE_DAYS = 62  # one range of days off at most (Tết with its bridges is about ten)
MAX_NOTE = 200
_RANGE_WORDS = re.compile(r"\s+(?:-|–|—|đến|den|to)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Entry:
    """One line of `/holidays`: a date, what it is, and its name or note."""

    day: date
    kind: (
        str  # "public" (library), "public_worked" (a public holiday the committee works), OFF, WORK
    )
    name: str


def _dmy(day: date) -> str:
    return f"{day:%d/%m}/{day.year:04}"


def split_range(text: str, parse) -> tuple[date, date]:
    """`15/02/2027`, `15/02/2027-19/02/2027` (also ISO dates, `đến`/`to`) → first, last."""
    spaced = _RANGE_WORDS.split(text, maxsplit=1)
    if len(spaced) == 2:
        return parse(spaced[0]), parse(spaced[1])
    try:
        day = parse(text)
        return day, day
    except DomainError as error:
        for i, char in enumerate(text):  # the dash between two dates (ISO dates have their own)
            if char in "-–" and 0 < i < len(text) - 1:
                try:
                    return parse(text[:i]), parse(text[i + 1 :])
                except DomainError:
                    continue
        raise error from None


class CalendarService:
    """Days off and make-up working days of a committee, stored on its row, audited."""

    def __init__(
        self, committees: CommitteeRepo, members: MemberRepo, audit: AuditRepo, clock: Clock
    ) -> None:
        self.committees = committees
        self.members = members  # `guarded` checks the acting seat again inside the change
        self.audit = audit
        self.clock = clock
        self.db = committees.db

    def _parse_range(self, committee: Committee, args: str) -> tuple[date, date, str]:
        tokens = args.split()
        if not tokens:
            raise DomainError("holiday.usage")
        now, tz = self.clock.now(), committee.tz
        first_error: DomainError | None = None
        for size in range(min(3, len(tokens)), 0, -1):  # `thứ hai`, `15/02 - 19/02`: the longest
            try:
                first, last = split_range(
                    " ".join(tokens[:size]), lambda s: dates.parse_day(s, now, tz)
                )
            except DomainError as error:
                first_error = error
                continue
            note = " ".join(tokens[size:])
            break
        else:
            assert first_error is not None
            raise first_error
        if last < first:
            raise DomainError("holiday.bad_range", first=_dmy(first))
        if (last - first).days + 1 > MAX_RANGE_DAYS:
            raise DomainError("holiday.range_too_long", limit=MAX_RANGE_DAYS)
        if len(note) > MAX_NOTE:
            raise DomainError("common.too_long", limit=MAX_NOTE)
        return first, last, note

    async def _store(
        self, committee: Committee, changes: dict[date, Change], actor: Member | int, **audit
    ) -> Committee:
        text = dump_changes(changes.values())
        await self.committees.update_settings(committee.id, calendar=text)
        # A settings change: the sweep replans the committee's reminders and digest from it.
        await self.audit.add(
            committee.id, "settings.change", actor_id(actor), self.clock.now(), **audit
        )
        return await self.committees.get(committee.id)

    async def _current(self, committee: Committee) -> dict[date, Change]:
        fresh = await self.committees.get(committee.id)  # inside the transaction: the latest
        return {c.day: c for c in parse_changes(fresh.calendar if fresh else "")}

    @guarded
    async def add_days_off(
        self, committee: Committee, actor: Member | int, args: str
    ) -> tuple[date, date, int, str]:
        """`/holiday add <date>[-<date>] [note]`: the committee does not work these days;
        returns the first and last day, how many days, and the note."""
        first, last, note = self._parse_range(committee, args)
        changes = await self._current(committee)
        day = first
        while day <= last:
            changes[day] = Change(day, OFF, note)
            day += timedelta(days=1)
        await self._store(
            committee,
            changes,
            actor,
            key="holiday",
            value=f"add {first.isoformat()}..{last.isoformat()}",
            note=note,
        )
        return first, last, (last - first).days + 1, note

    @guarded
    async def remove_day_off(self, committee: Committee, actor: Member | int, args: str) -> date:
        """`/holiday remove <date>`: drop one of the committee's own days off."""
        day = self._one_day(committee, args, "holiday.remove_usage")
        changes = await self._current(committee)
        change = changes.get(day)
        if change is None or change.kind != OFF:
            if day in public_holidays(day.year):
                raise DomainError("holiday.is_public", day=_dmy(day))
            raise DomainError("holiday.not_found", day=_dmy(day))
        del changes[day]
        await self._store(
            committee, changes, actor, key="holiday", value=f"remove {day.isoformat()}"
        )
        return day

    @guarded
    async def add_workday(
        self, committee: Committee, actor: Member | int, args: str
    ) -> tuple[date, str]:
        """`/workday add <date> [note]`: a make-up working day (a Saturday, a swapped holiday)."""
        text, _, note = " ".join(args.split()).partition(" ")
        day = self._one_day(committee, text, "workday.usage")
        if len(note) > MAX_NOTE:
            raise DomainError("common.too_long", limit=MAX_NOTE)
        changes = await self._current(committee)
        previous = changes.pop(day, None)
        workdays = config_of(committee).workdays
        if previous is None and calendar_of(workdays, dump_changes(changes.values())).is_working(
            day
        ):
            raise DomainError("workday.already", day=_dmy(day))
        changes[day] = Change(day, WORK, note)
        await self._store(
            committee, changes, actor, key="workday", value=f"add {day.isoformat()}", note=note
        )
        return day, note

    @guarded
    async def remove_workday(self, committee: Committee, actor: Member | int, args: str) -> date:
        """`/workday remove <date>`: drop one of the committee's make-up working days."""
        day = self._one_day(committee, args, "workday.usage")
        changes = await self._current(committee)
        change = changes.get(day)
        if change is None or change.kind != WORK:
            raise DomainError("workday.not_found", day=_dmy(day))
        del changes[day]
        await self._store(
            committee, changes, actor, key="workday", value=f"remove {day.isoformat()}"
        )
        return day

    def _one_day(self, committee: Committee, args: str, usage: str) -> date:
        text = args.strip()
        if not text or len(text.split()) != 1:
            raise DomainError(usage)
        return dates.parse_day(text, self.clock.now(), committee.tz)

    def year_of(self, committee: Committee, text: str) -> int:
        """`/holidays [year]`: the year asked for (default this year in the committee's zone)."""
        text = text.strip()
        if not text:
            return dates.local_date(self.clock.now(), committee.tz).year
        if not re.fullmatch(r"[0-9]{4}", text) or not 2000 <= int(text) <= 2100:
            raise DomainError("holidays.usage")
        return int(text)

    def entries(self, committee: Committee, year: int, lang: str) -> list[Entry]:
        """The year's public holidays and the committee's own changes, by date."""
        own = {c.day: c for c in parse_changes(committee.calendar) if c.day.year == year}
        found: list[Entry] = []
        for day, name in public_holidays(year, lang).items():
            change = own.pop(day, None)
            if change is not None and change.kind == WORK:
                found.append(Entry(day, "public_worked", change.note or name))
            else:
                found.append(Entry(day, "public", name))
        found += [Entry(c.day, c.kind, c.note) for c in own.values()]
        return sorted(found, key=lambda e: e.day)
