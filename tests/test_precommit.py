"""The pre-commit hook netkit ships, run the way pre-commit runs it: entry + args, cwd = repo."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "vault_template"
FIXTURE = ROOT / "tests" / "fixtures" / "obsidian_vault"
#: the running virtualenv's scripts folder (not resolved: the venv's python is a symlink)
BIN = Path(sys.executable).parent

BAD_CONTACT = "---\nname: Bad Person\ntier: one\n---\n# Bad Person\n"


def hook_definition() -> dict[str, Any]:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert isinstance(hooks, list)
    (hook,) = hooks
    return hook


def run_hook(hook: dict[str, Any], cwd: Path, filenames: list[str] = ()) -> subprocess.CompletedProcess[str]:  # type: ignore[assignment]
    """What pre-commit does: split ``entry``, add ``args`` (and file names if asked), run in ``cwd``."""
    if not (BIN / "netkit").exists():
        pytest.skip(f"the netkit console script is not installed in {BIN}")
    command = shlex.split(hook["entry"]) + list(hook.get("args", []))
    if hook.get("pass_filenames", True):
        command += filenames
    env = {k: v for k, v in os.environ.items() if k not in ("NETKIT_VAULT", "NO_COLOR")}
    env["PATH"] = os.pathsep.join([str(BIN), env.get("PATH", "")])
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False)


def copy_vault(source: Path, dest: Path) -> Path:
    shutil.copytree(source, dest)
    return dest


def test_the_hook_definition() -> None:
    hook = hook_definition()
    assert hook["id"] == "netkit-check"
    assert hook["entry"] == "netkit check"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False
    assert hook["always_run"] is False
    assert hook["files"] == r"\.(md|yaml)$"
    files = re.compile(hook["files"])
    for path in ("contacts/ada-lovelace.md", "netkit.yaml", "journal/2026-11-03.md", ".pre-commit-config.yaml"):
        assert files.search(path), path
    for path in ("pages/.gitkeep", "photos/ada.png", "notes.md.bak", "README.markdown"):
        assert not files.search(path), path


def test_hook_fails_the_commit_when_the_vault_has_an_error(tmp_path: Path) -> None:
    vault = copy_vault(TEMPLATE, tmp_path / "vault")
    (vault / "contacts" / "bad-person.md").write_text(BAD_CONTACT, encoding="utf-8")
    result = run_hook(hook_definition(), cwd=vault)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "contacts/bad-person.md:3:7: error[schema.type]" in result.stdout
    assert "Traceback" not in result.stderr


def test_hook_passes_a_clean_vault(tmp_path: Path) -> None:
    for source in (TEMPLATE, FIXTURE):
        vault = copy_vault(source, tmp_path / source.name)
        result = run_hook(hook_definition(), cwd=vault)
        assert result.returncode == 0, result.stdout + result.stderr


def test_hook_reports_merge_conflicts(tmp_path: Path) -> None:
    vault = copy_vault(TEMPLATE, tmp_path / "vault")
    ada = vault / "contacts" / "ada-lovelace.md"
    text = ada.read_text(encoding="utf-8").replace(
        "tier: 1\n", "<<<<<<< HEAD\ntier: 1\n=======\ntier: 2\n>>>>>>> theirs\n", 1)
    ada.write_text(text, encoding="utf-8")
    result = run_hook(hook_definition(), cwd=vault)
    assert result.returncode == 1
    assert "contacts/ada-lovelace.md:3:1: error[git.conflict]" in result.stdout


def test_hook_with_args_for_a_vault_in_a_subfolder(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    copy_vault(TEMPLATE, repo / "network")
    (repo / "network" / "contacts" / "bad-person.md").write_text(BAD_CONTACT, encoding="utf-8")
    hook = {**hook_definition(), "args": ["--vault", "network"]}
    assert run_hook(hook, cwd=repo).returncode == 1
    # without --vault, no netkit.yaml is found upward from the repository root: exit 2
    assert run_hook(hook_definition(), cwd=repo).returncode == 2


def test_the_template_config_runs_the_same_check(tmp_path: Path) -> None:
    config = yaml.safe_load((TEMPLATE / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    (repo,) = config["repos"]
    (hook,) = repo["hooks"]
    shipped = hook_definition()
    assert repo["repo"] == "local" and hook["language"] == "system"
    assert hook["id"] == shipped["id"] and hook["entry"] == shipped["entry"]
    assert hook["pass_filenames"] is False
    vault = copy_vault(TEMPLATE, tmp_path / "vault")
    assert run_hook(hook, cwd=vault).returncode == 0
    (vault / "contacts" / "bad-person.md").write_text(BAD_CONTACT, encoding="utf-8")
    assert run_hook(hook, cwd=vault).returncode == 1
