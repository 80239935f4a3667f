"""Property tests (Hypothesis) for the promises that must hold for *every* input.

* ``netkit log`` on random front matter and bodies changes nothing but the appended line
  (through the CLI, on a temporary vault); on a file with errors it writes nothing.
* ``contactfile.parse_contact`` never raises, on arbitrary bytes and on text built from
  YAML-ish fragments, and every diagnostic it returns is positioned inside the file and
  has a documented code.
* Appending a log entry to any valid file gives a valid file with exactly one more entry.
* The front-matter fast path (if present) reads exactly what the full YAML parser reads.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from conftest import insertion, reliability_counts, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netkit import config as config_mod
from netkit import contactfile, logwriter, yamlsource

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2026-06-01"
CONFIG = config_mod.default_config()
DOCUMENTED = frozenset(re.findall(r"^\| `([a-z]+\.[a-z-]+)` \|", (ROOT / "docs/diagnostics.md").read_text(), re.M))
COMMON = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])



@contextmanager
def counting(test: str) -> Iterator[list[int]]:
    """Count the examples a property test ran (``seen[0]``) and, for some, how many took
    the interesting branch (``seen[1]``); publish them as inputs tried."""
    seen = [0, 0]
    try:
        yield seen
    finally:
        reliability_counts.publish(f"properties.{test}", {"inputs_tried": seen[0], "interesting": seen[1]})


def assert_well_formed(raw: bytes, contact: Any, diags: list[Any]) -> None:
    """What every parse result must look like, whatever the input."""
    lines = raw.count(b"\n") + 1
    for d in diags:
        assert d.code in DOCUMENTED, f"undocumented diagnostic code {d.code}"
        assert 1 <= d.line <= lines + 1, (d, lines)
        assert d.column >= 1, d
        assert d.severity in ("error", "warning")
        assert d.message
    if contact is None:
        assert any(d.is_error for d in diags), "a file that is not a contact needs an error saying why"
    else:
        assert contact.path == "contacts/p.md" and isinstance(contact.name, str) and contact.name
        json.dumps(dict(contact.front_matter))  # JSON-able values, as `show --json` needs (contactjson)


# ------------------------------------------------------------ file generators

WORD = st.text(alphabet=st.characters(categories=["L", "N"], max_codepoint=0x2FFF), min_size=1, max_size=8)
PHRASE = st.lists(WORD, min_size=1, max_size=4).map(" ".join)
# any single line of text: every character but surrogates, CR and LF (so also NEL, U+2028,
# form feeds and other characters some tools treat as line breaks)
LINE = st.text(alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\r\n"), max_size=40)


@st.composite
def front_matter_lines(draw: Any) -> list[str]:
    keys: dict[str, str] = {}
    lines: list[str] = []
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(["name", "tier", "tags-flow", "tags-block", "company", "comment", "blank",
                                     "aliases", "met", "status", "quoted"]))
        if kind == "comment":
            lines.append("# " + draw(PHRASE))
            continue
        if kind == "blank":
            lines.append("")
            continue
        key = {"tags-flow": "tags", "tags-block": "tags", "quoted": "role"}.get(kind, kind)
        if key in keys:
            continue
        keys[key] = kind
        if kind == "name":
            lines.append(f"name: {draw(PHRASE)}")
        elif kind == "tier":
            lines.append(f"tier: {draw(st.integers(1, 3))}")
        elif kind == "tags-flow":
            lines.append("tags: [" + ", ".join(draw(st.lists(WORD, max_size=3))) + "]")
        elif kind == "tags-block":
            lines.append("tags:")
            lines += [f"  - {w}" for w in draw(st.lists(WORD, min_size=1, max_size=3))]
        elif kind == "company":
            lines.append(f"company: {draw(PHRASE)}  # {draw(PHRASE)}")
        elif kind == "aliases":
            lines.append("aliases:")
            lines += [f'  - "{w}"' for w in draw(st.lists(WORD, min_size=1, max_size=2))]
        elif kind == "met":
            lines.append(f"met: 20{draw(st.integers(10, 26))}-0{draw(st.integers(1, 9))}-1{draw(st.integers(0, 9))}")
        elif kind == "status":
            lines.append(f"status: {draw(st.sampled_from(['active', 'paused']))}")
        else:
            lines.append(f"role: {json.dumps(draw(PHRASE) + ': ' + draw(PHRASE), ensure_ascii=False)}")
    return lines


@st.composite
def body_lines(draw: Any) -> list[str]:
    lines: list[str] = []
    for _ in range(draw(st.integers(0, 8))):
        kind = draw(st.sampled_from(["heading", "log", "entry", "item", "text", "fence", "blank", "any"]))
        if kind == "heading":
            lines.append("#" * draw(st.integers(1, 4)) + " " + draw(PHRASE))
        elif kind == "log":
            lines.append("#" * draw(st.integers(1, 3)) + " " + draw(st.sampled_from(["Log", "log", "LOG"])))
        elif kind == "entry":
            day = dt.date(2025, 1, 1) + dt.timedelta(days=draw(st.integers(0, 500)))
            extra = draw(st.sampled_from(["", " [channel:: call]", " [by:: me] [[Ada Lovelace]]", " [reply:: no]"]))
            lines.append(f"- {day.isoformat()} {draw(PHRASE)}{extra}")
        elif kind == "item":
            lines.append("- " + draw(PHRASE))
        elif kind == "text":
            lines.append(draw(PHRASE))
        elif kind == "fence":
            lines.append(draw(st.sampled_from(["```", "~~~", "```python"])))
        elif kind == "blank":
            lines.append("")
        else:
            lines.append(draw(LINE))
    return lines


@st.composite
def contact_files(draw: Any) -> bytes:
    nl = draw(st.sampled_from(["\n", "\r\n"]))
    parts: list[str] = []
    if draw(st.booleans()):
        parts += ["---", *draw(front_matter_lines()), "---"]
    parts += draw(body_lines())
    text = nl.join(parts) + (nl if parts and draw(st.booleans()) else "")
    bom = "\ufeff" if draw(st.integers(0, 4)) == 0 else ""
    return (bom + text).encode("utf-8")



# ------------------------------------------------------------------ netkit log


def test_log_changes_nothing_but_the_appended_line() -> None:
    with counting("log-byte-for-byte") as seen:

        @settings(COMMON, max_examples=50)
        @given(raw=contact_files(), text=PHRASE, channel=st.sampled_from([None, "call", "email"]))
        def prop(raw: bytes, text: str, channel: str | None) -> None:
            seen[0] += 1
            with tempfile.TemporaryDirectory() as tmp:
                root = Path(tmp)
                (root / "contacts").mkdir()
                (root / "netkit.yaml").write_text("version: 1\n")
                target = root / "contacts/p.md"
                target.write_bytes(raw)
                base = ["--vault", str(root), "--today", TODAY]
                _, out, _ = run_cli([*base, "check", "--format", "json"])
                errors = [d for d in json.loads(out)["diagnostics"] if d["severity"] == "error"]
                args = [*base, "log", "p", text] + (["--channel", channel] if channel else [])
                code, _, err = run_cli(args)
                new = target.read_bytes()
                if errors:
                    assert code == 1 and new == raw, "a file with errors must not be written"
                    return
                assert code == 0, f"netkit log refused a valid file: {err}"
                seen[1] += 1
                k, added = insertion(raw, new)
                entry = logwriter.format_log_entry(dt.date.fromisoformat(TODAY), text, channel=channel)
                added_text = added.decode("utf-8")
                assert added_text.count(entry) == 1
                extra = {ln for ln in added_text.replace("\r", "").split("\n")} - {entry, ""}
                assert extra <= {"## Log", "```", "~~~"}, extra
                crlf = logwriter.newline_of(raw) == b"\r\n"
                assert added.count(b"\n") == (added.count(b"\r\n") if crlf else added.count(b"\n"))
                if not crlf:
                    assert b"\r" not in added
                _, out, _ = run_cli([*base, "show", "p", "--json"])
                log = json.loads(out)["log"]
                assert sum(1 for e in log if e["date"] == TODAY and e["text"] == logwriter.single_line(text)) >= 1

        prop()


# ------------------------------------------------------- parse_contact never raises

FRAGMENTS = ["---", "---\n", "...", ":", ": ", "[", "]", "{", "}", "&a ", "*a", "!!", "!!python/object:x ",
             "\t", "\r\n", "\n", "\ufeff", "- ", "- 2026-01-01 [x:: [[y]]]", "- 2026-13-45 x", "[[", "]]",
             "#", "# Log\n", "## Log\n", "```\n", "~~~", "'", '"', "|", ">", "?", "%YAML 1.1\n", "<<: ",
             "<<<<<<< HEAD\n", "=======\n", ">>>>>>> b\n", "name", "tier: ", "tags", "2026-02-30", "0o17",
             "1e9999", "9" * 30, "~", "null", "yes", "\\", "\x85", "\u2028", "\x00", "é", "𝔘", "  ", "[channel:: ",
             "[by:: them]", "[reply:: maybe]", "<!-- -->", "|", "::"]
YAMLISH = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=4)), max_size=40).map("".join)


def test_parse_contact_never_raises_on_bytes() -> None:
    with counting("parse-bytes") as seen:

        @settings(COMMON, max_examples=300)
        @given(prefix=st.sampled_from([b"", b"---\n", b"\xef\xbb\xbf---\r\n"]),
               raw=st.one_of(st.binary(max_size=3000), st.text(max_size=1000).map(lambda t: t.encode("utf-8", "surrogatepass"))))
        def prop(prefix: bytes, raw: bytes) -> None:
            seen[0] += 1
            data = prefix + raw
            contact, diags = contactfile.parse_contact(data, "contacts/p.md", CONFIG)
            assert_well_formed(data, contact, diags)
            seen[1] += contact is not None

        prop()


def test_parse_contact_never_raises_on_yamlish_text() -> None:
    with counting("parse-yamlish") as seen:

        @settings(COMMON, max_examples=300)
        @given(head=st.sampled_from(["", "---\n", "---\r\n", "\ufeff---\n"]), middle=YAMLISH,
               tail=st.sampled_from(["", "\n---\n", "\n---\n## Log\n", "\n...\n"]), body=YAMLISH)
        def prop(head: str, middle: str, tail: str, body: str) -> None:
            seen[0] += 1
            data = (head + middle + tail + body).encode("utf-8", "surrogatepass")
            contact, diags = contactfile.parse_contact(data, "contacts/p.md", CONFIG)
            assert_well_formed(data, contact, diags)
            seen[1] += contact is not None and not any(d.is_error for d in diags)

        prop()


def test_appending_to_a_valid_file_keeps_it_valid() -> None:
    """The log writer's own promise, on YAML-ish input: a file without errors gains exactly
    one entry and no error (else `netkit log` would have to refuse a valid file)."""
    entry = logwriter.format_log_entry(dt.date(2026, 6, 1), "Coffee at the fair", channel="call")
    with counting("append-keeps-valid") as seen:

        @settings(COMMON, max_examples=200)
        @given(st.one_of(contact_files(), st.builds(
            lambda h, m, t, b: (h + m + t + b).encode("utf-8", "surrogatepass"),
            st.sampled_from(["", "---\n"]), YAMLISH, st.sampled_from(["", "\n---\n"]), YAMLISH)))
        def prop(raw: bytes) -> None:
            seen[0] += 1
            before, diags = contactfile.parse_contact(raw, "contacts/p.md", CONFIG)
            if before is None or any(d.is_error for d in diags):
                return
            seen[1] += 1
            after_raw = logwriter.append_log_entry(raw, entry, CONFIG.log_heading)
            after, after_diags = contactfile.parse_contact(after_raw, "contacts/p.md", CONFIG)
            assert after is not None
            assert [d for d in after_diags if d.is_error] == []
            assert len(after.log) == len(before.log) + 1

        prop()


# --------------------------------------------------- fast path == full YAML path


@pytest.mark.skipif(not hasattr(yamlsource, "_load_simple"), reason="no front-matter fast path")
def test_front_matter_fast_path_agrees_with_the_full_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    scalar = st.one_of(PHRASE, st.integers(-10**6, 10**6).map(str), st.sampled_from(
        ["yes", "no", "on", "~", "null", "0123", "12:30", "1e3", "0x1F", "2026-02-30", "2026-01-01", "-", "a-b",
         "a:b", "a #b", "a#b", "'q'", '"q"', '"a\\"b"', "''", '""', "@x", "`x`", "x:", "+49 151", ".5", "1_000"]))
    line = st.one_of(
        st.builds(lambda k, v: f"{k}: {v}", st.sampled_from(["name", "company", "tier", "phone", "tags", "met",
                                                             "x_y", "Key-2", "on"]), scalar),
        st.builds(lambda k, v: f"{k}:\n" + "".join(f"  - {x}\n" for x in v), st.sampled_from(["tags", "aliases"]),
                  st.lists(scalar, min_size=1, max_size=3)),
        st.just("# comment"), st.just(""), st.builds(lambda k: f"{k}:", st.sampled_from(["email", "role"])))

    def full_only(snippet: str, line_offset: int) -> None:
        return None

    def view(result: tuple[Any, list[Any]]) -> Any:
        contact, diags = result
        return (contact.front_matter if contact else None, contact.name if contact else None,
                sorted((d.code, d.line, d.column, d.message) for d in diags))

    with counting("fast-path-differential") as seen:

        @settings(COMMON, max_examples=200)
        @given(st.lists(line, max_size=8))
        def prop(lines: list[str]) -> None:
            seen[0] += 1
            raw = ("---\n" + "\n".join(lines) + "\n---\n# Body\n").encode()
            fast = view(contactfile.parse_contact(raw, "contacts/p.md", CONFIG))
            seen[1] += yamlsource._load_simple(raw.decode().split("---\n")[1], 1) is not None
            with monkeypatch.context() as m:
                m.setattr(yamlsource, "_load_simple", full_only)
                full = view(contactfile.parse_contact(raw, "contacts/p.md", CONFIG))
            assert fast == full

        prop()
