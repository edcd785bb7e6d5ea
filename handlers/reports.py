"""`/report [period]`, `/export`, `/history [N]`: review reports, full export and audit trail.

The chart and workbooks are built in a worker thread (matplotlib and openpyxl are imported there
on first use, never at start-up); the summary goes out first so the reader is not kept waiting.
"""

from __future__ import annotations

import asyncio
import threading

from telegram import InputFile

from bot.errors import DomainError
from bot.permissions import MANAGERS_ONLY, SECRETARY_OR_CHAIR
from bot.reports import chart, file_name, moment_text, period_words, workbook
from handlers import history_render, report_render
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


@command("report", aliases=("soket", "baocao"), who=MANAGERS_ONLY, example="Q4 2026")
async def report(ctx: Ctx) -> None:
    """The review of a period: summary message, chart (photo), workbook (document)."""
    data = await ctx.services.reports.report(ctx.committee, ctx.args)
    if data.empty:
        await ctx.reply(report_render.empty_text(data, ctx.lang))
        return
    await ctx.reply(report_render.report_text(data, ctx.lang))
    period = period_words(data, ctx.lang)
    if any(a.assigned for a in data.agencies):
        png = await asyncio.to_thread(_chart, data, ctx.lang)
        await ctx.message.reply_photo(
            InputFile(png, filename=file_name(data, ctx.lang, "png")),
            caption=ctx.t("report.photo_caption", period=period),
        )
    xlsx = await asyncio.to_thread(workbook.report_workbook, data, ctx.lang)
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
