"""CSV export that is safe to open in a spreadsheet.

Contact data comes from files anyone can edit and from imports of other people's profiles,
so a company name like ``=HYPERLINK("http://evil.example","x")`` is possible. Excel,
LibreOffice Calc and Google Sheets evaluate a cell as a formula when its first character
is ``=``, ``+``, ``-`` or ``@`` (tab and carriage return can hide such a prefix), so,
following OWASP's CSV-injection guidance, every cell starting with one of those characters
gets a leading ``'``, which spreadsheets read as "this is text". That includes phone
numbers like ``+44 20 ...`` — unprefixed, Excel would read them as a formula too.

Rows end with CRLF (RFC 4180) and quoting is left to the :mod:`csv` module.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping

#: first characters that make a spreadsheet treat a cell as a formula
DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: str) -> str:
    """Prefix ``'`` to a cell a spreadsheet would otherwise evaluate as a formula."""
    return "'" + value if value.startswith(DANGEROUS_PREFIXES) else value


def cell_text(value: object) -> str:
    """A Python value as cell text: None empty, dates ISO, lists joined with ``"; "``."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "; ".join(cell_text(v) for v in value)
    if isinstance(value, set | frozenset):
        return "; ".join(sorted(cell_text(v) for v in value))  # sorted: stable output
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {cell_text(v)}" for k, v in value.items())
    return str(value)


def export_csv(rows: list[dict[str, object]], columns: list[str]) -> str:
    """CSV text with a header row of ``columns`` and one row per mapping in ``rows``.

    Keys missing from a row give empty cells; keys not in ``columns`` are not exported.
    Every cell, the header included, is passed through :func:`neutralise_cell`.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise_cell(c) for c in columns])
    for row in rows:
        writer.writerow([neutralise_cell(cell_text(row.get(c))) for c in columns])
    return buffer.getvalue()
