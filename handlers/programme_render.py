"""Pure rendering of programmes: the card lines of a tagged task, `/programmes` (issue 17)."""

from __future__ import annotations

from bot.i18n import Html, t
from bot.services.programme_report import ProgrammeReport
from bot.services.programmes import ProgrammeLine
from bot.services.task_queries import TaskView
from bot.timeliness import Timeliness
from storage.programmes import Directive, Programme


def directive_text(directive: Directive, lang: str) -> Html:
    """`1234/UBND-KT ngày 05/11/2026` (the date only when given)."""
    if directive.issued_on is None:
        return t(lang, "programme.directive_number", number=directive.number)
    day = f"{directive.issued_on:%d/%m}/{directive.issued_on.year:04}"
    return t(lang, "programme.directive_dated", number=directive.number, day=day)


def programme_text(programme: Programme, lang: str) -> Html:
    """`CQS — Chính quyền số`."""
    return t(lang, "programme.name", code=programme.code, name=programme.name)


def card_lines(programme: Programme | None, lang: str) -> list[str]:
    """An item card's programme line (none when it has no programme)."""
    if programme is None:
        return []
    return [t(lang, "programme.card", programme=programme_text(programme, lang))]


def under_header(text: str, programme: Programme | None, lang: str) -> Html:
    """A card's text with its programme line under the header line, as on a task's card."""
    if programme is None:
        return Html(text)
    header, newline, rest = text.partition("\n")
    return Html("\n".join([header, *card_lines(programme, lang)]) + newline + rest)


def task_lines(view: TaskView, lang: str) -> list[str]:
    """The task card's programme and directing-document lines (none when it has neither)."""
    lines = card_lines(view.programme, lang)
    if view.directive is not None:
        lines.append(t(lang, "programme.card_directive", text=directive_text(view.directive, lang)))
    return lines


def programme_list(
    lines: list[ProgrammeLine], lang: str, archived: list[ProgrammeLine] = ()
) -> Html:
    """`/programmes`: code, name and how many items each tags; the archived ones' codes."""
    out = [t(lang, "programmes.header", count=len(lines))]
    for entry in lines:
        out.append(
            t(lang, "programmes.line", programme=programme_text(entry.programme, lang),
              count=entry.items)
        )  # fmt: skip
    if not lines:
        out.append(t(lang, "programmes.empty"))
    if archived:
        codes = ", ".join(t(lang, "programmes.archived_code", code=a.programme.code,
                            count=a.items) for a in archived)  # fmt: skip
        out.append(t(lang, "programmes.archived", codes=Html(codes)))
    out += ["", t(lang, "programmes.footer")]
    return Html("\n".join(out))


def report_section(programmes: ProgrammeReport, lang: str) -> str:
    """The report message's lines about programmes ("" when it has nothing to say)."""
    lines: list[str] = []
    if programmes.only is not None:
        lines.append(
            t(lang, "report.programme.only", programme=programme_text(programmes.only, lang))
        )
    if programmes.shown and programmes.only is None:
        lines.append(t(lang, "report.programme.heading"))
        for row in programmes.rows:
            label = (
                programme_text(row.programme, lang)
                if row.programme
                else t(lang, "report.programme.none")
            )
            counts = row.counts
            lines.append(
                t(
                    lang,
                    "report.programme.line",
                    programme=label,
                    assigned=row.assigned,
                    on_time=counts[Timeliness.DONE_ON_TIME],
                    late=counts[Timeliness.DONE_LATE],
                    open=counts[Timeliness.OPEN_ON_TIME],
                    overdue=counts[Timeliness.OPEN_OVERDUE],
                )
            )
    return "\n".join(lines)
