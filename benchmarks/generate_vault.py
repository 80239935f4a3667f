"""Generate a realistic, deterministic netkit vault for benchmarks.

Usage::

    python benchmarks/generate_vault.py OUT_DIR --contacts N --seed S \
        [--log-entries 20] [--today YYYY-MM-DD] [--force]

The same arguments always produce byte-identical files: every random choice comes from
``random.Random(seed)`` and the wall clock is never read (``--today`` defaults to 2026-11-22).

Layout written::

    OUT_DIR/netkit.yaml            version 1 with the documented defaults
    OUT_DIR/.gitignore             ignores .netkit/cache/
    OUT_DIR/contacts/NNN/slug.md   at most 1,000 contact files per subfolder

Also importable: ``generate(out, contacts, seed, log_entries=20, today=date(2026, 11, 22))``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import re
import shutil
import sys
import unicodedata
from pathlib import Path

DEFAULT_TODAY = dt.date(2026, 11, 22)
FILES_PER_FOLDER = 1000
LOG_WINDOW_DAYS = 3 * 365  # past log entries fall in the 3 years before today

NETKIT_YAML = """\
version: 1
contacts: contacts
pages: pages
log_heading: Log
default_tier: 3
tiers:
  1: {label: Inner circle, cadence: 30d, target: [20, 30]}
  2: {label: Valued, cadence: 90d, target: [50, 70]}
  3: {label: Broader network, cadence: 180d, target: [100, null]}
fields: {}
"""

GITIGNORE = ".netkit/cache/\n"

# --------------------------------------------------------------------------- word pools


def _words(text: str) -> list[str]:
    return text.split()


FIRST_NAMES = _words("""
Ada Alan Grace Charles Margaret Linus Barbara Dennis Ken Frances Edsger Donald John Radia
Katherine Tim Vint Bjarne Guido Anita Sophie Hedy Annie Claude Niklaus Leslie Shafi Yukihiro
Larry Lynn Mary Jean Betty Kathleen Adele Evelyn Ruth Marlyn Joan Carol Susan Karen Ellen
Olivia Liam Emma Noah Ava Ethan Mia Lucas Isabella Mason Amelia Logan Harper Elijah Aria
James Charlotte Benjamin Sofia Henry Chloe Alexander Zoe Sebastian Nora Daniel Layla Matthew
Lily Samuel Hannah David Leah Joseph Aisha Omar Fatima Yusuf Amara Kwame Chidi Ngozi Tariq
Priya Arjun Ananya Rohan Kavya Vikram Meera Sanjay Hiroshi Yuki Haruto Sakura Kenji Mei Wei
Li Jun Xin Min-jun Seo-yeon Ji-ho Hye-jin Thanh Linh Minh Nadia Ivan Olga Dmitri Katya Pavel
Sven Astrid Lars Ingrid Nils Freya Pieter Sanne Joost Anouk Lukas Lena Jonas Mila Felix Greta
Mateo Valentina Santiago Camila Diego Lucia Javier Carmen Pablo Elena Tomas Ines Rafael Beatriz
Joao Ana Luca Giulia Marco Chiara Matteo Francesca Pierre Camille Louis Manon Hugo Chloé José
Zoë Renée Sinéad Siobhan Ciaran Aoife Declan Niamh Eamon Brigid Dagny Björn Søren Ørjan Zeynep
Emre Elif Mehmet Ayşe Kemal Dana Avi Noa Yael Tamar Ilan Kofi Abena Thandiwe Sipho Zanele
""")

LAST_NAMES = _words("""
Lovelace Turing Hopper Babbage Hamilton Torvalds Liskov Ritchie Thompson Allen Dijkstra Knuth
McCarthy Perlman Johnson Berners-Lee Cerf Stroustrup Rossum Borg Wilson Lamarr Easley Shannon
Wirth Lamport Goldwasser Matsumoto Wall Conway Keller Sammet Bartik Spence Booth McNulty
Goldberg Wexelblat Holberton Teitelbaum Smith Garcia Nguyen Kim Patel Chen Wang Li Zhang Liu
Singh Kumar Sharma Gupta Khan Ali Ahmed Hassan Okafor Mensah Adeyemi Diallo Mwangi Ndlovu
Tanaka Suzuki Sato Watanabe Yamamoto Nakamura Kobayashi Park Lee Choi Jung Tran Pham Hoang
Ivanova Petrov Smirnov Kuznetsova Popov Novak Kowalski Nowak Wisniewska Horvath Schmidt
Schneider Fischer Weber Meyer Wagner Becker Hoffmann Schulz Koch Richter Jansen Visser Bakker
Dekker Andersson Johansson Karlsson Nilsson Larsen Hansen Jensen Nielsen Berg Haugen Rossi
Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Martin Bernard Dubois Thomas
Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefebvre Michel Martinez Lopez Gonzalez
Rodriguez Fernandez Sanchez Perez Gomez Diaz Alvarez Romero Silva Santos Oliveira Souza Costa
Pereira Almeida Murphy Kelly O'Brien O'Connor Walsh Byrne Ryan Doyle Brennan Yilmaz Kaya Demir
Sahin Celik Cohen Levi Mizrahi Friedman Brown Taylor Davies Evans Wright Walker Robinson
Thompson-Hale Clarke Baker Hill Green Adams Campbell Mitchell Roberts Carter Phillips Turner
""")

# unique, order-preserving
FIRST_NAMES = list(dict.fromkeys(FIRST_NAMES))
LAST_NAMES = list(dict.fromkeys(LAST_NAMES))

NICKNAMES = {
    "Alexander": "Alex",
    "Benjamin": "Ben",
    "Katherine": "Kate",
    "Margaret": "Maggie",
    "Elizabeth": "Liz",
    "Daniel": "Dan",
    "Matthew": "Matt",
    "Samuel": "Sam",
    "Joseph": "Joe",
    "Sebastian": "Seb",
    "Valentina": "Vale",
    "Francesca": "Fran",
    "Dmitri": "Dima",
    "Charles": "Charlie",
    "Frances": "Fran",
    "Barbara": "Barb",
    "Donald": "Don",
    "Santiago": "Santi",
    "Isabella": "Bella",
    "Charlotte": "Lottie",
    "Kathleen": "Kathy",
}

COMPANY_A = _words("""
Analytical Northwind Bluebird Granite Lumen Vector Harbor Copper Meridian Quartz Summit Cedar
Atlas Beacon Cobalt Falcon Juniper Keystone Nimbus Orbit Pioneer Redwood Sable Tidal Willow
Zenith Aurora Crescent Ember Helix Ironwood Kestrel Lattice Mosaic Nova Onyx Prism Silver
""")
COMPANY_B = _words("""
Engines Labs Systems Analytics Health Robotics Capital Partners Logistics Foods Energy Media
Studios Networks Bio Software Consulting Ventures Works Security Learning Mobility Foundry
""")
COMPANY_SUFFIX = ["", "", "", "", " Inc.", " Ltd", " GmbH", " AG", " LLC", " SA", " BV", " Co."]

ROLES = [
    "Research lead",
    "Software engineer",
    "Staff engineer",
    "Engineering manager",
    "Product manager",
    "Designer",
    "Data scientist",
    "CTO",
    "CEO",
    "Founder",
    "Co-founder",
    "VP Engineering",
    "Head of Sales",
    "Account executive",
    "Recruiter",
    "Investor",
    "Partner",
    "Professor",
    "PhD student",
    "Consultant",
    "Journalist",
    "Editor",
    "Marketing lead",
    "Operations manager",
    "Security engineer",
    "Solutions architect",
    "Developer advocate",
    "Analyst",
    "Policy advisor",
    "Community manager",
]

INDUSTRIES = [
    "computing",
    "finance",
    "healthcare",
    "education",
    "media",
    "energy",
    "retail",
    "manufacturing",
    "logistics",
    "government",
    "nonprofit",
    "biotech",
    "legal",
    "consulting",
    "hospitality",
    "real estate",
    "telecom",
    "automotive",
    "agriculture",
    "gaming",
]

LOCATIONS = [
    "London",
    "Berlin",
    "Paris",
    "Amsterdam",
    "Lisbon",
    "Madrid",
    "Barcelona",
    "Rome",
    "Milan",
    "Zurich",
    "Vienna",
    "Prague",
    "Warsaw",
    "Stockholm",
    "Oslo",
    "Copenhagen",
    "Helsinki",
    "Dublin",
    "Edinburgh",
    "Manchester",
    "New York",
    "San Francisco",
    "Seattle",
    "Austin",
    "Boston",
    "Chicago",
    "Toronto",
    "Montreal",
    "Vancouver",
    "Mexico City",
    "São Paulo",
    "Buenos Aires",
    "Lagos",
    "Nairobi",
    "Cape Town",
    "Cairo",
    "Tel Aviv",
    "Istanbul",
    "Dubai",
    "Mumbai",
    "Bangalore",
    "Singapore",
    "Tokyo",
    "Seoul",
    "Shanghai",
    "Hong Kong",
    "Sydney",
    "Melbourne",
    "Auckland",
    "Remote",
]

CAREER_STAGES = ["student", "junior", "mid", "senior", "lead", "executive", "founder", "retired"]
CAREER_WEIGHTS = [4, 12, 25, 28, 12, 9, 8, 2]

TAGS = [
    "mentor",
    "mentee",
    "analytics",
    "python",
    "rust",
    "design",
    "startup",
    "investor",
    "hiring",
    "speaker",
    "open-source",
    "ml",
    "security",
    "climate",
    "fintech",
    "healthtech",
    "alumni",
    "conference",
    "neighbor",
    "friend",
    "former-colleague",
    "client",
    "vendor",
    "writer",
    "podcast",
    "community",
    "research",
    "board",
    "advisor",
    "sales",
]

HOW_MET = [
    "PyCon {y}",
    "RustConf {y}",
    "a meetup in {loc}",
    "work at {co}",
    "university",
    "an intro from a friend",
    "a hackathon in {y}",
    "LinkedIn",
    "a conference in {loc}",
    "the open-source project",
    "a podcast interview",
    "a dinner party",
    "a customer call",
]

TOPICS = [
    "the hiring plan",
    "their new role",
    "fundraising",
    "the data platform",
    "a conference talk",
    "career options",
    "the migration",
    "team structure",
    "pricing",
    "the open-source release",
    "remote work",
    "a book recommendation",
    "product strategy",
    "their research",
    "the merger",
    "a side project",
    "mentoring juniors",
    "board dynamics",
    "the roadmap",
    "a job referral",
]
PLACES = [
    "the conference",
    "their office",
    "a cafe downtown",
    "the coworking space",
    "the station",
    "the meetup",
    "the airport lounge",
    "a dinner",
    "the park",
    "the university",
]
# (template, channels that fit it)
_TALK = ("in-person", "call", "video")
_WRITE = ("message", "email", "social")
ENTRY_TEMPLATES: list[tuple[str, tuple[str, ...]]] = [
    ("Coffee at {place}", ("in-person",)),
    ("Call about {topic}", ("call",)),
    ("Sent the article on {topic}", ("email", "message", "social")),
    ("Lunch near {place}", ("in-person",)),
    ("Quick chat about {topic}", ("call", "video", "message", "in-person")),
    ("Shared notes on {topic}", ("email", "message")),
    ("Asked for advice on {topic}", _TALK + _WRITE),
    ("Congratulated them on {topic}", _WRITE + ("call",)),
    ("Video call on {topic}", ("video",)),
    ("Met at {place}", ("in-person", "event")),
    ("Followed up on {topic}", _WRITE),
    ("Caught up at {place}", ("in-person", "event")),
    ("Replied to their post about {topic}", ("social",)),
    ("Introduced them to a contact about {topic}", ("email", "message")),
    ("Long walk and talk about {topic}", ("in-person",)),
    ("Exchanged messages about {topic}", ("message",)),
    ("Saw them speak on {topic}", ("event",)),
    ("Email thread about {topic}", ("email",)),
]
PLANNED_TEMPLATES = [
    "Dinner planned at {place}",
    "Call scheduled about {topic}",
    "Coffee planned at {place}",
    "Check in about {topic}",
]
GIVE_GOT = [
    "an intro",
    "feedback on a draft",
    "a reference",
    "a job lead",
    "advice on {topic}",
    "a book",
    "a conference ticket",
    "a code review",
    "hiring help",
]

NOTE_SENTENCES = [
    "Working on {topic} at {co} and keen to compare notes.",
    "Goal for this year: move into a {role_l} position.",
    "Main challenge right now is {topic}.",
    "Has two kids and spends weekends hiking near {loc}.",
    "Very generous with introductions; always follows up.",
    "Prefers short messages over long emails.",
    "We disagree about {topic} but the conversations are always useful.",
    "Knows a lot about {industry} regulation.",
    "Used to work in {industry} before joining {co}.",
    "Mentioned they might relocate to {loc} next year.",
    "Interested in {topic}; send anything good on it.",
    "Speaks at conferences about {topic}.",
    "Runs a small newsletter on {industry}.",
    "Best reached in the morning, {loc} time.",
    "Helped me think through {topic} last year.",
    "Looking for people who have done {topic} before.",
    "Enjoys climbing, jazz and terrible puns.",
    "Vegetarian; remember for dinners.",
    "Was an early reviewer of our {topic} proposal.",
    "Thinks the {industry} market will consolidate soon.",
]

FAMILY_ITEMS = [
    "Partner works in {industry}",
    "Kids: two, both in primary school",
    "Dog named Biscuit",
    "Birthday dinner tradition in {loc}",
    "Parents live in {loc}",
    "Runs marathons",
    "Learning Japanese",
    "Plays cello in an amateur orchestra",
]

CADENCES = ["14d", "21d", "2w", "6w", "1m", "2m", "4m", "1y"]


# --------------------------------------------------------------------------- helpers


def slugify(name: str) -> str:
    """ASCII, lower-case, hyphen-separated slug of ``name``."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    return slug or "contact"


def _unique_names(rng: random.Random, n: int) -> list[str]:
    """``n`` names that stay distinct even compared case- and accent-insensitively
    ("Zoë Chen" and "Zoe Chen" would count as the same person), so slugs are unique too."""
    names: list[str] = []
    used: set[str] = set()  # slugify(name) of every name handed out
    initials = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    for _ in range(n):
        first = rng.choice(FIRST_NAMES)
        last = rng.choice(LAST_NAMES)
        name = f"{first} {last}"
        if slugify(name) in used:
            # try a few random middle initials, then number the name
            for _attempt in range(6):
                candidate = f"{first} {rng.choice(initials)}. {last}"
                if slugify(candidate) not in used:
                    name = candidate
                    break
            else:
                k = 2
                while slugify(f"{first} {last} {k}") in used:
                    k += 1
                name = f"{first} {last} {k}"
        used.add(slugify(name))
        names.append(name)
    return names


def _poissonish(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    return max(0, round(rng.gauss(mean, math.sqrt(mean))))


class _Ctx:
    """Per-contact substitution values for the text templates."""

    __slots__ = ("co", "loc", "industry", "role_l")

    def __init__(self, co: str, loc: str, industry: str, role: str) -> None:
        self.co = co
        self.loc = loc
        self.industry = industry
        self.role_l = role.lower()

    def fill(self, template: str, rng: random.Random) -> str:
        if "{" not in template:
            return template
        return template.format(
            topic=rng.choice(TOPICS),
            place=rng.choice(PLACES),
            co=self.co,
            loc=self.loc,
            industry=self.industry,
            role_l=self.role_l,
        )


def _link(name: str) -> str:
    return f'"[[{name}]]"'


# --------------------------------------------------------------------------- generator


def generate(
    out: Path,
    contacts: int,
    seed: int,
    log_entries: int = 20,
    today: dt.date = DEFAULT_TODAY,
) -> None:
    """Write a vault of ``contacts`` people into ``out`` (must be missing or empty)."""
    out = Path(out)
    if contacts < 0:
        raise ValueError("contacts must be >= 0")
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} exists and is not empty")
    rng = random.Random(seed)

    out.mkdir(parents=True, exist_ok=True)
    _write(out / "netkit.yaml", NETKIT_YAML)
    _write(out / ".gitignore", GITIGNORE)
    contacts_dir = out / "contacts"
    contacts_dir.mkdir()

    names = _unique_names(rng, contacts)

    # names are already unique by slug; this guard only keeps that true if that changes
    slugs: list[str] = []
    used_slugs: set[str] = set()
    for name in names:
        base = slugify(name)
        slug = base
        k = 2
        while slug in used_slugs:
            slug = f"{base}-{k}"
            k += 1
        used_slugs.add(slug)
        slugs.append(slug)

    # exact tier proportions 10% / 25% / 65%, shuffled
    n1 = round(contacts * 0.10)
    n2 = round(contacts * 0.25)
    tiers = [1] * n1 + [2] * n2 + [3] * (contacts - n1 - n2)
    rng.shuffle(tiers)
    # keeps the overall mean at ~log_entries: 0.1*1.6 + 0.25*1.2 + 0.65*(0.54/0.65) = 1.0
    tier_factor = {1: 1.6, 2: 1.2, 3: 0.54 / 0.65}

    used_aliases: set[str] = set(slugs)  # aliases must not clash with any name either
    today_ord = today.toordinal()
    # ISO strings for today - LOG_WINDOW_DAYS .. today + 120, indexed by offset from `lo`
    lo = today_ord - 15 * 366
    iso = [dt.date.fromordinal(o).isoformat() for o in range(lo, today_ord + 121)]

    def day(ordinal: int) -> str:
        return iso[ordinal - lo]

    for i in range(contacts):
        name = names[i]
        slug = slugs[i]
        tier = tiers[i]
        first = name.split(" ", 1)[0]
        co = f"{rng.choice(COMPANY_A)} {rng.choice(COMPANY_B)}{rng.choice(COMPANY_SUFFIX)}"
        role = rng.choice(ROLES)
        industry = rng.choice(INDUSTRIES)
        loc = rng.choice(LOCATIONS)
        ctx = _Ctx(co, loc, industry, role)

        fm: list[str] = ["---", f"name: {name}", f"tier: {tier}"]
        r = rng.random()
        if r < 0.05:
            fm.append(f"cadence: {rng.choice(CADENCES)}")
        r = rng.random()
        if r < 0.05:
            fm.append("status: paused")
        elif r < 0.08:
            fm.append("status: archived")
        elif r < 0.40:
            fm.append("status: active")
        if rng.random() < 0.03:
            fm.append(f"snooze_until: {day(today_ord + rng.randint(-30, 90))}")
        if rng.random() < 0.08:
            alias = NICKNAMES.get(first) or f"{first} {name.rsplit(' ', 1)[-1][0]}."
            if slugify(alias) not in used_aliases:
                used_aliases.add(slugify(alias))
                fm.append("aliases:")
                fm.append(f"  - {alias}")
        ntags = rng.choice((0, 1, 1, 2, 2, 2, 3, 3, 4))
        if ntags:
            fm.append("tags:")
            for tag in rng.sample(TAGS, ntags):
                fm.append(f"  - {tag}")
        fm.append(f"company: {co}")
        fm.append(f"role: {role}")
        fm.append(f"industry: {industry}")
        fm.append(f"location: {loc}")
        fm.append(f"career_stage: {rng.choices(CAREER_STAGES, weights=CAREER_WEIGHTS)[0]}")
        met_ord = today_ord - rng.randint(30, 15 * 365)
        fm.append(f"met: {day(met_ord)}")
        if rng.random() < 0.5:
            how = rng.choice(HOW_MET).format(y=dt.date.fromordinal(met_ord).year, loc=loc, co=co)
            fm.append(f"how_met: {how}")
        if contacts > 1 and rng.random() < 0.10:
            j = rng.randrange(contacts - 1)
            other = names[j if j < i else j + 1]
            fm.append(f"introduced_by: {_link(other)}")
        if contacts > 1 and rng.random() < 0.15:
            fm.append("knows:")
            for _ in range(rng.randint(1, 3)):
                j = rng.randrange(contacts - 1)
                fm.append(f"  - {_link(names[j if j < i else j + 1])}")
        fm.append(f"email: {slug}@example.{rng.choice(('com', 'org', 'net'))}")
        fm.append(
            f'phone: "+{rng.randint(1, 99)} {rng.randint(10, 999)} '
            f'{rng.randint(100, 999)} {rng.randint(1000, 9999)}"'
        )
        if rng.random() < 0.6:
            fm.append(f"linkedin: https://www.linkedin.com/in/{slug}")
        r = rng.random()
        if r < 0.20:
            fm.append(f'birthday: "--{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"')
        elif r < 0.40:
            born = dt.date(rng.randint(1950, 2004), rng.randint(1, 12), rng.randint(1, 28))
            fm.append(f"birthday: {born.isoformat()}")
        fm.append("---")

        # ---- body: title, 1-3 paragraphs of notes (300-1500 chars), optional extra
        # section with free-text list items, then the log (always last)
        body: list[str] = [f"# {name}", ""]
        target = rng.randint(300, 1500)
        paragraphs = rng.randint(1, 3)
        per_par = target // paragraphs
        for _p in range(paragraphs):
            par: list[str] = []
            length = 0
            while length < per_par:
                s = ctx.fill(rng.choice(NOTE_SENTENCES), rng)
                par.append(s)
                length += len(s) + 1
            if contacts > 1 and rng.random() < 0.1:
                j = rng.randrange(contacts - 1)
                par.append(f"Introduced me to [[{names[j if j < i else j + 1]}]].")
            body.append(" ".join(par))
            body.append("")
        if rng.random() < 0.2:
            body.append("## Personal")
            for item in rng.sample(FAMILY_ITEMS, rng.randint(1, 3)):
                body.append(f"- {ctx.fill(item, rng)}")
            body.append("")

        body.append("## Log")
        n_past = _poissonish(rng, log_entries * tier_factor[tier])
        low = max(today_ord - LOG_WINDOW_DAYS, met_ord)
        dated: list[tuple[int, str]] = []
        for _e in range(n_past):
            d = rng.randint(low, today_ord - 1)
            template, fitting = rng.choice(ENTRY_TEMPLATES)
            text = ctx.fill(template, rng)
            r = rng.random()
            if r < 0.06:
                dated.append((d, text))  # no inline fields at all
                continue
            channel = rng.choice(fitting)
            parts = [text, f"[channel:: {channel}]"]
            if rng.random() < 0.6:
                parts.append("[by:: me]")
                r = rng.random()
                if r < 0.65:
                    parts.append("[reply:: yes]")
                elif r < 0.85:
                    parts.append("[reply:: no]")
            else:
                parts.append("[by:: them]")
            r = rng.random()
            if r < 0.06:
                parts.append(f"[gave:: {ctx.fill(rng.choice(GIVE_GOT), rng)}]")
            elif r < 0.12:
                parts.append(f"[got:: {ctx.fill(rng.choice(GIVE_GOT), rng)}]")
            elif r < 0.14 and contacts > 1:
                j = rng.randrange(contacts - 1)
                parts.append(f"[gave:: intro to [[{names[j if j < i else j + 1]}]]]")
            dated.append((d, " ".join(parts)))
        if rng.random() < 0.08:
            for _e in range(rng.randint(1, 2)):
                d = today_ord + rng.randint(1, 90)
                text = ctx.fill(rng.choice(PLANNED_TEMPLATES), rng)
                channel = rng.choice(("in-person", "call", "video"))
                dated.append((d, f"{text} [channel:: {channel}]"))
        # half the people keep the log newest-first, half append at the bottom
        dated.sort(key=lambda e: e[0], reverse=rng.random() < 0.5)
        for d, text in dated:
            body.append(f"- {day(d)} {text}")

        folder = contacts_dir / f"{i // FILES_PER_FOLDER:03d}"
        if i % FILES_PER_FOLDER == 0:
            folder.mkdir()
        _write(folder / f"{slug}.md", "\n".join(fm) + "\n" + "\n".join(body) + "\n")


def _write(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


# --------------------------------------------------------------------------- CLI


def _parse_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {value!r}") from exc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate a deterministic netkit vault.")
    parser.add_argument("out_dir", metavar="OUT_DIR", type=Path)
    parser.add_argument("--contacts", type=int, required=True, metavar="N")
    parser.add_argument("--seed", type=int, required=True, metavar="S")
    parser.add_argument(
        "--log-entries",
        type=int,
        default=20,
        metavar="K",
        help="mean log entries per contact (default 20)",
    )
    parser.add_argument(
        "--today",
        type=_parse_date,
        default=DEFAULT_TODAY,
        help="reference date (default 2026-11-22; the clock is never read)",
    )
    parser.add_argument("--force", action="store_true", help="delete OUT_DIR first if it exists")
    args = parser.parse_args(argv)
    if args.contacts < 0:
        parser.error("--contacts must be >= 0")
    out: Path = args.out_dir
    if out.exists() and any(out.iterdir()):
        if not args.force:
            parser.error(f"{out} exists and is not empty (use --force to replace it)")
        shutil.rmtree(out)
    generate(out, args.contacts, args.seed, args.log_entries, args.today)
    return 0


if __name__ == "__main__":
    sys.exit(main())
