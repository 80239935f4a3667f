"""Options, vault loading and output helpers shared by every command."""

from __future__ import annotations

import datetime as dt
import functools
import json
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from netkit import diagnostics as diag_mod
from netkit.diagnostics import Diagnostic

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK = 0
EXIT_ERRORS = 1
EXIT_USAGE = 2


class Settings:
    """Global option values, whichever side of the command name they were given on."""

    def __init__(self) -> None:
        self.vault: str | None = None
        self.today: dt.date | None = None


def settings(ctx: click.Context | None = None) -> Settings:
    """The shared settings object on the root context."""
    ctx = ctx or click.get_current_context()
    root = ctx.find_root()
    if not isinstance(root.obj, Settings):
        root.obj = Settings()
    return root.obj


def _store_vault(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value is not None:
        settings(ctx).vault = value


def _store_today(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value is None:
        return
    try:
        settings(ctx).today = dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date YYYY-MM-DD", ctx=ctx, param=_param) from None


def global_options(func: F) -> F:
    """Add --vault and --today (usable on the group and on every command)."""
    func = click.option("--today", metavar="YYYY-MM-DD", expose_value=False, callback=_store_today,
                        is_eager=True, help="The date all computations use (default: today).")(func)
    func = click.option("--vault", metavar="DIR", expose_value=False, callback=_store_vault, is_eager=True,
                        help="The vault folder (default: $NETKIT_VAULT, else the nearest folder upward with netkit.yaml).")(func)
    return func


def today() -> dt.date:
    """``--today`` or the local date."""
    return settings().today or dt.date.today()


def vault_root() -> Path:
    """Resolve the vault root or exit 2 with a clear message."""
    from netkit import loader

    try:
        return loader.find_root(settings().vault)
    except loader.VaultError as exc:
        fail(str(exc))


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """Print ``netkit: message`` on stderr and exit (2 by default)."""
    click.echo(f"netkit: {message}", err=True)
    sys.exit(code)


def load(*, progress: bool = False, use_cache: bool = True, save_cache: bool = False, scan: Any = None) -> Any:
    """Load the vault (a ``loader.Vault``); environment errors exit 2. ``scan``: a
    ``loader.Scan`` of the folders just taken (not walked again)."""
    from netkit import loader

    root = vault_root()
    bar = ProgressBar("indexing") if progress else None
    try:
        vault = loader.load_vault(root, use_cache=use_cache, progress=bar.update if bar else None, scan=scan)
        if save_cache and use_cache:
            # before contacts are decoded: cached ones are written back still encoded
            # a large write (a cold index) runs in a forked child while the pages are
            # computed; the command collects its warning with loader.finish_cache
            warning = loader.save_cache(vault, background=True)
            if warning:
                click.echo(f"netkit: warning: {warning}", err=True)
        vault = loader.with_notes_and_links(vault, remember=save_cache and use_cache)
    except loader.VaultError as exc:
        fail(str(exc))
    finally:
        if bar:
            bar.close()
    return vault


def print_diagnostics(diags: Iterable[Diagnostic], *, stream: Any = None) -> None:
    """Compiler-style diagnostics on stderr (colour on a TTY unless NO_COLOR)."""
    stream = stream or sys.stderr
    colour = diag_mod.use_colour_for(stream)
    for d in diags:
        stream.write(diag_mod.format_text(d, colour=colour) + "\n")


def report_and_exit_code(vault: Any, *, strict: bool = False, quiet_warnings: bool = True) -> int:
    """For commands other than `check`: errors go to stderr (warnings only when asked);
    return the exit code (1 when the vault has errors)."""
    errors = vault.errors
    if errors:
        print_diagnostics(errors)
        click.echo(f"netkit: {len(errors)} error(s) in the vault; results cover the valid part "
                   "(run `netkit check` for details)", err=True)
    if not quiet_warnings:
        print_diagnostics(vault.warnings)
    if errors or (strict and vault.warnings):
        return EXIT_ERRORS
    return EXIT_OK


def json_dump(data: Any) -> None:
    """JSON on stdout, stable key order as built, UTF-8: :func:`json_text`'s text."""
    if _is_flat_list(data):
        sys.stdout.write(_flat_list_text(data) + "\n")
        return
    # nested data (`health --json`, `show --json`) goes out as it is encoded: a 100,000-
    # contact report is ~170 MB of text, and holding it (and the encoder's millions of
    # pieces) at once took more memory than the report itself
    write = sys.stdout.write
    pieces: list[str] = []
    for piece in json.JSONEncoder(ensure_ascii=False, indent=2).iterencode(data):
        pieces.append(piece)
        if len(pieces) >= 4096:
            write("".join(pieces))
            pieces.clear()
    pieces.append("\n")
    write("".join(pieces))


_SCALARS = (str, int, float, bool, type(None))


def _is_flat_list(data: Any) -> bool:
    """A non-empty list of non-empty objects whose values are all scalars."""
    return (type(data) is list and bool(data)
            and all(type(item) is dict and item and all(type(v) in _SCALARS for v in item.values()) for item in data))


def json_text(data: Any) -> str:
    """``json.dumps(data, ensure_ascii=False, indent=2)``, the same text.

    With ``indent`` the standard library encodes in Python (~10 ms for a 1,000-item due
    list); a list of flat objects — what most commands print — is built here from the C
    encoder's output instead: each object encoded with the item separator ``",\n    "``,
    which can only stand between items (inside a string a line break is escaped).
    """
    if _is_flat_list(data):
        return _flat_list_text(data)
    return json.dumps(data, ensure_ascii=False, indent=2)


def _flat_list_text(data: list[dict[str, Any]]) -> str:
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",\n    ", ": ")).encode
    return "[\n" + ",\n".join("  {\n    " + encode(item)[1:-1] + "\n  }" for item in data) + "\n]"


def style(text: str, *, fg: str | None = None, bold: bool = False, stream: Any = None,
          colour: bool | None = None) -> str:
    """Colour only on a TTY and never with NO_COLOR (``colour``: decided by the caller)."""
    if not (colour if colour is not None else diag_mod.use_colour_for(stream or sys.stdout)):
        return text
    return click.style(text, fg=fg, bold=bold)


def table(rows: list[list[str]], headers: list[str], *, align: str | None = None) -> str:
    """An aligned plain-text table; ``align`` is a string of l/r per column."""
    import unicodedata

    def width(s: str) -> int:
        if s.isascii():
            return len(s)  # the common case, without a Unicode lookup per character
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)

    cols = len(headers)
    align = align or "l" * cols
    widths = [width(h) for h in headers]
    for r in rows:
        for i, cell in enumerate(r):
            widths[i] = max(widths[i], width(cell))

    def fmt(r: list[str]) -> str:
        parts = []
        for i, cell in enumerate(r):
            pad = " " * (widths[i] - width(cell))
            parts.append(pad + cell if align[i] == "r" else cell + pad)
        return "  ".join(parts).rstrip()

    lines = [fmt(headers), "  ".join("-" * w for w in widths)]
    lines.extend(fmt(r) for r in rows)
    return "\n".join(lines)


class ProgressBar:
    """A one-line progress bar on stderr, shown only on a TTY and only for long work."""

    def __init__(self, label: str, *, min_total: int = 500) -> None:
        self.label = label
        self.min_total = min_total
        self.enabled = sys.stderr.isatty()
        self._last = -1

    def update(self, done: int, total: int) -> None:
        """Redraw when the percentage changes."""
        if not self.enabled or total < self.min_total:
            return
        pct = done * 100 // max(total, 1)
        if pct == self._last:
            return
        self._last = pct
        filled = pct * 30 // 100
        sys.stderr.write(f"\r{self.label} [{'#' * filled}{'.' * (30 - filled)}] {done}/{total}")
        sys.stderr.flush()

    def close(self) -> None:
        """Clear the line."""
        if self.enabled and self._last >= 0:
            sys.stderr.write("\r" + " " * 70 + "\r")
            sys.stderr.flush()


def handles_io_errors(func: F) -> F:
    """Turn netkit's I/O errors (lock held, file changed, disk full) into exit 1 with a message."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except OSError as exc:
            fail(f"{exc.strerror or exc}" + (f": {exc.filename}" if getattr(exc, "filename", None) else ""), EXIT_ERRORS)
        except Exception as exc:
            if type(exc).__module__ == "netkit.fileio":
                fail(str(exc), EXIT_ERRORS)
            raise

    return wrapper  # type: ignore[return-value]


class UnicodeText(click.ParamType):
    """Text that must be valid Unicode: arguments from non-UTF-8 terminals arrive with lone
    surrogates (Python's surrogateescape), which can never be written to a UTF-8 file."""

    name = "text"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        text = str(value)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            self.fail("is not valid UTF-8 text (check the terminal's encoding)", param, ctx)
        return text


TEXT = UnicodeText()
