"""The loader's discovery and its fast parsing paths, against the slow reference behaviour.

The fast paths (``yamlsource._load_simple``, ``logbook._fast_entry`` and
``logbook._simple_fields``) must give exactly what the full parsers give; these tests
compare the two on generated inputs, including the awkward ones the fast paths must refuse.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netkit import config as config_mod
from netkit import contactfile, loader, logbook, yamlsource
from netkit import diagnostics as diag_mod
from netkit.diagnostics import Diagnostic
from netkit.model import Config

VaultFactory = Callable[[Mapping[str, "str | bytes"]], Path]


def test_constants_agree_with_their_owners() -> None:
    assert loader.CONFIG_NAME == config_mod.CONFIG_NAME
    assert loader.MAX_FILE_BYTES == contactfile.MAX_FILE_BYTES


# ----------------------------------------------------------------------------- discovery


def _walk_reference(root: Path, config: Config) -> tuple[list[str], list[Diagnostic]]:
    """The os.walk-based discovery the scandir walk replaced (kept here as the oracle)."""
    diags: list[Diagnostic] = []
    found: set[str] = set()
    root_real = os.path.realpath(root)
    pages = config.pages.strip("/")
    for folder in config.contacts:
        base = root / folder
        if not base.is_dir():
            diags.append(diag_mod.make("netkit.yaml", 1, 1, "config.missing-folder",
                                       f"the contacts folder `{folder}` does not exist", severity="warning",
                                       hint=f"create it (`mkdir {folder}`) or fix `contacts:` in netkit.yaml"))
            continue
        for dirpath, dirnames, filenames in os.walk(base, followlinks=False):
            dirnames[:] = sorted(d for d in dirnames if d not in loader.IGNORED_DIRS and not d.startswith("."))
            for name in filenames:
                if not name.lower().endswith(".md") or loader.is_ignored_name(name):
                    continue
                full = os.path.join(dirpath, name)
                rel = os.path.relpath(full, root).replace(os.sep, "/")
                if pages and (rel == pages or rel.startswith(pages + "/")):
                    continue
                if os.path.islink(full):
                    target = os.path.realpath(full)
                    if not (target == root_real or target.startswith(root_real + os.sep)):
                        diags.append(diag_mod.make(rel, 1, 1, "file.symlink-outside", "x", severity="warning"))
                        continue
                    if not os.path.isfile(target):
                        diags.append(diag_mod.make(rel, 1, 1, "file.broken-link", "x", severity="warning"))
                        continue
                found.add(rel)
    return sorted(found), diags


def _tree(make_vault: VaultFactory, tmp_path: Path, contacts: str) -> tuple[Path, Config]:
    files: dict[str, str | bytes] = {
        "netkit.yaml": f"version: 1\ncontacts: {contacts}\npages: people/pages\n",
        "people/a.md": "x", "people/B.MD": "x", "people/c.txt": "x", "people/.hidden.md": "x",
        "people/d.md~": "x", "people/.#e.md": "x", "people/f.md.swp": "x", "people/g___jb_tmp___.md": "x",
        "people/sub/deeper/h.md": "x", "people/.obsidian/i.md": "x", "people/node_modules/j.md": "x",
        "people/.git/k.md": "x", "people/pages/Dashboard.md": "x", "people/pages/sub/l.md": "x",
        "people/pagesx/m.md": "x", "people/José Álvarez.md": "x", "work/n.md": "x", "work/more/o.md": "x",
        "p.md": "x",
    }
    root = make_vault(files)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "q.md").write_text("x", encoding="utf-8")
    people = root / "people"
    (people / "link-in.md").symlink_to(root / "work" / "n.md")
    (people / "link-out.md").symlink_to(outside / "q.md")
    (people / "broken.md").symlink_to(people / "nowhere.md")
    (people / "loop.md").symlink_to(people / "loop.md")
    (people / "dirlink").symlink_to(root / "work", target_is_directory=True)
    (people / "dirlink.md").symlink_to(root / "work", target_is_directory=True)
    config, _ = loader.read_config(root)
    return root, config


@pytest.mark.parametrize("contacts", ["people", "[people, work, people/sub]", "./people", "'.'", "[missing, work]"])
def test_discover_matches_the_os_walk_behaviour(make_vault: VaultFactory, tmp_path: Path, contacts: str) -> None:
    root, config = _tree(make_vault, tmp_path, contacts)
    rels, diags = loader.discover(root, config)
    expected_rels, expected_diags = _walk_reference(root, config)
    assert rels == expected_rels
    assert [(d.path, d.code) for d in sorted(diags, key=diag_mod.sort_key)] == [
        (d.path, d.code) for d in sorted(expected_diags, key=diag_mod.sort_key)]
    assert rels  # the tree is not trivially empty for these settings


def test_a_fifo_is_unreadable_not_a_hang(make_vault: VaultFactory) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    root = make_vault({})
    os.mkfifo(root / "contacts" / "pipe.md")
    raw, problem = loader.read_file(root, "contacts/pipe.md")
    assert raw is None and problem is not None and problem.code == "file.unreadable"
    assert "regular file" in problem.message


def test_read_file_gets_every_byte_through_short_reads_and_growth(
        make_vault: VaultFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    content = ("---\nname: Ada\n---\n" + "- 2026-01-01 Coffee [channel:: call]\n" * 300).encode("utf-8")
    root = make_vault({"contacts/ada.md": content})
    assert loader.read_file(root, "contacts/ada.md") == (content, None)
    real_read, real_fstat = os.read, os.fstat
    # a file system that returns a few bytes per read
    monkeypatch.setattr(os, "read", lambda fd, n: real_read(fd, min(n, 7)))
    assert loader.read_file(root, "contacts/ada.md") == (content, None)
    monkeypatch.setattr(os, "read", real_read)

    # a file that grew between the stat and the read: read to its end all the same
    def smaller(fd: int) -> os.stat_result:
        st = real_fstat(fd)
        return os.stat_result((*st[:6], st.st_size - 1000, *st[7:10]))

    monkeypatch.setattr(os, "fstat", smaller)
    assert loader.read_file(root, "contacts/ada.md") == (content, None)
    # ...but never past the size limit + 1, which the parser then reports as too large
    monkeypatch.setattr(loader, "MAX_FILE_BYTES", len(content) - 10)
    raw, problem = loader.read_file(root, "contacts/ada.md")
    assert problem is None and raw == content[:len(content) - 9]
    monkeypatch.setattr(os, "fstat", real_fstat)
    raw, problem = loader.read_file(root, "contacts/ada.md")
    assert raw is None and problem is not None and problem.code == "file.too-large"


# ----------------------------------------------------------------------------- public API


def test_public_api_keeps_working(make_vault: VaultFactory) -> None:
    root = make_vault({"contacts/ada.md": "---\nname: Ada\n---\n", "contacts/bad.md": "---\nname: [\n---\n"})
    config, diags = loader.read_config(root)
    rels, more = loader.discover(root, config)
    contacts, file_diags = loader.parse_files(root, rels, config)
    vault = loader.assemble(root, config, contacts, [*diags, *more, *file_diags], files=len(rels))
    loaded = loader.load_vault(root, use_cache=False)
    assert loaded.contacts == vault.contacts and loaded.diagnostics == vault.diagnostics
    assert loaded.files == vault.files == 2
    assert loaded == dataclasses.replace(loaded)  # a plain frozen dataclass to its users
    positional = loader.Vault(root, config, vault.contacts, vault.diagnostics, vault.index, 2)
    assert positional.changes == loader.Changes() and positional.contact_at("contacts/ada.md") is not None
    with pytest.raises(loader.VaultError):
        loader.load_vault(root / "contacts")  # no netkit.yaml there


# ----------------------------------------------------------------------------- YAML fast path


_VALUES = [
    "Ada", "Ada Lovelace", "a, b [x] {y}", "C#", "a #b", "a: b", "x:", "-x", "- x", "'q'", "'it''s'", '"dq"',
    '"a\\"b"', '"tab\\there"', "O'Brien", 'say "hi"', "123", "0", "0123", "1_000", "-5", "+5", "3.5", "1e3",
    "0x1F", "12:30", "yes", "No", "on", "OFF", "true", "~", "null", "Null", "2024-05-01", "2024-13-01",
    "2024-02-30", "2024-5-1", "2024-05-01 10:00", "2024-05-01T10:00:00Z", "+44 20 7946 0000", ".inf", ".5",
    "[a, b]", "{a: 1}", "&a x", "*a", "!tag x", "!!python/object/apply:os.system", "|", ">", "%x", "@x",
    "`x`", "José", "日本", "a\tb", "\u00a0x", "x\u00a0", "=", "<<", "?x", ":x", ",x", "a:b", "https://x.y/z",
    "--12-10", "ada@example.com", "", " ", "x  ", "\u2028", "\ufeff", "\x85", "\x07", "a\\b", "'", '"',
    '"unterminated', "'unterminated", "a  b", "#", "é:", "[[Bob]]", '"[[Bob]]"', "- - x",
]
_KEYS = ["name", "tags", "company", "tier", "met", "knows", "x-y", "_a", "yes", "null", "on", "a b", "<<",
         "1", "k:", "email", "phone", "birthday", "x" * 300]


_SIMPLE_VALUES = [
    "Ada", "Ada Lovelace", "a, b [x] {y}", "C#", "O'Brien", 'say "hi"', "'q'", '"dq"', "123", "0", "7",
    "2024-05-01", "+44 20 7946 0000", "https://x.y/z", "José", "日本", "a:b", "x\u00a0", "1e3", "a  b",
    "--12-10", '"[[Bob]]"', "ada@example.com", "x  ", "a\\b", '""', "''", "é:x", ".x", "(x)",
]
_SIMPLE_KEYS = ["name", "tags", "company", "tier", "met", "knows", "x-y", "_a", "yes", "null", "email"]


@st.composite
def _value(draw: st.DrawFn) -> str:
    pool = _SIMPLE_VALUES if draw(st.integers(0, 9)) < 8 else _VALUES
    return draw(st.sampled_from(pool))


@st.composite
def _front_matter(draw: st.DrawFn) -> str:
    lines: list[str] = []
    for _ in range(draw(st.integers(0, 7))):
        kind = draw(st.sampled_from(["pair"] * 6 + ["list"] * 3 + ["blank", "comment", "odd"]))
        key = draw(st.sampled_from(_SIMPLE_KEYS if draw(st.integers(0, 9)) < 9 else _KEYS))
        if kind == "pair":
            sep = draw(st.sampled_from([": ", ":  ", ":", ": "]))
            value = draw(_value()) if sep != ":" else draw(st.sampled_from(["", "  ", " x"]))
            lines.append(f"{key}{sep}{value}")
        elif kind == "list":
            lines.append(key + draw(st.sampled_from([":", ":  ", ": "])))
            indent = draw(st.sampled_from(["", "  ", "    "]))
            for _ in range(draw(st.integers(0, 4))):
                item_indent = indent if draw(st.integers(0, 9)) else draw(st.sampled_from(["", " ", "      "]))
                lines.append(item_indent + draw(st.sampled_from(["- ", "- ", "-  ", "-"])) + draw(_value()))
                if not draw(st.integers(0, 5)):
                    lines.append(draw(st.sampled_from(["", "# c", "  # c", "   ", "  cont"])))
        elif kind == "blank":
            lines.append(draw(st.sampled_from(["", "  ", "\t"])))
        elif kind == "comment":
            lines.append(draw(st.sampled_from(["# note", "#", " # indented"])))
        else:
            lines.append(draw(st.sampled_from(["  indented: x", "- stray", "key:value", "a b: c", "---", "...",
                                               "%YAML 1.1", "name: x\r", "? complex", "[1, 2]: x"])))
    text = "\n".join(lines)
    return text + draw(st.sampled_from(["\n", "", "\n\n"]))


def _same_value(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(_same_value(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _check_fast_yaml(snippet: str) -> bool:
    """Compare the fast path with the full path on one snippet; True when it applied."""
    fast = yamlsource._load_simple(snippet, 1)
    if fast is None:
        return False
    text = "---\n" + snippet + "---\n"
    full = yamlsource._load_full(snippet, path="p.md", file_text=text, line_offset=1, what="front matter")
    assert full.ok and full.diagnostics == [] and fast.ok and fast.diagnostics == []
    assert list(fast.fields) == list(full.fields)
    for key, f in fast.fields.items():
        g = full.fields[key]
        assert _same_value(f.value, g.value), (key, f.value, g.value)
        assert (f.key, f.key_line, f.key_column, f.line, f.column) == (g.key, g.key_line, g.key_column, g.line, g.column)
        count = len(f.value) if isinstance(f.value, list) else 0
        for i in range(count + 2):
            assert f.item_position(i) == g.item_position(i), (key, i)
        # the lazily composed node is the real one
        assert (f.node.tag, f.node.start_mark.line, f.node.start_mark.column) == (
            g.node.tag, g.node.start_mark.line, g.node.start_mark.column)
        assert yamlsource.implicit_type_trap(f.node) == yamlsource.implicit_type_trap(g.node)
        assert f.locate(0) == g.locate(0)
    return True


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_front_matter())
def test_yaml_fast_path_matches_the_parser(snippet: str) -> None:
    _check_fast_yaml(snippet)


def test_yaml_fast_path_covers_the_usual_front_matter() -> None:
    usual = [
        "name: Ada Lovelace\ntier: 1\ntags:\n  - mentor\n  - analytics\nmet: 2024-05-01\nphone: \"+44 20\"\n",
        "name: Grace\nknows:\n- \"[[Ada]]\"\n- Bob\nlinkedin: https://www.linkedin.com/in/g\n",
        "name: X\n\n# a comment\ncompany:\nrole:   Lead  \n",
        "name: 'single quoted'\nbirthday: \"--12-10\"\nemail: a@b.co\n",
    ]
    for snippet in usual:
        assert _check_fast_yaml(snippet), snippet
    refused = ["name: [a]\n", "tags: [a, b]\n", "name: a # c\n", "on: yes\n", "x: 1.5\n", "name: a\n  b\n",
               "a: 1\na: 2\n", "name: \"a\\\"b\"\n", "name:\tx\n", "name: x\r\n", "n: 2024-02-30\n", "k: ~\n"]
    for snippet in refused:
        assert yamlsource._load_simple(snippet, 1) is None, snippet


# ----------------------------------------------------------------------------- log fast path


_ITEM_PARTS = [
    " text", " more  spaced   words", " [channel:: call]", " [channel:: CALL ]", " [channel:: fax]",
    " [by:: me]", " [by:: Them]", " [by:: x]", " [reply:: yes]", " [reply:: No]", " [reply:: maybe]",
    " [gave:: intro to [[Bob]]]", " [got:: advice]", " [gave:: ]", " [Channel:: email]", " [x y:: z]",
    " [[Ada Lovelace]]", " [", " ]", " `code [x:: y]`", " `", " [a::b]", " [1:: x]", "\t", " é",
    " [channel:: call] [channel:: email]", " [[", " [note]", " [a:: b] tail", " [ :: x]", " [k::]",
    " [a:: [b]]", " [a:: b]]", "\u00a0", " [z::: w]", " [by:: me ]",
]
_DATES = ["2026-01-02", "2026-02-30", "2026-1-2", "26-01-02", "2026/01/02", "", "2026-01-02x", "2026-12-31"]


@st.composite
def _log_body(draw: st.DrawFn) -> str:
    lines = ["## Log"]
    for _ in range(draw(st.integers(1, 6))):
        marker = draw(st.sampled_from(["- ", "* ", "-  ", "  - ", "1. "]))
        date = draw(st.sampled_from(_DATES))
        rest = "".join(draw(st.lists(st.sampled_from(_ITEM_PARTS), max_size=5)))
        lines.append(marker + date + rest)
    return "\n".join(lines) + "\n"


def _parse_log(body: str) -> tuple[Any, ...]:
    links: list[Any] = []
    entries, diags, notes = logbook.parse_log(body, body_line=5, heading="Log", path="p.md",
                                              file_text=body, links=links)
    return entries, diags, notes, links


@pytest.fixture
def slow_log(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], tuple[Any, ...]]]:
    def run(body: str) -> tuple[Any, ...]:
        with monkeypatch.context() as m:
            m.setattr(logbook, "_fast_entry", lambda *_: None)
            m.setattr(logbook, "_simple_fields", lambda *_: None)
            return _parse_log(body)

    yield run


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_log_body())
def test_log_fast_path_matches_the_full_scan(slow_log: Callable[[str], tuple[Any, ...]], body: str) -> None:
    assert _parse_log(body) == slow_log(body)


def test_log_fast_path_shares_memoised_values() -> None:
    body = "## Log\n- 2026-01-02 a [channel:: call] [by:: me]\n- 2026-01-02 b [channel:: call] [by:: me]\n"
    first, second = _parse_log(body)[0]
    assert first.fields is second.fields and first.date is second.date
    assert first.date == dt.date(2026, 1, 2) and first.channel == "call" and first.by == "me"


# ----------------------------------------------------------------------------- whole files


_FILES = [
    "---\nname: Ada\ntier: 1\ntags:\n  - x\nknows:\n  - \"[[Bob]]\"\n  - Carol\nintroduced_by: \"[[Dan]]\"\n---\n## Log\n- 2026-01-01 Hi [channel:: call]\n",
    "---\nname: Ada\nphone: 0123\nzip: no\ncompany: 12:30\nknows:\n  - 5\n  - [[Bob]]\n---\n",
    "---\nname: Ada\nemail:\n  - not-an-email\n  - a@b.co\nlinkedin: nope\n---\n",
    "---\nname:\ntier: two\nstatus: paused\nbirthday: --02-30\nmet: 2024-02-30\n---\n",
    "---\ntags: [a, b]\naliases: [A]\nunknown: 1\n---\nbody\n",
    "---\n---\n",
    "no front matter\n## Log\n- 2026-01-01 x\n",
]


@pytest.mark.parametrize("text", _FILES)
def test_parse_contact_is_the_same_with_and_without_fast_paths(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    config = config_mod.default_config()
    fast = contactfile.parse_contact(text.encode("utf-8"), "contacts/ada.md", config)
    monkeypatch.setattr(yamlsource, "_load_simple", lambda *_: None)
    monkeypatch.setattr(logbook, "_fast_entry", lambda *_: None)
    monkeypatch.setattr(logbook, "_simple_fields", lambda *_: None)
    slow = contactfile.parse_contact(text.encode("utf-8"), "contacts/ada.md", config)
    assert fast == slow
