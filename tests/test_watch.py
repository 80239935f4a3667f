"""``netkit watch``: the watcher in a thread against temp vaults, and the CLI in a subprocess.

Timing rules (these must pass on a loaded 2-core machine): never assert after a fixed sleep;
poll for the expected state with a generous timeout, then use ``wait_for_idle`` (which
waits for a quiet period) before asserting that nothing *else* happened.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from netkit import pipeline, watch
from netkit.watch import PathRules, RebuildReport, Watcher

# watchdog's inotify backend warns when `mkdir -p` registers a folder twice: harmless
pytestmark = pytest.mark.filterwarnings("ignore:Callback with id:RuntimeWarning")

TODAY = dt.date(2026, 11, 22)
TIMEOUT = 60.0  # generous: CI machines are slow and busy; a passing run takes far less


def contact(name: str, *, tier: int = 2, company: str = "Acme", extra: str = "") -> str:
    """A small valid contact file."""
    return (
        f"---\nname: {name}\ntier: {tier}\ncompany: {company}\n{extra}---\n# {name}\n\n"
        f"Notes about {name}.\n\n## Log\n- 2026-10-01 Coffee [channel:: in-person] [by:: me]\n"
    )


def base_vault(make_vault: Callable[..., Path], n: int = 5) -> Path:
    files = {f"contacts/person-{i:03d}.md": contact(f"Person {i:03d}", tier=1 + i % 3) for i in range(n)}
    files["contacts/ada.md"] = contact("Ada Lovelace", tier=1, company="Analytical Engines")
    return make_vault(files)


def poll(condition: Callable[[], bool], timeout: float = TIMEOUT, what: str = "condition") -> None:
    """Wait until ``condition()`` is true; fail with ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(0.02)


def page(root: Path, name: str) -> str:
    path = root / "pages" / name
    return path.read_text(encoding="utf-8") if path.exists() else ""


def read_pages(root: Path) -> dict[str, bytes]:
    folder = root / "pages"
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.md"))} if folder.is_dir() else {}


def cold_index_pages(root: Path, tmp: Path) -> dict[str, bytes]:
    """Pages from a fresh `netkit index` of a copy of the vault (no pages, no cache)."""
    copy = tmp / f"cold-{time.monotonic_ns()}"
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns("pages", ".netkit"))
    pipeline.run_index(copy, TODAY)
    return read_pages(copy)


def atomic_save(path: Path, text: str, temp_name: str) -> None:
    """What editors do: write a temp file next to the note, then rename it over the note."""
    tmp = path.parent / temp_name
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


@pytest.fixture
def start_watcher() -> Iterator[Callable[..., Watcher]]:
    """Start watchers with test-friendly defaults; every one is stopped at teardown."""
    started: list[Watcher] = []

    def start(root: Path, **kwargs: Any) -> Watcher:
        kwargs.setdefault("clock", lambda: TODAY)
        kwargs.setdefault("debounce", 0.05)
        w = Watcher(root, **kwargs)
        started.append(w)
        # fail fast (not after a poll timeout per test) when the pipeline itself is broken
        assert w.start() is not None, f"the initial build failed: {w.last_error!r}"
        return w

    yield start
    for w in started:
        w.stop()


# ------------------------------------------------------------------ following the vault


def test_initial_build_writes_the_pages(make_vault: Callable[..., Path], start_watcher: Callable[..., Watcher]) -> None:
    root = base_vault(make_vault)
    w = start_watcher(root)
    assert "Ada Lovelace" in page(root, "Tiers.md")
    assert w.last_report is not None and w.last_report.trigger == "start"
    assert len(w.last_report.added) == 6 and w.rebuilds == 0


def test_an_edit_updates_the_pages(make_vault: Callable[..., Path], start_watcher: Callable[..., Watcher]) -> None:
    root = base_vault(make_vault)
    w = start_watcher(root)
    (root / "contacts/ada.md").write_text(contact("Ada King", tier=1), encoding="utf-8")
    poll(lambda: "Ada King" in page(root, "Tiers.md"), what="the renamed contact in Tiers.md")
    assert "Ada Lovelace" not in page(root, "Tiers.md")
    assert w.wait_for_idle()
    assert w.last_report is not None and w.last_report.modified == ("contacts/ada.md",)


@pytest.mark.parametrize("temp_name", [
    ".ada.md.swp",                      # vim-like
    ".goutputstream-AB12CD",            # GNOME / gedit
    "ada.md___jb_tmp___",               # JetBrains
    ".netkit-tmp-123abc.tmp",           # netkit's own atomic writes (netkit log)
    "ada.md.tmp",
])
def test_an_atomic_save_updates_the_pages(
    make_vault: Callable[..., Path], start_watcher: Callable[..., Watcher], temp_name: str
) -> None:
    root = base_vault(make_vault)
    w = start_watcher(root)
    atomic_save(root / "contacts/ada.md", contact("Ada Byron", tier=1), temp_name)
    poll(lambda: "Ada Byron" in page(root, "Tiers.md"), what="the atomically saved contact in Tiers.md")
    assert w.wait_for_idle()
    assert w.last_report is not None
    assert w.last_report.modified == ("contacts/ada.md",) and not w.last_report.added


def test_added_and_removed_contacts(make_vault: Callable[..., Path], start_watcher: Callable[..., Watcher]) -> None:
    root = base_vault(make_vault)
    reports: list[RebuildReport] = []
    w = start_watcher(root, on_report=reports.append)
    (root / "contacts/sub").mkdir()
    (root / "contacts/sub/grace.md").write_text(contact("Grace Hopper"), encoding="utf-8")
    (root / "contacts/person-000.md").unlink()
    poll(lambda: "Grace Hopper" in page(root, "Tiers.md") and "Person 000" not in page(root, "Tiers.md"),
         what="the added and removed contacts")
    assert w.wait_for_idle()
    assert {p for r in reports[1:] for p in r.added} == {"contacts/sub/grace.md"}
    assert {p for r in reports[1:] for p in r.removed} == {"contacts/person-000.md"}


def test_a_moved_folder_is_followed(make_vault: Callable[..., Path], start_watcher: Callable[..., Watcher], tmp_path: Path) -> None:
    root = base_vault(make_vault)
    (root / "contacts/team").mkdir()
    for i in range(5):
        (root / f"contacts/team/member-{i}.md").write_text(contact(f"Member {i}"), encoding="utf-8")
    w = start_watcher(root)
    os.rename(root / "contacts/team", root / "contacts/crew")
    shutil.move(str(root / "contacts/person-001.md"), str(tmp_path / "outside.md"))  # moved out
    expected = cold_index_pages(root, tmp_path)
    poll(lambda: read_pages(root) == expected, what="pages equal to a cold index after the move")
    assert w.wait_for_idle()
    assert read_pages(root) == expected


def test_a_burst_of_500_changes_ends_like_a_cold_index(
    make_vault: Callable[..., Path], start_watcher: Callable[..., Watcher], tmp_path: Path
) -> None:
    files = {f"contacts/p{i // 100}/person-{i:03d}.md": contact(f"Person {i:03d}", tier=1 + i % 3) for i in range(400)}
    root = make_vault(files)
    w = start_watcher(root)
    # what a `git checkout` does: 250 files rewritten, 150 created, 100 deleted, no pauses
    for i in range(250):
        (root / f"contacts/p{i // 100}/person-{i:03d}.md").write_text(
            contact(f"Person {i:03d}", tier=1 + (i + 1) % 3, company=f"Company {i % 17}"), encoding="utf-8")
    for i in range(150):
        (root / "contacts/new").mkdir(exist_ok=True)
        (root / f"contacts/new/newcomer-{i:03d}.md").write_text(contact(f"Newcomer {i:03d}"), encoding="utf-8")
    for i in range(300, 400):
        (root / f"contacts/p{i // 100}/person-{i:03d}.md").unlink()
    expected = cold_index_pages(root, tmp_path)
    poll(lambda: read_pages(root) == expected, what="pages equal to a cold index after the burst")
    assert w.wait_for_idle()
    assert read_pages(root) == expected  # and nothing changed them afterwards
    assert w.failures == 0


# ------------------------------------------------------------------ invalid and partial files


def test_an_invalid_edit_keeps_the_last_good_version_and_a_fix_recovers(
    make_vault: Callable[..., Path], start_watcher: Callable[..., Watcher]
) -> None:
    root = base_vault(make_vault)
    reports: list[RebuildReport] = []
    w = start_watcher(root, on_report=reports.append)
    ada = root / "contacts/ada.md"
    ada.write_text("---\nname: Ada Lovelace\ntier: [1\n---\n# Ada\n", encoding="utf-8")
    poll(lambda: any(d.path == "contacts/ada.md" and d.is_error for d in reports[-1].diagnostics),
         what="the YAML error to be reported")
    assert w.alive
    assert reports[-1].kept == ("contacts/ada.md",)
    assert "Ada Lovelace" in page(root, "Tiers.md")  # the last good version is still listed
    ada.write_text(contact("Ada Lovelace", tier=2, company="Fixed Ltd"), encoding="utf-8")
    poll(lambda: "Fixed Ltd" in page(root, "Tiers.md"), what="the fixed contact")
    assert w.wait_for_idle()
    assert not reports[-1].kept and not any(d.path == "contacts/ada.md" for d in reports[-1].diagnostics)


@pytest.mark.parametrize("partial", [b"", b"---\nname: Ada Lov", b"---\nname: Ada Lovelace\ntier: 1\n"])
def test_a_file_caught_mid_write_keeps_its_last_good_version(
    make_vault: Callable[..., Path], start_watcher: Callable[..., Watcher], partial: bytes
) -> None:
    root = base_vault(make_vault)
    reports: list[RebuildReport] = []
    w = start_watcher(root, on_report=reports.append)
    ada = root / "contacts/ada.md"
    ada.write_bytes(partial)  # an editor that truncates, then writes in pieces
    poll(lambda: bool(reports) and reports[-1].kept == ("contacts/ada.md",), what="the last good version kept")
    assert "Analytical Engines" in page(root, "Tiers.md")
    ada.write_text(contact("Ada Lovelace", tier=1, company="Difference Engines"), encoding="utf-8")
    poll(lambda: "Difference Engines" in page(root, "Tiers.md"), what="the completed write")
    assert w.wait_for_idle() and not reports[-1].kept


def test_a_failing_rebuild_is_reported_and_retried(make_vault: Callable[..., Path], start_watcher: Callable[..., Watcher]) -> None:
    root = base_vault(make_vault)
    session = watch.IndexSession(root)
    calls: list[set[str]] = []
    errors: list[BaseException] = []

    def flaky(changes: set[str], full: bool, today: dt.date) -> RebuildReport:
        calls.append(set(changes))
        if len(calls) == 2:  # the first rebuild after the initial build fails
            raise RuntimeError("boom")
        return session(changes, full, today)

    w = start_watcher(root, rebuild=flaky, on_error=errors.append)
    (root / "contacts/ada.md").write_text(contact("Ada Retry", tier=1), encoding="utf-8")
    poll(lambda: "Ada Retry" in page(root, "Tiers.md"), what="the retried rebuild")
    assert [str(e) for e in errors] == ["boom"] and w.failures == 1 and w.alive
    assert "contacts/ada.md" in calls[2]  # the failed changes were carried into the retry


# ------------------------------------------------------------------ never loops on its own writes


def test_one_edit_is_one_rebuild_then_idle(make_vault: Callable[..., Path], start_watcher: Callable[..., Watcher]) -> None:
    root = base_vault(make_vault)
    w = start_watcher(root)
    assert w.wait_for_idle(settle=1.0) and w.rebuilds == 0  # the initial build's writes: nothing
    (root / "contacts/ada.md").write_text(contact("Ada Once", tier=1), encoding="utf-8")
    poll(lambda: w.rebuilds >= 1, what="the rebuild")
    assert w.wait_for_idle(settle=1.5)
    assert w.rebuilds == 1, "the watcher reacted to its own page or cache writes"
    assert w.last_report is not None and w.last_report.pages_written


def test_a_save_without_changes_skips_the_pages(make_vault: Callable[..., Path], start_watcher: Callable[..., Watcher]) -> None:
    root = base_vault(make_vault)
    w = start_watcher(root)
    ada = root / "contacts/ada.md"
    atomic_save(ada, ada.read_text(encoding="utf-8"), ".ada.md.swp")  # same bytes, new file
    os.utime(root / "contacts/person-001.md")  # a touch
    poll(lambda: w.rebuilds >= 1, what="the rebuild")
    assert w.wait_for_idle()
    report = w.last_report
    assert report is not None and not (report.added or report.modified or report.removed)
    assert report.pages_written == () and "compute" not in report.timings


def test_ignored_paths_cause_no_rebuild(make_vault: Callable[..., Path], start_watcher: Callable[..., Watcher]) -> None:
    root = base_vault(make_vault)
    w = start_watcher(root)
    for rel in [".git/objects/ab/cdef", ".git/index", ".obsidian/workspace.json", ".trash/old.md",
                ".netkit/cache/index.json", ".netkit/lock", "pages/Dashboard.md.tmp", "pages/Other.md",
                "contacts/.ada.md.swp", "contacts/ada.md~", "contacts/.#ada.md", "contacts/ada.md.tmp",
                "contacts/.goutputstream-XYZ123", "contacts/ada.md___jb_old___", "contacts/photo.png",
                "contacts/.netkit-tmp-abc.tmp"]:
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("x", encoding="utf-8")
    assert w.wait_for_idle(settle=1.0)
    assert w.rebuilds == 0 and w.events == 0


# ------------------------------------------------------------------ full rebuilds and the clock


def test_a_config_change_rebuilds_everything(make_vault: Callable[..., Path], start_watcher: Callable[..., Watcher]) -> None:
    root = base_vault(make_vault)
    w = start_watcher(root)
    (root / "netkit.yaml").write_text(
        "version: 1\ntiers:\n  1: {label: Closest friends, cadence: 30d}\n  2: {label: Valued, cadence: 90d}\n"
        "  3: {label: Broader, cadence: 180d}\n", encoding="utf-8")
    poll(lambda: "Closest friends" in page(root, "Tiers.md"), what="the new tier label")
    assert w.wait_for_idle()
    assert w.last_report is not None and w.last_report.trigger == "config"


def test_a_moved_pages_folder_is_still_ignored(make_vault: Callable[..., Path], start_watcher: Callable[..., Watcher]) -> None:
    root = base_vault(make_vault)
    w = start_watcher(root)
    (root / "netkit.yaml").write_text("version: 1\npages: summary\n", encoding="utf-8")
    poll(lambda: (root / "summary/Tiers.md").exists(), what="pages in the new folder")
    assert w.wait_for_idle(settle=1.0)
    count = w.rebuilds
    (root / "contacts/ada.md").write_text(contact("Ada Moved", tier=1), encoding="utf-8")
    poll(lambda: "Ada Moved" in (root / "summary/Tiers.md").read_text(encoding="utf-8"), what="the edit")
    assert w.wait_for_idle(settle=1.0)
    assert w.rebuilds == count + 1


def test_a_template_change_rerenders(make_vault: Callable[..., Path], start_watcher: Callable[..., Watcher]) -> None:
    root = base_vault(make_vault)
    w = start_watcher(root)
    folder = root / ".netkit/templates"
    folder.mkdir(parents=True)
    atomic_save(folder / "tiers.md.j2", "# My own tiers page\n{% for r in contacts %}- {{ r.name }}\n{% endfor %}\n",
                "tiers.md.j2.swp")
    poll(lambda: "My own tiers page" in page(root, "Tiers.md"), what="the overridden template")
    assert w.wait_for_idle()
    assert w.last_report is not None and w.last_report.trigger == "template"


def test_the_date_rollover_rerenders(make_vault: Callable[..., Path], start_watcher: Callable[..., Watcher]) -> None:
    root = base_vault(make_vault)
    today = [TODAY]
    w = start_watcher(root, clock=lambda: today[0], clock_interval=0.05)
    assert TODAY.isoformat() in page(root, "Dashboard.md")
    today[0] = TODAY + dt.timedelta(days=1)  # midnight
    poll(lambda: "2026-11-23" in page(root, "Dashboard.md"), what="the pages of the new day")
    assert w.wait_for_idle()
    assert w.rebuilds == 1 and w.last_report is not None and w.last_report.trigger == "date"


# ------------------------------------------------------------------ debounce


class Recorder:
    """A fake rebuild that records what it was asked to do."""

    def __init__(self) -> None:
        self.calls: list[tuple[set[str], bool]] = []
        self.idle_calls = 0
        self.lock = threading.Lock()

    def idle(self) -> None:
        with self.lock:
            self.idle_calls += 1

    def __call__(self, changes: set[str], full: bool, today: dt.date) -> RebuildReport:
        with self.lock:
            self.calls.append((set(changes), full))
        return RebuildReport(trigger="change", today=today)

    def paths(self) -> set[str]:
        with self.lock:
            return {p for changes, _ in self.calls[1:] for p in changes}


def test_a_burst_is_coalesced(make_vault: Callable[..., Path], start_watcher: Callable[..., Watcher]) -> None:
    root = base_vault(make_vault)
    rec = Recorder()
    w = start_watcher(root, rebuild=rec, debounce=0.3)
    names = {f"contacts/burst-{i}.md" for i in range(30)}
    for rel in sorted(names):
        (root / rel).write_text(contact(rel), encoding="utf-8")
    poll(lambda: names <= rec.paths(), what="every burst file recorded")
    assert w.wait_for_idle()
    # all 30 writes happen within milliseconds; only a scheduler stall longer than the
    # quiet period could split them, so allow one split, never one rebuild per file
    assert w.rebuilds <= 2


def test_a_stream_of_saves_does_not_postpone_the_pages_forever(
    make_vault: Callable[..., Path], start_watcher: Callable[..., Watcher]
) -> None:
    root = base_vault(make_vault)
    rec = Recorder()
    w = start_watcher(root, rebuild=rec, debounce=0.2, max_delay=0.5)
    ada = root / "contacts/ada.md"
    deadline = time.monotonic() + TIMEOUT
    i = 0
    while w.rebuilds == 0:  # saves every 20 ms: never a 200 ms quiet period
        assert time.monotonic() < deadline, "no rebuild during a continuous stream of saves"
        ada.write_text(contact(f"Ada {i}"), encoding="utf-8")
        i += 1
        time.sleep(0.02)
    assert w.wait_for_idle()


def test_the_idle_hook_runs_once_quiet_and_on_stop(make_vault: Callable[..., Path], start_watcher: Callable[..., Watcher]) -> None:
    root = base_vault(make_vault)
    rec = Recorder()
    w = start_watcher(root, rebuild=rec, idle_delay=0.2)
    poll(lambda: rec.idle_calls == 1, what="the idle hook after the initial build")
    (root / "contacts/ada.md").write_text(contact("Ada Idle"), encoding="utf-8")
    poll(lambda: rec.idle_calls == 2, what="the idle hook after a rebuild")
    assert w.wait_for_idle(settle=0.6) and rec.idle_calls == 2  # not again while nothing happens
    w.stop()
    assert rec.idle_calls == 3


def test_paths_the_idle_hook_hands_back_are_rebuilt(make_vault: Callable[..., Path], start_watcher: Callable[..., Watcher]) -> None:
    root = base_vault(make_vault)

    class Missing(Recorder):
        """Finds, once, a change no event announced (as IndexSession.idle may)."""

        def idle(self) -> list[str]:  # type: ignore[override]
            super().idle()
            return ["contacts/ada.md", "netkit.yaml"] if self.idle_calls == 1 else []

    rec = Missing()
    w = start_watcher(root, rebuild=rec, idle_delay=0.2)
    poll(lambda: len(rec.calls) == 2, what="the rebuild the idle hook asked for")
    assert rec.calls[1] == ({"contacts/ada.md", "netkit.yaml"}, True)  # netkit.yaml: a full one
    assert w.wait_for_idle(settle=0.6) and len(rec.calls) == 2


def test_the_cache_is_written_when_idle(make_vault: Callable[..., Path], start_watcher: Callable[..., Watcher]) -> None:
    from netkit import cache

    root = base_vault(make_vault)
    w = start_watcher(root, idle_delay=0.1)
    poll(lambda: cache.cache_path(root).exists(), what="the cache file")
    assert w.wait_for_idle(settle=0.5) and w.rebuilds == 0  # writing it caused no rebuild


# ------------------------------------------------------------------ observers


def test_polling_mode_follows_edits(make_vault: Callable[..., Path], start_watcher: Callable[..., Watcher]) -> None:
    root = base_vault(make_vault)
    w = start_watcher(root, polling=True, poll_interval=0.1)
    assert w.using_polling
    atomic_save(root / "contacts/ada.md", contact("Ada Polled", tier=1), ".ada.md.swp")
    poll(lambda: "Ada Polled" in page(root, "Tiers.md"), what="the polled edit")
    assert w.wait_for_idle(settle=1.0)
    assert w.rebuilds == 1


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EMFILE])
def test_the_inotify_limit_falls_back_to_polling(
    make_vault: Callable[..., Path], start_watcher: Callable[..., Watcher], code: int
) -> None:
    root = base_vault(make_vault)
    notices: list[str] = []

    def factory(polling: bool, interval: float, rules: PathRules) -> Any:
        if not polling:
            raise OSError(code, os.strerror(code))
        return watch.default_observer(polling, interval, rules)

    w = start_watcher(root, observer_factory=factory, poll_interval=0.1, on_notice=notices.append)
    assert w.using_polling
    assert len(notices) == 1 and "falling back to polling" in notices[0] and "fs.inotify.max_user_" in notices[0]
    (root / "contacts/ada.md").write_text(contact("Ada Fallback", tier=1), encoding="utf-8")
    poll(lambda: "Ada Fallback" in page(root, "Tiers.md"), what="the edit seen by polling")


class PartialObserver:
    """A native observer that, like watchdog at the inotify limit, silently skipped a folder."""

    def __init__(self, root: Path) -> None:
        group = type("Group", (), {})()
        group._active_callbacks_by_path = {os.fsencode(root): 1}  # contacts/ is missing
        emitter = type("Emitter", (), {})()
        emitter._inotify = group
        self.emitters = {emitter}

    def schedule(self, *args: Any, **kwargs: Any) -> None:
        pass

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass

    def is_alive(self) -> bool:
        return False


def test_folders_skipped_at_the_inotify_limit_fall_back_to_polling(
    make_vault: Callable[..., Path], start_watcher: Callable[..., Watcher]
) -> None:
    root = base_vault(make_vault)
    notices: list[str] = []

    def factory(polling: bool, interval: float, rules: PathRules) -> Any:
        return watch.default_observer(polling, interval, rules) if polling else PartialObserver(root)

    w = start_watcher(root, observer_factory=factory, poll_interval=0.1, on_notice=notices.append)
    assert w.using_polling and "falling back to polling" in notices[0]


def test_the_native_observer_watches_every_folder(make_vault: Callable[..., Path], start_watcher: Callable[..., Watcher]) -> None:
    # the coverage check reads watchdog internals: make sure they are still where we look
    root = base_vault(make_vault)
    (root / "contacts/a/b").mkdir(parents=True)
    w = start_watcher(root)
    assert not w.using_polling and sys.platform.startswith("linux")
    watched = watch._watched_folders(w._observer)
    assert watched is not None and set(watch._folders(w.root)) <= watched


def test_other_observer_errors_propagate(make_vault: Callable[..., Path]) -> None:
    root = base_vault(make_vault)

    def factory(polling: bool, interval: float, rules: PathRules) -> Any:
        raise OSError(errno.EACCES, "denied")

    with pytest.raises(OSError):
        Watcher(root, observer_factory=factory, clock=lambda: TODAY).start()


# ------------------------------------------------------------------ pure parts


@pytest.mark.parametrize(("rel", "is_dir", "kind"), [
    ("netkit.yaml", False, "config"),
    (".netkit/templates/tiers.md.j2", False, "template"),
    (".netkit/templates", True, "template"),
    (".netkit/templates/.tiers.md.j2.swp", False, "ignore"),
    (".netkit/cache/index.json", False, "ignore"),
    (".netkit/lock", False, "ignore"),
    ("contacts/ada.md", False, "content"),
    ("contacts/Ada.MD", False, "content"),
    ("contacts/team", True, "content"),
    ("journal/2026-11-20.md", False, "content"),
    ("contacts/photo.png", False, "ignore"),
    ("pages/Tiers.md", False, "ignore"),
    ("pages", True, "ignore"),
    (".git/HEAD", False, "ignore"),
    ("contacts/.obsidian/x.md", False, "ignore"),
    (".trash/ada.md", False, "ignore"),
    ("contacts/ada.md~", False, "ignore"),
    ("contacts/.#ada.md", False, "ignore"),
    ("contacts/ada.md.swp", False, "ignore"),
    ("contacts/.goutputstream-ABC", False, "ignore"),
    ("contacts/ada.md___jb_tmp___", False, "ignore"),
    ("contacts/.netkit-tmp-x.tmp", False, "ignore"),
    ("", True, "ignore"),
])
def test_path_rules(rel: str, is_dir: bool, kind: str) -> None:
    assert PathRules("/v").classify(rel, is_directory=is_dir) == kind


def test_path_rules_with_pages_in_the_root() -> None:
    rules = PathRules("/v", pages=".")
    assert rules.classify("Tiers.md", is_directory=False) == "ignore"
    assert rules.classify("Ada.md", is_directory=False) == "content"
    assert rules.relative("/v/contacts/a.md") == "contacts/a.md"
    assert rules.relative("/elsewhere/a.md") is None and rules.relative("/vx/a.md") is None


def test_settings_from_config() -> None:
    assert watch.settings_from_config(None) == (watch.WatchSettings(), [])
    settings, warnings = watch.settings_from_config({"debounce_ms": 250, "polling": True, "poll_interval_ms": 500})
    assert settings == watch.WatchSettings(250, True, 500) and warnings == []
    settings, warnings = watch.settings_from_config({"debounce_ms": "fast", "polling": "yes", "colour": 1})
    assert settings == watch.WatchSettings() and len(warnings) == 3
    assert watch.settings_from_config([1])[0] == watch.WatchSettings()


def test_format_report() -> None:
    report = RebuildReport(trigger="change", today=TODAY, added=("a",), modified=("b", "c"),
                           pages_written=("pages/Due.md",), seconds=0.1234)
    assert watch.format_report(report) == "+1 ~2 -0 · 1 page written · 123 ms"
    idle = RebuildReport(trigger="date", today=TODAY, seconds=12.0)
    assert watch.format_report(idle) == "+0 ~0 -0 · new day 2026-11-22 · pages unchanged · 12.0 s"


# ------------------------------------------------------------------ the command


def _start_cli(root: Path, *args: str) -> tuple[subprocess.Popen[str], list[str]]:
    env = {k: v for k, v in os.environ.items() if k != "NETKIT_VAULT"}
    env["NO_COLOR"] = "1"
    proc = subprocess.Popen(
        [sys.executable, "-m", "netkit", "watch", "--vault", str(root), "--today", TODAY.isoformat(), *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    lines: list[str] = []
    assert proc.stdout is not None
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        if line.startswith("Watching "):
            return proc, lines
    proc.kill()
    _, err = proc.communicate()
    pytest.fail(f"netkit watch did not start: {''.join(lines)}{err}")


def test_ctrl_c_exits_0(make_vault: Callable[..., Path]) -> None:
    root = base_vault(make_vault)
    (root / "netkit.yaml").write_text("version: 1\nwatch: {debounce_ms: 250}\n", encoding="utf-8")
    proc, lines = _start_cli(root)
    assert "debounce 250 ms" in lines[-1] and "native events" in lines[-1]
    assert any("+6 ~0 -0" in line for line in lines)
    (root / "contacts/ada.md").write_text(contact("Ada Subprocess", tier=1), encoding="utf-8")
    poll(lambda: "Ada Subprocess" in page(root, "Tiers.md"), what="the page written by the subprocess")
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=TIMEOUT)
    assert proc.returncode == 0, err
    assert "Traceback" not in err and "Stopped." in out
    assert "~1" in out  # the rebuild line of the edit


def test_cli_options_override_the_config(make_vault: Callable[..., Path]) -> None:
    root = base_vault(make_vault)
    (root / "netkit.yaml").write_text("version: 1\nwatch: {debounce_ms: 250, bogus: 1}\n", encoding="utf-8")
    proc, lines = _start_cli(root, "--debounce", "40", "--polling")
    assert "debounce 40 ms" in lines[-1] and "polling" in lines[-1]
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=TIMEOUT)
    assert proc.returncode == 0, err
    assert "unknown setting `watch.bogus`" in err


def test_cli_outside_a_vault_exits_2(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "NETKIT_VAULT"}
    proc = subprocess.run([sys.executable, "-m", "netkit", "watch", "--vault", str(tmp_path)],
                          capture_output=True, text=True, env=env, timeout=TIMEOUT)
    assert proc.returncode == 2 and "not a netkit vault" in proc.stderr
