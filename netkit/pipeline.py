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
import hashlib
import json
import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from netkit import fileio, loader, pages
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
    ``lock_seconds`` is the part of ``write`` spent waiting for the vault lock.
    """

    vault: Vault
    written: tuple[Path, ...]
    unchanged: tuple[Path, ...]
    failed: tuple[str, ...]
    diagnostics: tuple[Diagnostic, ...]
    timings: Mapping[str, float]
    lock_seconds: float = 0.0

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
    memo: _Memory | None = None
    if remember and folder is not None:
        memo = _Memory.for_vault(vault, today, folder)
        if memo is not None and memo.still_valid():
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
    base = folder if folder is not None else vault.root / context["pages_dir"]
    return IndexResult(
        vault=vault,
        written=pages.page_paths(base, written),
        unchanged=pages.page_paths(base, unchanged),
        failed=failed,
        diagnostics=tuple(diags),
        timings=timings,
        lock_seconds=lock_seconds,
    )


# ====================================================================== remembered runs


#: where a remembered run is recorded (inside the cache folder: deleting the cache forgets it)
MEMORY_FILE = ".netkit/cache/pages.json"
#: bump when what goes into the key changes meaning
_MEMORY_VERSION = 1

_code_fingerprint_value: bytes | None = None


def _code_fingerprint() -> bytes:
    """Identity of netkit's code and built-in templates (name, size and mtime of each file):
    pages rendered by other code must be rendered again. Computed once per process."""
    global _code_fingerprint_value
    if _code_fingerprint_value is None:
        package = Path(pages.__file__).resolve().parent
        h = hashlib.sha256()
        for dirpath, dirnames, filenames in os.walk(package):
            dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
            for name in sorted(filenames):
                if name.endswith((".py", ".j2")):
                    path = os.path.join(dirpath, name)
                    st = os.stat(path)
                    h.update(f"{os.path.relpath(path, package)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
        _code_fingerprint_value = h.digest()
    return _code_fingerprint_value


def _templates_fingerprint(root: Path) -> str:
    """The vault's template overrides: every entry of ``.netkit/templates`` with its stat."""
    folder = root / ".netkit" / "templates"
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return "-"
    parts = [str(os.path.islink(folder)), str(os.path.islink(folder.parent))]
    for name in names:
        try:
            st = os.lstat(folder / name)
        except OSError:
            continue
        parts.append(f"{name}\0{st.st_mode}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}")
    return "\n".join(parts)


def _page_stat(path: Path) -> list[int] | None:
    try:
        st = os.lstat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ino, st.st_mode]


@dataclasses.dataclass
class _Memory:
    """The record of a run: the key of its inputs and the stat of the pages it left."""

    path: Path
    folder: Path
    key: str

    @classmethod
    def for_vault(cls, vault: Vault, today: dt.date, folder: Path) -> _Memory | None:
        """None when the vault does not say what its files held (no load state)."""
        state = vault.state
        entries = getattr(state, "entries", None)
        state_key = getattr(state, "key", None)
        if not isinstance(entries, Mapping) or not isinstance(state_key, bytes):
            return None
        h = hashlib.sha256()
        h.update(f"{_MEMORY_VERSION}\0{today.isoformat()}\0{folder}\0{vault.root}\0".encode())
        h.update(_code_fingerprint())
        h.update(state_key)  # netkit.yaml's bytes and the loader's code
        try:
            for rel, entry in entries.items():
                h.update(rel.encode("utf-8", "surrogateescape"))
                h.update(b"\0")
                h.update(entry.digest)
        except (AttributeError, TypeError):
            return None
        # everything else the pages show that is not in the files' hashes: the vault's
        # problems (unreadable files, duplicate names, links), the dated notes, the count
        # of files, and the template overrides
        h.update(repr((vault.files, vault.diagnostics, getattr(vault, "notes", ()))).encode())
        h.update(_templates_fingerprint(vault.root).encode("utf-8", "surrogateescape"))
        return cls(vault.root / MEMORY_FILE, folder, h.hexdigest())

    def _load(self) -> dict[str, Any] | None:
        try:
            data = json.loads(self.path.read_bytes())
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def still_valid(self) -> bool:
        """True when the recorded run had these inputs and its pages are untouched."""
        data = self._load()
        if data is None or data.get("key") != self.key:
            return False
        recorded = data.get("pages")
        if not isinstance(recorded, dict) or set(recorded) != {p.filename for p in pages.PAGES}:
            return False
        return all(_page_stat(self.folder / name) == recorded[name] for name in recorded)

    def save(self, names: list[str] | None) -> None:
        """Record this run (``names``: every page, written or unchanged), or forget the
        previous record (None: a page failed, so the next run must render again)."""
        if names is None:
            try:
                os.unlink(self.path)
            except OSError:
                pass
            return
        stats = {name: _page_stat(self.folder / name) for name in names}
        if any(st is None for st in stats.values()):
            return
        data = json.dumps({"key": self.key, "pages": stats}, sort_keys=True).encode()
        if self._load() == json.loads(data):
            return
        tmp = self.path.with_name(f"{fileio.TEMP_PREFIX}pages-{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(data)
            os.replace(tmp, self.path)
        except OSError:
            try:
                os.unlink(tmp)
            except OSError:
                pass
