"""Briefs: the part of every contact that ``netkit due`` reads, kept ready in the cache.

Decoding 10,000 whole contacts from the cache takes most of a second (each holds its
notes, front matter, links and ~20 log entries as objects), while the due list reads a
handful of fields and the *dates* of the log. ``netkit index`` therefore records, next to
the cache, one *brief* per contact: name, tier, status, cadence, snooze, last_contact, met,
birthday, company, tags, and the dates of its log (one packed array), note touchpoints
included (``netkit list`` reads briefs too, for its table); the
texts of the log entries go to a second record (``brief-texts.cache``), read only when a
due list is shown as text (entries made from a brief carry a date and a text only:
:class:`BriefEntry`). A later ``due`` turns briefs into :class:`ContactBrief` objects,
which :mod:`netkit.cadence` schedules exactly like contacts (it reads only those
attributes, and finds the last touchpoint by a binary search over the dates), and never
decodes a contact.

The records are used while they describe the same contact files (the same paths, in the
same order) and the same note touchpoints (the cross-file layer). A file edited since the
last index (its content hash differs) has its contact decoded and used instead of its
brief — ``netkit log`` followed by ``netkit due`` decodes one contact, not all of them — so
the answer is always what the files say; with more than a quarter of the files edited, or
a contact added or removed, ``due`` decodes every contact as before. The records are
rewritten only by ``netkit index`` (and ``netkit watch``): after a few edits, the briefs
record is patched (only the edited contacts decoded and briefed again) and the texts record
is left alone (its texts of the edited contacts are then told apart by their content hash,
and those contacts decoded when shown). A damaged or malformed record is ignored as a whole.
"""

from __future__ import annotations

import array
import datetime as dt
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, cast, overload

from netkit import cache as cache_mod
from netkit.durations import Duration
from netkit.model import Birthday, Contact, LogEntry

if TYPE_CHECKING:
    from netkit.loader import Vault

#: the record file in ``.netkit/cache``
BRIEFS_FILE = "briefs.cache"
#: the texts of the briefs' log entries, in a record of their own
TEXTS_FILE = "brief-texts.cache"
_VERSION = 3
#: the array type code of the packed ordinals ("i": 4 bytes; every date's ordinal fits)
_ORDINALS = "i"

#: name, tier, status, cadence, snooze_until, last_contact, met, birthday, company, tags,
#: ordinals, texts
Brief = tuple[str, int, str, "Duration | None", "dt.date | None", "dt.date | None", "dt.date | None",
              "Birthday | None", "str | None", tuple[str, ...], bytes, "str | tuple[str, ...]"]


def brief_of(contact: Contact) -> Brief:
    """The brief of one contact (as the due list sees it: note touchpoints included)."""
    dates = array.array(_ORDINALS, [entry.date.toordinal() for entry in contact.log])
    texts: str | tuple[str, ...] = tuple(entry.text for entry in contact.log)
    if not any("\n" in text for text in texts):
        texts = "\n".join(texts)  # one object to decode instead of one per entry
    return (contact.name, contact.tier, contact.status, contact.cadence, contact.snooze_until,
            contact.last_contact, contact.met, contact.birthday, contact.company, contact.tags,
            dates.tobytes(), texts)


class BriefEntry:
    """A log entry as a brief holds it: its date, and its text (split from the brief's one
    string only when someone reads it: the due list shows a few hundred at most)."""

    __slots__ = ("date", "_log", "_index")

    def __init__(self, date: dt.date, log: BriefLog, index: int) -> None:
        self.date = date
        self._log = log
        self._index = index

    @property
    def text(self) -> str:
        """The entry's text (inline fields removed), as in :attr:`LogEntry.text`."""
        return self._log.text_at(self._index)


class BriefLog(Sequence[LogEntry]):
    """A contact's log as a brief holds it. Entries are made on access and carry the date
    and text only (what the due list reads); ``ordinals`` lets :mod:`netkit.cadence`
    search the dates without making entries."""

    __slots__ = ("ordinals", "_texts", "_source", "_path")

    def __init__(self, ordinals: array.array[int], texts: str | tuple[str, ...] | None,
                 source: _TextSource | None = None, path: str = "") -> None:
        self.ordinals = ordinals
        self._texts = texts
        self._source = source
        self._path = path

    def __len__(self) -> int:
        return len(self.ordinals)

    @overload
    def __getitem__(self, index: int) -> LogEntry: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[LogEntry]: ...

    def __getitem__(self, index: int | slice) -> LogEntry | Sequence[LogEntry]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self.ordinals)
        # duck-typed: cadence reads .date and .text of the entries it picks
        return cast(LogEntry, BriefEntry(dt.date.fromordinal(self.ordinals[index]), self, index))

    def __iter__(self) -> Iterator[LogEntry]:
        return (self[i] for i in range(len(self)))

    def text_at(self, index: int) -> str:
        """The text of the ``index``-th entry."""
        texts = self._texts
        if texts is None:
            texts = self._source.texts_for(self._path) if self._source is not None else ""
        if isinstance(texts, str):
            texts = tuple(texts.split("\n"))
            if len(texts) != len(self.ordinals):  # only a damaged record: show no text
                texts = ("",) * len(self.ordinals)
            self._texts = texts
        return texts[index]


class ContactBrief:
    """A contact as the due list needs it (duck-types the attributes cadence reads)."""

    __slots__ = ("path", "name", "tier", "status", "cadence", "snooze_until", "last_contact", "met",
                 "birthday", "company", "tags", "log")

    def __init__(self, path: str, fields: tuple[Any, ...], source: _TextSource) -> None:
        """``fields``: a brief without its texts, which come from ``source`` when read."""
        (self.name, self.tier, self.status, self.cadence, self.snooze_until, self.last_contact, self.met,
         self.birthday, self.company, self.tags, packed) = fields
        ordinals = array.array(_ORDINALS)
        ordinals.frombytes(packed)
        self.path = path
        self.log = BriefLog(ordinals, None, source, path)

    @property
    def is_active(self) -> bool:
        """Same rule as :attr:`netkit.model.Contact.is_active`."""
        return self.status == "active"


def _all_of(values: Any, *types: type) -> bool:
    """``values`` is a list whose items are all of exactly these types (checked in C)."""
    return type(values) is list and set(map(type, values)) <= set(types)


_DATE = (dt.date, type(None))


def _record_key(vault: Vault) -> bytes | None:
    """The record's key: the load's (netkit, Python, parsing code, netkit.yaml) and this
    module's own code."""
    import os

    state = vault.state
    if state is None:
        return None
    try:
        st = os.stat(__file__)
    except OSError:
        return None
    return b"netkit briefs %d %d %d\0" % (_VERSION, st.st_size, st.st_mtime_ns) + state.key


#: the record: (paths, content hashes (16 bytes each, concatenated), note touchpoints by
#: path (only non-empty), then one column per brief field)
Record = tuple[list[str], bytes, dict[str, tuple[LogEntry, ...]], list[list[Any]]]


def _read(vault: Vault) -> Record | None:
    """The record, checked column by column (a crafted one must not crash), or None."""
    key = _record_key(vault)
    record = cache_mod.read_record(vault.root, BRIEFS_FILE, key) if key is not None else None
    if type(record) is not tuple or len(record) != 4:
        return None
    rels, digests, touches, columns = record
    if not (_all_of(rels, str) and type(digests) is bytes and len(digests) == cache_mod.DIGEST_BYTES * len(rels)
            and type(touches) is dict and type(columns) is list and len(columns) == 11
            and all(type(c) is list and len(c) == len(rels) for c in columns)):
        return None
    names, tiers, statuses, cadences, snoozes, lasts, mets, birthdays, companies, tags, packed = columns
    if not (
        _all_of(names, str) and _all_of(tiers, int) and _all_of(statuses, str)
        and _all_of(cadences, Duration, type(None)) and _all_of(birthdays, Birthday, type(None))
        and _all_of(snoozes, *_DATE) and _all_of(lasts, *_DATE) and _all_of(mets, *_DATE)
        and _all_of(companies, str, type(None)) and _all_of(tags, tuple)
        and all(type(t) is str for group in tags for t in group)
        and _all_of(packed, bytes) and not any(len(p) % 4 for p in packed)
        and all(type(k) is str and type(v) is tuple and all(type(e) is LogEntry for e in v)
                for k, v in touches.items())
    ):
        return None
    return rels, digests, touches, columns


#: what a record was made from, and what the vault is now: paths, content hashes, note touchpoints
Basis = tuple[list[str], bytes, dict[str, tuple[LogEntry, ...]]]


def _current(vault: Vault) -> Basis:
    """What a current record must hold: the contacts' paths, hashes and note touchpoints."""
    state = vault.state
    assert state is not None
    rels = [rel for rel, entry in state.entries.items() if entry.is_contact]
    digests = state.digests(rels)
    touchpoints = getattr(vault, "touchpoints", None) or {}
    return rels, digests, {rel: tuple(v) for rel, v in touchpoints.items() if v}


def for_due(vault: Vault) -> list[Contact]:
    """The contacts of a loaded (and linked) vault for :func:`netkit.cadence.due_items` and
    the table of ``netkit list``, in path order: briefs when the record serves (those of
    contacts edited since the last index decoded instead), the decoded contacts otherwise.

    Typed as contacts because cadence reads them as such; from a record they are
    :class:`ContactBrief` objects with only the attributes the due list and the table read
    (see the module docstring).
    """
    if vault.state is None or "contacts" in vault.__dict__:
        return list(vault.contacts)  # already decoded: nothing to save
    record = _read(vault)
    if record is None:
        return list(vault.contacts)
    current = _current(vault)
    stale = _stale(record[:3], current)
    if stale is None:
        return list(vault.contacts)
    rels, _, _, columns = record
    source = _TextSource(vault)
    out: list[Any] = [ContactBrief(rel, fields, source)
                      for rel, fields in zip(rels, zip(*columns, strict=True), strict=True)]
    for i in stale:
        # edited since the last index: this one contact decoded (with its note touchpoints)
        contact = vault.contact_at(rels[i])
        if contact is None:
            return list(vault.contacts)
        out[i] = contact
    return cast(list[Contact], out)


def _stale(recorded: Basis, current: Basis) -> list[int] | None:
    """The positions of the briefs whose contact file changed since the record was made
    (empty when it is current), or None when the record cannot serve: other contacts or
    other note touchpoints, or so many edits that decoding everything costs the same."""
    if recorded[0] != current[0] or recorded[2] != current[2]:
        return None
    return cache_mod.edited_positions(recorded[1], current[1])


def refresh(vault: Vault, memo: dict[str, tuple[Contact, Brief]] | None = None) -> str | None:
    """Rewrite the record unless it is current (``netkit index``); a warning instead of
    raising. When few contacts were edited since it was made, only those are decoded and
    briefed again (see :func:`_patched`); otherwise every contact is.

    ``memo``: path -> (contact, its brief) from an earlier call, kept by a long-running
    caller (``netkit watch``): a contact that is the very same object is not briefed again.
    Updated in place."""
    key = _record_key(vault)
    if vault.state is None or key is None:
        return None
    expected = _current(vault)
    record = _read(vault)
    if record is not None:
        if record[:3] == expected:
            return None
        patched = _patched(vault, record, expected)
        if patched is not None:
            return cache_mod.write_record(vault.root, BRIEFS_FILE, key, patched)
    # let the stale record go before the contacts are decoded and briefed again: at
    # 100,000 contacts it is tens of MB of objects, and the next steps are the index's peak
    del record
    by_path = {c.path: c for c in vault.contacts}
    rels = [rel for rel in expected[0] if rel in by_path]
    if len(rels) != len(expected[0]):
        return None  # a contact could not be decoded: record nothing rather than a gap
    # one column per field, filled directly (no list of 100,000 briefs next to them)
    columns: list[list[Any]] = [[] for _ in range(12)]
    appends = [column.append for column in columns]
    for rel in rels:
        contact = by_path[rel]
        made = memo.get(rel) if memo is not None else None
        if made is not None and made[0] is contact:
            brief = made[1]
        else:
            brief = brief_of(contact)
            if memo is not None:
                memo[rel] = (contact, brief)
        for append, value in zip(appends, brief, strict=True):
            append(value)
    if memo is not None and len(memo) > len(rels):
        for rel in [rel for rel in memo if rel not in by_path]:
            del memo[rel]  # contacts that are gone
    del by_path
    # the texts (most of the bytes) in a file of their own: only a due list shown as text
    # reads them, and only the entries it shows; written first, then let go
    texts = columns.pop()
    warning = cache_mod.write_record(vault.root, TEXTS_FILE, key, (*expected, texts))
    del texts
    return warning or cache_mod.write_record(vault.root, BRIEFS_FILE, key, (*expected, columns))


def _patched(vault: Vault, record: Record, expected: Basis) -> tuple[Any, ...] | None:
    """The briefs record made current by briefing again only the contacts edited since it
    was made (decoding those alone), or None when it cannot be patched (see :func:`_stale`).

    After ``netkit log`` and an ``index``, one contact is briefed instead of all of them
    (a second at 100,000 contacts). The texts record is left as it is: its texts of the
    edited contacts are out of date by their content hash, and :class:`_TextSource`
    decodes those contacts instead, when a due list shows them."""
    stale = _stale(record[:3], expected)
    if not stale:
        return None
    rels, _, _, columns = record
    for i in stale:
        contact = vault.contact_at(rels[i])  # with its note touchpoints, as briefs have them
        if contact is None:
            return None  # record nothing rather than a gap (as a full refresh would)
        for column, value in zip(columns, brief_of(contact)[:-1], strict=True):
            column[i] = value
    return (*expected, columns)


class _TextSource:
    """The log texts of briefs, read on first use: from the texts record when it matches
    the vault, else from the decoded contacts (same texts, just slower)."""

    def __init__(self, vault: Vault) -> None:
        self.vault = vault
        self._texts: dict[str, str | tuple[str, ...]] | None = None

    def texts_for(self, path: str) -> str | tuple[str, ...]:
        """The texts of the log of the contact at ``path`` (joined by newlines, or a tuple)."""
        if self._texts is None:
            self._texts = self._read()
        texts = self._texts.get(path)
        if texts is None:
            texts = self._texts[path] = self._decoded(path)
        return texts

    def _read(self) -> dict[str, str | tuple[str, ...]]:
        vault = self.vault
        key = _record_key(vault)
        record = cache_mod.read_record(vault.root, TEXTS_FILE, key) if key is not None else None
        if type(record) is not tuple or len(record) != 4:
            return {}
        rels, digests, touches, texts = record
        if not (_all_of(rels, str) and type(digests) is bytes and len(digests) == cache_mod.DIGEST_BYTES * len(rels)
                and type(touches) is dict and _all_of(texts, str, tuple) and len(texts) == len(rels)):
            return {}
        if not all(type(t) is str for group in texts if type(group) is tuple for t in group):
            return {}
        # the texts of files changed since the texts were recorded (their content hash
        # differs) are decoded instead: this covers the briefs' own stale contacts too, and
        # the contacts a patched briefs record holds anew (see _patched)
        stale = _stale((rels, digests, touches), _current(vault))
        if stale is None:
            return {}
        known = dict(zip(rels, texts, strict=True))
        for i in stale:
            del known[rels[i]]
        return known

    def _decoded(self, path: str) -> str | tuple[str, ...]:
        contact = self.vault.contact_at(path)  # with its note touchpoints, as briefs have them
        return "" if contact is None else brief_of(contact)[-1]
