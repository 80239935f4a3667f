"""The docs stay true: CLI reference in sync, every diagnostic code documented, README == CI."""

from __future__ import annotations

import re
from pathlib import Path

import click

from netkit import clidoc
from netkit.cli import COMMANDS, cli

ROOT = Path(__file__).resolve().parent.parent
CODE_RE = re.compile(r"\"((?:yaml|frontmatter|file|git|schema|log|index|config|link|page|template|import|cache|note)\.[a-z][a-z-]*)\"")


def test_cli_reference_is_up_to_date() -> None:
    expected = clidoc.render()
    actual = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert actual == expected, "docs/cli.md is stale: run `python -m netkit.clidoc > docs/cli.md`"


def test_every_command_has_help_and_docs() -> None:
    ctx = click.Context(cli, info_name="netkit")
    reference = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for name in cli.list_commands(ctx):
        command = cli.get_command(ctx, name)
        assert command is not None and command.help, f"netkit {name} has no help text"
        assert f"## netkit {name}" in reference
        assert COMMANDS[name][1], f"netkit {name} has no one-line summary"


def test_every_diagnostic_code_is_documented() -> None:
    documented = (ROOT / "docs" / "diagnostics.md").read_text(encoding="utf-8")
    codes: set[str] = set()
    for path in (ROOT / "netkit").rglob("*.py"):
        codes.update(CODE_RE.findall(path.read_text(encoding="utf-8")))
    missing = sorted(c for c in codes if f"`{c}`" not in documented)
    assert not missing, f"undocumented diagnostic codes: {missing}"


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```sh\n(.+?)\n```", text)[:2]


def test_readme_starts_with_the_two_fresh_machine_commands() -> None:
    install_demo, install_test = _readme_commands()
    assert "pip install -e ." in install_demo and "netkit init demo --demo" in install_demo
    assert "netkit index --vault demo" in install_demo
    assert "'.[test]'" in install_test


def test_ci_runs_the_readme_test_command() -> None:
    _, install_test = _readme_commands()
    test_command = install_test.split("&&")[-1].strip()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci.splitlines(), f"CI does not run `{test_command}`"
    assert "pip install --quiet -e '.[test]'" in ci
    assert "ruff check" in ci and "mypy netkit" in ci
