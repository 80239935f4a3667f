"""While ``netkit watch`` runs, ``netkit due`` and ``netkit index`` answer from its records.

Once things are quiet, the watcher's :meth:`netkit.watch.IndexSession.idle` records what
``netkit index`` records (the briefs and the day's answers), after proving with a full load
and the notes read again that the files are still the ones it rendered. What the commands
then print must be exactly what computing it gives; a change the session has not rendered
yet must never be recorded, and must be handed back for a rebuild.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import answer_outputs

from netkit import answers, briefs, watch
from netkit import cache as cache_mod
from netkit.cli import cli

HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "fixtures" / "pages_vault"
TODAY = dt.date(2026, 11, 22)


pytestmark = pytest.mark.usefixtures("no_racy_window")


def started(tmp_path: Path) -> tuple[Path, watch.IndexSession]:
    root = tmp_path / "vault"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns(".netkit", "pages"))
    # a dated note: its touchpoints must be in the records too (due reads them)
    (root / "journal").mkdir()
    (root / "journal" / "2026-11-01 Offsite.md").write_text(
        "# Offsite\n\nMet [[Ada Lovelace]] and [[Charles Babbage]].\n", encoding="utf-8")
    session = watch.IndexSession(root, lock_wait=None)
    session(set(), True, TODAY)
    return root, session


def outputs(root: Path) -> list[tuple[int, str, str]]:
    return answer_outputs(root, TODAY.isoformat(), [["index", "--json"], ["due"], ["due", "--json"],
                                                    ["due", "--within", "20"], ["check"], ["health"]])


def assert_answers_are_the_computed_ones(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The commands answer from the records without loading the vault, and print what
    computing gives."""
    from netkit.commands import _common

    assert answers.lookup(root, TODAY) is not None

    def no_load(**kwargs: object) -> None:
        raise AssertionError("the vault was loaded")

    with monkeypatch.context() as m:
        m.setattr(_common, "load", no_load)
        recorded = outputs(root)
    with monkeypatch.context() as m:
        m.setattr(answers, "lookup", lambda root, today: None)
        m.setattr(answers, "check", lambda root, today: (None, None))
        m.setattr(answers, "record", lambda *args: None)  # leave the watcher's record alone
        computed = outputs(root)
    assert recorded == computed


def test_idle_records_what_index_would_answer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, session = started(tmp_path)
    assert answers.lookup(root, TODAY) is None  # a rebuild alone records nothing
    assert session.idle() == []
    assert_answers_are_the_computed_ones(root, monkeypatch)
    # the briefs are current: `due` beyond the recorded window decodes no contact either
    assert session.vault is not None and session.vault.touchpoints  # the note's
    result = CliRunner().invoke(cli, ["due", "--within", "90", "--json", "--vault", str(root),
                                      "--today", TODAY.isoformat()])
    from netkit import loader

    with monkeypatch.context() as m:
        m.setattr(loader, "_decode", lambda *args: (_ for _ in ()).throw(AssertionError("decoded")))
        again = CliRunner().invoke(cli, ["due", "--within", "90", "--json", "--vault", str(root),
                                         "--today", TODAY.isoformat()])
    assert again.exit_code == result.exit_code and again.stdout == result.stdout


@pytest.mark.parametrize("edit", ["log entry", "new contact", "note"])
def test_idle_after_an_edit_records_the_edit(tmp_path: Path, edit: str, monkeypatch: pytest.MonkeyPatch) -> None:
    root, session = started(tmp_path)
    assert session.idle() == []
    if edit == "log entry":
        rel = "contacts/grace-hopper.md"
        path = root / rel
        path.write_text(path.read_text(encoding="utf-8")
                        + "- 2026-11-20 Coffee [channel:: in-person] [by:: them]\n", encoding="utf-8")
    elif edit == "new contact":
        rel = "contacts/zed.md"
        (root / rel).write_text("---\nname: Zed Zee\ntier: 1\ncadence: 1w\n---\n## Log\n"
                                "- 2026-10-01 Met at a meetup [channel:: event]\n", encoding="utf-8")
    else:
        rel = "journal/2026-11-18 Lunch.md"
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("# Lunch\n\nWith [[Grace Hopper]].\n", encoding="utf-8")
    assert answers.lookup(root, TODAY) is None  # the old record no longer holds
    session({rel}, False, TODAY)
    assert session.idle() == []
    assert_answers_are_the_computed_ones(root, monkeypatch)


def test_a_change_the_session_has_not_seen_is_handed_back_not_recorded(tmp_path: Path) -> None:
    root, session = started(tmp_path)
    rel = "contacts/grace-hopper.md"
    path = root / rel
    path.write_text(path.read_text(encoding="utf-8").replace("name: Grace Hopper", "name: Amazing Grace"),
                    encoding="utf-8")
    assert session.idle() == [rel]
    assert answers.lookup(root, TODAY) is None
    # the loader did not absorb it: the rebuild asked for sees the modification
    report = session({rel}, False, TODAY)
    assert report.modified == (rel,)
    assert b"Amazing Grace" in (root / "pages" / "Tiers.md").read_bytes()
    assert session.idle() == []
    assert answers.lookup(root, TODAY) is not None


def test_a_note_changed_behind_the_sessions_back_is_handed_back(tmp_path: Path) -> None:
    root, session = started(tmp_path)
    notes = sorted(p.relative_to(root).as_posix() for p in (root / "journal").rglob("*.md"))
    assert notes, "the fixture has dated notes"
    (root / notes[0]).write_text((root / notes[0]).read_text(encoding="utf-8") + "\nAlso [[Grace Hopper]].\n",
                                 encoding="utf-8")
    missed = session.idle()
    assert missed == notes
    assert answers.lookup(root, TODAY) is None
    session(set(missed), False, TODAY)
    assert session.idle() == []
    assert answers.lookup(root, TODAY) is not None


def test_the_same_miss_is_not_reported_twice_in_a_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, session = started(tmp_path)
    monkeypatch.setattr(session._links, "changed_notes", lambda config: ["journal/stuck.md"])
    assert session.idle() == ["journal/stuck.md"]
    assert session.idle() == []  # a rebuild did not settle it: no loop of rebuilds
    assert answers.lookup(root, TODAY) is None


def test_nothing_is_recorded_while_a_file_stands_in_with_its_last_good_version(tmp_path: Path) -> None:
    root, session = started(tmp_path)
    rel = "contacts/grace-hopper.md"
    (root / rel).write_text("---\nname: [\n---\n", encoding="utf-8")
    report = session({rel}, False, TODAY)
    assert report.kept == (rel,)
    assert session.idle() == []
    assert answers.lookup(root, TODAY) is None
    assert not (root / ".netkit" / "cache" / briefs.BRIEFS_FILE).exists()


def test_records_made_within_the_racy_window_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache_mod, "RACY_NS", 3600 * 10**9)
    root, session = started(tmp_path)
    assert session.idle() == []
    assert answers.lookup(root, TODAY) is None
