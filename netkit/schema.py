"""Contact schema: validate front-matter fields and build a :class:`~netkit.model.Contact`.

Each field is checked on its own; a bad field is reported and ignored, so the rest of the
contact still counts. YAML 1.1 traps (an unquoted phone read as a number, ``no`` read as a
boolean, ``12:30`` read as a sexagesimal number) are diagnostics, never silent corruption.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from netkit import diagnostics as diag_mod
from netkit.diagnostics import Diagnostic
from netkit.durations import Duration, parse_duration
from netkit.model import STATUSES, Birthday, Config
from netkit.yamlsource import Field, implicit_type_trap

TEXT_FIELDS = (
    "name", "company", "role", "industry", "location", "career_stage", "how_met",
    "introduced_by", "linkedin", "website", "github", "twitter", "mastodon", "address", "pronouns",
)
LIST_FIELDS = ("aliases", "tags", "knows", "source")
MULTI_TEXT_FIELDS = ("email", "phone")  # text or a list of text
DATE_FIELDS = ("met", "snooze_until", "last_contact")
#: fields Obsidian or common plugins add; accepted silently
TOLERATED_FIELDS = ("cssclasses", "cssclass", "publish", "permalink", "created", "updated", "vcard")
KNOWN_FIELDS = frozenset(
    (*TEXT_FIELDS, *LIST_FIELDS, *MULTI_TEXT_FIELDS, *DATE_FIELDS, *TOLERATED_FIELDS,
     "tier", "cadence", "status", "birthday")
)

# How validate treats each known key: one dict lookup instead of a chain of tuple scans.
_TEXT, _LIST, _MULTI_TEXT, _DATE = "text", "list", "multi-text", "date"
_TIER, _CADENCE, _STATUS, _BIRTHDAY, _TOLERATED = "tier", "cadence", "status", "birthday", "tolerated"
_KIND: dict[str, str] = {
    **dict.fromkeys(TOLERATED_FIELDS, _TOLERATED),
    **dict.fromkeys(DATE_FIELDS, _DATE),
    **dict.fromkeys(MULTI_TEXT_FIELDS, _MULTI_TEXT),
    **dict.fromkeys(LIST_FIELDS, _LIST),
    **dict.fromkeys(TEXT_FIELDS, _TEXT),
    "tier": _TIER, "cadence": _CADENCE, "status": _STATUS, "birthday": _BIRTHDAY,
}

_BIRTHDAY_NOYEAR = re.compile(r"^--(\d{2})-?(\d{2})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_URL = re.compile(r"^https?://\S+$", re.IGNORECASE)

Report = Callable[..., None]


def validate(
    fields: dict[str, Field], config: Config, *, path: str, file_text: str
) -> tuple[dict[str, Any], list[Diagnostic]]:
    """Check every field; return the typed values (only valid ones) and diagnostics."""
    diags: list[Diagnostic] = []
    out: dict[str, Any] = {}

    def report(field: Field, code: str, message: str, hint: str, *, severity: str = "error",
               at_key: bool = False, item: int | None = None) -> None:
        if at_key:
            line, col = field.key_line, field.key_column
        elif item is not None:
            line, col = field.item_position(item)
        else:
            line, col = field.line, field.column
        diags.append(diag_mod.make(path, line, col, code, message, hint=hint, text=file_text,
                                   severity=severity))  # type: ignore[arg-type]

    for key, field in fields.items():
        value = field.value
        if value is None:
            continue  # `key:` with nothing after it means "not set", as in Obsidian
        kind = _KIND.get(key)
        if kind is _TEXT:
            # most fields are plain text: answered here, before the call to _text
            if isinstance(value, str):
                value = value.strip()
                if value:
                    out[key] = value
                continue
            text = _text(field, report)
            if text is not None:
                out[key] = text
        elif kind is _LIST:
            items = _text_list(field, report)
            if items is not None:
                if key == "tags":
                    items = tuple(t.lstrip("#") for t in items)
                out[key] = items
        elif kind is _MULTI_TEXT:
            items = _text_list(field, report)
            if items is not None:
                if key == "email":
                    for i, e in enumerate(items):
                        if not _EMAIL.match(e):
                            report(field, "schema.email", f"`{e}` does not look like an email address",
                                   "write it as name@example.com", severity="warning",
                                   item=i if isinstance(value, list) else None)
                out[key] = items
        elif kind is _DATE:
            day = _date(field, report)
            if day is not None:
                out[key] = day
        elif kind is _TIER:
            if isinstance(value, bool) or not isinstance(value, int):
                report(field, "schema.type", f"`tier` must be a whole number, not {_describe(value)}",
                       "e.g. `tier: 2`")
            elif value not in config.tiers:
                report(field, "schema.tier", f"tier {value} is not defined in netkit.yaml",
                       "tiers defined: " + ", ".join(str(k) for k in sorted(config.tiers)))
            else:
                out["tier"] = value
        elif kind is _CADENCE:
            dur = _duration(field, report)
            if dur is not None:
                out["cadence"] = dur
        elif kind is _STATUS:
            if not isinstance(value, str) or value not in STATUSES:
                report(field, "schema.enum", f"`status` must be one of {', '.join(STATUSES)}, not {_describe(value)}",
                       "paused and archived contacts are never due")
            else:
                out["status"] = value
        elif kind is _BIRTHDAY:
            bday = _birthday(field, report)
            if bday is not None:
                out["birthday"] = bday
        elif kind is _TOLERATED:
            continue
        elif key in config.fields:
            _check_declared(field, config.fields[key].type, report)
        else:
            report(field, "schema.unknown-field", f"unknown field `{key}`",
                   f"declare it in netkit.yaml under `fields:` (e.g. `{key}: string`) or check the spelling",
                   severity="warning", at_key=True)
    if "linkedin" in out and not _URL.match(out["linkedin"]):
        report(fields["linkedin"], "schema.url", "`linkedin` should be a profile URL",
               "e.g. https://www.linkedin.com/in/ada", severity="warning")
    return out, diags


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"the boolean `{str(value).lower()}`"
    if isinstance(value, (int, float)):
        return f"the number `{value}`"
    if isinstance(value, (dt.date, dt.datetime)):
        return f"the date `{value}`"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"`{value}`"


def _trap_message(field: Field, node: Any, value: Any, report: Report, item: int | None = None) -> bool:
    """Report a YAML 1.1 trap on a text field; True when one was found."""
    trap = implicit_type_trap(node)
    if trap is None:
        return False
    raw = str(node.value)
    if trap == "boolean":
        msg = f"`{field.key}`: YAML read `{raw}` as the boolean {str(value).lower()}, not as text"
    elif trap == "octal number":
        msg = f"`{field.key}`: YAML read `{raw}` as an octal number ({value}), losing the leading zero"
    elif trap == "sexagesimal number":
        msg = f"`{field.key}`: YAML read `{raw}` as a base-60 number ({value}), not as text"
    else:
        msg = f"`{field.key}`: YAML read `{raw}` as the number {value}, not as text"
    report(field, "schema.yaml-trap", msg, f"quote it: `{field.key}: \"{raw}\"`", item=item)
    return True


def _text(field: Field, report: Report) -> str | None:
    value = field.value
    if isinstance(value, str):
        return value.strip() or None
    if _trap_message(field, field.node, value, report):
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]  # a date in a text field is harmless: keep it as written
    report(field, "schema.type", f"`{field.key}` must be text, not {_describe(value)}",
           f"write `{field.key}: some text`")
    return None


def _text_list(field: Field, report: Report) -> tuple[str, ...] | None:
    value = field.value
    if isinstance(value, str):
        return (value.strip(),) if value.strip() else ()
    if not isinstance(value, list):
        if _trap_message(field, field.node, value, report):
            return None
        report(field, "schema.type", f"`{field.key}` must be a list of text, not {_describe(value)}",
               f"write `{field.key}:` then one `  - item` per line")
        return None
    items: list[str] = []
    for i, item in enumerate(value):
        if isinstance(item, str):
            if item.strip():
                items.append(item.strip())
            continue
        if item is None:
            continue
        node = field.node.value[i] if hasattr(field.node, "value") and isinstance(field.node.value, list) else field.node
        if _trap_message(field, node, item, report, item=i):
            continue
        if isinstance(item, list) and len(item) == 1 and isinstance(item[0], list):
            # `- [[Ada]]` unquoted is a nested list in YAML; Obsidian needs quotes
            report(field, "schema.unquoted-link", f"`{field.key}`: an unquoted [[link]] is read as a nested list",
                   'quote links in properties: `- "[[Ada Lovelace]]"`', item=i)
            continue
        report(field, "schema.type", f"`{field.key}` item {i + 1} must be text, not {_describe(item)}",
               "quote the item", item=i)
    return tuple(items)


def _date(field: Field, report: Report) -> dt.date | None:
    value = field.value
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        m = _ISO_DATE.match(value.strip())
        if m:
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                pass
    report(field, "schema.date", f"`{field.key}` must be a date YYYY-MM-DD, not {_describe(value)}",
           f"e.g. `{field.key}: 2026-03-07`")
    return None


def _duration(field: Field, report: Report) -> Duration | None:
    value = field.value
    dur = parse_duration(value) if isinstance(value, str) else None
    if dur is None:
        report(field, "schema.duration", f"`{field.key}` must be a duration like 30d, 6w, 3m or 1y, not {_describe(value)}",
               "<n>d days, <n>w weeks, <n>m calendar months, <n>y years")
    return dur


def _birthday(field: Field, report: Report) -> Birthday | None:
    value = field.value
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return Birthday(value.month, value.day, value.year)
    if isinstance(value, str):
        text = value.strip()
        m = _BIRTHDAY_NOYEAR.match(text)
        if m:
            month, day = int(m.group(1)), int(m.group(2))
            try:
                dt.date(2000, month, day)  # 2000 is a leap year: --02-29 is fine
            except ValueError:
                report(field, "schema.birthday", f"`{text}` is not a real day of the year", "check the month and day")
                return None
            return Birthday(month, day, None)
        m = _ISO_DATE.match(text)
        if m:
            try:
                d = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
                return Birthday(d.month, d.day, d.year)
            except ValueError:
                pass
    report(field, "schema.birthday", f"`birthday` must be YYYY-MM-DD or --MM-DD, not {_describe(value)}",
           'e.g. `birthday: 1990-12-10`, or `birthday: "--12-10"` when the year is unknown')
    return None


def _check_declared(field: Field, typ: str, report: Report) -> None:
    value = field.value
    ok: bool
    if typ in ("string", "text", "url", "email"):
        ok = isinstance(value, str)
        if not ok and _trap_message(field, field.node, value, report):
            return
    elif typ == "number":
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    elif typ == "integer":
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif typ == "boolean":
        ok = isinstance(value, bool)
    elif typ == "date":
        ok = isinstance(value, dt.date)
    elif typ == "list":
        ok = isinstance(value, list)
    else:
        ok = True
    if not ok:
        report(field, "schema.type", f"`{field.key}` must be a {typ} (declared in netkit.yaml), not {_describe(value)}",
               f"fix the value or change `{field.key}: {typ}` under `fields:`")
