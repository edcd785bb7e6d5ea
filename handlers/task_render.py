"""Pure rendering of tasks: the card and its buttons, list lines, history, extension requests.

Callback data: `v1:t:<action>:<N>[:<percent>]` on the card (s start, p progress — with a percent
it sets it, without it shows the percent row —, b back, d done, e how to ask for an extension) and
`v1:x:<a|r>:<request id>` on an extension request. Everything here is text in; text out.
"""

from __future__ import annotations

import functools

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import dates
from bot.i18n import Html, t
from bot.services.task_extensions import ExtensionOutcome
from bot.services.task_queries import HistoryEntry, TaskView
from bot.timeliness import Timeliness
from handlers import programme_render, render
from handlers.callbacks import CALLBACK_VERSION, pack
from storage.committees import Committee
from storage.db import from_db
from storage.members import Member

QUICK_PERCENTS = (25, 50, 75, 90)


def when(value, committee: Committee, lang: str) -> str:
    """A moment with its weekday in the committee's timezone (`—` when there is none)."""
    return dates.format_datetime(value, committee.tz, lang) if value else "—"


def card(view: TaskView, committee: Committee, lang: str) -> Html:
    """The task card: number, title, people with agencies, deadline, status, document."""
    item, task = view.task.item, view.task
    lines = [
        t(lang, "task.card.header", number=item.number, title=item.title),
        *programme_render.task_lines(view, lang),
        t(lang, "task.card.lead", name=render.with_agency(view.lead, lang, notify=True)),
    ]
    if view.cooperators:
        names = Html(", ".join(render.with_agency(m, lang, notify=True) for m in view.cooperators))
        lines.append(t(lang, "task.card.cooperators", names=names))
    lines.append(t(lang, "task.card.deadline", when=when(item.deadline, committee, lang)))
    status = t(lang, f"task.status.{item.status}")
    lines.append(t(lang, "task.card.status", status=status, progress=task.progress))
    if view.timeliness == Timeliness.OPEN_OVERDUE:
        lines.append(t(lang, "task.card.overdue"))
    elif view.timeliness == Timeliness.DONE_ON_TIME:
        lines.append(t(lang, "task.card.done_on_time", when=when(task.done_at, committee, lang)))
    elif view.timeliness == Timeliness.DONE_LATE:
        late = dates.format_duration(view.late_by, lang)
        done_at = when(task.done_at, committee, lang)
        lines.append(t(lang, "task.card.done_late", late=late, when=done_at))
    document = item.document_name or item.document_url
    if item.document_file_id or document:
        lines.append(t(lang, "task.card.document", name=document or "📄"))
    if task.description:
        lines.append(t(lang, "task.card.description", text=task.description))
    if view.meeting is not None:
        lines.append(t(lang, "task.card.meeting", number=view.meeting))
    return Html("\n".join(lines))


def _button(lang: str, key: str, data: str, **params: object) -> InlineKeyboardButton:
    return InlineKeyboardButton(str(t(lang, key, **params)), callback_data=data)


def card_keyboard(view: TaskView, lang: str) -> InlineKeyboardMarkup | None:
    """Buttons for the assignees; none once the task is done or cancelled."""
    if view.status not in ("open", "in_progress"):
        return None
    return _card_keyboard(view.number, view.status, lang)


@functools.lru_cache(maxsize=1024)
def _card_keyboard(n: int, status: str, lang: str) -> InlineKeyboardMarkup:
    """The buttons of an open task's card. Memoised: they depend on these three alone, and PTB's
    markup is immutable once built (building one costs ≈ 60 µs, on every card edit)."""
    first = [_button(lang, "task.button.progress", pack(CALLBACK_VERSION, "t", "p", n))]
    if status == "open":
        first.insert(0, _button(lang, "task.button.start", pack(CALLBACK_VERSION, "t", "s", n)))
    second = [
        _button(lang, "task.button.done", pack(CALLBACK_VERSION, "t", "d", n)),
        _button(lang, "task.button.extend", pack(CALLBACK_VERSION, "t", "e", n)),
    ]
    return InlineKeyboardMarkup([first, second])


def percent_keyboard(number: int, lang: str) -> InlineKeyboardMarkup:
    """The quick progress row (25/50/75/90%) and a way back to the card's buttons."""
    row = [
        _button(lang, "task.button.percent", pack(CALLBACK_VERSION, "t", "p", number, p), percent=p)
        for p in QUICK_PERCENTS
    ]
    back = [_button(lang, "task.button.back", pack(CALLBACK_VERSION, "t", "b", number))]
    return InlineKeyboardMarkup([row, back])


def _state(view: TaskView, committee: Committee, lang: str) -> Html:
    """Status and progress, or when it was done; how late (catalog words, numbers and dates:
    nothing to escape)."""
    task = view.task
    if view.timeliness == Timeliness.OPEN_OVERDUE:
        word = t(
            lang, "task.list.overdue_by", duration=dates.format_duration(view.overdue_by, lang)
        )
        return Html(f"{t(lang, f'task.status.{view.status}')} {task.progress}% · {word}")
    if view.timeliness == Timeliness.DONE_LATE:
        word = t(lang, "task.list.late_by", duration=dates.format_duration(view.late_by, lang))
        return Html(f"{dates.format_short(task.done_at, committee.tz)} · {word}")
    if view.status == "done":
        return Html(dates.format_short(task.done_at, committee.tz))
    return Html(f"{t(lang, f'task.status.{view.status}')} {task.progress}%")


_NO_MARK = Html("⛔")  # a cancelled task


def line(view: TaskView, committee: Committee, lang: str) -> Html:
    """One task in a list: mark, number, title; lead, deadline, state."""
    mark = t(lang, f"task.mark.{view.timeliness}") if view.timeliness else _NO_MARK
    return t(
        lang,
        "task.list.line",
        mark=mark,
        number=view.number,
        title=view.task.item.title,
        lead=render.with_agency(view.lead, lang),
        deadline=dates.format_short(view.task.item.deadline, committee.tz),
        state=_state(view, committee, lang),
    )


def task_list(heading: Html, views: list[TaskView], committee: Committee, lang: str) -> Html:
    """A heading, one entry per task (blank line between), and the legend of marks."""
    if not views:
        return Html(f"{heading}\n{t(lang, 'task.list.empty')}")
    body = "\n".join(line(v, committee, lang) for v in views)
    return Html(f"{heading}\n{body}\n\n{t(lang, 'task.list.legend')}")


def everywhere(groups: list[tuple[Committee, list[TaskView]]], lang: str) -> Html:
    """`/mytasks` in a private chat: the person's open tasks, grouped by committee."""
    if not groups:
        return t(lang, "task.list.private_empty")
    parts = [t(lang, "task.list.private")]
    for committee, views in groups:
        parts.append("")
        parts.append(t(lang, "task.list.committee", title=committee.title, count=len(views)))
        parts.extend(line(v, committee, lang) for v in views)
    parts += ["", t(lang, "task.list.legend")]
    return Html("\n".join(parts))


def _short(text: str | None, committee: Committee, lang: str) -> str:
    moment = from_db(text) if text else None
    return dates.format_datetime(moment, committee.tz, lang) if moment else "—"


def _what(entry: HistoryEntry, people: dict[int, Member], committee: Committee, lang: str) -> str:
    d, action = entry.details, entry.action.removeprefix("task.")
    params: dict[str, object] = {}
    if action == "create":
        params["deadline"] = _short(d.get("deadline"), committee, lang)
    elif action == "progress":
        params["percent"] = d.get("percent")
    elif action in ("extend", "extension_request", "extension_approved"):
        params["before"] = _short(d.get("deadline_before"), committee, lang)
        params["after"] = _short(d.get("deadline_after"), committee, lang)
    elif action == "reassign":
        lead, old = (people.get(d.get(k, {}).get("lead")) for k in ("after", "before"))
        params["lead"] = lead.display_name if lead else "—"
        params["before"] = old.display_name if old else "—"
    key = f"task.history.{action}"
    if action not in _HISTORY_ACTIONS:
        key, params = "task.history.other", {"action": entry.action}
    what = t(lang, key, **params)
    note = d.get("note") or d.get("reason")
    if note:
        what = Html(what + t(lang, "task.history.note", text=note))
    return what


_HISTORY_ACTIONS = frozenset(
    "create start progress done extend extension_request extension_approved extension_rejected"
    " reassign cancel reopen".split()
)


def history(
    entries: list[HistoryEntry], people: dict[int, Member], committee: Committee, lang: str
) -> Html:
    """`/show N`: every change with when, who, and what (notes and reasons quoted literally)."""
    lines = [t(lang, "task.history.heading")]
    for entry in entries:
        actor = (
            render.name(entry.actor, lang) if entry.actor else t(lang, "task.history.unknown_actor")
        )
        if entry.details.get("on_behalf_name"):  # a stand-in: "B (thay đồng chí A)"
            actor = t(lang, "standin.on_behalf", standin=actor,
                      member=entry.details["on_behalf_name"])  # fmt: skip
        when = dates.format_short(entry.at, committee.tz)
        what = _what(entry, people, committee, lang)
        lines.append(t(lang, "task.history.line", when=when, actor=actor, what=what))
    return Html("\n".join(lines))


def extension_request(
    outcome: ExtensionOutcome,
    deciders: list[Member],
    committee: Committee,
    lang: str,
    decided_by: Member | None = None,
) -> Html:
    """The group message asking the secretary and chair to decide; with the decision once made."""
    request, item = outcome.request, outcome.view.task.item
    text = t(
        lang,
        "extend.request",
        number=item.number,
        title=item.title,
        requester=render.with_agency(outcome.requester, lang),
        before=when(request.old_deadline, committee, lang),
        after=when(request.new_deadline, committee, lang),
        reason=request.reason,
        deciders=Html(", ".join(render.mention(m, lang) for m in deciders)),
    )
    if decided_by is None:
        return text
    return Html(f"{text}\n\n{decision(outcome, decided_by, committee, lang)}")


def decision(outcome: ExtensionOutcome, decider: Member, committee: Committee, lang: str) -> Html:
    """The line added to a request once decided."""
    request = outcome.request
    name = render.name(decider, lang)
    deadline = when(outcome.view.task.item.deadline, committee, lang)
    if request.status == "approved":
        return t(lang, "extension.approved", name=name, deadline=deadline)
    if request.decision_reason:
        reason = request.decision_reason
        return t(lang, "extension.rejected_reason", name=name, deadline=deadline, reason=reason)
    return t(lang, "extension.rejected", name=name, deadline=deadline)


def extension_keyboard(request_id: int, lang: str) -> InlineKeyboardMarkup:
    """Approve / Reject, for the secretary and chair."""
    return InlineKeyboardMarkup(
        [
            [
                _button(lang, "extension.approve", pack(CALLBACK_VERSION, "x", "a", request_id)),
                _button(lang, "extension.reject", pack(CALLBACK_VERSION, "x", "r", request_id)),
            ]
        ]
    )
