"""Judging the measured network: what is good, what needs attention, what to do. Pure.

Findings are sentences a user can act on; actions are ranked by a priority that puts the
people who matter most (lower tier number) and are most overdue first. The ranking is a
heuristic, documented in ``docs/quality.md``, not a statistical model.
"""

from __future__ import annotations

import dataclasses
import heapq
from collections.abc import Mapping, Sequence
from typing import Any

from netkit.model import Config
from netkit.quality.network import STRONG, NetworkRow, NetworkStats, network_row
from netkit.quality.relationship import ContactQuality
from netkit.quality.settings import QualitySettings

#: how many actions the report suggests
MAX_ACTIONS = 5
#: network actions from warnings (growth, size, tier targets, homogeneity) have at least this
STRUCTURAL_PRIORITY = 3.0

_DIMENSION_WORDS = {
    "industry": "industry",
    "role": "role",
    "career_stage": "career stage",
    "location": "location",
    "how_met": "how you met",
}


@dataclasses.dataclass(frozen=True, slots=True)
class Finding:
    """One observation about the network: ``good``, ``warning`` or ``info``."""

    severity: str
    code: str
    message: str

    def to_json(self) -> dict[str, str]:
        """JSON form."""
        return {"severity": self.severity, "code": self.code, "message": self.message}


@dataclasses.dataclass(frozen=True, slots=True)
class Action:
    """A concrete next step; ``path`` names the contact it is about, if any."""

    text: str
    kind: str
    priority: float
    name: str | None = None
    path: str | None = None
    #: orders actions of equal priority (e.g. the overdue ratio beyond the priority's cap)
    tiebreak: float = 0.0

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {"text": self.text, "kind": self.kind, "priority": round(self.priority, 2),
                "name": self.name, "path": self.path}


def findings(
    stats: NetworkStats, results: Sequence[ContactQuality], settings: QualitySettings,
    *, rows: Sequence[NetworkRow] | None = None, strongest: Sequence[NetworkRow] | None = None,
) -> list[Finding]:
    """Everything worth saying about the network, good news first, then warnings, then info.

    ``rows``: the results' :func:`netkit.quality.network.network_row` values, if at hand;
    ``strongest``: the 3 strongest of them as :meth:`NetworkTally.strongest
    <netkit.quality.network.NetworkTally.strongest>` keeps them (saves a pass over all rows).
    """
    out: list[Finding] = []
    add = out.append

    # size and layers
    if stats.active > stats.active_limit:
        add(Finding("warning", "network.size",
                    f"{stats.active} active relationships: more than the ~{stats.active_limit} people can keep "
                    "up (Dunbar); pause or archive the ones you don't mean to maintain"))
    elif stats.active:
        add(Finding("good", "network.size",
                    f"{stats.active} active relationships: within the ~{stats.active_limit} people can keep up"))
    for layer in stats.layers[:-1]:
        if layer.over:
            add(Finding("info", "network.layer",
                        f"{layer.count} people get {layer.min_per_year}+ touchpoints a year, more than the "
                        f"~{layer.size} of Dunbar's {layer.name}: some of them may be taking time from closer ties"))
    for tier in stats.tiers:
        status = tier.target_status
        target = _target_text(tier.target_min, tier.target_max)
        if status == "above":
            add(Finding("warning", "network.tier-target",
                        f"tier {tier.tier} ({tier.label}) has {_n(tier.active, 'active contact')}, above its target {target}"))
        elif status == "below" and tier.active:
            add(Finding("info", "network.tier-target",
                        f"tier {tier.tier} ({tier.label}) has {_n(tier.active, 'active contact')}, "
                        f"below its target {target}"))

    # maintenance
    for tier in stats.tiers:
        share = tier.on_schedule_share
        if share is None:
            continue
        text = f"tier {tier.tier} on schedule: {tier.on_schedule} of {tier.scheduled} ({share:.0%})"
        if tier.median_days_late is not None:
            text += f"; the late ones a median {tier.median_days_late:g} d late"
        add(Finding("good" if share >= 0.8 else "warning" if share < 0.5 else "info", "network.maintenance", text))
    if stats.never_contacted:
        add(Finding("info", "network.never-contacted",
                    f"{_n(stats.never_contacted, 'active contact')} with no touchpoint logged"))

    # reciprocity
    r = stats.reciprocity
    if r.by_me_share is not None:
        pct = r.by_me_share
        if pct > 0.75:
            add(Finding("warning", "network.initiative", f"you start {pct:.0%} of conversations: few people reach out to you"))
        elif pct < 0.25:
            add(Finding("warning", "network.initiative", f"you start only {pct:.0%} of conversations: reach out more"))
        else:
            add(Finding("good", "network.initiative", f"balanced initiative: you start {pct:.0%} of conversations"))
    if r.gave_share is not None:
        pct = r.gave_share
        if pct > 0.8 or pct < 0.2:
            side = "you give far more than you receive" if pct > 0.8 else "you receive far more than you give"
            add(Finding("warning", "network.value", f"{side} ({r.gave} given, {r.got} received)"))
        else:
            add(Finding("good", "network.value", f"value flows both ways: {r.gave} given, {r.got} received"))
    share = r.one_way_share
    if share is not None:
        if share > 0.25:
            add(Finding("warning", "network.one-way",
                        f"{r.one_way} of {r.with_data} relationships ({share:.0%}) flow one way"))
        elif r.one_way == 0 and r.with_data >= 3:
            add(Finding("good", "network.one-way", f"none of {r.with_data} relationships flows one way"))

    # diversity
    thin: list[str] = []
    for d in stats.diversity:
        word = _DIMENSION_WORDS[d.dimension]
        if not d.judged:
            thin.append(word)
        elif d.homogeneous:
            add(Finding("warning", "network.homogeneous",
                        f"homogeneous {word}: {d.dominant_share:.0%} of {d.known} are \"{d.dominant}\" "
                        f"(evenness {d.evenness:.2f})"))
        elif d.evenness is not None and d.evenness >= 0.7:
            add(Finding("good", "network.diversity", f"diverse {word}: {d.distinct} values, evenness {d.evenness:.2f}"))
    if thin and stats.active:
        add(Finding("info", "network.diversity",
                    "too few values to judge diversity of " + ", ".join(thin)
                    + f" (fill them in for at least {settings.diversity_min} active contacts)"))

    # inbound signals
    ib = stats.inbound
    if ib.touchpoints or ib.value_received:
        add(Finding("good", "network.inbound",
                    f"in the last {ib.days} d, {_n(ib.people, 'person', 'people')} reached out to you "
                    f"({_n(ib.touchpoints, 'touchpoint')}) and {_n(ib.value_people, 'person', 'people')} "
                    f"gave you something ({ib.value_received}×)"))
    elif stats.active:
        add(Finding("info", "network.inbound",
                    f"no one reached out or gave you something in the last {ib.days} d ([by:: them], [got:: ...])"))

    # growth pacing
    g = stats.growth
    band = _target_text(*g.band)
    if g.status == "fast":
        add(Finding("warning", "network.growth",
                    f"growing fast: {g.per_week:.1f} new contacts a week over {g.weeks} weeks (healthy: {band}); "
                    "thoughtful connections take time"))
    elif g.status == "slow":
        add(Finding("warning", "network.growth",
                    f"growing slowly: {g.per_week:.1f} new contacts a week over {g.weeks} weeks (healthy: {band})"))
    elif g.status == "within":
        add(Finding("good", "network.growth", f"steady growth: {g.per_week:.1f} new contacts a week (healthy: {band})"))
    else:
        add(Finding("info", "network.growth", f"no new contacts (by `met:`) in the last {g.weeks} weeks"))

    # concentration
    c = stats.concentration
    if c.share is not None and c.people_touched > c.top:  # with fewer people it is trivially 100%
        got = f"{c.share:.0%}" if c.share >= 0.01 else "under 1%"
        text = (f"the top {c.top} people got {got} of your "
                f"{c.touchpoints} touchpoints this year ({', '.join(c.top_names)})")
        crowded = c.people_touched > 2 * c.top
        add(Finding("warning" if crowded and c.share > settings.concentration_warn else "info", "network.concentration", text))

    # the strongest relationships, as good news
    if strongest is not None:
        strong = list(strongest)
    else:
        if rows is None:
            rows = [network_row(q) for q in results]
        strong = heapq.nsmallest(3, (r for r in rows if r.active and r.strength >= STRONG),
                                 key=lambda r: (-r.strength, r.name.casefold()))
    if strong:
        add(Finding("good", "network.strongest",
                    "strongest: " + ", ".join(f"{r.name} ({r.strength:.0f})" for r in strong)))

    rank = {"good": 0, "warning": 1, "info": 2}
    return sorted(out, key=lambda f: rank[f.severity])


def actions(
    stats: NetworkStats, results: Sequence[ContactQuality], config: Config, *, limit: int = MAX_ACTIONS,
    per_contact: Sequence[Action | None] | None = None, best: Sequence[Action] | None = None,
) -> list[Action]:
    """The steps that would help most: at most one per person, highest priority first.

    ``per_contact``: each result's :func:`contact_action`, in the same order, if at hand.
    ``best``: the ``limit`` first of those by :func:`action_key` (ties: the contacts' order),
    when the caller keeps them (:class:`netkit.quality.ReportCache`); ``per_contact`` is then
    not read.
    """
    if best is None:
        if per_contact is None:
            importance = tier_importance(config)
            per_contact = [contact_action(q, importance) for q in results]
        candidates = [a for a in per_contact if a is not None]
        # nsmallest is a stable sort cut short
        best = heapq.nsmallest(max(limit, 0), candidates, key=_action_key)
    network = sorted(_network_actions(stats), key=_action_key)
    # the first `limit` of every action sorted (stable: contacts in the given order, then the
    # network's) without sorting thousands of contact actions: the best `limit` contact
    # actions merged with the few network ones
    top = sorted([*best, *network], key=_action_key)[:limit]
    # a structural problem (a warning-level network action) always gets a slot, even when
    # many overdue inner-circle contacts outrank it
    structural = [a for a in network if a.name is None and a.priority >= STRUCTURAL_PRIORITY]
    if structural and not any(a.name is None for a in top) and len(top) == limit:
        top[-1] = structural[0]
    return top


def action_key(a: Action) -> tuple[float, float, str]:
    """How :func:`actions` ranks actions: the smallest key first."""
    return (-a.priority, -a.tiebreak, a.text)


_action_key = action_key


def contact_action(q: ContactQuality, importance: Mapping[int, int]) -> Action | None:
    """The step :func:`actions` would suggest for this relationship (None: none, or not
    active); ``importance`` is :func:`tier_importance` of the config."""
    if not q.flags or not q.contact.is_active:
        return None  # every suggestion answers a flag, and only active contacts get one
    return _contact_action(q, importance.get(q.contact.tier, 1))


def _contact_action(q: ContactQuality, importance: int) -> Action | None:
    c = q.contact
    s = q.stats
    name, tier = c.name, c.tier
    if q.has("unanswered"):
        return Action(f"Let {name} fade: {s.unanswered_run} unanswered messages", "let-fade",
                      min(2.0 + 0.2 * s.unanswered_run, 4.0), name, c.path)
    if q.has("prune-candidate"):
        return Action(f"Let {name} fade: {q.explanation('prune-candidate').split(':')[0]}", "let-fade",
                      2.0, name, c.path)
    if q.has("overdue"):
        ratio = q.overdue_ratio or 0.0
        if q.has("never-contacted"):
            met = f", met {c.met}" if c.met else ""
            return Action(f"Make first contact with {name} (tier {tier}{met}, nothing logged since)",
                          "first-contact", importance * max(1.5, min(ratio, 4.0)), name, c.path)
        return Action(f"Reach out to {name} (tier {tier}, {ratio:.1f}× overdue)", "reach-out",
                      importance * min(ratio, 4.0), name, c.path, tiebreak=ratio)
    if q.has("never-contacted"):
        return Action(f"Make first contact with {name} (tier {tier}, nothing logged yet)", "first-contact",
                      importance * 1.0, name, c.path)
    if q.has("fading"):
        return Action(f"Re-engage {name} (tier {tier}): {s.recent_half} touchpoint(s) in the last 6 months, "
                      f"{s.earlier_half} in the 6 before", "re-engage", importance * 1.5, name, c.path)
    if q.has("one-way-taking"):
        return Action(f"Give something back to {name}: {q.explanation('one-way-taking').split(';')[0]}",
                      "give-back", importance * 1.2, name, c.path)
    if q.has("one-way-giving"):
        return Action(f"Let {name} come to you for a while: {q.explanation('one-way-giving').split(';')[0]}",
                      "step-back", 0.8, name, c.path)
    return None


def _network_actions(stats: NetworkStats) -> list[Action]:
    out: list[Action] = []
    g = stats.growth
    band = _target_text(*g.band)
    if g.status == "fast":
        out.append(Action(f"Slow down adding people: {g.per_week:.1f} new contacts a week over {g.weeks} weeks "
                          f"(healthy: {band})", "growth", 5.0))
    elif g.status == "slow":
        out.append(Action(f"Meet a few new people: {g.per_week:.1f} new contacts a week, below the healthy {band}",
                          "growth", 1.0))
    elif g.status == "none" and stats.active:
        out.append(Action("Meet someone new this week (no new contacts in the last "
                          f"{g.weeks} weeks)", "growth", 0.5))
    if stats.active > stats.active_limit:
        out.append(Action(f"Pause or archive some of your {stats.active} active contacts "
                          f"(Dunbar's ~{stats.active_limit})", "size", 4.0))
    below_done = False
    for tier in stats.tiers:  # closest tier first
        target = _target_text(tier.target_min, tier.target_max)
        if tier.target_status == "above":
            out.append(Action(f"Move the weakest tier {tier.tier} contacts down a tier ({tier.active} active, "
                              f"target {target})", "tier-target", 3.0))
        elif tier.target_status == "below" and tier.active and not below_done:
            # one nudge is enough: a young vault is below target in every tier
            below_done = True
            out.append(Action(f"Grow tier {tier.tier} ({tier.label}) by deepening strong relationships "
                              f"({tier.active} active, target {target})", "tier-target", 0.6))
    for d in stats.diversity:
        if d.homogeneous:
            out.append(Action(f"Meet people outside \"{d.dominant}\" ({_DIMENSION_WORDS[d.dimension]}: "
                              f"{d.dominant_share:.0%} of your network)", "diversity", 3.0))
    return out


def tier_importance(config: Config) -> dict[int, int]:
    """Tier 1 of 3 weighs 3, tier 3 weighs 1: lower tier numbers are the closer relationships."""
    keys = sorted(config.tiers)
    return {key: len(keys) - i for i, key in enumerate(keys)}


def _target_text(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f"{low:g}-{high:g}"
    if low is not None:
        return f">= {low:g}"
    if high is not None:
        return f"<= {high:g}"
    return "none"


def _n(count: int, singular: str, plural: str | None = None) -> str:
    """``1 contact``, ``2 contacts``."""
    return f"{count} {singular if count == 1 else plural or singular + 's'}"
