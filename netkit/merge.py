"""Merging imported people into the vault: matching, field-by-field merging, merge plans.

Pure apart from the ``read``/``exists`` callbacks the caller passes in: nothing here writes.
The command (``netkit import``) prints a plan and, unless ``--dry-run``, writes it.

Rules (documented for users in ``docs/import-export.md``):

* **Matching**: an imported person is the contact that shares an email address, else the
  one with the same LinkedIn profile URL, else the one whose name or alias is the same once
  case, accents and spacing are ignored — unless both have LinkedIn URLs and they differ
  (two people can share a name; a profile URL is one person). Several contacts matching
  is ambiguous: the person is skipped and reported, never guessed.
* **Existing files only gain what they lack**: a field missing from the front matter (or
  present but empty, ``email:``) is added; a field present in both with a different value is
  a :class:`Conflict` — reported, the file's value kept. List fields (``email``, ``phone``,
  ``tags``, ``source``) gain the new items when :mod:`netkit.frontmatter_edit` can insert
  them without touching a byte (block list, flow list, single-line value); otherwise the
  items are reported as a conflict. ``name``, ``tier`` and ``status`` are never changed.
* **Files with errors are never touched** (the plan says why).
* **New people** get a new file in the first contacts folder, named by a safe unique slug,
  with the default tier (or the ``X-NETKIT-TIER`` of a netkit vCard), ``status: active``,
  ``source: [<importer>]`` and every imported field; notes and details with no field of
  their own go in the body.
* Every result is re-parsed before it is offered: it must load without errors, keep every
  existing value and read back the added ones exactly — otherwise the file is skipped.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from netkit import contactfile, frontmatter_edit
from netkit.fileio import Fingerprint
from netkit.formats.records import (
    ImportedPerson,
    normalise_email,
    normalise_linkedin,
    normalise_name,
    normalise_tag,
    normalise_url,
)
from netkit.logwriter import single_line, slugify
from netkit.model import Birthday, Config, Contact

#: the order fields are written in, in new files and when added to existing ones
FIELD_ORDER = (
    "name", "tier", "status", "tags", "source", "company", "role", "location",
    "email", "phone", "linkedin", "website", "address", "birthday", "met", "vcard",
)
#: fields whose values are lists of items that can be merged item by item
LIST_FIELDS = ("tags", "source", "email", "phone")
#: fields written only when a file is created; an existing contact's are the user's choice
NEW_ONLY_FIELDS = ("tier", "status")
TEXT_FIELDS = ("company", "role", "location", "address")

ReadFile = Callable[[str], tuple[bytes, Fingerprint]]


# --------------------------------------------------------------------------- records


@dataclasses.dataclass(frozen=True, slots=True)
class Conflict:
    """A field present in both the file and the import with different values (or list items
    that could not be added byte-minimally). The file's value is kept."""

    path: str
    field: str
    existing: str
    incoming: str
    #: 1-based line of the person in the import file (0 when unknown)
    line: int = 0
    note: str = ""
    #: who holds the other value, for messages ("import", or the other file of a dedupe)
    other: str = "import"

    def describe(self) -> str:
        """One line: ``company: keeps "Acme", import has "Acme Corp" (line 5)``."""
        where = f" (line {self.line})" if self.line else ""
        text = f"{self.field}: keeps {self.existing}, {self.other} has {self.incoming}{where}"
        return text + (f" — {self.note}" if self.note else "")


@dataclasses.dataclass(frozen=True, slots=True)
class Incoming:
    """What one imported person would contribute: field values (in :data:`FIELD_ORDER`
    terms, lists as lists) plus body text for a new file."""

    person: ImportedPerson
    fields: dict[str, Any]
    notes: str | None = None
    details: tuple[str, ...] = ()

    @property
    def line(self) -> int:
        """The person's line in the import file."""
        return self.person.line


@dataclasses.dataclass
class FileChange:
    """What the import does to one file.

    ``action``: ``create`` (``new`` is the whole file), ``update`` (``new`` is ``old`` with
    insertions only), ``unchanged`` or ``skipped`` (``reason`` says why).
    """

    path: str
    action: str
    old: bytes | None = None
    new: bytes | None = None
    fingerprint: Fingerprint | None = None
    changed_fields: tuple[str, ...] = ()
    conflicts: list[Conflict] = dataclasses.field(default_factory=list)
    reason: str = ""
    #: import-file lines of the people merged into this file
    lines: list[int] = dataclasses.field(default_factory=list)


@dataclasses.dataclass(frozen=True, slots=True)
class Unplaced:
    """An imported person that was neither merged nor created (ambiguous match, ...)."""

    name: str
    line: int
    reason: str


@dataclasses.dataclass
class ImportPlan:
    """Every file the import touches, in the order people appear in the import."""

    changes: list[FileChange]
    unplaced: list[Unplaced]

    def count(self, action: str) -> int:
        """How many files get ``action``."""
        return sum(1 for c in self.changes if c.action == action)

    @property
    def conflicts(self) -> list[Conflict]:
        """Every conflict, file by file."""
        return [conflict for c in self.changes for conflict in c.conflicts]

    @property
    def writes(self) -> list[FileChange]:
        """The changes that write a file."""
        return [c for c in self.changes if c.action in ("create", "update")]

    def summary(self) -> str:
        """``2 created, 1 updated, 3 unchanged, 4 conflicts`` (+ skipped when any)."""
        text = (f"{self.count('create')} created, {self.count('update')} updated, "
                f"{self.count('unchanged')} unchanged, {len(self.conflicts)} conflicts")
        skipped = self.count("skipped") + len(self.unplaced)
        return text + (f", {skipped} skipped" if skipped else "")


# ---------------------------------------------------------------- imported -> fields


_WEBSITE = re.compile(r"^Website ([0-9]+) - Value$")
_VALUE = re.compile(r"^(.*) - Value$")


def incoming(person: ImportedPerson, config: Config) -> Incoming:
    """The fields ``person`` would set, cleaned to one line each where they are text."""
    fields: dict[str, Any] = {"name": single_line(person.name)}
    tier = config.default_tier
    vcard: dict[str, Any] = {}
    details: list[str] = []
    extra = list(person.extra)
    if person.source == "vcard":
        tier, vcard = _vcard_mapping(extra, config)
    elif person.source == "google":
        address, website, details = _google_details(extra)
        if address:
            fields["address"] = address
        if website:
            fields["website"] = website
    else:
        details = [f"{k}: {_one_line(v)}" for k, v in extra if v.strip()]
    fields["tier"] = tier
    fields["status"] = "active"
    tags = _unique([normalise_tag(t) for t in person.tags], "tags")
    if tags:
        fields["tags"] = tags
    if person.source:
        fields["source"] = [person.source]
    for key, value in (("company", person.company), ("role", person.role), ("location", person.location)):
        text = single_line(value or "")
        if text:
            fields[key] = text
    emails = _unique([normalise_email(e) for e in person.emails], "email")
    if emails:
        fields["email"] = emails
    phones = _unique([single_line(p) for p in person.phones], "phone")
    if phones:
        fields["phone"] = phones
    if person.linkedin:
        fields["linkedin"] = person.linkedin
    if person.birthday is not None:
        fields["birthday"] = person.birthday
    if person.met is not None:
        fields["met"] = person.met
    if vcard:
        fields["vcard"] = vcard
    notes = (person.notes or "").strip() or None
    return Incoming(person, fields, notes, tuple(details))


def _one_line(value: str) -> str:
    return ", ".join(single_line(part) for part in value.splitlines() if part.strip())


def _vcard_mapping(extra: Sequence[tuple[str, str]], config: Config) -> tuple[int, dict[str, Any]]:
    """The tier (from netkit's own ``X-NETKIT-TIER``) and the ``vcard:`` mapping of every
    other property the card had no field for; repeated properties become lists.

    ``UID:urn:netkit:…`` is netkit's own, derived from the file path by ``export vcard``,
    and is dropped: it would be stale the moment the file is renamed.
    """
    tier = config.default_tier
    tier_seen = False
    mapping: dict[str, Any] = {}
    for key, value in extra:
        if key == "X-NETKIT-TIER" and not tier_seen and value.strip().isdigit() and int(value) in config.tiers:
            tier, tier_seen = int(value), True
            continue
        if key == "UID" and value.strip().startswith("urn:netkit:"):
            continue
        if key in mapping:
            previous = mapping[key]
            mapping[key] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            mapping[key] = value
    return tier, mapping


def _google_details(extra: Sequence[tuple[str, str]]) -> tuple[str | None, str | None, list[str]]:
    """``address`` (the first formatted address), ``website`` (the first website that is
    not LinkedIn) and readable ``Label: value`` lines for every other column."""
    values = dict(extra)
    consumed: set[str] = set()
    address = None
    formatted = values.get("Address 1 - Formatted", "").strip()
    if formatted:
        address = _one_line(formatted)
        consumed |= {h for h in values if h.startswith("Address 1 - ")}
    website = None
    for header, value in extra:
        m = _WEBSITE.match(header)
        if m and value.strip() and normalise_url(value) is not None:
            website = value.strip()
            consumed |= {header, f"Website {m.group(1)} - Label", f"Website {m.group(1)} - Type"}
            break
    details: list[str] = []
    for header, value in extra:
        if header in consumed or not value.strip():
            continue
        m = _VALUE.match(header)
        if m:
            prefix = m.group(1)
            label_key = next((k for k in (f"{prefix} - Label", f"{prefix} - Type") if values.get(k)), None)
            if label_key:
                consumed.add(label_key)
                details.append(f"{prefix} ({_one_line(values[label_key])}): {_one_line(value)}")
                continue
        details.append(f"{header}: {_one_line(value)}")
    return address, website, details


# ---------------------------------------------------------------------- comparison


def item_key(field: str, value: Any) -> str:
    """How two list items are compared: emails case-folded, phones by their digits, tags as
    :func:`~netkit.formats.records.normalise_tag`."""
    text = str(value)
    if field == "email":
        return normalise_email(text)
    if field == "phone":
        digits = re.sub(r"[^0-9+]", "", text)
        return digits or text.strip().casefold()
    if field == "tags":
        return normalise_tag(text)
    return normalise_name(text)


def same(field: str, a: Any, b: Any) -> bool:
    """Do two values of ``field`` say the same thing (ignoring case, accents, spacing, URL
    spelling, a birthday's unknown year)?"""
    if field in LIST_FIELDS:
        return {item_key(field, x) for x in _as_list(a)} == {item_key(field, x) for x in _as_list(b)}
    if field == "linkedin" and isinstance(a, str) and isinstance(b, str):
        return (normalise_linkedin(a) or normalise_url(a) or a.strip()) == (
            normalise_linkedin(b) or normalise_url(b) or b.strip())
    if field == "website" and isinstance(a, str) and isinstance(b, str):
        return (normalise_url(a) or a.strip()) == (normalise_url(b) or b.strip())
    if field == "birthday" and isinstance(a, Birthday) and isinstance(b, Birthday):
        return (a.month, a.day) == (b.month, b.day) and (a.year is None or b.year is None or a.year == b.year)
    if isinstance(a, str) and isinstance(b, str):
        return normalise_name(a) == normalise_name(b)
    return bool(a == b)


def display(value: Any) -> str:
    """A value for messages: text quoted, lists comma-separated, dates ISO."""
    if isinstance(value, list | tuple):
        return "[" + ", ".join(display(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {display(v)}" for k, v in value.items()) + "}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def _unique(values: Iterable[Any], field: str) -> list[Any]:
    seen: set[str] = set()
    out = []
    for v in values:
        key = item_key(field, v)
        if v and key not in seen:
            seen.add(key)
            out.append(v)
    return out


def stored_form(field: str, value: Any) -> Any:
    """The value as it is written: one email or phone as plain text (the design's and
    Obsidian's ``text`` property), several as a list; everything else unchanged."""
    if field in ("email", "phone") and isinstance(value, list) and len(value) == 1:
        return value[0]
    return value


def expected_json(value: Any) -> Any:
    """What :func:`netkit.contactfile.parse_contact` reads back for a written value."""
    if isinstance(value, Birthday):
        return str(value)
    if isinstance(value, frontmatter_edit.RawLines):
        raise TypeError("raw lines have no expected value")
    return contactfile.to_jsonable(list(value) if isinstance(value, tuple) else value)


# --------------------------------------------------------------------------- targets


@dataclasses.dataclass
class Target:
    """A file people are merged into: an existing contact, or a file to create."""

    path: str
    contact: Contact | None
    #: the current value of every field (existing, then what the import added so far)
    values: dict[str, Any]
    #: fields that have a value in the file as it is
    present: set[str]
    set_keys: dict[str, Any] = dataclasses.field(default_factory=dict)
    add_items: dict[str, list[Any]] = dataclasses.field(default_factory=dict)
    conflicts: list[Conflict] = dataclasses.field(default_factory=list)
    lines: list[int] = dataclasses.field(default_factory=list)
    notes: list[str] = dataclasses.field(default_factory=list)
    details: list[str] = dataclasses.field(default_factory=list)
    #: why the file must not be touched (it has errors), or ""
    blocked: str = ""

    @property
    def is_new(self) -> bool:
        """True for a file the import creates."""
        return self.contact is None


def existing_values(contact: Contact) -> tuple[dict[str, Any], set[str]]:
    """A contact's current values in import terms, and the keys set in its front matter."""
    fm = contact.front_matter
    values: dict[str, Any] = {
        "name": contact.name,
        "tags": list(contact.tags),
        "source": [str(s) for s in _as_list(fm.get("source")) if s is not None],
        "company": contact.company,
        "role": contact.role,
        "location": contact.location,
        "email": list(contact.emails),
        "phone": list(contact.phones),
        "linkedin": contact.linkedin,
        "website": fm.get("website") if isinstance(fm.get("website"), str) else None,
        "address": fm.get("address") if isinstance(fm.get("address"), str) else None,
        "birthday": contact.birthday,
        "met": contact.met,
        "vcard": fm.get("vcard"),
    }
    present = {k for k, v in fm.items() if v is not None}
    return values, present


def merge_into(target: Target, inc: Incoming) -> list[str]:
    """Merge one imported person into ``target``; return the fields that changed."""
    target.lines.append(inc.line)
    changed: list[str] = []
    for field in FIELD_ORDER:
        if field not in inc.fields:
            continue
        value = inc.fields[field]
        current = target.values.get(field)
        if field in NEW_ONLY_FIELDS:
            if target.is_new and current is None:
                target.values[field] = target.set_keys[field] = value
            continue
        if field == "name":
            if current is None:
                target.values[field] = target.set_keys[field] = value
            elif not same("name", current, value) and not _is_alias(target, value):
                target.conflicts.append(Conflict(target.path, "name", display(current), display(value), inc.line))
            continue
        if field in LIST_FIELDS:
            items = _as_list(current)
            known = {item_key(field, v) for v in items}
            fresh = [v for v in value if item_key(field, v) not in known]
            if not fresh:
                continue
            target.values[field] = items + fresh
            if field in target.present:
                target.add_items.setdefault(field, []).extend(fresh)
            else:
                target.set_keys[field] = target.values[field]
            changed.append(field)
            continue
        if current is None or current == "" or current == {}:
            target.values[field] = target.set_keys[field] = value
            changed.append(field)
        elif not same(field, current, value):
            target.conflicts.append(Conflict(target.path, field, display(current), display(value), inc.line))
    if target.is_new:
        if inc.notes and inc.notes not in target.notes:
            target.notes.append(inc.notes)
        target.details.extend(d for d in inc.details if d not in target.details)
    return changed


def _is_alias(target: Target, name: str) -> bool:
    aliases = target.contact.aliases if target.contact else ()
    return normalise_name(name) in {normalise_name(a) for a in aliases}


class Matcher:
    """Finds the target an imported person belongs to: by email, LinkedIn URL, then name."""

    def __init__(self) -> None:
        self._email: dict[str, list[Target]] = {}
        self._linkedin: dict[str, list[Target]] = {}
        self._name: dict[str, list[Target]] = {}

    def add(self, target: Target) -> None:
        """(Re-)index ``target`` under its current emails, LinkedIn URL, name and aliases."""
        values = target.values
        for email in _as_list(values.get("email")):
            _put(self._email, normalise_email(str(email)), target)
        linkedin = values.get("linkedin")
        if isinstance(linkedin, str):
            _put(self._linkedin, _linkedin_key(linkedin), target)
        names = [values.get("name")] + list(target.contact.aliases if target.contact else ())
        for name in names:
            if isinstance(name, str):
                _put(self._name, _name_key(name), target)

    def match(self, inc: Incoming) -> tuple[str, list[Target]]:
        """``(how, targets)``: how is ``email``, ``linkedin``, ``name`` or ``""`` (no match);
        more than one target means the match is ambiguous."""
        for email in inc.fields.get("email", []):
            hits = self._email.get(normalise_email(email))
            if hits:
                return "email", hits
        linkedin = inc.fields.get("linkedin")
        if linkedin:
            hits = self._linkedin.get(_linkedin_key(linkedin))
            if hits:
                return "linkedin", hits
        hits = self._name.get(_name_key(inc.fields["name"]), [])
        if linkedin:
            # a different LinkedIn profile is a different person with the same name
            hits = [t for t in hits if not isinstance(t.values.get("linkedin"), str)
                    or _linkedin_key(t.values["linkedin"]) == _linkedin_key(linkedin)]
        return ("name", hits) if hits else ("", [])


def _name_key(name: str) -> str:
    # a name made only of accents and symbols ("¨") normalises to nothing; match it as is
    return normalise_name(name) or name.strip().casefold()


def _linkedin_key(url: str) -> str:
    return normalise_linkedin(url) or normalise_url(url) or url.strip().casefold()


def _put(index: dict[str, list[Target]], key: str, target: Target) -> None:
    if not key:
        return
    bucket = index.setdefault(key, [])
    if all(t is not target for t in bucket):
        bucket.append(target)


# ------------------------------------------------------------------------ planning


def plan_import(
    people: Sequence[ImportedPerson],
    *,
    contacts: Sequence[Contact],
    config: Config,
    error_paths: Mapping[str, int],
    read: ReadFile,
    exists: Callable[[str], bool],
    folder: str | None = None,
) -> ImportPlan:
    """Plan merging ``people`` into the vault.

    ``contacts`` are the vault's parsed contacts; ``error_paths`` maps each vault-relative
    path with errors to its error count (those files are not touched, and a new file is
    never created under the name of a file that could not be read as a contact); ``read``
    returns a file's bytes and fingerprint; ``exists`` says whether a vault-relative path is
    taken. New files go in ``folder`` (default: the first contacts folder).
    """
    matcher = Matcher()
    contact_paths = {c.path for c in contacts}
    for contact in contacts:
        values, present = existing_values(contact)
        target = Target(contact.path, contact, values, present)
        errors = error_paths.get(contact.path, 0)
        if errors:
            target.blocked = f"{contact.path} has {errors} error(s); fix them first (`netkit check`)"
        matcher.add(target)
    broken_stems = {_stem(p).casefold(): p for p in error_paths if p not in contact_paths}
    base = (folder if folder is not None else config.contacts[0]).strip("/")
    base = "" if base == "." else base  # `contacts: .` keeps contacts at the vault root
    taken: set[str] = set()
    order: list[Target] = []
    unplaced: list[Unplaced] = []

    for person in people:
        inc = incoming(person, config)
        if not inc.fields["name"]:
            # only control characters or blanks: nothing to call the file or match by
            unplaced.append(Unplaced(repr(person.name), inc.line, "the name is empty once cleaned"))
            continue
        how, hits = matcher.match(inc)
        if len(hits) > 1:
            where = ", ".join(sorted(t.path for t in hits))
            unplaced.append(Unplaced(inc.fields["name"], inc.line,
                                     f"matches several contacts by {how} ({where}); "
                                     "merge them first (`netkit dedupe`)"))
            continue
        if hits:
            target = hits[0]
        else:
            slug = slugify(inc.fields["name"])
            broken = broken_stems.get(slug.casefold())
            if broken is not None:
                unplaced.append(Unplaced(inc.fields["name"], inc.line,
                                         f"may be the person in {broken}, which has errors; fix it and import again"))
                continue
            path = _unique_path(base, slug, exists, taken)
            taken.add(path.casefold())
            target = Target(path, None, {}, set())
        if target not in order:
            order.append(target)
        merge_into(target, inc)
        matcher.add(target)

    changes = [_finish(t, config, read) for t in order]
    return ImportPlan(changes, unplaced)


def _stem(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    return name[:-3] if name.lower().endswith(".md") else name


def _unique_path(base: str, slug: str, exists: Callable[[str], bool], taken: set[str]) -> str:
    """``base/slug.md``, else ``base/slug-2.md``, ``-3`` ... — never an existing file."""
    n = 1
    while True:
        stem = slug if n == 1 else f"{slug}-{n}"
        path = f"{base}/{stem}.md" if base else f"{stem}.md"
        if path.casefold() not in taken and not exists(path):
            return path
        n += 1


def _finish(target: Target, config: Config, read: ReadFile) -> FileChange:
    """Turn a target's accumulated changes into bytes, verified by a re-parse."""
    change = FileChange(target.path, "unchanged", conflicts=list(target.conflicts), lines=list(target.lines))
    if target.is_new:
        text = render_new_contact(target, config)
        data = text.encode("utf-8")
        problem = verify(data, target.path, config, before={}, log_entries=0,
                         expected={k: expected_json(stored_form(k, v)) for k, v in target.set_keys.items()})
        if problem:
            change.action, change.reason = "skipped", f"the new file would not read back correctly ({problem})"
            return change
        change.action, change.new = "create", data
        change.changed_fields = tuple(k for k in FIELD_ORDER if k in target.set_keys)
        return change
    if target.blocked:
        change.action, change.reason = "skipped", target.blocked
        return change
    if not target.set_keys and not target.add_items:
        return change
    assert target.contact is not None
    try:
        old, fingerprint = read(target.path)
    except OSError as exc:
        change.action, change.reason = "skipped", f"cannot read {target.path}: {exc.strerror or exc}"
        return change
    set_keys = {k: stored_form(k, target.set_keys[k]) for k in FIELD_ORDER if k in target.set_keys}
    try:
        result = frontmatter_edit.edit(old, set_keys, target.add_items)
    except frontmatter_edit.EditError as exc:
        change.action, change.reason = "skipped", f"{target.path}: {exc}"
        return change
    before = dict(target.contact.front_matter)
    for key, reason in result.skipped:
        incoming_value = target.add_items.get(key, target.set_keys.get(key))
        change.conflicts.append(Conflict(target.path, key, display(before.get(key)),
                                         display(incoming_value), target.lines[0] if target.lines else 0,
                                         note=f"not added: {reason}"))
    expected: dict[str, Any] = {k: expected_json(v) for k, v in set_keys.items() if k in result.added}
    for key in result.extended:
        expected[key] = [*_as_list(before.get(key)), *(expected_json(v) for v in target.add_items[key])]
    if not result.changed:
        return change
    problem = verify(result.content, target.path, config, before=before, expected=expected,
                     log_entries=len(target.contact.log))
    if problem:
        change.action = "skipped"
        change.reason = f"netkit could not add the fields to {target.path} without changing its meaning ({problem})"
        return change
    change.action, change.old, change.new, change.fingerprint = "update", old, result.content, fingerprint
    change.changed_fields = tuple(k for k in FIELD_ORDER if k in expected)
    return change


def verify(
    data: bytes,
    path: str,
    config: Config,
    *,
    before: Mapping[str, Any],
    expected: Mapping[str, Any],
    log_entries: int | None,
) -> str | None:
    """Re-parse ``data``: None when it loads without errors, every key of ``before`` not in
    ``expected`` is unchanged, every key of ``expected`` reads back as given and the log has
    ``log_entries`` entries (unless None); else what is wrong."""
    contact, diags = contactfile.parse_contact(data, path, config)
    errors = [d for d in diags if d.is_error]
    if contact is None or errors:
        first = errors[0] if errors else None
        return f"{first.code}: {first.message}" if first else "it cannot be read as a contact"
    fm = contact.front_matter
    for key, value in before.items():
        if key not in expected and fm.get(key) != value:
            return f"`{key}` would change"
    for key, value in expected.items():
        if fm.get(key) != value:
            return f"`{key}` would read back as {fm.get(key)!r}, not {value!r}"
    if log_entries is not None and len(contact.log) != log_entries:
        return "the interaction log would change"
    return None


# ----------------------------------------------------------------------- rendering

_MARKDOWN_BLOCK = re.compile(r"^ {0,3}(#|`{3}|~{3}|[-=*_]{3,}[ \t]*$|>)")


def markdown_text(text: str) -> list[str]:
    """Imported free text as body lines that cannot form headings, fences or rules (which
    could hide or split the log section): such lines get a backslash escape."""
    lines = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = "".join(ch for ch in raw if ch == "\t" or ch >= " ").rstrip()
        lines.append("\\" + line.lstrip() if _MARKDOWN_BLOCK.match(line) else line)
    return lines


def render_new_contact(target: Target, config: Config) -> str:
    """The text (LF line endings) of a new contact file for ``target``, in design.md §3
    shape: front matter in :data:`FIELD_ORDER`, ``# Name``, imported notes and details,
    an empty ``## Log``."""
    lines = ["---"]
    for field in FIELD_ORDER:
        if field in target.set_keys:
            lines.extend(frontmatter_edit.render_field(field, stored_form(field, target.set_keys[field])))
    name = single_line(str(target.set_keys.get("name", "")))
    lines += ["---", f"# {name}", ""]
    for note in target.notes:
        lines += [*markdown_text(note), ""]
    if target.details:
        lines += [f"- {single_line(d)}" for d in target.details]
        lines.append("")
    lines.append(f"## {single_line(config.log_heading)}")
    return "\n".join(lines) + "\n"
