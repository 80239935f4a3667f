"""`netkit list` and `netkit show` through the CLI: filters, lookup, JSON objects, the card."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from netkit import config as config_mod
from netkit import contactjson, index
from netkit.commands import show as show_cmd
from netkit.model import Contact

TODAY = "2026-06-01"

#: the conftest fixtures' types
VaultFactory = Callable[[Mapping[str, "str | bytes"]], Path]
Runner = Callable[..., tuple[int, str, str]]

ADA = """---
name: Ada Lovelace
tier: 1
aliases: [Countess]
tags: [mentor, "#work/analytics"]
company: Analytical Engines
met: 2024-05-01
birthday: 1815-12-10
pronouns: she/her
---
# Ada Lovelace

Notes.

## Log
- 2026-05-20 Coffee [channel:: in-person] [by:: them] [gave:: intro to [[Bob Smith]]]
- 2026-04-01 Call [channel:: call] [reply:: yes]
- 2026-06-15 Dinner planned [channel:: in-person]
"""
JOSE = "---\nname: José Álvarez\ntier: 2\ntags: [Work]\ncompany: Acme\n---\n"
BOB = "---\nname: Bob Smith\ntier: 3\nstatus: archived\n---\n## Log\n- 2025-01-01 Old\n"
BOBBY = "---\nname: Bobby Tables\ntier: 3\nstatus: paused\nlast_contact: 2026-02-01\n---\n"

FILES = {"contacts/ada.md": ADA, "contacts/jose.md": JOSE, "contacts/bob.md": BOB, "contacts/team/bobby.md": BOBBY}


@pytest.fixture
def cli(run_cli: Runner) -> Runner:
    """``cli(root, *args)``: ``netkit --vault root --today 2026-06-01 *args``."""

    def run(root: Path, *args: str) -> tuple[int, str, str]:
        return run_cli(["--vault", str(root), "--today", TODAY, *args])

    return run


# ========================================================================= list


def test_list_table(make_vault: VaultFactory, cli: Runner) -> None:
    root = make_vault(FILES)
    code, out, err = cli(root, "list")
    assert (code, err) == (0, "")
    # Ada: planned 06-15 inside her 30d window; José: never contacted, due today;
    # Bob archived and Bobby paused: never due
    assert out == (
        "name          tier  company             last contact  next due\n"
        "------------  ----  ------------------  ------------  --------------------\n"
        "Ada Lovelace     1  Analytical Engines  2026-05-20    2026-06-15 (planned)\n"
        "Bob Smith        3                      2025-01-01    archived\n"
        "Bobby Tables     3                      2026-02-01    paused\n"
        "José Álvarez     2  Acme                never         2026-06-01\n"
    )


def test_list_filters(make_vault: VaultFactory, cli: Runner) -> None:
    root = make_vault(FILES)

    def names(*args: str) -> list[str]:
        code, out, _ = cli(root, "list", "--json", *args)
        assert code == 0
        return [c["name"] for c in json.loads(out)]

    assert names("--tier", "3") == ["Bob Smith", "Bobby Tables"]
    assert names("--tag", "work") == ["Ada Lovelace", "José Álvarez"]  # nested tag, any case
    assert names("--tag", "#WORK/analytics") == ["Ada Lovelace"]
    assert names("--tag", "mentor", "--tier", "2") == []
    assert names("--tag", "wor") == []  # no partial tag names


def test_list_no_match_and_no_contacts(make_vault: VaultFactory, cli: Runner) -> None:
    root = make_vault(FILES)
    assert cli(root, "list", "--tag", "nobody") == (0, "No contacts match.\n", "")
    empty = make_vault({})
    assert cli(empty, "list") == (0, "No contacts yet; add one with `netkit new NAME`.\n", "")
    assert cli(empty, "list", "--json") == (0, "[]\n", "")


def test_list_undefined_tier_is_usage_error(make_vault: VaultFactory, cli: Runner) -> None:
    root = make_vault(FILES)
    code, out, err = cli(root, "list", "--tier", "4")
    assert (code, out) == (2, "")
    assert "tier 4 is not defined in netkit.yaml (tiers: 1, 2, 3)" in err


def test_list_json_objects(make_vault: VaultFactory, cli: Runner) -> None:
    root = make_vault(FILES)
    code, out, _ = cli(root, "list", "--json")
    by_name = {c["name"]: c for c in json.loads(out)}
    ada = by_name["Ada Lovelace"]
    assert ada["path"] == "contacts/ada.md" and ada["tier"] == 1
    assert ada["company"] == "Analytical Engines" and ada["pronouns"] == "she/her"  # front matter kept
    assert (ada["met"], ada["birthday"]) == ("2024-05-01", "1815-12-10")
    assert ada["tags"] == ["mentor", "work/analytics"] and ada["aliases"] == ["Countess"]
    assert (ada["last_contact"], ada["next_due"], ada["cadence"], ada["cadence_days"]) == (
        "2026-05-20", "2026-06-15", "30d", 30)
    assert ada["planned"]["text"] == "Dinner planned" and ada["planned"]["planned"] is True
    assert ada["next_birthday"] == "2026-12-10"
    assert "log" not in ada
    jose = by_name["José Álvarez"]
    assert (jose["last_contact"], jose["last_contact_basis"], jose["next_due"], jose["days_until"]) == (
        None, "never", "2026-06-01", 0)
    bobby = by_name["Bobby Tables"]
    assert (bobby["status"], bobby["next_due"], bobby["last_contact"], bobby["path"]) == (
        "paused", None, "2026-02-01", "contacts/team/bobby.md")


def test_list_with_vault_errors(make_vault: VaultFactory, cli: Runner) -> None:
    root = make_vault({**FILES, "contacts/bad.md": "---\nname: Bad\ntier: 9\n---\n"})
    code, out, err = cli(root, "list", "--json")
    assert code == 1
    names = [c["name"] for c in json.loads(out)]
    assert "Bad" in names  # the valid part of the file still counts (default tier)
    assert "error[schema.tier]" in err


# ======================================================================= lookup


@pytest.mark.parametrize("query", ["Ada Lovelace", "ada lovelace", "ADA", "Countess", "ada", "contacts/ada",
                                   "[[Ada Lovelace]]", "Love"])
def test_show_finds_by_name_alias_stem_prefix_substring(make_vault: VaultFactory, query: str, cli: Runner) -> None:
    root = make_vault(FILES)
    code, out, _ = cli(root, "show", query, "--json")
    assert code == 0 and json.loads(out)["path"] == "contacts/ada.md"


@pytest.mark.parametrize("query", ["jose alvarez", "JOSÉ", "Álvarez", "jose"])
def test_show_ignores_accents_and_case(make_vault: VaultFactory, query: str, cli: Runner) -> None:
    root = make_vault(FILES)
    code, out, _ = cli(root, "show", query, "--json")
    assert code == 0 and json.loads(out)["name"] == "José Álvarez"


def test_show_ambiguous_lists_candidates(make_vault: VaultFactory, cli: Runner) -> None:
    root = make_vault(FILES)
    code, out, err = cli(root, "show", "bo")
    assert (code, out) == (2, "")
    assert err == ("netkit: `bo` matches 2 contacts; be more specific (a full name, alias or file name):\n"
                   "  Bob Smith  (contacts/bob.md)\n"
                   "  Bobby Tables  (contacts/team/bobby.md)\n")
    # an exact name wins over longer names it is a prefix of
    code, out, _ = cli(root, "show", "bob smith", "--json")
    assert code == 0 and json.loads(out)["name"] == "Bob Smith"


def test_show_duplicate_names_are_ambiguous(make_vault: VaultFactory, cli: Runner) -> None:
    root = make_vault({"contacts/a.md": "---\nname: Sam Lee\n---\n", "contacts/b.md": "---\nname: Sam Lee\n---\n"})
    code, _, err = cli(root, "show", "Sam Lee")
    assert code == 2 and "matches 2 contacts" in err and "contacts/a.md" in err and "contacts/b.md" in err


def test_show_not_found_suggests(make_vault: VaultFactory, cli: Runner) -> None:
    root = make_vault(FILES)
    code, out, err = cli(root, "show", "Ada Lovelase")
    assert (code, out) == (2, "")
    assert err == "netkit: no contact matches `Ada Lovelase`; did you mean `Ada Lovelace`?\n"
    code, _, err = cli(root, "show", "Bobbie Tablez")
    assert code == 2 and "did you mean `Bobby Tables`" in err


def test_show_not_found_without_suggestion(make_vault: VaultFactory, cli: Runner) -> None:
    root = make_vault(FILES)
    code, _, err = cli(root, "show", "Zaphod")
    assert code == 2
    assert err == "netkit: no contact matches `Zaphod` (`netkit list` shows everyone)\n"


def test_show_broken_file_by_stem(make_vault: VaultFactory, cli: Runner) -> None:
    root = make_vault({"contacts/zed.md": "---\nname: Zed\n"})
    code, _, err = cli(root, "show", "zed")
    assert code == 1
    assert "frontmatter.unterminated" in err and "contacts/zed.md could not be read as a contact" in err


def test_suggestions_unit() -> None:
    contacts = (
        Contact(path="contacts/a.md", stem="a", name="Ada Lovelace", tier=1, aliases=("Countess",)),
        Contact(path="contacts/g.md", stem="g", name="Grace Hopper", tier=1),
    )
    assert [c.name for c in show_cmd.suggestions(contacts, "Countes")] == ["Ada Lovelace"]
    assert [c.name for c in show_cmd.suggestions(contacts, "grase hoper")] == ["Grace Hopper"]
    assert show_cmd.suggestions(contacts, "xyz") == []
    assert index.ContactIndex(contacts).find("countess")[0].name == "Ada Lovelace"


# ========================================================================= show


def test_show_json(make_vault: VaultFactory, cli: Runner) -> None:
    root = make_vault(FILES)
    code, out, err = cli(root, "show", "ada", "--json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert (data["name"], data["path"], data["tier"], data["last_contact"], data["next_due"]) == (
        "Ada Lovelace", "contacts/ada.md", 1, "2026-05-20", "2026-06-15")
    assert data["company"] == "Analytical Engines" and data["pronouns"] == "she/her"
    assert [(e["date"], e["text"], e["planned"]) for e in data["log"]] == [
        ("2026-04-01", "Call", False), ("2026-05-20", "Coffee", False), ("2026-06-15", "Dinner planned", True)]
    coffee = data["log"][1]
    assert coffee == {
        "date": "2026-05-20", "text": "Coffee", "line": 16, "channel": "in-person", "by": "them",
        "gave": "intro to [[Bob Smith]]", "got": None, "reply": None,
        "fields": {"channel": "in-person", "by": "them", "gave": "intro to [[Bob Smith]]"},
        "source": None, "planned": False,
    }
    assert data["log"][0]["reply"] == "yes"


def test_show_card(make_vault: VaultFactory, cli: Runner) -> None:
    root = make_vault(FILES)
    code, out, err = cli(root, "show", "ada")
    assert (code, err) == (0, "")
    assert out == (
        "Ada Lovelace  (contacts/ada.md)\n"
        "  tier      1 · Inner circle\n"
        "  status    active\n"
        "  aliases   Countess\n"
        "  tags      mentor, work/analytics\n"
        "  company   Analytical Engines\n"
        "  met       2024-05-01\n"
        "  birthday  1815-12-10 (next 2026-12-10, in 192 d)\n"
        "\n"
        "Schedule\n"
        "  cadence       30d (tier 1)\n"
        "  last contact  2026-05-20 (12 d ago, from log)\n"
        "  next due      2026-06-15 (in 14 d, planned)\n"
        "\n"
        "Planned\n"
        "  2026-06-15  Dinner planned  (in-person)\n"
        "\n"
        "Log\n"
        "  2026-05-20  Coffee  (in-person; by them; gave: intro to [[Bob Smith]])\n"
        "  2026-04-01  Call  (call; replied)\n"
    )


def test_show_card_last_ten_entries_newest_first(make_vault: VaultFactory, cli: Runner) -> None:
    log = "".join(f"- 2026-01-{d:02d} entry {d}\n" for d in range(1, 13))
    root = make_vault({"contacts/ada.md": "---\nname: Ada\ntier: 1\n---\n## Log\n" + log})
    code, out, _ = cli(root, "show", "ada")
    assert code == 0
    section = out.split("Log (last 10 of 12)\n", 1)[1].splitlines()
    assert section[0] == "  2026-01-12  entry 12" and section[-1] == "  2026-01-03  entry 3"
    assert len(section) == 10
    assert "next due      2026-02-11 (overdue by 110 d)" in out


def test_show_card_never_contacted_and_paused(make_vault: VaultFactory, cli: Runner) -> None:
    root = make_vault(FILES)
    _, out, _ = cli(root, "show", "jose")
    assert "last contact  never" in out and "next due      2026-06-01 (today)" in out
    assert "(no entries; add one with `netkit log \"José Álvarez\" TEXT`)" in out
    _, out, _ = cli(root, "show", "bobby")
    assert "next due      never (paused)" in out
    assert "last contact  2026-02-01 (120 d ago, from front matter last_contact)" in out


def test_show_with_other_errors_exits_1(make_vault: VaultFactory, cli: Runner) -> None:
    root = make_vault({**FILES, "contacts/bad.md": "---\nname: Bad\nmet: soon\n---\n"})
    code, out, err = cli(root, "show", "ada", "--json")
    assert code == 1
    assert json.loads(out)["name"] == "Ada Lovelace"
    assert "contacts/bad.md:3:6: error[schema.date]" in err


def test_contact_json_unit() -> None:
    import datetime as dt

    c = Contact(path="contacts/a.md", stem="a", name="A", tier=2, front_matter={"name": "A", "tier": "2", "x": 1})
    data = contactjson.contact_json(c, config_mod.default_config(), dt.date(2026, 1, 1), with_log=True)
    assert data["tier"] == 2 and data["x"] == 1  # computed keys win over raw front matter
    assert (data["next_due"], data["cadence"], data["log"]) == ("2026-01-01", "90d", [])
