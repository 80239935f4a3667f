"""Per-relationship quality: five indicators, a strength score and flags. Pure.

One pass over a contact's log collects every count the indicators need
(:class:`LogStats`); the indicators, the strength and the flags are then arithmetic on
those counts. An *interaction* is a past entry not marked ``[reply:: no]``: an unanswered
message is an attempt, which counts for responsiveness but not as time together. Formulas
and their reasons are in ``docs/quality.md``; in short:

* recency         1 - r/4 while on schedule (r = days since the last interaction / cadence),
                  then linear to 0 at r = 2 (the point the relationship is `dormant`);
* frequency       interactions in the last 365 days / what the cadence expects (capped at 1);
* reciprocity     mean of two balances, who initiates (``by::``) and value (``gave::``/``got::``),
                  each 1 - |a - b| / (a + b + 2);
* responsiveness  share of my outreach with a known outcome that got a reply;
* depth           0.6 x share of in-person/call/video touchpoints + 0.4 x what the notes hold
                  (goals, challenges, substance);
* strength        100 x the weighted mean of the indicators that have data.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
import operator
from typing import Any, NamedTuple

from netkit import cadence
from netkit.model import DEEP_CHANNELS, Config, Contact, LogEntry
from netkit.quality.settings import INDICATORS, QualitySettings, quality_settings

#: the look-back window of frequency, fading and concentration
WINDOW_DAYS = 365
#: fading compares the recent half of the window with the half before it
HALF_DAYS = 182
#: depth = CHANNEL_SHARE x channel part + (1 - CHANNEL_SHARE) x notes part
CHANNEL_SHARE = 0.6
#: notes with at least this many words count as "substance"
SUBSTANCE_WORDS = 25

#: every flag, in the order they are listed
FLAGS: tuple[str, ...] = (
    "never-contacted", "overdue", "dormant", "fading", "unanswered",
    "one-way-giving", "one-way-taking", "prune-candidate",
)

#: how a prune candidate's one-way flag reads in its explanation
_ONE_WAY_WORDS = (("unanswered", "unanswered"), ("one-way-giving", "one-way (you give)"),
                  ("one-way-taking", "one-way (you take)"))

# The notes part of depth looks for what the design calls mutual understanding: do you know
# their goals and their challenges? English keywords, matched as whole words, word prefixes
# or phrases. Set and substring tests instead of one big regex: notes run to kilobytes, and a
# regex alternation tried at every character was most of `netkit health`'s time at 10,000
# contacts.
_GOAL_WORDS = frozenset({"goal", "goals", "aim", "aims", "ambition", "ambitions", "priority", "priorities",
                         "dream", "dreams", "planning", "objective", "objectives"})
_GOAL_PREFIXES = ("aspir",)
_CHALLENGE_WORDS = frozenset({"problem", "problems", "blocker", "blockers", "blocked", "concern", "concerns",
                              "risk", "risks", "stuck", "worried", "worry", "worries"})
_CHALLENGE_PREFIXES = ("challeng", "struggl", "difficult", "frustrat")
#: two-word phrases by their first word; the phrase is only looked for when that word occurs
_GOAL_PHRASES = {"want": "to", "wants": "to", "hope": "to", "hopes": "to", "hoping": "to", "plan": "to",
                 "plans": "to", "working": "on", "looking": "for"}
_CHALLENGE_PHRASES = {"pain": "point", "need": "help", "needs": "help"}
#: every whole word :func:`understanding` looks for (keywords and the first words of phrases)
_KEYWORDS = frozenset(_GOAL_WORDS | _CHALLENGE_WORDS | set(_GOAL_PHRASES) | set(_CHALLENGE_PHRASES))
#: punctuation and line breaks separate words (Markdown emphasis included: **Goals:**)
_SEPARATORS = str.maketrans({c: " " for c in "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~\t\r\n\u2013\u2014\u2018\u2019\u201c\u201d\u2026"})


def understanding(notes: str) -> tuple[int, bool, bool]:
    """``(words, mentions goals, mentions challenges)`` of a contact's free notes."""
    if not notes:
        return 0, False, False
    stripped = notes.lstrip()
    if stripped.startswith("# "):
        # the `# Name` title says nothing about the person
        notes = stripped.partition("\n")[2]
    if notes.isascii():
        # most notes are ASCII: the same tokens as bytes, lowered and separated by one
        # table lookup, and split without making a str per word (a third of the time)
        text: Any = notes.encode("ascii").translate(_ASCII_TABLE)
        lex = _BYTES_LEXICON
    else:
        text = notes.lower().translate(_SEPARATORS)
        lex = _TEXT_LEXICON
    tokens = text.split()
    # only the words the tests below look for: looking each token up is cheaper than
    # building a set of all of them
    words = lex.keywords.intersection(tokens)
    goals = (not words.isdisjoint(lex.goal_words) or any(p in text for p in lex.goal_prefixes)
             or _has_phrase(words, tokens, lex.goal_phrases))
    challenges = (not words.isdisjoint(lex.challenge_words) or any(p in text for p in lex.challenge_prefixes)
                  or _has_phrase(words, tokens, lex.challenge_phrases))
    return len(tokens), goals, challenges


def _has_phrase(words: frozenset[Any], tokens: list[Any], phrases: dict[Any, Any]) -> bool:
    candidates = words.intersection(phrases)
    if not candidates:  # the common case: no candidate first word at all
        return False
    # two adjacent tokens "a b" are " a b " in the tokens joined by single spaces (a token
    # holds no space, so a match cannot straddle one): a substring search in C instead of
    # a Python loop over every pair of words (str or bytes alike)
    space: Any = b" " if isinstance(tokens[0], bytes) else " "  # candidates: tokens is not empty
    joined = space + space.join(tokens) + space
    return any(space + first + space + phrases[first] + space in joined for first in candidates)


def _ascii_table() -> bytes:
    """The ASCII part of ``str.lower`` then ``_SEPARATORS``, with every character
    ``str.split`` splits on made a space (``bytes.split`` knows fewer of them)."""
    table = bytearray(range(256))
    for i in range(128):
        ch = chr(i)
        mapped = ch.lower().translate(_SEPARATORS)
        table[i] = 32 if mapped.isspace() else ord(mapped)
    return bytes(table)


class _Lexicon(NamedTuple):
    """The words :func:`understanding` looks for, as ``str`` or as ``bytes`` (ASCII notes)."""

    keywords: frozenset[Any]
    goal_words: frozenset[Any]
    goal_prefixes: tuple[Any, ...]
    goal_phrases: dict[Any, Any]
    challenge_words: frozenset[Any]
    challenge_prefixes: tuple[Any, ...]
    challenge_phrases: dict[Any, Any]


_TEXT_LEXICON = _Lexicon(_KEYWORDS, _GOAL_WORDS, _GOAL_PREFIXES, _GOAL_PHRASES, _CHALLENGE_WORDS,
                         _CHALLENGE_PREFIXES, _CHALLENGE_PHRASES)
_BYTES_LEXICON = _Lexicon(
    frozenset(w.encode() for w in _KEYWORDS),
    frozenset(w.encode() for w in _GOAL_WORDS),
    tuple(p.encode() for p in _GOAL_PREFIXES),
    {k.encode(): v.encode() for k, v in _GOAL_PHRASES.items()},
    frozenset(w.encode() for w in _CHALLENGE_WORDS),
    tuple(p.encode() for p in _CHALLENGE_PREFIXES),
    {k.encode(): v.encode() for k, v in _CHALLENGE_PHRASES.items()},
)
_ASCII_TABLE = _ascii_table()


@dataclasses.dataclass(frozen=True, slots=True)
class LogStats:
    """What one pass over a contact's log (and its notes) counts."""

    past: int = 0  # entries dated today or earlier
    planned: int = 0  # entries dated after today
    contacted: bool = False  # any past entry, or a front-matter last_contact
    first: dt.date | None = None  # earliest past entry
    last_logged: dt.date | None = None  # latest past entry, attempts included
    #: latest interaction: a past entry not marked [reply:: no], or a later last_contact
    last_interaction: dt.date | None = None
    in_window: int = 0  # interactions in the last 365 days (last_contact counts only without a log)
    recent_half: int = 0  # interactions 0..181 days old
    earlier_half: int = 0  # interactions 182..364 days old
    by_me: int = 0
    by_them: int = 0
    gave: int = 0
    got: int = 0
    outreach: int = 0  # my outreach whose outcome is known (reply::, or a deep channel)
    answered: int = 0
    unanswered_run: int = 0  # reply::no outreach since the last sign of life from them
    with_channel: int = 0
    deep: int = 0
    inbound_recent: int = 0  # entries [by:: them] within inbound_days
    received_recent: int = 0  # entries with got:: within inbound_days
    notes_words: int = 0
    notes_goals: bool = False
    notes_challenges: bool = False

    def to_json(self) -> dict[str, Any]:
        """Counts as JSON (dates as ISO strings)."""
        data: dict[str, Any] = {}
        for name in _STAT_FIELDS:
            value = getattr(self, name)
            data[name] = value.isoformat() if isinstance(value, dt.date) else value
        return data


_STAT_FIELDS = tuple(f.name for f in dataclasses.fields(LogStats))
#: a LogStats' values as a tuple, in field order (``LogStats(*values)`` makes it again)
stats_values = operator.attrgetter(*_STAT_FIELDS)


@dataclasses.dataclass(frozen=True, slots=True)
class Indicators:
    """The five indicators, each in [0, 1], or None when there is no data for it."""

    recency: float | None = None
    frequency: float | None = None
    reciprocity: float | None = None
    responsiveness: float | None = None
    depth: float | None = None

    def as_tuple(self) -> tuple[float | None, ...]:
        """Values in :data:`~netkit.quality.settings.INDICATORS` order."""
        return (self.recency, self.frequency, self.reciprocity, self.responsiveness, self.depth)

    def to_json(self) -> dict[str, float | None]:
        """``{"recency": 0.75, ...}``, rounded to 3 decimals."""
        return {k: _round(v, 3) for k, v in zip(INDICATORS, self.as_tuple(), strict=True)}


@dataclasses.dataclass(frozen=True, slots=True)
class Flag:
    """A warning sign about one relationship, with a one-line explanation."""

    flag: str
    explanation: str

    def to_json(self) -> dict[str, str]:
        """``{"flag": ..., "explanation": ...}``."""
        return {"flag": self.flag, "explanation": self.explanation}


@dataclasses.dataclass(frozen=True, slots=True)
class ContactQuality:
    """Everything netkit concludes about one relationship."""

    contact: Contact
    strength: float  # 0..100
    indicators: Indicators
    today: dt.date
    flags: tuple[Flag, ...]
    stats: LogStats
    coverage: float  # share of the total weight that had data (0: strength means nothing)
    cadence_days: int | None
    days_since: int | None  # days since the last interaction
    overdue_ratio: float | None  # as in `netkit due`: days since the last touchpoint / cadence
    days_until: int | None  # days until due (negative: overdue); None: never due
    planned: dt.date | None  # a planned touchpoint that takes care of the contact

    @property
    def flag_names(self) -> tuple[str, ...]:
        """The flags' names, in :data:`FLAGS` order."""
        return tuple(f.flag for f in self.flags)

    @property
    def explanations(self) -> dict[str, str]:
        """Indicator -> one line on what it was computed from (built on demand)."""
        return explain(self.contact, self.stats, self.cadence_days, self.today)

    def has(self, flag: str) -> bool:
        """True when the relationship carries ``flag``."""
        for f in self.flags:  # noqa: SIM110 (a few at most: a loop beats a generator here)
            if f.flag == flag:
                return True
        return False

    def explanation(self, flag: str) -> str:
        """The explanation of ``flag`` ("" when absent)."""
        return next((f.explanation for f in self.flags if f.flag == flag), "")

    def to_json(self) -> dict[str, Any]:
        """The shape of design.md §4 plus explanations and the counts behind them."""
        c = self.contact
        return {
            "name": c.name,
            "path": c.path,
            "tier": c.tier,
            "status": c.status,
            "strength": round(self.strength, 1),
            "indicators": self.indicators.to_json(),
            "flags": list(self.flag_names),
            "flag_details": [f.to_json() for f in self.flags],
            "explanations": self.explanations,
            "coverage": round(self.coverage, 3),
            "cadence_days": self.cadence_days,
            "last_interaction": _iso(self.stats.last_interaction),
            "days_since": self.days_since,
            "overdue_ratio": _round(self.overdue_ratio, 2),
            "days_until": self.days_until,
            "counts": self.stats.to_json(),
        }


# ------------------------------------------------------------------------- the pass

# `scan` unpacks log entries by position: a new LogEntry field must be added there too
assert LogEntry._fields == ("date", "text", "line", "channel", "by", "gave", "got", "reply", "fields", "source")


@functools.lru_cache(maxsize=16)
def _cut_offs(today: dt.date, inbound_days: int) -> tuple[dt.date, dt.date, dt.date]:
    """The window, half-window and inbound cut-off dates of ``today`` (the same for every
    contact of a run: made once, not per contact)."""
    return (today - dt.timedelta(days=WINDOW_DAYS),  # entries after this are in the window
            today - dt.timedelta(days=HALF_DAYS),
            today - dt.timedelta(days=inbound_days))


def scan(contact: Contact, today: dt.date, settings: QualitySettings) -> LogStats:
    """Count everything the indicators need in one pass over the log (in any order).

    The loop compares ``date`` objects against precomputed cut-off dates: at 10,000
    contacts x 20 entries this loop is most of ``netkit health``'s time.
    """
    window_cut, half_cut, inbound_cut = _cut_offs(today, settings.inbound_days)
    deep_channels = DEEP_CHANNELS
    past = planned = in_window = recent = earlier = 0
    by_me = by_them = gave = got = 0
    outreach = answered = with_channel = deep = 0
    inbound = received = 0
    first = dt.date.max
    last = dt.date.min
    last_interaction = dt.date.min
    # the latest sign of life from them: a reply, a touchpoint they started, a conversation
    alive = dt.date.min
    unanswered: list[dt.date] = []
    # entries are unpacked (one step) rather than read field by field (seven attribute
    # lookups per entry): this loop runs 200,000 times at 10,000 contacts
    for d, _text, _line, channel, by, gave_what, got_what, reply, _fields, source in contact.log:
        if d > today:
            planned += 1
            continue
        past += 1
        if d < first:
            first = d
        if d > last:
            last = d
        if reply is not False:
            # an interaction; an entry marked [reply:: no] is an attempt that went unanswered:
            # it counts for responsiveness, not as time spent together
            if d > last_interaction:
                last_interaction = d
            if d > window_cut:
                in_window += 1
                if d > half_cut:
                    recent += 1
                else:
                    earlier += 1
        if channel is None and source is not None:
            # a touchpoint that came from a dated note counts like channel "note": not deep
            # (unless the note itself names a channel)
            channel = "note"
        deep_channel = channel in deep_channels
        if channel is not None:
            with_channel += 1
            if deep_channel:
                deep += 1
        if by == "them":
            by_them += 1
            if d > inbound_cut:
                inbound += 1
            if d > alive:
                alive = d
        else:
            if by == "me":
                by_me += 1
            # my outreach whose outcome is known: an explicit reply::, or a conversation
            # I started that took place (in person, call, video)
            if reply is True or (reply is None and deep_channel and by == "me"):
                outreach += 1
                answered += 1
                if d > alive:
                    alive = d
            elif reply is False:
                outreach += 1
                unanswered.append(d)
        if gave_what:
            gave += 1
        if got_what:
            got += 1
            if d > inbound_cut:
                received += 1
    first_logged = first if past else None
    last_logged = last if past else None
    interaction = last_interaction if last_interaction > dt.date.min else None
    last_contact = contact.last_contact
    contacted = past > 0
    if last_contact is not None and last_contact <= today:
        contacted = True
        if interaction is None or last_contact > interaction:
            # the front matter knows of a later touchpoint than the log: it sets recency; it
            # counts towards frequency only when there is no log at all (otherwise it may be
            # the same meeting as a log entry, and moving that entry would change the count)
            if past == 0 and last_contact > window_cut:
                in_window += 1
            interaction = last_contact
    notes_words, goals, challenges = understanding(contact.notes)
    # positional, in field order (one LogStats per contact: keywords cost a third of the call)
    return LogStats(
        past, planned, contacted, first_logged, last_logged, interaction, in_window, recent, earlier, by_me,
        by_them, gave, got, outreach, answered, sum(1 for d in unanswered if d > alive) if unanswered else 0, with_channel, deep,
        inbound, received, notes_words, goals, challenges,
    )


# ------------------------------------------------------------------- the indicators


def recency_score(ratio: float) -> float:
    """Time since the last touchpoint over the cadence -> [0, 1], never increasing.

    1 just after a touchpoint, 0.75 when the next one is due, 0 at twice the cadence.
    """
    if ratio <= 1.0:
        return 1.0 - max(ratio, 0.0) / 4.0
    if ratio < 2.0:
        return 0.75 * (2.0 - ratio)
    return 0.0


def balance(a: int, b: int) -> float:
    """1 when ``a == b``, towards 0 as one side dominates; two pseudo-counts damp small samples."""
    return 1.0 - abs(a - b) / (a + b + 2)


def notes_score(stats: LogStats) -> float:
    """What the notes show you know: goals, challenges, and some substance (thirds)."""
    return (int(stats.notes_goals) + int(stats.notes_challenges)
            + int(stats.notes_words >= SUBSTANCE_WORDS)) / 3.0


def frequency_terms(contact: Contact, stats: LogStats, cadence_days: int, today: dt.date) -> tuple[int, float]:
    """``(span, expected)``: the days the frequency window covers and the interactions expected.

    The window starts when the relationship did (``met``, or the first touchpoint) if that
    is less than a year ago, so a new relationship is not held to a year it has not had.
    """
    start = today
    for candidate in (stats.first, stats.last_interaction, contact.met):
        if candidate is not None and candidate < start:
            start = candidate
    span = min(WINDOW_DAYS, (today - start).days)
    return span, max(1.0, span / cadence_days)


def indicators_for(contact: Contact, stats: LogStats, cadence_days: int | None, today: dt.date) -> Indicators:
    """The five indicators (see the module docstring; :func:`explain` says why)."""
    if not stats.contacted:
        # never contacted: no indicator has data (and the strength is 0)
        return Indicators()
    recency = frequency = None
    if cadence_days is not None:
        last = stats.last_interaction
        # only unanswered attempts so far: no interaction at all is as stale as it gets
        recency = recency_score((today - last).days / cadence_days) if last is not None else 0.0
        frequency = min(1.0, stats.in_window / frequency_terms(contact, stats, cadence_days, today)[1])

    reciprocity: float | None = None
    initiated = stats.by_me + stats.by_them
    exchanged = stats.gave + stats.got
    if initiated and exchanged:
        reciprocity = (balance(stats.by_me, stats.by_them) + balance(stats.gave, stats.got)) / 2
    elif initiated:
        reciprocity = balance(stats.by_me, stats.by_them)
    elif exchanged:
        reciprocity = balance(stats.gave, stats.got)

    responsiveness = stats.answered / stats.outreach if stats.outreach else None

    depth = notes_score(stats)
    if stats.with_channel:
        depth = CHANNEL_SHARE * stats.deep / stats.with_channel + (1 - CHANNEL_SHARE) * depth
    return Indicators(recency, frequency, reciprocity, responsiveness, depth)


def explain(contact: Contact, stats: LogStats, cadence_days: int | None, today: dt.date) -> dict[str, str]:
    """One line per indicator on what it was computed from (for people, not for machines)."""
    if not stats.contacted:
        return dict.fromkeys(INDICATORS, "no touchpoint logged")
    why: dict[str, str] = {}
    if cadence_days is None:
        why["recency"] = why["frequency"] = (f"cadence unknown (tier {contact.tier} is not in netkit.yaml "
                                             "and the contact has no `cadence:`)")
    else:
        if stats.last_interaction is None:
            why["recency"] = "no interaction yet: every message logged went unanswered"
        else:
            days = (today - stats.last_interaction).days
            why["recency"] = (f"last interaction {days} d ago, {days / cadence_days:.2f}× "
                              f"the {cadence_days}-day cadence")
        span, expected = frequency_terms(contact, stats, cadence_days, today)
        why["frequency"] = (f"{stats.in_window} interaction(s) in the last {span} d; "
                            f"the {cadence_days}-day cadence expects {expected:.1f}")
    words: list[str] = []
    if stats.by_me + stats.by_them:
        words.append(f"you started {stats.by_me}, they started {stats.by_them}")
    if stats.gave + stats.got:
        words.append(f"you gave {stats.gave}×, received {stats.got}×")
    why["reciprocity"] = "; ".join(words) if words else "no [by::], [gave::] or [got::] in the log"
    why["responsiveness"] = (f"replies to {stats.answered} of your {stats.outreach} messages" if stats.outreach
                             else "no outreach of yours with a known outcome ([reply::])")
    known = [w for w, ok in (("goals", stats.notes_goals), ("challenges", stats.notes_challenges)) if ok]
    notes = ("notes mention " + " and ".join(known)) if known else "notes mention no goals or challenges"
    if stats.notes_words < SUBSTANCE_WORDS:
        notes += f" ({stats.notes_words} words)"
    if stats.with_channel:
        why["depth"] = f"{stats.deep} of {stats.with_channel} touchpoints in person/call/video; {notes}"
    else:
        why["depth"] = f"no [channel::] in the log; {notes}"
    return why


def strength_of(indicators: Indicators, weights: tuple[float, ...]) -> tuple[float, float]:
    """``(strength 0..100, coverage 0..1)``: the weighted mean over indicators with data.

    Missing indicators are left out and the weights re-normalised (an unknown is not a zero);
    with no data at all the strength is 0.
    """
    total = sum(weights)
    num = den = 0.0
    for value, weight in zip(indicators.as_tuple(), weights, strict=True):
        if value is not None:
            num += weight * value
            den += weight
    if den <= 0:
        return 0.0, 0.0
    return min(100.0, max(0.0, 100.0 * num / den)), (den / total if total > 0 else 0.0)


# ------------------------------------------------------------------------- the flags


def flags_for(
    contact: Contact, stats: LogStats, sched: cadence.Schedule, today: dt.date, settings: QualitySettings
) -> tuple[Flag, ...]:
    """The warning signs, each with a one-line explanation, in :data:`FLAGS` order."""
    found: dict[str, str] = {}
    active = contact.is_active
    cadence_days = sched.cadence_days

    if not stats.contacted:
        found["never-contacted"] = (f"no touchpoint logged since you met on {contact.met}"
                                    if contact.met is not None and contact.met <= today
                                    else "no touchpoint logged yet")
    days_until = sched.days_until(today)
    if active and days_until is not None and days_until < 0 and sched.planned is None:
        # the same clock as `netkit due` (where an unanswered message still counts as reaching out)
        ratio = sched.overdue_ratio(today)
        if sched.basis == "met":
            found["overdue"] = f"met {sched.last_contact}, nothing logged since; {-days_until} d overdue"
        else:
            found["overdue"] = (f"{ratio:.1f}× the {cadence_days}-day cadence since the last touchpoint "
                                f"({-days_until} d overdue)")
    if active and cadence_days is not None and stats.contacted:
        if stats.last_interaction is not None:
            silent = (today - stats.last_interaction).days
            what = f"no interaction in {silent} d"
        else:
            start = min(d for d in (stats.first, contact.met, today) if d is not None)
            silent = (today - start).days
            what = f"no interaction at all in the {silent} d since the relationship started"
        if silent >= 2 * cadence_days:
            found["dormant"] = f"{what}, over twice the {cadence_days}-day cadence"
    if (active and stats.earlier_half >= 2
            and stats.recent_half < settings.fading_ratio * stats.earlier_half):
        found["fading"] = (f"{stats.recent_half} interaction(s) in the last 6 months against "
                           f"{stats.earlier_half} in the 6 months before")
    if stats.unanswered_run >= settings.unanswered_after:
        found["unanswered"] = f"your last {stats.unanswered_run} messages got no reply"
    k = settings.one_way_after
    giving: list[str] = []
    if stats.gave >= k and stats.got == 0:
        giving.append(f"you gave {stats.gave} times and received nothing")
    if stats.by_me >= k and stats.by_them == 0:
        giving.append(f"you started all {stats.by_me} conversations")
    if giving:
        found["one-way-giving"] = "; ".join(giving)
    taking: list[str] = []
    if stats.got >= k and stats.gave == 0:
        taking.append(f"you received {stats.got} times and gave nothing back")
    if stats.by_them >= k and stats.by_me == 0:
        taking.append(f"they started all {stats.by_them} conversations; you never reached out")
    if taking:
        found["one-way-taking"] = "; ".join(taking)
    one_way = [words for f, words in _ONE_WAY_WORDS if f in found]
    if "dormant" in found and one_way and sched.planned is None:
        found["prune-candidate"] = (f"dormant and {one_way[0]}: letting it fade is healthy "
                                    "(set `status: archived`; netkit never deletes)")
    return tuple(Flag(name, found[name]) for name in FLAGS if name in found)


# --------------------------------------------------------------------- one contact


def assess_contact(
    contact: Contact, config: Config, today: dt.date, settings: QualitySettings | None = None,
    *, schedule: cadence.Schedule | None = None, stats: LogStats | None = None,
) -> ContactQuality:
    """Indicators, strength and flags of one relationship as of ``today``.

    ``schedule`` is the contact's :func:`netkit.cadence.schedule` for the same ``config``
    and ``today``, when the caller has it already (the pages compute it once per contact);
    ``stats`` likewise its :func:`scan` for the same ``today`` and ``settings`` (the pages
    may have it computed in another process).
    """
    settings = settings or quality_settings(config)
    sched = schedule if schedule is not None else cadence.schedule(contact, config, today)
    if stats is None:
        stats = scan(contact, today, settings)
    cadence_days = sched.cadence_days
    indicators = indicators_for(contact, stats, cadence_days, today)
    strength, coverage = strength_of(indicators, settings.weights)
    days_since = (today - stats.last_interaction).days if stats.last_interaction is not None else None
    ratio = sched.overdue_ratio(today)
    if ratio is not None and math.isinf(ratio):  # never contacted: not a number JSON can hold
        ratio = None
    # positional, in field order (made for every contact of every build)
    return ContactQuality(
        contact, strength, indicators, today, flags_for(contact, stats, sched, today, settings), stats,
        coverage, cadence_days, days_since, ratio, sched.days_until(today),
        sched.planned.date if sched.planned is not None else None,
    )


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)
