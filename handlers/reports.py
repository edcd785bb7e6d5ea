"""`/report [period]`, `/export`, `/history [N]`: review reports, full export and audit trail.

The chart and workbooks are built in a worker thread (matplotlib and openpyxl are imported there
on first use, never at start-up); the summary goes out first so the reader is not kept waiting.
"""

from __future__ import annotations

import asyncio
import threading

from telegram import InputFile

from bot.errors import DomainError
from bot.i18n import Html
from bot.permissions import MANAGERS_ONLY, SECRETARY_OR_CHAIR
from bot.reports import chart, file_name, moment_text, period_words, programme_chart, workbook
from bot.services.programme_report import split_programme, with_programmes
from handlers import history_render, programme_render, report_render
from handlers.context import Ctx
from handlers.parsing import item_number
from handlers.registry import command

MENU_RANK = 80
HELP_GROUP = "report"  # /help heading (handlers/registry.py, `command`)

# matplotlib's rc settings are process-global: one chart at a time.
_CHART_LOCK = threading.Lock()


def _chart(report, lang: str) -> bytes:
    with _CHART_LOCK:
        return chart.render(report, lang)


def _programme_chart(report, programmes, lang: str) -> bytes:
    with _CHART_LOCK:
        return programme_chart.render(report, programmes, lang)


def _joined(*parts: str) -> Html:
    return Html("\n\n".join(p for p in parts if p))


@command("report", aliases=("soket", "baocao"), who=MANAGERS_ONLY, example="Q4 2026")
async def report(ctx: Ctx) -> None:
    """The review of a period: summary message, chart (photo), workbook (document)."""
    period_text, code = split_programme(ctx.args)  # `… ct:<code>`: one programme (issue 17)
    data = await ctx.services.reports.report(ctx.committee, period_text)
    data, programmes = await with_programmes(ctx.services.programmes, ctx.committee, data, code)
    section = programme_render.report_section(programmes, ctx.lang)
    if data.empty:
        await ctx.reply(_joined(section, report_render.empty_text(data, ctx.lang)))
        return
    await ctx.reply(_joined(report_render.report_text(data, ctx.lang), section))
    period = period_words(data, ctx.lang)
    if any(a.assigned for a in data.agencies):
        png = await asyncio.to_thread(_chart, data, ctx.lang)
        await ctx.message.reply_photo(
            InputFile(png, filename=file_name(data, ctx.lang, "png")),
            caption=ctx.t("report.photo_caption", period=period),
        )
    if programme_chart.wanted(programmes):
        png = await asyncio.to_thread(_programme_chart, data, programmes, ctx.lang)
        await ctx.message.reply_photo(
            InputFile(png, filename=file_name(data, ctx.lang, "png")),
            caption=ctx.t("report.programme.photo_caption", period=period),
        )
    xlsx = await asyncio.to_thread(workbook.report_workbook, data, ctx.lang, programmes)
    await ctx.message.reply_document(
        InputFile(xlsx, filename=file_name(data, ctx.lang, "xlsx")),
        caption=ctx.t("report.file_caption", period=period),
    )


@command("export", aliases=("xuatdulieu",), who=SECRETARY_OR_CHAIR)
async def export(ctx: Ctx) -> None:
    """The whole committee's data as one workbook."""
    data = await ctx.services.reports.export(ctx.committee)
    xlsx = await asyncio.to_thread(workbook.export_workbook, data, ctx.lang)
    await ctx.message.reply_document(
        InputFile(xlsx, filename=file_name(data, ctx.lang, "xlsx")),
        caption=ctx.t(
            "export.caption",
            title=ctx.committee.title,
            when=moment_text(data.generated_at, data.tz),
        ),
    )


@command("history", aliases=("lichsu",), who=SECRETARY_OR_CHAIR, example="{task}")
async def history(ctx: Ctx) -> None:
    """`/history` — latest committee actions; `/history N` — the trail of item #N."""
    number = None
    if ctx.args.strip():
        number, rest = item_number(ctx.args, "history.usage")
        if rest:
            raise DomainError("history.usage")
    trail = await ctx.services.reports.history(ctx.committee, number)
    tz = ctx.committee.tz
    await ctx.reply(history_render.history_text(trail, tz, ctx.lang))
