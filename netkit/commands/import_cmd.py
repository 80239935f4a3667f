"""``netkit import linkedin|google|vcard FILE [--dry-run]``: create or merge contacts.

The parsing is :mod:`netkit.formats`, the matching and merging :mod:`netkit.merge`; this
module reads the input, prints the plan and writes it: new files with ``create_only``,
existing files atomically and only if they still hold the bytes the plan was made from,
all under the vault lock. ``--dry-run`` prints the same plan in full and writes nothing
(it does not even take the lock, which would create ``.netkit/``). The vault is loaded
without the index cache, which a load would otherwise refresh: an import that has nothing
to do, or a dry run, leaves every byte of the vault as it was.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from netkit.commands import _common
from netkit.diagnostics import Diagnostic

#: an export of tens of thousands of contacts is a few MB; anything far larger is a mistake
MAX_INPUT_BYTES = 64 * 1024 * 1024

FORMATS = ("linkedin", "google", "vcard")


def read_input(file: str) -> bytes:
    """The import file's bytes (``-``: standard input); missing: exit 2, unreadable: exit 1."""
    if file == "-":
        return sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
    if not os.path.lexists(file):
        _common.fail(f"{file}: no such file")
    if os.path.isdir(file):
        _common.fail(f"{file} is a folder; give the exported file itself", _common.EXIT_ERRORS)
    try:
        with open(file, "rb") as fh:
            data = fh.read(MAX_INPUT_BYTES + 1)
    except OSError as exc:
        from netkit.fileio import describe_os_error

        _common.fail(describe_os_error(exc, file, "read"), _common.EXIT_ERRORS)
    if len(data) > MAX_INPUT_BYTES:
        _common.fail(f"{file} is larger than {MAX_INPUT_BYTES // (1024 * 1024)} MB; is it really a contacts export?",
                     _common.EXIT_ERRORS)
    return data


def parse(fmt: str, data: bytes, shown_path: str) -> tuple[Any, list[Diagnostic]]:
    """Parse ``data`` as ``fmt``; the problems as diagnostics naming ``shown_path``, each
    with its source line for the caret display."""
    from netkit import formats
    from netkit.diagnostics import line_of
    from netkit.formats.records import decode_text

    parser: Callable[[bytes], Any] = {
        "linkedin": formats.parse_linkedin,
        "google": formats.parse_google,
        "vcard": formats.parse_vcard,
    }[fmt]
    result = parser(data)
    text, _ = decode_text(data)
    diags = []
    for problem in result.problems:
        diag = problem.to_diagnostic(shown_path)
        diags.append(dataclasses.replace(diag, source_line=line_of(text, diag.line)))
    return result, diags


def make_plan(vault: Any, people: list[Any]) -> Any:
    """Plan the import against ``vault`` as loaded now (reads the files it merges into)."""
    from netkit import fileio, merge

    errors: dict[str, int] = {}
    for d in vault.errors:
        errors[d.path] = errors.get(d.path, 0) + 1
    root: Path = vault.root

    def read(rel: str) -> tuple[bytes, fileio.Fingerprint]:
        return fileio.read_with_fingerprint(root / rel)

    def exists(rel: str) -> bool:
        return os.path.lexists(root / rel)

    return merge.plan_import(people, contacts=vault.contacts, config=vault.config, error_paths=errors,
                             read=read, exists=exists)


def write_plan(root: Path, plan: Any) -> list[str]:
    """Write every create/update of ``plan``; return one message per failed file.

    Each file stands alone: a file edited meanwhile (its fingerprint changed) or a name
    taken meanwhile is refused and reported, and the other files are still written.
    """
    from netkit import fileio

    failures: list[str] = []
    for change in plan.writes:
        target = root / change.path
        try:
            if change.action == "create":
                target.parent.mkdir(parents=True, exist_ok=True)
                fileio.atomic_write(target, change.new, create_only=True)
            else:
                fileio.atomic_write(target, change.new, expected=change.fingerprint)
        except fileio.NetkitIOError as exc:
            failures.append(f"{change.path}: {exc}; not written")
            change.action, change.reason = "skipped", str(exc)
        except OSError as exc:
            failures.append(fileio.describe_os_error(exc, target.parent, "create") + "; not written")
            change.action, change.reason = "skipped", exc.strerror or str(exc)
    return failures


def print_plan(plan: Any, *, dry_run: bool) -> None:
    """File by file: created (with the whole content when ``dry_run``), updated (with the
    exact lines added, as a diff, when ``dry_run``), conflicts, skipped; then the summary."""
    echo = click.echo
    for change in plan.changes:
        verb = {"create": "create" if dry_run else "created", "update": "update" if dry_run else "updated",
                "skipped": "skip" if dry_run else "skipped", "unchanged": "unchanged"}[change.action]
        if change.action == "unchanged" and not change.conflicts:
            continue
        fields = f" ({', '.join(change.changed_fields)})" if change.changed_fields and change.action == "update" else ""
        reason = f": {change.reason}" if change.action == "skipped" else ""
        echo(f"{verb} {change.path}{fields}{reason}")
        if dry_run and change.action == "create":
            for line in change.new.decode("utf-8").splitlines():
                echo(f"    {line}")
        elif dry_run and change.action == "update":
            for line in diff_lines(change.old, change.new):
                echo(f"    {line}")
        for conflict in change.conflicts:
            echo(f"  conflict {conflict.describe()}")
    for person in plan.unplaced:
        echo(f"{'skip' if dry_run else 'skipped'} {person.name} (line {person.line}): {person.reason}")
    prefix = "dry run, nothing written: would be " if dry_run else ""
    echo(prefix + plan.summary())


def diff_lines(old: bytes, new: bytes) -> list[str]:
    """The change as unified-diff lines (no file header, one line of context); line endings
    are not shown (they are the file's own)."""
    a = old.decode("utf-8").removeprefix("\ufeff").splitlines()
    b = new.decode("utf-8").removeprefix("\ufeff").splitlines()
    return list(difflib.unified_diff(a, b, lineterm="", n=1))[2:]


@click.command("import")
@click.argument("fmt", metavar="FORMAT", type=click.Choice(FORMATS, case_sensitive=False))
@click.argument("file", metavar="FILE")
@click.option("--dry-run", is_flag=True, help="Show exactly what would change, file by file; write nothing.")
@_common.global_options
def command(fmt: str, file: str, dry_run: bool) -> None:
    """Import contacts from FILE: a LinkedIn Connections.csv, a Google Contacts CSV or a
    vCard file (FORMAT linkedin, google or vcard; FILE `-` reads standard input).

    People are matched with existing contacts by email, then LinkedIn URL, then name.
    Existing files only gain the fields they lack, inserted as new lines (every existing
    byte is kept); a field with a different value is reported as a conflict and left as
    it is; files with errors are not touched. New people get a new file in the first
    contacts folder. Importing the same file again changes nothing.

    Exit 1 when the import file has errors, holds nobody, a file could not be written, or
    the vault has errors; 2 when FILE does not exist.
    """
    from netkit import fileio

    fmt = fmt.lower()
    data = read_input(file)
    shown = "<stdin>" if file == "-" else file
    result, diags = parse(fmt, data, shown)
    vault = _common.load(use_cache=False)
    _common.print_diagnostics(diags)
    parse_errors = sum(1 for d in diags if d.is_error)
    if not result.people:
        _common.fail(f"no people found in {shown}; nothing imported", _common.EXIT_ERRORS)

    plan = make_plan(vault, result.people)
    failures: list[str] = []
    if not dry_run and plan.writes:
        try:
            with fileio.VaultLock(vault.root):
                # plan again under the lock: another netkit may have written meanwhile
                vault = _common.load(use_cache=False)
                plan = make_plan(vault, result.people)
                failures = write_plan(vault.root, plan)
        except fileio.NetkitIOError as exc:
            _common.fail(f"{exc}; nothing written", _common.EXIT_ERRORS)
    print_plan(plan, dry_run=dry_run)
    for message in failures:
        click.echo(f"netkit: {message}", err=True)
    code = _common.report_and_exit_code(vault)
    if parse_errors:
        click.echo(f"netkit: {shown} has {parse_errors} error(s); the people read from it were " + ("planned" if dry_run else "imported"),
                   err=True)
    sys.exit(_common.EXIT_ERRORS if parse_errors or failures else code)
