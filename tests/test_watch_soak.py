"""Soak test for ``netkit watch`` (slow: not run by default; ``pytest -m slow``).

30 s of saves every 10 ms to one contact while two 1,000-file checkouts (A → B → A) land
in the middle; memory must stay flat (tracemalloc, compared at the same vault state before
and after the checkouts) and the final pages must equal a cold ``netkit index``.
"""

from __future__ import annotations

import datetime as dt
import gc
import importlib.util
import shutil
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest

from netkit import pipeline
from netkit.watch import RebuildReport, Watcher

TODAY = dt.date(2026, 11, 22)
SOAK_SECONDS = 30.0
SAVE_EVERY = 0.010
ROOT = Path(__file__).resolve().parent.parent

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore:Callback with id:RuntimeWarning")]


def _generator() -> object:
    spec = importlib.util.spec_from_file_location("generate_vault", ROOT / "benchmarks" / "generate_vault.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read_pages(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / "pages").glob("*.md"))}


def cold_index_pages(root: Path, tmp: Path) -> dict[str, bytes]:
    copy = tmp / f"cold-{time.monotonic_ns()}"
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns("pages", ".netkit"))
    pipeline.run_index(copy, TODAY)
    return read_pages(copy)


def checkout(source: Path, vault: Path, keep: str) -> None:
    """Make ``vault/contacts`` look like ``source/contacts`` (except ``keep``), as git would:
    delete what is not in the target, then write every target file."""
    wanted = {p.relative_to(source).as_posix() for p in (source / "contacts").rglob("*.md")}
    for path in (vault / "contacts").rglob("*.md"):
        rel = path.relative_to(vault).as_posix()
        if rel not in wanted and rel != keep:
            path.unlink()
    for rel in sorted(wanted):
        target = vault / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / rel, target)


def editor_text(i: int) -> str:
    return (f"---\nname: Soak Editor\ntier: 1\ncompany: Save {i}\n---\n# Soak Editor\n\n"
            f"## Log\n- 2026-11-{1 + i % 20:02d} Save number {i} [channel:: call]\n")


#: the editor, in its own process so that its 10 ms rhythm does not depend on our GIL
SAVER = """
import os, sys, time
target, seconds, every = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
tmp = os.path.join(os.path.dirname(target), ".editor.md.swp")
n, end = 0, time.monotonic() + seconds
while time.monotonic() < end:
    n += 1
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(f"---\\nname: Soak Editor\\ntier: 1\\ncompany: Save {n}\\n---\\n# Soak Editor\\n\\n"
                 f"## Log\\n- 2026-11-{1 + n % 20:02d} Save number {n} [channel:: call]\\n")
    os.replace(tmp, target)  # an editor's atomic save
    time.sleep(every)
print(n)
"""


def test_soak_saves_and_checkouts(tmp_path: Path) -> None:
    gen = _generator()
    state_a, state_b, vault = tmp_path / "a", tmp_path / "b", tmp_path / "vault"
    gen.generate(state_a, 1000, 1, log_entries=5)  # type: ignore[attr-defined]
    gen.generate(state_b, 1000, 2, log_entries=5)  # type: ignore[attr-defined]
    shutil.copytree(state_a, vault)
    keep = "contacts/soak/editor.md"
    (vault / "contacts/soak").mkdir()
    (vault / keep).write_text(editor_text(0), encoding="utf-8")

    samples: list[tuple[float, int]] = []  # (seconds since start, traced bytes) after rebuilds
    started = time.monotonic()

    def on_report(report: RebuildReport) -> None:
        gc.collect()  # measure live objects, not garbage waiting for the collector
        samples.append((time.monotonic() - started, tracemalloc.get_traced_memory()[0]))

    errors: list[BaseException] = []
    tracemalloc.start()
    watcher = Watcher(vault, clock=lambda: TODAY, debounce=0.1, on_report=on_report, on_error=errors.append)
    try:
        assert watcher.start() is not None
        started = time.monotonic()
        saver = subprocess.Popen([sys.executable, "-c", SAVER, str(vault / keep), str(SOAK_SECONDS), str(SAVE_EVERY)],
                                 stdout=subprocess.PIPE, text=True)
        while time.monotonic() - started < SOAK_SECONDS / 3:
            time.sleep(0.1)
        checkout(state_b, vault, keep)  # ~2,000 changes: 1,000 deleted, 1,000 created
        while time.monotonic() - started < 2 * SOAK_SECONDS / 3:
            time.sleep(0.1)
        checkout(state_a, vault, keep)  # and back
        out, _ = saver.communicate(timeout=SOAK_SECONDS + 60)
        assert saver.returncode == 0
        saves = int(out)

        expected = cold_index_pages(vault, tmp_path)
        deadline = time.monotonic() + 120
        while read_pages(vault) != expected:
            assert time.monotonic() < deadline, "pages never matched a cold index"
            time.sleep(0.05)
        assert watcher.wait_for_idle(timeout=120)
        assert read_pages(vault) == expected
        assert watcher.alive and not errors, errors
        assert saves > SOAK_SECONDS / SAVE_EVERY / 3  # the editor really kept saving

        # memory: the same vault state (A, plus the editor's saves) early and late
        early = [b for t, b in samples if SOAK_SECONDS * 0.1 <= t < SOAK_SECONDS / 3]
        late = [b for t, b in samples if SOAK_SECONDS * 0.75 <= t < SOAK_SECONDS]
        assert len(early) >= 3 and len(late) >= 3, (len(early), len(late), watcher.rebuilds)
        growth = statistics.median(late) - statistics.median(early)
        print(f"soak: {saves} saves, {watcher.rebuilds} rebuilds, traced memory "
              f"{statistics.median(early) / 1e6:.1f} MB -> {statistics.median(late) / 1e6:.1f} MB")
        assert growth < max(5e6, 0.1 * statistics.median(early)), f"memory grew by {growth / 1e6:.1f} MB"
    finally:
        watcher.stop()
        tracemalloc.stop()
