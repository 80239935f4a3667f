"""Hostile contact files: each one gets a positioned diagnostic, exit 1, no traceback, and the
rest of the vault is still indexed (see ``assert_hostile`` in conftest.py).

The table below is the bulk of the suite; cases that need more than "one file, one
diagnostic" (timing, memory, a payload that would create a file, a 20 MB file, an input
that could kill the interpreter) have their own tests further down.
"""

from __future__ import annotations

import dataclasses
import json
import time
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    GOOD_PATHS,
    assert_hostile,
    assert_no_traceback,
    check_json,
    cli,
    diags_for,
    run_subprocess,
)

from netkit import config as config_mod
from netkit import contactfile

H = "contacts/hostile.md"


@dataclasses.dataclass(frozen=True)
class Case:
    id: str
    raw: bytes
    code: str
    line: int | None
    column: int | None
    #: the file is still a contact (only one field or one log entry is bad)
    indexed: bool = False
    message: str | None = None
    #: a known bug in netkit (the case is then a strict xfail naming it)
    bug: str | None = None

    def param(self) -> Any:
        marks = [pytest.mark.xfail(strict=True, reason=f"BUG: {self.bug}")] if self.bug else []
        return pytest.param(self, id=self.id, marks=marks)


def fm(yaml_text: str, body: str = "# Body\n") -> bytes:
    return f"---\n{yaml_text}---\n{body}".encode()


LOG = "---\nname: Hostile Log\n---\n# Hostile\n\n## Log\n"

CASES = [
    # --- not text / not UTF-8: the message names the byte offset
    Case("latin1", "---\nname: José\n---\n".encode("latin-1"), "file.encoding", 2, 10,
         message="byte 0xe9 at byte offset 13"),
    Case("cp1252-quotes", b"---\nname: A\n---\nShe said \x93hi\x94\n", "file.encoding", 4, 10,
         message="byte offset 25"),
    Case("lone-continuation-byte", b"---\nname: A\n---\n\x80\n", "file.encoding", 4, 1, message="byte offset 16"),
    Case("truncated-utf8-at-eof", b"---\nname: A\n---\nEuro \xe2\x82", "file.encoding", 4, 6,
         message="byte offset 21"),
    Case("overlong-utf8", b"---\nname: a\xc0\xafb\n---\n", "file.encoding", 2, 8, message="byte offset 11"),
    Case("utf8-encoded-surrogate", b"---\nname: \xed\xa0\x80\n---\n", "file.encoding", 2, 7, message="byte offset 10"),
    Case("nul-byte", b"---\nname: A\x00\n---\n", "file.binary", 2, 8, message="byte offset 11"),
    Case("utf16-with-bom", "---\nname: A\n---\n".encode("utf-16"), "file.binary", 1, 4),
    Case("png-bytes", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "file.binary", 3, 1),
    Case("control-char-in-yaml", b"---\nname: a\x07b\n---\n", "yaml.syntax", 2, 8),
    # --- front matter that is not `key: value` lines
    Case("unterminated", b"---\nname: Ada\ntier: 1\n# Ada\n", "frontmatter.unterminated", 1, 1),
    Case("unterminated-bare-fence", b"---", "frontmatter.unterminated", 1, 1),
    Case("unterminated-crlf", b"---\r\nname: Ada\r\n", "frontmatter.unterminated", 1, 1),
    Case("fm-block-list", fm("- a\n- b\n"), "frontmatter.not-mapping", 2, 1, message="a list"),
    Case("fm-flow-list", fm("[a, b]\n"), "frontmatter.not-mapping", 2, 1, message="a list"),
    Case("fm-scalar", fm("just some words\n"), "frontmatter.not-mapping", 2, 1, message="a single value"),
    Case("fm-quoted-scalar", fm('"name: Ada"\n'), "frontmatter.not-mapping", 2, 1),
    Case("fm-number", fm("42\n"), "frontmatter.not-mapping", 2, 1),
    # --- YAML that does not parse
    Case("unclosed-bracket", fm("name: A\ntags: [a, b\n"), "yaml.syntax", 3, 7),
    Case("unclosed-brace", fm("name: A\nx: {a: 1\n"), "yaml.syntax", 3, 4),
    Case("unclosed-double-quote", fm('name: "Ada\ntier: 1\n'), "yaml.syntax", 2, 7),
    Case("unclosed-single-quote", fm("name: 'Ada\ntier: 1\n"), "yaml.syntax", 2, 7),
    Case("tab-indented-list", fm("name: A\ntags:\n\t- a\n"), "yaml.syntax", 4, 1),
    Case("tab-indented-key", fm("name: A\n\ttier: 1\n"), "yaml.syntax", 3, 1),
    Case("unquoted-colon-space", fm("role: CTO: platform\n"), "yaml.syntax", 2, 10),
    Case("bad-indentation", fm("name: A\n  tier: 1\n"), "yaml.syntax", 3, 7),
    Case("reserved-at-sign", fm("name: @ada\n"), "yaml.syntax", 2, 7),
    Case("backtick-value", fm("name: `ada`\n"), "yaml.syntax", 2, 7),
    Case("yaml-directive", fm("%YAML 1.1\nname: A\n"), "yaml.syntax", 3, 1),
    Case("invalid-unicode-escape", fm('name: "\\ud800"\n'), "yaml.syntax", 2, 10),
    # --- git merge conflicts
    Case("conflict-in-front-matter",
         b"---\nname: A\n<<<<<<< HEAD\ntier: 1\n=======\ntier: 2\n>>>>>>> theirs\n---\n",
         "git.conflict", 3, 1),
    Case("conflict-in-log",
         (LOG + "<<<<<<< HEAD\n- 2026-01-02 Call\n=======\n- 2026-01-03 Lunch\n>>>>>>> theirs\n").encode(),
         "git.conflict", 7, 1),
    # --- duplicate keys: the first value is kept, the second reported
    Case("duplicate-key", fm("name: A\nname: B\n"), "yaml.duplicate-key", 3, 1, indexed=True,
         message="first defined on line 2"),
    Case("duplicate-key-quoted", fm('name: A\ntier: 1\n"name": B\n'), "yaml.duplicate-key", 4, 1, indexed=True),
    # --- tags: nothing is ever constructed from them
    Case("python-object-apply", fm("name: !!python/object/apply:os.system ['true']\n"), "yaml.tag", 2, 7,
         indexed=True, message="python/object/apply"),
    Case("python-object-new", fm("name: !!python/object/new:os.system ['true']\n"), "yaml.tag", 2, 7, indexed=True),
    Case("python-name", fm("name: !!python/name:os.system\n"), "yaml.tag", 2, 7, indexed=True),
    Case("python-tag-in-list", fm("tags: [a, !!python/name:os.system x]\n"), "yaml.tag", 2, 11, indexed=True),
    Case("python-tag-on-key", fm("? !!python/object/apply:os.system ['true']\n: x\n"), "yaml.tag", 2, 3,
         indexed=True),
    Case("verbatim-python-tag", fm("name: !<tag:yaml.org,2002:python/object/apply:os.system> ['true']\n"),
         "yaml.tag", 2, 7, indexed=True),
    Case("unknown-local-tag", fm("name: !secret ada\n"), "yaml.tag", 2, 7, indexed=True),
    Case("binary-tag", fm("name: !!binary aGVsbG8=\n"), "yaml.tag", 2, 7, indexed=True),
    Case("set-tag", fm("tags: !!set {a, b}\n"), "yaml.tag", 2, 7, indexed=True),
    # --- anchors, aliases, size and depth limits
    Case("alias", fm("name: &n Ada\naliases: *n\n"), "yaml.alias", 3, 10, indexed=True),
    Case("recursive-alias", fm("knows: &k [*k]\n"), "yaml.alias", 2, 12, indexed=True),
    Case("nesting-1000-flow", fm("x: " + "[" * 1000 + "]" * 1000 + "\n"), "yaml.too-deep", 2, None, indexed=True),
    Case("nesting-1000-block", fm("x:\n" + "".join("  " * (i + 1) + "k:\n" for i in range(1000))),
         "yaml.too-deep", None, None, indexed=True),
    Case("nesting-1000-mappings", fm("x: " + "{a: " * 1000 + "1" + "}" * 1000 + "\n"), "yaml.too-deep", 2, None,
         indexed=True),
    Case("25000-values", fm("tags: [" + ", ".join(["a"] * 25_000) + "]\n"), "yaml.too-large", 2, None,
         indexed=True),
    Case("10000-digit-integer", fm("tier: " + "9" * 10_000 + "\n"), "yaml.value", 2, 7, indexed=True),
    # --- values and log entries: the contact stays, the bad part is reported
    Case("tier-word", fm("tier: one\n"), "schema.type", 2, 7, indexed=True),
    Case("phone-as-number", fm("phone: +4915112345678\n"), "schema.yaml-trap", 2, 8, indexed=True),
    Case("impossible-date", fm("met: 2024-02-30\n"), "yaml.value", 2, 6, indexed=True),
    Case("log-unclosed-bracket", (LOG + "- 2026-01-02 Coffee [channel:: call\n").encode(), "log.brackets", 7, None,
         indexed=True),
    Case("log-bracket-bomb", (LOG + "- 2026-01-02 " + "[" * 200_000 + "\n").encode(), "log.brackets", 7, 14,
         indexed=True),
    Case("log-field-bomb", (LOG + "- 2026-01-02 " + "[x:: " * 50_000 + "\n").encode(), "log.brackets", 7, 14,
         indexed=True),
    Case("log-impossible-date", (LOG + "- 2026-02-30 Coffee\n").encode(), "log.date", 7, 3, indexed=True),
    Case("log-unknown-channel", (LOG + "- 2026-01-02 Coffee [channel:: fax]\n").encode(), "log.channel", 7, None,
         indexed=True),
]


@pytest.mark.parametrize("case", [c.param() for c in CASES])
def test_hostile_file(case: Case, hostile_vault: Any, counted: Any) -> None:
    root = hostile_vault({H: case.raw})
    counted.add()
    started = time.perf_counter()
    assert_hostile(root, H, case.code, line=case.line, column=case.column, indexed=case.indexed,
                   message=case.message)
    assert time.perf_counter() - started < 5, "a hostile file must not slow the vault down"


def test_cases_are_many_and_distinct() -> None:
    assert len(CASES) >= 40
    assert len({c.raw for c in CASES}) == len(CASES)


def test_other_commands_survive_every_hostile_file(make_vault: Any) -> None:
    """All hostile files in one vault: every read command still answers for the good part.
    (Cases with a known bug are left out here; their own xfail test tracks them.)"""
    files: dict[str, str | bytes] = {f"contacts/h-{c.id}.md": c.raw for c in CASES if not c.bug}
    from conftest import GOOD

    root = make_vault({**GOOD, **files})  # (the same inputs as above: not counted again)
    code, data, _ = check_json(root)
    assert code == 1
    assert {d["path"] for d in data["diagnostics"] if d["severity"] == "error"} == set(files)
    for args in (["due", "--json", "--within", "400"], ["health", "--json"], ["list", "--json"],
                 ["show", "Ada Lovelace", "--json"]):
        code, out, err = cli(root, *args)
        assert_no_traceback(out, err)
        assert code == 1, (args, err)
        assert "Ada Lovelace" in out
        json.loads(out)


# ------------------------------------------------------------------ special cases


def test_zero_byte_file_is_a_contact_named_after_the_file(hostile_vault: Any, counted: Any) -> None:
    """Decision (docs/reliability.md): a zero-byte .md is a contact with no data, named after
    the file, not an error; Obsidian creates exactly such files for "new note"."""
    root = hostile_vault({"contacts/Empty Person.md": b""})
    counted.add()
    code, data, _ = check_json(root)
    assert code == 0, data
    assert data["errors"] == 0 and data["contacts"] == 3
    code, out, err = cli(root, "show", "Empty Person", "--json")
    assert code == 0 and err == ""
    assert json.loads(out)["name"] == "Empty Person"
    # and `log` can start its log without touching anything else
    code, _, err = cli(root, "log", "Empty Person", "First contact")
    assert code == 0, err
    assert (root / "contacts/Empty Person.md").read_bytes() == b"## Log\n- 2026-06-01 First contact\n"


@pytest.mark.parametrize("raw", [b"\xef\xbb\xbf", b"\n", b"   \n\t\n", b"---\n---\n"],
                         ids=["bom-only", "newline-only", "whitespace-only", "empty-front-matter"])
def test_nearly_empty_files_are_contacts(raw: bytes, hostile_vault: Any, counted: Any) -> None:
    root = hostile_vault({H: raw})
    counted.add()
    code, data, _ = check_json(root)
    assert (code, data["errors"], data["contacts"]) == (0, 0, 3), data
    code, out, _ = cli(root, "show", "hostile", "--json")
    assert code == 0 and json.loads(out)["name"] == "hostile"


PAYLOADS = {
    "os.system": "!!python/object/apply:os.system ['touch {p}']",
    "subprocess": "!!python/object/apply:subprocess.check_call [['touch', '{p}']]",
    "open": "!!python/object/apply:builtins.open ['{p}', 'w']",
    "new-open": "!!python/object/new:builtins.open ['{p}', 'w']",
}


@pytest.mark.parametrize("where", ["value", "list-item", "nested", "key", "config"])
@pytest.mark.parametrize("payload", sorted(PAYLOADS))
def test_python_tags_never_run(payload: str, where: str, hostile_vault: Any, tmp_path: Path,
                               counted: Any) -> None:
    """Each payload would create a file if it were ever constructed: prove it is not."""
    proof = tmp_path / f"pwned-{payload}-{where}"
    tag = PAYLOADS[payload].format(p=proof)
    yaml_text = {
        "value": f"name: {tag}\n",
        "list-item": f"tags:\n  - ok\n  - {tag}\n",
        "nested": f"x:\n  y:\n    - {{z: {tag}}}\n",
        "key": f"? {tag}\n: x\n",
        "config": "",
    }[where]
    files: dict[str, str | bytes] = {H: fm(yaml_text or "name: H\n")}
    if where == "config":
        files["netkit.yaml"] = f"version: 1\npages: {tag}\n"
    root = hostile_vault(files)
    counted.add()
    for args in (["check"], ["list", "--json"], ["due"], ["health", "--json"], ["show", "Ada"],
                 ["log", "Ada", "hi"], ["new", "Zed"]):
        code, out, err = cli(root, *args)
        assert_no_traceback(out, err)
        assert not proof.exists(), f"{args}: the YAML payload ran"
    _, data, _ = check_json(root)
    path = "netkit.yaml" if where == "config" else H
    tagged = diags_for(data, path, "yaml.tag")
    assert tagged and tagged[0]["line"] >= 2 and tagged[0]["column"] >= 1


def billion_laughs(levels: int = 9, width: int = 9) -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    prev = "a"
    for name in "bcdefghijklmnopqrstuvwxyz"[: levels - 1]:
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * width) + "]")
        prev = name
    return "\n".join(lines) + "\n"


def test_billion_laughs_is_refused_fast_and_small(hostile_vault: Any, counted: Any) -> None:
    raw = fm(billion_laughs())
    counted.add()
    cfg = config_mod.default_config()
    tracemalloc.start()
    started = time.perf_counter()
    try:
        contact, diags = contactfile.parse_contact(raw, H, cfg)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed <= 1.0
    assert peak < 20 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"  # 9**9 strings would be gigabytes
    assert contact is not None and {d.code for d in diags} >= {"yaml.alias"}
    root = hostile_vault({H: raw})
    started = time.perf_counter()
    assert_hostile(root, H, "yaml.alias", line=3, column=8, indexed=True)
    assert time.perf_counter() - started <= 2.0


def test_each_alias_is_reported_where_it_is_used(hostile_vault: Any, counted: Any) -> None:
    root = hostile_vault({H: fm("a: &x 1\nb: *x\nc: *x\n")})
    counted.add()
    _, data, _ = check_json(root)
    assert [(d["line"], d["column"]) for d in diags_for(data, H, "yaml.alias")] == [(3, 4), (4, 4)]


def test_tag_on_the_whole_front_matter_is_reported(hostile_vault: Any, tmp_path: Path, counted: Any) -> None:
    proof = tmp_path / "pwned-root"
    root = hostile_vault({H: fm(f"!!python/object/apply:os.system\nargs: ['touch {proof}']\n")})
    counted.add()
    _, data, _ = check_json(root)
    assert not proof.exists()
    assert diags_for(data, H, "yaml.tag"), data["diagnostics"]


def test_merge_key_gets_the_documented_code(hostile_vault: Any, counted: Any) -> None:
    root = hostile_vault({H: fm("name: A\nx:\n  <<: {company: X}\n")})
    counted.add()
    _, data, _ = check_json(root)
    codes = {d["code"] for d in diags_for(data, H)}
    assert "yaml.key" in codes and "yaml.tag" not in codes, codes


def test_twenty_megabyte_file(hostile_vault: Any, counted: Any) -> None:
    raw = fm("name: Big\n", "# Big\n\n" + ("x" * 99 + "\n") * 200_000)
    assert len(raw) > 20_000_000
    root = hostile_vault({H: raw})
    counted.add()
    started = time.perf_counter()
    assert_hostile(root, H, "file.too-large", line=1, column=1)
    assert time.perf_counter() - started < 5


def test_twenty_megabyte_file_reports_its_real_size(hostile_vault: Any) -> None:
    root = hostile_vault({H: fm("name: Big\n", "x" * 20_000_000)})
    _, data, _ = check_json(root)
    assert "20.0 MB" in diags_for(data, H, "file.too-large")[0]["message"]


def test_60k_deep_nesting_does_not_kill_the_process(hostile_vault: Any, counted: Any) -> None:
    # a subprocess: a segfault must fail this test, not kill pytest ({a: nesting crashes too)
    root = hostile_vault({H: fm("x: " + "[" * 60_000 + "1" + "]" * 60_000 + "\n")})
    counted.add()
    proc = run_subprocess(["--vault", str(root), "check", "--format", "json"], timeout=60,
                          stack_bytes=8 * 1024 * 1024)
    assert proc.returncode == 1, (proc.returncode, proc.stderr[-500:])
    data = json.loads(proc.stdout)
    assert diags_for(data, H, "yaml.too-deep") and data["contacts"] >= len(GOOD_PATHS)


def test_terminal_escapes_in_a_file_are_not_echoed(hostile_vault: Any, counted: Any) -> None:
    root = hostile_vault({H: fm("name: A\x1b]0;owned\x07\x1b[2J\n")})
    counted.add()
    code, out, err = cli(root, "check")
    assert code == 1 and f"{H}:2:" in out
    assert "\x1b" not in out + err
