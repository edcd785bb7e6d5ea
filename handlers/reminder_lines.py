"""What each kind of reminder says in a batch — the extension point other item kinds plug into.

A kind (`task_offset`, `task_overdue`, `pending`, `adhoc`; `meeting`, `collection`, … from their
own modules) declares, with `reminder_lines(kind, group=…, private=…, buttons=…)`:

- `group(dispatch, lang, author)`: its block in the committee's one group post (mentions whom
  it concerns);
- `private(dispatch, member, lang)`: its line in that member's "your items today" message
  (never the names of others who have not answered);
- `buttons(dispatch, member, lang)`: rows of buttons acting on it from the private message;
  build their data with `private_data(committee, route, *parts)` so that a press runs the
  group card's own button route behind its own gate (`handlers/reminders.py`, route `r`).

The sweep's service side takes the kind's rows through `ReminderService.contribute`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from telegram import InlineKeyboardButton

from bot.i18n import Html, t
from bot.services.reminder_sweep import Dispatch
from handlers.callbacks import CALLBACK_VERSION, pack
from storage.committees import Committee
from storage.members import Member

PRIVATE_ROUTE = "r"
GroupLines = Callable[[Dispatch, str, Member | None], Html]
PrivateLines = Callable[[Dispatch, Member, str], Html]
Buttons = Callable[[Dispatch, Member, str], list[list[InlineKeyboardButton]]]


@dataclass(frozen=True)
class Lines:
    """How one reminder kind shows in the group post, in a private message, and its buttons."""

    group: GroupLines
    private: PrivateLines | None = None  # None: the kind never goes privately (ad-hoc)
    buttons: Buttons | None = None


KINDS: dict[str, Lines] = {}


def reminder_lines(
    kind: str,
    *,
    group: GroupLines,
    private: PrivateLines | None = None,
    buttons: Buttons | None = None,
) -> Lines:
    """Declare how reminders of `kind` are written (a later declaration replaces it)."""
    KINDS[kind] = declared = Lines(group, private, buttons)
    return declared


def lines_of(kind: str) -> Lines:
    """The declared lines of a reminder kind (every module of `handlers` is imported first)."""
    if kind not in KINDS:
        from handlers import registry

        registry.discover()
    return KINDS[kind]


def private_data(committee: Committee, route: str, *parts: object) -> str:
    """Callback data for a private button that runs `route` (a group card's) for `committee`."""
    return pack(CALLBACK_VERSION, PRIVATE_ROUTE, committee.id, route, *parts)


def button(lang: str, number: int, label_key: str, data: str) -> InlineKeyboardButton:
    """A private button: the item's number, then the group card button's own label."""
    label = t(lang, "batch.button", number=number, label=t(lang, label_key))
    return InlineKeyboardButton(str(label), callback_data=data)
