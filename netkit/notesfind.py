"""Which files are notes: the ``notes:`` settings of netkit.yaml and the walk that finds them.

Split from :mod:`netkit.notes` (which parses notes and makes touchpoints of them) because
every load runs this part: it imports nothing heavy (no YAML, no link resolution), so a
command that finds its answer in the cache starts fast. :mod:`netkit.notes` re-exports
everything here.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from pathlib import Path
from typing import Any

from netkit import diagnostics as diag_mod
from netkit.diagnostics import Diagnostic
from netkit.model import Config

#: folders never scanned for notes, besides the contacts and pages folders
ALWAYS_EXCLUDED = (".git", ".netkit", ".obsidian", ".trash", "templates", "Templates")

@dataclasses.dataclass(frozen=True, slots=True)
class NotesSettings:
    """The ``notes:`` section of ``netkit.yaml``, validated.

    ``include`` and ``exclude`` are vault-relative folders (``""`` = the whole vault);
    ``exclude`` already holds the folders that are always excluded. ``diagnostics`` holds
    ``config.type`` / ``config.unknown-key`` problems of the section (the bad value is then
    replaced by its default).
    """

    enabled: bool = True
    include: tuple[str, ...] = ("",)
    exclude: tuple[str, ...] = ALWAYS_EXCLUDED
    diagnostics: tuple[Diagnostic, ...] = ()

    def is_excluded(self, rel: str) -> bool:
        """True when the vault-relative path ``rel`` (file or folder) lies in an excluded folder."""
        return any(_within(rel, folder) for folder in self.exclude)

    def is_included(self, rel: str) -> bool:
        """True when ``rel`` lies in an included folder and in no excluded one."""
        return any(_within(rel, folder) for folder in self.include) and not self.is_excluded(rel)


def _within(rel: str, folder: str) -> bool:
    return not folder or rel == folder or rel.startswith(folder + "/")


def notes_settings(config: Config, *, config_text: str | None = None) -> NotesSettings:
    """Read ``config.extra["notes"]``; never raises.

    Accepted shapes::

        notes: false                      # no touchpoints from notes
        notes:
          enabled: true                   # default
          include: [journal, meetings]    # default: the whole vault (a single folder is fine too)
          exclude: [journal/private]      # default: none

    The contacts folders, the pages folder, ``.git``, ``.netkit``, ``.obsidian``, ``.trash``
    and ``templates`` are always excluded. ``config_text`` (the text of netkit.yaml), when
    given, positions the diagnostics on the ``notes:`` line instead of line 1.
    """
    raw = config.extra.get("notes")
    diags: list[Diagnostic] = []
    line = _section_line(config_text)

    def problem(code: str, message: str, hint: str, severity: diag_mod.Severity = "error") -> None:
        diags.append(diag_mod.make("netkit.yaml", line, 1, code, message, severity=severity, hint=hint,
                                   text=config_text))

    contacts = _folders(list(config.contacts)) or ()
    if "" in contacts:
        # the whole vault is the contacts folder: every Markdown file is a contact, no notes
        return NotesSettings(enabled=False)
    always = tuple(f for f in dict.fromkeys([*contacts, *(_folders(config.pages) or ()), *ALWAYS_EXCLUDED]) if f)
    if raw is None:
        return NotesSettings(exclude=always)
    if isinstance(raw, bool):
        return NotesSettings(enabled=raw, exclude=always)
    if not isinstance(raw, dict):
        problem("config.type", "`notes` must be true, false or a mapping with enabled / include / exclude",
                "e.g. `notes: {include: [journal, meetings]}`")
        return NotesSettings(exclude=always, diagnostics=tuple(diags))

    for key in sorted((k for k in raw if k not in ("enabled", "include", "exclude")), key=str):
        problem("config.unknown-key", f"unknown setting `notes.{key}`",
                "notes settings: enabled, include, exclude", severity="warning")

    enabled = True
    if "enabled" in raw:
        if isinstance(raw["enabled"], bool):
            enabled = raw["enabled"]
        else:
            problem("config.type", "`notes.enabled` must be true or false", "e.g. `enabled: true`")

    include: tuple[str, ...] = ("",)
    if raw.get("include") is not None:
        folders = _folders(raw["include"])
        if folders is None:
            problem("config.type", "`notes.include` must be a folder inside the vault, or a list of them",
                    "e.g. `include: [journal, meetings]`")
        elif folders:
            include = folders

    exclude: tuple[str, ...] = ()
    if raw.get("exclude") is not None:
        folders = _folders(raw["exclude"])
        if folders is None:
            problem("config.type", "`notes.exclude` must be a folder inside the vault, or a list of them",
                    "e.g. `exclude: [archive]`")
        else:
            exclude = tuple(f for f in folders if f)  # excluding "." would exclude everything
    return NotesSettings(enabled, include, tuple(dict.fromkeys(always + exclude)), tuple(diags))


def _folders(value: Any) -> tuple[str, ...] | None:
    """A folder or list of folders as clean vault-relative paths; None when invalid."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list):
        return None
    out: list[str] = []
    for item in items:
        if not isinstance(item, str) or "\\" in item or item.startswith("/"):
            return None
        parts = [p for p in item.strip().split("/") if p not in ("", ".")]
        if ".." in parts:
            return None
        out.append("/".join(parts))
    return tuple(dict.fromkeys(out))


def _section_line(config_text: str | None) -> int:
    if config_text:
        m = re.search(r"^notes[ \t]*:", config_text, re.MULTILINE)
        if m:
            return config_text.count("\n", 0, m.start()) + 1
    return 1


def discover_notes(root: Path, config: Config, settings: NotesSettings | None = None) -> list[str]:
    """Vault-relative paths (with ``/``) of every candidate note, sorted.

    Walks the included folders without following folder links; skips excluded folders, the
    Obsidian templates folder named in ``.obsidian/templates.json`` (or Templater's), hidden
    and editor files, and file links that leave the vault. Unreadable folders are skipped.
    """
    # imported here: the loader will import this module, and importing it back at module
    # level would make the two depend on each other's initialisation order
    from netkit import loader

    settings = settings or notes_settings(config)
    if not settings.enabled:
        return []
    excluded = set(settings.exclude) | set(obsidian_template_folders(root))
    root_real = os.path.realpath(root)
    found: set[str] = set()
    for folder in settings.include:
        base = root / folder if folder else root
        if not base.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(base, followlinks=False):
            rel_dir = os.path.relpath(dirpath, root).replace(os.sep, "/")
            rel_dir = "" if rel_dir == "." else rel_dir
            dirnames[:] = sorted(
                d for d in dirnames
                if d not in loader.IGNORED_DIRS and not d.startswith(".")
                and not any(_within(_join(rel_dir, d), ex) for ex in excluded)
            )
            if any(_within(rel_dir, ex) for ex in excluded if ex):
                continue
            for name in filenames:
                if not name.lower().endswith(".md") or loader.is_ignored_name(name):
                    continue
                rel = _join(rel_dir, name)
                full = os.path.join(dirpath, name)
                if os.path.islink(full):
                    target = os.path.realpath(full)
                    inside = target.startswith(root_real + os.sep)
                    if not inside or not os.path.isfile(target):
                        continue
                found.add(rel)
    return sorted(found)


def _join(folder: str, name: str) -> str:
    return f"{folder}/{name}" if folder else name


def obsidian_template_folders(root: Path) -> list[str]:
    """Template folders configured in Obsidian (core Templates plugin, Templater)."""
    out: list[str] = []
    for rel, key in ((".obsidian/templates.json", "folder"),
                     (".obsidian/plugins/templater-obsidian/data.json", "templates_folder")):
        try:
            data = json.loads((root / rel).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        value = data.get(key) if isinstance(data, dict) else None
        if isinstance(value, str):
            folders = _folders(value)
            if folders and folders[0]:
                out.append(folders[0])
    return out
