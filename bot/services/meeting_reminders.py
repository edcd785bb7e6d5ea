"""When a meeting's reminders go out and to whom (issue 15): the day before, to those who
have not confirmed; an hour before, to them and to everyone coming. Rows are planned like a
consultation's (`pending` kind, `seq` tells which), so the sweep replans and drops them the
same way: a rescheduled meeting's old rows are stale, a cancelled or held one's are closed.

**A meeting on a day off** (a Sunday, Tết, a make-up Saturday the committee did not declare) is
still reminded (issue 17): "the day before" is 08:00 on the last working day before the meeting's
date (so a Monday or a Sunday meeting is announced on Friday), and the hour-before reminder is
never held back by a day off — the people invited are coming that day; only quiet hours hold it
(nor by the daily ceiling: held until the next morning it would come after the meeting). A
reminder due once the meeting has begun (the bot was down, quiet hours) is dropped.
A meeting called too late for that morning is reminded at 08:00 the day before, or on the next
working morning, if that is still more than an hour before it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot import scheduler
from bot.dates import local_date, local_to_utc
from bot.services.meeting_model import MeetingView
from bot.services.settings import CommitteeConfig
from storage.members import Member

DAY_BEFORE = scheduler.DAY_BEFORE  # 0
HOUR_BEFORE = 2
HOUR = timedelta(hours=1)


def plans(start: datetime, now: datetime, cfg: CommitteeConfig) -> list[scheduler.Plan]:
    """The day before's reminder (see the module) and one hour before, both still ahead."""
    found = []
    day = local_date(start, cfg.tz)
    working_before = local_to_utc(cfg.calendar.before(day), scheduler.MORNING, cfg.tz)
    late_call = scheduler.morning(day - timedelta(days=1), cfg)  # or the next working morning
    for at in (scheduler.defer(working_before, cfg), late_call):
        if now < at < start - HOUR:
            found.append(scheduler.Plan(at, scheduler.PENDING, DAY_BEFORE))
            break
    at = scheduler.defer(start - HOUR, cfg, any_day=True)
    if now < at < start:
        found.append(scheduler.Plan(at, scheduler.PENDING, HOUR_BEFORE))
    return found


def cannot_wait(seq: int) -> bool:
    """Whether the meeting's reminder `seq` cannot wait for a later moment (the hour before):
    neither a day off nor the daily ceiling (`maxposts`) holds it back."""
    return seq == HOUR_BEFORE


def recipients(view: MeetingView, seq: int) -> list[Member]:
    """The day before: who has not confirmed; an hour before: everyone not absent."""
    if seq != HOUR_BEFORE:
        return view.pending
    absent = {m.id for m, _ in view.with_status("absent")}
    return [m for m in view.invitees if m.id not in absent and m.active]
