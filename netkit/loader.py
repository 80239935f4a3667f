"""The only module that reads the vault: discovery, config, contact files (and the cache).

``load_vault`` returns a :class:`Vault` whose diagnostics hold every problem found in user
data; only an environment failure (no vault, unreadable config) raises :class:`VaultError`.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from netkit import config as config_mod
from netkit import contactfile
from netkit import diagnostics as diag_mod
from netkit.diagnostics import Diagnostic
from netkit.index import ContactIndex
from netkit.model import Config, Contact

ENV_VAR = "NETKIT_VAULT"
#: folders never scanned for contacts or notes
IGNORED_DIRS = frozenset({".git", ".obsidian", ".trash", ".netkit", "node_modules", ".venv"})


class VaultError(Exception):
    """An environment problem: no vault, unreadable config. Exit code 2."""


@dataclasses.dataclass(frozen=True)
class Vault:
    """A loaded vault: settings, valid contacts and every diagnostic."""

    root: Path
    config: Config
    contacts: tuple[Contact, ...]
    diagnostics: tuple[Diagnostic, ...]
    index: ContactIndex
    #: number of contact files found (valid or not)
    files: int = 0

    @property
    def errors(self) -> list[Diagnostic]:
        """Diagnostics of severity error."""
        return [d for d in self.diagnostics if d.is_error]

    @property
    def warnings(self) -> list[Diagnostic]:
        """Diagnostics of severity warning."""
        return [d for d in self.diagnostics if not d.is_error]


def find_root(explicit: str | os.PathLike[str] | None, cwd: Path | None = None) -> Path:
    """``--vault DIR``, else ``$NETKIT_VAULT``, else the nearest folder upward with netkit.yaml."""
    if explicit:
        root = Path(explicit).expanduser()
        if not (root / config_mod.CONFIG_NAME).is_file():
            raise VaultError(f"{root} is not a netkit vault (no {config_mod.CONFIG_NAME}); create one with `netkit init {root}`")
        return root.resolve()
    env = os.environ.get(ENV_VAR)
    if env:
        root = Path(env).expanduser()
        if not (root / config_mod.CONFIG_NAME).is_file():
            raise VaultError(f"${ENV_VAR}={env} is not a netkit vault (no {config_mod.CONFIG_NAME})")
        return root.resolve()
    here = (cwd or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / config_mod.CONFIG_NAME).is_file():
            return folder
    raise VaultError(
        f"no netkit vault here: no {config_mod.CONFIG_NAME} in {here} or any folder above it; "
        "pass --vault DIR, set $NETKIT_VAULT, or create one with `netkit init DIR`"
    )


def read_config(root: Path) -> tuple[Config, list[Diagnostic]]:
    """Load ``netkit.yaml``; an unreadable file is an environment error."""
    try:
        return config_mod.load_config(root)
    except OSError as exc:
        raise VaultError(f"cannot read {root / config_mod.CONFIG_NAME}: {exc.strerror or exc}") from exc


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
    diags: list[Diagnostic] = []
    found: set[str] = set()
    root_real = os.path.realpath(root)
    pages = config.pages.strip("/")
    for folder in config.contacts:
        base = root / folder
        if not base.is_dir():
            diags.append(diag_mod.make(config_mod.CONFIG_NAME, 1, 1, "config.missing-folder",
                                       f"the contacts folder `{folder}` does not exist",
                                       severity="warning", hint=f"create it (`mkdir {folder}`) or fix `contacts:` in netkit.yaml"))
            continue
        for rel in _walk(base, root, root_real, diags):
            if pages and (rel == pages or rel.startswith(pages + "/")):
                continue
            found.add(rel)
    return sorted(found), diags


def _walk(base: Path, root: Path, root_real: str, diags: list[Diagnostic]) -> Iterator[str]:
    # os.walk without following links cannot loop; linked files are checked one by one
    for dirpath, dirnames, filenames in os.walk(base, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if d not in IGNORED_DIRS and not d.startswith("."))
        for name in filenames:
            if not name.lower().endswith(".md") or is_ignored_name(name):
                continue
            full = os.path.join(dirpath, name)
            rel = os.path.relpath(full, root).replace(os.sep, "/")
            if os.path.islink(full):
                target = os.path.realpath(full)
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
            yield rel


def read_file(root: Path, rel: str) -> tuple[bytes | None, Diagnostic | None]:
    """Read one file's bytes; an unreadable file is a diagnostic, not a crash."""
    try:
        with open(root / rel, "rb") as fh:
            return fh.read(contactfile.MAX_FILE_BYTES + 1), None
    except OSError as exc:
        return None, diag_mod.make(rel, 1, 1, "file.unreadable", f"cannot read the file: {exc.strerror or exc}",
                                   hint="check the file's permissions")


def parse_files(
    root: Path, rels: list[str], config: Config, progress: Callable[[int], None] | None = None
) -> tuple[list[Contact], list[Diagnostic]]:
    """Read and parse contact files in order (no cache)."""
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


def load_vault(
    root: Path,
    *,
    use_cache: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> Vault:
    """Load the whole vault. ``progress(done, total)`` is called as files are parsed."""
    config, diags = read_config(root)
    rels, discover_diags = discover(root, config)
    diags.extend(discover_diags)
    total = len(rels)
    contacts, file_diags = parse_files(root, rels, config, (lambda n: progress(n, total)) if progress else None)
    diags.extend(file_diags)
    return assemble(root, config, contacts, diags, files=total)


def assemble(root: Path, config: Config, contacts: list[Contact], diags: list[Diagnostic], *, files: int) -> Vault:
    """Build the index and the final, sorted diagnostics."""
    index = ContactIndex(sorted(contacts, key=lambda c: c.path))
    all_diags = list(diags) + index.duplicate_diagnostics()
    all_diags.sort(key=diag_mod.sort_key)
    return Vault(root, config, index.contacts, tuple(all_diags), index, files)
