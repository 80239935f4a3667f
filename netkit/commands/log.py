"""``netkit log NAME TEXT [...]``: append one entry to a contact's interaction log.

Only bytes are added (design.md §5): the new file is ``old[:k] + entry + old[k:]``, with the
file's own line endings, BOM, front matter and everything else untouched (the placement is
:func:`netkit.logwriter.insertion_point`). The write happens under the vault lock, is atomic,
and is refused when the file changed since it was read, when the file has errors, or when
the new entry would not read back as exactly one valid log entry.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import sys
from typing import NoReturn

import click

from netkit.commands import _common
from netkit.diagnostics import Diagnostic
from netkit.logbook import BY_VALUES, LOG_CHANNELS, REPLY_VALUES
from netkit.model import Config

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: seconds to wait for another netkit (a running `index`) to release the vault lock
LOCK_WAIT = 2.0


def _parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        if not _ISO_DATE.match(value.strip()):
            raise ValueError
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date YYYY-MM-DD", ctx=ctx, param=param) from None


@dataclasses.dataclass(frozen=True)
class Plan:
    """What appending would do: the new bytes, or why not.

    ``file_errors``: the file as read has errors (the user must fix them first);
    ``entry_errors``: the new entry would not read back as one valid log entry.
    """

    result: bytes | None
    file_errors: list[Diagnostic] = dataclasses.field(default_factory=list)
    entry_errors: list[Diagnostic] = dataclasses.field(default_factory=list)


def plan_append(raw: bytes, rel: str, config: Config, entry: str) -> Plan:
    """Append ``entry`` to the log of the file ``raw`` (pure).

    Refuses when the file as read has errors, and checks that the result reads back with
    exactly one more log entry and no errors, so odd text (a ``[`` never closed, a
    ``[channel:: fax]`` inside TEXT) can never leave a broken contact behind.
    """
    from netkit import contactfile, logwriter

    before, diags = contactfile.parse_contact(raw, rel, config)
    errors = [d for d in diags if d.is_error]
    if before is None or errors:
        return Plan(None, file_errors=errors)
    result = logwriter.append_log_entry(raw, entry, config.log_heading)
    after, after_diags = contactfile.parse_contact(result, rel, config)
    new_errors = [d for d in after_diags if d.is_error]
    if after is None or new_errors or len(after.log) != len(before.log) + 1:
        return Plan(None, entry_errors=new_errors)
    return Plan(result)


@click.command("log")
@click.argument("name", type=_common.TEXT)
@click.argument("text", type=_common.TEXT)
@click.option("--date", "day", metavar="YYYY-MM-DD", callback=_parse_date,
              help="Date of the touchpoint (default: today). A future date records a planned touchpoint.")
@click.option("--channel", type=click.Choice(LOG_CHANNELS, case_sensitive=False), help="How you were in touch.")
@click.option("--by", type=click.Choice(BY_VALUES, case_sensitive=False), help="Who reached out: me or them.")
@click.option("--gave", type=_common.TEXT, metavar="X", help="Value you gave (an intro, advice, ...).")
@click.option("--got", type=_common.TEXT, metavar="Y", help="Value you received.")
@click.option("--reply", type=click.Choice(tuple(REPLY_VALUES), case_sensitive=False),
              help="Whether they answered your outreach.")
@_common.global_options
def command(name: str, text: str, day: dt.date | None, channel: str | None, by: str | None,
            gave: str | None, got: str | None, reply: str | None) -> None:
    """Append `- DATE TEXT [channel:: ...] ...` to the log of the contact NAME.

    The entry goes after the last line of the contact's log section (a `## Log` section is
    added at the end of the file when there is none). Only the entry's bytes are added;
    nothing is written when the file has errors or changed meanwhile (exit 1).
    """
    from netkit import fileio, logwriter
    from netkit.commands import show

    if not logwriter.single_line(text):
        _common.fail("TEXT must not be empty: say what happened, e.g. \"Coffee at the conference\"")
    vault = _common.load()
    today = _common.today()
    when = day or today
    contact = show.resolve(vault, name)
    rel = contact.path
    known = [d for d in vault.errors if d.path == rel]
    if known:
        _refuse_errors(rel, known)
    entry = logwriter.format_log_entry(when, text, channel=channel, by=by, gave=gave, got=got, reply=reply)
    target = vault.root / rel
    try:
        with fileio.VaultLock(vault.root, wait=LOCK_WAIT):
            raw, fingerprint = fileio.read_with_fingerprint(target)
            plan = plan_append(raw, rel, vault.config, entry)
            if plan.file_errors:
                _refuse_errors(rel, plan.file_errors)
            if plan.entry_errors:
                _common.print_diagnostics(plan.entry_errors)
                _common.fail(f"this entry would not be a valid log entry (check TEXT and the values "
                             f"for unbalanced `[` `]` or inline fields); nothing written\n  {entry}")
            if plan.result is None:
                _common.fail(f"netkit could not place the entry where it reads the log of {rel} "
                             "(unusual file structure?); nothing written", _common.EXIT_ERRORS)
            fileio.atomic_write(target, plan.result, expected=fingerprint)
    except fileio.FileChangedError:
        _common.fail(f"{rel} changed since it was read (edited elsewhere?); nothing written — run the command again",
                     _common.EXIT_ERRORS)
    except fileio.NetkitIOError as exc:
        _common.fail(f"{exc}; nothing written", _common.EXIT_ERRORS)
    except OSError as exc:
        _common.fail(fileio.describe_os_error(exc, target, "read") + "; nothing written", _common.EXIT_ERRORS)
    click.echo(f"Appended to {rel} ({contact.name}):")
    click.echo(entry)
    if when > today:
        click.echo(f"Planned touchpoint, {(when - today).days} d from today: while it lies within one "
                   f"cadence, {contact.name} is not listed as due.")
    sys.exit(_common.report_and_exit_code(vault))


def _refuse_errors(rel: str, errors: list[Diagnostic]) -> NoReturn:
    _common.print_diagnostics(errors)
    _common.fail(f"{rel} has {len(errors)} error(s); fix them first (`netkit check`); nothing written",
                 _common.EXIT_ERRORS)
