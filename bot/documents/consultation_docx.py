"""The compiled summary of a consultation (tổng hợp ý kiến) as a .docx file.

python-docx is imported inside `build` so the bot starts without loading it. Every run uses
Times New Roman with its east-asian and complex-script names set too, so Vietnamese diacritics
render in Word and LibreOffice alike.
"""

from __future__ import annotations

import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from bot import dates
from bot.documents import plain
from bot.reports import agency_label
from bot.services.consultations import Standing

FONT = "Times New Roman"
# XML 1.0 (inside a .docx) cannot hold these: people's text loses them in the file only.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
COLUMNS = ("col_no", "col_name", "col_agency", "col_answer", "col_comment", "col_time")


def _name(row, lang: str) -> str:
    """The member, or `B (thay đồng chí A)` where a stand-in answered (issue 17)."""
    if row.acting is None:
        return row.member.display_name
    return plain(lang, "standin.on_behalf", standin=row.acting.display_name,
                 member=row.member.display_name)  # fmt: skip


def _stamp(moment: datetime | None, tz: ZoneInfo) -> str:
    return "" if moment is None else moment.astimezone(tz).strftime("%d/%m/%Y %H:%M")


def _set_font(style_or_run, size_pt: int | None = None) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    font = style_or_run.font
    font.name = FONT
    if size_pt:
        font.size = Pt(size_pt)
    element = style_or_run.element
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)


def build(standing: Standing, lang: str) -> bytes:
    """The summary: header, document, deadline, one table row per counted member, totals, rule."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    item, committee = standing.item, standing.committee
    tz = committee.tz
    doc = Document()
    _set_font(doc.styles["Normal"], 12)

    def para(text: str, *, bold: bool = False, center: bool = False) -> None:
        paragraph = doc.add_paragraph()
        run = paragraph.add_run(_NOT_XML.sub("", text))
        run.bold = bold
        _set_font(run)
        if center:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER

    para(plain(lang, "consult.docx.heading"), bold=True, center=True)
    para(plain(lang, "consult.docx.committee", committee=committee.title), center=True)
    para(plain(lang, "consult.docx.title", number=item.number, title=item.title), bold=True)
    document = item.document_name or item.document_url or plain(lang, "consult.docx.no_document")
    para(plain(lang, "consult.docx.document", document=document))
    if item.deadline is not None:
        deadline = dates.format_datetime(item.deadline, tz, lang)
        para(plain(lang, "consult.docx.deadline", deadline=deadline))
    if item.closed_at is not None:
        para(plain(lang, "consult.docx.closed", closed=_stamp(item.closed_at, tz)))

    table = doc.add_table(rows=1, cols=len(COLUMNS))
    table.style = "Table Grid"
    for cell, key in zip(table.rows[0].cells, COLUMNS, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(plain(lang, f"consult.docx.{key}"))
        run.bold = True
        _set_font(run)
    for number, row in enumerate(standing.rows, start=1):
        opinion = row.opinion
        values = (
            str(number),
            _name(row, lang),
            agency_label(row.member.agency, lang),
            plain(lang, f"consult.answer.{opinion.answer}") if opinion else "",
            opinion.text if opinion else "",
            _stamp(opinion.at, tz) if opinion and not opinion.auto else "",
        )
        for cell, value in zip(table.add_row().cells, values, strict=True):
            _set_font(cell.paragraphs[0].add_run(_NOT_XML.sub("", value)))

    para("")
    para(plain(lang, "consult.docx.totals"), bold=True)
    silent = standing.silent_answer
    for answer in ("agree", "agree_with_comments", "disagree", silent):
        label = plain(lang, f"consult.answer.{answer}")
        para(plain(lang, "consult.docx.total_line", label=label, count=standing.count(answer)))
    para(plain(lang, "consult.docx.eligible", count=standing.eligible, answered=standing.answered))
    rule = "silence_agree" if standing.silence_agree else "silence_none"
    para(plain(lang, f"consult.docx.{rule}"), bold=True)
    if standing.closed_early:
        deadline = dates.format_datetime(item.deadline, tz, lang)
        para(plain(lang, "consult.docx.early", count=standing.count(silent), deadline=deadline))

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
