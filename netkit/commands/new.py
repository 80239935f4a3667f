"""``netkit new NAME [--tier T] [--tag TAG]...``: create a contact file; never overwrites."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from netkit.commands import _common

#: seconds to wait for another netkit (a running `index`) to release the vault lock
LOCK_WAIT = 2.0


def display_path(path: Path) -> str:
    """``path`` relative to the working directory when it lies below it, else absolute."""
    try:
        return os.path.relpath(path) if path.resolve().is_relative_to(Path.cwd().resolve()) else str(path)
    except (OSError, ValueError):
        return str(path)


@click.command("new")
@click.argument("name", type=_common.TEXT)
@click.option("--tier", type=int, metavar="T", help="Relationship tier (default: the vault's default_tier).")
@click.option("--tag", "tags", multiple=True, type=_common.TEXT, metavar="TAG", help="A tag; repeat for several.")
@_common.global_options
def command(name: str, tier: int | None, tags: tuple[str, ...]) -> None:
    """Create a contact file for NAME in the first contacts folder and print its path.

    The file name is a safe slug of NAME (``José Álvarez`` -> ``jose-alvarez.md``). Nothing
    is ever overwritten: an existing file, or an existing contact with that name or alias,
    is an error (exit 1) and nothing is written.
    """
    from netkit import fileio, logwriter

    vault = _common.load()
    today = _common.today()
    clean = logwriter.single_line(name)
    if not clean:
        _common.fail("NAME must not be empty")
    config = vault.config
    if tier is not None and tier not in config.tiers:
        defined = ", ".join(str(k) for k in sorted(config.tiers))
        _common.fail(f"tier {tier} is not defined in netkit.yaml (tiers: {defined})")
    clean_tags = [t for t in (logwriter.single_line(t).lstrip("#").strip() for t in tags) if t]

    slug = logwriter.slugify(clean)
    # the same person by name or alias, or a file whose stem the new one would share (two
    # files `ada-lovelace.md` in different folders make `[[ada-lovelace]]` ambiguous)
    existing = vault.index.exact(clean) or vault.index.exact(slug)
    if existing:
        where = ", ".join(sorted({c.path for c in existing}))
        _common.fail(f"`{clean}` already exists: {where} (add to it with `netkit log`); nothing written",
                     _common.EXIT_ERRORS)
    rel = f"{config.contacts[0].strip('/')}/{slug}.md"
    target = vault.root / rel
    text = logwriter.new_contact_text(clean, tier, clean_tags, today, config.log_heading)
    try:
        with fileio.VaultLock(vault.root, wait=LOCK_WAIT):
            target.parent.mkdir(parents=True, exist_ok=True)
            fileio.atomic_write(target, text.encode("utf-8"), create_only=True)
    except fileio.AlreadyExistsError:
        _common.fail(f"{rel} already exists; netkit never overwrites a file (choose a more "
                     "specific name); nothing written", _common.EXIT_ERRORS)
    except fileio.NetkitIOError as exc:
        _common.fail(f"{exc}; nothing written", _common.EXIT_ERRORS)
    except OSError as exc:
        _common.fail(fileio.describe_os_error(exc, target.parent, "create") + "; nothing written",
                     _common.EXIT_ERRORS)
    click.echo(f"Created {display_path(target)}")
    sys.exit(_common.report_and_exit_code(vault))
