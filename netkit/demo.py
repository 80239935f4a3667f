"""Realistic sample content for ``netkit init DIR --demo``.

:func:`demo_files` returns the demo's *own* files only: 48 contact files under ``contacts/``
and three daily notes under ``journal/``. It deliberately does not return ``netkit.yaml``,
``README.md``, ``.gitignore``, ``.gitattributes`` or ``.obsidian/``: ``netkit init --demo``
first copies ``vault_template/`` exactly as plain ``netkit init`` does (so both kinds of vault
share one set of settings and docs), then writes these files on top. The template's three
example contacts (Ada Lovelace, Grace Hopper, Charles Babbage) have names and paths distinct
from every demo contact, so nothing collides; demo wikilinks point only at demo contacts.

Every date in the demo is relative to the ``today`` argument, so a freshly created demo vault
always shows a mix of overdue people, people due soon, people on schedule, a planned
touchpoint and upcoming birthdays. The output is a pure function of ``today``: randomness
comes from ``random.Random`` with a fixed seed, never from the clock.

The shape of the demo, for docs and tests:

* 8 tier-1, 15 tier-2 and 25 tier-3 contacts;
* Hannah Schmidt is ``paused``, Ben Fischer ``archived`` (one-way for his last three
  entries), Rafael Costa is overdue but snoozed until ``today + 25``;
* Amara Nwosu (``cadence: 14d``) and Ingrid Larsen (``cadence: 2m``) override their tier;
* Nora Jansen was never contacted (empty log);
* José Álvarez has the one planned entry (``today + 6``);
* Liam O'Brien and Marcus Johnson are one-way: every entry is ``[by:: me]`` and every
  outreach got ``[reply:: no]``;
* Aisha Mohammed (and a few tier-3 people) are email-only, Priya Raman and Olga Petrova
  mostly in person;
* birthdays with and without a year, two within the next ten days, Jack Thompson's on
  29 February.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

import yaml

__all__ = ["DEMO_SEED", "demo_files", "slugify"]

#: seed of the demo's random generator; changing it changes every demo vault
DEMO_SEED = 20240501

_TIER_CADENCE_DAYS = {1: 30, 2: 90, 3: 180}
_UNIT_DAYS = {"d": 1, "w": 7, "m": 30, "y": 365}

# Letters that Unicode decomposition does not reduce to ASCII.
_FOLD = str.maketrans(
    {
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ø": "o",
        "Ø": "O",
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ı": "i",
        "þ": "th",
        "ð": "d",
    }
)


def slugify(name: str) -> str:
    """File-name slug of a person's name: ASCII-folded, lowercase, words joined by ``-``.

    ``"José Álvarez"`` -> ``"jose-alvarez"``, ``"Liam O'Brien"`` -> ``"liam-o-brien"``.
    """
    folded = unicodedata.normalize("NFKD", name.translate(_FOLD))
    ascii_only = folded.encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_only).strip("-")


@dataclasses.dataclass(frozen=True)
class _Person:
    """One demo contact, described by hand; the log is generated from it."""

    name: str
    tier: int
    company: str
    role: str
    industry: str
    location: str
    stage: str
    how_met: str
    notes: str
    topics: tuple[str, ...]
    #: (text, channel) of the first log entry: how we met
    first: tuple[str, str] = ("First conversation", "in-person")
    #: days before today of the most recent past log entry
    last_ago: int = 30
    #: number of past log entries (0 = never contacted)
    n: int = 3
    #: in_person | video | call | reciprocal | email_only | social | one_way | fading
    style: str = "reciprocal"
    tags: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    knows: tuple[str, ...] = ()
    introduced_by: str | None = None
    email: bool = True
    phone: str | None = None
    linkedin: bool = False
    #: fixed birthday, ``YYYY-MM-DD`` or ``--MM-DD``
    birthday: str | None = None
    #: birthday relative to today: (days from today, birth year or None for ``--MM-DD``)
    birthday_in: tuple[int, int | None] | None = None
    status: str = "active"
    snooze_days: int | None = None
    cadence: str | None = None
    #: met this many days before the first log entry (or before today, without a log)
    met_before: int = 0
    #: (text, channel, by) of the most recent past entry, when it must say something specific
    last: tuple[str, str, str] | None = None
    #: (days ahead, text, channel) of a planned entry
    planned: tuple[int, str, str] | None = None


_PEOPLE: tuple[_Person, ...] = (
    # ---------------------------------------------------------------- tier 1: inner circle
    _Person(
        name="Priya Raman",
        tier=1,
        company="Lumen Health",
        role="VP Engineering",
        industry="healthcare technology",
        location="London",
        stage="executive",
        how_met="Former colleague at Quanta Bank",
        notes=(
            "Priya was my tech lead at Quanta Bank and is still the first person I call about "
            "leadership questions. Now VP Engineering at Lumen Health, running about 120 "
            "engineers across London and Pune.\n\n"
            "**Goals:** become a CTO within two years, ideally at a company with a real "
            "clinical mission; get better at board-level communication.\n\n"
            "**Challenges:** the platform team is stretched thin after a re-org, and two senior "
            "hires fell through this quarter. Worried that on-call load will burn out her best "
            "people.\n\n"
            "**Family:** partner Dev, two kids (Isha, 9, and Kabir, 6). Runs half-marathons; "
            "training for Berlin.\n\n"
            "**How I can help:** candidates for staff engineer roles, and people who have been "
            "first-time CTOs."
        ),
        topics=(
            "the platform re-org",
            "hiring staff engineers",
            "her keynote at a leadership conference",
            "on-call burnout",
            "board reporting",
            "my own promotion case",
        ),
        first=("First coffee after she left Quanta Bank", "in-person"),
        last_ago=12,
        n=18,
        style="in_person",
        tags=("mentor", "engineering-leadership"),
        knows=("Daniel Okafor", "Sarah Goldberg", "Amara Nwosu", "Aisha Mohammed"),
        phone="+44 20 7946 0321",
        linkedin=True,
        birthday_in=(9, 1984),
        met_before=1500,
        last=("Breakfast near King's Cross; rehearsed her keynote", "in-person", "them"),
    ),
    _Person(
        name="Daniel Okafor",
        tier=1,
        company="Kora Logistics",
        role="Founder & CEO",
        industry="logistics",
        location="Lagos",
        stage="founder",
        how_met="Introduced by Priya",
        notes=(
            "Daniel runs Kora Logistics: last-mile delivery and cold-chain for small merchants "
            "in Lagos, expanding to Accra. Sharp, fast, and candid about what isn't working.\n\n"
            "**Goals:** close a Series A in the next six months and open in Ghana; wants an "
            "experienced CFO in place before the round.\n\n"
            "**Challenges:** investors keep asking for unit economics he can't show yet, and "
            "fuel prices wreck his margins every quarter. He is tired, and says so.\n\n"
            "**Family:** wife Ngozi, a baby daughter born this spring. Arsenal fan.\n\n"
            "**How I can help:** warm intros to investors who understand African logistics "
            "(José's fund?), and being a sounding board on senior hires."
        ),
        topics=(
            "the Series A",
            "cold-chain pilots in Accra",
            "hiring a CFO",
            "pricing for small shippers",
            "fundraising fatigue",
        ),
        first=("Intro call arranged by Priya", "video"),
        last_ago=41,
        n=14,
        style="reciprocal",
        tags=("founder", "logistics", "africa"),
        knows=("Priya Raman", "José Álvarez", "Kwame Mensah", "Samuel Adeyemi"),
        introduced_by="Priya Raman",
        linkedin=True,
    ),
    _Person(
        name="Mei Lin Chen",
        tier=1,
        company="Tideline",
        role="Director of Product Design",
        industry="consumer software",
        location="Singapore",
        stage="senior",
        how_met="Design systems workshop in Singapore",
        notes=(
            "Mei leads product design at Tideline, a savings app with three million users. We "
            "met pairing on an exercise at a workshop and have swapped notes on design systems "
            "ever since.\n\n"
            "**Goals:** build a design team that researchers and engineers trust; considering a "
            "part-time master's in human-computer interaction.\n\n"
            "**Challenges:** first time managing managers, and the research budget was cut, so "
            "she has to justify every study.\n\n"
            "**Family:** lives with her parents and younger brother; weekend hikes at "
            "MacRitchie.\n\n"
            "**How I can help:** examples of research-impact write-ups; Tomás for freelance "
            "research."
        ),
        topics=(
            "design systems governance",
            "her move into management",
            "user research budgets",
            "accessibility audits",
            "the HCI master's",
        ),
        first=("Paired on an exercise at a design systems workshop", "event"),
        last_ago=26,
        n=15,
        style="video",
        tags=("design", "asia"),
        aliases=("Mei", "陈美琳"),
        knows=("Kenji Watanabe", "Tomás Herrera"),
        linkedin=True,
    ),
    _Person(
        name="José Álvarez",
        tier=1,
        company="Sierra Norte Ventures",
        role="General Partner",
        industry="venture capital",
        location="Madrid",
        stage="executive",
        how_met="Pitch feedback session at a Madrid startup conference",
        notes=(
            "José is a general partner at Sierra Norte Ventures (seed and Series A, climate and "
            "logistics). Gave the most useful pitch feedback I've ever had, in five minutes.\n\n"
            "**Goals:** close Fund II at €80M by spring; build a bench of operators he can "
            "place in portfolio companies.\n\n"
            "**Challenges:** limited partners want faster distributions; two portfolio companies "
            "need bridge rounds at the same time.\n\n"
            "**Family:** married to Lucía, twin boys. Plays padel every Sunday, badly by his own "
            "account.\n\n"
            "**How I can help:** operator candidates, founder references, the occasional "
            "technical due diligence."
        ),
        topics=(
            "the new fund",
            "climate-tech deal flow",
            "founder references",
            "limited-partner reporting",
            "startup visas in Spain",
        ),
        first=("Met at the pitch feedback session", "event"),
        last_ago=8,
        n=16,
        style="reciprocal",
        tags=("investor", "climate", "spain"),
        aliases=("Pepe",),
        knows=("Daniel Okafor", "Tomás Herrera", "Chloé Martin", "Zanele Dlamini"),
        linkedin=True,
        birthday="--07-14",
        last=("Lunch in Chamberí; he is closing Fund II", "in-person", "me"),
        planned=(6, "Dinner planned with his co-founders", "in-person"),
    ),
    _Person(
        name="Amara Nwosu",
        tier=1,
        company="Brightbank",
        role="Software engineer",
        industry="fintech",
        location="Manchester",
        stage="junior",
        how_met="Mentoring scheme at my old bootcamp",
        notes=(
            "Amara is my mentee: a year into her first engineering job at Brightbank after "
            "switching from pharmacy. Fortnightly cadence while the mentoring scheme runs.\n\n"
            "**Goals:** promotion to mid-level within a year; give her first meetup talk; get "
            "comfortable with Go.\n\n"
            "**Challenges:** imposter syndrome in code review; her manager is rarely available, "
            "so she has no one to calibrate against.\n\n"
            "**How I can help:** mock promotion conversations, an intro to Priya, reviewing her "
            "talk abstract."
        ),
        topics=(
            "her first big code review",
            "imposter syndrome",
            "the promotion rubric",
            "learning Go",
            "her meetup talk",
            "pairing with seniors",
        ),
        first=("First mentoring session", "video"),
        last_ago=16,
        n=22,
        style="video",
        tags=("mentee",),
        knows=("Priya Raman",),
        phone="+44 161 496 0754",
        cadence="14d",
        met_before=3,
    ),
    _Person(
        name="Hannah Schmidt",
        tier=1,
        company="Nordwind Energie",
        role="Staff data scientist",
        industry="renewable energy",
        location="Hamburg",
        stage="senior",
        how_met="PyData Berlin speaker dinner",
        notes=(
            "Hannah builds wind-power forecasting models at Nordwind Energie. Co-wrote a "
            "workshop with me and is the most rigorous statistician I know.\n\n"
            "**Goals:** lead the grid-balancing project when she returns; eventually a "
            "principal role.\n\n"
            "**Challenges:** her team was reorganised while she was away.\n\n"
            "**Family:** partner Jonas; their son was born in the summer.\n\n"
            "On parental leave until April: status is `paused` so netkit doesn't nag. Unpause "
            "when she's back and send a welcome-back note."
        ),
        topics=(
            "wind forecast models",
            "her PyData talk",
            "going part-time",
            "the grid-balancing project",
        ),
        first=("Met at the PyData Berlin speaker dinner", "event"),
        last_ago=70,
        n=12,
        style="reciprocal",
        tags=("data-science", "energy"),
        knows=("Astrid Johansson", "Elena Popescu"),
        birthday="1987-03-21",
        status="paused",
    ),
    _Person(
        name="Rafael Costa",
        tier=1,
        company="Verdant Foods",
        role="Head of Partnerships",
        industry="food and agriculture",
        location="São Paulo",
        stage="lead",
        how_met="Sustainable food panel in Lisbon",
        notes=(
            "Rafael runs partnerships at Verdant Foods, a plant-protein company sourcing from "
            "smallholder farms. Warm, funny, knows everyone in Brazilian agritech.\n\n"
            "**Goals:** land a national supermarket listing; publish the regenerative farming "
            "pilot results.\n\n"
            "**Challenges:** export rules keep changing; his team is exhausted after harvest "
            "season.\n\n"
            "Snoozed: he is heads-down on the harvest launch and asked to talk again next month."
        ),
        topics=(
            "regenerative farming pilots",
            "the supermarket listing",
            "Brazilian export rules",
            "his team's workload",
        ),
        first=("Shared a panel on sustainable supply chains", "event"),
        last_ago=55,
        n=13,
        style="call",
        tags=("partnerships", "food", "latam"),
        knows=("Carlos Mendoza", "Mateus Silva"),
        snooze_days=25,
    ),
    _Person(
        name="Sarah Goldberg",
        tier=1,
        company="Brightpath Learning",
        role="Chief Operating Officer",
        industry="education technology",
        location="New York",
        stage="executive",
        how_met="My first manager, at Quanta Bank",
        notes=(
            "Sarah hired me into my first real job and has been my mentor since. Now COO at "
            "Brightpath Learning, an online tutoring company.\n\n"
            "**Goals:** take Brightpath into the UK; join a non-profit board; finish the book on "
            "operations she has been drafting for years.\n\n"
            "**Challenges:** UK expansion means long flights and a teenage son who would "
            "rather she stayed home. Looking for a Head of People.\n\n"
            "**Family:** husband Mark, son Eli (15). Runs a monthly book club.\n\n"
            "**How I can help:** London contacts for the UK launch, People-leader candidates, "
            "reading her drafts."
        ),
        topics=(
            "Brightpath's UK expansion",
            "my next career move",
            "board dynamics",
            "hiring a Head of People",
            "her book club picks",
            "her operations book",
        ),
        first=("Farewell lunch when she left Quanta Bank", "in-person"),
        last_ago=33,
        n=25,
        style="reciprocal",
        tags=("mentor", "former-manager", "education"),
        knows=("Priya Raman", "Noah Williams", "Grace Kim"),
        phone="+1 212 555 0142",
        linkedin=True,
        birthday="1975-11-02",
        met_before=900,
    ),
    # ---------------------------------------------------------------- tier 2: valued
    _Person(
        name="Kenji Watanabe",
        tier=2,
        company="Hoshi Robotics",
        role="Senior robotics engineer",
        industry="robotics",
        location="Osaka",
        stage="senior",
        how_met="Robotics meetup in Tokyo",
        notes=(
            "Kenji designs grasping systems for warehouse robots. Wants to start his own "
            "company within three years; worried about leaving a stable job with a young "
            "family."
        ),
        topics=("warehouse grasping", "starting a company", "robot safety standards"),
        first=("Met at a robotics meetup in Tokyo", "event"),
        last_ago=80,
        n=7,
        style="video",
        tags=("robotics", "japan"),
        knows=("Mei Lin Chen", "Hiroshi Sato"),
        birthday="1990-04-18",
    ),
    _Person(
        name="Fatima Zahra Benali",
        tier=2,
        company="Digital Rights Forum",
        role="Senior policy advisor",
        industry="public policy",
        location="Brussels",
        stage="senior",
        how_met="AI regulation roundtable",
        notes=(
            "Fatima Zahra works on AI and data regulation. Goal: get practitioners into policy "
            "consultations earlier. Challenge: engineers rarely answer her calls for input."
        ),
        topics=("the AI Act", "data-sharing rules", "her report on algorithmic hiring"),
        first=("Sat next to each other at an AI regulation roundtable", "event"),
        last_ago=130,
        n=6,
        tags=("policy", "ai-ethics"),
        knows=("Yasmin Haddad", "David Levi"),
    ),
    _Person(
        name="Liam O'Brien",
        tier=2,
        company="Cobalt Cloud",
        role="Regional sales director",
        industry="enterprise software",
        location="Dublin",
        stage="senior",
        how_met="Sales kickoff dinner in Dublin",
        notes=(
            "Liam sells Cobalt Cloud's data platform across Europe. Seemed keen on a "
            "partnership at the dinner, but I have written five times since and he has never "
            "replied. Candidate for tier 3, or for letting go."
        ),
        topics=("a possible partnership", "Cobalt's expansion", "a joint case study"),
        first=("Swapped cards at a sales kickoff dinner", "in-person"),
        last_ago=100,
        n=6,
        style="one_way",
        tags=("prospect",),
    ),
    _Person(
        name="Aisha Mohammed",
        tier=2,
        company="St. Brigid's Children's Hospital",
        role="Clinical lead, paediatrics",
        industry="healthcare",
        location="Toronto",
        stage="senior",
        how_met="Judge at a hospital scheduling hackathon",
        notes=(
            "Aisha is a paediatrician who champions better scheduling software for clinicians. "
            "Prefers email (she's on the wards all day). Goal: a city-wide pilot of the "
            "scheduling tool. Challenge: procurement takes years."
        ),
        topics=(
            "clinician burnout data",
            "the scheduling tool pilot",
            "patient-facing apps",
            "her residency programme",
        ),
        first=("Emailed after she judged the scheduling hackathon", "email"),
        last_ago=45,
        n=9,
        style="email_only",
        tags=("healthcare", "clinician"),
        knows=("Priya Raman",),
    ),
    _Person(
        name="Tomás Herrera",
        tier=2,
        company="Independent",
        role="UX researcher (freelance)",
        industry="design research",
        location="Mexico City",
        stage="mid",
        how_met="Introduced by José",
        notes=(
            "Tomás runs research sprints for startups, specialising in low-income users. Wants "
            "steadier retainer clients; finds pricing his work hard."
        ),
        topics=(
            "pricing his research sprints",
            "a project for Tideline",
            "remote research with low-income users",
        ),
        first=("Intro call arranged by José", "video"),
        last_ago=60,
        n=6,
        style="video",
        tags=("design", "freelancer", "latam"),
        knows=("José Álvarez", "Mei Lin Chen"),
        introduced_by="José Álvarez",
    ),
    _Person(
        name="Olga Petrova",
        tier=2,
        company="Northstar Retail",
        role="Chief Financial Officer",
        industry="retail",
        location="Berlin",
        stage="executive",
        how_met="CFO breakfast series",
        notes=(
            "Olga is CFO of a 400-store retail chain. Considering her first non-executive board "
            "seat; her challenge is shrinking margins and a slow inventory system."
        ),
        topics=("inventory forecasting", "a board seat she's considering", "retail margins"),
        first=("Introduced ourselves at a CFO breakfast", "in-person"),
        last_ago=95,
        n=5,
        style="in_person",
        tags=("finance", "retail"),
        aliases=("Ольга Петрова",),
    ),
    _Person(
        name="Grace Kim",
        tier=2,
        company="The Ledger",
        role="Technology reporter",
        industry="media",
        location="San Francisco",
        stage="mid",
        how_met="She interviewed me for a story",
        notes=(
            "Grace covers fintech and AI for The Ledger. Always looking for practitioners who "
            "will talk on the record; her challenge is getting past PR teams. Off the record "
            "means off the record with her."
        ),
        topics=("AI in lending", "fintech layoffs", "sources for her next piece"),
        first=("Interview for her story on fintech layoffs", "call"),
        last_ago=20,
        n=8,
        tags=("press", "media"),
        knows=("Sarah Goldberg", "Marcus Johnson"),
        phone="+1 415 555 0188",
        birthday_in=(-5, None),
        last=("Ran into each other at a fintech conference", "event", "them"),
    ),
    _Person(
        name="Arjun Mehta",
        tier=2,
        company="PayWave",
        role="Senior product manager",
        industry="fintech",
        location="Bangalore",
        stage="mid",
        how_met="Product management Slack community",
        notes=(
            "Arjun owns merchant payments at PayWave. Wants to move to Europe in the next two "
            "years; unsure how his experience with Indian payment rails will translate."
        ),
        topics=("merchant payments", "product interview loops", "moving to Europe"),
        first=("Video chat after a thread in a product Slack community", "video"),
        last_ago=88,
        n=8,
        tags=("product", "fintech", "india"),
        knows=("Ravi Krishnan",),
        linkedin=True,
    ),
    _Person(
        name="Chloé Martin",
        tier=2,
        company="Atelier Lumière",
        role="Partner architect",
        industry="architecture",
        location="Lyon",
        stage="senior",
        how_met="José's birthday dinner",
        notes=(
            "Chloé designs timber schools and libraries. Goal: win a large public "
            "competition; challenge: clients want net-zero buildings at yesterday's prices."
        ),
        topics=("timber construction", "her competition entry", "net-zero clients"),
        first=("Met at José's birthday dinner", "in-person"),
        last_ago=150,
        n=5,
        style="in_person",
        tags=("architecture", "france"),
        knows=("José Álvarez",),
        introduced_by="José Álvarez",
    ),
    _Person(
        name="Samuel Adeyemi",
        tier=2,
        company="CivicLab Lagos",
        role="Programme director",
        industry="non-profit",
        location="Lagos",
        stage="mid",
        how_met="Volunteered at a civic tech hackathon",
        notes=(
            "Samuel runs civic technology programmes for young developers. Goal: a paid "
            "fellowship for twenty developers a year; challenge: funding is project by project."
        ),
        topics=("the fellowship idea", "funders for civic tech", "his mentoring network"),
        first=("Met volunteering at a civic tech hackathon", "event"),
        last_ago=20,
        n=7,
        tags=("civic-tech", "nonprofit", "africa"),
        knows=("Daniel Okafor", "Kwame Mensah"),
        last=("Caught up at the fintech conference", "event", "me"),
    ),
    _Person(
        name="Ingrid Larsen",
        tier=2,
        company="Fjord Talent",
        role="Senior talent partner",
        industry="recruiting",
        location="Oslo",
        stage="mid",
        how_met="She recruited me for a role I turned down",
        notes=(
            "Ingrid recruits engineering leaders in the Nordics. Every two months rather than "
            "quarterly: she hears about roles before they are posted, and I send her "
            "candidates."
        ),
        topics=("the Nordic hiring market", "referrals for her open roles", "salary benchmarks"),
        first=("Screening call for a role I turned down", "call"),
        last_ago=50,
        n=9,
        tags=("recruiter",),
        cadence="2m",
    ),
    _Person(
        name="Noah Williams",
        tier=2,
        company="University of Caledonia",
        role="Professor of computational linguistics",
        industry="higher education",
        location="Edinburgh",
        stage="senior",
        how_met="Guest lecture Sarah arranged",
        notes=(
            "Noah researches speech models for minority languages, Gaelic especially. Wants "
            "more industry PhD placements for his students."
        ),
        topics=(
            "his students' job prospects",
            "an industry PhD project",
            "speech models for Gaelic",
        ),
        first=("Guest lecture for his course, arranged by Sarah", "in-person"),
        last_ago=70,
        n=6,
        tags=("academia", "nlp"),
        knows=("Sarah Goldberg",),
        introduced_by="Sarah Goldberg",
    ),
    _Person(
        name="Yasmin Haddad",
        tier=2,
        company="Haddad & Partners",
        role="Partner, technology transactions",
        industry="legal",
        location="Dubai",
        stage="senior",
        how_met="Negotiated opposite each other on a licensing deal",
        notes=(
            "Yasmin was the other side's lawyer on our licensing deal and was so fair that we "
            "kept in touch. Opening a Riyadh office; wants more speaking slots on data law."
        ),
        topics=("data-residency clauses", "her firm's Riyadh office", "a speaking slot"),
        first=("Closing call on the licensing deal", "call"),
        last_ago=110,
        n=5,
        tags=("legal", "middle-east"),
        knows=("Fatima Zahra Benali",),
    ),
    _Person(
        name="Łukasz Nowak",
        tier=2,
        company="Baltic Cloud Systems",
        role="DevOps lead",
        industry="cloud infrastructure",
        location="Warsaw",
        stage="lead",
        how_met="KubeCon Europe hallway track",
        notes=(
            "Łukasz leads a platform team and maintains an open-source on-call scheduler. Goal: "
            "turn the scheduler into a company; challenge: no time outside work."
        ),
        topics=("platform engineering", "on-call tooling", "his Kubernetes migration"),
        first=("Hallway chat at KubeCon about on-call tooling", "event"),
        last_ago=40,
        n=6,
        tags=("devops", "open-source"),
        knows=("Elena Popescu",),
    ),
    _Person(
        name="Zanele Dlamini",
        tier=2,
        company="Ubuntu Capital",
        role="Investment director",
        industry="impact investing",
        location="Johannesburg",
        stage="senior",
        how_met="Impact investing summit in Cape Town",
        notes=(
            "Zanele invests in off-grid energy and women-led businesses across southern "
            "Africa. Looking for co-investors on small deals that bigger funds ignore."
        ),
        topics=("off-grid solar deals", "blended finance", "gender-lens investing"),
        first=("Met at the Cape Town impact investing summit", "event"),
        last_ago=85,
        n=6,
        style="video",
        tags=("investor", "impact", "africa"),
        knows=("Kwame Mensah", "José Álvarez"),
        birthday_in=(3, None),
    ),
    # ---------------------------------------------------------------- tier 3: broader network
    _Person(
        name="Ethan Brooks",
        tier=3,
        company="Hawthorne State University",
        role="Economics student",
        industry="education",
        location="Columbus, OH",
        stage="student",
        how_met="Career fair at his university",
        notes="Final-year economics student hoping to get into data analytics; asked for CV tips.",
        topics=("internships in data", "his thesis on housing"),
        first=("Chatted at his university's career fair", "event"),
        last_ago=120,
        n=2,
        style="email_only",
        tags=("student",),
    ),
    _Person(
        name="Sofia Rossi",
        tier=3,
        company="Lanificio Verde",
        role="Marketing manager",
        industry="fashion",
        location="Milan",
        stage="mid",
        how_met="Milan Design Week party",
        notes="Markets recycled wool fabrics; wants to move into brand strategy.",
        topics=("sustainable textiles", "influencer campaigns"),
        first=("Met at a Design Week party", "event"),
        last_ago=190,
        n=3,
        style="social",
        tags=("marketing", "italy"),
        knows=("Matteo Bianchi",),
    ),
    _Person(
        name="Matteo Bianchi",
        tier=3,
        company="Osteria del Ponte",
        role="Chef and owner",
        industry="hospitality",
        location="Turin",
        stage="founder",
        how_met="A friend's wedding in Piedmont",
        notes="Runs a small osteria; planning a second restaurant and fighting with booking software.",
        topics=("opening a second restaurant", "booking software"),
        first=("Seated together at a friend's wedding", "in-person"),
        last_ago=240,
        n=3,
        style="in_person",
        tags=("hospitality", "italy"),
        knows=("Sofia Rossi",),
        email=False,
    ),
    _Person(
        name="Nguyễn Thị Lan",
        tier=3,
        company="Saigon Test Lab",
        role="QA engineering manager",
        industry="software testing",
        location="Ho Chi Minh City",
        stage="mid",
        how_met="Vendor call about an offshore testing contract",
        notes="Lan manages 30 testers; moving her team from manual testing to automation.",
        topics=("test automation", "her team's tooling migration"),
        first=("Vendor call about an offshore testing contract", "video"),
        last_ago=60,
        n=3,
        tags=("qa", "vietnam"),
        aliases=("Lan",),
    ),
    _Person(
        name="Carlos Mendoza",
        tier=3,
        company="Andes Infraestructura",
        role="Civil engineer",
        industry="construction",
        location="Lima",
        stage="mid",
        how_met="Rafael's team offsite",
        notes="Designs irrigation projects; wants to move into project management.",
        topics=("irrigation projects", "moving into project management"),
        first=("Met at Rafael's team offsite", "in-person"),
        last_ago=175,
        n=2,
        tags=("engineering", "latam"),
        knows=("Rafael Costa",),
        introduced_by="Rafael Costa",
    ),
    _Person(
        name="Emily Carter",
        tier=3,
        company="Midwest Mutual",
        role="HR business partner",
        industry="insurance",
        location="Chicago",
        stage="mid",
        how_met="HR tech conference in Chicago",
        notes="Rolling out a new performance-review process; sceptical of HR analytics vendors.",
        topics=("performance reviews", "HR analytics"),
        first=("Met at an HR tech conference", "event"),
        last_ago=90,
        n=3,
        style="email_only",
        tags=("hr",),
        phone="+1 312 555 0175",
    ),
    _Person(
        name="Omar Farouk",
        tier=3,
        company="Nile Analytics",
        role="Data engineer",
        industry="data",
        location="Cairo",
        stage="mid",
        how_met="Answered my question on a data engineering forum",
        notes="Helped me debug a streaming pipeline on a forum; we follow each other online.",
        topics=("streaming pipelines", "data modelling"),
        first=("Thanked him for his forum answer", "message"),
        last_ago=300,
        n=2,
        style="social",
        tags=("data",),
    ),
    _Person(
        name="Leila Ahmadi",
        tier=3,
        company="Montreal Neuroimaging Lab",
        role="PhD candidate, neuroscience",
        industry="research",
        location="Montreal",
        stage="student",
        how_met="Science communication workshop",
        notes="Finishing her PhD next year; deciding between a postdoc and data science.",
        topics=("leaving academia", "data science roles"),
        first=("Met at a science communication workshop", "event"),
        last_ago=45,
        n=3,
        style="video",
        tags=("research", "academia"),
        birthday="--09-30",
    ),
    _Person(
        name="Jack Thompson",
        tier=3,
        company="Self-employed",
        role="Angel investor (retired CTO)",
        industry="technology",
        location="Sydney",
        stage="retired",
        how_met="Angel investing dinner in Sydney",
        notes="Retired CTO who now backs climate startups and sails. Birthday every four years.",
        topics=("early-stage climate deals", "his sailing trip", "mentoring founders"),
        first=("Seated together at an angel investing dinner", "in-person"),
        last_ago=160,
        n=5,
        style="in_person",
        tags=("investor", "mentor", "australia"),
        phone="+61 491 570 156",
        birthday="1956-02-29",
    ),
    _Person(
        name="Anika Sharma",
        tier=3,
        company="Lakeside Family Clinic",
        role="Nurse practitioner",
        industry="healthcare",
        location="Austin",
        stage="mid",
        how_met="My college roommate's sister",
        notes="Studying for a doctorate in nursing practice; interested in telehealth.",
        topics=("telehealth", "her doctorate"),
        first=("Messaged after meeting at my roommate's barbecue", "message"),
        last_ago=200,
        n=2,
        style="social",
        tags=("healthcare",),
    ),
    _Person(
        name="Mateus Silva",
        tier=3,
        company="Pixel Fado Games",
        role="Game developer",
        industry="gaming",
        location="Lisbon",
        stage="junior",
        how_met="Lisbon game jam",
        notes="Rafael's cousin; shipping his first indie game. Wants feedback on the trailer.",
        topics=("his indie game launch", "the trailer"),
        first=("Teamed up at a Lisbon game jam", "event"),
        last_ago=30,
        n=3,
        style="social",
        tags=("gaming", "portugal"),
        knows=("Rafael Costa",),
    ),
    _Person(
        name="Siobhán O'Connor",
        tier=3,
        company="PyData Dublin",
        role="Community organiser",
        industry="community",
        location="Dublin",
        stage="mid",
        how_met="I spoke at her meetup",
        notes="Organises PyData Dublin; always needs speakers and sponsors.",
        topics=("the speaker line-up", "sponsorship for the meetup"),
        first=("Gave a talk at her meetup", "event"),
        last_ago=100,
        n=4,
        tags=("community", "events"),
        knows=("Liam O'Brien",),
    ),
    _Person(
        name="Ravi Krishnan",
        tier=3,
        company="Coromandel Consulting",
        role="Supply chain consultant",
        industry="consulting",
        location="Chennai",
        stage="senior",
        how_met="Introduced by Arjun",
        notes="Advises manufacturers on warehouse automation; could help Daniel with routing.",
        topics=("warehouse automation", "Kora's routing problem"),
        first=("Intro call via Arjun", "call"),
        last_ago=140,
        n=2,
        style="email_only",
        tags=("supply-chain", "india"),
        knows=("Arjun Mehta",),
        introduced_by="Arjun Mehta",
    ),
    _Person(
        name="Chen Wei",
        tier=3,
        company="Shenzhen Makerworks",
        role="Founder",
        industry="hardware",
        location="Shenzhen",
        stage="founder",
        how_met="Factory tour on a hardware accelerator trip",
        notes="Runs a small-batch electronics factory; worried about export tariffs.",
        topics=("small-batch manufacturing", "export tariffs"),
        first=("Factory tour on the accelerator trip", "in-person"),
        last_ago=260,
        n=2,
        style="email_only",
        tags=("hardware", "founder", "china"),
    ),
    _Person(
        name="Astrid Johansson",
        tier=3,
        company="Grön Konsult",
        role="Sustainability consultant",
        industry="sustainability",
        location="Stockholm",
        stage="senior",
        how_met="Introduced by Hannah",
        notes="Helps mid-size companies with emissions reporting; overloaded before every deadline.",
        topics=("supply-chain emissions reporting", "reporting deadlines"),
        first=("Intro call arranged by Hannah", "video"),
        last_ago=110,
        n=3,
        style="video",
        tags=("climate", "consulting"),
        knows=("Hannah Schmidt",),
        introduced_by="Hannah Schmidt",
    ),
    _Person(
        name="Marcus Johnson",
        tier=3,
        company="Off the Record Podcast",
        role="Podcast host",
        industry="media",
        location="Atlanta",
        stage="mid",
        how_met="His episode on career pivots",
        notes="Hosts a careers podcast. I've pitched myself as a guest a few times; no answer yet.",
        topics=("being a guest on his show", "his episode on career pivots"),
        first=("Wrote to him after his episode on career pivots", "social"),
        last_ago=95,
        n=4,
        style="one_way",
        tags=("media", "podcast"),
        knows=("Grace Kim",),
    ),
    _Person(
        name="Elena Popescu",
        tier=3,
        company="Transilvania Genomics",
        role="Bioinformatician",
        industry="biotech",
        location="Cluj-Napoca",
        stage="mid",
        how_met="Conference poster session",
        notes="Builds single-cell analysis pipelines; looking for a remote role abroad.",
        topics=("single-cell pipelines", "remote work in biotech"),
        first=("Talked at her conference poster", "event"),
        last_ago=150,
        n=4,
        style="email_only",
        tags=("biotech", "research"),
        knows=("Hannah Schmidt", "Łukasz Nowak"),
    ),
    _Person(
        name="Kwame Mensah",
        tier=3,
        company="SunHarvest Ghana",
        role="Founder",
        industry="renewable energy",
        location="Accra",
        stage="founder",
        how_met="Introduced by Daniel",
        notes="Builds solar cold storage for farmers; raising a seed round.",
        topics=("solar cold storage", "his seed round"),
        first=("Intro call arranged by Daniel", "video"),
        last_ago=70,
        n=4,
        tags=("founder", "climate", "africa"),
        knows=("Daniel Okafor", "Zanele Dlamini", "Samuel Adeyemi"),
        introduced_by="Daniel Okafor",
    ),
    _Person(
        name="Hiroshi Sato",
        tier=3,
        company="Independent",
        role="Technical translator, Japanese and English",
        industry="translation",
        location="Kyoto",
        stage="senior",
        how_met="Translated our docs for the Japan launch",
        notes="Reliable translator; raising his rates as clients switch to machine translation.",
        topics=("localisation pricing", "machine translation post-editing"),
        first=("Emailed about translating our docs", "email"),
        last_ago=170,
        n=3,
        style="email_only",
        tags=("freelancer", "japan"),
        knows=("Kenji Watanabe",),
    ),
    _Person(
        name="Isabel Fernández",
        tier=3,
        company="Colegio San Martín",
        role="Computer science teacher",
        industry="education",
        location="Buenos Aires",
        stage="mid",
        how_met="Volunteer coding workshop",
        notes="Teaches Python to teenagers; wants guest speakers from industry.",
        topics=("teaching Python to teenagers", "a guest talk for her class"),
        first=("Co-ran a volunteer coding workshop", "video"),
        last_ago=60,
        n=3,
        style="video",
        tags=("education", "latam"),
    ),
    _Person(
        name="David Levi",
        tier=3,
        company="Shomer Security",
        role="Security researcher",
        industry="cybersecurity",
        location="Tel Aviv",
        stage="senior",
        how_met="Capture-the-flag team at a security conference",
        notes="Finds supply-chain vulnerabilities; runs a bug bounty programme on the side.",
        topics=("supply-chain attacks", "bug bounty programmes"),
        first=("Same capture-the-flag team at a security conference", "event"),
        last_ago=220,
        n=3,
        tags=("security",),
        knows=("Fatima Zahra Benali",),
    ),
    _Person(
        name="Nora Jansen",
        tier=3,
        company="Tulip Analytics",
        role="Product marketing manager",
        industry="software",
        location="Amsterdam",
        stage="mid",
        how_met="Accepted her LinkedIn request after her post on pricing pages",
        notes="Connected online; we haven't actually talked yet. Ask about her pricing research.",
        topics=("pricing pages",),
        n=0,
        tags=("marketing",),
        email=False,
        linkedin=True,
        met_before=20,
    ),
    _Person(
        name="Ben Fischer",
        tier=3,
        company="Self-employed",
        role="Carpenter (formerly backend engineer)",
        industry="construction",
        location="Leipzig",
        stage="mid",
        how_met="Former teammate at Quanta Bank",
        notes=(
            "Archived: we drifted apart after he left tech for carpentry, and my last three "
            "messages went unanswered. Kept for the history; no need to chase."
        ),
        topics=("his move out of tech", "a furniture commission"),
        first=("Leaving drinks when he quit Quanta Bank", "in-person"),
        last_ago=420,
        n=5,
        style="fading",
        tags=("former-colleague",),
        status="archived",
        met_before=700,
    ),
    _Person(
        name="Maya Patel",
        tier=3,
        company="Wordsmith Labs",
        role="UX writer",
        industry="software",
        location="Toronto",
        stage="junior",
        how_met="UX writing course",
        notes="Building a portfolio to move from copywriting into product writing.",
        topics=("microcopy", "her portfolio"),
        first=("Peer review partners on a UX writing course", "video"),
        last_ago=25,
        n=2,
        style="social",
        tags=("design", "writing"),
    ),
    _Person(
        name="Tariq Rahman",
        tier=3,
        company="Shapla Health Foundation",
        role="Programme manager, digital health",
        industry="global health",
        location="Dhaka",
        stage="mid",
        how_met="Webinar on mobile health",
        notes="Runs SMS appointment reminders for rural clinics; funding comes in one-year cycles.",
        topics=("SMS reminders for clinics", "funding cycles"),
        first=("Follow-up call after a webinar on mobile health", "video"),
        last_ago=185,
        n=2,
        style="email_only",
        tags=("health", "nonprofit"),
    ),
)

# ------------------------------------------------------------------------- log generation

_CHANNEL_WEIGHTS: dict[str, dict[str, int]] = {
    "in_person": {"in-person": 8, "event": 1, "call": 1, "message": 1},
    "video": {"video": 5, "call": 1, "message": 2, "email": 1},
    "call": {"call": 5, "video": 2, "message": 2},
    "reciprocal": {"in-person": 2, "call": 2, "video": 2, "message": 2, "email": 2, "event": 1},
    "email_only": {"email": 1},
    "social": {"social": 3, "message": 2, "event": 1},
    "one_way": {"email": 2, "message": 1, "social": 1},
    "fading": {"in-person": 2, "message": 3, "call": 1},
}

_TEXT_BY_ME: dict[str, tuple[str, ...]] = {
    "in-person": (
        "Coffee; talked about {topic}",
        "Lunch near the office, mostly about {topic}",
        "Breakfast catch-up on {topic}",
        "Walk after work; talked about {topic}",
    ),
    "call": (
        "Phone catch-up about {topic}",
        "Quick call about {topic}",
        "Called to compare notes on {topic}",
    ),
    "video": (
        "Video call on {topic}",
        "Video catch-up, went deep on {topic}",
        "Thirty minutes on video about {topic}",
    ),
    "message": (
        "Messaged about {topic}",
        "Sent a link on {topic}",
        "Checked in by message about {topic}",
    ),
    "email": (
        "Emailed an update on {topic}",
        "Sent an article on {topic}",
        "Long email about {topic}",
    ),
    "social": (
        "Commented on a post about {topic}",
        "Direct message about {topic}",
        "Shared a post on {topic}",
    ),
    "event": (
        "Saw each other at a meetup; chatted about {topic}",
        "Same conference panel; talked about {topic}",
    ),
}

_TEXT_BY_THEM: dict[str, tuple[str, ...]] = {
    "in-person": (
        "Invited me for coffee to talk about {topic}",
        "Dinner at their place; talked about {topic}",
    ),
    "call": ("They called about {topic}", "Called me for advice on {topic}"),
    "video": ("Asked for a video call about {topic}",),
    "message": ("Got a message about {topic}", "They messaged asking about {topic}"),
    "email": ("Got an email about {topic}", "They wrote with news on {topic}"),
    "social": ("They shared my post and asked about {topic}",),
    "event": ("Invited me to an event; talked about {topic}",),
}

#: channels where outreach can go unanswered
_ASYNC_CHANNELS = frozenset({"message", "email", "social"})

_GAVE = (
    "notes on {topic}",
    "a book recommendation",
    "a candidate referral",
    "notes from a talk",
    "a read-through of a draft",
    "a customer lead",
)
_GOT = (
    "career advice",
    "an intro to a hiring manager",
    "a reference call",
    "a useful article",
    "a conference ticket",
    "a market map",
    "honest feedback on my plan",
)


def _cadence_days(p: _Person) -> int:
    if p.cadence:
        return int(p.cadence[:-1]) * _UNIT_DAYS[p.cadence[-1]]
    return _TIER_CADENCE_DAYS[p.tier]


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _entry(day: dt.date, text: str, fields: Sequence[tuple[str, str]]) -> str:
    inline = "".join(f" [{k}:: {v}]" for k, v in fields)
    return f"- {day.isoformat()} {text}{inline}"


def _intro_value(rng: random.Random, p: _Person, done: set[str]) -> str | None:
    """An introduction to someone this person knows; each introduction happens once."""
    left = [k for k in p.knows if k not in done]
    if not left:
        return None
    name = rng.choice(left)
    done.add(name)
    return f"intro to [[{name}]]"


def _log_lines(p: _Person, today: dt.date, rng: random.Random) -> tuple[list[str], dt.date | None]:
    """The contact's log lines (oldest first) and the date of the first entry."""
    if p.n == 0:
        return [], None
    cadence = _cadence_days(p)
    dates = [today - dt.timedelta(days=p.last_ago)]
    for _ in range(p.n - 1):
        gap = max(4, round(cadence * rng.uniform(0.5, 1.15)))
        dates.append(dates[-1] - dt.timedelta(days=gap))
    dates.reverse()

    lines: list[str] = []
    introduced: set[str] = set()
    last_index = len(dates) - 1
    for i, day in enumerate(dates):
        topic = rng.choice(p.topics)
        one_way = p.style == "one_way" or (p.style == "fading" and i >= last_index - 2)
        fields: list[tuple[str, str]] = []
        if i == 0:
            text, channel = p.first
            fields.append(("channel", channel))
            if one_way:
                fields.append(("by", "me"))
            lines.append(_entry(day, text, fields))
            continue
        if i == last_index and p.last is not None:
            text, channel, by = p.last
        else:
            style = "one_way" if one_way else p.style
            channel = _weighted(rng, _CHANNEL_WEIGHTS[style])
            if one_way:
                by = "me"
            else:
                by = "me" if rng.random() < 0.5 else "them"
            pool = (_TEXT_BY_ME if by == "me" else _TEXT_BY_THEM)[channel]
            text = rng.choice(pool).format(topic=topic)
        fields.append(("channel", channel))
        fields.append(("by", by))
        gave: str | None = None
        got: str | None = None
        if not one_way:
            # reciprocal relationships: something given and something received along the way
            if i == 1 or rng.random() < 0.2:
                gave = (
                    _intro_value(rng, p, introduced) if rng.random() < 0.3 else None
                ) or rng.choice(_GAVE).format(topic=topic)
            if i == 2 or rng.random() < 0.2:
                got = rng.choice(_GOT)
        reply: str | None = None
        if by == "me":
            if one_way:
                reply = "no"
            elif channel in _ASYNC_CHANNELS:
                # outreach that could go unanswered: mostly answered
                reply = "yes" if rng.random() < 0.85 else "no"
            elif rng.random() < 0.5:
                # a meeting that happened: they said yes to it
                reply = "yes"
        if reply == "no":
            got = None  # nothing comes back from an unanswered message
        if gave:
            fields.append(("gave", gave))
        if got:
            fields.append(("got", got))
        if reply:
            fields.append(("reply", reply))
        lines.append(_entry(day, text, fields))
    if p.planned is not None:
        ahead, text, channel = p.planned
        lines.append(_entry(today + dt.timedelta(days=ahead), text, [("channel", channel)]))
    return lines, dates[0]


# ------------------------------------------------------------------------- rendering


def _plain_ok(text: str) -> bool:
    """True when ``text`` reads back as the same string written as a plain YAML scalar."""
    if not text or text != text.strip() or "\n" in text:
        return False
    try:
        loaded = yaml.safe_load(f"k: {text}\n")
    except yaml.YAMLError:
        return False
    return isinstance(loaded, dict) and loaded.get("k") == text


def _scalar(value: str | int | dt.date, *, quote: bool = False) -> str:
    if isinstance(value, bool):  # pragma: no cover - no booleans in the demo
        raise TypeError("booleans are not used in demo front matter")
    if isinstance(value, int | dt.date):
        return str(value) if isinstance(value, int) else value.isoformat()
    if quote or not _plain_ok(value):
        return json.dumps(value, ensure_ascii=False)
    return value


def _front_matter(items: Sequence[tuple[str, Any]], *, quoted: frozenset[str] = frozenset()) -> str:
    """Obsidian-style front matter: block lists indented two spaces, links quoted.

    ``items`` is ordered ``(key, value)``; ``None`` values and empty lists are left out.
    Keys in ``quoted`` are always written as quoted strings.
    """
    out = ["---"]
    for key, value in items:
        if value is None or (isinstance(value, list | tuple) and not value):
            continue
        if isinstance(value, list | tuple):
            out.append(f"{key}:")
            out.extend(f"  - {_scalar(v, quote=key in quoted)}" for v in value)
        else:
            out.append(f"{key}: {_scalar(value, quote=key in quoted)}")
    out.append("---")
    return "\n".join(out) + "\n"


def _birthday(p: _Person, today: dt.date) -> str | dt.date | None:
    if p.birthday is not None:
        if p.birthday.startswith("--"):
            return p.birthday
        return dt.date.fromisoformat(p.birthday)
    if p.birthday_in is None:
        return None
    ahead, year = p.birthday_in
    day = today + dt.timedelta(days=ahead)
    if year is None:
        return f"--{day.month:02d}-{day.day:02d}"
    if (day.month, day.day) == (2, 29) and year % 4:
        year = 1984
    return dt.date(year, day.month, day.day)


_EMAIL_DOMAINS = ("example.com", "example.org", "example.net")


def _contact_file(index: int, p: _Person, today: dt.date, rng: random.Random) -> str:
    slug = slugify(p.name)
    lines, first_day = _log_lines(p, today, rng)
    met = (first_day or today) - dt.timedelta(days=p.met_before)
    items: list[tuple[str, Any]] = [
        ("name", p.name),
        ("aliases", list(p.aliases)),
        ("tier", p.tier),
        ("cadence", p.cadence),
        ("status", p.status),
        (
            "snooze_until",
            None if p.snooze_days is None else today + dt.timedelta(days=p.snooze_days),
        ),
        ("tags", list(p.tags)),
        ("company", p.company),
        ("role", p.role),
        ("industry", p.industry),
        ("location", p.location),
        ("career_stage", p.stage),
        ("met", met),
        ("how_met", p.how_met),
        ("introduced_by", f"[[{p.introduced_by}]]" if p.introduced_by else None),
        ("knows", [f"[[{k}]]" for k in p.knows]),
        (
            "email",
            f"{slug.replace('-', '.')}@{_EMAIL_DOMAINS[index % len(_EMAIL_DOMAINS)]}"
            if p.email
            else None,
        ),
        ("phone", p.phone),
        ("linkedin", f"https://www.linkedin.com/in/example-{slug}" if p.linkedin else None),
        ("birthday", _birthday(p, today)),
    ]
    head = _front_matter(items, quoted=frozenset({"phone", "birthday"}))
    body = f"# {p.name}\n\n{p.notes}\n\n## Log\n"
    if lines:
        body += "\n".join(lines) + "\n"
    return head + body


def _journal(today: dt.date) -> dict[str, str]:
    notes = (
        (
            8,
            "Lunch with [[José Álvarez]] in Chamberí. Fund II is nearly closed; he wants "
            "operators for two portfolio companies. Promised to send him two names by Friday.",
        ),
        (
            12,
            "Breakfast with [[Priya Raman]] before work. She ran through her keynote: strong "
            "opening, the middle section on on-call is too long. She asked whether I know any "
            "first-time CTOs willing to talk to her.",
        ),
        (
            20,
            "Fintech conference. Ran into [[Grace Kim]], who is writing about AI in lending and "
            "wants practitioners on the record. Caught up with [[Samuel Adeyemi]] between "
            "sessions about his fellowship idea.",
        ),
    )
    files: dict[str, str] = {}
    for ago, text in notes:
        day = today - dt.timedelta(days=ago)
        head = _front_matter([("date", day), ("tags", ["journal"])])
        files[f"journal/{day.isoformat()}.md"] = f"{head}# {day.isoformat()}\n\n{text}\n"
    return files


def demo_files(today: dt.date) -> dict[str, str]:
    """Vault-relative path -> text of every demo-specific file, for ``init --demo``.

    Contacts go to ``contacts/<slug>.md`` and three daily notes to ``journal/<date>.md``.
    Settings, README and git/Obsidian files are *not* included: ``netkit init --demo``
    copies ``vault_template/`` first, then writes these files (refusing to overwrite).
    Deterministic: the same ``today`` always gives identical output.
    """
    rng = random.Random(DEMO_SEED)
    files: dict[str, str] = {}
    for index, person in enumerate(_PEOPLE):
        files[f"contacts/{slugify(person.name)}.md"] = _contact_file(index, person, today, rng)
    files.update(_journal(today))
    return files
