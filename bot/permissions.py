"""Who may run what: the one table from command to roles (design §5), checked before services.

Rules finer than a role (the lead of *this* task, the author of *this* reminder) are checked by
the service that owns the item; this table is the gate every command passes first.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.models import ALL_ROLES, MANAGERS, SECRETARY_CHAIR, VOTING_ROLES, Role


@dataclass(frozen=True)
class Rule:
    """`roles` that may run a command; `outsiders` lets non-members run it too."""

    roles: frozenset[Role] = ALL_ROLES
    outsiders: bool = False
    group_admin: bool = False  # decided by Telegram (getChatMember), not by our roster


ANYONE = Rule(outsiders=True)
MEMBERS = Rule()
SECRETARY_OR_CHAIR = Rule(SECRETARY_CHAIR)
MANAGERS_ONLY = Rule(MANAGERS)
VOTERS = Rule(VOTING_ROLES)

PERMISSIONS: dict[str, Rule] = {
    # foundation
    "setup": Rule(outsiders=True, group_admin=True),
    "join": ANYONE,
    "help": ANYONE,
    "start": ANYONE,
    "lang": ANYONE,
    "notify": ANYONE,
    "add": SECRETARY_OR_CHAIR,
    "role": SECRETARY_OR_CHAIR,
    "remove": SECRETARY_OR_CHAIR,
    "confirm_seat": SECRETARY_OR_CHAIR,  # the button confirming a pre-registered seat's person
    "leave": MEMBERS,
    "members": MEMBERS,
    "settings": MEMBERS,
    "settings.change": SECRETARY_OR_CHAIR,
    # tasks
    "assign": MANAGERS_ONLY,
    "tasks": MEMBERS,
    "mytasks": ANYONE,
    "show": MEMBERS,
    "progress": MEMBERS,
    "done": MEMBERS,
    "extend": MEMBERS,
    "approve": SECRETARY_OR_CHAIR,
    "reject": SECRETARY_OR_CHAIR,
    "reassign": SECRETARY_OR_CHAIR,
    "cancel": SECRETARY_OR_CHAIR,
    "reopen": SECRETARY_OR_CHAIR,
    # consultations and votes
    "consult": MANAGERS_ONLY,
    "opinion": VOTERS,
    "pending": MEMBERS,
    "poll": MANAGERS_ONLY,
    "vote": MANAGERS_ONLY,
    "ballot": VOTERS,
    "close": SECRETARY_OR_CHAIR,
    # reminders, digest, reports
    "remind": MANAGERS_ONLY,
    "reminders": MEMBERS,
    "unremind": Rule(frozenset({Role.SECRETARY})),
    "digest": MEMBERS,
    "report": MANAGERS_ONLY,
    "history": SECRETARY_OR_CHAIR,
    "export": SECRETARY_OR_CHAIR,
}


def allowed(command: str, role: Role | None) -> bool:
    """Whether a seat with `role` (None: not a member) passes the gate of `command`."""
    rule = PERMISSIONS[command]
    if role is None:
        return rule.outsiders
    return role in rule.roles


def roles_for(command: str) -> frozenset[Role]:
    """The roles a command is open to (for help texts and refusals)."""
    return PERMISSIONS[command].roles
