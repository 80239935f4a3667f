"""Due computation and birthdays, with hand-computed expected dates (docs/touchpoints.md)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from netkit import cadence
from netkit import config as config_mod
from netkit.durations import Duration, add_months, parse_duration
from netkit.model import Birthday, Config, Contact, LogEntry

D = dt.date
CONFIG = config_mod.default_config()  # tier 1: 30d, tier 2: 90d, tier 3: 180d


def person(name: str = "Ada", tier: int = 1, log: tuple[tuple[dt.date, str], ...] = (), **kw: Any) -> Contact:
    """A contact with log entries given as (date, text), sorted like the loader sorts them."""
    entries = tuple(sorted((LogEntry(date=d, text=t, line=10 + i) for i, (d, t) in enumerate(log)),
                           key=lambda e: (e.date, e.line)))
    stem = name.lower().replace(" ", "-")
    return Contact(path=f"contacts/{stem}.md", stem=stem, name=name, tier=tier, log=entries, **kw)


def due_on(contact: Contact, today: dt.date, config: Config = CONFIG) -> dt.date | None:
    return cadence.schedule(contact, config, today).next_due


def dur(text: str) -> Duration:
    d = parse_duration(text)
    assert d is not None
    return d


# ====================================================== calendar-month arithmetic


@pytest.mark.parametrize(("last", "cad", "expected"), [
    (D(2026, 1, 31), "1m", D(2026, 2, 28)),   # Jan 31 + 1 month, common year: clamp to Feb 28
    (D(2024, 1, 31), "1m", D(2024, 2, 29)),   # leap year: Feb 29
    (D(2026, 3, 31), "1m", D(2026, 4, 30)),   # 30-day month
    (D(2025, 12, 31), "2m", D(2026, 2, 28)),  # across the year end
    (D(2026, 8, 31), "6m", D(2027, 2, 28)),
    (D(2026, 1, 15), "1m", D(2026, 2, 15)),   # no clamping needed
    (D(2024, 2, 29), "1y", D(2025, 2, 28)),   # Feb 29 + 1 year
    (D(2024, 2, 29), "4y", D(2028, 2, 29)),   # ... + 4 years: a leap year again
    (D(2023, 2, 28), "1y", D(2024, 2, 28)),   # never "rounds up" to Feb 29
    (D(2026, 1, 31), "30d", D(2026, 3, 2)),   # days are days: 28 + 2
    (D(2024, 1, 31), "30d", D(2024, 3, 1)),   # 29 + 1 in a leap year
    (D(2026, 1, 1), "90d", D(2026, 4, 1)),
    (D(2026, 1, 1), "180d", D(2026, 6, 30)),
    (D(2026, 5, 1), "2w", D(2026, 5, 15)),
])
def test_next_due_after_last_touch(last: dt.date, cad: str, expected: dt.date) -> None:
    c = person(tier=3, cadence=dur(cad), log=((last, "Coffee"),))
    assert due_on(c, last) == expected


def test_add_months_negative_and_duration_subtract() -> None:
    assert add_months(D(2026, 3, 31), -1) == D(2026, 2, 28)
    assert dur("1m").subtract_from(D(2024, 3, 31)) == D(2024, 2, 29)
    assert dur("1y").subtract_from(D(2028, 2, 29)) == D(2027, 2, 28)


# ============================================================== cadence sources


def test_cadence_from_tier() -> None:
    assert due_on(person(tier=1, log=((D(2026, 1, 1), "a"),)), D(2026, 1, 2)) == D(2026, 1, 31)
    assert due_on(person(tier=2, log=((D(2026, 1, 1), "a"),)), D(2026, 1, 2)) == D(2026, 4, 1)
    assert due_on(person(tier=3, log=((D(2026, 1, 1), "a"),)), D(2026, 1, 2)) == D(2026, 6, 30)


def test_cadence_override_beats_tier() -> None:
    c = person(tier=3, cadence=dur("2w"), log=((D(2026, 5, 1), "a"),))
    s = cadence.schedule(c, CONFIG, D(2026, 5, 2))
    assert (s.next_due, s.cadence_days) == (D(2026, 5, 15), 14)


def test_custom_tier_cadence_in_months() -> None:
    cfg, diags = config_mod.parse_config(b"version: 1\ntiers:\n  1: {label: Core, cadence: 1m}\n")
    assert diags == []
    c = person(tier=1, log=((D(2026, 1, 31), "a"),))
    s = cadence.schedule(c, cfg, D(2026, 2, 1))
    assert (s.next_due, s.cadence_days) == (D(2026, 2, 28), 30)


def test_unknown_tier_has_no_cadence_and_is_never_due() -> None:
    c = person(tier=1, log=((D(2026, 1, 1), "a"),))
    s = cadence.schedule(c, Config(tiers={}), D(2027, 1, 1))
    assert (s.next_due, s.cadence_days, s.last_contact) == (None, None, D(2026, 1, 1))
    assert cadence.due_items([c], Config(tiers={}), D(2027, 1, 1)) == []


# ================================================================ last touchpoint


def test_latest_past_log_entry_is_last_touch() -> None:
    c = person(log=((D(2026, 1, 1), "a"), (D(2026, 3, 1), "b"), (D(2026, 2, 1), "c")))
    s = cadence.schedule(c, CONFIG, D(2026, 3, 5))
    assert (s.last_contact, s.basis, s.next_due) == (D(2026, 3, 1), "log", D(2026, 3, 31))
    assert s.last_entry is not None and s.last_entry.text == "b"


def test_entry_dated_today_counts_as_past() -> None:
    c = person(log=((D(2026, 3, 5), "today"),))
    assert cadence.schedule(c, CONFIG, D(2026, 3, 5)).last_contact == D(2026, 3, 5)


def test_last_contact_later_than_log_wins() -> None:
    c = person(log=((D(2026, 1, 1), "a"),), last_contact=D(2026, 3, 1))
    s = cadence.schedule(c, CONFIG, D(2026, 3, 5))
    assert (s.last_contact, s.basis, s.next_due, s.last_entry) == (D(2026, 3, 1), "last_contact", D(2026, 3, 31), None)


def test_last_contact_earlier_than_log_loses() -> None:
    c = person(log=((D(2026, 3, 1), "a"),), last_contact=D(2026, 1, 1))
    s = cadence.schedule(c, CONFIG, D(2026, 3, 5))
    assert (s.last_contact, s.basis, s.next_due) == (D(2026, 3, 1), "log", D(2026, 3, 31))


def test_last_contact_same_day_as_log_keeps_the_entry() -> None:
    c = person(log=((D(2026, 3, 1), "lunch"),), last_contact=D(2026, 3, 1))
    s = cadence.schedule(c, CONFIG, D(2026, 3, 5))
    assert s.basis == "log" and s.last_entry is not None


def test_last_contact_in_the_future_is_ignored() -> None:
    c = person(log=((D(2026, 1, 1), "a"),), last_contact=D(2026, 5, 1))
    s = cadence.schedule(c, CONFIG, D(2026, 2, 1))
    assert (s.last_contact, s.basis, s.next_due) == (D(2026, 1, 1), "log", D(2026, 1, 31))


def test_last_contact_alone_beats_met() -> None:
    c = person(met=D(2025, 1, 1), last_contact=D(2026, 2, 1))
    s = cadence.schedule(c, CONFIG, D(2026, 2, 2))
    assert (s.last_contact, s.basis, s.next_due) == (D(2026, 2, 1), "last_contact", D(2026, 3, 3))


def test_met_only() -> None:
    c = person(met=D(2026, 1, 10))
    s = cadence.schedule(c, CONFIG, D(2026, 2, 1))
    assert (s.last_contact, s.basis, s.next_due) == (D(2026, 1, 10), "met", D(2026, 2, 9))


def test_met_is_ignored_once_there_is_a_log() -> None:
    c = person(met=D(2026, 3, 1), log=((D(2026, 1, 1), "a"),))
    s = cadence.schedule(c, CONFIG, D(2026, 3, 5))
    assert (s.basis, s.next_due) == ("log", D(2026, 1, 31))


def test_never_contacted_is_due_today() -> None:
    c = person(tier=3)
    s = cadence.schedule(c, CONFIG, D(2026, 7, 4))
    assert (s.last_contact, s.basis, s.next_due, s.days_until(D(2026, 7, 4))) == (None, "never", D(2026, 7, 4), 0)
    (item,) = cadence.due_items([c], CONFIG, D(2026, 7, 4))
    assert (item.days_until, cadence.describe(item, D(2026, 7, 4))) == (0, "never contacted: no log, no met date")


def test_met_in_the_future_counts_as_never() -> None:
    c = person(met=D(2026, 9, 1))
    assert cadence.schedule(c, CONFIG, D(2026, 7, 4)).basis == "never"


def test_only_planned_entries_counts_as_never_for_last_touch() -> None:
    c = person(log=((D(2026, 9, 1), "planned"),))
    s = cadence.schedule(c, CONFIG, D(2026, 7, 4))
    assert (s.last_contact, s.basis) == (None, "never")


# ======================================================================= snooze


def test_snooze_pushes_due_date() -> None:
    c = person(log=((D(2026, 1, 31), "a"),), snooze_until=D(2026, 4, 15))  # due 2026-03-02 without it
    s = cadence.schedule(c, CONFIG, D(2026, 3, 10))
    assert (s.next_due, s.snoozed, s.days_until(D(2026, 3, 10))) == (D(2026, 4, 15), True, 36)
    assert cadence.due_items([c], CONFIG, D(2026, 3, 10)) == []


def test_snooze_earlier_than_due_changes_nothing() -> None:
    c = person(log=((D(2026, 1, 31), "a"),), snooze_until=D(2026, 2, 1))
    s = cadence.schedule(c, CONFIG, D(2026, 2, 2))
    assert (s.next_due, s.snoozed) == (D(2026, 3, 2), False)


def test_snooze_over_counts_from_the_snooze_date() -> None:
    c = person(log=((D(2026, 1, 31), "a"),), snooze_until=D(2026, 4, 15))
    (item,) = cadence.due_items([c], CONFIG, D(2026, 5, 1))
    assert (item.date, item.days_until) == (D(2026, 4, 15), -16)


def test_snooze_on_a_never_contacted_person() -> None:
    c = person(snooze_until=D(2026, 8, 1))
    assert due_on(c, D(2026, 7, 4)) == D(2026, 8, 1)


def test_snooze_inside_window_is_listed_with_reason() -> None:
    c = person(log=((D(2026, 1, 31), "Coffee"),), snooze_until=D(2026, 3, 5))
    (item,) = cadence.due_items([c], CONFIG, D(2026, 3, 1))
    assert item.date == D(2026, 3, 5)
    assert cadence.describe(item, D(2026, 3, 1)) == "snooze ends 2026-03-05; last: Coffee 2026-01-31"


# ====================================================================== planned


TODAY = D(2026, 6, 1)


def tier2_overdue(*extra: tuple[dt.date, str], **kw: Any) -> Contact:
    """Tier 2 (90d), last touch 2026-01-01: due 2026-04-01, 61 days overdue on 2026-06-01."""
    return person(tier=2, log=((D(2026, 1, 1), "Lunch"), *extra), **kw)


def test_overdue_without_plan() -> None:
    (item,) = cadence.due_items([tier2_overdue()], CONFIG, TODAY)
    assert (item.date, item.days_until) == (D(2026, 4, 1), -61)


def test_planned_inside_cadence_window_means_not_due() -> None:
    c = tier2_overdue((D(2026, 6, 20), "Dinner planned"))
    s = cadence.schedule(c, CONFIG, TODAY)
    assert s.planned is not None and s.planned.text == "Dinner planned"
    assert (s.next_due, s.last_contact) == (D(2026, 6, 20), D(2026, 1, 1))
    assert cadence.due_items([c], CONFIG, TODAY, within=30) == []


def test_planned_on_the_last_day_of_the_window_counts() -> None:
    # window: today + 90d = 2026-08-30
    c = tier2_overdue((D(2026, 8, 30), "plan"))
    assert cadence.schedule(c, CONFIG, TODAY).planned is not None


def test_planned_beyond_the_window_does_not_count() -> None:
    c = tier2_overdue((D(2026, 8, 31), "far plan"))
    s = cadence.schedule(c, CONFIG, TODAY)
    assert (s.planned, s.next_due) == (None, D(2026, 4, 1))
    assert len(cadence.due_items([c], CONFIG, TODAY)) == 1


def test_planned_window_uses_calendar_months() -> None:
    c = person(tier=1, cadence=dur("1m"), log=((D(2025, 11, 1), "old"), (D(2026, 2, 28), "plan")))
    assert cadence.schedule(c, CONFIG, D(2026, 1, 31)).planned is not None  # window ends Feb 28
    c = person(tier=1, cadence=dur("1m"), log=((D(2025, 11, 1), "old"), (D(2026, 3, 1), "plan")))
    assert cadence.schedule(c, CONFIG, D(2026, 1, 31)).planned is None


def test_plan_beats_snooze_and_covers_never_contacted() -> None:
    c = tier2_overdue((D(2026, 6, 10), "plan"), snooze_until=D(2026, 7, 1))
    s = cadence.schedule(c, CONFIG, TODAY)
    assert (s.next_due, s.snoozed) == (D(2026, 6, 10), False)
    never = person(log=((D(2026, 6, 3), "first coffee"),))
    assert cadence.schedule(never, CONFIG, TODAY).next_due == D(2026, 6, 3)


def test_first_planned_entry_is_the_one() -> None:
    c = tier2_overdue((D(2026, 7, 1), "second"), (D(2026, 6, 15), "first"))
    s = cadence.schedule(c, CONFIG, TODAY)
    assert s.planned is not None and s.planned.text == "first"


# ============================================================== paused, archived


@pytest.mark.parametrize("status", ["paused", "archived"])
def test_paused_and_archived_are_never_due(status: str) -> None:
    c = tier2_overdue(status=status)
    s = cadence.schedule(c, CONFIG, TODAY)
    assert (s.next_due, s.last_contact) == (None, D(2026, 1, 1))
    assert s.days_until(TODAY) is None
    assert cadence.due_items([c], CONFIG, TODAY, within=3650) == []


def test_paused_never_contacted_is_not_due() -> None:
    assert cadence.due_items([person(status="paused")], CONFIG, TODAY) == []


# ================================================================ the due window


def test_window_includes_overdue_and_up_to_within_days() -> None:
    a = person("A", tier=1, log=((D(2026, 5, 8), "a"),))   # due 2026-06-07: +6
    b = person("B", tier=1, log=((D(2026, 5, 9), "b"),))   # due 2026-06-08: +7 (edge)
    c = person("C", tier=1, log=((D(2026, 5, 10), "c"),))  # due 2026-06-09: +8
    names = [i.contact.name for i in cadence.due_items([a, b, c], CONFIG, TODAY, within=7)]
    assert names == ["A", "B"]
    assert [i.contact.name for i in cadence.due_items([a, b, c], CONFIG, TODAY, within=0)] == []
    assert [i.contact.name for i in cadence.due_items([a, b, c], CONFIG, TODAY, within=-5)] == []


def test_overdue_ratio_and_days() -> None:
    c = person(tier=1, log=((D(2026, 1, 1), "a"),))
    s = cadence.schedule(c, CONFIG, D(2026, 3, 2))
    assert s.days_until(D(2026, 3, 2)) == -30
    assert s.overdue_ratio(D(2026, 3, 2)) == 2.0
    assert cadence.schedule(person(), CONFIG, TODAY).overdue_ratio(TODAY) == float("inf")


# ===================================================================== urgency


def test_urgency_order() -> None:
    contacts = [
        person("Daniel", tier=3, log=((D(2025, 12, 6), "d"),)),                     # due 06-04 (+3)
        person("Erin", tier=3, log=((D(2026, 5, 1), "e"),), birthday=Birthday(6, 4)),  # birthday 06-04
        person("Fay", tier=2),                                                      # never: due today
        person("Xavier", tier=3, log=((D(2025, 10, 19), "x"),)),  # 225 d / 180 = 1.25, 45 d overdue
        person("Yolanda", tier=1, log=((D(2026, 4, 22), "y"),)),  # 40 / 30 = 1.33, 10 d overdue
        person("Bea", tier=1, log=((D(2026, 4, 17), "b"),)),      # 45 / 30 = 1.5
        person("Aaron", tier=2, cadence=dur("30d"), log=((D(2026, 4, 2), "a"),)),  # 60 / 30 = 2.0, tier 2
        person("Zed", tier=1, log=((D(2026, 4, 2), "z"),)),      # 60 / 30 = 2.0, tier 1
    ]
    items = cadence.due_items(contacts, CONFIG, TODAY)
    assert [(i.contact.name, i.kind) for i in items] == [
        ("Zed", "touchpoint"),      # most overdue relative to cadence; tie broken by tier
        ("Aaron", "touchpoint"),
        ("Bea", "touchpoint"),
        ("Yolanda", "touchpoint"),  # fewer days overdue than Xavier, but more cadences late
        ("Xavier", "touchpoint"),
        ("Fay", "touchpoint"),      # due today
        ("Erin", "birthday"),       # same day: the birthday first
        ("Daniel", "touchpoint"),
    ]
    assert [i.days_until for i in items] == [-30, -30, -15, -10, -45, 0, 3, 3]


def test_same_day_ties_by_tier_then_name() -> None:
    a = person("Bob", tier=2, cadence=dur("30d"), log=((D(2026, 5, 5), "x"),))
    b = person("Carl", tier=1, log=((D(2026, 5, 5), "x"),))
    c = person("Abe", tier=1, log=((D(2026, 5, 5), "x"),))
    assert [i.contact.name for i in cadence.due_items([a, b, c], CONFIG, TODAY)] == ["Abe", "Carl", "Bob"]


# ==================================================================== birthdays


def birthdays(contacts: list[Contact], today: dt.date, within: int = 7) -> list[tuple[str, dt.date, int, int | None]]:
    return [(i.contact.name, i.date, i.days_until, i.age)
            for i in cadence.due_items(contacts, CONFIG, today, within) if i.kind == "birthday"]


def recent(name: str, birthday: Birthday, **kw: Any) -> Contact:
    """A contact touched on 2026-01-01 with a 100-year cadence: only the birthday can be listed."""
    return person(name, tier=3, cadence=dur("100y"), log=((D(2026, 1, 1), "x"),), birthday=birthday, **kw)


def test_birthday_with_year() -> None:
    today = D(2026, 12, 5)
    assert birthdays([recent("Ada", Birthday(12, 10, 1990))], today) == [("Ada", D(2026, 12, 10), 5, 36)]
    (item,) = cadence.due_items([recent("Ada", Birthday(12, 10, 1990))], CONFIG, today)
    assert cadence.describe(item, today) == "birthday in 5 d, turns 36"


def test_birthday_without_year() -> None:
    today = D(2026, 12, 5)
    assert birthdays([recent("Ada", Birthday(12, 10))], today) == [("Ada", D(2026, 12, 10), 5, None)]
    (item,) = cadence.due_items([recent("Ada", Birthday(12, 10))], CONFIG, today)
    assert cadence.describe(item, today) == "birthday in 5 d"


def test_birthday_today() -> None:
    today = D(2026, 12, 10)
    (item,) = cadence.due_items([recent("Ada", Birthday(12, 10, 1990))], CONFIG, today, within=0)
    assert (item.days_until, cadence.describe(item, today)) == (0, "birthday today, turns 36")


def test_feb_29_in_a_common_year_is_feb_28() -> None:
    c = recent("Leap", Birthday(2, 29, 2000))
    assert birthdays([c], D(2026, 2, 25)) == [("Leap", D(2026, 2, 28), 3, 26)]
    assert birthdays([c], D(2026, 2, 28), within=0) == [("Leap", D(2026, 2, 28), 0, 26)]
    assert cadence.next_birthday(Birthday(2, 29), D(2026, 3, 1)) == D(2027, 2, 28)


def test_feb_29_in_a_leap_year() -> None:
    c = recent("Leap", Birthday(2, 29))
    assert birthdays([c], D(2028, 2, 25)) == [("Leap", D(2028, 2, 29), 4, None)]
    assert cadence.next_birthday(Birthday(2, 29), D(2027, 3, 1)) == D(2028, 2, 29)
    assert cadence.next_birthday(Birthday(2, 29), D(2028, 2, 29)) == D(2028, 2, 29)


def test_birthday_window_edges() -> None:
    c = recent("Ada", Birthday(12, 10))
    assert birthdays([c], D(2026, 12, 3), within=7) == [("Ada", D(2026, 12, 10), 7, None)]  # last day in
    assert birthdays([c], D(2026, 12, 3), within=6) == []
    assert birthdays([c], D(2026, 12, 11), within=7) == []  # yesterday's is next year's
    assert cadence.next_birthday(Birthday(12, 10), D(2026, 12, 11)) == D(2027, 12, 10)


def test_birthday_across_new_year() -> None:
    c = recent("Ada", Birthday(1, 2, 1990))
    assert birthdays([c], D(2026, 12, 30)) == [("Ada", D(2027, 1, 2), 3, 37)]


def test_birthdays_of_paused_yes_archived_no() -> None:
    paused = recent("Paused", Birthday(6, 3), status="paused")
    archived = recent("Archived", Birthday(6, 3), status="archived")
    assert birthdays([paused, archived], TODAY) == [("Paused", D(2026, 6, 3), 2, None)]


def test_birth_year_in_the_future_has_no_age() -> None:
    c = recent("Typo", Birthday(6, 3, 2062))
    (item,) = cadence.due_items([c], CONFIG, TODAY)
    assert item.age is None and cadence.describe(item, TODAY) == "birthday in 2 d"


def test_birthday_and_due_touchpoint_are_two_items() -> None:
    c = person("Ada", tier=1, log=((D(2026, 5, 1), "x"),), birthday=Birthday(6, 2))
    items = cadence.due_items([c], CONFIG, TODAY)
    assert [(i.kind, i.days_until) for i in items] == [("touchpoint", -1), ("birthday", 1)]


# ===================================================================== describe


def test_describe_variants() -> None:
    def why(c: Contact, today: dt.date) -> str:
        (item,) = [i for i in cadence.due_items([c], CONFIG, today) if i.kind == "touchpoint"]
        return cadence.describe(item, today)

    assert why(person(log=((D(2026, 1, 1), "Coffee"),)), D(2026, 3, 2)) == (
        "2.0× cadence since last touch, 30 d overdue; last: Coffee 2026-01-01")
    assert why(person(log=((D(2026, 1, 1), "Coffee"),)), D(2026, 1, 31)) == "due today; last: Coffee 2026-01-01"
    assert why(person(log=((D(2026, 1, 1), "Coffee"),)), D(2026, 1, 28)) == "due in 3 d; last: Coffee 2026-01-01"
    assert why(person(met=D(2026, 1, 10)), D(2026, 2, 24)) == (
        "1.5× cadence since last touch, 15 d overdue; met 2026-01-10, no touchpoint since")
    assert why(person(last_contact=D(2026, 1, 1)), D(2026, 2, 1)) == (
        "1.0× cadence since last touch, 1 d overdue; last: 2026-01-01")
    long_text = "A very long description of a lunch that went on and on"
    assert why(person(log=((D(2026, 1, 1), long_text),)), D(2026, 1, 31)) == (
        "due today; last: A very long description of a lu… 2026-01-01")


def test_due_item_json_shape() -> None:
    c = person("Ada Lovelace", tier=1, log=((D(2026, 1, 1), "a"),))
    (item,) = cadence.due_items([c], CONFIG, D(2026, 3, 2))
    assert item.to_json() == {
        "kind": "touchpoint", "name": "Ada Lovelace", "path": "contacts/ada-lovelace.md", "tier": 1,
        "date": "2026-01-31", "days_until": -30, "last_contact": "2026-01-01", "cadence_days": 30,
        "basis": "log", "age": None,
    }


def test_schedule_is_pure_and_frozen() -> None:
    c = person(log=((D(2026, 1, 1), "a"),))
    s1 = cadence.schedule(c, CONFIG, TODAY)
    s2 = cadence.schedule(c, CONFIG, TODAY)
    assert s1 == s2
    with pytest.raises(dataclasses.FrozenInstanceError):
        s1.next_due = None  # type: ignore[misc]


# ==================================================================== extremes


def test_huge_cadence_and_window_saturate_instead_of_crashing() -> None:
    c = person(cadence=dur("9000y"), met=D(2026, 1, 1))
    assert due_on(c, D(2026, 2, 1)) == dt.date.max
    c = person(cadence=dur("99999999d"), log=((D(2026, 1, 1), "x"), (D(2026, 3, 1), "plan")))
    s = cadence.schedule(c, CONFIG, D(2026, 2, 1))
    assert s.planned is not None  # the window is "forever"
    items = cadence.due_items([person()], CONFIG, D(2026, 2, 1), within=10**9)
    assert [i.date for i in items] == [D(2026, 2, 1)]


def test_birthday_at_the_end_of_time() -> None:
    assert cadence.next_birthday(Birthday(1, 1), dt.date(9999, 12, 31)) == dt.date.max
    assert cadence.next_birthday(Birthday(12, 31), dt.date(9999, 12, 31)) == dt.date(9999, 12, 31)
