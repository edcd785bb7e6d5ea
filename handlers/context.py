"""The per-update context every command gets (`Ctx`) and the gate that builds it and checks a
declaration's where and who before the handler runs (declarations: `handlers/registry.py`)."""

from __future__ import annotations

import functools
import html as html_lib
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from telegram import Chat, InlineKeyboardMarkup, Message, Update, User
from telegram.constants import ChatID

from bot.config import LANGUAGES
from bot.errors import DomainError
from bot.i18n import Html, t
from bot.models import ROLE_ORDER, Role
from bot.permissions import Rule
from bot.services.roster import Person
from bot.wiring.graph import Services
from handlers.outbox import outbox_of, parts, settle
from handlers.state import Context, state_of
from storage.committees import Committee
from storage.members import Member

if TYPE_CHECKING:
    from handlers.registry import Button, Command

log = logging.getLogger(__name__)

GROUP_TYPES = frozenset({Chat.GROUP, Chat.SUPERGROUP})


def services_of(context: Context) -> Services:
    """The Services object built in post_init."""
    return state_of(context).services


def person_of(user: User) -> Person:
    """Our view of a Telegram user."""
    return Person(user.id, user.username, user.full_name)


def service_sender(update: Update) -> str | None:
    """Which Telegram service account sent this update, if not a person (never holds a seat).

    `anonymous`: an anonymous group admin (GroupAnonymousBot, `sender_chat` = the group);
    `channel`: on behalf of a channel (Channel_Bot); `linked_channel`: Telegram's 777000
    auto-forwarding a linked channel's post; `bot`: any other bot.
    """
    user, message = update.effective_user, update.effective_message
    sender_chat = message.sender_chat if message is not None else None
    chat = update.effective_chat
    if user is None:
        return None
    if user.id == ChatID.ANONYMOUS_ADMIN or (sender_chat and chat and sender_chat.id == chat.id):
        return "anonymous"
    if user.id == ChatID.SERVICE_CHAT or (message is not None and message.is_automatic_forward):
        return "linked_channel"
    if user.id == ChatID.FAKE_CHANNEL or sender_chat is not None:
        return "channel"
    return "bot" if user.is_bot else None


def service_refusal(update: Update, lang: str) -> Html | None:
    """The one line a service account's command gets: who the bot sees and what to do."""
    kind = service_sender(update)
    if kind is None:
        return None
    message = update.effective_message
    source = (message.sender_chat if message is not None else None) or update.effective_chat
    user = update.effective_user
    return t(lang, f"sender.{kind}", chat=(source.title if source else "") or "", name=user.name)


@dataclass
class Ctx:
    """What a command handler needs: who, where, in which language, and the services."""

    update: Update
    context: Context
    services: Services
    user: User
    chat: Chat
    committee: Committee | None
    member: Member | None
    lang: str
    args: str

    @property
    def message(self) -> Message:
        """The message that carried the command."""
        return self.update.effective_message

    @property
    def role(self) -> Role | None:
        """The caller's role on this committee, if a member."""
        return Role(self.member.role) if self.member else None

    @property
    def group_lang(self) -> str:
        """Language of what is posted for the whole group."""
        return self.committee.language if self.committee else self.lang

    @property
    def is_private(self) -> bool:
        """Whether the command came in a private chat with the bot."""
        return self.chat.type == Chat.PRIVATE

    def t(self, key: str, /, **params: object) -> Html:
        """A message in the reader's language."""
        return t(self.lang, key, **params)

    async def reply(
        self, text: str, keyboard: InlineKeyboardMarkup | None = None
    ) -> Message | None:
        """Reply to the command (split if over Telegram's limit; the keyboard goes last).

        Once this update has written something, the reply is the consequence of a change: it is
        staged in the outbox with it and goes out after the commit (then None is returned).
        """
        if self.services.db.in_unit_transaction():
            await self.post(text, keyboard, purpose="reply")
            return None
        sent = None
        for chunk, markup in parts(text, keyboard):
            sent = await self.message.reply_text(chunk, reply_markup=markup)
        return sent

    @property
    def thread_id(self) -> int | None:
        """The forum topic the command came from (what is posted back goes there too)."""
        message = self.message
        return message.message_thread_id if message and message.is_topic_message else None

    async def post(
        self,
        text: str,
        keyboard: InlineKeyboardMarkup | None = None,
        *,
        purpose: str,
        ref_id: int | None = None,
    ) -> None:
        """Post what the change being made must show here (a card, a request) through the
        outbox: staged with the change, sent after it commits, replying to the command."""
        outbox = outbox_of(self.context.application)
        await outbox.text(
            self.chat.id, text, markup=keyboard, thread_id=self.thread_id,
            reply_to=None if self.is_private else self.message.message_id,
            committee_id=self.committee.id if self.committee else None,
            purpose=purpose, ref_id=ref_id,
        )  # fmt: skip
        await settle(outbox)

    async def answer(self, text: str = "") -> None:
        """Answer the button press with a short notice (plain text: no HTML in notices); after a
        write, once it has committed (no network wait inside the transaction)."""
        query = self.update.callback_query
        if query is None:
            return
        notice = _plain(text)[:200] or None
        unit = self.services.db.current_unit()
        if unit is not None and self.services.db.in_unit_transaction():
            unit.after_commit(lambda: query.answer(notice))
            return
        await query.answer(notice)

    async def say(self, key: str, /, **params: object) -> Message:
        """Reply with one catalog message in the reader's language."""
        return await self.reply(self.t(key, **params))


async def reader_language(services: Services, user_id: int, committee: Committee | None) -> str:
    """The reader's own choice, else the committee's, else DEFAULT_LANGUAGE."""
    prefs = await services.users.get(user_id)
    if prefs and prefs.language in LANGUAGES:
        return prefs.language
    if committee is not None:
        return committee.language
    return services.settings.default_language


Handler = Callable[[Ctx], Awaitable[None]]


async def _build_ctx(update: Update, context: Context, args: str) -> Ctx | None:
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return None
    services = services_of(context)
    committee = member = None
    if chat.type in GROUP_TYPES:
        committee = await services.committees.by_chat(chat.id)
        if committee is not None and service_sender(update) is None:
            member = await services.roster.seat(committee, user.id)
    lang = await reader_language(services, user.id, committee)
    return Ctx(update, context, services, user, chat, committee, member, lang, args)


def gated_command(decl: Command, handler: Handler) -> Callable:
    """The PTB callback of a declared command: resolve committee and member, check where and
    who (`decl.who`), run `handler(ctx)`, and turn refusals and DomainErrors into replies."""

    @functools.wraps(handler)
    async def run(update: Update, context: Context) -> None:
        message = update.effective_message
        if message is None:
            return
        ctx = await _build_ctx(update, context, _arguments(message.text or message.caption or ""))
        if ctx is None:
            return
        refusal = _refusal(decl.name, decl, ctx)
        if refusal is not None:
            await ctx.reply(refusal)
            return
        try:
            await handler(ctx)
        except DomainError as err:
            await ctx.reply(ctx.t(err.key, **err.params))

    return run


ButtonHandler = Callable[[Ctx, list[str]], Awaitable[None]]


def gated_button(decl: Button, handler: ButtonHandler) -> Callable:
    """The route callback of a declared button: gated by `decl.who` like a command; refusals and
    DomainErrors become a short callback answer.

    The handler gets the Ctx and the callback data parts after the route; it must answer the
    query itself (`ctx.answer`) when it succeeds.
    """

    @functools.wraps(handler)
    async def run(update: Update, context: Context, parts: list[str]) -> None:
        ctx = await _build_ctx(update, context, ":".join(parts))
        if ctx is None:
            return
        refusal = _refusal(decl.gate, decl, ctx, button=True)
        if refusal is not None:
            await ctx.answer(refusal)
            return
        try:
            await handler(ctx, parts)
        except DomainError as err:
            await ctx.answer(ctx.t(err.key, **err.params))

    return run


def _refusal(name: str, decl: Command | Button, ctx: Ctx, *, button: bool = False) -> Html | None:
    """Why this command (or button) cannot run here and now, or None."""
    service = service_refusal(ctx.update, ctx.lang)
    if service is not None:
        return service
    rule: Rule = decl.who
    if ctx.is_private:
        return None if decl.works_in("private") else ctx.t("common.group_only", command=name)
    if ctx.chat.type not in GROUP_TYPES or not decl.works_in("group"):
        return ctx.t("common.private_only", command=name)
    if ctx.committee is None:
        return None if decl.before_setup else ctx.t("common.no_committee")
    if rule.outsiders or rule.group_admin:
        return None
    if ctx.member is None:
        return ctx.t("common.not_member")
    if not rule.allows(ctx.role):
        if ctx.role in decl.told:
            return ctx.t(decl.told[ctx.role])
        roles = ", ".join(ctx.t(f"roles.{r}") for r in sorted(rule.roles, key=_role_rank))
        if button:
            return ctx.t("common.forbidden_button", roles=roles)
        return ctx.t("common.forbidden", command=name, roles=roles)
    return None


def _role_rank(role: Role) -> int:
    return ROLE_ORDER.index(role)


def _plain(text: str) -> str:
    """Callback answers are not HTML: drop tags and unescape entities."""
    return html_lib.unescape(re.sub(r"<[^>]+>", "", text))


def _arguments(text: str) -> str:
    """Everything after the command word (`/cmd@Bot args` → `args`), newlines kept."""
    if not text.startswith("/"):
        return text
    parts = text.split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 else ""
