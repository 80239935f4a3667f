"""The records every importer produces, the problems it reports, and shared normalisers.

An importer turns one external format into :class:`ImportedPerson` values, one per person
found, plus :class:`ParseProblem` values for whatever it had to skip or guess. Nothing here
touches the vault: matching imported people with existing contacts and writing files is the
merge layer's job, and it uses :func:`normalise_name`, :func:`normalise_email` and
:func:`normalise_linkedin` so that the same person is recognised across formats.

Problem codes used by the parsers (severity in brackets):

* ``import.no-rows`` (error) — the input holds no person at all;
* ``import.no-header`` (error) — a CSV without the header row the format needs;
* ``import.csv-syntax`` (error) — the CSV reader gave up (the rows before it are kept);
* ``import.encoding`` (warning) — not UTF-8; decoded with a fallback codec;
* ``import.nul-bytes`` (warning) — NUL bytes removed before reading;
* ``import.no-name`` (warning) — a record without any name was skipped;
* ``import.bad-email`` / ``import.bad-date`` / ``import.bad-url`` (warning) — a value that
  could not be read was dropped (vCard keeps unreadable ``BDAY`` values in ``extra``);
* ``import.row-shape`` (warning) — a CSV row with more cells than the header;
* ``vcard.malformed-line`` (error) — a line that is not ``NAME[;PARAMS]:VALUE``, skipped;
* ``vcard.outside-card`` (warning) — a property outside ``BEGIN:VCARD``/``END:VCARD``;
* ``vcard.unterminated`` (warning) — a card without ``END:VCARD`` (still imported);
* ``vcard.charset`` (warning) — an unknown ``CHARSET``; the value was read as UTF-8.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import urlsplit

from netkit.diagnostics import Diagnostic, Severity
from netkit.model import Birthday


@dataclasses.dataclass(frozen=True, slots=True)
class ImportedPerson:
    """One person read from an external file, before it is merged into the vault.

    Values are already cleaned: emails normalised and de-duplicated, ``linkedin`` a canonical
    profile URL, dates parsed. Nothing that was in the input is silently lost: properties with
    no field of their own are kept in ``extra`` as ``(key, value)`` pairs, in input order.
    """

    name: str
    first_name: str | None = None
    last_name: str | None = None
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    company: str | None = None
    role: str | None = None
    linkedin: str | None = None
    met: dt.date | None = None
    birthday: Birthday | None = None
    tags: tuple[str, ...] = ()
    location: str | None = None
    notes: str | None = None
    extra: tuple[tuple[str, str], ...] = ()
    #: which importer produced the record: "linkedin", "google" or "vcard"
    source: str = ""
    #: 1-based line in the input where the record starts (for diagnostics)
    line: int = 0


@dataclasses.dataclass(frozen=True, slots=True)
class ParseProblem:
    """Something an importer skipped or guessed, at a 1-based line and column of its input."""

    line: int
    column: int
    code: str
    message: str
    hint: str = ""
    severity: Severity = "error"

    def to_diagnostic(self, path: str) -> Diagnostic:
        """The problem as a netkit diagnostic about the imported file ``path``."""
        return Diagnostic(
            path=path,
            line=max(self.line, 1),
            column=max(self.column, 1),
            severity=self.severity,
            code=self.code,
            message=self.message,
            hint=self.hint,
        )


@dataclasses.dataclass(slots=True)
class ParseResult:
    """What a parser returns: the people it read and the problems it met, both in input order."""

    people: list[ImportedPerson] = dataclasses.field(default_factory=list)
    problems: list[ParseProblem] = dataclasses.field(default_factory=list)

    @property
    def errors(self) -> list[ParseProblem]:
        """Problems of severity ``error``."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[ParseProblem]:
        """Problems of severity ``warning``."""
        return [p for p in self.problems if p.severity == "warning"]


# --------------------------------------------------------------------------------------
# normalisers
# --------------------------------------------------------------------------------------

_WS = re.compile(r"\s+")


def normalise_name(s: str) -> str:
    """A matching key for a person's name: casefolded, accents stripped, whitespace collapsed.

    ``"  José   ÁLVAREZ "`` and ``"jose alvarez"`` give the same key, so an import matches a
    contact whatever accents or capitals either side used. NFKD first splits accented
    letters into base letter + combining mark, so dropping the marks keeps the base letter.
    """
    decomposed = unicodedata.normalize("NFKD", s)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _WS.sub(" ", stripped.casefold()).strip()


def normalise_email(s: str) -> str:
    """A matching key for an email address: trimmed, ``mailto:`` removed, lower-cased.

    The local part is case-sensitive in theory only; every real provider ignores case, and
    exports disagree on it, so folding it avoids duplicate contacts.
    """
    value = s.strip().strip("<>").strip()
    if value[:7].lower() == "mailto:":
        value = value[7:]
    return value.strip().lower()


_EMAIL_SHAPE = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")


def is_plausible_email(s: str) -> bool:
    """True for something shaped like ``local@domain.tld`` (no full RFC 5322 check)."""
    return bool(_EMAIL_SHAPE.match(s))


_PERCENT = re.compile(r"%[0-9a-fA-F]{2}")


def normalise_url(s: str) -> str | None:
    """A web URL as ``https://host/path``: lower-case host, no query, fragment or trailing /.

    A missing scheme is assumed to be https (exports often hold ``www.example.com/x``).
    Returns None for anything that is not an http(s) URL with a host.
    """
    value = s.strip()
    if not value or any(ch.isspace() for ch in value):
        return None
    if "://" not in value:
        value = "https://" + value.lstrip("/")
    try:
        parts = urlsplit(value)
        host = parts.hostname
        port = parts.port
    except ValueError:  # e.g. an unbalanced "[" IPv6 literal or a bad port
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    netloc = host if port in (None, 80, 443) else f"{host}:{port}"
    # percent-escapes are case-insensitive; upper-case them so equal URLs compare equal
    path = _PERCENT.sub(lambda m: m.group(0).upper(), parts.path).rstrip("/")
    return f"https://{netloc}{path}"


def normalise_linkedin(s: str) -> str | None:
    """A canonical LinkedIn URL (``https://www.linkedin.com/in/slug``), or None if not LinkedIn.

    Country hosts (``uk.linkedin.com``) and the bare ``linkedin.com`` serve the same
    profiles, so they are mapped to ``www.linkedin.com`` for matching.
    """
    url = normalise_url(s)
    if url is None:
        return None
    rest = url[len("https://") :]
    host, _, path = rest.partition("/")
    if host != "linkedin.com" and not host.endswith(".linkedin.com"):
        return None
    return "https://www.linkedin.com" + (f"/{path}" if path else "")


def normalise_tag(s: str) -> str:
    """A tag usable in front matter and Obsidian: no ``#``, lower-case, spaces as ``-``."""
    return _WS.sub("-", s.strip().lstrip("#").strip()).lower()


_DATE_WITH_YEAR = re.compile(
    r"^([0-9]{4})(?:([0-9]{2})([0-9]{2})|-([0-9]{1,2})-([0-9]{1,2}))(?:T[0-9:.,]*(?:Z|[+-][0-9:]+)?)?$"
)
_DATE_NO_YEAR = re.compile(r"^--([0-9]{2})-?([0-9]{2})$")


def parse_birthday(s: str) -> Birthday | None:
    """Read a birthday in any form exports use, or None when it is not a valid date.

    Accepted: ``1990-05-17``, ``19900517`` (ISO basic, vCard 4.0), ``--05-17`` and
    ``--0517`` (no year), optionally followed by a time (``1990-05-17T00:00:00Z``, which
    some phones write). Year ``0000`` means "unknown year". Apple's
    ``X-APPLE-OMIT-YEAR`` placeholder year is a vCard parameter and is handled there.
    """
    value = s.strip()
    m = _DATE_NO_YEAR.match(value)
    if m:
        return _checked(None, int(m.group(1)), int(m.group(2)))
    m = _DATE_WITH_YEAR.match(value)
    if m:
        year = int(m.group(1))
        month = int(m.group(2) or m.group(4))
        day = int(m.group(3) or m.group(5))
        return _checked(year or None, month, day)
    return None


def _checked(year: int | None, month: int, day: int) -> Birthday | None:
    # 2000 is a leap year, so a year-less 29 February is accepted
    try:
        dt.date(year if year is not None else 2000, month, day)
    except ValueError:
        return None
    return Birthday(month=month, day=day, year=year)


def dedupe(values: Iterable[str]) -> tuple[str, ...]:
    """Non-empty values in first-seen order, without repeats."""
    seen: dict[str, None] = {}
    for v in values:
        if v and v not in seen:
            seen[v] = None
    return tuple(seen)


# --------------------------------------------------------------------------------------
# text decoding and CSV reading shared by the CSV importers
# --------------------------------------------------------------------------------------


def decode_text(data: bytes) -> tuple[str, list[ParseProblem]]:
    """Decode an exported file: UTF-8 (BOM or not), UTF-16 with a BOM, else a legacy codec.

    Exports are UTF-8 nowadays, but a CSV re-saved by a spreadsheet on Windows is often
    cp1252, so that is tried next (with a warning); latin-1 always succeeds as a last resort.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), []
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        bad_at = exc.start
    for codec in ("cp1252", "latin-1"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        problem = ParseProblem(
            line,
            1,
            "import.encoding",
            f"the file is not valid UTF-8 (byte {bad_at}); read it as {codec}",
            hint="re-export the file as UTF-8 if names look wrong",
            severity="warning",
        )
        return text, [problem]
    raise AssertionError("latin-1 decodes every byte string")  # pragma: no cover


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclasses.dataclass(frozen=True, slots=True)
class CsvRecord:
    """One CSV record with the 1-based line it starts on and each cell's 1-based column."""

    line: int
    cells: list[str]
    columns: tuple[int, ...]

    def column(self, index: int) -> int:
        """Column of cell ``index`` (1 when unknown, e.g. in a multi-line record)."""
        return self.columns[index] if 0 <= index < len(self.columns) else 1

    @property
    def is_blank(self) -> bool:
        """True for a row whose cells are all empty (trailing ``,,,,`` rows in exports)."""
        return all(not c.strip() for c in self.cells)


def read_csv(text: str) -> tuple[list[CsvRecord], list[ParseProblem]]:
    """Read every CSV record of ``text`` with its line number; never raises.

    The csv module counts physical lines as it reads, so the line a record *starts* on is
    one past where the previous record ended, which stays right for quoted multi-line cells.
    """
    problems: list[ParseProblem] = []
    if "\x00" in text:
        # the csv module refuses NUL bytes outright; they are never meaningful in an export
        first = text[: text.index("\x00")].count("\n") + 1
        text = text.replace("\x00", "")
        problems.append(
            ParseProblem(first, 1, "import.nul-bytes", "NUL bytes removed", severity="warning")
        )
    physical = _LINE_BREAK.split(text)
    reader = csv.reader(io.StringIO(text, newline=""))
    records: list[CsvRecord] = []
    start = 1
    try:
        for row in reader:
            end = reader.line_num
            columns = (
                _cell_columns(physical[start - 1])
                if end == start and start <= len(physical)
                else ()
            )
            records.append(CsvRecord(start, row, columns))
            start = end + 1
    except csv.Error as exc:
        problems.append(
            ParseProblem(
                start,
                1,
                "import.csv-syntax",
                f"cannot read the CSV from here on: {exc}",
                hint="the rows before this line were imported",
            )
        )
    return records, problems


def _cell_columns(line: str) -> tuple[int, ...]:
    """1-based start column of each cell of a single-line CSV record."""
    columns = [1]
    in_quotes = False
    i = 0
    while i < len(line):
        ch = line[i]
        if in_quotes:
            if ch == '"':
                if line[i + 1 : i + 2] == '"':
                    i += 1  # an escaped quote inside a quoted cell
                else:
                    in_quotes = False
        elif ch == '"':
            in_quotes = True
        elif ch == ",":
            columns.append(i + 2)
        i += 1
    return tuple(columns)


def header_key(cell: str) -> str:
    """How header cells are compared: BOM and outer spaces removed, casefolded."""
    return _WS.sub(" ", cell.replace("\ufeff", "")).strip().casefold()


# --------------------------------------------------------------------------------------
# content lines shared by the vCard (RFC 6350) and iCalendar (RFC 5545) writers
# --------------------------------------------------------------------------------------

#: control characters that may not appear in a text value (tab and newline are handled)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def escape_text(value: str) -> str:
    r"""Escape a TEXT value: ``\`` ``,`` ``;`` and newlines (RFC 6350 §3.4, RFC 5545 §3.3.11).

    Line breaks of any style become ``\n``; other control characters, which neither
    format allows in text, are dropped.
    """
    # lone surrogates (possible in YAML "\ud800" escapes) cannot be written as UTF-8
    value = value.encode("utf-8", "replace").decode("utf-8")
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _CONTROL.sub("", value)
    return value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;").replace("\n", "\\n")


def fold_line(line: str, limit: int = 75) -> str:
    """Fold a content line to at most ``limit`` octets per physical line (RFC 6350 §3.2).

    Continuation lines start with one space, which counts towards their limit. The split
    is made between characters, so a UTF-8 multi-octet character is never cut in two.
    """
    if len(line.encode("utf-8")) <= limit:
        return line
    parts: list[str] = []
    current: list[str] = []
    size = 0
    room = limit
    for ch in line:
        width = len(ch.encode("utf-8"))
        if size + width > room and current:
            parts.append("".join(current))
            current, size, room = [], 0, limit - 1
        current.append(ch)
        size += width
    parts.append("".join(current))
    return "\r\n ".join(parts)
