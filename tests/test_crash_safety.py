"""Crash safety of every writing command: SIGKILL at random moments, then prove nothing broke.

Each kill test runs ``python -m netkit ...`` as a real process and kills it with SIGKILL
after a random delay in ``[0, T]``, where ``T`` is the command's run time, measured first
and then tracked as the machine's load changes (see :class:`Delays`): half the delays are
uniform over the whole run, half over its last 40%, where the writes happen.
After every kill it asserts:

* every file is byte-for-byte its old or its new version (never truncated, never mixed),
  and no file was lost (a file moved aside by ``dedupe`` exists under one of its names);
* ``netkit check --format json`` lists no ``.netkit-tmp-*`` path and counts the same
  contacts as before (or one more, for ``new``);
* multi-file commands (``import``, ``dedupe --apply``): running the command again after the
  kill ends in exactly the state of an uninterrupted run.

Two vaults are worked on in parallel (2 cores). The counts (kills, where they landed, files
lost) go to ``artifacts/reliability-counts.json``. The second half of the file covers disk
full / read-only / permission errors, simulated in-process (tests run as root, where chmod
does not stop writes).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import errno
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from conftest import reliability_counts, run_cli

from netkit import fileio, logwriter

TODAY = "2026-06-01"
SEED = int(os.environ.get("NETKIT_CRASH_SEED", "20260601"))
WORKERS = 2
#: kill runs per command (a run that finishes before its kill counts as a run, not a kill)
KILLS = {"log": 140, "new": 50, "index": 40, "report": 20, "import": 20, "dedupe": 20}
TMP_MARK = fileio.TEMP_PREFIX
FIXTURES = Path(__file__).parent / "fixtures" / "formats"
_LOADED_AT = time.time()  # sections recorded after this are from this session

# ada.md is deliberately awkward: BOM, CRLF, comments, quoting, a log section in the middle
ADA = ("\ufeff---\r\nname: Ada Lovelace  # the first programmer\r\ntier: 1\r\ntags: [ 'mentor', \"analytics\" ]\r\n"
       "---\r\n# Ada Lovelace\r\n\r\nNotes about Ada.\r\n\r\n## Log\r\n"
       "- 2026-05-01 Coffee [channel:: in-person] [by:: me]\r\n\r\n## Ideas\r\n- keep this list\r\n")
GRACE = "---\nname: Grace Hopper\ntier: 2\nemail: grace@navy.mil\n---\n# Grace\n\n## Log\n- 2026-04-01 Call [channel:: call]\n"
ALAN = "---\nname: Alan Turing\ntier: 3\n---\nNo log yet, no final newline"
BASE: dict[str, str] = {"contacts/ada.md": ADA, "contacts/grace.md": GRACE, "contacts/alan.md": ALAN}



# ------------------------------------------------------------------------- helpers


def make(root: Path, files: dict[str, str] | dict[str, bytes]) -> Path:
    (root / "contacts").mkdir(parents=True)
    (root / "netkit.yaml").write_text("version: 1\n")
    for rel, content in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return root


def argv(root: Path, *args: str, today: str = TODAY) -> list[str]:
    return [sys.executable, "-m", "netkit", "--vault", str(root), "--today", today, *args]


ENV = {k: v for k, v in os.environ.items() if k not in ("NETKIT_VAULT", "NETKIT_DEBUG")} | {"NO_COLOR": "1"}


def run_uncut(cmd: list[str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=ENV, timeout=60)
    return time.perf_counter() - started, proc


def run_and_kill(cmd: list[str], delay: float) -> tuple[bool, int, str, float]:
    """Start ``cmd``; SIGKILL it after ``delay`` s unless it ended.
    Returns (killed, returncode, stderr, seconds it ran)."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env=ENV)
    try:
        proc.wait(timeout=delay)
        killed = False
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        killed = True
    elapsed = time.perf_counter() - started
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    return killed, proc.returncode, err, elapsed


def measure(commands: list[list[str]], root: Path) -> float:
    """The expected run time T: the median of a few uncut runs (which must succeed), each
    followed by the same check the kill loop runs, so T includes the machine's load."""
    times = []
    for cmd in commands:
        seconds, proc = run_uncut(cmd)
        assert proc.returncode == 0, proc.stderr
        times.append(seconds)
        check_vault(root, tuple(range(1000)))
    return sorted(times)[len(times) // 2]


class Delays:
    """Kill delays: every other one uniform over [0, T], the others over [0.6 T, T] (the end
    of a run is where it writes). T follows the machine: a run that finished before its
    kill moves T towards its real duration, and five kills in a row that all landed before
    any write mean the machine is slower than T says, so T grows by 30% (both counted in
    ``runtime_adjustments``)."""

    def __init__(self, rng: random.Random, runtime: float) -> None:
        self.rng = rng
        self.runtime = runtime
        self.adjustments = 0
        self._nothing_written = 0

    def next(self, i: int) -> float:
        t = self.runtime
        return self.rng.uniform(0, t) if i % 2 == 0 else self.rng.uniform(0.6 * t, t)

    def observe(self, wrote: bool, finished_in: float | None) -> None:
        if finished_in is not None:
            self.runtime = 0.7 * self.runtime + 0.3 * finished_in
            self.adjustments += 1
        self._nothing_written = 0 if wrote or finished_in is not None else self._nothing_written + 1
        if self._nothing_written >= 5:
            self.runtime *= 1.3
            self.adjustments += 1
            self._nothing_written = 0


def user_files(root: Path) -> dict[str, bytes]:
    """Every file a user owns: all of the vault except netkit's lock, cache and temp files
    (files moved aside to .netkit/merged/ are user data and included)."""
    out: dict[str, bytes] = {}
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            full = Path(dirpath) / name
            rel = full.relative_to(root).as_posix()
            if name.startswith(TMP_MARK) or rel.startswith((".netkit/lock", ".netkit/cache/")):
                continue
            out[rel] = full.read_bytes()
    return out


def temp_files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob(f"{TMP_MARK}*"))


_CLI_LOCK = threading.Lock()  # CliRunner swaps sys.stdout: one in-process run at a time


def cli(root: Path, *args: str) -> tuple[int, str, str]:
    with _CLI_LOCK:
        return run_cli(["--vault", str(root), "--today", TODAY, *args])


def check_vault(root: Path, contacts: int | tuple[int, ...]) -> dict[str, Any]:
    """`netkit check --format json`: no temp path anywhere, the expected contact count."""
    _, out, err = cli(root, "check", "--format", "json")
    data: dict[str, Any] = json.loads(out)
    assert TMP_MARK not in out, f"a temp file was indexed: {out}"
    wanted = contacts if isinstance(contacts, tuple) else (contacts,)
    assert data["contacts"] in wanted, (data, wanted)
    _, out, _ = cli(root, "list", "--json")
    assert not [c for c in json.loads(out) if TMP_MARK in c["path"]]
    return data


def settle_lock(root: Path, stats: Stats) -> None:
    """A kill can leave the vault lock behind: with a dead PID (the next run takes it over;
    that is the point) or, killed between creating and filling it, empty. An empty lock
    is honoured for 5 s (its creator may still be writing it); age it so the next run's
    takeover of an unreadable lock is exercised instead of waiting."""
    lock = root / ".netkit" / "lock"
    try:
        data = lock.read_bytes()
    except FileNotFoundError:
        return
    try:
        json.loads(data)
        stats.stale_locks += 1
    except ValueError:
        stats.torn_locks += 1
        old = time.time() - 60
        os.utime(lock, (old, old))


@dataclasses.dataclass
class Stats:
    kills: int = 0
    completed: int = 0
    old: int = 0
    new: int = 0
    files_lost: int = 0
    stale_locks: int = 0
    torn_locks: int = 0
    temp_left: int = 0
    runtime: float = 0.0
    runtime_adjustments: int = 0

    def add(self, other: Stats) -> None:
        for f in dataclasses.fields(self):
            if f.name == "runtime":
                self.runtime = max(self.runtime, other.runtime)
            else:
                setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def publish(self, command: str) -> None:
        reliability_counts.publish(f"crash.{command}", {
            "kills_survived": self.kills, "runs_completed_before_kill": self.completed,
            "left_old_version": self.old, "left_new_version": self.new, "files_lost": self.files_lost,
            "stale_locks_taken_over": self.stale_locks, "torn_locks": self.torn_locks,
            "temp_files_left": self.temp_left, "expected_runtime_s": round(self.runtime, 3),
            "runtime_adjustments": self.runtime_adjustments,
        })


def kill_loop(label: str, worker: int, runs: int, runtime: float,
              step: Callable[[int, Callable[[list[str]], tuple[bool, int, str, Any]]], bool]) -> Stats:
    """Drive ``runs`` kill runs. ``step(i, kill)`` prepares run ``i``, calls ``kill(cmd)``
    (which runs and kills it and returns ``(killed, code, stderr, seed)``), verifies the
    vault and returns whether the run changed anything."""
    stats = Stats()
    seed = SEED + sum(map(ord, label)) * 10 + worker
    sched = Delays(random.Random(seed), runtime)

    for i in range(runs):
        delay = sched.next(i)
        run_seed = (seed, i, round(delay, 4))
        outcome: dict[str, Any] = {}

        def kill(cmd: list[str], outcome: dict[str, Any] = outcome, delay: float = delay,
                 run_seed: tuple[Any, ...] = run_seed) -> tuple[bool, int, str, Any]:
            killed, code, err, elapsed = run_and_kill(cmd, delay)
            outcome["killed"] = killed
            outcome["elapsed"] = elapsed
            if not killed:
                assert code == 0, (run_seed, err)
            return killed, code, err, run_seed

        wrote = step(i, kill)
        stats.kills += outcome["killed"]
        stats.completed += not outcome["killed"]
        stats.new += wrote
        stats.old += not wrote
        sched.observe(wrote, None if outcome["killed"] else outcome["elapsed"])
    stats.runtime = sched.runtime
    stats.runtime_adjustments = sched.adjustments
    return stats


@contextlib.contextmanager
def published(command: str) -> Iterator[Stats]:
    total = Stats()
    try:
        yield total
    finally:
        total.publish(command)


def in_parallel(job: Callable[[int], Stats], total: Stats) -> None:
    with ThreadPoolExecutor(WORKERS) as pool:
        for stats in pool.map(job, range(WORKERS)):
            total.add(stats)


def versions_ok(path: str, actual: bytes | None, allowed: tuple[bytes | None, ...], seed: Any) -> None:
    assert actual in allowed, (
        f"{path} is neither its old nor its new version (seed {seed}): "
        f"{len(actual) if actual is not None else 'missing'} bytes; allowed sizes "
        f"{[len(a) if a is not None else None for a in allowed]}")


# --------------------------------------------------------------------- netkit log


def test_kill_log(tmp_path: Path) -> None:
    entry_date = dt.date.fromisoformat(TODAY)

    def job(worker: int) -> Stats:
        root = make(tmp_path / f"log-{worker}", BASE)
        probe = make(tmp_path / f"log-probe-{worker}", BASE)
        runtime = measure([argv(probe, "log", "Ada", f"probe {n}", "--channel", "call") for n in range(3)], probe)
        locks = Stats()

        def step(i: int, kill: Callable[[list[str]], tuple[bool, int, str, Any]]) -> bool:
            before = user_files(root)
            text = f"crash test {worker}-{i} [[Grace Hopper]]"
            old = before["contacts/ada.md"]
            new = logwriter.append_log_entry(old, logwriter.format_log_entry(entry_date, text, channel="call"), "Log")
            _, _, _, seed = kill(argv(root, "log", "Ada", text, "--channel", "call"))
            after = user_files(root)
            versions_ok("contacts/ada.md", after.get("contacts/ada.md"), (old, new), seed)
            others = {k: v for k, v in before.items() if k != "contacts/ada.md"}
            assert {k: v for k, v in after.items() if k != "contacts/ada.md"} == others, seed
            check_vault(root, 3)
            settle_lock(root, locks)
            return after["contacts/ada.md"] == new

        stats = kill_loop("log", worker, KILLS["log"] // WORKERS, runtime, step)
        stats.add(locks)
        stats.temp_left = len(temp_files(root))
        # every entry that was written reads back as a valid, parsed log entry
        _, out, _ = cli(root, "show", "Ada", "--json")
        assert len(json.loads(out)["log"]) == 1 + stats.new
        return stats

    with published("log") as total:
        in_parallel(job, total)
    assert total.kills + total.completed == KILLS["log"]
    assert total.old and total.new, "the kills never landed on both sides of the write"


# --------------------------------------------------------------------- netkit new


def test_kill_new(tmp_path: Path) -> None:
    today = dt.date.fromisoformat(TODAY)

    def job(worker: int) -> Stats:
        root = make(tmp_path / f"new-{worker}", BASE)
        probe = make(tmp_path / f"new-probe-{worker}", BASE)
        runtime = measure([argv(probe, "new", f"Probe Person {n}") for n in range(3)], probe)
        locks = Stats()
        count = [3]

        def step(i: int, kill: Callable[[list[str]], tuple[bool, int, str, Any]]) -> bool:
            before = user_files(root)
            name = f"Crash Person {worker} {i}"
            rel = f"contacts/{logwriter.slugify(name)}.md"
            new = logwriter.new_contact_text(name, None, [], today, "Log").encode("utf-8")
            _, _, _, seed = kill(argv(root, "new", name))
            after = user_files(root)
            versions_ok(rel, after.get(rel), (None, new), seed)
            assert {k: v for k, v in after.items() if k != rel} == before, seed
            count[0] += rel in after
            check_vault(root, count[0])
            settle_lock(root, locks)
            return rel in after

        stats = kill_loop("new", worker, KILLS["new"] // WORKERS, runtime, step)
        stats.add(locks)
        stats.temp_left = len(temp_files(root))
        return stats

    with published("new") as total:
        in_parallel(job, total)
    assert total.kills + total.completed == KILLS["new"]
    assert total.old and total.new


# ------------------------------------------------------------------- netkit index


@pytest.mark.parametrize("command", ["index", "report"])
def test_kill_page_rendering(command: str, tmp_path: Path) -> None:
    """`index` (the Markdown pages) and `report` (pages/Report.html). They are rendered for
    two dates in turn, so every run rewrites them."""
    days = ("2026-06-01", "2026-09-15")
    reference: dict[str, dict[str, bytes]] = {}
    for day in days:
        probe = make(tmp_path / f"reference-{day}", BASE)
        proc = run_uncut(argv(probe, command, today=day))[1]
        assert proc.returncode == 0, proc.stderr
        reference[day] = {k: v for k, v in user_files(probe).items() if k.startswith("pages/")}
    assert reference[days[0]] != reference[days[1]]
    page_names = set(reference[days[0]])

    def job(worker: int) -> Stats:
        probe = make(tmp_path / f"probe-{worker}", BASE)
        runtime = measure([argv(probe, command, today=days[n % 2]) for n in range(3)], probe)
        root = make(tmp_path / f"vault-{worker}", BASE)
        contacts_before = {k: v for k, v in user_files(root).items() if not k.startswith("pages/")}
        locks = Stats()

        def step(i: int, kill: Callable[[list[str]], tuple[bool, int, str, Any]]) -> bool:
            day = days[i % 2]
            before = user_files(root)
            _, _, _, seed = kill(argv(root, command, today=day))
            after = user_files(root)
            assert {k: v for k, v in after.items() if not k.startswith("pages/")} == contacts_before, seed
            assert {k for k in after if k.startswith("pages/")} <= page_names, seed
            for page in page_names:
                versions_ok(page, after.get(page), (before.get(page), reference[day][page]), seed)
            check_vault(root, 3)
            settle_lock(root, locks)
            return any(after.get(page) != before.get(page) for page in page_names)

        stats = kill_loop(command, worker, KILLS[command] // WORKERS, runtime, step)
        stats.add(locks)
        stats.temp_left = len(temp_files(root))
        return stats

    with published(command) as total:
        in_parallel(job, total)
    assert total.kills + total.completed == KILLS[command]
    assert total.old and total.new


# ------------------------------------------------- multi-file writers: import, dedupe


def kill_and_converge(tmp_path: Path, label: str, base: dict[str, str], args: list[str], kills: int) -> Stats:
    """Kill ``netkit ARGS`` on fresh copies of ``base``: each file must be its base or final
    version, a file gone from its place must exist elsewhere (moved, not lost), and running
    the command again must end in exactly the state of an uninterrupted run."""
    template = make(tmp_path / f"{label}-template", base)
    reference = tmp_path / f"{label}-reference"
    shutil.copytree(template, reference)
    proc = run_uncut(argv(reference, *args))[1]
    assert proc.returncode == 0, proc.stderr
    start, final = user_files(template), user_files(reference)
    assert final != start
    counts = sorted((check_vault(template, tuple(range(1000)))["contacts"],
                     check_vault(reference, tuple(range(1000)))["contacts"]))
    contacts_range = tuple(range(counts[0], counts[1] + 1))

    def job(worker: int) -> Stats:
        probes = []
        for n in range(3):
            probes.append(tmp_path / f"{label}-probe-{worker}-{n}")
            shutil.copytree(template, probes[-1])
        runtime = max(measure([argv(p, *args)], p) for p in probes)
        locks = Stats()
        lost = [0]

        def step(i: int, kill: Callable[[list[str]], tuple[bool, int, str, Any]]) -> bool:
            root = tmp_path / f"{label}-{worker}-{i}"
            shutil.copytree(template, root)
            _, _, _, seed = kill(argv(root, *args))
            after = user_files(root)
            assert set(after) <= set(start) | set(final), (seed, set(after) - set(start) - set(final))
            for rel in set(start) | set(final):
                versions_ok(rel, after.get(rel), (start.get(rel), final.get(rel)), seed)
            gone = [rel for rel in start if rel not in after and start[rel] not in after.values()]
            lost[0] += len(gone)
            assert not gone, (seed, "lost", gone)
            check_vault(root, contacts_range)
            settle_lock(root, locks)
            locks.temp_left += len(temp_files(root))
            code, out, err = cli(root, *args)
            assert code == 0, (seed, out, err)
            assert user_files(root) == final, f"re-running after the kill did not converge (seed {seed})"
            shutil.rmtree(root)
            return after != start

        stats = kill_loop(label, worker, kills // WORKERS, runtime, step)
        stats.add(locks)
        stats.files_lost = lost[0]
        return stats

    total = Stats()
    try:
        in_parallel(job, total)
    finally:
        total.publish(label)
    assert total.kills + total.completed == kills
    assert total.old and total.new
    return total


def test_kill_import(tmp_path: Path) -> None:
    # Ada exists already (the import merges into her file); the other LinkedIn people are new
    base = dict(BASE)
    base["contacts/ada-lovelace.md"] = "---\nname: Ada Lovelace\ntier: 1\n---\n# Ada\n\n## Log\n- 2026-05-01 Coffee\n"
    del base["contacts/ada.md"]
    kill_and_converge(tmp_path, "import", base, ["import", "linkedin", str(FIXTURES / "linkedin_connections.csv")],
                      KILLS["import"])


def test_kill_dedupe_apply(tmp_path: Path) -> None:
    base = dict(BASE)
    base["contacts/ada-l.md"] = ("---\nname: Ada L.\naliases: [Ada Lovelace]\ncompany: Analytical Engines\n---\n"
                                 "## Log\n- 2026-02-02 Met at the fair [channel:: event]\n")
    base["contacts/g-hopper.md"] = ("---\nname: G. Hopper\nemail: GRACE@navy.mil\nlocation: Arlington\n---\n"
                                    "## Log\n- 2026-03-03 Email [channel:: email] [by:: me]\n")
    kill_and_converge(tmp_path, "dedupe", base, ["dedupe", "--apply"], KILLS["dedupe"])


def test_kill_counts_add_up() -> None:
    """The crash suite tried at least 200 kills across commands and lost no file (runs last
    in this module; with xdist it checks whatever the other workers have recorded)."""
    sections = reliability_counts.read().get("sections", {})
    crash = {k: v for k, v in sections.items() if k.startswith("crash.") and v["recorded_at"] >= _LOADED_AT - 60}
    if set(crash) != {f"crash.{c}" for c in KILLS}:
        pytest.skip("not every kill test ran in this session")
    kills = sum(v["kills_survived"] for v in crash.values())
    runs = kills + sum(v["runs_completed_before_kill"] for v in crash.values())
    assert runs == sum(KILLS.values()) >= 200
    assert kills >= runs // 2, "most runs must really be killed, not finish first"
    assert sum(v["files_lost"] for v in crash.values()) == 0


# ----------------------------------------------- disk full, read-only, permissions


def _fd_path(fd: int) -> str:
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return ""


@dataclasses.dataclass(frozen=True)
class Failure:
    id: str
    errno: int
    words: str


FAILURES = [
    Failure("disk-full", errno.ENOSPC, "disk is full"),
    Failure("read-only-fs", errno.EROFS, "read-only"),
    Failure("permission", errno.EACCES, "permission denied"),
    Failure("quota", errno.EDQUOT, "disk is full"),
]


def break_writes(monkeypatch: pytest.MonkeyPatch, failure: Failure, where: str) -> None:
    """Make one step of netkit's atomic write fail like the OS would (temp files only, so
    the lock and the reads still work): ``open`` of the temp file, a ``write`` after half
    the data went out, or the final ``rename``/``link``."""
    real_open, real_write, real_replace, real_link = os.open, os.write, os.replace, os.link

    def err() -> OSError:
        return OSError(failure.errno, os.strerror(failure.errno))

    if where == "open":
        def fake_open(path: Any, flags: int, mode: int = 0o777, *a: Any, **k: Any) -> int:
            if TMP_MARK in os.fspath(path):
                raise err()
            return real_open(path, flags, mode, *a, **k)
        monkeypatch.setattr(os, "open", fake_open)
    elif where == "write":
        def fake_write(fd: int, data: Any) -> int:
            if TMP_MARK in _fd_path(fd):
                if len(data) > 1:
                    return real_write(fd, bytes(data[: len(data) // 2]))  # a short write, then
                raise err()
            return real_write(fd, data)
        monkeypatch.setattr(os, "write", fake_write)
    else:
        def fake_replace(src: Any, dst: Any, *a: Any, **k: Any) -> None:
            if TMP_MARK in os.fspath(src):
                raise err()
            real_replace(src, dst, *a, **k)

        def fake_link(src: Any, dst: Any, *a: Any, **k: Any) -> None:
            if TMP_MARK in os.fspath(src):
                raise err()
            real_link(src, dst, *a, **k)
        monkeypatch.setattr(os, "replace", fake_replace)
        monkeypatch.setattr(os, "link", fake_link)


WRITERS: dict[str, list[str]] = {
    "log": ["log", "Ada", "Coffee"],
    "new": ["new", "Zed Zee"],
    "index": ["index"],
    "report": ["report"],
    "export": ["export", "json", "-o", "EXPORT"],
    "import": ["import", "linkedin", str(FIXTURES / "linkedin_connections.csv")],
    "dedupe": ["dedupe", "--apply"],
}


#: what the error message must name
NAMED = {"log": "contacts/ada.md", "new": "contacts/zed-zee.md", "index": "pages/", "report": "Report.html",
         "export": "export.json", "import": "contacts/", "dedupe": "contacts/"}


@pytest.mark.parametrize("where", ["open", "write", "rename"])
@pytest.mark.parametrize("failure", FAILURES, ids=[f.id for f in FAILURES])
@pytest.mark.parametrize("command", sorted(WRITERS))
def test_write_errors_leave_everything_intact(command: str, failure: Failure, where: str, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    base = dict(BASE)
    base["contacts/ada-l.md"] = "---\nname: Ada L.\naliases: [Ada Lovelace]\n---\n## Log\n- 2026-02-02 Fair\n"
    if command == "log":
        del base["contacts/ada-l.md"]
    root = make(tmp_path / "v", base)
    if command in ("index", "report"):  # the pages exist already, so an update is what fails
        code, _, err = cli(root, command, "--today", "2026-01-01")
        assert code == 0, err
    export = tmp_path / "export.json"  # outside the vault; an older export is replaced
    export.write_text("[]\n")
    before = user_files(root)
    break_writes(monkeypatch, failure, where)
    code, out, err = cli(root, *[str(export) if a == "EXPORT" else a for a in WRITERS[command]])
    monkeypatch.undo()
    assert export.read_text() == "[]\n"
    assert temp_files(tmp_path) == [], "a failed write left a temp file"
    assert "Traceback" not in out + err and "internal error" not in err
    assert code == 1, (code, out, err)
    assert failure.words in (out + err).lower(), (out, err)
    assert NAMED[command] in out + err, "the message must name the file"
    assert user_files(root) == before, "a failed write changed a file"
    assert temp_files(root) == [], "a failed write left a temp file"
    assert not (root / ".netkit" / "lock").exists(), "a failed write left the vault locked"
