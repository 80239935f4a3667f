"""``netkit index``: validate, refresh the cache, and render every summary page.

A thin layer over :func:`netkit.pipeline.run_index`; what each page shows is in
``docs/pages.md``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from netkit.commands import _common

if TYPE_CHECKING:
    from netkit.pipeline import IndexResult


def summary(result: IndexResult) -> str:
    """``indexed 12 contacts; wrote 2 pages (Dashboard.md, Due.md), 3 unchanged; 0 errors, 1 warning``."""
    vault = result.vault
    names = ", ".join(p.name for p in result.written)
    wrote = f"wrote {len(result.written)} page{'s' if len(result.written) != 1 else ''}"
    if names:
        wrote += f" ({names})"
    count = _count(result)
    parts = [f"indexed {count} contact{'s' if count != 1 else ''}",
             f"{wrote}, {len(result.unchanged)} unchanged"]
    if result.failed:
        parts.append(f"{len(result.failed)} not written ({', '.join(result.failed)})")
    errors, warnings = len(vault.errors), len(vault.warnings)
    parts.append(f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}")
    return "; ".join(parts)


def _count(result: Any) -> int:
    """The number of valid contacts, without decoding any (``len(vault.contacts)`` would)."""
    count = getattr(result, "count", None)
    return count if count is not None else len(result.vault.contact_paths)


def to_json(result: IndexResult) -> dict[str, Any]:
    """The ``--json`` summary (``timings`` vary from run to run; everything else is stable)."""
    vault = result.vault
    root = vault.root
    return {
        "contacts": _count(result),
        "files": vault.files,
        "errors": len(vault.errors),
        "warnings": len(vault.warnings),
        "written": [p.relative_to(root).as_posix() for p in result.written],
        "unchanged": [p.relative_to(root).as_posix() for p in result.unchanged],
        "failed": list(result.failed),
        "diagnostics": [d.to_json() for d in result.diagnostics],
        "timings": {k: round(v, 4) for k, v in result.timings.items()},
    }


@click.command("index")
@click.option("--json", "as_json", is_flag=True,
              help="Print a JSON summary (contacts, errors, warnings, written, unchanged, failed, "
                   "diagnostics, timings) instead of the one-line summary.")
@_common.global_options
@_common.handles_io_errors
def command(as_json: bool) -> None:
    """Validate the vault and render the summary pages into the `pages:` folder.

    Writes Dashboard.md, Due.md, Health.md, Tiers.md and Review.md, each only when its
    content changed. A file in the pages folder that does not start with netkit's marker
    line is never overwritten. Templates in .netkit/templates/ override the built-in ones.
    Exit 1 when the vault has errors (pages still cover the valid contacts) or a page could
    not be rendered or written.
    """
    from netkit import answers, pagememo

    today = _common.today()
    started = time.perf_counter()
    # nothing at all changed since the last index of this day (every file's stat, the
    # pages): print what it printed (see netkit.answers)
    known, walk = answers.check(_common.vault_root(), today)
    pages = known.pages() if known is not None else None
    if known is not None and pages is not None:
        seconds = time.perf_counter() - started
        _finish(_Skipped(vault=known, written=(), unchanged=tuple(pages), failed=(), diagnostics=(),
                         timings={"load": seconds, "compute": 0.0, "render": 0.0, "write": 0.0},
                         count=known.contacts), known, as_json)
    from netkit import briefs, loader

    vault = _common.load(progress=not as_json, save_cache=True, scan=walk)
    # the walk's stats are in the load's entries now: at 100,000 files they are ~50 MB, and
    # the page context is built next, on top of everything still held
    del walk
    load_seconds = time.perf_counter() - started
    # the briefs `netkit due` reads (nothing is decoded when they are current); before the
    # pages, whose computation is the memory peak of a large vault, not on top of it
    warnings = [briefs.refresh(vault)]
    # nothing changed since the last index (same inputs, pages untouched): say so without
    # decoding a contact or loading the page code; the pages would come out byte-identical
    kept = pagememo.quick_skip(vault, today)
    if kept is not None:
        result = _skipped(vault, kept, load_seconds, time.perf_counter() - started - load_seconds)
    else:
        result = _index(vault, today, load_seconds)
    warnings += [loader.finish_cache(vault), _record(vault, today, result)]
    for warning in warnings:
        if warning:
            click.echo(f"netkit: warning: {warning}", err=True)
    _finish(result, vault, as_json)


def _finish(result: Any, vault: Any, as_json: bool) -> NoReturn:
    if as_json:
        _common.json_dump(to_json(result))
    else:
        click.echo(summary(result))
    _common.print_diagnostics(result.diagnostics)
    code = _common.report_and_exit_code(vault)
    sys.exit(_common.EXIT_ERRORS if code or not result.ok else _common.EXIT_OK)


def _record(vault: Any, today: dt.date, result: Any) -> str | None:
    """Record this run's answers for the rest of the day (see netkit.answers), when every
    page is in place; the due list comes from the briefs just refreshed."""
    from netkit import answers, briefs
    from netkit.commands import health

    if result.failed or result.diagnostics or not (result.written or result.unchanged):
        return None
    pages = [*result.written, *result.unchanged]
    # what `netkit health` prints, from the report the pages were computed with (or kept
    # from the run whose pages these are)
    texts = health.texts_for_index(vault, today, pages[0].parent, getattr(result, "report", None))
    return answers.record(vault, today, pages, briefs.for_due(vault), texts)


def _index(vault: Any, today: dt.date, load_seconds: float) -> IndexResult:
    from netkit import pipeline

    # pages are written under the vault lock, like every other write to the vault; it is
    # held for the writes only, so a long computation never blocks `netkit log`.
    # remember=True: record the run, so that the next one can be skipped
    result = pipeline.run_index(vault.root, today, vault=vault, lock_wait=10.0, remember=True)
    return dataclasses.replace(result, timings={**result.timings, "load": load_seconds})


def _skipped(vault: Any, pages: list[Path], load_seconds: float, check_seconds: float) -> Any:
    """An IndexResult-shaped summary of a run that had nothing to do (see pagememo)."""
    return _Skipped(vault=vault, written=(), unchanged=tuple(pages), failed=(), diagnostics=(),
                    timings={"load": load_seconds, "compute": 0.0, "render": 0.0, "write": check_seconds})


@dataclasses.dataclass(frozen=True)
class _Skipped:
    """What :func:`summary` and :func:`to_json` read of an IndexResult (without importing
    the pipeline, and with it the page code)."""

    vault: Any
    written: tuple[Path, ...]
    unchanged: tuple[Path, ...]
    failed: tuple[str, ...]
    diagnostics: tuple[Any, ...]
    timings: dict[str, float]
    count: int | None = None  # valid contacts, when the vault is a recorded answer

    @property
    def ok(self) -> bool:
        """Same rule as IndexResult.ok."""
        return not self.vault.errors
