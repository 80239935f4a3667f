"""Incremental computation must never change a page.

* :class:`netkit.pages.ContextBuilder` kept across edits (what ``netkit watch`` does) renders
  exactly what a fresh :func:`netkit.pages.build_context` renders, after every kind of edit;
* the pruned Brandes computation of betweenness gives the sums of the plain one, for every
  source set (the sampled estimate on big graphs included);
* ``netkit index`` skips computing when nothing changed, and only then.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import append_text as append
from conftest import replace_text as replace

from netkit import graph, loader, pages, pipeline

HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "fixtures" / "pages_vault"
TODAY = dt.date(2026, 11, 22)

sys.path.insert(0, str(HERE.parent / "benchmarks"))
from generate_vault import generate  # noqa: E402


def render(context: dict) -> dict[str, str]:
    rendered, diags = pages.render_pages(pages.new_renderer(None, context["pages_dir"]), context)
    assert diags == []
    return rendered


Edit = Callable[[Path], None]

FIXTURE_EDITS: list[tuple[str, Edit, dt.date]] = [
    ("nothing", lambda root: None, TODAY),
    ("a log entry", lambda root: append(root / "contacts/grace-hopper.md",
                                        "- 2026-11-20 Coffee [channel:: in-person] [by:: them]\n"), TODAY),
    ("a planned entry", lambda root: append(root / "contacts/ada-lovelace.md",
                                            "- 2026-12-01 Dinner [channel:: in-person]\n"), TODAY),
    ("a rename", lambda root: replace(root / "contacts/grace-hopper.md", "name: Grace Hopper",
                                      "name: Amazing Grace"), TODAY),
    ("a new tier", lambda root: replace(root / "contacts/grace-hopper.md", "tier: 1", "tier: 3"), TODAY),
    ("archived", lambda root: replace(root / "contacts/grace-hopper.md", "tier: 3",
                                      "tier: 3\nstatus: archived"), TODAY),
    ("a new contact", lambda root: (root / "contacts/zed.md").write_text(
        "---\nname: Zed Zee\ntier: 2\nknows:\n  - \"[[Ada Lovelace]]\"\n---\n# Zed\n\n## Log\n"
        "- 2026-10-01 Met at a meetup [channel:: event]\n", encoding="utf-8"), TODAY),
    ("a new link", lambda root: append(root / "contacts/charles-babbage.md",
                                       "- 2026-11-01 Intro to [[Zed Zee]] [gave:: intro]\n"), TODAY),
    ("the next day", lambda root: None, TODAY + dt.timedelta(days=1)),
    ("a removed contact", lambda root: (root / "contacts/zed.md").unlink(), TODAY + dt.timedelta(days=1)),
    ("an invalid file", lambda root: (root / "contacts/fiona-fading.md").write_text("---\nname: [\n---\n"),
     TODAY + dt.timedelta(days=1)),
    ("a new month", lambda root: None, dt.date(2027, 1, 3)),
    ("netkit.yaml", lambda root: replace(root / "netkit.yaml", "label: Valued", "label: Valued ones"),
     dt.date(2027, 1, 3)),
]


def test_a_kept_builder_renders_what_a_fresh_build_renders(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    shutil.copytree(FIXTURE, root)
    session = loader.VaultLoader(root, use_cache=False)
    builder = pages.ContextBuilder()
    for what, edit, today in FIXTURE_EDITS:
        edit(root)
        vault = session.load()
        kept = render(builder.build(vault, today))
        fresh = render(pages.build_context(vault, today))
        assert kept == fresh, what
        if what in ("a log entry", "a rename", "a new link"):
            assert builder.recomputed == 1, what  # only the edited contact was recomputed
        if what == "nothing":
            assert builder.recomputed == len(vault.contacts)  # the first build


def test_a_kept_builder_on_a_generated_vault(tmp_path: Path) -> None:
    """Many contacts with `knows`/`introduced_by` links: the graph parts are reused and redone."""
    root = tmp_path / "vault"
    generate(root, 300, 7, 6, TODAY)
    session = loader.VaultLoader(root, use_cache=False)
    builder = pages.ContextBuilder()
    files = sorted((root / "contacts").rglob("*.md"))
    rng = random.Random(5)
    vault = session.load()
    assert render(builder.build(vault, TODAY)) == render(pages.build_context(vault, TODAY))
    names = [c.name for c in vault.contacts]
    for step in range(12):
        target = rng.choice(files)
        if not target.exists():
            continue
        kind = step % 4
        if kind == 0:
            append(target, f"- 2026-11-{step + 1:02d} Call [channel:: call] [by:: me] [reply:: yes]\n")
        elif kind == 1:
            append(target, f"- 2026-11-{step + 1:02d} Lunch with [[{rng.choice(names)}]] [channel:: in-person]\n")
        elif kind == 2:
            text = target.read_text(encoding="utf-8")
            target.write_text(text.replace("\nname: ", "\nname: Renamed ", 1), encoding="utf-8")
        else:
            target.unlink()
        vault = session.load()
        assert render(builder.build(vault, TODAY)) == render(pages.build_context(vault, TODAY)), step


# --------------------------------------------------------------------------- betweenness


def _random_graph(rng: random.Random, n: int, extra: float) -> list[list[int]]:
    edges = {(rng.randrange(i), i) for i in range(1, n)}  # a random tree...
    for _ in range(int(extra * n)):  # ...and some cycles
        a, b = rng.randrange(n), rng.randrange(n)
        if a != b:
            edges.add((min(a, b), max(a, b)))
    adj: list[list[int]] = [[] for _ in range(n)]
    for a, b in sorted(edges):
        adj[a].append(b)
        adj[b].append(a)
    return adj


def test_pruned_brandes_gives_the_plain_sums_for_any_sources() -> None:
    rng = random.Random(11)
    for _ in range(400):
        n = rng.randint(3, 30)
        adj = _random_graph(rng, n, rng.choice([0.0, 0.0, 0.2, 0.5, 2.0]))
        sources = list(range(n)) if rng.random() < 0.5 else sorted(rng.sample(range(n), rng.randint(1, n)))
        plain = graph._brandes(adj, sources)
        pruned = graph._pruned_brandes(adj, sources)
        assert pruned == pytest.approx(plain, rel=1e-12, abs=1e-9)


def test_summary_cache_gives_the_same_summary(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    generate(root, 200, 3, 4, TODAY)
    vault = loader.load_vault(root, use_cache=False)
    cache = graph.SummaryCache()
    first = graph.summarise(vault.contacts, vault.index, top=10, cache=cache)
    again = graph.summarise(vault.contacts, vault.index, top=10, cache=cache)
    plain = graph.summarise(vault.contacts, vault.index, top=10)
    for summary in (first, again):
        assert summary.to_json() == plain.to_json()
        assert summary.components == plain.components and summary.graph.edges == plain.graph.edges


# --------------------------------------------------------------------------- remembered runs


def test_index_skips_only_when_nothing_changed(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    shutil.copytree(FIXTURE, root)
    first = pipeline.run_index(root, TODAY, remember=True)
    assert len(first.written) == len(pages.PAGES)
    again = pipeline.run_index(root, TODAY, remember=True)
    assert again.written == () and len(again.unchanged) == len(pages.PAGES)
    assert again.timings["compute"] == 0.0  # skipped

    # another day: pages are computed (and some change)
    other_day = pipeline.run_index(root, TODAY + dt.timedelta(days=3), remember=True)
    assert other_day.timings["compute"] > 0 and other_day.written

    # a page edited by hand is rendered and rewritten even though no input changed
    dashboard = root / "pages" / "Dashboard.md"
    dashboard.write_text(dashboard.read_text(encoding="utf-8") + "\nmy note\n", encoding="utf-8")
    fixed = pipeline.run_index(root, TODAY + dt.timedelta(days=3), remember=True)
    assert [p.name for p in fixed.written] == ["Dashboard.md"]

    # a contact edited: computed again, and the pages are those of a fresh run
    append(root / "contacts/grace-hopper.md", "- 2026-11-24 Call [channel:: call] [by:: me]\n")
    edited = pipeline.run_index(root, TODAY + dt.timedelta(days=3), remember=True)
    assert edited.timings["compute"] > 0
    expected = render(pages.build_context(loader.load_vault(root), TODAY + dt.timedelta(days=3)))
    for name, text in expected.items():
        assert (root / "pages" / name).read_text(encoding="utf-8") == text

    # a template override appears: rendered again
    (root / ".netkit" / "templates").mkdir(parents=True, exist_ok=True)
    (root / ".netkit" / "templates" / "due.md.j2").write_text("# My due page\n", encoding="utf-8")
    custom = pipeline.run_index(root, TODAY + dt.timedelta(days=3), remember=True)
    assert [p.name for p in custom.written] == ["Due.md"]


def test_index_waits_for_the_lock_only_to_write(tmp_path: Path) -> None:
    """The lock is taken around the writes: held by someone else, the run fails only then."""
    from netkit import fileio

    root = tmp_path / "vault"
    shutil.copytree(FIXTURE, root)
    with fileio.VaultLock(root), pytest.raises(fileio.LockedError):
        pipeline.run_index(root, TODAY, lock_wait=0.1)
    assert not (root / "pages").exists()
    result = pipeline.run_index(root, TODAY, lock_wait=0.1)
    assert len(result.written) == len(pages.PAGES)
    assert not (root / ".netkit" / "lock").exists()


FORK_SCRIPT = """
import datetime as dt, os, sys, threading
from pathlib import Path
from netkit import loader, pages

vault = loader.load_vault(Path(sys.argv[1]), use_cache=False)
today = dt.date(2026, 11, 22)
assert threading.active_count() == 1 and pages._Child.allowed()
calls = []
real = pages._Child.__init__
def spy(self, work):
    calls.append(1)
    real(self, work)
pages._Child.__init__ = spy
forked = pages.build_context(vault, today)
assert calls == [1], calls
os.environ["NETKIT_WORKERS"] = "1"
serial = pages.build_context(vault, today)
assert len(calls) == 1
def render(context):
    return pages.render_pages(pages.new_renderer(None, context["pages_dir"]), context)[0]
assert render(forked) == render(serial)
assert forked["graph"] == serial["graph"] and forked["graph_edges"] == serial["graph_edges"]
print("ok")
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the graph runs in a child only on Linux")
def test_the_graph_computed_in_a_child_process_is_the_same(tmp_path: Path) -> None:
    """From PARALLEL_GRAPH_MIN contacts on, a first build forks the graph computation (in a
    process without threads: a fresh interpreter here, since the test runner has some)."""
    import os
    import subprocess

    if (os.cpu_count() or 1) < 2:
        pytest.skip("one CPU: the graph is computed in the same process")
    root = tmp_path / "vault"
    generate(root, pages.PARALLEL_GRAPH_MIN, 2, 3, TODAY)
    env = {k: v for k, v in os.environ.items() if k != "NETKIT_WORKERS"}
    proc = subprocess.run([sys.executable, "-c", FORK_SCRIPT, str(root)], capture_output=True, text=True,
                          env=env, timeout=120)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr
