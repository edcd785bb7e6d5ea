"""Pure text rendering of `/history [N]`: one line per recorded change, its sentence from the
catalog (`bot.reports.audit_text`)."""

from __future__ import annotations

from bot.i18n import Html, t
from bot.reports import moment_text
from bot.reports.audit_text import sentence
from bot.services.reports import History


def history_text(history: History, tz, lang: str) -> Html:
    """`/history [N]`: one readable line per recorded change."""
    if history.item is not None:
        head = t(lang, "history.header_item", number=history.item.number, title=history.item.title)
    else:
        head = t(lang, "history.header_latest", count=len(history.entries))
    if not history.entries:
        return Html(f"{head}\n{t(lang, 'history.empty')}")
    lines = [head]
    for entry in history.entries:
        actor = history.members_by_user.get(entry.actor_user_id)
        what = sentence(entry, history.members, tz, lang)
        number = history.numbers.get(entry.item_id)
        if history.item is None and number is not None:
            what = t(lang, "history.item_ref", number=number, what=what)
        lines.append(
            t(
                lang,
                "history.line",
                when=moment_text(entry.at, tz),
                actor=actor.display_name if actor else t(lang, "history.system"),
                what=what,
            )
        )
    return Html("\n".join(lines))
