"""Touchpoints from the rest of the vault: dated notes that link to contacts.

A Markdown note *outside* the contacts and pages folders counts as a touchpoint with every
contact it links to, on the note's date, like a log entry with channel ``note``:

* the date is the front-matter ``date:`` (a YAML date, a date-time, or an ISO string such as
  ``"2026-11-03"`` / ``2026-11-03T10:00``), else a ``YYYY-MM-DD`` at the start of the file
  name (``2026-11-03.md``, ``2026-11-03 Meeting with Ada.md``: daily notes and meeting notes);
* ``created:`` is deliberately **not** a date source: plugins stamp it on every new note
  (reading lists, project pages, people indexes), which would turn each such note into a
  touchpoint with everyone it mentions;
* links are the ``[[wikilinks]]`` of the body and of the front-matter values
  (``attendees: ["[[Ada Lovelace]]"]``); links in code blocks, inline code and ``%%comments%%``
  and embeds (``![[...]]``) are not mentions;
* a note is not a contact file, so netkit never reports problems in it: a note whose front
  matter is not valid YAML is read without it (its date then comes from the file name only,
  its links from the body only).

Layout: :func:`notes_settings` and :func:`parse_note` / :func:`note_touchpoints` /
:func:`with_note_touchpoints` are pure; :func:`discover_notes`, :func:`read_note` and
:func:`load_notes` are the small I/O part, for the loader.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from netkit import document
from netkit.diagnostics import Diagnostic
from netkit.index import ContactIndex
from netkit.links import LinkResolver
from netkit.model import Config, Contact, Link, LogEntry
from netkit.notesfind import (  # noqa: F401 - re-exported: the public home of these names
    ALWAYS_EXCLUDED,
    NotesSettings,
    _folders,
    _join,
    _within,
    discover_notes,
    notes_settings,
    obsidian_template_folders,
)
from netkit.yamlsource import load_mapping

#: notes larger than this are skipped (a touchpoint note is a page, not a book)
MAX_NOTE_BYTES = 4 * 1024 * 1024
#: the front-matter key holding a note's date
DATE_KEY = "date"

_NAME_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?![\d])")
_ISO_PREFIX = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})(?:$|[Tt ])")
_DATE_KEY_LINE = re.compile(r"^date[ \t]*:", re.MULTILINE)
# like logbook.WIKILINK, but the display part is kept (titles show it) and ``!`` is seen
_LINK = re.compile(r"(!?)\[\[([^\[\]|#]*)((?:[#|][^\[\]]*)?)\]\]")
_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1")


# --------------------------------------------------------------------------- settings


# --------------------------------------------------------------------------- parsing


@dataclasses.dataclass(frozen=True, slots=True)
class Note:
    """A dated note that links to something.

    ``links`` are in file order; a link's ``field`` is ``"body"`` or the front-matter key it
    stands under. ``date_source`` is ``"front matter"`` or ``"file name"``.
    """

    path: str
    date: dt.date
    title: str
    links: tuple[Link, ...]
    date_source: str = "file name"

    def to_json(self) -> dict[str, Any]:
        """A JSON-able form (for the index cache)."""
        return {
            "path": self.path,
            "date": self.date.isoformat(),
            "title": self.title,
            "date_source": self.date_source,
            "links": [[ln.target, ln.field, ln.line, ln.column] for ln in self.links],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Note:
        """Inverse of :meth:`to_json`."""
        return cls(
            path=data["path"],
            date=dt.date.fromisoformat(data["date"]),
            title=data["title"],
            links=tuple(Link(t, f, int(ln), int(col)) for t, f, ln, col in data["links"]),
            date_source=data.get("date_source", "file name"),
        )


def date_from_file_name(path: str) -> dt.date | None:
    """``2026-11-03`` from ``journal/2026-11-03.md`` or ``2026-11-03 Meeting with Ada.md``."""
    name = path.rsplit("/", 1)[-1]
    m = _NAME_DATE.match(name)
    return _make_date(m) if m else None


def _make_date(m: re.Match[str]) -> dt.date | None:
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def date_value(value: Any) -> dt.date | None:
    """A front-matter date: a YAML date or date-time, or a string starting ``YYYY-MM-DD``."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        m = _ISO_PREFIX.match(value)
        return _make_date(m) if m else None
    return None


def parse_note(raw: bytes, path: str) -> Note | None:
    """Parse one note; None when it is not a touchpoint source (no date, or no links).

    Pure and cheap for the common case: a file without ``[[`` is rejected before it is
    even decoded, and YAML is parsed only when the front matter has a ``date:`` key or a
    link. Never raises.
    """
    if b"[[" not in raw or len(raw) > MAX_NOTE_BYTES or b"\x00" in raw:
        return None
    name_date = date_from_file_name(path)
    # a note is not netkit's to judge: undecodable bytes become U+FFFD, links still count
    text = raw.decode("utf-8", errors="replace").removeprefix(document.BOM)
    doc, _ = document.split(text, path)
    if doc is None:
        # unterminated front matter: Obsidian shows the whole file as text, so do we
        doc = document.Document(text, None, 0, text, 1)

    date, date_source = name_date, "file name"
    fm_links: list[Link] = []
    fm = doc.front_matter
    if fm is not None and ("[[" in fm or _DATE_KEY_LINE.search(fm)):
        # load_mapping never raises; it also refuses aliases, tags and huge documents
        loaded = load_mapping(fm, path=path, file_text=text, line_offset=doc.fm_line - 1)
        if loaded.ok:
            field = loaded.fields.get(DATE_KEY)
            fm_date = date_value(field.value) if field is not None else None
            if fm_date is not None:
                date, date_source = fm_date, "front matter"
            fm_links = _front_matter_links(fm, doc.fm_line)
    if date is None:
        return None
    body_links, title = _scan_body(doc.body, doc.body_line)
    links = fm_links + body_links
    if not links:
        return None
    stem = path.rsplit("/", 1)[-1]
    stem = stem[:-3] if stem.lower().endswith(".md") else stem
    return Note(path, date, title or stem, tuple(links), date_source)


def _front_matter_links(fm: str, fm_line: int) -> list[Link]:
    """Links in front-matter values, found in the text so that columns are exact.

    Scanning the text also catches the unquoted ``attendees: [[Ada]]`` that YAML reads as a
    nested list: the intent is plain. Comment lines are skipped.
    """
    links: list[Link] = []
    key = ""
    for offset, line in enumerate(fm.split("\n")):
        stripped = line.lstrip()
        if not line.startswith((" ", "\t", "-")) and ":" in line and not stripped.startswith("#"):
            key = line.split(":", 1)[0].strip()
        if "[[" not in line or stripped.startswith("#"):
            continue
        for m in _LINK.finditer(line):
            target = m.group(2).rstrip("\\").strip()
            if m.group(1) or not target:
                continue
            links.append(Link(target, key or "front matter", fm_line + offset, m.start() + 1))
    return links


def _scan_body(body: str, body_line: int) -> tuple[list[Link], str]:
    """Body links (outside code and comments, embeds excluded) and the first heading's text."""
    links: list[Link] = []
    title = ""
    fence: str | None = None
    in_comment = False
    for offset, line in enumerate(body.split("\n")):
        if fence is not None or line.lstrip(" ")[:1] in ("`", "~"):
            fm = _FENCE.match(line)
            if fm:
                marker = fm.group(1)
                if fence is None:
                    fence = marker[0] * 3
                elif marker.startswith(fence):
                    fence = None
                continue
            if fence is not None:
                continue
        if "%%" in line or in_comment:
            line, in_comment = _blank_comments(line, in_comment)
        if not title and line.lstrip(" ").startswith("#"):
            hm = _HEADING.match(line)
            if hm:
                title = _display(hm.group(1)).strip()
        if "[[" not in line:
            continue
        if "`" in line:
            line = _INLINE_CODE.sub(lambda m: " " * len(m.group(0)), line)
        for m in _LINK.finditer(line):
            target = m.group(2).rstrip("\\").strip()
            if m.group(1) or not target:
                continue  # an embed shows a note; it does not mention a person
            links.append(Link(target, "body", body_line + offset, m.start() + 1))
    return links, title


def _blank_comments(line: str, in_comment: bool) -> tuple[str, bool]:
    """Blank out Obsidian ``%%comments%%`` (which may span lines), keeping columns."""
    out = []
    i = 0
    while i < len(line):
        j = line.find("%%", i)
        if j < 0:
            out.append(" " * (len(line) - i) if in_comment else line[i:])
            break
        out.append(" " * (j - i + 2) if in_comment else line[i:j] + "  ")
        in_comment = not in_comment
        i = j + 2
    return "".join(out), in_comment


def _display(text: str) -> str:
    """Heading text with links shown as Obsidian shows them: ``[[a|b]]`` → ``b``."""
    def show(m: re.Match[str]) -> str:
        extra = m.group(3)
        return extra[1:] if extra.startswith("|") else m.group(2)

    return _LINK.sub(show, text)


# --------------------------------------------------------------------------- touchpoints


def note_touchpoints(
    notes: Iterable[Note], index: ContactIndex, *, resolver: LinkResolver | None = None
) -> dict[str, list[LogEntry]]:
    """Contact path → touchpoints from notes, oldest first.

    One entry per (note, contact), however often the note links to that person, with the
    line of the first link; a contact's own file never counts as a note about itself.
    Unresolved and ambiguous links are skipped silently: notes link to books and projects
    too, and that is not an error.
    """
    resolver = resolver or LinkResolver.for_index(index)
    out: dict[str, list[LogEntry]] = {}
    for note in sorted(notes, key=lambda n: n.path):
        seen: set[str] = set()
        for link in sorted(note.links, key=lambda ln: (ln.line, ln.column)):
            contact = resolver.contact_for(link.target, note.path)
            if contact is None or contact.path == note.path or contact.path in seen:
                continue
            seen.add(contact.path)
            out.setdefault(contact.path, []).append(
                LogEntry(date=note.date, text=note.title, line=link.line, channel="note", source=note.path)
            )
    for entries in out.values():
        entries.sort(key=lambda e: (e.date, e.source or ""))
    return dict(sorted(out.items()))


def with_note_touchpoints(
    contacts: Iterable[Contact],
    touchpoints: Mapping[str, Sequence[LogEntry]],
    *,
    collapse_same_day: bool = True,
) -> list[Contact]:
    """The contacts with their note touchpoints merged into ``log`` (sorted by date).

    With ``collapse_same_day`` (the default) a note adds nothing on a day the contact's
    own log already has an entry, and several notes on one day count once: a meeting
    written up in the journal *and* in the log is one touchpoint, and counting it twice would
    inflate the frequency indicator. On equal dates note entries sort before log entries so
    that a log entry, with its channel and direction, is the one ``last_touchpoint`` picks.
    """
    out: list[Contact] = []
    for contact in contacts:
        extra = list(touchpoints.get(contact.path, ()))
        if not extra:
            out.append(contact)
            continue
        if collapse_same_day:
            taken = {e.date for e in contact.log}
            kept: list[LogEntry] = []
            for entry in extra:
                if entry.date not in taken:
                    taken.add(entry.date)
                    kept.append(entry)
            extra = kept
        if not extra:
            out.append(contact)
            continue
        log = sorted((*contact.log, *extra), key=lambda e: (e.date, e.source is None, e.line))
        out.append(dataclasses.replace(contact, log=tuple(log)))
    return out


# --------------------------------------------------------------------------- I/O


def read_note(root: Path, rel: str) -> Note | None:
    """Read and parse one note; an unreadable note is skipped (it is not a contact)."""
    from netkit.loader import FileTooLarge, read_capped

    try:
        raw = read_capped(os.path.join(root, rel), MAX_NOTE_BYTES)
    except (OSError, FileTooLarge):  # unreadable, not a regular file, too large to be a note
        return None
    return parse_note(raw, rel)


def load_notes(root: Path, config: Config) -> tuple[list[Note], list[Diagnostic]]:
    """Discover, read and parse every note; the diagnostics are the ``notes:`` settings' own."""
    settings = notes_settings(config)
    notes = [n for rel in discover_notes(root, config, settings) if (n := read_note(root, rel)) is not None]
    return notes, list(settings.diagnostics)


def _register_for_cache() -> None:
    # the cross-file layer's record (netkit.loader) stores notes: let the cache hold them
    from netkit import cache

    cache.allow_class(Note)


_register_for_cache()
