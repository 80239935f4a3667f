"""The watcher's incremental rebuild must give what a fresh ``netkit index`` gives.

:class:`netkit.watch.IndexSession` keeps the link layer (:class:`netkit.watch.LinkLayer`),
every contact decoded and the page context's parts between rebuilds. After every kind of
edit (log entry, new link, rename, new and removed contact, invalid file, a dated note), the
session's vault must equal :func:`netkit.loader.with_notes_and_links` over a fresh load, and
the pages it wrote must be byte-identical to a cold index's.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from conftest import append_text as append
from conftest import replace_text as replace

from netkit import loader, pages, pipeline, watch

HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "fixtures" / "pages_vault"
TODAY = dt.date(2026, 11, 22)

sys.path.insert(0, str(HERE.parent / "benchmarks"))
from generate_vault import generate  # noqa: E402


def read_pages(folder: Path) -> dict[str, bytes]:
    return {p.filename: (folder / p.filename).read_bytes() for p in pages.PAGES}


def cold_pages(root: Path, tmp: Path, today: dt.date) -> dict[str, bytes]:
    """The pages a fresh `netkit index` writes for a copy of ``root`` (no cache, no reuse)."""
    copy = tmp / "cold"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".netkit", "pages"))
    vault = loader.load_vault(copy, use_cache=False)
    pipeline.run_index(copy, today, vault=vault)
    return read_pages(copy / "pages")


def assert_same_vault(session: watch.IndexSession, root: Path) -> None:
    """The session's vault is with_notes_and_links over a fresh load (no file kept)."""
    fresh = loader.with_notes_and_links(loader.load_vault(root, use_cache=False))
    mine = session.vault
    assert mine is not None and mine.linked
    assert mine.contacts == fresh.contacts
    assert mine.diagnostics == fresh.diagnostics  # same order too
    assert mine.notes == fresh.notes
    assert [c.path for c in mine.index.contacts] == [c.path for c in fresh.index.contacts]
    # the lookup tables, built on first use, are those of a plain ContactIndex
    for c in fresh.contacts[:5]:
        assert mine.index.exact(c.name) == fresh.index.exact(c.name)
        assert mine.index.by_path(c.path) == c


Edit = Callable[[Path], "set[str]"]


def _note(root: Path, rel: str, text: str) -> set[str]:
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    (root / rel).write_text(text, encoding="utf-8")
    return {rel}


EDITS: list[tuple[str, Edit]] = [
    ("a log entry", lambda root: (append(root / "contacts/grace-hopper.md",
                                         "- 2026-11-20 Coffee [channel:: in-person] [by:: them]\n"),
                                  {"contacts/grace-hopper.md"})[1]),
    ("a dated note", lambda root: _note(root, "journal/2026-11-18 Lunch.md",
                                        "# Lunch\n\nWith [[Ada Lovelace]] and [[Nobody Known]].\n")),
    ("a log entry of a noted contact", lambda root: (append(root / "contacts/ada-lovelace.md",
                                                            "- 2026-11-19 Call [channel:: call]\n"),
                                                     {"contacts/ada-lovelace.md"})[1]),
    ("a new unresolved link", lambda root: (append(root / "contacts/charles-babbage.md",
                                                   "- 2026-11-01 Intro to [[Zed Zee]] [gave:: intro]\n"),
                                            {"contacts/charles-babbage.md"})[1]),
    ("a new contact", lambda root: ((root / "contacts/zed.md").write_text(
        "---\nname: Zed Zee\ntier: 2\nknows:\n  - \"[[Ada Lovelace]]\"\n---\n# Zed\n\n## Log\n"
        "- 2026-10-01 Met at a meetup [channel:: event]\n", encoding="utf-8"), {"contacts/zed.md"})[1]),
    ("a rename", lambda root: (replace(root / "contacts/grace-hopper.md", "name: Grace Hopper",
                                       "name: Amazing Grace"), {"contacts/grace-hopper.md"})[1]),
    ("an alias", lambda root: (replace(root / "contacts/zed.md", "tier: 2", "tier: 2\naliases: [Zee]"),
                               {"contacts/zed.md"})[1]),
    ("a removed contact", lambda root: ((root / "contacts/zed.md").unlink(), {"contacts/zed.md"})[1]),
    ("a note edited", lambda root: _note(root, "journal/2026-11-18 Lunch.md",
                                         "# Lunch\n\nWith [[Charles Babbage]].\n")),
    ("a note removed", lambda root: ((root / "journal/2026-11-18 Lunch.md").unlink(),
                                     {"journal/2026-11-18 Lunch.md"})[1]),
]


def test_incremental_rebuilds_equal_a_fresh_index(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    shutil.copytree(FIXTURE, root)
    session = watch.IndexSession(root, lock_wait=None)
    session(set(), True, TODAY)
    assert_same_vault(session, root)
    for what, edit in EDITS:
        changes = edit(root)
        session(changes, False, TODAY)
        assert_same_vault(session, root)
        assert read_pages(root / "pages") == cold_pages(root, tmp_path, TODAY), what
        if what in ("a log entry", "a new unresolved link", "a log entry of a noted contact"):
            assert session._links.recomputed == 1, what  # only the edited contact was linked again
        if what in ("a dated note", "a rename", "a new contact", "a note edited"):
            assert session._links.recomputed is None, what  # what links resolve against changed


def test_a_kept_file_and_its_fix(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    shutil.copytree(FIXTURE, root)
    session = watch.IndexSession(root, lock_wait=None)
    session(set(), True, TODAY)
    before = read_pages(root / "pages")
    (root / "contacts/grace-hopper.md").write_text("---\nname: [\n---\n", encoding="utf-8")
    report = session({"contacts/grace-hopper.md"}, False, TODAY)
    assert report.kept == ("contacts/grace-hopper.md",)
    assert any(d.path == "contacts/grace-hopper.md" and d.is_error for d in report.diagnostics)
    assert b"Grace Hopper" in read_pages(root / "pages")["Tiers.md"] and read_pages(root / "pages") != b""
    shutil.copy(FIXTURE / "contacts/grace-hopper.md", root / "contacts/grace-hopper.md")
    report = session({"contacts/grace-hopper.md"}, False, TODAY)
    assert report.kept == ()
    assert_same_vault(session, root)
    assert read_pages(root / "pages") == before


def test_many_edits_on_a_generated_vault(tmp_path: Path) -> None:
    """Strengths move in and out of Health.md's strongest and weakest lists."""
    root = tmp_path / "vault"
    generate(root, 300, 7, 6, TODAY)
    session = watch.IndexSession(root, lock_wait=None)
    session(set(), True, TODAY)
    files = sorted((root / "contacts").rglob("*.md"))
    names = [c.name for c in session.vault.contacts] if session.vault else []
    rng = random.Random(11)
    for step in range(16):
        target = rng.choice(files)
        if not target.exists():
            continue
        rel = target.relative_to(root).as_posix()
        kind = step % 4
        if kind == 0:
            for day in range(1, 8):  # a burst of touchpoints: the strength jumps
                append(target, f"- 2026-11-{day + step % 3:02d} Call {day} [channel:: call] [by:: them] [reply:: yes]\n")
        elif kind == 1:
            append(target, f"- 2026-11-{step + 1:02d} Lunch with [[{rng.choice(names)}]] [channel:: in-person]\n")
        elif kind == 2:
            replace(target, "\nstatus: active", "\nstatus: paused") if "\nstatus: active" in target.read_text(
                encoding="utf-8") else append(target, "- 2026-11-21 Chat [channel:: chat]\n")
        else:
            target.unlink()
        session({rel}, False, TODAY)
        assert read_pages(root / "pages") == cold_pages(root, tmp_path, TODAY), step
    assert_same_vault(session, root)


def test_finish_page_is_unchanged_by_its_fast_path() -> None:
    texts = ["a\n\n\n\nb", "a\r\nb\r\rc", "x\n\n\n", "\n\n\nplain\n", "no runs\n\nhere", "a\r\n\r\n\r\nb",
             "", "\n", "\n\n", "x", "x\n", "\nx", "\nx\n", "x\n\n", "— dash\n", "\n— dash"]
    rng = random.Random(5)
    texts += ["".join(rng.choice(["a", "—", "\n", "\n", "\r", " "]) for _ in range(rng.randint(0, 12)))
              for _ in range(2000)]
    for text in texts:
        body = text.replace("\r\n", "\n").replace("\r", "\n")
        body = re.sub(r"\n{3,}", "\n\n", body).strip("\n")
        expected = pages.MARKER + "\n" + body + "\n" if body else pages.MARKER + "\n"
        assert pages.finish_page(text) == expected, repr(text)


def test_finishing_a_headed_page_is_finish_page_without_the_copy() -> None:
    # render_pages joins the marker in front of the template's output; finishing that must
    # give exactly finish_page(output), and return the text itself when nothing changes
    texts = ["a\n\n\n\nb", "a\r\nb\r\rc", "x\n\n\n", "\n\n\nplain\n", "no runs\n\nhere", "", "\n", "\n\n",
             "x", "x\n", "\nx", "\nx\n", "x\n\n", "— dash\n", "| a | b |\n| c | d |\n",
             f"{pages.MARKER}\nbody\n", f"{pages.MARKER_PREFIX} other -->\nbody\n", "\n\nx\n"]
    rng = random.Random(7)
    texts += ["".join(rng.choice(["a", "—", "\n", "\n", "\r", " ", "<!--"]) for _ in range(rng.randint(0, 12)))
              for _ in range(2000)]
    head = pages.MARKER + "\n"
    for text in texts:
        headed = head + text
        finished = pages._finish_headed(headed)
        assert finished == pages.finish_page(text), repr(text)
    # no copy when nothing changes (a table page of a large vault)
    for text in ["x\n", "| a | b |\n| c | d |\n", "| [[x]] | — |\n" * 1000]:
        headed = head + text
        assert pages._finish_headed(headed) is headed
