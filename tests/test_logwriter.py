"""Byte-for-byte tests of the log-entry writer, slugs and new contact files."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from netkit.logwriter import (
    append_log_entry,
    find_log_section,
    format_log_entry,
    insertion_point,
    new_contact_text,
    parse_atx_heading,
    slugify,
    yaml_double_quote,
    yaml_scalar,
)

E = "- 2026-11-20 Lunch [channel:: in-person]"
EB = E.encode()


def check_insert_only(content: bytes, result: bytes) -> bytes:
    """Assert result == content[:k] + added + content[k:] for some k; return ``added``."""
    added_len = len(result) - len(content)
    assert added_len > 0
    # longest common prefix, then the rest must be the untouched suffix
    k = 0
    while k < len(content) and content[k] == result[k]:
        k += 1
    for start in range(k, -1, -1):
        if result[start + added_len :] == content[start:] and result[:start] == content[:start]:
            return result[start : start + added_len]
    raise AssertionError("result is not content with bytes inserted at one place")


# ----------------------------------------------------------------- format_log_entry


def test_format_log_entry_all_fields() -> None:
    line = format_log_entry(
        dt.date(2026, 11, 3),
        "Coffee at the conference",
        channel="in-person",
        by="them",
        gave="intro to [[Bob Smith]]",
        got="advice",
        reply=True,
    )
    assert line == (
        "- 2026-11-03 Coffee at the conference [channel:: in-person] [by:: them] "
        "[gave:: intro to [[Bob Smith]]] [got:: advice] [reply:: yes]"
    )


def test_format_log_entry_minimal_and_single_line() -> None:
    assert format_log_entry(dt.date(2026, 1, 2), "  Hello\r\n  world\u2028again\x00 ") == (
        "- 2026-01-02 Hello world again"
    )
    assert format_log_entry(dt.date(2026, 1, 2), "x", reply="no") == "- 2026-01-02 x [reply:: no]"
    assert format_log_entry(dt.date(2026, 1, 2), "", channel="call") == "- 2026-01-02 [channel:: call]"


# ------------------------------------------------------------------ append_log_entry


def test_append_after_last_entry_lf() -> None:
    content = b"---\nname: Ada\n---\n# Ada\n\nNotes.\n\n## Log\n- 2026-01-01 a\n- 2026-02-01 b\n"
    result = append_log_entry(content, E)
    assert result == content + EB + b"\n"


def test_crlf_file_gets_crlf() -> None:
    content = b"---\r\nname: Ada\r\n---\r\n# Ada\r\n\r\n## Log\r\n- 2026-01-01 a\r\n\r\n## Other\r\ntext\r\n"
    result = append_log_entry(content, E)
    assert result == (
        b"---\r\nname: Ada\r\n---\r\n# Ada\r\n\r\n## Log\r\n- 2026-01-01 a\r\n"
        + EB
        + b"\r\n\r\n## Other\r\ntext\r\n"
    )
    assert b"\n" not in result.replace(b"\r\n", b"")


def test_bom_is_kept() -> None:
    content = b"\xef\xbb\xbf---\nname: Ada\n---\n## Log\n- 2026-01-01 a\n"
    result = append_log_entry(content, E)
    assert result == content + EB + b"\n"
    assert result.startswith(b"\xef\xbb\xbf---\n")


def test_bom_before_front_matter_with_log_inside_yaml() -> None:
    content = b"\xef\xbb\xbf---\nbio: |\n  ## Log\n  text\n---\n# Ada\n"
    result = append_log_entry(content, E)
    assert result == content + b"\n## Log\n" + EB + b"\n"


def test_no_log_heading_appends_section() -> None:
    content = b"---\nname: Ada\n---\n# Ada\n\nSome notes.\n"
    assert append_log_entry(content, E) == content + b"\n## Log\n" + EB + b"\n"


def test_no_log_heading_after_blank_line() -> None:
    content = b"# Ada\n\nSome notes.\n\n"
    assert append_log_entry(content, E) == content + b"## Log\n" + EB + b"\n"


def test_no_log_heading_crlf() -> None:
    content = b"# Ada\r\nnotes\r\n"
    assert append_log_entry(content, E) == content + b"\r\n## Log\r\n" + EB + b"\r\n"


def test_no_log_heading_no_final_newline() -> None:
    content = b"# Ada\n\nnotes"
    assert append_log_entry(content, E) == content + b"\n\n## Log\n" + EB


def test_custom_log_heading_used_when_missing() -> None:
    content = b"# Ada\n"
    assert append_log_entry(content, E, "Interactions") == content + b"\n## Interactions\n" + EB + b"\n"


def test_last_line_without_newline() -> None:
    content = b"# Ada\n\n## Log\n- 2026-01-01 a"
    result = append_log_entry(content, E)
    # final-newline rule: the file had none, so the new last line has none either
    assert result == content + b"\n" + EB


def test_heading_only_without_newline() -> None:
    content = b"## Log"
    assert append_log_entry(content, E) == b"## Log\n" + EB


def test_log_section_followed_by_other_heading_keeps_blank_lines() -> None:
    content = b"# Ada\n\n## Log\n\n- 2026-01-01 a\n\n\n## Projects\n- not a log entry\n"
    result = append_log_entry(content, E)
    assert result == (
        b"# Ada\n\n## Log\n\n- 2026-01-01 a\n" + EB + b"\n\n\n## Projects\n- not a log entry\n"
    )


def test_empty_log_section_before_next_heading() -> None:
    content = b"## Log\n\n## Next\n"
    assert append_log_entry(content, E) == b"## Log\n" + EB + b"\n\n## Next\n"


def test_subheading_stays_in_section_higher_level_ends_it() -> None:
    content = b"## Log\n- a\n### 2025\n- b\n\n# Appendix\n- c\n"
    assert append_log_entry(content, E) == b"## Log\n- a\n### 2025\n- b\n" + EB + b"\n\n# Appendix\n- c\n"


def test_log_heading_in_code_fence_is_ignored() -> None:
    content = b"# Ada\n\n```markdown\n## Log\n- fake\n```\n\n~~~\n## Log\n~~~\n\n## Log\n- 2026-01-01 real\n"
    result = append_log_entry(content, E)
    assert result == content + EB + b"\n"


def test_log_heading_only_in_code_fence_means_no_heading() -> None:
    content = b"````\n## Log\n```\nstill code\n````\n"
    assert append_log_entry(content, E) == content + b"\n## Log\n" + EB + b"\n"


def test_level3_log_heading_and_case_insensitive() -> None:
    content = b"# Ada\n### log ###\n- 2026-01-01 a\n\n### Other\n## Top\n"
    result = append_log_entry(content, E)
    assert result == b"# Ada\n### log ###\n- 2026-01-01 a\n" + EB + b"\n\n### Other\n## Top\n"


def test_level1_log_heading_section_runs_to_next_h1() -> None:
    content = b"# Log\n- a\n## Sub\ntext\n# Next\n"
    assert append_log_entry(content, E) == b"# Log\n- a\n## Sub\ntext\n" + EB + b"\n# Next\n"


def test_front_matter_block_scalar_with_log_line_does_not_count() -> None:
    content = b"---\nname: Ada\nnotes: |\n  ## Log\n  - 2020-01-01 in yaml\n---\n# Ada\n\nNotes.\n"
    result = append_log_entry(content, E)
    assert result == content + b"\n## Log\n" + EB + b"\n"


def test_front_matter_with_log_line_and_real_log_in_body() -> None:
    content = b"---\nnotes: |\n  ## Log\n---\n## Log\n- a\n"
    assert append_log_entry(content, E) == content + EB + b"\n"


def test_empty_file() -> None:
    assert append_log_entry(b"", E) == b"## Log\n" + EB + b"\n"


def test_bom_only_file() -> None:
    assert append_log_entry(b"\xef\xbb\xbf", E) == b"\xef\xbb\xbf## Log\n" + EB + b"\n"


def test_file_with_only_front_matter() -> None:
    content = b"---\nname: Ada\ntier: 1\n---\n"
    assert append_log_entry(content, E) == content + b"\n## Log\n" + EB + b"\n"


def test_file_with_only_front_matter_no_newline() -> None:
    content = b"---\nname: Ada\n---"
    assert append_log_entry(content, E) == content + b"\n\n## Log\n" + EB


def test_front_matter_closed_with_dots() -> None:
    content = b"---\nnotes: |\n  ## Log\n...\n# Ada\n"
    assert append_log_entry(content, E) == content + b"\n## Log\n" + EB + b"\n"


def test_unclosed_front_matter_is_body() -> None:
    content = b"---\n## Log\n- a\n"
    assert append_log_entry(content, E) == content + EB + b"\n"


def test_unclosed_fence_is_closed_before_new_section() -> None:
    content = b"# Ada\n~~~~\n## Log\n"
    assert append_log_entry(content, E) == content + b"~~~~\n\n## Log\n" + EB + b"\n"
    content = b"# Ada\r\n```py\ncode"
    assert append_log_entry(content, E) == content + b"\r\n```\r\n\r\n## Log\r\n" + EB


def test_unclosed_fence_inside_log_section_is_closed() -> None:
    content = b"## Log\n- a\n```\ncode\n\n"
    assert append_log_entry(content, E) == b"## Log\n- a\n```\ncode\n```\n" + EB + b"\n\n"
    content = b"## Log\n```\n## Next\n```\n- a\n"
    assert append_log_entry(content, E) == content + EB + b"\n"


def test_not_a_heading() -> None:
    content = b"#Log\n    ## Log\n"
    assert append_log_entry(content, E) == content + b"\n## Log\n" + EB + b"\n"


def test_first_of_two_log_headings_is_used() -> None:
    content = b"## Log\n- a\n\n## Log\n- b\n"
    assert append_log_entry(content, E) == b"## Log\n- a\n" + EB + b"\n\n## Log\n- b\n"


def test_unicode_entry_and_invalid_bytes_elsewhere() -> None:
    content = b"# \xff\xfe bad\n## Log\n- a\n"
    entry = "- 2026-01-01 Caf\u00e9 with \u738b"
    assert append_log_entry(content, entry) == content + entry.encode() + b"\n"


def test_entry_must_be_single_line() -> None:
    with pytest.raises(ValueError):
        append_log_entry(b"", "- a\n- b")
    # a trailing newline is tolerated (and not doubled)
    assert append_log_entry(b"## Log\n", E + "\n") == b"## Log\n" + EB + b"\n"


def test_appending_twice_keeps_order() -> None:
    content = b"## Log\n- a\n\n## Next\n"
    once = append_log_entry(content, "- 1")
    twice = append_log_entry(once, "- 2")
    assert twice == b"## Log\n- a\n- 1\n- 2\n\n## Next\n"


def test_find_log_section_and_heading_parser() -> None:
    content = b"---\nx: 1\n---\n# A\n## Log\n- a\n## B\n"
    assert find_log_section(content) == (content.index(b"## Log"), content.index(b"## B"))
    assert find_log_section(b"# A\n") is None
    assert parse_atx_heading("## Log ##") == (2, "Log")
    assert parse_atx_heading("   # C#") == (1, "C#")
    assert parse_atx_heading("####### x") is None
    assert parse_atx_heading("#x") is None


def test_insertion_point_matches_append() -> None:
    content = b"# A\n## Log\n- a\n\n# B\n"
    k, inserted = insertion_point(content, E)
    assert content[:k] + inserted + content[k:] == append_log_entry(content, E)
    assert k == content.index(b"\n# B")


# ----------------------------------------------------------------------- hypothesis

FRAGMENTS = [
    "## Log",
    "# Log",
    "### log",
    "## Log ##",
    "## Other",
    "# Top",
    "#### Deep",
    "```",
    "```python",
    "~~~",
    "````",
    "---",
    "name: Ada",
    "- 2020-01-01 old entry",
    "- plain item",
    "text line",
    "",
    "   ",
    "\t",
    "    ## Log",
    "Caf\u00e9 \u738b",
]

ENTRY = "- 2099-12-31 hypothesis entry [channel:: call]"


@st.composite
def files(draw: st.DrawFn) -> bytes:
    lines = draw(st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=12), max_size=25))
    nl = draw(st.sampled_from(["\n", "\r\n"]))
    final_newline: bool = draw(st.booleans())
    bom: bool = draw(st.booleans())
    text = nl.join(line.replace("\r", "").replace("\n", "") for line in lines)
    if lines and final_newline:
        text += nl
    data = text.encode("utf-8", errors="surrogatepass")
    if bom:
        data = b"\xef\xbb\xbf" + data
    return data


@settings(max_examples=400, deadline=None)
@given(files(), st.sampled_from(["Log", "log", "Interactions"]))
def test_only_bytes_are_inserted(content: bytes, heading: str) -> None:
    k, inserted = insertion_point(content, ENTRY, heading)
    result = append_log_entry(content, ENTRY, heading)
    assert result == content[:k] + inserted + content[k:]
    assert 0 <= k <= len(content)
    assert inserted.count(ENTRY.encode()) == 1
    assert result.count(ENTRY.encode()) == 1
    # independent check of the invariant, not relying on insertion_point's k
    assert check_insert_only(content, result) is not None
    # the BOM stays first
    assert result.startswith(b"\xef\xbb\xbf") == content.startswith(b"\xef\xbb\xbf")
    # the entry sits on a line of its own
    at = result.index(ENTRY.encode())
    assert at == 0 or result[at - 1 : at] == b"\n" or result[:at] == b"\xef\xbb\xbf"
    after = result[at + len(ENTRY) :]
    assert after == b"" or after.startswith((b"\n", b"\r\n"))
    # a CRLF file gains no bare LF; an LF file gains no CR
    if content.find(b"\n") > 0 and content[content.find(b"\n") - 1] == 13:
        assert b"\n" not in inserted.replace(b"\r\n", b"")
    else:
        assert b"\r" not in inserted
    # the new entry is inside the log section afterwards
    section = find_log_section(result, heading)
    assert section is not None
    assert section[0] <= at < section[1]


# ------------------------------------------------------------------------- slugify


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Ada Lovelace", "ada-lovelace"),
        ("José Ñúñez", "jose-nunez"),
        ("Straße Øre", "strasse-ore"),
        ("王小明", "王小明"),
        ("Пётр Ильич", "пётр-ильич"),
        ("Dr. O'Brien, PhD", "dr-obrien-phd"),
        ("v1.2 release", "v1.2-release"),
        ("../../etc/passwd", "etc-passwd"),
        ("a\\b/c", "a-b-c"),
        ("..", "contact"),
        ("...hidden", "hidden"),
        ("", "contact"),
        ("  ", "contact"),
        (':*?"<>|', "contact"),
        ("con", "con-contact"),
        ("CON", "con-contact"),
        ("Lpt9", "lpt9-contact"),
        ("com1.backup", "com1-contact.backup"),
        ("Console", "console"),
        ("tab\tand\nnewline\x00nul", "tab-and-newline-nul"),
        ("#tag [x] ^y |z", "tag-x-y-z"),
        ("trailing dot.", "trailing-dot"),
    ],
)
def test_slugify(name: str, slug: str) -> None:
    assert slugify(name) == slug


@given(st.text(max_size=300))
def test_slugify_is_always_safe(name: str) -> None:
    slug = slugify(name)
    assert slug
    assert "/" not in slug and "\\" not in slug
    assert ".." not in slug
    assert not slug.startswith(".") and not slug.endswith(".")
    assert len(slug) <= 100 and len(slug.encode("utf-8")) <= 200
    assert not any(c in slug for c in ':*?"<>|#^[]')
    assert all(ord(c) >= 32 and c != "\x7f" for c in slug)
    assert slug.split(".")[0] not in {"con", "prn", "aux", "nul", "com1", "lpt1"}


def test_slugify_long_names() -> None:
    assert len(slugify("a" * 500)) == 100
    cjk = slugify("王" * 150)
    assert len(cjk.encode("utf-8")) <= 200 and cjk


# ----------------------------------------------------------------- new_contact_text


def _front_matter(text: str) -> dict[str, object]:
    assert text.startswith("---\n")
    fm, _, body = text[4:].partition("\n---\n")
    data = yaml.safe_load(fm)
    assert isinstance(data, dict)
    return data


def test_new_contact_text_shape() -> None:
    text = new_contact_text("Ada Lovelace", 1, ["mentor", "analytics"], dt.date(2026, 1, 5))
    assert text == (
        "---\n"
        "name: Ada Lovelace\n"
        "tier: 1\n"
        "tags:\n"
        "  - mentor\n"
        "  - analytics\n"
        "status: active\n"
        "met: 2026-01-05\n"
        "---\n"
        "# Ada Lovelace\n"
        "\n"
        "## Log\n"
    )


def test_new_contact_text_minimal() -> None:
    text = new_contact_text("Bob", None, [], dt.date(2026, 1, 5), log_heading="Interactions")
    assert "tier" not in text and "tags" not in text
    assert text.endswith("# Bob\n\n## Interactions\n")
    fm = _front_matter(text)
    assert fm == {"name": "Bob", "status": "active", "met": dt.date(2026, 1, 5)}


@pytest.mark.parametrize(
    "name",
    [
        "No",
        "yes",
        "y",
        "null",
        "~",
        "123",
        "1e3",
        "0x1F",
        "2024-01-01",
        "a: b",
        "[x]",
        "{x}",
        "#x",
        "x #y",
        "'quoted'",
        '"dq"',
        "back\\slash",
        "- dash",
        "*star",
        "&anchor",
        "!tag",
        "%pct",
        "@at",
        "`tick",
        "|pipe",
        ">fold",
        "王小明",
        "Zoë \u200d Ünal",
        "tab\there",
        "\u2028sep",
        "trailing ",
    ],
)
def test_new_contact_name_round_trips(name: str) -> None:
    text = new_contact_text(name, 2, [name, "ok"], dt.date(2026, 1, 5))
    fm = _front_matter(text)
    clean = " ".join(name.split())
    assert fm["name"] == clean
    assert fm["tier"] == 2
    assert fm["tags"] == [clean, "ok"]


@given(st.text(min_size=1, max_size=40))
def test_yaml_scalar_round_trips(value: str) -> None:
    loaded = yaml.safe_load(f"k: {yaml_scalar(value)}\n")
    assert loaded == {"k": value}


def test_yaml_scalar_plain_when_safe() -> None:
    assert yaml_scalar("Ada Lovelace") == "Ada Lovelace"
    assert yaml_scalar("No") == '"No"'
    assert yaml_scalar("123") == '"123"'
    assert yaml_double_quote('a"b\\c\x01') == '"a\\"b\\\\c\\x01"'


def test_new_contact_then_append() -> None:
    text = new_contact_text("Ada", 1, [], dt.date(2026, 1, 5))
    content = text.encode()
    assert append_log_entry(content, E) == content + EB + b"\n"
