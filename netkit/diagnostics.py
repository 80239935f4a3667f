"""Diagnostics: problems found in user data, reported like a compiler would.

A diagnostic names a file (relative to the vault root, with ``/``), a 1-based line and
column, a severity, a stable code (documented in ``docs/diagnostics.md``), a message and an
optional hint. Problems in user data are *collected*, never raised.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable, Mapping
from typing import Any, Literal

Severity = Literal["error", "warning"]


@dataclasses.dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem at one place in one file."""

    path: str
    line: int
    column: int
    severity: Severity
    code: str
    message: str
    hint: str = ""
    #: the offending source line (without its line ending), for the caret display
    source_line: str | None = None

    @property
    def is_error(self) -> bool:
        """True for errors (as opposed to warnings)."""
        return self.severity == "error"

    def to_json(self) -> dict[str, Any]:
        """The JSON shape fixed by design.md §4 (plus ``hint``)."""
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "hint": self.hint,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Diagnostic:
        """Inverse of :meth:`to_json` (used by the cache)."""
        return cls(
            path=data["path"],
            line=data["line"],
            column=data["column"],
            severity=data["severity"],
            code=data["code"],
            message=data["message"],
            hint=data.get("hint", ""),
            source_line=data.get("source_line"),
        )


class Diagnosed:
    """``errors`` and ``warnings`` for anything holding ``diagnostics`` (a loaded vault, the
    answers ``netkit index`` recorded)."""

    __slots__ = ()
    diagnostics: tuple[Diagnostic, ...]

    @property
    def errors(self) -> list[Diagnostic]:
        """Diagnostics of severity error."""
        return [d for d in self.diagnostics if d.is_error]

    @property
    def warnings(self) -> list[Diagnostic]:
        """Diagnostics of severity warning."""
        return [d for d in self.diagnostics if not d.is_error]


def make(
    path: str,
    line: int,
    column: int,
    code: str,
    message: str,
    *,
    severity: Severity = "error",
    hint: str = "",
    text: str | None = None,
) -> Diagnostic:
    """Build a diagnostic; when ``text`` (the whole file) is given, capture the source line."""
    source_line = None
    if text is not None and line >= 1:
        source_line = line_of(text, line)
    return Diagnostic(path, max(line, 1), max(column, 1), severity, code, message, hint, source_line)


def line_of(text: str, line: int) -> str | None:
    """Return the 1-based ``line`` of ``text`` without its ending, or None past the end."""
    start = 0
    for _ in range(line - 1):
        nl = text.find("\n", start)
        if nl < 0:
            return None
        start = nl + 1
    end = text.find("\n", start)
    chunk = text[start:] if end < 0 else text[start:end]
    return chunk.rstrip("\r")


def sort_key(diag: Diagnostic) -> tuple[str, int, int, str]:
    """Stable report order: by file, then position, then code."""
    return (diag.path, diag.line, diag.column, diag.code)


def _use_colour(stream_is_tty: bool) -> bool:
    return stream_is_tty and "NO_COLOR" not in os.environ


_CONTROL = dict.fromkeys([*range(0, 9), *range(10, 32), 127, *range(128, 160)], "\ufffd")


def printable(text: str) -> str:
    """Replace control characters (ESC sequences could drive the user's terminal) with U+FFFD,
    one character for one, so the caret under the source line stays aligned."""
    return text.translate(_CONTROL)


def format_text(diag: Diagnostic, *, colour: bool = False) -> str:
    """Compiler-style text: location, message, the source line with a caret, a hint."""
    diag = dataclasses.replace(
        diag,
        path=printable(diag.path),
        message=printable(diag.message),
        hint=printable(diag.hint),
        source_line=None if diag.source_line is None else printable(diag.source_line.replace("\t", " ")),
    )
    sev = diag.severity
    if colour:
        tint = "\033[31;1m" if sev == "error" else "\033[33;1m"
        head = f"\033[1m{diag.path}:{diag.line}:{diag.column}:\033[0m {tint}{sev}[{diag.code}]\033[0m: {diag.message}"
    else:
        head = f"{diag.path}:{diag.line}:{diag.column}: {sev}[{diag.code}]: {diag.message}"
    lines = [head]
    if diag.source_line is not None:
        src = diag.source_line.replace("\t", " ")
        gutter = f"{diag.line:>5} | "
        lines.append(gutter + src)
        caret_pad = " " * (len(gutter) - 2) + "| " + " " * (diag.column - 1)
        lines.append(caret_pad + ("\033[32;1m^\033[0m" if colour else "^"))
    if diag.hint:
        lines.append(f"      = hint: {diag.hint}")
    return "\n".join(lines)


def summary(contacts: int, diags: Iterable[Diagnostic]) -> tuple[int, int]:
    """Count errors and warnings."""
    errors = warnings = 0
    for d in diags:
        if d.is_error:
            errors += 1
        else:
            warnings += 1
    return errors, warnings


def use_colour_for(stream: Any) -> bool:
    """Colour only on a TTY, and never when NO_COLOR is set."""
    isatty = getattr(stream, "isatty", None)
    return _use_colour(bool(isatty and isatty()))
