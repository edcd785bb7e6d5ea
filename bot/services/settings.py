"""Committee settings (`/settings`): parsed views for other services, validated changes."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot import dates
from bot.clock import Clock
from bot.config import LANGUAGES
from bot.errors import DomainError
from bot.services.guard import actor_id as _actor_id
from bot.services.guard import guarded
from bot.workcalendar import WorkCalendar, calendar_of
from storage.audit import AuditRepo
from storage.committees import Committee, CommitteeRepo
from storage.members import Member, MemberRepo

# The keys `/settings` accepts, with Vietnamese aliases.
KEYS = (
    "language",
    "timezone",
    "digest",
    "reminders",
    "quiet",
    "workdays",
    "silence",
    "maxposts",
    "proxyvote",
)
KEY_ALIASES = {
    "lang": "language",
    "ngonngu": "language",
    "tz": "timezone",
    "muigio": "timezone",
    "tonghop": "digest",
    "nhacnho": "reminders",
    "nhacviec": "reminders",
    "gioyenlang": "quiet",
    "yenlang": "quiet",
    "ngaylamviec": "workdays",
    "imlang": "silence",
    "toida": "maxposts",
    "sotinmoingay": "maxposts",
    "uyquyen": "proxyvote",
}
MAX_POSTS_LIMIT = 20  # `/settings maxposts N`: 1…20, or off (no ceiling)
OFF_WORDS = frozenset({"off", "tắt", "tat", "none", "không", "khong"})


@dataclass(frozen=True)
class CommitteeConfig:
    """A committee's settings, parsed for use."""

    tz: ZoneInfo
    language: str
    workdays: frozenset[int]
    quiet: tuple[time, time] | None
    offsets: tuple[timedelta, ...]
    digest: tuple[int, time] | None
    silence_agree: bool
    max_posts: int = 3  # automatic group posts a day; 0: no ceiling
    calendar: WorkCalendar | None = None  # None: the weekday rule with the public holidays
    proxy_vote: bool = False  # a stand-in's ballot on a motion counts (issue 17)

    def __post_init__(self) -> None:
        if self.calendar is None:
            object.__setattr__(self, "calendar", calendar_of(self.workdays))


def config_of(committee: Committee) -> CommitteeConfig:
    """Parse the stored settings of a committee (memoised on the committee's stored values:
    a committee row read again, unchanged, does not parse them again)."""
    try:
        return _config_memo(committee)
    except TypeError:  # not hashable (a stand-in built by hand): parse it
        return _config(committee)


def _config(committee: Committee) -> CommitteeConfig:
    quiet = None
    if committee.quiet_start and committee.quiet_end:
        quiet = (time.fromisoformat(committee.quiet_start), time.fromisoformat(committee.quiet_end))
    digest = None
    if committee.digest_weekday is not None and committee.digest_time:
        digest = (committee.digest_weekday, time.fromisoformat(committee.digest_time))
    workdays = frozenset(int(d) for d in committee.workdays.split(",") if d)
    return CommitteeConfig(
        tz=committee.tz,
        language=committee.language,
        workdays=workdays,
        quiet=quiet,
        offsets=dates.parse_offsets(committee.reminder_offsets or "off"),
        digest=digest,
        silence_agree=committee.silence_agree,
        max_posts=committee.max_posts,
        calendar=calendar_of(workdays, committee.calendar),
        proxy_vote=committee.proxy_vote,
    )


# A pure function of the frozen Committee's values (its hash and equality cover every field).
_config_memo = functools.lru_cache(maxsize=1024)(_config)


def normalize_key(word: str) -> str:
    """The canonical settings key for a typed word (or raise with the list of keys)."""
    key = word.strip().lower()
    key = KEY_ALIASES.get(key, key)
    if key not in KEYS:
        raise DomainError("settings.unknown_key", key=word)
    return key


class SettingsService:
    """Validated changes to a committee's settings."""

    def __init__(
        self,
        committees: CommitteeRepo,
        audit: AuditRepo,
        clock: Clock,
        members: MemberRepo | None = None,
    ) -> None:
        self.committees = committees
        self.audit = audit
        self.clock = clock
        self.members = members  # to check again, inside the change, the seat the gate saw
        self.db = committees.db

    @guarded
    async def change(
        self, committee: Committee, actor: Member | int, key: str, value: str
    ) -> Committee:
        """Apply `/settings key value`; the whole value is checked before anything is stored."""
        actor_id = _actor_id(actor)
        key = normalize_key(key)
        value = " ".join(value.split())
        if not value:
            raise DomainError(f"settings.usage_{key}")
        columns = self._columns(key, value)
        await self.committees.update_settings(committee.id, **columns)
        await self.audit.add(
            committee.id, "settings.change", actor_id, self.clock.now(), key=key, value=value
        )
        return await self.committees.get(committee.id)

    @staticmethod
    def _columns(key: str, value: str) -> dict[str, object]:
        lowered = value.lower()
        if key == "language":
            if lowered not in LANGUAGES:
                raise DomainError("settings.usage_language")
            return {"language": lowered}
        if key == "timezone":
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                raise DomainError("settings.bad_timezone", value=value) from None
            return {"timezone": value}
        if key == "digest":
            if lowered in OFF_WORDS:
                return {"digest_weekday": None, "digest_time": None}
            parts = lowered.split()
            if len(parts) != 2:
                raise DomainError("settings.usage_digest")
            weekday = dates.parse_weekday(parts[0])
            at = dates.parse_hhmm(parts[1])
            return {"digest_weekday": weekday, "digest_time": at.strftime("%H:%M")}
        if key == "reminders":
            return {"reminder_offsets": dates.format_offsets(dates.parse_offsets(lowered))}
        if key == "quiet":
            quiet = dates.parse_quiet(lowered)
            if quiet is None:
                return {"quiet_start": None, "quiet_end": None}
            return {
                "quiet_start": quiet[0].strftime("%H:%M"),
                "quiet_end": quiet[1].strftime("%H:%M"),
            }
        if key == "workdays":
            days = dates.parse_workdays(lowered)
            return {"workdays": ",".join(str(d) for d in sorted(days))}
        if key == "maxposts":
            if lowered in OFF_WORDS:
                return {"max_posts": 0}
            if (
                not (lowered.isascii() and lowered.isdigit())
                or not 1 <= int(lowered) <= MAX_POSTS_LIMIT
            ):
                raise DomainError("settings.usage_maxposts")
            return {"max_posts": int(lowered)}
        if key == "proxyvote":
            if lowered in {"on", "bat", "bật"}:
                return {"proxy_vote": 1}
            if lowered in OFF_WORDS:
                return {"proxy_vote": 0}
            raise DomainError("settings.usage_proxyvote")
        if lowered in {"agree", "dongy", "đồng ý", "on"}:
            return {"silence_agree": 1}
        if lowered in OFF_WORDS:
            return {"silence_agree": 0}
        raise DomainError("settings.usage_silence")
