"""``netkit export``: vCard, iCalendar, CSV and JSON, read back by independent libraries."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import icalendar
import vobject
from conftest import run_cli

ADA = """---
name: Ada Lovelace
tier: 1
tags:
  - mentor
  - analytics
company: "Analytical Engines, Ltd."
role: Research lead
email:
  - ada@example.com
  - ada.l@poetry.example
phone: "+44 20 7946 0000"
linkedin: https://www.linkedin.com/in/ada
birthday: 1815-12-10
met: 2024-05-01
---
# Ada

## Log
- 2026-01-05 Coffee [channel:: in-person]
"""

GRACE = """---
name: Grace Hopper
tier: 2
company: "=HYPERLINK(\\"http://evil.example\\",\\"x\\")"
birthday: "--02-29"
email: grace@navy.example
---
"""

BOB = """---
name: Bob Smith
tier: 3
status: paused
birthday: "--05-17"
---
"""

OLD = """---
name: Old Friend
status: archived
birthday: "--01-01"
---
"""

NEW = """---
name: Newly Met
tier: 3
---
"""


def vault_files() -> dict[str, str]:
    return {"contacts/ada.md": ADA, "contacts/grace.md": GRACE, "contacts/bob.md": BOB,
            "contacts/old.md": OLD, "contacts/new.md": NEW}


def export(vault: Path, *args: str) -> tuple[int, str, str]:
    return run_cli(["export", *args, "--vault", str(vault)])


def export_bytes(vault: Path, *args: str) -> bytes:
    """The exact bytes on stdout (click's ``Result.stdout`` folds CRLF into LF)."""
    from click.testing import CliRunner

    from netkit.cli import cli

    result = CliRunner().invoke(cli, ["export", *args, "--vault", str(vault)], env={"NETKIT_VAULT": None},
                                catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return result.stdout_bytes


# --------------------------------------------------------------------------- vCard


def test_vcard_export_reads_back_with_vobject(make_vault: Any) -> None:
    vault = make_vault(vault_files())
    code, out, err = export(vault, "vcard")
    assert code == 0, err
    cards = {c.fn.value: c for c in vobject.readComponents(out)}
    assert set(cards) == {"Ada Lovelace", "Grace Hopper", "Bob Smith", "Old Friend", "Newly Met"}
    ada = cards["Ada Lovelace"]
    assert ada.version.value == "4.0"
    assert [e.value for e in ada.contents["email"]] == ["ada@example.com", "ada.l@poetry.example"]
    assert ada.tel.value == "+44 20 7946 0000"
    assert ada.org.value == ["Analytical Engines, Ltd."]
    assert ada.title.value == "Research lead"
    assert ada.url.value == "https://www.linkedin.com/in/ada"
    assert ada.bday.value == "18151210"
    assert ada.categories.value == ["mentor", "analytics"]


def test_vcard_round_trip_into_an_empty_vault(make_vault: Any, tmp_path: Path) -> None:
    source = make_vault(vault_files())
    target = make_vault({})
    vcf = tmp_path / "all.vcf"
    assert export(source, "vcard", "-o", str(vcf))[0] == 0
    code, out, err = run_cli(["import", "vcard", str(vcf), "--vault", str(target)])
    assert code == 0, err
    assert "5 created" in out

    def people(vault: Path) -> dict[str, dict[str, Any]]:
        code, out, _ = run_cli(["list", "--json", "--vault", str(vault)])
        keys = ("email", "phone", "company", "role", "birthday", "linkedin", "tags", "tier")
        return {p["name"]: {k: p.get(k) for k in keys} for p in json.loads(out)}

    assert people(target) == people(source)
    # and importing the same cards again changes nothing
    before = {p: p.read_bytes() for p in target.rglob("*") if p.is_file()}
    code, out, _ = run_cli(["import", "vcard", str(vcf), "--vault", str(target)])
    assert "0 created, 0 updated, 5 unchanged" in out
    assert {p: p.read_bytes() for p in target.rglob("*") if p.is_file()} == before


# ------------------------------------------------------------------------ calendar


def test_ics_parses_with_icalendar_and_covers_every_active_contact(make_vault: Any) -> None:
    vault = make_vault(vault_files())
    code, out, err = export(vault, "ics", "--today", "2026-03-01")
    assert code == 0, err
    cal = icalendar.Calendar.from_ical(out)
    events = {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}
    # every active contact's next touchpoint, however far away (Ada: 30d after 2026-01-05)
    assert events["Touchpoint: Ada Lovelace"].decoded("DTSTART") == dt.date(2026, 2, 4)
    assert events["Touchpoint: Newly Met"].decoded("DTSTART") == dt.date(2026, 3, 1)
    assert "Touchpoint: Grace Hopper" in events
    assert "Touchpoint: Bob Smith" not in events and "Touchpoint: Old Friend" not in events  # paused, archived
    # yearly birthdays, archived contacts excluded
    assert events["Birthday: Ada Lovelace"].decoded("DTSTART") == dt.date(1815, 12, 10)
    assert events["Birthday: Ada Lovelace"]["RRULE"]["FREQ"] == ["YEARLY"]
    assert "Birthday: Bob Smith" in events and "Birthday: Old Friend" not in events
    assert events["Birthday: Grace Hopper"]["RRULE"]["BYMONTHDAY"] == [-1]
    for event in events.values():
        assert event.decoded("DTSTAMP") == dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
        assert isinstance(event.decoded("DTSTART"), dt.date)


def test_ics_is_deterministic_and_uids_are_stable(make_vault: Any) -> None:
    vault = make_vault(vault_files())
    first = export(vault, "ics", "--today", "2026-03-01")[1]
    assert export(vault, "ics", "--today", "2026-03-01")[1] == first
    later = export(vault, "ics", "--today", "2026-09-01")[1]

    def uids(text: str) -> dict[str, str]:
        return {str(e["SUMMARY"]): str(e["UID"]) for e in icalendar.Calendar.from_ical(text).walk("VEVENT")}

    assert uids(later) == uids(first)  # dates moved, the events are the same events
    assert later != first


# ---------------------------------------------------------------------- CSV, JSON


def test_csv_is_spreadsheet_safe(make_vault: Any) -> None:
    vault = make_vault(vault_files())
    code, out, err = export(vault, "csv", "--today", "2026-03-01")
    assert code == 0, err
    raw = export_bytes(vault, "csv", "--today", "2026-03-01")
    assert raw.count(b"\r\n") == 6 and b"\n" not in raw.replace(b"\r\n", b"")
    rows = {r["name"]: r for r in csv.DictReader(io.StringIO(out, newline=""))}
    assert rows["Grace Hopper"]["company"].startswith("'=HYPERLINK(")
    assert rows["Ada Lovelace"]["phone"] == "'+44 20 7946 0000"
    assert rows["Ada Lovelace"]["email"] == "ada@example.com; ada.l@poetry.example"
    assert rows["Ada Lovelace"]["company"] == "Analytical Engines, Ltd."
    assert rows["Ada Lovelace"]["next_due"] == "2026-02-04"
    assert rows["Bob Smith"]["next_due"] == ""


def test_json_is_list_json(make_vault: Any) -> None:
    vault = make_vault(vault_files())
    code, out, err = export(vault, "json", "--today", "2026-03-01")
    assert code == 0, err
    listed = run_cli(["list", "--json", "--vault", str(vault), "--today", "2026-03-01"])[1]
    assert json.loads(out) == json.loads(listed)
    ada = next(c for c in json.loads(out) if c["name"] == "Ada Lovelace")
    assert {"path", "tier", "name", "last_contact", "next_due"} <= set(ada)


# ------------------------------------------------------------------------ output


def test_output_file_is_written_atomically_and_protected(make_vault: Any, tmp_path: Path) -> None:
    vault = make_vault(vault_files())
    out_file = tmp_path / "cal.ics"
    out_file.write_text("old")
    code, out, err = export(vault, "ics", "-o", str(out_file), "--today", "2026-03-01")
    assert code == 0 and out == ""
    assert out_file.read_bytes() == export_bytes(vault, "ics", "--today", "2026-03-01")
    assert b"\r\n" in out_file.read_bytes()
    assert not list(tmp_path.glob(".netkit-tmp-*"))
    before = (vault / "contacts" / "ada.md").read_bytes()
    code, _, err = export(vault, "vcard", "-o", str(vault / "contacts" / "ada.md"))
    assert code == 2 and "contact file" in err
    assert (vault / "contacts" / "ada.md").read_bytes() == before
    code, _, err = export(vault, "csv", "-o", str(tmp_path / "missing" / "x.csv"))
    assert code == 1 and "Traceback" not in err


def test_vault_with_errors_still_exports_and_exits_1(make_vault: Any) -> None:
    files = vault_files()
    files["contacts/bad.md"] = "---\nname: Bad\ntier: 9\n---\n"
    vault = make_vault(files)
    code, out, err = export(vault, "json")
    assert code == 1 and "schema.tier" in err
    assert {c["name"] for c in json.loads(out)} >= {"Ada Lovelace", "Grace Hopper"}


def test_unknown_format_is_a_usage_error(make_vault: Any) -> None:
    assert export(make_vault({}), "xml")[0] == 2
