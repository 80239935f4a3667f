"""Mermaid chart code blocks for generated Markdown pages (Obsidian and GitHub render them).

Every function here is pure: same input, same text. Labels are untrusted user text (names,
channels, industries) and are sanitised so they can never break out of a quoted string,
start a comment or directive, or inject markup.

Minimal documented chart grammar
================================

The functions emit, and :func:`validate` accepts, only this subset of Mermaid. A chart is
either the exact placeholder line ``_No data yet._`` (emitted when there is nothing to
plot, because Mermaid cannot draw an empty chart) or a fenced block::

    chart     := "```mermaid" NL body "```"
    body      := xychart | pie
    xychart   := "xychart-beta" NL
                 [ WS "title" SP QSTR NL ]                                  (at most once)
                 WS "x-axis" SP "[" QSTR ( "," SP QSTR )* "]" NL             (exactly once)
                 WS "y-axis" SP [ QSTR SP ] NUM SP "-->" SP NUM NL           (exactly once)
                 ( WS ( "bar" | "line" ) SP [ QSTR SP ] "[" NUMS "]" NL )+
    pie       := "pie showData" NL
                 [ WS "title" SP TEXT NL ]                                  (at most once)
                 ( WS QSTR SP ":" SP PNUM NL )+
    NUMS      := NUM ( "," SP NUM )*
    QSTR      := '"' SAFE* '"'           at most 80 characters between the quotes
    TEXT      := SAFE+                   (pie titles are bare text in Mermaid)
    SAFE      := any character except  " ` [ ] { } < > ; # and control characters;
                 no "%%" (pie slice labels additionally exclude ":")
    NUM       := "-"? DIGITS ( "." DIGIT DIGIT? )?      no exponent, at most 2 decimals
    PNUM      := NUM greater than zero
    WS        := optional spaces (the emitters indent with four spaces)

Semantic rules checked by :func:`validate`:

* every ``bar``/``line`` series has exactly as many numbers as the x-axis has labels;
* the y-axis range is ``lo < hi`` and contains every plotted value;
* x-axis labels are unique, and so are pie labels (Mermaid silently merges duplicates);
* no blank lines, comments (``%%``) or directives inside the block.

Emitters never put a trailing newline after the closing fence, so templates decide spacing.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence

__all__ = [
    "NO_DATA",
    "bar_chart",
    "format_number",
    "pie_chart",
    "sanitize_label",
    "validate",
]

#: What the emitters return when there is nothing to draw (Mermaid has no empty chart).
NO_DATA = "_No data yet._"

#: Longest label kept (category, series or slice name); longer ones end in an ellipsis.
LABEL_MAX = 40
#: Longest title kept.
TITLE_MAX = 80
#: Stand-in for a label that is empty once sanitised: an empty quoted string is legal in
#: the grammar but renders as a blank tick, which reads as a bug.
BLANK_LABEL = "(blank)"

_FENCE_OPEN = "```mermaid"
_FENCE_CLOSE = "```"
_INDENT = "    "

# Characters with a syntactic meaning somewhere in Mermaid's lexers: quotes end strings,
# backticks start markdown strings, brackets/braces delimit lists and directives, `<>` are
# read as HTML by the renderer, `;` ends a statement, `#` starts entity codes (`#quot;`) and
# ends titles, `%%` starts comments/directives. Brackets become parentheses so "Acme [EU]"
# still reads naturally; the rest are replaced by a harmless look-alike or dropped.
_REPLACEMENTS = str.maketrans(
    {
        '"': "'",
        "`": "'",
        "[": "(",
        "]": ")",
        "{": "(",
        "}": ")",
        "<": "",
        ">": "",
        ";": ",",
        "#": "",
    }
)

_NUM = r"-?\d+(?:\.\d{1,2})?"
_QSTR = r'"([^"]*)"'
_FORBIDDEN = set('"`[]{}<>;#')


def _is_control(ch: str) -> bool:
    # Cc = C0/C1 controls (newline, tab, NUL...), Cf = format chars (zero-width, bidi
    # overrides that can disguise text), Zl/Zp = Unicode line/paragraph separators that
    # str.splitlines() and some renderers treat as line breaks, Cs = lone surrogates.
    # The zero-width joiner stays: it glues emoji sequences such as 👩‍💻 together.
    return ch != "\u200d" and unicodedata.category(ch) in {"Cc", "Cf", "Zl", "Zp", "Cs"}


def sanitize_label(text: object, max_len: int = LABEL_MAX, *, pie: bool = False) -> str:
    """Make untrusted ``text`` safe inside a Mermaid quoted string (or pie title).

    Control characters and line breaks become spaces, syntax characters are replaced (see
    the module docstring), whitespace is collapsed, and the result is cut to ``max_len``
    characters ending in ``…``. ``pie=True`` also replaces ``:`` (it separates a pie label
    from its value in older Mermaid lexers). May return ``""``; callers decide the fallback.
    """
    raw = "" if text is None else str(text)
    chars = [" " if _is_control(ch) else ch for ch in raw]
    cleaned = "".join(chars).translate(_REPLACEMENTS)
    if pie:
        cleaned = cleaned.replace(":", " -")
    # A single % is fine ("top 10%"); "%%" starts a comment or directive.
    cleaned = re.sub("%{2,}", "%", cleaned)
    cleaned = " ".join(cleaned.split())
    if len(cleaned) > max_len:
        cleaned = cleaned[: max(1, max_len - 1)].rstrip() + "…"
    return cleaned


def format_number(value: float) -> str:
    """Format a number without float noise: ``3`` not ``3.0``, ``0.1`` not ``0.1000000001``.

    Integral values print as integers; anything else is rounded to at most 2 decimals with
    trailing zeros dropped. Never uses exponent notation (Mermaid's lexer rejects it).
    Raises ``ValueError`` for NaN and infinities: callers must decide what missing means.
    """
    if isinstance(value, int):  # exact, even for huge ints (bool is an int too)
        return str(int(value))
    if not math.isfinite(value):
        raise ValueError(f"cannot format non-finite number {value!r}")
    text = f"{value:.2f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def _clean_value(value: float) -> float:
    # Rounded exactly as printed, so axis ranges are computed from what Mermaid will see.
    # Non-finite numbers cannot be written in Mermaid; a bar of 0 is the honest stand-in.
    if not isinstance(value, int | float) or not math.isfinite(value):
        return 0.0
    return float(format_number(value))


def _nice_ceiling(value: float) -> float:
    """Smallest 'round' number (1, 2, 2.5 or 5 times a power of ten) >= ``value`` > 0.

    Candidates are compared as printed (2 decimals), so the axis always covers the data.
    """
    exp = math.floor(math.log10(value))
    base = 10.0**exp
    # 2.5 * 10**-2 would need three decimals, which the grammar does not allow.
    steps = (1.0, 2.0, 2.5, 5.0, 10.0) if exp > -2 else (1.0, 2.0, 5.0, 10.0)
    for step in steps:
        candidate = step * base
        if not math.isfinite(candidate):
            break  # beyond float range: the data maximum itself is the best bound
        candidate = float(format_number(candidate))
        if candidate >= value:
            return candidate
    return value


def _unique(labels: Iterable[str]) -> list[str]:
    # Mermaid merges equal labels (pie) or stacks them on one band (xychart), losing data.
    # Labels that only became equal after sanitising must stay apart too.
    seen: set[str] = set()
    out: list[str] = []
    for label in labels:
        candidate = label
        n = 2
        while candidate in seen:
            suffix = f" ({n})"
            candidate = label[: LABEL_MAX - len(suffix)] + suffix
            n += 1
        seen.add(candidate)
        out.append(candidate)
    return out


def _label(text: object, *, pie: bool = False) -> str:
    return sanitize_label(text, pie=pie) or BLANK_LABEL


def _fence(lines: Sequence[str]) -> str:
    return "\n".join([_FENCE_OPEN, *lines, _FENCE_CLOSE])


def bar_chart(
    title: str,
    labels: list[str],
    series: list[tuple[str, list[float]]],
    y_label: str = "",
    lines: list[tuple[str, list[float]]] | None = None,
) -> str:
    """A Mermaid ``xychart-beta`` bar chart as a fenced code block.

    ``labels`` are the x-axis categories, in the order given. Each ``series`` entry is
    ``(name, values)`` and becomes one ``bar`` line; each ``lines`` entry (e.g. targets)
    becomes one ``line``. Every value list must have one number per label (``ValueError``
    otherwise). Non-finite values are drawn as 0. The y-axis runs from 0 (or a round number
    below the smallest negative value) to a round number at or above the largest value.

    Returns :data:`NO_DATA` when there are no labels or no series at all.
    """
    all_series = [("bar", name, values) for name, values in series]
    all_series += [("line", name, values) for name, values in (lines or [])]
    if not labels or not all_series:
        return NO_DATA
    for _kind, name, values in all_series:
        if len(values) != len(labels):
            raise ValueError(f"series {name!r} has {len(values)} values for {len(labels)} labels")

    cleaned = [(kind, name, [_clean_value(v) for v in values]) for kind, name, values in all_series]
    flat = [v for _k, _n, values in cleaned for v in values]
    hi = _nice_ceiling(max(flat)) if max(flat) > 0 else 0.0
    lo = -_nice_ceiling(-min(flat)) if min(flat) < 0 else 0.0
    if hi == lo:  # all zeros: Mermaid needs a non-empty range
        hi = 1.0

    out = ["xychart-beta"]
    clean_title = sanitize_label(title, TITLE_MAX)
    if clean_title:
        out.append(f'{_INDENT}title "{clean_title}"')
    axis = ", ".join(f'"{label}"' for label in _unique(_label(lb) for lb in labels))
    out.append(f"{_INDENT}x-axis [{axis}]")
    y_title = sanitize_label(y_label, LABEL_MAX)
    y_prefix = f'"{y_title}" ' if y_title else ""
    out.append(f"{_INDENT}y-axis {y_prefix}{format_number(lo)} --> {format_number(hi)}")
    for kind, name, values in cleaned:
        clean_name = sanitize_label(name)
        name_part = f'"{clean_name}" ' if clean_name else ""
        numbers = ", ".join(format_number(v) for v in values)
        out.append(f"{_INDENT}{kind} {name_part}[{numbers}]")
    return _fence(out)


def pie_chart(title: str, slices: list[tuple[str, float]]) -> str:
    """A Mermaid ``pie showData`` chart as a fenced code block, slices in the order given.

    Slices whose value is not a positive finite number (after rounding to 2 decimals) are
    left out: they have no area, and Mermaid rejects negative values. Returns
    :data:`NO_DATA` when no slice is left.
    """
    kept = [(label, _clean_value(value)) for label, value in slices]
    kept = [(label, value) for label, value in kept if value > 0]
    if not kept:
        return NO_DATA
    out = ["pie showData"]
    clean_title = sanitize_label(title, TITLE_MAX)
    if clean_title:
        out.append(f"{_INDENT}title {clean_title}")
    names = _unique(_label(label, pie=True) for label, _value in kept)
    for name, (_label_text, value) in zip(names, kept, strict=True):
        out.append(f'{_INDENT}"{name}" : {format_number(value)}')
    return _fence(out)


# --------------------------------------------------------------------------- validation

_TITLE_X = re.compile(rf"^title {_QSTR}$")
_XAXIS = re.compile(r"^x-axis \[(.*)\]$")
_YAXIS = re.compile(rf"^y-axis (?:{_QSTR} )?({_NUM}) --> ({_NUM})$")
_SERIES = re.compile(rf"^(bar|line) (?:{_QSTR} )?\[(.*)\]$")
_NUM_RE = re.compile(rf"^{_NUM}$")
_QLIST = re.compile(r'^"[^"]*"(?:, "[^"]*")*$')
_QITEMS = re.compile(_QSTR)
_TITLE_PIE = re.compile(r"^title (.+)$")
_SLICE = re.compile(rf"^{_QSTR} : ({_NUM})$")


def _text_problems(text: str, where: str, *, pie: bool = False) -> list[str]:
    problems: list[str] = []
    bad = sorted({ch for ch in text if ch in _FORBIDDEN or _is_control(ch)})
    if pie and ":" in text:
        bad.append(":")
    if "%%" in text:
        bad.append("%%")
    if bad:
        problems.append(f"{where}: forbidden characters {''.join(bad)!r} in {text!r}")
    if len(text) > TITLE_MAX:
        problems.append(f"{where}: text longer than {TITLE_MAX} characters")
    return problems


def _parse_numbers(inner: str, where: str, problems: list[str]) -> list[float]:
    if inner == "":
        problems.append(f"{where}: empty number list")
        return []
    values: list[float] = []
    for item in inner.split(", "):  # numbers never contain commas
        if not _NUM_RE.match(item):
            problems.append(f"{where}: not a number: {item!r}")
            continue
        values.append(float(item))
    return values


def _validate_xychart(body: list[tuple[int, str]]) -> list[str]:
    problems: list[str] = []
    titles = 0
    x_labels: list[str] | None = None
    y_range: tuple[float, float] | None = None
    series: list[tuple[str, list[float]]] = []
    for lineno, line in body:
        where = f"line {lineno}"
        if line.startswith("title"):
            titles += 1
            m = _TITLE_X.match(line)
            if not m:
                problems.append(f'{where}: title must be `title "text"`')
            else:
                problems += _text_problems(m.group(1), where)
        elif line.startswith("x-axis"):
            if x_labels is not None:
                problems.append(f"{where}: second x-axis")
            m = _XAXIS.match(line)
            if not m:
                problems.append(f'{where}: x-axis must be `x-axis ["a", "b", ...]`')
                x_labels = x_labels or []
                continue
            # Labels may contain ", " themselves, so match the whole quoted list instead
            # of splitting on commas.
            if not _QLIST.match(m.group(1)):
                problems.append(f"{where}: x-axis labels must be quoted, separated by ', '")
                x_labels = x_labels or []
                continue
            x_labels = _QITEMS.findall(m.group(1))
            for label in x_labels:
                problems += _text_problems(label, where)
            if len(set(x_labels)) != len(x_labels):
                problems.append(f"{where}: duplicate x-axis labels")
        elif line.startswith("y-axis"):
            if y_range is not None:
                problems.append(f"{where}: second y-axis")
            m = _YAXIS.match(line)
            if not m:
                problems.append(f'{where}: y-axis must be `y-axis ["title"] LO --> HI`')
                continue
            if m.group(1) is not None:
                problems += _text_problems(m.group(1), where)
            y_range = (float(m.group(2)), float(m.group(3)))
            if not y_range[0] < y_range[1]:
                problems.append(f"{where}: y-axis range must have LO < HI")
        elif line.startswith(("bar", "line")):
            m = _SERIES.match(line)
            if not m:
                problems.append(f'{where}: series must be `bar|line ["name"] [n, ...]`')
                continue
            if m.group(2) is not None:
                problems += _text_problems(m.group(2), where)
            series.append((where, _parse_numbers(m.group(3), where, problems)))
        else:
            problems.append(f"{where}: unknown statement {line!r}")

    if titles > 1:
        problems.append("more than one title")
    if x_labels is None:
        problems.append("missing x-axis")
    if y_range is None:
        problems.append("missing y-axis")
    if not series:
        problems.append("no bar or line series")
    for where, values in series:
        if x_labels is not None and len(values) != len(x_labels):
            problems.append(f"{where}: {len(values)} values for {len(x_labels)} x-axis labels")
        if y_range is not None and any(not y_range[0] <= v <= y_range[1] for v in values):
            problems.append(f"{where}: value outside the y-axis range")
    return problems


def _validate_pie(body: list[tuple[int, str]]) -> list[str]:
    problems: list[str] = []
    titles = 0
    labels: list[str] = []
    for lineno, line in body:
        where = f"line {lineno}"
        if line.startswith('"'):
            m = _SLICE.match(line)
            if not m:
                problems.append(f'{where}: slice must be `"label" : number`')
                continue
            problems += _text_problems(m.group(1), where, pie=True)
            labels.append(m.group(1))
            if float(m.group(2)) <= 0:
                problems.append(f"{where}: slice value must be > 0")
        elif line.startswith("title"):
            titles += 1
            m = _TITLE_PIE.match(line)
            if not m:
                problems.append(f"{where}: title must be `title text`")
            else:
                problems += _text_problems(m.group(1), where)
                if m.group(1) != m.group(1).strip():
                    problems.append(f"{where}: title has surrounding spaces")
        else:
            problems.append(f"{where}: unknown statement {line!r}")
    if titles > 1:
        problems.append("more than one title")
    if not labels:
        problems.append("pie has no slices")
    if len(set(labels)) != len(labels):
        problems.append("duplicate pie labels")
    return problems


def validate(text: str) -> list[str]:
    """Check ``text`` against the documented grammar subset; return problems (empty = valid).

    Accepts :data:`NO_DATA` as valid (it is what the emitters return for empty data).
    Problems name the 1-based line of the text they concern.
    """
    if text == NO_DATA:
        return []
    lines = text.split("\n")
    if lines and lines[-1] == "":  # tolerate one trailing newline after the fence
        lines.pop()
    if len(lines) < 3:
        return ["too short: expected ```mermaid, a chart keyword, content and ```"]
    problems: list[str] = []
    if lines[0] != _FENCE_OPEN:
        problems.append("line 1: must be exactly ```mermaid")
    if lines[-1] != _FENCE_CLOSE:
        problems.append(f"line {len(lines)}: must be exactly ```")
    body: list[tuple[int, str]] = []
    for lineno, raw in enumerate(lines[1:-1], start=2):
        if any(_is_control(ch) for ch in raw):
            problems.append(f"line {lineno}: control character")
        if "```" in raw:
            problems.append(f"line {lineno}: fence inside the block")
        if raw.strip() == "":
            problems.append(f"line {lineno}: blank line")
            continue
        if raw.lstrip().startswith("%%"):
            problems.append(f"line {lineno}: comments and directives are not allowed")
            continue
        body.append((lineno, raw.strip(" ")))
    if not body:
        return [*problems, "no chart keyword"]
    (key_line, keyword), rest = body[0], body[1:]
    if keyword == "xychart-beta":
        problems += _validate_xychart(rest)
    elif keyword == "pie showData":
        problems += _validate_pie(rest)
    else:
        problems.append(f"line {key_line}: first line must be xychart-beta or pie showData")
    return problems
