"""Answers recorded by ``netkit index`` for its day, checked by a walk of the folders alone.

A warm ``netkit index`` or ``netkit due`` costs about as much as its own start-up plus
reading the cache index (~10,000 entries) and comparing every file against it. When
nothing at all has changed since the last ``index`` of the same day, even that is more than
needed: ``index`` records (``.netkit/cache/answers.cache``) what it printed and the due
list of that day, next to a *snapshot* — every contact file's and note's path, size,
mtime, ctime and inode, and the template overrides. A later ``index`` or ``due`` with the
same ``netkit.yaml`` (raw bytes), ``--today`` and netkit code walks the folders, and when
the snapshot is identical (and, for ``index``, the pages are as it left them) prints the
recorded answer: it is what the full computation would print, because nothing it reads has
changed.

Why a stat snapshot may be trusted here: a file's ctime changes on every write and cannot
be set back by tools, and a record is only made when every file's ctime is older than the
index run's start by the racy-timestamp margin (``cache.RACY_NS``); a file written during
or just before the run means no record. Anything unusual (unreadable files, links, a
missing folder) means no record either; then the ordinary paths answer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from netkit import cache as cache_mod
from netkit.diagnostics import Diagnosed, Diagnostic
from netkit.model import Config, Contact

if TYPE_CHECKING:
    from netkit.loader import Scan, Vault

ANSWERS_FILE = "answers.cache"
_VERSION = b"netkit answers 3"
#: the due list is recorded this many days ahead; `due --within` beyond it computes
DUE_WINDOW = 31

#: (kind, name, path, tier, date, days_until, last_contact, cadence_days, basis, age, why)
DueLine = tuple[str, str, str, int, str, int, "str | None", "int | None", str, "int | None", str]


def _key(root: Path, config_raw: bytes, today: dt.date) -> bytes:
    from netkit import pagememo

    h = hashlib.sha256(_VERSION)
    h.update(pagememo.code_fingerprint())
    h.update(f"\0{root}\0{today.isoformat()}\0".encode("utf-8", "surrogateescape"))
    h.update(config_raw)
    return h.digest()


def _snapshot(root: Path, config: Config, walk: Scan) -> tuple[dict[str, Any], tuple[Any, ...], str] | None:
    """Every contact file's stat (the walk's own, in its order), every note's (path, size,
    mtime, ctime, inode), and the template overrides; None when the walk reported anything
    (a link, a missing folder, a file gone)."""
    from netkit import notesfind, pagememo

    found = walk.found
    if walk.diagnostics or None in found.values():
        return None
    settings = notesfind.notes_settings(config)
    notes: list[tuple[str, int, int, int, int]] = []
    if settings.enabled:
        for rel in notesfind.discover_notes(root, config, settings):
            try:
                st = os.stat(os.path.join(root, rel))
            except OSError:
                return None
            notes.append((rel, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino))
    return found, tuple(notes), pagememo.templates_fingerprint(root)


def _digest(snapshot: tuple[dict[str, Any], tuple[Any, ...], str]) -> bytes:
    """A snapshot's fingerprint (the record keeps this, not 10,000 stats).

    The contact files' paths (NUL never occurs in one) and their size, mtime, ctime and
    inode as packed integers: a third of the time of a tuple per file pickled, on the
    path every recorded answer takes."""
    import array
    import pickle

    found, notes, templates = snapshot
    h = hashlib.sha256("\0".join(found).encode("utf-8", "surrogateescape"))
    stats = found.values()
    # signed for times (a file may predate 1970), unsigned for inodes (up to 2**64 - 1)
    h.update(array.array("q", [v for st in stats for v in (st.st_size, st.st_mtime_ns, st.st_ctime_ns)]).tobytes())
    h.update(array.array("Q", [st.st_ino for st in stats]).tobytes())
    h.update(pickle.dumps((notes, templates), protocol=5))
    return h.digest()


def _pages_stat(folder: Path, names: Sequence[str]) -> tuple[Any, ...] | None:
    out = []
    for name in names:
        try:
            st = os.lstat(folder / name)
        except OSError:
            return None
        out.append((name, st.st_size, st.st_mtime_ns, st.st_ino, st.st_mode))
    return tuple(out)


def record(vault: Vault, today: dt.date, pages: Sequence[Path], due_from: Sequence[Contact],
           health: tuple[str, str] | None = None) -> str | None:
    """Record what ``index`` printed (``pages``: every page, written or unchanged, all
    of them fine), the due list of ``today`` (``DUE_WINDOW`` days ahead, scheduled from
    ``due_from``: the vault's contacts, or their briefs) and, when given, what ``netkit health``
    prints (without and with colour). Records nothing unless every file is older than the
    run (see the module docstring). A warning instead of raising."""
    from netkit import cadence

    state = vault.state
    if state is None or not pages or state.unreadable:
        return None
    try:
        config_raw = (vault.root / "netkit.yaml").read_bytes()
    except OSError:
        return None
    from netkit import loader

    snapshot = _snapshot(vault.root, vault.config, loader.scan(vault.root, vault.config, config_raw))
    if snapshot is None:
        return None
    found, notes, _ = snapshot
    contacts = [(rel, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino) for rel, st in found.items()]
    trusted_before = min(state.scan_ns, time.time_ns()) - cache_mod.RACY_NS
    if any(c[3] >= trusted_before or c[2] >= trusted_before for c in (*contacts, *notes)):
        return None  # written during or just before the run: its stat proves nothing yet
    # the contact files must be exactly the ones the run loaded
    loaded = [(rel, e.size, e.mtime_ns, e.ctime_ns, e.ino) for rel, e in state.entries.items()]
    if sorted(loaded) != sorted(contacts):
        return None
    folder = pages[0].parent
    names = [p.name for p in pages]
    page_stat = _pages_stat(folder, names)
    if page_stat is None:
        return None
    lines: list[DueLine] = []
    for item in cadence.due_items(due_from, vault.config, today, DUE_WINDOW):
        s = item.schedule
        lines.append((item.kind, item.contact.name, item.contact.path, item.contact.tier, item.date.isoformat(),
                      item.days_until, s.last_contact.isoformat() if s.last_contact else None, s.cadence_days,
                      s.basis, item.age, cadence.describe(item, today)))
    # one list per field: checked in a few C-level passes when read
    columns = [list(column) for column in zip(*lines, strict=True)] if lines else [[] for _ in _LINE_TYPES]
    index_answer = (len(vault.contact_paths), vault.files, tuple(vault.diagnostics), str(folder), page_stat)
    value = (_digest(snapshot), vault.config, index_answer, (DUE_WINDOW, columns), health)
    return cache_mod.write_record(vault.root, ANSWERS_FILE, _key(vault.root, config_raw, today), value)


class Answers(Diagnosed):
    """A recorded answer that still holds (see :func:`lookup`)."""

    def __init__(self, root: Path, config: Config, index_answer: tuple[Any, ...], due: tuple[Any, ...],
                 health: tuple[str, str] | None = None) -> None:
        self.root = root
        self.config = config
        self._health = health
        self.contacts, self.files, diagnostics, folder, self._page_stat = index_answer
        self.diagnostics: tuple[Diagnostic, ...] = diagnostics
        self.folder = Path(folder)
        self.due_window: int = due[0]
        self._due_columns: list[list[Any]] = due[1]

    def pages(self) -> list[Path] | None:
        """The pages, when every one is exactly as the recorded run left it; else None."""
        names = [entry[0] for entry in self._page_stat]
        if _pages_stat(self.folder, names) != self._page_stat:
            return None
        return [self.folder / name for name in names]

    def health(self, colour: bool) -> str | None:
        """What ``netkit health`` prints (styled or not), when the run recorded it."""
        if self._health is None:
            return None
        return self._health[1] if colour else self._health[0]

    def due(self, within: int) -> list[DueLine] | None:
        """The due list for ``--within`` (None beyond the recorded window): the recorded
        list cut at ``within`` days, which is exactly what computing it would give (the
        order does not depend on the window)."""
        if within > self.due_window:
            return None
        days = self._due_columns[5]
        keep = [i for i, d in enumerate(days) if d <= within]
        return [cast(DueLine, tuple(column[i] for column in self._due_columns)) for i in keep]


def lookup(root: Path, today: dt.date) -> Answers | None:
    """The recorded answers for ``root`` on ``today``, if nothing has changed since."""
    return check(root, today)[0]


def check(root: Path, today: dt.date) -> tuple[Answers | None, Scan | None]:
    """:func:`lookup`, and the walk of the contacts folders it took to decide, if any: a
    load that follows (``loader.load_vault(scan=…)``) uses it instead of walking again."""
    from netkit import loader

    try:
        config_raw = (root / "netkit.yaml").read_bytes()
    except OSError:
        return None, None
    value = cache_mod.read_record(root, ANSWERS_FILE, _key(root, config_raw, today))
    if not _valid(value):
        return None, None
    digest, config, index_answer, due, health = value
    walk = loader.scan(root, config, config_raw)
    snapshot = _snapshot(root, config, walk)
    if snapshot is None or _digest(snapshot) != digest:
        return None, walk
    return Answers(root, config, index_answer, due, health), walk


#: the type(s) of each field of a due line, in order
_LINE_TYPES: tuple[tuple[type, ...], ...] = (
    (str,), (str,), (str,), (int,), (str,), (int,), (str, type(None)), (int, type(None)), (str,),
    (int, type(None)), (str,))


def _valid(value: Any) -> bool:
    """The record has the expected shape (a crafted one must not crash a command)."""
    try:
        digest, config, index_answer, due, health = value
        count, files, diagnostics, folder, page_stat = index_answer
        window, columns = due
    except (TypeError, ValueError):
        return False
    if health is not None and not (type(health) is tuple and len(health) == 2
                                   and all(type(text) is str for text in health)):
        return False
    if not (type(digest) is bytes and type(config) is Config
            and type(count) is int and type(files) is int and type(diagnostics) is tuple
            and all(type(d) is Diagnostic for d in diagnostics) and type(folder) is str
            and type(page_stat) is tuple and type(window) is int and type(columns) is list
            and len(columns) == len(_LINE_TYPES)):
        return False
    if not all(type(p) is tuple and len(p) == 5 and type(p[0]) is str for p in page_stat):
        return False
    # exact types (a bool is no int here), one C-level pass per column
    return all(type(column) is list and len(column) == len(columns[0]) and set(map(type, column)) <= set(kinds)
               for column, kinds in zip(columns, _LINE_TYPES, strict=True))
