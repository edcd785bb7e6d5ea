"""Pure rendering of collections: the card and its button, /pending, /show, the result, the
private choice of collection, the early-close confirmation and /recurring."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import dates
from bot.i18n import Html, t
from bot.services.collection_model import Row, Standing
from bot.services.series import SeriesLine
from handlers import programme_render, render
from handlers.callbacks import CALLBACK_VERSION, pack
from storage.collections import Submission
from storage.committees import Committee
from storage.items import Item

ROUTE = "bc"  # v1:bc:s:<item id> send · v1:bc:p:<item id> pick for a parked private file
MAX_CHOICES = 8


def _when(standing: Standing, moment, lang: str) -> str:
    return dates.format_datetime(moment, standing.committee.tz, lang)


def size_text(size: int | None) -> str:
    """`12 KB`, `3.4 MB`."""
    if size is None:
        return "?"
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def _every(standing: Standing, lang: str) -> Html:
    if standing.series_every is None:
        return Html("")
    return t(lang, "collect.card_every", every=t(lang, f"recurring.every.{standing.series_every}"))


def _sender(row: Row, standing: Standing, lang: str) -> Html:
    key = "collect.card_sender_late" if row.state == "late" else "collect.card_sender"
    return t(
        lang,
        key,
        name=render.with_agency(row.member, lang),
        at=_when(standing, row.submission.at, lang),
    )


def card(standing: Standing, lang: str) -> Html:
    """The card for everyone: number, title, deadline, sent X/Y, who has sent."""
    item = standing.item
    lines = [
        t(
            lang,
            "collect.card",
            number=item.number,
            title=item.title,
            deadline=_when(standing, item.deadline, lang),
            closes=_when(standing, standing.collection.closes_at, lang),
            sent=standing.sent,
            asked=standing.asked,
            every=_every(standing, lang),
        )
    ]
    lines[0] = programme_render.under_header(lines[0], standing.programme, lang)
    if standing.senders:
        lines.append(t(lang, "collect.card_senders"))
        lines += [_sender(row, standing, lang) for row in standing.senders]
    if standing.closed:
        lines.append(
            t(lang, "collect.card_closed", closed_at=_when(standing, item.closed_at, lang))
        )
    else:
        lines.append(t(lang, "collect.card_hint"))
    return Html("\n".join(lines))


def keyboard(standing: Standing, lang: str) -> InlineKeyboardMarkup | None:
    """ "Nộp báo cáo" while open; nothing once closed."""
    if standing.closed:
        return None
    data = pack(CALLBACK_VERSION, ROUTE, "s", standing.item.id)
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(t(lang, "collect.button_send"), callback_data=data)]]
    )


def pending(standing: Standing, lang: str) -> Html:
    """`/pending N`: mentions of those who have not sent."""
    number = standing.item.number
    if standing.closed:
        return t(lang, "collect.pending_closed", number=number)
    waiting = standing.pending
    if not waiting:
        return t(lang, "collect.pending_none", number=number, asked=standing.asked)
    names = Html(", ".join(render.with_agency(m, lang, notify=True) for m in waiting))
    return t(
        lang,
        "collect.pending",
        number=number,
        count=len(waiting),
        asked=standing.asked,
        names=names,
    )


def show(standing: Standing, history: list[Submission], lang: str) -> Html:
    """`/show N`: the card, then every file ever sent (replacements included)."""
    lines = [card(standing, lang), "", t(lang, "collect.show_history")]
    people = {row.member.id: row.member for row in standing.rows}
    for sub in history:
        member = people.get(sub.member_id)
        who = render.with_agency(member, lang) if member else "—"
        key = "collect.show_file_late" if sub.late else "collect.show_file"
        lines.append(
            t(
                lang,
                key,
                at=_when(standing, sub.at, lang),
                name=who,
                file=sub.file.name,
                size=size_text(sub.file.size),
            )
        )
    if not history:
        lines.append(t(lang, "collect.show_none"))
    return Html("\n".join(lines))


def result(standing: Standing, lang: str) -> Html:
    """The result posted at close: on time / late / not sent, by agency."""
    item = standing.item
    lines = [
        t(
            lang,
            "collect.result",
            number=item.number,
            title=item.title,
            asked=standing.asked,
            on_time=standing.count("on_time"),
            late=standing.count("late"),
            missing=standing.count("missing"),
        )
    ]
    for state in ("on_time", "late", "missing"):
        rows = [row for row in standing.rows if row.state == state]
        if not rows:
            continue
        lines.append("")
        lines.append(t(lang, f"collect.result_{state}", count=len(rows)))
        for row in rows:
            at = _when(standing, row.submission.at, lang) if row.submission else ""
            key = "collect.result_line" if row.submission else "collect.result_line_missing"
            lines.append(t(lang, key, name=render.with_agency(row.member, lang), at=at))
    return Html("\n".join(lines))


def submitted(standing: Standing, sub: Submission, replaced: bool, name: Html, lang: str) -> Html:
    """The reply to a file: recorded, on time or late, replaced or not."""
    key = "collect.recorded_late" if sub.late else "collect.recorded"
    text = t(
        lang,
        key,
        name=name,
        number=standing.item.number,
        file=sub.file.name,
        size=size_text(sub.file.size),
        sent=standing.sent,
        asked=standing.asked,
    )
    if replaced:
        text = Html(text + "\n" + t(lang, "collect.recorded_replaced"))
    return text


def choices(found: list[tuple[Committee, Item]], lang: str) -> InlineKeyboardMarkup:
    """Buttons `#N title` for the open collections a parked private file may be for."""
    rows = []
    for committee, item in found[:MAX_CHOICES]:
        label = t(
            lang,
            "collect.choice",
            number=item.number,
            title=item.title[:40],
            committee=committee.title[:24],
        )
        rows.append(
            [InlineKeyboardButton(label, callback_data=pack(CALLBACK_VERSION, ROUTE, "p", item.id))]
        )
    return InlineKeyboardMarkup(rows)


def recurring(lines: list[SeriesLine], committee: Committee, lang: str) -> Html:
    """`/recurring`: each running series with its newest occurrence."""
    if not lines:
        return t(lang, "recurring.none")
    out = [t(lang, "recurring.header", count=len(lines))]
    for line in lines:
        if line.series.kind == "adhoc":
            out.append(_reminder_line(line, committee, lang))
            continue
        item = line.latest
        when = (
            dates.format_datetime(item.deadline, committee.tz, lang)
            if item and item.deadline
            else "—"
        )
        out.append(
            t(
                lang,
                "recurring.line",
                title=line.series.title,
                every=t(lang, f"recurring.every.{line.series.every}"),
                number=item.number if item else "—",
                deadline=when,
            )
        )
    out.append(t(lang, "recurring.footer"))
    return Html("\n".join(out))


def _reminder_line(line: SeriesLine, committee: Committee, lang: str) -> Html:
    reminder = line.reminder
    when = dates.format_datetime(reminder.due_at, committee.tz, lang) if reminder else "—"
    return t(
        lang,
        "recurring.line_reminder",
        title=line.series.title,
        every=t(lang, f"recurring.every.{line.series.every}"),
        number=reminder.seq if reminder else "—",
        when=when,
    )
