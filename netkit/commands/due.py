"""``netkit due [--within DAYS] [--json]``: who to reach out to, and whose birthday is coming.

A thin layer over :func:`netkit.cadence.due_items`; the rules are in ``docs/touchpoints.md``.
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import TYPE_CHECKING

import click

from netkit.commands import _common

if TYPE_CHECKING:
    from netkit.answers import DueLine
    from netkit.cadence import DueItem

DEFAULT_WITHIN = 7
#: the keys of a due item's JSON (``DueItem.to_json``), in the order of a recorded due line
_JSON_KEYS = ("kind", "name", "path", "tier", "date", "days_until", "last_contact", "cadence_days", "basis", "age")


def window_words(within: int) -> str:
    """``"in the next 7 days"``; ``"today"`` for 0 and ``"today or tomorrow"`` for 1."""
    if within == 0:
        return "today"
    if within == 1:
        return "today or tomorrow"
    return f"in the next {within} days"


def render(items: list[DueItem], today: dt.date, within: int) -> str:
    """The human table (``cadence.DueItem`` rows, already in urgency order) and a summary."""
    from netkit import cadence

    return render_lines([(item.kind, item.contact.name, item.contact.path, item.contact.tier,
                          item.date.isoformat(), item.days_until, None, None, "", None, cadence.describe(item, today))
                         for item in items], within)


def render_lines(items: list[DueLine], within: int) -> str:
    """:func:`render` for due lines (``netkit.answers.DueLine``: kind, name, path, tier,
    date, days_until, ..., why), as recorded by ``netkit index``."""
    if not items:
        return f"Nobody is due {window_words(within)}."
    # the why says "12 d overdue" / "due in 3 d" / "birthday today": no separate column
    rows = [[item[4], item[1], str(item[3]), item[10]] for item in items]
    lines = _common.table(rows, ["date", "name", "tier", "why"], align="llrl").split("\n")
    # colour whole rows after aligning: escape codes inside cells would break the widths
    for i, item in enumerate(items, start=2):
        if item[0] == "birthday":
            lines[i] = _common.style(lines[i], fg="magenta")
        elif item[5] < 0:
            lines[i] = _common.style(lines[i], fg="red")
        elif item[5] == 0:
            lines[i] = _common.style(lines[i], fg="yellow")
    touch = [i for i in items if i[0] == "touchpoint"]
    overdue = sum(1 for i in touch if i[5] < 0)
    births = len(items) - len(touch)
    parts = []
    if touch:
        parts.append(f"{len(touch)} touchpoint{'s' if len(touch) != 1 else ''}"
                     + (f" ({overdue} overdue)" if overdue else ""))
    if births:
        parts.append(f"{births} birthday{'s' if births != 1 else ''}")
    lines += ["", " and ".join(parts) + f" {window_words(within)}."]
    return "\n".join(lines)


@click.command("due")
@click.option("--within", type=click.IntRange(min=0), default=DEFAULT_WITHIN, show_default=True,
              metavar="DAYS", help="Also list touchpoints and birthdays due in the next DAYS days.")
@click.option("--json", "as_json", is_flag=True,
              help="Print a JSON list, most urgent first (kind, name, path, tier, date, days_until, "
                   "last_contact, cadence_days).")
@_common.global_options
def command(within: int, as_json: bool) -> None:
    """Touchpoints due (overdue first, most overdue relative to cadence first) and birthdays.

    Paused and archived contacts are never due; a planned touchpoint (a log entry dated
    after today) within one cadence means the person is taken care of. Exit 1 when the
    vault has errors (the list then covers the valid contacts).
    """
    from netkit import answers

    today = _common.today()
    # nothing changed since today's `netkit index`: its recorded due list (see netkit.answers)
    known, walk = answers.check(_common.vault_root(), today)
    recorded = known.due(within) if known is not None else None
    if known is not None and recorded is not None:
        if as_json:
            _common.json_dump([dict(zip(_JSON_KEYS, line, strict=False)) for line in recorded])
        else:
            click.echo(render_lines(recorded, within))
        sys.exit(_common.report_and_exit_code(known))
    from netkit import briefs, cadence

    vault = _common.load(scan=walk)
    # briefs: what the due list reads of each contact, recorded by `netkit index`, so that
    # a warm `due` decodes no contact (the answer is the same: see netkit.briefs)
    items = cadence.due_items(briefs.for_due(vault), vault.config, today, within)
    if as_json:
        _common.json_dump([item.to_json() for item in items])
    else:
        click.echo(render(items, today, within))
    sys.exit(_common.report_and_exit_code(vault))
