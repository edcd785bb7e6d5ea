"""Who may run what: the `Rule` a command, button or gate declares (design §5), and the usual ones.

Each handler declares its rule beside itself (`handlers/registry.py`); the permission table is
derived from those declarations (`python -m bot routes` prints it). Rules finer than a role (the
lead of *this* task, the author of *this* reminder) are checked by the service owning the item.
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

    def allows(self, role: Role | None) -> bool:
        """Whether a seat with `role` (None: not a member) passes this gate."""
        return self.outsiders if role is None else role in self.roles


ANYONE = Rule(outsiders=True)
MEMBERS = Rule()
SECRETARY_OR_CHAIR = Rule(SECRETARY_CHAIR)
MANAGERS_ONLY = Rule(MANAGERS)
VOTERS = Rule(VOTING_ROLES)
SECRETARY_ONLY = Rule(frozenset({Role.SECRETARY}))
GROUP_ADMIN = Rule(outsiders=True, group_admin=True)
