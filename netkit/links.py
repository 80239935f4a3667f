"""Resolve ``[[wikilinks]]`` to contacts, and report the ones that point at nobody. Pure.

A link resolves the way Obsidian resolves it, extended with netkit's names and aliases.
The candidates are tried in ranks, and the first rank with any match decides:

1. **path**: ``[[contacts/ada-lovelace]]`` — the file's vault path without ``.md``, or a
   ``/``-separated suffix of it (``[[work/ada]]`` matches ``people/work/ada.md`` but not
   ``people/home/ada.md``);
2. **file name**: ``[[ada-lovelace]]`` — the file name without ``.md`` (what Obsidian
   itself links to);
3. **name**: ``[[Ada Lovelace]]`` — the front-matter ``name``;
4. **alias**: ``[[Ada]]`` — one of the ``aliases``.

Comparison ignores case, accents and repeated spaces (:func:`netkit.index.normalise`).
One match in the deciding rank resolves the link; two or more make it *ambiguous*. Ranking
is why ``[[Ada]]`` goes to the file ``Ada.md`` even when someone else has the alias "Ada":
Obsidian opens the file, so netkit must too.

This module builds its own lookup tables from ``index.contacts``: a link is ranked (path,
file name, name, alias), which :meth:`netkit.index.ContactIndex.exact` (one table for
every label, for command-line queries) does not do. Every part of netkit that follows links
(touchpoints from notes, the relationship graph, these diagnostics) goes through
:class:`LinkResolver` so that they agree.
"""

from __future__ import annotations

import dataclasses
import posixpath
from collections.abc import Collection, Iterable, Mapping, Sequence

from netkit import diagnostics as diag_mod
from netkit.diagnostics import Diagnostic
from netkit.index import ContactIndex, link_target, normalise
from netkit.model import Contact, Link

#: the ranks, in the order they are tried (see the module docstring)
RANKS = ("path", "file name", "name", "alias")


@dataclasses.dataclass(frozen=True, slots=True)
class Resolution:
    """What one link points at.

    ``contact`` is set when exactly one contact matched; ``candidates`` holds every match of
    the deciding rank (two or more: the link is ambiguous; none: it points at nobody).
    """

    target: str  # the cleaned target, e.g. "contacts/ada" from "[[contacts/ada.md|Ada]]"
    contact: Contact | None
    candidates: tuple[Contact, ...]
    rank: str | None  # which of RANKS decided, None when nothing matched

    @property
    def ambiguous(self) -> bool:
        """Two or more contacts match equally well."""
        return len(self.candidates) > 1


def clean_target(value: str) -> str:
    """The link target without brackets, display text, heading, ``.md`` or table escapes.

    ``"[[Ada Lovelace|Ada]]"`` → ``"Ada Lovelace"``; ``"[[Ada\\|A]]"`` (a link inside a
    Markdown table, where ``|`` must be escaped) → ``"Ada"``; a bare name stays as it is.
    """
    target = link_target(value)
    # inside tables Obsidian writes [[Ada\|A]]: link_target leaves the escaping backslash
    return target.rstrip("\\").strip().strip("/")


def _strip_md(path: str) -> str:
    return path[:-3] if path.lower().endswith(".md") else path


class LinkResolver:
    """Lookup tables for resolving links against a fixed set of contacts.

    Build it once per load (O(contacts)); each :meth:`resolve` is a few dict lookups.
    """

    def __init__(self, contacts: Iterable[Contact]) -> None:
        self.contacts: tuple[Contact, ...] = tuple(sorted(contacts, key=lambda c: c.path))
        # every path suffix ("a/b/c", "b/c") -> contacts; the bare stem is rank 2, not here
        self._by_path: dict[str, list[Contact]] = {}
        self._by_stem: dict[str, list[Contact]] = {}
        self._by_name: dict[str, list[Contact]] = {}
        self._by_alias: dict[str, list[Contact]] = {}
        self._by_full_path: dict[str, list[Contact]] = {}
        for c in self.contacts:
            parts = [normalise(p) for p in _strip_md(c.path).split("/")]
            _add(self._by_full_path, "/".join(parts), c)
            for i in range(len(parts) - 1):
                _add(self._by_path, "/".join(parts[i:]), c)
            _add(self._by_stem, normalise(c.stem), c)
            _add(self._by_name, normalise(c.name), c)
            for alias in c.aliases:
                _add(self._by_alias, normalise(alias), c)

    @classmethod
    def for_index(cls, index: ContactIndex) -> LinkResolver:
        """A resolver over the contacts of ``index``."""
        return cls(index.contacts)

    def resolve(self, value: str, source: str | None = None) -> Resolution:
        """Resolve a link (``"[[Ada]]"``, ``"[[Ada|display]]"``) or a bare name.

        ``source`` is the vault path of the file the link is written in; it is needed only
        for relative links (``[[../ada-lovelace]]``, Obsidian's "relative path" format).
        """
        target = clean_target(value)
        key = normalise(target)
        if not key:
            return Resolution(target, None, (), None)
        if key.startswith(("./", "../")):
            # Obsidian's "relative path" link format: relative to the linking file's folder,
            # and then an exact path (no suffix matching)
            if source is None:
                return Resolution(target, None, (), None)
            joined = posixpath.normpath(posixpath.join(posixpath.dirname(normalise(source)), key))
            hits = self._by_full_path.get(joined, []) if not joined.startswith("..") else []
            return Resolution(target, hits[0] if len(hits) == 1 else None, tuple(hits), "path" if hits else None)
        if "/" in key:
            # a path link is only ever a path: "[[x/ada]]" must not fall back to "ada"
            key = "/".join(part.strip() for part in key.split("/"))
            tables: tuple[tuple[str, dict[str, list[Contact]]], ...] = (("path", self._by_path),)
        else:
            tables = (("file name", self._by_stem), ("name", self._by_name), ("alias", self._by_alias))
        for rank, table in tables:
            found = table.get(key)
            if found:
                return Resolution(target, found[0] if len(found) == 1 else None, tuple(found), rank)
        return Resolution(target, None, (), None)

    def contact_for(self, value: str, source: str | None = None) -> Contact | None:
        """The one contact ``value`` points at, or None (nobody, or ambiguous)."""
        return self.resolve(value, source).contact


def _add(table: dict[str, list[Contact]], key: str, contact: Contact) -> None:
    if not key:
        return
    bucket = table.setdefault(key, [])
    # a contact is listed once per key even when, say, its name and alias fold alike
    if not bucket or bucket[-1].path != contact.path:
        bucket.append(contact)


def resolve_link(index: ContactIndex, value: str) -> Contact | None:
    """Convenience: the contact ``value`` points at (builds a resolver; prefer reusing one)."""
    return LinkResolver.for_index(index).contact_for(value)


def link_diagnostics(
    contacts: Iterable[Contact],
    index: ContactIndex,
    *,
    known_notes: Collection[str] = (),
    texts: Mapping[str, str] | None = None,
    resolver: LinkResolver | None = None,
) -> list[Diagnostic]:
    """Warnings for the links in contact files that point at nobody, or at several people.

    * ``link.unresolved``: ``[[Grace Hopper]] links to nobody in the vault``;
    * ``link.ambiguous``: the link matches two or more contacts equally well (the message
      names them).

    Positioned at each :class:`~netkit.model.Link`'s line and column. ``known_notes``
    (vault-relative paths of the vault's other Markdown files, e.g. from
    :func:`netkit.notes.discover_notes`) lets a *log* entry link to a non-person note —
    ``[gave:: notes from [[2026 Offsite]]]`` — without a warning; ``knows`` and
    ``introduced_by`` must name people, so for them such a link is still reported.
    ``texts`` (path → file text), when available, adds the source line and caret.
    ``resolver``: one already built over ``index`` (building one is O(contacts)).
    """
    resolver = resolver if resolver is not None else LinkResolver.for_index(index)
    return in_report_order(link_diagnostics_by_contact(contacts, resolver, known_notes, texts))


def link_diagnostics_by_contact(
    contacts: Iterable[Contact], resolver: LinkResolver, known_notes: Collection[str] = (),
    texts: Mapping[str, str] | None = None,
) -> dict[str, tuple[Diagnostic, ...]]:
    """:func:`link_diagnostics` contact by contact: path -> its warnings, in path order,
    for the contacts that have any (what the cache's link layer records per file)."""
    keys = note_keys(known_notes)
    out: dict[str, tuple[Diagnostic, ...]] = {}
    for contact in sorted(contacts, key=lambda c: c.path):
        found = contact_link_diagnostics(contact, resolver, keys,
                                         texts.get(contact.path) if texts is not None else None)
        if found:
            out[contact.path] = tuple(found)
    return out


def in_report_order(by_contact: Mapping[str, Sequence[Diagnostic]]) -> list[Diagnostic]:
    """Every contact's link warnings in one list, in diagnostic order."""
    out = [d for found in by_contact.values() for d in found]
    out.sort(key=diag_mod.sort_key)
    return out


def contact_link_diagnostics(
    contact: Contact, resolver: LinkResolver, known_note_keys: set[str], text: str | None = None
) -> list[Diagnostic]:
    """One contact's share of :func:`link_diagnostics`, sorted (``known_note_keys``: from
    :func:`note_keys`); what ``netkit watch`` recomputes for a changed contact."""
    found = [d for link in contact.links
             if (d := _check_link(contact, link, resolver, known_note_keys, text)) is not None]
    if len(found) > 1:
        found.sort(key=diag_mod.sort_key)
    return found


def _check_link(
    contact: Contact,
    link: Link,
    resolver: LinkResolver,
    note_keys: set[str],
    text: str | None,
) -> Diagnostic | None:
    res = resolver.resolve(link.target, contact.path)
    if res.contact is not None:
        return None
    shown = f"[[{res.target or link.target}]]"
    if res.ambiguous:
        names = ", ".join(f"{c.name} ({c.path})" for c in res.candidates)
        return diag_mod.make(
            contact.path, link.line, link.column, "link.ambiguous",
            f"{shown} could mean any of: {names}",
            severity="warning",
            hint="link to the file instead, e.g. "
                 f"[[{_strip_md(res.candidates[0].path)}]], or give each person a distinct name or alias",
            text=text,
        )
    key = normalise(res.target)
    if not key:
        return diag_mod.make(
            contact.path, link.line, link.column, "link.unresolved",
            f"an empty link in `{link.field}` links to nobody",
            severity="warning", hint="write the person's name between the brackets, e.g. [[Ada Lovelace]]",
            text=text,
        )
    is_note = key in note_keys
    if is_note and link.field == "log":
        return None
    if is_note:
        message = f"{shown} in `{link.field}` is a note, not a contact"
        hint = f"`{link.field}` names people: link to a contact file instead"
    else:
        message = f"{shown} links to nobody in the vault"
        hint = (f'create the contact with `netkit new "{res.target}"`, or fix the spelling, '
                "or add the name to someone's `aliases`")
    return diag_mod.make(contact.path, link.line, link.column, "link.unresolved", message,
                         severity="warning", hint=hint, text=text)


def note_keys(paths: Collection[str]) -> set[str]:
    """Every way a link can name one of ``paths``: the file name and each path suffix."""
    keys: set[str] = set()
    for path in paths:
        parts = [normalise(p) for p in _strip_md(path).split("/")]
        for i in range(len(parts)):
            keys.add("/".join(parts[i:]))
    return keys
