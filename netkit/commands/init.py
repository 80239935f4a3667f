"""``netkit init DIR [--demo]``: a new vault from the template."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import click

from netkit.commands import _common


def template_dir() -> Path:
    """The shipped ``vault_template/`` (inside the package when installed, else the repo's)."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "vault_template", here.parent / "vault_template"):
        if (candidate / "netkit.yaml").is_file():
            return candidate
    _common.fail("the vault template is missing from this installation (reinstall netkit)")
    raise AssertionError  # unreachable


@click.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--demo", is_flag=True, help="Fill the vault with realistic sample contacts.")
@_common.global_options
def command(directory: Path, demo: bool) -> None:
    """Create a new vault in DIRECTORY from the template.

    Refuses to touch a folder that already holds files (nothing is overwritten).
    """
    from netkit import fileio

    if directory.exists() and any(directory.iterdir()):
        _common.fail(f"{directory} already exists and is not empty; choose a new folder")
    source = template_dir()
    directory.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source, directory, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__", ".netkit"))
    count = len(list((directory / "contacts").rglob("*.md")))
    if demo:
        from netkit.demo import demo_files

        # the demo replaces the template's examples with its own, coherent cast
        shutil.rmtree(directory / "contacts")
        files = demo_files(_common.today())
        for rel, text in sorted(files.items()):
            target = directory / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            fileio.atomic_write(target, text.encode("utf-8"), create_only=True)
        count = sum(1 for rel in files if rel.startswith("contacts/"))
    click.echo(f"Created a netkit vault in {directory} with {count} contacts.")
    click.echo("Next: " + " && ".join([f"cd {directory}", "netkit check", "netkit due", "netkit index"]))
    sys.exit(0)
