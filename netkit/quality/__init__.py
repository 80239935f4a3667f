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
    MAX_ACTIONS,
    Action,
    Finding,
    action_key,
    actions,
    contact_action,
    findings,
    tier_importance,
)
from netkit.quality.network import (
    NetworkRow,
    NetworkStats,
    NetworkTally,
    measure_network,
    network_row,
)
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
from netkit.quality.topk import TopK

__all__ = [
    "DEFAULT_WEIGHTS", "FLAGS", "INDICATORS", "Action", "ContactQuality", "Finding", "Flag",
    "HealthReport", "Indicators", "LogStats", "NetworkHealth", "NetworkRow", "NetworkStats",
    "QualitySettings", "ReportCache", "assess", "assess_contact", "contact_action", "network_row",
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
    contact_actions: Sequence[Action | None] | None = None, cache: ReportCache | None = None,
    changed: Sequence[int] | None = None,
) -> HealthReport:
    """Assess every contact (in the given order) and the network, as of ``today``.

    ``results`` are the contacts' :func:`assess_contact` results when the caller has them
    already (same order, ``config``, ``today`` and ``settings``; the pages keep them between
    rebuilds in ``netkit watch``): only the network view is then computed. ``rows`` and
    ``contact_actions`` (each result's :func:`~netkit.quality.network.network_row` and
    :func:`~netkit.quality.advice.contact_action`) save recomputing those too.

    ``cache`` (with all three given) keeps the network view's running totals between calls
    (``netkit watch``): see :meth:`ReportCache.report` for ``changed``. The result is the
    same with or without it.
    """
    settings = settings or quality_settings(config)
    if results is None:
        results = tuple(assess_contact(c, config, today, settings) for c in contacts)
    if cache is not None and rows is not None and contact_actions is not None:
        return cache.report(results, config, today, settings, rows=rows, contact_actions=contact_actions,
                            changed=changed)
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


#: more edited contacts than this in one update: aggregate everything again (cheaper than
#: patching, and the path every first build takes anyway)
PATCH_LIMIT = 64


class ReportCache:
    """:func:`report_from` kept up to date between rebuilds of the pages (``netkit watch``).

    It keeps the network view's running totals (:class:`~netkit.quality.network.NetworkTally`)
    and the best contact actions; :meth:`report` then costs, after an edit, in proportion to
    the edited contacts rather than to the vault. The result is always exactly
    :func:`report_from`'s: anything the cache cannot patch safely (a different ``today``,
    config or settings, contacts added, removed or reordered, many edits at once) is
    aggregated again from every row.
    """

    def __init__(self) -> None:
        self._tally: NetworkTally | None = None
        self._actions: list[Action | None] = []
        self._best: TopK[Action] = TopK(MAX_ACTIONS)

    def report(
        self, results: Sequence[ContactQuality], config: Config, today: dt.date, settings: QualitySettings,
        *, rows: Sequence[NetworkRow], contact_actions: Sequence[Action | None], changed: Sequence[int] | None,
    ) -> HealthReport:
        """:func:`report_from` for ``results`` (with their ``rows`` and ``contact_actions``).

        ``changed``: the positions whose values may differ from the previous call's, every
        other position holding the same contact as then (same order, none added or
        removed); None when that is not known.
        """
        results = tuple(results)
        tally = self._tally
        if (changed is None or tally is None or len(changed) > PATCH_LIMIT or len(rows) != len(tally.rows)
                or tally.today != today or tally.settings != settings
                or (tally.config is not config and tally.config != config)):
            tally = self._tally = NetworkTally(rows, config, today, settings)
            self._actions = list(contact_actions)
            self._best.reset(((action_key(a), i), a) for i, a in enumerate(self._actions) if a is not None)
        else:
            best, kept = self._best, self._actions
            for pos in changed:
                tally.replace(pos, rows[pos])
                old, new = kept[pos], contact_actions[pos]
                if old is not new:
                    if old is not None:
                        best.remove((action_key(old), pos))
                    if new is not None:
                        best.add((action_key(new), pos), new)
                    kept[pos] = new
            if not best.valid:
                best.reset(((action_key(a), i), a) for i, a in enumerate(kept) if a is not None)
        stats = tally.stats()
        network = NetworkHealth(stats, tuple(findings(stats, results, settings, rows=rows,
                                                      strongest=tally.strongest())),
                                tuple(actions(stats, results, config, best=self._best.top())))
        return HealthReport(today, settings, results, network)
