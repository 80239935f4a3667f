"""Remembered index runs: skip computing and rendering pages that would come out the same.

``netkit index`` records in ``.netkit/cache/pages.json`` what its pages were rendered from
(the *key*: every contact file's content hash, the cross-file layer, ``netkit.yaml``,
``--today``, the template overrides, netkit's own code and the pages folder) and the stat
of every page it left. A later run with the same key whose pages are exactly as they were
written skips computing and rendering: the pages would come out byte-identical.

Deliberately light (no Jinja2, no page code): ``netkit index`` with nothing to do checks
the record without importing the renderer at all (:func:`quick_skip`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from netkit.loader import Vault

#: where a remembered run is recorded (inside the cache folder: deleting the cache forgets it)
MEMORY_FILE = ".netkit/cache/pages.json"
#: bump when what goes into the key changes meaning
_MEMORY_VERSION = 2

_code_fingerprint_value: bytes | None = None


def code_fingerprint() -> bytes:
    """Identity of netkit's code and built-in templates (name, size and mtime of each file):
    pages rendered by other code must be rendered again. Computed once per process."""
    global _code_fingerprint_value
    if _code_fingerprint_value is None:
        package = Path(__file__).resolve().parent
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


def templates_fingerprint(root: Path) -> str:
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
class Memory:
    """The record of a run: the key of its inputs and the stat of the pages it left."""

    path: Path
    folder: Path
    key: str

    @classmethod
    def for_vault(cls, vault: Vault, today: dt.date, folder: Path) -> Memory | None:
        """None when the vault does not say what its files held (no load state)."""
        state = vault.state
        state_key = getattr(state, "key", None)
        contents = getattr(state, "contents_digest", None)
        if contents is None or not isinstance(state_key, bytes):
            return None
        h = hashlib.sha256()
        h.update(f"{_MEMORY_VERSION}\0{today.isoformat()}\0{folder}\0{vault.root}\0".encode())
        h.update(code_fingerprint())
        h.update(state_key)  # netkit.yaml's bytes and the loader's code
        h.update(contents())  # every file's path and content hash
        # everything else the pages show that is not in the files' hashes: the vault's
        # problems (unreadable files, duplicate names, links), the dated notes, the count
        # of files, and the template overrides
        h.update(repr((vault.files, vault.diagnostics, getattr(vault, "notes", ()))).encode())
        h.update(templates_fingerprint(vault.root).encode("utf-8", "surrogateescape"))
        return cls(vault.root / MEMORY_FILE, folder, h.hexdigest())

    def _load(self) -> dict[str, Any] | None:
        try:
            data = json.loads(self.path.read_bytes())
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def still_valid(self, names: Sequence[str] | None = None) -> bool:
        """True when the recorded run had these inputs and its pages are untouched.

        ``names``: the pages this code renders (None: whatever the record lists, which is
        the same for the same code: netkit's code is part of the key).
        """
        data = self._load()
        if data is None or data.get("key") != self.key or data.get("folder") != str(self.folder):
            return False
        recorded = data.get("pages")
        if not isinstance(recorded, dict) or not recorded:
            return False
        if names is not None and set(recorded) != set(names):
            return False
        return all(_page_stat(self.folder / name) == recorded[name] for name in recorded)

    def page_names(self) -> list[str]:
        """The pages of the recorded run, in page order."""
        data = self._load() or {}
        recorded = data.get("pages")
        order = data.get("order")
        if isinstance(order, list) and isinstance(recorded, dict) and set(order) == set(recorded):
            return [str(name) for name in order]
        return sorted(recorded) if isinstance(recorded, dict) else []

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
        data = json.dumps({"key": self.key, "folder": str(self.folder), "pages": stats, "order": names},
                          sort_keys=True).encode()
        if self._load() == json.loads(data):
            return
        # imported here: a run with nothing to do never writes, and fileio is slow to import
        from netkit import fileio

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


def recorded_folder(root: Path) -> Path | None:
    """The pages folder the last remembered run wrote to, if it is still a folder inside
    the vault (as :func:`netkit.pages.pages_folder` would accept it)."""
    try:
        data = json.loads((root / MEMORY_FILE).read_bytes())
    except (OSError, ValueError):
        return None
    folder = data.get("folder") if isinstance(data, dict) else None
    if not isinstance(folder, str):
        return None
    root_real = os.path.realpath(root)
    real = os.path.realpath(folder)
    if real != root_real and not real.startswith(root_real + os.sep):
        return None
    return Path(folder)


def quick_skip(vault: Vault, today: dt.date) -> list[Path] | None:
    """The pages (absolute paths, in page order) when an index run of ``vault`` as of
    ``today`` would change nothing, else None; imports nothing of the page code."""
    folder = recorded_folder(vault.root)
    if folder is None:  # the key holds the folder and netkit.yaml: another one cannot match
        return None
    memo = Memory.for_vault(vault, today, folder)
    if memo is None or not memo.still_valid():
        return None
    return [folder / name for name in memo.page_names()]
