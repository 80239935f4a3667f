"""Reloads that trust a file-system observer's list of changed paths (``netkit watch``).

``VaultLoader.load(only=paths)`` examines only ``paths`` and keeps every other file as the
previous load left it; a folder or a link changing inside a contacts folder means a full
scan. ``VaultLoader.stale_paths()`` is the full check the watcher runs after such a
rebuild, and a change the observer never reported is rebuilt then.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

from netkit import loader, pages, pipeline, watch

TODAY = dt.date(2026, 11, 22)


def person(name: str, extra: str = "") -> str:
    return f"---\nname: {name}\ntier: 2\n---\n## Log\n- 2026-01-0{len(name) % 9 + 1} Coffee\n{extra}"


def make(root: Path) -> Path:
    (root / "netkit.yaml").write_text("version: 1\n", encoding="utf-8")
    (root / "contacts" / "team").mkdir(parents=True)
    for i, name in enumerate(["Ada Lovelace", "Grace Hopper", "Alan Turing", "Edsger Dijkstra"]):
        folder = "contacts/team" if i % 2 else "contacts"
        (root / folder / f"{name.split()[0].lower()}.md").write_text(person(name), encoding="utf-8")
    return root


def same_as_fresh(vault: loader.Vault, root: Path) -> None:
    fresh = loader.load_vault(root, use_cache=False)
    assert vault.contacts == fresh.contacts
    assert vault.diagnostics == fresh.diagnostics
    assert vault.files == fresh.files


def test_only_examines_the_given_paths_and_gives_a_full_loads_answer(tmp_path: Path) -> None:
    root = make(tmp_path)
    session = loader.VaultLoader(root, use_cache=False)
    session.load()
    (root / "contacts" / "ada.md").write_text(person("Ada Lovelace", "- 2026-02-01 Lunch\n"), encoding="utf-8")
    (root / "contacts" / "barbara.md").write_text(person("Barbara Liskov"), encoding="utf-8")
    (root / "contacts" / "team" / "grace.md").unlink()
    (root / "contacts" / "bad.md").write_text("---\nname: [unclosed\n---\n", encoding="utf-8")
    (root / "contacts" / "notes.txt").write_text("not a contact", encoding="utf-8")
    (root / "contacts" / ".hidden.md").write_text(person("Hidden One"), encoding="utf-8")
    (root / "journal").mkdir()
    (root / "journal" / "2026-02-01.md").write_text("Met [[Ada Lovelace]]\n", encoding="utf-8")
    changed = {"contacts/ada.md", "contacts/barbara.md", "contacts/team/grace.md", "contacts/bad.md",
               "contacts/notes.txt", "contacts/.hidden.md", "journal/2026-02-01.md"}
    vault = session.load(suspects=changed, only=changed)
    same_as_fresh(vault, root)
    assert vault.changes.added == ("contacts/bad.md", "contacts/barbara.md")
    assert vault.changes.modified == ("contacts/ada.md",)
    assert vault.changes.removed == ("contacts/team/grace.md",)


def test_an_unreported_file_is_not_looked_at(tmp_path: Path) -> None:
    root = make(tmp_path)
    old = dt.datetime(2026, 1, 1).timestamp()
    for path in (root / "contacts").rglob("*.md"):
        os.utime(path, (old, old))  # out of the racy window, which re-reads recent files anyway
    session = loader.VaultLoader(root, use_cache=False)
    session.load()
    (root / "contacts" / "alan.md").unlink()  # not reported: the promise is broken on purpose
    vault = session.load(only=set())
    assert "contacts/alan.md" in vault.contact_paths
    assert session.stale_paths() == ["contacts/alan.md"]
    assert session.load().changes.removed == ("contacts/alan.md",)
    assert session.stale_paths() == []


@pytest.mark.parametrize("change", ["new folder", "renamed folder", "link"])
def test_a_folder_or_link_in_a_contacts_folder_means_a_full_scan(tmp_path: Path, change: str) -> None:
    root = make(tmp_path)
    session = loader.VaultLoader(root, use_cache=False)
    session.load()
    if change == "new folder":
        (root / "contacts" / "new").mkdir()
        (root / "contacts" / "new" / "kathleen.md").write_text(person("Kathleen Booth"), encoding="utf-8")
        reported = {"contacts/new"}
    elif change == "renamed folder":
        os.rename(root / "contacts" / "team", root / "contacts" / "crew")
        reported = {"contacts/team", "contacts/crew"}
    else:
        (root / "contacts" / "grace-link.md").symlink_to(root / "contacts" / "team" / "grace.md")
        reported = {"contacts/grace-link.md"}
    vault = session.load(only=reported)
    same_as_fresh(vault, root)


def test_a_previously_unreadable_file_is_looked_at_again(tmp_path: Path) -> None:
    root = make(tmp_path)
    big = root / "contacts" / "huge.md"
    big.write_bytes(b"x" * (loader.MAX_FILE_BYTES + 10))
    session = loader.VaultLoader(root, use_cache=False)
    first = session.load()
    assert any(d.path == "contacts/huge.md" for d in first.diagnostics)
    big.write_text(person("Huge Person"), encoding="utf-8")
    vault = session.load(only=set())  # the observer's event was lost; the file is retried anyway
    same_as_fresh(vault, root)


def test_the_watcher_rebuilds_what_its_observer_missed(tmp_path: Path) -> None:
    root = make(tmp_path)
    session = watch.IndexSession(root, lock_wait=None)
    session(set(), True, TODAY)
    (root / "contacts" / "ada.md").write_text(person("Ada Lovelace", "- 2026-11-20 Dinner\n"), encoding="utf-8")
    (root / "contacts" / "alan.md").write_text(person("Alan Turing", "- 2026-11-21 Call\n"), encoding="utf-8")
    report = session({"contacts/ada.md"}, False, TODAY)  # alan.md's event was lost
    assert set(report.modified) == {"contacts/ada.md", "contacts/alan.md"}
    copy = tmp_path / "cold"
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".netkit", "pages"))
    pipeline.run_index(copy, TODAY, vault=loader.load_vault(copy, use_cache=False))
    for spec in pages.PAGES:
        assert (root / "pages" / spec.filename).read_bytes() == (copy / "pages" / spec.filename).read_bytes()
