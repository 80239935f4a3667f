"""``netkit export vcard|ics|csv|json [-o FILE]``: the contacts in other formats.

The serialisers are :mod:`netkit.formats`; this module chooses what goes in them. Output is
deterministic for a given vault and ``--today`` (contacts sorted by name, then path;
``DTSTAMP`` from ``--today``), so exported files can live under git.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import click

from netkit.commands import _common
from netkit.formats.ics import CalendarEvent
from netkit.model import Config, Contact

FORMATS = ("vcard", "ics", "csv", "json")

#: the columns of ``export csv``, in order
CSV_COLUMNS = [
    "name", "path", "tier", "status", "company", "role", "email", "phone", "linkedin", "tags",
    "location", "industry", "career_stage", "met", "birthday", "last_contact", "next_due",
]

#: the year a birthday without a year is anchored to: a leap year, so 29 February exists
_ANCHOR_YEAR = 2000


def ordered(contacts: Iterable[Contact]) -> list[Contact]:
    """Contacts by name (case-insensitive), then path: the order of ``list``."""
    return sorted(contacts, key=lambda c: (c.name.casefold(), c.path))


def calendar_events(contacts: Sequence[Contact], config: Config, today: dt.date) -> list[CalendarEvent]:
    """One all-day event per active contact's next touchpoint and one yearly event per
    birthday (archived contacts excluded), each with a UID stable across exports.

    The touchpoint is :func:`netkit.cadence.schedule`'s ``next_due`` (a planned log entry's
    date when one is planned); its UID depends on the contact's path only, so when the due
    date moves, a subscribed calendar moves the event instead of adding a second one.
    A birthday starts in the year of birth (or 2000 when the year is unknown) and repeats.
    """
    from netkit import cadence

    events: list[CalendarEvent] = []
    for c in contacts:
        if c.is_active:
            s = cadence.schedule(c, config, today)
            if s.next_due is not None:
                details = [f"Tier {c.tier}"]
                if s.cadence_days is not None:
                    details.append(f"cadence {s.cadence_days} days")
                details.append(f"last contact {s.last_contact}" if s.last_contact else "no contact yet")
                if s.planned is not None:
                    summary = f"Planned: {c.name}" + (f" — {s.planned.text}" if s.planned.text else "")
                else:
                    summary = f"Touchpoint: {c.name}"
                events.append(CalendarEvent(
                    uid_seed=f"touchpoint:{c.path}",
                    date=s.next_due,
                    summary=summary,
                    description="; ".join(details) + f"\n{c.path}",
                    categories=("netkit", "touchpoint"),
                ))
        if c.birthday is not None and c.status != "archived":
            b = c.birthday
            events.append(CalendarEvent(
                uid_seed=f"birthday:{c.path}",
                date=dt.date(b.year if b.year is not None else _ANCHOR_YEAR, b.month, b.day),
                summary=f"Birthday: {c.name}",
                description=(f"born {b.year}\n" if b.year else "") + c.path,
                categories=("netkit", "birthday"),
                yearly=True,
            ))
    return events


def csv_rows(contacts: Sequence[Contact], config: Config, today: dt.date) -> list[dict[str, object]]:
    """One row per contact for :data:`CSV_COLUMNS` (lists are joined by the CSV writer)."""
    from netkit import cadence

    rows: list[dict[str, object]] = []
    for c in contacts:
        s = cadence.schedule(c, config, today)
        rows.append({
            "name": c.name, "path": c.path, "tier": c.tier, "status": c.status,
            "company": c.company, "role": c.role, "email": list(c.emails), "phone": list(c.phones),
            "linkedin": c.linkedin, "tags": list(c.tags), "location": c.location,
            "industry": c.industry, "career_stage": c.career_stage, "met": c.met,
            "birthday": str(c.birthday) if c.birthday else None,
            "last_contact": s.last_contact, "next_due": s.next_due,
        })
    return rows


def render(fmt: str, vault: Any, today: dt.date) -> bytes:
    """The export of ``vault`` in ``fmt`` as bytes (UTF-8; vCard/iCalendar/CSV use CRLF)."""
    from netkit import contactjson, formats

    contacts = ordered(vault.contacts)
    if fmt == "vcard":
        text = formats.export_vcard(contacts)
    elif fmt == "ics":
        text = formats.export_ics(calendar_events(contacts, vault.config, today), dtstamp=today)
    elif fmt == "csv":
        text = formats.export_csv(csv_rows(contacts, vault.config, today), CSV_COLUMNS)
    else:
        data = [contactjson.contact_json(c, vault.config, today) for c in contacts]
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return text.encode("utf-8", "replace")  # a lone surrogate must not crash an export


def _protected(vault: Any, output: Path) -> str | None:
    """Why ``output`` must not be overwritten (a contact file, the config), or None."""
    from netkit import loader

    try:
        target = output.resolve()
        rel = target.relative_to(vault.root.resolve()).as_posix()
    except (OSError, ValueError):
        return None
    if rel == "netkit.yaml":
        return "it is the vault's settings file"
    paths, _ = loader.discover(vault.root, vault.config)
    if rel in paths:
        return "it is a contact file"
    return None


@click.command("export")
@click.argument("fmt", metavar="FORMAT", type=click.Choice(FORMATS, case_sensitive=False))
@click.option("-o", "--output", metavar="FILE", help="Write to FILE (atomically) instead of standard output.")
@_common.global_options
def command(fmt: str, output: str | None) -> None:
    """Export every contact as FORMAT: vcard (vCard 4.0, one card per contact), ics (an
    all-day event per active contact's next touchpoint and a yearly event per birthday),
    csv (safe to open in a spreadsheet) or json (the objects of `list --json`).

    Output is deterministic: contacts sorted by name, calendar stamps from --today, UIDs
    derived from file paths (a calendar subscribed to the .ics updates its events).
    """
    from netkit import fileio

    vault = _common.load()
    data = render(fmt.lower(), vault, _common.today())
    if output is None or output == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(data)  # bytes: CRLF stays CRLF on every platform
        sys.stdout.buffer.flush()
    else:
        target = Path(output)
        why = _protected(vault, target)
        if why:
            _common.fail(f"refusing to overwrite {output}: {why}")
        if os.path.isdir(target):
            _common.fail(f"{output} is a folder; give a file name", _common.EXIT_ERRORS)
        try:
            fileio.atomic_write(target, data)
        except fileio.NetkitIOError as exc:
            _common.fail(str(exc), _common.EXIT_ERRORS)
        click.echo(f"Wrote {len(vault.contacts)} contacts to {output}", err=True)
    sys.exit(_common.report_and_exit_code(vault))
