"""The minutes of a meeting (biên bản) as a .docx file, in the committee's language.

Same fonts as the consultation summary (Times New Roman with its east-asian and complex-script
names set, so Vietnamese diacritics render everywhere); python-docx is imported inside `build`.
"""

from __future__ import annotations

from bot import dates
from bot.documents import plain
from bot.documents.consultation_docx import _NOT_XML, _set_font
from bot.services.meeting_model import MeetingView


def build(view: MeetingView, lang: str) -> bytes:
    """Heading, title, time, place, attendees (and stand-ins), absentees, agenda, conclusions."""
    import io

    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    committee, item = view.committee, view.item
    doc = Document()
    _set_font(doc.styles["Normal"], 13)

    def para(text: str, *, bold: bool = False, center: bool = False) -> None:
        paragraph = doc.add_paragraph()
        run = paragraph.add_run(_NOT_XML.sub("", text))
        run.bold = bold
        _set_font(run)
        if center:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER

    def say(key: str, **params: object) -> str:
        return plain(lang, f"meeting.docx.{key}", **params)

    def person(member) -> str:
        own = f"{member.display_name} ({member.agency})" if member.agency else member.display_name
        acting = view.acting_for(member)  # a stand-in answered for them (issue 17)
        if acting is None:
            return own
        return plain(lang, "standin.on_behalf", standin=acting.display_name, member=own)

    para(committee.title.upper(), bold=True, center=True)
    para(say("heading"), bold=True, center=True)
    para(say("title", number=item.number, title=item.title), bold=True, center=True)
    para(say("time", when=dates.format_datetime(view.start, committee.tz, lang)))
    para(say("place", place=view.place or "—"))
    if item.status == "cancelled":
        para(say("cancelled", reason=view.cancel_reason or "—"), bold=True)

    para(say("attendees"), bold=True)
    attending = view.with_status("attend")
    standins = view.with_status("standin")
    for member, _ in attending:
        para(f"- {person(member)}")
    for member, row in standins:
        para("- " + say("standin", name=row.detail, member=person(member)))
    if not attending and not standins:
        para("- " + say("nobody"))
    para(say("absentees"), bold=True)
    absent = view.with_status("absent")
    for member, row in absent:
        para("- " + say("absent", member=person(member), reason=row.detail))
    for member in view.pending:
        para("- " + say("unconfirmed", member=person(member)))
    if not absent and not view.pending:
        para("- " + say("nobody"))

    para(say("agenda"), bold=True)
    for i, entry in enumerate(view.lines, start=1):
        para(f"{i}. {entry.text}")
    if not view.lines:
        para("- " + say("none"))
    if view.prereads:
        para(say("prereads"), bold=True)
        for entry in view.prereads:
            para(f"- {entry.text}")

    para(say("conclusions"), bold=True)
    for i, conclusion in enumerate(view.conclusions, start=1):
        para(f"{i}. {conclusion.text}")
        task = conclusion.task
        if task is not None:
            deadline = dates.format_date(task.task.item.deadline, committee.tz, lang)
            status = plain(lang, f"task.status.{task.status}")
            para("    " + say("task", number=task.number, deadline=deadline, status=status))
    if not view.conclusions:
        para("- " + say("none"))
    para(say("secretary"), center=True)

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
