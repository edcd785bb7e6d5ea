"""What the services of numbered items (consultations, votes, meetings, collections) share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from bot.clock import Clock
from bot.errors import DomainError
from bot.events import Events
from bot.services.programme_tags import Tags, extract_tags
from storage.audit import AuditRepo
from storage.committees import Committee, CommitteeRepo
from storage.db import Database
from storage.items import Item, ItemRepo
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
    standins: Any = None  # StandinService: who acts today for the members waited for (issue 17)

    async def acting_now(self, committee: Committee) -> dict:
        """member id → who acts for them today (empty without stand-ins)."""
        return await self.standins.acting_now(committee) if self.standins else {}

    def take_tag(self, committee: Committee, text: str) -> tuple[str, str | None]:
        """`ct:<code>` out of a new item's first line: (the rest, the code or None)."""
        rest, tags = extract_tags(text, self.clock.now(), committee.tz, directive=False)
        return rest, tags.code

    async def tag_new(self, committee: Committee, item_id: int, code: str | None) -> dict:
        """Inside the creation's transaction: tag the new item; what its audit entry adds."""
        if code is None or self.programmes is None:
            return {}
        return await self.programmes.apply(committee, item_id, Tags(code=code))


class OneKind:
    """Items of one kind by number or id, or the refusal a member sees (mixed into a service)."""

    KIND: ClassVar[str]
    WRONG_KIND: ClassVar[str]  # the message key when #N is an item of another kind
    items: ItemRepo

    async def get(self, committee: Committee, number: int) -> Item:
        """Item #N of a committee, or a refusal (unknown number, other kind)."""
        return self._checked(await self.items.by_number(committee.id, number), number)

    async def by_id(self, item_id: int) -> Item:
        """An item by id (buttons and deep links carry it), or the same refusals."""
        item = await self.items.get(item_id)
        return self._checked(item, item.number if item else item_id)

    @classmethod
    def _checked(cls, item: Item | None, number: int) -> Item:
        if item is None:
            raise DomainError("item.not_found", number=number)
        if item.kind != cls.KIND:
            raise DomainError(cls.WRONG_KIND, number=item.number)
        return item
