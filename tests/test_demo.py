"""The shipped example content: ``netkit.demo.demo_files`` and ``vault_template/``."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from netkit.demo import demo_files, slugify
from netkit.durations import parse_duration
from netkit.model import CAREER_STAGES_HINT, CHANNELS, STATUSES

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "vault_template"
TODAY = dt.date(2026, 11, 22)
#: a spread of "today"s, including a leap day and year ends
TODAYS = [
    dt.date(2026, 11, 22),
    dt.date(2028, 2, 29),
    dt.date(2027, 2, 20),
    dt.date(2025, 12, 31),
    dt.date(2030, 1, 1),
]

#: channels allowed in shipped content (design.md §3)
DESIGN_CHANNELS = ("in-person", "call", "video", "message", "email", "social", "event")
DEFAULT_CADENCE = {1: "30d", 2: "90d", 3: "180d"}
KNOWN_KEYS = {
    "name",
    "tier",
    "cadence",
    "status",
    "snooze_until",
    "aliases",
    "tags",
    "company",
    "role",
    "industry",
    "location",
    "career_stage",
    "met",
    "how_met",
    "introduced_by",
    "knows",
    "email",
    "phone",
    "linkedin",
    "birthday",
    "last_contact",
}

LOG_LINE_RE = re.compile(r"^- \d{4}-\d{2}-\d{2} .+")
LOG_PARTS_RE = re.compile(r"^- (\d{4}-\d{2}-\d{2}) (.+)$")
FIELD_RE = re.compile(r" \[([A-Za-z][\w-]*):: ((?:[^\[\]]|\[\[[^\[\]]+\]\])+)\]")
WIKILINK_RE = re.compile(r"\[\[([^\[\]|#]+)(?:[|#][^\[\]]*)?\]\]")
QUOTED_LINK_RE = re.compile(r'^(?:  - |[a-z_]+: )"\[\[[^\[\]"]+\]\]"$')
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


# --------------------------------------------------------------------------- parsing helpers


def split_front_matter(text: str) -> tuple[list[str], list[str]]:
    """(front-matter lines without the fences, body lines)."""
    lines = text.split("\n")
    assert lines[0] == "---", "file must start with a front-matter fence"
    end = lines.index("---", 1)
    return lines[1:end], lines[end + 1 :]


def log_section(body: list[str], heading: str = "Log") -> list[str] | None:
    """Non-blank lines under the log heading (any level) up to the next heading."""
    start = None
    for i, line in enumerate(body):
        if re.fullmatch(rf"#{{1,6}} {re.escape(heading)}\s*", line):
            start = i + 1
            break
    if start is None:
        return None
    out = []
    for line in body[start:]:
        if re.match(r"#{1,6} ", line):
            break
        if line.strip():
            out.append(line)
    return out


def parse_log_line(line: str) -> tuple[dt.date, str, list[tuple[str, str]]]:
    """Check one log line against the grammar; return (date, text, fields)."""
    assert LOG_LINE_RE.match(line), line
    m = LOG_PARTS_RE.match(line)
    assert m, line
    day = dt.date.fromisoformat(m.group(1))
    rest = m.group(2)
    first = FIELD_RE.search(rest)
    text = rest if first is None else rest[: first.start()]
    fields: list[tuple[str, str]] = []
    pos = len(text)
    while pos < len(rest):
        fm = FIELD_RE.match(rest, pos)
        assert fm, f"malformed inline field in {line!r} at {rest[pos:]!r}"
        fields.append((fm.group(1), fm.group(2)))
        pos = fm.end()
    assert text.strip() == text and text, f"bad entry text in {line!r}"
    assert "::" not in text, line
    assert not re.search(r"[\[\]]", WIKILINK_RE.sub("", text)), f"stray bracket in {line!r}"
    for key, value in fields:
        assert value.strip() == value and value, line
        if key == "channel":
            assert value in DESIGN_CHANNELS, line
        elif key == "by":
            assert value in ("me", "them"), line
        elif key == "reply":
            assert value in ("yes", "no"), line
        else:
            assert key in ("gave", "got"), f"unexpected key {key!r} in {line!r}"
    keys = [k for k, _ in fields]
    assert len(keys) == len(set(keys)), f"repeated inline field in {line!r}"
    return day, text, fields


def is_date(value: Any) -> bool:
    return type(value) is dt.date


def check_contact(path: str, text: str) -> dict[str, Any]:
    """Every §3 rule for one contact file; returns parsed data for further checks."""
    assert "\r" not in text and text.endswith("\n")
    fm_lines, body = split_front_matter(text)
    meta = yaml.safe_load("\n".join(fm_lines))
    assert isinstance(meta, dict), path

    # Obsidian-friendly layout of the raw front matter
    for line in fm_lines:
        assert not line.startswith("-"), f"{path}: block list items are indented two spaces"
        assert not re.match(r"^[a-z_]+: \[", line), f"{path}: use block lists: {line}"
        if line.startswith(" "):
            assert line.startswith("  - "), f"{path}: {line!r}"
        if "[[" in line:
            assert QUOTED_LINK_RE.match(line), f"{path}: wikilinks must be quoted: {line}"
        if line.startswith("phone:"):
            assert line.startswith('phone: "'), f"{path}: phone must be quoted"
        if line.startswith("birthday: -") or line.startswith("birthday: '"):
            raise AssertionError(f"{path}: --MM-DD birthdays are double-quoted: {line}")

    assert set(meta) <= KNOWN_KEYS, f"{path}: unknown keys {set(meta) - KNOWN_KEYS}"
    assert isinstance(meta["name"], str) and meta["name"].strip() == meta["name"] != ""
    assert type(meta["tier"]) is int and meta["tier"] in (1, 2, 3)
    assert meta.get("status", "active") in STATUSES
    if "cadence" in meta:
        assert isinstance(meta["cadence"], str) and parse_duration(meta["cadence"]), path
    for key in ("met", "snooze_until", "last_contact"):
        if key in meta:
            assert is_date(meta[key]), f"{path}: {key} must be a YYYY-MM-DD date"
    for key in ("aliases", "tags", "knows"):
        if key in meta:
            assert isinstance(meta[key], list) and meta[key], f"{path}: {key}"
            assert all(isinstance(v, str) and v.strip() == v != "" for v in meta[key]), path
    for tag in meta.get("tags", []):
        assert re.fullmatch(r"[a-z][a-z0-9/-]*", tag), f"{path}: tag {tag!r}"
    for key in ("company", "role", "industry", "location", "how_met", "email", "phone"):
        if key in meta:
            assert isinstance(meta[key], str) and meta[key], f"{path}: {key}"
    if "career_stage" in meta:
        assert meta["career_stage"] in CAREER_STAGES_HINT, path
    if "email" in meta:
        assert re.fullmatch(r"[a-z0-9.]+@example\.(com|org|net)", meta["email"]), path
    if "linkedin" in meta:
        assert meta["linkedin"].startswith("https://www.linkedin.com/in/"), path
    if "phone" in meta:
        assert re.fullmatch(r"\+\d[\d ]+", meta["phone"]), path
    links = []
    if "introduced_by" in meta:
        assert isinstance(meta["introduced_by"], str), path
        m = WIKILINK_RE.fullmatch(meta["introduced_by"])
        assert m, f"{path}: introduced_by is a wikilink"
        links.append(m.group(1))
    for value in meta.get("knows", []):
        m = WIKILINK_RE.fullmatch(value)
        assert m, f"{path}: knows entries are wikilinks"
        links.append(m.group(1))
    if "birthday" in meta:
        bday = meta["birthday"]
        if isinstance(bday, str):
            m = re.fullmatch(r"--(\d{2})-(\d{2})", bday)
            assert m, f"{path}: birthday {bday!r}"
            dt.date(2000, int(m.group(1)), int(m.group(2)))  # a real day (2000 is leap)
        else:
            assert is_date(bday), f"{path}: birthday must be YYYY-MM-DD or --MM-DD"

    # body: title heading, notes, then the log
    assert body[0] == f"# {meta['name']}", path
    section = log_section(body)
    assert section is not None, f"{path}: no ## Log section"
    entries = []
    for line in section:
        day, entry_text, fields = parse_log_line(line)
        entries.append((day, entry_text, dict(fields)))
        links.extend(WIKILINK_RE.findall(line))
    dates = [d for d, _, _ in entries]
    assert dates == sorted(dates), f"{path}: log is oldest first"
    notes = "\n".join(body[1 : body.index("## Log")]).strip()
    return {"path": path, "meta": meta, "log": entries, "links": links, "notes": notes}


def check_vault_contacts(files: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """Check every contacts/*.md; return name -> parsed contact; names unique, links resolve."""
    contacts = {p: check_contact(p, t) for p, t in files.items() if p.startswith("contacts/")}
    by_name: dict[str, dict[str, Any]] = {}
    seen_lower: set[str] = set()
    for path, c in contacts.items():
        name = c["meta"]["name"]
        assert name.casefold() not in seen_lower, f"duplicate name {name}"
        seen_lower.add(name.casefold())
        by_name[name] = c
        stem = path.removeprefix("contacts/").removesuffix(".md")
        assert path.endswith(".md") and "/" not in stem
        assert SLUG_RE.fullmatch(stem) and stem.isascii(), path
        assert stem == slugify(name), f"{path} is not the slug of {name!r}"
    for c in contacts.values():
        for alias in c["meta"].get("aliases", []):
            assert alias.casefold() not in seen_lower, f"alias {alias} shadows a name"
    for c in contacts.values():
        for target in c["links"]:
            assert target in by_name, f"{c['path']}: [[{target}]] names no contact"
            assert target != c["meta"]["name"], f"{c['path']} links to itself"
    return by_name


def next_due(c: dict[str, Any], today: dt.date) -> dt.date | None:
    meta = c["meta"]
    past = [d for d, _, _ in c["log"] if d <= today]
    if not past:
        return None
    cadence = parse_duration(meta.get("cadence", DEFAULT_CADENCE[meta["tier"]]))
    assert cadence is not None
    return cadence.add_to(max(past))


# --------------------------------------------------------------------------- demo


@pytest.fixture(scope="module")
def demo() -> dict[str, str]:
    return demo_files(TODAY)


@pytest.fixture(scope="module")
def people(demo: dict[str, str]) -> dict[str, dict[str, Any]]:
    return check_vault_contacts(demo)


def test_deterministic_for_a_fixed_date() -> None:
    for today in TODAYS:
        assert demo_files(today) == demo_files(dt.date.fromordinal(today.toordinal()))
    assert demo_files(TODAY) != demo_files(TODAY + dt.timedelta(days=1))


def test_shifting_today_shifts_every_date(demo: dict[str, str]) -> None:
    later = demo_files(TODAY + dt.timedelta(days=100))
    assert set(later) != set(demo)  # journal file names move
    assert later["contacts/nora-jansen.md"] != demo["contacts/nora-jansen.md"]


def test_paths(demo: dict[str, str]) -> None:
    for path in demo:
        assert re.fullmatch(r"contacts/[a-z0-9-]+\.md|journal/\d{4}-\d{2}-\d{2}\.md", path), path
    # settings and docs come from vault_template/, not from demo_files
    assert not {"netkit.yaml", "README.md", ".gitignore", ".gitattributes"} & set(demo)


@pytest.mark.parametrize("today", TODAYS)
def test_every_contact_is_valid(today: dt.date) -> None:
    files = demo_files(today)
    by_name = check_vault_contacts(files)
    for c in by_name.values():
        meta = c["meta"]
        past = [d for d, _, _ in c["log"] if d <= today]
        future = [d for d, _, _ in c["log"] if d > today]
        if past:
            assert meta["met"] <= min(past), c["path"]
        assert meta["met"] <= today
        if "snooze_until" in meta:
            assert meta["snooze_until"] > today
        assert len(future) <= 1
        assert len(c["notes"]) > 40, f"{c['path']}: notes are too thin"
        assert "lorem" not in c["notes"].lower()


def test_counts_per_tier(people: dict[str, dict[str, Any]]) -> None:
    tiers = [c["meta"]["tier"] for c in people.values()]
    assert 45 <= len(tiers) <= 50
    assert (tiers.count(1), tiers.count(2), tiers.count(3)) == (8, 15, 25)
    sizes = [len(c["log"]) for c in people.values()]
    assert max(sizes) == 25 and min(sizes) == 0


def test_notable_cases(people: dict[str, dict[str, Any]]) -> None:
    metas = [c["meta"] for c in people.values()]
    statuses = [m.get("status", "active") for m in metas]
    assert statuses.count("paused") == 1 and statuses.count("archived") == 1
    assert sum("snooze_until" in m for m in metas) == 1
    assert any("cadence" in m for m in metas)
    never = [c for c in people.values() if not c["log"]]
    assert len(never) == 1
    planned = [(c, d) for c in people.values() for d, _, _ in c["log"] if d > TODAY]
    assert len(planned) == 1
    # aliases: a few, one of them not in Latin script
    aliases = [a for m in metas for a in m.get("aliases", [])]
    assert len(aliases) >= 3
    assert any(not re.search(r"[A-Za-z]", a) for a in aliases)
    assert "José Álvarez" in people
    assert people["José Álvarez"]["path"] == "contacts/jose-alvarez.md"
    # diversity
    assert len({m["industry"] for m in metas}) >= 25
    assert len({m["location"] for m in metas}) >= 30
    assert len({m["career_stage"] for m in metas}) >= 6
    assert len({m["how_met"] for m in metas}) == len(metas)
    assert sum("introduced_by" in m for m in metas) >= 5
    assert sum("knows" in m for m in metas) >= 15


def test_birthdays(people: dict[str, dict[str, Any]]) -> None:
    bdays = [c["meta"]["birthday"] for c in people.values() if "birthday" in c["meta"]]
    assert any(isinstance(b, str) for b in bdays)
    assert any(isinstance(b, dt.date) for b in bdays)
    assert dt.date(1956, 2, 29) in bdays

    def days_until(b: str | dt.date) -> int:
        month, day = (int(b[2:4]), int(b[5:7])) if isinstance(b, str) else (b.month, b.day)
        for year in range(TODAY.year, TODAY.year + 9):
            try:
                when = dt.date(year, month, day)
            except ValueError:
                continue
            if when >= TODAY:
                return (when - TODAY).days
        raise AssertionError(b)

    assert sum(days_until(b) <= 14 for b in bdays) >= 2


def test_relationship_shapes(people: dict[str, dict[str, Any]]) -> None:
    def entries(name: str) -> list[dict[str, str]]:
        return [f for _, _, f in people[name]["log"]]

    one_way = [
        n
        for n, c in people.items()
        if len(c["log"]) >= 3
        and all(f.get("by") == "me" for f in entries(n))
        and all(f.get("reply") == "no" for f in entries(n)[1:])
    ]
    assert len(one_way) >= 2
    for name in one_way:
        assert not any("got" in f for f in entries(name))
    reciprocal = [
        n
        for n in people
        if any(f.get("by") == "me" and "gave" in f for f in entries(n))
        and any(f.get("by") == "them" and "got" in f for f in entries(n))
    ]
    assert len(reciprocal) >= 5
    email_only = [
        n
        for n in people
        if len(entries(n)) >= 5 and {f["channel"] for f in entries(n)} == {"email"}
    ]
    assert email_only
    in_person_heavy = [
        n
        for n in people
        if len(entries(n)) >= 10
        and sum(f["channel"] == "in-person" for f in entries(n)) > len(entries(n)) / 2
    ]
    assert in_person_heavy
    channels = {f["channel"] for n in people for f in entries(n)}
    assert channels == set(DESIGN_CHANNELS)
    assert set(DESIGN_CHANNELS) <= set(CHANNELS)


@pytest.mark.parametrize("today", TODAYS)
def test_schedule_mix(today: dt.date) -> None:
    by_name = check_vault_contacts(demo_files(today))
    overdue = soon = on_schedule = 0
    for c in by_name.values():
        meta = c["meta"]
        if meta.get("status", "active") != "active" or "snooze_until" in meta:
            continue
        due = next_due(c, today)
        if due is None:
            continue
        days = (due - today).days
        if days < 0:
            overdue += 1
        elif days <= 14:
            soon += 1
        else:
            on_schedule += 1
    assert overdue >= 8 and soon >= 4 and on_schedule >= 10, (overdue, soon, on_schedule)
    # the snoozed contact would be overdue without the snooze
    snoozed = next(c for c in by_name.values() if "snooze_until" in c["meta"])
    due = next_due(snoozed, today)
    assert due is not None and due < today < snoozed["meta"]["snooze_until"]


def test_journal_notes(demo: dict[str, str], people: dict[str, dict[str, Any]]) -> None:
    notes = {p: t for p, t in demo.items() if p.startswith("journal/")}
    assert len(notes) == 3
    for path, text in notes.items():
        fm, body = split_front_matter(text)
        meta = yaml.safe_load("\n".join(fm))
        assert is_date(meta["date"]) and meta["date"] < TODAY
        assert path == f"journal/{meta['date'].isoformat()}.md"
        linked = WIKILINK_RE.findall("\n".join(body))
        assert linked
        for name in linked:
            assert name in people, name
            # the note describes a touchpoint that the person's log also records
            assert meta["date"] in [d for d, _, _ in people[name]["log"]], (path, name)


def test_slugify() -> None:
    assert slugify("José Álvarez") == "jose-alvarez"
    assert slugify("Łukasz Nowak") == "lukasz-nowak"
    assert slugify("Nguyễn Thị Lan") == "nguyen-thi-lan"
    assert slugify("Liam O'Brien") == "liam-o-brien"
    assert slugify("  Ada   Lovelace!! ") == "ada-lovelace"


def test_demo_does_not_collide_with_template(demo: dict[str, str]) -> None:
    template = {f"contacts/{p.name}" for p in (TEMPLATE / "contacts").glob("*.md")}
    assert template and not template & set(demo)


# --------------------------------------------------------------------------- template


def template_files() -> dict[str, str]:
    return {
        p.relative_to(TEMPLATE).as_posix(): p.read_text(encoding="utf-8")
        for p in TEMPLATE.rglob("*")
        if p.is_file()
    }


def test_template_contacts_are_valid() -> None:
    by_name = check_vault_contacts(template_files())
    tiers = sorted(c["meta"]["tier"] for c in by_name.values())
    assert tiers == [1, 2, 3]
    tier1 = next(c for c in by_name.values() if c["meta"]["tier"] == 1)
    for word in ("Goals", "Challenges", "Family"):
        assert word in tier1["notes"]
    tier3 = next(c for c in by_name.values() if c["meta"]["tier"] == 3)
    assert re.fullmatch(r"--\d{2}-\d{2}", tier3["meta"]["birthday"])
    fields_used = {k for c in by_name.values() for _, _, f in c["log"] for k in f}
    assert fields_used == {"channel", "by", "gave", "got", "reply"}
    assert all(c["log"] for c in by_name.values())


def test_template_netkit_yaml_has_the_defaults() -> None:
    config = yaml.safe_load((TEMPLATE / "netkit.yaml").read_text(encoding="utf-8"))
    assert config == {
        "version": 1,
        "contacts": "contacts",
        "pages": "pages",
        "log_heading": "Log",
        "default_tier": 3,
        "tiers": {
            1: {"label": "Inner circle", "cadence": "30d", "target": [20, 30]},
            2: {"label": "Valued", "cadence": "90d", "target": [50, 70]},
            3: {"label": "Broader network", "cadence": "180d", "target": [100, None]},
        },
        "fields": {},
    }
    text = (TEMPLATE / "netkit.yaml").read_text(encoding="utf-8")
    assert "# fields:" in text  # commented-out example of a user-declared field


def test_template_obsidian_types() -> None:
    data = json.loads((TEMPLATE / ".obsidian" / "types.json").read_text(encoding="utf-8"))
    assert list(data) == ["types"]
    types = data["types"]
    allowed = {"text", "multitext", "number", "checkbox", "date", "datetime", "aliases", "tags"}
    assert set(types.values()) <= allowed
    assert types["tier"] == "number"
    assert types["birthday"] == "text"  # --MM-DD is not a date Obsidian accepts
    assert types["tags"] == "tags" and types["aliases"] == "aliases"
    assert types["knows"] == "multitext"
    for key in ("met", "snooze_until", "last_contact"):
        assert types[key] == "date"


def test_template_git_and_hooks() -> None:
    ignore = (TEMPLATE / ".gitignore").read_text(encoding="utf-8").splitlines()
    for pattern in (".netkit/cache/", ".netkit/lock", ".obsidian/workspace*.json", ".trash/"):
        assert pattern in ignore
    assert "*.netkit-tmp-*" in ignore
    attributes = (TEMPLATE / ".gitattributes").read_text(encoding="utf-8").splitlines()
    assert "*.md text eol=lf diff=markdown" in attributes
    assert "pages/** linguist-generated=true" in attributes
    assert not any("merge=" in line for line in attributes if not line.startswith("#"))
    assert (TEMPLATE / "pages" / ".gitkeep").is_file()
    hooks = yaml.safe_load((TEMPLATE / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    (repo,) = hooks["repos"]
    assert repo["repo"] == "local"
    (hook,) = repo["hooks"]
    assert hook["entry"] == "netkit check" and hook["language"] == "system"
    assert hook["pass_filenames"] is False
    assert re.search(hook["files"], "contacts/ada-lovelace.md")
    assert re.search(hook["files"], "netkit.yaml")
    assert not re.search(hook["files"], "pages/.gitkeep")


def test_template_readme_mentions_the_commands() -> None:
    readme = (TEMPLATE / "README.md").read_text(encoding="utf-8")
    for needle in (
        'netkit log "Ada Lovelace" "Coffee" --channel in-person --by me',
        "netkit due",
        "netkit index",
        "netkit watch",
        "pages/",
        "git commit",
    ):
        assert needle in readme
