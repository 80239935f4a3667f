"""Exporters (issue 7): vCard and iCalendar output read back by independent libraries
(vobject, icalendar), folding and escaping rules, spreadsheet-safe CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io

import icalendar
import pytest
import vobject
from hypothesis import given, settings
from hypothesis import strategies as st

from netkit.formats import (
    CalendarEvent,
    export_csv,
    export_ics,
    export_vcard,
    neutralise_cell,
    parse_vcard,
)
from netkit.formats.records import escape_text, fold_line
from netkit.formats.vcard import contact_uid, split_name
from netkit.model import Birthday, Contact

ADA = Contact(
    path="contacts/ada.md",
    stem="ada",
    name="Ada Lovelace",
    tier=1,
    emails=("ada@example.com", "ada@home.example"),
    phones=("+44 20 7946 0000",),
    company="Analytical Engines",
    role="Research lead",
    birthday=Birthday(12, 10, None),
    linkedin="http://www.LinkedIn.com/in/ada/",
    tags=("mentor", "analytics"),
    notes="Private: she is thinking about leaving.",
)
LUDWIG = Contact(
    path="contacts/music/ludwig.md",
    stem="ludwig",
    name="Ludwig van Beethoven",
    tier=2,
    birthday=Birthday(12, 16, 1770),
    company="Hofkapelle; Bonn, Kurköln",
    role="Composer\\pianist",
    tags=("music", "a,b"),
)
LONG = Contact(
    path="contacts/long.md",
    stem="long",
    name="Zoë " + "Ünal-Øster-" * 6 + " 山田太郎 🎹🎻",
    tier=3,
    emails=("zoe@example.com",),
    company="Ωmega " * 20,
)


def physical_lines(text: str) -> list[str]:
    assert text.endswith("\r\n")
    body = text[:-2]
    assert "\n" not in body.replace("\r\n", "")  # only CRLF line ends
    return body.split("\r\n")


def unfold(text: str) -> str:
    return text.replace("\r\n ", "").replace("\r\n\t", "")


# --------------------------------------------------------------------------------------
# vCard
# --------------------------------------------------------------------------------------


def test_export_vcard_is_read_by_vobject() -> None:
    text = export_vcard([ADA, LUDWIG])
    cards = list(vobject.readComponents(text))
    assert len(cards) == 2
    ada, ludwig = cards
    assert ada.version.value == "4.0"
    assert ada.fn.value == "Ada Lovelace"
    assert (ada.n.value.given, ada.n.value.family) == ("Ada", "Lovelace")
    assert [e.value for e in ada.email_list] == ["ada@example.com", "ada@home.example"]
    assert ada.email_list[0].params.get("PREF") == ["1"]
    assert [t.value for t in ada.tel_list] == ["+44 20 7946 0000"]
    assert ada.org.value == ["Analytical Engines"]
    assert ada.title.value == "Research lead"
    assert ada.bday.value == "--1210"
    assert ada.url.value == "https://www.linkedin.com/in/ada"
    assert ada.categories.value == ["mentor", "analytics"]
    assert ada.uid.value == contact_uid("contacts/ada.md")
    assert ada.uid.value.startswith("urn:netkit:") and len(ada.uid.value) == 11 + 40
    assert ada.contents["x-netkit-tier"][0].value == "1"
    assert "note" not in ada.contents  # notes stay private

    assert ludwig.bday.value == "17701216"
    assert (ludwig.n.value.given, ludwig.n.value.family) == ("Ludwig", "van Beethoven")
    assert ludwig.org.value == ["Hofkapelle; Bonn, Kurköln"]  # escaped ; and , survive
    assert ludwig.title.value == "Composer\\pianist"
    assert ludwig.categories.value == ["music", "a,b"]
    assert "email" not in ludwig.contents and "url" not in ludwig.contents


def test_export_vcard_lines_are_crlf_and_folded() -> None:
    text = export_vcard([ADA, LUDWIG, LONG])
    lines = physical_lines(text)
    assert max(len(line.encode("utf-8")) for line in lines) <= 75
    assert any(line.startswith(" ") for line in lines)  # LONG needed folding
    for line in lines:
        line.encode("utf-8").decode("utf-8")  # each physical line is whole UTF-8 characters
    (card,) = [c for c in vobject.readComponents(text) if c.fn.value.startswith("Zoë")]
    assert card.fn.value == LONG.name
    assert card.org.value == [LONG.company.strip()] or card.org.value == [LONG.company]


def test_export_vcard_is_stable() -> None:
    assert export_vcard([ADA, LUDWIG]) == export_vcard([ADA, LUDWIG])
    assert contact_uid("contacts/ada.md") != contact_uid("contacts/ada2.md")
    assert export_vcard([]) == ""


def test_export_vcard_escapes_hostile_text() -> None:
    nasty = Contact(
        path="contacts/x.md",
        stem="x",
        name="Eve, the; \\ tester\nEND:VCARD\r\nBEGIN:VCARD",
        tier=1,
        company="=cmd|' /C calc'!A0\x07",
        tags=("x;y",),
    )
    text = export_vcard([nasty])
    lines = physical_lines(text)
    assert lines.count("BEGIN:VCARD") == 1 and lines.count("END:VCARD") == 1
    (card,) = vobject.readComponents(text)
    assert card.fn.value == "Eve, the; \\ tester\nEND:VCARD\nBEGIN:VCARD"
    assert card.org.value == ["=cmd|' /C calc'!A0"]  # control character dropped
    (person,) = parse_vcard(text.encode()).people
    assert person.name == card.fn.value
    assert person.tags == ("x;y",)


@pytest.mark.parametrize(
    "birthday", [Birthday(12, 10, None), Birthday(2, 29, None), Birthday(5, 17, 1990), None]
)
def test_export_then_parse_round_trip(birthday: Birthday | None) -> None:
    contacts = [
        Contact(
            path="contacts/ada.md",
            stem="ada",
            name="Ada Lovelace",
            tier=1,
            emails=("ada@example.com", "ada@home.example"),
            phones=("+44 20 7946 0000", "+44 7700 900123"),
            company="Analytical Engines, Ltd; UK",
            role="Research lead",
            birthday=birthday,
            linkedin="https://www.linkedin.com/in/ada",
            tags=("mentor", "analytics"),
        ),
        LONG,
    ]
    result = parse_vcard(export_vcard(contacts).encode("utf-8"))
    assert result.problems == []
    ada, long = result.people
    assert ada.name == "Ada Lovelace"
    assert (ada.first_name, ada.last_name) == ("Ada", "Lovelace")
    assert ada.emails == ("ada@example.com", "ada@home.example")
    assert ada.phones == ("+44 20 7946 0000", "+44 7700 900123")
    assert ada.company == "Analytical Engines, Ltd; UK"
    assert ada.role == "Research lead"
    assert ada.birthday == birthday
    assert ada.linkedin == "https://www.linkedin.com/in/ada"
    assert ada.tags == ("mentor", "analytics")
    assert ("X-NETKIT-TIER", "1") in ada.extra
    assert ("UID", contact_uid("contacts/ada.md")) in ada.extra
    assert long.name == LONG.name
    assert long.company == LONG.company.strip()


def test_split_name() -> None:
    assert split_name("Ada") == ("Ada", "")
    assert split_name("Ada Lovelace") == ("Ada", "Lovelace")
    assert split_name("Ada King Lovelace") == ("Ada King", "Lovelace")
    assert split_name("Ludwig van Beethoven") == ("Ludwig", "van Beethoven")
    assert split_name("Charles de la Vallée") == ("Charles", "de la Vallée")


# --------------------------------------------------------------------------------------
# folding and escaping
# --------------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=400))
def test_fold_line_limits_octets_and_never_splits_a_character(text: str) -> None:
    line = "NOTE:" + escape_text(text)
    folded = fold_line(line)
    pieces = folded.split("\r\n")
    for i, piece in enumerate(pieces):
        size = len(piece.encode("utf-8"))
        assert size <= 75
        if i:
            assert piece.startswith(" ") and size > 1  # a continuation holds a character
    assert unfold(folded) == line


def test_escape_text() -> None:
    assert escape_text("a,b;c\\d\ne\r\nf\rg") == "a\\,b\\;c\\\\d\\ne\\nf\\ng"
    assert escape_text("bell\x07 tab\t") == "bell tab\t"
    assert escape_text("lone \ud800 surrogate") == "lone ? surrogate"


# --------------------------------------------------------------------------------------
# iCalendar
# --------------------------------------------------------------------------------------

EVENTS = [
    CalendarEvent(
        uid_seed="birthday:contacts/ada.md",
        date=dt.date(2026, 12, 10),
        summary="Ada Lovelace's birthday",
        description="Tier 1, mentor.\nSay hi; maybe call, not just text.",
        categories=("birthday", "netkit"),
        yearly=True,
    ),
    CalendarEvent(
        uid_seed="due:contacts/ludwig.md",
        date=dt.date(2026, 12, 31),
        summary="Reach out to Ludwig van Beethoven — " + "very long summary " * 6,
        description="",
        categories=(),
    ),
    CalendarEvent(
        uid_seed="birthday:contacts/leap.md",
        date=dt.date(2028, 2, 29),
        summary="Leap's birthday",
        description="",
        categories=("birthday",),
        yearly=True,
    ),
]


def test_export_ics_is_read_by_icalendar() -> None:
    text = export_ics(EVENTS, dtstamp=dt.date(2026, 11, 22))
    cal = icalendar.Calendar.from_ical(text)
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["PRODID"]) == "-//netkit//netkit//EN"
    ada, ludwig, leap = cal.walk("VEVENT")

    assert str(ada["UID"]).endswith("@netkit") and len(str(ada["UID"])) == 40 + 7
    assert ada["DTSTART"].dt == dt.date(2026, 12, 10)
    assert ada["DTEND"].dt == dt.date(2026, 12, 11)
    assert ada["DTSTAMP"].dt == dt.datetime(2026, 11, 22, tzinfo=dt.UTC)
    assert ada["RRULE"]["FREQ"] == ["YEARLY"]
    assert str(ada["SUMMARY"]) == "Ada Lovelace's birthday"
    assert str(ada["DESCRIPTION"]) == "Tier 1, mentor.\nSay hi; maybe call, not just text."
    assert [str(c) for c in ada["CATEGORIES"].cats] == ["birthday", "netkit"]
    assert str(ada["TRANSP"]) == "TRANSPARENT"

    assert "RRULE" not in ludwig and "DESCRIPTION" not in ludwig and "CATEGORIES" not in ludwig
    assert str(ludwig["SUMMARY"]) == EVENTS[1].summary
    assert ludwig["DTEND"].dt == dt.date(2027, 1, 1)

    assert leap["RRULE"]["BYMONTH"] == [2] and leap["RRULE"]["BYMONTHDAY"] == [-1]
    assert leap["DTEND"].dt == dt.date(2028, 3, 1)
    assert str(ada["UID"]) != str(leap["UID"])


def test_export_ics_is_deterministic_crlf_and_folded() -> None:
    first = export_ics(EVENTS, dtstamp=dt.date(2026, 11, 22))
    second = export_ics(list(EVENTS), dtstamp=dt.date(2026, 11, 22))
    assert first == second
    lines = physical_lines(first)
    assert max(len(line.encode("utf-8")) for line in lines) <= 75
    assert any(line.startswith(" ") for line in lines)
    unfolded = unfold(first)
    assert "DTSTAMP:20261122T000000Z\r\n" in unfolded
    assert "DTSTART;VALUE=DATE:20261210\r\n" in unfolded
    assert "DESCRIPTION:Tier 1\\, mentor.\\nSay hi\\; maybe call\\, not just text.\r\n" in unfolded
    # a different stamp date changes only DTSTAMP
    other = export_ics(EVENTS, dtstamp=dt.date(2027, 1, 1))
    assert other.replace("20270101T000000Z", "20261122T000000Z") == first
    assert export_ics(EVENTS, dtstamp=dt.datetime(2026, 11, 22, 15, 30)) == first


def test_export_ics_uid_is_stable_per_seed() -> None:
    one = export_ics(EVENTS[:1], dtstamp=dt.date(2026, 1, 1))
    renamed = CalendarEvent(
        uid_seed=EVENTS[0].uid_seed,
        date=EVENTS[0].date,
        summary="changed",
        description="",
        categories=(),
    )
    two = export_ics([renamed], dtstamp=dt.date(2026, 1, 1))
    uid = next(line for line in one.split("\r\n") if line.startswith("UID:"))
    assert uid in two


def test_export_ics_empty_and_custom_prodid() -> None:
    text = export_ics([], dtstamp=dt.date(2026, 1, 1), prodid="-//me//x//EN\ninjected")
    cal = icalendar.Calendar.from_ical(text)
    assert str(cal["PRODID"]) == "-//me//x//EN injected"
    assert cal.walk("VEVENT") == []


# --------------------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------------------


def read_back(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.mark.parametrize(
    "value",
    ["=1+1", "+44 20 7946 0000", "-2", "@SUM(A1:A2)", "\tx", "\rx", '=HYPERLINK("http://x","y")'],
)
def test_csv_injection_is_neutralised(value: str) -> None:
    text = export_csv([{"name": value}], ["name"])
    assert read_back(text)[1] == ["'" + value]


def test_export_csv_shape() -> None:
    rows: list[dict[str, object]] = [
        {
            "name": "Ada Lovelace",
            "tags": ["mentor", "analytics"],
            "tier": 1,
            "met": dt.date(2024, 5, 1),
            "notes": 'Says "hi",\nthen leaves',
            "ignored": "x",
        },
        {"name": "Bob", "tags": (), "active": False},
    ]
    text = export_csv(rows, ["name", "tags", "tier", "met", "notes", "active"])
    assert text.startswith("name,tags,tier,met,notes,active\r\n")
    assert text.endswith("\r\n")
    assert read_back(text) == [
        ["name", "tags", "tier", "met", "notes", "active"],
        ["Ada Lovelace", "mentor; analytics", "1", "2024-05-01", 'Says "hi",\nthen leaves', ""],
        ["Bob", "", "", "", "", "false"],
    ]
    assert "ignored" not in text


def test_neutralise_cell_leaves_safe_values() -> None:
    assert neutralise_cell("Ada") == "Ada"
    assert neutralise_cell("") == ""
    assert neutralise_cell("'=already") == "'=already"
    assert neutralise_cell(" =1") == " =1"
