"""A meeting as an iCalendar (.ics) file, made with `icalendar` (imported only when used).

The event keeps one UID for its whole life and carries the meeting's SEQUENCE, raised on every
change of time, so phone calendars update the event instead of adding a second one; a cancelled
meeting is sent as METHOD:CANCEL / STATUS:CANCELLED. Times are given in the committee's
timezone with its VTIMEZONE, and an alarm rings an hour before.
"""

from __future__ import annotations

from datetime import timedelta

from bot.documents import plain
from bot.services.meeting_model import MeetingView

ALARM_BEFORE = timedelta(hours=1)
PRODID = "-//Committee bot//Meetings//VI"


def uid(view: MeetingView) -> str:
    """Stable for the meeting's life: committee and item ids."""
    return f"meeting-{view.committee.id}-{view.item.id}@committee-bot"


def build(view: MeetingView, lang: str) -> bytes:
    """The event: title, start and end in the committee's timezone, place, agenda, alarm."""
    from icalendar import Alarm, Calendar, Event, Timezone

    tz = view.committee.tz
    cancelled = view.item.status == "cancelled"
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if cancelled else "PUBLISH")
    start, end = view.start.astimezone(tz), view.end.astimezone(tz)
    cal.add_component(Timezone.from_tzid(tz.key, first_date=start.date(), last_date=end.date()))
    event = Event()
    event.add("uid", uid(view))
    event.add("sequence", view.sequence)
    event.add("dtstamp", view.item.updated_at)
    event.add(
        "summary", plain(lang, "meeting.ics.summary", number=view.number, title=view.item.title)
    )
    event.add("dtstart", start)
    event.add("dtend", end)
    if view.place:
        event.add("location", view.place)
    lines = [plain(lang, "meeting.ics.committee", committee=view.committee.title)]
    lines += [f"- {entry.text}" for entry in view.lines]
    event.add("description", "\n".join(lines))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if not cancelled:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", plain(lang, "meeting.ics.alarm", title=view.item.title))
        alarm.add("trigger", -ALARM_BEFORE)
        event.add_component(alarm)
    cal.add_component(event)
    return cal.to_ical()
