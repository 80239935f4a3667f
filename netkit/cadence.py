"""Who is due for a touchpoint, and whose birthday is coming. Pure: ``today`` is a parameter.

The rules (documented for users in ``docs/touchpoints.md``):

* the last touchpoint is the latest log entry dated today or earlier, or the front-matter
  ``last_contact`` when that is later; with neither, ``met``; with none of them the person
  is due today ("never contacted");
* the cadence is the contact's own ``cadence`` or its tier's; the next touchpoint is due one
  cadence after the last (calendar months for ``m``, clamped to the month's end);
* ``snooze_until`` pushes the due date to that day when it is later;
* a planned touchpoint (a log entry dated after today) no later than one cadence from today
  means the person is taken care of: not due, next due = the planned date;
* ``paused`` and ``archived`` contacts are never due.
"""

from __future__ import annotations

import bisect
import calendar
import dataclasses
import datetime as dt
import math
import operator
from collections.abc import Iterable, Mapping, Sequence

from netkit.durations import Duration
from netkit.model import Birthday, Config, Contact, LogEntry


@dataclasses.dataclass(frozen=True, slots=True)
class Schedule:
    """Where one contact stands: last touchpoint, next due date, and how late."""

    contact: Contact
    last_contact: dt.date | None
    last_entry: LogEntry | None  # the entry that set last_contact, when it came from the log
    basis: str  # "log" | "last_contact" | "met" | "never"
    cadence_days: int | None
    next_due: dt.date | None  # None: never due (paused/archived or unknown cadence)
    planned: LogEntry | None  # the planned entry that covers this contact, if any
    snoozed: bool  # the due date was pushed by snooze_until

    def days_until(self, today: dt.date) -> int | None:
        """Days until due; negative when overdue."""
        return None if self.next_due is None else (self.next_due - today).days

    def overdue_ratio(self, today: dt.date) -> float | None:
        """Time since the last touchpoint over the cadence (1.0 = exactly due, 2.0 = twice as late)."""
        if self.cadence_days is None:
            return None
        if self.last_contact is None:
            return math.inf
        return (today - self.last_contact).days / self.cadence_days


@dataclasses.dataclass(frozen=True, slots=True)
class DueItem:
    """One line of the due list: a touchpoint to make or a birthday to remember."""

    kind: str  # "touchpoint" | "birthday"
    contact: Contact
    date: dt.date
    days_until: int
    schedule: Schedule
    age: int | None = None  # birthdays: the age they turn, when the year is known

    def to_json(self) -> dict[str, object]:
        """The shape fixed by design.md §4 (plus a few keys)."""
        s = self.schedule
        return {
            "kind": self.kind,
            "name": self.contact.name,
            "path": self.contact.path,
            "tier": self.contact.tier,
            "date": self.date.isoformat(),
            "days_until": self.days_until,
            "last_contact": s.last_contact.isoformat() if s.last_contact else None,
            "cadence_days": s.cadence_days,
            "basis": s.basis,
            "age": self.age,
        }


def _past_count(log: Sequence[LogEntry], today: dt.date, today_ordinal: int) -> int:
    """How many entries of ``log`` (sorted by date) are dated today or earlier: a binary
    search, on the dates alone when the log offers them (:class:`netkit.briefs.BriefLog`)."""
    ordinals = getattr(log, "ordinals", None)
    if ordinals is not None:
        return bisect.bisect_right(ordinals, today_ordinal)
    return bisect.bisect_right(log, today, key=_entry_date)


_entry_date = operator.attrgetter("date")


def _last_touchpoint(contact: Contact, today: dt.date, past: int) -> tuple[dt.date | None, LogEntry | None, str]:
    last_entry = contact.log[past - 1] if past else None
    if last_entry is not None and (contact.last_contact is None or last_entry.date >= contact.last_contact):
        return last_entry.date, last_entry, "log"
    if contact.last_contact is not None and contact.last_contact <= today:
        return contact.last_contact, None, "last_contact"
    if last_entry is not None:
        return last_entry.date, last_entry, "log"
    if contact.met is not None and contact.met <= today:
        return contact.met, None, "met"
    return None, None, "never"


class _Day:
    """What every schedule of one day shares: per cadence, its length in days and the day
    one cadence after today (looked up by the cadence object, which lives as long as this)."""

    __slots__ = ("today", "ordinal", "config", "_cadences")

    def __init__(self, config: Config, today: dt.date) -> None:
        self.today = today
        self.ordinal = today.toordinal()
        self.config = config
        self._cadences: dict[int, tuple[Duration, int, dt.date | None]] = {}

    def cadence(self, cadence: Duration) -> tuple[int, dt.date | None]:
        """``(approx_days, horizon)``; the horizon is computed on first need."""
        known = self._cadences.get(id(cadence))
        if known is None or known[0] is not cadence:
            known = self._cadences[id(cadence)] = (cadence, cadence.approx_days, None)
        return known[1], known[2]

    def horizon(self, cadence: Duration) -> dt.date:
        """Today plus one ``cadence``."""
        known = self._cadences.get(id(cadence))
        if known is None or known[0] is not cadence or known[2] is None:
            known = self._cadences[id(cadence)] = (cadence, cadence.approx_days, _add(cadence, self.today))
        assert known[2] is not None
        return known[2]


def schedule(contact: Contact, config: Config, today: dt.date) -> Schedule:
    """Compute one contact's schedule."""
    return _schedule(contact, _Day(config, today))


def _schedule(contact: Contact, day: _Day) -> Schedule:
    today = day.today
    log = contact.log
    past = _past_count(log, today, day.ordinal)
    last, entry, basis = _last_touchpoint(contact, today, past)
    cadence = day.config.cadence_for(contact)
    if cadence is None:
        return Schedule(contact, last, entry, basis, None, None, None, False)
    cadence_days = day.cadence(cadence)[0]
    if contact.status != "active":  # contact.is_active: only active contacts are ever due
        return Schedule(contact, last, entry, basis, cadence_days, None, None, False)
    due = _add(cadence, last) if last is not None else today
    if past < len(log):  # the first entry after today, if within one cadence
        future = log[past]
        if future.date <= day.horizon(cadence):
            return Schedule(contact, last, entry, basis, cadence_days, future.date, future, False)
    snoozed = False
    if contact.snooze_until is not None and contact.snooze_until > due:
        due, snoozed = contact.snooze_until, True
    return Schedule(contact, last, entry, basis, cadence_days, due, None, snoozed)


def last_touchpoint(contact: Contact, today: dt.date) -> tuple[dt.date | None, LogEntry | None, str]:
    """The last touchpoint's date, the log entry behind it, and where it came from."""
    return _last_touchpoint(contact, today, _past_count(contact.log, today, today.toordinal()))


def _add(cadence: Duration, day: dt.date) -> dt.date:
    """``day`` + ``cadence``, saturating at the last representable date: a cadence such as
    ``9000y`` is odd but valid input, and must not crash the due list."""
    try:
        return cadence.add_to(day)
    except (OverflowError, ValueError):
        return dt.date.max


def next_birthday(birthday: Birthday, today: dt.date) -> dt.date:
    """The next occurrence on or after ``today``; Feb 29 falls on Feb 28 in common years."""
    for year in (today.year, today.year + 1):
        if year > dt.MAXYEAR:
            return dt.date.max  # only reachable with --today in December 9999
        day = birthday.day
        if birthday.month == 2 and day == 29 and not calendar.isleap(year):
            day = 28
        candidate = dt.date(year, birthday.month, day)
        if candidate >= today:
            return candidate
    raise AssertionError("unreachable: a birthday recurs within a year")


def due_items(
    contacts: Iterable[Contact], config: Config, today: dt.date, within: int = 7,
    *, schedules: Mapping[str, Schedule] | None = None,
) -> list[DueItem]:
    """Touchpoints due within ``within`` days (overdue ones included) and birthdays in the window.

    Order: overdue touchpoints first, most overdue relative to their cadence first; then
    everything else by date (birthdays before touchpoints on the same day); ties by tier, name.

    ``schedules`` (path -> :class:`Schedule` of that very contact, for the same ``config``
    and ``today``) saves computing the schedules again when the caller has them.
    """
    horizon = due_horizon(today, within)
    items: list[DueItem] = []
    known = schedules.get if schedules is not None else None
    day = _Day(config, today)
    for contact in contacts:
        sched = known(contact.path) if known is not None else None
        if sched is None or sched.contact is not contact:
            sched = _schedule(contact, day)
        if sched.next_due is not None or contact.birthday is not None:  # else nothing to list
            items.extend(contact_due_items(sched, today, horizon))
    items.sort(key=lambda item: urgency(item, today))
    return items


def due_horizon(today: dt.date, within: int) -> dt.date:
    """The last day of a ``within``-day due window (saturating at the last representable date)."""
    try:
        return today + dt.timedelta(days=max(within, 0))
    except OverflowError:
        return dt.date.max


def contact_due_items(sched: Schedule, today: dt.date, horizon: dt.date) -> list[DueItem]:
    """One contact's share of :func:`due_items` (its touchpoint, its birthday), unsorted.

    ``horizon`` is :func:`due_horizon`; callers that already have the contact's schedule
    (the pages, which need it anyway) avoid computing it a second time.
    """
    contact = sched.contact
    items: list[DueItem] = []
    if sched.next_due is not None and sched.planned is None and sched.next_due <= horizon:
        items.append(DueItem("touchpoint", contact, sched.next_due, (sched.next_due - today).days, sched))
    if contact.birthday is not None and contact.status != "archived":
        bday = next_birthday(contact.birthday, today)
        if bday <= horizon:
            age = bday.year - contact.birthday.year if contact.birthday.year else None
            if age is not None and age < 1:
                age = None  # a birth year in the future (a typo) must not say "turns -3"
            items.append(DueItem("birthday", contact, bday, (bday - today).days, sched, age))
    return items


def urgency(item: DueItem, today: dt.date) -> tuple[int, float, int, int, str, str]:
    """The sort key of :func:`due_items`: most urgent first; a total order (the path decides last)."""
    if item.kind == "touchpoint" and item.days_until < 0:
        ratio = item.schedule.overdue_ratio(today) or 0.0
        return (0, -ratio, 0, item.contact.tier, item.contact.name.casefold(), item.contact.path)
    kind_rank = 0 if item.kind == "birthday" else 1
    return (1, float(item.days_until), kind_rank, item.contact.tier, item.contact.name.casefold(), item.contact.path)



def describe(item: DueItem, today: dt.date) -> str:
    """Why this person is listed, in a few words ("2.3× overdue, last: coffee 2026-07-01")."""
    s = item.schedule
    if item.kind == "birthday":
        when = "today" if item.days_until == 0 else f"in {item.days_until} d"
        turning = f", turns {item.age}" if item.age else ""
        return f"birthday {when}{turning}"
    if s.basis == "never":
        return "never contacted: no log, no met date"
    last = _last_words(s)
    if item.days_until < 0:
        ratio = s.overdue_ratio(today) or 0.0
        return f"{ratio:.1f}× cadence since last touch, {-item.days_until} d overdue; {last}"
    if s.snoozed:
        return f"snooze ends {s.next_due}; {last}"
    if item.days_until == 0:
        return f"due today; {last}"
    return f"due in {item.days_until} d; {last}"


def _last_words(s: Schedule) -> str:
    if s.last_contact is None:
        return "no touchpoint yet"
    if s.basis == "met":
        return f"met {s.last_contact}, no touchpoint since"
    if s.basis == "last_contact":
        return f"last: {s.last_contact}"
    text = (s.last_entry.text if s.last_entry else "").strip()
    if len(text) > 32:
        text = text[:31] + "…"
    return f"last: {text + ' ' if text else ''}{s.last_contact}"
