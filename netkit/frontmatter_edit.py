"""Byte-minimal edits of a contact file's front matter: add missing keys, add list items.

design.md §5: netkit never rewrites a user's file wholesale. Every edit made here is a pure
*insertion*: the new file is the old one with some text inserted at a few offsets, so every
existing byte — BOM, line endings (CRLF stays CRLF), comments, key order, quoting — is kept.

What can be inserted:

* a **missing key** becomes new lines just before the closing ``---`` (a file without front
  matter gets a new front-matter block at its start, after the BOM);
* a key that is **present but empty** (``email:`` with nothing after the colon, as Obsidian
  templates leave them) is filled in place: `` value`` after the colon, or the block-list /
  mapping lines right after the key's line;
* **list items** are added to an existing list without touching its items:

  - block list (``tags:`` then ``  - a``): a new ``  - b`` line after the last item, with the
    same indentation;
  - flow list (``tags: [a]``): ``, b`` after the last item (``b`` inside an empty ``[]``);
  - single-line scalar (``email: a@x.org``): ``[`` before it and ``, b@y.org]`` after it,
    which turns it into the flow list ``[a@x.org, b@y.org]`` — still only insertions.

Anything else (a multi-line scalar, an explicit ``null``, a flow-style or indented root
mapping) cannot be extended by insertion alone; those requests come back in
:attr:`EditResult.skipped` with a reason, and the caller reports them as conflicts.

The caller must re-parse the result (the merge layer does) before writing it: this module
guarantees "insertions only", the re-parse guarantees "means what we wanted".

Positions come from PyYAML's pure-Python composer, whose marks are character indexes into
the text (libyaml's are not guaranteed to be); the work is done on the decoded text and
encoded back, which is lossless for the valid UTF-8 the loader already accepted.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from netkit.logwriter import yaml_double_quote, yaml_scalar
from netkit.model import Birthday

BOM = "\ufeff"


class EditError(Exception):
    """The front matter cannot be edited by insertion (unterminated, unparsable, odd shape)."""


@dataclasses.dataclass(frozen=True, slots=True)
class RawLines:
    """A value given as ready-made YAML lines (without line endings), copied verbatim.

    The first line holds the key (``phone: "+44 20"``); used by ``dedupe`` to carry a field
    over from another file exactly as the user wrote it.
    """

    lines: tuple[str, ...]


# ------------------------------------------------------------------------- rendering


def scalar(value: Any) -> str:
    """One YAML scalar for ``value``: text via :func:`~netkit.logwriter.yaml_scalar`, dates
    unquoted (Obsidian's date properties), year-less birthdays quoted, numbers as is."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dt.datetime):
        return yaml_double_quote(value.isoformat())
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Birthday):
        # "--12-10" must be quoted; "1815-12-10" loads as a date, which the schema accepts
        return str(value) if value.year is not None else yaml_double_quote(str(value))
    return yaml_scalar(str(value))


def render_field(key: str, value: Any, indent: int = 0) -> list[str]:
    """YAML lines (no line endings) for ``key: value``, Obsidian style.

    Lists are block lists indented two spaces (an empty list is ``[]``), mappings are nested
    two spaces deeper, scalars go through :func:`scalar`.
    """
    if isinstance(value, RawLines):
        return list(value.lines)
    pad = " " * indent
    head = f"{pad}{yaml_scalar(str(key))}:"
    if isinstance(value, list | tuple):
        if not value:
            return [head + " []"]
        return [head, *(f"{pad}  - {scalar(item)}" for item in value)]
    if isinstance(value, Mapping):
        if not value:
            return [head + " {}"]
        lines = [head]
        for sub_key, sub_value in value.items():
            lines.extend(render_field(str(sub_key), sub_value, indent + 2))
        return lines
    return [f"{head} {scalar(value)}"]


# -------------------------------------------------------------------------- locating


@dataclasses.dataclass(frozen=True, slots=True)
class Layout:
    """Where the front matter stands in a file's text (character offsets)."""

    text: str
    newline: str
    has_front_matter: bool
    #: offset of the first YAML character (just after the opening ``---`` line)
    yaml_start: int
    #: offset of the closing fence line (== yaml_start for an empty front matter)
    close_start: int
    #: the composed top-level mapping, or None when the front matter is empty / absent
    root: MappingNode | None

    def key_nodes(self) -> dict[str, tuple[Node, Node]]:
        """Top-level ``key -> (key node, value node)`` (first occurrence wins)."""
        out: dict[str, tuple[Node, Node]] = {}
        if self.root is not None:
            for key_node, value_node in self.root.value:
                if isinstance(key_node, ScalarNode):
                    out.setdefault(str(key_node.value), (key_node, value_node))
        return out

    def offset(self, index: int) -> int:
        """A YAML mark index (relative to the snippet) as an offset into :attr:`text`."""
        return self.yaml_start + index


def newline_of(text: str) -> str:
    """The file's newline: CRLF when its first line ends with CRLF, else LF."""
    nl = text.find("\n")
    return "\r\n" if nl > 0 and text[nl - 1] == "\r" else "\n"


def _is_open(line: str) -> bool:
    return line.rstrip("\r").rstrip(" \t") == "---"


def _is_close(line: str) -> bool:
    # YAML's document-end marker "..." closes front matter too (as in netkit.document)
    return line.rstrip("\r").rstrip(" \t") in ("---", "...")


def locate(text: str) -> Layout:
    """Find and compose the front matter of ``text`` (a whole file, BOM included).

    Raises :class:`EditError` when the front matter is never closed or is not a YAML
    mapping: such a file has errors and must not be edited.
    """
    newline = newline_of(text)
    start = 1 if text.startswith(BOM) else 0
    first_end = text.find("\n", start)
    first = text[start:] if first_end < 0 else text[start:first_end]
    if not _is_open(first):
        return Layout(text, newline, False, start, start, None)
    if first_end < 0:
        raise EditError("the front matter is never closed")
    pos = first_end + 1
    yaml_start = pos
    while pos < len(text):
        nl = text.find("\n", pos)
        line = text[pos:] if nl < 0 else text[pos:nl]
        if _is_close(line):
            return Layout(text, newline, True, yaml_start, pos, _compose(text[yaml_start:pos]))
        if nl < 0:
            break
        pos = nl + 1
    raise EditError("the front matter is never closed")


def _compose(snippet: str) -> MappingNode | None:
    try:
        root = yaml.compose(snippet, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise EditError(f"the front matter is not valid YAML: {exc}") from None
    if root is None:
        return None
    if not isinstance(root, MappingNode):
        raise EditError("the front matter is not a mapping")
    return root


# --------------------------------------------------------------------------- editing


@dataclasses.dataclass(frozen=True, slots=True)
class EditResult:
    """The edited bytes and what was (not) done.

    ``content`` is the original with insertions only; ``inserted`` lists ``(offset, text)``
    in the original text's character offsets; ``skipped`` holds ``(key, reason)`` for
    requests that insertion alone cannot satisfy.
    """

    content: bytes
    inserted: tuple[tuple[int, str], ...]
    added: tuple[str, ...]
    extended: tuple[str, ...]
    skipped: tuple[tuple[str, str], ...]

    @property
    def changed(self) -> bool:
        """True when anything was inserted."""
        return bool(self.inserted)


def edit(
    content: bytes,
    set_keys: Mapping[str, Any] | None = None,
    add_items: Mapping[str, Sequence[Any]] | None = None,
) -> EditResult:
    """Insert missing keys (``set_keys``, in order) and list items (``add_items``).

    ``set_keys`` values are rendered with :func:`render_field`; a key that already has a
    value is skipped ("already set"). ``add_items`` appends items to an existing list (or
    single-line scalar) value; an absent or empty key is treated like ``set_keys`` with a
    list. Raises :class:`EditError` when the file is not UTF-8 or its front matter cannot
    be located (files with errors are never edited).
    """
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        raise EditError("the file is not valid UTF-8") from None
    layout = locate(text)
    nl = layout.newline
    nodes = layout.key_nodes()
    insertions: list[tuple[int, str]] = []
    new_lines: list[str] = []
    new_keys: list[str] = []
    added: list[str] = []
    extended: list[str] = []
    skipped: list[tuple[str, str]] = []

    requests: list[tuple[str, Any, bool]] = [(k, v, False) for k, v in (set_keys or {}).items()]
    requests += [(k, list(v), True) for k, v in (add_items or {}).items() if v]
    for key, value, is_items in requests:
        found = nodes.get(key)
        if found is None:
            new_lines.extend(render_field(key, value))
            new_keys.append(key)
            continue
        key_node, value_node = found
        if _is_empty(value_node):
            fill = _fill_empty(layout, key_node, key, value)
            if fill is None:
                skipped.append((key, "the key is present but cannot be filled in place"))
            else:
                insertions.extend(fill)
                added.append(key)
            continue
        if isinstance(value_node, ScalarNode) and value_node.tag.endswith(":null"):
            skipped.append((key, f"`{key}` is explicitly null; netkit does not replace it"))
            continue
        if not is_items:
            skipped.append((key, "already set"))
            continue
        ins, reason = _append_items(layout, value_node, value)
        if ins is None:
            skipped.append((key, reason))
        else:
            insertions.extend(ins)
            extended.append(key)

    if new_keys:
        root = layout.root
        if root is not None and (root.flow_style or root.start_mark.column != 0):
            # a flow-style `{...}` or indented root mapping: a key at column 0 would break it
            skipped.extend((k, "the front matter is not a plain block mapping") for k in new_keys)
        else:
            block = "".join(line + nl for line in new_lines)
            if layout.has_front_matter:
                insertions.append((layout.close_start, block))
            else:
                insertions.append((layout.yaml_start, "---" + nl + block + "---" + nl))
            added.extend(new_keys)
    new_text = _apply(text, insertions)
    return EditResult(
        new_text.encode("utf-8"), tuple(insertions), tuple(added), tuple(extended), tuple(skipped)
    )


def _apply(text: str, insertions: list[tuple[int, str]]) -> str:
    """``text`` with every insertion made; equal offsets keep their request order."""
    order = sorted(range(len(insertions)), key=lambda i: (insertions[i][0], i))
    parts: list[str] = []
    pos = 0
    for i in order:
        offset, chunk = insertions[i]
        parts.append(text[pos:offset])
        parts.append(chunk)
        pos = offset
    parts.append(text[pos:])
    return "".join(parts)


def _is_empty(node: Node) -> bool:
    """``key:`` with nothing after it (only whitespace or a comment)."""
    return (
        isinstance(node, ScalarNode)
        and node.tag.endswith(":null")
        and node.value == ""
        and node.style in (None, "")
    )


def _line_end(text: str, offset: int) -> int:
    """Offset just past the line ending of the line holding ``offset``."""
    nl = text.find("\n", offset)
    return len(text) if nl < 0 else nl + 1


def _fill_empty(layout: Layout, key_node: Node, key: str, value: Any) -> list[tuple[int, str]] | None:
    """Insertions that give the empty ``key:`` its value: what follows ``key:`` in the
    rendered field goes after the colon, the rendered field's further lines (block list,
    mapping) right after the key's line."""
    text = layout.text
    key_end = layout.offset(key_node.end_mark.index)
    colon = text.find(":", key_end)
    if colon < 0 or "\n" in text[key_end:colon]:
        return None
    lines = render_field(key, value)
    head = lines[0]
    if ":" not in head:
        return None
    out: list[tuple[int, str]] = []
    tail = head[head.index(":") + 1 :]
    if tail.strip():
        out.append((colon + 1, tail))
    if len(lines) > 1:
        after = _line_end(text, colon)
        if after >= len(text) and not text.endswith("\n"):
            return None
        out.append((after, "".join(line + layout.newline for line in lines[1:])))
    return out or None


def _append_items(
    layout: Layout, node: Node, items: Sequence[Any]
) -> tuple[list[tuple[int, str]] | None, str]:
    """Insertions adding ``items`` to the list (or single scalar) ``node``."""
    text = layout.text
    rendered = [scalar(item) for item in items]
    if isinstance(node, SequenceNode):
        if node.flow_style:
            if node.value:
                at = layout.offset(node.value[-1].end_mark.index)
                return [(at, "".join(", " + r for r in rendered))], ""
            at = layout.offset(node.start_mark.index) + 1  # just inside "["
            return [(at, ", ".join(rendered))], ""
        if not node.value or any(not isinstance(item, ScalarNode) for item in node.value):
            return None, "the list holds nested values"
        last = node.value[-1]
        end = layout.offset(last.end_mark.index)
        # a block scalar item ends at the start of the next line; others mid-line
        at = end if last.end_mark.column == 0 else _line_end(text, end)
        if at >= len(text) and not text.endswith("\n"):
            return None, "the list ends the file"
        dash = " " * node.start_mark.column
        return [(at, "".join(f"{dash}- {r}{layout.newline}" for r in rendered))], ""
    if isinstance(node, ScalarNode):
        if node.style not in (None, "", "'", '"'):
            return None, "a block scalar cannot become a list without rewriting it"
        if node.start_mark.line != node.end_mark.line:
            return None, "a multi-line value cannot become a list without rewriting it"
        start = layout.offset(node.start_mark.index)
        end = layout.offset(node.end_mark.index)
        return [(start, "["), (end, "".join(", " + r for r in rendered) + "]")], ""
    return None, "the value is a mapping, not a list"


def is_insertion_only(old: bytes, new: bytes) -> bool:
    """True when ``new`` is ``old`` with bytes inserted (``old`` is a subsequence of ``new``)."""
    it = iter(new)
    return all(any(b == c for c in it) for b in old)
