"""Network-level health: size and layers, maintenance, reciprocity, diversity, inbound
signals, growth pacing and concentration. Pure.

Only *active* contacts count here: paused and archived people are relationships you chose
not to maintain, so they neither fill Dunbar's layers nor fail the maintenance check.
Everything is computed from the per-contact results in one pass plus a few small sorts.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import math
import operator
import statistics
from collections import Counter
from collections.abc import Sequence
from typing import Any, NamedTuple

from netkit.model import Config
from netkit.quality.relationship import WINDOW_DAYS, ContactQuality
from netkit.quality.settings import QualitySettings
from netkit.quality.topk import TopK

#: contact attributes whose spread the diversity section measures
DIMENSIONS: tuple[str, ...] = ("industry", "role", "career_stage", "location", "how_met")

#: Dunbar's layers (cumulative) and the contact frequency that characterises each, as
#: touchpoints per year: about weekly, monthly, quarterly (netkit's interpolation: the
#: literature is vaguer between monthly and yearly) and yearly
LAYERS: tuple[tuple[int, str, int], ...] = (
    (5, "support clique", 52),
    (15, "sympathy group", 12),
    (50, "affinity group", 4),
    (150, "active network", 1),
)

#: weights of the headline network score's parts (docs/quality.md)
SCORE_WEIGHTS: dict[str, float] = {
    "relationships": 0.40,
    "maintenance": 0.30,
    "reciprocity": 0.15,
    "diversity": 0.15,
}


@dataclasses.dataclass(frozen=True, slots=True)
class Layer:
    """How many active contacts you are in touch with often enough for one Dunbar layer."""

    size: int
    name: str
    min_per_year: int
    count: int

    @property
    def over(self) -> bool:
        """More people at this frequency than the layer usually holds."""
        return self.count > self.size

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {"layer": self.size, "name": self.name, "min_touchpoints_per_year": self.min_per_year,
                "count": self.count, "over": self.over}


@dataclasses.dataclass(frozen=True, slots=True)
class TierHealth:
    """One tier: headcount against its target, and how well it is maintained."""

    tier: int
    label: str
    active: int
    target_min: int | None
    target_max: int | None
    scheduled: int  # active contacts with a known cadence
    on_schedule: int
    overdue: int
    median_days_late: float | None  # over the overdue contacts
    mean_strength: float | None

    @property
    def target_status(self) -> str:
        """``below`` | ``within`` | ``above`` the target headcount, or ``none``."""
        if self.target_min is None and self.target_max is None:
            return "none"
        if self.target_min is not None and self.active < self.target_min:
            return "below"
        if self.target_max is not None and self.active > self.target_max:
            return "above"
        return "within"

    @property
    def on_schedule_share(self) -> float | None:
        """Share of the tier's scheduled contacts that are on schedule."""
        return self.on_schedule / self.scheduled if self.scheduled else None

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "tier": self.tier,
            "label": self.label,
            "active": self.active,
            "target": [self.target_min, self.target_max],
            "target_status": self.target_status,
            "scheduled": self.scheduled,
            "on_schedule": self.on_schedule,
            "overdue": self.overdue,
            "on_schedule_share": _round(self.on_schedule_share, 3),
            "median_days_late": self.median_days_late,
            "mean_strength": _round(self.mean_strength, 1),
        }


@dataclasses.dataclass(frozen=True, slots=True)
class Diversity:
    """The spread of one attribute (industry, role, ...) over active contacts."""

    dimension: str
    known: int  # active contacts with a value
    distinct: int
    evenness: float | None  # normalised Shannon entropy; None: no values
    dominant: str | None
    dominant_share: float | None
    homogeneous: bool
    judged: bool  # enough values (diversity_min) to call it diverse or homogeneous

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "known": self.known,
            "distinct": self.distinct,
            "evenness": _round(self.evenness, 3),
            "dominant": self.dominant,
            "dominant_share": _round(self.dominant_share, 3),
            "homogeneous": self.homogeneous,
            "judged": self.judged,
        }


@dataclasses.dataclass(frozen=True, slots=True)
class Reciprocity:
    """Who starts conversations and which way value flows, over the whole network."""

    by_me: int
    by_them: int
    gave: int
    got: int
    with_data: int  # active contacts whose reciprocity indicator has data
    one_way: int  # ... of which one-way (giving or taking)
    mean: float | None  # mean reciprocity indicator

    @property
    def by_me_share(self) -> float | None:
        """Share of initiated touchpoints that you started."""
        return self.by_me / (self.by_me + self.by_them) if self.by_me + self.by_them else None

    @property
    def gave_share(self) -> float | None:
        """Share of value exchanges in which you gave."""
        return self.gave / (self.gave + self.got) if self.gave + self.got else None

    @property
    def one_way_share(self) -> float | None:
        """Share of relationships with reciprocity data that flow one way."""
        return self.one_way / self.with_data if self.with_data else None

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "initiated_by_me": self.by_me,
            "initiated_by_them": self.by_them,
            "by_me_share": _round(self.by_me_share, 3),
            "gave": self.gave,
            "got": self.got,
            "gave_share": _round(self.gave_share, 3),
            "with_data": self.with_data,
            "one_way": self.one_way,
            "one_way_share": _round(self.one_way_share, 3),
            "mean": _round(self.mean, 3),
        }


@dataclasses.dataclass(frozen=True, slots=True)
class Growth:
    """New contacts (by ``met:``) per week over the last weeks, against the healthy band."""

    weeks: int
    weekly: tuple[int, ...]  # oldest week first; the last is the 7 days ending today
    band: tuple[float, float | None]

    @property
    def total(self) -> int:
        """New contacts in the period."""
        return sum(self.weekly)

    @property
    def per_week(self) -> float:
        """Average new contacts per week."""
        return self.total / self.weeks

    @property
    def status(self) -> str:
        """``none`` (no one new), ``slow``, ``within`` or ``fast``."""
        low, high = self.band
        if self.total == 0:
            return "none"
        if high is not None and self.per_week > high:
            return "fast"
        if self.per_week < low:
            return "slow"
        return "within"

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {"weeks": self.weeks, "new_contacts": self.total, "per_week": round(self.per_week, 2),
                "weekly": list(self.weekly), "band": list(self.band), "status": self.status}


@dataclasses.dataclass(frozen=True, slots=True)
class Concentration:
    """How much of the year's attention goes to the few most-contacted people."""

    top: int
    touchpoints: int  # all touchpoints of active contacts in the last 365 days
    people_touched: int
    top_names: tuple[str, ...]
    top_touchpoints: int

    @property
    def share(self) -> float | None:
        """Share of the touchpoints that went to the top people."""
        return self.top_touchpoints / self.touchpoints if self.touchpoints else None

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {"top": self.top, "touchpoints": self.touchpoints, "people_touched": self.people_touched,
                "share": _round(self.share, 3), "people": list(self.top_names)}


@dataclasses.dataclass(frozen=True, slots=True)
class Inbound:
    """Signals that others value the relationship: they reach out, they give."""

    days: int
    touchpoints: int  # [by:: them] in the window
    people: int
    value_received: int  # entries with got:: in the window
    value_people: int

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {"days": self.days, "touchpoints": self.touchpoints, "people": self.people,
                "value_received": self.value_received, "value_people": self.value_people}


@dataclasses.dataclass(frozen=True, slots=True)
class NetworkStats:
    """The measured network, before it is judged (see :mod:`netkit.quality.advice`)."""

    contacts: int
    active: int
    paused: int
    archived: int
    never_contacted: int  # active ones
    active_limit: int
    layers: tuple[Layer, ...]
    tiers: tuple[TierHealth, ...]
    scheduled: int
    on_schedule: int
    mean_strength: float | None  # active contacts
    reciprocity: Reciprocity
    diversity: tuple[Diversity, ...]
    inbound: Inbound
    growth: Growth
    concentration: Concentration
    score: float | None
    score_parts: dict[str, float | None]

    @property
    def on_schedule_share(self) -> float | None:
        """Share of active, scheduled contacts that are on schedule."""
        return self.on_schedule / self.scheduled if self.scheduled else None

    def to_json(self) -> dict[str, Any]:
        """JSON form (the ``network`` object of ``health --json``, without the advice)."""
        return {
            "score": _round(self.score, 1),
            "score_parts": {k: _round(v, 3) for k, v in self.score_parts.items()},
            "size": {"contacts": self.contacts, "active": self.active, "paused": self.paused,
                     "archived": self.archived, "never_contacted": self.never_contacted,
                     "limit": self.active_limit, "over_limit": self.active > self.active_limit},
            "layers": [layer.to_json() for layer in self.layers],
            "tiers": [t.to_json() for t in self.tiers],
            "maintenance": {"scheduled": self.scheduled, "on_schedule": self.on_schedule,
                            "on_schedule_share": _round(self.on_schedule_share, 3)},
            "mean_strength": _round(self.mean_strength, 1),
            "reciprocity": self.reciprocity.to_json(),
            "diversity": {d.dimension: d.to_json() for d in self.diversity},
            "inbound": self.inbound.to_json(),
            "growth": self.growth.to_json(),
            "concentration": self.concentration.to_json(),
        }


_ONE_WAY = frozenset({"one-way-giving", "one-way-taking"})


def is_on_schedule(q: ContactQuality) -> bool:
    """Touched at least once and not overdue (a planned touchpoint counts as on schedule)."""
    return q.stats.contacted and not q.has("overdue")


class NetworkRow(NamedTuple):
    """What :func:`measure_network` reads from one contact's result, in one flat tuple.

    Aggregating 10,000 of these is several times faster than reading the same values from
    10,000 results (four objects each, scattered in memory); ``netkit watch`` keeps them
    between rebuilds with the results (:func:`network_row`).
    """

    active: bool
    status: str
    tier: int
    name: str
    contacted: bool
    in_window: int
    by_me: int
    by_them: int
    gave: int
    got: int
    reciprocity: float | None
    one_way: bool  # flagged one-way-giving or one-way-taking
    inbound_recent: int
    received_recent: int
    dimensions: tuple[str | None, ...]  # the contact's values of DIMENSIONS (None: unset or blank)
    met: int | None  # date ordinal
    strength: float
    scheduled: bool  # the cadence is known
    overdue: bool  # flagged overdue
    days_until: int | None


_DIMENSION_VALUES = operator.attrgetter(*DIMENSIONS)


def network_row(q: ContactQuality) -> NetworkRow:
    """The values of ``q`` that the network view aggregates."""
    c = q.contact
    s = q.stats
    flags = q.flags
    # most contacts have no flag: no set to make for them
    names = {f.flag for f in flags} if flags else _NO_NAMES
    return NetworkRow(
        c.is_active, c.status, c.tier, c.name, s.contacted, s.in_window, s.by_me, s.by_them, s.gave,
        s.got, q.indicators.reciprocity, not names.isdisjoint(_ONE_WAY), s.inbound_recent, s.received_recent,
        # a list made into a tuple: cheaper than a generator for five values
        tuple([v if isinstance(v, str) and v.strip() else None for v in _DIMENSION_VALUES(c)]),
        c.met.toordinal() if c.met is not None else None, q.strength,
        q.cadence_days is not None, "overdue" in names, q.days_until,
    )


_NO_NAMES: frozenset[str] = frozenset()


def measure_network(
    results: Sequence[ContactQuality], config: Config, today: dt.date, settings: QualitySettings,
    *, rows: Sequence[NetworkRow] | None = None,
) -> NetworkStats:
    """Aggregate the per-contact results of *all* contacts; only active ones are counted.

    ``rows`` are the results' :func:`network_row` values, in the same order, when the caller
    keeps them (the pages do); otherwise they are made here.
    """
    if rows is None:
        rows = [network_row(q) for q in results]
    return NetworkTally(rows, config, today, settings).stats()


#: the findings' "strongest relationships": active ones from this strength on
STRONG = 60


class _TierTally:
    """One tier's active members, as :class:`TierHealth` needs them."""

    __slots__ = ("health", "late", "on_schedule", "scheduled", "strengths")

    def __init__(self) -> None:
        self.strengths: dict[int, float] = {}  # position -> strength, of every member
        self.scheduled = 0
        self.on_schedule = 0
        self.late: list[int] = []  # days late of the overdue members, sorted
        self.health: TierHealth | None = None  # None: compute again

    def add(self, pos: int, r: NetworkRow) -> None:
        self.strengths[pos] = r.strength
        if r.scheduled:
            self.scheduled += 1
            if r.contacted and not r.overdue:  # is_on_schedule
                self.on_schedule += 1
            if r.overdue and r.days_until is not None:
                bisect.insort(self.late, -r.days_until)
        self.health = None

    def remove(self, pos: int, r: NetworkRow) -> None:
        del self.strengths[pos]
        if r.scheduled:
            self.scheduled -= 1
            if r.contacted and not r.overdue:
                self.on_schedule -= 1
            if r.overdue and r.days_until is not None:
                late = self.late
                del late[bisect.bisect_left(late, -r.days_until)]
        self.health = None

    def tier_health(self, key: int, config: Config) -> TierHealth:
        if self.health is None:
            tier = config.tiers.get(key)
            members = len(self.strengths)
            late = self.late
            self.health = TierHealth(
                tier=key,
                label=tier.label if tier else f"Tier {key}",
                active=members,
                target_min=tier.target_min if tier else None,
                target_max=tier.target_max if tier else None,
                scheduled=self.scheduled,
                on_schedule=self.on_schedule,
                overdue=len(late),
                median_days_late=float(statistics.median(late)) if late else None,
                # fmean is fsum / n: exactly rounded, so the members' order does not matter
                mean_strength=statistics.fmean(list(self.strengths.values())) if members else None,
            )
        return self.health


class NetworkTally:
    """The running totals behind :func:`measure_network`, updatable one contact at a time.

    ``netkit watch`` keeps one between rebuilds of the pages: after an edit,
    :meth:`replace` takes the edited contacts' old rows out of the totals and puts the new
    ones in, and :meth:`stats` recomputes only what those rows touched. Whatever the history
    of replacements, :meth:`stats` equals ``measure_network`` over the current rows:

    * counts and integer sums are kept exactly (subtract the old row, add the new one);
    * per-tier means and medians come from the members' values (``fmean`` is an exactly
      rounded sum, independent of order; medians from a sorted list);
    * what depends on the contacts' order (the reciprocity mean is a float sum in vault
      order; the diversity counters keep first-seen order) is recomputed from all rows,
      only when an edited row changed its inputs;
    * the top lists (concentration, strongest) are :class:`~netkit.quality.topk.TopK` with
      the position as the last key, which is how ``heapq`` breaks ties.

    Positions are indices into the rows; the contacts' order must not change between
    updates (callers start over with a new tally when contacts are added or removed).
    """

    def __init__(self, rows: Sequence[NetworkRow], config: Config, today: dt.date,
                 settings: QualitySettings) -> None:
        self.config = config
        self.today = today
        self.settings = settings
        self.rows: list[NetworkRow] = list(rows)
        rows = self.rows
        # column by column (list comprehensions and builtins run in C): a first build
        # aggregates every contact, 10,000 of them in a large vault
        active_pos = [i for i, r in enumerate(rows) if r.active]
        active = [rows[i] for i in active_pos]
        self.statuses = Counter([r.status for r in rows])
        self.active = len(active)
        self.never = [r.contacted for r in active].count(False)
        in_window = [r.in_window for r in active]
        self.layers = [sum(1 for n in in_window if n >= per_year) for _size, _name, per_year in LAYERS]
        self.tiers: dict[int, _TierTally] = {}
        for i, r in zip(active_pos, active, strict=True):
            tally = self.tiers.get(r.tier)
            if tally is None:
                tally = self.tiers[r.tier] = _TierTally()
            tally.strengths[i] = r.strength
        for tally in self.tiers.values():
            members = [rows[i] for i in tally.strengths]
            scheduled = [r for r in members if r.scheduled]
            tally.scheduled = len(scheduled)
            tally.on_schedule = sum(1 for r in scheduled if r.contacted and not r.overdue)
            tally.late = sorted(-r.days_until for r in scheduled if r.overdue and r.days_until is not None)
        self.by_me = sum([r.by_me for r in active])
        self.by_them = sum([r.by_them for r in active])
        self.gave = sum([r.gave for r in active])
        self.got = sum([r.got for r in active])
        with_reciprocity = [r for r in active if r.reciprocity is not None]
        self.with_data = len(with_reciprocity)
        self.one_way = sum(1 for r in with_reciprocity if r.one_way)
        self._reciprocity_sum: float | None = None
        inbound_counts = [r.inbound_recent for r in active if r.inbound_recent]
        self.inbound, self.inbound_people = sum(inbound_counts), len(inbound_counts)
        received_counts = [r.received_recent for r in active if r.received_recent]
        self.received, self.received_people = sum(received_counts), len(received_counts)
        self._diversity: list[Diversity | None] = [None] * len(DIMENSIONS)
        self.weekly = [0] * settings.growth_weeks
        for met in [r.met for r in active if r.met is not None]:
            self._count_met(met, 1)
        self._mean_strength: tuple[float | None] | None = None
        touched = [(-r.in_window, -r.strength, i) for i, r in zip(active_pos, active, strict=True)
                   if r.in_window > 0]
        self.touchpoints = sum(-k[0] for k in touched)
        self.touched = len(touched)
        self._concentration: TopK[int] = TopK(max(settings.concentration_top, 0))
        self._concentration.reset((k, k[2]) for k in touched)
        self._strongest: TopK[int] = TopK(3)
        self._strongest.reset(((-r.strength, r.name.casefold(), i), i)
                              for i, r in zip(active_pos, active, strict=True) if r.strength >= STRONG)

    def _count_met(self, met: int, sign: int) -> None:
        weeks = len(self.weekly)
        age = self.today.toordinal() - met
        if 0 <= age < 7 * weeks:  # a `met:` in the future is not a new contact yet
            self.weekly[weeks - 1 - age // 7] += sign

    def replace(self, pos: int, new: NetworkRow) -> None:
        """Make the row at ``pos`` ``new`` (the contact there was edited)."""
        old = self.rows[pos]
        if old is new or old == new:
            return
        self.rows[pos] = new
        if old.status != new.status:
            self.statuses[old.status] -= 1
            self.statuses[new.status] += 1
        if old.active:
            self._take(pos, old, -1)
        if new.active:
            self._take(pos, new, 1)
        # what is recomputed from all rows, only when its inputs changed
        if (old.active, old.reciprocity if old.active else None) != (new.active, new.reciprocity if new.active else None):
            self._reciprocity_sum = None
        if (old.active, old.strength if old.active else None) != (new.active, new.strength if new.active else None):
            self._mean_strength = None
        for i in range(len(DIMENSIONS)):
            if (old.dimensions[i] if old.active else None) != (new.dimensions[i] if new.active else None):
                self._diversity[i] = None
        self._top_lists(pos, old, new)

    def _take(self, pos: int, r: NetworkRow, sign: int) -> None:
        """Add (``sign`` 1) or take away (-1) an active row's counts."""
        self.active += sign
        if not r.contacted:
            self.never += sign
        for j, (_size, _name, per_year) in enumerate(LAYERS):
            if r.in_window >= per_year:
                self.layers[j] += sign
        tally = self.tiers.get(r.tier)
        if tally is None:
            tally = self.tiers[r.tier] = _TierTally()
        if sign > 0:
            tally.add(pos, r)
        else:
            tally.remove(pos, r)
        self.by_me += sign * r.by_me
        self.by_them += sign * r.by_them
        self.gave += sign * r.gave
        self.got += sign * r.got
        if r.reciprocity is not None:
            self.with_data += sign
            if r.one_way:
                self.one_way += sign
        if r.inbound_recent:
            self.inbound += sign * r.inbound_recent
            self.inbound_people += sign
        if r.received_recent:
            self.received += sign * r.received_recent
            self.received_people += sign
        if r.met is not None:
            self._count_met(r.met, sign)
        if r.in_window > 0:
            self.touchpoints += sign * r.in_window
            self.touched += sign

    def _top_lists(self, pos: int, old: NetworkRow, new: NetworkRow) -> None:
        top = self._concentration
        if old.active and old.in_window > 0:
            top.remove((-old.in_window, -old.strength, pos))
        if new.active and new.in_window > 0:
            top.add((-new.in_window, -new.strength, pos), pos)
        if not top.valid:
            top.reset(((-r.in_window, -r.strength, i), i) for i, r in enumerate(self.rows)
                      if r.active and r.in_window > 0)
        strong = self._strongest
        if old.active and old.strength >= STRONG:
            strong.remove((-old.strength, old.name.casefold(), pos))
        if new.active and new.strength >= STRONG:
            strong.add((-new.strength, new.name.casefold(), pos), pos)
        if not strong.valid:
            strong.reset(((-r.strength, r.name.casefold(), i), i) for i, r in enumerate(self.rows)
                         if r.active and r.strength >= STRONG)

    def strongest(self) -> list[NetworkRow]:
        """The 3 strongest active relationships from strength 60 (strength, then name, then
        the contacts' order): what the findings name as good news."""
        return [self.rows[i] for i in self._strongest.top()]

    def _reciprocity_mean(self) -> float | None:
        if not self.with_data:
            return None
        total = self._reciprocity_sum
        if total is None:
            total = 0.0
            for r in self.rows:  # in order, one addition at a time: the same float every time
                if r.active and r.reciprocity is not None:
                    total += r.reciprocity
            self._reciprocity_sum = total
        return total / self.with_data

    def _strength_mean(self) -> float | None:
        cached = self._mean_strength
        if cached is None:
            cached = self._mean_strength = (
                (statistics.fmean([r.strength for r in self.rows if r.active]),) if self.active else (None,))
        return cached[0]

    def _dimension(self, i: int) -> Diversity:
        d = self._diversity[i]
        if d is None:
            values = [v for v in [r.dimensions[i] for r in self.rows if r.active] if v is not None]
            d = self._diversity[i] = _diversity(DIMENSIONS[i], values, self.settings)
        return d

    def stats(self) -> NetworkStats:
        """The :class:`NetworkStats` of the current rows (what ``measure_network`` gives)."""
        config, settings = self.config, self.settings
        tally_of = self.tiers
        keys = sorted(set(config.tiers) | {k for k, t in tally_of.items() if t.strengths})
        tiers = tuple((tally_of.get(k) or _TierTally()).tier_health(k, config) for k in keys)
        scheduled = sum(t.scheduled for t in tiers)
        on_schedule = sum(t.on_schedule for t in tiers)
        mean_strength = self._strength_mean()
        with_data, one_way = self.with_data, self.one_way
        reciprocity = Reciprocity(self.by_me, self.by_them, self.gave, self.got, with_data, one_way,
                                  self._reciprocity_mean())
        diversity = tuple(self._dimension(i) for i in range(len(DIMENSIONS)))
        best = [self.rows[i] for i in self._concentration.top()]
        concentration = Concentration(settings.concentration_top, self.touchpoints, self.touched,
                                      tuple(r.name for r in best), sum(r.in_window for r in best))
        parts: dict[str, float | None] = {
            "relationships": mean_strength / 100 if mean_strength is not None else None,
            "maintenance": on_schedule / scheduled if scheduled else None,
            "reciprocity": 1 - one_way / with_data if with_data else None,
            "diversity": _mean([d.evenness for d in diversity if d.judged and d.evenness is not None]),
        }
        return NetworkStats(
            contacts=len(self.rows),
            active=self.active,
            paused=self.statuses.get("paused", 0),
            archived=self.statuses.get("archived", 0),
            never_contacted=self.never,
            active_limit=settings.active_limit,
            layers=tuple(Layer(size, name, per_year, n)
                         for (size, name, per_year), n in zip(LAYERS, self.layers, strict=True)),
            tiers=tiers,
            scheduled=scheduled,
            on_schedule=on_schedule,
            mean_strength=mean_strength,
            reciprocity=reciprocity,
            diversity=diversity,
            inbound=Inbound(settings.inbound_days, self.inbound, self.inbound_people, self.received,
                            self.received_people),
            growth=Growth(len(self.weekly), tuple(self.weekly), settings.growth_band),
            concentration=concentration,
            score=network_score(parts),
            score_parts=parts,
        )


def network_score(parts: dict[str, float | None]) -> float | None:
    """100 x the weighted mean of the score parts that have data (None: no data at all)."""
    num = den = 0.0
    for name, value in parts.items():
        if value is not None:
            num += SCORE_WEIGHTS[name] * value
            den += SCORE_WEIGHTS[name]
    return 100.0 * num / den if den else None


def evenness(counts: Sequence[int]) -> float | None:
    """Pielou's evenness: Shannon entropy / its maximum ln(k). 1 = perfectly even, 0 = one value."""
    total = sum(counts)
    k = sum(1 for c in counts if c > 0)
    if total == 0:
        return None
    if k == 1:
        return 0.0
    entropy = -sum(c / total * math.log(c / total) for c in counts if c > 0)
    return min(1.0, entropy / math.log(k))


def _diversity(dimension: str, raw: list[str], settings: QualitySettings) -> Diversity:
    known = len(raw)
    if not known:
        return Diversity(dimension, 0, 0, None, None, None, False, False)
    # values differing only in case or spacing are one value, shown in its most common
    # spelling; normalising the distinct spellings only keeps this linear and cheap
    keys: Counter[str] = Counter()
    best: dict[str, tuple[int, str]] = {}
    for spelling, count in Counter(raw).items():
        key = " ".join(spelling.split()).casefold()
        keys[key] += count
        if key not in best or count > best[key][0]:
            best[key] = (count, " ".join(spelling.split()))
    top_key, top_count = max(keys.items(), key=lambda kv: (kv[1], kv[0]))
    dominant = best[top_key][1]
    share = top_count / known
    even = evenness(list(keys.values()))
    judged = known >= settings.diversity_min
    homogeneous = judged and (share >= settings.homogeneous_share
                              or (even is not None and even < settings.homogeneous_evenness))
    return Diversity(dimension, known, len(keys), even, dominant, share, homogeneous, judged)


def _mean(values: list[float]) -> float | None:
    return statistics.fmean(values) if values else None


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


__all__ = ["DIMENSIONS", "LAYERS", "SCORE_WEIGHTS", "WINDOW_DAYS", "NetworkRow", "NetworkStats", "NetworkTally", "measure_network",
           "network_row"]
