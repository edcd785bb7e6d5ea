"""Reading arguments off a message: the person a command names, an item number."""

from __future__ import annotations

import re

from telegram import Message, MessageEntity

from bot.errors import DomainError
from bot.models import is_service_account
from bot.services.roster import Person

USERNAME = re.compile(r"@([A-Za-z][A-Za-z0-9_]{3,31})\b")
NUMBER = re.compile(r"#?(\d{1,9})")


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
    """The people named at the start of `args` (@user or text mentions), and the rest."""
    people: list[Person] = []
    text_mentions = {
        text: Person(e.user.id, e.user.username, e.user.full_name)
        for e, text in message.parse_entities([MessageEntity.TEXT_MENTION]).items()
        if e.user
    }
    rest = args
    while rest:
        match = USERNAME.match(rest)
        if match:
            people.append(Person(username=match[1].lower()))
            rest = rest[match.end() :].lstrip()
            continue
        for label, person in text_mentions.items():
            if rest.startswith(label):
                people.append(person)
                rest = rest[len(label) :].lstrip()
                break
        else:
            break
    return people, rest


def target(message: Message, args: str, usage_key: str) -> tuple[Person, str]:
    """The one person a command is about: `@user …`, a text mention, or the replied-to author."""
    people, rest = leading_people(message, args)
    if people:
        return people[0], rest
    replied = message.reply_to_message
    if replied is not None and replied.from_user:
        u = replied.from_user
        if replied.sender_chat is not None:  # an anonymous admin's or a channel's message
            raise DomainError("roster.service_account", name=replied.sender_chat.title or "")
        if u.is_bot or is_service_account(u.id):
            raise DomainError("roster.service_account", name=u.full_name)
        return Person(u.id, u.username, u.full_name), args
    raise DomainError(usage_key)


def item_number(args: str, usage_key: str) -> tuple[int, str]:
    """`#N rest` or `N rest` → (N, rest); anything else is a usage error."""
    head, _, rest = args.strip().partition(" ")
    match = NUMBER.fullmatch(head)
    if not match:
        raise DomainError(usage_key)
    return int(match[1]), rest.strip()
