"""Audit entries as sentences in the committee's language, for `/history` and the workbooks.

The table is the catalog: action `area.verb` is told by `history.act.<area>.<verb>`, whose
placeholders are the entry's details (a dict detail `after={"lead": 7}` also gives `after_lead`;
`note_text` / `reason_text` are " — text" or nothing). An action without a sentence (a new one)
still reads as words: `history.fallback` from `history.area.<area>` and `history.verb.<verb>`
(else `history.area_other` / `history.verb_other`) and the item's title — never its code or JSON.
To add an action: put its sentence under `[history.act.<area>]` in both catalogs, and the area's
noun under `[history.area]` if it is new.
"""

from __future__ import annotations

import html
import re
from datetime import datetime

from bot.i18n import Html, escape, has, t
from bot.models import Role
from bot.names import shown
from storage.audit import AuditEntry
from storage.db import from_db
from storage.members import Member

_MEMBER_KEYS = frozenset({"member", "member_id", "lead"})
_LABELS = ("report.answer", "report.choice", "report.outcome")
_ROLES = frozenset(r.value for r in Role)
_STORED_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def sentence(entry: AuditEntry, members: dict[int, Member], tz, lang: str) -> Html:
    """What the entry's actor did, as the clause after "Name:" (`giao nhiệm vụ «…», …`)."""
    params: dict[str, object] = {}
    for key, value in entry.details.items():
        if isinstance(value, dict):
            for sub, inner in value.items():
                params[f"{key}_{sub}"] = audit_value(sub, inner, members, tz, lang)
        params[key] = audit_value(key, value, members, tz, lang)
    for key in ("note", "reason"):  # optional free text: " — text" or nothing
        value = entry.details.get(key)
        params[f"{key}_text"] = Html(f" — {shown(escape(value))}") if value else ""
    key = f"history.act.{entry.action}"
    if has(key):
        try:
            return t(lang, key, **params)
        except (KeyError, IndexError, ValueError):  # a detail the sentence needs is missing
            pass
    title = entry.details.get("title")
    title_text = t(lang, "history.title_text", title=title) if title else ""
    return t(lang, "history.fallback", **_words(entry.action, lang), title_text=title_text)


def action_label(action: str, lang: str) -> str:
    """A short label of an action code, as plain text (`tạo nhiệm vụ`): for a workbook column."""
    return html.unescape(t(lang, "history.fallback", **_words(action, lang), title_text=""))


def plain_sentence(entry: AuditEntry, members: dict[int, Member], tz, lang: str) -> str:
    """The sentence as plain text starting with a capital, for a file (`Giao nhiệm vụ «…» …`)."""
    text = html.unescape(re.sub(r"<[^>]+>", "", sentence(entry, members, tz, lang)))
    return text[:1].upper() + text[1:]


def _words(action: str, lang: str) -> dict[str, Html]:
    area, _, verb = action.partition(".")
    area_key, verb_key = f"history.area.{area}", f"history.verb.{verb.split('_')[0]}"
    return {
        "area": t(lang, area_key) if has(area_key) else t(lang, "history.area_other"),
        "verb": t(lang, verb_key) if has(verb_key) else t(lang, "history.verb_other"),
    }


def audit_value(key: str, value: object, members: dict[int, Member], tz, lang: str) -> object:
    """One audit detail made readable: names for member ids, local times, labels for codes."""
    if value is None or value == "":
        return "—"
    if key in _MEMBER_KEYS and isinstance(value, int):
        member = members.get(value)
        return member.display_name if member else value
    if key == "cooperators" and isinstance(value, list):
        return ", ".join(members[i].display_name for i in value if i in members) or "—"
    if isinstance(value, bool):
        return t(lang, "common.yes" if value else "common.no")
    if isinstance(value, str):
        if "deadline" in key or _STORED_MOMENT.match(value):
            return stored_moment_text(value, tz)
        if value in _ROLES and key in {"role", "before"}:
            return t(lang, f"roles.{value}")
        for prefix in _LABELS:
            if key in {"after", "before", "outcome"} and has(f"{prefix}.{value}"):
                return t(lang, f"{prefix}.{value}")
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "—"
    return value


def stored_moment_text(text: str, tz) -> str:
    """A stored time (`2026-12-31T16:59:00Z` or ISO with an offset) as local `dd/mm/yyyy HH:MM`."""
    for parse in (from_db, datetime.fromisoformat):
        try:
            moment = parse(text)
        except ValueError:
            continue
        if moment.tzinfo is not None:
            local = moment.astimezone(tz)
            return f"{local:%d/%m/%Y %H:%M}"
    return text
