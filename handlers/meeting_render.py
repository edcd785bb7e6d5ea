"""Pure rendering of meetings: the card and its buttons, /pending, /show, the /conclude summary.

Callback data: `v1:m:<a|s|x|i>:<item id>` (attend, stand-in, absent, .ics) on the card and the
private invitation; `v1:mk:<y|n>:<draft id>` on a /conclude summary.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import dates
from bot.i18n import Html, escape, t
from bot.names import shown
from bot.services.meeting_conclusions import Prepared
from bot.services.meeting_model import MeetingView
from handlers import programme_render, render
from handlers.callbacks import CALLBACK_VERSION, pack
from handlers.task_render import when

ROUTE, CONCLUDE_ROUTE = "m", "mk"
CODES = {"a": "attend", "s": "standin", "x": "absent"}


def start(view: MeetingView, lang: str) -> str:
    """`Thứ Năm, 10/12/2026 14:00` in the committee's timezone."""
    return dates.format_datetime(view.start, view.committee.tz, lang)


def status_label(lang: str, status: str) -> Html:
    """Tham dự / Cử người dự thay / Vắng."""
    return t(lang, f"meeting.status.{status}")


def card(view: MeetingView, lang: str) -> Html:
    """Number, title, time, place, agenda, pre-reads, attendance counts; cancelled or held."""
    lines = [
        t(lang, "meeting.card.header", number=view.number, title=view.item.title),
        *programme_render.card_lines(view.programme, lang),
        t(lang, "meeting.card.time", when=start(view, lang)),
        t(lang, "meeting.card.place", place=view.place or "—"),
    ]
    if view.lines:
        lines.append(t(lang, "meeting.card.agenda"))
        lines += [t(lang, "meeting.card.agenda_line", n=i, text=a.text) for i, a in
                  enumerate(view.lines, start=1)]  # fmt: skip
    if view.prereads:
        names = Html(", ".join(shown(escape(a.text)) for a in view.prereads))
        lines.append(t(lang, "meeting.card.prereads", names=names))
    lines.append(
        t(
            lang,
            "meeting.card.attendance",
            confirmed=view.confirmed,
            invited=len(view.invitees),
            attend=len(view.with_status("attend")),
            standin=len(view.with_status("standin")),
            absent=len(view.with_status("absent")),
        )
    )
    for member, row in _by_standins(view):
        name = answerer(member, view.acting_for(member), lang, short=True)
        lines.append(t(lang, "standin.meeting_card_line", name=name,
                       label=status_label(lang, row.status)))  # fmt: skip
    if view.item.status == "cancelled":
        lines.append(t(lang, "meeting.card.cancelled", reason=view.cancel_reason or "—"))
    elif view.item.status == "held":
        lines.append(t(lang, "meeting.card.held", count=len(view.conclusions)))
    else:
        lines.append(t(lang, "meeting.card.hint"))
    return Html("\n".join(lines))


def _by_standins(view: MeetingView) -> list:
    """(invitee, answer) where a stand-in gave the answer (issue 17)."""
    return [(m, view.attendance[m.id]) for m in view.invitees if view.acting_for(m)]


def answerer(member, acting, lang: str, mention: bool = False, short: bool = False) -> Html | str:
    """`B (thay đồng chí A)` when `acting` answers for `member`, else the member's name (with
    the agency unless `short`; notifying them if `mention`)."""
    shown = render.mention if mention else render.name if short else render.with_agency
    if acting is None:
        return shown(member, lang)
    return t(
        lang, "standin.on_behalf", standin=shown(acting, lang), member=render.name(member, lang)
    )


def _button(lang: str, key: str, *parts: object) -> InlineKeyboardButton:
    return InlineKeyboardButton(str(t(lang, key)), callback_data=pack(CALLBACK_VERSION, *parts))


def keyboard(view: MeetingView, lang: str) -> InlineKeyboardMarkup | None:
    """Tham dự / Cử người dự thay / Vắng, and the .ics, while the meeting is ahead."""
    if view.item.status != "open":
        return None
    i = view.item.id
    return InlineKeyboardMarkup(
        [
            [_button(lang, "meeting.button.attend", ROUTE, "a", i)],
            [
                _button(lang, "meeting.button.standin", ROUTE, "s", i),
                _button(lang, "meeting.button.absent", ROUTE, "x", i),
            ],
            [_button(lang, "meeting.button.ics", ROUTE, "i", i)],
        ]
    )


def attendance(view: MeetingView, lang: str) -> list[Html]:
    """One line per invitee: their answer (stand-in, reason) or that they have not answered."""
    lines = []
    for member in view.invitees:
        row = view.attendance.get(member.id)
        name = answerer(member, view.acting_for(member), lang)
        if row is None:
            lines.append(t(lang, "meeting.show.unconfirmed", name=name))
        else:
            label = status_label(lang, row.status)
            lines.append(t(lang, f"meeting.show.{row.status}", name=name, label=label,
                           detail=row.detail))  # fmt: skip
    return lines


def show(view: MeetingView, lang: str) -> Html:
    """`/show N`: the card, everyone's answer, the conclusions and each task's status."""
    lines = [card(view, lang), "", t(lang, "meeting.show.attendance"), *attendance(view, lang)]
    if view.conclusions:
        lines += ["", t(lang, "meeting.show.conclusions")]
        for i, conclusion in enumerate(view.conclusions, start=1):
            task = conclusion.task
            if task is None:
                lines.append(t(lang, "meeting.show.conclusion", n=i, text=conclusion.text))
                continue
            lines.append(
                t(
                    lang,
                    "meeting.show.conclusion_task",
                    n=i,
                    text=conclusion.text,
                    number=task.number,
                    status=t(lang, f"task.status.{task.status}"),
                    progress=task.task.progress,
                    timeliness=Html(" — " + t(lang, f"timeliness.{task.timeliness}"))
                    if task.timeliness
                    else Html(""),
                )
            )
        done = sum(task.status == "done" for task in view.tasks)
        lines.append(t(lang, "meeting.show.tally", done=done, total=len(view.tasks)))
    return Html("\n".join(str(line) for line in lines))


def pending(view: MeetingView, lang: str, acting: dict | None = None) -> Html:
    """`/pending N`: mentions of the invitees who have not answered (of their stand-in today,
    `B (thay đồng chí A)`, where one acts for them)."""
    if not view.pending:
        return t(lang, "meeting.pending.none", number=view.number)
    acting = acting or {}
    names = Html(
        ", ".join(str(answerer(m, acting.get(m.id), lang, mention=True)) for m in view.pending)
    )
    return t(lang, "meeting.pending.list", number=view.number, count=len(view.pending), names=names)


def summary(prepared: Prepared, lang: str) -> Html:
    """The /conclude summary: tasks to be made, conclusions to record, lines not read."""
    item = prepared.item
    lines = [t(lang, "conclude.summary.header", number=item.number, title=item.title)]
    for i, read in enumerate(prepared.lines, start=1):
        if read.error is not None:
            key, params = read.error
            why = t(lang, key, **params)
            lines.append(t(lang, "conclude.summary.bad", n=i, text=read.line.text, why=why))
        elif read.lead is not None:
            people = render.with_agency(read.lead, lang)
            if read.cooperators:
                coops = Html(", ".join(render.with_agency(m, lang) for m in read.cooperators))
                people = t(lang, "conclude.summary.with", lead=people, cooperators=coops)
            lines.append(t(lang, "conclude.summary.task", n=i, text=read.line.text, people=people))
        else:
            lines.append(t(lang, "conclude.summary.note", n=i, text=read.line.text))
    tasks = sum(1 for r in prepared.usable if r.lead is not None)
    if prepared.draft_id is None:
        lines.append(t(lang, "conclude.summary.nothing"))
    else:
        lines.append(t(lang, "conclude.summary.confirm", tasks=tasks,
                       notes=len(prepared.usable) - tasks))  # fmt: skip
    return Html("\n".join(str(line) for line in lines))


def summary_keyboard(prepared: Prepared, lang: str) -> InlineKeyboardMarkup | None:
    """Confirm / Drop, when there is something to record."""
    if prepared.draft_id is None:
        return None
    d = prepared.draft_id
    return InlineKeyboardMarkup(
        [[_button(lang, "conclude.button.yes", CONCLUDE_ROUTE, "y", d),
          _button(lang, "conclude.button.no", CONCLUDE_ROUTE, "n", d)]]
    )  # fmt: skip


def tally_line(tally, lang: str) -> Html:
    """`Kết luận các phiên họp: hoàn thành x/y, quá hạn z`."""
    return t(lang, "meeting.tally", done=tally.done, total=tally.total, overdue=tally.overdue)


__all__ = ["card", "keyboard", "pending", "show", "summary", "summary_keyboard", "when"]
