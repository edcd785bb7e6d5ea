"""What the services of numbered items (consultations, votes) are built from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.clock import Clock
from bot.events import Events
from storage.audit import AuditRepo
from storage.committees import CommitteeRepo
from storage.db import Database
from storage.items import ItemRepo
from storage.members import MemberRepo


@dataclass(eq=False)  # services are identities (used as keys), not values
class ItemService:
    """The database, the item's own repository, the shared repositories, events and a clock."""

    db: Database
    repo: Any
    items: ItemRepo
    committees: CommitteeRepo
    members: MemberRepo
    audit: AuditRepo
    events: Events
    clock: Clock
