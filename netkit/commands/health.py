"""``netkit health``: relationship strength and network health (see docs/quality.md)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from netkit.commands import _common
from netkit.diagnostics import use_colour_for

if TYPE_CHECKING:  # the command imports netkit.quality only when it runs
    from netkit.quality import HealthReport

#: rows in the "weakest relationships" table
WEAKEST_ROWS = 10


@click.command("health")
@click.option("--json", "as_json", is_flag=True, help="Print JSON only (design.md §4 shape).")
@_common.global_options
def command(as_json: bool) -> None:
    """Per-relationship strength (0-100) and network health.

    For each contact: recency, frequency, reciprocity, responsiveness and depth (each 0-1,
    or null without data), a strength score and warning flags. For the network (active
    contacts only): a 0-100 score, what is good, what needs attention, the five actions
    that would help most and the weakest relationships. Weights and thresholds live in the
    `quality:` section of netkit.yaml; docs/quality.md explains every formula.

    With vault errors the results cover the valid contacts, the errors go to stderr and
    the exit code is 1.
    """
    from netkit import answers, quality

    today = _common.today()
    # nothing changed since today's `netkit index` (or a running `netkit watch`): the report
    # it computed for the pages, as this command prints it (see netkit.answers)
    known, walk = answers.check(_common.vault_root(), today) if not as_json else (None, None)
    recorded = known.health(use_colour_for(sys.stdout)) if known is not None else None
    vault: Any = known if recorded is not None else _common.load(progress=not as_json, scan=walk)
    settings, config_diags = quality.parse_quality_settings(vault.config.extra.get("quality"))
    if recorded is not None:
        click.echo(recorded)
    else:
        report = quality.assess(vault.contacts, vault.config, today, settings)
        if as_json:
            _common.json_dump(report.to_json())
        else:
            click.echo(render(report))
    code = _common.report_and_exit_code(vault)
    # the quality: section is validated here until the loader reports it with the rest of
    # netkit.yaml; a diagnostic the loader already reported is not repeated
    seen = {(d.code, d.message) for d in vault.diagnostics}
    fresh = [d for d in config_diags if (d.code, d.message) not in seen]
    _common.print_diagnostics(fresh)
    if any(d.is_error for d in fresh):
        code = _common.EXIT_ERRORS
    sys.exit(code)


def render(report: HealthReport, *, colour: bool | None = None) -> str:
    """The terminal report: headline score, good news, attention, actions, weakest table
    (``colour``: styled or not; by default as standard output allows)."""
    net = report.network
    stats = net.stats
    lines: list[str] = []
    if stats.score is None:
        lines.append(_common.style("Network health: no active contacts yet", bold=True, colour=colour))
    else:
        tone = "green" if stats.score >= 70 else "yellow" if stats.score >= 45 else "red"
        lines.append(_common.style(f"Network health {stats.score:.0f}/100", fg=tone, bold=True, colour=colour))
        parts = "  ·  ".join(f"{name} {_pct(value)}" for name, value in stats.score_parts.items())
        lines.append(f"  {parts}")
    lines.append(f"  {stats.contacts} contacts: {stats.active} active, {stats.paused} paused, "
                 f"{stats.archived} archived (as of {report.today})")

    if net.good:
        lines += ["", _common.style("What is good", bold=True, colour=colour)]
        lines += [f"  + {f.message}" for f in net.good]
    if net.attention:
        lines += ["", _common.style("Needs attention", bold=True, colour=colour)]
        for f in net.attention:
            mark = _common.style("!", fg="yellow", bold=True, colour=colour) if f.severity == "warning" else "-"
            lines.append(f"  {mark} {f.message}")
    if net.actions:
        lines += ["", _common.style(f"Top {len(net.actions)} actions", bold=True, colour=colour)]
        lines += [f"  {i}. {a.text}" for i, a in enumerate(net.actions, 1)]

    touched = [q for q in report.contacts if q.contact.is_active and q.stats.contacted]
    never = sum(1 for q in report.contacts if q.contact.is_active and not q.stats.contacted)
    if touched:
        weakest = sorted(touched, key=lambda q: (q.strength, q.contact.name.casefold()))[:WEAKEST_ROWS]
        rows = [[q.contact.name, str(q.contact.tier), f"{q.strength:.0f}",
                 *(_cell(v) for v in q.indicators.as_tuple()), ", ".join(q.flag_names) or "-"]
                for q in weakest]
        lines += ["", _common.style("Weakest relationships", bold=True, colour=colour)]
        table = _common.table(rows, ["Name", "Tier", "Strength", "Recency", "Freq", "Recip", "Resp", "Depth", "Flags"],
                              align="lrrrrrrrl")
        lines += ["  " + ln for ln in table.splitlines()]
    if never:
        lines.append(f"  ({never} active contact{'s' if never != 1 else ''} never contacted: strength 0, not listed)")
    lines += ["", "Indicators are 0-1 (- = no data); `netkit health --json` has every contact; "
                  "docs/quality.md explains the formulas."]
    return "\n".join(lines)


def recorded_texts(report: HealthReport | None) -> tuple[str, str] | None:
    """:func:`render` of ``report`` without and with colour, as ``netkit index`` and
    ``netkit watch`` record it with the day's answers (None without a report)."""
    if report is None:
        return None
    return render(report, colour=False), render(report, colour=True)


#: the health texts of the last index run that computed its pages (see texts_for_index)
HEALTH_FILE = "health.cache"


def texts_for_index(vault: Any, today: Any, folder: Path, report: HealthReport | None) -> tuple[str, str] | None:
    """What ``netkit health`` prints as of an index run, for the day's answers: rendered
    from the report the pages were computed with, and kept in ``.netkit/cache/health.cache``
    under the key of the pages' inputs (:class:`netkit.pagememo.Memory`); when the run
    skipped computing (nothing changed since the remembered run), the kept texts of that
    run. None when neither is there."""
    from netkit import cache as cache_mod
    from netkit import pagememo

    memo = pagememo.Memory.for_vault(vault, today, folder)
    key = memo.key.encode() if memo is not None else None
    if report is not None:
        texts = recorded_texts(report)
        if key is not None:
            cache_mod.write_record(vault.root, HEALTH_FILE, key, texts)  # failing costs speed only
        return texts
    value = cache_mod.read_record(vault.root, HEALTH_FILE, key) if key is not None else None
    if type(value) is tuple and len(value) == 2 and all(type(text) is str for text in value):
        return value
    return None


def _cell(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.0f}"
