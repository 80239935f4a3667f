"""`netkit due` through the CLI: order, JSON shape, table, window, errors, colour."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from netkit import diagnostics

TODAY = "2026-06-01"

#: the conftest fixtures' types
VaultFactory = Callable[[Mapping[str, "str | bytes"]], Path]
Runner = Callable[..., tuple[int, str, str]]

#: a vault whose due list on 2026-06-01 is computed by hand in each comment
FILES = {
    # tier 1 (30d), last 2026-04-02: due 2026-05-02, 30 d overdue, 60/30 = 2.0 cadences
    "contacts/ada.md": "---\nname: Ada Lovelace\ntier: 1\n---\n## Log\n- 2026-04-02 Coffee [channel:: in-person]\n",
    # tier 2 with its own 1m cadence, last 2026-05-05: due 2026-06-05 (+4)
    "contacts/bob.md": "---\nname: Bob Smith\ntier: 2\ncadence: 1m\n---\n## Log\n- 2026-05-05 Lunch\n",
    # tier 3 (180d), never logged, met 2025-12-01: due 2026-05-30, 2 d overdue (182/180 = 1.01)
    "contacts/cat.md": "---\nname: Cat Jones\ntier: 3\nmet: 2025-12-01\n---\n",
    # paused: never due
    "contacts/dan.md": "---\nname: Dan Brown\ntier: 1\nstatus: paused\n---\n",
    # tier 2, last 2026-05-20 (due 2026-08-18); birthday without year on 06-03 (+2)
    "contacts/eve.md": "---\nname: Eve Adams\ntier: 2\nbirthday: \"--06-03\"\n---\n## Log\n- 2026-05-20 Call\n",
    # tier 1, last 2026-01-01 (due 2026-01-31) but snoozed until 2026-06-20: outside 7 days
    "contacts/fay.md": "---\nname: Fay Wong\ntier: 1\nsnooze_until: 2026-06-20\n---\n## Log\n- 2026-01-01 Tea\n",
    # tier 1, last 2026-03-01 (due 2026-03-31) but a planned touchpoint on 2026-06-10: taken care of
    "contacts/gus.md": "---\nname: Gus Grey\ntier: 1\n---\n## Log\n- 2026-03-01 Tea\n- 2026-06-10 Dinner\n",
    # tier 3, log 2025-01-01 but last_contact 2026-05-01 in the front matter: due 2026-10-28
    "contacts/hal.md": "---\nname: Hal Finn\ntier: 3\nlast_contact: 2026-05-01\n---\n## Log\n- 2025-01-01 Old\n",
    # no tier: default tier 3; no log, no met: due today
    "contacts/ivy.md": "---\nname: Ivy Stone\n---\n",
}


def strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


@pytest.fixture
def due(run_cli: Runner) -> Runner:
    """``due(root, *args)``: ``netkit --vault root --today 2026-06-01 due *args``."""

    def run(root: Path, *args: str) -> tuple[int, str, str]:
        return run_cli(["--vault", str(root), "--today", TODAY, "due", *args])

    return run


def test_due_json_most_urgent_first(make_vault: VaultFactory, due: Runner) -> None:
    root = make_vault(FILES)
    code, out, err = due(root, "--json")
    assert (code, err) == (0, "")
    items = json.loads(out)
    assert [(i["kind"], i["name"], i["date"], i["days_until"]) for i in items] == [
        ("touchpoint", "Ada Lovelace", "2026-05-02", -30),
        ("touchpoint", "Cat Jones", "2026-05-30", -2),
        ("touchpoint", "Ivy Stone", "2026-06-01", 0),
        ("birthday", "Eve Adams", "2026-06-03", 2),
        ("touchpoint", "Bob Smith", "2026-06-05", 4),
    ]
    assert items[0] == {
        "kind": "touchpoint", "name": "Ada Lovelace", "path": "contacts/ada.md", "tier": 1,
        "date": "2026-05-02", "days_until": -30, "last_contact": "2026-04-02", "cadence_days": 30,
        "basis": "log", "age": None,
    }
    required = {"kind", "name", "path", "tier", "date", "days_until", "last_contact", "cadence_days"}
    assert all(required <= set(i) for i in items)
    cat = items[1]
    assert (cat["last_contact"], cat["cadence_days"], cat["tier"]) == ("2025-12-01", 180, 3)
    ivy = items[2]
    assert (ivy["last_contact"], ivy["tier"], ivy["basis"]) == (None, 3, "never")
    assert items[4]["cadence_days"] == 30  # 1m ≈ 30.44 days, rounded


def test_due_table(make_vault: VaultFactory, due: Runner) -> None:
    root = make_vault(FILES)
    code, out, err = due(root)
    assert (code, err) == (0, "")
    assert out == (
        "date        name          tier  why\n"
        "----------  ------------  ----  " + "-" * 79 + "\n"  # as wide as the widest `why`
        "2026-05-02  Ada Lovelace     1  2.0× cadence since last touch, 30 d overdue; last: Coffee 2026-04-02\n"
        "2026-05-30  Cat Jones        3  1.0× cadence since last touch, 2 d overdue; met 2025-12-01, no touchpoint since\n"
        "2026-06-01  Ivy Stone        3  never contacted: no log, no met date\n"
        "2026-06-03  Eve Adams        2  birthday in 2 d\n"
        "2026-06-05  Bob Smith        2  due in 4 d; last: Lunch 2026-05-05\n"
        "\n"
        "4 touchpoints (2 overdue) and 1 birthday in the next 7 days.\n"
    )


def test_due_within_widens_the_window(make_vault: VaultFactory, due: Runner) -> None:
    root = make_vault(FILES)
    code, out, _ = due(root, "--within", "30", "--json")
    assert code == 0
    names = [i["name"] for i in json.loads(out)]
    # + Fay (snooze ends 2026-06-20); Gus stays covered by his plan, Dan paused, Hal in October
    assert names == ["Ada Lovelace", "Cat Jones", "Ivy Stone", "Eve Adams", "Bob Smith", "Fay Wong"]
    code, out, _ = due(root, "--within", "30")
    assert "snooze ends 2026-06-20; last: Tea 2026-01-01" in out


def test_due_window_edge_is_inclusive(make_vault: VaultFactory, due: Runner) -> None:
    root = make_vault({
        "contacts/a.md": "---\ntier: 1\n---\n## Log\n- 2026-05-09 x\n",   # due 2026-06-08: +7
        "contacts/b.md": "---\ntier: 1\n---\n## Log\n- 2026-05-10 x\n",   # due 2026-06-09: +8
    })
    code, out, _ = due(root, "--json")
    assert [(i["name"], i["days_until"]) for i in json.loads(out)] == [("a", 7)]


def test_due_window_zero_is_today(make_vault: VaultFactory, due: Runner) -> None:
    root = make_vault(FILES)
    code, out, _ = due(root, "--within", "0", "--json")
    assert [i["name"] for i in json.loads(out)] == ["Ada Lovelace", "Cat Jones", "Ivy Stone"]


def test_due_birthday_with_year_and_feb_29(make_vault: VaultFactory, run_cli: Runner) -> None:
    root = make_vault({
        "contacts/leap.md": "---\nname: Leap Day\nbirthday: 2000-02-29\ncadence: 100y\nmet: 2026-01-01\n---\n",
    })
    code, out, _ = run_cli(["--vault", str(root), "--today", "2026-02-25", "due", "--json"])
    (item,) = json.loads(out)
    assert (item["kind"], item["date"], item["days_until"], item["age"]) == ("birthday", "2026-02-28", 3, 26)
    code, out, _ = run_cli(["--vault", str(root), "--today", "2026-02-25", "due"])
    assert "2026-02-28  Leap Day     3  birthday in 3 d, turns 26" in out


@pytest.mark.parametrize(("within", "line"), [
    ([], "Nobody is due in the next 7 days.\n"),
    (["--within", "0"], "Nobody is due today.\n"),
    (["--within", "1"], "Nobody is due today or tomorrow.\n"),
    (["--within", "30"], "Nobody is due in the next 30 days.\n"),
])
def test_due_empty_is_friendly(make_vault: VaultFactory, within: list[str], line: str, due: Runner) -> None:
    root = make_vault({"contacts/a.md": "---\ntier: 3\n---\n## Log\n- 2026-05-31 x\n"})
    code, out, err = due(root, *within)
    assert (code, out, err) == (0, line, "")


def test_due_empty_json_is_empty_list(make_vault: VaultFactory, due: Runner) -> None:
    root = make_vault({})
    assert due(root, "--json") == (0, "[]\n", "")


def test_due_with_vault_errors_prints_result_and_exits_1(make_vault: VaultFactory, due: Runner) -> None:
    files = dict(FILES)
    files["contacts/zed.md"] = "---\nname: Zed\ntier: 1\nmet: not-a-date\n---\n"
    files["contacts/broken.md"] = "---\nname: [unclosed\n---\n"
    root = make_vault(files)
    code, out, err = due(root, "--json")
    assert code == 1
    items = json.loads(out)  # stdout stays pure JSON
    # Zed's bad `met` is ignored; the rest of his file counts: never contacted, due today
    # (due today like Ivy, but tier 1 before tier 3)
    assert [i["name"] for i in items] == ["Ada Lovelace", "Cat Jones", "Zed", "Ivy Stone", "Eve Adams", "Bob Smith"]
    assert "contacts/zed.md:4:6: error[schema.date]" in err
    assert "contacts/broken.md" in err
    assert "error(s) in the vault" in err
    code, out, _ = due(root)
    assert code == 1 and out.startswith("date ")


def test_due_bad_within_is_usage_error(make_vault: VaultFactory, due: Runner) -> None:
    root = make_vault({})
    for bad in ("-1", "soon"):
        code, out, err = due(root, "--within", bad)
        assert code == 2 and "--within" in err and "Traceback" not in err


def test_due_options_after_the_command(make_vault: VaultFactory, run_cli: Runner) -> None:
    root = make_vault(FILES)
    code, out, _ = run_cli(["due", "--json", "--vault", str(root), "--today", "2026-05-01"])
    assert code == 0
    # on 2026-05-01: Ada due 2026-05-02 (+1), Ivy today, Fay snoozed; Gus overdue (due 03-31, plan
    # 06-10 is beyond 05-01 + 30d = 05-31)
    assert [(i["name"], i["days_until"]) for i in json.loads(out)] == [
        ("Gus Grey", -31), ("Ivy Stone", 0), ("Ada Lovelace", 1)]


def test_due_bad_today_is_usage_error(make_vault: VaultFactory, run_cli: Runner) -> None:
    root = make_vault({})
    code, _, err = run_cli(["--vault", str(root), "--today", "June 1st", "due"])
    assert code == 2 and "--today" in err


def test_due_no_vault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Runner) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(["due"])
    assert code == 2 and out == "" and "no netkit vault here" in err


def test_due_colour_only_on_a_tty(make_vault: VaultFactory, monkeypatch: pytest.MonkeyPatch, run_cli: Runner) -> None:
    root = make_vault(FILES)
    _, plain, _ = run_cli(["--vault", str(root), "--today", TODAY, "due"], color=True)
    assert "\x1b[" not in plain  # not a TTY: no colour even when click would keep it
    monkeypatch.setattr(diagnostics, "use_colour_for", lambda stream: True)
    _, coloured, _ = run_cli(["--vault", str(root), "--today", TODAY, "due"], color=True)
    rows = {strip_ansi(line)[12:26].strip(): line for line in coloured.splitlines()[2:7]}
    assert rows["Ada Lovelace"].startswith("\x1b[31m")  # overdue: red
    assert rows["Ivy Stone"].startswith("\x1b[33m")     # today: yellow
    assert rows["Eve Adams"].startswith("\x1b[35m")     # birthday: magenta
    assert "\x1b[" not in rows["Bob Smith"]             # upcoming: plain
    assert strip_ansi(coloured) == plain  # the same table under the colours


def test_due_help_mentions_options(run_cli: Runner) -> None:
    code, out, _ = run_cli(["due", "--help"])
    assert code == 0 and "--within" in out and "--json" in out
