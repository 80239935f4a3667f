"""``netkit report [-o FILE]``: the network as one self-contained HTML file.

A thin layer over :mod:`netkit.report`; what the report shows and where it goes is in
``docs/report.md``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from netkit.commands import _common


@click.command("report")
@click.option("-o", "--output", metavar="FILE",
              help="Write the report to FILE instead of <pages>/Report.html; `-o -` prints it on "
                   "standard output. An existing FILE is replaced only if netkit wrote it.")
@_common.global_options
@_common.handles_io_errors
def command(output: str | None) -> None:
    """Write a self-contained HTML report of the network: health and next steps, tiers
    against targets and Dunbar's layers, touchpoints per month by channel, the due list,
    reciprocity per tier, diversity and the relationship graph.

    One file with inline CSS and SVG charts: no scripts, nothing loaded from the network,
    light and dark mode, prints well. By default it is written to the pages folder as
    Report.html (like the pages: only when it changed, atomically, never over a file that
    lacks netkit's marker line). Exit 1 when the vault has errors (the report is still
    written and lists them) or the report could not be written.
    """
    from netkit import fileio, pages, report

    today = _common.today()
    vault = _common.load()
    # the same context as the Markdown pages: due lists and quality are computed once, there
    context = pages.build_context(vault, today)
    html, diags = report.render_report(context, vault.root)
    failed = html is None
    if html is not None:
        data = html.encode("utf-8", "replace")  # a lone surrogate in a name must not crash
        if output == "-":
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        elif output is None:
            # the pages folder is in the vault: write under the vault lock, like `index`
            with fileio.VaultLock(vault.root, wait=10.0):
                target, outcome, write_diags = report.write_to_pages(vault.root, vault.config.pages, data)
            diags.extend(write_diags)
            failed = outcome == "failed"
            if target is not None and not failed:
                click.echo(f"{_shown(target)} {'written' if outcome == 'written' else 'unchanged'}")
        else:
            target = Path(output)
            if os.path.isdir(target):
                _common.fail(f"{output} is a folder; give a file name", _common.EXIT_ERRORS)
            outcome = report.write_report(target, data, follow_symlink=True)
            if outcome not in ("written", "unchanged"):
                _common.print_diagnostics(diags)
                _common.fail(f"refusing to overwrite {output}: {outcome} (netkit only replaces "
                             "reports it wrote); choose another file or delete it first",
                             _common.EXIT_ERRORS)
            click.echo(f"{output} {outcome}")
    _common.print_diagnostics(diags)
    code = _common.report_and_exit_code(vault)
    sys.exit(_common.EXIT_ERRORS if code or failed else _common.EXIT_OK)


def _shown(path: Path) -> str:
    """``path`` relative to the working directory when it is below it (what a user typed)."""
    try:
        return os.path.relpath(path) if not os.path.relpath(path).startswith("..") else str(path)
    except ValueError:  # another drive on Windows
        return str(path)
