"""What the services of numbered items (consultations, votes) are built from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.clock import Clock
from bot.events import Events
from bot.services.programme_tags import Tags, extract_tags
from storage.audit import AuditRepo
from storage.committees import Committee, CommitteeRepo
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
    programmes: Any = None  # ProgrammeService: `ct:<code>` tags a new item (issue 17)

    def take_tag(self, committee: Committee, text: str) -> tuple[str, str | None]:
        """`ct:<code>` out of a new item's first line: (the rest, the code or None)."""
        rest, tags = extract_tags(text, self.clock.now(), committee.tz, directive=False)
        return rest, tags.code

    async def tag_new(self, committee: Committee, item_id: int, code: str | None) -> dict:
        """Inside the creation's transaction: tag the new item; what its audit entry adds."""
        if code is None or self.programmes is None:
            return {}
        return await self.programmes.apply(committee, item_id, Tags(code=code))
