"""LinkedIn ``Connections.csv`` (Settings > Data privacy > Get a copy of your data).

What a real export looks like (checked against many published samples):

* a ``Notes:`` preamble before the header — a quoted paragraph explaining that email
  addresses are missing, then a blank line. Its length has changed between releases, so
  the header is *found* (the first row naming "First Name" and "Last Name"), never assumed
  to be N lines down;
* header ``First Name,Last Name,URL,Email Address,Company,Position,Connected On``; older
  exports have no ``URL`` column, so columns are looked up by name;
* ``Connected On`` like ``24 Aug 2023`` (English month abbreviations whatever the
  locale); ``Email Address`` is empty for most people (members opt in to sharing it);
* rows for members who left or hid their profile have empty names — they are skipped with
  a warning, since a contact needs a name.

Every person gets ``source="linkedin"`` and the tag ``linkedin``; ``Connected On`` becomes
``met``.
"""

from __future__ import annotations

import datetime as dt
import re

from netkit.formats.records import (
    CsvRecord,
    ImportedPerson,
    ParseProblem,
    ParseResult,
    decode_text,
    header_key,
    is_plausible_email,
    normalise_email,
    normalise_linkedin,
    read_csv,
)

#: accepted spellings of each column, compared with :func:`header_key`
_COLUMNS: dict[str, tuple[str, ...]] = {
    "first": ("first name",),
    "last": ("last name",),
    "url": ("url", "profile url"),
    "email": ("email address", "e-mail address", "email"),
    "company": ("company",),
    "position": ("position",),
    "connected": ("connected on",),
}

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_DAY_MONTH_YEAR = re.compile(r"^([0-9]{1,2})[ -]([A-Za-z]+)\.?[ -]([0-9]{4})$")
_US_DATE = re.compile(r"^([0-9]{1,2})/([0-9]{1,2})/([0-9]{2}|[0-9]{4})$")
_ISO_DATE = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")


def parse_connected_on(value: str) -> dt.date | None:
    """Read ``Connected On``: ``24 Aug 2023`` (current), ``8/24/23`` (old US exports), ISO.

    Month names are matched from a fixed English table rather than ``strptime("%b")``,
    which would depend on the process locale.
    """
    text = value.strip()
    try:
        m = _DAY_MONTH_YEAR.match(text)
        if m:
            month = _MONTHS.get(m.group(2).casefold())
            return dt.date(int(m.group(3)), month, int(m.group(1))) if month else None
        m = _US_DATE.match(text)
        if m:
            year = int(m.group(3))
            year += 2000 if year < 100 else 0
            return dt.date(year, int(m.group(1)), int(m.group(2)))
        m = _ISO_DATE.match(text)
        if m:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:  # 31 Feb and friends
        return None
    return None


def _find_header(records: list[CsvRecord]) -> int | None:
    for i, rec in enumerate(records):
        keys = {header_key(c) for c in rec.cells}
        if "first name" in keys and "last name" in keys:
            return i
    return None


def parse_linkedin(data: bytes) -> ParseResult:
    """Parse a LinkedIn ``Connections.csv`` export; never raises."""
    text, problems = decode_text(data)
    records, csv_problems = read_csv(text)
    result = ParseResult(problems=problems)
    header_at = _find_header(records)
    if header_at is None:
        result.problems.append(
            ParseProblem(
                1,
                1,
                "import.no-header",
                "no header row with 'First Name' and 'Last Name' found",
                hint="use the Connections.csv from LinkedIn's 'Get a copy of your data'",
            )
        )
    else:
        header = records[header_at]
        index: dict[str, int] = {}
        for pos, cell in enumerate(header.cells):
            key = header_key(cell)
            for field, spellings in _COLUMNS.items():
                if key in spellings and field not in index:
                    index[field] = pos
        for rec in records[header_at + 1 :]:
            if rec.is_blank:
                continue  # exports end with empty rows
            person = _person(rec, index, len(header.cells), result.problems)
            if person is not None:
                result.people.append(person)
    result.problems.extend(csv_problems)
    if not result.people:
        result.problems.append(
            ParseProblem(
                1,
                1,
                "import.no-rows",
                "no connections found in the LinkedIn export",
                hint="expected rows after the 'First Name,Last Name,...' header",
            )
        )
    result.problems.sort(key=lambda p: (p.line, p.column))
    return result


def _person(
    rec: CsvRecord, index: dict[str, int], width: int, problems: list[ParseProblem]
) -> ImportedPerson | None:
    def cell(field: str) -> str:
        pos = index.get(field)
        if pos is None or pos >= len(rec.cells):
            return ""
        return rec.cells[pos].strip()

    if len(rec.cells) > width:
        problems.append(
            ParseProblem(
                rec.line,
                rec.column(width),
                "import.row-shape",
                f"row has {len(rec.cells)} cells but the header has {width}; extra cells ignored",
                hint="an unquoted comma in a name or company shifts the columns",
                severity="warning",
            )
        )
    first, last = cell("first"), cell("last")
    name = " ".join(p for p in (first, last) if p)
    if not name:
        problems.append(
            ParseProblem(
                rec.line,
                1,
                "import.no-name",
                "connection without a name skipped (LinkedIn hides some members' names)",
                severity="warning",
            )
        )
        return None

    linkedin = None
    raw_url = cell("url")
    if raw_url:
        linkedin = normalise_linkedin(raw_url)
        if linkedin is None:
            problems.append(
                ParseProblem(
                    rec.line,
                    rec.column(index.get("url", 0)),
                    "import.bad-url",
                    f"not a LinkedIn profile URL: {raw_url!r}",
                    severity="warning",
                )
            )

    emails: tuple[str, ...] = ()
    raw_email = cell("email")
    if raw_email:
        email = normalise_email(raw_email)
        if is_plausible_email(email):
            emails = (email,)
        else:
            problems.append(
                ParseProblem(
                    rec.line,
                    rec.column(index.get("email", 0)),
                    "import.bad-email",
                    f"not an email address: {raw_email!r}",
                    severity="warning",
                )
            )

    met = None
    raw_date = cell("connected")
    if raw_date:
        met = parse_connected_on(raw_date)
        if met is None:
            problems.append(
                ParseProblem(
                    rec.line,
                    rec.column(index.get("connected", 0)),
                    "import.bad-date",
                    f"cannot read 'Connected On' date {raw_date!r}",
                    hint="expected a date like '24 Aug 2023'",
                    severity="warning",
                )
            )

    return ImportedPerson(
        name=name,
        first_name=first or None,
        last_name=last or None,
        emails=emails,
        company=cell("company") or None,
        role=cell("position") or None,
        linkedin=linkedin,
        met=met,
        tags=("linkedin",),
        source="linkedin",
        line=rec.line,
    )
