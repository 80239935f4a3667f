"""Pure parsers and serialisers for the formats people already have (issue 7).

Everything here works on text or bytes handed in by the caller: no module in this package
reads or writes files. Parsers never raise on bad input; they return a :class:`ParseResult`
whose ``problems`` say what was skipped or guessed, with 1-based line numbers in the input.

Public API:

* :func:`parse_linkedin`, :func:`parse_google`, :func:`parse_vcard` — bytes in,
  :class:`ParseResult` out;
* :func:`export_vcard`, :func:`export_ics`, :func:`export_csv` — deterministic text out;
* :class:`ImportedPerson`, :class:`ParseProblem`, :class:`ParseResult`,
  :class:`CalendarEvent` and the normalisers used to match imported people with contacts.
"""

from __future__ import annotations

from netkit.formats.csvsafe import export_csv, neutralise_cell
from netkit.formats.google import parse_google
from netkit.formats.ics import CalendarEvent, export_ics
from netkit.formats.linkedin import parse_linkedin
from netkit.formats.records import (
    ImportedPerson,
    ParseProblem,
    ParseResult,
    normalise_email,
    normalise_linkedin,
    normalise_name,
    normalise_tag,
    normalise_url,
    parse_birthday,
)
from netkit.formats.vcard import export_vcard, parse_vcard

__all__ = [
    "CalendarEvent",
    "ImportedPerson",
    "ParseProblem",
    "ParseResult",
    "export_csv",
    "export_ics",
    "export_vcard",
    "neutralise_cell",
    "normalise_email",
    "normalise_linkedin",
    "normalise_name",
    "normalise_tag",
    "normalise_url",
    "parse_birthday",
    "parse_google",
    "parse_linkedin",
    "parse_vcard",
]
