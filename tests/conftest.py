"""Shared test helpers: inline vaults and an in-process CLI runner.

* ``make_vault({"contacts/ada.md": "..."}) -> Path`` (fixture): a fresh vault folder with the
  given files (``str`` is written as UTF-8 exactly as given, no newline translation;
  ``bytes`` as is), a minimal ``netkit.yaml`` (``version: 1``) unless one is given, and an
  empty ``contacts/`` folder so a bare vault has no "missing folder" warning. Each call
  makes a new folder.
* ``insertion(old, new) -> (k, added)``: where ``new`` is ``old`` with bytes inserted at one
  place (the append-only tests), and ``reliability_counts``: the shared counter module of
  the reliability suites (``tests/hostile/reliability_counts.py``), loaded once.
* ``no_racy_window`` (fixture): the racy-timestamp margin set to 0, for tests of what
  netkit records about files they have just written.
* ``run_cli(args) -> (exit_code, stdout, stderr)``: ``netkit <args>`` through click's
  ``CliRunner`` on :data:`netkit.cli.cli`. Available as a fixture and importable
  (``from conftest import run_cli``). ``$NETKIT_VAULT`` and ``$NO_COLOR`` are cleared unless
  ``env`` sets them, so the developer's environment never leaks into a test.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import settings as hypothesis_settings

# CI must be reproducible: the same examples every run (a failure prints its blob to replay);
# locally, Hypothesis explores new examples each time.
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
hypothesis_settings.register_profile("dev", deadline=None)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "dev")

MINIMAL_CONFIG = "version: 1\n"

VaultFactory = Callable[[Mapping[str, "str | bytes"]], Path]
CliResult = tuple[int, str, str]


def write_vault(root: Path, files: Mapping[str, str | bytes]) -> Path:
    """Write ``files`` (vault-relative paths) under ``root``; return ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "contacts").mkdir(exist_ok=True)
    if "netkit.yaml" not in files:
        (root / "netkit.yaml").write_bytes(MINIMAL_CONFIG.encode("utf-8"))
    for rel, content in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return root


@pytest.fixture
def make_vault(tmp_path: Path) -> VaultFactory:
    """A factory of inline vaults (see the module docstring)."""
    counter = itertools.count(1)

    def make(files: Mapping[str, str | bytes]) -> Path:
        n = next(counter)
        return write_vault(tmp_path / ("vault" if n == 1 else f"vault-{n}"), files)

    return make


def run_cli(
    args: Sequence[str],
    *,
    input: str | bytes | None = None,
    env: Mapping[str, str | None] | None = None,
    color: bool = False,
) -> CliResult:
    """Run ``netkit <args>`` in-process; return ``(exit_code, stdout, stderr)``.

    Exceptions other than ``SystemExit`` propagate, so a crash fails the test with its
    traceback instead of hiding behind an exit code. ``color=True`` keeps ANSI codes that
    ``click.echo`` would strip from a non-terminal (combine it with a patched
    ``netkit.diagnostics.use_colour_for`` to test TTY output).
    """
    from netkit.cli import cli

    runner = CliRunner()
    full_env: dict[str, str | None] = {"NETKIT_VAULT": None, "NO_COLOR": None}
    if env:
        full_env.update(env)
    result = runner.invoke(cli, list(args), input=input, env=full_env, catch_exceptions=False,
                           prog_name="netkit", color=color)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(name="run_cli")
def _run_cli_fixture() -> Callable[..., CliResult]:
    """The :func:`run_cli` helper as a fixture."""
    return run_cli


@pytest.fixture
def no_racy_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """Records about files written moments ago are allowed: a test's files are seconds old
    at most, and without this the racy-timestamp rule (``cache.RACY_NS``) would rightly
    refuse to record anything about them. A module opts in with
    ``pytestmark = pytest.mark.usefixtures("no_racy_window")``."""
    from netkit import cache

    monkeypatch.setattr(cache, "RACY_NS", 0)


def append_text(path: Path, text: str) -> None:
    """Append ``text`` to the UTF-8 file at ``path`` (an edit as an editor saves it)."""
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def replace_text(path: Path, old: str, new: str) -> None:
    """Replace the first ``old`` in the UTF-8 file at ``path`` (which must hold it)."""
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def answer_outputs(root: Path, today: str, commands: Sequence[Sequence[str]]) -> list[tuple[int, str, str]]:
    """(exit code, stdout, stderr) of each command run on ``root`` as of ``today``; the
    timings of ``index --json`` (which vary from run to run) left out."""
    from netkit.cli import cli

    out = []
    for args in commands:
        result = CliRunner().invoke(cli, [*args, "--vault", str(root), "--today", today])
        stdout = result.stdout
        if args[0] == "index" and "--json" in args:
            data = json.loads(stdout)
            data.pop("timings")
            stdout = json.dumps(data)
        out.append((result.exit_code, stdout, result.stderr))
    return out


def insertion(old: bytes, new: bytes) -> tuple[int, bytes]:
    """``(k, added)`` such that ``new == old[:k] + added + old[k:]``; fail if there is none."""
    size = len(new) - len(old)
    assert size > 0, "nothing was added"
    prefix = 0
    while prefix < len(old) and old[prefix] == new[prefix]:
        prefix += 1
    for k in range(prefix, -1, -1):
        if new[:k] == old[:k] and new[k + size:] == old[k:]:
            return k, new[k:k + size]
    raise AssertionError("the new file is not the old one with bytes inserted at one place")


def _counts_module() -> Any:
    """``tests/hostile/reliability_counts.py``, loaded once under one name for every suite
    (``tests/hostile/conftest.py`` loads it under the same name)."""
    name = "netkit_reliability_counts"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).parent / "hostile" / "reliability_counts.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


#: the reliability suites' shared counters (a module: ``reliability_counts.publish(...)``)
reliability_counts = _counts_module()
