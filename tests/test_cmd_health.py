"""``netkit health``: the terminal report, ``--json``, and vaults with errors."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from netkit import quality

VaultFactory = Callable[[Mapping[str, "str | bytes"]], Path]
RunCli = Callable[..., tuple[int, str, str]]

TODAY = "2026-11-22"

ADA = """\
---
name: Ada Lovelace
tier: 1
industry: computing
met: 2024-05-01
---
# Ada Lovelace

**Goals:** publish the book. **Challenges:** funding depends on one patron.

## Log
- 2026-08-20 Coffee [channel:: in-person] [by:: them] [gave:: feedback]
- 2026-09-20 Sent the article [channel:: email] [by:: me] [reply:: yes] [got:: advice]
"""

BOB = """\
---
name: Bob Smith
tier: 3
industry: computing
---
# Bob Smith

## Log
- 2026-06-01 Ping [channel:: email] [by:: me] [reply:: no]
- 2026-07-01 Ping [channel:: email] [by:: me] [reply:: no]
- 2026-08-01 Ping [channel:: email] [by:: me] [reply:: no]
- 2026-09-01 Ping [channel:: email] [by:: me] [reply:: no]
- 2026-10-01 Ping [channel:: email] [by:: me] [reply:: no]
"""

PAUSED = """\
---
name: Paula Paused
status: paused
---
## Log
- 2026-11-01 Call [channel:: call] [by:: them]
"""

NEW = """\
---
name: Nina New
tier: 2
met: 2026-11-20
---
"""

BROKEN = """\
---
name: [unclosed
---
"""


@pytest.fixture
def vault(make_vault: VaultFactory) -> Path:
    return make_vault({
        "contacts/ada.md": ADA,
        "contacts/bob.md": BOB,
        "contacts/paula.md": PAUSED,
        "contacts/nina.md": NEW,
    })


def test_json_is_the_design_shape_and_only_json(vault: Path, run_cli: RunCli) -> None:
    code, out, err = run_cli(["health", "--json", "--vault", str(vault), "--today", TODAY])
    assert code == 0, err
    data = json.loads(out)
    assert set(data) >= {"network", "contacts"}
    contacts = {c["name"]: c for c in data["contacts"]}
    assert set(contacts) == {"Ada Lovelace", "Bob Smith", "Paula Paused", "Nina New"}
    for c in data["contacts"]:
        assert {"name", "path", "tier", "strength", "indicators", "flags"} <= set(c)
        assert 0 <= c["strength"] <= 100
        assert list(c["indicators"]) == list(quality.INDICATORS)
        assert all(v is None or 0 <= v <= 1 for v in c["indicators"].values())
        assert isinstance(c["flags"], list)
    assert "unanswered" in contacts["Bob Smith"]["flags"]
    assert contacts["Nina New"]["flags"] == ["never-contacted"] and contacts["Nina New"]["strength"] == 0
    assert contacts["Nina New"]["indicators"] == dict.fromkeys(quality.INDICATORS)
    # paused: listed with a strength, but not counted in the network
    assert contacts["Paula Paused"]["strength"] > 0
    network = data["network"]
    assert network["size"]["active"] == 3 and network["size"]["paused"] == 1
    assert network["inbound"]["touchpoints"] == 0  # Paula's call does not count
    assert 0 <= network["score"] <= 100
    assert any(a["text"] == "Let Bob Smith fade: 5 unanswered messages" for a in network["actions"])


def test_text_report(vault: Path, run_cli: RunCli) -> None:
    code, out, err = run_cli(["--vault", str(vault), "health", "--today", TODAY])
    assert code == 0, err
    assert out.startswith("Network health ")
    for heading in ("What is good", "Needs attention", "actions", "Weakest relationships"):
        assert heading in out
    assert "Let Bob Smith fade: 5 unanswered messages" in out
    assert "(1 active contact never contacted: strength 0, not listed)" in out
    table = out[out.index("Weakest relationships"):].splitlines()
    assert table[1].split() == ["Name", "Tier", "Strength", "Recency", "Freq", "Recip", "Resp", "Depth", "Flags"]
    assert table[3].split()[:2] == ["Bob", "Smith"]  # the weakest first
    assert "\x1b[" not in out  # no colour when not a terminal


def test_today_changes_the_result(vault: Path, run_cli: RunCli) -> None:
    _, early, _ = run_cli(["health", "--json", "--vault", str(vault), "--today", "2026-09-21"])
    _, late, _ = run_cli(["health", "--json", "--vault", str(vault), "--today", "2027-06-01"])
    def ada(out: str) -> dict[str, object]:
        return next(c for c in json.loads(out)["contacts"] if c["name"] == "Ada Lovelace")
    assert ada(early)["strength"] > ada(late)["strength"]  # type: ignore[operator]
    assert "overdue" in ada(late)["flags"]  # type: ignore[operator]


def test_vault_errors_results_for_the_valid_part_errors_on_stderr_exit_1(
    make_vault: VaultFactory, run_cli: RunCli
) -> None:
    root = make_vault({"contacts/ada.md": ADA, "contacts/broken.md": BROKEN})
    code, out, err = run_cli(["health", "--json", "--vault", str(root), "--today", TODAY])
    assert code == 1
    data = json.loads(out)  # stdout is still pure JSON
    assert [c["name"] for c in data["contacts"]] == ["Ada Lovelace"]
    assert "contacts/broken.md" in err and "error" in err
    code, out, err = run_cli(["health", "--vault", str(root), "--today", TODAY])
    assert code == 1 and out.startswith("Network health") and "contacts/broken.md" in err


def test_bad_quality_settings_use_defaults_and_are_reported(make_vault: VaultFactory, run_cli: RunCli) -> None:
    root = make_vault({
        "netkit.yaml": "version: 1\nquality:\n  weights: {recency: -2}\n  growth_band: [1, 2]\n",
        "contacts/ada.md": ADA,
    })
    code, out, err = run_cli(["health", "--json", "--vault", str(root), "--today", TODAY])
    assert code == 1
    assert "netkit.yaml:1:1: error[config.type]: quality: weight `recency` -2" in err
    data = json.loads(out)
    assert data["settings"]["weights"]["recency"] == 0.25
    assert data["settings"]["growth_band"] == [1, 2]


def test_custom_weights_apply(make_vault: VaultFactory, run_cli: RunCli) -> None:
    only_depth = "version: 1\nquality:\n  weights: {recency: 0, frequency: 0, reciprocity: 0, responsiveness: 0, depth: 1}\n"
    root = make_vault({"netkit.yaml": only_depth, "contacts/ada.md": ADA})
    code, out, err = run_cli(["health", "--json", "--vault", str(root), "--today", TODAY])
    assert code == 0, err
    ada = json.loads(out)["contacts"][0]
    assert ada["strength"] == pytest.approx(100 * ada["indicators"]["depth"], abs=0.1)


def test_empty_vault(make_vault: VaultFactory, run_cli: RunCli) -> None:
    root = make_vault({})
    code, out, err = run_cli(["health", "--vault", str(root), "--today", TODAY])
    assert code == 0, err
    assert out.startswith("Network health: no active contacts yet")
    code, out, _ = run_cli(["health", "--json", "--vault", str(root), "--today", TODAY])
    assert code == 0 and json.loads(out)["network"]["score"] is None


def test_no_vault_is_a_usage_error(tmp_path: Path, run_cli: RunCli) -> None:
    code, out, err = run_cli(["health", "--vault", str(tmp_path / "nowhere")])
    assert code == 2 and out == "" and "not a netkit vault" in err


def test_help_mentions_the_docs(run_cli: RunCli) -> None:
    code, out, _ = run_cli(["health", "--help"])
    assert code == 0 and "--json" in out and "docs/quality.md" in out
