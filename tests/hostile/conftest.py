"""Helpers for the hostile-input suite (tests/hostile/).

Every hostile case builds a vault holding two good contacts (Ada, Grace) next to one hostile
file, runs the CLI, and checks the same four things: a diagnostic with a real position,
exit code 1, no traceback, and the good contacts still indexed (see :func:`assert_hostile`).

A note on the module name: pytest imports every ``conftest.py`` that is not in a package
under the one module name ``conftest``, so loading this file would hide ``tests/conftest.py``
from test modules that do ``from conftest import run_cli``. To keep those imports working
whichever file owns the name, the public names of ``tests/conftest.py`` are re-exported here
(the root file is loaded once more under a private module name; it only defines helpers).
"""

from __future__ import annotations

import importlib.util
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest


def _load(name: str, path: Path) -> Any:
    """Import the file ``path`` as module ``name`` (works in any pytest import mode)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


HERE = Path(__file__).resolve().parent
reliability_counts = _load("netkit_reliability_counts", HERE / "reliability_counts.py")
_root = _load("_netkit_root_conftest", HERE.parent / "conftest.py")
# re-export the root helpers (not its fixtures: pytest already registers those from the root)
globals().update({name: value for name, value in vars(_root).items()
                  if not name.startswith("_") and name not in globals()
                  and type(value).__name__ != "FixtureFunctionDefinition"})
run_cli = _root.run_cli

TODAY = "2026-06-01"
_SESSION_STARTED = time.time()

ADA = (
    "---\nname: Ada Lovelace\ntier: 1\ntags: [mentor]\n---\n# Ada Lovelace\n\n"
    "## Log\n- 2026-05-01 Coffee [channel:: in-person] [by:: me]\n"
)
GRACE = "---\nname: Grace Hopper\ntier: 2\n---\n# Grace Hopper\n\n## Log\n- 2026-04-01 Call [channel:: call]\n"
GOOD: dict[str, str | bytes] = {"contacts/ada.md": ADA, "contacts/grace.md": GRACE}
GOOD_PATHS = frozenset(GOOD)


# ----------------------------------------------------------------------------- CLI


def cli(root: Path, *args: str) -> tuple[int, str, str]:
    """``netkit --vault ROOT --today TODAY ARGS`` in-process."""
    return run_cli(["--vault", str(root), "--today", TODAY, *args])


def check_json(root: Path, *extra: str) -> tuple[int, dict[str, Any], str]:
    """``netkit check --format json``: (exit code, parsed JSON, stderr)."""
    code, out, err = cli(root, "check", "--format", "json", *extra)
    assert_no_traceback(out, err)
    return code, json.loads(out), err


def assert_no_traceback(*streams: str) -> None:
    for text in streams:
        assert "Traceback (most recent call last)" not in text, text[-2000:]
        assert "internal error" not in text, text[-2000:]


def diags_for(data: Mapping[str, Any], path: str, code: str | None = None) -> list[dict[str, Any]]:
    return [d for d in data["diagnostics"] if d["path"] == path and (code is None or d["code"] == code)]


def assert_position(diag: Mapping[str, Any], line: int | None, column: int | None) -> None:
    """Lines and columns are 1-based; when the case knows them, they must match exactly."""
    assert isinstance(diag["line"], int) and diag["line"] >= 1, diag
    assert isinstance(diag["column"], int) and diag["column"] >= 1, diag
    if line is not None:
        assert diag["line"] == line, diag
    if column is not None:
        assert diag["column"] == column, diag


def assert_good_contacts_indexed(root: Path, data: Mapping[str, Any], expected_contacts: int) -> None:
    """The good contacts are indexed by `check` and listed by `list --json` (exit 1 there too
    when the vault has errors, JSON still on stdout)."""
    assert data["contacts"] == expected_contacts, data
    code, out, err = cli(root, "list", "--json")
    assert_no_traceback(out, err)
    listed = {c["path"] for c in json.loads(out)}
    assert listed >= GOOD_PATHS, listed
    assert code == (1 if data["errors"] else 0), (code, err)


def assert_hostile(
    root: Path,
    path: str,
    code: str,
    *,
    line: int | None = None,
    column: int | None = None,
    indexed: bool = False,
    strict: bool = False,
    message: str | None = None,
) -> dict[str, Any]:
    """The four promises for one hostile file at ``path``; returns the matching diagnostic.

    ``indexed``: the hostile file is itself still a contact (only a field was bad).
    ``strict``: the diagnostic is a warning, so exit 1 needs ``--strict``.
    """
    exit_code, data, err = check_json(root, *(["--strict"] if strict else []))
    assert exit_code == 1, (exit_code, data, err)
    found = diags_for(data, path, code)
    assert found, f"no {code} diagnostic for {path}: {data['diagnostics']}"
    assert_position(found[0], line, column)
    assert found[0]["severity"] == ("warning" if strict else "error")
    if message is not None:
        assert message in found[0]["message"], found[0]
    assert not [d for d in data["diagnostics"] if d["path"] in GOOD_PATHS and d["severity"] == "error"]
    assert_good_contacts_indexed(root, data, len(GOOD_PATHS) + (1 if indexed else 0))
    # the text format names the place like a compiler: path:line:column
    _, out, err = cli(root, "check")
    assert_no_traceback(out, err)
    assert f"{path}:{found[0]['line']}:{found[0]['column']}: " in out
    return found[0]


@pytest.fixture
def hostile_vault(make_vault: Any) -> Any:
    """``hostile_vault({"contacts/x.md": b"..."})``: the good contacts plus the given files."""

    def make(files: Mapping[str, str | bytes]) -> Path:
        root: Path = make_vault({**GOOD, **files})
        return root

    return make


def run_subprocess(args: list[str], *, timeout: float = 20, cwd: Path | None = None,
                   stack_bytes: int | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m netkit ARGS`` as a real process (for inputs that could kill the interpreter).

    ``stack_bytes`` pins the C stack size (the usual 8 MB default) so a stack overflow does
    not depend on the machine's ``ulimit -s``."""
    env = {k: v for k, v in os.environ.items() if k not in ("NETKIT_VAULT", "NETKIT_DEBUG")}
    env["NO_COLOR"] = "1"

    def limit_stack() -> None:
        if stack_bytes is not None:
            resource.setrlimit(resource.RLIMIT_STACK, (stack_bytes, stack_bytes))

    return subprocess.run([sys.executable, "-m", "netkit", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=cwd, env=env, preexec_fn=limit_stack)


# --------------------------------------------------------------------------- counts


class Counter:
    """Counts the hostile inputs a test tried; see :func:`counted`."""

    def __init__(self) -> None:
        self.inputs = 0

    def add(self, n: int = 1) -> None:
        self.inputs += n


@pytest.fixture
def counted(request: pytest.FixtureRequest) -> Iterator[Counter]:
    """A per-test counter published as ``hostile.<module>::<test id>`` (per test, so the
    numbers add up the same with or without pytest-xdist)."""
    counter = Counter()
    yield counter
    if counter.inputs:
        module = Path(str(request.node.path)).stem
        reliability_counts.publish(f"hostile.{module}::{request.node.name}", {"inputs_tried": counter.inputs})


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print the reliability counts recorded during this session."""
    lines = reliability_counts.summary_lines(_SESSION_STARTED)
    if lines:
        terminalreporter.section("netkit reliability counts")
        for line in lines:
            terminalreporter.write_line(line)
