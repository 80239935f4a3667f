"""Google Contacts CSV export ("Google CSV"), current and legacy layouts.

The current export (contacts.google.com > Export > Google CSV) starts::

    First Name,Middle Name,Last Name,Phonetic First Name,Phonetic Middle Name,
    Phonetic Last Name,Name Prefix,Name Suffix,Nickname,File As,Organization Name,
    Organization Title,Organization Department,Birthday,Notes,Photo,Labels,
    E-mail 1 - Label,E-mail 1 - Value,...,Phone 1 - Label,Phone 1 - Value,...,
    Address 1 - Label,Address 1 - Formatted,Address 1 - Street,Address 1 - City,...,
    Website 1 - Label,Website 1 - Value,...,Custom Field 1 - Label,Custom Field 1 - Value

(numbered groups appear as many times as the contact with most values needs). The legacy
export (old Gmail contacts manager) starts ``Name,Given Name,Additional Name,Family Name,
Yomi Name,...`` and uses ``Group Membership``, ``E-mail 1 - Type`` and
``Organization 1 - Name`` / ``Organization 1 - Title``. Both are read by column name.

Multi-valued cells and labels are separated by `` ::: `` (``* myContacts ::: Friends``).
System labels are dropped (``* myContacts``, legacy ``* My Contacts``), ``* starred`` becomes
the tag ``starred`` and other ``*``-prefixed legacy system groups (``* Friends``,
``* Coworkers``) keep their name. Birthdays are ``1990-05-17`` or ``--05-17`` (no year).

Cells with no field of their own (addresses, other websites, custom fields, relations,
events, phonetic names, ...) are kept in ``extra`` under their column header.
"""

from __future__ import annotations

import re

from netkit.formats.records import (
    CsvRecord,
    ImportedPerson,
    ParseProblem,
    ParseResult,
    decode_text,
    dedupe,
    header_key,
    is_plausible_email,
    normalise_email,
    normalise_linkedin,
    normalise_tag,
    parse_birthday,
    read_csv,
)

#: single columns, current spelling first, compared with :func:`header_key`
_SINGLE: dict[str, tuple[str, ...]] = {
    "full": ("name",),
    "first": ("first name", "given name"),
    "middle": ("middle name", "additional name"),
    "last": ("last name", "family name"),
    "file_as": ("file as",),
    "nickname": ("nickname",),
    "company": ("organization name", "organization 1 - name"),
    "title": ("organization title", "organization 1 - title"),
    "birthday": ("birthday",),
    "notes": ("notes",),
    "labels": ("labels", "group membership"),
    "location": ("location",),
    "city": ("address 1 - city",),
    "region": ("address 1 - region",),
    "country": ("address 1 - country",),
}
#: numbered groups like "E-mail 2 - Value" / "Phone 1 - Label" / legacy "Phone 1 - Type"
_NUMBERED = re.compile(r"^(e-mail|email|phone|website) ([0-9]{1,6}) - (value|label|type)$")
_SEPARATOR = ":::"
_DROPPED_LABELS = {"* mycontacts", "* my contacts"}


def _split_multi(value: str) -> list[str]:
    """Split a Google multi-value cell (``a ::: b``) into its stripped, non-empty parts."""
    return [part.strip() for part in value.split(_SEPARATOR) if part.strip()]


def labels_to_tags(value: str) -> tuple[str, ...]:
    """Turn a ``Labels`` / ``Group Membership`` cell into tags, without system labels."""
    tags = []
    for label in _split_multi(value):
        if label.casefold() in _DROPPED_LABELS:
            continue
        tags.append(normalise_tag(label.removeprefix("*")))
    return dedupe(tags)


def _find_header(records: list[CsvRecord]) -> int | None:
    for i, rec in enumerate(records):
        keys = {header_key(c) for c in rec.cells}
        has_name = bool(keys & {"first name", "given name", "name"})
        has_google_shape = bool(keys & {"labels", "group membership"}) or any(
            _NUMBERED.match(k) for k in keys
        )
        if has_name and has_google_shape:
            return i
    return None


def parse_google(data: bytes) -> ParseResult:
    """Parse a Google Contacts CSV export (current or legacy layout); never raises."""
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
                "no Google Contacts header row found (e.g. 'First Name,...,Labels,E-mail 1 - Value')",
                hint="export with contacts.google.com > Export > Google CSV",
            )
        )
    else:
        layout = _Layout(records[header_at].cells)
        for rec in records[header_at + 1 :]:
            if rec.is_blank:
                continue
            person = layout.person(rec, result.problems)
            if person is not None:
                result.people.append(person)
    result.problems.extend(csv_problems)
    if not result.people:
        result.problems.append(
            ParseProblem(
                1,
                1,
                "import.no-rows",
                "no contacts found in the Google Contacts export",
                hint="expected rows after the header row",
            )
        )
    result.problems.sort(key=lambda p: (p.line, p.column))
    return result


class _Layout:
    """Where each field sits in one export's header."""

    def __init__(self, header: list[str]) -> None:
        self.header = [h.replace("\ufeff", "").strip() for h in header]
        self.single: dict[str, int] = {}
        #: kind -> number -> {"value": pos, "label": pos}
        self.numbered: dict[str, dict[int, dict[str, int]]] = {}
        for pos, cell in enumerate(self.header):
            key = header_key(cell)
            for field, spellings in _SINGLE.items():
                if key in spellings and field not in self.single:
                    self.single[field] = pos
            m = _NUMBERED.match(key)
            if m:
                kind = "email" if m.group(1) in ("e-mail", "email") else m.group(1)
                part = "value" if m.group(3) == "value" else "label"
                slot = self.numbered.setdefault(kind, {}).setdefault(int(m.group(2)), {})
                slot.setdefault(part, pos)

    def _values(self, rec: CsvRecord, kind: str) -> list[tuple[int, str]]:
        """(column position, value) of every value of a numbered kind, in number order."""
        out: list[tuple[int, str]] = []
        for number in sorted(self.numbered.get(kind, {})):
            pos = self.numbered[kind][number].get("value")
            if pos is not None and pos < len(rec.cells):
                out.extend((pos, v) for v in _split_multi(rec.cells[pos]))
        return out

    def _label_positions(self, kind: str) -> set[int]:
        return {slot["label"] for slot in self.numbered.get(kind, {}).values() if "label" in slot}

    def person(self, rec: CsvRecord, problems: list[ParseProblem]) -> ImportedPerson | None:
        """One row as a person, or None (with a warning) when it has no name at all."""
        consumed: set[int] = set()

        def cell(field: str) -> str:
            pos = self.single.get(field)
            if pos is None or pos >= len(rec.cells):
                return ""
            consumed.add(pos)
            return rec.cells[pos].strip()

        first, middle, last = cell("first"), cell("middle"), cell("last")
        name = cell("full") or " ".join(p for p in (first, middle, last) if p)
        name = name or cell("file_as") or cell("nickname")
        if not name:
            problems.append(
                ParseProblem(
                    rec.line,
                    1,
                    "import.no-name",
                    "contact without a name skipped",
                    hint="give it a name in Google Contacts and export again",
                    severity="warning",
                )
            )
            return None

        emails = []
        for pos, raw in self._values(rec, "email"):
            email = normalise_email(raw)
            if is_plausible_email(email):
                emails.append(email)
            else:
                problems.append(
                    ParseProblem(
                        rec.line,
                        rec.column(pos),
                        "import.bad-email",
                        f"not an email address: {raw!r}",
                        severity="warning",
                    )
                )
        consumed |= {pos for pos, _ in self._values(rec, "email")}
        consumed |= self._label_positions("email") | self._label_positions("phone")
        phones = [v for _, v in self._values(rec, "phone")]
        consumed |= {pos for pos, _ in self._values(rec, "phone")}

        linkedin = None
        for pos, raw in self._values(rec, "website"):
            url = normalise_linkedin(raw)
            if url is not None and linkedin is None:
                linkedin = url
                consumed.add(pos)
                label_pos = self._label_for(pos)
                if label_pos is not None:
                    consumed.add(label_pos)

        birthday = None
        raw_birthday = cell("birthday")
        if raw_birthday:
            birthday = parse_birthday(raw_birthday)
            if birthday is None:
                birthday_pos = self.single["birthday"]
                consumed.discard(birthday_pos)  # keep the raw text in extra
                problems.append(
                    ParseProblem(
                        rec.line,
                        rec.column(birthday_pos),
                        "import.bad-date",
                        f"cannot read birthday {raw_birthday!r}",
                        hint="expected YYYY-MM-DD or --MM-DD",
                        severity="warning",
                    )
                )

        tags = labels_to_tags(cell("labels"))
        place = [p for p in (cell("city"), cell("region"), cell("country")) if p]
        for field in ("city", "region", "country"):
            address_pos = self.single.get(field)
            if address_pos is not None:
                consumed.discard(address_pos)  # the address stays in extra in full
        location = ", ".join(place) or cell("location") or None
        company, role, notes = cell("company"), cell("title"), cell("notes")

        # everything read above is consumed by now; the rest is kept verbatim
        extra = tuple(
            (self.header[pos], rec.cells[pos].strip())
            for pos in range(min(len(rec.cells), len(self.header)))
            if pos not in consumed and rec.cells[pos].strip()
        )
        return ImportedPerson(
            name=name,
            first_name=first or None,
            last_name=last or None,
            emails=dedupe(emails),
            phones=dedupe(phones),
            company=company or None,
            role=role or None,
            linkedin=linkedin,
            birthday=birthday,
            tags=tags,
            location=location,
            notes=notes or None,
            extra=extra,
            source="google",
            line=rec.line,
        )

    def _label_for(self, value_pos: int) -> int | None:
        for slot in self.numbered.get("website", {}).values():
            if slot.get("value") == value_pos:
                return slot.get("label")
        return None
