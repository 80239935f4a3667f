"""Time the everyday commands on a large vault: warm, and right after one ``netkit log``.

Usage::

    python benchmarks/generate_vault.py /tmp/v10k --contacts 10000 --seed 1
    python benchmarks/commands.py /tmp/v10k [--runs 5] [--copy-to /tmp/netkit-commands]

The vault is copied first (the script appends log entries and writes the cache and the
pages; the original is never touched). ``netkit index`` then runs twice, more than two
seconds apart, so that its records hold (a file younger than the racy-timestamp margin is
not trusted on its stat). Each command then runs ``--runs`` times as a fresh process
(``python -m netkit …``, netkit byte-compiled first, as ``run.py`` does) in two states:

* **warm**: nothing changed since that ``index``;
* **after log**: one ``netkit log`` appended an entry to the first contact (by path) just
  before each run, as a user does between two commands — the records of the last
  ``index`` are then stale for that one file.

Prints a Markdown table: the median wall time and the peak memory (RSS) of each command
in each state. There is no target here: these are the numbers of ``docs/performance.md``'s
"Everyday commands" table.
"""

from __future__ import annotations

import argparse
import compileall
import os
import re
import shutil
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))
from run import run_process  # noqa: E402

#: seconds one command may take before it is killed (a 100,000-contact health --json: ~15)
TIMEOUT = 1800.0
TODAY = "2026-11-22"
COMMANDS = [
    ["check"],
    ["due"],
    ["due", "--within", "60"],
    ["list"],
    ["show", "{stem}"],
    ["log", "{stem}", "Benchmark call", "--date", "2026-11-20"],
    ["health"],
    ["health", "--json"],
]


def netkit(*args: str) -> list[str]:
    """The command line of a fresh netkit process."""
    return [sys.executable, "-m", "netkit", *args]


def run(argv: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall time and peak RSS (bytes) of one process (run.py's runner: its own rusage, and
    stderr in a file, never a pipe that could fill up); it must succeed."""
    # cwd: `python -m` puts the working folder first on sys.path; it must be this checkout
    result = run_process(argv, env=env, cwd=REPO, timeout=TIMEOUT)
    if not result.ok:
        raise SystemExit(f"{' '.join(argv)} {result.describe_failure()}")
    return result.wall, result.maxrss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("vault", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--copy-to", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "netkit-commands")
    args = parser.parse_args()

    compileall.compile_dir(str(REPO / "netkit"), quiet=1)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    vault = args.copy_to
    shutil.rmtree(vault, ignore_errors=True)
    shutil.copytree(args.vault, vault, ignore=shutil.ignore_patterns(".netkit", "pages"))
    first = min((vault / "contacts").rglob("*.md"))
    stem = first.stem
    if not re.search(r"^name: ", first.read_text(encoding="utf-8"), re.M):
        raise SystemExit(f"{first} has no name")
    common = ["--vault", str(vault), "--today", TODAY]
    print(f"vault: {args.vault} (copied to {vault}); contact edited: {first.relative_to(vault)}")

    def index() -> None:
        run(netkit("index", *common), env)
        time.sleep(2.2)  # the records need files older than the racy margin (2 s)
        run(netkit("index", *common), env)

    results: dict[tuple[str, str], tuple[float, int]] = {}
    dirty = True  # the vault changed since the last index
    for state in ("warm", "after log"):
        for command in COMMANDS:
            argv = [part.format(stem=stem) for part in command]
            label = " ".join(argv).replace(stem, "NAME")
            walls, peaks = [], []
            for i in range(args.runs):
                if dirty or (state == "after log" and i == 0):
                    index()
                    dirty = False
                if state == "after log":
                    run(netkit("log", stem, f"Edit {i}", "--date", "2026-11-19", *common), env)
                    dirty = True
                wall, peak = run(netkit(*argv, *common), env)
                walls.append(wall)
                peaks.append(peak)
                dirty = dirty or argv[0] == "log"  # the measured `log` edited the vault too
            results[(label, state)] = (statistics.median(walls), max(peaks))
            print(f"  {state:9} {label:28} {statistics.median(walls):7.3f} s  {max(peaks) / 1e6:6.0f} MB",
                  flush=True)

    print()
    print("| command | warm | after one `netkit log` |")
    print("|---|---|---|")
    for command in COMMANDS:
        label = " ".join(part.format(stem=stem) for part in command).replace(stem, "NAME")
        cells = [f"{results[(label, s)][0]:.2f} s, {results[(label, s)][1] / 1e6:.0f} MB" for s in ("warm", "after log")]
        print(f"| `netkit {label}` | {cells[0]} | {cells[1]} |")


if __name__ == "__main__":
    main()
