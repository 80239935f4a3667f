"""Measure ``netkit watch`` latency: from a contact file write to the updated page on disk.

Usage::

    python benchmarks/generate_vault.py /tmp/w10k --contacts 10000 --seed 1
    python benchmarks/watch_latency.py /tmp/w10k [--edits 20] [--debounce-ms 100]

``netkit watch`` runs as a subprocess (exactly as a user runs it: ``python -m netkit watch
--vault V --today 2026-11-22``). Each edit changes one tier-1 contact the way an editor
saves it (temp file + rename) and this separate process polls ``pages/Tiers.md`` every
millisecond until it changed. Two kinds of edit (``--edit``):

* ``log`` (default, the everyday edit): append a log entry dated 2026-11-01, -02, … to a
  contact last seen before November, so its "Last contact" cell changes every time;
* ``rename``: change the contact's ``name:`` (a name change also re-runs the loader's
  duplicate-name check over the whole vault).
 Between edits it waits for the watcher's
rebuild line and a short pause, so every edit starts from an idle watcher. The latency
therefore includes event delivery, the debounce, re-parsing, computing, rendering and
writing. The contact file is restored at the end (and on Ctrl-C).

Prints the per-edit latencies, the median and p90, and the watcher's own per-rebuild times.
"""

from __future__ import annotations

import argparse
import os
import queue
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

TODAY = "2026-11-22"
REPO = Path(__file__).resolve().parent.parent
REBUILD_LINE = re.compile(r"^\[\d\d:\d\d:\d\d\] \+\d+ ~\d+ -\d+ .* · (\d+) ms(?: \((.*) ms\))?$")


def pick_contact(vault: Path) -> Path:
    """The first tier-1 contact file (sorted) whose log ends before November 2026."""
    for path in sorted((vault / "contacts").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        dates = re.findall(r"^- (\d{4}-\d\d-\d\d) ", text, re.M)
        if re.search(r"^tier: 1$", text, re.M) and dates and max(dates) < "2026-11-01" and text.endswith("\n"):
            return path
    raise SystemExit(f"no suitable tier-1 contact in {vault}/contacts")


def edited(original: str, kind: str, i: int) -> tuple[str, bytes | None]:
    """The new file text, and bytes the page must then contain (None: any change)."""
    if kind == "rename":
        name = f"Aaron Bench {i:02d}"
        return renamed(original, name), name.encode()
    return original + f"- 2026-11-{i + 1:02d} Benchmark call [channel:: call] [by:: me]\n", None


def renamed(original: str, name: str) -> str:
    """The file with its front-matter ``name:`` replaced."""
    out, n = re.subn(r"^name: .*$", f"name: {name}", original, count=1, flags=re.M)
    if n != 1:
        raise SystemExit("the contact has no `name:` line")
    return out


def atomic_write(path: Path, text: str | bytes) -> None:
    """Save like an editor: write a temp file next to ``path``, then rename it over ``path``.

    ``bytes`` are written as they are (to restore a file byte for byte).
    """
    tmp = path.with_name(f".{path.name}.swp")
    if isinstance(text, bytes):
        tmp.write_bytes(text)
    else:
        tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, int(-(-pct * len(ordered) // 100)))
    return ordered[rank - 1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("vault", type=Path)
    ap.add_argument("--edits", type=int, default=20, help="at most 20 with --edit log")
    ap.add_argument("--debounce-ms", type=int, default=100)
    ap.add_argument("--edit", choices=["log", "rename"], default="log")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for one page update")
    args = ap.parse_args()
    if args.edit == "log" and not 1 <= args.edits <= 20:
        ap.error("--edit log makes at most 20 edits (one log date per day, 2026-11-01..20)")
    vault: Path = args.vault.resolve()
    tiers = vault / "pages" / "Tiers.md"
    target = pick_contact(vault)
    original = target.read_text(encoding="utf-8")

    env = dict(os.environ, NO_COLOR="1", PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.pop("NETKIT_VAULT", None)
    cmd = [sys.executable, "-m", "netkit", "watch", "--vault", str(vault), "--today", TODAY,
           "--debounce", str(args.debounce_ms), "--timings"]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    lines: queue.Queue[str] = queue.Queue()

    def reader() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line.rstrip("\n"))

    threading.Thread(target=reader, daemon=True).start()

    def next_line(pattern: str) -> str:
        deadline = time.monotonic() + args.timeout
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=0.5)
            except queue.Empty:
                if proc.poll() is not None:
                    raise SystemExit(f"netkit watch exited with {proc.returncode}") from None
                continue
            if re.search(pattern, line):
                return line
        raise SystemExit(f"timed out waiting for {pattern!r}")

    latencies: list[float] = []
    rebuild_ms: list[int] = []
    stages: dict[str, list[int]] = {}
    try:
        next_line(r"^Watching ")
        startup = time.perf_counter() - started
        time.sleep(1.0)  # let the initial build's own events drain
        for i in range(args.edits):
            text, needle = edited(original, args.edit, i)
            before = tiers.read_bytes()
            atomic_write(target, text)
            t0 = time.perf_counter()
            deadline = t0 + args.timeout
            while True:
                try:
                    now = tiers.read_bytes()
                    if now != before and (needle is None or needle in now):
                        break
                except OSError:
                    pass
                if time.perf_counter() > deadline:
                    raise SystemExit(f"edit {i}: the page did not update within {args.timeout} s")
                time.sleep(0.001)
            latencies.append(time.perf_counter() - t0)
            m = REBUILD_LINE.match(next_line(r"~1 "))
            if m:
                rebuild_ms.append(int(m.group(1)))
                for part in (m.group(2) or "").split(", "):
                    if part:
                        stage, value = part.rsplit(" ", 1)
                        stages.setdefault(stage, []).append(int(value))
            time.sleep(0.3)
    finally:
        atomic_write(target, original)
        try:
            next_line(r"~1 ")
        except SystemExit:
            pass
        proc.send_signal(2)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()

    ms = [v * 1000 for v in latencies]
    print(f"vault: {vault} ({sum(1 for _ in (vault / 'contacts').rglob('*.md'))} contact files)")
    print(f"command: {' '.join(cmd[1:])}   edit: {args.edit}")
    print(f"startup (initial index until 'Watching'): {startup:.2f} s")
    print("latencies (ms): " + " ".join(f"{v:.0f}" for v in ms))
    print(f"edits: {len(ms)}  median: {statistics.median(ms):.0f} ms  p90: {percentile(ms, 90):.0f} ms  "
          f"min: {min(ms):.0f} ms  max: {max(ms):.0f} ms  (debounce {args.debounce_ms} ms included)")
    if rebuild_ms:
        detail = ", ".join(f"{k} {statistics.median(v):.0f}" for k, v in stages.items())
        print(f"watcher's own rebuild time: median {statistics.median(rebuild_ms):.0f} ms"
              + (f" (medians per stage: {detail} ms)" if detail else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
