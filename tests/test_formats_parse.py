"""Importers (issue 7): real-shaped exports parse to the expected people; bad input gives
problems with line numbers, never exceptions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netkit.formats import (
    ImportedPerson,
    ParseResult,
    normalise_email,
    normalise_linkedin,
    normalise_name,
    normalise_tag,
    normalise_url,
    parse_birthday,
    parse_google,
    parse_linkedin,
    parse_vcard,
)
from netkit.model import Birthday

FIXTURES = Path(__file__).parent / "fixtures" / "formats"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def by_name(result: ParseResult) -> dict[str, ImportedPerson]:
    return {p.name: p for p in result.people}


def codes(result: ParseResult) -> list[tuple[int, str, str]]:
    return [(p.line, p.code, p.severity) for p in result.problems]


# --------------------------------------------------------------------------------------
# normalisers
# --------------------------------------------------------------------------------------


def test_normalise_name_folds_case_accents_and_spaces() -> None:
    assert normalise_name("  José   ÁLVAREZ ") == "jose alvarez"
    assert normalise_name("Chloé\tO'Brien") == normalise_name("chloe o'brien")
    assert normalise_name("Straße") == "strasse"


def test_normalise_email() -> None:
    assert normalise_email(" Grace.Hopper@Navy.Example ") == "grace.hopper@navy.example"
    assert normalise_email("mailto:Ada@Example.com") == "ada@example.com"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://www.linkedin.com/in/ada", "https://www.linkedin.com/in/ada"),
        ("http://www.LinkedIn.com/in/ada/", "https://www.linkedin.com/in/ada"),
        ("www.linkedin.com/in/ada/?trk=public#x", "https://www.linkedin.com/in/ada"),
        ("linkedin.com/in/ada", "https://www.linkedin.com/in/ada"),
        ("https://uk.linkedin.com/in/ada", "https://www.linkedin.com/in/ada"),
        ("https://www.linkedin.com/in/jos%c3%a9", "https://www.linkedin.com/in/jos%C3%A9"),
        ("https://example.com/in/ada", None),
        ("https://notlinkedin.com/in/ada", None),
        ("javascript:alert(1)", None),
        ("", None),
    ],
)
def test_normalise_linkedin(raw: str, expected: str | None) -> None:
    assert normalise_linkedin(raw) == expected


def test_normalise_url_and_tag() -> None:
    assert normalise_url("HTTP://Example.COM:443/a/b/?q=1") == "https://example.com/a/b"
    assert normalise_url("https://[::1") is None
    assert normalise_url("ftp://example.com") is None
    assert normalise_tag("#Computing  History ") == "computing-history"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1990-05-17", Birthday(5, 17, 1990)),
        ("19900517", Birthday(5, 17, 1990)),
        ("1990-5-7", Birthday(5, 7, 1990)),
        ("1990-05-17T00:00:00Z", Birthday(5, 17, 1990)),
        ("19900517T000000", Birthday(5, 17, 1990)),
        ("--05-17", Birthday(5, 17, None)),
        ("--0517", Birthday(5, 17, None)),
        ("--0229", Birthday(2, 29, None)),
        ("0000-05-17", Birthday(5, 17, None)),
        ("1990-02-30", None),
        ("--1332", None),
        ("---17", None),
        ("May 17", None),
        ("", None),
    ],
)
def test_parse_birthday(raw: str, expected: Birthday | None) -> None:
    assert parse_birthday(raw) == expected


# --------------------------------------------------------------------------------------
# LinkedIn
# --------------------------------------------------------------------------------------


def test_linkedin_export_with_preamble_bom_crlf() -> None:
    data = fixture("linkedin_connections.csv")
    assert data.startswith(b"\xef\xbb\xbfNotes:\r\n")  # the fixture is shaped like the real file
    result = parse_linkedin(data)
    people = by_name(result)
    assert list(people) == [
        "Ada Lovelace",
        "Grace Hopper",
        "José Álvarez",
        "Chloé O'Brien",
        "Tim Berners-Lee",
    ]
    ada = people["Ada Lovelace"]
    assert ada == ImportedPerson(
        name="Ada Lovelace",
        first_name="Ada",
        last_name="Lovelace",
        company="Analytical Engines",
        role="Research Lead",
        linkedin="https://www.linkedin.com/in/ada-lovelace",
        met=dt.date(2023, 8, 24),
        tags=("linkedin",),
        source="linkedin",
        line=5,  # Notes:, the quoted note, a blank line, the header, then Ada
    )
    grace = people["Grace Hopper"]
    assert grace.emails == ("grace.hopper@navy.example",)
    assert grace.company == "US Navy, Reserve"  # quoted comma
    jose = people["José Álvarez"]
    assert (jose.company, jose.role) == ("Acme, Inc.", "Head of Data, EMEA")
    assert jose.linkedin == "https://www.linkedin.com/in/jos%C3%A9-%C3%A1lvarez-1a2b3c"
    assert people["Chloé O'Brien"].role == 'Engineer, "Platform"'
    assert people["Tim Berners-Lee"].linkedin == "https://www.linkedin.com/in/timbl"
    assert all(not p.emails for n, p in people.items() if n != "Grace Hopper")
    # the member with a hidden name is reported, the empty trailing row is not
    assert codes(result) == [(9, "import.no-name", "warning")]


def test_linkedin_line_endings_and_bom_do_not_matter() -> None:
    data = fixture("linkedin_connections.csv")
    variants = [
        data,
        data.removeprefix(b"\xef\xbb\xbf"),
        data.replace(b"\r\n", b"\n"),
        data.replace(b"\r\n", b"\r"),
    ]
    results = [parse_linkedin(v) for v in variants]
    assert all(r.people == results[0].people for r in results)


def test_linkedin_old_export_without_url_column() -> None:
    result = parse_linkedin(fixture("linkedin_old_no_url.csv"))
    assert result.problems == []
    linus, margaret = result.people
    assert (linus.name, linus.emails, linus.linkedin) == (
        "Linus Torvalds",
        ("linus@kernel.example",),
        None,
    )
    assert linus.met == dt.date(2018, 11, 12)
    assert (margaret.company, margaret.role, margaret.line) == ("Hamilton Technologies", "CEO", 3)


def test_linkedin_long_preamble_and_reordered_columns() -> None:
    data = (
        "Notes:\n"
        + "".join(f'"note line {i}, with a comma"\n' for i in range(8))
        + "\nConnected On,Position,Company,Last Name,First Name\n"
        + "1 Jan 2024,CTO,Acme,Doe,Jane\n"
    ).encode()
    (jane,) = parse_linkedin(data).people
    assert (jane.name, jane.role, jane.company, jane.met) == (
        "Jane Doe",
        "CTO",
        "Acme",
        dt.date(2024, 1, 1),
    )
    assert jane.line == 12


def test_linkedin_header_only_is_no_rows() -> None:
    result = parse_linkedin(
        b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
    )
    assert result.people == []
    assert codes(result) == [(1, "import.no-rows", "error")]


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"hello,world\n1,2\n", b"\x00\x01\x02"])
def test_linkedin_without_header(data: bytes) -> None:
    result = parse_linkedin(data)
    assert result.people == []
    found = {p.code for p in result.errors}
    assert {"import.no-header", "import.no-rows"} <= found


def test_linkedin_bad_values_are_warnings_with_columns() -> None:
    data = (
        b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        b'Eve,Example,javascript:alert(1),not-an-email,=HYPERLINK("x"),+SUM(A1),31 Feb 2024\n'
        b"Short,Row\n"
        b"Too,Many,,,,,,extra\n"
    )
    result = parse_linkedin(data)
    eve, short, many = result.people
    assert (eve.linkedin, eve.emails, eve.met) == (None, (), None)
    assert eve.company == '=HYPERLINK("x")'  # kept as data; neutralised on CSV export
    assert (short.name, short.company) == ("Short Row", None)
    assert many.name == "Too Many"
    line2 = 'Eve,Example,javascript:alert(1),not-an-email,=HYPERLINK("x"),+SUM(A1),31 Feb 2024'
    found = [(p.line, p.column, p.code) for p in result.problems]
    assert found == [
        (2, line2.index("javascript") + 1, "import.bad-url"),
        (2, line2.index("not-an-email") + 1, "import.bad-email"),
        (2, line2.index("31 Feb") + 1, "import.bad-date"),
        (4, len("Too,Many,,,,,,") + 1, "import.row-shape"),
    ]
    assert all(p.severity == "warning" for p in result.problems)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("24 Aug 2023", dt.date(2023, 8, 24)),
        ("4 August 2023", dt.date(2023, 8, 4)),
        ("08/24/2023", dt.date(2023, 8, 24)),
        ("8/24/23", dt.date(2023, 8, 24)),
        ("2023-08-24", dt.date(2023, 8, 24)),
    ],
)
def test_linkedin_connected_on_forms(raw: str, expected: dt.date) -> None:
    data = f"First Name,Last Name,Connected On\nA,B,{raw}\n".encode()
    assert parse_linkedin(data).people[0].met == expected


def test_linkedin_cp1252_file_is_read_with_a_warning() -> None:
    data = "First Name,Last Name\nJosé,Müller\n".encode("cp1252")
    result = parse_linkedin(data)
    assert result.people[0].name == "José Müller"
    assert codes(result) == [(2, "import.encoding", "warning")]


def test_linkedin_nul_bytes_and_broken_quotes_do_not_raise() -> None:
    data = b'First Name,Last Name\nA\x00da,Lovelace\nB,"unterminated\n'
    result = parse_linkedin(data)
    assert result.people[0].name == "Ada Lovelace"
    assert "import.nul-bytes" in {p.code for p in result.problems}


# --------------------------------------------------------------------------------------
# Google Contacts
# --------------------------------------------------------------------------------------


def test_google_current_export() -> None:
    result = parse_google(fixture("google_contacts.csv"))
    people = by_name(result)
    assert list(people) == ["Ada Lovelace", "Bob J. Smith", "Zoë Ünal"]
    ada = people["Ada Lovelace"]
    assert ada.emails == ("ada@engines.example", "ada@home.example", "ada.l@poetry.example")
    assert ada.phones == ("+44 20 7946 0000",)
    assert (ada.company, ada.role) == ("Analytical Engines", "Research lead")
    assert ada.birthday == Birthday(12, 10, 1815)
    assert ada.linkedin == "https://www.linkedin.com/in/ada-lovelace"
    assert ada.tags == ("mentors", "starred")  # * myContacts dropped, * starred kept
    assert ada.notes == "Met at PyCon.\nLikes poetry, and maths."
    assert ada.location == "London, GB"
    assert (ada.source, ada.line) == ("google", 2)
    extra = dict(ada.extra)
    assert extra["Organization Department"] == "Research"
    assert extra["Website 2 - Value"] == "https://ada.example/blog"
    assert extra["Custom Field 1 - Value"] == "she/her"
    assert extra["Event 1 - Value"] == "1835-07-08"
    assert extra["Address 1 - Formatted"] == "12 St James's Square\nLondon SW1Y 4JH\nGB"
    assert "Website 1 - Value" not in extra  # became `linkedin`
    assert "Organization Name" not in extra and "Notes" not in extra

    bob = people["Bob J. Smith"]
    assert (bob.first_name, bob.last_name) == ("Bob", "Smith")
    assert bob.birthday == Birthday(5, 17, None)
    assert bob.phones == ("+1 (555) 010-0199", "+1 555 010 0200")  # ::: in one cell
    assert bob.tags == ("coworkers",)
    assert bob.line == 6  # Ada's quoted notes and address span lines 2-5

    zoe = people["Zoë Ünal"]
    assert zoe.birthday is None and zoe.emails == ()
    assert dict(zoe.extra)["Birthday"] == "1990-02-30"
    assert codes(result) == [
        (7, "import.no-name", "warning"),
        (8, "import.bad-date", "warning"),
        (8, "import.bad-email", "warning"),
    ]


def test_google_legacy_export() -> None:
    result = parse_google(fixture("google_legacy.csv"))
    assert result.problems == []
    charles, mary = result.people
    assert charles.name == "Charles Babbage"
    assert (charles.company, charles.role) == ("Analytical Engines", "Inventor")
    assert charles.emails == ("charles@engines.example",)
    assert charles.phones == ("+44 7700 900123",)
    assert charles.linkedin == "https://www.linkedin.com/in/cbabbage"
    assert charles.birthday == Birthday(12, 26, 1791)
    assert charles.tags == ("friends", "engineers")  # "* My Contacts" dropped
    assert mary.birthday == Birthday(12, 26, None)
    assert mary.tags == ("starred",)
    assert mary.location == "Oxford"


def test_google_utf16_export() -> None:
    text = fixture("google_legacy.csv").decode("utf-8")
    result = parse_google(text.encode("utf-16"))  # with a BOM, as old Google CSVs were
    assert [p.name for p in result.people] == ["Charles Babbage", "Mary Somerville"]


def test_google_without_header_or_rows() -> None:
    assert {p.code for p in parse_google(b"").errors} == {"import.no-header", "import.no-rows"}
    header_only = fixture("google_contacts.csv").split(b"\r\n")[0] + b"\r\n"
    assert codes(parse_google(header_only)) == [(1, "import.no-rows", "error")]


# --------------------------------------------------------------------------------------
# vCard
# --------------------------------------------------------------------------------------


def test_android_21_quoted_printable() -> None:
    data = fixture("android_21.vcf")
    assert b"=\r\nber WhatsApp" in data  # a real soft line break, unindented continuation
    result = parse_vcard(data)
    assert result.problems == []
    jurgen, ivan, dana = result.people
    assert jurgen.name == "Jürgen Müller"
    assert (jurgen.first_name, jurgen.last_name) == ("Jürgen", "Müller")
    assert jurgen.company == "Bäckerei Müller GmbH"
    assert jurgen.role == "Inhaber"
    assert jurgen.phones == ("+49 170 1234567", "+49 30 1234567")  # PREF first
    assert jurgen.emails == ("juergen@example.de",)
    assert jurgen.birthday == Birthday(4, 12, 1985)
    assert jurgen.notes == (
        "Kennengelernt auf der Messe in Köln. Sehr interessiert an Sauerteig – schickt "
        "Rezepte über WhatsApp.\nZweite Zeile: Grüße an Frau Müller."
    )
    assert ("PHOTO", "omitted") in jurgen.extra
    assert not any(len(v) > 100 for _, v in jurgen.extra)  # no image data copied
    assert (
        "X-ANDROID-CUSTOM",
        "vnd.android.cursor.item/nickname;Jo;1;;;;;;;;;;;;;",
    ) in jurgen.extra
    assert ivan.name == "Иван Иванович Иванов-Длинноимённый"
    assert (ivan.first_name, ivan.last_name) == ("Иван", "Иванов")
    assert ivan.emails == ("ivan@example.ru", "ivan.work@example.ru")
    assert dana.name == "Dana Okafor"  # no FN: built from N
    assert [p.line for p in result.people] == [1, 26, 39]


def test_apple_30_groups_labels_and_omit_year() -> None:
    result = parse_vcard(fixture("apple_30.vcf"))
    assert result.problems == []
    grace, alan, emmy = result.people
    assert grace.name == "Grace Hopper"
    assert grace.emails == ("grace@navy.example", "ghopper@yale.example")  # type=pref first
    assert grace.phones == ("+1 (555) 010-0100",)
    assert (grace.company, grace.role) == ("US Navy", "Rear Admiral")
    assert grace.birthday == Birthday(12, 9, None)  # 1604 is Apple's "no year"
    assert grace.linkedin == "https://www.linkedin.com/in/grace-hopper"
    assert grace.tags == ("mentors", "computing-history")
    assert grace.location == "Arlington, VA, United States"
    assert grace.notes is not None
    assert grace.notes.startswith("Invented the first compiler, A-0.\nLoves nanoseconds; ")
    assert grace.notes.endswith("“it’s only a convention”. Décor: naval.")  # folded mid-text
    extra = grace.extra
    assert ("X-ABDATE (Anniversary)", "1930-06-15") in extra
    assert ("X-SOCIALPROFILE", "http://twitter.com/gracehopper") in extra
    assert ("ORG-UNIT", "Computer Division") in extra
    assert ("UID", "5AD380FD-B2DE-4261-BA99-DE1D1DB52FBE") in extra
    assert ("PHOTO", "omitted") in extra
    assert not any(key.upper() == "X-ABLABEL" for key, _ in extra)
    assert alan.linkedin == "https://www.linkedin.com/in/alan-turing"  # from x-user=
    assert alan.birthday == Birthday(6, 23, 1912)
    assert alan.location == "Manchester, United Kingdom"
    assert emmy.birthday == Birthday(3, 23, None)


def test_v40_multiple_cards() -> None:
    result = parse_vcard(fixture("v40.vcf"))
    assert result.problems == []
    katherine, dorothy, mary = result.people
    assert katherine.emails == ("katherine@nasa.example",)
    assert katherine.phones == ("+1-555-010-0300",)  # tel: URI
    assert katherine.birthday == Birthday(8, 26, 1918)
    assert katherine.company == "NASA"
    assert katherine.linkedin == "https://www.linkedin.com/in/katherine-johnson"
    assert katherine.tags == ("nasa", "math,physics")  # escaped comma stays in the tag
    assert katherine.notes == "Line one\nLine two, with comma; and semicolon \\ backslash"
    assert ("X-NETKIT-TIER", "1") in katherine.extra
    assert ("ANNIVERSARY", "19390101") in katherine.extra
    assert dorothy.birthday == Birthday(9, 20, None)
    assert dorothy.extra == (("PHOTO", "omitted"),)  # data: URI not copied
    assert mary.birthday == Birthday(3, 15, None)  # --0315
    assert mary.location == "Hampton, VA, USA"


def test_vcard_bday_forms() -> None:
    forms = {
        "BDAY:19900517": Birthday(5, 17, 1990),
        "BDAY:1990-05-17": Birthday(5, 17, 1990),
        "BDAY:--0517": Birthday(5, 17, None),
        "BDAY:--05-17": Birthday(5, 17, None),
        "BDAY;X-APPLE-OMIT-YEAR=1604:1604-03-15": Birthday(3, 15, None),
        "BDAY:1604-03-15": Birthday(3, 15, 1604),  # without the parameter, 1604 is a year
        "BDAY;VALUE=date:1990-05-17T00:00:00Z": Birthday(5, 17, 1990),
    }
    for line, expected in forms.items():
        card = f"BEGIN:VCARD\nVERSION:3.0\nFN:X\n{line}\nEND:VCARD\n".encode()
        assert parse_vcard(card).people[0].birthday == expected, line


def test_vcard_text_birthday_is_kept_in_extra() -> None:
    card = b"BEGIN:VCARD\r\nVERSION:4.0\r\nFN:X\r\nBDAY;VALUE=text:circa 1800\r\nEND:VCARD\r\n"
    result = parse_vcard(card)
    assert result.people[0].birthday is None
    assert ("BDAY", "circa 1800") in result.people[0].extra
    assert codes(result) == [(4, "import.bad-date", "warning")]


def test_vcard_fold_inside_a_multibyte_character_is_rejoined() -> None:
    # RFC 6350 says writers must not do this, but some split at 75 octets regardless
    raw = "NOTE:Grüße".encode()
    cut = raw.index("ü".encode()) + 1
    card = b"BEGIN:VCARD\r\nFN:X\r\n" + raw[:cut] + b"\r\n " + raw[cut:] + b"\r\nEND:VCARD\r\n"
    assert parse_vcard(card).people[0].notes == "Grüße"


def test_vcard_parameters_quoted_and_bare() -> None:
    card = (
        b"BEGIN:VCARD\n"
        b"VERSION:2.1\n"
        b"FN:X\n"
        b'EMAIL;TYPE="internet,pref":b@example.com\n'
        b"EMAIL;INTERNET:a@example.com\n"
        b'item9.URL;X-LABEL="a;b:c":https://example.com/x\n'
        b"NOTE;QUOTED-PRINTABLE;CHARSET=ISO-8859-1:caf=E9\n"
        b"CATEGORIES:Work;Friends\n"
        b"END:VCARD\n"
    )
    (person,) = parse_vcard(card).people
    assert person.emails == ("b@example.com", "a@example.com")
    assert ("URL", "https://example.com/x") in person.extra
    assert person.notes == "café"
    assert person.tags == ("work", "friends")


def test_vcard_malformed_lines_are_problems_not_exceptions() -> None:
    data = (
        b"stray line before any card\n"  # 1
        b"BEGIN:VCARD\n"  # 2
        b"VERSION:3.0\n"  # 3
        b"FN:Ada\n"  # 4
        b"this line has no colon\n"  # 5
        b'EMAIL;TYPE="unterminated:ada@example.com\n'  # 6
        b"EMAIL:ada@example.com\n"  # 7
        b"BEGIN:VCARD\n"  # 8: the first card never ended
        b"FN:Bob\n"  # 9
        b"NOTE;CHARSET=no-such-charset:hi\n"  # 10
        b"END:VCARD\n"  # 11
        b"END:VCARD\n"  # 12
        b"BEGIN:VCARD\n"  # 13
        b"EMAIL:nobody@example.com\n"  # 14
        b"END:VCARD\n"  # 15
        b"BEGIN:VCARD\n"  # 16
        b"FN:Carol\n"  # 17: the file ends inside a card
    )
    result = parse_vcard(data)
    assert [p.name for p in result.people] == ["Ada", "Bob", "Carol"]
    assert result.people[0].emails == ("ada@example.com",)
    assert result.people[1].notes == "hi"
    assert codes(result) == [
        (1, "vcard.malformed-line", "error"),
        (2, "vcard.unterminated", "warning"),
        (5, "vcard.malformed-line", "error"),
        (6, "vcard.malformed-line", "error"),
        (10, "vcard.charset", "warning"),
        (12, "vcard.outside-card", "warning"),
        (13, "import.no-name", "warning"),
        (16, "vcard.unterminated", "warning"),
    ]


def test_vcard_empty_or_foreign_input_is_no_rows() -> None:
    for data in (b"", b"\r\n\r\n", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"):
        result = parse_vcard(data)
        assert result.people == []
        assert "import.no-rows" in {p.code for p in result.errors}


def test_vcard_utf16_and_bom() -> None:
    text = fixture("v40.vcf").decode("utf-8")
    for data in (text.encode("utf-16"), text.encode("utf-16-le"), b"\xef\xbb\xbf" + text.encode()):
        assert [p.name for p in parse_vcard(data).people] == [
            "Katherine Johnson",
            "Dorothy Vaughan",
            "Mary Jackson",
        ]


def test_vcard_invalid_utf8_falls_back_with_a_warning() -> None:
    data = "BEGIN:VCARD\nFN:Ren\xe9\nEND:VCARD\n".encode("latin-1")
    result = parse_vcard(data)
    assert result.people[0].name == "René"
    assert codes(result) == [(2, "import.encoding", "warning")]


# --------------------------------------------------------------------------------------
# never raise
# --------------------------------------------------------------------------------------

_VCARD_ALPHABET = st.sampled_from(
    [
        "BEGIN:VCARD", "END:VCARD", "VERSION:2.1", "FN:", "N:", "EMAIL;PREF:", "TEL;CELL:",
        "BDAY:", "--", "0315", "1604", "X-APPLE-OMIT-YEAR=", ";", ":", ",", "=", "\\", '"',
        "\r\n", "\n", "\r", " ", "\t", "item1.", "ENCODING=QUOTED-PRINTABLE", "CHARSET=",
        "=C3=BC", "=\r\n", "ENCODING=b", "PHOTO", "URL:", "linkedin.com/in/x", "ü", "\x00",
        "CATEGORIES:", "ADR:", "X-ABLabel:", "TYPE=", "^n", "utf-16", "rot13",
    ]
)  # fmt: skip
_CSV_ALPHABET = st.sampled_from(
    [
        "First Name", "Last Name", "URL", "Email Address", "Connected On", "Labels",
        "E-mail 1 - Value", "Phone 1 - Value", "Website 1 - Value", "Birthday", "Name",
        ",", '"', "\r\n", "\n", "\r", " ::: ", "* myContacts", "24 Aug 2023", "--05-17",
        "a@b.co", "https://www.linkedin.com/in/x", "\x00", "ü", "\ufeff", "Notes:",
    ]
)  # fmt: skip

_SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(st.binary(max_size=2000))
def test_parsers_never_raise_on_arbitrary_bytes(data: bytes) -> None:
    for parse in (parse_vcard, parse_linkedin, parse_google):
        result = parse(data)
        assert isinstance(result, ParseResult)
        assert all(p.line >= 1 and p.column >= 1 for p in result.problems)


@_SETTINGS
@given(st.lists(_VCARD_ALPHABET, max_size=80).map("".join), st.sampled_from(["utf-8", "utf-16"]))
def test_parse_vcard_never_raises_on_vcard_like_text(text: str, codec: str) -> None:
    result = parse_vcard(text.encode(codec, "surrogatepass"))
    assert all(p.line >= 1 for p in result.problems)
    for person in result.people:
        assert person.name


@_SETTINGS
@given(st.lists(_CSV_ALPHABET, max_size=80).map("".join))
def test_csv_parsers_never_raise_on_csv_like_text(text: str) -> None:
    for parse in (parse_linkedin, parse_google):
        result = parse(text.encode("utf-8"))
        for person in result.people:
            assert person.name and person.line >= 1
