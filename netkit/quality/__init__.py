"""Quality indicators: how strong each relationship is, and how healthy the network is. Pure.

Everything here takes values (contacts, the config, ``today``) and returns frozen values; it
never reads files or the clock. ``docs/quality.md`` gives every formula, its defaults and
the research behind them.

* :func:`assess` — the whole report (:class:`HealthReport`): per-contact results for every
  contact (paused and archived included) and the network view (active contacts only).
* :func:`assess_contact` — one relationship (:class:`ContactQuality`).
* :func:`quality_settings` / :func:`quality_config_diagnostics` — the ``quality:`` section of
  ``netkit.yaml``, validated.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from netkit.model import Config, Contact
from netkit.quality.advice import (
    Action,
    Finding,
    actions,
    contact_action,
    findings,
    tier_importance,
)
from netkit.quality.network import NetworkRow, NetworkStats, measure_network, network_row
from netkit.quality.relationship import (
    FLAGS,
    ContactQuality,
    Flag,
    Indicators,
    LogStats,
    assess_contact,
)
from netkit.quality.settings import (
    DEFAULT_WEIGHTS,
    INDICATORS,
    QualitySettings,
    parse_quality_settings,
    quality_config_diagnostics,
    quality_settings,
)

__all__ = [
    "DEFAULT_WEIGHTS", "FLAGS", "INDICATORS", "Action", "ContactQuality", "Finding", "Flag",
    "HealthReport", "Indicators", "LogStats", "NetworkHealth", "NetworkRow", "NetworkStats",
    "QualitySettings", "assess", "assess_contact", "contact_action", "network_row",
    "parse_quality_settings", "quality_config_diagnostics", "quality_settings", "report_from",
    "tier_importance",
]


@dataclasses.dataclass(frozen=True, slots=True)
class NetworkHealth:
    """The network view: measurements, a judgement of them, and the best next steps."""

    stats: NetworkStats
    findings: tuple[Finding, ...]
    actions: tuple[Action, ...]

    @property
    def score(self) -> float | None:
        """The headline 0..100 network score (None: no active contacts)."""
        return self.stats.score

    @property
    def good(self) -> tuple[Finding, ...]:
        """What is going well."""
        return tuple(f for f in self.findings if f.severity == "good")

    @property
    def attention(self) -> tuple[Finding, ...]:
        """What needs attention: warnings first, then information."""
        return tuple(f for f in self.findings if f.severity != "good")

    def to_json(self) -> dict[str, Any]:
        """The ``network`` object of ``health --json``."""
        data = self.stats.to_json()
        data["good"] = [f.message for f in self.good]
        data["attention"] = [f.to_json() for f in self.attention]
        data["actions"] = [a.to_json() for a in self.actions]
        return data


@dataclasses.dataclass(frozen=True, slots=True)
class HealthReport:
    """``netkit health``: every contact's quality and the network's."""

    today: dt.date
    settings: QualitySettings
    contacts: tuple[ContactQuality, ...]
    network: NetworkHealth

    def to_json(self) -> dict[str, Any]:
        """The shape of design.md §4: ``{"network": {...}, "contacts": [...]}`` (+ a few keys)."""
        return {
            "network": self.network.to_json(),
            "contacts": [q.to_json() for q in self.contacts],
            "today": self.today.isoformat(),
            "settings": self.settings.to_json(),
        }


def assess(
    contacts: Iterable[Contact], config: Config, today: dt.date, settings: QualitySettings | None = None,
    *, results: Sequence[ContactQuality] | None = None, rows: Sequence[NetworkRow] | None = None,
    contact_actions: Sequence[Action | None] | None = None,
) -> HealthReport:
    """Assess every contact (in the given order) and the network, as of ``today``.

    ``results`` are the contacts' :func:`assess_contact` results when the caller has them
    already (same order, ``config``, ``today`` and ``settings``; the pages keep them between
    rebuilds in ``netkit watch``): only the network view is then computed. ``rows`` and
    ``contact_actions`` (each result's :func:`~netkit.quality.network.network_row` and
    :func:`~netkit.quality.advice.contact_action`) save recomputing those too.
    """
    settings = settings or quality_settings(config)
    if results is None:
        results = tuple(assess_contact(c, config, today, settings) for c in contacts)
    return report_from(results, config, today, settings, rows=rows, contact_actions=contact_actions)


def report_from(
    results: Sequence[ContactQuality], config: Config, today: dt.date, settings: QualitySettings,
    *, rows: Sequence[NetworkRow] | None = None, contact_actions: Sequence[Action | None] | None = None,
) -> HealthReport:
    """The report for per-contact results already computed (in the vault's order) with the
    same ``config``, ``today`` and ``settings``: the network view is aggregated from them.

    :func:`assess` is ``report_from`` over :func:`assess_contact` of every contact; callers
    that keep per-contact results between runs (the pages in ``netkit watch``) recompute only
    the contacts that changed, then call this (see :func:`assess` for ``rows`` and
    ``contact_actions``).
    """
    results = tuple(results)
    if rows is None:
        rows = [network_row(q) for q in results]
    stats = measure_network(results, config, today, settings, rows=rows)
    network = NetworkHealth(stats, tuple(findings(stats, results, settings, rows=rows)),
                            tuple(actions(stats, results, config, per_contact=contact_actions)))
    return HealthReport(today, settings, results, network)
