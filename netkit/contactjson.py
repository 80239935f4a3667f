"""A contact as a JSON object, for ``list --json`` and ``show --json``. Pure.

The object starts with the front-matter fields exactly as loaded (dates as ISO strings,
unknown fields included), then the computed keys, which win over a front-matter field of
the same name:

``path``, ``name``, ``tier``, ``status``, ``aliases``, ``tags`` (normalised lists),
``cadence`` (the effective cadence, e.g. ``"30d"``, the contact's own or its tier's),
``cadence_days``, ``last_contact`` (the computed last touchpoint, which already takes the
front-matter ``last_contact`` into account), ``last_contact_basis`` (log | last_contact |
met | never), ``next_due`` (null for paused/archived contacts), ``days_until``,
``planned`` (the planned entry that covers the contact, or null), ``snoozed`` and
``next_birthday``; with ``with_log``, ``log``: every entry, oldest first, each
:meth:`~netkit.model.LogEntry.to_json` plus ``planned`` (dated after today).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from netkit import cadence
from netkit.model import Config, Contact, LogEntry


def entry_json(entry: LogEntry, today: dt.date) -> dict[str, Any]:
    """One log entry as JSON, with ``planned`` (dated after ``today``)."""
    data = entry.to_json()
    data["planned"] = entry.is_planned(today)
    return data


def contact_json(contact: Contact, config: Config, today: dt.date, *, with_log: bool = False) -> dict[str, Any]:
    """``contact`` as a JSON-able object (see the module docstring for the keys)."""
    sched = cadence.schedule(contact, config, today)
    effective = config.cadence_for(contact)
    data: dict[str, Any] = dict(contact.front_matter)
    data.update({
        "path": contact.path,
        "name": contact.name,
        "tier": contact.tier,
        "status": contact.status,
        "aliases": list(contact.aliases),
        "tags": list(contact.tags),
        "cadence": str(effective) if effective else None,
        "cadence_days": sched.cadence_days,
        "last_contact": _iso(sched.last_contact),
        "last_contact_basis": sched.basis,
        "next_due": _iso(sched.next_due),
        "days_until": sched.days_until(today),
        "planned": entry_json(sched.planned, today) if sched.planned else None,
        "snoozed": sched.snoozed,
        "next_birthday": _iso(cadence.next_birthday(contact.birthday, today)) if contact.birthday else None,
    })
    if with_log:
        data["log"] = [entry_json(e, today) for e in contact.log]
    return data


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None
