"""The parse fast paths give exactly what the general paths give.

``logbook.parse_log`` reads a body without CR and fences by offsets, with one regex per
log section and memos per inline-field text (``_parse_log_fast``); anything unusual takes
the line-by-line loop. These tests compare the two on generated bodies (sections made of
the common entry shape are generated often, so that the fast path really runs), and pin a
few cases where positions are easy to get wrong.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netkit import config as config_mod
from netkit import contactfile, logbook, yamlsource

CONFIG = config_mod.default_config()

_DATES = ["2026-01-02", "2026-02-30", "2026-1-2", "2026/01/02", "", "2026-01-02x", "2024-02-29", "2023-02-29",
          "\u0662\u0660\u0662\u0666-\u0660\u0661-\u0660\u0662", "2026-13-01", "2025-06-15"]
_PARTS = [" text", " more  spaced   words", " [channel:: call]", " [channel:: fax]", " [by:: me]", " [by:: x]",
          " [reply:: yes]", " [reply:: maybe]", " [gave:: intro to [[Bob]]]", " [got:: advice]", " [x y:: z]",
          " [[Ada Lovelace]]", " [[Ada|A]]", " [", " ]", " `code`", "\t", " é", "\u00a0", "\u2003", "  ",
          " [a:: [b]]", " [a:: b]]", " [[[B]]]", " [gave:: [[B]] [[C#x]]]", " [k::]", " [note]", " tail",
          " [by:: [[me]]]", " [gave:: []]", " [channel:: CALL ]"]
_OTHER = ["", "", "   ", "prose", "  continuation", "    code", "  - nested", "- [ ] task", "- [[Link]]", "-",
          "* 2026-01-02 star", "1. 2026-01-02 numbered", "### Sub", "## Notes", "## Log", "# Log", "```", "~~~",
          "> quote", "\u00a0"]


@st.composite
def _entry(draw: st.DrawFn) -> str:
    return "- " + draw(st.sampled_from(_DATES)) + "".join(draw(st.lists(st.sampled_from(_PARTS), max_size=5)))


@st.composite
def _body(draw: st.DrawFn) -> str:
    lines: list[str] = []
    if draw(st.booleans()):
        lines += ["# Person", "", "Notes about [[Zed]].", ""]
    for _ in range(draw(st.integers(0, 3))):
        lines.append(draw(st.sampled_from(["## Log", "# Log", "### Log", "## Notes", "## log"])))
        simple = draw(st.booleans())  # only entries and blank lines: the fast path's own kind
        for _ in range(draw(st.integers(0, 8))):
            if simple:
                lines.append(draw(st.one_of(_entry(), st.just(""))))
            else:
                lines.append(draw(st.one_of(_entry(), st.sampled_from(_OTHER))))
    return "\n".join(lines) + draw(st.sampled_from(["\n", "", "\n\n"]))


def _parse(body: str) -> tuple[Any, ...]:
    links: list[Any] = []
    entries, diags, notes = logbook.parse_log(body, body_line=4, heading="Log", path="p.md",
                                              file_text="---\n---\n\n" + body, links=links)
    return entries, [repr(d) for d in diags], notes, links


@pytest.fixture
def general_log(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], tuple[Any, ...]]]:
    """parse_log with the body fast path off (the line-by-line loop)."""

    def run(body: str) -> tuple[Any, ...]:
        with monkeypatch.context() as m:
            m.setattr(logbook, "_parse_log_fast", lambda *_: None)
            return _parse(body)

    yield run


@pytest.fixture
def full_log(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], tuple[Any, ...]]]:
    """parse_log with every fast path off (the full scan of each item)."""

    def run(body: str) -> tuple[Any, ...]:
        with monkeypatch.context() as m:
            m.setattr(logbook, "_fast_entry", lambda *_: None)
            m.setattr(logbook, "_simple_fields", lambda *_: None)
            return _parse(body)

    yield run


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_body())
def test_body_fast_path_matches_the_line_loop(general_log: Callable[[str], tuple[Any, ...]],
                                              full_log: Callable[[str], tuple[Any, ...]], body: str) -> None:
    fast = _parse(body)
    assert fast == general_log(body)
    assert fast == full_log(body)


@pytest.mark.parametrize("body", [
    "## Log\n- 2026-01-02 Coffee [gave:: intro to [[Bob Smith]]] [got:: [[Ann|A]] and [[Cy#x]]]\n",
    "## Log\n- 2026-01-02 [gave:: [[Bob]]]\n- 2026-01-02\n\n- 2026-01-03 a b\n",
    "intro\n\n## Log\n- 2026-02-30 x\n- 2026-01-02 [channel:: fax] [by:: me]\n## Next\nmore\n# Log\n- 2026-01-04 y",
    "## Log",
    "## Log\n",
    "text\n## Log\n## Log\n- 2026-01-02 a\n",
    "## Log\n- 2026-01-02 a\n```\n- 2026-01-03 in code\n```\n",
    "## Log\r\n- 2026-01-02 a\r\n\r\nnotes\r\n",
    "## Log\n- 2026-01-02 a\n  - 2026-01-03 nested\n- 2026-01-04 [[Ada]] met\n",
])
def test_fast_path_cases(body: str, general_log: Callable[[str], tuple[Any, ...]],
                         full_log: Callable[[str], tuple[Any, ...]]) -> None:
    fast = _parse(body)
    assert fast == general_log(body) == full_log(body)


def test_wikilink_in_a_field_keeps_its_column() -> None:
    entries, _, _, links = _parse("## Log\n- 2026-01-02 Coffee [gave:: intro to [[Bob Smith]]]\n")
    assert entries[0].gave == "intro to [[Bob Smith]]"
    (link,) = links
    assert (link.target, link.line, link.column) == ("Bob Smith", 5, 38)  # the first `[` of `[[Bob Smith]]`


def test_first_sight_of_a_bad_date_is_reported() -> None:
    _, diags, _, _ = _parse("## Log\n- 2031-02-29 a [channel:: call]\n")
    assert len(diags) == 1 and "log.date" in diags[0] and "column=3" in diags[0]


def test_whole_file_fast_and_slow_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    text = ("---\nname: Ada\ntier: 1\nmet: 2024-05-01\ntags:\n  - x\n---\n# Ada\n\n## Log\n"
            "- 2026-01-01 Hi [channel:: call] [gave:: [[Bob]]]\n- 2026-01-01 Again\n- 2025-12-31 Before\n")
    fast = contactfile.parse_contact(text.encode(), "contacts/ada.md", CONFIG)
    monkeypatch.setattr(yamlsource, "_load_simple", lambda *_: None)
    monkeypatch.setattr(logbook, "_fast_entry", lambda *_: None)
    monkeypatch.setattr(logbook, "_simple_fields", lambda *_: None)
    slow = contactfile.parse_contact(text.encode(), "contacts/ada.md", CONFIG)
    assert fast == slow
    assert fast[0] is not None and [e.text for e in fast[0].log] == ["Before", "Hi", "Again"]


def test_memoised_scalars_give_the_same_values() -> None:
    snippet = "name: Ada\ntier: 2\nmet: 2024-05-01\nbirthday: 2024-02-30\n"
    assert yamlsource._load_simple(snippet, 1) is None  # a bad date: the full path reports it
    snippet = "name: Ada\ntier: 2\nmet: 2024-05-01\n"
    first = yamlsource._load_simple(snippet, 1)
    again = yamlsource._load_simple(snippet, 1)
    assert first is not None and again is not None
    assert [(f.key, f.value, f.line, f.column) for f in first.fields.values()] == [
        (f.key, f.value, f.line, f.column) for f in again.fields.values()]
    assert first.fields["met"].value == dt.date(2024, 5, 1) and first.fields["tier"].value == 2
