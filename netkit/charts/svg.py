"""Inline SVG charts for the self-contained HTML report.

Every chart is a string ``<svg …>…</svg>`` that:

* declares ``xmlns``, ``viewBox``, ``role="img"`` and starts with ``<title>`` and ``<desc>``
  (referenced by ``aria-labelledby``), so screen readers get a text alternative; the
  ``<desc>`` summarises the data itself, not just the chart type;
* references nothing outside itself (no ``href``, no fonts, no images), runs no scripts and
  has no event-handler attributes, so it is safe to inline in a report opened from disk;
* takes its colours from CSS classes (``nk-bar nk-s0`` …) styled by :func:`svg_style`, which
  the report inlines once; geometry and font sizes are also given as attributes so a chart
  stays legible without the stylesheet;
* XML-escapes every piece of text (labels are untrusted user input) and drops characters
  that XML 1.0 cannot carry, so the output is always well-formed;
* is deterministic: the same input gives byte-identical output (no randomness, no clock,
  coordinates rounded to 0.1 px).

Charts with nothing to plot return a small SVG that says "No data yet". Widths below
``MIN_WIDTH`` and heights too small for the axes are raised to what the chart needs.
Mismatched input lengths (a series with fewer values than labels) raise ``ValueError``:
that is a bug in the caller, not bad user data.
"""

from __future__ import annotations

import hashlib
import math
import unicodedata
from collections import deque
from collections.abc import Iterable, Sequence
from xml.sax.saxutils import escape

from netkit.charts.mermaid import format_number

__all__ = [
    "NO_DATA_TEXT",
    "bar_chart",
    "hbar_chart",
    "line_chart",
    "network_graph",
    "nice_ticks",
    "svg_style",
]

NO_DATA_TEXT = "No data yet"

#: Narrower charts are widened to this: below it axes and labels cannot fit.
MIN_WIDTH = 160

#: Number of colour classes ``nk-s0`` … ``nk-s7``; series beyond that reuse colours.
PALETTE_SIZE = 8

# Tableau-10-like palette: distinguishable, colour-blind-friendlier than the defaults.
_LIGHT = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7"]
# Lighter variants keep contrast against a dark page background.
_DARK = ["#7aa6d6", "#ffae5c", "#ff8a8c", "#8fd3cd", "#82c97a", "#f5d96b", "#d3a2c7", "#ffbfc6"]

_FONT = 11  # base font size in px; text-width estimates depend on it
_SMALL = 10  # ticks and value labels
_TITLE_FONT = 14
_PAD = 8
_LABEL_MAX = 40  # characters kept of any label before measuring
_DESC_ITEMS = 50  # categories/rows/nodes named in <desc> before "…"

_ATTR_ENTITIES = {'"': "&quot;", "'": "&#x27;"}


# --------------------------------------------------------------------------- stylesheet


def _theme_rules(palette: Sequence[str], dark: bool) -> str:
    text, muted, grid, axis, track, target, edge, stroke = (
        ("#dddddd", "#aaaaaa", "#3a3a3a", "#888888", "#2e2e2e", "#ff6b6b", "#6b7580", "#1e1e1e")
        if dark
        else (
            "#222222",
            "#555555",
            "#e3e3e3",
            "#888888",
            "#eeeeee",
            "#c0392b",
            "#9aa3ad",
            "#ffffff",
        )
    )
    # Plain per-class rules rather than CSS variables: renderers such as librsvg and
    # Inkscape (used to turn reports into images) ignore var().
    series = "".join(
        f".nk-bar.nk-s{i},.nk-swatch.nk-s{i},.nk-dot.nk-s{i}{{fill:{c}}}.nk-line.nk-s{i}{{stroke:{c}}}"
        for i, c in enumerate(palette)
    )
    return (
        f".nk-chart text{{fill:{text}}}"
        f".nk-chart .nk-tick,.nk-chart .nk-muted{{fill:{muted}}}"
        f".nk-grid{{stroke:{grid}}}"
        f".nk-axis{{stroke:{axis}}}"
        f".nk-track{{fill:{track}}}"
        f".nk-target{{stroke:{target}}}"
        f".nk-edge{{stroke:{edge}}}"
        f".nk-edge.nk-hl{{stroke:{palette[2]}}}"
        f".nk-node{{fill:{palette[0]};stroke:{stroke}}}"
        f".nk-node.nk-hl{{fill:{palette[2]}}}"
        f".nk-chart .nk-value-in{{fill:{'#111111' if dark else '#ffffff'}}}"
        f"{series}"
    )


def svg_style() -> str:
    """The CSS for every chart in this module; inline it once per report (``<style>``).

    Light colours by default, a dark palette under ``prefers-color-scheme: dark``, and
    print rules (light colours, keep colours when printing, no page break inside a chart).
    """
    base = (
        ".nk-chart{max-width:100%;height:auto;overflow:visible;"
        "font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}"
        f".nk-chart text{{font-size:{_FONT}px}}"
        f".nk-chart .nk-title{{font-size:{_TITLE_FONT}px;font-weight:600}}"
        f".nk-chart .nk-tick,.nk-chart .nk-value,.nk-chart .nk-value-in{{font-size:{_SMALL}px}}"
        ".nk-line{fill:none;stroke-width:2;"
        "stroke-linejoin:round;stroke-linecap:round}"
        ".nk-dot{stroke:none}"
        ".nk-grid{stroke-width:1}"
        ".nk-axis{stroke-width:1}"
        ".nk-target{stroke-width:2;stroke-dasharray:5 3;fill:none}"
        ".nk-edge{fill:none;stroke-width:1;stroke-opacity:.55}"
        ".nk-edge.nk-hl{stroke-width:1.5;stroke-opacity:.9}"
        ".nk-node{stroke-width:1}"
        ".nk-chart .nk-label{font-size:10px}"
    )
    light = _theme_rules(_LIGHT, dark=False)
    dark = _theme_rules(_DARK, dark=True)
    # Print comes last so it wins over a dark screen preference: paper is white.
    printing = (
        ".nk-chart{break-inside:avoid;page-break-inside:avoid;"
        "-webkit-print-color-adjust:exact;print-color-adjust:exact}"
        ".nk-chart text,.nk-chart .nk-tick,.nk-chart .nk-muted{fill:#000000}"
    )
    return (
        f"{base}{light}"
        f"\n@media (prefers-color-scheme: dark){{{dark}}}"
        f"\n@media print{{{light}{printing}}}\n"
    )


# --------------------------------------------------------------------------- text helpers


def _xml_char_ok(ch: str) -> bool:
    # XML 1.0 Char production; anything else (NUL, most C0 controls, lone surrogates,
    # U+FFFE/U+FFFF) makes the whole document ill-formed.
    cp = ord(ch)
    return (
        cp in (0x9, 0xA, 0xD)
        or 0x20 <= cp <= 0xD7FF
        or 0xE000 <= cp <= 0xFFFD
        or 0x10000 <= cp <= 0x10FFFF
    )


def _clean(text: object, max_len: int = _LABEL_MAX) -> str:
    """Untrusted text -> one line of XML-legal characters, at most ``max_len`` long."""
    raw = "" if text is None else str(text)
    kept = "".join(ch for ch in raw if _xml_char_ok(ch) and unicodedata.category(ch) != "Cc")
    # Line and paragraph separators would render as breaks in tooltips; one line only.
    one_line = " ".join(kept.replace("\u2028", " ").replace("\u2029", " ").split())
    if len(one_line) > max_len:
        one_line = one_line[: max_len - 1].rstrip() + "…"
    return one_line


def _esc(text: str) -> str:
    """Escape for both element content and attribute values."""
    return escape(text, _ATTR_ENTITIES)


def _char_width(ch: str, size: float) -> float:
    return size * (1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.6)


def _text_width(text: str, size: float = _FONT) -> float:
    """Rough rendered width: no font metrics are available, so err on the wide side."""
    return sum(_char_width(ch, size) for ch in text)


def _fit(text: str, max_px: float, size: float = _FONT) -> str:
    """``text`` cut (with an ellipsis) so its estimated width fits ``max_px``; may be ''."""
    if _text_width(text, size) <= max_px:
        return text
    budget = max_px - _char_width("…", size)
    out = ""
    for ch in text:
        if _text_width(out + ch, size) > budget:
            break
        out += ch
    out = out.rstrip()
    return out + "…" if out else ""


def _f(value: float) -> str:
    """Coordinate formatting: 0.1 px precision is invisible and keeps output stable."""
    text = f"{value:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


def _fmt(value: float) -> str:
    return format_number(value) if math.isfinite(value) else "–"


#: Values beyond this magnitude are treated as missing: no chart in netkit plots such
#: numbers, and axis arithmetic on them would overflow.
_MAX_ABS = 1e12


def _finite(value: object) -> float | None:
    """``value`` as a float, or None when it is missing (None, NaN, ±inf, absurdly large)."""
    if isinstance(value, int | float) and abs(value) <= _MAX_ABS:  # False for NaN too
        return float(value)
    return None


def _series_name(name: str, index: int) -> str:
    return _clean(name) or f"Series {index + 1}"


def _label_list(labels: Iterable[object], limit: int = _DESC_ITEMS) -> str:
    items = [_clean(label) for label in labels]
    more = len(items) > limit
    return ", ".join(items[:limit]) + (", …" if more else "")


# --------------------------------------------------------------------------- scaffolding


def _document(
    kind: str, title: str, desc: str, width: float, height: float, body: list[str]
) -> str:
    """Wrap ``body`` in the root element with the text alternative.

    The ids for ``aria-labelledby`` come from a hash of the content, so they are stable
    across runs yet differ between charts on the same page.
    """
    clean_title = _clean(title, 200) or "Chart"
    clean_desc = _clean(desc, 2000)
    digest = hashlib.sha1(
        "\n".join([kind, clean_title, clean_desc, *body]).encode("utf-8")
    ).hexdigest()[:10]
    ident = f"nk-{digest}"
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="nk-chart nk-chart-{kind}" '
        f'viewBox="0 0 {_f(width)} {_f(height)}" width="{_f(width)}" height="{_f(height)}" '
        f'role="img" aria-labelledby="{ident}-t {ident}-d" '
        f'font-family="sans-serif" font-size="{_FONT}">'
    )
    return "\n".join(
        [
            head,
            f'<title id="{ident}-t">{_esc(clean_title)}</title>',
            f'<desc id="{ident}-d">{_esc(clean_desc)}</desc>',
            *body,
            "</svg>",
        ]
    )


def _title_text(title: str, width: float) -> str:
    shown = _fit(_clean(title, 200), width - 2 * _PAD, _TITLE_FONT)
    return (
        f'<text class="nk-title" x="{_PAD}" y="18" font-size="{_TITLE_FONT}" '
        f'font-weight="600">{_esc(shown)}</text>'
    )


def _empty(kind: str, title: str, width: float) -> str:
    height = 80
    body = [
        _title_text(title, width),
        f'<text class="nk-muted" x="{_f(width / 2)}" y="52" text-anchor="middle">'
        f"{NO_DATA_TEXT}</text>",
    ]
    return _document(kind, title, NO_DATA_TEXT + ".", width, height, body)


def _tooltip(text: str) -> str:
    return f"<title>{_esc(text)}</title>"


# --------------------------------------------------------------------------- axes


def _nice_step(raw: float) -> float:
    exp = math.floor(math.log10(raw))
    base = 10.0**exp
    for step in (1.0, 2.0, 2.5, 5.0, 10.0):
        if step * base >= raw * (1 - 1e-12):
            return step * base
    return 10.0 * base  # pragma: no cover - loop always returns


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values covering ``[lo, hi]``: about ``count`` steps of 1, 2, 2.5 or 5×10ⁿ.

    The first tick is <= ``lo`` and the last >= ``hi``; charts use them as the axis range.
    """
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ValueError("tick range must be finite")
    if hi < lo:
        lo, hi = hi, lo
    if not math.isfinite(hi - lo):
        raise ValueError("tick range too large")
    if hi - lo <= 1e-9 * max(1.0, abs(lo), abs(hi)):  # degenerate: show one unit above
        hi = lo + 1.0
    step = _nice_step((hi - lo) / max(1, count))
    start = math.floor(lo / step + 1e-9) * step
    n = max(1, math.ceil((hi - start) / step - 1e-9))
    # Rebuild each tick from the integer index (not by accumulation) and round away the
    # binary noise so 0.1 + 0.2 style artefacts never reach a label.
    return [float(f"{start + i * step:.12g}") for i in range(n + 1)]


def _tick_label(value: float, step: float) -> str:
    decimals = 0
    while decimals < 6 and abs(step * 10**decimals - round(step * 10**decimals)) > 1e-9:
        decimals += 1
    text = f"{value:.{decimals}f}"
    return "0" if text.strip("-0.") == "" else text


class _YScale:
    """Linear value -> y mapping over nice ticks, plus the grid/tick markup."""

    def __init__(self, lo: float, hi: float, top: float, bottom: float) -> None:
        self.ticks = nice_ticks(lo, hi)
        self.lo, self.hi = self.ticks[0], self.ticks[-1]
        self.top, self.bottom = top, bottom
        self.step = self.ticks[1] - self.ticks[0] if len(self.ticks) > 1 else 1.0

    def __call__(self, value: float) -> float:
        frac = (value - self.lo) / (self.hi - self.lo)
        return self.bottom - frac * (self.bottom - self.top)

    def labels(self) -> list[str]:
        return [_tick_label(t, self.step) for t in self.ticks]

    def markup(self, left: float, right: float) -> list[str]:
        out: list[str] = []
        for tick, label in zip(self.ticks, self.labels(), strict=True):
            y = _f(self(tick))
            cls = "nk-axis" if tick == 0 else "nk-grid"
            out.append(f'<line class="{cls}" x1="{_f(left)}" y1="{y}" x2="{_f(right)}" y2="{y}"/>')
            out.append(
                f'<text class="nk-tick" x="{_f(left - 4)}" y="{y}" dy="0.32em" '
                f'text-anchor="end" font-size="{_SMALL}">{label}</text>'
            )
        return out


def _y_label_width(lo: float, hi: float) -> float:
    ticks = nice_ticks(lo, hi)
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    return max(_text_width(_tick_label(t, step), _SMALL) for t in ticks)


def _legend(entries: list[tuple[str, str]], width: float, top: float) -> tuple[list[str], float]:
    """Legend rows starting at ``top``; entries are (kind, text) with kind "s<i>" or
    "target". Returns the markup and the height used. Wraps to fit ``width``."""
    out: list[str] = []
    x, y = float(_PAD), top
    row_h = 16.0
    max_text = width / 2
    for kind, raw_text in entries:
        text = _fit(raw_text, max_text)
        entry_w = 14 + _text_width(text) + 14
        if x > _PAD and x + entry_w > width - _PAD:
            x, y = float(_PAD), y + row_h
        if kind == "target":
            out.append(
                f'<line class="nk-target" x1="{_f(x)}" y1="{_f(y + 6)}" '
                f'x2="{_f(x + 10)}" y2="{_f(y + 6)}"/>'
            )
        else:
            out.append(
                f'<rect class="nk-swatch nk-{kind}" x="{_f(x)}" y="{_f(y + 1)}" '
                f'width="10" height="10"/>'
            )
        out.append(f'<text x="{_f(x + 14)}" y="{_f(y + 6)}" dy="0.32em">{_esc(text)}</text>')
        x += entry_w
    return out, (y - top + row_h) if entries else 0.0


def _x_labels(
    labels: list[str], centres: list[float], spacing: float, baseline: float
) -> tuple[list[str], float]:
    """Category labels under the plot; horizontal when they fit, else rotated -40°.

    Returns markup (positioned relative to ``baseline``) and the height it needs.
    """
    clean = [_clean(label, 24) for label in labels]
    room = spacing - 4
    fits = all(_text_width(c) <= room for c in clean)
    if fits or room >= 60:
        out = [
            f'<text x="{_f(cx)}" y="{_f(baseline + 14)}" text-anchor="middle">'
            f"{_esc(_fit(c, room))}{_tooltip(c)}</text>"
            for c, cx in zip(clean, centres, strict=True)
        ]
        return out, 20.0
    # Rotated labels only need vertical room; show every k-th so they do not overlap.
    every = max(1, math.ceil((_FONT + 2) / max(spacing, 1e-9)))
    out = []
    cos40 = math.cos(math.radians(40))
    for i, (c, cx) in enumerate(zip(clean, centres, strict=True)):
        if i % every:
            continue
        x, y = _f(cx), _f(baseline + 10)
        # A label slanting down-left must not run off the left edge of the chart.
        shown = _fit(c, max(0.0, (cx - _PAD) / cos40))
        out.append(
            f'<text x="{x}" y="{y}" text-anchor="end" transform="rotate(-40 {x} {y})">'
            f"{_esc(shown)}{_tooltip(c)}</text>"
        )
    longest = max(_text_width(c) for c in clean)
    return out, 14 + longest * math.sin(math.radians(40))


def _check_lengths(labels: Sequence[object], series: Sequence[tuple[str, Sequence[float]]]) -> None:
    for name, values in series:
        if len(values) != len(labels):
            raise ValueError(f"series {name!r} has {len(values)} values for {len(labels)} labels")


# --------------------------------------------------------------------------- bar chart


def bar_chart(
    title: str,
    labels: list[str],
    series: list[tuple[str, list[float]]],
    *,
    width: int = 640,
    height: int = 280,
    targets: list[float | None] | None = None,
    stacked: bool = False,
) -> str:
    """Vertical bars per category: grouped side by side, or ``stacked``.

    ``series`` entries are ``(name, values)`` with one value per label; non-finite values
    are not drawn. ``targets`` (one per label, ``None`` = no target) are drawn as dashed
    lines across the category. Value labels are shown where they fit (always in the
    tooltip). A legend appears with more than one series, or with targets.
    """
    width = max(int(width), MIN_WIDTH)
    _check_lengths(labels, series)
    if targets is not None and len(targets) != len(labels):
        raise ValueError(f"{len(targets)} targets for {len(labels)} labels")
    if not labels or not series:
        return _empty("bar", title, width)

    values = [[_finite(v) for v in vals] for _name, vals in series]
    goals = [_finite(t) for t in (targets or [None] * len(labels))]
    n_cat, n_ser = len(labels), len(series)

    # Value domain, always including 0 so bar lengths are honest.
    if stacked:
        tops = [sum(max(0.0, s[i] or 0.0) for s in values) for i in range(n_cat)]
        bottoms = [sum(min(0.0, s[i] or 0.0) for s in values) for i in range(n_cat)]
        extent = tops + bottoms
    else:
        extent = [v for s in values for v in s if v is not None]
    extent += [g for g in goals if g is not None]
    lo, hi = min([0.0, *extent]), max([0.0, *extent])
    if lo == hi:
        hi = 1.0

    names = [_series_name(name, i) for i, (name, _vals) in enumerate(series)]
    body = [_title_text(title, width)]
    top = 28.0
    entries = [(f"s{i % PALETTE_SIZE}", nm) for i, nm in enumerate(names)] if n_ser > 1 else []
    if any(g is not None for g in goals):
        entries.append(("target", "Target"))
    legend, legend_h = _legend(entries, width, top)
    body += legend
    top += legend_h + (6 if legend_h else 0)

    left = _PAD + _y_label_width(lo, hi) + 6
    right = width - _PAD
    band = (right - left) / n_cat
    # Measure label height first so the plot can use the rest of the height.
    _probe, label_h = _x_labels(labels, [0.0] * n_cat, band, 0.0)
    height = max(height, int(top + 14 + label_h + 60))
    plot_top, plot_bottom = top + 14, height - label_h - 4  # 14 px headroom for values
    scale = _YScale(lo, hi, plot_top, plot_bottom)
    body += scale.markup(left, right)
    zero = scale(0.0)

    bars: list[str] = []
    texts: list[str] = []
    descs: list[str] = []
    for c in range(n_cat):
        x0 = left + c * band
        cat = _clean(labels[c])
        if stacked:
            bar_w = band * 0.6
            bx = x0 + (band - bar_w) / 2
            pos_acc = neg_acc = 0.0
            for s in range(n_ser):
                v = values[s][c]
                if v is None or v == 0:
                    continue
                if v > 0:
                    y_top, y_bot = scale(pos_acc + v), scale(pos_acc)
                    pos_acc += v
                else:
                    y_top, y_bot = scale(neg_acc), scale(neg_acc + v)
                    neg_acc += v
                bars.append(
                    _bar_rect(s, bx, y_top, bar_w, y_bot - y_top, f"{cat} — {names[s]}: {_fmt(v)}")
                )
                text = _fmt(v)
                if y_bot - y_top >= _SMALL + 3 and _text_width(text, _SMALL) <= bar_w - 2:
                    texts.append(
                        f'<text class="nk-value-in" x="{_f(bx + bar_w / 2)}" '
                        f'y="{_f((y_top + y_bot) / 2)}" dy="0.32em" text-anchor="middle" '
                        f'font-size="{_SMALL}">{text}</text>'
                    )
            total = sum(v for v in (values[s][c] for s in range(n_ser)) if v is not None)
            if any(values[s][c] is not None for s in range(n_ser)):
                texts.append(_value_label(total, bx + bar_w / 2, scale(pos_acc) - 3, band))
            descs.append(f"{cat} {_fmt(total)}")
        else:
            group_w = band * 0.8
            bar_w = group_w / n_ser
            parts = []
            for s in range(n_ser):
                v = values[s][c]
                if v is None:
                    parts.append("–")
                    continue
                bx = x0 + band * 0.1 + s * bar_w
                y_top, y_bot = (scale(v), zero) if v >= 0 else (zero, scale(v))
                inner_w = max(1.0, bar_w - (1 if n_ser > 1 else 0))
                bars.append(
                    _bar_rect(
                        s, bx, y_top, inner_w, y_bot - y_top, f"{cat} — {names[s]}: {_fmt(v)}"
                    )
                )
                y_text = y_top - 3 if v >= 0 else y_bot + _SMALL + 1
                texts.append(_value_label(v, bx + inner_w / 2, y_text, bar_w + 2))
                parts.append(_fmt(v))
            descs.append(f"{cat} {'/'.join(parts)}")
        goal = goals[c]
        if goal is not None:
            y = _f(scale(goal))
            bars.append(
                f'<line class="nk-target" x1="{_f(x0 + band * 0.04)}" y1="{y}" '
                f'x2="{_f(x0 + band * 0.96)}" y2="{y}" stroke-dasharray="5 3">'
                f"{_tooltip(f'{cat} target: {_fmt(goal)}')}</line>"
            )
    body += bars
    body += [t for t in texts if t]
    centres = [left + (c + 0.5) * band for c in range(n_cat)]
    x_markup, _h = _x_labels(labels, centres, band, plot_bottom)
    body += x_markup

    kind_text = "Stacked bar chart" if stacked else "Bar chart"
    series_text = f" Series: {', '.join(names)}." if n_ser > 1 else ""
    target_text = (
        " Targets: "
        + _label_list(
            f"{_clean(labels[i])} {_fmt(g)}" for i, g in enumerate(goals) if g is not None
        )
        + "."
        if any(g is not None for g in goals)
        else ""
    )
    desc = (
        f"{kind_text}, {n_cat} categories.{series_text} Values: {_label_list(descs)}.{target_text}"
    )
    return _document("bar", title, desc, width, height, body)


def _bar_rect(series_index: int, x: float, y: float, w: float, h: float, tip: str) -> str:
    return (
        f'<rect class="nk-bar nk-s{series_index % PALETTE_SIZE}" x="{_f(x)}" y="{_f(y)}" '
        f'width="{_f(w)}" height="{_f(max(h, 0.0))}">{_tooltip(tip)}</rect>'
    )


def _value_label(value: float, x: float, y: float, room: float) -> str:
    text = _fmt(value)
    if _text_width(text, _SMALL) > room:
        return ""  # would collide with the neighbouring bar; the tooltip still has it
    return (
        f'<text class="nk-value" x="{_f(x)}" y="{_f(y)}" text-anchor="middle" '
        f'font-size="{_SMALL}">{text}</text>'
    )


# --------------------------------------------------------------------------- horizontal bars


def hbar_chart(
    title: str,
    rows: list[tuple[str, float]],
    *,
    max_value: float | None = None,
    width: int = 640,
    percent: bool = False,
) -> str:
    """Horizontal bars, one row per ``(label, value)``, in the order given.

    Bars are scaled to ``max_value`` (default: the largest value), drawn over a light track
    so a 0..1 score reads as "how full". ``percent=True`` prints values ×100 with ``%``
    (for shares and 0..1 scores; pass ``max_value=1`` to scale to 100 %). Negative values
    draw no bar; values above ``max_value`` are capped at the full width. The height grows
    with the number of rows.
    """
    width = max(int(width), MIN_WIDTH)
    if not rows:
        return _empty("hbar", title, width)
    vals = [_finite(v) for _label, v in rows]
    finite = [v for v in vals if v is not None]
    scale_max = _finite(max_value) if max_value is not None else None
    if scale_max is None or scale_max <= 0:
        scale_max = max([0.0, *finite]) or 1.0

    def show(v: float | None) -> str:
        if v is None:
            return "–"
        return format_number(round(v * 100, 1)) + "%" if percent else format_number(v)

    row_h, bar_h = 22.0, 14.0
    top = 30.0
    labels = [_clean(label) or "(blank)" for label, _v in rows]
    label_w = min(max(_text_width(lb) for lb in labels), width * 0.35)
    value_w = max(_text_width(show(v), _SMALL) for v in vals) + 8
    x0 = _PAD + label_w + 8
    bar_area = max(20.0, width - _PAD - value_w - x0)
    height = top + row_h * len(rows) + _PAD

    body = [_title_text(title, width)]
    for i, (label, v) in enumerate(zip(labels, vals, strict=True)):
        y = top + i * row_h
        cy = y + row_h / 2
        bw = 0.0 if v is None else min(1.0, max(0.0, v / scale_max)) * bar_area
        body.append(
            f'<text x="{_f(x0 - 8)}" y="{_f(cy)}" dy="0.32em" text-anchor="end">'
            f"{_esc(_fit(label, label_w))}{_tooltip(label)}</text>"
        )
        body.append(
            f'<rect class="nk-track" x="{_f(x0)}" y="{_f(cy - bar_h / 2)}" '
            f'width="{_f(bar_area)}" height="{_f(bar_h)}" fill="none"/>'
        )
        if bw > 0:
            body.append(
                f'<rect class="nk-bar nk-s0" x="{_f(x0)}" y="{_f(cy - bar_h / 2)}" '
                f'width="{_f(bw)}" height="{_f(bar_h)}">{_tooltip(f"{label}: {show(v)}")}</rect>'
            )
        body.append(
            f'<text class="nk-value" x="{_f(x0 + bar_area + 4)}" y="{_f(cy)}" dy="0.32em" '
            f'font-size="{_SMALL}">{show(v)}</text>'
        )
    summary = _label_list(f"{lb} {show(v)}" for lb, v in zip(labels, vals, strict=True))
    desc = f"Horizontal bar chart, {len(rows)} rows: {summary}."
    return _document("hbar", title, desc, width, height, body)


# --------------------------------------------------------------------------- line chart


def line_chart(
    title: str,
    labels: list[str],
    series: list[tuple[str, list[float]]],
    *,
    width: int = 640,
    height: int = 240,
) -> str:
    """One polyline with point markers per series over evenly spaced ``labels``.

    Non-finite values leave a gap in the line. A legend appears with more than one series.
    """
    width = max(int(width), MIN_WIDTH)
    _check_lengths(labels, series)
    values = [[_finite(v) for v in vals] for _name, vals in series]
    finite = [v for s in values for v in s if v is not None]
    if not labels or not finite:
        return _empty("line", title, width)
    lo, hi = min(0.0, *finite), max(0.0, *finite)
    if lo == hi:
        hi = 1.0

    names = [_series_name(name, i) for i, (name, _vals) in enumerate(series)]
    body = [_title_text(title, width)]
    top = 28.0
    entries = (
        [(f"s{i % PALETTE_SIZE}", nm) for i, nm in enumerate(names)] if len(series) > 1 else []
    )
    legend, legend_h = _legend(entries, width, top)
    body += legend
    top += legend_h + (6 if legend_h else 0)

    n = len(labels)
    left = _PAD + _y_label_width(lo, hi) + 6
    right = width - _PAD
    # Keep end markers and the centred first/last labels inside the drawing.
    ends = [_clean(labels[0], 24), _clean(labels[-1], 24)]
    inset = min(max(12.0, max(_text_width(e) for e in ends) / 2 + 2), (right - left) / 4)
    span = right - left - 2 * inset
    spacing = span / (n - 1) if n > 1 else span
    centres = [left + inset + (i * spacing if n > 1 else span / 2) for i in range(n)]
    _probe, label_h = _x_labels(labels, centres, spacing, 0.0)
    height = max(height, int(top + 8 + label_h + 60))
    plot_bottom = height - label_h - 4
    scale = _YScale(lo, hi, top + 8, plot_bottom)
    body += scale.markup(left, right)

    descs: list[str] = []
    for s, vals in enumerate(values):
        cls = f"nk-s{s % PALETTE_SIZE}"
        segment: list[str] = []
        segments: list[list[str]] = []
        for i, v in enumerate(vals):
            if v is None:
                if segment:
                    segments.append(segment)
                segment = []
                continue
            segment.append(f"{_f(centres[i])},{_f(scale(v))}")
        if segment:
            segments.append(segment)
        for seg in segments:
            body.append(f'<polyline class="nk-line {cls}" points="{" ".join(seg)}" fill="none"/>')
        for i, v in enumerate(vals):
            if v is None:
                continue
            tip = f"{_clean(labels[i])} — {names[s]}: {_fmt(v)}"
            body.append(
                f'<circle class="nk-dot {cls}" cx="{_f(centres[i])}" cy="{_f(scale(v))}" r="3">'
                f"{_tooltip(tip)}</circle>"
            )
        descs.append(f"{names[s]}: " + _label_list("–" if v is None else _fmt(v) for v in vals))
    x_markup, _h = _x_labels(labels, centres, spacing, plot_bottom)
    body += x_markup
    desc = f"Line chart over {n} points ({_label_list(labels, 12)}). " + "; ".join(descs) + "."
    return _document("line", title, desc, width, height, body)


# --------------------------------------------------------------------------- network graph

_LAYOUT_ITERATIONS = 50
_GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))


def _components(n: int, adjacency: list[list[int]]) -> list[list[int]]:
    """Connected components in BFS order, each starting at its best-connected node.

    BFS order puts neighbours next to each other on the initial spiral, so the
    force-directed pass starts close to a good layout and needs few iterations.
    """
    seen = [False] * n
    comps: list[list[int]] = []
    # Highest degree first, ties by input order: deterministic and puts hubs central.
    for start in sorted(range(n), key=lambda i: (-len(adjacency[i]), i)):
        if seen[start]:
            continue
        seen[start] = True
        order, queue = [], deque([start])
        while queue:
            node = queue.popleft()
            order.append(node)
            for nb in adjacency[node]:
                if not seen[nb]:
                    seen[nb] = True
                    queue.append(nb)
        comps.append(order)
    return comps


def _layout(
    n: int, edges: list[tuple[int, int]], adjacency: list[list[int]]
) -> list[tuple[float, float]]:
    """Deterministic Fruchterman–Reingold layout in an abstract unit-area space.

    * no randomness: nodes start on a golden-angle (sunflower) spiral in BFS order, largest
      component first, so the same input always gives the same picture;
    * repulsion only between nodes in neighbouring grid cells. The cell is the classic 2k,
      shrunk to 1.5x the current mean node spacing when the drawing is dense, so each node
      meets about a dozen others: O(n) per iteration instead of O(n²), which keeps 300
      nodes / 1000 edges near 0.1 s;
    * a weak pull to the centre keeps separate components and isolated people on screen;
    * a fixed number of iterations with linear cooling, so run time is bounded.

    Positions are complex numbers: CPython does the vector arithmetic in C, which is
    markedly faster than separate x/y floats in pure-Python loops.
    """
    order = [i for comp in _components(n, adjacency) for i in comp]
    pos = [0j] * n
    for rank, node in enumerate(order):
        r = math.sqrt((rank + 0.5) / n) * 0.5
        theta = rank * _GOLDEN_ANGLE
        pos[node] = complex(r * math.cos(theta), r * math.sin(theta))
    if n == 1:
        return [(0.0, 0.0)]

    k = math.sqrt(1.0 / n)  # ideal edge length for unit area
    k2 = k * k
    gravity = 0.08 / k
    temp0 = 0.1
    half_neighbourhood = ((0, 1), (1, -1), (1, 0), (1, 1))
    for it in range(_LAYOUT_ITERATIONS):
        temp = temp0 * (1 - it / _LAYOUT_ITERATIONS)
        xs = [p.real for p in pos]
        ys = [p.imag for p in pos]
        area = (max(xs) - min(xs)) * (max(ys) - min(ys))
        cell = min(2 * k, 1.5 * math.sqrt(area / n)) or 2 * k
        cutoff2 = cell * cell
        inv_cell = 1.0 / cell

        grid: dict[tuple[int, int], list[int]] = {}
        for i, p in enumerate(pos):
            grid.setdefault(
                (math.floor(p.real * inv_cell), math.floor(p.imag * inv_cell)), []
            ).append(i)

        disp = [0j] * n
        for (cx, cy), members in grid.items():
            # Each pair once: later members of the same cell, plus half of the 8 neighbours.
            near: list[int] = []
            for ox, oy in half_neighbourhood:
                near += grid.get((cx + ox, cy + oy), ())
            for at, a in enumerate(members):
                pa = pos[a]
                da = 0j
                for b in members[at + 1 :] + near:
                    v = pa - pos[b]
                    d2 = v.real * v.real + v.imag * v.imag
                    if d2 >= cutoff2:
                        continue
                    if d2 < 1e-12:
                        # Coincident nodes: part them along a direction derived from
                        # their indices, never at random.
                        angle = math.radians((a * 7 + b * 13) % 360)
                        v = complex(math.cos(angle), math.sin(angle)) * 1e-4
                        d2 = 1e-8
                    fv = v * (k2 / d2)  # magnitude k²/d along the unit vector v/d
                    da += fv
                    disp[b] -= fv
                disp[a] += da
        for a, b in edges:
            v = pos[a] - pos[b]
            fv = v * (abs(v) / k)  # magnitude d²/k
            disp[a] -= fv
            disp[b] += fv
        for i in range(n):
            step = disp[i] - pos[i] * gravity
            length = abs(step)
            if length > temp:
                step *= temp / length
            pos[i] += step
    return [(p.real, p.imag) for p in pos]


def network_graph(
    title: str,
    nodes: list[tuple[str, str]],
    edges: list[tuple[str, str]],
    *,
    width: int = 640,
    height: int = 480,
    highlight: set[str] | None = None,
) -> str:
    """People as dots, connections as lines, with a deterministic force-directed layout.

    ``nodes`` are ``(id, label)``; the first occurrence of an id wins. ``edges`` are
    undirected ``(id, id)`` pairs; duplicates, self-loops and pairs naming unknown ids are
    ignored. Node ids in ``highlight`` (and their edges) get the ``nk-hl`` class. Dot size
    grows with the number of connections. Labels are drawn for every node in graphs of up
    to 40 nodes; in larger graphs only for highlighted nodes and the 20 best-connected
    (every node keeps a tooltip).
    """
    width, height = max(int(width), MIN_WIDTH), max(int(height), 120)
    index: dict[str, int] = {}
    names: list[str] = []
    for node_id, label in nodes:
        if node_id in index:
            continue
        index[node_id] = len(names)
        names.append(_clean(label) or _clean(node_id) or "(blank)")
    n = len(names)
    if n == 0:
        return _empty("graph", title, width)

    pairs: list[tuple[int, int]] = []
    seen_pairs: set[tuple[int, int]] = set()
    for a_id, b_id in edges:
        a, b = index.get(a_id), index.get(b_id)
        if a is None or b is None or a == b:
            continue
        key = (a, b) if a < b else (b, a)
        if key not in seen_pairs:
            seen_pairs.add(key)
            pairs.append(key)
    adjacency: list[list[int]] = [[] for _ in range(n)]
    for a, b in pairs:
        adjacency[a].append(b)
        adjacency[b].append(a)
    hl = {index[h] for h in (highlight or set()) if h in index}

    positions = _layout(n, pairs, adjacency)
    label_space = 70.0  # right-hand room for the label of a node on the edge
    top, bottom = 32.0, height - _PAD - 6
    left, right = _PAD + 6, width - _PAD - label_space
    min_x = min(p[0] for p in positions)
    max_x = max(p[0] for p in positions)
    min_y = min(p[1] for p in positions)
    max_y = max(p[1] for p in positions)
    span_x, span_y = max(max_x - min_x, 1e-9), max(max_y - min_y, 1e-9)
    sx, sy = (right - left) / span_x, (bottom - top) / span_y
    # Fill the box, but stretch one axis at most 1.5x more than the other so the
    # picture is not visibly distorted; centre what is left over.
    sx, sy = min(sx, sy * 1.5), min(sy, sx * 1.5)
    off_x = left + ((right - left) - span_x * sx) / 2
    off_y = top + ((bottom - top) - span_y * sy) / 2
    pts = [(off_x + (x - min_x) * sx, off_y + (y - min_y) * sy) for x, y in positions]

    body = [_title_text(title, width)]
    plain: list[str] = []
    bright: list[str] = []
    for a, b in pairs:
        seg = f"M{_f(pts[a][0])} {_f(pts[a][1])}L{_f(pts[b][0])} {_f(pts[b][1])}"
        (bright if a in hl or b in hl else plain).append(seg)
    if plain:
        body.append(f'<path class="nk-edge" d="{"".join(plain)}" fill="none"/>')
    if bright:
        body.append(f'<path class="nk-edge nk-hl" d="{"".join(bright)}" fill="none"/>')

    degree = [len(adj) for adj in adjacency]
    if n <= 40:
        labelled = set(range(n))
    else:
        by_degree = sorted(range(n), key=lambda i: (-degree[i], i))
        labelled = hl | {i for i in by_degree[:20] if degree[i] > 0}
    # Highlighted nodes last, so they sit on top of the rest.
    for i in sorted(range(n), key=lambda i: (i in hl, i)):
        x, y = pts[i]
        r = 3 + min(4.0, math.sqrt(degree[i]))
        cls = "nk-node nk-hl" if i in hl else "nk-node"
        conn = "connection" if degree[i] == 1 else "connections"
        body.append(
            f'<circle class="{cls}" cx="{_f(x)}" cy="{_f(y)}" r="{_f(r)}">'
            f"{_tooltip(f'{names[i]} — {degree[i]} {conn}')}</circle>"
        )
    for i in sorted(labelled):
        x, y = pts[i]
        text = _fit(names[i], min(140.0, width - _PAD - x - 7), 10)
        body.append(
            f'<text class="nk-label" x="{_f(x + 7)}" y="{_f(y)}" dy="0.32em" font-size="10">'
            f"{_esc(text)}</text>"
        )

    n_comp = len(_components(n, adjacency))
    hl_text = f" Highlighted: {_label_list(names[i] for i in sorted(hl))}." if hl else ""
    top_names = _label_list(names[i] for i in sorted(range(n), key=lambda i: (-degree[i], i))[:10])
    desc = (
        f"Network graph of {n} people and {len(pairs)} connections in {n_comp} "
        f"group{'s' if n_comp != 1 else ''}. Most connected: {top_names}.{hl_text}"
    )
    return _document("graph", title, desc, width, height, body)
