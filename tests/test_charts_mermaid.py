"""Tests for netkit.charts.mermaid: emitted charts follow the documented grammar subset."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netkit.charts.mermaid import (
    LABEL_MAX,
    NO_DATA,
    bar_chart,
    format_number,
    pie_chart,
    sanitize_label,
    validate,
)

HOSTILE = [
    'say "hi"',
    "two\nlines",
    "cr\r\nlf",
    "back`tick`",
    "close]bracket",
    "[[Wiki link]]",
    "semi;colon",
    "hash#tag #quot;",
    "brace{x}",
    "<script>alert(1)</script>",
    "%%{init: {'theme': 'dark'}}%%",
    "%% comment",
    "colon: here",
    "line\u2028separator",
    "nul\x00byte",
    "bidi\u202eoverride",
    "tab\there",
    "```mermaid",
    "",
    "   ",
    "x" * 500,
]


# --------------------------------------------------------------------------- a tiny parser


def parse_xychart(text: str) -> dict[str, object]:
    """Parse an emitted xychart back into its parts (the tests' view of the grammar)."""
    assert validate(text) == []
    lines = text.split("\n")[2:-1]
    out: dict[str, object] = {"title": None, "series": []}
    for line in (ln.strip() for ln in lines):
        if line.startswith("title "):
            out["title"] = line[len('title "') : -1]
        elif line.startswith("x-axis "):
            out["labels"] = re.findall(r'"([^"]*)"', line)
        elif line.startswith("y-axis "):
            m = re.search(r"(-?[\d.]+) --> (-?[\d.]+)$", line)
            assert m
            out["range"] = (float(m.group(1)), float(m.group(2)))
            name = re.match(r'y-axis "([^"]*)"', line)
            out["y_label"] = name.group(1) if name else ""
        else:
            m = re.match(r'(bar|line) (?:"([^"]*)" )?\[(.*)\]$', line)
            assert m, line
            values = [float(v) for v in m.group(3).split(", ")]
            series = out["series"]
            assert isinstance(series, list)
            series.append((m.group(1), m.group(2) or "", values))
    return out


def parse_pie(text: str) -> tuple[str | None, list[tuple[str, float]]]:
    assert validate(text) == []
    title = None
    slices = []
    for line in (ln.strip() for ln in text.split("\n")[2:-1]):
        if line.startswith("title "):
            title = line[len("title ") :]
        else:
            m = re.match(r'"([^"]*)" : (.+)$', line)
            assert m
            slices.append((m.group(1), float(m.group(2))))
    return title, slices


# --------------------------------------------------------------------------- bar charts


def test_bar_chart_exact_output() -> None:
    chart = bar_chart(
        "Touchpoints per month",
        ["Jan", "Feb", "Mar"],
        [("Done", [3, 5.0, 2.5])],
        y_label="Count",
        lines=[("Target", [4, 4, 4])],
    )
    assert chart == (
        "```mermaid\n"
        "xychart-beta\n"
        '    title "Touchpoints per month"\n'
        '    x-axis ["Jan", "Feb", "Mar"]\n'
        '    y-axis "Count" 0 --> 5\n'
        '    bar "Done" [3, 5, 2.5]\n'
        '    line "Target" [4, 4, 4]\n'
        "```"
    )
    assert validate(chart) == []


def test_bar_chart_round_trips_through_parser() -> None:
    chart = bar_chart(
        "Channels",
        ["email", "call", "in-person", "video"],
        [("2025", [1, 2, 3, 4]), ("2026", [0.1 + 0.2, 7, 0, 11])],
        y_label="Touches",
    )
    parsed = parse_xychart(chart)
    assert parsed["title"] == "Channels"
    assert parsed["labels"] == ["email", "call", "in-person", "video"]
    assert parsed["range"] == (0.0, 20.0)
    assert parsed["series"] == [
        ("bar", "2025", [1.0, 2.0, 3.0, 4.0]),
        ("bar", "2026", [0.3, 7.0, 0.0, 11.0]),
    ]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([0, 0], (0.0, 1.0)),
        ([1, 1], (0.0, 1.0)),
        ([7, 3], (0.0, 10.0)),
        ([11, 3], (0.0, 20.0)),
        ([0.3, 0.1], (0.0, 0.5)),
        ([0.004, 0.001], (0.0, 1.0)),  # both round to 0 at 2 decimals
        ([0.013, 0.01], (0.0, 0.01)),  # the axis follows the printed values
        ([0.016, 0.01], (0.0, 0.02)),
        ([150, 20], (0.0, 200.0)),
        ([230, 20], (0.0, 250.0)),
        ([1000, 20], (0.0, 1000.0)),
        ([-3, 2], (-5.0, 2.0)),
        ([-3, -1], (-5.0, 0.0)),
    ],
)
def test_y_axis_range_is_rounded_up(values: list[float], expected: tuple[float, float]) -> None:
    parsed = parse_xychart(bar_chart("t", ["a", "b"], [("s", values)]))
    assert parsed["range"] == expected


def test_non_finite_values_are_drawn_as_zero() -> None:
    parsed = parse_xychart(bar_chart("t", ["a", "b", "c"], [("s", [math.nan, math.inf, 2])]))
    assert parsed["series"] == [("bar", "s", [0.0, 0.0, 2.0])]


def test_length_mismatch_is_a_caller_error() -> None:
    with pytest.raises(ValueError, match="2 values for 3 labels"):
        bar_chart("t", ["a", "b", "c"], [("s", [1, 2])])
    with pytest.raises(ValueError):
        bar_chart("t", ["a"], [("s", [1])], lines=[("target", [1, 2])])


def test_empty_bar_chart_is_placeholder() -> None:
    assert bar_chart("t", [], []) == NO_DATA
    assert bar_chart("t", ["a"], []) == NO_DATA
    assert bar_chart("t", [], [("s", [])]) == NO_DATA
    assert validate(NO_DATA) == []


def test_lines_only_chart() -> None:
    parsed = parse_xychart(bar_chart("t", ["a", "b"], [], lines=[("target", [1, 2])]))
    assert parsed["series"] == [("line", "target", [1.0, 2.0])]


def test_empty_names_and_title_are_omitted() -> None:
    chart = bar_chart("", ["a"], [("", [1])])
    assert "title" not in chart
    assert "    bar [1]" in chart
    assert validate(chart) == []


def test_duplicate_labels_are_kept_apart() -> None:
    # "a[b]" sanitises to "a(b)": without disambiguation Mermaid would merge the bands.
    parsed = parse_xychart(bar_chart("t", ["x", "x", "a[b]", "a(b)"], [("s", [1, 2, 3, 4])]))
    assert parsed["labels"] == ["x", "x (2)", "a(b)", "a(b) (2)"]


def test_deterministic() -> None:
    args = ("T", ["b", "a", "c"], [("s", [3.14159, 2, 1])])
    assert bar_chart(*args) == bar_chart(*args)
    # Order is kept as given, never sorted.
    assert parse_xychart(bar_chart(*args))["labels"] == ["b", "a", "c"]


# --------------------------------------------------------------------------- pie charts


def test_pie_exact_output() -> None:
    chart = pie_chart("Channels", [("email", 3), ("call", 1.5), ("video", 0.333)])
    assert chart == (
        "```mermaid\n"
        "pie showData\n"
        "    title Channels\n"
        '    "email" : 3\n'
        '    "call" : 1.5\n'
        '    "video" : 0.33\n'
        "```"
    )
    assert validate(chart) == []


def test_pie_drops_slices_without_area() -> None:
    title, slices = parse_pie(
        pie_chart("t", [("a", 0), ("b", -2), ("c", math.nan), ("d", 0.001), ("e", 2)])
    )
    assert slices == [("e", 2.0)]
    assert pie_chart("t", [("a", 0), ("b", -1)]) == NO_DATA
    assert pie_chart("t", []) == NO_DATA


def test_pie_labels_lose_colons_and_stay_unique() -> None:
    _title, slices = parse_pie(pie_chart("t", [("a: b", 1), ("a - b", 2), ("a - b", 3)]))
    assert [label for label, _v in slices] == ["a - b", "a - b (2)", "a - b (3)"]


def test_pie_title_is_bare_and_sanitised() -> None:
    title, _slices = parse_pie(pie_chart('Mix; "#1" %%{x}%%', [("a", 1)]))
    assert title == "Mix, '1' %(x)%"


# --------------------------------------------------------------------------- hostile input


@pytest.mark.parametrize("label", HOSTILE)
def test_hostile_labels_are_neutralised(label: str) -> None:
    bar = bar_chart(label, [label, "ok"], [(label, [1, 2])], y_label=label, lines=[(label, [1, 1])])
    pie = pie_chart(label, [(label, 1), ("ok", 2)])
    for chart in (bar, pie):
        assert validate(chart) == [], chart
        body = chart.split("\n")[1:-1]
        assert all("```" not in line for line in body)
        assert "<" not in chart and ">" not in chart.replace("-->", "")
        assert "%%" not in chart and "#" not in chart
    # Two labels in, two labels out: nothing split or swallowed a label.
    assert len(parse_xychart(bar)["labels"]) == 2  # type: ignore[arg-type]
    assert len(parse_pie(pie)[1]) == 2


def test_sanitize_label_rules() -> None:
    assert sanitize_label('a "b"\nc') == "a 'b' c"
    assert sanitize_label("[x]{y}<z>;#") == "(x)(y)z,"
    assert sanitize_label("Top 10%") == "Top 10%"
    assert sanitize_label("a:b", pie=True) == "a -b"
    assert sanitize_label("a:b") == "a:b"
    assert sanitize_label(None) == ""
    assert sanitize_label("👩\u200d💻 dev") == "👩\u200d💻 dev"
    long = sanitize_label("y" * 100)
    assert len(long) == LABEL_MAX and long.endswith("…")


@settings(max_examples=150, deadline=None)
@given(
    labels=st.lists(st.text(max_size=60), min_size=1, max_size=8),
    data=st.data(),
    title=st.text(max_size=100),
)
def test_any_input_validates(labels: list[str], data: st.DataObject, title: str) -> None:
    numbers = st.floats(allow_nan=True, allow_infinity=True, width=64) | st.integers(
        -(10**6), 10**6
    )
    values = data.draw(st.lists(numbers, min_size=len(labels), max_size=len(labels)))
    chart = bar_chart(title, labels, [(title, values)], y_label=title)
    assert validate(chart) == []
    assert chart == bar_chart(title, labels, [(title, values)], y_label=title)
    parsed = parse_xychart(chart)
    assert len(parsed["labels"]) == len(labels)  # type: ignore[arg-type]
    pie = pie_chart(title, list(zip(labels, values, strict=True)))
    assert validate(pie) == []


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (3, "3"),
        (3.0, "3"),
        (0.1 + 0.2, "0.3"),
        (2.5, "2.5"),
        (1 / 3, "0.33"),
        (-0.0, "0"),
        (-0.001, "0"),
        (-1.5, "-1.5"),
        (1e20, "100000000000000000000"),
        (10**30, "1" + "0" * 30),
        (True, "1"),
    ],
)
def test_format_number(value: float, text: str) -> None:
    assert format_number(value) == text


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_format_number_rejects_non_finite(value: float) -> None:
    with pytest.raises(ValueError):
        format_number(value)


# --------------------------------------------------------------------------- the validator

GOOD_XY = bar_chart("T", ["a", "b"], [("s", [1, 2])])
GOOD_PIE = pie_chart("T", [("a", 1), ("b", 2)])


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        (GOOD_XY.replace("```mermaid", "```"), "```mermaid"),
        (GOOD_XY[: -len("\n```")], "```"),
        (GOOD_XY.replace("xychart-beta", "xychart"), "first line"),
        (GOOD_XY.replace('title "T"', "title T"), "title"),
        (GOOD_XY.replace('["a", "b"]', '[a, "b"]'), "quoted"),
        (GOOD_XY.replace('["a", "b"]', '["a", "b", "c"]'), "2 values for 3"),
        (GOOD_XY.replace('["a", "b"]', '["a", "a"]'), "duplicate"),
        (GOOD_XY.replace('["a", "b"]', '["a#", "b"]'), "forbidden"),
        (GOOD_XY.replace('["a", "b"]', '["a%%", "b"]'), "forbidden"),
        (GOOD_XY.replace("[1, 2]", "[1, 2e3]"), "not a number"),
        (GOOD_XY.replace("[1, 2]", "[1, 2.345]"), "not a number"),
        (GOOD_XY.replace("[1, 2]", "[1, 9]"), "outside"),
        (GOOD_XY.replace("[1, 2]", "[]"), "empty"),
        (GOOD_XY.replace("0 --> 2", "2 --> 0"), "LO < HI"),
        (GOOD_XY.replace("    y-axis 0 --> 2\n", ""), "missing y-axis"),
        (GOOD_XY.replace('    x-axis ["a", "b"]\n', ""), "missing x-axis"),
        (GOOD_XY.replace('    bar "s" [1, 2]\n', ""), "no bar"),
        (GOOD_XY.replace('    bar "s"', '    bar "s"\n    bar "t" [1, 2]\n    bar "u"'), ""),
        (GOOD_XY.replace('    bar "s"', '    %% hi\n    bar "s"'), "comment"),
        (GOOD_XY.replace('    bar "s"', '    \n    bar "s"'), "blank"),
        (GOOD_XY.replace('    bar "s"', '    click a\n    bar "s"'), "unknown"),
        (GOOD_XY.replace('title "T"', 'title "T"\n    title "U"'), "more than one title"),
        (
            GOOD_XY.replace('x-axis ["a", "b"]', 'x-axis ["a", "b"]\n    x-axis ["a", "b"]'),
            "second",
        ),
        (GOOD_PIE.replace('"a" : 1', '"a: b" : 1'), "forbidden"),
        (GOOD_PIE.replace('"a" : 1', '"a" : -1'), "> 0"),
        (GOOD_PIE.replace('"a" : 1', '"a" : 0'), "> 0"),
        (GOOD_PIE.replace('"a" : 1', "a : 1"), "unknown"),
        (GOOD_PIE.replace('"a" : 1', '"a": 1'), "slice must be"),
        (GOOD_PIE.replace('"b"', '"a"'), "duplicate"),
        (GOOD_PIE.replace("title T", "title T;x"), "forbidden"),
        (GOOD_PIE.replace("pie showData", "pie"), "first line"),
        ("```mermaid\npie showData\n```", "no slices"),
        ("```mermaid\npie showData\n    title T\n```", "no slices"),
        ("", "too short"),
    ],
)
def test_validator_rejects(text: str, needle: str) -> None:
    problems = validate(text)
    assert problems, text
    assert any(needle in p for p in problems), problems


def test_validator_accepts_trailing_newline_and_line_numbers() -> None:
    assert validate(GOOD_XY + "\n") == []
    assert validate(GOOD_PIE) == []
    problems = validate(GOOD_XY.replace("[1, 2]", "[1, x]"))
    assert problems[0] == "line 6: not a number: 'x'"
