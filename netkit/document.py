"""Split a contact file's text into front matter and body, keeping line numbers."""

from __future__ import annotations

import dataclasses
import re

from netkit import diagnostics as diag_mod
from netkit.diagnostics import Diagnostic

BOM = "\ufeff"
_FENCE_OPEN = re.compile(r"^---[ \t]*\r?$")
_FENCE_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$")
# the same, searched through the whole text in one call from the newline before a line (see
# split): the literal newline lets the regex engine skip from line to line
_FENCE_CLOSE_LINE = re.compile(r"\n(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)
_CONFLICT = re.compile(r"^(<{7}|={7}|>{7})(?: |$)", re.MULTILINE)


@dataclasses.dataclass(frozen=True, slots=True)
class Document:
    """A file's text split into its parts. Lines are 1-based file lines."""

    text: str  # the whole decoded text, BOM removed
    front_matter: str | None  # the YAML between the fences, or None when there is none
    fm_line: int  # file line of the first YAML line (2 when front matter exists)
    body: str
    body_line: int  # file line where the body starts


def split(text: str, path: str) -> tuple[Document | None, list[Diagnostic]]:
    """Split ``text`` (BOM already removed) into front matter and body.

    Returns ``(None, diagnostics)`` when the front matter is opened but never closed.
    A file without an opening ``---`` line has no front matter; its whole text is the body.
    """
    if not _FENCE_OPEN.match(text[:8].split("\n", 1)[0] if text else ""):
        return Document(text, None, 0, text, 1), []
    first_nl = text.find("\n")
    if first_nl < 0:
        return None, [_unterminated(path, text)]
    # the first later line that is a closing fence (one regex search, not a loop per line)
    close = _FENCE_CLOSE_LINE.search(text, first_nl)
    if close is None:
        return None, [_unterminated(path, text)]
    pos = close.start() + 1
    line_no = 2 + text.count("\n", first_nl + 1, pos)
    nl = text.find("\n", pos)
    body_start = len(text) if nl < 0 else nl + 1
    return Document(text, text[first_nl + 1 : pos], 2, text[body_start:], line_no + 1), []


def _unterminated(path: str, text: str) -> Diagnostic:
    return diag_mod.make(
        path, 1, 1, "frontmatter.unterminated",
        "the front matter starts with `---` but has no closing `---` line",
        hint="add a line with just `---` after the last property",
        text=text,
    )


def conflict_markers(text: str, path: str) -> list[Diagnostic]:
    """One diagnostic per git conflict marker line (``<<<<<<<``, ``=======``, ``>>>>>>>``)."""
    out: list[Diagnostic] = []
    if "<<<<<<<" not in text and ">>>>>>>" not in text:
        return out
    for m in _CONFLICT.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        if m.group(1).startswith("<"):
            out.append(diag_mod.make(
                path, line, 1, "git.conflict",
                "unresolved git merge conflict",
                hint="keep the lines you want, delete the `<<<<<<<`, `=======` and `>>>>>>>` lines, then commit",
                text=text,
            ))
    return out
