"""``netkit watch``: index once, then keep the pages current on every change until Ctrl-C.

A thin layer over :class:`netkit.watch.Watcher`: resolve the vault and the settings, print
one line per rebuild (``+added ~modified -removed``, pages, problems, time) with any new
diagnostics, and stop cleanly (exit 0) on Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import datetime as dt
import signal
import sys
import threading
import time
import warnings
from types import FrameType
from typing import TYPE_CHECKING

import click

from netkit.commands import _common

if TYPE_CHECKING:
    from netkit.diagnostics import Diagnostic
    from netkit.watch import RebuildReport


class _Console:
    """Prints reports; remembers the diagnostics already shown so each is shown once."""

    def __init__(self, *, timings: bool = False) -> None:
        self.timings = timings
        self.shown: set[Diagnostic] = set()
        self.lock = threading.Lock()  # reports come from the loop thread, notices from main

    def report(self, report: RebuildReport) -> None:
        from netkit import watch

        with self.lock:
            current = set(report.diagnostics)
            if report.trigger == "start":
                # like `netkit index`: errors in full, warnings counted in the summary line
                fresh = [d for d in report.diagnostics if d.is_error]
            else:
                fresh = [d for d in report.diagnostics if d not in self.shown]
            self.shown = current
            _common.print_diagnostics(fresh, stream=sys.stdout)
            for rel in report.kept:
                click.echo(_common.style(
                    f"  {rel}: not valid right now; keeping its last good version until it is", fg="yellow"))
            line = f"[{time.strftime('%H:%M:%S')}] {watch.format_report(report, timings=self.timings)}"
            colour = "red" if report.errors else ("yellow" if report.kept else "green")
            click.echo(_common.style(line, fg=colour))

    def error(self, exc: BaseException) -> None:
        with self.lock:
            click.echo(_common.style(
                f"[{time.strftime('%H:%M:%S')}] rebuild failed: {_describe(exc)}; "
                "will retry (and on the next change)", fg="red"), err=True)

    def notice(self, message: str) -> None:
        with self.lock:
            click.echo(f"netkit: {message}", err=True)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return f"{exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else "")
    if type(exc).__module__.startswith("netkit."):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@click.command("watch")
@click.option("--debounce", "debounce_ms", type=click.IntRange(0, 10_000), metavar="MS", default=None,
              help="Quiet period before a rebuild, in milliseconds "
                   "(default: watch.debounce_ms in netkit.yaml, else 100).")
@click.option("--polling", is_flag=True, default=None,
              help="Poll the file system instead of using native events (network drives, "
                   "or when the system's watch limit is reached).")
@click.option("--timings", is_flag=True, help="Show how long each stage of a rebuild took.")
@_common.global_options
def command(debounce_ms: int | None, polling: bool | None, timings: bool) -> None:
    """Index the vault, then re-render the pages whenever a file changes, until Ctrl-C.

    Each rebuild re-parses only the files that changed, writes only the pages whose content
    changed, and prints one line: +added ~modified -removed contact files, pages written,
    problems, time taken. A file that does not parse (an editor caught mid-save, or an
    invalid edit) keeps its last good version until it is valid again. Changes to
    netkit.yaml or .netkit/templates/ re-render everything; so does midnight (due lists
    depend on the date). Settings: `watch: {debounce_ms: 100, polling: false,
    poll_interval_ms: 1000}` in netkit.yaml. Ctrl-C stops it (exit 0).
    """
    import gc

    from netkit import loader, watch

    gc.enable()  # a long-running process: cycles must be collected (see cli.main)

    root = _common.vault_root()
    try:
        config, _ = loader.read_config(root)
    except loader.VaultError as exc:
        _common.fail(str(exc))
    settings, problems = watch.settings_from_config(config.extra.get("watch"))
    for message in problems:
        click.echo(f"netkit: {message}", err=True)
    fixed_today = _common.settings().today
    clock = (lambda: fixed_today) if fixed_today is not None else dt.date.today

    # watchdog's inotify backend warns when a folder created with its parents (`git
    # checkout`, `mkdir -p`) is registered twice; harmless, and noise on a user's console
    warnings.filterwarnings("ignore", message="Callback with id", category=RuntimeWarning)

    # A shell that starts us in the background may have set SIGINT to "ignore"; Ctrl-C must
    # still stop a watcher, and SIGTERM (a service manager) should stop it just as cleanly.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _raise_interrupt)

    console = _Console(timings=timings)
    watcher = watch.Watcher(
        root,
        clock=clock,
        debounce=(debounce_ms if debounce_ms is not None else settings.debounce_ms) / 1000,
        polling=bool(polling) or settings.polling,
        poll_interval=settings.poll_interval_ms / 1000,
        on_report=console.report,
        on_error=console.error,
        on_notice=console.notice,
    )
    code = _common.EXIT_OK
    try:
        try:
            watcher.start()
        except loader.VaultError as exc:
            _common.fail(str(exc))
        except OSError as exc:
            _common.fail(f"cannot watch {root}: {_describe(exc)}")
        mode = "polling" if watcher.using_polling else "native events"
        click.echo(f"Watching {root} ({mode}, debounce {watcher.debounce * 1000:.0f} ms); "
                   "press Ctrl-C to stop.")
        while watcher.alive:
            time.sleep(0.5)  # the main thread only waits for Ctrl-C; the loop thread works
        click.echo("netkit: the watch loop stopped unexpectedly", err=True)
        code = 3
    except KeyboardInterrupt:
        pass
    finally:
        try:
            watcher.stop()
        except KeyboardInterrupt:
            pass  # a second Ctrl-C while a rebuild finishes: leave at once (writes are atomic)
    if code == _common.EXIT_OK:
        click.echo("Stopped.")
    sys.exit(code)
