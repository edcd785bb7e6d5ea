"""The object graph: one Database, its repositories and the services over them."""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.config import Settings
from bot.events import Events
from bot.services.consultations import ConsultationService
from bot.services.digest import DigestService
from bot.services.reminders import ReminderService
from bot.services.reports import ReportService
from bot.services.roster import RosterService
from bot.services.settings import SettingsService
from bot.services.tasks import TaskService
from bot.services.votes import VoteService
from storage.audit import AuditRepo
from storage.committees import CommitteeRepo
from storage.consultations import ConsultationRepo
from storage.db import Database
from storage.digest import DigestRepo
from storage.items import ItemRepo
from storage.members import MemberRepo
from storage.reminders import ReminderRepo
from storage.reports import ReportRepo
from storage.scheduler_state import SchedulerStateRepo
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
    tasks_repo: TaskRepo
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

    @classmethod
    def build(cls, db: Database, clock: Clock, settings: Settings) -> Services:
        """Wire repositories and services over one database."""
        committees = CommitteeRepo(db)
        members = MemberRepo(db)
        users = UserRepo(db)
        items = ItemRepo(db)
        audit = AuditRepo(db)
        tasks_repo = TaskRepo(db)
        digest_repo = DigestRepo(db)
        roster = RosterService(
            committees,
            members,
            users,
            audit,
            clock,
            settings.timezone,
            settings.default_language,
        )
        return cls(
            db=db,
            clock=clock,
            settings=settings,
            committees=committees,
            members=members,
            users=users,
            items=items,
            tasks_repo=tasks_repo,
            audit=audit,
            roster=roster,
            committee_settings=SettingsService(committees, audit, clock),
            events=(events := Events()),
            tasks=TaskService(
                db, clock, committees, members, items, tasks_repo, audit, roster, events
            ),
            consultations=ConsultationService(
                db, ConsultationRepo(db), items, committees, members, audit, events, clock
            ),
            votes=VoteService(db, VoteRepo(db), items, committees, members, audit, events, clock),
            reports=ReportService(ReportRepo(db), tasks_repo, members, items, audit, clock),
            reminders=(
                reminders := ReminderService(
                    ReminderRepo(db),
                    digest_repo,
                    committees,
                    items,
                    tasks_repo,
                    members,
                    users,
                    SchedulerStateRepo(db),
                    audit,
                    clock,
                    events,
                )
            ),
            digest=DigestService(digest_repo, tasks_repo, reminders.pending_members, clock),
        )

    def __post_init__(self) -> None:
        # Reminders ask the consultations/votes services who is silent.
        self.reminders.bind(self)
