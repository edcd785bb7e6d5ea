"""Reading arguments off a message: the person a command names, an item number."""

from __future__ import annotations

import re

from telegram import Message, MessageEntity

from bot.errors import DomainError
from bot.models import is_service_account
from bot.services.roster import Person

USERNAME = re.compile(r"@([A-Za-z][A-Za-z0-9_]{3,31})\b")
NUMBER = re.compile(r"#?(\d{1,9})")
SEPARATOR = re.compile(r"\s*(?:[,;&+]|(?:và|va|and)(?=\s))\s*", re.IGNORECASE)


def mentioned_people(message: Message) -> list[tuple[int, int, Person]]:
    """(offset, length, person) for every @mention and text mention, in order."""
    found = []
    for entity, text in message.parse_entities(
        [MessageEntity.MENTION, MessageEntity.TEXT_MENTION]
    ).items():
        if entity.type == MessageEntity.TEXT_MENTION and entity.user:
            u = entity.user
            found.append((entity.offset, entity.length, Person(u.id, u.username, u.full_name)))
        else:
            found.append((entity.offset, entity.length, Person(username=text[1:].lower())))
    return sorted(found, key=lambda f: f[0])


def leading_people(message: Message, args: str) -> tuple[list[Person], str]:
    """The people named at the start of `args` (@user or text mentions, apart by spaces, `,`,
    `;`, `và`/`and`), and the rest."""
    people: list[Person] = []
    text_mentions = {
        text: Person(e.user.id, e.user.username, e.user.full_name)
        for e, text in message.parse_entities([MessageEntity.TEXT_MENTION]).items()
        if e.user
    }
    rest = args.strip()
    while rest:
        found = _person_at(rest, text_mentions)
        if found is None:
            break
        person, rest = found
        people.append(person)
        joiner = SEPARATOR.match(rest)
        if joiner and _person_at(rest[joiner.end() :], text_mentions):
            rest = rest[joiner.end() :]
        else:
            rest = rest.lstrip(",;: ").lstrip()
    return people, rest


def _person_at(text: str, text_mentions: dict[str, Person]) -> tuple[Person, str] | None:
    """The person named at the very start of `text`, and what follows."""
    match = USERNAME.match(text)
    if match:
        return Person(username=match[1].lower()), text[match.end() :].lstrip()
    for label, person in text_mentions.items():
        if text.startswith(label):
            return person, text[len(label) :].lstrip()
    return None


def replied_person(message: Message) -> Person | None:
    """The author of the message replied to (None if none; a service account is refused)."""
    replied = message.reply_to_message
    if replied is None or not replied.from_user:
        return None
    u = replied.from_user
    if replied.sender_chat is not None:  # an anonymous admin's or a channel's message
        raise DomainError("roster.service_account", name=replied.sender_chat.title or "")
    if u.is_bot or is_service_account(u.id):
        raise DomainError("roster.service_account", name=u.full_name)
    return Person(u.id, u.username, u.full_name)


def target(message: Message, args: str, usage_key: str) -> tuple[Person, str]:
    """The one person a command is about: `@user …`, a text mention, or the replied-to author."""
    people, rest = leading_people(message, args)
    if people:
        return people[0], rest
    person = replied_person(message)
    if person is not None:
        return person, args
    raise DomainError(usage_key)


def item_number(args: str, usage_key: str) -> tuple[int, str]:
    """`#N rest` or `N rest` → (N, rest); anything else is a usage error."""
    head, _, rest = args.strip().partition(" ")
    match = NUMBER.fullmatch(head)
    if not match:
        raise DomainError(usage_key)
    return int(match[1]), rest.strip()
