"""The posting half of the reminder sweep: the daily ceiling, what follows a send or a failure."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot import scheduler
from bot.dates import local_date
from bot.services.reminder_dispatch import Dispatch
from bot.services.settings import config_of
from storage.committees import Committee
from storage.members import Member

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8


class PostingMixin:
    """Methods of ReminderService used once a due batch is known (repos set by ReminderService)."""

    contributors: dict

    # ------------------------------------------------------------------ the daily ceiling
    async def admit(self, committee: Committee, batch: list[Dispatch], now: datetime) -> list:
        """What of a committee's due batch is posted now; the rest waits for the next morning.

        Under the ceiling (`maxposts` automatic group posts today) everything goes; at it, only
        what always goes (escalations, ad-hoc reminders), and the rest is deferred to the next
        working morning, where it is merged with what is due then.
        """
        cfg = config_of(committee)
        if cfg.max_posts <= 0 or not batch:
            return batch
        today = local_date(now, cfg.tz)
        if await self.posts.posts_on(committee.id, today) < cfg.max_posts:
            return batch
        kept = [d for d in batch if d.always_goes]
        at = scheduler.morning(today + timedelta(days=1), cfg)
        for dispatch in batch:
            if not dispatch.always_goes:
                row = dispatch.reminder
                await self.repo.defer(row.id, at, row.planned_at if dispatch.late else at)
        return kept

    async def posted(self, committee: Committee, now: datetime) -> None:
        """Count one automatic group post of the committee today (for `admit`)."""
        await self.posts.count_post(committee.id, local_date(now, committee.tz))

    async def sent(self, dispatch: Dispatch, now: datetime, message_id: int | None) -> None:
        """The group message went out: mark it, then plan what follows (next overdue, digest)."""
        row = dispatch.reminder
        mentioned = [m.id for m in (*dispatch.members, *dispatch.escalate_to)]
        if row.kind == scheduler.DIGEST:
            week = self.digest_week(dispatch, now)
            await self.digest_repo.record_digest(
                row.id, row.committee_id, week, now, dispatch.late, message_id
            )
            await self.plan_digest(dispatch.committee, now, replace=False)
            return
        await self.repo.mark_sent(
            row.id, now, late=dispatch.late, recipients=mentioned, message_id=message_id
        )
        contributor = self.contributors.get(row.kind)
        if contributor is not None:
            if contributor.after_sent is not None:
                await contributor.after_sent(row, now)
        elif row.item_id is not None:
            await self.replan(row.item_id, now)

    def digest_week(self, dispatch: Dispatch, now: datetime) -> str:
        """The week a digest row stands for: the latest scheduled digest at or before now."""
        day = scheduler.seq_day(dispatch.reminder.seq)
        latest = scheduler.latest_digest_day(now, config_of(dispatch.committee))
        return max(day, latest or day).isoformat()

    async def digest_already_posted(self, dispatch: Dispatch, now: datetime) -> bool:
        """Whether this digest's week went out already (then the row is closed, nothing sent)."""
        week = self.digest_week(dispatch, now)
        if not await self.digest_repo.digest_posted(dispatch.committee.id, week):
            return False
        await self.repo.mark_sent(
            dispatch.reminder.id, now, late=False, recipients=[], message_id=None
        )
        await self.plan_digest(dispatch.committee, now, replace=False)
        return True

    async def failed(self, dispatch: Dispatch, now: datetime, error: str, permanent: bool) -> None:
        """Sending failed: give up on a permanent error, else retry later with a back-off."""
        row = dispatch.reminder
        if row.kind == scheduler.ADHOC and permanent and await self.away(row.committee_id):
            await self.wait_for_return(row, now)  # refused because the bot was removed
            return
        if permanent or row.attempts + 1 >= MAX_ATTEMPTS:
            log.warning("reminder %s dropped after %s: %s", row.id, row.attempts + 1, error)
            await self.repo.cancel(row.id, now, "undeliverable")
            await self._plan_next(dispatch, now)
            return
        retry = now + timedelta(minutes=min(60, 2**row.attempts))
        await self.repo.failed(row.id, error, retry)

    async def _plan_next(self, dispatch: Dispatch, now: datetime) -> None:
        """A failure ends that one message, never the schedule: plan what follows it."""
        row = dispatch.reminder
        if row.kind == scheduler.DIGEST:
            committee = await self.committees.get(row.committee_id)
            if committee is not None:
                await self.plan_digest(committee, now, replace=False)
        elif row.kind in self.contributors:
            after_sent = self.contributors[row.kind].after_sent
            if after_sent is not None:
                await after_sent(row, now)
        elif row.item_id is not None:
            await self.replan(row.item_id, now)

    async def copies(self, dispatch: Dispatch) -> list[tuple[Member, str]]:
        """Who also gets this reminder privately (can_dm and notify), with their language."""
        people = {m.user_id: m for m in dispatch.concerned if m.user_id}
        prefs = await self.users.many(list(people))
        return [
            (member, prefs[uid].language or dispatch.committee.language)
            for uid, member in people.items()
            if uid in prefs and prefs[uid].can_dm and prefs[uid].notify
        ]

    async def unreachable(self, user_id: int, now: datetime) -> None:
        """The person blocked the bot: stop trying private copies until they /start again."""
        await self.users.set(user_id, now, can_dm=0)

    async def author(self, dispatch: Dispatch) -> Member | None:
        """Who scheduled an ad-hoc reminder."""
        user_id = dispatch.reminder.created_by
        return await self.members.by_user(dispatch.committee.id, user_id) if user_id else None
