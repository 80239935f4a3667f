"""`netkit index` through the CLI: summary, exit codes, idempotence, git-clean output."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import VaultFactory, run_cli

from netkit import pages

HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "fixtures" / "pages_vault"
GOLDEN = HERE / "golden" / "pages"
TODAY = "2026-11-22"
PAGE_NAMES = [p.filename for p in pages.PAGES]
CLEAN = {
    "contacts/ada.md": "---\nname: Ada Lovelace\ntier: 1\nemail: ada@example.com\n---\n# Ada\n\nNotes.\n\n"
                       "## Log\n- 2026-11-01 Coffee [channel:: in-person] [by:: me] [reply:: yes]\n",
}


def index(root: Path, *args: str, today: str = TODAY) -> tuple[int, str, str]:
    return run_cli(["--vault", str(root), "--today", today, "index", *args])


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


@pytest.fixture
def fixture_vault(tmp_path: Path) -> Path:
    root = tmp_path / "vault"
    shutil.copytree(FIXTURE, root)
    return root


def test_clean_vault_exit_0_and_summary(make_vault: VaultFactory) -> None:
    root = make_vault(CLEAN)
    code, out, err = index(root)
    assert code == 0, err
    assert out == ("indexed 1 contact; wrote 6 pages (Dashboard.md, Due.md, Health.md, Tiers.md, Review.md, "
                   "Network.md), 0 unchanged; 0 errors, 0 warnings\n")
    assert err == ""
    assert sorted(p.name for p in (root / "pages").iterdir()) == sorted(PAGE_NAMES)


def test_second_run_writes_nothing(make_vault: VaultFactory) -> None:
    root = make_vault(CLEAN)
    assert index(root)[0] == 0
    before = snapshot(root / "pages")
    code, out, _ = index(root)
    assert code == 0
    assert f"wrote 0 pages, {len(PAGE_NAMES)} unchanged" in out
    assert snapshot(root / "pages") == before  # same bytes, same mtimes: nothing rewritten
    assert not list((root / "pages").glob(".netkit-tmp-*"))


def test_vault_errors_still_render_pages_and_exit_1(fixture_vault: Path) -> None:
    code, out, err = index(fixture_vault)
    assert code == 1
    assert f"indexed 15 contacts; wrote {len(PAGE_NAMES)} pages" in out and "2 errors, 2 warnings" in out
    assert "contacts/broken-tier.md:3:7: error[schema.type]" in err
    for name in PAGE_NAMES:
        assert (fixture_vault / "pages" / name).read_bytes() == (GOLDEN / name).read_bytes()


def test_pages_folder_is_created_where_config_says(make_vault: VaultFactory) -> None:
    root = make_vault({**CLEAN, "netkit.yaml": "version: 1\npages: notes/summary\n"})
    assert index(root)[0] == 0
    dashboard = (root / "notes" / "summary" / "Dashboard.md").read_text(encoding="utf-8")
    assert "[[notes/summary/Due|Due]]" in dashboard
    assert not (root / "pages").exists()


def test_pages_can_live_in_the_vault_root(make_vault: VaultFactory) -> None:
    root = make_vault({**CLEAN, "netkit.yaml": "version: 1\npages: .\n", "Due.md": "# mine\n"})
    code, _, err = index(root)
    assert code == 1 and "Due.md:1:1: error[page.not-generated]" in err  # the user's file is kept
    assert (root / "Due.md").read_text(encoding="utf-8") == "# mine\n"
    assert "[[Health|Health]]" in (root / "Dashboard.md").read_text(encoding="utf-8")


def test_changing_one_contact_changes_only_the_pages_that_show_it(fixture_vault: Path) -> None:
    assert index(fixture_vault)[0] == 1
    before = snapshot(fixture_vault / "pages")
    # Alex Kim (work) is tier 3 and not due: the company is shown on Tiers.md only
    contact = fixture_vault / "contacts" / "work" / "alex-kim.md"
    contact.write_text(contact.read_text(encoding="utf-8").replace("company: Initrode", "company: Globex"),
                       encoding="utf-8")
    code, out, _ = index(fixture_vault)
    assert code == 1
    assert f"wrote 1 page (Tiers.md), {len(PAGE_NAMES) - 1} unchanged" in out
    after = snapshot(fixture_vault / "pages")
    changed = sorted(name for name in before if before[name] != after[name])
    assert changed == ["Tiers.md"]
    assert "| Globex |" in after["Tiers.md"][0].decode("utf-8")


def test_logging_a_touchpoint_moves_someone_off_the_due_pages(fixture_vault: Path) -> None:
    assert index(fixture_vault)[0] == 1
    grace = fixture_vault / "contacts" / "grace-hopper.md"
    grace.write_text(grace.read_text(encoding="utf-8") + "- 2026-11-20 Call [channel:: call] [by:: them]\n",
                     encoding="utf-8")
    _, out, _ = index(fixture_vault)
    assert "Dashboard.md" in out and "Due.md" in out
    due = (fixture_vault / "pages" / "Due.md").read_text(encoding="utf-8")
    overdue, rest = due.split("## Due this week")
    assert "## Overdue (2)" in overdue and "grace-hopper" not in overdue
    assert "[[contacts/grace-hopper\\|Grace Hopper]] | 1 | due in 28 d; last: Call 2026-11-20 |" in rest


def test_a_page_without_the_marker_is_not_overwritten(make_vault: VaultFactory) -> None:
    root = make_vault({**CLEAN, "pages/Due.md": "# My hand-written due list\n"})
    code, out, err = index(root)
    assert code == 1
    assert (root / "pages" / "Due.md").read_text(encoding="utf-8") == "# My hand-written due list\n"
    assert "pages/Due.md:1:1: error[page.not-generated]" in err
    assert "1 not written (Due.md)" in out
    assert (root / "pages" / "Dashboard.md").read_text(encoding="utf-8").startswith(pages.MARKER)


def test_a_broken_override_template_is_reported_and_other_pages_written(make_vault: VaultFactory) -> None:
    template = "# Health\n\nScore: {{ network.score }}\n{% for x in network.nope %}\n{% endfor %}\n"
    root = make_vault({**CLEAN, ".netkit/templates/health.md.j2": template})
    code, out, err = index(root)
    assert code == 1
    assert re.search(r"^\.netkit/templates/health\.md\.j2:4:1: error\[template\.error\]", err, re.MULTILINE), err
    assert not (root / "pages" / "Health.md").exists()
    assert sorted(p.name for p in (root / "pages").iterdir()) == sorted(set(PAGE_NAMES) - {"Health.md"})
    assert f"wrote {len(PAGE_NAMES) - 1} pages" in out and "1 not written (Health.md)" in out


def test_a_template_syntax_error_names_its_line(make_vault: VaultFactory) -> None:
    root = make_vault({**CLEAN, ".netkit/templates/tiers.md.j2": "# Tiers\n\n{% for t in tiers %}\n"})
    code, _, err = index(root)
    assert code == 1
    assert ".netkit/templates/tiers.md.j2:3:1: error[template.syntax]" in err or \
           ".netkit/templates/tiers.md.j2:4:1: error[template.syntax]" in err, err


def test_json_summary(fixture_vault: Path) -> None:
    code, out, err = index(fixture_vault, "--json")
    assert code == 1
    data = json.loads(out)
    assert data["contacts"] == 15 and data["errors"] == 2 and data["warnings"] == 2
    assert data["written"] == [f"pages/{name}" for name in PAGE_NAMES]
    assert data["unchanged"] == [] and data["failed"] == [] and data["diagnostics"] == []
    assert set(data["timings"]) == {"load", "compute", "render", "write"}
    again = json.loads(index(fixture_vault, "--json")[1])
    assert again["written"] == [] and len(again["unchanged"]) == len(PAGE_NAMES)


def test_no_vault_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = run_cli(["--vault", str(tmp_path), "index"])
    assert code == 2 and "not a netkit vault" in err


def _git(root: Path, *args: str) -> str:
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(root.parent), "GIT_AUTHOR_NAME": "t",
           "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    done = subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True, check=True)
    return done.stdout


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_second_run_leaves_git_clean(fixture_vault: Path) -> None:
    (fixture_vault / ".gitignore").write_text(".netkit/cache/\n.netkit/lock\n", encoding="utf-8")
    _git(fixture_vault, "init", "-q")
    assert index(fixture_vault)[0] == 1
    _git(fixture_vault, "add", "-A")
    _git(fixture_vault, "commit", "-q", "-m", "index")
    assert _git(fixture_vault, "status", "--porcelain") == ""
    _, out, _ = index(fixture_vault)
    assert "wrote 0 pages" in out
    assert _git(fixture_vault, "status", "--porcelain") == ""
