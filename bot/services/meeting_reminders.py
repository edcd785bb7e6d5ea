"""When a meeting's reminders go out and to whom (issue 15): 08:00 the day before, to those who
have not confirmed; an hour before, to them and to everyone coming. Rows are planned like a
consultation's (`pending` kind, `seq` tells which), so the sweep replans and drops them the
same way: a rescheduled meeting's old rows are stale, a cancelled or held one's are closed.
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
    """08:00 local the day before (next allowed moment) and one hour before, both still ahead."""
    found = []
    day_before = local_date(start, cfg.tz) - timedelta(days=1)
    at = scheduler.defer(local_to_utc(day_before, scheduler.MORNING, cfg.tz), cfg)
    if now < at < start - HOUR:
        found.append(scheduler.Plan(at, scheduler.PENDING, DAY_BEFORE))
    at = scheduler.defer(start - HOUR, cfg)
    if now < at < start:
        found.append(scheduler.Plan(at, scheduler.PENDING, HOUR_BEFORE))
    return found


def recipients(view: MeetingView, seq: int) -> list[Member]:
    """The day before: who has not confirmed; an hour before: everyone not absent."""
    if seq != HOUR_BEFORE:
        return view.pending
    absent = {m.id for m, _ in view.with_status("absent")}
    return [m for m in view.invitees if m.id not in absent and m.active]
