"""Render the command-line reference (docs/cli.md) from the commands' own help.

``python -m netkit.clidoc > docs/cli.md`` regenerates it; a test fails when it is stale.
"""

from __future__ import annotations

import click

from netkit.cli import COMMANDS, cli


def render() -> str:
    """The Markdown reference: the group's help, then each command's."""
    # make_context applies the group's context_settings (-h), as a real invocation does
    ctx = cli.make_context("netkit", [], resilient_parsing=True, max_content_width=100, terminal_width=100)
    parts = [
        "# Command-line reference",
        "",
        "Generated from the commands' help by `python -m netkit.clidoc > docs/cli.md`;",
        "`tests/test_docs.py` fails when this file is out of date.",
        "",
        "Exit codes: 0 ok; 1 the vault has errors (or warnings, with `--strict`), or a write was",
        "refused to protect your data; 2 usage or environment error (no vault, bad option);",
        "3 an internal error (a bug: rerun with `NETKIT_DEBUG=1` and report it).",
        "",
        "## netkit",
        "",
        "```",
        cli.get_help(ctx).rstrip(),
        "```",
    ]
    for name in COMMANDS:
        command = cli.get_command(ctx, name)
        if command is None:
            continue
        sub = command.make_context(name, [], parent=ctx, resilient_parsing=True, max_content_width=100,
                                   terminal_width=100)
        parts += ["", f"## netkit {name}", "", "```", command.get_help(sub).rstrip(), "```"]
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    click.echo(render(), nl=False)
