"""The ``netkit`` command: one click group whose commands load lazily.

Each command lives in ``netkit/commands/<name>.py`` and is imported only when it runs, so
``netkit --help`` and short commands start fast (heavy modules are imported inside them).
"""

from __future__ import annotations

import gc
import importlib
import importlib.util
import os
import sys
from typing import Any

import click

from netkit import __version__
from netkit.commands import _common

#: command name -> (module, one-line help shown by `netkit --help` without importing it)
COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("netkit.commands.init", "Create a new vault (with --demo: realistic sample contacts)."),
    "check": ("netkit.commands.check", "Validate the vault; write nothing."),
    "index": ("netkit.commands.index", "Validate, refresh the cache and render all pages."),
    "watch": ("netkit.commands.watch", "Index, then re-render pages on every change until Ctrl-C."),
    "due": ("netkit.commands.due", "Touchpoints due (overdue first) and birthdays in the window."),
    "health": ("netkit.commands.health", "Relationship strength and network health indicators."),
    "list": ("netkit.commands.list_cmd", "List contacts, optionally by tier or tag."),
    "show": ("netkit.commands.show", "Show one contact with its log and indicators."),
    "new": ("netkit.commands.new", "Create a contact file (never overwrites)."),
    "log": ("netkit.commands.log", "Append one entry to a contact's interaction log."),
    "import": ("netkit.commands.import_cmd", "Import LinkedIn, Google or vCard contacts (merging, idempotent)."),
    "export": ("netkit.commands.export", "Export contacts as vCard, iCalendar, CSV or JSON."),
    "dedupe": ("netkit.commands.dedupe", "Find likely duplicate contacts; --apply merges them."),
    "report": ("netkit.commands.report", "Write a self-contained HTML report of the network."),
}


class LazyGroup(click.Group):
    """A group that imports a command's module only when that command is used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name in COMMANDS if self._available(name)]

    @staticmethod
    def _available(name: str) -> bool:
        module = COMMANDS[name][0]
        spec = importlib.util.find_spec(module)
        return spec is not None

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None or not self._available(cmd_name):
            return None
        module = importlib.import_module(entry[0])
        command: click.Command = module.command
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="netkit")
@_common.global_options
def cli() -> None:
    """netkit keeps a plain-text professional network healthy.

    Each person is a Markdown file with YAML front matter in a vault folder. Global options
    (--vault, --today) may stand before or after the command name.
    """


def main(argv: list[str] | None = None) -> None:
    """Console entry point: never shows a traceback for bad input."""
    # A command runs once and exits. The cyclic garbage collector would walk the hundreds
    # of thousands of objects a large vault loads again and again (a tenth of a cold index
    # at 10,000 contacts) to find cycles netkit's values do not make; reference counting
    # frees them all the same, and peak memory measured the same. `netkit watch`, which
    # runs for days, turns it back on.
    gc.disable()
    try:
        cli.main(args=argv, prog_name="netkit", standalone_mode=True)
    except KeyboardInterrupt:
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as exc:  # a bug in netkit: say so plainly, keep the traceback opt-in
        if os.environ.get("NETKIT_DEBUG"):
            raise
        click.echo(f"netkit: internal error: {type(exc).__name__}: {exc}", err=True)
        click.echo("netkit: this is a bug in netkit; rerun with NETKIT_DEBUG=1 for details", err=True)
        sys.exit(3)


def run(args: list[str]) -> Any:
    """Invoke the CLI in-process (for tests); returns click's result."""
    return cli.main(args=args, prog_name="netkit", standalone_mode=False)
