"""The self-contained HTML report (``netkit report``): one file, no scripts, no requests.

The report is a view of the *same* context the Markdown pages render from
(:func:`netkit.pages.build_context`): due lists, quality and the relationship graph are
computed once, there. This module only

* derives the few chart series the Markdown pages do not need (touchpoints per month *by
  channel*, reciprocity *per tier*, the value spread behind each diversity score, the graph's
  drawable part) by counting what the context already holds;
* draws every chart with :mod:`netkit.charts.svg` and marks the result
  :class:`markupsafe.Markup`: those strings are built and XML-escaped by our own code, so
  this is the one place where "safe" is declared — templates never mark user text safe;
* renders ``report.html.j2`` through :class:`netkit.templating.Renderer` with
  ``autoescape=True`` (names, notes and messages are untrusted text);
* writes the file with the pages' protections: a marker line, write-if-changed, atomic,
  never over a file netkit did not write.

The page carries a Content-Security-Policy (:data:`CSP`) that forbids scripts, remote
loads, ``<base>`` and form targets: even a hostile vault template cannot make the report
phone home or run code. Output is deterministic for a fixed ``--today``.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter, deque
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from markupsafe import Markup

from netkit import diagnostics as diag_mod
from netkit import fileio, pages
from netkit.charts import svg
from netkit.diagnostics import Diagnostic
from netkit.graph import Edge
from netkit.quality import ContactQuality, HealthReport
from netkit.quality.network import Diversity, Layer
from netkit.templating import Renderer

#: the report's file name in the pages folder (the default output)
REPORT_FILENAME = "Report.html"
#: the template, overridable by ``.netkit/templates/report.html.j2`` in the vault
TEMPLATE = "report.html.j2"

#: The policy the issue asks for, plus ``base-uri`` and ``form-action``: ``default-src``
#: does not cover those two, and a ``<base href>`` injected by a template could otherwise
#: redirect the in-page links. (``frame-ancestors`` is not allowed in a meta tag: browsers
#: ignore it and log a console error, so it is left out.)
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

#: the graph chart draws at most this many people (the best-connected groups first): the
#: layout is O(n) per iteration and a picture of thousands of dots says nothing anyway
GRAPH_NODE_LIMIT = 300
#: channels drawn as their own series in the monthly chart; the rest become "other"
#: (one palette colour each: 7 + "other" = the 8 colours of the chart palette)
CHANNEL_SERIES = 7
#: values per diversity dimension drawn as their own bar; the rest become "other"
DIVERSITY_VALUES = 6

#: chart widths (px): the page's text column is about 920 px wide; SVGs shrink with it
WIDE = 900
NARROW = 440

_BLANK_RUNS = re.compile(r"\n{3,}")


# ===================================================================== report-only data


@dataclasses.dataclass(frozen=True, slots=True)
class TierReciprocity:
    """Who starts the conversations and which way value flows, in one tier (active contacts)."""

    key: int
    label: str
    gave: int
    got: int
    by_me: int
    by_them: int
    with_data: int  # contacts whose reciprocity indicator has data
    one_way: int  # ... of which one-way (giving or taking)

    @property
    def gave_share(self) -> float | None:
        """Share of value exchanges in which you gave."""
        return self.gave / (self.gave + self.got) if self.gave + self.got else None

    @property
    def by_me_share(self) -> float | None:
        """Share of initiated touchpoints that you started."""
        return self.by_me / (self.by_me + self.by_them) if self.by_me + self.by_them else None


@dataclasses.dataclass(frozen=True, slots=True)
class ValueCount:
    """One value of a diversity dimension and how many active contacts have it."""

    value: str
    count: int
    share: float  # of the contacts with a value


@dataclasses.dataclass(frozen=True, slots=True)
class DiversityView:
    """One dimension: the context's judgement plus the values behind it, and its chart."""

    stats: Diversity
    title: str  # "Industry", "Career stage", ...
    values: tuple[ValueCount, ...]  # most common first, at most DIVERSITY_VALUES + "other"
    verdict: str  # "diverse" | "homogeneous" | "too few values" | "no data"
    chart: Markup


@dataclasses.dataclass(frozen=True, slots=True)
class GraphView:
    """The drawable part of the relationship graph."""

    people: int  # contacts with at least one connection
    shown: int  # people drawn (at most GRAPH_NODE_LIMIT)
    edges: int  # connections drawn
    kinds: tuple[tuple[str, int], ...]  # edge kind -> edges with that evidence, all edges
    chart: Markup | None  # None: no connections to draw


@dataclasses.dataclass(frozen=True, slots=True)
class ReportCharts:
    """Every chart of the report, as inline SVG marked safe."""

    tiers: Markup
    layers: Markup
    activity: Markup
    reciprocity: Markup
    initiative: Markup


@dataclasses.dataclass(frozen=True, slots=True)
class ReportData:
    """What the report template gets as ``report``, next to the shared page context."""

    csp: Markup
    chart_style: Markup
    charts: ReportCharts
    month_channels: tuple[str, ...]  # the monthly chart's series, in order
    month_by_channel: tuple[tuple[str, tuple[int, ...]], ...]  # month -> counts per series
    reciprocity: tuple[TierReciprocity, ...]
    diversity: tuple[DiversityView, ...]
    graph: GraphView
    touchpoints: tuple[Any, ...]  # due rows: overdue, this week, coming up (most urgent first)


def _active_results(health: HealthReport) -> list[ContactQuality]:
    # the network view (and so every number in `network`) counts active contacts only
    return [q for q in health.contacts if q.contact.is_active]


def month_by_channel(
    context: Mapping[str, Any], limit: int = CHANNEL_SERIES
) -> tuple[tuple[str, ...], tuple[tuple[str, tuple[int, ...]], ...]]:
    """Touchpoints per month and channel, over the months of ``context["activity"]``.

    Counts exactly what :func:`netkit.pages._activity` counts (every contact's log entries
    dated in those months and not after today; no channel = ``unspecified``), so each
    month's total equals the context's ``activity`` count. Series follow the context's
    ``channels`` order (most used first); beyond ``limit`` channels they merge into
    ``other``. Returns ``(series names, ((month, counts per series), ...))``.
    """
    months = [m.month for m in context["activity"]]
    channels = [c.channel for c in context["channels"]]
    # an "other" series only when it merges at least two channels
    shown = channels if len(channels) <= limit + 1 else channels[:limit]
    series = list(shown) + (["other"] if len(channels) > len(shown) else [])
    column = {name: i for i, name in enumerate(shown)}
    other = len(shown)
    slot = {m: i for i, m in enumerate(months)}
    today = context["today"]
    counts = [[0] * len(series) for _ in months]
    for q in context["quality"].contacts:
        for entry in q.contact.log:
            iso = entry.date.isoformat()
            if iso > today:  # planned touchpoints are not activity (ISO strings sort as dates)
                continue
            row = slot.get(iso[:7])
            if row is not None:
                counts[row][column.get(entry.channel or "unspecified", other)] += 1
    return tuple(series), tuple((m, tuple(c)) for m, c in zip(months, counts, strict=True))


def reciprocity_by_tier(context: Mapping[str, Any]) -> tuple[TierReciprocity, ...]:
    """Given vs received and who starts, per tier, summed like ``network.reciprocity``.

    The same per-contact log counts (``quality.contacts[].stats``) and the same population
    (active contacts) as the network totals, so the tiers add up to ``network.reciprocity``.
    """
    rows: dict[int, list[int]] = {t.key: [0] * 6 for t in context["tiers"]}
    for q in _active_results(context["quality"]):
        acc = rows.setdefault(q.contact.tier, [0] * 6)
        s = q.stats
        acc[0] += s.gave
        acc[1] += s.got
        acc[2] += s.by_me
        acc[3] += s.by_them
        if q.indicators.reciprocity is not None:
            acc[4] += 1
            acc[5] += q.has("one-way-giving") or q.has("one-way-taking")
    labels = {t.key: t.label for t in context["tiers"]}
    return tuple(TierReciprocity(key, labels.get(key, f"Tier {key}"), *rows[key]) for key in sorted(rows))


def diversity_values(context: Mapping[str, Any], dimension: str, limit: int = DIVERSITY_VALUES) -> tuple[ValueCount, ...]:
    """The values of one dimension among active contacts, most common first.

    Spellings that differ only in case or spacing are one value, shown in its most common
    spelling — the rule :mod:`netkit.quality.network` uses, so the first value is the
    context's ``dominant`` with the same share. Values beyond ``limit`` are summed into
    ``other (N values)``.
    """
    raw: Counter[str] = Counter()
    for q in _active_results(context["quality"]):
        value = getattr(q.contact, dimension, None)
        if isinstance(value, str) and value.strip():
            raw[value] += 1
    keys: Counter[str] = Counter()
    best: dict[str, tuple[int, str]] = {}
    for spelling, count in raw.items():
        key = " ".join(spelling.split()).casefold()
        keys[key] += count
        if key not in best or count > best[key][0]:
            best[key] = (count, " ".join(spelling.split()))
    known = sum(keys.values())
    if not known:
        return ()
    # same tie-break as quality's `dominant` (highest count, then the larger key)
    ordered = sorted(keys.items(), key=lambda kv: (kv[1], kv[0]), reverse=True)
    out = [ValueCount(best[k][1], n, n / known) for k, n in ordered[:limit]]
    rest = ordered[limit:]
    if rest:
        n = sum(c for _k, c in rest)
        out.append(ValueCount(f"other ({len(rest)} values)", n, n / known))
    return tuple(out)


def _verdict(d: Diversity) -> str:
    if not d.known:
        return "no data"
    if not d.judged:
        return "too few values"
    return "homogeneous" if d.homogeneous else "diverse"


def _dimension_title(dimension: str) -> str:
    return dimension.replace("_", " ").capitalize()


def graph_view(context: Mapping[str, Any], limit: int = GRAPH_NODE_LIMIT) -> GraphView:
    """The relationship graph as a chart: connected people only, the biggest groups first.

    Isolated contacts are counted in the text, not drawn (a cloud of unconnected dots hides
    the structure). Past ``limit`` people, the drawing keeps the groups in the context's
    order (largest first) and, from the group that overflows, a connected neighbourhood of
    its best-connected member. Brokers who bridge groups are highlighted.
    """
    edges: Sequence[Edge] = context["graph_edges"]
    kinds: Counter[str] = Counter(kind for e in edges for kind in e.kinds)
    kind_rows = tuple(sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])))
    adjacency: dict[str, list[str]] = {}
    for e in edges:
        adjacency.setdefault(e.a, []).append(e.b)
        adjacency.setdefault(e.b, []).append(e.a)
    people = len(adjacency)
    if not edges:
        return GraphView(0, 0, 0, kind_rows, None)
    chosen: list[str] = []
    for group in context["graph"].groups:  # largest first, members by name then path
        members = [m.path for m in group.members]
        room = limit - len(chosen)
        if room <= 0:
            break
        if len(members) > room:
            members = _neighbourhood(members, adjacency, room)
        chosen.extend(members)
    keep = set(chosen)
    names = {row.path: row.name for row in context["contacts"]}
    nodes = [(p, names.get(p, p)) for p in chosen]
    drawn = [(e.a, e.b) for e in edges if e.a in keep and e.b in keep]
    # highlight the brokers who really bridge groups; a broker of one group is just a hub
    brokers = {b.contact.path for b in context["graph"].brokers if b.groups >= 2}
    shown = f", {len(chosen)} shown" if len(chosen) < people else ""
    chart = svg.network_graph(
        f"Who knows whom: {people} connected people{shown}", nodes, drawn,
        width=WIDE, height=520 if len(chosen) > 12 else 360, highlight=brokers & keep)
    return GraphView(people, len(chosen), len(drawn), kind_rows, Markup(chart))


def _neighbourhood(members: Sequence[str], adjacency: Mapping[str, Sequence[str]], room: int) -> list[str]:
    """``room`` people of one connected group, breadth-first from its best-connected member.

    A connected excerpt (every person drawn is linked to someone drawn) shows structure;
    the top-N by degree alone would be scattered dots with few lines between them.
    Deterministic: ties go by the most connections, then the path.
    """
    def rank(path: str) -> tuple[int, str]:
        return (-len(adjacency.get(path, ())), path)

    start = min(members, key=rank)
    seen = {start}
    order = [start]
    queue = deque([start])
    while queue and len(order) < room:
        for nb in sorted(adjacency.get(queue.popleft(), ()), key=rank):
            if nb not in seen:
                seen.add(nb)
                order.append(nb)
                queue.append(nb)
                if len(order) == room:
                    break
    return order


def _tier_chart(context: Mapping[str, Any]) -> str:
    tiers = context["tiers"]
    # one dashed line per tier: the minimum of the target range (where most tiers are short),
    # else its maximum; the table next to the chart gives the whole range
    targets: list[float | None] = [
        float(t.target_min) if t.target_min is not None else
        float(t.target_max) if t.target_max is not None else None
        for t in tiers
    ]
    return svg.bar_chart(
        "Active contacts per tier (dashed: the tier's minimum target)",
        [f"{t.key}. {t.label}" for t in tiers],
        [("active", [float(t.active) for t in tiers])],
        width=WIDE, height=260, targets=targets if any(x is not None for x in targets) else None)


def _layer_chart(layers: Sequence[Layer]) -> str:
    return svg.bar_chart(
        "People in touch often enough for each Dunbar layer (dashed: the layer's usual size)",
        [f"{layer.name} (~{layer.size})" for layer in layers],
        [("people", [float(layer.count) for layer in layers])],
        width=WIDE, height=260, targets=[float(layer.size) for layer in layers])


def _activity_chart(series: Sequence[str], rows: Sequence[tuple[str, Sequence[int]]]) -> str:
    total = sum(sum(c) for _m, c in rows)
    title = f"Touchpoints per month by channel, last {len(rows)} months"
    if not total:
        return svg.bar_chart(title, [], [], width=WIDE)  # "No data yet"
    return svg.bar_chart(
        title, [m for m, _c in rows],
        [(name, [float(c[i]) for _m, c in rows]) for i, name in enumerate(series)],
        width=WIDE, height=300, stacked=True)


def _reciprocity_chart(rows: Sequence[TierReciprocity]) -> str:
    title = "Value given and received"
    if not any(r.gave or r.got for r in rows):
        return svg.bar_chart(title, [], [], width=NARROW)
    return svg.bar_chart(
        title, [f"{r.key}. {r.label}" for r in rows],
        [("you gave", [float(r.gave) for r in rows]), ("you received", [float(r.got) for r in rows])],
        width=NARROW, height=260)


def _initiative_chart(rows: Sequence[TierReciprocity]) -> str:
    title = "Who started the conversation"
    if not any(r.by_me or r.by_them for r in rows):
        return svg.bar_chart(title, [], [], width=NARROW)
    return svg.bar_chart(
        title, [f"{r.key}. {r.label}" for r in rows],
        [("you", [float(r.by_me) for r in rows]), ("they", [float(r.by_them) for r in rows])],
        width=NARROW, height=260)


def _diversity_views(context: Mapping[str, Any]) -> tuple[DiversityView, ...]:
    out = []
    for d in context["network"].diversity:
        values = diversity_values(context, d.dimension)
        title = _dimension_title(d.dimension)
        chart = svg.hbar_chart(title,
                               [(v.value, v.share) for v in values],
                               max_value=1.0, percent=True, width=NARROW)
        out.append(DiversityView(d, title, values, _verdict(d), Markup(chart)))
    return tuple(out)


def report_data(context: Mapping[str, Any]) -> ReportData:
    """Everything the report adds to the page context: chart series and the SVG charts."""
    series, rows = month_by_channel(context)
    reciprocity = reciprocity_by_tier(context)
    due = context["due"]
    return ReportData(
        csp=Markup(CSP),  # our constant: contains quotes that must stay quotes
        chart_style=Markup(svg.svg_style()),  # CSS from our code; escaping would break it
        charts=ReportCharts(
            tiers=Markup(_tier_chart(context)),
            layers=Markup(_layer_chart(context["network"].layers)),
            activity=Markup(_activity_chart(series, rows)),
            reciprocity=Markup(_reciprocity_chart(reciprocity)),
            initiative=Markup(_initiative_chart(reciprocity)),
        ),
        month_channels=series,
        month_by_channel=rows,
        reciprocity=reciprocity,
        diversity=_diversity_views(context),
        graph=graph_view(context),
        touchpoints=(*due["overdue"], *due["this_week"], *due["coming_up"]),
    )


# ============================================================================ rendering


def _when(days: int | None) -> str:
    """``12 days overdue`` / ``today`` / ``tomorrow`` / ``in 5 days``."""
    if days is None:
        return "—"
    if days < 0:
        return f"{-days} day{'s' if days != -1 else ''} overdue"
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    return f"in {days} days"


def make_filters() -> dict[str, Callable[..., Any]]:
    """The filters the report template may use: ``pct``, ``num``, ``plural`` (as on the
    pages) and ``when`` (days until → words). The Markdown filters (``cell``, links) are
    left out: autoescaping is the HTML report's escaping."""
    shared = pages.make_filters()
    return {"pct": shared["pct"], "num": shared["num"], "plural": shared["plural"], "when": _when}


def new_renderer(root: Path | None) -> Renderer:
    """A sandboxed, autoescaping :class:`Renderer`; vault overrides come from ``root``."""
    return Renderer(root, filters=make_filters(), autoescape=True)


def finish(text: str) -> str:
    """The marker line, then ``text`` with LF endings, no runs of blank lines, one final
    newline — the same normalisation as the pages, so the file is stable in git."""
    body = text.replace("\r\n", "\n").replace("\r", "\n")
    if body.startswith(pages.MARKER_PREFIX):  # a template that writes the marker itself
        body = body.split("\n", 1)[1] if "\n" in body else ""
    body = _BLANK_RUNS.sub("\n\n", body).strip("\n")
    return f"{pages.MARKER}\n{body}\n"


def render_report(context: Mapping[str, Any], root: Path | None = None) -> tuple[str | None, list[Diagnostic]]:
    """Render the report from a :func:`netkit.pages.build_context` context.

    Returns the finished HTML (marker line first) or None and the template's diagnostics.
    """
    full = {**context, "report": report_data(context)}
    text, diags = new_renderer(root).render(TEMPLATE, full)
    return (finish(text) if text is not None else None), diags


# ============================================================================== writing


def write_report(target: Path, data: bytes, *, follow_symlink: bool = False) -> str:
    """Write ``data`` to ``target`` like a page; return ``"written"``, ``"unchanged"`` or
    why the file is not netkit's to overwrite.

    A missing file is created; an existing one is replaced atomically only when its bytes
    differ and it starts with the marker (so a report can be refreshed, but a contact
    file or your own ``index.html`` never gets clobbered). A symbolic link is refused in
    the pages folder (it could lead out of the vault); ``follow_symlink=True`` (an ``-o``
    path the user named) writes through it, to a file that must still carry the marker.
    """
    if target.is_symlink() and not follow_symlink:
        return "it is a symbolic link"
    if not target.exists():
        try:
            fileio.atomic_write(target, data, create_only=True)
        except fileio.AlreadyExistsError:
            # created between our check and our write: judge the new file like any other
            return write_report(target, data, follow_symlink=follow_symlink)
        return "written"
    if not target.is_file():
        return "it is not a regular file"
    current, fingerprint = fileio.read_with_fingerprint(target)
    if current == data:
        return "unchanged"  # not even the mtime changes: git and file watchers stay quiet
    if not pages.is_generated(current):
        return "its first line is not the netkit marker"
    # expected=: if someone saves the file in the very moment we rewrite it, keep theirs
    fileio.atomic_write(target, data, expected=fingerprint)
    return "written"


def write_to_pages(root: Path, pages_setting: str, data: bytes) -> tuple[Path | None, str, list[Diagnostic]]:
    """Write the report as ``<pages folder>/Report.html``.

    Returns ``(path, outcome, diagnostics)``: ``outcome`` is ``written``, ``unchanged`` or
    ``failed``; a refusal or an I/O error is a ``page.not-generated`` / ``page.write``
    diagnostic, as for the Markdown pages.
    """
    folder, diags = pages.pages_folder(root, pages_setting)
    rel_dir = pages.pages_rel_dir(pages_setting)
    shown = f"{rel_dir}/{REPORT_FILENAME}" if rel_dir else REPORT_FILENAME
    if folder is None:
        return None, "failed", diags
    target = folder / REPORT_FILENAME
    try:
        folder.mkdir(parents=True, exist_ok=True)
        outcome = write_report(target, data)
    except fileio.NetkitIOError as exc:
        return target, "failed", [diag_mod.make(shown, 1, 1, "page.write", str(exc),
                                                hint="check the folder's permissions and free space")]
    except OSError as exc:
        return target, "failed", [diag_mod.make(shown, 1, 1, "page.write", fileio.describe_os_error(exc, target),
                                                hint="check the folder's permissions and free space")]
    if outcome in ("written", "unchanged"):
        return target, outcome, []
    return target, "failed", [diag_mod.make(
        shown, 1, 1, "page.not-generated",
        f"{shown} was not written by netkit ({outcome}); it was left as it is",
        hint=f"move it out of `{rel_dir or '.'}/` (netkit then recreates the report), or use "
             "`netkit report -o FILE` to write it elsewhere")]
