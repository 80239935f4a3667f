"""`netkit new` and `netkit log` through the CLI: exact bytes, refusals, safety."""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
from conftest import insertion
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netkit import fileio

TODAY = "2026-06-01"

#: the conftest fixtures' types
VaultFactory = Callable[[Mapping[str, "str | bytes"]], Path]
Runner = Callable[..., tuple[int, str, str]]
ADA = "---\nname: Ada Lovelace\ntier: 1\n---\n# Ada Lovelace\n\nNotes.\n\n## Log\n- 2026-05-01 Coffee [channel:: in-person]\n"


@pytest.fixture
def log_cli(run_cli: Runner) -> Runner:
    """``log_cli(root, *args)``: ``netkit --vault root --today 2026-06-01 log *args``."""

    def run(root: Path, *args: str) -> tuple[int, str, str]:
        return run_cli(["--vault", str(root), "--today", TODAY, "log", *args])

    return run


@pytest.fixture
def new_cli(run_cli: Runner) -> Runner:
    """``new_cli(root, *args)``: ``netkit --vault root --today 2026-06-01 new *args``."""

    def run(root: Path, *args: str) -> tuple[int, str, str]:
        return run_cli(["--vault", str(root), "--today", TODAY, "new", *args])

    return run



def no_temp_files(folder: Path) -> bool:
    return not [p for p in folder.iterdir() if p.name.startswith(fileio.TEMP_PREFIX)]


# ============================================================ netkit log: exact bytes


def test_log_appends_after_last_entry(make_vault: VaultFactory, log_cli: Runner) -> None:
    root = make_vault({"contacts/ada.md": ADA})
    code, out, err = log_cli(root, "Ada", "Lunch at the fair", "--channel", "in-person", "--by", "me")
    assert (code, err) == (0, "")
    expected = ADA + "- 2026-06-01 Lunch at the fair [channel:: in-person] [by:: me]\n"
    assert (root / "contacts/ada.md").read_bytes() == expected.encode()
    assert out == ("Appended to contacts/ada.md (Ada Lovelace):\n"
                   "- 2026-06-01 Lunch at the fair [channel:: in-person] [by:: me]\n")


def test_log_all_options_and_wikilink(make_vault: VaultFactory, log_cli: Runner, run_cli: Runner) -> None:
    root = make_vault({"contacts/ada.md": ADA})
    code, out, _ = log_cli(root, "ada", "Coffee at the conference", "--date", "2026-05-20", "--channel", "Call",
                           "--by", "them", "--gave", "intro to [[Bob Smith]]", "--got", "advice", "--reply", "YES")
    assert code == 0
    line = ("- 2026-05-20 Coffee at the conference [channel:: call] [by:: them] "
            "[gave:: intro to [[Bob Smith]]] [got:: advice] [reply:: yes]\n")
    assert (root / "contacts/ada.md").read_text() == ADA + line
    code, out, _ = run_cli(["--vault", str(root), "--today", TODAY, "show", "ada", "--json"])
    last = json.loads(out)["log"][-1]
    assert (last["gave"], last["reply"], last["channel"]) == ("intro to [[Bob Smith]]", "yes", "call")


def test_log_crlf_file_byte_for_byte(make_vault: VaultFactory, log_cli: Runner) -> None:
    old = (b"---\r\nname: Ada Lovelace\r\n# a comment\r\ntags: [ 'x' ]\r\n---\r\n# Ada\r\n\r\n"
           b"## Log\r\n- 2026-05-01 Coffee\r\n\r\n## Notes\r\nkeep me\r\n")
    root = make_vault({"contacts/ada.md": old})
    code, _, _ = log_cli(root, "Ada", "Call", "--channel", "call")
    assert code == 0
    assert (root / "contacts/ada.md").read_bytes() == (
        b"---\r\nname: Ada Lovelace\r\n# a comment\r\ntags: [ 'x' ]\r\n---\r\n# Ada\r\n\r\n"
        b"## Log\r\n- 2026-05-01 Coffee\r\n- 2026-06-01 Call [channel:: call]\r\n\r\n## Notes\r\nkeep me\r\n"
    )


def test_log_bom_file_byte_for_byte(make_vault: VaultFactory, log_cli: Runner) -> None:
    old = b"\xef\xbb\xbf---\nname: Ada Lovelace\n---\n## Log\n- 2026-05-01 Coffee\n"
    root = make_vault({"contacts/ada.md": old})
    code, _, _ = log_cli(root, "Ada", "Call")
    assert code == 0
    assert (root / "contacts/ada.md").read_bytes() == (
        b"\xef\xbb\xbf---\nname: Ada Lovelace\n---\n## Log\n- 2026-05-01 Coffee\n- 2026-06-01 Call\n"
    )


def test_log_bom_crlf_without_log_heading(make_vault: VaultFactory, log_cli: Runner) -> None:
    old = b"\xef\xbb\xbf---\r\nname: Ada Lovelace\r\n---\r\n# Ada\r\n\r\nNotes.\r\n"
    root = make_vault({"contacts/ada.md": old})
    code, _, _ = log_cli(root, "Ada", "Call")
    assert code == 0
    assert (root / "contacts/ada.md").read_bytes() == old + b"\r\n## Log\r\n- 2026-06-01 Call\r\n"


def test_log_creates_heading_when_absent(make_vault: VaultFactory, log_cli: Runner) -> None:
    old = b"---\nname: Ada Lovelace\n---\n# Ada\n\n- 2026-01-01 an item that is not a log entry\n"
    root = make_vault({"contacts/ada.md": old})
    code, _, _ = log_cli(root, "Ada", "First touch", "--by", "me")
    assert code == 0
    assert (root / "contacts/ada.md").read_bytes() == old + b"\n## Log\n- 2026-06-01 First touch [by:: me]\n"


def test_log_uses_the_configured_heading(make_vault: VaultFactory, log_cli: Runner) -> None:
    old = b"---\nname: Ada Lovelace\n---\n# Ada\n"
    root = make_vault({"netkit.yaml": "version: 1\nlog_heading: Touchpoints\n", "contacts/ada.md": old})
    code, _, _ = log_cli(root, "Ada", "Call")
    assert code == 0
    assert (root / "contacts/ada.md").read_bytes() == old + b"\n## Touchpoints\n- 2026-06-01 Call\n"


def test_log_last_line_without_newline_in_log(make_vault: VaultFactory, log_cli: Runner) -> None:
    old = b"---\nname: Ada Lovelace\n---\n## Log\n- 2026-05-01 Coffee"
    root = make_vault({"contacts/ada.md": old})
    code, _, _ = log_cli(root, "Ada", "Call")
    assert code == 0
    # the old last line gets its newline; the new last line has none, like the old one
    assert (root / "contacts/ada.md").read_bytes() == old + b"\n- 2026-06-01 Call"


def test_log_last_line_without_newline_no_heading_crlf(make_vault: VaultFactory, log_cli: Runner) -> None:
    old = b"---\r\nname: Ada Lovelace\r\n---\r\nNotes."
    root = make_vault({"contacts/ada.md": old})
    code, _, _ = log_cli(root, "Ada", "Call")
    assert code == 0
    assert (root / "contacts/ada.md").read_bytes() == old + b"\r\n\r\n## Log\r\n- 2026-06-01 Call"


def test_log_front_matter_only_file(make_vault: VaultFactory, log_cli: Runner) -> None:
    old = b"---\nname: Ada Lovelace\n---\n"
    root = make_vault({"contacts/ada.md": old})
    assert log_cli(root, "Ada", "Call")[0] == 0
    assert (root / "contacts/ada.md").read_bytes() == old + b"\n## Log\n- 2026-06-01 Call\n"


def test_log_goes_before_blank_lines_and_next_heading(make_vault: VaultFactory, log_cli: Runner) -> None:
    old = b"## Log\n- 2026-05-01 a\n- not an entry\n\n\n# Next\n"
    root = make_vault({"contacts/ada.md": old})
    assert log_cli(root, "ada", "b")[0] == 0
    assert (root / "contacts/ada.md").read_bytes() == b"## Log\n- 2026-05-01 a\n- not an entry\n- 2026-06-01 b\n\n\n# Next\n"


def test_log_text_is_collapsed_to_one_line(make_vault: VaultFactory, log_cli: Runner) -> None:
    root = make_vault({"contacts/ada.md": ADA})
    code, out, _ = log_cli(root, "Ada", "two\nlines\r\n  here")
    assert code == 0
    assert (root / "contacts/ada.md").read_text().endswith("- 2026-06-01 two lines here\n")


def test_log_keeps_permissions_and_leaves_no_temp_or_lock(make_vault: VaultFactory, log_cli: Runner) -> None:
    root = make_vault({"contacts/ada.md": ADA})
    os.chmod(root / "contacts/ada.md", 0o640)
    assert log_cli(root, "Ada", "Call")[0] == 0
    assert (root / "contacts/ada.md").stat().st_mode & 0o777 == 0o640
    assert no_temp_files(root / "contacts")
    assert not (root / ".netkit" / "lock").exists()


# ============================================================== netkit log: dates


def test_log_default_date_is_today_option_after_command(make_vault: VaultFactory, run_cli: Runner) -> None:
    root = make_vault({"contacts/ada.md": ADA})
    code, _, _ = run_cli(["log", "Ada", "Call", "--vault", str(root), "--today", "2027-02-03"])
    assert code == 0
    assert (root / "contacts/ada.md").read_text().endswith("- 2027-02-03 Call\n")


def test_log_future_date_is_planned(make_vault: VaultFactory, log_cli: Runner, run_cli: Runner) -> None:
    root = make_vault({"contacts/ada.md": ADA})
    code, out, _ = log_cli(root, "Ada", "Dinner planned", "--date", "2026-06-15")
    assert code == 0
    assert "Planned touchpoint, 14 d from today" in out
    # tier 1 (30d) after 2026-05-01 is due 2026-05-31; the plan inside the window covers it
    code, out, _ = run_cli(["--vault", str(root), "--today", TODAY, "due", "--json"])
    assert (code, json.loads(out)) == (0, [])
    code, out, _ = run_cli(["--vault", str(root), "--today", TODAY, "show", "Ada", "--json"])
    data = json.loads(out)
    assert data["next_due"] == "2026-06-15" and data["planned"]["text"] == "Dinner planned"


def test_log_past_date_makes_contact_not_due(make_vault: VaultFactory, log_cli: Runner, run_cli: Runner) -> None:
    root = make_vault({"contacts/ada.md": ADA})
    code, out, _ = run_cli(["--vault", str(root), "--today", TODAY, "due", "--json"])
    assert [i["name"] for i in json.loads(out)] == ["Ada Lovelace"]
    assert log_cli(root, "Ada", "Call", "--date", "2026-05-30")[0] == 0
    code, out, _ = run_cli(["--vault", str(root), "--today", TODAY, "due", "--json"])
    assert json.loads(out) == []


@pytest.mark.parametrize("bad", ["2026-13-01", "01/06/2026", "20260601", "tomorrow", ""])
def test_log_bad_date_is_usage_error(make_vault: VaultFactory, bad: str, log_cli: Runner) -> None:
    root = make_vault({"contacts/ada.md": ADA})
    code, out, err = log_cli(root, "Ada", "Call", "--date", bad)
    assert code == 2
    assert "--date" in err and "Traceback" not in err
    assert (root / "contacts/ada.md").read_text() == ADA


# ============================================================ netkit log: refusals


@pytest.mark.parametrize(("option", "value"), [("--channel", "fax"), ("--by", "you"), ("--reply", "maybe")])
def test_log_choices_are_validated(make_vault: VaultFactory, option: str, value: str, log_cli: Runner) -> None:
    root = make_vault({"contacts/ada.md": ADA})
    code, _, err = log_cli(root, "Ada", "Call", option, value)
    assert code == 2
    assert option in err and value in err
    assert (root / "contacts/ada.md").read_text() == ADA


def test_log_refuses_a_file_with_log_errors(make_vault: VaultFactory, log_cli: Runner) -> None:
    bad = ADA + "- 2026-05-02 Lunch [channel:: fax]\n"
    root = make_vault({"contacts/ada.md": bad})
    code, out, err = log_cli(root, "Ada", "Call")
    assert code == 1
    assert out == ""
    assert "contacts/ada.md:11:20: error[log.channel]" in err
    assert "has 1 error(s); fix them first" in err and "nothing written" in err
    assert (root / "contacts/ada.md").read_text() == bad


def test_log_refuses_a_file_with_front_matter_errors(make_vault: VaultFactory, log_cli: Runner) -> None:
    bad = ADA.replace("tier: 1", "tier: many")
    root = make_vault({"contacts/ada.md": bad})
    code, _, err = log_cli(root, "Ada", "Call")
    assert code == 1
    assert "error[schema.type]" in err
    assert (root / "contacts/ada.md").read_text() == bad


def test_log_refuses_unparsable_file_found_by_stem(make_vault: VaultFactory, log_cli: Runner) -> None:
    bad = "---\nname: Ada\n"  # front matter never closed: not a contact at all
    root = make_vault({"contacts/ada.md": bad})
    code, _, err = log_cli(root, "ada", "Call")
    assert code == 1
    assert "frontmatter.unterminated" in err and "could not be read as a contact" in err
    assert (root / "contacts/ada.md").read_text() == bad


def test_log_writes_when_other_files_have_errors_but_exits_1(make_vault: VaultFactory, log_cli: Runner) -> None:
    root = make_vault({"contacts/ada.md": ADA, "contacts/bob.md": "---\ntier: x\n---\n"})
    code, out, err = log_cli(root, "Ada", "Call")
    assert code == 1
    assert out.startswith("Appended to contacts/ada.md")
    assert "contacts/bob.md" in err and "1 error(s) in the vault" in err
    assert (root / "contacts/ada.md").read_text() == ADA + "- 2026-06-01 Call\n"


@pytest.mark.parametrize(("args", "needle"), [
    (("Call [draft",), "log.brackets"),
    (("Call ] oops",), "log.brackets"),
    (("Call [channel:: fax]",), "log.channel"),
    (("Call", "--gave", "intro [[Bob"), "log.brackets"),
])
def test_log_refuses_text_that_would_make_a_bad_entry(make_vault: VaultFactory, args: tuple[str, ...],
                                                      needle: str, log_cli: Runner) -> None:
    root = make_vault({"contacts/ada.md": ADA})
    code, out, err = log_cli(root, "Ada", *args)
    assert code == 2
    assert needle in err and "nothing written" in err
    assert (root / "contacts/ada.md").read_text() == ADA


def test_log_empty_text_is_usage_error(make_vault: VaultFactory, log_cli: Runner) -> None:
    root = make_vault({"contacts/ada.md": ADA})
    code, _, err = log_cli(root, "Ada", "  \n ")
    assert code == 2 and "TEXT must not be empty" in err


def test_log_unknown_name_suggests(make_vault: VaultFactory, log_cli: Runner) -> None:
    root = make_vault({"contacts/ada.md": ADA})
    code, out, err = log_cli(root, "Ada Lovelase", "Call")
    assert code == 2
    assert "did you mean `Ada Lovelace`?" in err
    assert (root / "contacts/ada.md").read_text() == ADA


def test_log_ambiguous_name_writes_nothing(make_vault: VaultFactory, log_cli: Runner) -> None:
    ann = "---\nname: Ada Byron\n---\n"
    root = make_vault({"contacts/ada.md": ADA, "contacts/ann.md": ann})
    code, _, err = log_cli(root, "ada", "Call")
    # "ada" is the file stem of contacts/ada.md: an exact match wins over the prefix match
    assert code == 0
    code, _, err = log_cli(root, "Ad", "Call again")
    assert code == 2
    assert "matches 2 contacts" in err and "Ada Byron  (contacts/ann.md)" in err
    assert (root / "contacts/ann.md").read_text() == ann


def test_log_file_changed_since_read(make_vault: VaultFactory, monkeypatch: pytest.MonkeyPatch, log_cli: Runner) -> None:
    root = make_vault({"contacts/ada.md": ADA})
    target = root / "contacts/ada.md"
    real_read = fileio.read_with_fingerprint
    edited = ADA + "- 2026-05-31 typed in the editor meanwhile\n"

    def read_then_user_saves(path: str | os.PathLike[str]) -> tuple[bytes, fileio.Fingerprint]:
        result = real_read(path)
        target.write_text(edited)  # the user saves in their editor right after our read
        return result

    monkeypatch.setattr(fileio, "read_with_fingerprint", read_then_user_saves)
    code, out, err = log_cli(root, "Ada", "Call")
    assert code == 1
    assert "changed since it was read" in err and "nothing written" in err
    assert target.read_text() == edited
    assert no_temp_files(root / "contacts")
    assert not (root / ".netkit" / "lock").exists()


def test_log_refuses_when_vault_is_locked(make_vault: VaultFactory, log_cli: Runner,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from netkit.commands import log as log_cmd

    monkeypatch.setattr(log_cmd, "LOCK_WAIT", 0.0)
    root = make_vault({"contacts/ada.md": ADA})
    lock = root / ".netkit" / "lock"
    lock.parent.mkdir()
    held = json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "started": time.time()})
    lock.write_text(held)
    code, _, err = log_cli(root, "Ada", "Call")
    assert code == 1
    assert "vault lock" in err and "nothing written" in err
    assert (root / "contacts/ada.md").read_text() == ADA
    assert lock.read_text() == held  # someone else's lock is left alone


def test_log_takes_over_an_abandoned_lock(make_vault: VaultFactory, log_cli: Runner) -> None:
    root = make_vault({"contacts/ada.md": ADA})
    lock = root / ".netkit" / "lock"
    lock.parent.mkdir()
    lock.write_text(json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "started": time.time() - 86400}))
    assert log_cli(root, "Ada", "Call")[0] == 0
    assert (root / "contacts/ada.md").read_text() == ADA + "- 2026-06-01 Call\n"
    assert not lock.exists()


def test_new_refuses_when_vault_is_locked(make_vault: VaultFactory, new_cli: Runner,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from netkit.commands import new as new_cmd

    monkeypatch.setattr(new_cmd, "LOCK_WAIT", 0.0)
    root = make_vault({})
    (root / ".netkit").mkdir()
    (root / ".netkit" / "lock").write_text(
        json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "started": time.time()}))
    code, out, err = new_cli(root, "Ada Lovelace")
    assert (code, out) == (1, "")
    assert "vault lock" in err and "nothing written" in err
    assert list((root / "contacts").iterdir()) == []


def test_log_no_vault_is_usage_error(tmp_path: Path, run_cli: Runner) -> None:
    code, _, err = run_cli(["--vault", str(tmp_path), "log", "Ada", "Call"])
    assert code == 2 and "not a netkit vault" in err


# ================================================= netkit log: only bytes are added

_BLOCKS = [
    "# Ada", "## Log", "### log", "## Log ##", "## Notes", "# Other", "##", "Some prose.", "",
    "- an item", "- 2026-01-02 Lunch [channel:: call]", "* 2025-12-31 Old [gave:: intro to [[Bob Smith]]]",
    "```", "```python", "````", "~~~", "    indented code", "> quote", "  - nested item",
    "Text with ümlauts and 中文", "---", "- [ ] a task", "\t- tabbed",
]
_FRONTS = ["", "---\nname: Ada\n---\n", "---\nname: Ada\ntier: 1\n# a YAML comment\naliases: [A]\n---\n"]


@st.composite
def contact_files(draw: st.DrawFn) -> bytes:
    """Arbitrary but valid contact files: LF or CRLF, BOM or not, final newline or not."""
    nl = draw(st.sampled_from(["\n", "\r\n"]))
    lines = draw(st.sampled_from(_FRONTS)).splitlines()
    body = draw(st.lists(st.sampled_from(_BLOCKS), max_size=12))
    if not lines and body[:1] == ["---"]:
        body.insert(0, "Intro.")  # a first line `---` would open a front matter
    lines += body
    final_newline: bool = draw(st.booleans())
    bom: bool = draw(st.booleans())
    text = nl.join(lines) + (nl if lines and final_newline else "")
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


# make_vault and log_cli are plain factories (a new vault folder per call), so sharing them
# across Hypothesis examples is safe
_SHARED_FIXTURES = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]


@settings(max_examples=150, deadline=None, suppress_health_check=_SHARED_FIXTURES)
@given(old=contact_files(), text=st.text(st.characters(codec="utf-8"), min_size=1, max_size=20),
       date=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 12, 31)))
def test_log_only_inserts_bytes(old: bytes, text: str, date: dt.date, make_vault: VaultFactory,
                                log_cli: Runner) -> None:
    root = make_vault({"contacts/ada.md": old})
    # `--`: a TEXT such as "-0" is not an option
    code, out, err = log_cli(root, "--date", str(date), "--channel", "email", "--", "ada", text)
    new = (root / "contacts/ada.md").read_bytes()
    if code != 0:
        # only the user's text may be refused (brackets / inline fields in it), never the file
        assert code == 2, err
        assert "would not be a valid log entry" in err or "TEXT must not be empty" in err, err
        assert new == old
        return
    _, added = insertion(old, new)
    entry = out.splitlines()[1].encode("utf-8")
    assert entry.startswith(f"- {date} ".encode())
    assert entry in added
    assert added.replace(b"\r\n", b"\n").count(b"\n") <= 4  # the entry, maybe a heading, a separator


@settings(max_examples=60, deadline=None, suppress_health_check=_SHARED_FIXTURES)
@given(old=contact_files())
def test_log_plain_text_is_never_refused(old: bytes, make_vault: VaultFactory, log_cli: Runner) -> None:
    root = make_vault({"contacts/ada.md": old})
    code, out, err = log_cli(root, "ada", "Coffee with Bob", "--by", "me")
    assert code == 0, err
    _, added = insertion(old, (root / "contacts/ada.md").read_bytes())
    assert b"- 2026-06-01 Coffee with Bob [by:: me]" in added


# ===================================================================== netkit new


def test_new_creates_expected_file(make_vault: VaultFactory, monkeypatch: pytest.MonkeyPatch, run_cli: Runner) -> None:
    root = make_vault({})
    monkeypatch.chdir(root)
    code, out, err = run_cli(["--today", TODAY, "new", "Ada Lovelace", "--tier", "1", "--tag", "mentor",
                              "--tag", "#analytics"])
    assert (code, err) == (0, "")
    assert out == "Created contacts/ada-lovelace.md\n"
    target = root / "contacts" / "ada-lovelace.md"
    assert target.read_text() == (
        "---\nname: Ada Lovelace\ntier: 1\ntags:\n  - mentor\n  - analytics\nstatus: active\n"
        "met: 2026-06-01\n---\n# Ada Lovelace\n\n## Log\n"
    )
    assert run_cli(["--vault", str(root), "check", "--strict"])[0] == 0
    assert no_temp_files(root / "contacts") and not (root / ".netkit" / "lock").exists()


def test_new_prints_absolute_path_outside_the_working_directory(
        make_vault: VaultFactory, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, new_cli: Runner) -> None:
    root = make_vault({})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    code, out, _ = new_cli(root, "Ada Lovelace")
    assert code == 0
    assert out == f"Created {root / 'contacts' / 'ada-lovelace.md'}\n"


def test_new_then_log_then_show(make_vault: VaultFactory, log_cli: Runner, new_cli: Runner, run_cli: Runner) -> None:
    root = make_vault({})
    assert new_cli(root, "José Álvarez")[0] == 0
    assert (root / "contacts" / "jose-alvarez.md").exists()
    assert log_cli(root, "jose", "Call")[0] == 0
    code, out, _ = run_cli(["--vault", str(root), "--today", TODAY, "show", "Jose Alvarez", "--json"])
    data = json.loads(out)
    assert data["name"] == "José Álvarez" and data["tier"] == 3
    assert [e["text"] for e in data["log"]] == ["Call"]


def test_new_slug_is_safe(make_vault: VaultFactory, new_cli: Runner) -> None:
    root = make_vault({})
    code, out, _ = new_cli(root, "../../etc/passwd")
    assert code == 0
    created = [p.name for p in (root / "contacts").iterdir()]
    assert created == ["etc-passwd.md"]
    assert not (root.parent / "etc").exists()


def test_new_refuses_existing_name(make_vault: VaultFactory, new_cli: Runner) -> None:
    root = make_vault({"contacts/ada.md": ADA})
    code, out, err = new_cli(root, "ada lovelace")
    assert code == 1
    assert "already exists: contacts/ada.md" in err
    assert sorted(p.name for p in (root / "contacts").iterdir()) == ["ada.md"]


def test_new_refuses_existing_alias(make_vault: VaultFactory, new_cli: Runner) -> None:
    root = make_vault({"contacts/ada.md": "---\nname: Ada Lovelace\naliases: [Countess Lovelace]\n---\n"})
    code, _, err = new_cli(root, "Countess Lovelace")
    assert code == 1 and "contacts/ada.md" in err
    assert not (root / "contacts" / "countess-lovelace.md").exists()


def test_new_refuses_same_file_stem_elsewhere(make_vault: VaultFactory, new_cli: Runner) -> None:
    root = make_vault({"contacts/work/ada-lovelace.md": "---\nname: A. L.\n---\n"})
    code, _, err = new_cli(root, "Ada Lovelace")
    assert code == 1 and "contacts/work/ada-lovelace.md" in err
    assert not (root / "contacts" / "ada-lovelace.md").exists()


def test_new_never_overwrites_an_unreadable_file(make_vault: VaultFactory, new_cli: Runner) -> None:
    broken = b"---\nname: [unclosed\n---\n"
    root = make_vault({"contacts/ada-lovelace.md": broken})
    code, out, err = new_cli(root, "Ada Lovelace")
    assert code == 1
    assert "already exists" in err and "never overwrites" in err
    assert (root / "contacts/ada-lovelace.md").read_bytes() == broken
    assert no_temp_files(root / "contacts")


def test_new_bad_tier_and_empty_name(make_vault: VaultFactory, new_cli: Runner) -> None:
    root = make_vault({})
    code, _, err = new_cli(root, "Ada", "--tier", "9")
    assert code == 2 and "tier 9 is not defined" in err
    code, _, err = new_cli(root, "   ")
    assert code == 2 and "must not be empty" in err
    code, _, err = new_cli(root, "Ada", "--tier", "one")
    assert code == 2
    assert list((root / "contacts").iterdir()) == []


def test_new_uses_first_contacts_folder_and_creates_it(make_vault: VaultFactory, new_cli: Runner) -> None:
    root = make_vault({"netkit.yaml": "version: 1\ncontacts: [people, archive]\n"})
    (root / "archive").mkdir()
    code, out, _ = new_cli(root, "Grace Hopper", "--tier", "2")
    assert code == 0
    assert (root / "people" / "grace-hopper.md").is_file()


def test_new_quotes_yaml_traps(make_vault: VaultFactory, new_cli: Runner, run_cli: Runner) -> None:
    root = make_vault({})
    assert new_cli(root, "No")[0] == 0
    code, out, _ = run_cli(["--vault", str(root), "show", "no", "--json"])
    assert json.loads(out)["name"] == "No"
