"""Pure rendering shared by handlers and jobs: names, mentions, roster and settings texts."""

from __future__ import annotations

import functools

from bot import dates
from bot.i18n import Html, escape, t
from bot.models import ROLE_ORDER, Role
from bot.names import shown, visible
from bot.reports import agency_label
from bot.services.roster import RosterEntry
from bot.services.settings import config_of
from storage.committees import Committee
from storage.members import Member


def shown_name(full_name: str, username: str | None, user_id: int | None, lang: str) -> Html:
    """A person's name as a message shows it: isolated, escaped; a name with nothing visible
    (only U+3164, zero-width or control characters) falls back to @username or "user #id"."""
    if visible(full_name):
        return Html(shown(escape(full_name)))
    if username:
        return Html(f"@{escape(username)}")
    return t(lang, "common.user_number", id=user_id if user_id is not None else "?")


def name(member: Member, lang: str) -> Html:
    """A member's name, escaped and isolated, without notifying them."""
    return shown_name(member.full_name, member.username, member.user_id, lang)


def mention(member: Member, lang: str) -> Html:
    """A member's name that notifies them (a text mention by id, else their @username)."""
    if member.user_id:
        return Html(f'<a href="tg://user?id={member.user_id}">{name(member, lang)}</a>')
    if member.username:
        return Html(f"@{escape(member.username)}")
    return name(member, lang)


def pending_name(member: Member, acting: Member | None, lang: str) -> Html:
    """Someone waited for in `/pending`: a mention of them, or of who acts for them today as
    `B (thay đồng chí A)` (issue 17)."""
    if acting is None:
        return mention(member, lang)
    return t(lang, "standin.on_behalf", standin=mention(acting, lang), member=name(member, lang))


@functools.lru_cache(maxsize=2048)
def with_agency(member: Member, lang: str, *, notify: bool = False) -> Html:
    """`Name (Agency)` for cards and lists (one label for a member without an agency).

    Memoised: pure in the seat's fields (a frozen record) and the language; a list shows each
    lead again and again."""
    shown = mention(member, lang) if notify else name(member, lang)
    return t(lang, "common.name_agency", name=shown, agency=agency_label(member.agency, lang))


def role_name(role: str, lang: str) -> Html:
    """A role in the reader's language."""
    return t(lang, f"roles.{role}")


def roster(committee: Committee, entries: list[RosterEntry], lang: str) -> Html:
    """`/members`: by role, with agency and whether DMs reach them."""
    lines = [t(lang, "members.header", title=committee.title, count=len(entries))]
    for role in ROLE_ORDER:
        group = [e for e in entries if e.member.role == role]
        if not group:
            continue
        lines.append("")
        lines.append(t(lang, "members.role_heading", role=role_name(role, lang), count=len(group)))
        for entry in group:
            key = "members.line_dm" if entry.can_dm else "members.line"
            pending = "" if entry.member.user_id else t(lang, "members.pending_mark")
            lines.append(t(lang, key, name=with_agency(entry.member, lang), pending=pending))
    if len(lines) == 1:
        lines.append(t(lang, "members.empty"))
    lines.append("")
    lines.append(t(lang, "members.legend"))
    return Html("\n".join(lines))


def setting_values(committee: Committee, lang: str) -> dict[str, str]:
    """Each `/settings` key → its current value as shown."""
    cfg = config_of(committee)
    off = t(lang, "settings.off")
    digest = off
    if cfg.digest:
        weekday, at = cfg.digest
        digest = Html(f"{escape(dates.weekday_name(weekday, lang))} {at:%H:%M}")
    quiet = off if cfg.quiet is None else Html(f"{cfg.quiet[0]:%H:%M}–{cfg.quiet[1]:%H:%M}")
    return {
        "language": t(lang, f"language.{cfg.language}"),
        "timezone": committee.timezone,
        "digest": digest,
        "reminders": dates.format_offsets(cfg.offsets) or off,
        "quiet": quiet,
        "workdays": dates.format_workdays(cfg.workdays, lang),
        "silence": t(
            lang, "settings.silence_agree" if cfg.silence_agree else "settings.silence_none"
        ),
        "maxposts": str(cfg.max_posts) if cfg.max_posts else off,
        "proxyvote": t(
            lang, "settings.proxyvote_on" if cfg.proxy_vote else "settings.proxyvote_off"
        ),
    }


def settings_view(committee: Committee, lang: str) -> Html:
    """`/settings`: every key with its current value."""
    return t(lang, "settings.view", title=committee.title, **setting_values(committee, lang))


def setting_changed(committee: Committee, key: str, lang: str) -> Html:
    """The reply to `/settings key value`: that one setting's new value."""
    value = setting_values(committee, lang)[key]
    return t(
        lang, "settings.changed_one", label=t(lang, f"settings.label.{key}"), key=key, value=value
    )


def committees_list(committees: list[Committee], lang: str) -> Html:
    """A person's committees, for `/start` in a private chat."""
    if not committees:
        return t(lang, "start.private_none")
    lines = [t(lang, "start.private_some")]
    lines += [t(lang, "start.committee_line", title=c.title) for c in committees]
    return Html("\n".join(lines))


def is_role(value: str) -> bool:
    """Whether a stored role string is known."""
    return value in {r.value for r in Role}


def periodic_text(line, lang: str) -> Html:
    """` · periodic reports: on time x, late y, missing z` after an agency's line (if any)."""
    if not line.periodic:
        return Html("")
    on_time, late, missing = line.periodic
    return t(lang, "periodic.agency", on_time=on_time, late=late, missing=missing)
