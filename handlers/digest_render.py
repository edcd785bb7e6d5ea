"""Pure rendering of the weekly digest (the data comes from `bot.services.digest`)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot import dates
from bot.i18n import Html, t
from bot.reports import agency_label
from bot.services.digest import Digest, TaskLine
from bot.timeliness import Timeliness
from handlers.render import periodic_text, with_agency


def _deadline(when: datetime | None, tz: ZoneInfo, lang: str) -> str:
    return dates.format_short(when, tz) if when else t(lang, "digest.no_deadline")


def _lead(entry: TaskLine, lang: str) -> Html:
    return with_agency(entry.lead, lang) if entry.lead else t(lang, "digest.nobody")


def render(digest: Digest, lang: str, late_since: datetime | None = None) -> Html:
    """The digest as one HTML text (the sender splits it under 4096 characters)."""
    tz = digest.committee.tz
    lines = [
        t(
            lang,
            "digest.header",
            title=digest.committee.title,
            start=dates.format_date(digest.start, tz, lang),
            end=dates.format_date(digest.end, tz, lang),
        )
    ]
    if late_since is not None:
        lines.append(t(lang, "digest.late", when=dates.format_datetime(late_since, tz, lang)))
    if digest.empty:
        lines += ["", t(lang, "digest.nothing")]
    if digest.done:
        lines += ["", t(lang, "digest.done", count=len(digest.done))]
        for entry in digest.done:
            key = "done_on_time" if entry.timeliness == Timeliness.DONE_ON_TIME else "done_late"
            lines.append(_task(lang, "digest.done_line", entry, state=t(lang, f"digest.{key}")))
    if digest.in_progress:
        lines += ["", t(lang, "digest.in_progress", count=len(digest.in_progress))]
        for entry in digest.in_progress:
            lines.append(
                _task(
                    lang,
                    "digest.progress_line",
                    entry,
                    progress=entry.task.progress,
                    deadline=_deadline(entry.task.item.deadline, tz, lang),
                )
            )
    if digest.overdue:
        total = sum(len(group) for _, group in digest.overdue)
        lines += ["", t(lang, "digest.overdue", count=total)]
        for agency, group in digest.overdue:
            shown = agency_label(agency, lang)
            lines.append(t(lang, "digest.agency", agency=shown, count=len(group)))
            for entry in group:
                late_text = dates.format_duration(entry.overdue_by, lang)
                lines.append(_task(lang, "digest.overdue_line", entry, late=late_text))
    if digest.due_soon:
        lines += ["", t(lang, "digest.due_soon", count=len(digest.due_soon))]
        for entry in digest.due_soon:
            deadline = _deadline(entry.task.item.deadline, tz, lang)
            lines.append(_task(lang, "digest.due_line", entry, deadline=deadline))
    lines += _items(digest, lang, tz)
    if digest.conclusions is not None and digest.conclusions.total:
        tally = digest.conclusions
        lines += ["", t(lang, "meeting.tally", done=tally.done, total=tally.total,
                        overdue=tally.overdue)]  # fmt: skip
    if digest.agencies:
        lines += ["", t(lang, "digest.agencies")]
        for agency in digest.agencies:
            counts = agency.counts
            lines.append(
                t(
                    lang,
                    "digest.agency_line",
                    mark=t(lang, f"mark.{agency.mark}"),
                    agency=agency_label(agency.agency, lang),
                    on_time=counts.get(Timeliness.DONE_ON_TIME, 0),
                    problems=counts.get(Timeliness.DONE_LATE, 0)
                    + counts.get(Timeliness.OPEN_OVERDUE, 0),
                    open=counts.get(Timeliness.OPEN_ON_TIME, 0),
                )
                + periodic_text(agency, lang)
            )
        lines.append(t(lang, "mark.rule"))
    return Html("\n".join(lines))


def _task(lang: str, key: str, entry: TaskLine, **params: object) -> Html:
    item = entry.task.item
    return t(lang, key, number=item.number, title=item.title, lead=_lead(entry, lang), **params)


def _kind(kind: str, mode: str | None) -> str:
    """A poll (Thăm dò) is not a motion (Biểu quyết). A closed vote's outcome tells which: only a
    motion is passed or rejected, a poll's is "closed" (`bot.services.vote_close._frozen`)."""
    return "digest.kind_poll" if kind == "vote" and mode == "poll" else f"digest.kind_{kind}"


def _items(digest: Digest, lang: str, tz: ZoneInfo) -> list[str]:
    lines: list[str] = []
    if digest.open_items:
        lines += ["", t(lang, "digest.open", count=len(digest.open_items))]
        for entry in digest.open_items:
            item = entry.item
            common = {
                "number": item.number,
                "kind": t(lang, _kind(item.kind, entry.mode)),
                "title": item.title,
                "deadline": _deadline(item.deadline, tz, lang),
            }
            if entry.responded is None:
                lines.append(t(lang, "digest.open_line_anonymous", **common))
            else:
                lines.append(
                    t(
                        lang,
                        "digest.open_line",
                        responded=entry.responded,
                        eligible=entry.eligible,
                        **common,
                    )
                )
    if digest.closed:
        lines += ["", t(lang, "digest.closed", count=len(digest.closed))]
        for item, outcome in digest.closed:
            shown = outcome if outcome in ("passed", "rejected") else "closed"
            lines.append(
                t(
                    lang,
                    "digest.closed_line",
                    number=item.number,
                    kind=t(lang, _kind(item.kind, "motion" if shown != "closed" else "poll")),
                    title=item.title,
                    outcome=t(lang, f"digest.outcome_{shown}"),
                )
            )
    return lines
