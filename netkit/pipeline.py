"""The index pipeline: load → compute the page context → render → write changed pages.

Used by ``netkit index`` once and by ``netkit watch`` on every change. I/O happens only at
the two ends (the loader reads, :func:`netkit.pages.write_pages` writes); everything between
is pure, with ``today`` as a parameter.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Mapping
from pathlib import Path

from netkit import loader, pages
from netkit.diagnostics import Diagnostic
from netkit.loader import Vault


@dataclasses.dataclass(frozen=True)
class IndexResult:
    """What one index run did.

    ``written`` and ``unchanged`` are absolute page paths, in page order; ``failed`` names
    the pages that were not written (template error, a file without the marker, a write
    error), each explained in ``diagnostics``. ``timings`` holds seconds per stage:
    ``load`` (0 when the caller passed a vault), ``compute``, ``render``, ``write``.
    """

    vault: Vault
    written: tuple[Path, ...]
    unchanged: tuple[Path, ...]
    failed: tuple[str, ...]
    diagnostics: tuple[Diagnostic, ...]
    timings: Mapping[str, float]

    @property
    def ok(self) -> bool:
        """True when the vault has no errors and every page was rendered and written."""
        return not self.vault.errors and not any(d.is_error for d in self.diagnostics)


def run_index(root: Path, today: dt.date, *, vault: Vault | None = None) -> IndexResult:
    """Index the vault at ``root`` as of ``today`` and write every page that changed.

    Loads the vault unless ``vault`` is given (the CLI loads it itself to show a progress
    bar; ``watch`` passes the vault it refreshed). Problems in user data and templates come
    back as diagnostics; only an environment failure (no vault) raises ``VaultError``.
    """
    timings: dict[str, float] = {"load": 0.0}
    clock = time.perf_counter()
    if vault is None:
        vault = loader.load_vault(root)
        timings["load"] = time.perf_counter() - clock
        clock = time.perf_counter()

    context = pages.build_context(vault, today)
    now = time.perf_counter()
    timings["compute"], clock = now - clock, now

    renderer = pages.new_renderer(vault.root, context["pages_dir"])
    rendered, diags = pages.render_pages(renderer, context)
    now = time.perf_counter()
    timings["render"], clock = now - clock, now

    folder, folder_diags = pages.pages_folder(vault.root, vault.config.pages)
    diags.extend(folder_diags)
    written: list[str] = []
    unchanged: list[str] = []
    if folder is not None:
        written, unchanged, write_diags = pages.write_pages(folder, rendered, rel_dir=context["pages_dir"])
        diags.extend(write_diags)
    timings["write"] = time.perf_counter() - clock

    done = set(written) | set(unchanged)
    base = folder if folder is not None else vault.root / context["pages_dir"]
    return IndexResult(
        vault=vault,
        written=pages.page_paths(base, written),
        unchanged=pages.page_paths(base, unchanged),
        failed=tuple(p.filename for p in pages.PAGES if p.filename not in done),
        diagnostics=tuple(diags),
        timings=timings,
    )
