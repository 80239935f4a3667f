"""``netkit list [--tier T] [--tag T] [--json]``: the contacts, as a table or JSON."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterable

import click

from netkit.commands import _common
from netkit.model import Config, Contact


def has_tag(contact: Contact, tag: str) -> bool:
    """Case-insensitive tag match; ``#`` is optional and a parent tag matches nested tags
    (``--tag work`` matches ``work/acme``), as in Obsidian's tag search."""
    wanted = tag.strip().lstrip("#").casefold()
    for t in contact.tags:
        t = t.casefold()
        if t == wanted or t.startswith(wanted + "/"):
            return True
    return False


def select(contacts: Iterable[Contact], tier: int | None, tag: str | None) -> list[Contact]:
    """Contacts in ``tier`` and carrying ``tag`` (when given), sorted by name."""
    chosen = [c for c in contacts
              if (tier is None or c.tier == tier) and (tag is None or has_tag(c, tag))]
    return sorted(chosen, key=lambda c: (c.name.casefold(), c.path))


def rows(contacts: Iterable[Contact], config: Config, today: dt.date) -> list[list[str]]:
    """Table rows: name, tier, company, last contact, next due (or why never)."""
    from netkit import cadence

    out = []
    for c in contacts:
        sched = cadence.schedule(c, config, today)
        if sched.next_due is not None:
            due = sched.next_due.isoformat() + (" (planned)" if sched.planned else "")
        else:
            due = c.status if not c.is_active else "-"
        last = sched.last_contact.isoformat() if sched.last_contact else "never"
        out.append([c.name, str(c.tier), c.company or "", last, due])
    return out


@click.command("list")
@click.option("--tier", type=int, metavar="T", help="Only contacts in tier T.")
@click.option("--tag", metavar="TAG", help="Only contacts with this tag (or a nested tag under it).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of contact objects.")
@_common.global_options
def command(tier: int | None, tag: str | None, as_json: bool) -> None:
    """List contacts (all statuses), sorted by name: tier, company, last contact, next due."""
    vault = _common.load()
    today = _common.today()
    if tier is not None and tier not in vault.config.tiers:
        defined = ", ".join(str(k) for k in sorted(vault.config.tiers))
        _common.fail(f"tier {tier} is not defined in netkit.yaml (tiers: {defined})")
    if as_json:
        from netkit import contactjson

        chosen = select(vault.contacts, tier, tag)
        _common.json_dump([contactjson.contact_json(c, vault.config, today) for c in chosen])
        sys.exit(_common.report_and_exit_code(vault))
    from netkit import briefs

    # the table reads what a brief holds (name, tier, company, tags, the schedule): a warm
    # list decodes no contact (see netkit.briefs)
    chosen = select(briefs.for_due(vault), tier, tag)
    if chosen:
        click.echo(_common.table(rows(chosen, vault.config, today),
                                 ["name", "tier", "company", "last contact", "next due"], align="lrlll"))
    else:
        click.echo("No contacts match." if tier is not None or tag else "No contacts yet; add one with `netkit new NAME`.")
    sys.exit(_common.report_and_exit_code(vault))
