"""Likely duplicate contacts, and how to merge them without losing a byte. Pure.

Two contacts look like the same person when they share an email address or a LinkedIn URL,
or their names are near-identical: equal once case, accents and spacing are ignored (names
and aliases), or a :class:`difflib.SequenceMatcher` ratio of at least 0.92 with the same
first initial, or one name's words all among the other's (with at least two words:
"Ada Lovelace" and "Ada King Lovelace"). Names never pair two contacts whose LinkedIn URLs
differ: many people share a name, a profile is one person (``netkit import`` keeps them
apart by the same rule). Pairs join into groups.

In a group, the file **kept** is the one with the most log entries; ties go to the older
``met`` (a contact without one counts as newest), then to the path. Each other file is
merged into it (:func:`plan_merge`):

* fields the kept file lacks are copied over as the other file wrote them (its lines,
  quoting and comments), inserted before the closing ``---``;
* list fields (``aliases``, ``tags``, ``knows``, ``source``, ``email``, ``phone``) gain the
  other's items when that can be done by insertion only; the other's name (and aliases)
  become aliases of the kept contact, so links to it still resolve;
* other fields with different values are conflicts: reported, the kept value stays;
* the other's log — every entry with its continuation lines, and any other text in its
  log section — is appended, block by block, unless the same block is already there.

The command then moves the other file to ``.netkit/merged/<its path>``: nothing is deleted.
"""

from __future__ import annotations

import dataclasses
import difflib
import secrets
from collections.abc import Iterable, Sequence
from typing import Any

from netkit import contactfile, frontmatter_edit, logwriter
from netkit.formats.records import normalise_email, normalise_linkedin, normalise_url
from netkit.index import normalise
from netkit.merge import Conflict, display, item_key, same, verify
from netkit.model import Config, Contact

#: difflib ratio from which two names with the same first initial count as the same
SIMILARITY = 0.92
#: front-matter fields that are lists of items, merged item by item
LIST_FIELDS = ("aliases", "tags", "knows", "source", "email", "phone")
#: where merged-away files go, relative to the vault root
MERGED_DIR = ".netkit/merged"


@dataclasses.dataclass(frozen=True, slots=True)
class Match:
    """Why two contacts (by path) look like the same person."""

    a: str
    b: str
    reason: str


@dataclasses.dataclass
class Group:
    """Contacts that look like one person, the one to keep and the others."""

    contacts: list[Contact]
    matches: list[Match]

    @property
    def kept(self) -> Contact:
        """The file the others are merged into (see :func:`choose_kept`)."""
        return choose_kept(self.contacts)

    @property
    def others(self) -> list[Contact]:
        """Every contact of the group but the kept one, by path."""
        kept = self.kept
        return [c for c in self.contacts if c.path != kept.path]


def choose_kept(contacts: Sequence[Contact]) -> Contact:
    """More log entries first; then the older ``met`` (none = newest); then the path."""
    import datetime as dt

    return min(contacts, key=lambda c: (-len(c.log), c.met or dt.date.max, c.path))


# ---------------------------------------------------------------------------- finding


def _tokens(name: str) -> frozenset[str]:
    return frozenset(normalise(name).split())


def _similar(a: str, b: str) -> float | None:
    """The ratio when ``a`` and ``b`` (normalised names) are near-identical, else None."""
    if not a or not b or a[0] != b[0] or 2 * min(len(a), len(b)) < SIMILARITY * (len(a) + len(b)):
        return None  # different initials, or lengths too far apart for the ratio
    matcher = difflib.SequenceMatcher(None, a, b)
    if matcher.quick_ratio() < SIMILARITY:
        return None
    ratio = matcher.ratio()
    return ratio if ratio >= SIMILARITY else None


def _profile(url: str) -> str:
    return normalise_linkedin(url) or normalise_url(url) or url.strip()


_Q = 4


def _similar_name_pairs(names: Sequence[str]) -> list[tuple[int, int, float]]:
    """Index pairs ``(i, j, ratio)``, ``i < j``, of different names with the same initial and
    a difflib ratio of at least :data:`SIMILARITY`.

    Comparing every pair is quadratic; instead candidates come from an index of 4-grams,
    which finds every qualifying pair (pigeonhole): a ratio ``r`` means the two names differ
    by at most ``d = (1 - r)·(len a + len b)`` inserted or deleted characters, and with
    ``len b <= len a·(2 - r)/r`` that is ``d <= 2·len a·(1 - r)/r``. Cut ``a`` into ``d + 1``
    pieces: one piece is untouched by the edits and so appears, with every 4-gram in it, in
    ``b``. Each piece's rarest 4-gram is looked up; pieces shorter than 4 characters (names
    under 8 characters) fall back to every name of a similar length.
    """
    grams: dict[str, set[int]] = {}
    by_length: dict[int, set[int]] = {}
    for i, name in enumerate(names):
        by_length.setdefault(len(name), set()).add(i)
        for k in range(len(name) - _Q + 1):
            grams.setdefault(name[k : k + _Q], set()).add(i)
    out: dict[tuple[int, int], float] = {}
    stretch = (2 - SIMILARITY) / SIMILARITY
    for i, a in enumerate(names):
        edits = int(2 * len(a) * (1 - SIMILARITY) / SIMILARITY)
        if not a or edits == 0:
            continue  # too short to differ at all: only equal names, found elsewhere
        pieces = edits + 1
        cut = [len(a) * p // pieces for p in range(pieces + 1)]
        candidates: set[int] = set()
        for p in range(pieces):
            piece = a[cut[p] : cut[p + 1]]
            if len(piece) < _Q:
                for n in range(int(len(a) / stretch), int(len(a) * stretch) + 1):
                    candidates |= by_length.get(n, set())
                break
            rarest = min((piece[k : k + _Q] for k in range(len(piece) - _Q + 1)), key=lambda g: len(grams[g]))
            candidates |= grams[rarest]
        # the bound holds whichever of the two is shorter, so each pair is checked once
        low, high = len(a) / stretch, len(a) * stretch
        for j in candidates:
            b = names[j]
            if j <= i or b[:1] != a[:1] or not low <= len(b) <= high or a == b:
                continue
            ratio = _similar(a, b)
            if ratio is not None:
                out[(i, j)] = ratio
    return [(i, j, r) for (i, j), r in sorted(out.items())]


def find_groups(contacts: Sequence[Contact]) -> list[Group]:
    """Groups of likely duplicates, sorted by the kept contact's path."""
    by_path = {c.path: c for c in contacts}
    matches: dict[tuple[str, str], list[str]] = {}

    def pair(a: Contact, b: Contact, reason: str, *, by_name: bool = True) -> None:
        if a.path == b.path:
            return
        if by_name and a.linkedin and b.linkedin and _profile(a.linkedin) != _profile(b.linkedin):
            return  # a name is shared by many people; a LinkedIn profile is one person
        key = (a.path, b.path) if a.path < b.path else (b.path, a.path)
        reasons = matches.setdefault(key, [])
        if reason not in reasons:
            reasons.append(reason)

    def buckets(keyed: Iterable[tuple[str, Contact]], reason: str, by_name: bool) -> None:
        index: dict[str, list[Contact]] = {}
        for key, contact in keyed:
            if key and all(c.path != contact.path for c in index.get(key, [])):
                index.setdefault(key, []).append(contact)
        for key, group in index.items():
            for i, a in enumerate(group):
                for b in group[i + 1 :]:
                    pair(a, b, reason.format(key=key), by_name=by_name)

    buckets(((normalise_email(e), c) for c in contacts for e in c.emails), "same email {key}", False)
    buckets(((_profile(c.linkedin), c) for c in contacts if c.linkedin), "same LinkedIn URL {key}", False)
    buckets(((normalise(n), c) for c in contacts for n in (c.name, *c.aliases)), "same name", True)

    # similar names (difflib ratio, same initial): candidates from a q-gram index, see
    # _similar_name_pairs, so a vault of thousands of contacts is not compared pair by pair
    for i, j, ratio in _similar_name_pairs([normalise(c.name) for c in contacts]):
        pair(contacts[i], contacts[j], f"similar names ({ratio:.2f})")

    # one name's words all among the other's
    postings: dict[str, set[str]] = {}
    tokens = {c.path: _tokens(c.name) for c in contacts}
    for path, words in tokens.items():
        for w in words:
            postings.setdefault(w, set()).add(path)
    for path, words in tokens.items():
        if len(words) < 2:
            continue
        candidates = set.intersection(*(postings[w] for w in words))
        for other in candidates:
            if other != path and tokens[other] != words:
                pair(by_path[path], by_path[other], "one name's words are all in the other")
            elif other != path and normalise(by_path[path].name) != normalise(by_path[other].name):
                pair(by_path[path], by_path[other], "same words in another order")

    # union-find over the pairs
    parent = {c.path: c.path for c in contacts}

    def root(p: str) -> str:
        while parent[p] != p:
            parent[p] = parent[parent[p]]
            p = parent[p]
        return p

    for a, b in matches:
        parent[root(a)] = root(b)
    members: dict[str, list[Contact]] = {}
    for c in contacts:
        members.setdefault(root(c.path), []).append(c)
    groups = []
    for group in members.values():
        if len(group) < 2:
            continue
        paths = {c.path for c in group}
        found = [Match(a, b, "; ".join(r)) for (a, b), r in sorted(matches.items()) if a in paths]
        groups.append(Group(sorted(group, key=lambda c: c.path), found))
    groups.sort(key=lambda g: g.kept.path)
    return groups


# ---------------------------------------------------------------------------- merging


@dataclasses.dataclass
class MergeStep:
    """Merging ``other`` into ``kept``: the kept file's new bytes and what they add.

    ``result`` is None when nothing can be merged (``blocked`` says why); it equals the
    kept file's old bytes with insertions only.
    """

    kept: str
    other: str
    result: bytes | None
    added_fields: list[str] = dataclasses.field(default_factory=list)
    added_items: dict[str, list[Any]] = dataclasses.field(default_factory=dict)
    log_blocks: list[list[str]] = dataclasses.field(default_factory=list)
    conflicts: list[Conflict] = dataclasses.field(default_factory=list)
    blocked: str = ""

    @property
    def changes_kept(self) -> bool:
        """True when the kept file gains anything."""
        return bool(self.added_fields or self.added_items or self.log_blocks)


def log_blocks(raw: bytes, heading: str) -> list[list[str]]:
    """The log section's content as blocks of lines (no line endings): each top-level
    list item with its indented continuation lines, each fenced code block, each other
    non-blank line on its own. The heading and blank lines are not part of any block."""
    span = logwriter.find_log_section(raw, heading)
    if span is None:
        return []
    text = raw[span[0] : span[1]].decode("utf-8", errors="replace")
    lines = [ln.removesuffix("\r") for ln in text.split("\n")][1:]
    blocks: list[list[str]] = []
    current: list[str] | None = None
    fence: str | None = None
    for line in lines:
        stripped = line.lstrip(" ")
        if fence is not None:
            assert current is not None
            current.append(line)
            if stripped.startswith(fence) and not stripped[len(fence) :].strip(fence[0] + " \t"):
                fence, current = None, None
            continue
        if stripped.startswith(("```", "~~~")) and len(line) - len(stripped) <= 3:
            fence = stripped[: len(stripped) - len(stripped.lstrip(stripped[0]))]
            current = [line]
            blocks.append(current)
            continue
        if not line.strip():
            current = None
            continue
        if line[:1] in (" ", "\t") and current is not None:
            current.append(line)
            continue
        current = [line]
        blocks.append(current)
    return blocks


def block_key(block: Sequence[str]) -> str:
    """How blocks are compared: whitespace collapsed in every line."""
    return "\n".join(" ".join(line.split()) for line in block)


def append_block(content: bytes, block: Sequence[str], heading: str) -> bytes:
    """``content`` with ``block`` appended to its log, exactly where
    :func:`netkit.logwriter.append_log_entry` would put a one-line entry; only bytes are
    inserted, and continuation lines keep their indentation."""
    placeholder = f"netkit-block-{secrets.token_hex(8)}"
    k, inserted = logwriter.insertion_point(content, placeholder, heading)
    nl = logwriter.newline_of(content)
    payload = nl.join(line.encode("utf-8") for line in block)
    return content[:k] + inserted.replace(placeholder.encode(), payload, 1) + content[k:]


def _raw_lines(text: str, layout: frontmatter_edit.Layout, key: str) -> frontmatter_edit.RawLines | None:
    """The lines of ``key`` in a front matter exactly as written (key line to value end)."""
    found = layout.key_nodes().get(key)
    if found is None:
        return None
    key_node, value_node = found
    if key_node.start_mark.column != 0:
        return None
    start = layout.offset(key_node.start_mark.index)
    end = layout.offset(value_node.end_mark.index)
    if value_node.end_mark.column != 0 or end == start:
        nl = text.find("\n", end)
        end = len(text) if nl < 0 else nl + 1
    chunk = text[start:end]
    lines = [ln.removesuffix("\r") for ln in chunk.split("\n")]
    if lines and lines[-1] == "":
        lines.pop()
    return frontmatter_edit.RawLines(tuple(lines)) if lines else None


def plan_merge(kept_raw: bytes, other_raw: bytes, kept_path: str, other_path: str, config: Config) -> MergeStep:
    """Merge the file ``other_raw`` into ``kept_raw`` (see the module docstring).

    Both must parse without errors, or the step is blocked; the result is re-parsed and
    must keep every value of the kept file, read back every added one and hold every log
    entry of both files, or the step is blocked too.
    """
    step = MergeStep(kept_path, other_path, None)
    parsed = []
    for raw, path in ((kept_raw, kept_path), (other_raw, other_path)):
        contact, diags = contactfile.parse_contact(raw, path, config)
        errors = [d for d in diags if d.is_error]
        if contact is None or errors:
            step.blocked = f"{path} has {len(errors) or 1} error(s); fix them first (`netkit check`)"
            return step
        parsed.append(contact)
    kept, other = parsed
    kfm, ofm = kept.front_matter, other.front_matter
    other_text = other_raw.decode("utf-8")
    try:
        other_layout = frontmatter_edit.locate(other_text)
    except frontmatter_edit.EditError as exc:
        step.blocked = f"{other_path}: {exc}"
        return step

    set_keys: dict[str, Any] = {}
    expected: dict[str, Any] = {}
    add_items: dict[str, list[Any]] = {}
    # the other's name and aliases become aliases, so [[links]] to it keep resolving
    known_names = {normalise(kept.name), *(normalise(a) for a in kept.aliases)}
    new_aliases: list[str] = []
    for name in (other.name, *other.aliases):
        if normalise(name) and normalise(name) not in known_names:
            known_names.add(normalise(name))
            new_aliases.append(name)
    if new_aliases:
        if kfm.get("aliases") is None:
            set_keys["aliases"] = new_aliases
            expected["aliases"] = list(new_aliases)
        else:
            add_items["aliases"] = new_aliases

    for key, value in ofm.items():
        if value is None or key in ("name", "aliases"):
            continue
        current = kfm.get(key)
        if current is None:
            # copied as the other file wrote it (quoting, comments); rendered if that fails
            lines = _raw_lines(other_text, other_layout, key)
            set_keys[key] = lines if lines is not None else value
            expected[key] = value
        elif key in LIST_FIELDS:
            have = {item_key(key, v) for v in _as_list(current)}
            fresh = [v for v in _as_list(value) if item_key(key, v) not in have]
            if fresh:
                add_items[key] = fresh
        elif not same(key, current, value):
            step.conflicts.append(Conflict(kept_path, key, display(current), display(value), other=other_path))

    content = kept_raw
    if set_keys or add_items:
        try:
            edit = frontmatter_edit.edit(content, set_keys, add_items)
        except frontmatter_edit.EditError as exc:
            step.blocked = f"{kept_path}: {exc}"
            return step
        content = edit.content
        for key, reason in edit.skipped:
            value = add_items.get(key, ofm.get(key))
            step.conflicts.append(Conflict(kept_path, key, display(kfm.get(key)), display(value),
                                           note=f"not added: {reason}", other=other_path))
            expected.pop(key, None)
        step.added_fields = [k for k in edit.added]
        for key in edit.extended:
            step.added_items[key] = add_items[key]
            expected[key] = [*_as_list(kfm.get(key)), *add_items[key]]
        expected = {k: v for k, v in expected.items() if k in edit.added or k in edit.extended}

    have_blocks = {block_key(b) for b in log_blocks(kept_raw, config.log_heading)}
    for block in log_blocks(other_raw, config.log_heading):
        key = block_key(block)
        if key in have_blocks:
            continue
        have_blocks.add(key)
        content = append_block(content, block, config.log_heading)
        step.log_blocks.append(block)

    if not step.changes_kept:
        step.result = kept_raw
        return step
    problem = _check(content, kept, other, kfm, expected, config)
    if problem:
        step.blocked = f"the merged {kept_path} would not read back correctly ({problem})"
        return step
    step.result = content
    return step


def _check(content: bytes, kept: Contact, other: Contact, before: dict[str, Any] | Any,
           expected: dict[str, Any], config: Config) -> str | None:
    """Front matter as planned (see :func:`netkit.merge.verify`) and every log entry of
    both files present."""
    problem = verify(content, kept.path, config, before=before, expected=expected, log_entries=None)
    if problem:
        return problem
    merged, _ = contactfile.parse_contact(content, kept.path, config)
    assert merged is not None  # verify() accepted it
    have = {_entry_key(e) for e in merged.log}
    missing = [e for e in (*kept.log, *other.log) if _entry_key(e) not in have]
    if missing:
        return f"the log entry of {missing[0].date} would be lost"
    return None


def _entry_key(entry: Any) -> tuple[Any, ...]:
    return (entry.date, " ".join(entry.text.split()), entry.fields)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def merged_destination(other_path: str, exists: Any) -> str:
    """``.netkit/merged/<path>``; ``<stem>.2.md``, ``.3`` ... when that is taken."""
    base = f"{MERGED_DIR}/{other_path}"
    if not exists(base):
        return base
    stem = base[:-3] if base.endswith(".md") else base
    n = 2
    while exists(f"{stem}.{n}.md"):
        n += 1
    return f"{stem}.{n}.md"
