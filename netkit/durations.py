"""Durations (``30d``, ``2w``, ``3m``, ``1y``) and calendar arithmetic. Pure."""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import re

_DURATION_RE = re.compile(r"^\s*(\d+)\s*([dwmy])\s*$")

#: average days per unit, used only to express a cadence as a number of days
_APPROX_DAYS = {"d": 1.0, "w": 7.0, "m": 30.436875, "y": 365.2425}


@dataclasses.dataclass(frozen=True, slots=True)
class Duration:
    """A count of days, weeks, calendar months or years."""

    count: int
    unit: str  # one of d, w, m, y

    def __str__(self) -> str:
        return f"{self.count}{self.unit}"

    def add_to(self, day: dt.date) -> dt.date:
        """``day`` plus this duration; months and years clamp to the month's last day."""
        if self.unit == "d":
            return day + dt.timedelta(days=self.count)
        if self.unit == "w":
            return day + dt.timedelta(weeks=self.count)
        months = self.count if self.unit == "m" else 12 * self.count
        return add_months(day, months)

    def subtract_from(self, day: dt.date) -> dt.date:
        """``day`` minus this duration (same clamping rules as :meth:`add_to`)."""
        if self.unit == "d":
            return day - dt.timedelta(days=self.count)
        if self.unit == "w":
            return day - dt.timedelta(weeks=self.count)
        months = self.count if self.unit == "m" else 12 * self.count
        return add_months(day, -months)

    @property
    def approx_days(self) -> int:
        """The duration as a whole number of days (months average 30.44 days)."""
        return max(1, round(self.count * _APPROX_DAYS[self.unit]))


def parse_duration(text: str) -> Duration | None:
    """Parse ``<n>d|w|m|y``; None when the text is not a duration or ``n`` is 0."""
    m = _DURATION_RE.match(text)
    if not m:
        return None
    count = int(m.group(1))
    if count <= 0:
        return None
    return Duration(count, m.group(2))


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar-month arithmetic: Jan 31 + 1 month = Feb 28 (or 29)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(index, 12)
    month = month0 + 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))
