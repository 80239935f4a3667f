"""``netkit health``: relationship strength and network health (see docs/quality.md)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from netkit.commands import _common

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
    from netkit import quality

    vault = _common.load(progress=not as_json)
    today = _common.today()
    settings, config_diags = quality.parse_quality_settings(vault.config.extra.get("quality"))
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


def render(report: HealthReport) -> str:
    """The terminal report: headline score, good news, attention, actions, weakest table."""
    net = report.network
    stats = net.stats
    lines: list[str] = []
    if stats.score is None:
        lines.append(_common.style("Network health: no active contacts yet", bold=True))
    else:
        colour = "green" if stats.score >= 70 else "yellow" if stats.score >= 45 else "red"
        lines.append(_common.style(f"Network health {stats.score:.0f}/100", fg=colour, bold=True))
        parts = "  ·  ".join(f"{name} {_pct(value)}" for name, value in stats.score_parts.items())
        lines.append(f"  {parts}")
    lines.append(f"  {stats.contacts} contacts: {stats.active} active, {stats.paused} paused, "
                 f"{stats.archived} archived (as of {report.today})")

    if net.good:
        lines += ["", _common.style("What is good", bold=True)]
        lines += [f"  + {f.message}" for f in net.good]
    if net.attention:
        lines += ["", _common.style("Needs attention", bold=True)]
        for f in net.attention:
            mark = _common.style("!", fg="yellow", bold=True) if f.severity == "warning" else "-"
            lines.append(f"  {mark} {f.message}")
    if net.actions:
        lines += ["", _common.style(f"Top {len(net.actions)} actions", bold=True)]
        lines += [f"  {i}. {a.text}" for i, a in enumerate(net.actions, 1)]

    touched = [q for q in report.contacts if q.contact.is_active and q.stats.contacted]
    never = sum(1 for q in report.contacts if q.contact.is_active and not q.stats.contacted)
    if touched:
        weakest = sorted(touched, key=lambda q: (q.strength, q.contact.name.casefold()))[:WEAKEST_ROWS]
        rows = [[q.contact.name, str(q.contact.tier), f"{q.strength:.0f}",
                 *(_cell(v) for v in q.indicators.as_tuple()), ", ".join(q.flag_names) or "-"]
                for q in weakest]
        lines += ["", _common.style("Weakest relationships", bold=True)]
        table = _common.table(rows, ["Name", "Tier", "Strength", "Recency", "Freq", "Recip", "Resp", "Depth", "Flags"],
                              align="lrrrrrrrl")
        lines += ["  " + ln for ln in table.splitlines()]
    if never:
        lines.append(f"  ({never} active contact{'s' if never != 1 else ''} never contacted: strength 0, not listed)")
    lines += ["", "Indicators are 0-1 (- = no data); `netkit health --json` has every contact; "
                  "docs/quality.md explains the formulas."]
    return "\n".join(lines)


def _cell(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.0f}"
