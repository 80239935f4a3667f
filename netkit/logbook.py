"""The interaction-log grammar: dated list items under the log heading. Pure.

An entry is a top-level list item ``- YYYY-MM-DD text`` in the section under the
``log_heading`` heading (any level; the section ends at the next heading of the same or a
higher level). Text may carry Dataview inline fields ``[key:: value]`` whose values may
contain ``[[wikilinks]]``. Undated list items and prose are the user's and are left alone.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import re
from collections.abc import Callable

from netkit import diagnostics as diag_mod
from netkit.diagnostics import Diagnostic
from netkit.model import CHANNELS, Link, LogEntry

# CommonMark ATX heading: `##` alone is an (empty) heading; a closing `#` run must follow a
# space (`## C#` is the heading "C#"). Same rules as netkit.logwriter, which appends entries.
_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
_ITEM = re.compile(r"^( {0,3})[-*+][ \t]+(.*)$")
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?=\s|$)")
_DATEISH = re.compile(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}(?=\s|$)")
_FIELD_START = re.compile(r"\[([A-Za-z_][\w -]*?)::")
WIKILINK = re.compile(r"\[\[([^\[\]|#]+)(?:[#|][^\[\]]*)?\]\]")
# an inline field whose value holds no bracket or backtick: the common case, see _simple_fields
_SIMPLE_FIELD = re.compile(r"\[([A-Za-z_][\w -]*?)::([^\[\]`]*)\]")

# The body fast path (see parse_log): one scan over the body finds every heading line and
# every line that could open a fence; the body's first line has no newline before it.
_MARKED_LINE = r" {0,3}(?:(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$|```|~~~)"
_FIRST_MARKED_LINE = re.compile(_MARKED_LINE, re.MULTILINE)
# the literal newline in front lets the regex engine jump from line to line
_NEXT_MARKED_LINE = re.compile("\n" + _MARKED_LINE, re.MULTILINE)
# One match per line of a log section (whose text ends with a newline) when every line is
# empty or a list item `- X` at the left margin (X not a space or tab); any other line
# makes the matches fewer than the lines, and the section takes the line-by-line loop.
# Group 4 is such an item from X on, unless it starts with a date (ASCII digits) followed
# by words: those are group 2 without the space after the date, each word after exactly one
# space (so the words are whitespace-normalised already) and without bracket or backtick;
# group 3 is the rest when it starts with ` [`: inline fields, see _raw_fields_known.
# Possessive quantifiers keep the scan linear.
#
# A word character is anything but whitespace (str.isspace), a bracket or a backtick,
# spelled out as ranges: the regex engine checks such a set faster than one with `\s`.
_WORD_CHAR = (
    "[\x00-\x08\x0e-\x1b\x21-\x5a\x5c\x5e\x5f\x61-\x84\x86-\x9f\xa1-\u167f\u1681-\u1fff"
    "\u200b-\u2027\u202a-\u202e\u2030-\u205e\u2060-\u2fff\u3001-\U0010ffff]"
)
_SECTION_LINE = re.compile(
    r"^(?:- (?:([0-9]{4}-[0-9]{2}-[0-9]{2})(?: (" + _WORD_CHAR + r"++(?: " + _WORD_CHAR + r"++)*+))?"
    r"((?: \[[^\n]*+)?)(?=\n)|([^ \t\n][^\n]*+)))?\n",
    re.MULTILINE,
)
# an inline field whose value holds no bracket or backtick but whole `[[...]]` pairs, read
# as the full scan (_parse_fields) reads it
_LINKED_FIELD = re.compile(r"\[([A-Za-z_][\w -]*?)::((?:[^\[\]`\n]|\[\[[^\[\]`\n]*+\]\])*+)\]")

BY_VALUES = ("me", "them")
REPLY_VALUES = {"yes": True, "no": False}
LOG_CHANNELS = tuple(c for c in CHANNELS if c != "note")

# Memos shared by every parse in the process: a vault's log repeats the same dates and the
# same field tuples (`[channel:: call] [by:: me]`) thousands of times; sharing one object
# per distinct value saves parse time and a lot of memory on large vaults. Values are
# immutable, so sharing cannot change a result. Bounded so a long `watch` cannot grow them
# without limit.
_MEMO_LIMIT = 50_000
#: what a set of inline fields gives: (fields, channel, by, gave, got, reply)
_Known = tuple[tuple[tuple[str, str], ...], str | None, str | None, str | None, str | None, bool | None]
#: _Known plus the wikilinks of the fields as (target, offset in the fields' text)
_RawKnown = tuple[tuple[tuple[str, str], ...], str | None, str | None, str | None, str | None, bool | None,
                  tuple[tuple[str, int], ...]]
_DATE_MEMO: dict[str, dt.date] = {}
_FIELDS_MEMO: dict[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]] = {}
#: raw inline fields (keys, then values, as written) -> what _fast_entry derives from them
_ENTRY_MEMO: dict[tuple[str, ...], _Known] = {}
#: the inline fields of the common entry shape, as written (` [k:: v] [k:: v]`) -> what they
#: give plus their wikilinks as (target, offset); False when the entry needs _parse_item
_RAW_FIELDS_MEMO: dict[str, _RawKnown | bool] = {"": ((), None, None, None, None, None, ())}


@dataclasses.dataclass(frozen=True, slots=True)
class Section:
    """Where a log section stands in the body (0-based line indexes into body lines)."""

    heading_index: int
    end_index: int  # exclusive


def body_lines(body: str) -> list[str]:
    """Split without losing anything: a line keeps no terminator, CR is stripped."""
    if "\r" not in body:
        return body.split("\n")  # the common case, without a per-line check
    return [ln[:-1] if ln.endswith("\r") else ln for ln in body.split("\n")]


def fence_step(line: str, fence: str | None) -> tuple[bool, str | None]:
    """Track fenced code blocks (CommonMark): ``(is_fence_line, fence_now_open)``.

    A fence opens with 3+ backticks or tildes (a backtick fence's info string may not
    contain backticks) and closes only with the same character, at least as many, and
    nothing but spaces after them; an unclosed fence runs to the end of the document.
    """
    if fence is None and "`" not in line and "~" not in line:
        return False, None  # fast path: no fence can open on this line (most lines)
    m = _FENCE.match(line)
    if fence is not None:
        marker = m.group(1) if m else ""
        if m and marker[0] == fence[0] and len(marker) >= len(fence) and not m.group(2).strip():
            return True, None
        return False, fence
    if m and not (m.group(1)[0] == "`" and "`" in m.group(2)):
        return True, m.group(1)
    return False, None


def find_sections(lines: list[str], heading: str) -> list[Section]:
    """All sections whose heading text equals ``heading`` (case-insensitive)."""
    wanted = heading.strip().casefold()
    sections: list[Section] = []
    open_level = 0
    open_start = -1
    fence: str | None = None
    for i, line in enumerate(lines):
        is_fence, fence = fence_step(line, fence)
        if is_fence or fence is not None:
            continue
        if "#" not in line:
            continue  # fast path: not a heading
        hm = _HEADING.match(line)
        if not hm:
            continue
        level = len(hm.group(1))
        if open_start >= 0 and level <= open_level:
            sections.append(Section(open_start, i))
            open_start = -1
        if open_start < 0 and (hm.group(2) or "").strip().casefold() == wanted:
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
    # Replacing _fast_entry (as the differential tests do, to get the full parse) turns
    # every fast path off, this one included.
    if "\r" not in body and _fast_entry is _FAST_ENTRY:
        fast = _parse_log_fast(body, body_line, heading, path, file_text, links)
        if fast is not None:
            return fast
    lines = body_lines(body)
    sections = find_sections(lines, heading)
    entries: list[LogEntry] = []
    diags: list[Diagnostic] = []
    in_log = [False] * len(lines)
    for sec in sections:
        in_log[sec.heading_index:sec.end_index] = [True] * (sec.end_index - sec.heading_index)
        _parse_section(lines, sec.heading_index + 1, sec.end_index, body_line, path, file_text, links,
                       entries, diags)
    if sections:
        notes = "\n".join(itertools.compress(lines, [not flag for flag in in_log])).strip()
    else:
        notes = body.strip()
    return entries, diags, notes


def _parse_section(
    lines: list[str], start: int, end: int, body_line: int, path: str, file_text: str,
    links: list[Link] | None, entries: list[LogEntry], diags: list[Diagnostic],
) -> None:
    """The entries of one log section, ``lines[start:end]``, line by line (any Markdown)."""
    fence: str | None = None
    # content column of the current top-level item: a line indented at least that far
    # belongs to it (a nested item, a continuation), as in CommonMark, and is not an entry
    item_content: int | None = None
    after_blank = False
    for i in range(start, end):
        line = lines[i]
        # most lines hold no fence character: skip the call (same answer as fence_step)
        if fence is not None or "`" in line or "~" in line:
            is_fence, fence = fence_step(line, fence)
            if is_fence or fence is not None:
                continue
        if not line.strip():
            after_blank = True
            continue
        blank_before, after_blank = after_blank, False
        indent = len(line) - len(line.lstrip(" "))
        if item_content is not None and indent >= item_content:
            continue
        im = _ITEM.match(line)
        if not im:
            if blank_before:  # a paragraph after a blank line ends the list (else: lazy continuation)
                item_content = None
            continue
        gap = im.start(2) - indent - 1  # spaces after the marker; 5+ means indented code
        item_content = indent + 1 + (gap if gap <= 4 else 1)
        file_line = body_line + i
        entry = _parse_item(im.group(2), im.start(2), file_line, path, file_text, diags)
        if entry is not None:
            entries.append(entry)
            if links is not None and "[[" in line:
                for lm in WIKILINK.finditer(line):
                    links.append(Link(lm.group(1).strip(), "log", file_line, lm.start() + 1))


def _parse_log_fast(
    body: str, body_line: int, heading: str, path: str, file_text: str, links: list[Link] | None
) -> tuple[list[LogEntry], list[Diagnostic], str] | None:
    """:func:`parse_log` for a body without CR and without fences (None otherwise).

    Works on offsets into ``body`` instead of a list of lines: one regex scan finds the
    headings (and gives up on any line that could open a fence, where headings would need
    the fence tracking), and each log section is read by one ``findall`` of
    :data:`_SECTION_LINE` when its lines are all empty or left-margin list items. There
    every item is an entry candidate of its own (no nesting, no continuation, no code), so
    the line-by-line loop would call :func:`_parse_item` on each: the common entry shape is
    answered from memos, the rest goes to :func:`_parse_item` itself. Any other section
    takes the line-by-line loop.
    """
    wanted = heading.strip().casefold()
    # (offset of the heading line, offset where the section ends or -1 for the body's end)
    sections: list[tuple[int, int]] = []
    open_start = -1
    open_level = 0
    first = _FIRST_MARKED_LINE.match(body)
    marks = _NEXT_MARKED_LINE.finditer(body)
    for m in itertools.chain((first,) if first is not None else (), marks):
        level_marks = m.group(1)
        if level_marks is None:
            return None  # a line that could open a fence
        start = m.start() if m is first else m.start() + 1
        level = len(level_marks)
        if open_start >= 0 and level <= open_level:
            sections.append((open_start, start))
            open_start = -1
        if open_start < 0 and (m.group(2) or "").strip().casefold() == wanted:
            open_start, open_level = start, level
    if open_start >= 0:
        sections.append((open_start, -1))
    if not sections:
        return [], [], body.strip()

    entries: list[LogEntry] = []
    diags: list[Diagnostic] = []
    kept: list[str] = []  # the text outside the log sections, in runs of whole lines
    kept_from = 0
    lines: list[str] | None = None  # only for a section that takes the line-by-line loop
    counted_to = 0
    line_index = 0  # the body line at offset counted_to
    date_memo = _DATE_MEMO
    fields_memo = _RAW_FIELDS_MEMO
    new_tuple = tuple.__new__
    for sec_start, sec_end in sections:
        if sec_start > kept_from:
            kept.append(body[kept_from:sec_start - 1])  # without the newline before the heading
        kept_from = len(body) + 1 if sec_end < 0 else sec_end
        line_index += body.count("\n", counted_to, sec_start)
        counted_to = sec_start
        nl = body.find("\n", sec_start)
        if nl < 0 or nl + 1 == sec_end:
            continue  # the heading is the section's only line
        # the section's lines, each ended by a newline
        text = body[nl + 1:] + "\n" if sec_end < 0 else body[nl + 1:sec_end]
        found = _SECTION_LINE.findall(text)
        line_count = text.count("\n")
        if len(found) != line_count:
            if lines is None:
                lines = body.split("\n")
            _parse_section(lines, line_index + 1, line_index + 1 + line_count, body_line, path, file_text,
                           links, entries, diags)
            continue
        file_line = body_line + line_index + 1
        for day_text, words, raw_fields, item in found:
            if day_text:
                known = fields_memo.get(raw_fields)
                if known is None:
                    known = _raw_fields_known(raw_fields)
                day = date_memo.get(day_text)
                if day is None:
                    day = _new_date(day_text)
                if day is not None and known is not False:
                    fields, channel, by, gave, got, reply, wikilinks = known  # type: ignore[misc]
                    # positional, through tuple.__new__: a third of the keyword call's cost,
                    # on the path every entry of a cold index takes (same named tuple)
                    entries.append(new_tuple(LogEntry, (day, words, file_line, channel, by, gave, got, reply,
                                                        fields, None)))
                    if wikilinks and links is not None:
                        # the fields stand after "- ", the date and the words
                        base = 14 + len(words) if words else 13
                        for target, offset in wikilinks:
                            links.append(Link(target, "log", file_line, base + offset))
                    file_line += 1
                    continue
                item = f"{day_text} {words}{raw_fields}" if words else day_text + raw_fields
            elif not item:
                file_line += 1
                continue
            entry = _parse_item(item, 2, file_line, path, file_text, diags)
            if entry is not None:
                entries.append(entry)
                if links is not None and "[[" in item:
                    for lm in WIKILINK.finditer(item):
                        links.append(Link(lm.group(1).strip(), "log", file_line, lm.start() + 3))
            file_line += 1
    if kept_from < len(body):
        kept.append(body[kept_from:])
    return entries, diags, "\n".join(kept).strip()


def _new_date(text: str) -> dt.date | None:
    """A ``YYYY-MM-DD`` (ASCII digits) not in the memo yet: the date, memoised as
    :func:`_parse_item` would, or None when it is not a real date (_parse_item reports it)."""
    try:
        day = dt.date(int(text[:4]), int(text[5:7]), int(text[8:10]))
    except ValueError:
        return None
    if len(_DATE_MEMO) < _MEMO_LIMIT:
        _DATE_MEMO[text] = day
    return day


def _raw_fields_known(raw_fields: str) -> _RawKnown | bool:
    """What the text after a common entry's words gives (memoised), or False.

    ``raw_fields`` is ``" [..."`` to the end of the line. When it is inline fields only,
    each after one space, whose known values are valid, the result
    is what :func:`_parse_item` derives from them for any date and words: the full scan
    takes each field whole (a `[[...]]` pair in a value included), as :data:`_LINKED_FIELD`
    does, and so does :func:`_fast_entry` when no value holds a bracket. Anything else
    (text or a bracket that is not a field, a diagnostic) is False: _parse_item must run.
    """
    result: _RawKnown | bool = False
    parts = _LINKED_FIELD.split(raw_fields)
    between = parts[::3]
    # fields only, each after one space: [" ", key, value, " ", key, value, ..., ""]
    if between[-1] == "" and between.count(" ") == len(between) - 1:
        known = _known_fields(parts[1::3], parts[2::3])
        if known is not None:
            found = tuple((lm.group(1).strip(), lm.start()) for lm in WIKILINK.finditer(raw_fields))
            result = (*known, found)
    if len(_RAW_FIELDS_MEMO) < _MEMO_LIMIT:
        _RAW_FIELDS_MEMO[raw_fields] = result
    return result


def _parse_item(
    item: str, offset: int, file_line: int, path: str, file_text: str, diags: list[Diagnostic]
) -> LogEntry | None:
    # fast path: a date seen before and a rest _fast_entry can take (see there)
    m = _DATE.match(item)
    if m is not None:
        day = _DATE_MEMO.get(m.group(0))
        if day is not None:
            rest = item[m.end():]
            if "`" not in rest:
                fast = _fast_entry(rest, day, file_line)
                if fast is not None:
                    return fast

    def report(col0: int, code: str, message: str, hint: str) -> None:
        diags.append(diag_mod.make(path, file_line, offset + col0 + 1, code, message, hint=hint, text=file_text))

    m = _DATE.match(item)
    if not m:
        if _DATEISH.match(item):
            report(0, "log.date", f"log entry date `{item.split()[0]}` is not a YYYY-MM-DD date",
                   "write the date as YYYY-MM-DD, e.g. 2026-03-07")
        return None
    day = _DATE_MEMO.get(m.group(0))
    if day is None:
        try:
            day = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            report(0, "log.date", f"`{m.group(0)}` is not a real date", "check the month and day")
            return None
        if len(_DATE_MEMO) < _MEMO_LIMIT:
            _DATE_MEMO[m.group(0)] = day
    rest_start = m.end()
    rest = item[rest_start:]
    if "`" not in rest:
        fast = _fast_entry(rest, day, file_line)
        if fast is not None:
            return fast
    fields, text, ok, col_of = _parse_fields(rest, rest_start, report)
    if not ok:
        return None
    known = _field_values(fields, col_of, report)
    return LogEntry(
        date=day,
        text=text,
        line=file_line,
        channel=known[1],
        by=known[2],
        gave=known[3],
        got=known[4],
        reply=known[5],
        fields=known[0],
    )


def _field_values(fields: list[tuple[str, str]], col_of: dict[str, int], report: Callable[..., None]) -> _Known:
    """The full path's typed values of an entry's inline fields; bad known values are
    reported (``report(col0, code, message, hint)``, in this order) and left out."""
    # the first occurrence of a key wins: built from the reversed list, it is written last
    values: dict[str, str] = dict(reversed(fields))
    channel = values.get("channel")
    by = values.get("by")
    reply_text = values.get("reply")
    reply: bool | None = None
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
    field_tuple = tuple(fields)
    shared = _FIELDS_MEMO.get(field_tuple)
    if shared is not None:
        field_tuple = shared
    elif len(_FIELDS_MEMO) < _MEMO_LIMIT:
        _FIELDS_MEMO[field_tuple] = field_tuple
    return (field_tuple, channel, by, gave.strip() if gave else None, got.strip() if got else None, reply)


def _fast_entry(rest: str, day: dt.date, file_line: int) -> LogEntry | None:
    """The rest of :func:`_parse_item` for the common case, or None to take the full path.

    Applies when every ``[``/``]`` of ``rest`` (which has no backtick) belongs to an inline
    field whose value has no bracket (as :func:`_simple_fields`) and the known fields are
    valid, so that no diagnostic can arise: the result is then exactly the full path's.
    What the inline fields give is memoised by their raw text, which repeats a lot.
    """
    opened = rest.count("[")
    if not opened:
        if "]" in rest:
            return None
        return LogEntry(date=day, text=" ".join(rest.split()), line=file_line)
    parts = _SIMPLE_FIELD.split(rest)  # [text, key, value, text, key, value, ..., text]
    if len(parts) != 3 * opened + 1 or rest.count("]") != opened:
        return None
    known = _known_fields(parts[1::3], parts[2::3])
    if known is None:
        return None
    return LogEntry(
        date=day,
        text=" ".join(" ".join(parts[::3]).split()),
        line=file_line,
        channel=known[1],
        by=known[2],
        gave=known[3],
        got=known[4],
        reply=known[5],
        fields=known[0],
    )


#: the real _fast_entry: parse_log takes its body fast path only while _fast_entry is this one
_FAST_ENTRY = _fast_entry


def _known_fields(raw_keys: list[str], raw_values: list[str]) -> _Known | None:
    """The typed values of simple inline fields (keys and values as written), memoised;
    None when a known field has a bad value (the full path reports it)."""
    memo_key = (*raw_keys, *raw_values)
    known = _ENTRY_MEMO.get(memo_key)
    if known is not None:
        return known
    fields = tuple(zip([k.strip().lower() for k in raw_keys], [v.strip() for v in raw_values], strict=True))
    values = dict(reversed(fields))  # the first occurrence of a key wins
    channel = values.get("channel")
    by = values.get("by")
    reply_text = values.get("reply")
    if channel is not None:
        channel = channel.strip().lower()
        if channel not in LOG_CHANNELS:
            return None
    if by is not None:
        by = by.strip().lower()
        if by not in BY_VALUES:
            return None
    reply: bool | None = None
    if reply_text is not None:
        reply = REPLY_VALUES.get(reply_text.strip().lower())
        if reply is None:
            return None
    gave = values.get("gave")
    got = values.get("got")
    shared = _FIELDS_MEMO.get(fields)
    if shared is not None:
        fields = shared
    elif len(_FIELDS_MEMO) < _MEMO_LIMIT:
        _FIELDS_MEMO[fields] = fields
    known = (fields, channel, by, gave.strip() if gave else None, got.strip() if got else None, reply)
    if len(_ENTRY_MEMO) < _MEMO_LIMIT:
        _ENTRY_MEMO[memo_key] = known
    return known


def _parse_fields(
    rest: str, base: int, report: object
) -> tuple[list[tuple[str, str]], str, bool, dict[str, int]]:
    """Extract ``[key:: value]`` fields; check bracket balance.

    Returns (fields, text, ok, columns): ``columns`` maps each key to the 0-based offset
    (from ``base``) of the ``[`` of its *first* occurrence, the one whose value is used.
    """
    simple = _simple_fields(rest, base)
    if simple is not None:
        return simple
    fields: list[tuple[str, str]] = []
    columns: dict[str, int] = {}
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
                    return [], "", False, columns
                text_parts.append(rest[plain_start:i])
                key = fm.group(1).strip().lower()
                value = rest[fm.end():end].strip()
                fields.append((key, value))
                columns.setdefault(key, base + i)
                i = end + 1
                plain_start = i
                continue
            stack.append(i)
        elif ch == "]":
            if not stack:
                report(base + i, "log.brackets", "`]` without a matching `[`",  # type: ignore[operator]
                       "remove it or add the opening `[`")
                return [], "", False, columns
            stack.pop()
        i += 1
    if stack:
        report(base + stack[0], "log.brackets", "`[` is never closed",  # type: ignore[operator]
               "close every `[` with `]` (wikilinks are `[[Name]]`)")
        return [], "", False, columns
    text_parts.append(rest[plain_start:])
    text = " ".join(" ".join(text_parts).split())
    return fields, text, True, columns


def _simple_fields(rest: str, base: int) -> tuple[list[tuple[str, str]], str, bool, dict[str, int]] | None:
    """:func:`_parse_fields` for the common case, with regexes instead of a character loop.

    Applies when there is no backtick and every ``[`` and ``]`` belongs to an inline field
    whose value holds no bracket: then the scan in :func:`_parse_fields` takes each field
    whole, the stack stays empty, and this returns exactly what it would. Anything else
    (wikilinks in values, stray brackets, code spans) returns None for the full scan.
    """
    if "`" in rest:
        return None
    opened = rest.count("[")
    if opened != rest.count("]"):
        return None
    if not opened:
        return [], " ".join(rest.split()), True, {}
    matches = list(_SIMPLE_FIELD.finditer(rest))
    if len(matches) != opened:
        return None
    fields: list[tuple[str, str]] = []
    columns: dict[str, int] = {}
    parts: list[str] = []
    plain_start = 0
    for m in matches:
        key = m.group(1).strip().lower()
        fields.append((key, m.group(2).strip()))
        start = m.start()
        if key not in columns:
            columns[key] = base + start
        parts.append(rest[plain_start:start])
        plain_start = m.end()
    parts.append(rest[plain_start:])
    text = " ".join(" ".join(parts).split())
    return fields, text, True, columns


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
