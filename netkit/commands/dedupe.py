"""``netkit dedupe [--apply]``: find likely duplicate contacts; print or apply a merge plan.

Finding and planning are :mod:`netkit.dedupe`. With ``--apply``, under the vault lock, each
other file is merged into the kept one (only bytes inserted, written atomically and only if
the kept file still holds the bytes the merge was computed from), then moved — never
deleted — to ``.netkit/merged/<its path>``. The vault is loaded without the index cache
so that printing a plan writes nothing at all.
"""

from __future__ import annotations

import errno
import os
import sys
from pathlib import Path
from typing import Any

import click

from netkit.commands import _common


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else plural or word + 's'}"


def _describe_contact(c: Any) -> str:
    met = f", met {c.met}" if c.met else ""
    return f"{c.path} ({_plural(len(c.log), 'log entry', 'log entries')}{met})"


def print_step(step: Any, destination: str, *, done: bool = False) -> None:
    """What merging one file does (``done``: did): fields, list items, log, conflicts."""
    echo = click.echo
    echo(f"  {'merged' if done else 'merge '} {step.other} -> {destination}")
    if step.blocked:
        echo(f"    skipped: {step.blocked}")
        return
    if step.added_fields:
        echo(f"    add fields: {', '.join(step.added_fields)}")
    for key, items in step.added_items.items():
        echo(f"    add to {key}: {', '.join(str(i) for i in items)}")
    if step.log_blocks:
        echo(f"    append {_plural(len(step.log_blocks), 'log block')}:")
        for block in step.log_blocks:
            for line in block:
                echo(f"      {line}")
    for conflict in step.conflicts:
        echo(f"    conflict {conflict.describe()}")


def move_aside(root: Path, rel: str, dest_rel: str, expected: bytes) -> None:
    """Move ``rel`` to ``dest_rel`` (both vault-relative) without ever overwriting or losing
    it: a hard link under the new name first, then the old name removed. Refused (nothing
    moved) when the file no longer holds ``expected``."""
    from netkit import fileio

    source, dest = root / rel, root / dest_rel
    now, _ = fileio.read_with_fingerprint(source)
    if now != expected:
        raise fileio.FileChangedError(source, f"{rel} changed since it was read; it was not moved")
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, dest)
    except FileExistsError:
        raise fileio.AlreadyExistsError(dest, f"{dest_rel} already exists; {rel} was not moved") from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS, errno.EXDEV):
            raise
        # no hard links on this file system: an exclusive copy, checked, does the same
        fileio.atomic_write(dest, expected, create_only=True)
    os.unlink(source)


@click.command("dedupe")
@click.option("--apply", "apply_", is_flag=True,
              help="Merge each group into its kept file and move the others to .netkit/merged/.")
@_common.global_options
def command(apply_: bool) -> None:
    """Find contacts that look like the same person and show how they would be merged.

    Likely duplicates share an email or LinkedIn URL, or have near-identical names. In
    each group the file with the most log entries is kept (ties: the older `met`, then
    the path). With --apply, the others' missing fields, list items and log entries are
    added to it (only bytes inserted; conflicting values are reported, the kept value
    stays) and the other files are moved to .netkit/merged/<path>. Nothing is deleted;
    files with errors are never merged.
    """
    from netkit import dedupe, fileio

    vault = _common.load(use_cache=False)
    groups = dedupe.find_groups(vault.contacts)
    if not groups:
        click.echo("No likely duplicates found.")
        sys.exit(_common.report_and_exit_code(vault))
    if not apply_:
        _show(vault, groups)
        click.echo(f"\n{_plural(len(groups), 'group')} of likely duplicates; nothing written. "
                   "Run `netkit dedupe --apply` to merge them.")
        sys.exit(_common.report_and_exit_code(vault))
    failures = 0
    try:
        with fileio.VaultLock(vault.root):
            vault = _common.load(use_cache=False)  # again, under the lock
            groups = dedupe.find_groups(vault.contacts)
            merged, failures = _apply(vault, groups)
    except fileio.NetkitIOError as exc:
        _common.fail(f"{exc}; stopped", _common.EXIT_ERRORS)
    click.echo(f"\n{_plural(merged, 'file')} merged, {failures} skipped.")
    code = _common.report_and_exit_code(vault)
    sys.exit(_common.EXIT_ERRORS if failures else code)


def _errors_by_path(vault: Any) -> set[str]:
    return {d.path for d in vault.errors}


def _show(vault: Any, groups: list[Any]) -> None:
    from netkit import dedupe

    root: Path = vault.root
    broken = _errors_by_path(vault)
    for group in groups:
        kept = group.kept
        click.echo(f"{kept.name}: {', '.join(c.path for c in group.contacts)}")
        for match in group.matches:
            click.echo(f"  why: {match.a} ~ {match.b}: {match.reason}")
        click.echo(f"  keep   {_describe_contact(kept)}")
        kept_raw = b""  # read when first needed
        for other in group.others:
            dest = dedupe.merged_destination(other.path, lambda rel: os.path.lexists(root / rel))
            if kept.path in broken or other.path in broken:
                bad = kept.path if kept.path in broken else other.path
                step = dedupe.MergeStep(kept.path, other.path, None,
                                        blocked=f"{bad} has errors; fix them first (`netkit check`)")
            else:
                try:
                    other_raw = (root / other.path).read_bytes()
                    kept_raw = kept_raw or (root / kept.path).read_bytes()
                except OSError as exc:
                    step = dedupe.MergeStep(kept.path, other.path, None, blocked=f"cannot read: {exc.strerror or exc}")
                else:
                    step = dedupe.plan_merge(kept_raw, other_raw, kept.path, other.path, vault.config)
                    if step.result is not None:
                        kept_raw = step.result  # the next file merges into the result
            print_step(step, dest)


def _apply(vault: Any, groups: list[Any]) -> tuple[int, int]:
    """Merge every group; return (files merged, files skipped)."""
    from netkit import dedupe, fileio

    root: Path = vault.root
    broken = _errors_by_path(vault)
    merged = failures = 0
    for group in groups:
        kept = group.kept
        click.echo(f"{kept.name}: keep {kept.path}")
        for other in group.others:
            dest = dedupe.merged_destination(other.path, lambda rel: os.path.lexists(root / rel))
            if kept.path in broken or other.path in broken:
                bad = kept.path if kept.path in broken else other.path
                click.echo(f"  skipped {other.path}: {bad} has errors; fix them first (`netkit check`)")
                failures += 1
                continue
            try:
                kept_raw, kept_fp = fileio.read_with_fingerprint(root / kept.path)
                other_raw, _ = fileio.read_with_fingerprint(root / other.path)
                step = dedupe.plan_merge(kept_raw, other_raw, kept.path, other.path, vault.config)
                if step.result is None:
                    click.echo(f"  skipped {other.path}: {step.blocked}")
                    failures += 1
                    continue
                if step.result != kept_raw:
                    fileio.atomic_write(root / kept.path, step.result, expected=kept_fp)
                move_aside(root, other.path, dest, other_raw)
            except (fileio.NetkitIOError, OSError) as exc:
                message = str(exc) if isinstance(exc, fileio.NetkitIOError) else fileio.describe_os_error(
                    exc, root / other.path, "move")
                click.echo(f"  skipped {other.path}: {message}")
                failures += 1
                continue
            print_step(step, dest, done=True)
            merged += 1
    return merged, failures

