"""``netkit watch``: keep the summary pages current while the vault is being edited.

The model is mkdocs' livereload ``_build_loop``:

* a watchdog observer calls :class:`_Handler` on its own thread; the handler only *classifies
  and records* the path (under a :class:`threading.Condition`) and wakes the loop. It never
  reads a file and never builds anything, so a burst of thousands of events stays cheap;
* one loop thread waits for a quiet period (the debounce, ~100 ms), takes every recorded
  path at once, and calls the injected ``rebuild`` callable — by default an
  :class:`IndexSession`, which re-parses only the files that changed, keeps the last good
  version of a contact whose file is mid-write or invalid, and re-renders through
  :func:`netkit.pipeline.run_index` (which writes only pages whose bytes changed);
* a failing rebuild is reported and retried later with back-off; the loop never dies;
* the watcher never reacts to its own writes: the pages folder, the cache, the lock and
  netkit's temp files are filtered out before they are recorded.

"today" comes from an injectable ``clock`` callable, checked every ``clock_interval`` seconds,
so a date rollover (due lists depend on it) re-renders the pages and tests can roll the clock.

Public API: :class:`Watcher` (``start`` / ``stop`` / ``wait_for_idle`` / ``rebuilds``),
:class:`IndexSession`, :class:`RebuildReport`, :class:`WatchSettings`,
:func:`settings_from_config`, :class:`PathRules`, :func:`format_report`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import errno
import os
import threading
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, Literal, Protocol

from netkit import config as config_mod
from netkit import diagnostics as diag_mod
from netkit import fileio, loader
from netkit.diagnostics import Diagnostic
from netkit.index import ContactIndex
from netkit.model import Contact

#: default quiet period before a rebuild
DEFAULT_DEBOUNCE_MS = 100
#: default interval of the polling observer (``--polling``, or after an inotify limit error)
DEFAULT_POLL_INTERVAL_MS = 1000
#: how long a rebuild waits for the vault lock held by another netkit (``log``, ``import``)
LOCK_WAIT_SECONDS = 10.0
#: the longest back-off between retries of a failing rebuild
MAX_RETRY_DELAY = 60.0

#: folders ignored wherever they are (version control, Obsidian's settings and trash)
IGNORED_DIR_NAMES = frozenset({".git", ".obsidian", ".trash", ".hg", ".svn", "node_modules", ".venv"})
#: where netkit keeps its own state; everything below it except templates is netkit's writes
NETKIT_DIR = ".netkit"
TEMPLATES_DIR = ".netkit/templates"

#: inotify limits: ENOSPC = too many watches (fs.inotify.max_user_watches), EMFILE = too many
#: inotify instances or open files (fs.inotify.max_user_instances, ulimit -n)
_LIMIT_ERRNOS = frozenset({errno.ENOSPC, errno.EMFILE})

Kind = Literal["ignore", "config", "template", "content"]


# ============================================================================ settings


@dataclasses.dataclass(frozen=True)
class WatchSettings:
    """How the watcher behaves; from ``watch:`` in netkit.yaml, overridden by CLI options."""

    debounce_ms: int = DEFAULT_DEBOUNCE_MS
    polling: bool = False
    poll_interval_ms: int = DEFAULT_POLL_INTERVAL_MS


def settings_from_config(section: Any) -> tuple[WatchSettings, list[str]]:
    """Validate ``config.extra["watch"]``; bad values fall back to defaults with a warning.

    Known keys: ``debounce_ms`` (0–10000), ``polling`` (bool), ``poll_interval_ms``
    (100–60000). Returns the settings and human-readable warnings.
    """
    if section is None:
        return WatchSettings(), []
    if not isinstance(section, Mapping):
        return WatchSettings(), ["netkit.yaml: `watch` must be a mapping, e.g. `watch: {debounce_ms: 100}`; using defaults"]
    warnings: list[str] = []
    values: dict[str, Any] = {}
    for key, value in section.items():
        if key == "debounce_ms":
            if _is_int(value) and 0 <= value <= 10_000:
                values[key] = value
            else:
                warnings.append(f"netkit.yaml: `watch.debounce_ms` must be 0–10000 milliseconds, not {value!r}; using {DEFAULT_DEBOUNCE_MS}")
        elif key == "poll_interval_ms":
            if _is_int(value) and 100 <= value <= 60_000:
                values[key] = value
            else:
                warnings.append(f"netkit.yaml: `watch.poll_interval_ms` must be 100–60000 milliseconds, not {value!r}; using {DEFAULT_POLL_INTERVAL_MS}")
        elif key == "polling":
            if isinstance(value, bool):
                values[key] = value
            else:
                warnings.append(f"netkit.yaml: `watch.polling` must be true or false, not {value!r}; using false")
        else:
            warnings.append(f"netkit.yaml: unknown setting `watch.{key}` (known: debounce_ms, polling, poll_interval_ms)")
    return WatchSettings(**values), warnings


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# ============================================================================ path rules


_SWAP_SUFFIXES = ("~", ".swp", ".swo", ".swx", ".tmp", ".bak", ".crdownload", ".part")


def is_ignored_file_name(name: str) -> bool:
    """Editor swap, backup and temp files (vim, emacs, JetBrains, GNOME/gedit, netkit's own).

    Atomic saves write one of these and rename it over the real file: the rename's
    destination is what counts, so the temp file itself is never a reason to rebuild.
    """
    return (
        name.endswith(_SWAP_SUFFIXES)
        or name.startswith((".#", "#", ".goutputstream-", fileio.TEMP_PREFIX))
        or ("___jb_" in name and name.endswith("___"))
        or name == "4913"  # vim probes whether a folder is writable with this file
    )


@dataclasses.dataclass(frozen=True)
class PathRules:
    """Which paths under the vault matter, and how.

    ``root`` must be the resolved vault folder; ``pages`` the pages folder as in netkit.yaml.
    Events are classified as:

    * ``config``: ``netkit.yaml`` (a full rebuild);
    * ``template``: anything under ``.netkit/templates/`` (a full re-render);
    * ``content``: a ``.md`` file or a folder anywhere else (an incremental rebuild; folder
      events matter because a moved or deleted folder carries its files with it);
    * ``ignore``: version control and editor folders, the rest of ``.netkit/`` (cache, lock),
      the pages folder (our own writes), swap/backup/temp files, other file types.
    """

    root: str
    pages: str = "pages"

    @property
    def _prefix(self) -> str:
        return self.root.rstrip(os.sep) + os.sep

    def relative(self, path: str | bytes) -> str | None:
        """The vault-relative path with ``/``, or None when ``path`` is outside the vault."""
        text = os.fsdecode(path)
        if text == self.root:
            return ""
        if not text.startswith(self._prefix):
            return None
        rel = text[len(self._prefix):]
        return rel.replace(os.sep, "/") if os.sep != "/" else rel

    def classify(self, rel: str, *, is_directory: bool) -> Kind:
        """The kind of a vault-relative path (see the class docstring)."""
        if not rel:
            return "ignore"
        parts = rel.split("/")
        if rel == config_mod.CONFIG_NAME:
            return "config"
        if parts[0] == NETKIT_DIR:
            if rel == TEMPLATES_DIR or rel.startswith(TEMPLATES_DIR + "/"):
                return "ignore" if is_ignored_file_name(parts[-1]) else "template"
            return "ignore"  # cache, lock, anything else netkit keeps there: our own writes
        # hidden files and folders (.git, .obsidian, .trash, ...) are never indexed either
        if any(p in IGNORED_DIR_NAMES or p.startswith(".") for p in parts):
            return "ignore"
        pages = self.pages.strip("/")
        if pages in ("", "."):
            # pages written into the vault root: only the page files themselves are ours
            if not is_directory and len(parts) == 1 and rel in _page_file_names():
                return "ignore"
        elif rel == pages or rel.startswith(pages + "/"):
            return "ignore"
        if is_ignored_file_name(parts[-1]):
            return "ignore"
        if is_directory or parts[-1].lower().endswith(".md"):
            return "content"
        return "ignore"  # attachments, images, PDFs: nothing netkit reads

    def skip_directory(self, rel: str) -> bool:
        """True for folders the polling observer need not even list (cheaper polling)."""
        parts = rel.split("/")
        if any(p in IGNORED_DIR_NAMES for p in parts):
            return True
        if parts[0] == NETKIT_DIR and rel != NETKIT_DIR and not (
            rel == TEMPLATES_DIR or rel.startswith(TEMPLATES_DIR + "/")
        ):
            return True
        pages = self.pages.strip("/")
        return pages not in ("", ".") and rel == pages


def _page_file_names() -> frozenset[str]:
    from netkit import pages

    return frozenset(p.filename for p in pages.PAGES)


# ============================================================================ reports


@dataclasses.dataclass(frozen=True)
class RebuildReport:
    """What one (re)build did; paths are vault-relative with ``/``.

    ``kept`` lists contact files whose last good version was used because the file is
    currently unparsable or empty (an editor mid-save, or an invalid edit).
    ``diagnostics`` are every current problem (vault and pages), sorted.
    """

    trigger: str  # "start" | "change" | "config" | "template" | "date" | "retry"
    today: dt.date
    added: tuple[str, ...] = ()
    modified: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()
    pages_written: tuple[str, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    contacts: int = 0
    seconds: float = 0.0
    #: seconds per stage: ``reload`` (incremental re-parse), then the pipeline's
    #: ``compute``, ``render``, ``write`` (and ``lock`` when waiting for another netkit)
    timings: Mapping[str, float] = dataclasses.field(default_factory=dict)

    @property
    def errors(self) -> int:
        """Number of error diagnostics."""
        return sum(1 for d in self.diagnostics if d.is_error)

    @property
    def warnings(self) -> int:
        """Number of warning diagnostics."""
        return sum(1 for d in self.diagnostics if not d.is_error)


class Rebuild(Protocol):
    """The rebuild callable the watcher drives.

    ``changes``: vault-relative paths seen changing since the last rebuild (files and
    folders; may be empty, e.g. on a date rollover). ``full``: netkit.yaml or a template
    changed, or this is the first build: re-read everything. Raise on failure; the watcher
    reports it and retries.

    A rebuild object may also have an ``idle()`` method: the watcher calls it (on the loop
    thread) once all has been quiet for a moment after a rebuild, and when it stops — the
    place for deferred work such as writing a cache. It may return vault-relative paths it
    found changed: the watcher rebuilds them as if an event had reported them.
    """

    def __call__(self, changes: set[str], full: bool, today: dt.date) -> RebuildReport: ...


def format_report(report: RebuildReport, *, timings: bool = False) -> str:
    """One console line: ``+added ~modified -removed``, pages written, problems, time.

    With ``timings``, the time is followed by its stages, e.g. ``(reload 9, compute 80 ms)``.
    """
    parts = [f"+{len(report.added)} ~{len(report.modified)} -{len(report.removed)}"]
    if report.trigger in ("config", "template", "date", "start"):
        parts.append({"config": "netkit.yaml changed", "template": "templates changed",
                      "date": f"new day {report.today.isoformat()}", "start": f"{report.contacts} contacts"}[report.trigger])
    n = len(report.pages_written)
    parts.append(f"{n} page{'s' if n != 1 else ''} written" if n else "pages unchanged")
    if report.kept:
        parts.append(f"kept last good version of {len(report.kept)} file{'s' if len(report.kept) != 1 else ''}")
    if report.errors or report.warnings:
        parts.append(f"{report.errors} error{'s' if report.errors != 1 else ''}, "
                     f"{report.warnings} warning{'s' if report.warnings != 1 else ''}")
    ms = report.seconds * 1000
    total = f"{ms:.0f} ms" if ms < 10_000 else f"{report.seconds:.1f} s"
    if timings and report.timings:
        total += " (" + ", ".join(f"{k} {v * 1000:.0f}" for k, v in report.timings.items()) + " ms)"
    parts.append(total)
    return " · ".join(parts)


# ============================================================================ the link layer


class _LazyIndex(ContactIndex):
    """A :class:`~netkit.index.ContactIndex` whose lookup tables are built on first use.

    Building them costs ~45 ms at 10,000 contacts, on every rebuild; the pages read only
    ``index.contacts`` (the relationship graph builds its own resolver from them). Any other
    use builds the tables with ``ContactIndex.__init__`` itself, so the index behaves exactly
    like ``ContactIndex(contacts)``.
    """

    def __init__(self, contacts: tuple[Contact, ...]) -> None:  # tables deferred, see above
        self.contacts = contacts

    def __getattr__(self, name: str) -> Any:
        # only reached for attributes that are not set yet: the lookup tables
        if name.startswith("__") or self.__dict__.get("_tables_built"):
            raise AttributeError(name)
        self.__dict__["_tables_built"] = True
        ContactIndex.__init__(self, self.contacts)
        return getattr(self, name)


class LinkLayer:
    """:func:`netkit.loader.with_notes_and_links`, kept up to date between rebuilds.

    The layer gives every contact its touchpoints from dated notes and checks every
    wikilink; from scratch that costs ~250 ms at 10,000 contacts (an index and two link
    resolvers built, every link resolved), far more than the rest of a rebuild after one
    edit. This keeps the resolver, the note touchpoints and each contact's link warnings,
    and after an edit redoes only the contacts that changed — as long as what the others'
    results depend on is the same: the contacts' paths, file names, names and aliases (what
    links resolve against), the notes (no change outside the contacts folders, the same
    note files found) and ``netkit.yaml``. Anything else recomputes the whole layer.

    The result is the same vault :func:`~netkit.loader.with_notes_and_links` makes (same
    contacts, diagnostics in the same order, same notes); ``tests/test_watch_fast.py``
    compares them after every kind of edit.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._config: Any = None
        self._note_paths: list[str] = []
        self._notes: tuple[Any, ...] = ()
        self._touchpoints: dict[str, tuple[Any, ...]] = {}
        self._head: tuple[Diagnostic, ...] = ()  # the notes: and quality: settings' problems
        self._resolver: Any = None
        self._note_keys: set[str] = set()
        self._base: dict[str, Contact] = {}  # the contacts as given, by path
        self._linked: dict[str, Contact] = {}  # ... with their note touchpoints
        self._link_diags: dict[str, list[Diagnostic]] = {}  # each contact's link warnings
        #: contacts whose share was recomputed by the last :meth:`apply` (None: all of them)
        self.recomputed: int | None = None

    def apply(self, vault: loader.Vault, contacts: Mapping[str, Contact], *, full: bool = False) -> loader.Vault:
        """``vault`` (for its root, config and the loader's diagnostics) with ``contacts``
        (its valid contacts by path, in path order; last good versions included) linked.

        ``full``: recompute everything (netkit.yaml changed, or a note may have).
        """
        from netkit import notesfind

        settings = notesfind.notes_settings(vault.config)
        note_paths = notesfind.discover_notes(vault.root, vault.config, settings) if settings.enabled else []
        changed = None if full else self._changed(vault.config, contacts, note_paths)
        if changed is None:
            self._compute(vault, contacts, settings, note_paths)
            self.recomputed = None
        else:
            for path in changed:
                self._update(path, contacts[path])
            self.recomputed = len(changed)
        self._base = dict(contacts)

        linked = tuple(self._linked.values())
        link_diags = [d for path in self._linked for d in self._link_diags[path]]
        extra = (*self._head, *link_diags)
        # as with_notes_and_links: one stable sort, the loader's diagnostics first on ties
        diags = tuple(sorted([*vault.diagnostics, *extra], key=diag_mod.sort_key)) if extra else vault.diagnostics
        # the fields the load set (a lazy vault has no `contacts` yet: those are replaced)
        values = {f.name: vault.__dict__[f.name] for f in dataclasses.fields(vault)
                  if f.name in vault.__dict__ and f.name not in ("contacts", "index")}
        values.update(diagnostics=diags, notes=self._notes, linked=True, touchpoints=self._touchpoints)
        return loader.Vault(contacts=linked, index=_LazyIndex(linked), **values)

    def changed_notes(self, config: Any) -> list[str]:
        """Notes that differ from the ones the layer was made from (read again), added or
        gone: what a rebuild should take in. Empty when the layer is current."""
        from netkit import notes, notesfind

        settings = notesfind.notes_settings(config)
        paths = notesfind.discover_notes(self.root, config, settings) if settings.enabled else []
        if paths != self._note_paths:
            return sorted(set(paths) ^ set(self._note_paths)) or paths
        found = tuple(note for rel in paths if (note := notes.read_note(self.root, rel)) is not None)
        if found != self._notes:
            return paths
        return []

    def _changed(self, config: Any, contacts: Mapping[str, Contact], note_paths: list[str]) -> list[str] | None:
        """The paths whose contact changed, or None when the whole layer must be recomputed."""
        base = self._base
        if self._resolver is None or not (config is self._config or config == self._config):
            return None
        if note_paths != self._note_paths or len(contacts) != len(base):
            return None
        changed: list[str] = []
        for path, contact in contacts.items():
            before = base.get(path)
            if before is contact:
                continue
            if before is None or (before.stem, before.name, before.aliases) != (contact.stem, contact.name,
                                                                                  contact.aliases):
                return None  # added, or renamed: links may now resolve differently
            changed.append(path)
        return changed

    def _compute(self, vault: loader.Vault, contacts: Mapping[str, Contact], settings: Any,
                 note_paths: list[str]) -> None:
        """The whole layer, as ``loader.with_notes_and_links`` computes it."""
        from netkit import links, notes
        from netkit.quality import quality_config_diagnostics

        found = tuple(note for rel in note_paths if (note := notes.read_note(vault.root, rel)) is not None)
        # links resolve by path, file name, name and alias only: a resolver over the contacts
        # without their note touchpoints resolves exactly like one over the contacts with them
        self._resolver = links.LinkResolver(contacts.values())
        touchpoints: dict[str, tuple[Any, ...]] = {}
        if found:
            raw = notes.note_touchpoints(found, _LazyIndex(tuple(contacts.values())), resolver=self._resolver)
            touchpoints = {path: tuple(entries) for path, entries in raw.items()}
        self._config = vault.config
        self._note_paths = note_paths
        self._notes = found
        self._touchpoints = touchpoints
        self._head = (*settings.diagnostics, *quality_config_diagnostics(vault.config))
        self._note_keys = links.note_keys(note_paths)
        self._linked = {}
        self._link_diags = {}
        for path, contact in contacts.items():
            self._update(path, contact)

    def _update(self, path: str, contact: Contact) -> None:
        """One contact's share: its note touchpoints and its link warnings."""
        from netkit import links, notes

        extra = self._touchpoints.get(path)
        if extra:
            contact = notes.with_note_touchpoints([contact], {path: extra})[0]
        self._linked[path] = contact
        # links.link_diagnostics would build a resolver for every call: this contact's
        # share, against the kept resolver
        self._link_diags[path] = links.contact_link_diagnostics(contact, self._resolver, self._note_keys)


# ============================================================================ the real rebuild


class IndexSession:
    """The default :class:`Rebuild`: incremental reload, last-good overlay, then the pipeline.

    Loading goes through one :class:`netkit.loader.VaultLoader`, which keeps every file's
    last parse in memory: a rebuild re-reads only files whose stat changed or that the
    observer reported (``suspects``: two writes within one timestamp tick look unchanged to
    ``stat``).

    A contact whose file no longer parses (or became empty: an editor caught mid-save)
    keeps its last good version, with the file's diagnostics still reported, until the file
    is valid again.

    Only the changed files' contacts are decoded again (the others are kept, by path), and
    the notes-and-links layer is updated by a :class:`LinkLayer` rather than recomputed:
    the pipeline receives a vault that is already linked, exactly as
    :func:`netkit.loader.with_notes_and_links` would have linked it.

    Rendering is incremental too: a :class:`netkit.pipeline.Reuse` kept between rebuilds
    holds every contact's share of the pages (schedule, quality, rows), recomputed only for
    the contacts that changed, the relationship graph's summary (recomputed only when a
    name or a link changed) and the compiled templates. The vault lock is taken for the page
    writes only.

    The cache file (``.netkit/cache``) is refreshed by :meth:`idle`, which the watcher calls
    once things are quiet and when it stops — not on every rebuild, where rewriting the
    cache of a large vault would add its cost to every save's latency.
    """

    def __init__(self, root: Path, *, lock_wait: float = LOCK_WAIT_SECONDS) -> None:
        self.root = Path(root)
        self.lock_wait = lock_wait
        self.loader = loader.VaultLoader(self.root, write_cache=False)
        self._unsaved: loader.Vault | None = None  # last load, if the cache lags behind it
        #: the vault as rendered: last good versions laid over, notes and links applied
        self._vault: loader.Vault | None = None
        #: the loader's diagnostics of that vault (what a report lists, with the pages')
        self._file_diags: tuple[Diagnostic, ...] = ()
        #: path -> valid contact as the loader last read it, in path order
        self._files: dict[str, Contact] | None = None
        #: ``_files`` with the last good versions laid over (what is rendered), in path order
        self._shown: dict[str, Contact] = {}
        self._links = LinkLayer(self.root)
        #: the last reload examined only the observer's paths (see _verified)
        self._trusted = False
        #: the next reload scans every file (set by _verified)
        self._recheck = False
        #: path -> last good contact, for files that are currently unparsable or blank
        self._kept: dict[str, Contact] = {}
        self._rendered_today: dt.date | None = None
        self._page_diags: tuple[Diagnostic, ...] = ()  # template / page-write problems
        #: every page, when the last rendering put all of them in place (else None)
        self._pages: list[Path] | None = None
        #: the answers records describe the vault as last rendered (see idle)
        self._recorded = False
        #: the health report of the last rendering (what `netkit health` prints)
        self._report: Any = None
        #: every contact's brief, by path, for the records idle() writes (see briefs.refresh)
        self._briefs: dict[str, Any] = {}
        #: what the last idle() found changed (the same twice in a row is not reported again)
        self._missed: list[str] = []
        #: per-contact results and compiled templates, carried from one rebuild to the next
        #: (a pipeline.Reuse, made on the first rebuild: the pipeline is imported only then)
        self._reuse: Any = None

    @property
    def vault(self) -> loader.Vault | None:
        """The vault as last rendered (last good versions included)."""
        return self._vault

    def __call__(self, changes: set[str], full: bool, today: dt.date) -> RebuildReport:
        """Reload what changed and re-render; see :class:`Rebuild`."""
        from netkit import pipeline

        started = time.perf_counter()
        diff = loader.NO_CHANGES
        kept_before = dict(self._kept)
        if changes or full or self._vault is None:
            diff = self._reload(changes, full)
        # else: a date rollover; same contacts, new today
        assert self._vault is not None
        reloaded = time.perf_counter()
        timings = {"reload": reloaded - started}
        if (
            not full and not diff and self._kept == kept_before and today == self._rendered_today
            and all(self._in_contacts(rel) for rel in changes)
        ):
            # a save that changed no byte, a touch, an empty folder: the pages cannot
            # change, and computing them is most of a rebuild's cost on a large vault
            written: tuple[str, ...] = ()
        else:
            if self._reuse is None:
                self._reuse = pipeline.Reuse()
            elif full:
                self._reuse.forget_templates()  # a template or netkit.yaml changed
            # the lock keeps our page writes apart from `netkit index` run by hand meanwhile;
            # run_index holds it for the writes only, and keeps every contact's share of
            # the pages (and the compiled templates) for the next rebuild
            result = pipeline.run_index(self.root, today, vault=self._vault, reuse=self._reuse,
                                        lock_wait=self.lock_wait)
            timings["lock"] = result.lock_seconds
            timings.update((k, v) for k, v in result.timings.items() if k != "load")
            known = set(self._file_diags)
            self._page_diags = tuple(d for d in result.diagnostics if d not in known)
            self._rendered_today = today
            self._pages = None if result.failed else [*result.written, *result.unchanged]
            self._report = result.report  # the health report, recorded once quiet
            self._recorded = False
            written = tuple(_vault_relative(self.root, p) for p in result.written)
        report = RebuildReport(
            trigger="start",
            today=today,
            added=diff.added,
            modified=diff.modified,
            removed=diff.removed,
            kept=tuple(sorted(self._kept)),
            pages_written=written,
            diagnostics=(*self._file_diags, *self._page_diags),
            contacts=len(self._vault.contacts),
            seconds=time.perf_counter() - started,
            timings=timings,
        )
        return self._verified(report, today)

    def _verified(self, report: RebuildReport, today: dt.date) -> RebuildReport:
        """After a rebuild that examined only the observer's paths, check every file's stat
        (the pages are already written: this is off the latency path). Anything the
        observer missed — a file changed through another mount, a lost event — is rebuilt
        now, so the pages never stay behind the files."""
        if not self._trusted:
            return report
        self._trusted = False
        missed = self.loader.stale_paths()
        if not missed:
            return report
        # a reload that scans every file (a touch is then seen to change nothing): one
        # retry, never a loop
        self._recheck = True
        again = self(set(missed), False, today)
        return dataclasses.replace(
            again,
            added=tuple(sorted({*report.added, *again.added})),
            modified=tuple(sorted({*report.modified, *again.modified})),
            removed=tuple(sorted({*report.removed, *again.removed})),
            pages_written=tuple(dict.fromkeys((*report.pages_written, *again.pages_written))),
            seconds=report.seconds + again.seconds,
        )

    def _reload(self, changes: set[str], full: bool) -> loader.Changes:
        previous = self._vault
        kept_before = dict(self._kept)
        # trust the observer: examine only the paths it reported (a full scan costs ~30 ms
        # at 10,000 files); __call__ checks the promise with a full scan once the pages
        # are written
        self._trusted = not full and self._vault is not None and not self._recheck
        self._recheck = False
        fresh = self.loader.load(suspects=changes, only=changes if self._trusted else None)
        self._unsaved = fresh
        diff = fresh.changes
        files = self._update_files(fresh, diff)
        # files whose parse may have failed just now, and those already standing in
        candidates = (*self._kept, *diff.modified)
        for rel in diff.removed:
            self._kept.pop(rel, None)
        for rel in dict.fromkeys(candidates):
            current = files.get(rel)
            if current is not None and not _is_blank(self.root / rel):
                self._kept.pop(rel, None)  # valid again
                continue
            if not (self.root / rel).is_file():
                self._kept.pop(rel, None)
                continue
            good = self._kept.get(rel) or self._shown.get(rel)
            if good is not None:
                # mid-write or invalid: the last good version stays until the file is valid
                self._kept[rel] = good
        # a change outside the contacts folders can only be a note (a touchpoint source)
        outside = any(not _within_any(rel, fresh.config.contacts) for rel in changes)
        if not diff and self._kept == kept_before and previous is not None and not outside and not full:
            # same content: keep the vault whose contacts are already decoded and linked
            return diff
        self._shown = _laid_over(files, self._kept)
        self._file_diags = fresh.diagnostics
        self._vault = self._links.apply(fresh, self._shown, full=full or diff.full or outside)
        return diff

    def _update_files(self, fresh: loader.Vault, diff: loader.Changes) -> dict[str, Contact]:
        """Every valid contact by path, after this load: the previous ones, with only the
        files the loader reports changed decoded again (decoding all 10,000 and indexing
        them costs more than the rest of a rebuild)."""
        files = self._files
        if files is None or diff.full:
            files = {c.path: c for c in fresh.contacts}
        else:
            added = False
            for rel in (*diff.added, *diff.modified):
                contact = fresh.contact_at(rel)
                if contact is None:
                    files.pop(rel, None)
                else:
                    added = added or rel not in files
                    files[rel] = contact
            for rel in diff.removed:
                files.pop(rel, None)
            if added:
                files = dict(sorted(files.items()))
        self._files = files
        return files

    def _in_contacts(self, rel: str) -> bool:
        """True when ``rel`` lies in a contacts folder (whose changes the loader reports)."""
        assert self._vault is not None
        return _within_any(rel, self._vault.config.contacts)


    def idle(self) -> list[str]:
        """Deferred work once things are quiet: record the answers ``netkit due`` and
        ``netkit index`` read (see :meth:`_record_answers`), and write the cache file if
        the last load changed what it should hold. Returns the paths found changed on the
        way that no rebuild has seen yet (the watcher rebuilds them), usually none. A record
        or cache that cannot be written raises ``OSError`` once both were attempted."""
        missed, warning = self._record_answers()
        if missed and missed == self._missed:
            # the rebuild asked for last time did not settle it: never a loop of rebuilds
            missed = []
        self._missed = missed
        vault, self._unsaved = self._unsaved, None
        if vault is not None:
            warning = loader.save_cache(vault) or warning  # the next start parses more
        if warning and not missed:
            raise OSError(warning)  # the watcher reports it; the pages are fine
        return missed

    def _record_answers(self) -> tuple[list[str], str | None]:
        """Bring the records of ``netkit index`` up to date with the pages just written:
        the briefs (``netkit due`` without decoding a contact) and the day's answers (a
        ``due`` or ``index`` while the watcher runs answers after one walk of the folders).
        Returns the paths found changed (see :meth:`idle`) and a warning, if any.

        Only for a rendering ``netkit index`` would have made too: no file standing in
        with its last good version, no page problem. A full load (every file's stat; a
        file saved moments ago is compared by content) and the notes read again first
        prove that the files are still the ones rendered, and give the records a load time
        after the last save, as their racy-timestamp rule requires. When they show a
        change, nothing is recorded and the change's paths are returned, for a rebuild.
        """
        vault, today, pages = self._vault, self._rendered_today, self._pages
        if self._recorded or vault is None or today is None or not pages or self._kept or self._page_diags:
            return [], None
        from netkit import answers, briefs
        from netkit.commands import health

        before = self.loader.state
        fresh = self.loader.load()
        diff = fresh.changes
        if diff:
            # not ours to absorb: the rebuild that renders it must see it as a change
            self.loader.state = before
            missed = {*diff.added, *diff.modified, *diff.removed}
            if diff.full:
                missed.add(config_mod.CONFIG_NAME)  # netkit.yaml (or netkit itself) changed
            return sorted(missed), None
        notes = self._links.changed_notes(fresh.config)
        if notes:
            return notes, None
        self._recorded = True
        if self._unsaved is not None or not (fresh.state is not None and fresh.state.persisted):
            self._unsaved = fresh  # the same files; its state also trusts the last save's stat
        # the rendered vault, with the state of the load that just confirmed it
        current = dataclasses.replace(vault, state=fresh.state, files=fresh.files)
        warning = briefs.refresh(current, self._briefs)
        texts = health.recorded_texts(self._report)
        return [], answers.record(current, today, pages, current.contacts, texts) or warning


def _within_any(rel: str, folders: Iterable[str]) -> bool:
    """True when the vault-relative ``rel`` is one of ``folders`` or lies inside one."""
    return any(rel == folder or rel.startswith(folder.rstrip("/") + "/") for folder in folders)


def _laid_over(files: Mapping[str, Contact], kept: Mapping[str, Contact]) -> dict[str, Contact]:
    """``files`` with the kept contacts in place of their files' current (failed) parse,
    in path order."""
    if not kept:
        return dict(files)
    shown = {**files, **kept}
    return dict(sorted(shown.items())) if any(rel not in files for rel in kept) else shown


def _is_blank(path: Path) -> bool:
    """True for an empty or whitespace-only file (an editor that truncates before writing)."""
    try:
        if path.stat().st_size >= 4096:
            return False
        return not path.read_bytes().strip()
    except OSError:
        return False


def _vault_relative(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


# ============================================================================ the watcher


class _Handler:
    """Watchdog event handler: classify, record, notify. Runs on the observer's thread.

    A plain class with ``dispatch`` (what watchdog calls) rather than a
    ``FileSystemEventHandler`` subclass, so this module imports watchdog only in
    :meth:`Watcher.start`.
    """

    def __init__(self, watcher: Watcher) -> None:
        self.watcher = watcher

    def dispatch(self, event: Any) -> None:
        """Record the paths of a created/modified/closed/deleted/moved event."""
        if event.event_type not in _HANDLED_EVENT_TYPES:
            return  # opened / closed-without-write: our own reads would trigger rebuilds
        if event.is_directory and event.event_type == "modified":
            return  # a folder's mtime changes with every file event inside it
        paths = [event.src_path]
        if event.event_type == "moved":
            paths.append(event.dest_path)  # an atomic save: temp file renamed over the note
        self.watcher._record(paths, is_directory=bool(event.is_directory))


_HANDLED_EVENT_TYPES = frozenset({"created", "modified", "closed", "deleted", "moved"})


ObserverFactory = Callable[[bool, float, PathRules], Any]


def default_observer(polling: bool, poll_interval: float, rules: PathRules) -> Any:
    """A native observer (inotify, FSEvents, ...) or, with ``polling``, a polling one.

    The polling observer skips ignored folders while listing, so polling a vault costs
    about one ``stat`` per note, not per file in ``.git``.
    """
    if not polling:
        from watchdog.observers import Observer

        return Observer()
    from watchdog.observers.polling import PollingObserverVFS

    def listdir(path: str | None) -> Iterator[os.DirEntry[str]]:
        with os.scandir(path) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    rel = rules.relative(entry.path)
                    if rel is None or rules.skip_directory(rel):
                        continue
                yield entry

    return PollingObserverVFS(os.stat, listdir, polling_interval=poll_interval)


class Watcher:
    """Watch a vault and rebuild its pages on every change, on a background thread.

    Usage::

        watcher = Watcher(root, clock=lambda: today)
        watcher.start()          # observer + initial full build (synchronous) + loop thread
        ...                      # edit files
        watcher.wait_for_idle()  # True once no change is pending and nothing is building
        watcher.rebuilds         # rebuilds since start (the initial build not counted)
        watcher.stop()

    Parameters (seconds for times):

    * ``rebuild``: the :class:`Rebuild` callable; default an :class:`IndexSession`;
    * ``clock``: returns "today"; checked every ``clock_interval`` for a date rollover;
    * ``debounce``: the quiet period before a rebuild; ``max_delay``: the longest a change
      waits while changes keep coming (default ``max(1, 10 × debounce)``);
    * ``polling`` / ``poll_interval``: use the polling observer (also the fall-back when
      the inotify limits are reached); ``observer_factory(polling, interval, rules)``
      replaces the observer (tests);
    * ``idle_delay``: quiet time after a rebuild before the rebuild's ``idle()`` hook runs;
    * ``on_report`` / ``on_error`` / ``on_notice``: called for each finished build, each
      failure, and each notice (the fall-back to polling), on the loop thread (or in
      ``start``); exceptions they raise are swallowed so that output problems (a closed
      pipe) cannot kill the loop.
    """

    def __init__(
        self,
        root: Path | str,
        *,
        rebuild: Rebuild | None = None,
        clock: Callable[[], dt.date] = dt.date.today,
        debounce: float = DEFAULT_DEBOUNCE_MS / 1000,
        max_delay: float | None = None,
        polling: bool = False,
        poll_interval: float = DEFAULT_POLL_INTERVAL_MS / 1000,
        clock_interval: float = 1.0,
        idle_delay: float = 2.0,
        on_report: Callable[[RebuildReport], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_notice: Callable[[str], None] | None = None,
        observer_factory: ObserverFactory | None = None,
    ) -> None:
        self.root = Path(os.path.realpath(root))
        self.rebuild: Rebuild = rebuild if rebuild is not None else IndexSession(self.root)
        self.clock = clock
        self.debounce = max(0.0, debounce)
        # a stream of saves (an editor's autosave, a long checkout) must not postpone the
        # pages forever: rebuild at the latest this long after the first pending change
        self.max_delay = max_delay if max_delay is not None else max(1.0, 10 * self.debounce)
        self.polling = polling
        self.poll_interval = poll_interval
        self.clock_interval = clock_interval
        self.idle_delay = idle_delay
        self.on_report = on_report
        self.on_error = on_error
        self.on_notice = on_notice
        self.observer_factory = observer_factory or default_observer
        self.rules = PathRules(str(self.root), _pages_setting(self.root, "pages"))

        self._cond = threading.Condition()
        self._pending: set[str] = set()
        self._pending_full = False
        self._pending_trigger: str | None = None
        self._first_event = 0.0
        self._last_event = 0.0
        self._last_activity = time.monotonic()
        self._building = False
        self._stopping = False
        self._carry: set[str] = set()  # changes of a failed rebuild, retried later
        self._carry_full = False
        self._retry_at: float | None = None
        self._retry_delay = 1.0
        self._built_today: dt.date | None = None
        self._idle_due = False  # a rebuild happened since the rebuild's idle() last ran
        self._observer: Any = None
        self._thread: threading.Thread | None = None
        self.rebuilds = 0
        self.failures = 0
        self.events = 0
        self.last_report: RebuildReport | None = None
        self.last_error: BaseException | None = None

    # -- lifecycle

    def start(self) -> RebuildReport | None:
        """Start observing, build once (synchronously), then start the loop thread.

        The observer starts first so that nothing saved during the initial build is missed.
        Returns the initial build's report. An environment problem (no vault:
        :class:`netkit.loader.VaultError`, an observer that cannot start) raises; any other
        failure of the initial build is reported through ``on_error`` and retried like a
        failed rebuild (then ``None`` is returned), so a bug triggered by one file does not
        stop the watcher from following the fix.
        """
        self._observer = self._start_observer()
        today = self._today()
        report: RebuildReport | None = None
        try:
            report = dataclasses.replace(self.rebuild(set(), True, today), trigger="start")
        except loader.VaultError:
            self._stop_observer()
            raise
        except Exception as exc:
            self._building = True  # _failed() expects a build in progress
            self._failed(set(), True, exc, count=False)
        except BaseException:
            self._stop_observer()
            raise
        else:
            self._built_today = today
            self.last_report = report
            self._idle_due = True
            self._call(self.on_report, report)
        self._thread = threading.Thread(target=self._loop, name="netkit-watch", daemon=True)
        self._thread.start()
        return report

    def stop(self, timeout: float = 30.0) -> None:
        """Stop the observer and the loop; a rebuild in progress is allowed to finish."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        self._stop_observer()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    @property
    def alive(self) -> bool:
        """True while the loop thread runs."""
        return self._thread is not None and self._thread.is_alive()

    @property
    def using_polling(self) -> bool:
        """True when the polling observer is in use (asked for, or the inotify fall-back)."""
        return self.polling

    def wait_for_idle(self, timeout: float = 60.0, settle: float | None = None) -> bool:
        """Wait until nothing is pending or building and all was quiet for ``settle`` seconds.

        ``settle`` (default: ``max(0.3, 3 × debounce)``) covers events still in flight from
        the operating system. Returns False on timeout. Tests should first poll for the
        state they expect (a page's content), then use this to check that nothing follows.
        """
        settle = max(0.3, 3 * self.debounce) if settle is None else settle
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                now = time.monotonic()
                busy = (self._building or self._pending or self._pending_full or self._carry
                        or self._carry_full or self._date_changed())
                quiet_for = now - max(self._last_event, self._last_activity)
                if not busy and quiet_for >= settle:
                    return True
                if now >= deadline:
                    return False
                wait = deadline - now if busy else min(deadline - now, settle - quiet_for)
                self._cond.wait(max(0.005, min(wait, 0.25)))

    # -- observer

    def _start_observer(self) -> Any:
        try:
            return self._schedule(self.polling)
        except OSError as exc:
            if self.polling or exc.errno not in _LIMIT_ERRNOS:
                raise
            which = ("fs.inotify.max_user_watches" if exc.errno == errno.ENOSPC
                     else "fs.inotify.max_user_instances (or the open-file limit, ulimit -n)")
            self._notice(
                f"the system's limit on file watches was reached ({os.strerror(exc.errno)}); "
                f"falling back to polling every {self.poll_interval:g} s. To watch natively, "
                f"raise {which}, e.g. `sudo sysctl {which.split()[0]}=524288`, or pass --polling "
                "to silence this message"
            )
            self.polling = True
            return self._schedule(True)

    def _schedule(self, polling: bool) -> Any:
        observer = self.observer_factory(polling, self.poll_interval, self.rules)
        try:
            observer.schedule(_Handler(self), str(self.root), recursive=True, event_filter=_event_filter())
            observer.start()
            if not polling:
                _check_coverage(observer, self.root)
        except BaseException:
            _stop_quietly(observer)
            raise
        return observer

    def _stop_observer(self) -> None:
        if self._observer is not None:
            _stop_quietly(self._observer)
            self._observer = None

    # -- event side (observer thread)

    def _record(self, paths: Iterable[str | bytes], *, is_directory: bool) -> None:
        """Classify and remember paths; wake the loop. Never reads or builds anything."""
        relevant: list[tuple[str, Kind]] = []
        for path in paths:
            if not path:
                continue
            rel = self.rules.relative(path)
            if rel is None:
                continue
            kind = self.rules.classify(rel, is_directory=is_directory)
            if kind != "ignore":
                relevant.append((rel, kind))
        if not relevant:
            return
        with self._cond:
            now = time.monotonic()
            if not self._pending and not self._pending_full:
                self._first_event = now
            self._last_event = now
            self.events += 1
            for rel, kind in relevant:
                self._pending.add(rel)
                if kind != "content":
                    self._pending_full = True
                    self._pending_trigger = kind
            self._cond.notify_all()

    # -- loop side

    def _loop(self) -> None:
        while True:
            job = self._next_job()
            if job is None:
                self._run_idle_hook()  # e.g. leave a fresh cache behind for `netkit index`
                return
            if job == "idle":
                self._run_idle_hook()
                continue
            paths, full, today, trigger = job
            try:
                report = dataclasses.replace(self.rebuild(paths, full, today), trigger=trigger)
            except Exception as exc:  # the loop must survive anything a rebuild throws
                self._failed(paths, full, exc)
                continue
            with self._cond:
                self._building = False
                self._built_today = today
                if trigger == "retry" and self.last_report is None:
                    report = dataclasses.replace(report, trigger="start")
                self._retry_delay = 1.0
                self._idle_due = True
                self.rebuilds += 1
                self.last_report = report
                self._last_activity = time.monotonic()
                self._cond.notify_all()
            if full:
                self._refresh_rules(paths)
            self._call(self.on_report, report)

    def _next_job(self) -> tuple[set[str], bool, dt.date, str] | Literal["idle"] | None:
        """Block until a rebuild is due (quiet period over, date changed, retry due), or the
        idle hook is (quiet for ``idle_delay`` after a rebuild); None when stopping."""
        with self._cond:
            while not self._stopping:
                now = time.monotonic()
                if self._pending or self._pending_full:
                    wake = min(self._last_event + self.debounce, self._first_event + self.max_delay)
                    if now < wake:
                        self._cond.wait(wake - now)
                        continue
                    trigger = self._pending_trigger or "change"
                elif (self._carry or self._carry_full) and self._retry_at is not None and now >= self._retry_at:
                    trigger = "retry"
                elif self._date_changed():
                    trigger = "date"
                elif self._idle_due and now >= self._last_activity + self.idle_delay:
                    self._idle_due = False
                    return "idle"
                else:
                    timeout = self.clock_interval
                    if self._idle_due:
                        timeout = min(timeout, max(0.0, self._last_activity + self.idle_delay - now))
                    if self._retry_at is not None and (self._carry or self._carry_full):
                        timeout = min(timeout, max(0.0, self._retry_at - now))
                    self._cond.wait(timeout)
                    continue
                paths = self._pending | self._carry
                full = self._pending_full or self._carry_full
                self._pending, self._carry = set(), set()
                self._pending_full = self._carry_full = False
                self._pending_trigger = None
                self._retry_at = None
                self._building = True
                return paths, full, self._today(), trigger
        return None

    def _run_idle_hook(self) -> None:
        hook = getattr(self.rebuild, "idle", None)
        if not callable(hook):
            return
        try:
            missed = hook()
        except Exception as exc:  # deferred work failing must not stop the watcher either
            self._call(self.on_error, exc)
            return
        if missed:
            # changes the hook came across that no event announced (yet): rebuilt as events
            self._record([os.path.join(self.root, rel) for rel in missed], is_directory=False)

    def _failed(self, paths: set[str], full: bool, exc: Exception, *, count: bool = True) -> None:
        with self._cond:
            self._building = False
            self.failures += 1
            if count:
                self.rebuilds += 1
            self.last_error = exc
            # keep the changes and retry with back-off: a lock held by `netkit import`, a
            # config being rewritten... A persistent bug retries rarely instead of spinning.
            self._carry |= paths
            self._carry_full = self._carry_full or full
            self._retry_at = time.monotonic() + self._retry_delay
            self._retry_delay = min(self._retry_delay * 2, MAX_RETRY_DELAY)
            self._last_activity = time.monotonic()
            self._cond.notify_all()
        self._call(self.on_error, exc)

    def _today(self) -> dt.date:
        try:
            return self.clock()
        except Exception:
            return self._built_today or dt.date.today()

    def _date_changed(self) -> bool:
        return self._built_today is not None and self._today() != self._built_today

    def _refresh_rules(self, paths: Collection[str]) -> None:
        """netkit.yaml may have moved the pages folder: follow it, or we would index our own writes."""
        if config_mod.CONFIG_NAME in paths:
            pages = _pages_setting(self.root, self.rules.pages)
            if pages != self.rules.pages:
                self.rules = PathRules(self.rules.root, pages)

    def _notice(self, message: str) -> None:
        self._call(self.on_notice, message)

    @staticmethod
    def _call(callback: Callable[[Any], None] | None, value: Any) -> None:
        if callback is None:
            return
        try:
            callback(value)
        except Exception:
            pass  # output trouble (a closed pipe) must not stop the pages from updating


def _check_coverage(observer: Any, root: Path) -> None:
    """Raise ``OSError(ENOSPC)`` when the native observer left folders unwatched.

    watchdog raises the inotify limit error only for the vault's root folder; a sub-folder
    that cannot be watched is skipped silently, and edits there would never be seen. So
    compare the folders it watches with the folders on disk (private watchdog attributes,
    read defensively: when they are not there, e.g. another platform or version, trust it).
    """
    watched = _watched_folders(observer)
    if watched is None:
        return
    missing = [d for d in _folders(root) if d not in watched]
    if missing:
        time.sleep(0.2)  # a folder created just now is being added by the observer's thread
        watched = _watched_folders(observer) or set()
        missing = [d for d in missing if d not in watched and os.path.isdir(d)]
    if missing:
        raise OSError(errno.ENOSPC, f"{len(missing)} folder(s) could not be watched, e.g. {missing[0]}")


def _watched_folders(observer: Any) -> set[str] | None:
    watched: set[str] = set()
    for emitter in list(getattr(observer, "emitters", ()) or ()):
        group = getattr(emitter, "_inotify", None)
        paths = getattr(group, "_active_callbacks_by_path", None)
        if not isinstance(paths, dict):
            return None
        watched.update(os.fsdecode(p) for p in list(paths))
    return watched or None


def _folders(root: Path) -> Iterator[str]:
    """Every folder under ``root`` (as watchdog walks it: not following links)."""
    for dirpath, dirnames, _ in os.walk(root):
        dirnames[:] = [d for d in dirnames if not os.path.islink(os.path.join(dirpath, d))]
        yield dirpath


def _pages_setting(root: Path, fallback: str) -> str:
    try:
        config, _ = config_mod.load_config(root)
    except OSError:
        return fallback
    return config.pages


def _event_filter() -> list[Any]:
    from watchdog import events

    return [
        events.FileCreatedEvent, events.FileModifiedEvent, events.FileClosedEvent,
        events.FileDeletedEvent, events.FileMovedEvent,
        events.DirCreatedEvent, events.DirDeletedEvent, events.DirMovedEvent,
    ]


def _stop_quietly(observer: Any) -> None:
    try:
        observer.stop()
        if observer.is_alive():
            observer.join(5.0)
    except Exception:
        pass


__all__ = [
    "DEFAULT_DEBOUNCE_MS",
    "IndexSession",
    "LinkLayer",
    "PathRules",
    "Rebuild",
    "RebuildReport",
    "WatchSettings",
    "Watcher",
    "default_observer",
    "format_report",
    "is_ignored_file_name",
    "settings_from_config",
]
