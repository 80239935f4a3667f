"""Turn one contact file's bytes into a :class:`~netkit.model.Contact`. Pure (no I/O).

Stages: decode → conflict markers → split front matter → YAML with positions → schema →
interaction log. Problems are collected as diagnostics; the contact is still returned when
only individual fields are bad (those fields are ignored), and None when the file cannot be
read as a contact at all (not UTF-8, unterminated or unparsable front matter, conflicts).
"""

from __future__ import annotations

import datetime as dt
import operator
from typing import Any

from netkit import diagnostics as diag_mod
from netkit import document, logbook, schema
from netkit.diagnostics import Diagnostic
from netkit.model import MAX_FILE_BYTES, Config, Contact, FrontMatter, Link
from netkit.yamlsource import load_mapping


def parse_contact(raw: bytes, path: str, config: Config) -> tuple[Contact | None, list[Diagnostic]]:
    """Parse a contact file. ``path`` is vault-relative with ``/``."""
    stem = path.rsplit("/", 1)[-1]
    stem = stem[:-3] if stem.lower().endswith(".md") else stem
    text, diags = decode(raw, path)
    if text is None:
        return None, diags
    conflicts = document.conflict_markers(text, path)
    if conflicts:
        return None, conflicts
    doc, split_diags = document.split(text, path)
    if doc is None:
        return None, split_diags
    fields: dict[str, Any] = {}
    values: dict[str, Any] = {}
    if doc.front_matter is not None:
        loaded = load_mapping(doc.front_matter, path=path, file_text=text, line_offset=doc.fm_line - 1)
        diags.extend(loaded.diagnostics)
        if not loaded.ok:
            return None, diags
        fields = loaded.fields
        values, schema_diags = schema.validate(fields, config, path=path, file_text=text)
        diags.extend(schema_diags)
    links = _front_matter_links(fields)
    entries, log_diags, notes = logbook.parse_log(
        doc.body, body_line=doc.body_line, heading=config.log_heading, path=path, file_text=text,
        links=links,
    )
    diags.extend(log_diags)
    entries.sort(key=_BY_DATE)
    contact = Contact(
        path=path,
        stem=stem,
        name=values.get("name") or stem,
        tier=values.get("tier", config.default_tier),
        status=values.get("status", "active"),
        cadence=values.get("cadence"),
        snooze_until=values.get("snooze_until"),
        aliases=values.get("aliases", ()),
        tags=values.get("tags", ()),
        company=values.get("company"),
        role=values.get("role"),
        industry=values.get("industry"),
        location=values.get("location"),
        career_stage=values.get("career_stage"),
        met=values.get("met"),
        how_met=values.get("how_met"),
        introduced_by=values.get("introduced_by"),
        knows=values.get("knows", ()),
        emails=values.get("email", ()),
        phones=values.get("phone", ()),
        linkedin=values.get("linkedin"),
        birthday=values.get("birthday"),
        last_contact=values.get("last_contact"),
        log=tuple(entries),
        notes=notes,
        front_matter=FrontMatter.of(_jsonable_front_matter(fields)),
        links=tuple(links),
    )
    return contact, diags


def _jsonable_front_matter(fields: dict[str, Any]) -> dict[str, Any]:
    """``{key: to_jsonable(value)}``; text values (most of them) skip the call."""
    out: dict[str, Any] = {}
    for key, field in fields.items():
        value = field.value
        out[key] = value if type(value) is str else to_jsonable(value)
    return out


def _front_matter_links(fields: dict[str, Any]) -> list[Link]:
    """Wikilinks in ``introduced_by`` and ``knows``, positioned at their value or list item."""
    links: list[Link] = []
    for key in ("introduced_by", "knows"):
        field = fields.get(key)
        if field is None:
            continue
        values = field.value if isinstance(field.value, list) else [field.value]
        for i, value in enumerate(values):
            if not isinstance(value, str):
                continue
            line, col = field.item_position(i) if isinstance(field.value, list) else (field.line, field.column)
            found = logbook.WIKILINK.findall(value)
            # a plain name (no brackets) is a link too: Obsidian users often write it bare
            for target in found or ([value.strip()] if value.strip() else []):
                links.append(Link(target.strip(), key, line, col))
    return links


def too_large(path: str, size: int) -> Diagnostic:
    """The diagnostic for a file over :data:`MAX_FILE_BYTES` (``size``: its real size)."""
    return diag_mod.make(path, 1, 1, "file.too-large",
                         f"the file is {size / 1e6:.1f} MB; contact files are limited to {MAX_FILE_BYTES // (1024 * 1024)} MB",
                         hint="move attachments and long documents out of the contacts folder")


def decode(raw: bytes, path: str) -> tuple[str | None, list[Diagnostic]]:
    """Bytes → text with the BOM removed, or a diagnostic (binary, too large, not UTF-8)."""
    if len(raw) > MAX_FILE_BYTES:
        return None, [too_large(path, len(raw))]
    nul = raw.find(b"\x00")
    if nul >= 0:
        line = raw.count(b"\n", 0, nul) + 1
        col = nul - (raw.rfind(b"\n", 0, nul) + 1) + 1
        return None, [diag_mod.make(path, line, col, "file.binary",
                                    f"the file contains a NUL byte at byte offset {nul}; it is not a text file",
                                    hint="keep only Markdown files in the contacts folder")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col_bytes = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1)
        prefix = raw[raw.rfind(b"\n", 0, exc.start) + 1 : exc.start].decode("utf-8", "replace")
        return None, [diag_mod.make(path, line, len(prefix) + 1, "file.encoding",
                                    f"the file is not valid UTF-8 (byte 0x{raw[exc.start]:02x} at byte offset {exc.start}, column byte {col_bytes + 1})",
                                    hint="re-save the file as UTF-8 (it may be Latin-1 / Windows-1252)",
                                    text=raw.decode("utf-8", "replace"))]
    return text.removeprefix(document.BOM), []


#: sort key of log entries: the order is (date, line), computed in C. parse_log returns the entries in
#: line order and the sort is stable, so the date alone gives the same order, without
#: building a tuple per entry.
_BY_DATE = operator.attrgetter("date")


def to_jsonable(value: Any) -> Any:
    """Front-matter values as JSON-able data (dates → ISO strings)."""
    if type(value) is str:
        return value  # most values: answered before the isinstance chain
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, float) and value != value:
        return None
    return value
