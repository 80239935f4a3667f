"""iCalendar (RFC 5545) export of dated events: touchpoints, planned meetings, birthdays.

Every event is an all-day ``VEVENT`` (``DTSTART;VALUE=DATE`` and an exclusive ``DTEND`` the
next day, as RFC 5545 §3.6.1 prescribes for anniversaries). Output is deterministic so that
a calendar file under git only changes when the events do:

* ``UID`` is ``<sha1 of uid_seed>@netkit`` — stable across runs, so calendar apps that
  subscribe to the file update events instead of duplicating them;
* ``DTSTAMP`` is taken from the ``dtstamp`` date the caller passes (``--today``), at
  midnight UTC, never from the clock;
* events are written in the order given.

Birthdays can repeat yearly (``yearly=True``): ``RRULE:FREQ=YEARLY``, or for 29 February
``RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1`` so that non-leap years get 28 February instead
of no event at all (RFC 5545 drops recurrences on invalid dates).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Iterable

from netkit.formats.records import escape_text, fold_line


@dataclasses.dataclass(frozen=True, slots=True)
class CalendarEvent:
    """One all-day event.

    ``uid_seed`` must be unique and stable per event (e.g. ``"birthday:contacts/ada.md"``
    or ``"due:contacts/ada.md:2026-12-01"``); events sharing a seed share a UID, which
    calendar apps treat as the same event.
    """

    uid_seed: str
    date: dt.date
    summary: str
    description: str = ""
    categories: tuple[str, ...] = ()
    #: repeat every year on this date (birthdays)
    yearly: bool = False


def event_uid(uid_seed: str) -> str:
    """The UID written for an event with this seed."""
    return hashlib.sha1(uid_seed.encode("utf-8", "replace")).hexdigest() + "@netkit"


def _date(value: dt.date) -> str:
    return f"{value.year:04d}{value.month:02d}{value.day:02d}"


def _event_lines(event: CalendarEvent, stamp: str) -> list[str]:
    day = event.date
    if isinstance(day, dt.datetime):  # all-day events only: the time of day is ignored
        day = day.date()
    lines = [
        "BEGIN:VEVENT",
        f"UID:{event_uid(event.uid_seed)}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{_date(day)}",
        f"DTEND;VALUE=DATE:{_date(day + dt.timedelta(days=1))}",
    ]
    if event.yearly:
        if (day.month, day.day) == (2, 29):
            lines.append("RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1")
        else:
            lines.append("RRULE:FREQ=YEARLY")
    lines.append(f"SUMMARY:{escape_text(event.summary)}")
    if event.description.strip():
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    categories = [escape_text(c) for c in event.categories if c.strip()]
    if categories:
        lines.append("CATEGORIES:" + ",".join(categories))
    # reminders, not meetings: they must not show the day as busy
    lines.append("TRANSP:TRANSPARENT")
    lines.append("END:VEVENT")
    return lines


def export_ics(
    events: Iterable[CalendarEvent],
    *,
    dtstamp: dt.date,
    prodid: str = "-//netkit//netkit//EN",
) -> str:
    """An iCalendar file with one all-day ``VEVENT`` per event; CRLF, folded at 75 octets.

    ``dtstamp`` is a date (a datetime's time is ignored): it becomes every event's
    ``DTSTAMP`` as ``YYYYMMDDT000000Z``, which keeps two exports of the same data identical.
    """
    stamp = f"{_date(dtstamp)}T000000Z"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        # PRODID is free text, but a line break in it would end the property early
        f"PRODID:{' '.join(prodid.split())}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    for event in events:
        lines.extend(_event_lines(event, stamp))
    lines.append("END:VCALENDAR")
    return "".join(fold_line(line) + "\r\n" for line in lines)
