"""Touchpoints from dated notes: settings, parsing, discovery, and their effect on `due`."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netkit import cadence, contactfile, notes
from netkit import config as config_mod
from netkit.index import ContactIndex
from netkit.model import Config, Contact, LogEntry

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "obsidian_vault"
TODAY = dt.date(2026, 11, 22)


def load_contacts(root: Path, config: Config) -> list[Contact]:
    """The fixture's contacts, parsed directly (the loader is not under test here)."""
    out = []
    for folder in config.contacts:
        for path in sorted((root / folder).rglob("*.md")):
            rel = path.relative_to(root).as_posix()
            contact, diags = contactfile.parse_contact(path.read_bytes(), rel, config)
            assert contact is not None and not diags, (rel, diags)
            out.append(contact)
    return out


@pytest.fixture(scope="module")
def vault() -> tuple[Config, list[Contact], ContactIndex, list[notes.Note]]:
    config, diags = config_mod.load_config(FIXTURE)
    assert not diags
    contacts = load_contacts(FIXTURE, config)
    loaded, note_diags = notes.load_notes(FIXTURE, config)
    assert not note_diags
    return config, contacts, ContactIndex(contacts), loaded


def parse(text: str, path: str = "journal/2026-11-03.md") -> notes.Note | None:
    return notes.parse_note(text.encode("utf-8"), path)


# --------------------------------------------------------------------------- settings


def cfg(notes_section: object = None, **kwargs: object) -> Config:
    extra = {} if notes_section is None else {"notes": notes_section}
    return Config(extra=extra, **kwargs)  # type: ignore[arg-type]


def test_settings_default_to_the_whole_vault_minus_netkit_and_obsidian_folders() -> None:
    s = notes.notes_settings(cfg())
    assert s.enabled and s.include == ("",) and not s.diagnostics
    for folder in ("contacts", "pages", "templates", ".netkit", ".obsidian", ".trash", ".git"):
        assert folder in s.exclude
    assert s.is_included("journal/2026-11-03.md")
    assert s.is_included("2026-11-03.md")
    assert not s.is_included("contacts/ada.md")
    assert not s.is_included("pages/due.md")
    assert s.is_included("contacts-old/ada.md")  # a prefix of a name is not the folder


def test_settings_follow_the_contacts_and_pages_folders() -> None:
    s = notes.notes_settings(cfg(contacts=("people", "work/people/"), pages="./out"))
    assert {"people", "work/people", "out"} <= set(s.exclude)
    assert not s.is_included("work/people/bob.md")
    assert s.is_included("work/notes/2026-01-01.md")


def test_settings_include_exclude_and_shorthands() -> None:
    s = notes.notes_settings(cfg({"include": "journal", "exclude": ["journal/private", "."]}))
    assert s.include == ("journal",)
    assert "journal/private" in s.exclude and "" not in s.exclude
    assert s.is_included("journal/2026-11-03.md")
    assert not s.is_included("journal/private/2026-11-03.md")
    assert not s.is_included("meetings/2026-11-03.md")
    assert not notes.notes_settings(cfg(False)).enabled
    assert not notes.notes_settings(cfg({"enabled": False})).enabled
    assert notes.notes_settings(cfg(True)).enabled
    # the vault root as the contacts folder: every file is a contact, there are no notes
    assert not notes.notes_settings(cfg(contacts=(".",))).enabled


def test_bad_settings_are_diagnostics_and_fall_back_to_defaults() -> None:
    text = "version: 1\nnotes:\n  include: 3\n  exclude: [../outside]\n  enabled: maybe\n  folders: x\n"
    s = notes.notes_settings(
        cfg({"include": 3, "exclude": ["../outside"], "enabled": "maybe", "folders": "x"}), config_text=text
    )
    codes = sorted((d.code, d.severity) for d in s.diagnostics)
    assert codes == [("config.type", "error")] * 3 + [("config.unknown-key", "warning")]
    assert all(d.path == "netkit.yaml" and d.line == 2 for d in s.diagnostics)
    assert s.enabled and s.include == ("",) and "../outside" not in s.exclude
    assert notes.notes_settings(cfg(["journal"])).diagnostics[0].code == "config.type"


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("journal/2026-11-03.md", dt.date(2026, 11, 3)),
        ("2026-11-03 Meeting with Ada.md", dt.date(2026, 11, 3)),
        ("meetings/2026-11-03-standup.md", dt.date(2026, 11, 3)),
        ("journal/2026-02-30.md", None),  # not a real day
        ("journal/20261103.md", None),
        ("Meeting 2026-11-03.md", None),  # the date must start the name
        ("2026-11-031.md", None),
    ],
)
def test_date_from_file_name(path: str, expected: dt.date | None) -> None:
    assert notes.date_from_file_name(path) == expected


def test_front_matter_date_wins_over_the_file_name() -> None:
    note = parse("---\ndate: 2026-11-04\n---\nSaw [[Ada]].\n", "journal/2026-11-03.md")
    assert note is not None and note.date == dt.date(2026, 11, 4) and note.date_source == "front matter"


@pytest.mark.parametrize(
    "value", ["2026-11-04", '"2026-11-04"', "2026-11-04T10:30", "2026-11-04 10:30:00", "'2026-11-04T10:30:00Z'"]
)
def test_front_matter_date_forms(value: str) -> None:
    note = parse(f"---\ndate: {value}\n---\nSaw [[Ada]].\n", "notes/Coffee.md")
    assert note is not None and note.date == dt.date(2026, 11, 4)


def test_created_is_not_a_date_and_a_bad_date_falls_back_to_the_file_name() -> None:
    assert parse("---\ncreated: 2026-11-04\n---\nSaw [[Ada]].\n", "notes/Coffee.md") is None
    note = parse("---\ndate: next week\n---\nSaw [[Ada]].\n", "journal/2026-11-03.md")
    assert note is not None and note.date == dt.date(2026, 11, 3) and note.date_source == "file name"
    note = parse("---\ndate: 2026-02-30\n---\nSaw [[Ada]].\n", "journal/2026-11-03.md")
    assert note is not None and note.date == dt.date(2026, 11, 3)


def test_undated_or_linkless_notes_are_not_touchpoints() -> None:
    assert parse("Saw [[Ada]].\n", "projects/Engine.md") is None
    assert parse("---\ndate: 2026-11-03\n---\nNothing linked.\n") is None
    assert parse("", "journal/2026-11-03.md") is None


# --------------------------------------------------------------------------- links


def test_body_links_with_positions_and_title() -> None:
    text = "---\ntags:\n  - journal\n---\n# Coffee with [[Ada Lovelace|Ada]]\n\nThen [[Bob]] and [[Ada]].\n"
    note = parse(text)
    assert note is not None
    assert note.title == "Coffee with Ada"
    assert [(ln.target, ln.field, ln.line, ln.column) for ln in note.links] == [
        ("Ada Lovelace", "body", 5, 15),
        ("Bob", "body", 7, 6),
        ("Ada", "body", 7, 18),
    ]


def test_front_matter_links_are_found_with_their_key() -> None:
    text = '---\ndate: 2026-11-03\nattendees:\n  - "[[Ada]]"\n  - "[[Bob Smith|Bob]]"\nwith: [[Grace]]\n# - "[[Not me]]"\n---\nNotes.\n'
    note = parse(text, "meetings/Planning.md")
    assert note is not None
    assert [(ln.target, ln.field, ln.line, ln.column) for ln in note.links] == [
        ("Ada", "attendees", 4, 6),
        ("Bob Smith", "attendees", 5, 6),
        ("Grace", "with", 6, 7),  # unquoted: YAML reads a nested list, the intent is a link
    ]
    assert note.title == "Planning"  # no heading: the file name


def test_code_comments_and_embeds_are_not_mentions() -> None:
    text = (
        "```\n[[A]]\n```\n~~~~python\n[[B]]\n~~~~\n"
        "`[[C]]` and ``[[D]]`` %%[[E]]%% ![[F]] ![[G.png]]\n"
        "%% a comment\nover [[H]] lines %% but [[I]]\n"
        "    ```\n[[J]]\n"
    )
    note = parse(text)
    assert note is not None
    assert [ln.target for ln in note.links] == ["I", "J"]


def test_table_escaped_links_and_headings_anchors() -> None:
    note = parse("| who |\n|---|\n| [[Ada Lovelace\\|Ada]] |\n| [[Bob#Log]] |\n")
    assert note is not None
    assert [ln.target for ln in note.links] == ["Ada Lovelace", "Bob"]


def test_invalid_front_matter_falls_back_to_file_name_and_body() -> None:
    text = "---\ndate: 2026-11-30\nattendees: [[[Ada]]\n---\n# Review\n\nWith [[Bob]].\n"
    note = parse(text, "meetings/2026-11-12 Review.md")
    assert note is not None
    assert note.date == dt.date(2026, 11, 12) and note.date_source == "file name"
    assert [ln.target for ln in note.links] == ["Bob"]
    # a refused value (a Python tag) is dropped, never run; the rest of the front matter counts
    text = "---\ndate: !!python/object/apply:os.system [echo hi]\nx: [[A]]\n---\n[[Bob]]\n"
    note = parse(text, "journal/2026-11-03.md")
    assert note is not None and note.date_source == "file name"
    assert [ln.target for ln in note.links] == ["A", "Bob"]


def test_unterminated_front_matter_is_just_text() -> None:
    note = parse("---\ndate: 2026-11-30\nSaw [[Ada]].\n", "journal/2026-11-03.md")
    assert note is not None and note.date == dt.date(2026, 11, 3)
    assert [(ln.target, ln.line) for ln in note.links] == [("Ada", 3)]


def test_bad_bytes_never_raise() -> None:
    assert notes.parse_note(b"\x00[[Ada]]", "journal/2026-11-03.md") is None
    assert notes.parse_note(b"[[" * (notes.MAX_NOTE_BYTES // 2 + 1), "journal/2026-11-03.md") is None
    note = notes.parse_note(b"# Caf\xe9\r\nWith [[Jos\xe9]] \xff\r\n", "journal/2026-11-03.md")  # Latin-1
    assert note is not None and note.links[0].line == 2
    note = notes.parse_note("\ufeff---\r\ndate: 2026-11-04\r\n---\r\n[[Ada]]\r\n".encode(), "x.md")
    assert note is not None and note.date == dt.date(2026, 11, 4) and note.links[0].line == 4
    for junk in (b"[[", b"[[]]", b"---\n[[", b"---\n---\n[[ | ]]", b"[[\n]]", "[[\u2028]]".encode()):
        assert notes.parse_note(junk, "journal/2026-11-03.md") is None


_PIECES = st.sampled_from(["---\n", "date: 2026-11-03\n", "[[", "]]", "Ada", "|", "#", "`", "```\n", "%%",
                           "!", "\n", "\r\n", "- ", "  ", ": ", "&a ", "*a", "!!python/name:os.system", "\ufeff", "\x00"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES | st.text(max_size=5), max_size=30), st.sampled_from(["journal/2026-11-03.md", "x.md"]))
def test_parse_note_never_raises(pieces: list[str], path: str) -> None:
    note = notes.parse_note("".join(pieces).encode("utf-8", "surrogatepass"), path)
    if note is not None:
        assert note.links and all(ln.target and ln.line >= 1 and ln.column >= 1 for ln in note.links)
        assert notes.Note.from_json(note.to_json()) == note


def test_yaml_is_not_parsed_without_links_or_a_date_key(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise AssertionError("YAML parsed on the fast path")

    monkeypatch.setattr(notes, "load_mapping", boom)
    assert parse("---\ndate: 2026-11-03\ntags: [a]\n---\nno links here\n") is None
    note = parse("---\ntags: [journal]\n---\nSaw [[Ada]].\n")
    assert note is not None and note.date == dt.date(2026, 11, 3)


def test_note_json_round_trip() -> None:
    note = parse("---\ndate: 2026-11-04\nwith: \"[[Bob]]\"\n---\n# Hi\n[[Ada]]\n")
    assert note is not None
    assert notes.Note.from_json(note.to_json()) == note


# --------------------------------------------------------------------------- discovery


def test_discover_notes_in_the_fixture_vault() -> None:
    config, _ = config_mod.load_config(FIXTURE)
    assert notes.discover_notes(FIXTURE, config) == [
        "journal/2026-11-03.md",
        "journal/2026-11-05.md",
        "journal/2026-11-10.md",
        "journal/2026-12-05.md",
        "meetings/2026-10-20 Planning with Grace.md",
        "meetings/2026-11-12 Broken front matter.md",
        "meetings/Offsite notes.md",
        "projects/Analytical engine.md",
    ]  # not contacts/, pages/, archive/ (notes.exclude), _templates/ (.obsidian/templates.json)


def test_discover_skips_hidden_editor_files_and_links_out_of_the_vault(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    outside = tmp_path / "outside"
    for rel in ("journal/2026-01-01.md", "journal/.hidden.md", "journal/2026-01-02.md~", ".trash/2026-01-03.md",
                "Templates/2026-01-04.md", "node_modules/x.md", "journal/notes.txt"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("[[Ada]]\n", encoding="utf-8")
    outside.mkdir()
    (outside / "2026-01-05.md").write_text("[[Ada]]\n", encoding="utf-8")
    (root / "journal" / "2026-01-05.md").symlink_to(outside / "2026-01-05.md")
    (root / "journal" / "2026-01-06.md").symlink_to(root / "journal" / "2026-01-01.md")
    (root / "linked").symlink_to(outside, target_is_directory=True)
    (root / ".obsidian").mkdir()
    (root / ".obsidian" / "templates.json").write_text("{not json", encoding="utf-8")
    assert notes.discover_notes(root, Config()) == ["journal/2026-01-01.md", "journal/2026-01-06.md"]
    assert notes.discover_notes(root, cfg(False)) == []
    assert notes.discover_notes(root, cfg({"include": ["missing", "journal"]})) == [
        "journal/2026-01-01.md", "journal/2026-01-06.md"]


def test_read_note_survives_unreadable_files(tmp_path: Path) -> None:
    assert notes.read_note(tmp_path, "missing.md") is None
    (tmp_path / "dir.md").mkdir()
    assert notes.read_note(tmp_path, "dir.md") is None


# --------------------------------------------------------------------------- touchpoints


def test_note_touchpoints_in_the_fixture_vault(vault: tuple) -> None:
    _config, _contacts, index, loaded = vault
    points = notes.note_touchpoints(loaded, index)
    summary = {path: [(e.date.isoformat(), e.source, e.text, e.line) for e in entries]
               for path, entries in points.items()}
    assert summary == {
        "contacts/ada-lovelace.md": [("2026-11-03", "journal/2026-11-03.md", "Tuesday", 3)],
        "contacts/charles-babbage.md": [
            ("2026-11-03", "journal/2026-11-03.md", "Tuesday", 3),
            ("2026-11-12", "meetings/2026-11-12 Broken front matter.md", "Review", 8),
            ("2026-12-05", "journal/2026-12-05.md", "Saturday", 7),
        ],
        "contacts/dorothy-vaughan.md": [("2026-11-15", "meetings/Offsite notes.md", "Offsite", 6)],
        "contacts/grace-hopper.md": [
            ("2026-10-21", "meetings/2026-10-20 Planning with Grace.md", "Planning with Grace", 4)],
        "contacts/katherine-johnson.md": [("2026-11-15", "meetings/Offsite notes.md", "Offsite", 6)],
        "contacts/work/bob-smith.md": [
            ("2026-10-21", "meetings/2026-10-20 Planning with Grace.md", "Planning with Grace", 5)],
    }
    entry = points["contacts/ada-lovelace.md"][0]
    assert entry.channel == "note" and entry.by is None and entry.reply is None
    assert entry.to_json()["source"] == "journal/2026-11-03.md"


def test_notes_move_last_contact_and_the_due_list(vault: tuple) -> None:
    config, contacts, index, loaded = vault
    before = {c.path: cadence.schedule(c, config, TODAY) for c in contacts}
    merged = notes.with_note_touchpoints(contacts, notes.note_touchpoints(loaded, index))
    after = {c.path: cadence.schedule(c, config, TODAY) for c in merged}

    def last(schedules: dict[str, cadence.Schedule], path: str) -> str | None:
        day = schedules[path].last_contact
        return day.isoformat() if day else None

    assert last(before, "contacts/ada-lovelace.md") == "2026-09-14"
    assert last(after, "contacts/ada-lovelace.md") == "2026-11-03"
    assert after["contacts/ada-lovelace.md"].next_due == dt.date(2026, 12, 3)
    assert last(before, "contacts/work/bob-smith.md") == "2026-01-10"  # met, nothing logged
    assert last(after, "contacts/work/bob-smith.md") == "2026-10-21"  # front-matter date
    assert after["contacts/work/bob-smith.md"].last_entry.source == "meetings/2026-10-20 Planning with Grace.md"  # type: ignore[union-attr]
    assert last(after, "contacts/charles-babbage.md") == "2026-11-12"  # the future note is not "last"
    assert after["contacts/charles-babbage.md"].planned is not None  # …it is a planned touchpoint
    assert after["contacts/charles-babbage.md"].planned.source == "journal/2026-12-05.md"  # type: ignore[union-attr]

    def due(people: list[Contact]) -> list[str]:
        return [i.contact.path for i in cadence.due_items(people, config, TODAY, within=7) if i.kind == "touchpoint"]

    assert due(contacts) == [
        "contacts/work/bob-smith.md",
        "contacts/ada-lovelace.md",
        "contacts/grace-hopper.md",
        "contacts/mary-jackson.md",
        "contacts/charles-babbage.md",
        "contacts/dorothy-vaughan.md",
        "contacts/katherine-johnson.md",
    ]
    # only Mary, mentioned in code, comments, embeds and excluded folders, is still due
    assert due(merged) == ["contacts/mary-jackson.md"]


def test_one_touchpoint_per_note_and_contact_and_no_self_mentions() -> None:
    ada = Contact(path="notes/2026-11-03 Ada.md", stem="2026-11-03 Ada", name="Ada", tier=1)
    bob = Contact(path="contacts/bob.md", stem="bob", name="Bob Smith", tier=2, aliases=("Bob",))
    index = ContactIndex([ada, bob])
    note = parse("[[Bob]] [[Bob Smith]]\n[[bob]] [[2026-11-03 Ada]] [[Nobody]]\n", "notes/2026-11-03 Ada.md")
    assert note is not None
    points = notes.note_touchpoints([note], index)
    assert list(points) == ["contacts/bob.md"]
    assert [(e.line, e.source) for e in points["contacts/bob.md"]] == [(1, "notes/2026-11-03 Ada.md")]


def test_ambiguous_links_do_not_count() -> None:
    a = Contact(path="contacts/a.md", stem="a", name="Sam", tier=1)
    b = Contact(path="contacts/b.md", stem="b", name="Sam", tier=1)
    note = parse("[[Sam]] and [[contacts/b]]\n")
    assert note is not None
    assert list(notes.note_touchpoints([note], ContactIndex([a, b]))) == ["contacts/b.md"]


def test_merging_collapses_same_day_touchpoints() -> None:
    log = (LogEntry(dt.date(2026, 11, 3), "Coffee", 9, channel="in-person"),)
    ada = Contact(path="contacts/ada.md", stem="ada", name="Ada", tier=1, log=log)
    day = dt.date(2026, 11, 3)
    extra = {
        "contacts/ada.md": [
            LogEntry(day, "Journal", 3, channel="note", source="journal/2026-11-03.md"),
            LogEntry(day + dt.timedelta(days=1), "Meeting", 2, channel="note", source="m/a.md"),
            LogEntry(day + dt.timedelta(days=1), "Journal", 5, channel="note", source="m/b.md"),
        ]
    }
    (merged,) = notes.with_note_touchpoints([ada], extra)
    assert [(e.date.day, e.source) for e in merged.log] == [(3, None), (4, "m/a.md")]
    (kept,) = notes.with_note_touchpoints([ada], extra, collapse_same_day=False)
    # on the same day the note sorts first, so the richer log entry is the "last touchpoint"
    assert [(e.date.day, e.source) for e in kept.log] == [
        (3, "journal/2026-11-03.md"), (3, None), (4, "m/a.md"), (4, "m/b.md")]
    assert cadence.last_touchpoint(kept, day)[1] == log[0]
    # contacts without note touchpoints come back unchanged (the same object)
    bob = dataclasses.replace(ada, path="contacts/bob.md")
    assert notes.with_note_touchpoints([bob], extra)[0] is bob


def test_demo_journal_notes_resolve_to_demo_contacts(tmp_path: Path) -> None:
    from netkit.demo import demo_files

    files = demo_files(TODAY)
    root = tmp_path / "demo"
    shutil.copytree(FIXTURE.parent.parent.parent / "vault_template", root)
    shutil.rmtree(root / "contacts")
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    config, _ = config_mod.load_config(root)
    contacts = load_contacts(root, config)
    loaded, _ = notes.load_notes(root, config)
    assert sorted(n.path for n in loaded) == sorted(p for p in files if p.startswith("journal/"))
    points = notes.note_touchpoints(loaded, ContactIndex(contacts))
    assert len(points) == 4 and all(len(v) == 1 for v in points.values())
    # the demo's journal repeats touchpoints its logs already hold: merging adds nothing
    merged = notes.with_note_touchpoints(contacts, points)
    assert [c.log for c in merged] == [c.log for c in contacts]
