"""Warm paths that answer from the cache without decoding contacts (performance issue).

* the cross-file layer (link warnings, note touchpoints) is recorded by ``index`` and
  reused by the next load while its inputs are the same;
* ``netkit index`` with nothing changed since the last run says so without decoding a
  contact or loading the page code, and its output is the same as a full run's.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import answer_outputs

from netkit import cache as cache_mod
from netkit import loader
from netkit.cli import cli

TODAY = "2026-06-01"
ADA = (
    "---\nname: Ada Lovelace\ntier: 1\nknows:\n  - \"[[Grace Hopper]]\"\n  - \"[[Nobody Here]]\"\n---\n"
    "## Log\n- 2026-01-10 Coffee [channel:: in-person]\n"
)
GRACE = "---\nname: Grace Hopper\ntier: 2\n---\n## Log\n- 2025-12-01 Call [channel:: call]\n"
NOTE = "# Offsite\n\nMet [[Ada Lovelace]] and [[Grace Hopper]].\n"


pytestmark = pytest.mark.usefixtures("no_racy_window")


def make(tmp_path: Path) -> Path:
    (tmp_path / "netkit.yaml").write_text("version: 1\n", encoding="utf-8")
    (tmp_path / "contacts").mkdir()
    (tmp_path / "contacts" / "ada.md").write_text(ADA, encoding="utf-8")
    (tmp_path / "contacts" / "grace.md").write_text(GRACE, encoding="utf-8")
    (tmp_path / "journal").mkdir()
    (tmp_path / "journal" / "2026-03-04 Offsite.md").write_text(NOTE, encoding="utf-8")
    return tmp_path


def invoke(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [*args, "--vault", str(root), "--today", TODAY])
    return result.exit_code, result.output


def fresh(root: Path) -> loader.Vault:
    return loader.with_notes_and_links(loader.load_vault(root, use_cache=False))


def test_recorded_layer_gives_what_a_fresh_load_gives(tmp_path: Path) -> None:
    root = make(tmp_path)
    assert invoke(root, "index")[0] == 0
    assert (root / ".netkit" / "cache" / loader.LAYER_FILE).is_file()
    warm = loader.with_notes_and_links(loader.load_vault(root))
    assert "contacts" not in warm.__dict__  # diagnostics without decoding a contact
    cold = fresh(root)
    assert warm.diagnostics == cold.diagnostics
    assert any(d.code == "link.unresolved" for d in warm.diagnostics)
    assert warm.notes == cold.notes and len(warm.notes) == 1
    assert warm.contacts == cold.contacts
    ada = warm.index.by_path("contacts/ada.md")
    assert ada is not None and any(e.channel == "note" for e in ada.log)


def test_a_changed_note_or_contact_is_not_served_from_the_record(tmp_path: Path) -> None:
    root = make(tmp_path)
    assert invoke(root, "index")[0] == 0
    note = root / "journal" / "2026-03-04 Offsite.md"
    note.write_text("# Offsite\n\nOnly [[Grace Hopper]] came.\n", encoding="utf-8")
    warm = loader.with_notes_and_links(loader.load_vault(root))
    assert warm.contacts == fresh(root).contacts
    ada = warm.index.by_path("contacts/ada.md")
    assert ada is not None and not any(e.channel == "note" for e in ada.log)
    (root / "contacts" / "ada.md").write_text(ADA.replace("[[Nobody Here]]", "[[Grace Hopper]]"), encoding="utf-8")
    warm = loader.with_notes_and_links(loader.load_vault(root))
    assert not any(d.code == "link.unresolved" for d in warm.diagnostics)
    assert warm.diagnostics == fresh(root).diagnostics


def counting_decodes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths loader._decode is asked for from now on."""
    decoded: list[str] = []
    real = loader._decode

    def counting(root: Path, state: object, rel: str, entry: object) -> object:
        decoded.append(rel)
        return real(root, state, rel, entry)  # type: ignore[arg-type]

    monkeypatch.setattr(loader, "_decode", counting)
    return decoded


@pytest.mark.parametrize("edit", ["log entry", "new unresolved link", "link fixed", "noted contact"])
def test_an_edited_contact_patches_the_recorded_layer(tmp_path: Path, edit: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_rich(tmp_path)
    assert invoke(root, "index")[0] == 0
    if edit == "log entry":
        rel, text = "contacts/grace.md", GRACE + "- 2026-05-02 Lunch [channel:: in-person]\n"
    elif edit == "new unresolved link":
        rel, text = "contacts/grace.md", GRACE + "- 2026-05-02 Lunch with [[Nobody Else]]\n"
    elif edit == "link fixed":
        rel, text = "contacts/ada.md", ADA.replace("[[Nobody Here]]", "[[Alan Turing]]")
    else:  # ada has a note touchpoint: the patched contact must be checked with it
        rel, text = "contacts/ada.md", ADA + "- 2026-05-03 Call about [[Margaret Hamilton]] [channel:: call]\n"
    (root / rel).write_text(text, encoding="utf-8")
    decoded = counting_decodes(monkeypatch)
    warm = loader.with_notes_and_links(loader.load_vault(root))
    assert decoded == [rel]  # only the edited contact, to check its links again
    cold = fresh(root)
    assert warm.diagnostics == cold.diagnostics
    assert warm.notes == cold.notes and warm.touchpoints == cold.touchpoints
    assert warm.contacts == cold.contacts
    if edit == "new unresolved link":
        assert any(d.code == "link.unresolved" and d.path == rel and "Nobody Else" in d.message
                   for d in warm.diagnostics)
    if edit == "link fixed":
        assert not any(d.code == "link.unresolved" and d.path == rel for d in warm.diagnostics)


def test_index_records_the_patched_layer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_rich(tmp_path)
    assert invoke(root, "index")[0] == 0
    (root / "contacts" / "grace.md").write_text(GRACE + "- 2026-05-02 Lunch with [[Nobody Else]]\n",
                                                encoding="utf-8")
    assert invoke(root, "index")[0] == 0
    decoded = counting_decodes(monkeypatch)
    warm = loader.with_notes_and_links(loader.load_vault(root))
    assert decoded == []  # current again: taken as it is
    assert warm.diagnostics == fresh(root).diagnostics


@pytest.mark.parametrize("edit", ["rename", "alias", "new contact", "removed contact"])
def test_changed_names_compute_the_layer_again(tmp_path: Path, edit: str) -> None:
    root = make_rich(tmp_path)
    assert invoke(root, "index")[0] == 0
    if edit == "rename":  # ada's link to "Grace Hopper" now resolves to nobody
        (root / "contacts" / "grace.md").write_text(GRACE.replace("Grace Hopper", "Amazing Grace"), encoding="utf-8")
    elif edit == "alias":  # ... and "Nobody Here" now resolves to alan
        (root / "contacts" / "alan.md").write_text(
            RICH["contacts/alan.md"].replace("tier: 1", "tier: 1\naliases: [Nobody Here]"), encoding="utf-8")
    elif edit == "new contact":
        (root / "contacts" / "nobody.md").write_text("---\nname: Nobody Here\ntier: 3\n---\n", encoding="utf-8")
    else:
        (root / "contacts" / "grace.md").unlink()
    warm = loader.with_notes_and_links(loader.load_vault(root))
    cold = fresh(root)
    assert warm.diagnostics == cold.diagnostics
    assert warm.touchpoints == cold.touchpoints and warm.contacts == cold.contacts
    unresolved = {d.message for d in warm.diagnostics if d.code == "link.unresolved"}
    assert any("Nobody Here" in m for m in unresolved) == (edit not in ("alias", "new contact"))


def test_a_note_written_within_the_racy_window_is_not_recorded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache_mod, "RACY_NS", 3600 * 10**9)
    root = make(tmp_path)
    assert invoke(root, "index")[0] == 0
    assert not (root / ".netkit" / "cache" / loader.LAYER_FILE).exists()


@pytest.mark.parametrize("damage", [b"", b"garbage", b"netkit record 1\n" + b"\0" * 40])
def test_a_damaged_layer_record_is_ignored(tmp_path: Path, damage: bytes) -> None:
    root = make(tmp_path)
    assert invoke(root, "index")[0] == 0
    (root / ".netkit" / "cache" / loader.LAYER_FILE).write_bytes(damage)
    warm = loader.with_notes_and_links(loader.load_vault(root))
    assert warm.diagnostics == fresh(root).diagnostics
    assert warm.contacts == fresh(root).contacts


def test_a_record_of_the_wrong_shape_is_ignored(tmp_path: Path) -> None:
    root = make(tmp_path)
    assert invoke(root, "index")[0] == 0
    vault = loader.load_vault(root)
    from netkit import notesfind

    settings = notesfind.notes_settings(vault.config)
    key = loader._layer_key(vault, notesfind.discover_notes(root, vault.config, settings))
    assert key is not None
    cache_mod.write_record(root, loader.LAYER_FILE, key, ("not", "a", "layer"))
    warm = loader.with_notes_and_links(loader.load_vault(root))
    assert warm.diagnostics == fresh(root).diagnostics


def test_index_with_nothing_changed_decodes_no_contact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make(tmp_path)
    code, first = invoke(root, "index", "--json")
    assert code == 0
    pages = sorted(p.name for p in (root / "pages").iterdir())
    before = {name: (root / "pages" / name).read_bytes() for name in pages}

    def no_decoding(*args: object) -> None:
        raise AssertionError("a contact was decoded")

    monkeypatch.setattr(loader, "_materialise", no_decoding)
    code, second = invoke(root, "index", "--json")
    assert code == 0
    one, two = json.loads(first), json.loads(second)
    assert two["written"] == [] and sorted(two["unchanged"]) == sorted(f"pages/{n}" for n in pages)
    for key in ("contacts", "files", "errors", "warnings", "failed"):
        assert one[key] == two[key], key
    assert two["timings"]["compute"] == 0.0
    assert {name: (root / "pages" / name).read_bytes() for name in pages} == before
    code, text = invoke(root, "index")
    assert code == 0 and text.startswith("indexed 2 contacts; wrote 0 pages, 6 unchanged; 0 errors, 1 warning")


def test_index_renders_again_when_a_page_was_edited_or_the_day_changed(tmp_path: Path) -> None:
    root = make(tmp_path)
    assert invoke(root, "index")[0] == 0
    due = root / "pages" / "Due.md"
    original = due.read_bytes()
    due.write_bytes(original + b"\nmy own line\n")
    assert invoke(root, "index")[0] == 0
    assert due.read_bytes() == original  # netkit's page again: the edit was not kept silently
    result = CliRunner().invoke(cli, ["index", "--json", "--vault", str(root), "--today", "2026-06-02"])
    assert result.exit_code == 0
    assert json.loads(result.output)["timings"]["compute"] > 0.0


def test_index_quick_path_matches_a_full_run_after_a_change(tmp_path: Path) -> None:
    root = make(tmp_path)
    assert invoke(root, "index")[0] == 0
    (root / "contacts" / "grace.md").write_text(GRACE + "- 2026-05-30 Lunch [channel:: in-person]\n", encoding="utf-8")
    code, out = invoke(root, "index", "--json")
    assert code == 0 and json.loads(out)["written"]  # the change reached the pages
    after = {p.name: p.read_bytes() for p in (root / "pages").iterdir()}
    other = tmp_path.parent / (tmp_path.name + "-copy")
    import shutil

    shutil.copytree(root, other, ignore=shutil.ignore_patterns(".netkit", "pages"))
    assert invoke(other, "index")[0] == 0
    assert {p.name: p.read_bytes() for p in (other / "pages").iterdir()} == after
    os.utime(root / "contacts" / "grace.md")  # a touch changes no content: still nothing to do
    code, out = invoke(root, "index", "--json")
    assert code == 0 and json.loads(out)["written"] == []


# ---------------------------------------------------------------- briefs (netkit due)

RICH = {
    "contacts/ada.md": ADA,
    "contacts/grace.md": GRACE,
    "contacts/alan.md": "---\nname: Alan Turing\ntier: 1\nbirthday: 1912-06-23\nlast_contact: 2026-05-01\n---\n",
    "contacts/barbara.md": ("---\nname: Barbara Liskov\ntier: 2\nsnooze_until: 2026-07-01\n---\n## Log\n"
                            "- 2025-01-01 Old lunch\n- 2026-06-20 Planned call [channel:: call]\n"),
    "contacts/edsger.md": "---\nname: Edsger Dijkstra\ntier: 3\nstatus: paused\nmet: 2020-01-01\n---\n",
    "contacts/kathleen.md": "---\nname: Kathleen Booth\ntier: 2\nbirthday: --06-03\ncadence: 2w\n---\n",
    "contacts/margaret.md": "---\nname: Margaret Hamilton\ntier: 3\n---\n## Log\n- 2026-05-31 Chat about `code`\n",
}


def make_rich(tmp_path: Path) -> Path:
    root = make(tmp_path)
    for rel, text in RICH.items():
        (root / rel).write_text(text, encoding="utf-8")
    return root


def due_outputs(root: Path, today: str) -> tuple[str, str]:
    out = []
    for extra in ([], ["--json"]):
        result = CliRunner().invoke(cli, ["due", "--within", "40", *extra, "--vault", str(root), "--today", today])
        assert result.exit_code == 0, result.output
        out.append(result.output)
    return out[0], out[1]


@pytest.mark.parametrize("today", ["2026-06-01", "2025-06-01", "2026-12-24", "2030-01-01"])
def test_due_from_briefs_equals_due_from_contacts(tmp_path: Path, today: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_rich(tmp_path)
    expected = due_outputs(root, today)  # no cache, no briefs: decoded contacts
    assert invoke(root, "index")[0] == 0
    assert (root / ".netkit" / "cache" / "briefs.cache").is_file()

    def no_decoding(*args: object) -> None:
        raise AssertionError("a contact was decoded")

    monkeypatch.setattr(loader, "_materialise", no_decoding)
    assert due_outputs(root, today) == expected


def test_due_sees_an_edit_made_after_the_last_index(tmp_path: Path) -> None:
    root = make_rich(tmp_path)
    assert invoke(root, "index")[0] == 0
    before = due_outputs(root, TODAY)
    (root / "contacts" / "margaret.md").write_text(RICH["contacts/margaret.md"].replace("2026-05-31", "2024-01-01"),
                                                   encoding="utf-8")
    after = due_outputs(root, TODAY)
    assert "Margaret Hamilton" not in before[0] and "Margaret Hamilton" in after[0]
    shutil_copy = tmp_path.parent / (tmp_path.name + "-fresh")
    import shutil

    shutil.copytree(root, shutil_copy, ignore=shutil.ignore_patterns(".netkit"))
    assert due_outputs(shutil_copy, TODAY) == after


@pytest.mark.parametrize("rel", ["contacts/margaret.md", "contacts/ada.md"])
def test_due_after_an_edit_decodes_only_the_edited_contact(tmp_path: Path, rel: str,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_rich(tmp_path)
    assert invoke(root, "index")[0] == 0
    path = root / rel
    # ada has a note touchpoint (2026-03-04): an older entry leaves it the last touchpoint
    path.write_text(path.read_text(encoding="utf-8") + "- 2024-01-01 An old lunch [channel:: in-person]\n",
                    encoding="utf-8")
    with monkeypatch.context() as m:
        decoded = counting_decodes(m)
        after = due_outputs(root, TODAY)
    assert set(decoded) == {rel}
    import shutil

    copy = tmp_path.parent / (tmp_path.name + "-fresh")
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".netkit"))
    assert due_outputs(copy, TODAY) == after


@pytest.mark.parametrize("name", ["briefs.cache", "brief-texts.cache"])
@pytest.mark.parametrize("damage", [b"", b"netkit record 1\n" + b"x" * 64, None])
def test_a_damaged_briefs_record_is_ignored(tmp_path: Path, damage: bytes | None, name: str) -> None:
    root = make_rich(tmp_path)
    expected = due_outputs(root, TODAY)
    assert invoke(root, "index")[0] == 0
    record = root / ".netkit" / "cache" / name
    if damage is None:
        record.unlink()
    else:
        record.write_bytes(damage)
    assert due_outputs(root, TODAY) == expected


def test_a_briefs_record_of_the_wrong_shape_is_ignored(tmp_path: Path) -> None:
    from netkit import briefs

    root = make_rich(tmp_path)
    expected = due_outputs(root, TODAY)
    assert invoke(root, "index")[0] == 0
    vault = loader.with_notes_and_links(loader.load_vault(root))
    key = briefs._record_key(vault)
    assert key is not None
    rels, digests, touches = briefs._current(vault)
    bad_columns = [["x"] * len(rels) for _ in range(10)]  # every field a string
    cache_mod.write_record(root, briefs.BRIEFS_FILE, key, (rels, digests, touches, bad_columns))
    assert due_outputs(root, TODAY) == expected


def test_index_rewrites_briefs_only_when_stale(tmp_path: Path) -> None:
    root = make_rich(tmp_path)
    assert invoke(root, "index")[0] == 0
    record = root / ".netkit" / "cache" / "briefs.cache"
    first = record.stat().st_mtime_ns, record.stat().st_ino
    assert invoke(root, "index")[0] == 0
    assert (record.stat().st_mtime_ns, record.stat().st_ino) == first
    (root / "contacts" / "alan.md").write_text(RICH["contacts/alan.md"].replace("tier: 1", "tier: 2"),
                                               encoding="utf-8")
    assert invoke(root, "index")[0] == 0
    assert (record.stat().st_mtime_ns, record.stat().st_ino) != first


@pytest.mark.parametrize("rel", ["contacts/margaret.md", "contacts/ada.md"])
def test_index_after_an_edit_patches_the_briefs_as_a_full_refresh_would(
        tmp_path: Path, rel: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    from netkit import briefs

    root = make_rich(tmp_path)
    assert invoke(root, "index")[0] == 0
    path = root / rel
    if rel == "contacts/margaret.md":  # on the due list: a new text and an older date
        path.write_text(RICH[rel].replace("2026-05-31 Chat", "2024-01-01 Long talk"), encoding="utf-8")
    else:  # ada has a note touchpoint, which her brief holds too
        path.write_text(path.read_text(encoding="utf-8") + "- 2024-02-02 Letters [channel:: email]\n",
                        encoding="utf-8")
    briefed: list[str] = []
    real_brief_of = briefs.brief_of

    def counting_brief_of(contact: object) -> object:
        briefed.append(contact.path)  # type: ignore[attr-defined]
        return real_brief_of(contact)  # type: ignore[arg-type]

    with monkeypatch.context() as m:
        m.setattr(briefs, "brief_of", counting_brief_of)
        assert invoke(root, "index")[0] == 0
    assert briefed == [rel]  # patched, not remade
    copy = tmp_path.parent / (tmp_path.name + "-fresh")
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".netkit"))
    assert invoke(copy, "index")[0] == 0

    def recorded(at: Path) -> object:
        return briefs._read(loader.with_notes_and_links(loader.load_vault(at)))

    assert recorded(root) == recorded(copy)
    # the texts record still holds the old texts of the edited contact: a due list shown
    # as text decodes it instead (answered from briefs, not from today's recorded answers)
    for at in (root, copy):
        (at / ".netkit" / "cache" / "answers.cache").unlink()
    outputs = due_outputs(root, TODAY)
    if rel == "contacts/margaret.md":
        assert "Long talk" in outputs[0] and "Chat" not in outputs[0]
    assert outputs == due_outputs(copy, TODAY)


# ---------------------------------------------------------------- background cache write


def test_a_large_cache_write_runs_in_a_forked_child(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys
    import threading

    root = make_rich(tmp_path)
    monkeypatch.setattr(loader, "BACKGROUND_MIN_CONTACTS", 1)
    vault = loader.load_vault(root)
    assert loader.save_cache(vault, background=True) is None
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        assert vault.stats.pending is not None
    assert loader.finish_cache(vault) is None
    assert vault.stats.pending is None and vault.stats.written
    again = loader.load_vault(root)
    assert again.stats.cache == "hit" and again.stats.parsed == 0
    assert again.contacts == loader.load_vault(root, use_cache=False).contacts


def test_a_failing_background_write_is_a_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    root = make_rich(tmp_path)
    monkeypatch.setattr(loader, "BACKGROUND_MIN_CONTACTS", 1)

    def broken(root: Path, state: object) -> str:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cache_mod, "write", broken)
    vault = loader.load_vault(root)
    loader.save_cache(vault, background=True)
    if vault.stats.pending is None:  # no fork here (threads): the in-process write raised nothing useful
        assert threading.active_count() > 1
        return
    warning = loader.finish_cache(vault)
    assert warning and "cache" in warning


def test_a_cold_index_through_the_cli_leaves_a_usable_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_rich(tmp_path)
    monkeypatch.setattr(loader, "BACKGROUND_MIN_CONTACTS", 1)
    code, out = invoke(root, "index")
    assert code == 0 and "netkit: warning" not in out
    again = loader.load_vault(root)
    assert again.stats.cache == "hit" and again.stats.parsed == 0


# ---------------------------------------------------------------- recorded answers


def test_json_text_is_json_dumps_with_indent() -> None:
    import random
    import string

    from netkit.commands._common import json_text

    rng = random.Random(7)

    def value() -> object:
        return rng.choice([None, True, False, rng.randint(-10**9, 10**9), rng.random() * 1e6,
                           "".join(rng.choice(string.printable + "é😀\u2028\",:\\") for _ in range(rng.randint(0, 9)))])

    for _ in range(500):
        data: object = [{"".join(rng.choice(string.ascii_letters + "\"\n") for _ in range(rng.randint(1, 5))): value()
                         for _ in range(rng.randint(1, 5))} for _ in range(rng.randint(0, 4))]
        assert json_text(data) == json.dumps(data, ensure_ascii=False, indent=2)
    for data in ([], [{}], {"a": [1, {"b": None}]}, [{"a": [1]}], [{"x": float("nan")}]):
        assert json_text(data) == json.dumps(data, ensure_ascii=False, indent=2)


def cli_outputs(root: Path, today: str = TODAY) -> list[tuple[int, str, str]]:
    return answer_outputs(root, today, [["index"], ["index", "--json"], ["due"], ["due", "--json"],
                                        ["due", "--within", "20"], ["check"], ["check", "--format", "json"],
                                        ["health"]])


def test_recorded_answers_match_the_full_computation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from netkit import answers as answers_mod
    from netkit.commands import _common

    root = make_rich(tmp_path)
    (root / "contacts" / "broken.md").write_text("---\nname: Broken\ntier: many\n---\n", encoding="utf-8")
    invoke(root, "index")  # writes the pages and records the answers
    monkeypatch.setattr(answers_mod, "lookup", lambda root, today: None)
    monkeypatch.setattr(answers_mod, "check", lambda root, today: (None, None))
    expected = cli_outputs(root)  # computed in full
    monkeypatch.undo()
    assert (root / ".netkit" / "cache" / "answers.cache").is_file()
    assert expected[0][0] == 1  # the vault has an error: exit 1, also from the record

    def no_load(**kwargs: object) -> None:
        raise AssertionError("the vault was loaded")

    monkeypatch.setattr(_common, "load", no_load)
    assert cli_outputs(root) == expected
    monkeypatch.undo()
    monkeypatch.setattr(cache_mod, "RACY_NS", 0)  # undone above with the rest
    shutil_root = tmp_path.parent / (tmp_path.name + "-nocache")
    import shutil

    shutil.copytree(root, shutil_root, ignore=shutil.ignore_patterns(".netkit", "pages"))
    assert cli_outputs(shutil_root)[2:] == expected[2:]  # due, computed from scratch


@pytest.mark.parametrize("change", ["touch", "edit", "note", "page", "template", "today", "within"])
def test_recorded_answers_are_not_used_after_a_change(tmp_path: Path, change: str,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from netkit import answers
    from netkit.commands import _common

    root = make_rich(tmp_path)
    assert invoke(root, "index")[0] == 0
    assert answers.lookup(root, dt_date(TODAY)) is not None
    today = TODAY
    if change == "touch":
        os.utime(root / "contacts" / "alan.md")
    elif change == "edit":
        (root / "contacts" / "alan.md").write_text(RICH["contacts/alan.md"].replace("tier: 1", "tier: 2"),
                                                   encoding="utf-8")
    elif change == "note":
        (root / "journal" / "2026-05-30.md").write_text("Lunch with [[Alan Turing]]\n", encoding="utf-8")
    elif change == "page":
        due_page = root / "pages" / "Due.md"
        rendered = due_page.read_text(encoding="utf-8")
        due_page.write_text(rendered + "my own line\n", encoding="utf-8")
    elif change == "template":
        (root / ".netkit" / "templates").mkdir()
        (root / ".netkit" / "templates" / "due.md.j2").write_text("{{ today }}\n", encoding="utf-8")
    elif change == "today":
        today = "2026-06-02"
    if change in ("touch", "edit", "note", "template", "today"):
        assert answers.lookup(root, dt_date(today)) is None
    loads: list[int] = []
    real_load = _common.load

    def counting_load(**kwargs: object) -> object:
        loads.append(1)
        return real_load(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(_common, "load", counting_load)
    if change == "within":
        result = CliRunner().invoke(cli, ["due", "--within", "60", "--vault", str(root), "--today", today])
        assert result.exit_code == 0 and loads
        return
    result = CliRunner().invoke(cli, ["index", "--vault", str(root), "--today", today])
    assert result.exit_code == 0 and loads
    if change == "page":
        assert (root / "pages" / "Due.md").read_text(encoding="utf-8") == rendered


def test_no_answers_are_recorded_for_files_in_the_racy_window(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache_mod, "RACY_NS", 3600 * 10**9)
    root = make_rich(tmp_path)
    assert invoke(root, "index")[0] == 0
    assert not (root / ".netkit" / "cache" / "answers.cache").exists()


@pytest.mark.parametrize("damage", [b"", b"netkit record 1\n" + b"z" * 80])
def test_a_damaged_answers_record_is_ignored(tmp_path: Path, damage: bytes) -> None:
    root = make_rich(tmp_path)
    invoke(root, "index")
    expected = cli_outputs(root)
    (root / ".netkit" / "cache" / "answers.cache").write_bytes(damage)
    assert cli_outputs(root) == expected


def dt_date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def test_a_stale_record_costs_no_second_walk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_rich(tmp_path)
    assert invoke(root, "index")[0] == 0
    (root / "contacts" / "alan.md").write_text(RICH["contacts/alan.md"].replace("tier: 1", "tier: 2"),
                                               encoding="utf-8")
    expected = due_outputs(root, TODAY)
    walks: list[Path] = []
    real_scan = loader._scan

    def counting_scan(root_: Path, config: object) -> object:
        walks.append(root_)
        return real_scan(root_, config)  # type: ignore[arg-type]

    monkeypatch.setattr(loader, "_scan", counting_scan)
    result = CliRunner().invoke(cli, ["due", "--within", "40", "--vault", str(root), "--today", TODAY])
    assert result.exit_code == 0 and result.output == expected[0]
    assert len(walks) == 1  # the answers' check walked; the load used that walk


# ------------------------------------------------------------------ one contact, found by its names


SHOW_QUERIES = ["ada", "Ada Lovelace", "ADA  lovelace", "contacts/ada", "contacts/ada.md", "[[Grace Hopper]]",
                "lovelace", "turing", "a", "hop", "zzz", "Nobody Here", "kathleen", "edsger dijkstra"]


@pytest.mark.parametrize("query", SHOW_QUERIES)
def test_show_and_log_find_a_contact_by_its_names_alone(tmp_path: Path, query: str,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from netkit.commands import show

    root = make_rich(tmp_path)
    assert invoke(root, "index")[0] == 0

    def run() -> tuple[int, str, str]:
        result = CliRunner().invoke(cli, ["show", query, "--vault", str(root), "--today", TODAY])
        return result.exit_code, result.stdout, result.stderr

    with monkeypatch.context() as m:
        decoded = counting_decodes(m)
        fast = run()
        hits = [line for line in fast[1].splitlines() if "(contacts/" in line]
        if fast[0] == 0:
            assert len(decoded) == 1 and len(hits) == 1 and decoded[0] in hits[0]  # that one alone
    with monkeypatch.context() as m:
        m.setattr(show, "_find", lambda vault, q: vault.index.find(q))
        assert run() == fast


def _find_reference(contacts: list[tuple[str, str, str, tuple[str, ...]]], query: str) -> list[str]:
    """ContactIndex.find as it was written before find_paths (the dict of keys)."""
    from netkit.index import link_target, normalise

    by_key: dict[str, list[str]] = {}
    for path, stem, name, aliases in contacts:
        keys = {normalise(name), normalise(stem), normalise(path[:-3] if path.endswith(".md") else path)}
        keys.update(normalise(a) for a in aliases)
        for k in keys:
            if k:
                by_key.setdefault(k, []).append(path)
    hits = by_key.get(normalise(link_target(query)), [])
    if hits:
        return sorted(set(hits))
    q = normalise(query)
    if not q:
        return []
    starts = [p for p, stem, name, aliases in contacts if any(normalise(n).startswith(q) for n in (name, stem, *aliases))]
    if starts:
        return sorted(set(starts))
    return sorted({p for p, stem, name, aliases in contacts if any(q in normalise(n) for n in (name, stem, *aliases))})


def test_find_paths_is_the_lookup_rule() -> None:
    import random

    from netkit.index import find_paths

    rng = random.Random(3)
    words = ["Ada", "Áda", "ada", "Lovelace", "Love", "Grace", "Hopper", "José", "Jose", "Ng", "O'Neil", "", " "]
    for _ in range(300):
        contacts = []
        for i in range(rng.randint(0, 8)):
            name = " ".join(rng.choice(words) for _ in range(rng.randint(1, 3)))
            stem = rng.choice([name.lower().replace(" ", "-"), f"c{i}", "ada"])
            aliases = tuple(rng.choice(words) for _ in range(rng.randint(0, 2)))
            contacts.append((f"{rng.choice(['contacts', 'contacts/x'])}/{stem}-{i}.md", stem, name, aliases))
        contacts.sort()
        for _ in range(5):
            query = rng.choice([*words, "ada lovelace", "[[Ada]]", "contacts/ada-0", "love", "x/c1-1", "  "])
            assert find_paths(contacts, query) == _find_reference(contacts, query), (contacts, query)


def test_json_dump_streams_exactly_json_dumps_with_indent(capsys: pytest.CaptureFixture[str]) -> None:
    from netkit.commands._common import json_dump

    nested = {"contacts": [{"name": f"Ädä {i}", "indicators": {"recency": i / 7, "flags": ["a", "b"]},
                            "log": [{"date": "2026-01-01", "text": "line\nbreak"}] * (i % 3)} for i in range(3000)],
              "network": {"score": None, "empty": {}, "none": []}}
    for data in (nested, [], {}, [{"a": 1}], [{"a": [1]}], "text", 3):
        json_dump(data)
        assert capsys.readouterr().out == json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def test_list_from_briefs_equals_list_from_contacts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from netkit import briefs

    root = make_rich(tmp_path)
    (root / "contacts" / "tess.md").write_text(
        "---\nname: Tess Tagged\ntier: 2\ncompany: Acme\ntags: [work/acme, friend]\n---\n## Log\n"
        "- 2026-04-01 Coffee [channel:: in-person]\n", encoding="utf-8")
    assert invoke(root, "index")[0] == 0
    queries = [[], ["--tier", "2"], ["--tag", "work"], ["--tag", "#Friend"], ["--tier", "3"], ["--tag", "nope"]]

    def outputs() -> list[tuple[int, str]]:
        return [invoke(root, "list", *q) for q in queries]

    with monkeypatch.context() as m:
        decoded = counting_decodes(m)
        fast = outputs()
        assert decoded == []  # the table from the briefs alone
    assert any("Acme" in out and "Tess Tagged" in out for _, out in fast)
    with monkeypatch.context() as m:
        m.setattr(briefs, "for_due", lambda vault: list(vault.contacts))
        assert outputs() == fast


def test_health_is_answered_from_the_record_after_an_index_that_skipped(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from netkit import answers, quality
    from netkit.commands import _common, health

    root = make_rich(tmp_path)
    assert invoke(root, "index")[0] == 0
    computed = invoke(root, "health")
    os.utime(root / "contacts" / "alan.md")  # a new stat, the same content: the pages are kept
    assert answers.lookup(root, dt_date(TODAY)) is None
    assert "unchanged" in invoke(root, "index")[1]
    known = answers.lookup(root, dt_date(TODAY))
    assert known is not None
    vault = fresh(root)
    report = quality.assess(vault.contacts, vault.config, dt_date(TODAY))
    assert known.health(False) == health.render(report, colour=False)
    assert known.health(True) == health.render(report, colour=True) and "\x1b[" in (known.health(True) or "")

    def no_load(**kwargs: object) -> None:
        raise AssertionError("the vault was loaded")

    monkeypatch.setattr(_common, "load", no_load)
    assert invoke(root, "health") == computed
