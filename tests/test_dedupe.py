"""``netkit dedupe``: finding likely duplicates, the merge plan, and --apply keeping every byte."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli

from netkit import contactfile, dedupe
from netkit.config import default_config
from netkit.frontmatter_edit import is_insertion_only
from netkit.model import Contact, LogEntry

CONFIG = default_config()


def c(path: str, name: str, *, emails: tuple[str, ...] = (), linkedin: str | None = None,
      aliases: tuple[str, ...] = (), log: int = 0, met: dt.date | None = None) -> Contact:
    entries = tuple(LogEntry(dt.date(2026, 1, i + 1), "x", i + 1) for i in range(log))
    return Contact(path=path, stem=path[:-3], name=name, tier=3, emails=emails, linkedin=linkedin,
                   aliases=aliases, log=entries, met=met)


def pairs(contacts: list[Contact]) -> set[frozenset[str]]:
    return {frozenset(x.path for x in g.contacts) for g in dedupe.find_groups(contacts)}


# ---------------------------------------------------------------------------- finding


@pytest.mark.parametrize(
    ("a", "b", "duplicate"),
    [
        (c("a.md", "Ann One", emails=("ann@x.org",)), c("b.md", "Totally Different", emails=("ANN@x.org",)), True),
        (c("a.md", "Ann", linkedin="https://linkedin.com/in/ann/"),
         c("b.md", "Zed", linkedin="https://www.linkedin.com/in/ann"), True),
        (c("a.md", "José  Álvarez"), c("b.md", "jose alvarez"), True),  # normalised equal
        (c("a.md", "Ada"), c("b.md", "Someone", aliases=("ada",)), True),  # an alias
        (c("a.md", "Katherine Johnson"), c("b.md", "Katherine Jonson"), True),  # ratio ≥ 0.92, same initial
        (c("a.md", "Katherine Johnson"), c("b.md", "Latherine Johnson"), False),  # different initial
        (c("a.md", "Ada Lovelace"), c("b.md", "Ada King Lovelace"), True),  # token subset, 2 tokens
        (c("a.md", "Lovelace Ada"), c("b.md", "Ada Lovelace"), True),  # same tokens, other order
        (c("a.md", "Ada"), c("b.md", "Ada Lovelace"), False),  # a one-word subset is not enough
        (c("a.md", "Ann Lee"), c("b.md", "Bob Lee"), False),
    ],
)
def test_duplicate_criteria(a: Contact, b: Contact, duplicate: bool) -> None:
    assert (pairs([a, b]) == {frozenset({"a.md", "b.md"})}) is duplicate


def test_groups_join_pairs_and_give_reasons() -> None:
    a = c("a.md", "Ada Lovelace", emails=("ada@x.org",))
    b = c("b.md", "A. Lovelace", emails=("ada@x.org",))
    d = c("d.md", "Ada Lovelace")
    e = c("e.md", "Someone Else")
    (group,) = dedupe.find_groups([a, b, d, e])
    assert [x.path for x in group.contacts] == ["a.md", "b.md", "d.md"]
    reasons = {(m.a, m.b): m.reason for m in group.matches}
    assert reasons[("a.md", "b.md")] == "same email ada@x.org"
    assert reasons[("a.md", "d.md")] == "same name"


def test_kept_file_more_log_then_older_met_then_path() -> None:
    assert dedupe.choose_kept([c("a.md", "X", log=1), c("b.md", "X", log=2)]).path == "b.md"
    assert dedupe.choose_kept([c("a.md", "X", met=dt.date(2024, 1, 1)),
                               c("b.md", "X", met=dt.date(2020, 1, 1))]).path == "b.md"
    assert dedupe.choose_kept([c("b.md", "X", met=dt.date(2020, 1, 1)), c("a.md", "X")]).path == "b.md"
    assert dedupe.choose_kept([c("b.md", "X"), c("a.md", "X")]).path == "a.md"


FIRST = ["Ada", "Alan", "Grace", "John", "Jon", "Mary", "Maria", "Katherine", "Kathryn", "Tim", "José",
         "Zoë", "Li", "Wei", "Anna", "Hannah", "Peter", "Petra", "Chloé", "Chloe"]
LAST = ["Lovelace", "Turing", "Hopper", "Smith", "Smyth", "Johnson", "Jonson", "Álvarez", "Alvarez", "Ünal",
        "Berners-Lee", "Nguyen", "Müller", "Mueller", "O'Brien", "Obrien", "Kowalski", "Rossi", "Russo", "Wang"]


def realistic_names(n: int, seed: int) -> list[str]:
    import random

    rng = random.Random(seed)
    out = []
    for i in range(n):
        name = f"{rng.choice(FIRST)} {rng.choice('ABCDEFGHJK')}. {rng.choice(LAST)} {i}"
        if rng.random() < 0.3:  # a typo
            k = rng.randrange(1, len(name))
            name = name[:k] + rng.choice("aeiouns ") + name[k + 1 :]
        out.append(name)
    return out


def test_similar_names_index_finds_exactly_the_pairs_brute_force_finds() -> None:
    names = [dedupe.normalise(n) for n in realistic_names(400, 7)]
    fast = {(i, j) for i, j, _ in dedupe._similar_name_pairs(names)}
    brute = {(i, j) for i in range(len(names)) for j in range(i + 1, len(names))
             if names[i] != names[j] and dedupe._similar(names[i], names[j]) is not None}
    assert fast == brute and brute


def test_many_contacts_are_fast_enough() -> None:
    import time

    people = [c(f"p{i}.md", name) for i, name in enumerate(realistic_names(3000, 1))]
    start = time.perf_counter()
    dedupe.find_groups(people)
    assert time.perf_counter() - start < 10


# ---------------------------------------------------------------------------- merging

KEPT = (
    "\ufeff---\r\n"
    "name: Ada Lovelace\r\n"
    "tier: 1\r\n"
    "email: ada@example.com   # work\r\n"
    "tags:\r\n"
    "  - mentor\r\n"
    "company: Analytical Engines\r\n"
    "---\r\n"
    "# Ada\r\n"
    "\r\n"
    "Notes about Ada.\r\n"
    "\r\n"
    "## Log\r\n"
    "- 2026-01-05 Coffee [channel:: in-person]\r\n"
    "- 2026-02-01 Call [channel:: call] [by:: me]\r\n"
    "- 2026-02-10 Lunch [channel:: in-person]\r\n"
    "- 2026-02-20 Mail [channel:: email]\r\n"
    "\r\n"
    "## Later\r\n"
    "Other notes.\r\n"
).encode("utf-8")

OTHER = (
    "---\n"
    "name: Ada King Lovelace\n"
    "email: ada@home.example\n"
    "phone: '+44 20 7946 0000'  # mobile\n"
    "tags: [poetry]\n"
    "company: Babbage & Co\n"
    "met: 2020-03-04\n"
    "---\n"
    "# Ada King Lovelace\n"
    "\n"
    "## Log\n"
    "- 2026-01-05 Coffee   [channel:: in-person]\n"
    "- 2025-12-24 Sent a card [channel:: message]\n"
    "  - she loved it\n"
    "```\n"
    "- 2025-01-01 code, not an entry\n"
    "```\n"
    "- 2026-03-01 Planned dinner [channel:: in-person]\n"
)


def log_lines(raw: bytes) -> list[str]:
    """Every non-blank line of the log section, whitespace-normalised, heading excluded."""
    start, stop = dedupe.logwriter.find_log_section(raw, "Log") or (0, 0)
    lines = raw[start:stop].decode().replace("\r\n", "\n").split("\n")[1:]
    return [" ".join(x.split()) for x in lines if x.strip()]


def test_plan_merge_inserts_only_and_keeps_every_log_line() -> None:
    step = dedupe.plan_merge(KEPT, OTHER.encode(), "contacts/ada.md", "contacts/ada-l.md", CONFIG)
    assert step.result is not None, step.blocked
    assert is_insertion_only(KEPT, step.result)
    assert step.result == (
        "\ufeff---\r\n"
        "name: Ada Lovelace\r\n"
        "tier: 1\r\n"
        'email: [ada@example.com, "ada@home.example"]   # work\r\n'
        "tags:\r\n"
        "  - mentor\r\n"
        "  - poetry\r\n"
        "company: Analytical Engines\r\n"
        "aliases:\r\n"
        "  - Ada King Lovelace\r\n"
        "phone: '+44 20 7946 0000'  # mobile\r\n"
        "met: 2020-03-04\r\n"
        "---\r\n"
        "# Ada\r\n"
        "\r\n"
        "Notes about Ada.\r\n"
        "\r\n"
        "## Log\r\n"
        "- 2026-01-05 Coffee [channel:: in-person]\r\n"
        "- 2026-02-01 Call [channel:: call] [by:: me]\r\n"
        "- 2026-02-10 Lunch [channel:: in-person]\r\n"
        "- 2026-02-20 Mail [channel:: email]\r\n"
        "- 2025-12-24 Sent a card [channel:: message]\r\n"
        "  - she loved it\r\n"
        "```\r\n"
        "- 2025-01-01 code, not an entry\r\n"
        "```\r\n"
        "- 2026-03-01 Planned dinner [channel:: in-person]\r\n"
        "\r\n"
        "## Later\r\n"
        "Other notes.\r\n"
    ).encode("utf-8")
    assert set(log_lines(KEPT) + log_lines(OTHER.encode())) <= set(log_lines(step.result))
    (conflict,) = step.conflicts
    assert conflict.field == "company" and "Babbage" in conflict.incoming
    merged, diags = contactfile.parse_contact(step.result, "contacts/ada.md", CONFIG)
    assert merged is not None and not [d for d in diags if d.is_error]
    assert merged.company == "Analytical Engines"
    assert len(merged.log) == 6  # one entry was already there; fenced code is no entry


def test_plan_merge_refuses_files_with_errors() -> None:
    bad = b"---\nname: Ada\ntier: 9\n---\n"
    step = dedupe.plan_merge(KEPT, bad, "contacts/ada.md", "contacts/bad.md", CONFIG)
    assert step.result is None and "error" in step.blocked


# ---------------------------------------------------------------------------- command


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_dedupe_prints_a_plan_and_writes_nothing(make_vault: Any) -> None:
    vault = make_vault({"contacts/ada.md": KEPT, "contacts/ada-l.md": OTHER})
    before = snapshot(vault)
    code, out, err = run_cli(["dedupe", "--vault", str(vault)])
    assert code == 0, err
    assert snapshot(vault) == before
    assert "keep   contacts/ada.md (4 log entries)" in out
    assert "merge  contacts/ada-l.md -> .netkit/merged/contacts/ada-l.md" in out
    assert "add fields: aliases, phone, met" in out
    assert "add to email: ada@home.example" in out
    assert "      - 2025-12-24 Sent a card [channel:: message]" in out
    assert 'conflict company: keeps "Analytical Engines", contacts/ada-l.md has "Babbage & Co"' in out
    assert "1 group of likely duplicates; nothing written" in out


def test_apply_merges_and_moves_the_other_file(make_vault: Any) -> None:
    vault = make_vault({"contacts/ada.md": KEPT, "contacts/ada-l.md": OTHER,
                        "contacts/bob.md": "---\nname: Bob\n---\n"})
    code, out, err = run_cli(["dedupe", "--apply", "--vault", str(vault)])
    assert code == 0, err
    kept = (vault / "contacts" / "ada.md").read_bytes()
    assert is_insertion_only(KEPT, kept)
    assert set(log_lines(KEPT) + log_lines(OTHER.encode())) <= set(log_lines(kept))
    assert not (vault / "contacts" / "ada-l.md").exists()
    assert (vault / ".netkit" / "merged" / "contacts" / "ada-l.md").read_bytes() == OTHER.encode()
    assert not (vault / ".netkit" / "lock").exists()
    assert "1 file merged, 0 skipped" in out
    code, out, _ = run_cli(["check", "--vault", str(vault)])
    assert code == 0 and "2 contacts checked: no problems" in out
    # nothing left to do
    before = snapshot(vault)
    code, out, _ = run_cli(["dedupe", "--apply", "--vault", str(vault)])
    assert "No likely duplicates found." in out and snapshot(vault) == before


def test_apply_never_merges_a_file_with_errors(make_vault: Any) -> None:
    bad = "---\nname: Ada Lovelace\ntier: 9\n---\n"
    vault = make_vault({"contacts/ada.md": KEPT, "contacts/ada-2.md": bad})
    before = snapshot(vault)
    code, out, err = run_cli(["dedupe", "--apply", "--vault", str(vault)])
    assert code == 1
    assert "skipped contacts/ada-2.md: contacts/ada-2.md has errors" in out
    assert {k: v for k, v in snapshot(vault).items() if not k.startswith(".netkit/")} == before


def test_three_files_and_a_taken_destination(make_vault: Any) -> None:
    vault = make_vault({
        "contacts/a.md": "---\nname: Sam Same\n---\n## Log\n- 2026-01-01 One\n- 2026-01-02 Two\n",
        "contacts/b.md": "---\nname: Sam Same\nemail: sam@x.org\n---\n## Log\n- 2026-01-03 Three\n",
        "contacts/c.md": "---\nname: sam  same\n---\nno log here\n",
        ".netkit/merged/contacts/b.md": "an older merge\n",
    })
    code, out, err = run_cli(["dedupe", "--apply", "--vault", str(vault)])
    assert code == 0, err
    kept = (vault / "contacts" / "a.md").read_text()
    assert kept == ("---\nname: Sam Same\nemail: sam@x.org\n---\n## Log\n- 2026-01-01 One\n- 2026-01-02 Two\n"
                    "- 2026-01-03 Three\n")
    assert (vault / ".netkit" / "merged" / "contacts" / "b.md").read_text() == "an older merge\n"
    assert (vault / ".netkit" / "merged" / "contacts" / "b.2.md").read_text().startswith("---\nname: Sam Same\nemail")
    assert (vault / ".netkit" / "merged" / "contacts" / "c.md").read_text() == "---\nname: sam  same\n---\nno log here\n"
    assert sorted(p.name for p in (vault / "contacts").iterdir()) == ["a.md"]


def test_no_duplicates(make_vault: Any) -> None:
    vault = make_vault({"contacts/a.md": "---\nname: Ann\n---\n", "contacts/b.md": "---\nname: Bob\n---\n"})
    code, out, _ = run_cli(["dedupe", "--vault", str(vault)])
    assert code == 0 and "No likely duplicates found." in out


def test_different_linkedin_profiles_are_not_paired_by_name() -> None:
    a = c("a.md", "Ada Lovelace", linkedin="https://www.linkedin.com/in/ada-1")
    b = c("b.md", "Ada Lovelace", linkedin="https://www.linkedin.com/in/ada-2")
    assert pairs([a, b]) == set()
    # but a shared email still pairs them
    a2 = c("a.md", "Ada Lovelace", linkedin="https://www.linkedin.com/in/ada-1", emails=("ada@x.org",))
    b2 = c("b.md", "Ada Lovelace", linkedin="https://www.linkedin.com/in/ada-2", emails=("ada@x.org",))
    assert pairs([a2, b2]) == {frozenset({"a.md", "b.md"})}
