"""Hostile names and links: symlinks out of the vault and in loops, FIFOs, look-alike file
names (NFC/NFD, case), and names like ``../../x`` or ``CON`` given to ``netkit new`` or
written as ``name:`` values. Nothing outside the vault is ever read into the index or
written, and every case ends in a positioned diagnostic or a clean, indexed contact.
"""

from __future__ import annotations

import hashlib
import json
import os
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    GOOD,
    assert_hostile,
    assert_no_traceback,
    check_json,
    cli,
    diags_for,
    run_subprocess,
)

from netkit import logwriter

SECRET = "---\nname: Mallory Outside\n---\nsecret notes\n"


def snapshot(folder: Path) -> dict[str, str]:
    """Every file and link under ``folder`` (recursively) -> a digest or link target."""
    out: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        for name in dirnames + filenames:
            full = os.path.join(dirpath, name)
            rel = os.path.relpath(full, folder)
            if os.path.islink(full):
                out[rel] = "link:" + os.readlink(full)
            elif os.path.isfile(full):
                with open(full, "rb") as fh:
                    out[rel] = hashlib.sha256(fh.read()).hexdigest()
            elif os.path.isdir(full):
                out[rel] = "dir"
    return out


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder next to the vaults, holding a contact-like file that must never be read."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.md").write_text(SECRET)
    return folder


# ------------------------------------------------------------------------ symlinks


@pytest.mark.parametrize("target", ["outside-file", "etc-passwd", "outside-relative"])
def test_symlink_out_of_the_vault_is_skipped(target: str, hostile_vault: Any, outside: Path,
                                             counted: Any) -> None:
    root = hostile_vault({})
    link = root / "contacts/link.md"
    dest = {"outside-file": str(outside / "secret.md"), "etc-passwd": "/etc/passwd",
            "outside-relative": os.path.relpath(outside / "secret.md", link.parent)}[target]
    link.symlink_to(dest)
    counted.add()
    assert_hostile(root, "contacts/link.md", "file.symlink-outside", line=1, column=1, strict=True)
    for args in (["list", "--json"], ["show", "Mallory"], ["check"]):
        _, out, err = cli(root, *args)
        assert "Mallory" not in out.replace("`Mallory`", "") and "root:" not in out


@pytest.mark.parametrize("shape", ["two-file-loop", "self-loop", "dangling", "chain-into-loop"])
def test_symlink_loops_and_dangling_links(shape: str, hostile_vault: Any, counted: Any) -> None:
    root = hostile_vault({})
    c = root / "contacts"
    if shape == "two-file-loop":
        (c / "a.md").symlink_to("b.md")
        (c / "b.md").symlink_to("a.md")
    elif shape == "self-loop":
        (c / "a.md").symlink_to("a.md")
    elif shape == "dangling":
        (c / "a.md").symlink_to("missing.md")
    else:
        (c / "a.md").symlink_to("b.md")
        (c / "b.md").symlink_to("c.md")
        (c / "c.md").symlink_to("b.md")
    counted.add()
    assert_hostile(root, "contacts/a.md", "file.broken-link", line=1, column=1, strict=True)


def test_directory_symlink_loops_and_links_out_are_not_followed(hostile_vault: Any, outside: Path,
                                                                counted: Any) -> None:
    root = hostile_vault({})
    c = root / "contacts"
    (c / "self").symlink_to(".")
    (c / "up").symlink_to("..")
    (c / "root").symlink_to("/")
    (c / "ext").symlink_to(outside)
    counted.add(4)
    code, data, _ = check_json(root, "--strict")
    assert code == 0 and data["contacts"] == len(GOOD), data
    _, out, _ = cli(root, "list", "--json")
    assert sorted(c["path"] for c in json.loads(out)) == sorted(GOOD)


def test_symlink_inside_the_vault_is_followed(hostile_vault: Any, counted: Any) -> None:
    root = hostile_vault({"people/zoe.md": "---\nname: Zoe\n---\n"})
    (root / "contacts/zoe.md").symlink_to("../people/zoe.md")
    counted.add()
    code, data, _ = check_json(root, "--strict")
    assert code == 0 and data["contacts"] == 3


def test_fifo_does_not_hang_the_index(hostile_vault: Any, counted: Any) -> None:
    root = hostile_vault({})
    os.mkfifo(root / "contacts/pipe.md")
    counted.add()
    proc = run_subprocess(["--vault", str(root), "check", "--format", "json"], timeout=10)
    data = json.loads(proc.stdout)
    assert proc.returncode == 1 and diags_for(data, "contacts/pipe.md")
    assert data["contacts"] == len(GOOD)


def test_directory_named_like_a_contact(hostile_vault: Any, counted: Any) -> None:
    root = hostile_vault({"contacts/folder.md/inner.md": "---\nname: Inner\n---\n"})
    counted.add()
    code, data, _ = check_json(root)
    assert code == 0 and data["contacts"] == 3


def test_unreadable_file(hostile_vault: Any, monkeypatch: pytest.MonkeyPatch, counted: Any) -> None:
    """Tests run as root, so chmod cannot make a file unreadable: make every way of opening
    it (builtins.open, io.open, os.open) refuse it."""
    import builtins
    import io

    root = hostile_vault({"contacts/locked.md": "---\nname: Locked\n---\n"})

    def guard(real: Any) -> Any:
        def guarded(file: Any, *args: Any, **kwargs: Any) -> Any:
            if isinstance(file, (str, os.PathLike)) and os.fspath(file).endswith("locked.md"):
                raise PermissionError(13, "Permission denied", os.fspath(file))
            return real(file, *args, **kwargs)
        return guarded

    monkeypatch.setattr(builtins, "open", guard(builtins.open))
    monkeypatch.setattr(io, "open", guard(io.open))
    monkeypatch.setattr(os, "open", guard(os.open))
    counted.add()
    assert_hostile(root, "contacts/locked.md", "file.unreadable", line=1, column=1, message="Permission denied")


# ------------------------------------------------------------ look-alike file names


def test_nfc_and_nfd_file_names_are_two_reported_contacts(hostile_vault: Any, counted: Any) -> None:
    nfc = unicodedata.normalize("NFC", "José")
    nfd = unicodedata.normalize("NFD", "José")
    assert nfc != nfd
    root = hostile_vault({f"contacts/{nfc}.md": "", f"contacts/{nfd}.md": ""})
    counted.add()
    code, data, _ = check_json(root)
    assert code == 0 and data["contacts"] == 4
    dup = diags_for(assert_hostile_dup(root), f"contacts/{nfc}.md", "index.duplicate-name")
    assert dup and (dup[0]["line"], dup[0]["column"]) == (1, 1)


def assert_hostile_dup(root: Path) -> dict[str, Any]:
    code, data, _ = check_json(root, "--strict")
    assert code == 1
    assert len([d for d in data["diagnostics"] if d["code"] == "index.duplicate-name"]) == 2
    return data


def test_case_variant_file_names(hostile_vault: Any, counted: Any) -> None:
    root = hostile_vault({"contacts/Bob.md": "---\ntier: 1\n---\n", "contacts/bob.md": "---\ntier: 2\n---\n"})
    counted.add()
    data = assert_hostile_dup(root)
    assert data["contacts"] == 4
    # an ambiguous NAME is a usage error naming both files, never a guess
    code, _, err = cli(root, "log", "bob", "Coffee")
    assert code == 2 and "contacts/Bob.md" in err and "contacts/bob.md" in err
    assert (root / "contacts/bob.md").read_text() == "---\ntier: 2\n---\n"


def test_nfc_nfd_names_in_front_matter(hostile_vault: Any, counted: Any) -> None:
    root = hostile_vault({
        "contacts/j1.md": "---\nname: " + unicodedata.normalize("NFC", "Zoë Ångström") + "\n---\n",
        "contacts/j2.md": "---\nname: " + unicodedata.normalize("NFD", "Zoë Ångström") + "\n---\n",
    })
    counted.add()
    data = assert_hostile_dup(root)
    assert data["contacts"] == 4


@pytest.mark.parametrize("stem", ["CON", "a:b", "x" * 240, "-rf", " spaced ", "new\nline", "tab\there",
                                  "esc\x1b[31m", "\u202eevil", "🙂", "日本語の名前"])
def test_hostile_file_names_are_indexed(stem: str, hostile_vault: Any, counted: Any) -> None:
    root = hostile_vault({f"contacts/{stem}.md": "---\ntier: 2\n---\n"})
    counted.add()
    code, data, _ = check_json(root)
    assert code == 0 and data["contacts"] == 3, data
    _, out, _ = cli(root, "list", "--json")
    assert f"contacts/{stem}.md" in {c["path"] for c in json.loads(out)}


# ------------------------------------------------------------------ name: values

NAME_VALUES = ["../../x", "/etc/passwd", "CON", "a:b", "x" * 300, "", "..", "<script>alert(1)</script>",
               "[[Ada Lovelace]]", "{{ 7*7 }}", "{% include '../../etc/passwd' %}", "%s%n", "\u202eevil", "🙂"]


@pytest.mark.parametrize("value", NAME_VALUES, ids=[f"name-{i}" for i in range(len(NAME_VALUES))])
def test_hostile_name_values_are_plain_names(value: str, hostile_vault: Any, counted: Any) -> None:
    quoted = json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar
    root = hostile_vault({"contacts/odd.md": f"---\nname: {quoted}\ntier: 2\n---\n"})
    counted.add()
    before = snapshot(root.parent)
    code, data, _ = check_json(root)
    assert data["errors"] == 0 and data["contacts"] == 3, data
    code, out, err = cli(root, "show", "odd", "--json")
    assert_no_traceback(out, err)
    assert code == 0 and json.loads(out)["name"] == (value or "odd")
    for args in (["list", "--json"], ["due", "--json", "--within", "400"], ["health", "--json"]):
        code, out, err = cli(root, *args)
        assert_no_traceback(out, err)
        assert code == 0
        json.loads(out)
    assert snapshot(root.parent) == before, "a read command wrote something"


# ------------------------------------------------------------------ netkit new NAME

NEW_NAMES = ["../../x", "../../../../../../tmp/evil", "/etc/passwd", "CON", "con.txt", "nul", "LPT1", "a:b",
             "x" * 300, "é" * 300, "日" * 300, "", " ", "\t\n", "..", ".", "...", ".hidden", "a/b", "a\\b",
             "x\ny", "x\x00y", "esc\x1b[31mred", "\u202eevil", "🙂", "-rf", "[[Ada]]", "#tag", "*?<>|",
             "~", "$HOME", "`rm -rf /`", "C:\\Windows\\System32", "x.md", "COM1.md", "\u200b", "\ufeff"]


@pytest.mark.parametrize("name", NEW_NAMES, ids=[f"new-{i}" for i in range(len(NEW_NAMES))])
def test_new_with_hostile_name_stays_inside_contacts(name: str, make_vault: Any, tmp_path: Path,
                                                     counted: Any) -> None:
    root = make_vault(dict(GOOD))
    counted.add()
    contacts = (root / "contacts").resolve()
    before = snapshot(tmp_path)
    passwd = Path("/etc/passwd").read_bytes() if Path("/etc/passwd").exists() else None
    code, out, err = cli(root, "new", "--", name)
    assert_no_traceback(out, err)
    after = snapshot(tmp_path)
    added = {k for k in after if k not in before and ".netkit" not in Path(k).parts}
    changed = {k for k in before if k in after and before[k] != after[k] and ".netkit" not in Path(k).parts}
    assert not changed, changed
    if passwd is not None:
        assert Path("/etc/passwd").read_bytes() == passwd
    if code == 0:
        assert len(added) == 1, added
        created = (tmp_path / added.pop()).resolve()
        assert created.parent == contacts, created
        assert created.suffix == ".md" and not created.name.startswith(".")
        assert len(created.name.encode()) <= 255
        code, data, _ = check_json(root)
        assert (code, data["contacts"], data["errors"]) == (0, 3, 0), data
        _, out, _ = cli(root, "show", created.stem, "--json")
        assert json.loads(out)["name"] == logwriter.single_line(name)
    else:
        assert code in (1, 2), (code, err)
        assert err.startswith("netkit: ") and err.strip() != "netkit:"
        assert not added, added


def test_new_with_undecodable_argv_bytes(make_vault: Any, counted: Any) -> None:
    root = make_vault(dict(GOOD))
    counted.add()
    code, out, err = cli(root, "new", "a\udcffb")
    assert_no_traceback(out, err)
    assert code in (0, 2)


def test_new_never_writes_through_a_dangling_symlink(make_vault: Any, outside: Path, counted: Any) -> None:
    root = make_vault(dict(GOOD))
    (root / "contacts/zed.md").symlink_to(outside / "zed.md")
    counted.add()
    code, out, err = cli(root, "new", "Zed")
    assert_no_traceback(out, err)
    assert not (outside / "zed.md").exists(), "netkit new wrote outside the vault"
    assert code == 1 and "already exists" in err


@pytest.mark.parametrize("query", ["contacts/broken", "contacts/broken.md"])
def test_log_by_path_to_a_broken_file_names_its_errors(query: str, hostile_vault: Any, counted: Any) -> None:
    root = hostile_vault({"contacts/broken.md": "---\nname: [Broken\n---\n"})
    counted.add()
    code, out, err = cli(root, "log", query, "Coffee")
    assert_no_traceback(out, err)
    assert code == 1 and "contacts/broken.md:2:" in err, (code, err)
