"""Programmes (`/programme add|rename|remove|restore`, `/programmes`, `/tag N <code>|-`) and
items' tags (issue 17).

Removing a programme no item carries deletes it. One that items carry is archived instead: it
leaves `/programmes` and the guided flows' programme step, new tags are refused, and its items
keep it (cards, `/tasks ct:`, reports); `/programme restore` brings it back.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

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


@dataclass(frozen=True)
class Renamed:
    """What `/programme rename` did: the programme now, its former name, its open items
    (id, kind) whose cards show the name."""

    programme: Programme
    before: str
    open_items: list[tuple[int, str]]


@dataclass(frozen=True)
class Removed:
    """What `/programme remove` did: deleted (no item carried it) or archived (`items` kept it)."""

    programme: Programme
    items: int

    @property
    def deleted(self) -> bool:
        """Whether the programme is gone (else archived)."""
        return self.items == 0


def _split(args: str) -> tuple[str, str]:
    """`CODE rest of the words` → (`CODE` without a `ct:` prefix, `rest of the words`)."""
    code, _, rest = " ".join(args.split()).partition(" ")
    return code.removeprefix("ct:"), rest


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
        code, name = _split(args)
        if not code or not name:
            raise DomainError("programme.usage")
        code = check_code(code)
        if len(name) > MAX_NAME:
            raise DomainError("common.too_long", limit=MAX_NAME)
        if (found := await self.repo.by_code(committee.id, code)) is not None:
            key = "programme.exists_archived" if found.archived else "programme.exists"
            raise DomainError(key, code=code)
        now = self.clock.now()
        programme_id = await self.repo.add(committee.id, code, name, actor_id(actor), now)
        await self.audit.add(
            committee.id, "programme.add", actor_id(actor), now, code=code, name=name
        )
        return Programme(programme_id, committee.id, code, name)

    @guarded
    async def rename(self, committee: Committee, actor: Member | int, args: str) -> Renamed:
        """`/programme rename <code> <new name>`: the programme's new name (its code stays)."""
        code, name = _split(args)
        if not code:
            raise DomainError("programme.rename_usage")
        programme = await self.resolve(committee, code)
        if not name:
            raise DomainError("programme.rename_empty", code=programme.code)
        if len(name) > MAX_NAME:
            raise DomainError("common.too_long", limit=MAX_NAME)
        if name == programme.name:
            raise DomainError("programme.rename_same", code=programme.code)
        await self.repo.rename(programme.id, name)
        await self.audit.add(
            committee.id, "programme.rename", actor_id(actor), self.clock.now(),
            code=programme.code, before=programme.name, name=name,
        )  # fmt: skip
        renamed = replace(programme, name=name)
        return Renamed(renamed, programme.name, await self.repo.open_items(programme.id))

    @guarded
    async def remove(self, committee: Committee, actor: Member | int, args: str) -> Removed:
        """`/programme remove <code>`: deleted when no item carries it, else archived."""
        code, rest = _split(args)
        if not code or rest:
            raise DomainError("programme.remove_usage")
        programme = await self.resolve(committee, code)
        if programme.archived:
            raise DomainError("programme.already_archived", code=programme.code)
        items = len(await self.repo.item_ids(programme.id))
        now = self.clock.now()
        if items:
            await self.repo.archive(programme.id, now)
        else:
            await self.repo.delete(programme.id)
        await self.audit.add(
            committee.id, "programme.archive" if items else "programme.remove", actor_id(actor),
            now, code=programme.code, name=programme.name, items=items,
        )  # fmt: skip
        return Removed(replace(programme, archived=bool(items)), items)

    @guarded
    async def restore(self, committee: Committee, actor: Member | int, args: str) -> Programme:
        """`/programme restore <code>`: an archived programme is listed and taggable again."""
        code, rest = _split(args)
        if not code or rest:
            raise DomainError("programme.restore_usage")
        programme = await self.resolve(committee, code)
        if not programme.archived:
            raise DomainError("programme.not_archived", code=programme.code)
        await self.repo.archive(programme.id, None)
        await self.audit.add(
            committee.id, "programme.restore", actor_id(actor), self.clock.now(),
            code=programme.code, name=programme.name,
        )  # fmt: skip
        return replace(programme, archived=False)

    async def list(self, committee: Committee, archived: bool = False) -> list[ProgrammeLine]:
        """The committee's programmes (or its archived ones) by code, with their item counts."""
        return [ProgrammeLine(p, n) for p, n in await self.repo.list(committee.id, archived)]

    async def resolve(self, committee: Committee, code: str, new_tag: bool = False) -> Programme:
        """The committee's programme with this code, or a refusal naming `/programmes`; for a
        `new_tag`, an archived programme is refused too."""
        found = await self.repo.by_code(committee.id, check_code(code.removeprefix("ct:")))
        if found is None:
            raise DomainError("programme.unknown", code=code.removeprefix("ct:"))
        if new_tag and found.archived:
            raise DomainError("programme.archived", code=found.code)
        return found

    @guarded
    async def tag(
        self, committee: Committee, actor: Member | int, number: int, code: str
    ) -> tuple[Item, Programme]:
        """`/tag N <code>`: item N belongs to that programme (replacing its previous one)."""
        item = await self.items.by_number(committee.id, number)
        if item is None:
            raise DomainError("item.not_found", number=number)
        programme = await self.resolve(committee, code, new_tag=True)
        before = await self.of_item(item.id)
        if before is not None and before.id == programme.id:
            return item, programme  # already so: nothing to record
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

    @guarded
    async def untag(
        self, committee: Committee, actor: Member | int, number: int
    ) -> tuple[Item, Programme]:
        """`/tag N -`: item N belongs to no programme any more; the one it left."""
        item = await self.items.by_number(committee.id, number)
        if item is None:
            raise DomainError("item.not_found", number=number)
        before = await self.of_item(item.id)
        if before is None:
            raise DomainError("tag.not_tagged", number=number)
        await self.repo.untag(item.id)
        await self.audit.add(
            committee.id, "item.untag", actor_id(actor), self.clock.now(),
            item_id=item.id, number=number, programme=before.code,
        )  # fmt: skip
        return item, before

    async def apply(self, committee: Committee, item_id: int, tags: Tags) -> dict[str, object]:
        """Inside a creation's transaction: store an item's programme and directing document;
        return what the creation's audit entry should add."""
        recorded: dict[str, object] = {}
        if tags.code:
            programme = await self.resolve(committee, tags.code, new_tag=True)
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
        if programme is None or programme.archived:
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
