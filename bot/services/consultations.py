"""Consultations (xin ý kiến): open, answer (changeable until close), chase, close and tally.

Who counts is the view `electorate` (migration 0008): the active members with a voting role (the
secretary compiles and does not answer); a member's current answer is the view `current_opinions`.
While open, "answered X of Y" is over the current active voting members; at close that set is
frozen in `consultations.electorate`, and each of them without an answer gets an automatic row
(`bot.services.consultation_close`: `deemed_agreed` only when the silence rule is on and the
deadline has passed, else `no_answer`). Answers of people who left before the close stay in the
history but are not counted.
"""

from __future__ import annotations

from bot import dates
from bot.errors import DomainError
from bot.models import VOTING_ROLES, Role
from bot.services.consultation_close import ConsultationClosing
from bot.services.consultation_model import (
    DEFAULT_WORKING_DAYS,
    KIND,
    MAX_COMMENT,
    MAX_TITLE,
    TEXT_ANSWERS,
    URL,
    Document,
    Event,
    Row,
    Standing,
    parse_consult,
    rank,
)
from bot.services.guard import guarded
from bot.services.item_service import ItemService, OneKind
from bot.services.settings import config_of
from bot.workcalendar import working_days_from
from storage.committees import Committee
from storage.consultations import Opinion, Prompt
from storage.items import Item
from storage.members import Member


class ConsultationService(ConsultationClosing, OneKind, ItemService):
    """Every rule about consultations; handlers only parse and render."""

    KIND = KIND
    WRONG_KIND = "consult.wrong_kind"

    # ------------------------------------------------------------ opening
    @guarded
    async def open(
        self, committee: Committee, actor: Member, text: str, document: Document | None = None
    ) -> Standing:
        """`/consult`: a new consultation #N with its deadline and silence rule."""
        text, code = self.take_tag(committee, text)
        title, due, silence = parse_consult(text)
        url = None
        if found := URL.search(title):
            url = found[0]
            title = f"{title[: found.start()]} {title[found.end() :]}".strip() or url
            title = " ".join(title.split())
        if not title:
            raise DomainError("consult.usage")
        if len(title) > MAX_TITLE:
            raise DomainError("common.too_long", limit=MAX_TITLE)
        now, cfg = self.clock.now(), config_of(committee)
        if due:
            deadline = dates.parse_deadline(due, now, cfg.tz, cfg.calendar)
        else:
            deadline = working_days_from(now, DEFAULT_WORKING_DAYS, cfg)
        silence = cfg.silence_agree if silence is None else silence
        async with self.db.transaction():
            number = await self.committees.take_number(committee.id)
            item_id = await self.items.insert(
                committee_id=committee.id,
                number=number,
                kind=KIND,
                title=title,
                status="open",
                deadline=deadline,
                created_by=actor.user_id,
                now=now,
                document_file_id=document.file_id if document else None,
                document_name=document.name if document else None,
                document_url=url,
            )
            await self.repo.insert(item_id, silence)
            tagged = await self.tag_new(committee, item_id, code)
            await self.audit.add(
                committee.id, "consultation.open", actor.user_id, now, item_id,
                number=number, title=title, deadline=deadline, silence_agree=silence,
                document=document.name if document else url, **tagged,
            )  # fmt: skip
        await self.events.item_changed(item_id)
        return await self.standing(await self.items.get(item_id))

    async def set_card(self, item_id: int, message_id: int) -> None:
        """Remember the card message (edited in place as answers come)."""
        await self.items.update(item_id, self.clock.now(), message_id=message_id)

    # ------------------------------------------------------------ reading
    async def standing(self, item: Item) -> Standing:
        """Counted members and their current answers (frozen at close)."""
        row = await self.repo.get(item.id)
        committee = await self.committees.get(item.committee_id)
        counted = (await self.members.many(await self.repo.electorate(item.id))).values()
        current = await self.repo.current(item.id)
        ids = sorted({o.acting_id for o in current.values() if o.acting_id is not None})
        acting = await self.members.many(ids) if ids else {}
        rows = tuple(
            Row(m, current.get(m.id), acting.get(getattr(current.get(m.id), "acting_id", None)))
            for m in sorted(counted, key=rank)
        )
        programme = await self.programmes.of_item(item.id) if self.programmes else None
        return Standing(committee, item, row.silence_agree, rows, programme)

    async def pending_view(self, item: Item) -> tuple[Standing, dict[int, Member]]:
        """`/pending N`: the standing, and who acts today for each member (issue 17)."""
        standing = await self.standing(item)
        return standing, await self.acting_now(standing.committee)

    async def pending_members(self, item: Item) -> list[Member]:
        """Active voting members without an answer yet (for /pending and the reminders)."""
        return (await self.standing(item)).pending

    async def history(self, item: Item) -> list[Opinion]:
        """Every answer ever given, oldest first."""
        return await self.repo.history(item.id)

    async def timeline(self, item: Item) -> list[Event]:
        """Opened, every answer (changes included), closed — oldest first."""
        opinions = [o for o in await self.repo.history(item.id) if not o.auto]
        people = await self.members.many(sorted({o.member_id for o in opinions}))
        events = [
            Event(o.at, "answer", people.get(o.member_id), o.answer, o.text) for o in opinions
        ]
        for entry in await self.audit.for_item(item.id):
            if entry.action not in {"consultation.open", "consultation.close"}:
                continue
            actor = None
            if entry.actor_user_id is not None:
                actor = await self.members.by_user(item.committee_id, entry.actor_user_id)
            action = "open" if entry.action.endswith("open") else "close"
            if action == "close" and entry.actor_user_id is None:
                action = "auto_close"
            events.append(Event(entry.at, action, actor))
        order = {"open": 0, "answer": 1, "close": 2, "auto_close": 2}
        return sorted(events, key=lambda e: (e.at, order[e.action]))

    async def find_for_user(self, user_id: int, number: int) -> tuple[Committee, Item, Member]:
        """Private `/opinion N`: the one open consultation #N among the person's committees."""
        found = []
        for committee in await self.committees.many(await self.members.committees_of(user_id)):
            item = await self.items.by_number(committee.id, number)
            if item is not None and item.kind == KIND:
                found.append((committee, item))
        open_ = [(c, i) for c, i in found if self._is_open(i)]
        if not open_:
            if found:
                raise DomainError("consult.closed", number=number)
            raise DomainError("opinion.not_found_private", number=number)
        if len(open_) > 1:
            titles = ", ".join(c.title for c, _ in open_)
            raise DomainError("opinion.ambiguous", number=number, committees=titles)
        committee, item = open_[0]
        return committee, item, await self.members.by_user(committee.id, user_id)

    # ------------------------------------------------------------ answering
    def check_can_answer(self, item: Item, member: Member | None) -> None:
        """Refuse unless the consultation is open and `member` is an active voting member."""
        if member is None or not member.active:
            raise DomainError("consult.not_member")
        if member.role == Role.SECRETARY:
            raise DomainError("consult.secretary")
        if member.role not in VOTING_ROLES or member.committee_id != item.committee_id:
            raise DomainError("consult.not_member")
        if not self._is_open(item):
            raise DomainError("consult.closed", number=item.number)

    def _is_open(self, item: Item) -> bool:
        return item.status == "open" and (item.deadline is None or self.clock.now() < item.deadline)

    @guarded
    async def answer(
        self,
        item: Item,
        member: Member | None,
        answer: str,
        text: str = "",
        acting: Member | None = None,
    ) -> tuple[Standing, str]:
        """Record an answer (the latest counts, all are kept); returns the standing and answer.
        `acting`: the stand-in answering for `member` (audited as the actor, with both names)."""
        text = text.strip()
        if answer == "agree" and text:
            answer = "agree_with_comments"  # an agreement with words is an agreement with comments
        self.check_can_answer(item, member)
        if answer in TEXT_ANSWERS and not text:
            raise DomainError("opinion.empty", number=item.number)
        if len(text) > MAX_COMMENT:
            raise DomainError("common.too_long", limit=MAX_COMMENT)
        now = self.clock.now()
        async with self.db.transaction():
            if await self.repo.status(item.id) != "open":
                raise DomainError("consult.closed", number=item.number)
            before = (await self.repo.current(item.id)).get(member.id)
            await self.repo.add_opinion(
                item_id=item.id, member_id=member.id, answer=answer, text=text, now=now,
                acting_id=acting.id if acting is not None else None,
            )  # fmt: skip
            await self.repo.drop_prompts(item.id, member.user_id)
            behalf = {}
            if acting is not None:
                behalf = {"on_behalf_of": member.id, "on_behalf_name": member.display_name}
            await self.audit.add(
                item.committee_id, "consultation.answer", (acting or member).user_id, now,
                item.id, member_id=member.id, before=before.answer if before else None,
                after=answer, text=text, **behalf,
            )  # fmt: skip
        await self.events.item_changed(item.id)
        return await self.standing(item), answer

    async def ask_text(
        self, item: Item, member: Member | None, answer: str, chat_id: int, message_id: int | None
    ) -> None:
        """Wait for this member's comment text in this chat (a reply there, or their next DM)."""
        self.check_can_answer(item, member)
        await self.repo.put_prompt(
            user_id=member.user_id,
            chat_id=chat_id,
            item_id=item.id,
            answer=answer,
            prompt_message_id=message_id,
            now=self.clock.now(),
        )

    async def prompt(self, user_id: int, chat_id: int) -> Prompt | None:
        """The comment we wait for from this person in this chat."""
        return await self.repo.prompt(user_id, chat_id)

    async def prompt_by_message(self, chat_id: int, message_id: int) -> Prompt | None:
        """The prompt a bot message in a group carries."""
        return await self.repo.prompt_by_message(chat_id, message_id)

    async def answer_prompt(
        self, prompt: Prompt, member: Member | None, text: str
    ) -> tuple[Standing, str]:
        """The awaited text arrived: record it (a refusal keeps the prompt, except after close)."""
        item = await self.by_id(prompt.item_id)
        try:
            return await self.answer(item, member, prompt.answer, text)
        except DomainError as err:
            if err.key in {"consult.closed", "consult.not_member", "consult.secretary"}:
                await self.repo.drop_prompt(prompt.user_id, prompt.chat_id)
            raise
