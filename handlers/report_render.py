"""Pure text rendering of `/report` (object → HTML in the reader's language); `/history` is in
`handlers/history_render.py`."""

from __future__ import annotations

from bot import dates
from bot.i18n import Html, t
from bot.models import Role
from bot.reports import (
    agency_label,
    day_text,
    first_and_last_day,
    next_days,
    period_words,
)
from bot.services.reports import AgencyLine, Report, TaskLine, VoteLine
from bot.timeliness import Timeliness
from handlers.render import periodic_text

LIST_CAP = 10  # lines per list before "… and N more (see the workbook)"
SHORT_CAP = 5  # late or overdue tasks shown per agency
_ROLES = frozenset(r.value for r in Role)


def _mark(line: AgencyLine, lang: str) -> Html:
    return t(lang, f"mark.{line.mark}")


def _rate(responded: int, eligible: int, lang: str) -> Html:
    if not eligible:
        return t(lang, "report.no_rate")
    return t(lang, "report.percent", value=round(responded * 100 / eligible))


def _day(report: Report, moment) -> str:
    return day_text(dates.local_date(moment, report.tz))


def _period_head(report: Report, lang: str) -> dict[str, object]:
    first, last = first_and_last_day(report)
    return {"period": period_words(report, lang), "start": day_text(first), "end": day_text(last)}


def empty_text(report: Report, lang: str) -> Html:
    """The clear "nothing in this period" reply (no chart, no workbook)."""
    return t(lang, "report.empty", **_period_head(report, lang))


def report_text(report: Report, lang: str) -> Html:
    """The review: results, shortcomings, next period, and the mark rule."""
    head = t(
        lang,
        "report.header",
        title=report.committee.title,
        as_of=dates.format_datetime(report.as_of, report.tz, lang),
        **_period_head(report, lang),
    )
    parts = [head, "", t(lang, "report.results"), *_results(report, lang)]
    if any(m.total for m in report.meetings):  # issue 15: conclusions of meetings
        done, total = sum(m.done for m in report.meetings), sum(m.total for m in report.meetings)
        overdue = sum(m.overdue for m in report.meetings)
        parts.append(t(lang, "meeting.tally", done=done, total=total, overdue=overdue))
    parts += ["", t(lang, "report.shortcomings"), *_shortcomings(report, lang)]
    parts += ["", *_next(report, lang)]
    parts += ["", t(lang, "report.rule", rule=t(lang, "mark.rule"))]
    return Html("\n".join(parts))


def _results(report: Report, lang: str) -> list[str]:
    lines: list[str] = []
    totals = report.totals()
    assigned = sum(totals.values())
    if assigned:
        on_time, late = totals[Timeliness.DONE_ON_TIME], totals[Timeliness.DONE_LATE]
        lines.append(
            t(
                lang,
                "report.tasks_total",
                assigned=assigned,
                done=on_time + late,
                on_time=on_time,
                late=late,
                open=totals[Timeliness.OPEN_ON_TIME],
                overdue=totals[Timeliness.OPEN_OVERDUE],
            )
        )
        lines.append(t(lang, "report.by_agency"))
        lines += [
            Html(_agency_line(a, lang) + periodic_text(a, lang))
            for a in report.agencies
            if a.assigned or a.periodic
        ]
    else:
        lines.append(t(lang, "report.tasks_none"))
        if any(a.periodic for a in report.agencies):  # periodic reports only
            lines.append(t(lang, "report.by_agency"))
            lines += [
                t(
                    lang,
                    "periodic.agency_only",
                    mark=_mark(a, lang),
                    agency=agency_label(a.agency, lang),
                )
                + periodic_text(a, lang)
                for a in report.agencies
                if a.periodic
            ]
    cancelled = sum(a.cancelled for a in report.agencies)
    if cancelled:
        lines.append(t(lang, "report.tasks_cancelled", count=cancelled))
    lines.append("")
    lines += _consultations(report, lang)
    lines.append("")
    lines += _votes(report, lang)
    return lines


def _agency_line(line: AgencyLine, lang: str) -> Html:
    c = line.counts
    return t(
        lang,
        "report.agency_line",
        mark=_mark(line, lang),
        agency=agency_label(line.agency, lang),
        assigned=line.assigned,
        on_time=c[Timeliness.DONE_ON_TIME],
        late=c[Timeliness.DONE_LATE],
        open=c[Timeliness.OPEN_ON_TIME],
        overdue=c[Timeliness.OPEN_OVERDUE],
    )


def _more(items: list, lang: str, cap: int = LIST_CAP) -> list[Html]:
    return [t(lang, "report.more", count=len(items) - cap)] if len(items) > cap else []


def _consultations(report: Report, lang: str) -> list[str]:
    rows = report.consultations
    if not rows:
        return [t(lang, "report.consultations_none")]
    responded = sum(c.responded for c in rows)
    eligible = sum(c.eligible for c in rows)
    lines = [
        t(
            lang,
            "report.consultations",
            count=len(rows),
            responded=responded,
            eligible=eligible,
            rate=_rate(responded, eligible, lang),
        )
    ]
    for c in rows[:LIST_CAP]:
        item = c.record.item
        state = t(lang, "report.open_mark") if item.closed_at is None else ""
        lines.append(
            t(
                lang,
                "report.consultation_line",
                number=item.number,
                title=item.title,
                responded=c.responded,
                eligible=c.eligible,
                rate=_rate(c.responded, c.eligible, lang),
                state=state,
            )
        )
    return lines + _more(rows, lang)


def _votes(report: Report, lang: str) -> list[str]:
    """Motions (Biểu quyết: passed, rejected or open) and polls (Thăm dò: no pass or fail, so
    closed or open) counted apart, each count line adding up."""
    if not report.votes:
        return [t(lang, "report.votes_none")]
    lines: list[str] = []
    motions = [v for v in report.votes if v.record.mode == "motion"]
    polls = [v for v in report.votes if v.record.mode != "motion"]
    if motions:
        outcomes = [v.outcome for v in motions]
        lines.append(
            t(lang, "report.motions", count=len(motions), passed=outcomes.count("passed"),
              rejected=outcomes.count("rejected"), open=outcomes.count("open"))
        )  # fmt: skip
        lines += [_vote_line(v, lang) for v in motions[:LIST_CAP]] + _more(motions, lang)
    if polls:
        still = sum(1 for v in polls if v.outcome == "open")
        closed = len(polls) - still
        lines.append(t(lang, "report.polls", count=len(polls), closed=closed, open=still))
        lines += [_vote_line(v, lang) for v in polls[:LIST_CAP]] + _more(polls, lang)
    return lines


def _vote_line(vote: VoteLine, lang: str) -> Html:
    item = vote.record.item
    common = {"number": item.number, "title": item.title}
    if vote.record.mode == "motion":
        return t(
            lang,
            "report.vote_motion",
            outcome=t(lang, f"report.outcome.{vote.outcome}"),
            yes=vote.tally.get("for", 0),
            no=vote.tally.get("against", 0),
            abstain=vote.tally.get("abstain", 0),
            voted=vote.voted,
            eligible=vote.eligible,
            **common,
        )
    state = t(lang, "report.open_mark") if vote.outcome == "open" else ""
    best = max(vote.tally.items(), key=lambda kv: kv[1], default=("", 0))
    options = vote.record.options
    if not best[1] or not best[0].isdigit() or int(best[0]) >= len(options):
        return t(lang, "report.vote_poll_none", state=state, **common)
    return t(
        lang,
        "report.vote_poll",
        leader=options[int(best[0])],
        count=best[1],
        voted=vote.voted,
        eligible=vote.eligible,
        state=state,
        **common,
    )


def _shortcomings(report: Report, lang: str) -> list[str]:
    bad = report.shortcomings()
    if not bad:
        return [t(lang, "report.shortcomings_none")]
    marks = {a.agency: a for a in report.agencies}
    lines: list[str] = []
    for agency_line in report.agencies:
        mine = [b for b in bad if b.agency == agency_line.agency]
        if not mine:
            continue
        c = agency_line.counts
        lines.append(
            t(
                lang,
                "report.short_agency",
                mark=_mark(marks[agency_line.agency], lang),
                agency=agency_label(agency_line.agency, lang),
                overdue=c[Timeliness.OPEN_OVERDUE],
                late=c[Timeliness.DONE_LATE],
            )
        )
        lines += [_late_line(report, line, lang) for line in mine[:SHORT_CAP]]
        lines += _more(mine, lang, SHORT_CAP)
    return lines


def _late_line(report: Report, line: TaskLine, lang: str) -> Html:
    item = line.task.item
    key = "report.overdue_line" if line.status is Timeliness.OPEN_OVERDUE else "report.late_line"
    return t(
        lang,
        key,
        number=item.number,
        title=item.title,
        late_by=dates.format_duration(line.late_by, lang),
        deadline=_day(report, item.deadline),
    )


def _next(report: Report, lang: str) -> list[str]:
    window = next_days(report)
    if window is None:
        return []
    lines = [t(lang, "report.next", start=day_text(window[0]), end=day_text(window[1]))]
    if not report.upcoming:
        return [*lines, t(lang, "report.next_none")]
    for line in report.upcoming[:LIST_CAP]:
        item = line.task.item
        lead = line.lead.display_name if line.lead else "?"
        if line.agency:
            lead = t(lang, "common.name_agency", name=lead, agency=line.agency)
        lines.append(
            t(
                lang,
                "report.next_line",
                number=item.number,
                title=item.title,
                lead=lead,
                deadline=_day(report, item.deadline),
            )
        )
    return lines + _more(report.upcoming, lang)
