"""Byte-preserving edits of contact files: log entries, new contact files, file-name slugs.

design.md §5: netkit never rewrites a user's file wholesale. Appending a log entry only
*inserts* bytes: for the ``content`` read from disk, the new file is always
``content[:k] + inserted + content[k:]`` (see :func:`insertion_point`). Line endings, the
BOM, front matter, comments and everything else stay byte-identical.

Everything here is pure (bytes/str in, bytes/str out); writing goes through
:mod:`netkit.fileio`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Sequence

import yaml

BOM = b"\xef\xbb\xbf"

# ------------------------------------------------------------------ formatting entries


def single_line(text: str) -> str:
    """Collapse ``text`` to one line: every line break / whitespace run becomes one space.

    ``str.split()`` also splits on the exotic breaks (``\\v``, ``\\f``, ``\\x1c``-``\\x1e``,
    ``\\x85``, U+2028, U+2029) that ``str.splitlines`` honours, so a readback of the file
    can never see two lines where we wrote one. Other control characters are dropped.
    """
    cleaned = "".join(ch for ch in text if ch.isspace() or unicodedata.category(ch) != "Cc")
    return " ".join(cleaned.split())


def format_log_entry(
    date: dt.date,
    text: str,
    *,
    channel: str | None = None,
    by: str | None = None,
    gave: str | None = None,
    got: str | None = None,
    reply: bool | str | None = None,
) -> str:
    """One log line, without a newline: ``- YYYY-MM-DD text [channel:: x] [by:: me] ...``.

    Fields appear in the order channel, by, gave, got, reply, and only when given. ``reply``
    accepts a bool or ``"yes"``/``"no"``. Text and values are collapsed to a single line.
    """
    parts = [f"- {date.isoformat()}"]
    body = single_line(text)
    if body:
        parts.append(body)
    reply_text: str | None
    if isinstance(reply, bool):
        reply_text = "yes" if reply else "no"
    else:
        reply_text = reply
    for key, value in (
        ("channel", channel),
        ("by", by),
        ("gave", gave),
        ("got", got),
        ("reply", reply_text),
    ):
        if value is None:
            continue
        value = single_line(value)
        if value:
            parts.append(f"[{key}:: {value}]")
    return " ".join(parts)


# ------------------------------------------------------------------- reading structure


@dataclasses.dataclass(frozen=True, slots=True)
class _Line:
    start: int  # byte offset of the first byte of the line
    end: int  # byte offset just past the line's text (before its line ending)
    next: int  # byte offset just past the line ending (== end on an unterminated last line)
    text: str  # decoded text, without the line ending

    @property
    def terminated(self) -> bool:
        return self.next > self.end

    @property
    def blank(self) -> bool:
        return not self.text.strip()


def _split_lines(content: bytes, start: int) -> list[_Line]:
    """Lines of ``content[start:]`` with byte offsets; ``\\n`` ends a line (``\\r`` is kept
    out of the text, so CRLF and LF files look the same)."""
    lines: list[_Line] = []
    pos = start
    size = len(content)
    while pos < size:
        nl = content.find(b"\n", pos)
        if nl < 0:
            end = nxt = size
        else:
            end, nxt = nl, nl + 1
        text_end = end - 1 if end > pos and content[end - 1 : end] == b"\r" else end
        # errors="replace": headings are ASCII-structured; a stray invalid byte elsewhere
        # must not stop us finding them, and we never re-encode this text
        text = content[pos:text_end].decode("utf-8", errors="replace")
        lines.append(_Line(pos, end, nxt, text))
        pos = nxt
    return lines


def newline_of(content: bytes) -> bytes:
    """The file's newline convention: CRLF if its first line ending is CRLF, else LF."""
    nl = content.find(b"\n")
    if nl > 0 and content[nl - 1 : nl] == b"\r":
        return b"\r\n"
    return b"\n"


def _is_fm_open(text: str) -> bool:
    return text.rstrip(" \t") == "---"


def _is_fm_close(text: str) -> bool:
    # YAML's document-end marker "..." also closes front matter (as in netkit.document)
    return text.rstrip(" \t") in ("---", "...")


def _body_start_line(lines: Sequence[_Line]) -> int:
    """Index of the first body line: after the front matter when the file starts with one.

    Front matter is a first line ``---`` and the next ``---`` (or ``...``) line. Without a
    closing line there is no front matter (as in Obsidian: the first line is then a thematic
    break), and the whole file is body.
    """
    if not lines or not _is_fm_open(lines[0].text):
        return 0
    for i in range(1, len(lines)):
        if _is_fm_close(lines[i].text):
            return i + 1
    return 0


_ATX_RE = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$")
_CLOSING_HASHES_RE = re.compile(r"(?:^|[ \t]+)#+$")
_FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")


def parse_atx_heading(text: str) -> tuple[int, str] | None:
    """``(level, text)`` for a CommonMark ATX heading line, else None.

    ``## Log ##`` has the text ``Log``; ``#Log`` is not a heading; up to 3 spaces of
    indentation are allowed (4 would be an indented code block).
    """
    m = _ATX_RE.match(text)
    if not m:
        return None
    title = _CLOSING_HASHES_RE.sub("", m.group(2) or "").strip()
    return len(m.group(1)), title


def _scan(lines: Sequence[_Line], first: int) -> tuple[list[tuple[int, int, str]], str | None]:
    """Headings ``(line index, level, text)`` from line ``first`` on, and the fence still
    open at the end of the file (None if all fences are closed).

    Headings in fenced code blocks are skipped (``` or ~~~; a fence closes with the same
    character, at least as long, and no info string; an unclosed fence runs to the end of
    the file, as in CommonMark).
    """
    headings: list[tuple[int, int, str]] = []
    fence: str | None = None
    for i in range(first, len(lines)):
        text = lines[i].text
        m = _FENCE_RE.match(text)
        if fence is not None:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) and not m.group(2).strip():
                fence = None
            continue
        # (a backtick fence's info string may not contain backticks: CommonMark)
        if m and not (m.group(1)[0] == "`" and "`" in m.group(2)):
            fence = m.group(1)
            continue
        heading = parse_atx_heading(text)
        if heading is not None:
            headings.append((i, heading[0], heading[1]))
    return headings, fence


def find_log_section(content: bytes, log_heading: str = "Log") -> tuple[int, int] | None:
    """Byte range ``(start, stop)`` of the log section: from the start of the first body
    heading whose text equals ``log_heading`` (case-insensitively, any level) to the start
    of the next heading of the same or a higher level, or the end of the file. None when
    the body has no such heading."""
    lines = _split_lines(content, len(BOM) if content.startswith(BOM) else 0)
    span = _log_section_lines(_scan(lines, _body_start_line(lines))[0], len(lines), log_heading)
    if span is None:
        return None
    first, stop = span
    return lines[first].start, lines[stop].start if stop < len(lines) else len(content)


def _log_section_lines(
    headings: Iterable[tuple[int, int, str]], line_count: int, log_heading: str
) -> tuple[int, int] | None:
    """``(heading line, stop line)`` of the first log section, or None."""
    wanted = log_heading.strip().casefold()
    level = None
    first = -1
    for i, lvl, title in headings:
        if level is None:
            if title.casefold() == wanted:
                level, first = lvl, i
        elif lvl <= level:
            return first, i
    if level is None:
        return None
    return first, line_count


# ---------------------------------------------------------------------- appending


def insertion_point(content: bytes, entry: str, log_heading: str = "Log") -> tuple[int, bytes]:
    """Where and what to insert so that ``entry`` becomes the last item of the log.

    Returns ``(k, inserted)``; the new file is exactly ``content[:k] + inserted +
    content[k:]``, which is the whole data-safety invariant of this module.

    * The log section is the first body heading (any level ``#``..``######``, outside
      fenced code, after the front matter) whose text is ``log_heading``,
      case-insensitively; it ends at the next heading of the same or higher level.
    * The entry goes right after the section's last non-blank line, so blank lines that
      separate the section from the next heading stay after it.
    * Without a log heading, ``## <log_heading>`` and the entry are appended at the end of
      the file, after a blank line (none in an empty file or after an existing blank
      line); the heading is directly followed by the entry, like design.md §3.
    * Added lines use the file's newline convention (:func:`newline_of`).
    * If the place we add to is inside a fenced code block that is never closed, a closing
      fence line is inserted first, so the entry is a list item and not code.
    * Final newline: an entry inserted before other content ends with a newline. At the end
      of a file that has no final newline, the file's convention is kept: a newline is
      added *before* the new line and none after it (the old last line gets the newline it
      needs; the new last line has none, like the old one).
    """
    entry = entry.rstrip("\r\n")
    if "\n" in entry or "\r" in entry:
        raise ValueError("a log entry must be a single line")
    nl = newline_of(content)
    payload = entry.encode("utf-8")
    offset = len(BOM) if content.startswith(BOM) else 0
    lines = _split_lines(content, offset)
    headings, open_fence = _scan(lines, _body_start_line(lines))
    span = _log_section_lines(headings, len(lines), log_heading)
    # A fenced code block the user never closed runs to the end of the file; anything we
    # add after it would be code, invisible to the log parser. Closing it first renders
    # exactly as before (an unclosed fence ends at the end of the document anyway).
    close = b"" if open_fence is None else open_fence.encode("utf-8") + nl

    if span is not None:
        first, stop = span
        last = first
        for i in range(first, stop):
            if not lines[i].blank:
                last = i
        anchor = lines[last]
        if stop < len(lines):
            close = b""  # the section ends at a heading, so any fence in it was closed
        if anchor.terminated:
            return anchor.next, close + payload + nl
        # the anchor is the file's unterminated last line
        return anchor.next, nl + close + payload

    heading = f"## {single_line(log_heading)}".encode()
    block = heading + nl + payload
    if not lines:  # empty file (possibly just a BOM)
        return len(content), block + nl
    tail = lines[-1]
    if not tail.terminated:
        # no final newline: end the old last line, separate, keep "no final newline"
        sep = nl if tail.blank and not close else nl + close + nl
        return len(content), sep + block
    sep = b"" if tail.blank and not close else close + nl
    return len(content), sep + block + nl


def append_log_entry(content: bytes, entry: str, log_heading: str = "Log") -> bytes:
    """The file's new bytes with ``entry`` appended to its log; only bytes are added.

    ``content`` is the file exactly as read (BOM, CRLF and all); ``entry`` is one line,
    e.g. from :func:`format_log_entry`. See :func:`insertion_point` for where it goes and
    the final-newline rule.
    """
    k, inserted = insertion_point(content, entry, log_heading)
    return content[:k] + inserted + content[k:]


# ------------------------------------------------------------------------ new files

#: characters that survive into a slug besides letters, digits and combining marks
_SLUG_KEEP = "-_."
#: dropped outright rather than turned into a separator ("O'Brien" -> "obrien")
_SLUG_DROP = "'\u2019\u2018\"`\u00b4"
#: Latin letters NFKD does not decompose to ASCII
_SLUG_ASCII = {
    "ß": "ss",
    "æ": "ae",
    "Æ": "AE",
    "œ": "oe",
    "Œ": "OE",
    "ø": "o",
    "Ø": "O",
    "đ": "d",
    "Đ": "D",
    "ł": "l",
    "Ł": "L",
    "þ": "th",
    "Þ": "TH",
    "ð": "d",
    "Ð": "D",
    "ı": "i",
}
_WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"}
    | {f"com{i}" for i in range(1, 10)}
    | {f"lpt{i}" for i in range(1, 10)}
)
SLUG_MAX_CHARS = 100
#: ext4/APFS/NTFS limit names to 255 bytes/units; leave room for ".md" and "-2" suffixes
SLUG_MAX_BYTES = 200


def _ascii_fold(ch: str) -> str:
    """Latin letters with accents -> ASCII; any other character unchanged."""
    if ch in _SLUG_ASCII:
        return _SLUG_ASCII[ch]
    decomposed = unicodedata.normalize("NFKD", ch)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    if base and base.isascii():
        return base
    return ch  # Cyrillic, CJK, Arabic, ...: keep the letter itself (never an empty slug)


def slugify(name: str) -> str:
    """A safe file stem (without ``.md``) for a new contact named ``name``.

    Accented Latin letters become ASCII (``José`` -> ``jose``) but other scripts are kept
    (``Пётр`` -> ``пётр``, ``王小明`` -> ``王小明``); the result is lowercase, words are
    joined by ``-``. Path separators, ``..``, control and format characters, the characters
    Windows forbids (``:*?"<>|``) and those that break Obsidian links (``#^[]``) never
    survive; there are no leading or trailing dots. Windows device names (``con``,
    ``lpt1`` ...) get ``-contact`` appended. At most 100 characters and 200 UTF-8 bytes.
    Never empty (``contact``), never contains ``/`` or ``\\``.
    """
    text = unicodedata.normalize("NFC", name)
    out: list[str] = []
    for ch in text:
        if ch in _SLUG_DROP:
            continue
        for c in _ascii_fold(ch):
            cat = unicodedata.category(c)
            if cat[0] in "LNM" or c in _SLUG_KEEP:
                out.append(c.lower())
            else:
                out.append("-")  # spaces, punctuation, separators, controls, symbols
    slug = unicodedata.normalize("NFC", "".join(out))
    slug = re.sub(r"\.{2,}", ".", slug)  # no ".." anywhere
    slug = re.sub(r"[-_.]*-[-_.]*", "-", slug)  # one separator between words
    slug = _trim(slug)
    if len(slug) > SLUG_MAX_CHARS:
        slug = _trim(slug[:SLUG_MAX_CHARS])
    while len(slug.encode("utf-8")) > SLUG_MAX_BYTES:
        slug = _trim(slug[:-1])
    if not slug:
        return "contact"
    stem, dot, rest = slug.partition(".")
    if stem in _WINDOWS_RESERVED:
        # Windows reserves "CON" and also "CON.anything"
        slug = f"{stem}-contact{dot}{rest}"
    return slug


def _trim(slug: str) -> str:
    # leading dots make hidden files; trailing dots/spaces are invalid on Windows
    return slug.strip("-_.")


_PLAIN_SCALAR_RE = re.compile(r"[A-Za-z][A-Za-z0-9 _.\-]*[A-Za-z0-9]|[A-Za-z]")
#: YAML 1.1 booleans PyYAML reads as strings but other tools (Obsidian, yq) may not
_YAML11_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})


def yaml_scalar(value: str) -> str:
    """``value`` as a YAML scalar that loads back as exactly that string.

    Plain when that is provably safe (letters, digits, spaces, ``-_.``, and PyYAML does not
    read it as a bool/null/number: ``No``, ``null``, ``123`` get quoted), otherwise a
    double-quoted scalar with backslash escapes for ``"``, ``\\`` and non-printable
    characters. Printable non-ASCII stays as is (Obsidian shows it verbatim).
    """
    if (
        _PLAIN_SCALAR_RE.fullmatch(value)
        and value.lower() not in _YAML11_WORDS
        and yaml.safe_load(value) == value
    ):
        return value
    return yaml_double_quote(value)


_YAML_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\0": "\\0"}


def yaml_double_quote(value: str) -> str:
    """A YAML double-quoted scalar for ``value`` (always quoted)."""
    out = ['"']
    for ch in value:
        if ch in _YAML_ESCAPES:
            out.append(_YAML_ESCAPES[ch])
        elif ch == " " or (ch.isprintable() and ch != "\ufeff"):
            out.append(ch)
        else:
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
    out.append('"')
    return "".join(out)


def new_contact_text(
    name: str,
    tier: int | None,
    tags: Sequence[str],
    today: dt.date,
    log_heading: str = "Log",
) -> str:
    """The text (LF line endings) of a new contact file, in the design.md §3 shape::

        ---
        name: Ada Lovelace
        tier: 1
        tags:
          - mentor
        status: active
        met: 2026-01-01
        ---
        # Ada Lovelace

        ## Log

    ``tier`` and ``tags`` are omitted when None/empty. Scalars are quoted only where YAML
    would misread them (see :func:`yaml_scalar`), so ``yaml.safe_load`` of the front matter
    gives back exactly ``name``, ``tier`` and ``tags``. The name is collapsed to one line.
    """
    clean_name = single_line(name)
    lines = ["---", f"name: {yaml_scalar(clean_name)}"]
    if tier is not None:
        lines.append(f"tier: {int(tier)}")
    if tags:
        lines.append("tags:")
        lines.extend(f"  - {yaml_scalar(single_line(tag))}" for tag in tags)
    lines += [
        "status: active",
        f"met: {today.isoformat()}",
        "---",
        f"# {clean_name}",
        "",
        f"## {single_line(log_heading)}",
    ]
    return "\n".join(lines) + "\n"
