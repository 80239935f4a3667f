"""The relationship graph: edges, components, brokers (betweenness) and introducers."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import random
from collections import deque
from pathlib import Path

import pytest

from netkit import config as config_mod
from netkit import contactfile, graph, notes
from netkit.config import default_config
from netkit.index import ContactIndex
from netkit.model import Contact, Link

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "obsidian_vault"


def person(name: str, *links: tuple[str, str, int]) -> Contact:
    """A contact ``contacts/<name>.md`` with links given as (target, field, line)."""
    return Contact(path=f"contacts/{name}.md", stem=name, name=name.title(), tier=3,
                   links=tuple(Link(t, f, line, 1) for t, f, line in links))


def make_graph(nodes: list[str], pairs: list[tuple[str, str]]) -> graph.Graph:
    contacts = [person(n, *((b, "knows", 1) for a, b in pairs if a == n)) for n in nodes]
    return graph.build_graph(contacts, ContactIndex(contacts))


def p(name: str) -> str:
    return f"contacts/{name}.md"


@pytest.fixture(scope="module")
def fixture_vault() -> tuple[list[Contact], ContactIndex, list[notes.Note]]:
    config, _ = config_mod.load_config(FIXTURE)
    contacts = []
    for path in sorted((FIXTURE / "contacts").rglob("*.md")):
        rel = path.relative_to(FIXTURE).as_posix()
        contact, _ = contactfile.parse_contact(path.read_bytes(), rel, config)
        assert contact is not None
        contacts.append(contact)
    loaded, _ = notes.load_notes(FIXTURE, config)
    return contacts, ContactIndex(contacts), loaded


# --------------------------------------------------------------------------- edges


def test_edges_from_knows_introduced_by_log_and_notes(fixture_vault: tuple) -> None:
    contacts, index, loaded = fixture_vault
    g = graph.build_graph(contacts, index, loaded)
    edges = {(e.a.split("/")[-1][:-3], e.b.split("/")[-1][:-3]): (e.kinds, e.weight) for e in g.edges}
    assert edges == {
        ("ada-lovelace", "bob-smith"): (("introduced_by",), 1),
        ("ada-lovelace", "charles-babbage"): (("knows", "introduced_by", "co-mention"), 3),
        ("ada-lovelace", "grace-hopper"): (("knows",), 2),
        ("dorothy-vaughan", "grace-hopper"): (("introduced_by",), 1),
        ("dorothy-vaughan", "katherine-johnson"): (("knows", "co-mention"), 2),
        ("dorothy-vaughan", "mary-jackson"): (("log",), 1),
        ("grace-hopper", "katherine-johnson"): (("introduced_by",), 1),
        ("grace-hopper", "mary-jackson"): (("introduced_by",), 1),
        ("grace-hopper", "bob-smith"): (("co-mention",), 1),  # paths compare "contacts/g" < "contacts/w"
    }
    assert g.nodes == tuple(sorted(c.path for c in contacts))
    assert g.neighbours("contacts/ada-lovelace.md") == (
        "contacts/charles-babbage.md", "contacts/grace-hopper.md", "contacts/work/bob-smith.md")
    data = g.to_json()
    assert json.loads(json.dumps(data)) == data
    assert {"path": "contacts/grace-hopper.md", "name": "Grace Hopper", "degree": 5} in data["nodes"]


def test_log_entries_link_their_owner_and_co_mention_each_other() -> None:
    a = person("a", ("b", "log", 10), ("c", "log", 10), ("c", "log", 10), ("d", "log", 11), ("a", "log", 12))
    contacts = [a, person("b"), person("c"), person("d")]
    g = graph.build_graph(contacts, ContactIndex(contacts))
    assert [(e.a, e.b, e.kinds, e.weight) for e in g.edges] == [
        (p("a"), p("b"), ("log",), 1),
        (p("a"), p("c"), ("log",), 2),
        (p("a"), p("d"), ("log",), 1),
        (p("b"), p("c"), ("co-mention",), 1),  # same entry (line 10); d is on another line
    ]


def test_unresolved_ambiguous_and_self_links_add_nothing() -> None:
    sam1 = Contact(path="contacts/sam1.md", stem="sam1", name="Sam", tier=3)
    sam2 = Contact(path="contacts/sam2.md", stem="sam2", name="Sam", tier=3)
    a = person("a", ("Sam", "knows", 1), ("Nobody", "knows", 2), ("a", "knows", 3), ("A", "introduced_by", 4))
    contacts = [a, sam1, sam2]
    g = graph.build_graph(contacts, ContactIndex(contacts))
    assert g.edges == ()
    assert graph.top_introducers(contacts, ContactIndex(contacts)) == []


def test_large_lists_are_not_co_mentions() -> None:
    people = [person(f"p{i:02d}") for i in range(graph.MAX_CO_MENTIONS + 1)]
    index = ContactIndex(people)
    big = notes.Note("m/2026-01-01.md", dt.date(2026, 1, 1), "Roster",
                     tuple(Link(c.stem, "body", i + 1, 1) for i, c in enumerate(people)))
    small = notes.Note("m/2026-01-02.md", big.date, "Lunch", big.links[:3])
    g = graph.build_graph(people, index, [big, small])
    assert [(e.a, e.b) for e in g.edges] == [(p("p00"), p("p01")), (p("p00"), p("p02")), (p("p01"), p("p02"))]


def test_build_graph_is_deterministic() -> None:
    rng = random.Random(7)
    names = [f"n{i}" for i in range(30)]
    contacts = [person(n, *((rng.choice(names), "knows", 1) for _ in range(3))) for n in names]
    shuffled = contacts[:]
    rng.shuffle(shuffled)
    g1 = graph.build_graph(contacts, ContactIndex(contacts))
    g2 = graph.build_graph(shuffled, ContactIndex(shuffled))
    assert g1 == g2
    assert graph.brokers(g1) == graph.brokers(g2)


# --------------------------------------------------------------------------- components


def test_components_largest_first_with_singletons() -> None:
    g = make_graph(["a", "b", "c", "d", "e", "f"], [("a", "b"), ("e", "d"), ("d", "f")])
    assert graph.components(g) == [
        (p("d"), p("e"), p("f")),
        (p("a"), p("b")),
        (p("c"),),
    ]


# --------------------------------------------------------------------------- betweenness


def brute_force(g: graph.Graph) -> dict[str, float]:
    """Betweenness by counting shortest paths through each node, pair by pair."""
    def bfs(s: str) -> tuple[dict[str, int], dict[str, int]]:
        dist, sigma, queue = {s: 0}, {s: 1}, deque([s])
        while queue:
            v = queue.popleft()
            for w in g.neighbours(v):
                if w not in dist:
                    dist[w], sigma[w] = dist[v] + 1, 0
                    queue.append(w)
                if dist[w] == dist[v] + 1:
                    sigma[w] += sigma[v]
        return dist, sigma

    info = {s: bfs(s) for s in g.nodes}
    n = len(g.nodes)
    out = dict.fromkeys(g.nodes, 0.0)
    for s, t in itertools.combinations(g.nodes, 2):
        ds, ss = info[s]
        if t not in ds:
            continue
        for v in g.nodes:
            dv, sv = info[v]
            if v not in (s, t) and v in ds and t in dv and ds[v] + dv[t] == ds[t]:
                out[v] += ss[v] * sv[t] / ss[t]
    return {v: x * 2 / ((n - 1) * (n - 2)) for v, x in out.items()}


def test_betweenness_matches_brute_force_on_random_graphs() -> None:
    rng = random.Random(2024)
    for _ in range(60):
        names = [f"c{i}" for i in range(rng.randint(3, 11))]
        pairs = [(a, b) for a, b in itertools.combinations(names, 2) if rng.random() < 0.3]
        g = make_graph(names, pairs)
        got = graph.betweenness(g)
        assert not got.approximate
        expected = brute_force(g)
        assert got.scores == pytest.approx(expected, abs=1e-12)


def test_path_star_and_bridge() -> None:
    path = make_graph(["a", "b", "c"], [("a", "b"), ("b", "c")])
    assert graph.betweenness(path).scores == {p("a"): 0.0, p("b"): 1.0, p("c"): 0.0}
    star = make_graph(["hub", "l1", "l2", "l3", "l4"], [("hub", f"l{i}") for i in range(1, 5)])
    (hub,) = graph.brokers(star)
    assert (hub.path, hub.score, hub.groups, hub.degree) == (p("hub"), 1.0, 4, 4)
    # two triangles joined through x: x joins two groups, its neighbours a and d score less
    bridge = make_graph(["a", "b", "c", "x", "d", "e", "f"],
                        [("a", "b"), ("b", "c"), ("a", "c"), ("a", "x"), ("x", "d"), ("d", "e"), ("e", "f"), ("d", "f")])
    ranked = graph.brokers(bridge, top=10)
    assert [b.path for b in ranked] == [p("x"), p("a"), p("d")]
    assert [b.groups for b in ranked] == [2, 2, 2]
    assert ranked[0].score == pytest.approx(9 / 15)
    assert graph.brokers(bridge, top=1) == ranked[:1]
    assert graph.brokers(bridge, top=0) == []


def test_no_brokers_in_cliques_or_tiny_graphs() -> None:
    clique = make_graph(["a", "b", "c", "d"], list(itertools.combinations("abcd", 2)))
    assert graph.brokers(clique) == []
    assert graph.brokers(make_graph(["a", "b"], [("a", "b")])) == []
    assert graph.brokers(make_graph([], [])) == []


def test_groups_joined_counts_separate_groups_only() -> None:
    # a is between b and c, but b and c also meet through d: one group, yet a positive score
    g = make_graph(["a", "b", "c", "d", "e"], [("a", "b"), ("a", "c"), ("b", "d"), ("d", "c"), ("a", "e")])
    assert graph.groups_joined(g, p("a")) == 2  # {b, c, d} and {e}
    assert graph.groups_joined(g, p("d")) == 1
    assert graph.groups_joined(g, p("e")) == 1  # a leaf hangs on one group
    assert graph.groups_joined(make_graph(["a"], []), p("a")) == 0


def test_big_graphs_are_sampled_deterministically() -> None:
    rng = random.Random(3)
    names = [f"c{i:03d}" for i in range(80)]
    pairs = [(names[i], names[i + 1]) for i in range(79)] + [(rng.choice(names), rng.choice(names)) for _ in range(40)]
    g = make_graph(names, pairs)
    exact = graph.betweenness(g)
    est = graph.betweenness(g, exact_limit=50, pivots=40)
    assert est.approximate and est.sources == 40 and not exact.approximate
    assert est == graph.betweenness(g, exact_limit=50, pivots=40)
    top_exact = {b.path for b in graph.brokers(g, 5, centrality=exact)}
    top_est = {b.path for b in graph.brokers(g, 5, centrality=est)}
    assert len(top_exact & top_est) >= 3  # an estimate, but a useful one
    assert all(b.approximate for b in graph.brokers(g, 5, centrality=est))


# --------------------------------------------------------------------------- introducers and summary


def test_top_introducers(fixture_vault: tuple) -> None:
    contacts, index, _ = fixture_vault
    assert graph.top_introducers(contacts, index) == [
        ("contacts/grace-hopper.md", 3),
        ("contacts/ada-lovelace.md", 2),
    ]
    assert graph.top_introducers(contacts, index, top=1) == [("contacts/grace-hopper.md", 3)]


def test_summary_of_the_fixture_vault(fixture_vault: tuple) -> None:
    contacts, index, loaded = fixture_vault
    summary = graph.summarise(contacts, index, loaded)
    data = summary.to_json()
    assert json.loads(json.dumps(data)) == data
    assert data["contacts"] == 7 and data["edges"] == 9
    assert (data["groups"], data["isolated"], data["largest_group"], data["approximate"]) == (1, 0, 7, False)
    assert [(b["name"], b["groups"]) for b in data["brokers"]] == [
        ("Grace Hopper", 2), ("Ada Lovelace", 2), ("Dorothy Vaughan", 1)]
    assert data["introducers"] == [
        {"path": "contacts/grace-hopper.md", "name": "Grace Hopper", "introduced": 3},
        {"path": "contacts/ada-lovelace.md", "name": "Ada Lovelace", "introduced": 2},
    ]
    # without the notes Grace and Bob have not met, so Ada joins three groups
    alone = graph.summarise(contacts, index)
    ada = next(b for b in alone.brokers if b.name == "Ada Lovelace")
    assert ada.groups == 3


def test_the_template_vault_graph() -> None:
    root = Path(__file__).resolve().parent.parent / "vault_template"
    contacts = []
    for path in sorted((root / "contacts").glob("*.md")):
        contact, diags = contactfile.parse_contact(path.read_bytes(), f"contacts/{path.name}", default_config())
        assert contact is not None and not diags
        contacts.append(contact)
    summary = graph.summarise(contacts, ContactIndex(contacts))
    assert [b.name for b in summary.brokers] == ["Ada Lovelace"]
    assert summary.introducers == (("contacts/ada-lovelace.md", 1), ("contacts/grace-hopper.md", 1))
