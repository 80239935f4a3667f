"""The page context patched between builds must equal one computed from scratch.

:class:`netkit.pages.ContextBuilder` keeps the lists spanning contacts (sorted by unique
keys) and :class:`netkit.quality.ReportCache` the network's running totals; after every
edit they are patched with the contacts made again. Here random edits (log entries, planned
touchpoints, status, tier, name, attributes, birthdays, added and removed contacts, several
files at once) are applied to a generated vault, and after each one the kept builder's
context and pages must equal a fresh build's; the aggregation itself is compared with a
plain reference implementation (the one netkit used before it was made incremental).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import heapq
import random
import re
import shutil
import statistics
import sys
from collections import Counter
from pathlib import Path

from netkit import loader, pages, quality, watch
from netkit.quality import advice
from netkit.quality.network import (
    DIMENSIONS,
    LAYERS,
    Concentration,
    Growth,
    Inbound,
    Layer,
    NetworkRow,
    NetworkStats,
    NetworkTally,
    Reciprocity,
    TierHealth,
    _diversity,
    _mean,
    measure_network,
    network_score,
)
from netkit.quality.topk import SortedItems, TopK

HERE = Path(__file__).resolve().parent
TODAY = dt.date(2026, 11, 22)

sys.path.insert(0, str(HERE.parent / "benchmarks"))
from generate_vault import generate  # noqa: E402
from test_watch_fast import cold_pages, read_pages  # noqa: E402

# ============================================================ reference aggregation


def reference_measure(rows: list[NetworkRow], config, today: dt.date, settings) -> NetworkStats:  # type: ignore[no-untyped-def]
    """``measure_network`` as it was before the running totals: every row, every time."""
    active = [r for r in rows if r.active]
    statuses = Counter([r.status for r in rows])
    in_window = [r.in_window for r in active]
    tier_rows: dict[int, list[NetworkRow]] = {}
    for r in active:
        tier_rows.setdefault(r.tier, []).append(r)
    with_reciprocity = [r for r in active if r.reciprocity is not None]
    reciprocity_sum = 0.0
    for r in with_reciprocity:
        reciprocity_sum += r.reciprocity  # type: ignore[operator]
    with_data = len(with_reciprocity)
    one_way = sum(1 for r in with_reciprocity if r.one_way)
    inbound_counts = [r.inbound_recent for r in active if r.inbound_recent]
    received_counts = [r.received_recent for r in active if r.received_recent]
    weeks = settings.growth_weeks
    weekly = [0] * weeks
    for r in active:
        if r.met is not None and 0 <= today.toordinal() - r.met < 7 * weeks:
            weekly[weeks - 1 - (today.toordinal() - r.met) // 7] += 1
    tiers = []
    for key in sorted(set(config.tiers) | set(tier_rows)):
        members = tier_rows.get(key, [])
        tier = config.tiers.get(key)
        scheduled = [r for r in members if r.scheduled]
        late = [-r.days_until for r in scheduled if r.overdue and r.days_until is not None]
        tiers.append(TierHealth(
            key, tier.label if tier else f"Tier {key}", len(members), tier.target_min if tier else None,
            tier.target_max if tier else None, len(scheduled),
            sum(1 for r in scheduled if r.contacted and not r.overdue), len(late),
            float(statistics.median(late)) if late else None,
            statistics.fmean([r.strength for r in members]) if members else None))
    scheduled_n = sum(t.scheduled for t in tiers)
    on_schedule = sum(t.on_schedule for t in tiers)
    mean_strength = statistics.fmean([r.strength for r in active]) if active else None
    diversity = tuple(_diversity(dim, [r.dimensions[i] for r in active if r.dimensions[i] is not None], settings)
                      for i, dim in enumerate(DIMENSIONS))
    touched = [r for r in active if r.in_window > 0]
    best = heapq.nlargest(settings.concentration_top, touched, key=lambda r: (r.in_window, r.strength))
    parts = {
        "relationships": mean_strength / 100 if mean_strength is not None else None,
        "maintenance": on_schedule / scheduled_n if scheduled_n else None,
        "reciprocity": 1 - one_way / with_data if with_data else None,
        "diversity": _mean([d.evenness for d in diversity if d.judged and d.evenness is not None]),
    }
    return NetworkStats(
        len(rows), len(active), statuses.get("paused", 0), statuses.get("archived", 0),
        [r.contacted for r in active].count(False), settings.active_limit,
        tuple(Layer(size, name, per_year, sum(1 for n in in_window if n >= per_year))
              for size, name, per_year in LAYERS),
        tuple(tiers), scheduled_n, on_schedule, mean_strength,
        Reciprocity(sum(r.by_me for r in active), sum(r.by_them for r in active), sum(r.gave for r in active),
                    sum(r.got for r in active), with_data, one_way,
                    reciprocity_sum / with_data if with_data else None),
        diversity,
        Inbound(settings.inbound_days, sum(inbound_counts), len(inbound_counts), sum(received_counts),
                len(received_counts)),
        Growth(weeks, tuple(weekly), settings.growth_band),
        Concentration(settings.concentration_top, sum(r.in_window for r in touched), len(touched),
                      tuple(r.name for r in best), sum(r.in_window for r in best)),
        network_score(parts), parts)


def random_row(rng: random.Random) -> NetworkRow:
    """A row with few distinct values: ties in names, strengths and windows are common."""
    status = rng.choice(["active", "active", "active", "paused", "archived"])
    scheduled = rng.random() < 0.8
    days = rng.randint(-60, 40) if scheduled else None
    return NetworkRow(
        status == "active", status, rng.choice([1, 2, 3, 4]), rng.choice(["Ann", "bob", "Bob", "Cy", "Dee"]),
        rng.random() < 0.9, rng.choice([0, 0, 1, 2, 5, 13, 60]), rng.randint(0, 4), rng.randint(0, 4),
        rng.randint(0, 2), rng.randint(0, 2), rng.choice([None, 0.1, 0.3, 0.7, 1 / 3, 0.5 + 1e-9]),
        rng.random() < 0.2, rng.choice([0, 0, 1, 3]), rng.choice([0, 0, 2]),
        tuple(rng.choice([None, "a", "A ", "b", "c"]) for _ in DIMENSIONS),
        rng.choice([None, TODAY.toordinal() - rng.randint(-10, 120)]), rng.choice([12.5, 40.0, 60.0, 61.25, 88.8]),
        scheduled, days is not None and days < 0, days)


def test_network_tally_equals_the_reference_after_random_replacements() -> None:
    root = HERE / "fixtures" / "pages_vault"
    config = loader.load_vault(root, use_cache=False).config
    settings = quality.quality_settings(config)
    rng = random.Random(3)
    for trial in range(12):
        rows = [random_row(rng) for _ in range(rng.randint(0, 60))]
        tally = NetworkTally(rows, config, TODAY, settings)
        assert tally.stats() == reference_measure(rows, config, TODAY, settings)
        for _step in range(120):
            if not rows:
                break
            pos = rng.randrange(len(rows))
            rows[pos] = random_row(rng)
            tally.replace(pos, rows[pos])
            assert tally.stats() == reference_measure(rows, config, TODAY, settings), trial
            strong = heapq.nsmallest(3, (r for r in rows if r.active and r.strength >= 60),
                                     key=lambda r: (-r.strength, r.name.casefold()))
            assert tally.strongest() == strong
        assert measure_network((), config, TODAY, settings, rows=rows) == tally.stats()


def test_report_cache_equals_report_from() -> None:
    root = HERE / "fixtures" / "pages_vault"
    vault = loader.load_vault(root, use_cache=False)
    config = vault.config
    settings = quality.quality_settings(config)
    results = [quality.assess_contact(c, config, TODAY, settings) for c in vault.contacts]
    importance = quality.tier_importance(config)
    rows = [quality.network_row(q) for q in results]
    acts = [quality.contact_action(q, importance) for q in results]
    cache = quality.ReportCache()
    rng = random.Random(5)
    pool = [(q, r, a) for q, r, a in zip(results, rows, acts, strict=True)]
    changed: list[int] | None = None
    for _step in range(40):
        got = cache.report(results, config, TODAY, settings, rows=rows, contact_actions=acts, changed=changed)
        assert got == quality.report_from(results, config, TODAY, settings)
        # move results around: any position may take any other contact's values
        changed = sorted({rng.randrange(len(results)) for _ in range(rng.randint(1, 3))})
        for pos in changed:
            results[pos], rows[pos], acts[pos] = rng.choice(pool)


def test_topk_and_sorted_items_equal_a_fresh_sort() -> None:
    rng = random.Random(9)
    for size in (0, 1, 3, 10):
        items: dict[int, float] = {i: rng.choice([1.0, 2.0, 3.5]) for i in range(rng.randint(0, 80))}
        top: TopK[int] = TopK(size)
        top.reset(((v, i), i) for i, v in items.items())
        kept: SortedItems[int] = SortedItems((((v, i), i) for i, v in items.items()), str)
        for _step in range(300):
            i = rng.randrange(100)
            if i in items:
                top.remove((items[i], i))
                assert kept.remove((items[i], i))
                del items[i]
            if rng.random() < 0.7:
                items[i] = rng.choice([0.5, 1.0, 2.0, 3.5, 9.0])
                top.add((items[i], i), i)
                kept.add((items[i], i), i)
            if not top.valid:
                top.reset(((v, i), i) for i, v in items.items())
            expect = [i for _v, i in sorted((v, i) for i, v in items.items())]
            assert top.top() == expect[:size]
            assert kept.items == expect and kept.derived == [str(i) for i in expect]


# ============================================================ the page context




def _front(text: str, field: str, value: str | None) -> str:
    """Set (or remove, ``None``) a front-matter field."""
    line = re.compile(rf"^{field}: .*\n", re.M)
    head, sep, body = text.partition("\n---\n")
    head = line.sub("", head + "\n")
    if value is not None:
        head += f"{field}: {value}\n"
    return head.rstrip("\n") + sep + body


def _mutate(path: Path, rng: random.Random, names: list[str]) -> None:
    text = path.read_text(encoding="utf-8")
    kind = rng.randrange(11)
    day = TODAY - dt.timedelta(days=rng.randint(0, 400))
    if kind == 0:  # an ordinary touchpoint
        extra = rng.choice(["", " [by:: me]", " [by:: them] [reply:: yes]", " [gave:: a book]", " [got:: an intro]"])
        text += f"- {day.isoformat()} Call{extra} [channel:: {rng.choice(['call', 'email', 'message'])}]\n"
    elif kind == 1:  # a planned one
        text += f"- {(TODAY + dt.timedelta(days=rng.randint(1, 45))).isoformat()} Plan lunch\n"
    elif kind == 2:
        text = _front(text, "status", rng.choice(["active", "paused", "archived", None]))
    elif kind == 3:
        text = _front(text, "tier", str(rng.choice([1, 2, 3])))
    elif kind == 4:  # another contact's name: ties everywhere
        text = _front(text, "name", rng.choice(names))
    elif kind == 5:
        field = rng.choice(["company", "industry", "location", "role", "how_met"])
        text = _front(text, field, rng.choice(["Acme", "legal", "Berlin", None]))
    elif kind == 6:
        text = _front(text, "birthday", (TODAY + dt.timedelta(days=rng.randint(0, 12))).replace(year=1980).isoformat())
    elif kind == 7:
        text = _front(text, "met", (TODAY - dt.timedelta(days=rng.randint(0, 80))).isoformat())
    elif kind == 8:
        text = _front(text, "snooze_until", (TODAY + dt.timedelta(days=rng.randint(-5, 20))).isoformat())
    elif kind == 9:  # a burst: the strength jumps
        for d in range(1, 6):
            text += f"- 2026-11-{d + 10:02d} Call {d} [channel:: call] [by:: them] [reply:: yes]\n"
    else:  # the log emptied: the strength drops
        text = re.sub(r"^- \d{4}-.*\n", "", text, flags=re.M)
    path.write_text(text, encoding="utf-8")


def _vault(root: Path) -> loader.Vault:
    return loader.with_notes_and_links(loader.load_vault(root, use_cache=False))


def _render(context: dict[str, object]) -> dict[str, str]:
    rendered, problems = pages.render_pages(pages.new_renderer(None), context)
    assert not problems
    return rendered


def test_kept_builder_equals_a_fresh_build_after_random_edits(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    generate(root, 120, 4, 8, TODAY)
    builder = pages.ContextBuilder()
    vault = _vault(root)
    assert builder.build(vault, TODAY) == pages.build_context(vault, TODAY)
    names = [c.name for c in vault.contacts]
    rng = random.Random(21)
    patched = 0
    for step in range(90):
        files = sorted((root / "contacts").rglob("*.md"))
        roll = rng.random()
        if roll < 0.04:  # a new contact (a copy: same name)
            src = rng.choice(files)
            shutil.copy(src, src.with_name(f"copy-{step}.md"))
        elif roll < 0.07:
            rng.choice(files).unlink()
        else:
            for target in rng.sample(files, rng.choice([1, 1, 1, 2, 3])):
                _mutate(target, rng, names)
        vault = _vault(root)
        mine = builder.build(vault, TODAY)
        fresh = pages.build_context(vault, TODAY)
        assert mine == fresh, step
        patched += builder.patched
        if step % 10 == 0:
            assert _render(mine) == _render(fresh), step
    assert patched > 60  # the patching path was the one exercised


def test_a_new_day_or_config_starts_over() -> None:
    root = HERE / "fixtures" / "pages_vault"
    vault = _vault(root)
    builder = pages.ContextBuilder()
    for today in (TODAY, TODAY + dt.timedelta(days=1), TODAY + dt.timedelta(days=40), TODAY):
        assert builder.build(vault, today) == pages.build_context(vault, today)
    other = dataclasses.replace(vault.config, pages="elsewhere")
    moved = dataclasses.replace(vault, config=other)
    assert builder.build(moved, TODAY) == pages.build_context(moved, TODAY)


def test_watch_session_pages_equal_a_cold_index(tmp_path: Path) -> None:
    """End to end: the watcher's pages after edits are a fresh ``netkit index``'s."""
    root = tmp_path / "vault"
    generate(root, 150, 8, 6, TODAY)
    session = watch.IndexSession(root, lock_wait=None)
    session(set(), True, TODAY)
    names = [c.name for c in session.vault.contacts] if session.vault else []
    rng = random.Random(2)
    files = sorted((root / "contacts").rglob("*.md"))
    for step in range(12):
        targets = rng.sample(files, rng.choice([1, 2]))
        for target in targets:
            _mutate(target, rng, names)
        session({t.relative_to(root).as_posix() for t in targets}, False, TODAY)
        if step % 3 == 2:
            assert read_pages(root / "pages") == cold_pages(root, tmp_path, TODAY), step


def test_actions_with_kept_best_equal_actions_from_scratch() -> None:
    root = HERE / "fixtures" / "pages_vault"
    vault = loader.load_vault(root, use_cache=False)
    report = quality.assess(vault.contacts, vault.config, TODAY)
    importance = quality.tier_importance(vault.config)
    per = [quality.contact_action(q, importance) for q in report.contacts]
    best = heapq.nsmallest(advice.MAX_ACTIONS, [a for a in per if a is not None], key=advice.action_key)
    assert (advice.actions(report.network.stats, report.contacts, vault.config, best=best)
            == advice.actions(report.network.stats, report.contacts, vault.config))
