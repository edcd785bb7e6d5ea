"""Pure rendering of consultations: the card and its buttons, /pending, /show, the result."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import dates
from bot.i18n import Html, t
from bot.services.consultation_model import Event, Standing
from handlers import programme_render, render
from handlers.callbacks import CALLBACK_VERSION, pack
from storage.items import Item
from storage.members import Member

ROUTE = "c"
CODES = {"y": "agree", "c": "agree_with_comments", "n": "disagree"}


def answer_label(lang: str, answer: str) -> Html:
    """`Đồng ý, có ý kiến` / `Agree with comments`."""
    return t(lang, f"consult.answer.{answer}")


def _when(standing: Standing, moment, lang: str) -> str:
    return dates.format_datetime(moment, standing.committee.tz, lang)


def _document(item: Item) -> str:
    shown = [part for part in (item.document_name, item.document_url) if part]
    if not shown and item.document_file_id:
        shown = ["📄"]
    return " · ".join(shown)


def card(standing: Standing, lang: str) -> Html:
    """The card posted for everyone: number, title, document, deadline, rule, answered X of Y."""
    item = standing.item
    document = _document(item)
    text = t(
        lang,
        "consult.card",
        number=item.number,
        title=item.title,
        document=t(lang, "consult.card_document", document=document) if document else Html(""),
        deadline=_when(standing, item.deadline, lang),
        silence=t(
            lang, "consult.silence_agree" if standing.silence_agree else "consult.silence_none"
        ),
        answered=standing.answered,
        eligible=standing.eligible,
    )
    text = programme_render.under_header(text, standing.programme, lang)
    if standing.closed:
        closed_at = _when(standing, item.closed_at, lang)
        key = "consult.card_closed_early" if standing.closed_early else "consult.card_closed"
        return Html(text + t(lang, key, closed_at=closed_at))
    return Html(text + t(lang, "consult.card_open_hint"))


def keyboard(standing: Standing, lang: str) -> InlineKeyboardMarkup | None:
    """Agree / Agree with comments / Disagree while open; no buttons once closed."""
    if standing.closed:
        return None

    def press(label: str, code: str) -> InlineKeyboardButton:
        data = pack(CALLBACK_VERSION, ROUTE, "a", standing.item.id, code)
        return InlineKeyboardButton(t(lang, label), callback_data=data)

    return InlineKeyboardMarkup(
        [
            [press("consult.button_agree", "y")],
            [press("consult.button_comment", "c"), press("consult.button_disagree", "n")],
        ]
    )


def pending(standing: Standing, lang: str, acting: dict[int, Member] | None = None) -> Html:
    """`/pending N`: mentions of the members who have not answered (of who acts for them
    today, `B (thay đồng chí A)`, where `acting` says so)."""
    number = standing.item.number
    if standing.closed:
        return t(lang, "consult.pending_closed", number=number)
    waiting = standing.pending
    if not waiting:
        return t(lang, "consult.pending_none", number=number, eligible=standing.eligible)
    return t(
        lang,
        "consult.pending",
        number=number,
        count=len(waiting),
        eligible=standing.eligible,
        names=Html(
            ", ".join(render.pending_name(m, (acting or {}).get(m.id), lang) for m in waiting)
        ),
    )


def result(standing: Standing, lang: str) -> Html:
    """The published result: counts, then every comment and disagreement with name and agency."""
    silent_answer = standing.silent_answer
    deemed = silent_answer == "deemed_agreed"
    silent_key = "consult.result_deemed" if deemed else "consult.result_no_answer"
    lines = [
        t(
            lang,
            "consult.result",
            number=standing.item.number,
            title=standing.item.title,
            eligible=standing.eligible,
            answered=standing.answered,
            agree=standing.count("agree"),
            comments=standing.count("agree_with_comments"),
            disagree=standing.count("disagree"),
            silent=t(lang, silent_key, count=standing.count(silent_answer)),
        )
    ]
    silent = standing.count(silent_answer)
    if standing.closed_early and silent:
        deadline = _when(standing, standing.item.deadline, lang)
        lines.append(t(lang, "consult.result_early", count=silent, deadline=deadline))
    remarks = standing.remarks
    lines.append(t(lang, "consult.result_remarks" if remarks else "consult.result_no_remarks"))
    for row in remarks:
        lines.append(
            t(
                lang,
                "consult.result_remark",
                name=answerer(row, lang),
                answer=answer_label(lang, row.opinion.answer),
                text=row.opinion.text,
            )
        )
    return Html("\n".join(lines))


def answerer(row, lang: str) -> Html:
    """`B (thay đồng chí A)` where a stand-in gave the answer, else the member with agency."""
    if row.acting is None:
        return render.with_agency(row.member, lang)
    return t(lang, "standin.on_behalf", standin=render.name(row.acting, lang),
             member=render.with_agency(row.member, lang))  # fmt: skip


def show(standing: Standing, timeline: list[Event], lang: str) -> Html:
    """`/show N`: the card, the answers so far (who has not answered) and the history."""
    lines = [card(standing, lang), t(lang, "consult.show_answers")]
    answered = [row for row in standing.rows if row.answered]
    for row in answered:
        key = "consult.show_answer_text" if row.opinion.text else "consult.show_answer"
        lines.append(
            t(
                lang,
                key,
                name=answerer(row, lang),
                answer=answer_label(lang, row.opinion.answer),
                at=_when(standing, row.opinion.at, lang),
                text=row.opinion.text,
            )
        )
    if not answered:
        lines.append(t(lang, "consult.show_no_answers"))
    silent = [row.member for row in standing.rows if not row.answered]
    if silent:
        names = Html(", ".join(render.name(m, lang) for m in silent))
        if standing.closed:
            label = standing.silent_answer
            lines.append(
                t(lang, "consult.show_silent", answer=answer_label(lang, label), names=names)
            )
        else:
            lines.append(t(lang, "consult.show_pending", names=names))
    lines.append(t(lang, "consult.show_history"))
    lines += [_event(standing, event, lang) for event in timeline]
    return Html("\n".join(lines))


def _event(standing: Standing, event: Event, lang: str) -> Html:
    at = _when(standing, event.at, lang)
    name = render.name(event.member, lang) if event.member else "—"
    if event.action == "open":
        return t(lang, "consult.history_open", at=at, name=name)
    if event.action == "close":
        return t(lang, "consult.history_close_by", at=at, name=name)
    if event.action == "auto_close":
        return t(lang, "consult.history_close_auto", at=at)
    key = "consult.history_answer_text" if event.text else "consult.history_answer"
    answer = answer_label(lang, event.answer)
    return t(lang, key, at=at, name=name, answer=answer, text=event.text)
