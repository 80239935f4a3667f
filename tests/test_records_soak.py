"""Every record netkit keeps between commands answers exactly what a cold run answers.

A generated vault goes through a random sequence of edits — log lines added by hand and by
``netkit log``, fields changed, people renamed, added and removed, notes written, a page
edited by hand, an error made, a file saved again unchanged — and after each one a few commands run on it, with
whatever earlier commands left in ``.netkit/cache`` (the contacts cache, the link layer, the
briefs and their texts, the pages memo, the day's answers, the health report), and on a copy
of it without ``.netkit``. Exit codes, outputs, diagnostics and pages must be the same.

This is the sequence test of the performance work: each record has its own tests, but a
record patched after an edit (the briefs, the link layer) is only as good as every
patch before it.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import sys
import time
from pathlib import Path

import pytest
from conftest import run_cli

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "benchmarks"))
from generate_vault import generate  # noqa: E402

TODAY = dt.date(2026, 11, 22)
COMMANDS = (
    ("due",), ("due", "--json"), ("due", "--within", "60"), ("list",), ("check",), ("health",),
    ("list", "--json"), ("show",),
)


pytestmark = pytest.mark.usefixtures("no_racy_window")


class Editor:
    """Edits files as an editor saves them, each with an mtime of its own (in the past), so
    that no two versions of a file ever share a stat however fast the test runs."""

    def __init__(self, root: Path, rng: random.Random) -> None:
        self.root = root
        self.rng = rng
        self.clock = time.time_ns() - 86_400 * 10**9

    def write(self, rel: str, text: str) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.clock += 10**7
        os.utime(path, ns=(self.clock, self.clock))

    def contacts(self) -> list[str]:
        return sorted(p.relative_to(self.root).as_posix() for p in (self.root / "contacts").rglob("*.md"))

    def read(self, rel: str) -> str:
        return (self.root / rel).read_text(encoding="utf-8")


def name_of(text: str) -> str | None:
    for line in text.splitlines():
        if line.startswith("name: "):
            return line[len("name: "):].strip().strip('"')
    return None


KINDS = ("log", "log", "netkit-log", "tier", "company", "rename", "add", "remove", "note", "page", "error",
         "touch", "nothing")


def edit(editor: Editor, step: int, kind: str | None = None) -> str:
    """One edit (``kind``, else a random one); what it was (for the failure message)."""
    rng = editor.rng
    rels = editor.contacts()
    rel = rng.choice(rels)
    text = editor.read(rel)
    kind = kind or rng.choice(KINDS)
    day = TODAY - dt.timedelta(days=rng.randint(-20, 400))
    if kind == "log":
        editor.write(rel, text + f"- {day.isoformat()} Step {step} [channel:: {rng.choice(['call', 'email'])}]\n")
    elif kind == "netkit-log":
        name = name_of(text)
        if name is None:
            return "nothing (no name)"
        code, out, err = run_cli(["log", name, f"Step {step} chat", "--date", day.isoformat(),
                                  "--vault", str(editor.root), "--today", TODAY.isoformat()])
        return f"netkit log {name!r} -> {code} {err.strip()}"
    elif kind == "tier" and "\ntier: " in text:
        old = text.split("\ntier: ", 1)[1].split("\n", 1)[0]
        editor.write(rel, text.replace(f"\ntier: {old}", f"\ntier: {rng.choice(['1', '2', '3'])}", 1))
    elif kind == "company":
        editor.write(rel, text.replace("---\n", f"---\ncompany: Step {step} Ltd\n", 1) if "\ncompany: " not in text
                     else text.replace("\ncompany: ", f"\ncompany: Step {step} ", 1))
    elif kind == "rename" and "\nname: " in text:
        editor.write(rel, text.replace("\nname: ", f"\nname: Renamed{step} ", 1))
    elif kind == "add":
        other = name_of(editor.read(rng.choice(rels))) or "Nobody"
        editor.write(f"contacts/new/person-{step}.md",
                     f"---\nname: New Person {step}\ntier: {rng.randint(1, 3)}\nknows:\n  - \"[[{other}]]\"\n---\n"
                     f"## Log\n- {day.isoformat()} Met at step {step} [channel:: in-person]\n")
        return f"add contacts/new/person-{step}.md"
    elif kind == "remove" and len(rels) > 5:
        (editor.root / rel).unlink()
    elif kind == "note":
        who = name_of(text) or "Nobody"
        editor.write(f"journal/{day.isoformat()} Meeting {step % 4}.md", f"# Meeting\n\nWith [[{who}]].\n")
        return f"note about {who}"
    elif kind == "page" and (editor.root / "pages" / "Due.md").is_file():
        page = editor.root / "pages" / "Due.md"
        page.write_text(page.read_text(encoding="utf-8") + "\nmy own line\n", encoding="utf-8")
        return "page edited by hand"
    elif kind == "error":
        editor.write(rel, text.replace("---\n", "---\ncadence: soon\n", 1) if "\ncadence: " not in text
                     else text.replace("\ncadence: ", "\ncadence: x", 1))
    elif kind == "touch":  # saved again unchanged: a new stat, the same content
        editor.write(rel, text)
    else:
        return "nothing"
    return f"{kind} {rel}"


def outputs(root: Path, commands: list[tuple[str, ...]], today: dt.date, show: str) -> list[object]:
    out: list[object] = []
    for args in commands:
        full = [*args, show] if args == ("show",) else list(args)
        code, stdout, stderr = run_cli([*full, "--vault", str(root), "--today", today.isoformat()])
        if args == ("index",):
            # the summary says which pages this run wrote (a warm run writes fewer): the
            # pages themselves are compared instead
            pages = {p.name: p.read_bytes() for p in sorted((root / "pages").glob("*.md"))}
            out.append((args, code, stderr, pages))
        else:
            out.append((args, code, stdout, stderr))
    return out


def count_served(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How often each warm path answered (a non-None result), to show the test took them."""
    from netkit import answers, briefs, loader, pagememo

    served = {"answers": 0, "patched briefs": 0, "patched layer": 0, "pages kept": 0}
    for module, name, label in ((answers, "check", "answers"), (briefs, "_patched", "patched briefs"),
                                (loader, "_patched_layer", "patched layer"), (pagememo, "quick_skip", "pages kept")):
        real = getattr(module, name)

        def counted(*args: object, _real: object = real, _label: str = label) -> object:
            result = _real(*args)  # type: ignore[operator]
            answered = result[0] if isinstance(result, tuple) and _label == "answers" else result
            if answered is not None:
                served[_label] += 1
            return result

        monkeypatch.setattr(module, name, counted)
    return served


@pytest.mark.parametrize("seed", [int(s) for s in os.environ.get("SOAK_SEEDS", "1,2,3").split(",")])
def test_commands_after_random_edits_answer_what_a_cold_run_answers(
        tmp_path: Path, seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    served = count_served(monkeypatch)
    root = tmp_path / "vault"
    generate(root, 30, seed, 6, TODAY)
    rng = random.Random(seed)
    editor = Editor(root, rng)
    for rel in editor.contacts():  # every file older than any record
        editor.write(rel, editor.read(rel))
    assert run_cli(["index", "--vault", str(root), "--today", TODAY.isoformat()])[0] in (0, 1)
    for step in range(30):
        # first a file saved unchanged right after an index: what the pages memo is for
        what = edit(editor, step, "touch" if step == 0 else None)
        commands = rng.sample(COMMANDS, 3)
        # (a file saved unchanged is what the pages memo is for: index after it)
        if rng.random() < 0.6 or what.startswith("touch"):
            commands.insert(rng.randrange(len(commands) + 1), ("index",))
        # now and then the next day: yesterday's records must not answer for it
        today = TODAY + dt.timedelta(days=1) if rng.random() < 0.15 and step else TODAY
        names = [n for rel in editor.contacts() if (n := name_of(editor.read(rel)))]
        show = rng.choice(names)
        cold = tmp_path / f"cold-{step}"
        shutil.copytree(root, cold, ignore=shutil.ignore_patterns(".netkit"))
        warm_out = outputs(root, commands, today, show)
        cold_out = outputs(cold, commands, today, show)
        for warm_one, cold_one in zip(warm_out, cold_out, strict=True):
            assert warm_one == cold_one, f"seed {seed}, step {step} ({what}), {warm_one[0]}"
        shutil.rmtree(cold)
    print(served)
    # the cold copies never have a record: these count the warm vault's commands only
    assert all(served.values()), served
