"""Safe YAML loading that keeps the source position of every key and value.

Parsing and composing run in libyaml (``yaml.CSafeLoader``) when it is available; values are
constructed by PyYAML's *safe* constructor only, one top-level key at a time, so a bad value
costs one diagnostic rather than the whole file. Before anything is constructed the node
tree is walked once to refuse what could hang, explode or run code: aliases (billion laughs),
deep nesting, huge documents and non-standard tags such as ``!!python/object/apply``.

Most front matter is flat ``key: value`` lines and block lists of simple scalars. That
subset is read by :func:`_load_simple`, a line scanner that is several times faster than
composing a node tree, and that gives *exactly* what the full path gives: the same values
(typed by PyYAML's own implicit resolvers), positions and an empty diagnostic list. Anything
outside the subset (flow collections, multi-line or escaped scalars, comments after values,
tabs, CR, odd characters, duplicate keys, booleans, floats, ...) goes the full way. Fields
from the fast path compose their node only when someone asks for it (``Field.node``, used
for diagnostics), with the real parser, so nodes are identical too.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from netkit import diagnostics as diag_mod
from netkit.diagnostics import Diagnostic

#: the libyaml-backed loader when the C extension is present, else the pure-Python one
SafeLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_DEPTH = 32
MAX_NODES = 20_000
#: beyond this, libyaml (recursive C) could overflow its stack: refuse before composing
MAX_FLOW_DEPTH = 2_000

_STD_TAGS = frozenset(
    "tag:yaml.org,2002:" + t
    for t in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
)
_TAG_INT = "tag:yaml.org,2002:int"
_TAG_FLOAT = "tag:yaml.org,2002:float"
_TAG_BOOL = "tag:yaml.org,2002:bool"
_TAG_STR = "tag:yaml.org,2002:str"
_TAG_NULL = "tag:yaml.org,2002:null"
_TAG_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_TAG_MAP = "tag:yaml.org,2002:map"
_TAG_MERGE = "tag:yaml.org,2002:merge"


@dataclasses.dataclass(frozen=True, slots=True)
class Field:
    """One top-level key with its constructed value and where both stand in the file.

    Lines and columns are 1-based positions in the *file*, not in the YAML snippet.
    """

    key: str
    value: Any
    key_line: int
    key_column: int
    line: int
    column: int
    node: Node

    def locate(self, *steps: object) -> tuple[int, int]:
        """Position of a nested value: ``locate(1, "cadence")`` walks mapping keys and
        sequence indexes from this field's value; stops at the deepest node found."""
        node = self.node
        for step in steps:
            nxt: Node | None = None
            if isinstance(node, MappingNode):
                for k, v in node.value:
                    if isinstance(k, ScalarNode) and (k.value == step or k.value == str(step)):
                        nxt = v
                        break
            elif isinstance(node, SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
                nxt = node.value[step]
            if nxt is None:
                break
            node = nxt
        mark = node.start_mark
        return self.line - self.node.start_mark.line + mark.line, mark.column + 1

    def item_position(self, index: int) -> tuple[int, int]:
        """Position of the ``index``-th item when the value is a sequence."""
        if isinstance(self.node, SequenceNode) and index < len(self.node.value):
            mark = self.node.value[index].start_mark
            return self.line - self.node.start_mark.line + mark.line, mark.column + 1
        return self.line, self.column


_NODE_SLOT: Any = Field.__dict__["node"]  # the slot behind ``Field.node``


class _Snippet:
    """The YAML text of a fast-path mapping; composes the real node tree once, on demand."""

    __slots__ = ("text", "_values")

    def __init__(self, text: str) -> None:
        self.text = text
        self._values: dict[str, Node] | None = None

    def value_node(self, key: str) -> Node:
        if self._values is None:
            loader = SafeLoader(self.text)
            try:
                root = loader.get_single_node()
            finally:
                loader.dispose()
            # the fast path only accepts unique plain keys, so the key text identifies the node
            self._values = {str(k.value): v for k, v in root.value}
        return self._values[key]


class _SimpleField(Field):
    """A :class:`Field` from the fast path: ``node`` is composed on first access.

    ``item_position`` answers from the positions the scanner saw (a block list's items),
    so that locating list items does not need the node tree.
    """

    __slots__ = ("_snippet", "_items")
    _snippet: _Snippet
    _items: tuple[tuple[int, int], ...] | None

    @property
    def node(self) -> Node:
        """The value's node, composed by the real parser on first access."""
        try:
            node: Node = _NODE_SLOT.__get__(self)
            return node
        except AttributeError:
            node = self._snippet.value_node(self.key)
            _NODE_SLOT.__set__(self, node)
            return node

    @node.setter
    def node(self, value: Node) -> None:  # used by Field.__init__ (dataclasses.replace)
        _NODE_SLOT.__set__(self, value)

    def item_position(self, index: int) -> tuple[int, int]:
        """Same as :meth:`Field.item_position`."""
        items = getattr(self, "_items", None)
        if items is None:
            return Field.item_position(self, index)
        if 0 <= index < len(items):
            return items[index]
        return self.line, self.column


# The slots' own setters: cheaper than object.__setattr__, which looks each name up first.
# Field is frozen, and its generated __init__ would set ``node``, which stays unset here
# until the property composes it.
_SET_KEY = Field.__dict__["key"].__set__
_SET_VALUE = Field.__dict__["value"].__set__
_SET_KEY_LINE = Field.__dict__["key_line"].__set__
_SET_KEY_COLUMN = Field.__dict__["key_column"].__set__
_SET_LINE = Field.__dict__["line"].__set__
_SET_COLUMN = Field.__dict__["column"].__set__
_SET_SNIPPET = _SimpleField.__dict__["_snippet"].__set__
_SET_ITEMS = _SimpleField.__dict__["_items"].__set__
_NEW = object.__new__


def _simple_field(key: str, value: Any, key_line: int, line: int, column: int, snippet: _Snippet,
                  items: tuple[tuple[int, int], ...] | None = None) -> Field:
    field = _NEW(_SimpleField)
    _SET_KEY(field, key)
    _SET_VALUE(field, value)
    _SET_KEY_LINE(field, key_line)
    _SET_KEY_COLUMN(field, 1)
    _SET_LINE(field, line)
    _SET_COLUMN(field, column)
    _SET_SNIPPET(field, snippet)
    _SET_ITEMS(field, items)
    return field


# ----------------------------------------------------------------------------- fast path

#: characters outside this set (tabs, CR, other YAML line breaks, BOM, control and
#: non-printable characters) send the snippet to the full parser
_UNSIMPLE_CHAR = re.compile("[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
_DOUBLE_QUOTED = re.compile(r'"([^"\\]*)"')
_SINGLE_QUOTED = re.compile(r"'([^']*)'")
_DECIMAL = re.compile(r"0|[1-9][0-9]*")
_YMD = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
#: characters that cannot start a plain scalar, or only in ways the fast path leaves alone
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_IMPLICIT: dict[Any, list[tuple[str, re.Pattern[str]]]] = SafeLoader.yaml_implicit_resolvers  # type: ignore[attr-defined]
_NOT_SIMPLE = object()
# One row per line of a fast-path snippet (which ends with a newline): `key: value` or
# `key:`, a block list item, a comment, or a blank line; other lines match nothing.
_SIMPLE_LINE = re.compile(r"^(?:([A-Za-z_][A-Za-z0-9_-]{0,200}):(?:( +)(.*))?|( *)(- +)(.*)|#.*| *)\n", re.MULTILINE)
#: scalar text -> its value, shared by every load (see _scalar); bounded like logbook's memos
_SCALAR_MEMO: dict[str, Any] = {}
_MEMO_LIMIT = 50_000


def _simple_scalar(text: str) -> Any:
    """The value of a one-line scalar (``text`` without surrounding spaces), or _NOT_SIMPLE."""
    first = text[0]
    if first == '"':
        m = _DOUBLE_QUOTED.fullmatch(text)
        return m.group(1) if m else _NOT_SIMPLE
    if first == "'":
        m = _SINGLE_QUOTED.fullmatch(text)
        return m.group(1) if m else _NOT_SIMPLE
    if first in _INDICATORS or ": " in text or " #" in text or text[-1] == ":":
        return _NOT_SIMPLE
    if _YMD.fullmatch(text):
        # a date (the usual non-text value): no int or float resolver matches a `-` inside,
        # so the resolvers below would say timestamp; skip trying them
        try:
            return dt.date(int(text[0:4]), int(text[5:7]), int(text[8:10]))
        except ValueError:
            return _NOT_SIMPLE  # the full path reports it
    # PyYAML's BaseResolver.resolve for a plain scalar, using the loader's own resolvers
    tag = _TAG_STR
    for candidate, regexp in _IMPLICIT.get(first, ()):
        if regexp.match(text):
            tag = candidate
            break
    else:
        for candidate, regexp in _IMPLICIT.get(None, ()):
            if regexp.match(text):
                tag = candidate
                break
    if tag == _TAG_STR:
        return text
    if tag == _TAG_INT and _DECIMAL.fullmatch(text) and len(text) < 19:
        return int(text)  # longer numbers take the full path (Python caps int() at 4300 digits)
    if tag == _TAG_TIMESTAMP and _YMD.fullmatch(text):
        try:
            return dt.date(int(text[0:4]), int(text[5:7]), int(text[8:10]))
        except ValueError:
            return _NOT_SIMPLE  # the full path reports it
    return _NOT_SIMPLE


def _scalar(text: str) -> Any:
    """:func:`_simple_scalar`, memoised: front matter repeats values (tiers, dates, places)
    across a vault, and every value it returns is immutable, so sharing one is safe."""
    value = _SCALAR_MEMO.get(text, _NOT_SIMPLE)
    if value is _NOT_SIMPLE:
        value = _simple_scalar(text)
        if value is not _NOT_SIMPLE and len(_SCALAR_MEMO) < _MEMO_LIMIT:
            _SCALAR_MEMO[text] = value
    return value


def _load_simple(snippet: str, line_offset: int) -> YamlMapping | None:
    """Read flat ``key: scalar`` / ``key:`` + ``- scalar`` front matter; None when the
    snippet is anything else (see the module docstring)."""
    if _UNSIMPLE_CHAR.search(snippet) is not None:
        return None
    newlines = snippet.count("\n")
    if (newlines + 1) * 2 > MAX_NODES:
        return None
    if snippet.endswith("\n"):
        rows = _SIMPLE_LINE.findall(snippet)
    else:  # the last line then matches like the others (and an empty one is blank)
        rows = _SIMPLE_LINE.findall(snippet + "\n")
        newlines += 1
    # rows, one per line unless some line is none of the shapes: (key, spaces, value,
    # indent, dash, item); a blank or comment line has neither key nor dash
    count = len(rows)
    if count != newlines:
        return None
    holder = _Snippet(snippet)
    fields: dict[str, Field] = {}
    i = 0
    while i < count:
        key, spaces, text, _, dash, _ = rows[i]
        if not key:
            if dash:
                return None  # a list item where a key belongs
            i += 1
            continue
        if key in fields:
            return None  # duplicate keys: the full path reports them
        file_line = line_offset + i + 1
        text = text.rstrip(" ")
        if text:
            value = _scalar(text)
            if value is _NOT_SIMPLE:
                return None
            fields[key] = _simple_field(key, value, file_line, file_line, len(key) + len(spaces) + 2, holder)
            i += 1
            continue
        # `key:` alone: a block list follows, or the value is null
        j = i + 1
        while j < count and not rows[j][0] and not rows[j][4]:
            j += 1
        if j == count or not rows[j][4]:
            # an empty scalar stands right after the colon
            fields[key] = _simple_field(key, None, file_line, file_line, len(key) + 2, holder)
            i += 1
            continue
        indent = rows[j][3]
        items: list[Any] = []
        positions: list[tuple[int, int]] = []
        seq_line = line_offset + j + 1
        while j < count:
            _, _, _, item_indent, dash, item_text = rows[j]
            if not dash:
                if rows[j][0]:
                    break  # the next key
                j += 1  # blank or comment
                continue
            if item_indent != indent:
                break
            item_text = item_text.rstrip(" ")
            if not item_text:
                return None
            item = _scalar(item_text)
            if item is _NOT_SIMPLE:
                return None
            items.append(item)
            positions.append((line_offset + j + 1, len(indent) + len(dash) + 1))
            j += 1
        fields[key] = _simple_field(key, items, file_line, seq_line, len(indent) + 1, holder, tuple(positions))
        i = j
    if not fields:
        return None
    return YamlMapping(fields, [], True)


def is_plain_scalar(node: Node) -> bool:
    """True for an unquoted scalar (the only kind YAML 1.1 re-types behind the user's back)."""
    return isinstance(node, ScalarNode) and node.style in (None, "")


def implicit_type_trap(node: Node) -> str | None:
    """Name the YAML 1.1 trap when an unquoted scalar was read as a non-string.

    Returns e.g. "number", "boolean", "sexagesimal number", or None when the node is a
    string or was quoted.
    """
    if not is_plain_scalar(node):
        return None
    tag = node.tag
    if tag == _TAG_BOOL:
        return "boolean"
    if tag == _TAG_INT:
        text = str(node.value)
        if ":" in text:
            return "sexagesimal number"
        if len(text.lstrip("+-")) > 1 and text.lstrip("+-").startswith("0") and text.lstrip("+-")[1:2].isdigit():
            return "octal number"
        return "number"
    if tag == _TAG_FLOAT:
        return "sexagesimal number" if ":" in str(node.value) else "number"
    if tag == _TAG_NULL:
        return None
    return None


@dataclasses.dataclass(slots=True)
class YamlMapping:
    """The result of :func:`load_mapping`."""

    fields: dict[str, Field]
    diagnostics: list[Diagnostic]
    #: True when the document parsed to a mapping (or was empty)
    ok: bool


def load_mapping(
    snippet: str,
    *,
    path: str,
    file_text: str,
    line_offset: int,
    what: str = "front matter",
) -> YamlMapping:
    """Load a YAML mapping from ``snippet``, which starts at file line ``line_offset + 1``.

    Never raises for bad input: every problem becomes a diagnostic with a file position.
    """
    simple = _load_simple(snippet, line_offset)
    if simple is not None:
        return simple
    return _load_full(snippet, path=path, file_text=file_text, line_offset=line_offset, what=what)


def _load_full(snippet: str, *, path: str, file_text: str, line_offset: int, what: str) -> YamlMapping:
    """:func:`load_mapping` through PyYAML's composer: any YAML, every diagnostic."""
    diags: list[Diagnostic] = []

    def report(line: int, col: int, code: str, msg: str, hint: str = "", severity: str = "error") -> None:
        diags.append(
            diag_mod.make(path, line, col, code, msg, hint=hint, text=file_text, severity=severity)  # type: ignore[arg-type]
        )

    if _flow_depth_exceeds(snippet, MAX_FLOW_DEPTH):
        report(line_offset + 1, 1, "yaml.too-deep", f"the {what} is nested more than {MAX_DEPTH} levels deep",
               "flatten the structure")
        return YamlMapping({}, diags, False)
    loader = SafeLoader(snippet)
    try:
        try:
            root = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            # at the very end of the snippet the problem mark points past the YAML (at the
            # closing fence); the context mark names where the unclosed thing began
            if exc.context_mark is not None and mark is not None and mark.line >= snippet.count("\n"):
                mark = exc.context_mark
            line = line_offset + (mark.line + 1 if mark else 1)
            col = mark.column + 1 if mark else 1
            problem = exc.problem or exc.context or "invalid YAML"
            report(line, col, "yaml.syntax", f"invalid YAML in the {what}: {problem}",
                   _syntax_hint(problem))
            return YamlMapping({}, diags, False)
        except yaml.YAMLError as exc:
            # reader errors (control characters) carry a position of their own
            line, col = line_offset + 1, 1
            position = getattr(exc, "position", None)
            if isinstance(position, int):
                before = snippet[:position]
                line = line_offset + before.count("\n") + 1
                col = position - (before.rfind("\n") + 1) + 1
            report(line, col, "yaml.syntax", f"invalid YAML in the {what}: {exc}",
                   "remove control characters; the file must be plain UTF-8 text")
            return YamlMapping({}, diags, False)
        except RecursionError:
            report(line_offset + 1, 1, "yaml.too-deep", f"the {what} is nested too deeply",
                   f"keep nesting under {MAX_DEPTH} levels")
            return YamlMapping({}, diags, False)

        if root is None:
            return YamlMapping({}, diags, True)
        if not isinstance(root, MappingNode):
            kind = "a list" if isinstance(root, SequenceNode) else "a single value"
            report(line_offset + root.start_mark.line + 1, root.start_mark.column + 1,
                   "frontmatter.not-mapping", f"the {what} is {kind}, not a set of `key: value` lines",
                   "write one `key: value` per line, e.g. `name: Ada Lovelace`")
            return YamlMapping({}, diags, False)

        if root.tag != _TAG_MAP:
            report(line_offset + root.start_mark.line + 1, root.start_mark.column + 1, "yaml.tag",
                   f"the tag `{root.tag}` on the front matter is not allowed (only plain YAML values are loaded)",
                   "remove the `!tag`; netkit never runs code from a file")
            return YamlMapping({}, diags, False)
        problem_nodes = _check_tree(root, line_offset, report, what, snippet)
        fields: dict[str, Field] = {}
        for pair_index, (key_node, value_node) in enumerate(root.value):
            kline = line_offset + key_node.start_mark.line + 1
            kcol = key_node.start_mark.column + 1
            if not isinstance(key_node, ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                report(kline, kcol, "yaml.key", "keys must be plain names",
                       "write `name: value`; merge keys (`<<`) and complex keys are not supported")
                continue
            key = str(key_node.value)
            if key in fields:
                first = fields[key]
                report(kline, kcol, "yaml.duplicate-key",
                       f"duplicate key `{key}` (first defined on line {first.key_line})",
                       "remove one of them; YAML would silently keep only the last")
                continue
            if pair_index in problem_nodes:
                continue
            vline = line_offset + value_node.start_mark.line + 1
            vcol = value_node.start_mark.column + 1
            try:
                value = loader.construct_object(value_node, deep=True)
            except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
                message = getattr(exc, "problem", None) or str(exc)
                report(vline, vcol, "yaml.value", f"`{key}` has a value YAML cannot read: {message}",
                       "quote the value to keep it as text")
                continue
            fields[key] = Field(key, value, kline, kcol, vline, vcol, value_node)
        return YamlMapping(fields, diags, True)
    finally:
        loader.dispose()


def _syntax_hint(problem: str) -> str:
    if "tab" in problem:
        return "YAML does not allow tabs for indentation; use spaces"
    if "mapping values are not allowed" in problem:
        return "a value containing `: ` must be quoted, e.g. `role: \"CTO: platform\"`"
    if "found character" in problem and "`" in problem:
        return "quote values that start with special characters"
    return "check indentation and quoting; values with `:`, `#`, `[` or `{` need quotes"


def _alias_positions(snippet: str, line_offset: int) -> list[tuple[int, int]]:
    """File positions of every alias (``*name``) in document order (rare: re-parses)."""
    out: list[tuple[int, int]] = []
    try:
        for event in yaml.parse(snippet, Loader=SafeLoader):
            mark = event.start_mark
            if isinstance(event, yaml.AliasEvent) and mark is not None:
                out.append((line_offset + mark.line + 1, mark.column + 1))
    except yaml.YAMLError:
        pass
    return out


def _flow_depth_exceeds(snippet: str, limit: int) -> bool:
    """True when ``[``/``{`` nest deeper than ``limit`` (quotes skipped, roughly).

    libyaml composes recursively in C: tens of thousands of nested brackets (100 KB) overflow
    its stack and kill the process, so depth must be checked before composing.
    """
    if snippet.count("[") + snippet.count("{") <= limit:
        return False
    depth = 0
    quote = ""
    for ch in snippet:
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "[{":
            depth += 1
            if depth > limit:
                return True
        elif ch in "]}":
            depth = max(0, depth - 1)
        elif ch in "\"'":
            quote = ch
        elif ch == "\n":
            quote = ""  # an unbalanced quote cannot hide the rest of the document
    return False


def _check_tree(root: Node, line_offset: int, report: Any, what: str, snippet: str) -> set[int]:
    """Walk the node tree once; return the indexes of top-level pairs not to construct."""
    bad_top: set[int] = set()
    seen: set[int] = set()
    count = 0
    pairs = root.value
    aliases: list[tuple[int, int]] | None = None
    # (node, depth, index of the top-level pair); pushed in reverse so nodes are visited in
    # document order
    stack: list[tuple[Node, int, int]] = []
    for i in range(len(pairs) - 1, -1, -1):
        stack.append((pairs[i][1], 1, i))
        stack.append((pairs[i][0], 1, i))
    while stack:
        node, depth, top = stack.pop()
        if top in bad_top:
            continue
        line = line_offset + node.start_mark.line + 1
        col = node.start_mark.column + 1
        if id(node) in seen:
            # a shared node carries its anchor's position: the alias that shares it is the
            # first one after this pair's key (keys are never shared)
            if aliases is None:
                aliases = _alias_positions(snippet, line_offset)
            key_end = pairs[top][0].end_mark
            after = (line_offset + key_end.line + 1, key_end.column + 1)
            line, col = next((pos for pos in aliases if pos >= after), (line, col))
            report(line, col, "yaml.alias", f"anchors and aliases (`&name`, `*name`) are not supported in the {what}",
                   "write the value out in full")
            bad_top.add(top)
            continue
        seen.add(id(node))
        count += 1
        if count > MAX_NODES:
            report(line, col, "yaml.too-large", f"the {what} has more than {MAX_NODES} values",
                   "move long text into the body of the note")
            bad_top.add(top)
            break
        if depth > MAX_DEPTH:
            report(line, col, "yaml.too-deep", f"the {what} is nested more than {MAX_DEPTH} levels deep",
                   "flatten the structure")
            bad_top.add(top)
            continue
        if node.tag == _TAG_MERGE:
            report(line, col, "yaml.key", "merge keys (`<<`) are not supported",
                   "write the keys out in full")
            bad_top.add(top)
            continue
        if node.tag not in _STD_TAGS:
            report(line, col, "yaml.tag", f"the tag `{node.tag}` is not allowed (only plain YAML values are loaded)",
                   "remove the `!tag`; netkit never runs code from a file")
            bad_top.add(top)
            continue
        if isinstance(node, MappingNode):
            for k, v in reversed(node.value):
                stack.append((v, depth + 1, top))
                stack.append((k, depth + 1, top))
        elif isinstance(node, SequenceNode):
            for item in reversed(node.value):
                stack.append((item, depth + 1, top))
    return bad_top
