"""Programmes (`/programme add`, `/programmes`, `/tag N <code>`) and items' tags (issue 17)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.errors import DomainError
from bot.services.guard import actor_id, guarded
from bot.services.programme_tags import Tags, check_code
from storage.audit import AuditRepo
from storage.committees import Committee
from storage.db import Database
from storage.items import Item, ItemRepo
from storage.members import Member, MemberRepo
from storage.programmes import Directive, Programme, ProgrammeRepo

MAX_NAME = 200


@dataclass(frozen=True)
class ProgrammeLine:
    """A programme with how many items it tags (for `/programmes`)."""

    programme: Programme
    items: int


class ProgrammeService:
    """A committee's programmes and which item belongs to which."""

    def __init__(
        self,
        db: Database,
        repo: ProgrammeRepo,
        items: ItemRepo,
        members: MemberRepo,
        audit: AuditRepo,
        clock: Clock,
    ) -> None:
        self.db = db
        self.repo = repo
        self.items = items
        self.members = members  # `guarded` checks the acting seat again inside the change
        self.audit = audit
        self.clock = clock

    @guarded
    async def add(self, committee: Committee, actor: Member | int, args: str) -> Programme:
        """`/programme add <code> <name>`: a new programme of the committee."""
        code, _, name = " ".join(args.split()).partition(" ")
        if not code or not name:
            raise DomainError("programme.usage")
        code = check_code(code.removeprefix("ct:"))
        if len(name) > MAX_NAME:
            raise DomainError("common.too_long", limit=MAX_NAME)
        if await self.repo.by_code(committee.id, code) is not None:
            raise DomainError("programme.exists", code=code)
        now = self.clock.now()
        programme_id = await self.repo.add(committee.id, code, name, actor_id(actor), now)
        await self.audit.add(
            committee.id, "programme.add", actor_id(actor), now, code=code, name=name
        )
        return Programme(programme_id, committee.id, code, name)

    async def list(self, committee: Committee) -> list[ProgrammeLine]:
        """The committee's programmes by code, with their item counts."""
        return [ProgrammeLine(p, n) for p, n in await self.repo.list(committee.id)]

    async def resolve(self, committee: Committee, code: str) -> Programme:
        """The committee's programme with this code, or a refusal naming `/programmes`."""
        found = await self.repo.by_code(committee.id, check_code(code.removeprefix("ct:")))
        if found is None:
            raise DomainError("programme.unknown", code=code.removeprefix("ct:"))
        return found

    @guarded
    async def tag(
        self, committee: Committee, actor: Member | int, number: int, code: str
    ) -> tuple[Item, Programme]:
        """`/tag N <code>`: item N belongs to that programme (replacing its previous one)."""
        item = await self.items.by_number(committee.id, number)
        if item is None:
            raise DomainError("item.not_found", number=number)
        programme = await self.resolve(committee, code)
        await self.repo.tag(item.id, programme.id)
        await self.audit.add(
            committee.id,
            "item.tag",
            actor_id(actor),
            self.clock.now(),
            item_id=item.id,
            number=number,
            programme=programme.code,
        )
        return item, programme

    async def apply(self, committee: Committee, item_id: int, tags: Tags) -> dict[str, object]:
        """Inside a creation's transaction: store an item's programme and directing document;
        return what the creation's audit entry should add."""
        recorded: dict[str, object] = {}
        if tags.code:
            programme = await self.resolve(committee, tags.code)
            await self.repo.tag(item_id, programme.id)
            recorded["programme"] = programme.code
        if tags.doc_number:
            await self.repo.set_directive(item_id, Directive(tags.doc_number, tags.doc_date))
            recorded["directive"] = tags.doc_number
            if tags.doc_date:
                recorded["directive_date"] = tags.doc_date.isoformat()
        return recorded

    async def inherit(self, from_item_id: int, to_item_id: int) -> dict[str, object]:
        """Inside a creation's transaction: a recurring item's next occurrence keeps the
        programme of the previous one; return what the creation's audit entry should add."""
        programme = await self.of_item(from_item_id)
        if programme is None:
            return {}
        await self.repo.tag(to_item_id, programme.id)
        return {"programme": programme.code}

    async def of_item(self, item_id: int) -> Programme | None:
        """The programme an item belongs to, if any (for its card)."""
        return (await self.repo.programmes_of([item_id])).get(item_id)

    async def item_ids(self, committee: Committee, code: str) -> frozenset[int]:
        """The items of the committee's programme `code` (a refusal if there is none)."""
        return await self.repo.item_ids((await self.resolve(committee, code)).id)

    async def tags_of(
        self, item_ids: list[int]
    ) -> tuple[dict[int, Programme], dict[int, Directive]]:
        """For these items: their programmes and their directing documents (two queries)."""
        return await self.repo.programmes_of(item_ids), await self.repo.directives_of(item_ids)
