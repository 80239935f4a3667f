"""The cold page compute's shortcuts give exactly what the plain computation gives.

* ``understanding`` reads ASCII notes as bytes: same words, goals and challenges as the
  ``str`` path;
* ``alias_text`` returns a name that needs no change as it is;
* a first build scans most contacts' logs in the graph's child process
  (:class:`netkit.pages._EarlyScans`): the shares are the same as made here, and a child
  that fails is made up for.
"""

from __future__ import annotations

import datetime as dt
import pickle
import random
import subprocess
import sys
from pathlib import Path

import pytest

from netkit import pages
from netkit.durations import Duration
from netkit.model import Config, Contact, LogEntry, Tier
from netkit.quality import relationship

TODAY = dt.date(2026, 11, 22)


def _understanding_reference(notes: str) -> tuple[int, bool, bool]:
    """The str-only algorithm, as it was before the bytes path."""
    if not notes:
        return 0, False, False
    if notes.lstrip().startswith("# "):
        notes = notes.lstrip().partition("\n")[2]
    text = notes.lower().translate(relationship._SEPARATORS)
    tokens = text.split()
    words = relationship._KEYWORDS.intersection(tokens)
    joined = f" {' '.join(tokens)} "

    def phrase(phrases: dict[str, str]) -> bool:
        return any(f" {first} {phrases[first]} " in joined for first in words.intersection(phrases))

    goals = (not words.isdisjoint(relationship._GOAL_WORDS)
             or any(p in text for p in relationship._GOAL_PREFIXES) or phrase(relationship._GOAL_PHRASES))
    challenges = (not words.isdisjoint(relationship._CHALLENGE_WORDS)
                  or any(p in text for p in relationship._CHALLENGE_PREFIXES)
                  or phrase(relationship._CHALLENGE_PHRASES))
    return len(tokens), goals, challenges


def test_understanding_of_ascii_notes_matches_the_str_path() -> None:
    rng = random.Random(11)
    pieces = ["goal", "Goals", "want to", "WANT  to", "pain point", "pain\x1cpoint", "need help", "aspiring",
              "CHALLENGE", "struggle", "# Title\n", "  # T\n", "risk", "risks.", "plan\tto", "looking-for",
              "working on", "worries", "x\x0by", "a\x1fb", " ", "\n", "**Goals:**", "_stuck_"]
    alphabet = [chr(i) for i in range(128)]
    for _ in range(20000):
        notes = "".join(rng.choice(pieces) if rng.random() < 0.4 else rng.choice(alphabet)
                        for _ in range(rng.randint(0, 25)))
        assert notes.isascii()
        assert relationship.understanding(notes) == _understanding_reference(notes), repr(notes)


def test_understanding_of_other_notes_is_unchanged() -> None:
    for notes in ["Ziel: café — goals", "ÄRGER\u2014stuck", "\xa0want\xa0to", "# Ünal\nworking on it", "Ǆ plan to"]:
        assert relationship.understanding(notes) == _understanding_reference(notes)


def _alias_reference(name: object) -> str:
    text = pages._CONTROL.sub(" ", "" if name is None else str(name)).translate(pages._ALIAS_TABLE)
    return " ".join(text.split())


def test_alias_text_keeps_plain_names_and_cleans_the_others() -> None:
    rng = random.Random(5)
    alphabet = "ab Z|[]`<>\\\t\n\x00\x1f\x7f\x85\xa0\u2028\u2029\u3000é"
    for _ in range(20000):
        name = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8)))
        assert pages.alias_text(name) == _alias_reference(name), repr(name)
    for name in (None, 3, "", " ", "Ada Lovelace", "Ada  Lovelace", " Ada", "Ada "):
        assert pages.alias_text(name) == _alias_reference(name)


def _contacts(n: int) -> tuple[Contact, ...]:
    rng = random.Random(3)
    out = []
    for i in range(n):
        log = sorted(
            (LogEntry(TODAY - dt.timedelta(days=rng.randint(-20, 700)), f"entry {j}", j + 1,
                      rng.choice([None, "call", "email", "in-person"]), rng.choice([None, "me", "them"]),
                      rng.choice([None, "intro"]), rng.choice([None, "advice"]), rng.choice([None, True, False]))
             for j in range(rng.randint(0, 8))),
            key=lambda e: e.date)
        out.append(Contact(path=f"contacts/p{i:03d}.md", stem=f"p{i:03d}", name=f"Person {i}",
                           tier=rng.choice([1, 2, 3]), status=rng.choice(["active", "active", "paused", "archived"]),
                           log=tuple(log), notes=rng.choice(["", "# P\nGoal: lead a team", "worried about risk"])))
    return tuple(out)


def _settings() -> pages._Settings:
    config = Config(tiers={1: Tier(1, "Inner", Duration(30, "d")), 2: Tier(2, "Valued", Duration(90, "d"))})
    return pages.ContextBuilder()._settings_for(_FakeVault(config), TODAY)  # type: ignore[arg-type]


class _FakeVault:
    def __init__(self, config: Config) -> None:
        self.config = config


class _FakeChild:
    """Hands back what the child would, without forking (or nothing: a failed child)."""

    def __init__(self, data: bytes | None) -> None:
        self.data = data

    def first_result(self) -> bytes | None:
        return self.data


def _same(a: pages._Part, b: pages._Part) -> None:
    assert a.row == b.row and a.quality == b.quality and a.network_row == b.network_row
    assert a.tiers_line == b.tiers_line and a.review == b.review and a.due_rows == b.due_rows


@pytest.mark.parametrize("child_works", [True, False])
def test_early_scans_give_the_same_shares(child_works: bool) -> None:
    contacts = _contacts(60)
    s = _settings()
    early = pages._EarlyScans(contacts, TODAY, s.settings)
    assert 0 < early.count < len(contacts)
    data = early.work() if child_works else None
    made = early.parts(contacts, s, _FakeChild(data))  # type: ignore[arg-type]
    assert len(made) == len(contacts)
    for contact, part in zip(contacts, made, strict=True):
        _same(part, pages._make_part(contact, s))
    if child_works:
        assert len(pickle.loads(data or b"")) == early.count


def test_early_scans_from_another_day_are_not_used() -> None:
    contacts = _contacts(20)
    s = _settings()
    early = pages._EarlyScans(contacts, TODAY - dt.timedelta(days=400), s.settings)
    made = early.parts(contacts, s, _FakeChild(early.work()))  # type: ignore[arg-type]
    for contact, part in zip(contacts, made, strict=True):
        _same(part, pages._make_part(contact, s))


STAGED_SCRIPT = r"""
import os, sys, time
from netkit import pages

assert pages._Child.allowed()
child = pages._Child(pages._Staged(lambda: b"first" * 1000, 5000, lambda: (time.sleep(0.2), b"rest")[1]))
assert child.first_result() == b"first" * 1000
assert child.result() == b"rest"
too_big = pages._Child(pages._Staged(lambda: b"x" * 10, 5, lambda: b"rest"))
assert too_big.first_result() is None and too_big.result() == b"rest"
failing = pages._Child(pages._Staged(lambda: 1 // 0, 5, lambda: b"rest"))
assert failing.first_result() is None and failing.result() == b"rest"
plain = pages._Child(lambda: b"only")
assert plain.first_result() is None and plain.result() == b"only"
cancelled = pages._Child(pages._Staged(lambda: b"a", 5, lambda: (time.sleep(30), b"")[1]))
cancelled.cancel()
print("ok")
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="children are forked on Linux only")
def test_a_staged_child_sends_its_first_step_early(tmp_path: Path) -> None:
    import os

    if (os.cpu_count() or 1) < 2:
        pytest.skip("one CPU: nothing is forked")
    env = {k: v for k, v in os.environ.items() if k != "NETKIT_WORKERS"}
    proc = subprocess.run([sys.executable, "-c", STAGED_SCRIPT], capture_output=True, text=True, env=env,
                          timeout=60, cwd=tmp_path)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr
