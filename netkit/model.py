"""The in-memory model: frozen values produced by the loader and consumed by pure code."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

from netkit.durations import Duration

#: a contact file larger than this is refused: years of notes fit in far less (the loader
#: checks the size before reading, the parser the bytes it is given)
MAX_FILE_BYTES = 2 * 1024 * 1024
STATUSES = ("active", "paused", "archived")
CHANNELS = ("in-person", "call", "video", "message", "email", "social", "event", "note")
#: channels that count as "deep" contact for the depth indicator
DEEP_CHANNELS = frozenset({"in-person", "call", "video"})
CAREER_STAGES_HINT = ("student", "junior", "mid", "senior", "lead", "executive", "founder", "retired")


@dataclasses.dataclass(frozen=True, slots=True)
class Birthday:
    """A birthday; ``year`` is None for ``--MM-DD`` birthdays."""

    month: int
    day: int
    year: int | None = None

    def __str__(self) -> str:
        if self.year is None:
            return f"--{self.month:02d}-{self.day:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"


class LogEntry(NamedTuple):
    """One touchpoint: a dated list item under the log heading (or a dated note, issue 8).

    ``fields`` holds every inline ``[key:: value]`` in order, known keys included, so that
    nothing the user wrote is lost. The typed attributes are the known keys, validated.

    A named tuple rather than a frozen dataclass: a vault holds ~20 entries per person,
    and a tuple is built (parsed, or decoded from the cache) in a fraction of the time a
    frozen dataclass's ``__init__`` takes. Immutable and compared by value all the same.
    """

    date: dt.date
    text: str  # the entry text with inline fields removed, whitespace-normalised
    line: int  # 1-based line in the file (0 when not from a file line)
    channel: str | None = None
    by: str | None = None  # "me" | "them"
    gave: str | None = None
    got: str | None = None
    reply: bool | None = None
    fields: tuple[tuple[str, str], ...] = ()
    #: vault-relative path of the note this touchpoint came from, when not the contact's log
    source: str | None = None

    def is_planned(self, today: dt.date) -> bool:
        """A future-dated entry is a planned touchpoint."""
        return self.date > today

    def to_json(self) -> dict[str, Any]:
        """JSON form used by ``show --json`` and exports."""
        return {
            "date": self.date.isoformat(),
            "text": self.text,
            "line": self.line,
            "channel": self.channel,
            "by": self.by,
            "gave": self.gave,
            "got": self.got,
            "reply": None if self.reply is None else ("yes" if self.reply else "no"),
            "fields": {k: v for k, v in self.fields},
            "source": self.source,
        }


@dataclasses.dataclass(frozen=True, slots=True)
class Link:
    """A ``[[wikilink]]`` written in a contact file, with where it stands (for diagnostics)."""

    target: str  # the link text, e.g. "Ada Lovelace" from "[[Ada Lovelace|Ada]]"
    field: str  # "introduced_by", "knows" or "log"
    line: int
    column: int


@dataclasses.dataclass(frozen=True, slots=True, eq=False)
class FrontMatter(Mapping[str, Any]):
    """A contact's front matter as plain values: a read-only mapping, compared like a dict.

    Two tuples instead of a dict: a vault of 100,000 people keeps one of these each, and a
    dict of ~15 keys costs three times the memory. The key tuples repeat from contact to
    contact and are shared (see :meth:`of`). Lookups scan the keys (a front matter is short).
    """

    keys_: tuple[str, ...]
    values_: tuple[Any, ...]

    @classmethod
    def of(cls, mapping: Mapping[str, Any]) -> FrontMatter:
        """The front matter holding ``mapping``'s items, in order."""
        keys = tuple(mapping)
        shared = _SHARED_KEYS.get(keys)
        if shared is None:
            shared = keys
            if len(_SHARED_KEYS) < 10_000:
                _SHARED_KEYS[keys] = keys
        return cls(shared, tuple(mapping.values()))

    def __getitem__(self, key: str) -> Any:
        try:
            return self.values_[self.keys_.index(key)]
        except ValueError:
            raise KeyError(key) from None

    def __contains__(self, key: object) -> bool:
        return key in self.keys_

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys_)

    def __len__(self) -> int:
        return len(self.keys_)

    def __repr__(self) -> str:
        return repr(dict(zip(self.keys_, self.values_, strict=True)))


_SHARED_KEYS: dict[tuple[str, ...], tuple[str, ...]] = {}


@dataclasses.dataclass(frozen=True, slots=True)
class Contact:
    """One person: a validated contact file.

    ``front_matter`` keeps the loaded front matter as plain JSON-able values (dates as ISO
    strings) for ``list --json``/``show --json`` and exports; the typed attributes are what
    computation uses.
    """

    path: str  # vault-relative, with "/"
    stem: str  # file name without .md
    name: str
    tier: int
    status: str = "active"
    cadence: Duration | None = None  # the contact's own override; None = use the tier's
    snooze_until: dt.date | None = None
    aliases: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    company: str | None = None
    role: str | None = None
    industry: str | None = None
    location: str | None = None
    career_stage: str | None = None
    met: dt.date | None = None
    how_met: str | None = None
    introduced_by: str | None = None  # raw value, usually "[[Name]]"
    knows: tuple[str, ...] = ()  # raw values, usually "[[Name]]"
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    linkedin: str | None = None
    birthday: Birthday | None = None
    last_contact: dt.date | None = None  # optional front-matter override
    log: tuple[LogEntry, ...] = ()
    #: free notes: the body outside the log section, stripped (used by the depth indicator)
    notes: str = ""
    front_matter: Mapping[str, Any] = dataclasses.field(default_factory=dict)  # a FrontMatter once parsed
    #: every wikilink in introduced_by, knows and the log, with positions
    links: tuple[Link, ...] = ()

    @property
    def is_active(self) -> bool:
        """Only active contacts are ever due."""
        return self.status == "active"

    def past_entries(self, today: dt.date) -> tuple[LogEntry, ...]:
        """Log entries dated today or earlier, oldest first."""
        return tuple(e for e in self.log if e.date <= today)

    def planned_entries(self, today: dt.date) -> tuple[LogEntry, ...]:
        """Log entries dated after today, soonest first."""
        return tuple(e for e in self.log if e.date > today)


@dataclasses.dataclass(frozen=True, slots=True)
class Tier:
    """One tier of the config: label, cadence and target headcount."""

    key: int
    label: str
    cadence: Duration
    target_min: int | None = None
    target_max: int | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class FieldSpec:
    """A user-declared extra front-matter field (``fields:`` in netkit.yaml)."""

    name: str
    type: str  # string | number | integer | boolean | date | list | url | email


@dataclasses.dataclass(frozen=True, slots=True)
class Config:
    """Settings from ``netkit.yaml`` (defaults in design.md §2)."""

    version: int = 1
    contacts: tuple[str, ...] = ("contacts",)
    pages: str = "pages"
    log_heading: str = "Log"
    default_tier: int = 3
    tiers: Mapping[int, Tier] = dataclasses.field(default_factory=dict)
    fields: Mapping[str, FieldSpec] = dataclasses.field(default_factory=dict)
    #: raw mapping of any other sections (quality weights, notes folders, watch...) for the
    #: modules that own them; each validates its own section
    extra: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def cadence_for(self, contact: Contact) -> Duration | None:
        """The contact's own cadence, else its tier's; None when the tier is unknown."""
        if contact.cadence is not None:
            return contact.cadence
        tier = self.tiers.get(contact.tier)
        return tier.cadence if tier else None
