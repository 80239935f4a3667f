"""``netkit check``: validate the vault, write nothing."""

from __future__ import annotations

import sys
from typing import Any

import click

from netkit.commands import _common


@click.command("check")
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 1).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Output format.")
@_common.global_options
def command(strict: bool, fmt: str) -> None:
    """Validate every contact file and netkit.yaml; print diagnostics; write nothing.

    Exit 0 when the vault is clean, 1 when it has errors (or warnings with --strict).
    """
    from netkit import answers

    # nothing changed since today's `netkit index` (or a running `netkit watch`): its
    # recorded diagnostics are exactly what loading the vault would give (see netkit.answers)
    known, walk = answers.check(_common.vault_root(), _common.today())
    vault: Any = known if known is not None else _common.load(progress=fmt == "text", scan=walk)
    # counted without decoding a contact (the diagnostics come from the cache)
    count = known.contacts if known is not None else len(vault.contact_paths)
    errors, warnings = len(vault.errors), len(vault.warnings)
    if fmt == "json":
        _common.json_dump({
            "contacts": count,
            "files": vault.files,
            "errors": errors,
            "warnings": warnings,
            "diagnostics": [d.to_json() for d in vault.diagnostics],
        })
    else:
        _common.print_diagnostics(vault.diagnostics, stream=sys.stdout)
        if vault.diagnostics:
            click.echo()
        summary = f"{count} contacts in {vault.files} files: {errors} error(s), {warnings} warning(s)"
        if errors:
            click.echo(_common.style(summary, fg="red", bold=True))
        elif warnings:
            click.echo(_common.style(summary, fg="yellow"))
        else:
            click.echo(_common.style(f"{count} contacts checked: no problems", fg="green"))
    sys.exit(_common.EXIT_ERRORS if errors or (strict and warnings) else _common.EXIT_OK)
