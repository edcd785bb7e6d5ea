"""The object graph: one Database, its repositories and the services over them."""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.config import Settings
from bot.events import Events
from bot.services.roster import RosterService
from bot.services.settings import SettingsService
from storage.audit import AuditRepo
from storage.committees import CommitteeRepo
from storage.db import Database
from storage.items import ItemRepo
from storage.members import MemberRepo
from storage.tasks import TaskRepo
from storage.users import UserRepo


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

    @classmethod
    def build(cls, db: Database, clock: Clock, settings: Settings) -> Services:
        """Wire repositories and services over one database."""
        committees = CommitteeRepo(db)
        members = MemberRepo(db)
        users = UserRepo(db)
        items = ItemRepo(db)
        audit = AuditRepo(db)
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
            tasks_repo=TaskRepo(db),
            audit=audit,
            roster=roster,
            committee_settings=SettingsService(committees, audit, clock),
            events=Events(),
        )
