"""The only module that reads the vault: discovery, config, contact files and the cache.

``load_vault`` returns a :class:`Vault` whose diagnostics hold every problem found in user
data; only an environment failure (no vault, unreadable config) raises :class:`VaultError`.

API
---
* ``load_vault(root, *, use_cache=True, progress=None, previous=None, suspects=(),
  write_cache=False) -> Vault`` — one load. ``progress(done, total)`` counts the files
  that need parsing (none on a warm load with nothing changed).
* ``save_cache(vault) -> str | None`` — write the cache for a loaded vault if it is out of
  date; returns a warning instead of raising (cheapest right after the load).
* ``VaultLoader(root, *, use_cache=True, write_cache=False).load(progress=None, *,
  suspects=()) -> Vault`` — loads again and again, keeping the state in memory.
* ``Vault`` (a frozen dataclass, as before) gains ``changes: Changes`` (``added``,
  ``modified``, ``removed``, ``full``), ``state: LoadState`` (what the next load can start
  from), ``stats: LoadStats`` (cache status, files parsed/re-hashed/reused, workers,
  timings, a cache warning), ``contact_paths`` and ``contact_at(path)``.
* Unchanged: ``find_root``, ``read_config``, ``discover``, ``read_file``, ``parse_files``,
  ``assemble``, ``is_ignored_name``, ``IGNORED_DIRS``, ``VaultError``.

Incremental loading
-------------------
A load compares every contact file's fingerprint (size and mtime_ns; ctime, inode and a
content hash break ties) with what it knew before and re-parses only what changed; see
:mod:`netkit.cache` for the fingerprints, the racy-timestamp rule and the files. What it
knew comes from, in order:

1. ``previous=`` — a :class:`LoadState` kept in memory (``vault.state``), so a long-running
   process (``netkit watch``) never re-reads the cache file. :class:`VaultLoader` keeps it::

       session = VaultLoader(root, write_cache=True)
       vault = session.load()                          # first: the cache file, or parse all
       ...                                             # files change
       vault = session.load(suspects={"contacts/ada.md"})  # parses only what changed
       vault.changes  # Changes(added=(), modified=("contacts/ada.md",), removed=(), full=False)

   ``suspects`` are paths an observer saw change: they are re-hashed even when their stat
   looks unchanged (two writes within one timestamp tick);
2. the cache file ``.netkit/cache/contacts.cache`` (``use_cache=True``, the default);
3. nothing: every file is parsed, and ``changes.full`` is True.

The cache (and an in-memory state) is used only when netkit's version and code, Python's
version and the raw bytes of ``netkit.yaml`` are the same; otherwise everything is parsed.
A damaged, truncated, foreign or crafted cache is ignored (``stats.cache`` says why) and
never runs code. ``use_cache=False`` neither reads nor writes it (``previous`` still counts).

Loading never writes by default: ``check``, ``due``, ``list``... write nothing (design.md
§4). What refreshes the cache (``index``, ``watch``) passes ``write_cache=True`` or calls
:func:`save_cache`. A write appends the changed contacts and replaces the index atomically,
only when the cache would not hold what the load found. A cache that cannot be written
(read-only folder, a file in the way) leaves ``stats.warning``, never a diagnostic.

Laziness. ``Vault.diagnostics`` (duplicate-name warnings included, which are cached and
recomputed only when a name, alias or the set of files changed) is always ready, but
contacts come out of the cache on first access to ``vault.contacts`` or ``vault.index``
(``vault.contact_at(path)`` decodes a few): decoding every contact is the bulk of a warm
load, and a command that needs the diagnostics only, or a renderer that knows nothing
changed, never pays for it.

Cold loads of many files parse in parallel, on Linux, when at least
:data:`PARALLEL_MIN_FILES` files need parsing, there is more than one CPU and no other
thread runs (forking a threaded process can deadlock): forked workers take chunks from
the front of the queue, this process from the back. ``NETKIT_WORKERS=1`` forces the serial
path; ``NETKIT_WORKERS=N`` uses N processes in all.
"""

from __future__ import annotations

import dataclasses
import gc
import os
import stat as stat_mod
import sys
import threading
import time
from collections.abc import Callable, Collection, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from netkit import cache as cache_mod
from netkit import diagnostics as diag_mod
from netkit.cache import Entry, LoadState
from netkit.diagnostics import Diagnostic
from netkit.model import MAX_FILE_BYTES, Config, Contact, LogEntry

if TYPE_CHECKING:
    from netkit.index import ContactIndex

# concurrent.futures, multiprocessing, netkit.config (YAML) and netkit.contactfile are
# imported where they are needed: together they cost more to import than a whole warm load

__all__ = [
    "ENV_VAR", "IGNORED_DIRS", "Changes", "FileTooLarge", "LoadState", "LoadStats", "Scan", "Vault", "VaultError",
    "VaultLoader", "assemble", "discover", "find_root", "is_ignored_name", "load_vault", "parse_files",
    "read_capped", "read_config", "read_file", "save_cache", "scan",
]

ENV_VAR = "NETKIT_VAULT"
CONFIG_NAME = "netkit.yaml"  # same as netkit.config.CONFIG_NAME (not imported: it pulls in YAML)
#: folders never scanned for contacts or notes
IGNORED_DIRS = frozenset({".git", ".obsidian", ".trash", ".netkit", "node_modules", ".venv"})
#: below this many files to parse, worker processes cost more than they save
PARALLEL_MIN_FILES = 2000
#: files per chunk handed to a worker (small enough to balance, large enough to amortise IPC)
CHUNK_FILES = 200
#: ... but at least this share of the work: a worker's chunk comes back as one cache segment,
#: and values repeated across contacts (dates, inline-field tuples) are shared only within
#: a segment once decoded (at 100,000 contacts, 2,000-file chunks save ~55 MB)
CHUNKS_PER_LOAD = 50


class VaultError(Exception):
    """An environment problem: no vault, unreadable config. Exit code 2."""


@dataclasses.dataclass(frozen=True)
class Changes:
    """Vault-relative paths that changed since the state a load started from.

    ``modified`` means the content changed (a ``touch`` is not a change). ``full`` is True
    when there was no usable previous state (first load, no cache, other netkit version or
    ``netkit.yaml`` changed): every file was parsed, and consumers should redo everything;
    the three lists are then relative to whatever paths were known before, if any.
    """

    added: tuple[str, ...] = ()
    modified: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    full: bool = False

    def __bool__(self) -> bool:
        return self.full or bool(self.added or self.modified or self.removed)

    @property
    def paths(self) -> tuple[str, ...]:
        """Every changed path, sorted."""
        return tuple(sorted((*self.added, *self.modified, *self.removed)))


NO_CHANGES = Changes()


@dataclasses.dataclass
class LoadStats:
    """How a load went (for tests, ``--verbose`` output and benchmarks)."""

    #: "memory" (previous state), "hit" (cache file), or why the cache was not used
    #: ("absent", "disabled", "stale: ...", "corrupt: ...", "unreadable: ...")
    cache: str = "disabled"
    parsed: int = 0  # files parsed
    rehashed: int = 0  # files read and hashed because their stat was not conclusive
    reused: int = 0  # files whose previous result was used without reading them
    workers: int = 0  # worker processes used (0: serial)
    written: bool = False  # the cache file was rewritten
    #: seconds spent per phase ("scan", "parse", "duplicates", "write")
    timings: dict[str, float] = dataclasses.field(default_factory=dict)
    #: a problem with the cache itself (unwritable folder...); never a diagnostic
    warning: str | None = None
    #: a cache write still running in the background (see :func:`save_cache`)
    pending: Any = None


@dataclasses.dataclass(frozen=True)
class Vault(diag_mod.Diagnosed):
    """A loaded vault: settings, valid contacts and every diagnostic.

    ``contacts`` and ``index`` may be computed lazily (see the module docstring); they read
    like plain attributes either way. ``state`` is what the next load can start from.
    """

    root: Path
    config: Config
    contacts: tuple[Contact, ...]
    diagnostics: tuple[Diagnostic, ...]
    index: ContactIndex
    #: number of contact files found (valid or not)
    files: int = 0
    changes: Changes = NO_CHANGES
    state: LoadState | None = dataclasses.field(default=None, compare=False, repr=False)
    #: dated notes outside the contacts folders that link to contacts (touchpoints, graph)
    notes: tuple[Any, ...] = dataclasses.field(default=(), compare=False, repr=False)
    #: True once :func:`with_notes_and_links` has run on this vault
    linked: bool = dataclasses.field(default=False, compare=False, repr=False)
    #: the note touchpoints merged into the contacts' logs, by contact path (once linked)
    touchpoints: Mapping[str, tuple[LogEntry, ...]] = dataclasses.field(
        default_factory=dict, compare=False, repr=False)
    stats: LoadStats = dataclasses.field(default_factory=LoadStats, compare=False, repr=False)

    @property
    def contact_paths(self) -> tuple[str, ...]:
        """Paths of the valid contacts, sorted, without decoding any contact."""
        if "contacts" in self.__dict__ or self.state is None:
            return tuple(c.path for c in self.contacts)
        return tuple(rel for rel, e in self.state.entries.items() if e.is_contact)

    def contact_at(self, path: str) -> Contact | None:
        """The valid contact at a vault-relative path (decoding only that one), or None; as
        ``contacts`` holds it (with its note touchpoints once the vault is linked)."""
        if "contacts" in self.__dict__ or self.state is None:
            return self.index.by_path(path)
        entry = self.state.entries.get(path)
        if entry is None:
            return None
        return _decode_linked(self.root, self.state, path, entry, self.touchpoints.get(path))

    def __getattr__(self, name: str) -> Any:
        # only called for attributes not set: the lazy ``contacts`` and ``index``
        if name in ("contacts", "index"):
            build = self.__dict__.get("_build")
            if build is not None:
                with self.__dict__["_lock"]:
                    if "contacts" not in self.__dict__:
                        contacts, index = build()
                        object.__setattr__(self, "contacts", contacts)
                        object.__setattr__(self, "index", index)
                return self.__dict__[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    @classmethod
    def _lazy(
        cls,
        build: Callable[[], tuple[tuple[Contact, ...], ContactIndex]],
        **values: Any,
    ) -> Vault:
        """A vault whose ``contacts`` and ``index`` come from ``build()`` on first access."""
        vault = object.__new__(cls)
        for field in dataclasses.fields(cls):  # defaults first, as __init__ would set them
            if field.name not in values and field.default_factory is not dataclasses.MISSING:
                object.__setattr__(vault, field.name, field.default_factory())
        for key, value in values.items():
            object.__setattr__(vault, key, value)
        object.__setattr__(vault, "_build", build)
        object.__setattr__(vault, "_lock", threading.Lock())
        return vault


# ----------------------------------------------------------------------------- root, config


def find_root(explicit: str | os.PathLike[str] | None, cwd: Path | None = None) -> Path:
    """``--vault DIR``, else ``$NETKIT_VAULT``, else the nearest folder upward with netkit.yaml."""
    if explicit:
        root = Path(explicit).expanduser()
        if not (root / CONFIG_NAME).is_file():
            raise VaultError(f"{root} is not a netkit vault (no {CONFIG_NAME}); create one with `netkit init {root}`")
        return root.resolve()
    env = os.environ.get(ENV_VAR)
    if env:
        root = Path(env).expanduser()
        if not (root / CONFIG_NAME).is_file():
            raise VaultError(f"${ENV_VAR}={env} is not a netkit vault (no {CONFIG_NAME})")
        return root.resolve()
    here = (cwd or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    raise VaultError(
        f"no netkit vault here: no {CONFIG_NAME} in {here} or any folder above it; "
        "pass --vault DIR, set $NETKIT_VAULT, or create one with `netkit init DIR`"
    )


def _read_config_bytes(root: Path) -> bytes:
    try:
        return (root / CONFIG_NAME).read_bytes()
    except OSError as exc:
        raise VaultError(f"cannot read {root / CONFIG_NAME}: {exc.strerror or exc}") from exc


def read_config(root: Path) -> tuple[Config, list[Diagnostic]]:
    """Load ``netkit.yaml``; an unreadable file is an environment error."""
    from netkit import config as config_mod

    return config_mod.parse_config(_read_config_bytes(root))


# ----------------------------------------------------------------------------- discovery


def is_ignored_name(name: str) -> bool:
    """Hidden files, editor swap/backup files and netkit's own temp files."""
    return (
        name.startswith(".")
        or name.endswith(("~", ".swp", ".swx", ".tmp"))
        or name.startswith(".#")
        or "___jb_" in name
    )


def discover(root: Path, config: Config) -> tuple[list[str], list[Diagnostic]]:
    """Every contact file, vault-relative with ``/``, sorted; symlinks leaving the vault are skipped."""
    found, diags = _scan(root, config)
    return sorted(found), diags


@dataclasses.dataclass(frozen=True)
class Scan:
    """One walk of the contacts folders (the stat of every contact file), taken at
    ``scan_ns`` with the ``netkit.yaml`` bytes ``config_raw``: a load given it (``scan=``)
    uses it instead of walking again, when the vault and ``netkit.yaml`` are the same."""

    root: Path
    config_raw: bytes
    scan_ns: int
    found: dict[str, os.stat_result | None]
    diagnostics: tuple[Diagnostic, ...]


def scan(root: Path, config: Config, config_raw: bytes) -> Scan:
    """Walk the contacts folders of ``root`` (configured by ``config``, read from
    ``config_raw``) once, for whoever needs the stats first (see :class:`Scan`)."""
    scan_ns = time.time_ns()  # before any file is examined (the racy-timestamp rule)
    found, diags = _scan(root, config)
    return Scan(Path(root), config_raw, scan_ns, found, tuple(diags))


def _scan(root: Path, config: Config) -> tuple[dict[str, os.stat_result | None], list[Diagnostic]]:
    """:func:`discover`, plus each file's stat (following links; None if it vanished)."""
    diags: list[Diagnostic] = []
    found: dict[str, os.stat_result | None] = {}
    root_real = os.path.realpath(root)
    pages = config.pages.strip("/")
    for folder in config.contacts:
        base = root / folder
        if not base.is_dir():
            diags.append(diag_mod.make(CONFIG_NAME, 1, 1, "config.missing-folder",
                                       f"the contacts folder `{folder}` does not exist",
                                       severity="warning", hint=f"create it (`mkdir {folder}`) or fix `contacts:` in netkit.yaml"))
            continue
        base_rel = os.path.relpath(base, root).replace(os.sep, "/")
        base_rel = "" if base_rel == "." else base_rel
        if pages and (base_rel == pages or base_rel.startswith(pages + "/")):
            continue  # everything in there is a page, never a contact
        _walk(str(base), base_rel, root_real, pages, found, diags)
    return found, diags


def _walk(
    base: str, base_rel: str, root_real: str, pages: str,
    found: dict[str, os.stat_result | None], diags: list[Diagnostic],
) -> None:
    # os.scandir recursion: the same walk as os.walk(followlinks=False) (links to folders
    # are not entered, unreadable folders are skipped) at a fraction of the cost, and the
    # DirEntry gives the stat the fingerprint needs. Linked files are checked one by one.
    # This loop runs once per file on every load, so it is written for speed: the cheap
    # tests first, the path built only for what is kept.
    stack = [(base, base_rel)]
    while stack:
        folder, folder_rel = stack.pop()
        prefix = folder_rel + "/" if folder_rel else ""
        try:
            scanner = os.scandir(folder)
        except OSError:
            continue
        with scanner:
            for entry in scanner:
                name = entry.name
                try:
                    is_dir = entry.is_dir()  # follows links, like os.walk (from d_type: no syscall)
                except OSError:
                    is_dir = False
                if is_dir:
                    if name in IGNORED_DIRS or name[0] == "." or entry.is_symlink():
                        continue
                    rel = prefix + name
                    if rel != pages:
                        stack.append((entry.path, rel))
                    continue
                # for a name ending in .md, is_ignored_name() reduces to these two tests
                if not (name.endswith(".md") or name.lower().endswith(".md")) or name[0] == "." or "___jb_" in name:
                    continue
                rel = prefix + name
                if rel == pages:
                    continue
                if entry.is_symlink():
                    target = os.path.realpath(entry.path)
                    if not (target == root_real or target.startswith(root_real + os.sep)):
                        diags.append(diag_mod.make(rel, 1, 1, "file.symlink-outside",
                                                   "this file is a link to a place outside the vault; it was skipped",
                                                   severity="warning", hint="copy the file into the vault instead of linking it"))
                        continue
                    if not os.path.isfile(target):
                        diags.append(diag_mod.make(rel, 1, 1, "file.broken-link",
                                                   "this file is a broken or looping symbolic link; it was skipped",
                                                   severity="warning", hint="remove the link or point it at a file"))
                        continue
                try:
                    found[rel] = entry.stat()
                except OSError:
                    found[rel] = None  # vanished since the listing: reported as unreadable


class _KnownStat:
    """The stat fields the loader compares, as the previous load recorded them."""

    __slots__ = ("st_size", "st_mtime_ns", "st_ctime_ns", "st_ino")

    def __init__(self, entry: Entry) -> None:
        self.st_size = entry.size
        self.st_mtime_ns = entry.mtime_ns
        self.st_ctime_ns = entry.ctime_ns
        self.st_ino = entry.ino


def _scan_only(
    root: Path, config: Config, base: LoadState, only: frozenset[str]
) -> tuple[dict[str, Any], list[Diagnostic]] | None:
    """:func:`_scan`'s answer when only ``only`` can have changed since ``base`` (which must
    be a scan's result: it knows the scan's own diagnostics). None: scan everything (a
    folder or a link changed inside a contacts folder, or ``base`` cannot tell)."""
    if base.scan_diagnostics is None or base.scan_diagnostics:
        return None  # links and missing folders: leave those to the full scan
    found: dict[str, Any] = {rel: _KnownStat(entry) for rel, entry in base.entries.items()}
    folders = [f.strip("/") for f in config.contacts]
    pages = config.pages.strip("/")
    for rel in (*only, *base.unreadable):
        if not any(not f or rel == f or rel.startswith(f + "/") for f in folders):
            continue  # not in a contacts folder: no contact can have changed
        full = os.path.join(root, rel)
        try:
            st = os.lstat(full)
        except FileNotFoundError:
            found.pop(rel, None)
            continue
        except OSError:
            return None
        if not stat_mod.S_ISREG(st.st_mode):
            return None  # a folder or a link: whatever it holds, the full scan finds it
        parts = rel.split("/")
        if (
            not rel.lower().endswith(".md") or is_ignored_name(parts[-1]) or rel == pages
            or (pages and rel.startswith(pages + "/"))
            or any(p in IGNORED_DIRS or p.startswith(".") for p in parts[:-1])
        ):
            found.pop(rel, None)
            continue
        found[rel] = st
    return found, []


# ----------------------------------------------------------------------------- reading


def read_file(root: Path, rel: str) -> tuple[bytes | None, Diagnostic | None]:
    """Read one file's bytes; an unreadable file is a diagnostic, not a crash."""
    return _read(os.path.join(root, rel), rel)


#: O_NONBLOCK: opening a FIFO named *.md must not wait for a writer; it is then refused as
#: not a regular file (so is a device, which could never end). No effect on files.
#: O_BINARY: no newline translation where the C library would do it (Windows).
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


class FileTooLarge(Exception):
    """The file is over the reading limit by its size (nothing was read of it)."""

    def __init__(self, size: int) -> None:
        super().__init__(f"{size} bytes")
        self.size = size


def read_capped(path: str, limit: int) -> bytes:
    """The bytes of the regular file at ``path``: at most ``limit + 1`` of them, so that a
    file that grew past the limit while it was read shows it (the caller judges).

    OSError when it cannot be read or is not a regular file (a FIFO, a device: never a
    hang); :class:`FileTooLarge` when its size is over ``limit`` before anything is read.
    Plain file-descriptor calls, not ``open()``: a buffered file object costs ~10 µs per
    file (its ``read(n)`` sets aside ``n`` bytes first, and ``n`` is the limit), a tenth of
    parsing one, on every file of a cold index.
    """
    fd = os.open(path, _READ_FLAGS)
    try:
        st = os.fstat(fd)
        if not stat_mod.S_ISREG(st.st_mode):
            raise OSError(0, "it is not a regular file")
        if st.st_size > limit:
            raise FileTooLarge(st.st_size)
        # the size it had, plus one byte to notice that it grew meanwhile; then on to the
        # end (a short read, a file still growing), never past the limit + 1
        chunks: list[bytes] = []
        total = 0
        want = st.st_size + 1
        while total <= limit:
            chunk = os.read(fd, min(want, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            want = 1 << 16
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)
    finally:
        os.close(fd)


def _read(full: str, rel: str) -> tuple[bytes | None, Diagnostic | None]:
    try:
        return read_capped(full, MAX_FILE_BYTES), None
    except FileTooLarge as big:
        from netkit.contactfile import too_large

        return None, too_large(rel, big.size)  # never read a huge file into memory
    except OSError as exc:
        return None, _unreadable(rel, exc.strerror or str(exc))


def _unreadable(rel: str, why: str) -> Diagnostic:
    return diag_mod.make(rel, 1, 1, "file.unreadable", f"cannot read the file: {why}",
                         hint="check the file's permissions")


def parse_files(
    root: Path, rels: list[str], config: Config, progress: Callable[[int], None] | None = None
) -> tuple[list[Contact], list[Diagnostic]]:
    """Read and parse contact files in order (no cache)."""
    from netkit import contactfile

    contacts: list[Contact] = []
    diags: list[Diagnostic] = []
    for i, rel in enumerate(rels):
        raw, problem = read_file(root, rel)
        if problem is not None:
            diags.append(problem)
        elif raw is not None:
            contact, file_diags = contactfile.parse_contact(raw, rel, config)
            diags.extend(file_diags)
            if contact is not None:
                contacts.append(contact)
        if progress is not None:
            progress(i + 1)
    return contacts, diags


# One job: (vault-relative path, digest of the previous content or None). Its outcome:
#   ("unreadable", diagnostic)
#   ("same", digest)                              content unchanged: keep the previous result
#   ("parsed", digest, diagnostics, labels, contact, segment, position)
# where a contact parsed in this process is an object (segment None), and one parsed by a
# worker is the position-th of the segment its chunk came back as (contact None).
Job = tuple[str, bytes | None]
Outcome = tuple[Any, ...]


def _run_job(root: str, rel: str, old_digest: bytes | None, config: Config) -> Outcome:
    from netkit import contactfile

    raw, problem = _read(os.path.join(root, rel), rel)
    if raw is None:
        return ("unreadable", problem)
    digest = cache_mod.content_digest(raw)
    if digest == old_digest:
        return ("same", digest)
    contact, diags = contactfile.parse_contact(raw, rel, config)
    return ("parsed", digest, tuple(diags), cache_mod.labels_of(contact), contact, None, 0)


def _run_chunk(root: str, config: Config, jobs: list[Job]) -> tuple[list[Outcome], bytes, int]:
    """A worker's task: parse a chunk; its contacts come back as one encoded segment."""
    outcomes: list[Outcome] = []
    contacts: list[Contact] = []
    for rel, digest in jobs:
        outcome = _run_job(root, rel, digest, config)
        if outcome[0] == "parsed" and outcome[4] is not None:
            contacts.append(outcome[4])
            outcome = (*outcome[:4], None, None, len(contacts) - 1)  # the segment is set on arrival
        outcomes.append(outcome)
    return outcomes, cache_mod.encode_segment(contacts), len(contacts)


def _worker_count(jobs: int) -> int:
    """How many worker processes to use for ``jobs`` files (0: parse serially)."""
    override = os.environ.get("NETKIT_WORKERS", "").strip()
    cpus = os.cpu_count() or 1
    if override.isdigit():
        cpus = int(override)
    # Linux only: elsewhere fork is unavailable, or (macOS) unsafe once system frameworks
    # are loaded, and spawning fresh interpreters costs more than it saves here
    if (
        jobs < PARALLEL_MIN_FILES or cpus < 2 or not sys.platform.startswith("linux")
        or threading.active_count() > 1
    ):
        return 0
    return min(cpus - 1, 61)  # the main process is a worker too


def _parse_jobs(
    root: Path, config: Config, jobs: list[Job], progress: Callable[[int, int], None] | None, stats: LoadStats
) -> dict[str, Outcome]:
    """Run ``jobs`` serially or with worker processes; outcomes by path."""
    total = len(jobs)
    root_s = str(root)
    workers = _worker_count(total)
    outcomes: dict[str, Outcome] = {}
    if workers:
        try:
            _parse_parallel(root_s, config, jobs, workers, progress, outcomes)
            stats.workers = workers
        except (OSError, RuntimeError):  # includes BrokenProcessPool
            pass  # no processes (limits, sandbox): whatever is left is parsed below
    done = len(outcomes)
    for rel, digest in jobs:
        if rel in outcomes:
            continue
        # contacts parsed here stay objects: a cache write, if any, encodes them
        outcomes[rel] = _run_job(root_s, rel, digest, config)
        done += 1
        if progress is not None:
            progress(done, total)
    return outcomes


def _parse_parallel(
    root: str, config: Config, jobs: list[Job], workers: int,
    progress: Callable[[int, int], None] | None, outcomes: dict[str, Outcome],
) -> None:
    # Workers take chunks from the front of the queue; this process takes them from the
    # back, as long as no worker has started them (a pending future can be cancelled), so
    # the two meet wherever the work balances. Its own contacts then need no decoding.
    import concurrent.futures
    import multiprocessing

    # the parser's modules before the fork: the workers inherit them, with their compiled
    # regular expressions (~15 ms of a worker's start otherwise, importing them again)
    from netkit import contactfile  # noqa: F401

    total = len(jobs)
    size = max(CHUNK_FILES, total // CHUNKS_PER_LOAD)
    chunks = [jobs[i:i + size] for i in range(0, total, size)]
    context = multiprocessing.get_context("fork")
    done = 0
    with concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = [pool.submit(_run_chunk, root, config, chunk) for chunk in chunks]
        counted: set[int] = set()

        def report() -> None:
            nonlocal done
            for i, fut in enumerate(futures):
                if i not in counted and fut.done() and not fut.cancelled():
                    counted.add(i)
                    done += len(chunks[i])
            if progress is not None:
                progress(min(done, total), total)

        for i in range(len(chunks) - 1, -1, -1):
            if not futures[i].cancel():
                break
            for rel, digest in chunks[i]:
                outcomes[rel] = _run_job(root, rel, digest, config)
            done += len(chunks[i])
            report()
        for fut, chunk in zip(futures, chunks, strict=True):
            if fut.cancelled():
                continue
            results, data, count = fut.result()
            segment = cache_mod.Segment(count, data=data)
            for (rel, _), outcome in zip(chunk, results, strict=True):
                if outcome[0] == "parsed" and outcome[6] is not None and outcome[3] is not None:
                    outcome = (*outcome[:5], segment, outcome[6])
                outcomes[rel] = outcome
            report()


# ----------------------------------------------------------------------------- loading


def load_vault(
    root: Path,
    *,
    use_cache: bool = True,
    progress: Callable[[int, int], None] | None = None,
    previous: LoadState | None = None,
    suspects: Collection[str] = (),
    write_cache: bool = False,
    scan: Scan | None = None,
) -> Vault:
    """Load the whole vault, re-parsing only files that changed (see the module docstring).

    ``progress(done, total)`` is called as files are parsed (``total`` counts the files
    that need parsing). ``previous`` is an earlier ``vault.state``; ``suspects`` are paths
    to re-check by content even when their stat looks unchanged. ``write_cache`` refreshes
    the cache file when it is out of date (``use_cache`` must be on). ``scan``: a walk
    taken just before (:func:`scan`), used instead of walking the folders again.
    """
    return _Load(Path(root), use_cache, write_cache, progress, previous, frozenset(suspects),
                 scan=scan).run()


def save_cache(vault: Vault, *, background: bool = False) -> str | None:
    """Write the cache for a loaded vault unless it is up to date; return a warning or None.

    Cheapest right after the load (before ``vault.contacts`` is used): cached contacts are
    then still in encoded form and are written back as they are.

    ``background=True``: when the write is large (a cold index: every contact to encode,
    most of a second at 10,000 contacts) and a fork is safe, a forked child writes it while
    this process goes on computing the pages on the other core; :func:`finish_cache`
    waits for it and returns its warning. Otherwise the write happens here and now.
    """
    state = vault.state
    if state is None or state.persisted:
        return None
    if background:
        pending = _PendingWrite.start(vault.root, state)
        if pending is not None:
            vault.stats.pending = pending
            return None
    clock = time.perf_counter()
    warning = cache_mod.write(vault.root, state)
    vault.stats.timings["write"] = time.perf_counter() - clock
    vault.stats.warning = warning
    vault.stats.written = warning is None
    return warning


def finish_cache(vault: Vault) -> str | None:
    """Wait for a cache write :func:`save_cache` started in the background (if any); its
    warning or None."""
    pending = vault.stats.pending
    if pending is None:
        return vault.stats.warning
    vault.stats.pending = None
    warning = pending.wait()
    vault.stats.warning = warning
    vault.stats.written = warning is None
    if warning is None and vault.state is not None:
        vault.state.persisted = True
    return warning


#: a cache write encoding fewer contacts than this is not worth a fork
BACKGROUND_MIN_CONTACTS = 1000


class _PendingWrite:
    """A cache write running in a forked child; its warning comes back through a pipe."""

    def __init__(self, pid: int, read_fd: int) -> None:
        self.pid = pid
        self.read_fd = read_fd

    @classmethod
    def start(cls, root: Path, state: LoadState) -> _PendingWrite | None:
        """Fork a writer, or None when not worth it or not safe (then write in-process)."""
        loose = sum(1 for e in state.entries.values() if e.labels is not None and e.segment is None)
        # fork only on Linux (elsewhere it is unavailable or unsafe), and never with other
        # threads running: a forked copy of a lock held by one of them would deadlock
        if loose < BACKGROUND_MIN_CONTACTS or not sys.platform.startswith("linux") or threading.active_count() > 1:
            return None
        try:
            if cache_mod.prepare_folder(root) is not None:
                return None  # the in-process write reports why
            read_fd, write_fd = os.pipe()
        except OSError:
            return None
        sys.stdout.flush()
        sys.stderr.flush()
        try:
            pid = os.fork()
        except OSError:
            os.close(read_fd)
            os.close(write_fd)
            return None
        if pid == 0:  # the child: write, report, and leave without running any cleanup
            code = 1
            try:
                os.close(read_fd)
                warning = cache_mod.write(root, state)
                os.write(write_fd, (warning or "").encode("utf-8", "replace")[:4000])
                code = 0
            finally:
                os._exit(code)
        os.close(write_fd)
        return cls(pid, read_fd)

    def wait(self) -> str | None:
        """Wait for the child; its warning, or None when the cache was written."""
        chunks: list[bytes] = []
        try:
            while chunk := os.read(self.read_fd, 4096):
                chunks.append(chunk)
        finally:
            os.close(self.read_fd)
        _, status = os.waitpid(self.pid, 0)
        if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
            return "the cache writer stopped unexpectedly; the cache will be rebuilt next time"
        return b"".join(chunks).decode("utf-8", "replace") or None


class VaultLoader:
    """Loads one vault again and again, keeping the state in memory between loads.

    For long-running processes (``netkit watch``): each :meth:`load` re-parses only the
    files that changed since the previous one and does not read the cache file again;
    with ``write_cache=True`` it appends only the changed contacts to the cache.
    """

    def __init__(self, root: Path, *, use_cache: bool = True, write_cache: bool = False) -> None:
        self.root = Path(root)
        self.use_cache = use_cache
        self.write_cache = write_cache
        self.state: LoadState | None = None

    def load(
        self, progress: Callable[[int, int], None] | None = None, *, suspects: Collection[str] = (),
        only: Collection[str] | None = None,
    ) -> Vault:
        """Load (incrementally after the first call); see :func:`load_vault`.

        ``only``: the vault-relative paths that may have changed since the previous load
        (what a file-system observer reported). Then only those are examined; every other
        file is taken as the previous load left it, without a stat. A path that is a folder
        inside a contacts folder (a folder renamed, created or deleted), a link, or the
        first load, means a full scan anyway. The caller is responsible for the promise
        (``netkit watch`` checks it with a full scan after each rebuild).
        """
        vault = _Load(self.root, self.use_cache, self.write_cache, progress, self.state, frozenset(suspects),
                      None if only is None else frozenset(only)).run()
        self.state = vault.state
        return vault

    def reset(self) -> None:
        """Forget the in-memory state: the next load starts from the cache file."""
        self.state = None

    def stale_paths(self) -> list[str] | None:
        """Contact paths whose stat differs from the last load's (added, removed, modified),
        found by a full scan that parses nothing and changes no state; None before the
        first load. How ``netkit watch`` checks, after a rebuild that trusted the observer
        (``only=``), that nothing was missed."""
        state = self.state
        if state is None:
            return None
        config = state.config
        found, _ = _scan(self.root, config)
        entries = state.entries
        stale = [rel for rel in entries if rel not in found]
        unreadable = set(state.unreadable)
        for rel, st in found.items():
            old = entries.get(rel)
            if old is None:
                if rel not in unreadable:
                    stale.append(rel)
            elif st is None or (old.size, old.mtime_ns, old.ctime_ns, old.ino) != (
                    st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino):
                stale.append(rel)
        return sorted(stale)


class _Load:
    """One load (a class only to share its many locals between its steps)."""

    def __init__(
        self, root: Path, use_cache: bool, write_cache: bool, progress: Callable[[int, int], None] | None,
        previous: LoadState | None, suspects: frozenset[str], only: frozenset[str] | None = None,
        scan: Scan | None = None,
    ) -> None:
        self.root = root
        self.only = only
        self.scan = scan
        self.use_cache = use_cache
        self.write_cache = write_cache and use_cache
        self.progress = progress
        self.previous = previous
        self.suspects = suspects
        self.stats = LoadStats()

    def run(self) -> Vault:
        with _GcPaused():
            return self._run()

    def _run(self) -> Vault:
        # taken before any file is examined: the racy-timestamp rule compares mtimes to it
        scan_ns = time.time_ns()
        config_raw = _read_config_bytes(self.root)
        key = cache_mod.cache_key(config_raw)
        base = self._base_state(key)
        if base is not None:
            config, config_diags = base.config, base.config_diagnostics
        else:
            from netkit import config as config_mod

            parsed_config, parsed_diags = config_mod.parse_config(config_raw)
            config, config_diags = parsed_config, tuple(parsed_diags)
        clock = time.perf_counter()
        partial = None
        if self.only is not None and base is not None and base is self.previous:
            partial = _scan_only(self.root, config, base, self.only)
        given = self.scan
        if partial is not None:
            found, discover_diags = partial
        elif given is not None and given.root == self.root and given.config_raw == config_raw:
            # the walk someone took just before (netkit.answers): its stats, from its time
            found, discover_diags, scan_ns = given.found, list(given.diagnostics), min(scan_ns, given.scan_ns)
        else:
            found, discover_diags = _scan(self.root, config)
        self.stats.timings["scan"] = time.perf_counter() - clock

        old_entries = base.entries if base is not None else {}
        # visit the known files in their (sorted) order, then the new ones, sorted: no sort
        # of every path when nothing was added
        new_rels = sorted(rel for rel in found if rel not in old_entries)
        rels = [*(rel for rel in old_entries if rel in found), *new_rels]
        entries: dict[str, Entry] = {}
        unreadable: dict[str, Diagnostic] = {}
        jobs: list[Job] = []
        vanished: list[str] = []
        # write the cache when it would not hold what this load found (see the end)
        rewrite = base is None or not base.persisted
        # an entry is trusted on stat alone when its mtime is older than this (racy git)
        trusted_before = base.scan_ns - cache_mod.RACY_NS if base is not None else 0
        suspects = self.suspects
        old_get = old_entries.get
        for rel in rels:
            st = found[rel]
            old = old_get(rel)
            # the common case first, in one expression: this loop runs for every file
            if (
                old is not None and st is not None and old.mtime_ns == st.st_mtime_ns
                and old.size == st.st_size and old.ctime_ns == st.st_ctime_ns and old.ino == st.st_ino
                and old.mtime_ns < trusted_before and rel not in suspects
            ):
                entries[rel] = old
                continue
            if st is None:
                unreadable[rel] = _read(os.path.join(self.root, rel), rel)[1] or _vanished(rel)
                if old is not None:
                    vanished.append(rel)
                continue
            if old is None or old.size != st.st_size or old.mtime_ns != st.st_mtime_ns:
                jobs.append((rel, old.digest if old is not None else None))
                continue
            # stat says "same" but cannot be trusted (racy, ctime or inode moved, suspect):
            # compare the content hash
            raw, problem = _read(os.path.join(self.root, rel), rel)
            self.stats.rehashed += 1
            if raw is None:
                unreadable[rel] = problem or _vanished(rel)
                vanished.append(rel)
                continue
            if cache_mod.content_digest(raw) != old.digest:
                jobs.append((rel, None))
                continue
            fresh = old if (old.ctime_ns, old.ino) == (st.st_ctime_ns, st.st_ino) else old.with_stat(st)
            entries[rel] = fresh
            # once the file is old enough, writing the cache again makes it trusted
            if fresh is not old or fresh.mtime_ns < scan_ns - cache_mod.RACY_NS:
                rewrite = True
        self.stats.reused = len(entries)
        # every entry kept as it was: the state differs from the base only if this is False
        kept_all = len(entries) == len(old_entries) and not jobs

        clock = time.perf_counter()
        outcomes = _parse_jobs(self.root, config, jobs, self.progress, self.stats) if jobs else {}
        self.stats.timings["parse"] = time.perf_counter() - clock
        modified: list[str] = list(vanished)
        for rel, _ in jobs:
            outcome = outcomes[rel]
            old = old_entries.get(rel)
            st = found[rel]
            assert st is not None
            if outcome[0] == "unreadable":
                unreadable[rel] = outcome[1]
                if old is not None:
                    modified.append(rel)
            elif outcome[0] == "same":
                assert old is not None
                entries[rel] = old.with_stat(st)
                self.stats.rehashed += 1
            else:
                _, digest, file_diags, labels, contact, segment, position = outcome
                entries[rel] = Entry(st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, digest, file_diags,
                                     labels, contact, segment, position)
                self.stats.parsed += 1
                if old is not None:
                    modified.append(rel)
        if jobs or new_rels:
            # back in path order (the index, the cache and the diagnostics rely on it)
            rels.sort()
            entries = {rel: entries[rel] for rel in rels if rel in entries}
        if not kept_all:
            rewrite = True  # an entry was added, replaced or dropped

        known = self.previous.entries if self.previous is not None else old_entries
        removed = tuple(rel for rel in known if rel not in found)
        if base is None:
            changes = Changes(added=tuple(r for r in rels if r not in known),
                              modified=tuple(r for r in rels if r in known),
                              removed=tuple(sorted(removed)), full=True)
        else:
            changes = Changes(added=tuple(new_rels), modified=tuple(sorted(modified)),
                              removed=tuple(sorted(removed)))

        clock = time.perf_counter()
        duplicates, index = self._duplicates(base, entries, old_entries, kept_all)
        self.stats.timings["duplicates"] = time.perf_counter() - clock
        if base is None or duplicates is not base.duplicates:
            rewrite = True
        # "persisted": the cache file already holds all this state knows (nothing to write)
        state = LoadState(key, scan_ns, config, config_diags, entries, duplicates, persisted=not rewrite,
                          blobs=base.blobs if base is not None else None,
                          scan_diagnostics=tuple(discover_diags), unreadable=tuple(sorted(unreadable)))
        if self.write_cache and rewrite:
            clock = time.perf_counter()
            self.stats.warning = cache_mod.write(self.root, state)
            self.stats.timings["write"] = time.perf_counter() - clock
            self.stats.written = self.stats.warning is None

        diags: list[Diagnostic] = [*config_diags, *discover_diags]
        for entry in entries.values():
            if entry.diagnostics:
                diags.extend(entry.diagnostics)
        # (a path is unreadable or has an entry, never both: the sort puts them in place)
        diags.extend(unreadable.values())
        diags.extend(duplicates)
        diags.sort(key=diag_mod.sort_key)  # stable: ties keep the order above, as before
        values: dict[str, Any] = {
            "root": self.root, "config": config, "diagnostics": tuple(diags), "files": len(rels),
            "changes": changes, "state": state, "stats": self.stats,
        }
        if index is not None:
            return Vault(contacts=index.contacts, index=index, **values)
        root = self.root
        return Vault._lazy(lambda: _materialise(root, state), **values)

    def _base_state(self, key: bytes) -> LoadState | None:
        """The state this load is incremental against (same key), or None."""
        if self.previous is not None and self.previous.key == key:
            self.stats.cache = "memory"
            return self.previous
        if not self.use_cache:
            return None
        state, status = cache_mod.read(self.root, key)
        self.stats.cache = "hit" if state is not None else status
        return state

    def _duplicates(
        self, base: LoadState | None, entries: dict[str, Entry], old_entries: dict[str, Entry], kept_all: bool
    ) -> tuple[tuple[Diagnostic, ...], ContactIndex | None]:
        """Duplicate-name warnings: reused when no label changed, else recomputed.

        Returns the index too when every contact is already an object (a serial parse):
        then it is the vault's index, built once.
        """
        if base is not None and base.duplicates is not None:
            if kept_all:
                return base.duplicates, None
            touched = [rel for rel, e in entries.items() if old_entries.get(rel) is not e]
            touched += [rel for rel in old_entries if rel not in entries]
            if all(_labels(entries.get(rel)) == _labels(old_entries.get(rel)) for rel in touched):
                return base.duplicates, None
        from netkit.index import ContactIndex

        if all(e.contact is not None for e in entries.values() if e.is_contact):
            index = ContactIndex([e.contact for e in entries.values() if e.contact is not None])
            return tuple(index.duplicate_diagnostics()), index
        # name labels are all duplicate detection reads: stand-ins avoid decoding contacts
        stand_ins: list[Contact] = []
        for rel, entry in entries.items():
            if entry.contact is not None:
                stand_ins.append(entry.contact)
            elif entry.labels is not None:
                stand_ins.append(_stand_in(rel, *entry.labels))
        return tuple(ContactIndex(stand_ins).duplicate_diagnostics()), None


def _labels(entry: Entry | None) -> cache_mod.Labels | None:
    return None if entry is None else entry.labels


def _vanished(rel: str) -> Diagnostic:
    return _unreadable(rel, "it disappeared while loading")


def _stand_in(rel: str, stem: str, name: str, aliases: tuple[str, ...]) -> Contact:
    """A contact holding only its names (from the cache's labels): what duplicate detection
    and link resolution read, without decoding the real one."""
    return Contact(path=rel, stem=stem, name=name, tier=0, aliases=aliases)


def _decode(root: Path, state: LoadState, rel: str, entry: Entry) -> Contact | None:
    """One entry's contact; one that cannot be decoded is parsed from the file again."""
    try:
        contact = entry.get_contact()
        if contact is None or contact.path == rel:
            return contact
        # a crafted cache pointing at another file's contact: parse this file instead
    except cache_mod.CacheError:
        pass
    from netkit import contactfile

    raw, _ = read_file(root, rel)
    contact = contactfile.parse_contact(raw, rel, state.config)[0] if raw is not None else None
    entry.contact = contact
    return contact



def _decode_linked(root: Path, state: LoadState, rel: str, entry: Entry,
                   touchpoints: tuple[LogEntry, ...] | None) -> Contact | None:
    """:func:`_decode`, with the contact's note touchpoints merged into its log, as the
    linked vault's contacts hold them."""
    contact = _decode(root, state, rel, entry)
    if contact is None or not touchpoints:
        return contact
    from netkit.notes import with_note_touchpoints

    return with_note_touchpoints([contact], {rel: touchpoints})[0]

def with_notes_and_links(vault: Vault, *, remember: bool = False) -> Vault:
    """The cross-file layer on top of the per-file parse.

    * dated notes outside the contacts folders that link to a contact become touchpoints
      (``channel: note``) in that contact's log;
    * every wikilink is resolved: a link to nobody, or to several people, is a warning;
    * the ``notes:`` and ``quality:`` settings of netkit.yaml are checked.

    Kept out of :func:`load_vault` so that a plain load stays lazy (contacts are decoded
    from the cache only when used); commands apply it once (it is idempotent).

    The layer's result (the extra diagnostics, the notes, the note touchpoints per contact)
    depends only on every contact file's content, the notes' files, ``netkit.yaml`` and
    netkit's code. ``remember=True`` (``netkit index``) records it in
    ``.netkit/cache/links.cache``, with each contact's own link warnings and content hash.
    A later load with the same notes, ``netkit.yaml`` and code (see :func:`_layer_key`)
    takes it from there instead of decoding every contact: as it is when every contact
    file is the same, so that a command needing only the diagnostics (an ``index`` with
    nothing to do) never decodes one; and patched when only some contacts' contents changed
    but every path, file name, name and alias is the same (what links resolve against):
    then only those contacts are decoded and checked again (``netkit log`` and the command
    after it, on a large vault). The contacts themselves still come out the same, lazily.
    """
    if vault.linked:
        return vault
    from netkit import notesfind

    settings = notesfind.notes_settings(vault.config)
    note_paths = notesfind.discover_notes(vault.root, vault.config, settings) if settings.enabled else []
    key = _layer_key(vault, note_paths)
    state = vault.state
    record = _checked_layer(cache_mod.read_record(vault.root, LAYER_FILE, key)) if key is not None else None
    if record is not None and state is not None:
        if record.contents == state.contents_digest():
            return _with_layer(vault, record.extra, record.found, record.touchpoints)
        patched = _patched_layer(vault, state, record, note_paths)
        if patched is not None:
            if remember and key is not None:
                _remember_layer(vault, key, patched)
            return _with_layer(vault, patched.extra, patched.found, patched.touchpoints)
    layer, linked = _compute_layer(vault, settings, note_paths)
    if remember and key is not None and state is not None:
        _remember_layer(vault, key, layer)
    return _with_layer(vault, layer.extra, layer.found, layer.touchpoints, linked=linked)


#: the recorded cross-file layer (see :func:`with_notes_and_links`)
LAYER_FILE = "links.cache"
_LAYER_VERSION = b"netkit links layer 2"
#: modules whose code shapes the layer, beyond the loader's own (cache.KEY_MODULES)
_LAYER_MODULES = ("links", "notes", "graph", "quality/settings", "quality/__init__")


@dataclasses.dataclass(frozen=True)
class Layer:
    """The cross-file layer of one set of contact files (see :func:`with_notes_and_links`)."""

    #: :meth:`cache.LoadState.contents_digest` of the contact files it was computed from
    contents: bytes
    #: :func:`_names_digest` of those files: what links resolve against
    names: bytes
    #: the contacts' paths in order, and their content hashes concatenated in that order
    rels: tuple[str, ...]
    digests: bytes
    #: the settings' problems (``notes:``, ``quality:``)
    head: tuple[Diagnostic, ...]
    #: each contact's link warnings (contacts without any are left out)
    link_diags: dict[str, tuple[Diagnostic, ...]]
    found: tuple[Any, ...]  # the dated notes
    touchpoints: dict[str, tuple[LogEntry, ...]]  # note touchpoints by contact path

    @property
    def extra(self) -> tuple[Diagnostic, ...]:
        """The diagnostics the layer adds to the load's: the settings', then every link
        warning in diagnostic order (as :func:`netkit.links.link_diagnostics` sorts them)."""
        from netkit.links import in_report_order

        return (*self.head, *in_report_order(self.link_diags))

    def to_record(self) -> tuple[Any, ...]:
        """The value written to ``links.cache`` (built-in types and netkit's own only)."""
        return (self.contents, self.names, list(self.rels), self.digests, self.head, self.link_diags,
                self.found, self.touchpoints)


def _remember_layer(vault: Vault, key: bytes, layer: Layer) -> None:
    warning = cache_mod.write_record(vault.root, LAYER_FILE, key, layer.to_record())
    if warning and vault.stats.warning is None:
        vault.stats.warning = warning


def _layer_key(vault: Vault, note_paths: list[str]) -> bytes | None:
    """What the layer is computed from besides the contact files, or None when it cannot
    be trusted on stat.

    The load state's key (netkit's and Python's versions, the parsing code, netkit.yaml),
    the layer's own code, and every note's path and stat. A note modified less than
    ``cache.RACY_NS`` ago is not trusted on its stat (two writes within one timestamp
    tick): then the layer is computed and not recorded. The contact files are compared
    through the record's content hashes (see :class:`Layer`).
    """
    import hashlib

    state = vault.state
    if state is None:
        return None
    h = hashlib.sha256(_LAYER_VERSION)
    h.update(state.key)
    package = os.path.dirname(cache_mod.__file__)
    for name in _LAYER_MODULES:
        try:
            st = os.stat(os.path.join(package, f"{name}.py"))
        except OSError:
            return None
        h.update(f"{name}|{st.st_size}|{st.st_mtime_ns}\n".encode())
    trusted_before = time.time_ns() - cache_mod.RACY_NS
    for rel in note_paths:
        try:
            st = os.stat(os.path.join(vault.root, rel))
        except OSError:
            return None
        if st.st_mtime_ns >= trusted_before or st.st_ctime_ns >= trusted_before:
            return None
        h.update(f"{rel}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ctime_ns}\0{st.st_ino}\n"
                 .encode("utf-8", "surrogateescape"))
    return h.digest()


def _names_digest(names: Iterable[tuple[str, str, str, tuple[str, ...]]]) -> bytes:
    """A fingerprint of every contact's path, file name, name and aliases, in order."""
    import hashlib
    import pickle

    return hashlib.sha256(pickle.dumps(list(names), protocol=5)).digest()


def _checked_layer(record: Any) -> Layer | None:
    """A recorded layer of the expected shape, else None (a crafted record is ignored)."""
    if type(record) is not tuple or len(record) != 8:
        return None
    contents, names, rels, digests, head, link_diags, found, touchpoints = record
    if found:
        from netkit.notes import Note  # only when there are notes: a heavy import
    if (
        type(contents) is not bytes or type(names) is not bytes or type(digests) is not bytes
        or type(rels) is not list or not all(type(r) is str for r in rels) or len(digests) != cache_mod.DIGEST_BYTES * len(rels)
        or type(head) is not tuple or not all(type(d) is Diagnostic for d in head)
        or type(link_diags) is not dict
        or not all(type(k) is str and type(v) is tuple and all(type(d) is Diagnostic for d in v)
                   for k, v in link_diags.items())
        or type(found) is not tuple or not all(type(n) is Note for n in found)
        or type(touchpoints) is not dict
        or not all(type(k) is str and type(v) is tuple and all(type(e) is LogEntry for e in v)
                   for k, v in touchpoints.items())
    ):
        return None
    return Layer(contents, names, tuple(rels), digests, head, link_diags, found, touchpoints)


def _patched_layer(vault: Vault, state: LoadState, record: Layer, note_paths: list[str]) -> Layer | None:
    """``record`` brought up to date by checking only the contacts whose content changed,
    when every contact's path, file name, name and alias is as recorded (links resolve the
    same way, notes give the same touchpoints); else None."""
    from netkit import links as links_mod

    names = state.contact_names()
    rels = tuple(name[0] for name in names)
    if rels != record.rels or _names_digest(names) != record.names:
        return None
    entries = state.entries
    digests = state.digests(rels)
    edited = cache_mod.edited_positions(record.digests, digests)
    if edited is None:
        return None  # most of the vault: as cheap to compute it all
    changed = [rels[i] for i in edited]
    # the resolver reads names only: stand-ins for the contacts, none decoded
    resolver = links_mod.LinkResolver(_stand_in(rel, stem, name, aliases) for rel, stem, name, aliases in names)
    keys = links_mod.note_keys(note_paths)
    link_diags = dict(record.link_diags)
    for rel in changed:
        contact = _decode_linked(vault.root, state, rel, entries[rel], record.touchpoints.get(rel))
        if contact is None:
            return None
        found = tuple(links_mod.contact_link_diagnostics(contact, resolver, keys))
        if found:
            link_diags[rel] = found
        else:
            link_diags.pop(rel, None)
    return Layer(state.contents_digest(), record.names, rels, digests, record.head, link_diags, record.found,
                 record.touchpoints)


def _compute_layer(
    vault: Vault, settings: Any, note_paths: list[str]
) -> tuple[Layer, tuple[tuple[Contact, ...], ContactIndex]]:
    """The layer, computed from the contacts and the notes; and the contacts with their
    note touchpoints, indexed."""
    from netkit import links as links_mod
    from netkit import notes as notes_mod
    from netkit.quality import quality_config_diagnostics

    found = tuple(note for rel in note_paths if (note := notes_mod.read_note(vault.root, rel)) is not None)
    contacts, index = vault.contacts, vault.index
    resolver = links_mod.LinkResolver.for_index(index)
    touchpoints: dict[str, tuple[LogEntry, ...]] = {}
    if found:
        raw = notes_mod.note_touchpoints(found, index, resolver=resolver)
        touchpoints = {path: tuple(entries) for path, entries in raw.items()}
        if touchpoints:
            from netkit.index import ContactIndex

            contacts = tuple(notes_mod.with_note_touchpoints(contacts, touchpoints))
            index = ContactIndex(contacts)
            # names, aliases and paths are the same: the resolver's answers are too, but
            # they must be the contacts with their note touchpoints
            resolver = links_mod.LinkResolver.for_index(index)
    # each contact's share of links.link_diagnostics, kept apart for the record
    link_diags = links_mod.link_diagnostics_by_contact(contacts, resolver, note_paths)
    head = (*settings.diagnostics, *quality_config_diagnostics(vault.config))
    state = vault.state
    if state is not None:
        names = state.contact_names()
        rels = tuple(name[0] for name in names)
        contents, names_digest = state.contents_digest(), _names_digest(names)
        digests = state.digests(rels)
    else:
        contents = names_digest = digests = b""
        rels = ()
    # the record's paths are the state's; a contact that could not be decoded is missing
    # from `contacts` (and from the resolver): then the record must never be patched
    if state is not None and len(rels) != len(contacts):
        names_digest = b""
    return (Layer(contents, names_digest, rels, digests, head, link_diags, found, touchpoints),
            (tuple(contacts), index))


def _with_layer(
    vault: Vault, extra: tuple[Diagnostic, ...], found: tuple[Any, ...],
    touchpoints: dict[str, tuple[LogEntry, ...]], *,
    linked: tuple[tuple[Contact, ...], ContactIndex] | None = None,
) -> Vault:
    """``vault`` with the layer applied (``linked``: its contacts, when already computed);
    otherwise its contacts stay lazy when they were."""
    diags = tuple(sorted([*vault.diagnostics, *extra], key=diag_mod.sort_key)) if extra else vault.diagnostics
    values = {f.name: vault.__dict__[f.name] for f in dataclasses.fields(vault)
              if f.name not in ("contacts", "index") and f.name in vault.__dict__}
    values.update(diagnostics=diags, notes=found, linked=True, touchpoints=touchpoints)

    def build() -> tuple[tuple[Contact, ...], ContactIndex]:
        contacts, index = vault.contacts, vault.index
        if touchpoints:
            from netkit import notes as notes_mod
            from netkit.index import ContactIndex

            contacts = tuple(notes_mod.with_note_touchpoints(contacts, touchpoints))
            index = ContactIndex(contacts)
        return contacts, index

    if linked is not None:
        return Vault(contacts=linked[0], index=linked[1], **values)
    if "contacts" in vault.__dict__ and not touchpoints:
        return Vault(contacts=vault.contacts, index=vault.index, **values)
    return Vault._lazy(build, **values)


def _materialise(root: Path, state: LoadState) -> tuple[tuple[Contact, ...], ContactIndex]:
    """Decode every contact (in path order) and index them."""
    from netkit.index import ContactIndex

    with _GcPaused():
        contacts = []
        for rel, entry in state.entries.items():
            if entry.is_contact:
                contact = _decode(root, state, rel, entry)
                if contact is not None:
                    contacts.append(contact)
                    labels = entry.labels
                    if labels is not None and labels[1] is not contact.name and labels == cache_mod.labels_of(contact):
                        # the same names, as the contact's own strings: a worker's or the
                        # cache index's copies would double them in memory (~9 MB at 100,000)
                        entry.labels = (contact.stem, contact.name, contact.aliases)
        state.release()
        index = ContactIndex(contacts)
    return index.contacts, index


class _GcPaused:
    """Pause the cyclic garbage collector while a load makes its objects.

    A load makes hundreds of thousands of long-lived objects and no reference cycles;
    with the collector on, the growing young generations are traversed again and again
    (measured: decoding 10,000 contacts takes twice as long). Refcounting still frees
    everything; collection resumes afterwards as it was.
    """

    def __enter__(self) -> None:
        self.was_enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc: object) -> None:
        if self.was_enabled:
            gc.enable()


def assemble(root: Path, config: Config, contacts: list[Contact], diags: list[Diagnostic], *, files: int) -> Vault:
    """Build the index and the final, sorted diagnostics (for callers that parse themselves)."""
    from netkit.index import ContactIndex

    index = ContactIndex(sorted(contacts, key=lambda c: c.path))
    all_diags = list(diags) + index.duplicate_diagnostics()
    all_diags.sort(key=diag_mod.sort_key)
    return Vault(root, config, index.contacts, tuple(all_diags), index, files)

