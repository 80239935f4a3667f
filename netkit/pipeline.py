"""The index pipeline: load → compute the page context → render → write changed pages.

Used by ``netkit index`` once and by ``netkit watch`` on every change. I/O happens only at
the two ends (the loader reads, :func:`netkit.pages.write_pages` writes); everything between
is pure, with ``today`` as a parameter.

Three things keep it fast on large vaults:

* the vault lock (``lock_wait``) is held only while pages are written, never while they
  are computed, so ``netkit log`` run meanwhile waits milliseconds, not the whole rebuild;
* a :class:`Reuse` kept between runs (``netkit watch`` keeps one) carries the per-contact
  results of :class:`netkit.pages.ContextBuilder` and the compiled templates over;
* ``remember=True`` (``netkit index``) records in ``.netkit/cache/pages.json`` what the
  pages were rendered from and what was written. When a later run finds the same inputs
  (every contact file's content hash, ``netkit.yaml``, ``--today``, the templates and
  netkit's own code) and the page files exactly as they were written, it skips computing
  and rendering: the pages would come out byte-identical.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from netkit import fileio, loader, pagememo, pages
from netkit.diagnostics import Diagnostic
from netkit.loader import Vault

if TYPE_CHECKING:
    from netkit.templating import Renderer


@dataclasses.dataclass(frozen=True)
class IndexResult:
    """What one index run did.

    ``written`` and ``unchanged`` are absolute page paths, in page order; ``failed`` names
    the pages that were not written (template error, a file without the marker, a write
    error), each explained in ``diagnostics``. ``timings`` holds seconds per stage:
    ``load`` (0 when the caller passed a vault), ``compute``, ``render``, ``write``;
    ``lock_seconds`` is the part of ``write`` spent waiting for the vault lock. ``report``:
    the health report the pages were computed with (what ``netkit health`` prints), None
    when nothing was computed.
    """

    vault: Vault
    written: tuple[Path, ...]
    unchanged: tuple[Path, ...]
    failed: tuple[str, ...]
    diagnostics: tuple[Diagnostic, ...]
    timings: Mapping[str, float]
    lock_seconds: float = 0.0
    report: Any = dataclasses.field(default=None, compare=False, repr=False)

    @property
    def ok(self) -> bool:
        """True when the vault has no errors and every page was rendered and written."""
        return not self.vault.errors and not any(d.is_error for d in self.diagnostics)


class Reuse:
    """What :func:`run_index` may carry from one run to the next in the same process.

    ``builder`` keeps every contact's share of the page context (see
    :class:`netkit.pages.ContextBuilder`); the renderer keeps the compiled templates. Call
    :meth:`forget_templates` when templates or ``netkit.yaml`` changed (a new override file
    is not noticed by a renderer that already compiled the built-in one). Pages come out
    the same with or without it.
    """

    def __init__(self) -> None:
        self.builder = pages.ContextBuilder()
        self._renderer: Renderer | None = None
        self._renderer_key: tuple[Path, str] | None = None

    def renderer(self, root: Path, pages_dir: str) -> Renderer:
        """The renderer for ``root`` and the pages folder (reused while they stay the same)."""
        key = (root, pages_dir)
        if self._renderer is None or self._renderer_key != key:
            self._renderer = pages.new_renderer(root, pages_dir)
            self._renderer_key = key
        return self._renderer

    def forget_templates(self) -> None:
        """Compile the templates afresh on the next run."""
        self._renderer = None


def run_index(
    root: Path,
    today: dt.date,
    *,
    vault: Vault | None = None,
    reuse: Reuse | None = None,
    lock_wait: float | None = None,
    remember: bool = False,
) -> IndexResult:
    """Index the vault at ``root`` as of ``today`` and write every page that changed.

    Loads the vault unless ``vault`` is given (the CLI loads it itself to show a progress
    bar; ``watch`` passes the vault it refreshed). Problems in user data and templates come
    back as diagnostics; only an environment failure (no vault) raises ``VaultError``.

    ``reuse`` carries work over between runs (``netkit watch``). ``lock_wait``: take the
    vault lock, waiting up to that many seconds (:class:`netkit.fileio.LockedError` when it
    stays held), around the page writes only; None takes no lock (the caller holds it, or
    nothing else writes). ``remember``: record the run in ``.netkit/cache/pages.json`` and
    skip computing and rendering when nothing changed since the recorded run (see the
    module docstring).
    """
    timings: dict[str, float] = {"load": 0.0}
    clock = time.perf_counter()
    loaded = vault is None
    # note touchpoints and link warnings, as every command sees them (idempotent: a vault
    # from `_common.load` is returned as it is)
    vault = loader.with_notes_and_links(vault if vault is not None else loader.load_vault(root))
    if loaded:
        timings["load"] = time.perf_counter() - clock
    clock = time.perf_counter()

    folder, folder_diags = pages.pages_folder(vault.root, vault.config.pages)
    rel_dir = pages.pages_rel_dir(vault.config.pages)
    memo: pagememo.Memory | None = None
    if remember and folder is not None:
        memo = pagememo.Memory.for_vault(vault, today, folder)
        if memo is not None and memo.still_valid([p.filename for p in pages.PAGES]):
            timings.update(compute=0.0, render=0.0, write=time.perf_counter() - clock)
            return IndexResult(
                vault=vault,
                written=(),
                unchanged=pages.page_paths(folder, [p.filename for p in pages.PAGES]),
                failed=(),
                diagnostics=(),
                timings=timings,
            )

    context = pages.build_context(vault, today, builder=reuse.builder if reuse is not None else None)
    now = time.perf_counter()
    timings["compute"], clock = now - clock, now

    if reuse is not None:
        renderer = reuse.renderer(vault.root, context["pages_dir"])
    else:
        renderer = pages.new_renderer(vault.root, context["pages_dir"])
    rendered, diags = pages.render_pages(renderer, context)
    now = time.perf_counter()
    timings["render"], clock = now - clock, now
    # the context is not needed once the pages are rendered: let it go before they are
    # encoded and written (on a 100,000-contact vault that is the memory peak)
    report, pages_dir = context.get("quality"), context["pages_dir"]
    del context

    diags.extend(folder_diags)
    written: list[str] = []
    unchanged: list[str] = []
    lock_seconds = 0.0
    if folder is not None:
        if lock_wait is not None:
            # the lock keeps our page writes apart from other netkit processes writing the
            # vault; held for the writes only, not for the computation before them
            with fileio.VaultLock(vault.root, wait=lock_wait):
                lock_seconds = time.perf_counter() - clock
                written, unchanged, write_diags = pages.write_pages(folder, rendered, rel_dir=rel_dir)
        else:
            written, unchanged, write_diags = pages.write_pages(folder, rendered, rel_dir=rel_dir)
        diags.extend(write_diags)
    timings["write"] = time.perf_counter() - clock

    done = set(written) | set(unchanged)
    failed = tuple(p.filename for p in pages.PAGES if p.filename not in done)
    if memo is not None:
        memo.save(None if diags or failed else [p.filename for p in pages.PAGES])
    base = folder if folder is not None else vault.root / pages_dir
    return IndexResult(
        vault=vault,
        written=pages.page_paths(base, written),
        unchanged=pages.page_paths(base, unchanged),
        failed=failed,
        diagnostics=tuple(diags),
        timings=timings,
        lock_seconds=lock_seconds,
        report=report,
    )
