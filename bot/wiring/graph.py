"""The object graph: one Database, its repositories and the services over them (built once)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.config import Settings
from bot.events import Events
from bot.services import (
    flow_specs,  # noqa: F401 - declares the five flows the engine runs
    meeting_reminders,
)
from bot.services.collections import CollectionService
from bot.services.consultations import ConsultationService
from bot.services.digest import DigestService
from bot.services.flows import FlowService
from bot.services.meetings import MeetingService
from bot.services.programmes import ProgrammeService
from bot.services.recovery import RecoveryService
from bot.services.reminder_series import ReminderSeries
from bot.services.reminders import ReminderService
from bot.services.reports import ReportService
from bot.services.roster import RosterService
from bot.services.series import SeriesService
from bot.services.settings import SettingsService
from bot.services.standins import StandinService
from bot.services.task_series import TaskSeries
from bot.services.tasks import TaskService
from bot.services.votes import VoteService
from bot.services.work_calendar import CalendarService
from storage.audit import AuditRepo
from storage.card_digests import CardDigestRepo
from storage.collections import CollectionRepo
from storage.committees import CommitteeRepo
from storage.consultations import ConsultationRepo
from storage.db import Database
from storage.digest import DigestRepo
from storage.flows import FlowRepo
from storage.inbox import InboxRepo
from storage.items import ItemRepo
from storage.meetings import MeetingRepo
from storage.members import MemberRepo
from storage.programmes import ProgrammeRepo
from storage.recovery import HeldRepo
from storage.reminders import ReminderRepo
from storage.reports import ReportRepo
from storage.scheduler_state import SchedulerStateRepo
from storage.series import SeriesRepo
from storage.standins import StandinRepo
from storage.tasks import TaskRepo
from storage.users import UserRepo
from storage.votes import VoteRepo


@dataclass
class Services:
    """Everything a handler or job may call, built once per process."""

    db: Database
    clock: Clock
    settings: Settings
    committees: CommitteeRepo
    members: MemberRepo
    users: UserRepo
    items: ItemRepo
    audit: AuditRepo
    roster: RosterService
    committee_settings: SettingsService
    events: Events
    tasks: TaskService
    consultations: ConsultationService
    votes: VoteService
    reports: ReportService
    reminders: ReminderService
    digest: DigestService
    recovery: RecoveryService
    work_calendar: CalendarService
    programmes: ProgrammeService
    standins: StandinService
    meetings: MeetingService
    collections: CollectionService
    series: SeriesService
    flows: FlowService
    card_digests: CardDigestRepo  # what each card shows (handlers/cards.py)
    inbox: InboxRepo  # updates set aside are counted by /status

    @classmethod
    def build(cls, db: Database, clock: Clock, settings: Settings) -> Services:
        """Wire repositories and services over one database, each built once, in dependency
        order (no service is patched after construction)."""
        committees = CommitteeRepo(db)
        members = MemberRepo(db)
        users = UserRepo(db)
        items = ItemRepo(db)
        audit = AuditRepo(db)
        task_repo = TaskRepo(db)
        digest_repo = DigestRepo(db)
        events = Events()
        programmes = ProgrammeService(db, ProgrammeRepo(db), items, members, audit, clock)
        roster = RosterService(
            committees,
            members,
            users,
            audit,
            clock,
            settings.timezone,
            settings.default_language,
        )
        standins = StandinService(db, StandinRepo(db), members, roster, audit, clock)
        consultations = ConsultationService(
            db,
            ConsultationRepo(db),
            items,
            committees,
            members,
            audit,
            events,
            clock,
            programmes,
            standins,
        )
        votes = VoteService(
            db,
            VoteRepo(db),
            items,
            committees,
            members,
            audit,
            events,
            clock,
            programmes,
            standins,
        )
        tasks = TaskService(
            db, clock, committees, members, items, task_repo, audit, roster, events,
            programmes, standins,
        )  # fmt: skip
        meetings = MeetingService(
            db, clock, MeetingRepo(db), items, committees, members, users, audit, roster, tasks,
            events, standins, programmes,
        )  # fmt: skip
        collections = CollectionService(
            db, CollectionRepo(db), items, committees, members, audit, events, clock,
            series=SeriesRepo(db), roster=roster, programmes=programmes,
        )  # fmt: skip
        reminders = ReminderService(
            ReminderRepo(db),
            digest_repo,
            committees,
            items,
            task_repo,
            members,
            users,
            SchedulerStateRepo(db),
            audit,
            clock,
            events,
            # Reminders ask the consultations/votes services who is silent.
            {
                "consultation": consultations.pending_members,
                "vote": votes.pending_members,
                "collection": collections.pending_members,
            },
            plan_sources={"collection": collections.reminder_plans, "meeting": meetings.plans},
            recipients={"meeting": meetings.reminded},  # whom a meeting reminder reaches
            # which reminders a day off does not hold back (a meeting's, on its day; issue 17)
            cannot_wait={"meeting": meeting_reminders.cannot_wait},
            standins=standins,  # a member's stand-in gets their reminders (issue 17)
        )
        return cls(
            db=db,
            clock=clock,
            settings=settings,
            committees=committees,
            members=members,
            users=users,
            items=items,
            audit=audit,
            roster=roster,
            committee_settings=SettingsService(committees, audit, clock, members),
            events=events,
            tasks=tasks,
            consultations=consultations,
            votes=votes,
            reports=ReportService(
                ReportRepo(db),
                task_repo,
                members,
                items,
                audit,
                clock,
                collections.periodic,
                collections.all_standings,
                meetings=meetings.rows,
            ),
            reminders=reminders,
            digest=DigestService(
                digest_repo,
                task_repo,
                reminders.pending_members,
                clock,
                collections.periodic,
                meetings.tally,
            ),
            recovery=RecoveryService(
                db, committees, items, HeldRepo(db), reminders, audit, events, clock
            ),
            work_calendar=CalendarService(committees, members, audit, clock),
            programmes=programmes,
            standins=standins,
            meetings=meetings,
            collections=collections,
            series=SeriesService(
                collections,
                TaskSeries(
                    db,
                    collections.series,
                    items,
                    task_repo,
                    committees,
                    members,
                    audit,
                    events,
                    programmes,
                ),
                ReminderSeries(db, collections.series, ReminderRepo(db), committees, audit),
            ),
            flows=FlowService(db, FlowRepo(db), committees, members, clock, ProgrammeRepo(db)),
            card_digests=CardDigestRepo(db),
            inbox=InboxRepo(db),
        )
