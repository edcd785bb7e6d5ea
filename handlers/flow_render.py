"""Pure rendering of a guided flow: the card of its current step (text + buttons), the prompt of
a typed answer, and the line its card ends with. Buttons: `v1:f:<flow>:<step>:<op>[:<arg>]`."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import dates
from bot.i18n import Html, t
from bot.services.flows import NONE, Flow, Page, ProgrammePage, moment_of
from handlers import render
from handlers.callbacks import CALLBACK_VERSION, pack
from storage.members import Member

ROUTE = "f"


def _data(flow: Flow, op: str, *args: object) -> str:
    return pack(CALLBACK_VERSION, ROUTE, flow.id, flow.row.step, op, *args)


def _button(label: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=data)


def when_text(flow: Flow, answer: dict | None, lang: str) -> Html:
    """A chosen deadline as the cards show it (a reminder's bare date: that morning)."""
    step = next(s for s in flow.spec.steps if s.kind == "when")
    if not answer:
        return t(lang, "flow.no_deadline")
    tz, at = flow.committee.tz, moment_of(answer)
    if answer.get("day") and step.morning:
        return t(lang, "flow.morning_of", date=dates.format_date(at, tz, lang))
    return Html(dates.format_datetime(at, tz, lang))


def summary(flow: Flow, lang: str) -> list[str]:
    """What has been given so far, one line each, in the order of the steps."""
    lines: list[str] = []
    answers, kind = flow.answers, flow.spec.kind
    for step in flow.spec.steps:
        if step.name not in answers:
            continue
        value = answers[step.name]
        key = f"flow.got.{step.texts}"
        if step.kind == "one" and value in flow.members:
            lines.append(t(lang, key, name=_who(flow.members[value], lang)))
        elif step.kind == "many":
            names = [_who(flow.members[m], lang) for m in value if m in flow.members]
            joined = Html(", ".join(names)) if names else t(lang, "flow.nobody")
            lines.append(t(lang, key, names=joined))
        elif step.kind == "when":
            lines.append(t(lang, key, when=when_text(flow, value, lang)))
        elif step.kind == "programme":
            lines.append(t(lang, key, programme=programme_text(flow, value, lang)))
        elif step.kind == "flags":
            shown = [t(lang, f"flow.flag.{c}") for c in value]
            lines.append(
                t(lang, key, values=Html(", ".join(shown)) if shown else t(lang, "flow.nobody"))
            )
        elif step.lines:
            lines.append(t(lang, key, values="; ".join(value)))
        else:
            lines.append(t(lang, f"{key}.{kind}", text=value))
    if answers.get("document"):
        lines.append(t(lang, "flow.got.document", name=answers["document"][1] or "📎"))
    return lines


def programme_text(flow: Flow, code: str | None, lang: str) -> Html:
    """A programme step's answer as the summary shows it: code and name, or "none"."""
    if not code:
        return t(lang, "flow.nobody")
    found = flow.programme(code)
    return t(lang, "programme.name", code=code, name=found.name if found else "—")


def _who(member: Member, lang: str) -> Html:
    return render.with_agency(member, lang)


def card(
    flow: Flow,
    author: Member | None,
    page: Page | ProgrammePage | None,
    quick: list,
    lang: str,
) -> tuple[Html, InlineKeyboardMarkup]:
    """The flow's card at its current step."""
    kind, step = flow.spec.kind, flow.step
    number, total = flow.position
    who = render.name(author, lang) if author else ""
    lines = [
        t(lang, f"flow.title.{kind}"),
        t(lang, "flow.position", n=number, total=total, name=who),
    ]
    got = summary(flow, lang)
    if got:
        lines += ["", *got]
    lines.append("")
    rows: list[list[InlineKeyboardButton]] = []
    if step is None:
        lines.append(t(lang, "flow.ask.confirm"))
        rows.append([_button(t(lang, "flow.btn.ok"), _data(flow, "ok"))])
    elif step.kind in ("one", "many"):
        lines.append(t(lang, f"flow.ask.{step.texts}"))
        rows += _roster_rows(flow, page, lang)
        if step.kind == "many":
            label = "flow.btn.next" if page and page.chosen else "flow.btn.skip"
            rows.append([_button(t(lang, label), _data(flow, "n"))])
    elif step.kind == "programme":
        lines.append(t(lang, f"flow.ask.{step.texts}"))
        rows += _programme_rows(flow, page, lang)
    elif step.kind == "flags":
        lines.append(t(lang, f"flow.ask.{step.texts}"))
        chosen = flow.answers.get(step.name, [])
        for choice in step.choices:
            mark = "✅ " if choice in chosen else "☐ "
            rows.append([_button(mark + t(lang, f"flow.flag.{choice}"), _data(flow, "k", choice))])
        rows.append([_button(t(lang, "flow.btn.next"), _data(flow, "n"))])
    elif step.kind == "when" and not flow.row.typing:
        lines.append(t(lang, f"flow.ask.{step.texts}"))
        rows += _quick_rows(flow, quick, lang)
        rows.append([_button(t(lang, "flow.btn.type"), _data(flow, "t"))])
        if step.optional:
            rows.append([_button(t(lang, "flow.btn.none"), _data(flow, "z"))])
    elif step.kind == "when":
        lines.append(t(lang, "flow.ask.typed_date"))
    elif step.lines:
        lines.append(t(lang, f"flow.ask.{step.texts}", low=step.low, high=step.high))
    else:
        lines.append(t(lang, f"flow.ask.{step.texts}.{kind}", limit=step.limit))
    bottom = [_button(t(lang, "flow.btn.cancel"), _data(flow, "x"))]
    if flow.row.step > 0 or (step is not None and step.kind == "when" and flow.row.typing):
        bottom.insert(0, _button(t(lang, "flow.btn.back"), _data(flow, "b")))
    rows.append(bottom)
    return Html("\n".join(lines)), InlineKeyboardMarkup(rows)


def _roster_rows(flow: Flow, page: Page | None, lang: str) -> list[list[InlineKeyboardButton]]:
    if page is None:
        return []
    rows = []
    for member in page.members:
        label = f"{member.agency} · {member.display_name}" if member.agency else member.display_name
        if member.id in page.chosen:
            label = "✅ " + label
        rows.append([_button(label[:60], _data(flow, "p", member.id))])
    return rows + _turn_rows(flow, page, lang)


def _programme_rows(
    flow: Flow, page: ProgrammePage | None, lang: str
) -> list[list[InlineKeyboardButton]]:
    """A programme step's buttons: code · name (short) per programme, then "no programme"."""
    if page is None:
        return []
    rows = []
    for programme in page.programmes:
        label = f"{programme.code} · {programme.name}"
        label = label if len(label) <= 48 else label[:47] + "…"
        if page.chosen is not None and programme.code.casefold() == page.chosen.casefold():
            label = "✅ " + label
        rows.append([_button(label, _data(flow, "c", programme.id))])
    rows += _turn_rows(flow, page, lang)
    none = ("✅ " if page.chosen == "" else "") + t(lang, "flow.btn.no_programme")
    rows.append([_button(none, _data(flow, "c", NONE))])
    return rows


def _turn_rows(
    flow: Flow, page: Page | ProgrammePage, lang: str
) -> list[list[InlineKeyboardButton]]:
    """◀ Trang n/N ▶ under a long list (roster or programmes)."""
    rows = []
    if page.count > 1:
        turn = []
        if page.number > 0:
            turn.append(_button(t(lang, "flow.btn.prev"), _data(flow, "g", page.number - 1)))
        turn.append(
            _button(
                t(lang, "flow.btn.page", n=page.number + 1, count=page.count),
                _data(flow, "g", page.number),
            )
        )
        if page.number + 1 < page.count:
            turn.append(_button(t(lang, "flow.btn.more"), _data(flow, "g", page.number + 1)))
        rows.append(turn)
    return rows


def _quick_rows(flow: Flow, quick: list, lang: str) -> list[list[InlineKeyboardButton]]:
    tz = flow.committee.tz
    buttons = [
        _button(
            t(lang, f"flow.quick.{code}", date=f"{at.astimezone(tz):%d/%m}"), _data(flow, "q", code)
        )
        for code, at in quick
    ]
    return [buttons[i : i + 2] for i in range(0, len(buttons), 2)]


def prompt(flow: Flow, author: Member | None, lang: str) -> Html:
    """The ForceReply prompt of a typed answer, naming its author (so only they are asked)."""
    step = flow.step
    who = render.mention(author, lang) if author else ""
    if step is not None and step.kind == "when":
        return t(lang, "flow.prompt.date", name=who)
    field = step.texts if step.lines else f"{step.texts}.{flow.spec.kind}"
    return t(lang, f"flow.prompt.{field}", name=who)


def ended(flow: Flow, status: str, lang: str, command: str) -> Html:
    """What the card says once the flow is over: created, cancelled, replaced or expired
    (`command`: the word that starts it again)."""
    lines = [t(lang, f"flow.title.{flow.spec.kind}"), *summary(flow, lang), ""]
    lines.append(t(lang, f"flow.ended.{status}", command=command))
    return Html("\n".join(lines))


def new_button(kind: str, lang: str) -> InlineKeyboardMarkup:
    """The ➕ of a list: start the guided flow of `kind` (`v1:fn:<kind>`)."""
    label = t(lang, f"flow.new.{kind}")
    return InlineKeyboardMarkup([[_button(label, pack(CALLBACK_VERSION, "fn", kind))]])
