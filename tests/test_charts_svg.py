"""Tests for netkit.charts.svg: well-formed, accessible, safe, deterministic inline SVG."""

from __future__ import annotations

import math
import random
import re
import time
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netkit.charts.svg import (
    NO_DATA_TEXT,
    bar_chart,
    hbar_chart,
    line_chart,
    network_graph,
    nice_ticks,
    svg_style,
)

NS = "{http://www.w3.org/2000/svg}"
SCRIPT = "<script>alert(1)</script>"
HOSTILE = [
    SCRIPT,
    '"><svg onload=alert(1)>',
    "' onmouseover='x",
    "Tom & Jerry",
    "]]><!--",
    "nul\x00 esc\x1b bell\x07",
    "non-char \ufffe\uffff",
    "lone \ud800 surrogate",
    "two\nlines\u2028sep",
    "<a href='http://evil.example'>x</a>",
    "",
    "x" * 300,
]


GEOMETRY = {"x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "width", "height"}


def check_svg(svg: str) -> ET.Element:
    """Parse ``svg`` and assert the safety and accessibility contract; return the root."""
    assert svg.startswith("<svg ") and svg.endswith("</svg>")
    root = ET.fromstring(svg)  # raises on malformed XML
    assert root.tag == f"{NS}svg"
    assert root.get("role") == "img"
    assert re.fullmatch(r"0 0 [\d.]+ [\d.]+", root.get("viewBox", ""))
    children = list(root)
    assert children[0].tag == f"{NS}title" and (children[0].text or "").strip()
    assert children[1].tag == f"{NS}desc" and (children[1].text or "").strip()
    labelled_by = (root.get("aria-labelledby") or "").split()
    assert labelled_by == [children[0].get("id"), children[1].get("id")]
    lowered = svg.lower()
    assert "<script" not in lowered
    assert "<foreignobject" not in lowered
    assert "url(" not in lowered
    for element in root.iter():
        assert element.tag.startswith(NS), element.tag
        assert element.tag not in {f"{NS}script", f"{NS}image", f"{NS}use", f"{NS}a"}
        for name in element.attrib:
            local = name.rsplit("}", 1)[-1].lower()
            assert not local.startswith("on"), name
            assert local != "href", name
            assert local != "style", name
            # No attribute may point anywhere: the only URL is the namespace.
            assert "http" not in element.attrib[name].lower(), name
            value = element.attrib[name]
            if local in GEOMETRY:
                assert math.isfinite(float(value)), (name, value)
                if local in {"width", "height", "r"}:
                    assert float(value) >= 0, (name, value)
            if local in {"points", "d", "transform", "viewbox"}:
                assert not re.search(r"nan|inf", value, re.I), (name, value)
    return root


def texts(root: ET.Element) -> list[str]:
    """Visible text of every <text> (without its <title> tooltip child)."""
    return [t.text or "" for t in root.iter(f"{NS}text")]


def by_class(root: ET.Element, cls: str) -> list[ET.Element]:
    return [e for e in root.iter() if cls in (e.get("class") or "").split()]


def random_graph(
    n: int, m: int, seed: int = 1
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    rng = random.Random(seed)
    edges: set[tuple[str, str]] = set()
    while len(edges) < m:
        a, b = rng.randrange(n), rng.randrange(n)
        if a != b:
            edges.add((f"n{a}", f"n{b}"))
    return [(f"n{i}", f"Person {i}") for i in range(n)], sorted(edges)


ALL_CHARTS = {
    "bar": lambda label: bar_chart(
        label, [label, "b"], [(label, [1, 2]), ("s2", [3, 4])], targets=[2, None]
    ),
    "stacked": lambda label: bar_chart(
        label, [label, "b"], [(label, [1, 2]), ("s2", [3, -4])], stacked=True
    ),
    "hbar": lambda label: hbar_chart(label, [(label, 0.5), ("b", 1.0)], percent=True),
    "line": lambda label: line_chart(label, [label, "b", "c"], [(label, [1, math.nan, 3])]),
    "graph": lambda label: network_graph(
        label, [("a", label), ("b", "Bob")], [("a", "b")], highlight={"a"}
    ),
}


# --------------------------------------------------------------------------- contract


@pytest.mark.parametrize("kind", sorted(ALL_CHARTS))
@pytest.mark.parametrize("label", HOSTILE)
def test_hostile_labels_are_escaped(kind: str, label: str) -> None:
    svg = ALL_CHARTS[kind](label)
    root = check_svg(svg)
    if label == SCRIPT:
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
        # ...and reads back as the original text, shown not executed.
        assert any(SCRIPT in t for t in texts(root)) or SCRIPT in (root[0].text or "")


@pytest.mark.parametrize("kind", sorted(ALL_CHARTS))
def test_deterministic(kind: str) -> None:
    assert ALL_CHARTS[kind]("Same") == ALL_CHARTS[kind]("Same")


def test_ids_differ_between_charts() -> None:
    a = check_svg(bar_chart("A", ["x"], [("s", [1])]))
    b = check_svg(bar_chart("B", ["x"], [("s", [1])]))
    assert a[0].get("id") != b[0].get("id")


@pytest.mark.parametrize(
    "svg",
    [
        bar_chart("Empty", [], []),
        bar_chart("Empty", ["a"], []),
        hbar_chart("Empty", []),
        line_chart("Empty", [], []),
        line_chart("Empty", ["a", "b"], [("s", [math.nan, math.inf])]),
        network_graph("Empty", [], [("a", "b")]),
    ],
)
def test_empty_data(svg: str) -> None:
    root = check_svg(svg)
    assert NO_DATA_TEXT in texts(root)
    assert not by_class(root, "nk-bar") and not by_class(root, "nk-node")


def test_length_mismatch_is_a_caller_error() -> None:
    with pytest.raises(ValueError):
        bar_chart("t", ["a", "b"], [("s", [1])])
    with pytest.raises(ValueError):
        bar_chart("t", ["a"], [("s", [1])], targets=[1, 2])
    with pytest.raises(ValueError):
        line_chart("t", ["a", "b"], [("s", [1, 2, 3])])


# --------------------------------------------------------------------------- stylesheet


def test_svg_style() -> None:
    css = svg_style()
    assert "@media (prefers-color-scheme: dark)" in css
    assert "@media print" in css
    for i in range(8):
        assert f".nk-bar.nk-s{i}" in css and f".nk-line.nk-s{i}" in css
    for cls in ("nk-chart", "nk-grid", "nk-axis", "nk-target", "nk-edge", "nk-node", "nk-hl"):
        assert f".{cls}" in css
    assert "url(" not in css and "@import" not in css and "</style" not in css
    assert css.count("{") == css.count("}")
    # Print comes last so paper gets the light palette even under a dark preference.
    assert css.index("@media print") > css.index("prefers-color-scheme")


# --------------------------------------------------------------------------- axes


@pytest.mark.parametrize(
    ("lo", "hi", "expected"),
    [
        (0, 10, [0, 2, 4, 6, 8, 10]),
        (0, 7, [0, 2, 4, 6, 8]),
        (0, 1, [0, 0.2, 0.4, 0.6, 0.8, 1]),
        (0, 0.3, [0, 0.1, 0.2, 0.3]),
        (-3, 7, [-4, -2, 0, 2, 4, 6, 8]),
        (0, 23, [0, 5, 10, 15, 20, 25]),
        (0, 0, [0, 0.2, 0.4, 0.6, 0.8, 1]),
        (5, 5, [5, 5.2, 5.4, 5.6, 5.8, 6]),
    ],
)
def test_nice_ticks(lo: float, hi: float, expected: list[float]) -> None:
    assert nice_ticks(lo, hi) == expected


@settings(max_examples=200, deadline=None)
@given(
    st.floats(-1e9, 1e9, allow_nan=False),
    st.floats(0, 1e9, allow_nan=False),
)
def test_nice_ticks_cover_range(lo: float, extra: float) -> None:
    hi = lo + extra
    ticks = nice_ticks(lo, hi)
    assert 2 <= len(ticks) <= 12
    step = ticks[1] - ticks[0]
    # Covers the range up to a rounding tolerance of a millionth of a step.
    assert ticks[0] <= lo + step * 1e-6 and ticks[-1] >= hi - step * 1e-6
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert any(math.isclose(mantissa, m, rel_tol=1e-6) for m in (1, 2, 2.5, 5, 10))


# --------------------------------------------------------------------------- bar chart


def test_bar_chart_grouped() -> None:
    root = check_svg(
        bar_chart(
            "Touchpoints",
            ["Jan", "Feb", "Mar"],
            [("Done", [3, 5, 2.5]), ("Planned", [1, math.nan, 3])],
            targets=[4, None, 4],
        )
    )
    bars = by_class(root, "nk-bar")
    assert len(bars) == 5  # the NaN is not drawn
    assert {b.get("class") for b in bars} == {"nk-bar nk-s0", "nk-bar nk-s1"}
    assert len(by_class(root, "nk-target")) == 2 + 1  # two markers plus the legend key
    shown = texts(root)
    for expected in ("Jan", "Feb", "Mar", "Done", "Planned", "Target", "2.5", "Touchpoints"):
        assert expected in shown
    ticks = [t.text for t in by_class(root, "nk-tick")]
    assert ticks == ["0", "1", "2", "3", "4", "5"]
    # Heights are proportional to values: 5 is twice 2.5.
    heights = {b.findtext(f"{NS}title"): float(b.get("height", 0)) for b in bars}
    assert heights["Feb — Done: 5"] == pytest.approx(2 * heights["Mar — Done: 2.5"], abs=0.2)
    desc = root[1].text or ""
    assert "3 categories" in desc and "Jan 3/1" in desc and "Targets: Jan 4, Mar 4" in desc


def test_single_series_has_no_legend() -> None:
    root = check_svg(bar_chart("t", ["a", "b"], [("Only", [1, 2])]))
    assert not by_class(root, "nk-swatch")
    assert "Only" not in texts(root)


def test_bar_chart_stacked() -> None:
    root = check_svg(
        bar_chart("t", ["a", "b"], [("x", [3, 1]), ("y", [2, 4])], stacked=True, height=300)
    )
    bars = by_class(root, "nk-bar")
    assert len(bars) == 4
    # Stacked segments of category "a" touch: x's top is y's bottom.
    seg = {b.findtext(f"{NS}title"): b for b in bars}
    x_a, y_a = seg["a — x: 3"], seg["a — y: 2"]
    assert float(y_a.get("y", 0)) + float(y_a.get("height", 0)) == pytest.approx(
        float(x_a.get("y", 0)), abs=0.2
    )
    assert "5" in texts(root)  # totals above the stacks


def test_bar_chart_negative_values_and_zero_line() -> None:
    root = check_svg(bar_chart("t", ["a", "b"], [("s", [-3, 2])]))
    assert by_class(root, "nk-axis")  # the zero line
    assert "-3" in texts(root)


def test_many_categories_rotate_labels() -> None:
    labels = [f"Category number {i}" for i in range(40)]
    root = check_svg(bar_chart("t", labels, [("s", list(range(40)))]))
    rotated = [t for t in root.iter(f"{NS}text") if "rotate" in (t.get("transform") or "")]
    assert rotated
    # Every label keeps its full text in a tooltip even when shown cut or skipped.
    tips = {t.findtext(f"{NS}title") for t in rotated}
    assert "Category number 0" in tips


def test_small_height_grows_to_fit() -> None:
    root = check_svg(bar_chart("t", ["a"], [("s", [1])], height=10))
    assert float(root.get("height", 0)) > 60


# --------------------------------------------------------------------------- horizontal bars


def test_hbar_chart_percent_and_scaling() -> None:
    root = check_svg(
        hbar_chart(
            "Diversity",
            [("computing", 0.5), ("finance", 0.25), ("x", 1.5)],
            max_value=1,
            percent=True,
        )
    )
    shown = texts(root)
    assert {"50%", "25%", "150%", "computing", "finance"} <= set(shown)
    widths = [float(b.get("width", 0)) for b in by_class(root, "nk-bar")]
    tracks = [float(b.get("width", 0)) for b in by_class(root, "nk-track")]
    assert widths[0] == pytest.approx(tracks[0] / 2, abs=0.2)
    assert widths[2] == pytest.approx(tracks[2], abs=0.2)  # capped at max_value


def test_hbar_default_scale_and_odd_values() -> None:
    root = check_svg(hbar_chart("t", [("a", 4), ("b", 2), ("c", -1), ("d", math.nan)]))
    widths = [float(b.get("width", 0)) for b in by_class(root, "nk-bar")]
    assert len(widths) == 2 and widths[0] == pytest.approx(2 * widths[1], abs=0.2)
    assert {"4", "2", "-1", "–"} <= set(texts(root))


def test_hbar_height_grows_with_rows() -> None:
    small = check_svg(hbar_chart("t", [("a", 1)]))
    big = check_svg(hbar_chart("t", [(str(i), i) for i in range(30)]))
    assert float(big.get("height", 0)) > float(small.get("height", 0)) + 500


# --------------------------------------------------------------------------- line chart


def test_line_chart_gaps_and_markers() -> None:
    root = check_svg(
        line_chart(
            "Trend",
            ["1", "2", "3", "4", "5"],
            [("a", [1, 2, math.nan, 4, 5]), ("b", [2, 2, 2, 2, 2])],
        )
    )
    lines = by_class(root, "nk-line")
    assert [len(p.get("points", "").split()) for p in lines] == [2, 2, 5]
    assert len(by_class(root, "nk-dot")) == 9
    assert {"a", "b"} <= set(texts(root))  # legend for two series


def test_line_chart_single_point() -> None:
    root = check_svg(line_chart("t", ["only"], [("s", [3])]))
    assert len(by_class(root, "nk-dot")) == 1


# --------------------------------------------------------------------------- network graph


def test_network_graph_structure() -> None:
    nodes = [("a", "Ada"), ("b", "Bob"), ("c", "Cy"), ("a", "Duplicate"), ("d", "Lonely")]
    edges = [("a", "b"), ("b", "a"), ("b", "c"), ("c", "c"), ("a", "zz")]
    root = check_svg(network_graph("Net", nodes, edges, highlight={"a", "nobody"}))
    circles = by_class(root, "nk-node")
    assert len(circles) == 4
    assert len(by_class(root, "nk-hl")) == 2  # Ada's node and her edge path
    tips = {c.findtext(f"{NS}title") for c in circles}
    assert tips == {
        "Ada — 1 connection",
        "Bob — 2 connections",
        "Cy — 1 connection",
        "Lonely — 0 connections",
    }
    d = " ".join(p.get("d", "") for p in by_class(root, "nk-edge"))
    assert d.count("M") == 2  # a-b once, b-c; the self-loop and unknown id are dropped
    assert {"Ada", "Bob", "Cy", "Lonely"} <= set(texts(root))
    assert "Network graph of 4 people and 2 connections in 2 groups" in (root[1].text or "")


def test_network_graph_positions_inside_view() -> None:
    nodes, edges = random_graph(120, 200)
    root = check_svg(network_graph("t", nodes, edges, width=500, height=400))
    for c in by_class(root, "nk-node"):
        assert 0 <= float(c.get("cx", -1)) <= 500
        assert 0 <= float(c.get("cy", -1)) <= 400
    # Large graphs label only a few nodes.
    assert len(by_class(root, "nk-label")) <= 20


def test_network_graph_deterministic_and_fast() -> None:
    nodes, edges = random_graph(300, 1000)
    timings = []
    outputs = []
    for _ in range(3):
        start = time.perf_counter()
        outputs.append(network_graph("Big", nodes, edges, highlight={"n1"}))
        timings.append(time.perf_counter() - start)
    assert outputs[0] == outputs[1] == outputs[2]
    # Best of three: the budget is about the algorithm, not a busy CI neighbour.
    assert min(timings) < 0.5, timings
    root = check_svg(outputs[0])
    assert len(by_class(root, "nk-node")) == 300


def test_network_graph_single_node_and_coincident_start() -> None:
    check_svg(network_graph("t", [("a", "A")], []))
    # Two nodes with no edges must still be pulled apart and drawn.
    root = check_svg(network_graph("t", [("a", "A"), ("b", "B")], []))
    xs = {c.get("cx") for c in by_class(root, "nk-node")}
    assert len(xs) == 2


# --------------------------------------------------------------------------- properties


label_text = st.text(max_size=50)
number = st.floats(allow_nan=True, allow_infinity=True) | st.integers(-(10**9), 10**9)


@settings(max_examples=80, deadline=None)
@given(
    labels=st.lists(label_text, min_size=1, max_size=12),
    data=st.data(),
    stacked=st.booleans(),
)
def test_any_input_is_well_formed(labels: list[str], data: st.DataObject, stacked: bool) -> None:
    n = len(labels)
    values = data.draw(st.lists(number, min_size=n, max_size=n))
    more = data.draw(st.lists(number, min_size=n, max_size=n))
    targets = data.draw(st.lists(st.none() | number, min_size=n, max_size=n))
    title = data.draw(label_text)
    check_svg(
        bar_chart(title, labels, [(title, values), ("b", more)], targets=targets, stacked=stacked)
    )
    check_svg(line_chart(title, labels, [(title, values)]))
    check_svg(hbar_chart(title, list(zip(labels, values, strict=True)), percent=stacked))
    ids = [f"id{i}" for i in range(n)]
    check_svg(
        network_graph(
            title, list(zip(ids, labels, strict=True)), list(zip(ids, ids[1:], strict=False))
        )
    )
