"""Domain vocabulary shared by services and handlers: roles and their groupings."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """A seat's role on the committee (design §4)."""

    CHAIR = "chair"
    STANDING_DEPUTY = "standing_deputy"
    DEPUTY = "deputy"
    MEMBER = "member"
    SECRETARY = "secretary"


ALL_ROLES = frozenset(Role)
DEPUTIES = frozenset({Role.STANDING_DEPUTY, Role.DEPUTY})
MANAGERS = frozenset({Role.SECRETARY, Role.CHAIR}) | DEPUTIES
SECRETARY_CHAIR = frozenset({Role.SECRETARY, Role.CHAIR})
# The secretary runs the paperwork and does not answer, vote or count in "all active members".
VOTING_ROLES = frozenset({Role.CHAIR, Role.STANDING_DEPUTY, Role.DEPUTY, Role.MEMBER})
ROLE_ORDER = (Role.CHAIR, Role.STANDING_DEPUTY, Role.DEPUTY, Role.MEMBER, Role.SECRETARY)

# Words accepted for a role in `/add` and `/role` (English and Vietnamese, without spaces).
ROLE_WORDS = {
    "chair": Role.CHAIR,
    "truongban": Role.CHAIR,
    "trưởngban": Role.CHAIR,
    "standing_deputy": Role.STANDING_DEPUTY,
    "standing-deputy": Role.STANDING_DEPUTY,
    "standingdeputy": Role.STANDING_DEPUTY,
    "ptbtt": Role.STANDING_DEPUTY,
    "photruongbanthuongtruc": Role.STANDING_DEPUTY,
    "deputy": Role.DEPUTY,
    "ptb": Role.DEPUTY,
    "photruongban": Role.DEPUTY,
    "member": Role.MEMBER,
    "thanhvien": Role.MEMBER,
    "thànhviên": Role.MEMBER,
    "tv": Role.MEMBER,
    "secretary": Role.SECRETARY,
    "thuky": Role.SECRETARY,
    "thưký": Role.SECRETARY,
}


def parse_role(word: str) -> Role | None:
    """The role a typed word names, or None."""
    return ROLE_WORDS.get(word.strip().lower().replace(" ", ""))


# Telegram's service senders (the values of `telegram.constants.ChatID`; services know no
# Telegram): an anonymous group admin (GroupAnonymousBot), a message on behalf of a channel
# (Channel_Bot) and Telegram itself (auto-forwards from a linked channel). Never a seat.
ANONYMOUS_ADMIN_ID = 1087968824
CHANNEL_BOT_ID = 136817688
TELEGRAM_SERVICE_ID = 777000
SERVICE_USER_IDS = frozenset({ANONYMOUS_ADMIN_ID, CHANNEL_BOT_ID, TELEGRAM_SERVICE_ID})


def is_service_account(user_id: int | None, username: str | None = None) -> bool:
    """Whether an account can never hold a seat: a Telegram service id, or a bot's username."""
    if user_id is not None and user_id in SERVICE_USER_IDS:
        return True
    return bool(username) and username.lower().endswith("bot")  # Telegram reserves *bot for bots
