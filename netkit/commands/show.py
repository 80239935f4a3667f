"""``netkit show NAME [--json]``: one contact as a readable card, or as JSON.

Also home of the name lookup shared with ``netkit log``: :func:`resolve` turns what the user
typed into exactly one contact, or exits 2 with the candidates / a "did you mean".
"""

from __future__ import annotations

import datetime as dt
import difflib
import sys
from typing import TYPE_CHECKING

import click

from netkit.commands import _common
from netkit.model import Config, Contact, LogEntry

if TYPE_CHECKING:
    from netkit.loader import Vault

#: how many past log entries the card shows
CARD_LOG_ENTRIES = 10


# ------------------------------------------------------------------------- lookup


def suggestions(contacts: tuple[Contact, ...], query: str, limit: int = 3) -> list[Contact]:
    """Contacts whose name, alias or file stem is close to ``query`` (difflib), best first."""
    from netkit.index import normalise

    labels: dict[str, list[Contact]] = {}
    for c in contacts:
        for label in (c.name, c.stem, *c.aliases):
            key = normalise(label)
            if key:
                labels.setdefault(key, []).append(c)
    out: list[Contact] = []
    for key in difflib.get_close_matches(normalise(query), list(labels), n=limit * 3, cutoff=0.6):
        for c in labels[key]:
            if c not in out:
                out.append(c)
    return out[:limit]


def resolve(vault: Vault, query: str) -> Contact:
    """The one contact ``query`` names (index.ContactIndex.find: name, alias, file stem or
    path; case and accents ignored; prefix, then substring).

    No match or several matches is a usage problem: exit 2 with a suggestion or the list
    of candidates. A query that names a file which could not be read as a contact exits 1
    with that file's errors.
    """

    hits = _find(vault, query)
    if len(hits) == 1:
        return hits[0]
    if len(hits) > 1:
        lines = [f"`{query}` matches {len(hits)} contacts; be more specific (a full name, alias or file name):"]
        lines += [f"  {c.name}  ({c.path})" for c in hits]
        _common.fail("\n".join(lines))
    wanted = _path_key(query)
    # a broken file is named by its stem or by its path (with or without .md), as valid ones are
    broken = sorted({d.path for d in vault.errors if wanted in (_stem_key(d.path), _path_key(d.path))})
    if broken:
        _common.print_diagnostics([d for d in vault.errors if d.path in broken])
        _common.fail(f"{', '.join(broken)} could not be read as a contact; fix the errors above first",
                     _common.EXIT_ERRORS)
    close = suggestions(vault.contacts, query)
    message = f"no contact matches `{query}`"
    if close:
        message += "; did you mean " + " or ".join(f"`{c.name}`" for c in close) + "?"
    else:
        message += " (`netkit list` shows everyone)"
    _common.fail(message)


def _find(vault: Vault, query: str) -> list[Contact]:
    """``vault.index.find(query)``; when exactly one contact matches, found in the cache's
    name labels and decoded alone (10,000 contacts decoded to show one took most of a
    second; the same rule, see :func:`netkit.index.find_paths`)."""
    from netkit.index import find_paths

    state = vault.state
    if state is not None and "contacts" not in vault.__dict__:  # not decoded yet
        paths = find_paths(state.contact_names(), query)
        if len(paths) == 1:
            contact = vault.contact_at(paths[0])
            if contact is not None:
                return [contact]
        # none, several (the messages read every contact) or not decodable: the full way
    return vault.index.find(query)


def _stem_key(path: str) -> str:
    from netkit.index import normalise

    stem = path.rsplit("/", 1)[-1]
    return normalise(stem[:-3] if stem.lower().endswith(".md") else stem)


def _path_key(path: str) -> str:
    from netkit.index import normalise

    return normalise(path[:-3] if path.lower().endswith(".md") else path)


# --------------------------------------------------------------------------- card

_CARD_FIELDS = (
    ("aliases", "aliases"), ("tags", "tags"), ("company", "company"), ("role", "role"),
    ("industry", "industry"), ("location", "location"), ("career_stage", "career stage"),
    ("met", "met"), ("how_met", "how met"), ("introduced_by", "introduced by"), ("knows", "knows"),
    ("emails", "email"), ("phones", "phone"), ("linkedin", "linkedin"),
)


def _value_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def _entry_line(entry: LogEntry) -> str:
    details = []
    if entry.channel:
        details.append(entry.channel)
    if entry.by:
        details.append(f"by {entry.by}")
    if entry.gave:
        details.append(f"gave: {entry.gave}")
    if entry.got:
        details.append(f"got: {entry.got}")
    if entry.reply is not None:
        details.append("replied" if entry.reply else "no reply")
    if entry.source:
        details.append(f"from [[{entry.source[:-3] if entry.source.endswith('.md') else entry.source}]]")
    extra = f"  ({'; '.join(details)})" if details else ""
    return f"  {entry.date.isoformat()}  {entry.text or '(no text)'}{extra}"


def _relative(days: int) -> str:
    if days == 0:
        return "today"
    if days > 0:
        return f"in {days} d"
    return f"{-days} d ago"


def render_card(contact: Contact, config: Config, today: dt.date) -> str:
    """The human card: fields, schedule, the last log entries and the planned ones."""
    from netkit import cadence

    sched = cadence.schedule(contact, config, today)
    out = [_common.style(contact.name, bold=True) + f"  ({contact.path})"]
    tier = config.tiers.get(contact.tier)
    rows: list[tuple[str, str]] = [
        ("tier", f"{contact.tier}" + (f" · {tier.label}" if tier else "")),
        ("status", contact.status),
    ]
    for attr, label in _CARD_FIELDS:
        text = _value_text(getattr(contact, attr))
        if text:
            rows.append((label, text))
    if contact.birthday is not None:
        nxt = cadence.next_birthday(contact.birthday, today)
        rows.append(("birthday", f"{contact.birthday} (next {nxt}, {_relative((nxt - today).days)})"))
    out.extend(_rows(rows))

    out += ["", _common.style("Schedule", bold=True)]
    effective = config.cadence_for(contact)
    own = "own" if contact.cadence is not None else f"tier {contact.tier}"
    sched_rows: list[tuple[str, str]] = [
        ("cadence", f"{effective} ({own})" if effective else "none (the tier has no cadence)"),
    ]
    if sched.last_contact is None:
        sched_rows.append(("last contact", "never"))
    else:
        source = {"log": "log", "last_contact": "front matter last_contact", "met": "met date"}[sched.basis]
        sched_rows.append(("last contact", f"{sched.last_contact} ({_relative((sched.last_contact - today).days)}, from {source})"))
    if sched.next_due is None:
        why = contact.status if not contact.is_active else "no cadence"
        sched_rows.append(("next due", f"never ({why})"))
    else:
        note = ""
        if sched.planned is not None:
            note = ", planned"
        elif sched.snoozed:
            note = ", snoozed"
        days = (sched.next_due - today).days
        text = f"{sched.next_due} ({'overdue by ' + str(-days) + ' d' if days < 0 else _relative(days)}{note})"
        sched_rows.append(("next due", _common.style(text, fg="red") if days < 0 else text))
    out.extend(_rows(sched_rows))

    planned = contact.planned_entries(today)
    if planned:
        out += ["", _common.style("Planned", bold=True)]
        out.extend(_entry_line(e) for e in planned)
    past = contact.past_entries(today)
    shown = past[-CARD_LOG_ENTRIES:]
    title = "Log" if len(shown) == len(past) else f"Log (last {len(shown)} of {len(past)})"
    out += ["", _common.style(title, bold=True)]
    if shown:
        out.extend(_entry_line(e) for e in reversed(shown))
    else:
        out.append(f"  (no entries; add one with `netkit log \"{contact.name}\" TEXT`)")
    return "\n".join(out)


def _rows(rows: list[tuple[str, str]]) -> list[str]:
    width = max(len(label) for label, _ in rows)
    return [f"  {label.ljust(width)}  {value}" for label, value in rows]


@click.command("show")
@click.argument("name", type=_common.TEXT)
@click.option("--json", "as_json", is_flag=True, help="Print the contact as a JSON object (with its log).")
@_common.global_options
def command(name: str, as_json: bool) -> None:
    """Show one contact: fields, schedule, recent and planned log entries.

    NAME may be the name, an alias or the file name, in any case and with or without
    accents; a unique prefix or part of a name is enough. An ambiguous NAME lists the
    candidates (exit 2).
    """
    vault = _common.load()
    today = _common.today()
    contact = resolve(vault, name)
    if as_json:
        from netkit import contactjson

        _common.json_dump(contactjson.contact_json(contact, vault.config, today, with_log=True))
    else:
        click.echo(render_card(contact, vault.config, today))
    sys.exit(_common.report_and_exit_code(vault))
