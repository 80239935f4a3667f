"""Look contacts up by name, alias or file stem — case- and accent-insensitive. Pure."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from netkit import diagnostics as diag_mod
from netkit.diagnostics import Diagnostic
from netkit.model import Contact


def normalise(text: str) -> str:
    """Fold case, accents and whitespace: ``"José  Álvarez"`` → ``"jose alvarez"``."""
    # memoised: every load folds each name, stem and path several times (the index, the
    # link resolver, every link that names someone)
    folded = _FOLDED.get(text)
    if folded is None:
        folded = _fold(text)
        if len(_FOLDED) < _FOLDED_LIMIT:
            _FOLDED[text] = folded
    return folded


_FOLDED: dict[str, str] = {}
#: enough for the names and links of a large vault's most-linked people; a memo of every
#: path and name of a 100,000-person vault would hold ~65 MB for little gain
_FOLDED_LIMIT = 50_000


def _fold(text: str) -> str:
    if text.isascii():
        # the common case, ~20x faster: ASCII has nothing to decompose, and its casefold
        # is its lower case
        return " ".join(text.lower().split())
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


def link_target(value: str) -> str:
    """The target of a wikilink: ``[[contacts/ada|Ada]]`` → ``contacts/ada``; plain text as is."""
    v = value.strip()
    if v.startswith("[[") and v.endswith("]]"):
        v = v[2:-2]
    v = v.split("|", 1)[0].split("#", 1)[0].strip()
    if v.lower().endswith(".md"):
        v = v[:-3]
    return v


class ContactIndex:
    """Lookup tables over a set of contacts."""

    def __init__(self, contacts: Iterable[Contact]) -> None:
        self.contacts: tuple[Contact, ...] = tuple(contacts)
        self._by_key: dict[str, list[Contact]] = {}
        self._by_path: dict[str, Contact] = {}
        for c in self.contacts:
            self._by_path[c.path] = c
            keys = {normalise(c.name), normalise(c.stem), normalise(c.path[:-3] if c.path.endswith(".md") else c.path)}
            keys.update(normalise(a) for a in c.aliases)
            for k in keys:
                if k:
                    self._by_key.setdefault(k, []).append(c)

    def by_path(self, path: str) -> Contact | None:
        """The contact at a vault-relative path."""
        return self._by_path.get(path)

    def exact(self, query: str) -> list[Contact]:
        """Contacts whose name, alias, stem or path equals ``query`` (normalised)."""
        return list(self._by_key.get(normalise(link_target(query)), []))

    def find(self, query: str) -> list[Contact]:
        """Exact matches if any; else contacts whose name or alias starts with, then contains,
        the query (see :func:`find_paths`). More than one result means the query is ambiguous."""
        paths = find_paths(((c.path, c.stem, c.name, c.aliases) for c in self.contacts), query)
        return [self._by_path[path] for path in paths]

    def duplicate_diagnostics(self) -> list[Diagnostic]:
        """Warnings for names or aliases shared by more than one contact."""
        out: list[Diagnostic] = []
        reported: set[tuple[str, str]] = set()
        for c in self.contacts:
            for label in (c.name, *c.aliases):
                key = normalise(label)
                others = [o for o in self._by_key.get(key, []) if o.path != c.path]
                if not others:
                    continue
                pair = (c.path, key)
                if pair in reported:
                    continue
                reported.add(pair)
                out.append(diag_mod.make(
                    c.path, 1, 1, "index.duplicate-name",
                    f"`{label}` also names {', '.join(sorted(o.path for o in others))}",
                    severity="warning",
                    hint="give each person a distinct name or alias, or merge the files (`netkit dedupe`)",
                ))
        return out


#: what a lookup reads of a contact: (path, file stem, name, aliases)
Names = tuple[str, str, str, tuple[str, ...]]


def find_paths(contacts: Iterable[Names], query: str) -> list[str]:
    """The paths, sorted, of the contacts ``query`` names: those whose name, alias, file stem
    or path (without ``.md``) equals it, once case, accents and spacing are folded (a
    wikilink's target counts); if none, those with a name, stem or alias starting with it;
    if none, containing it.

    Reads names only, so a command can look one contact up in the cache's labels without
    decoding every contact (``netkit show``, ``netkit log``); :meth:`ContactIndex.find` is
    this same function over decoded contacts.
    """
    items = list(contacts)
    key = normalise(link_target(query))
    if key:
        exact = {path for path, stem, name, aliases in items
                 if key == normalise(name) or key == normalise(stem) or any(key == normalise(a) for a in aliases)
                 or key == normalise(path[:-3] if path.endswith(".md") else path)}
        if exact:
            return sorted(exact)
    q = normalise(query)
    if not q:
        return []
    starts = {path for path, stem, name, aliases in items
              if any(normalise(n).startswith(q) for n in (name, stem, *aliases))}
    if starts:
        return sorted(starts)
    return sorted({path for path, stem, name, aliases in items if any(q in normalise(n) for n in (name, stem, *aliases))})
