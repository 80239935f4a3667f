"""The interaction-log grammar (design.md §3): entries, inline fields, diagnostics with positions."""

from __future__ import annotations

import datetime as dt

import pytest

from netkit import config as config_mod
from netkit import contactfile, logbook
from netkit.diagnostics import Diagnostic
from netkit.model import Contact

CONFIG = config_mod.default_config()
D = dt.date

HEAD = "---\nname: Ada\n---\n# Ada\n\n## Log\n"  # the log's first item is on line 7


def parse(text: str, *, path: str = "contacts/ada.md") -> tuple[Contact | None, list[Diagnostic]]:
    """Parse a whole contact file the way the loader does."""
    return contactfile.parse_contact(text.encode("utf-8"), path, CONFIG)


def log_of(text: str) -> tuple[list[tuple[dt.date, str]], list[Diagnostic]]:
    contact, diags = parse(text)
    assert contact is not None
    return [(e.date, e.text) for e in contact.log], diags


def only_diag(text: str) -> Diagnostic:
    _, diags = parse(text)
    assert len(diags) == 1, diags
    return diags[0]


# ------------------------------------------------------------------------ entries


def test_entry_with_all_known_fields() -> None:
    contact, diags = parse(HEAD + "- 2026-11-03 Coffee at the conference [channel:: in-person] [by:: them] "
                           "[gave:: intro to [[Bob Smith]]] [got:: advice] [reply:: yes]\n")
    assert diags == []
    assert contact is not None
    (entry,) = contact.log
    assert entry.date == D(2026, 11, 3)
    assert entry.text == "Coffee at the conference"
    assert entry.line == 7
    assert entry.channel == "in-person"
    assert entry.by == "them"
    assert entry.gave == "intro to [[Bob Smith]]"
    assert entry.got == "advice"
    assert entry.reply is True


def test_gave_with_wikilink_parses() -> None:
    contact, diags = parse(HEAD + "- 2026-11-03 Coffee [gave:: intro to [[Bob Smith]]]\n")
    assert diags == []
    assert contact is not None
    assert contact.log[0].gave == "intro to [[Bob Smith]]"
    assert contact.log[0].fields == (("gave", "intro to [[Bob Smith]]"),)
    assert contact.log[0].text == "Coffee"


def test_wikilinks_in_text_are_kept_and_balanced() -> None:
    (entries, diags) = log_of(HEAD + "- 2026-01-02 Lunch with [[Bob Smith]] and [[Carol|C]]\n")
    assert diags == []
    assert entries == [(D(2026, 1, 2), "Lunch with [[Bob Smith]] and [[Carol|C]]")]


def test_unknown_fields_are_kept_in_order() -> None:
    contact, diags = parse(HEAD + "- 2026-01-02 Call [mood:: great] [channel:: call] [topic:: jobs]\n")
    assert diags == []
    assert contact is not None
    e = contact.log[0]
    assert e.fields == (("mood", "great"), ("channel", "call"), ("topic", "jobs"))
    assert e.text == "Call"
    assert e.to_json()["fields"] == {"mood": "great", "channel": "call", "topic": "jobs"}


def test_known_values_are_case_insensitive() -> None:
    contact, diags = parse(HEAD + "- 2026-01-02 x [channel:: Email] [by:: ME] [reply:: No]\n")
    assert diags == []
    assert contact is not None
    e = contact.log[0]
    assert (e.channel, e.by, e.reply) == ("email", "me", False)
    assert e.to_json()["reply"] == "no"


def test_entry_without_text() -> None:
    entries, diags = log_of(HEAD + "- 2026-01-02\n- 2026-01-03 [channel:: call]\n")
    assert diags == []
    assert entries == [(D(2026, 1, 2), ""), (D(2026, 1, 3), "")]


def test_other_markers_and_indentation_up_to_three_spaces() -> None:
    entries, diags = log_of(HEAD + "   - 2026-01-03 indented\n* 2026-01-01 star\n+ 2026-01-02 plus\n")
    assert diags == []
    assert [e[1] for e in entries] == ["star", "plus", "indented"]  # (sorted by date)


def test_entries_sorted_by_date_with_file_lines() -> None:
    contact, _ = parse(HEAD + "- 2026-03-01 c\n- 2026-01-01 a\n- 2026-02-01 b\n")
    assert contact is not None
    assert [(e.text, e.line) for e in contact.log] == [("a", 8), ("b", 9), ("c", 7)]


def test_future_entries_are_planned() -> None:
    contact, _ = parse(HEAD + "- 2026-01-01 past\n- 2026-06-01 today\n- 2026-12-05 Dinner planned\n")
    assert contact is not None
    today = D(2026, 6, 1)
    assert [e.text for e in contact.past_entries(today)] == ["past", "today"]
    assert [e.text for e in contact.planned_entries(today)] == ["Dinner planned"]
    assert contact.log[2].is_planned(today) and not contact.log[1].is_planned(today)


def test_backticks_protect_brackets() -> None:
    entries, diags = log_of(HEAD + "- 2026-01-02 sent `a[0` snippet [channel:: email]\n")
    assert diags == []
    assert entries == [(D(2026, 1, 2), "sent `a[0` snippet")]


# ---------------------------------------------------------------- what is ignored


def test_undated_items_and_prose_are_ignored() -> None:
    text = HEAD + (
        "Some prose about 2026-01-01 in the log section.\n"
        "- a plain item\n"
        "- [ ] 2026-02-01 a task\n"
        "- Tuesday: lunch\n"
        "- 2026-03-01 real entry\n"
        "1. 2026-04-01 an ordered item\n"
    )
    entries, diags = log_of(text)
    assert diags == []
    assert entries == [(D(2026, 3, 1), "real entry")]


def test_items_outside_the_log_are_ignored_even_when_malformed() -> None:
    text = ("---\nname: Ada\n---\n# Ada\n- 2026-13-45 not the log [channel:: fax]\n\n## Ideas\n"
            "- 2026-01-01 idea [\n\n## Log\n- 2026-02-01 real\n\n## Later\n- 2026-03-01 not log\n")
    contact, diags = parse(text)
    assert diags == []
    assert contact is not None
    assert [e.text for e in contact.log] == ["real"]
    assert "not the log" in contact.notes and "not log" in contact.notes
    assert "real" not in contact.notes


def test_log_heading_any_level_and_case_and_closing_hashes() -> None:
    for heading in ("# Log", "### log", "## LOG ##", "###### Log"):
        entries, diags = log_of(f"---\nname: Ada\n---\n{heading}\n- 2026-01-01 x\n")
        assert entries == [(D(2026, 1, 1), "x")], heading
        assert diags == []


def test_section_ends_at_same_or_higher_level_heading_only() -> None:
    text = "## Log\n- 2026-01-01 a\n### Older\n- 2026-01-02 b\n## Next\n- 2026-01-03 c\n"
    entries, _ = log_of(text)
    assert [e[1] for e in entries] == ["a", "b"]


def test_fenced_code_is_not_log() -> None:
    text = "## Log\n```\n- 2026-01-01 code\n## Log\n```\n- 2026-01-02 real\n~~~\n- 2026-13-01 code\n~~~\n"
    entries, diags = log_of(text)
    assert diags == []
    assert entries == [(D(2026, 1, 2), "real")]


def test_heading_inside_code_does_not_start_a_log() -> None:
    entries, _ = log_of("# Ada\n```md\n## Log\n- 2026-01-01 code\n```\n")
    assert entries == []


def test_custom_log_heading() -> None:
    cfg, diags = config_mod.parse_config(b"version: 1\nlog_heading: Touchpoints\n")
    assert diags == []
    contact, _ = contactfile.parse_contact(b"## Log\n- 2026-01-01 no\n## Touchpoints\n- 2026-01-02 yes\n",
                                           "contacts/a.md", cfg)
    assert contact is not None
    assert [e.text for e in contact.log] == ["yes"]


def test_crlf_and_bom_keep_positions() -> None:
    raw = "\ufeff---\r\nname: Ada\r\n---\r\n## Log\r\n- 2026-01-02 ok [channel:: call]\r\n- 2026-01-03 x [by:: you]\r\n"
    contact, diags = contactfile.parse_contact(raw.encode("utf-8"), "contacts/ada.md", CONFIG)
    assert contact is not None
    assert [(e.text, e.channel) for e in contact.log] == [("ok", "call"), ("x", None)]
    (d,) = diags
    # "- 2026-01-03 x [by:: you]": the field starts at column 16 of line 6
    assert (d.code, d.line, d.column) == ("log.by", 6, 16)


# ------------------------------------------------------------ diagnostics (codes)


@pytest.mark.parametrize(
    ("item", "column", "fragment"),
    [
        ("- 2026-13-01 bad month", 3, "not a real date"),
        ("- 2026-02-30 no such day", 3, "not a real date"),
        ("- 2026-1-5 short", 3, "YYYY-MM-DD"),
        ("- 03/11/2026 European", 3, "YYYY-MM-DD"),
        ("   - 2026.01.05 dots, indented", 6, "YYYY-MM-DD"),
    ],
)
def test_log_date(item: str, column: int, fragment: str) -> None:
    d = only_diag(HEAD + item + "\n")
    assert (d.code, d.line, d.column, d.severity) == ("log.date", 7, column, "error")
    assert fragment in d.message
    assert d.source_line == item


def test_log_date_entry_is_dropped_but_others_kept() -> None:
    entries, diags = log_of(HEAD + "- 2026-01-01 ok\n- 2026-02-31 bad\n- 2026-03-01 ok too\n")
    assert [e[1] for e in entries] == ["ok", "ok too"]
    assert [(d.code, d.line) for d in diags] == [("log.date", 8)]


def test_log_channel() -> None:
    #        1234567890123456789
    item = "- 2026-01-05 hi [channel:: fax]"
    d = only_diag(HEAD + item + "\n")
    assert (d.code, d.line, d.column) == ("log.channel", 7, 17)
    assert "fax" in d.message


def test_log_channel_keeps_the_entry_without_channel() -> None:
    contact, _ = parse(HEAD + "- 2026-01-05 hi [channel:: fax]\n")
    assert contact is not None
    assert contact.log[0].channel is None and contact.log[0].text == "hi"


def test_log_by() -> None:
    item = "- 2026-01-05 Lunch with Bob [channel:: call] [by:: you]"
    d = only_diag(HEAD + "- 2026-01-01 fine\n" + item + "\n")
    assert (d.code, d.line, d.column) == ("log.by", 8, item.index("[by::") + 1)
    assert d.column == 46


def test_log_reply() -> None:
    item = "- 2026-01-05 Sent article [reply:: maybe]"
    d = only_diag(HEAD + item + "\n")
    assert (d.code, d.line, d.column) == ("log.reply", 7, 27)
    assert "maybe" in d.message


def test_log_brackets_never_closed_field() -> None:
    item = "- 2026-01-05 x [channel:: email"
    d = only_diag(HEAD + item + "\n")
    assert (d.code, d.line, d.column) == ("log.brackets", 7, 16)


def test_log_brackets_unclosed_wikilink() -> None:
    item = "- 2026-01-05 met [[Bob Smith] at the fair"
    d = only_diag(HEAD + item + "\n")
    assert (d.code, d.line, d.column) == ("log.brackets", 7, 18)


def test_log_brackets_stray_closing() -> None:
    item = "- 2026-01-05 lunch] with Bob"
    d = only_diag(HEAD + item + "\n")
    assert (d.code, d.line, d.column) == ("log.brackets", 7, 19)


def test_log_brackets_drops_the_entry() -> None:
    entries, diags = log_of(HEAD + "- 2026-01-05 lunch] with Bob\n")
    assert entries == [] and [d.code for d in diags] == ["log.brackets"]


def test_column_counts_characters_not_bytes() -> None:
    item = "- 2026-01-05 Café with José [by:: nobody]"
    d = only_diag(HEAD + item + "\n")
    assert (d.code, d.column) == ("log.by", 29)


def test_several_problems_in_one_entry_each_have_their_column() -> None:
    item = "- 2026-01-05 x [channel:: fax] [by:: you] [reply:: maybe]"
    _, diags = parse(HEAD + item + "\n")
    assert [(d.code, d.column) for d in diags] == [("log.channel", 16), ("log.by", 32), ("log.reply", 43)]


def test_column_of_a_repeated_key_points_at_the_value_used() -> None:
    # the first value of a repeated key is the one used, so its column is the one reported
    item = "- 2026-01-05 x [by:: you] [by:: me]"
    d = only_diag(HEAD + item + "\n")
    assert (d.code, d.column) == ("log.by", 16)


def test_diagnostics_are_errors_with_hints() -> None:
    _, diags = parse(HEAD + "- 2026-13-01 a\n- 2026-01-02 b [channel:: fax]\n- 2026-01-03 c [by:: x]\n"
                     "- 2026-01-04 d [reply:: x]\n- 2026-01-05 e [\n")
    assert sorted(d.code for d in diags) == ["log.brackets", "log.by", "log.channel", "log.date", "log.reply"]
    assert all(d.severity == "error" and d.hint for d in diags)


# ------------------------------------------------------------------- parse_log unit


def test_parse_log_returns_notes_without_the_log() -> None:
    body = "# Ada\n\nGoals: a book.\n\n## Log\n- 2026-01-01 x\n\n## After\nMore notes.\n"
    entries, diags, notes = logbook.parse_log(body, body_line=1, heading="Log", path="p.md", file_text=body)
    assert [e.text for e in entries] == ["x"] and diags == []
    assert notes == "# Ada\n\nGoals: a book.\n\n## After\nMore notes."


def test_parse_log_offsets_lines_by_body_line() -> None:
    body = "## Log\n- 2026-01-01 x\n"
    entries, _, _ = logbook.parse_log(body, body_line=10, heading="Log", path="p.md", file_text=body)
    assert entries[0].line == 11


def test_no_log_section_means_whole_body_is_notes() -> None:
    body = "Just notes.\n- 2026-01-01 not a log entry\n"
    entries, diags, notes = logbook.parse_log(body, body_line=1, heading="Log", path="p.md", file_text=body)
    assert entries == [] and diags == [] and notes == body.strip()


def test_column_ignores_field_lookalikes_in_code_spans() -> None:
    item = "- 2026-01-05 x `[by:: me]` [by:: you]"
    d = only_diag(HEAD + item + "\n")
    assert (d.code, d.column) == ("log.by", 28)


# ---------------------------------------------- CommonMark structure (as the writer)


def test_fence_closes_only_with_a_bare_fence_at_least_as_long() -> None:
    # "```python" inside a ``` block is content, not a closing fence; so is a shorter fence
    text = "## Log\n```\n```python\n- 2026-01-01 code\n```\n````\n```\n- 2026-01-02 code\n````\n- 2026-01-03 real\n"
    entries, diags = log_of(text)
    assert diags == []
    assert entries == [(D(2026, 1, 3), "real")]


def test_backtick_fence_with_backtick_in_info_is_not_a_fence() -> None:
    entries, _ = log_of("## Log\n``` a`b\n- 2026-01-01 real\n")
    assert entries == [(D(2026, 1, 1), "real")]


def test_empty_heading_ends_the_section_and_closing_hashes_need_a_space() -> None:
    entries, _ = log_of("## Log\n- 2026-01-01 a\n##\n- 2026-01-02 b\n")
    assert [e[1] for e in entries] == ["a"]
    # "## Log#" is the heading "Log#", not the log
    entries, _ = log_of("## Log#\n- 2026-01-01 a\n")
    assert entries == []


def test_parser_and_writer_agree_on_the_section() -> None:
    from netkit import logwriter

    for text in ("## Log\n```\n```py\n## Log\n", "# A\n##\n## Log #\n- 2026-01-01 a\n# B\n",
                 "## Log\n~~~\n- 2026-01-01 code\n"):
        raw = text.encode()
        new = logwriter.append_log_entry(raw, "- 2026-09-09 new")
        before, _ = contactfile.parse_contact(raw, "contacts/a.md", CONFIG)
        after, diags = contactfile.parse_contact(new, "contacts/a.md", CONFIG)
        assert before is not None and after is not None and diags == []
        assert [e.text for e in after.log] == [e.text for e in before.log] + ["new"], text


def test_nested_items_and_continuations_are_not_entries() -> None:
    text = HEAD + (
        "- 2026-01-01 Lunch\n"
        "  - 2026-01-02 a nested detail with a bad date 2026-13-01\n"
        "    - 2026-99-99 deeper\n"
        "  2026-01-03 a continuation line\n"
        "- 2026-01-04 Call\n"
        "\n"
        "    - 2026-01-05 still nested after a blank line\n"
        "-   2026-01-06 wide marker gap\n"
        "    - 2026-01-07 nested under the wide item\n"
    )
    entries, diags = log_of(text)
    assert diags == []
    assert [e[1] for e in entries] == ["Lunch", "Call", "wide marker gap"]


def test_indented_item_without_parent_is_top_level() -> None:
    entries, _ = log_of(HEAD + "  - 2026-01-01 indented two\n- 2026-01-02 next\n")
    assert [e[1] for e in entries] == ["indented two", "next"]


def test_paragraph_after_blank_line_ends_the_list() -> None:
    entries, _ = log_of(HEAD + "- 2026-01-01 a\n\nA paragraph.\n  - 2026-01-02 new list, indented\n")
    assert [e[1] for e in entries] == ["a", "new list, indented"]
