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
from collections.abc import Iterable
from typing import Any

from netkit.model import Config, Contact
from netkit.quality.advice import Action, Finding, actions, findings
from netkit.quality.network import NetworkStats, measure_network
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
    "HealthReport", "Indicators", "LogStats", "NetworkHealth", "NetworkStats", "QualitySettings",
    "assess", "assess_contact", "parse_quality_settings", "quality_config_diagnostics",
    "quality_settings",
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
    contacts: Iterable[Contact], config: Config, today: dt.date, settings: QualitySettings | None = None
) -> HealthReport:
    """Assess every contact (in the given order) and the network, as of ``today``."""
    settings = settings or quality_settings(config)
    results = tuple(assess_contact(c, config, today, settings) for c in contacts)
    stats = measure_network(results, config, today, settings)
    network = NetworkHealth(stats, tuple(findings(stats, results, settings)),
                            tuple(actions(stats, results, config)))
    return HealthReport(today, settings, results, network)
