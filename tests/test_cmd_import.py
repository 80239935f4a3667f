"""``netkit import``: real-shaped exports, idempotence, dry runs, byte-minimal merges."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli

FIXTURES = Path(__file__).parent / "fixtures" / "formats"


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (hidden ones included) -> its bytes."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def netkit(vault: Path, *args: str, **kw: Any) -> tuple[int, str, str]:
    return run_cli([*args, "--vault", str(vault)], **kw)


def check_json(vault: Path) -> dict[str, Any]:
    code, out, _ = netkit(vault, "check", "--format", "json")
    return json.loads(out)


def contacts_json(vault: Path) -> dict[str, dict[str, Any]]:
    code, out, err = netkit(vault, "list", "--json")
    assert code == 0, err
    return {c["path"]: c for c in json.loads(out)}


# ------------------------------------------------------------------------ LinkedIn


def test_linkedin_export_into_an_empty_vault(make_vault: Any) -> None:
    vault = make_vault({})
    source = str(FIXTURES / "linkedin_connections.csv")
    code, out, err = netkit(vault, "import", "linkedin", source)
    assert code == 0, err
    assert "5 created, 0 updated, 0 unchanged, 0 conflicts" in out
    # the row without a name: a warning naming the import file as given, with its line
    assert f"{source}:9:1: warning[import.no-name]" in err
    assert (vault / "contacts" / "ada-lovelace.md").read_text(encoding="utf-8") == (
        "---\n"
        "name: Ada Lovelace\n"
        "tier: 3\n"
        "status: active\n"
        "tags:\n"
        "  - linkedin\n"
        "source:\n"
        "  - linkedin\n"
        "company: Analytical Engines\n"
        "role: Research Lead\n"
        'linkedin: "https://www.linkedin.com/in/ada-lovelace"\n'
        "met: 2023-08-24\n"
        "---\n"
        "# Ada Lovelace\n"
        "\n"
        "## Log\n"
    )
    people = contacts_json(vault)
    grace = people["contacts/grace-hopper.md"]
    assert grace["company"] == "US Navy, Reserve"  # quoted comma kept
    assert grace["email"] == "grace.hopper@navy.example"
    assert people["contacts/chloe-obrien.md"]["role"] == 'Engineer, "Platform"'
    assert people["contacts/jose-alvarez.md"]["name"] == "José Álvarez"
    assert all(p["tier"] == 3 and p["tags"] == ["linkedin"] and p["source"] == ["linkedin"] for p in people.values())
    assert check_json(vault)["errors"] == 0 and check_json(vault)["warnings"] == 0


def test_linkedin_old_export_without_url_column(make_vault: Any) -> None:
    vault = make_vault({})
    code, out, _ = netkit(vault, "import", "linkedin", str(FIXTURES / "linkedin_old_no_url.csv"))
    assert code == 0 and "2 created" in out
    linus = contacts_json(vault)["contacts/linus-torvalds.md"]
    assert linus["email"] == "linus@kernel.example" and linus["met"] == "2018-11-12"


@pytest.mark.parametrize(
    ("fmt", "name"),
    [
        ("linkedin", "linkedin_connections.csv"),
        ("linkedin", "linkedin_old_no_url.csv"),
        ("google", "google_contacts.csv"),
        ("google", "google_legacy.csv"),
        ("vcard", "android_21.vcf"),
        ("vcard", "apple_30.vcf"),
        ("vcard", "v40.vcf"),
    ],
)
def test_rerunning_any_import_changes_nothing(make_vault: Any, fmt: str, name: str) -> None:
    vault = make_vault({"contacts/ada.md": "---\nname: Ada Lovelace\nemail: ada@engines.example\n---\n# Ada\n"})
    code, out, err = netkit(vault, "import", fmt, str(FIXTURES / name))
    assert code == 0, err
    before = snapshot(vault)
    code, out, err = netkit(vault, "import", fmt, str(FIXTURES / name))
    assert code == 0, err
    assert "0 created, 0 updated" in out
    assert snapshot(vault) == before
    assert check_json(vault)["errors"] == 0


def test_every_import_into_one_vault_then_again_changes_nothing(make_vault: Any) -> None:
    vault = make_vault({})
    runs = [("linkedin", "linkedin_connections.csv"), ("linkedin", "linkedin_old_no_url.csv"),
            ("google", "google_contacts.csv"), ("google", "google_legacy.csv"),
            ("vcard", "android_21.vcf"), ("vcard", "apple_30.vcf"), ("vcard", "v40.vcf")]
    for fmt, name in runs:
        assert netkit(vault, "import", fmt, str(FIXTURES / name))[0] == 0
    before = snapshot(vault)
    for fmt, name in runs:
        code, out, _ = netkit(vault, "import", fmt, str(FIXTURES / name))
        assert code == 0 and "0 created, 0 updated" in out
    assert snapshot(vault) == before
    # the Google export added to the LinkedIn Ada instead of creating a second Ada
    ada = contacts_json(vault)["contacts/ada-lovelace.md"]
    assert ada["source"] == ["linkedin", "google"]
    assert ada["email"] == ["ada@engines.example", "ada@home.example", "ada.l@poetry.example"]
    assert ada["met"] == "2023-08-24" and ada["birthday"] == "1815-12-10"


# ------------------------------------------------------------------------ dry run


def test_dry_run_writes_nothing_and_shows_everything(make_vault: Any) -> None:
    vault = make_vault({"contacts/grace.md": "---\nname: Grace Hopper\ncompany: US Navy\n---\n# Grace\n"})
    before = snapshot(vault)
    code, out, err = netkit(vault, "import", "linkedin", str(FIXTURES / "linkedin_connections.csv"), "--dry-run")
    assert code == 0, err
    assert snapshot(vault) == before  # same bytes, same file list (no .netkit/ either)
    assert "create contacts/ada-lovelace.md" in out
    assert "    name: Ada Lovelace" in out  # the whole new file is shown
    assert "update contacts/grace.md" in out
    assert '    +email: "grace.hopper@navy.example"' in out  # the exact lines added
    assert 'conflict company: keeps "US Navy", import has "US Navy, Reserve" (line 6)' in out
    assert "would be 4 created, 1 updated, 0 unchanged, 1 conflicts" in out
    # and the real run does what the dry run said
    code, out, _ = netkit(vault, "import", "linkedin", str(FIXTURES / "linkedin_connections.csv"))
    assert "4 created, 1 updated, 0 unchanged, 1 conflicts" in out


# ------------------------------------------------------------- byte-minimal merge


CRLF_BOM_FILE = (
    "\ufeff---\r\n"
    "# my note about Grace\r\n"
    "name: 'Grace Hopper'\r\n"
    "tier: 1\r\n"
    "company: US Navy   # since 1943\r\n"
    "tags:\r\n"
    "  - mentor\r\n"
    "---\r\n"
    "# Grace\r\n"
    "\r\n"
    "## Log\r\n"
    "- 2026-01-05 Lunch [channel:: in-person]\r\n"
).encode("utf-8")


def test_merge_into_crlf_bom_file_only_adds_lines(make_vault: Any) -> None:
    vault = make_vault({"contacts/grace.md": CRLF_BOM_FILE})
    code, out, err = netkit(vault, "import", "linkedin", str(FIXTURES / "linkedin_connections.csv"))
    assert code == 0, err
    assert (vault / "contacts" / "grace.md").read_bytes() == (
        "\ufeff---\r\n"
        "# my note about Grace\r\n"
        "name: 'Grace Hopper'\r\n"
        "tier: 1\r\n"
        "company: US Navy   # since 1943\r\n"
        "tags:\r\n"
        "  - mentor\r\n"
        "  - linkedin\r\n"
        "source:\r\n"
        "  - linkedin\r\n"
        "role: Rear Admiral\r\n"
        'email: "grace.hopper@navy.example"\r\n'
        'linkedin: "https://www.linkedin.com/in/gracehopper"\r\n'
        "met: 2022-01-03\r\n"
        "---\r\n"
        "# Grace\r\n"
        "\r\n"
        "## Log\r\n"
        "- 2026-01-05 Lunch [channel:: in-person]\r\n"
    ).encode("utf-8")
    # whole lines added, none changed: the old lines are a subsequence of the new ones
    new_lines = iter((vault / "contacts" / "grace.md").read_bytes().splitlines(keepends=True))
    assert all(any(old == new for new in new_lines) for old in CRLF_BOM_FILE.splitlines(keepends=True))
    assert "updated contacts/grace.md" in out
    assert 'conflict company: keeps "US Navy", import has "US Navy, Reserve"' in out
    assert contacts_json(vault)["contacts/grace.md"]["company"] == "US Navy"


def test_block_list_gains_an_item_with_the_file_line_endings(make_vault: Any) -> None:
    vault = make_vault({"contacts/ada.md": (
        b"---\r\nname: Ada Lovelace\r\nemail:\r\n  - ada@engines.example\r\n---\r\n")})
    code, out, err = netkit(vault, "import", "google", str(FIXTURES / "google_contacts.csv"))
    assert code == 0, err
    raw = (vault / "contacts" / "ada.md").read_bytes()
    assert raw.startswith(b'---\r\nname: Ada Lovelace\r\nemail:\r\n  - ada@engines.example\r\n'
                          b'  - "ada@home.example"\r\n  - "ada.l@poetry.example"\r\n')
    assert b"\n" not in raw.replace(b"\r\n", b"")


def test_scalar_list_field_that_cannot_grow_is_a_conflict(make_vault: Any) -> None:
    original = b"---\nname: Ada Lovelace\nemail: |\n  ada@engines.example\n---\n"
    vault = make_vault({"contacts/ada.md": original})
    code, out, err = netkit(vault, "import", "google", str(FIXTURES / "google_contacts.csv"))
    assert code == 0, err
    raw = (vault / "contacts" / "ada.md").read_bytes()
    assert raw.startswith(b"---\nname: Ada Lovelace\nemail: |\n  ada@engines.example\n")  # untouched value
    assert "conflict email:" in out and "not added" in out


def test_file_with_errors_is_not_touched(make_vault: Any) -> None:
    bad = b"---\nname: Grace Hopper\ntier: 9\n---\n"
    vault = make_vault({"contacts/grace.md": bad})
    code, out, err = netkit(vault, "import", "linkedin", str(FIXTURES / "linkedin_connections.csv"))
    assert code == 1
    assert (vault / "contacts" / "grace.md").read_bytes() == bad
    assert "skipped contacts/grace.md: contacts/grace.md has 1 error(s)" in out
    assert "schema.tier" in err
    assert not (vault / "contacts" / "grace-hopper.md").exists()  # no duplicate either


def test_ambiguous_match_is_skipped(make_vault: Any) -> None:
    vault = make_vault({"contacts/a.md": "---\nname: Tim Berners-Lee\n---\n",
                        "contacts/b.md": "---\nname: Tim Berners-Lee\n---\n"})
    before = snapshot(vault)
    code, out, _ = netkit(vault, "import", "linkedin", str(FIXTURES / "linkedin_connections.csv"))
    assert code == 0
    assert "skipped Tim Berners-Lee (line 10): matches several contacts by name" in out
    assert {k: v for k, v in snapshot(vault).items() if k in before} == before


def test_same_name_other_linkedin_profile_gets_its_own_file(make_vault: Any) -> None:
    vault = make_vault({"contacts/ada-lovelace.md": (
        "---\nname: Ada Lovelace\nlinkedin: https://www.linkedin.com/in/someone-else\n---\n")})
    code, out, _ = netkit(vault, "import", "linkedin", str(FIXTURES / "linkedin_connections.csv"))
    assert code == 0
    assert "created contacts/ada-lovelace-2.md" in out


# ------------------------------------------------------------------ Google, vCard


def test_google_export_fields_notes_and_details(make_vault: Any) -> None:
    vault = make_vault({})
    source = FIXTURES / "google_contacts.csv"
    code, out, err = netkit(vault, "import", "google", str(source))
    assert code == 0, err
    assert "3 created" in out
    assert f"{source}:8:21: warning[import.bad-date]" in err
    text = (vault / "contacts" / "ada-lovelace.md").read_text(encoding="utf-8")
    assert "Met at PyCon.\nLikes poetry, and maths.\n" in text
    assert "- Event 1 (Anniversary): 1835-07-08\n" in text
    assert "- Custom Field 1 (Pronouns): she/her\n" in text
    ada = contacts_json(vault)["contacts/ada-lovelace.md"]
    assert ada["tags"] == ["mentors", "starred"]
    assert ada["address"] == "12 St James's Square, London SW1Y 4JH, GB"
    assert ada["website"] == "https://ada.example/blog"
    assert ada["linkedin"] == "https://www.linkedin.com/in/ada-lovelace"
    assert ada["phone"] == "+44 20 7946 0000"
    bob = contacts_json(vault)["contacts/bob-j-smith.md"]
    assert bob["phone"] == ["+1 (555) 010-0199", "+1 555 010 0200"] and bob["birthday"] == "--05-17"
    assert check_json(vault)["errors"] == 0


def test_vcard_unknown_properties_are_kept_in_the_vcard_field(make_vault: Any) -> None:
    vault = make_vault({})
    code, out, err = netkit(vault, "import", "vcard", str(FIXTURES / "v40.vcf"))
    assert code == 0, err
    people = contacts_json(vault)
    kj = people["contacts/katherine-johnson.md"]
    assert kj["tier"] == 1  # netkit's own X-NETKIT-TIER
    assert kj["vcard"] == {"KIND": "individual", "ORG-UNIT": "Flight Research Division", "GENDER": "F",
                           "ANNIVERSARY": "19390101", "UID": "urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1"}
    assert people["contacts/dorothy-vaughan.md"]["vcard"] == {"PHOTO": "omitted"}
    assert people["contacts/mary-jackson.md"]["vcard"] == {"ADR": "Hampton, VA, USA"}
    code, out, _ = netkit(vault, "import", "vcard", str(FIXTURES / "android_21.vcf"))
    jm = contacts_json(vault)["contacts/jurgen-muller.md"]
    assert jm["vcard"]["X-ANDROID-CUSTOM"] == "vnd.android.cursor.item/nickname;Jo;1;;;;;;;;;;;;;"
    assert check_json(vault)["warnings"] == 0


def test_vcard_parse_errors_are_diagnostics_and_exit_1(make_vault: Any, tmp_path: Path) -> None:
    vcf = tmp_path / "broken.vcf"
    vcf.write_bytes(b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Lovelace\r\nthis is not a property\r\nEND:VCARD\r\n")
    vault = make_vault({})
    code, out, err = netkit(vault, "import", "vcard", str(vcf))
    assert code == 1
    assert f"{vcf}:4:1: error[vcard.malformed-line]" in err
    assert "1 created" in out  # the valid part is imported


# ------------------------------------------------------------------ bad input


def test_zero_people_is_an_error(make_vault: Any, tmp_path: Path) -> None:
    only_header = tmp_path / "Connections.csv"
    only_header.write_bytes(b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n,,,,,,\r\n")
    vault = make_vault({})
    before = snapshot(vault)
    code, out, err = netkit(vault, "import", "linkedin", str(only_header))
    assert code == 1
    assert "import.no-rows" in err and "nothing imported" in err
    assert snapshot(vault) == before


@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02garbage", b"name,email\nx,y\n"])
def test_garbage_never_crashes(make_vault: Any, tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(content)
    vault = make_vault({})
    for fmt in ("linkedin", "google", "vcard"):
        code, out, err = netkit(vault, "import", fmt, str(path))
        assert code == 1, (fmt, out, err)
        assert "Traceback" not in err


def test_missing_file_exit_2_folder_and_unreadable_exit_1(make_vault: Any, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    vault = make_vault({})
    code, _, err = netkit(vault, "import", "linkedin", str(tmp_path / "nope.csv"))
    assert code == 2 and "no such file" in err
    code, _, err = netkit(vault, "import", "linkedin", str(tmp_path))
    assert code == 1 and "folder" in err
    secret = tmp_path / "secret.csv"
    shutil.copy(FIXTURES / "linkedin_connections.csv", secret)
    real_open = open

    def fake_open(path: Any, *args: Any, **kwargs: Any) -> Any:
        if str(path) == str(secret):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", fake_open)
    code, _, err = netkit(vault, "import", "linkedin", str(secret))
    assert code == 1 and "permission denied" in err


def test_relative_import_path_is_shown_as_given(make_vault: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    vault = make_vault({})
    monkeypatch.chdir(FIXTURES)
    code, _, err = netkit(vault, "import", "linkedin", "linkedin_connections.csv")
    assert code == 0
    assert err.startswith("linkedin_connections.csv:9:1: warning[import.no-name]")


def test_standard_input(make_vault: Any) -> None:
    vault = make_vault({})
    code, out, err = netkit(vault, "import", "vcard", "-", input=(FIXTURES / "apple_30.vcf").read_bytes())
    assert code == 0, err
    assert "3 created" in out


def test_lock_held_writes_nothing(make_vault: Any) -> None:
    vault = make_vault({})
    (vault / ".netkit").mkdir()
    (vault / ".netkit" / "lock").write_text(json.dumps({"pid": os.getpid(), "host": os.uname().nodename,
                                                        "started": 9e12}))
    before = snapshot(vault)
    code, _, err = netkit(vault, "import", "linkedin", str(FIXTURES / "linkedin_connections.csv"))
    assert code == 1 and "lock" in err
    assert snapshot(vault) == before


def test_unknown_format_is_a_usage_error(make_vault: Any) -> None:
    vault = make_vault({})
    code, _, err = netkit(vault, "import", "outlook", str(FIXTURES / "linkedin_connections.csv"))
    assert code == 2


def test_a_file_edited_after_planning_is_not_overwritten(make_vault: Any) -> None:
    from netkit import loader
    from netkit.commands import import_cmd
    from netkit.formats import parse_linkedin

    vault_root = make_vault({"contacts/grace.md": CRLF_BOM_FILE})
    vault = loader.load_vault(vault_root, use_cache=False)
    people = parse_linkedin((FIXTURES / "linkedin_connections.csv").read_bytes()).people
    plan = import_cmd.make_plan(vault, people)
    edited = CRLF_BOM_FILE + b"- 2026-02-01 Edited meanwhile\r\n"
    (vault_root / "contacts" / "grace.md").write_bytes(edited)
    failures = import_cmd.write_plan(vault_root, plan)
    assert len(failures) == 1 and "contacts/grace.md" in failures[0] and "changed" in failures[0]
    assert (vault_root / "contacts" / "grace.md").read_bytes() == edited
    assert (vault_root / "contacts" / "ada-lovelace.md").exists()  # the other files were written
    assert "1 skipped" in plan.summary()


def test_hostile_names_stay_inside_the_contacts_folder(make_vault: Any, tmp_path: Path) -> None:
    rows = [
        ("../../etc", "passwd"), ("con", ""), ("---", "---"), ("[[Ada]]", "#tag"), ("Ada", "\u202eevil"),
        ('"Multi', 'Line"'), ("=HYPERLINK(1)", "x"), ("x" * 300, "y"), ("yes", "no"), ("~", "null"),
        ("## Log", "- 2026-01-01"), ("```", "~~~"),
    ]
    lines = ["First Name,Last Name,URL,Email Address,Company,Position,Connected On"]
    for first, last in rows:
        cells = [first, last, "", "", "Acme\nInc", "# heading", "01 Jan 2024"]
        lines.append(",".join('"' + c.replace('"', '""') + '"' for c in cells))
    csv_file = tmp_path / "Connections.csv"
    csv_file.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    vault = make_vault({})
    code, out, err = netkit(vault, "import", "linkedin", str(csv_file))
    assert code == 0, err
    files = [p for p in vault.rglob("*") if p.is_file() and p.name != "netkit.yaml"]
    assert len(files) == len(rows)
    assert all(p.parent == vault / "contacts" for p in files)
    report = check_json(vault)
    assert report["errors"] == 0 and report["contacts"] == len(rows), report
    assert all(not c["path"].startswith(".") for c in contacts_json(vault).values())
    for c in contacts_json(vault).values():
        assert c["company"] == "Acme Inc" and c["role"] == "# heading"
    before = snapshot(vault)
    code, out, _ = netkit(vault, "import", "linkedin", str(csv_file))
    assert "0 created, 0 updated" in out
    assert snapshot(vault) == before
