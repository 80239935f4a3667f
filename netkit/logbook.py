"""The interaction-log grammar: dated list items under the log heading. Pure.

An entry is a top-level list item ``- YYYY-MM-DD text`` in the section under the
``log_heading`` heading (any level; the section ends at the next heading of the same or a
higher level). Text may carry Dataview inline fields ``[key:: value]`` whose values may
contain ``[[wikilinks]]``. Undated list items and prose are the user's and are left alone.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

from netkit import diagnostics as diag_mod
from netkit.diagnostics import Diagnostic
from netkit.model import CHANNELS, Link, LogEntry

_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ITEM = re.compile(r"^( {0,3})[-*+][ \t]+(.*)$")
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?=\s|$)")
_DATEISH = re.compile(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}(?=\s|$)")
_FIELD_START = re.compile(r"\[([A-Za-z_][\w -]*?)::")
WIKILINK = re.compile(r"\[\[([^\[\]|#]+)(?:[#|][^\[\]]*)?\]\]")

BY_VALUES = ("me", "them")
REPLY_VALUES = {"yes": True, "no": False}
LOG_CHANNELS = tuple(c for c in CHANNELS if c != "note")


@dataclasses.dataclass(frozen=True, slots=True)
class Section:
    """Where a log section stands in the body (0-based line indexes into body lines)."""

    heading_index: int
    end_index: int  # exclusive


def body_lines(body: str) -> list[str]:
    """Split without losing anything: a line keeps no terminator, CR is stripped."""
    return [ln[:-1] if ln.endswith("\r") else ln for ln in body.split("\n")]


def find_sections(lines: list[str], heading: str) -> list[Section]:
    """All sections whose heading text equals ``heading`` (case-insensitive)."""
    wanted = heading.strip().casefold()
    sections: list[Section] = []
    open_level = 0
    open_start = -1
    fence: str | None = None
    for i, line in enumerate(lines):
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
        hm = _HEADING.match(line)
        if not hm:
            continue
        level = len(hm.group(1))
        if open_start >= 0 and level <= open_level:
            sections.append(Section(open_start, i))
            open_start = -1
        if open_start < 0 and hm.group(2).strip().casefold() == wanted:
            open_start, open_level = i, level
    if open_start >= 0:
        sections.append(Section(open_start, len(lines)))
    return sections


def parse_log(
    body: str,
    *,
    body_line: int,
    heading: str,
    path: str,
    file_text: str,
    links: list[Link] | None = None,
) -> tuple[list[LogEntry], list[Diagnostic], str]:
    """Parse the log sections of ``body``.

    Returns the entries (in file order), diagnostics, and the notes: the body with the log
    sections removed, stripped (what the depth indicator reads). When ``links`` is given,
    the wikilinks of every entry are appended to it with their file positions.
    """
    lines = body_lines(body)
    sections = find_sections(lines, heading)
    entries: list[LogEntry] = []
    diags: list[Diagnostic] = []
    in_log = [False] * len(lines)
    for sec in sections:
        fence: str | None = None
        for i in range(sec.heading_index, sec.end_index):
            in_log[i] = True
            if i == sec.heading_index:
                continue
            line = lines[i]
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
            im = _ITEM.match(line)
            if not im:
                continue
            file_line = body_line + i
            entry = _parse_item(im.group(2), im.start(2), file_line, path, file_text, diags)
            if entry is not None:
                entries.append(entry)
                if links is not None and "[[" in line:
                    for lm in WIKILINK.finditer(line):
                        links.append(Link(lm.group(1).strip(), "log", file_line, lm.start() + 1))
    if sections:
        notes = "\n".join(ln for i, ln in enumerate(lines) if not in_log[i]).strip()
    else:
        notes = body.strip()
    return entries, diags, notes


def _parse_item(
    item: str, offset: int, file_line: int, path: str, file_text: str, diags: list[Diagnostic]
) -> LogEntry | None:
    def report(col0: int, code: str, message: str, hint: str) -> None:
        diags.append(diag_mod.make(path, file_line, offset + col0 + 1, code, message, hint=hint, text=file_text))

    m = _DATE.match(item)
    if not m:
        if _DATEISH.match(item):
            report(0, "log.date", f"log entry date `{item.split()[0]}` is not a YYYY-MM-DD date",
                   "write the date as YYYY-MM-DD, e.g. 2026-03-07")
        return None
    try:
        day = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        report(0, "log.date", f"`{m.group(0)}` is not a real date", "check the month and day")
        return None
    rest_start = m.end()
    rest = item[rest_start:]
    fields, text, ok = _parse_fields(rest, rest_start, report)
    if not ok:
        return None
    values: dict[str, str] = {}
    for key, value in fields:
        values.setdefault(key, value)
    channel = values.get("channel")
    by = values.get("by")
    reply_text = values.get("reply")
    reply: bool | None = None
    col_of = {k: c for k, _, c in _field_columns(rest, rest_start)}
    if channel is not None:
        channel = channel.strip().lower()
        if channel not in LOG_CHANNELS:
            report(col_of.get("channel", 0), "log.channel", f"unknown channel `{channel}`",
                   "use one of: " + ", ".join(LOG_CHANNELS))
            channel = None
    if by is not None:
        by = by.strip().lower()
        if by not in BY_VALUES:
            report(col_of.get("by", 0), "log.by", f"`by` must be `me` or `them`, not `{by}`",
                   "write [by:: me] when you reached out, [by:: them] when they did")
            by = None
    if reply_text is not None:
        key = reply_text.strip().lower()
        if key not in REPLY_VALUES:
            report(col_of.get("reply", 0), "log.reply", f"`reply` must be `yes` or `no`, not `{reply_text}`",
                   "write [reply:: yes] or [reply:: no]")
        else:
            reply = REPLY_VALUES[key]
    gave = values.get("gave")
    got = values.get("got")
    return LogEntry(
        date=day,
        text=text,
        line=file_line,
        channel=channel,
        by=by,
        gave=gave.strip() if gave else None,
        got=got.strip() if got else None,
        reply=reply,
        fields=tuple(fields),
    )


def _field_columns(rest: str, base: int) -> list[tuple[str, str, int]]:
    out = []
    for m in _FIELD_START.finditer(rest):
        out.append((m.group(1).strip().lower(), "", base + m.start()))
    return out


def _parse_fields(
    rest: str, base: int, report: object
) -> tuple[list[tuple[str, str]], str, bool]:
    """Extract ``[key:: value]`` fields; check bracket balance. Returns (fields, text, ok)."""
    fields: list[tuple[str, str]] = []
    text_parts: list[str] = []
    i = 0
    n = len(rest)
    stack: list[int] = []
    plain_start = 0
    while i < n:
        ch = rest[i]
        if ch == "`":
            close = rest.find("`", i + 1)
            i = n if close < 0 else close + 1
            continue
        if ch == "[":
            fm = _FIELD_START.match(rest, i)
            if fm and not stack:
                end = _matching_bracket(rest, i)
                if end < 0:
                    report(base + i, "log.brackets", "inline field `[` is never closed",  # type: ignore[operator]
                           "close it with `]`, e.g. [channel:: email]")
                    return [], "", False
                text_parts.append(rest[plain_start:i])
                key = fm.group(1).strip().lower()
                value = rest[fm.end():end].strip()
                fields.append((key, value))
                i = end + 1
                plain_start = i
                continue
            stack.append(i)
        elif ch == "]":
            if not stack:
                report(base + i, "log.brackets", "`]` without a matching `[`",  # type: ignore[operator]
                       "remove it or add the opening `[`")
                return [], "", False
            stack.pop()
        i += 1
    if stack:
        report(base + stack[0], "log.brackets", "`[` is never closed",  # type: ignore[operator]
               "close every `[` with `]` (wikilinks are `[[Name]]`)")
        return [], "", False
    text_parts.append(rest[plain_start:])
    text = " ".join(" ".join(text_parts).split())
    return fields, text, True


def _matching_bracket(s: str, start: int) -> int:
    depth = 0
    for j in range(start, len(s)):
        c = s[j]
        if c == "[":
            depth += 1
        elif c == "]":
            depth -= 1
            if depth == 0:
                return j
    return -1
