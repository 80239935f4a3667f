"""Two writers at once: the vault lock, stale locks, and files edited between read and write.

* A live lock holder (a real second process) makes every writing command fail with exit 1
  and a message naming its PID; ``index`` waits for it a while instead.
* Locks left by dead processes, locks older than the stale age and torn (empty) lock files
  are taken over.
* Many ``netkit log`` processes started at the same moment: each one either appends its
  entry or refuses; no entry is lost, doubled or torn.
* A file edited by someone else between netkit's read and its write is detected ("changed
  since it was read") and never clobbered.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import reliability_counts, run_cli

from netkit import fileio

TODAY = "2026-06-01"
ADA = "---\nname: Ada Lovelace\ntier: 1\n---\n# Ada\n\n## Log\n- 2026-05-01 Coffee [channel:: call]\n"
ADA_L = "---\nname: Ada L.\naliases: [Ada Lovelace]\n---\n## Log\n- 2026-02-02 Fair\n"
GRACE = "---\nname: Grace Hopper\ntier: 2\n---\n"
FIXTURES = Path(__file__).parent / "fixtures" / "formats"
ENV = {k: v for k, v in os.environ.items() if k not in ("NETKIT_VAULT", "NETKIT_DEBUG")} | {"NO_COLOR": "1"}

WRITERS: dict[str, list[str]] = {
    "log": ["log", "contacts/ada", "Coffee"],
    "new": ["new", "Zed Zee"],
    "import": ["import", "linkedin", str(FIXTURES / "linkedin_connections.csv")],
    "dedupe": ["dedupe", "--apply"],
}



def make(root: Path, files: dict[str, str]) -> Path:
    (root / "contacts").mkdir(parents=True)
    (root / "netkit.yaml").write_text("version: 1\n")
    for rel, content in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(content)
    return root


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    return make(tmp_path / "vault", {"contacts/ada.md": ADA, "contacts/grace.md": GRACE})


def cli(root: Path, *args: str) -> tuple[int, str, str]:
    return run_cli(["--vault", str(root), "--today", TODAY, *args])


@pytest.fixture(autouse=True)
def short_lock_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process runs wait 0.2 s for a held lock instead of the commands' LOCK_WAIT (the
    real wait is exercised by the subprocess tests)."""
    from netkit.commands import log, new

    for module in (log, new):
        if hasattr(module, "LOCK_WAIT"):
            monkeypatch.setattr(module, "LOCK_WAIT", 0.2)


def netkit_proc(root: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "netkit", "--vault", str(root), "--today", TODAY, *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)


def files_of(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".netkit" not in p.relative_to(root).parts}


HOLDER = textwrap.dedent("""
    import sys, time
    from netkit.fileio import VaultLock
    lock = VaultLock(sys.argv[1])
    lock.acquire()
    print("locked", flush=True)
    sys.stdin.readline()  # hold until told (or until the test's end closes stdin)
    lock.release()
    print("released", flush=True)
""")


@pytest.fixture
def lock_holder(vault: Path) -> Iterator[subprocess.Popen[str]]:
    """A live second process holding the vault lock."""
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(vault)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, env=ENV)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
    yield proc
    if proc.poll() is None:
        proc.kill()
    proc.wait()


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def write_lock(root: Path, pid: int, *, host: str | None = None, age: float = 0.0) -> Path:
    lock = root / ".netkit" / "lock"
    lock.parent.mkdir(exist_ok=True)
    lock.write_text(json.dumps({"pid": pid, "host": host or socket.gethostname(), "started": time.time() - age}))
    return lock


# ------------------------------------------------------------------ a live holder


@pytest.mark.parametrize("command", sorted(WRITERS))
def test_writer_refuses_while_a_live_process_holds_the_lock(command: str, vault: Path,
                                                            lock_holder: subprocess.Popen[str]) -> None:
    (vault / "contacts/ada-l.md").write_text(ADA_L)
    before = files_of(vault)
    code, out, err = cli(vault, *WRITERS[command])
    assert code == 1, (code, out, err)
    assert f"pid {lock_holder.pid}" in err, err
    assert "held the vault lock for" in err and "s" in err  # names the age
    assert "Traceback" not in out + err
    assert files_of(vault) == before


def test_second_log_process_names_the_holder_pid(vault: Path, lock_holder: subprocess.Popen[str]) -> None:
    """The same through two real processes, as a user would meet it."""
    proc = netkit_proc(vault, "log", "Ada", "Coffee")
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 1, (out, err)
    assert f"another netkit (pid {lock_holder.pid}) has held the vault lock for" in err
    assert (vault / "contacts/ada.md").read_text() == ADA


def test_index_waits_for_the_lock_then_writes(vault: Path, lock_holder: subprocess.Popen[str]) -> None:
    proc = netkit_proc(vault, "index")
    time.sleep(0.5)
    assert proc.poll() is None, "index should wait for the lock"
    assert not (vault / "pages").exists()
    assert lock_holder.stdin is not None
    lock_holder.stdin.write("\n")
    lock_holder.stdin.flush()
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert (vault / "pages" / "Dashboard.md").exists()


def test_read_commands_ignore_the_lock(vault: Path, lock_holder: subprocess.Popen[str]) -> None:
    for args in (["check"], ["list", "--json"], ["due"], ["health"], ["show", "Ada"], ["export", "json"]):
        code, out, err = cli(vault, *args)
        assert code == 0, (args, err)


# ----------------------------------------------------------------- stale locks


@pytest.mark.parametrize("command", sorted(WRITERS))
def test_lock_of_a_dead_process_is_taken_over(command: str, vault: Path) -> None:
    (vault / "contacts/ada-l.md").write_text(ADA_L)
    lock = write_lock(vault, dead_pid())
    code, out, err = cli(vault, *WRITERS[command])
    assert code == 0, (out, err)
    assert files_of(vault) != {}
    assert not lock.exists(), "the lock is released after the command"


def test_dead_process_lock_through_real_processes(vault: Path) -> None:
    """A `netkit log` killed while holding the lock leaves it; the next one takes it over."""
    lock = write_lock(vault, dead_pid(), age=5)
    proc = netkit_proc(vault, "log", "Ada", "After the crash")
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert (vault / "contacts/ada.md").read_text().endswith("- 2026-06-01 After the crash\n")
    assert not lock.exists()


def test_lock_older_than_the_stale_age_is_taken_over(vault: Path) -> None:
    write_lock(vault, os.getpid(), age=fileio.DEFAULT_STALE_AFTER + 60)  # alive, but abandoned
    code, _, err = cli(vault, "log", "Ada", "Coffee")
    assert code == 0, err


def test_fresh_lock_from_another_host_is_respected(vault: Path) -> None:
    write_lock(vault, 4242, host="other-laptop", age=30)
    code, _, err = cli(vault, "log", "Ada", "Coffee")
    assert code == 1
    assert "pid 4242 on other-laptop" in err
    assert (vault / "contacts/ada.md").read_text() == ADA


def test_torn_lock_is_respected_briefly_then_taken_over(vault: Path) -> None:
    """An empty lock file: its creator may be writing it right now (refuse), or died
    between creating and filling it (take over after a few seconds)."""
    lock = vault / ".netkit" / "lock"
    lock.parent.mkdir()
    lock.write_bytes(b"")
    code, _, err = cli(vault, "log", "Ada", "Coffee")
    assert code == 1 and "taking the vault lock" in err
    old = time.time() - 60
    os.utime(lock, (old, old))
    code, _, err = cli(vault, "log", "Ada", "Coffee")
    assert code == 0, err


def test_dangling_symlink_lock_does_not_hang(vault: Path, tmp_path: Path) -> None:
    lock = vault / ".netkit" / "lock"
    lock.parent.mkdir()
    lock.symlink_to(tmp_path / "nowhere")
    proc = netkit_proc(vault, "log", "Ada", "Coffee")
    try:
        _, err = proc.communicate(timeout=3)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise AssertionError("netkit log hung on a dangling lock symlink") from None
    assert proc.returncode in (0, 1), err


# --------------------------------------------------------- many writers at once


def test_simultaneous_log_processes_lose_nothing(vault: Path) -> None:
    """Eight `netkit log` processes per round, released at the same instant: every one
    either appended its entry exactly once or refused with the lock message."""
    rounds, per_round = 2, 8
    appended: list[str] = []
    refused = 0
    for r in range(rounds):
        go = time.time() + 0.4
        script = ("import sys, time\nfrom netkit.cli import main\n"
                  f"time.sleep(max(0, {go} - time.time()))\nmain(sys.argv[1:])\n")
        procs = {}
        for n in range(per_round):
            text = f"round {r} writer {n}"
            procs[text] = subprocess.Popen(
                [sys.executable, "-c", script, "--vault", str(vault), "--today", TODAY, "log", "Ada", text],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
        for text, proc in procs.items():
            _, err = proc.communicate(timeout=60)
            if proc.returncode == 0:
                appended.append(text)
            else:
                assert proc.returncode == 1, err
                assert "has held the vault lock" in err or "taking the vault lock" in err, err
                refused += 1
    content = (vault / "contacts/ada.md").read_text()
    assert content.startswith(ADA)
    lines = content[len(ADA):].splitlines()
    assert sorted(lines) == sorted(f"- {TODAY} {t}" for t in appended), "an entry was lost, doubled or torn"
    assert appended, "no writer ever got the lock"
    code, out, _ = cli(vault, "show", "Ada", "--json")
    assert code == 0 and len(json.loads(out)["log"]) == 1 + len(appended)
    assert not (vault / ".netkit" / "lock").exists()
    reliability_counts.publish("concurrency.simultaneous-log", {"writers": rounds * per_round, "appended": len(appended),
                                                       "refused": refused, "files_lost": 0})


def test_new_and_log_at_once(vault: Path) -> None:
    names = [f"Person {n}" for n in range(4)]
    notes = [f"note {n}" for n in range(4)]
    procs = [netkit_proc(vault, "new", name) for name in names]
    procs += [netkit_proc(vault, "log", "Grace", note) for note in notes]
    results = []
    for proc in procs:
        _, err = proc.communicate(timeout=60)
        assert proc.returncode in (0, 1), err
        if proc.returncode == 1:
            assert "vault lock" in err, err
        results.append(proc.returncode == 0)
    created = [name for name, ok in zip(names, results[:4], strict=True) if ok]
    assert sorted(p.name for p in (vault / "contacts").glob("person-*.md")) == sorted(
        f"person-{name.split()[-1]}.md" for name in created)
    logged = [note for note, ok in zip(notes, results[4:], strict=True) if ok]
    text = (vault / "contacts/grace.md").read_text()
    assert text.startswith(GRACE) and all(text.count(f" {note}\n") == 1 for note in logged)
    assert text.count("\n- ") == len(logged)
    code, out, _ = cli(vault, "check", "--format", "json")
    assert code == 0 and json.loads(out)["contacts"] == 2 + len(created)


# --------------------------------------------------- edited between read and write

USER_EDIT = "\n<!-- saved by the user's editor while netkit was working -->\n"


def edit_behind_netkit(path: Path) -> None:
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(USER_EDIT)


def test_log_detects_a_file_changed_since_read(vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from netkit.commands import log

    real = log.plan_append
    target = vault / "contacts/ada.md"

    def plan_then_edit(*args: Any, **kwargs: Any) -> Any:
        plan = real(*args, **kwargs)  # netkit has read the file and computed its new bytes
        edit_behind_netkit(target)
        return plan

    monkeypatch.setattr(log, "plan_append", plan_then_edit)
    code, _, err = cli(vault, "log", "Ada", "Coffee")
    assert code == 1
    assert "changed since it was read" in err and "nothing written" in err
    assert target.read_text() == ADA + USER_EDIT, "the user's edit was clobbered"
    assert not list(target.parent.glob(f"{fileio.TEMP_PREFIX}*"))


def test_dedupe_detects_a_file_changed_since_read(vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from netkit import dedupe

    (vault / "contacts/ada-l.md").write_text(ADA_L)
    real = dedupe.plan_merge
    edited: list[Path] = []

    def plan_then_edit(kept_raw: bytes, other_raw: bytes, kept_path: str, *args: Any, **kwargs: Any) -> Any:
        step = real(kept_raw, other_raw, kept_path, *args, **kwargs)
        edited.append(vault / kept_path)
        edit_behind_netkit(vault / kept_path)
        return step

    monkeypatch.setattr(dedupe, "plan_merge", plan_then_edit)
    before = files_of(vault)
    code, out, err = cli(vault, "dedupe", "--apply")
    assert code == 1, (out, err)
    assert "changed since it was read" in out + err
    kept = edited[0]
    assert kept.read_bytes() == before[kept.relative_to(vault).as_posix()] + USER_EDIT.encode()
    assert {k: v for k, v in files_of(vault).items() if vault / k != kept} == \
           {k: v for k, v in before.items() if vault / k != kept}, "nothing else may change"


def test_import_detects_a_file_changed_since_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from netkit.commands import import_cmd

    root = make(tmp_path / "v", {"contacts/ada-lovelace.md": "---\nname: Ada Lovelace\n---\n"})
    real = import_cmd.make_plan
    target = root / "contacts/ada-lovelace.md"
    calls: list[int] = []

    def plan_then_edit(*args: Any, **kwargs: Any) -> Any:
        plan = real(*args, **kwargs)  # (import plans twice: once to show, again under the lock)
        calls.append(1)
        edit_behind_netkit(target)
        return plan

    monkeypatch.setattr(import_cmd, "make_plan", plan_then_edit)
    code, out, err = cli(root, "import", "linkedin", str(FIXTURES / "linkedin_connections.csv"))
    assert code == 1, (out, err)
    assert "changed since it was read" in out + err
    assert target.read_text() == "---\nname: Ada Lovelace\n---\n" + USER_EDIT * len(calls), "clobbered"


def test_index_does_not_clobber_a_page_saved_meanwhile(vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from netkit import pages

    code, _, err = cli(vault, "index", "--today", "2026-01-01")
    assert code == 0, err
    due = vault / "pages" / "Due.md"
    real = pages.is_generated

    def check_then_edit(data: bytes) -> bool:
        answer = real(data)
        if data == due.read_bytes():  # netkit has read Due.md and decided to rewrite it
            edit_behind_netkit(due)
        return answer

    monkeypatch.setattr(pages, "is_generated", check_then_edit)
    code, out, err = cli(vault, "index")
    assert code == 1, (out, err)
    assert "changed since it was read" in out + err
    assert due.read_text().endswith(USER_EDIT)
    assert (vault / "pages" / "Dashboard.md").read_text().startswith(pages.MARKER)
