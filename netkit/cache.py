"""The persistent index cache in ``.netkit/cache/``: what the loader knew about every file.

:mod:`netkit.loader` decides *when* a cached result may be used; this module owns the
files, the fingerprints and the (de)serialisation.

Files
-----
``contacts.cache`` — the index, replaced atomically (temp file + rename) by every write::

    MAGIC | key length, index length, index crc32 | key | index

* **key** — the cache format version, the netkit and Python versions, the identity (size
  and mtime) of every module that shapes a parse result and of PyYAML (an upgrade or a
  local code change never serves stale results), and the raw bytes of ``netkit.yaml``
  (tiers, fields and the log heading change how every contact parses). Compared byte for
  byte: another key means the whole cache is ignored.
* **index** — a pickle of columns (one list per field: far faster to decode and check
  than one tuple per file): the scan time, the parsed config, and per file its
  fingerprint (size, mtime_ns, ctime_ns, inode, SHA-256 prefix of the content), its
  diagnostics, its name labels, and where its contact is stored. A warm load reads
  nothing else.

``blobs-<random>.bin`` — the contacts, append-only, as *segments*: a segment is a few
hundred contacts pickled one after the other with one shared pickle memo, so that the
values they share (dates, log field tuples, keys, class references) are written once and,
decoded, are shared again (half the memory and a third less time than one pickle per
contact). A segment is decoded whole, on first use, and checked against its crc32. A
write appends only the segments of changed files (a one-file change appends one small
segment) and points a new index at them; appending never changes bytes an older index
refers to, so a reader holding one stays valid. When less than half of the file is still
referred to, a write copies the live segments into a new file and deletes the old one.

Why pickle, and why it is safe here
-----------------------------------
A cache lives in the user's folder and may be damaged, truncated, left by another
version, or crafted: it must never crash netkit nor run code. ``marshal`` decodes faster
but is documented as unsafe on untrusted input (crafted data can crash the interpreter);
JSON is safe but cannot carry dates or the model's dataclasses without a Python-level
conversion pass that costs more than the decoding itself. Pickle is safe *when the
unpickler cannot reach arbitrary callables*: :class:`SafeUnpickler` resolves only the
dataclasses of :mod:`netkit.model`, :mod:`netkit.durations` and :mod:`netkit.diagnostics`
and the immutable :mod:`datetime` types, so all a cache can make netkit call is those
constructors. The index and every segment carry a crc32 (damage is detected before
decoding), the decoded index is checked for shape and types, and any failure means "no
cache" (or, for one segment, "parse those files again"). Dataclasses are pickled as
``(class, field values)`` and rebuilt by calling the class (see :func:`_reducer`), which is
also the fastest way to rebuild a frozen dataclass.

Racy files
----------
A file modified twice within the file system's timestamp granularity can keep its size
and mtime (git's "racily clean" problem). An entry whose mtime is within :data:`RACY_NS`
of the scan that produced it is therefore not trusted on stat alone: the loader re-hashes
the file (cheap) and compares the stored content hash. So it does when the inode or ctime
moved while mtime and size did not (a file replaced, an mtime set back by a tool).
"""

from __future__ import annotations

import copyreg
import dataclasses
import datetime as dt
import io
import operator
import os
import pickle
import re
import stat as stat_mod
import struct
import sys
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import netkit
from netkit import diagnostics as diagnostics_mod
from netkit import durations as durations_mod
from netkit import model as model_mod
from netkit.diagnostics import Diagnostic
from netkit.model import Config, Contact

#: bump when the layout of the index or of the segments changes
FORMAT_VERSION = 2
CACHE_FOLDER = ".netkit/cache"
CACHE_FILE = "contacts.cache"
MAGIC = b"netkit contact cache\n"
#: an entry whose mtime is this close to (or after) its scan time is re-hashed on use. 2 s
#: covers the coarsest common timestamp granularity (FAT); ext4/APFS/NTFS are far finer.
RACY_NS = 2_000_000_000
#: modules whose code shapes a cached result; their identity is part of the cache key
KEY_MODULES = (
    "cache", "config", "contactfile", "diagnostics", "document", "durations", "index",
    "loader", "logbook", "model", "schema", "yamlsource",
)
#: contacts per segment written by this process (workers write one segment per chunk)
SEGMENT_CONTACTS = 250
#: cache files larger than this are not read
MAX_CACHE_BYTES = 4 * 1024 * 1024 * 1024

#: (stem, name, aliases) of a valid contact: what duplicate-name detection looks at
Labels = tuple[str, str, tuple[str, ...]]


class CacheError(Exception):
    """The cache (or a segment of it) cannot be used; the caller falls back to parsing."""


# ----------------------------------------------------------------------------- entries


class Segment:
    """Contacts pickled back to back with one shared memo (see the module docstring).

    In memory (``data``, not written yet), in a blob file (``source``, ``offset``,
    ``length``, ``crc``), or both. Decoded whole on first use; :meth:`release` forgets
    the bytes and the decoded list once their contacts have been taken.
    """

    __slots__ = ("count", "crc", "data", "length", "offset", "source", "_decoded")

    def __init__(self, count: int, *, data: bytes | None = None, source: BlobSource | None = None,
                 offset: int = 0, length: int = 0, crc: int = 0) -> None:
        self.count = count
        self.data = data
        self.source = source
        self.offset = offset
        self.length = length
        self.crc = crc
        self._decoded: list[Contact] | None = None

    def contact(self, position: int) -> Contact:
        """The ``position``-th contact. Raises CacheError when the segment cannot be used."""
        if self._decoded is None:
            self._decoded = decode_segment(self.bytes(), self.count)
            self.data = None
        if not 0 <= position < len(self._decoded):
            raise CacheError("a cache entry points past its segment")
        return self._decoded[position]

    def bytes(self) -> bytes:
        """The encoded segment (read from its file if it is not in memory)."""
        if self.data is not None:
            return self.data
        if self.source is None:
            raise CacheError("a segment has neither bytes nor a file")
        data = self.source.read(self.offset, self.length)
        if zlib.crc32(data) != self.crc:
            raise CacheError("a cache segment is damaged")
        return data

    def release(self) -> None:
        """Forget the decoded contacts, and the bytes when the file has them."""
        self._decoded = None
        if self.source is not None:
            self.data = None


@dataclasses.dataclass(slots=True, eq=False)
class Entry:
    """What is known about one contact file: its fingerprint and its parse result.

    The parse result is ``contact`` (an object), or the ``position``-th contact of
    ``segment`` (encoded), or both; :meth:`get_contact` decodes on demand. Entries are
    shared between successive load states: replace them, never change their fingerprint.
    """

    size: int
    mtime_ns: int
    ctime_ns: int
    ino: int
    digest: bytes  # SHA-256 prefix of the file's bytes
    diagnostics: tuple[Diagnostic, ...]
    labels: Labels | None  # None when the file is not a valid contact
    contact: Contact | None = None
    segment: Segment | None = None
    position: int = 0

    @property
    def is_contact(self) -> bool:
        """True when the file parsed to a contact."""
        return self.labels is not None

    def get_contact(self) -> Contact | None:
        """The contact, decoded on first use. Raises CacheError when it cannot be decoded."""
        if self.contact is None and self.labels is not None:
            if self.segment is None:
                raise CacheError("an entry has neither a contact nor a segment")
            self.contact = self.segment.contact(self.position)
        return self.contact

    def with_stat(self, st: os.stat_result) -> Entry:
        """A copy with a new fingerprint (same content, e.g. after ``touch``)."""
        return dataclasses.replace(
            self, size=st.st_size, mtime_ns=st.st_mtime_ns, ctime_ns=st.st_ctime_ns, ino=st.st_ino
        )


#: the length of a content hash (:func:`content_digest`)
DIGEST_BYTES = 16


def content_digest(raw: bytes) -> bytes:
    """The content hash stored per file (SHA-256 is the fastest strong hash here: SHA-NI)."""
    import hashlib  # here, not at the top: a warm load with nothing changed never hashes

    return hashlib.sha256(raw).digest()[:DIGEST_BYTES]


def edited_positions(old: bytes, new: bytes) -> list[int] | None:
    """The positions whose content hash differs between two concatenations of the same
    files' hashes (:meth:`LoadState.digests`), or None when more than a quarter of them
    do: a record patched file by file then costs about what recomputing it does."""
    if old == new:
        return []
    if len(old) != len(new):
        return None
    size = DIGEST_BYTES
    edited = [i for i in range(len(new) // size) if old[i * size:(i + 1) * size] != new[i * size:(i + 1) * size]]
    return edited if len(edited) * 4 <= len(new) // size else None


def labels_of(contact: Contact | None) -> Labels | None:
    """The name labels of a contact (None for no contact)."""
    if contact is None:
        return None
    return (contact.stem, contact.name, tuple(contact.aliases))


@dataclasses.dataclass(eq=False)
class LoadState:
    """Everything a load learned, reusable by the next load (in memory or via the cache).

    ``scan_ns`` is the wall-clock time taken *before* the files were examined; an entry is
    trusted on its stat only when its mtime is older than ``scan_ns - RACY_NS``.
    """

    key: bytes
    scan_ns: int
    config: Config
    config_diagnostics: tuple[Diagnostic, ...]
    entries: dict[str, Entry]
    #: the vault-wide duplicate-name warnings, valid for exactly these entries' labels
    duplicates: tuple[Diagnostic, ...] | None = None
    #: True when the cache on disk holds all this state knows (a write would change nothing)
    persisted: bool = False
    #: the blob file the entries' segments were last written to or read from
    blobs: BlobSource | None = None
    #: what the scan itself reported (missing folders, links), and the contact paths that
    #: could not be read: kept in memory (not in the cache file) so that a load told which
    #: paths changed (``only=``) can answer without walking the folders again
    scan_diagnostics: tuple[Diagnostic, ...] | None = None
    unreadable: tuple[str, ...] = ()
    _contents: bytes | None = dataclasses.field(default=None, repr=False)

    def digests(self, rels: Iterable[str]) -> bytes:
        """The content hashes of the files at ``rels``, concatenated in that order."""
        entries = self.entries
        return b"".join(entries[rel].digest for rel in rels)

    def contact_names(self) -> list[tuple[str, str, str, tuple[str, ...]]]:
        """(path, file stem, name, aliases) of every valid contact, in path order, without
        decoding one (what lookups and link resolution read)."""
        return [(rel, *entry.labels) for rel, entry in self.entries.items() if entry.labels is not None]

    def contents_digest(self) -> bytes:
        """SHA-256 of every file's path and content hash: what the derived records (the
        link layer, the remembered pages) are keyed by. Computed once per state."""
        if self._contents is None:
            import hashlib

            h = hashlib.sha256("\0".join(self.entries).encode("utf-8", "surrogateescape"))
            h.update(b"".join(e.digest for e in self.entries.values()))
            self._contents = h.digest()
        return self._contents

    def release(self) -> None:
        """Forget encoded contacts whose objects are decoded (memory; the file keeps them)."""
        for entry in self.entries.values():
            if entry.segment is not None:
                entry.segment.release()


# ----------------------------------------------------------------------------- the key


_SOURCE_FINGERPRINT: bytes | None = None


def _source_fingerprint() -> bytes:
    """Identity of the code that shapes a parse result (computed once per process).

    Size and mtime of each module in KEY_MODULES and of PyYAML's files (which decide how
    front matter parses, and with libyaml or not, how errors read), as Python's own
    bytecode cache does: editing, upgrading or checking out other code changes them. Only
    stat calls, and PyYAML is located without being imported: a warm load never needs it.
    """
    global _SOURCE_FINGERPRINT
    if _SOURCE_FINGERPRINT is None:
        import importlib.machinery

        parts: list[str] = []
        package_dir = os.path.dirname(netkit.__file__)
        files = [(name, os.path.join(package_dir, f"{name}.py")) for name in KEY_MODULES]
        try:
            spec = importlib.machinery.PathFinder.find_spec("yaml")
            if spec is not None and spec.origin:
                folder = os.path.dirname(spec.origin)
                files += [(f"yaml/{name}", os.path.join(folder, name)) for name in sorted(os.listdir(folder))
                          if name.endswith((".py", ".so", ".pyd"))]
        except (ImportError, OSError, ValueError):
            parts.append("yaml?")
        for name, path in files:
            try:
                st = os.stat(path)
                parts.append(f"{name}|{st.st_size}|{st.st_mtime_ns}")
            except OSError:
                parts.append(f"{name}|?")  # no source (zipapp, frozen): the versions still count
        _SOURCE_FINGERPRINT = "\n".join(parts).encode()
    return _SOURCE_FINGERPRINT


def cache_key(config_raw: bytes) -> bytes:
    """The key a cache must carry to be used with this netkit and this ``netkit.yaml``.

    Not a hash: the parts themselves, length-prefixed (``netkit.yaml`` is small), so that
    comparing keys needs no hashing library on the warm path.
    """
    parts = [
        f"netkit-cache {FORMAT_VERSION}|{netkit.__version__}|{sys.version}|{sys.implementation.name}".encode(),
        _source_fingerprint(),
        config_raw,
    ]
    return b"".join(struct.pack("<Q", len(part)) + part for part in parts)


# ----------------------------------------------------------------------------- pickling


def _model_classes() -> list[type]:
    classes: list[type] = []
    for module in (model_mod, durations_mod, diagnostics_mod):
        for value in vars(module).values():
            if isinstance(value, type) and dataclasses.is_dataclass(value) and value.__module__ == module.__name__:
                classes.append(value)
    return classes


def _reducer(cls: type) -> Callable[[Any], tuple[Any, ...]] | None:
    """``obj -> (cls, field values)``: rebuilt by calling ``cls(*values)``.

    Cheaper both ways than the default pickling of a frozen slots dataclass (a Python-level
    ``__getstate__``/``__setstate__`` per object). None for a class with non-init fields,
    which then pickles the default way (and a cache holding one is refused on load, which
    the round-trip tests would show).
    """
    fields = dataclasses.fields(cls)
    if any(not f.init for f in fields):
        return None
    names = [f.name for f in fields]
    if len(names) == 1:
        (only,) = names
        return lambda obj: (cls, (getattr(obj, only),))
    getter = operator.attrgetter(*names)
    return lambda obj: (cls, getter(obj))


_DISPATCH: dict[type, Any] = dict(copyreg.dispatch_table)
_ALLOWED: dict[tuple[str, str], Any] = {
    ("datetime", name): getattr(dt, name) for name in ("date", "datetime", "time", "timedelta", "timezone")
}
for _cls in _model_classes():
    _reduce = _reducer(_cls)
    if _reduce is not None:
        _DISPATCH[_cls] = _reduce
        _ALLOWED[(_cls.__module__, _cls.__qualname__)] = _cls


def _new_log_entry(values: tuple[Any, ...]) -> model_mod.LogEntry:
    """Rebuild a LogEntry from its values (the named tuple's constructor, in C)."""
    return tuple.__new__(model_mod.LogEntry, values)


# LogEntry is a named tuple, not a dataclass: pickled as its values, rebuilt by the one
# function above (its own ``__new__`` is a Python function: slower, and not needed)
_DISPATCH[model_mod.LogEntry] = lambda entry: (_new_log_entry, (tuple(entry),))
_ALLOWED[(__name__, "_new_log_entry")] = _new_log_entry
_ALLOWED[(model_mod.__name__, "LogEntry")] = model_mod.LogEntry


class SafeUnpickler(pickle.Unpickler):
    """An unpickler that can build only netkit's model dataclasses and datetime values."""

    def find_class(self, module: str, name: str) -> Any:
        """Refuse every global but the allowed classes (no code can run from a cache)."""
        try:
            return _ALLOWED[(module, name)]
        except KeyError:
            if (module, name) in _LATE_CLASSES:
                # a fixed list of netkit's own classes whose modules are heavy to import:
                # imported when a record refers to them (importing one registers it)
                __import__(module)
                if (module, name) in _ALLOWED:
                    return _ALLOWED[(module, name)]
            raise pickle.UnpicklingError(f"the cache refers to {module}.{name}, which is not allowed") from None

    def persistent_load(self, pid: Any) -> Any:
        """Persistent ids are never written; refuse them."""
        raise pickle.UnpicklingError("persistent ids are not allowed in the cache")


def _pickler(file: Any) -> pickle.Pickler:
    pickler = pickle.Pickler(file, protocol=5)
    pickler.dispatch_table = _DISPATCH
    return pickler


def safe_loads(data: bytes) -> Any:
    """Unpickle one object with :class:`SafeUnpickler`; any failure is :class:`CacheError`."""
    try:
        return SafeUnpickler(io.BytesIO(data)).load()
    except Exception as exc:  # noqa: BLE001 - bad data can raise almost anything
        raise CacheError(f"undecodable cache data ({type(exc).__name__}: {exc})") from exc


def encode_segment(contacts: Iterable[Contact]) -> bytes:
    """Contacts pickled back to back with one memo (one ``load()`` each to read them)."""
    buffer = io.BytesIO()
    pickler = _pickler(buffer)
    for contact in contacts:
        pickler.dump(contact)
    return buffer.getvalue()


def decode_segment(data: bytes, count: int) -> list[Contact]:
    """Inverse of :func:`encode_segment`; CacheError unless it holds ``count`` contacts."""
    try:
        unpickler = SafeUnpickler(io.BytesIO(data))
        contacts = [unpickler.load() for _ in range(count)]
    except Exception as exc:  # noqa: BLE001 - bad data can raise almost anything
        raise CacheError(f"undecodable cache segment ({type(exc).__name__}: {exc})") from exc
    if any(type(c) is not Contact for c in contacts):
        raise CacheError("a cache segment holds something else than contacts")
    return contacts


# ----------------------------------------------------------------------------- the files

_HEADER = struct.Struct("<IQI")  # key length, index length, index crc32
_HEADER_END = len(MAGIC) + _HEADER.size
_NONE_TYPE = type(None)
_BLOB_FILE = re.compile(r"blobs-[0-9a-f]{16}\.bin")
#: compact the blob file when live segments would fill less than this share of it
_MIN_LIVE_SHARE = 0.5
#: blob files no index refers to (a crash, a lost race, a cache gone stale) are deleted by
#: the next write once they are this old: younger ones may be another netkit's, mid-write
_ORPHAN_AGE_NS = 10 * 10**9


def cache_path(root: Path) -> Path:
    """Where the cache index of the vault at ``root`` lives."""
    return root / CACHE_FOLDER / CACHE_FILE


class BlobSource:
    """One blob file, read a segment at a time. Holds no file open (it stays replaceable)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @property
    def name(self) -> str:
        """The file name (``blobs-<random>.bin``)."""
        return self.path.name

    def read(self, offset: int, length: int) -> bytes:
        """``length`` bytes at ``offset``; CacheError when the file is gone or too short."""
        try:
            with _open(self.path) as fh:
                fh.seek(offset)
                data: bytes = fh.read(length)
        except OSError as exc:
            raise CacheError(f"cannot read the cache: {exc.strerror or exc}") from exc
        if len(data) != length:
            raise CacheError("the blob file is truncated")
        return data


def _open(path: Path, flags: int = os.O_RDONLY) -> Any:
    # O_NOFOLLOW: a cache file that is a link (to /dev/zero, out of the vault) is refused;
    # O_NONBLOCK: a FIFO in its place does not hang the open (it is then refused as such)
    extra = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
    fd = os.open(path, flags | extra)
    fh = os.fdopen(fd, "rb" if flags == os.O_RDONLY else "ab")
    if not stat_mod.S_ISREG(os.fstat(fd).st_mode):
        fh.close()
        raise OSError(0, "not a regular file")
    return fh


def read(root: Path, key: bytes) -> tuple[LoadState | None, str]:
    """The cached state, or None and why not ("absent", "stale: ...", "corrupt: ...")."""
    path = cache_path(root)
    try:
        fh = _open(path)
    except FileNotFoundError:
        return None, "absent"
    except OSError as exc:
        return None, f"corrupt: {exc.strerror or exc}"
    try:
        with fh:
            size = os.fstat(fh.fileno()).st_size
            head = fh.read(_HEADER_END)
            if len(head) < _HEADER_END or not head.startswith(MAGIC):
                return None, "corrupt: not a netkit cache"
            key_length, index_length, crc = _HEADER.unpack_from(head, len(MAGIC))
            if key_length != len(key) or fh.read(key_length) != key:
                return None, "stale: made by another netkit version or another netkit.yaml"
            if _HEADER_END + key_length + index_length != size:
                return None, "corrupt: truncated or padded"
            index = fh.read(index_length)
    except OSError as exc:
        return None, f"unreadable: {exc.strerror or exc}"
    if len(index) != index_length:
        return None, "corrupt: truncated"
    if zlib.crc32(index) != crc:
        return None, "corrupt: checksum mismatch"
    try:
        state = _state_from_index(key, safe_loads(index), path.parent)
    except CacheError as exc:
        return None, f"corrupt: {exc}"
    return state, "ok"


def _all_of(values: Any, *types: type) -> bool:
    """``values`` is a list whose items are all of exactly these types (checked in C)."""
    return type(values) is list and set(map(type, values)) <= set(types)


def _state_from_index(key: bytes, index: Any, folder: Path) -> LoadState:
    """Check the decoded index's shape and types (a crafted cache must not crash netkit)."""
    if type(index) is not tuple or len(index) != 19 or index[0] != FORMAT_VERSION:
        raise CacheError("unexpected layout")
    (_, scan_ns, config, config_diags, duplicates, blob_file, segments, rels, sizes, mtimes, ctimes, inos,
     digests, diags, stems, names, aliases, places, count) = index
    if type(scan_ns) is not int or type(config) is not Config or type(count) is not int:
        raise CacheError("unexpected header values")
    _check_diagnostics(config_diags)
    if duplicates is not None:
        _check_diagnostics(duplicates)
    columns = (rels, sizes, mtimes, ctimes, inos, stems, names, aliases, places)
    if any(type(c) is not list or len(c) != count for c in columns):
        raise CacheError("unexpected columns")
    if not (
        _all_of(rels, str) and _all_of(sizes, int) and _all_of(mtimes, int) and _all_of(ctimes, int)
        and _all_of(inos, int) and type(digests) is bytes and len(digests) == DIGEST_BYTES * count
        and _all_of(stems, str, _NONE_TYPE) and _all_of(names, str, _NONE_TYPE) and _all_of(aliases, tuple)
        and _all_of([a for group in aliases for a in group], str)
        and _all_of(places, int) and _all_of(segments, tuple)
        and all(len(s) == 4 for s in segments) and _all_of([n for s in segments for n in s], int)
        and type(diags) is dict and _all_of(list(diags), int)
    ):
        raise CacheError("unexpected column values")
    for value in diags.values():
        _check_diagnostics(value)
    source: BlobSource | None = None
    if blob_file is not None:
        if type(blob_file) is not str or not _BLOB_FILE.fullmatch(blob_file):
            raise CacheError("unexpected blob file name")
        source = BlobSource(folder / blob_file)
        try:
            st = os.lstat(source.path)
        except OSError as exc:
            raise CacheError(f"the blob file is missing ({exc.strerror or exc})") from None
        end = max((offset + length for offset, length, _, _ in segments), default=0)
        if not stat_mod.S_ISREG(st.st_mode) or st.st_size < end:
            raise CacheError("the blob file is truncated")
    elif segments:
        raise CacheError("segments without a blob file")
    table = [Segment(n, source=source, offset=offset, length=length, crc=crc)
             for offset, length, crc, n in segments]
    # places: -1 for a file that is no contact, else segment * 2**20 + position
    labels: list[Labels | None] = []
    entry_segments: list[Segment | None] = []
    positions: list[int] = []
    for stem, name, group, place in zip(stems, names, aliases, places, strict=True):
        if place < 0:
            if stem is not None or name is not None:
                raise CacheError("a contact without a segment")
            labels.append(None)
            entry_segments.append(None)
            positions.append(0)
            continue
        number, position = divmod(place, 1 << 20)
        if stem is None or name is None or number >= len(table) or position >= table[number].count:
            raise CacheError("unexpected segment reference")
        labels.append((stem, name, group))
        entry_segments.append(table[number])
        positions.append(position)
    digest_list = [digests[i:i + DIGEST_BYTES] for i in range(0, DIGEST_BYTES * count, DIGEST_BYTES)]
    diag_list = [diags.get(i, ()) for i in range(count)]
    entries = dict(zip(rels, map(
        Entry, sizes, mtimes, ctimes, inos, digest_list, diag_list, labels,
        [None] * count, entry_segments, positions,
    ), strict=True))
    return LoadState(key, scan_ns, config, config_diags, entries, duplicates, persisted=True, blobs=source)


def _check_diagnostics(value: Any) -> None:
    if type(value) is not tuple or not all(type(d) is Diagnostic for d in value):
        raise CacheError("unexpected diagnostics")


def prepare_folder(root: Path) -> str | None:
    """Create ``.netkit/cache`` (with its .gitignore) if needed; a reason it cannot be used
    (a link out of the vault) or None. Raises OSError when it cannot be created."""
    folder = root / CACHE_FOLDER
    created = not folder.is_dir()
    folder.mkdir(parents=True, exist_ok=True)
    # never write through a link that leads out of the vault
    real_root = os.path.realpath(root)
    if os.path.commonpath([real_root, os.path.realpath(folder)]) != real_root:
        return f"{CACHE_FOLDER} leads outside the vault; the cache was not written"
    if created:
        (folder / ".gitignore").write_text("# written by netkit: the index cache is never committed\n*\n",
                                           encoding="utf-8")
    return None


def write(root: Path, state: LoadState) -> str | None:
    """Write the cache: append new segments, then replace the index atomically.

    Returns a warning instead of raising: a cache that cannot be written costs speed only.
    """
    folder = root / CACHE_FOLDER
    try:
        problem = prepare_folder(root)
        if problem:
            return problem
        source, compacted, replaced = _write_segments(folder, state)
        try:
            _write_index(folder, state, source)
        except BaseException:
            if compacted and source is not None:
                _unlink(source.path)  # a new blob file no index will ever refer to
            raise
        _remove_old_blob_files(folder, keep=source.name if source is not None else None,
                               old=replaced if compacted else None)
    except (OSError, CacheError) as exc:
        reason = exc.strerror or exc if isinstance(exc, OSError) else exc
        return f"cannot write the cache in {CACHE_FOLDER}: {reason}"
    state.persisted = True
    state.blobs = source
    return None


def _write_segments(folder: Path, state: LoadState) -> tuple[BlobSource | None, bool, BlobSource | None]:
    """Put every contact in a segment of one blob file: append, or compact into a new one.

    Afterwards every contact entry's segment is located in the returned file. Returns
    that file, whether it is new (a compaction), and the file it replaces.
    """
    contacts = [e for e in state.entries.values() if e.labels is not None]
    if not contacts:
        return None, False, None
    current = state.blobs if state.blobs is not None and state.blobs.path.parent == folder else None
    live: dict[int, Segment] = {}  # segments already in the current file, by identity
    pending: dict[int, Segment] = {}  # segments in memory or in another file
    members: dict[int, list[Entry]] = {}
    loose: list[Entry] = []  # contacts in no segment yet
    for entry in contacts:
        segment = entry.segment
        if segment is None:
            loose.append(entry)
        elif current is not None and segment.source is current:
            live[id(segment)] = segment
        else:
            pending[id(segment)] = segment
            members.setdefault(id(segment), []).append(entry)
    for key, segment in list(pending.items()):
        try:
            segment.data = segment.bytes()  # read now: it may be in a file about to go
        except CacheError:
            # gone (another netkit compacted it away): encode its contacts again
            if any(e.contact is None for e in members[key]):
                raise
            del pending[key]
            for entry in members[key]:
                entry.segment = None
                loose.append(entry)
    size = 0
    if current is not None:
        try:
            st = os.lstat(current.path)
            size = st.st_size if stat_mod.S_ISREG(st.st_mode) else 0
        except OSError:
            size = 0
    live_bytes = sum(s.length for s in live.values())
    if current is not None and size and live_bytes >= _MIN_LIVE_SHARE * size:
        _append(current, list(pending.values()), loose, open_flags=os.O_WRONLY | os.O_APPEND)
        return current, False, None
    # compaction (or a first write): the live segments are copied, not re-encoded
    fd, path = _new_file(folder, "blobs-", ".bin")
    os.close(fd)
    target = BlobSource(Path(path))
    try:
        _append(target, [*live.values(), *pending.values()], loose, open_flags=os.O_WRONLY | os.O_APPEND)
    except BaseException:
        _unlink(path)
        raise
    return target, True, current


def _append(target: BlobSource, segments: list[Segment], loose: list[Entry], *, open_flags: int) -> None:
    """Append ``segments`` (as they are) and new segments of the ``loose`` contacts."""
    # encode first: nothing is written (or moved) when an old segment cannot be read
    blobs = [(segment, segment.bytes()) for segment in segments]
    for start in range(0, len(loose), SEGMENT_CONTACTS):
        batch = loose[start:start + SEGMENT_CONTACTS]
        segment = Segment(len(batch), data=encode_segment(e.contact for e in batch if e.contact is not None))
        for position, entry in enumerate(batch):
            entry.segment, entry.position = segment, position
        blobs.append((segment, segment.data or b""))
    with _open(target.path, open_flags) as fh:
        for segment, data in blobs:
            fh.write(data)
            fh.flush()
            # with O_APPEND the data lands at the end even if another netkit appended
            # meanwhile: where it landed is where the file position now is, minus it
            end = fh.tell()
            segment.source, segment.offset = target, end - len(data)
            segment.length, segment.crc = len(data), zlib.crc32(data)
            segment.data = None  # the file has it now (memory matters more than a re-read)


def _new_file(folder: Path, prefix: str, suffix: str) -> tuple[int, str]:
    """A new, exclusive file named ``prefix<16 hex>suffix``."""
    for _ in range(100):
        path = os.path.join(folder, f"{prefix}{os.urandom(8).hex()}{suffix}")
        try:
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0)
            return os.open(path, flags, 0o600), path
        except FileExistsError:
            continue
    raise OSError(17, "cannot create a unique cache file name")


def _unlink(path: str | Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _write_index(folder: Path, state: LoadState, source: BlobSource | None) -> None:
    index = _index_bytes(state, source)
    fd, tmp = _new_file(folder, ".contacts-", ".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(MAGIC + _HEADER.pack(len(state.key), len(index), zlib.crc32(index)) + state.key + index)
            # no fsync: a cache lost in a crash is rebuilt, and fsync would cost more than
            # the whole warm load; the rename still makes a reader see old or new, whole
        os.replace(tmp, folder / CACHE_FILE)
    except BaseException:
        _unlink(tmp)
        raise


def _index_bytes(state: LoadState, source: BlobSource | None) -> bytes:
    values = list(state.entries.values())
    numbers: dict[int, int] = {}
    segments: list[tuple[int, int, int, int]] = []
    places: list[int] = []
    for entry in values:
        segment = entry.segment
        if entry.labels is None or segment is None:
            places.append(-1)
            continue
        if segment.source is not source:
            raise CacheError("a segment is not in the blob file")
        number = numbers.get(id(segment))
        if number is None:
            number = numbers[id(segment)] = len(segments)
            segments.append((segment.offset, segment.length, segment.crc, segment.count))
        places.append(number * (1 << 20) + entry.position)
    labels = [e.labels for e in values]
    index = (
        FORMAT_VERSION, state.scan_ns, state.config, state.config_diagnostics, state.duplicates,
        source.name if source is not None else None, segments,
        list(state.entries), [e.size for e in values], [e.mtime_ns for e in values], [e.ctime_ns for e in values],
        [e.ino for e in values], b"".join(e.digest for e in values),
        {i: e.diagnostics for i, e in enumerate(values) if e.diagnostics},
        [None if lab is None else lab[0] for lab in labels], [None if lab is None else lab[1] for lab in labels],
        [() if lab is None else lab[2] for lab in labels], places, len(values),
    )
    buffer = io.BytesIO()
    _pickler(buffer).dump(index)
    return buffer.getvalue()


def _remove_old_blob_files(folder: Path, *, keep: str | None, old: BlobSource | None) -> None:
    """After a write: the blob file a compaction replaced, and orphans (see _ORPHAN_AGE_NS)."""
    import time

    if old is not None and old.name != keep:
        _unlink(old.path)
    now = time.time_ns()
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        if name != keep and (_BLOB_FILE.fullmatch(name) or (name.startswith(".contacts-") and name.endswith(".tmp"))):
            try:
                if now - os.lstat(folder / name).st_mtime_ns > _ORPHAN_AGE_NS:
                    _unlink(folder / name)
            except OSError:
                pass


# ----------------------------------------------------------------------------- records
#
# Small derived results kept next to the index (the cross-file link layer, the briefs the
# due list reads): one file each, ``RECORD_MAGIC | sha256(key) | crc32 | pickle``, written
# atomically and read through the same SafeUnpickler. A record answers only for the
# exact key it was written with; anything else (damage, another key) reads as None.

RECORD_MAGIC = b"netkit record 1\n"
#: classes outside the model that records may hold; their modules call :func:`allow_class`
_LATE_CLASSES = frozenset({("netkit.notes", "Note")})
_RECORD_HEADER = struct.Struct("<32sI")


def allow_class(cls: type) -> None:
    """Let records hold instances of ``cls`` (a frozen dataclass with init-only fields)."""
    reduce = _reducer(cls)
    if reduce is None:
        raise TypeError(f"{cls.__qualname__} cannot be stored in the cache")
    _DISPATCH[cls] = reduce
    _ALLOWED[(cls.__module__, cls.__qualname__)] = cls


def read_record(root: Path, name: str, key: bytes) -> Any:
    """The value stored under ``name`` for exactly ``key``, or None."""
    import hashlib

    try:
        with _open(root / CACHE_FOLDER / name) as fh:
            if os.fstat(fh.fileno()).st_size > MAX_CACHE_BYTES:
                return None
            data = fh.read()
    except OSError:
        return None
    start = len(RECORD_MAGIC) + _RECORD_HEADER.size
    if len(data) < start or not data.startswith(RECORD_MAGIC):
        return None
    digest, crc = _RECORD_HEADER.unpack_from(data, len(RECORD_MAGIC))
    body = memoryview(data)[start:]
    if digest != hashlib.sha256(key).digest() or zlib.crc32(body) != crc:
        return None
    try:
        return safe_loads(bytes(body))
    except CacheError:
        return None


def write_record(root: Path, name: str, key: bytes, value: Any) -> str | None:
    """Store ``value`` under ``name`` for ``key`` (atomically; the cache folder is made
    when missing, as :func:`prepare_folder` makes it); a warning instead of raising."""
    import hashlib

    folder = root / CACHE_FOLDER
    try:
        problem = prepare_folder(root)
        if problem:
            return problem
        buffer = io.BytesIO()
        _pickler(buffer).dump(value)
        body = buffer.getbuffer()  # no copy: a record can be tens of megabytes
        fd, tmp = _new_file(folder, ".contacts-", ".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(RECORD_MAGIC + _RECORD_HEADER.pack(hashlib.sha256(key).digest(), zlib.crc32(body)))
                fh.write(body)
            body.release()
            os.replace(tmp, folder / name)
        except BaseException:
            _unlink(tmp)
            raise
    except (OSError, pickle.PicklingError) as exc:
        return f"cannot write the cache in {CACHE_FOLDER}: {exc}"
    return None
