"""Wikilinks in contact files: resolution ranks and the link.* diagnostics."""

from __future__ import annotations

import pytest

from netkit import contactfile, links
from netkit.config import default_config
from netkit.diagnostics import format_text
from netkit.index import ContactIndex
from netkit.model import Contact


def person(path: str, name: str | None = None, aliases: tuple[str, ...] = ()) -> Contact:
    stem = path.rsplit("/", 1)[-1].removesuffix(".md")
    return Contact(path=path, stem=stem, name=name or stem, tier=3, aliases=aliases)


def parsed(path: str, text: str) -> Contact:
    contact, diags = contactfile.parse_contact(text.encode("utf-8"), path, default_config())
    assert contact is not None and not diags, diags
    return contact


PEOPLE = [
    person("contacts/ada-lovelace.md", "Ada Lovelace", ("Ada", "Countess")),
    person("contacts/grace-hopper.md", "Grace Hopper", ("Amazing Grace",)),
    person("contacts/work/bob.md", "Bob Smith"),
    person("contacts/home/bob.md", "Robert Jones"),
    person("contacts/José Álvarez.md", "José Álvarez"),
    person("contacts/Countess.md", "Augusta Byron"),
]


@pytest.mark.parametrize(
    ("value", "expected", "rank"),
    [
        ("[[Ada Lovelace]]", "contacts/ada-lovelace.md", "name"),
        ("[[ada  LOVELACE]]", "contacts/ada-lovelace.md", "name"),
        ("[[Ada]]", "contacts/ada-lovelace.md", "alias"),
        ("[[Ada Lovelace|Ada]]", "contacts/ada-lovelace.md", "name"),
        ("[[Ada Lovelace#Log]]", "contacts/ada-lovelace.md", "name"),
        ("[[ada-lovelace]]", "contacts/ada-lovelace.md", "file name"),
        ("[[contacts/ada-lovelace]]", "contacts/ada-lovelace.md", "path"),
        ("[[contacts/ada-lovelace.md]]", "contacts/ada-lovelace.md", "path"),
        ("[[Ada Lovelace\\|Ada]]", "contacts/ada-lovelace.md", "name"),  # inside a table
        ("Grace Hopper", "contacts/grace-hopper.md", "name"),  # bare name
        ("[[amazing grace]]", "contacts/grace-hopper.md", "alias"),
        ("[[work/bob]]", "contacts/work/bob.md", "path"),
        ("[[contacts/home/bob]]", "contacts/home/bob.md", "path"),
        ("[[jose alvarez]]", "contacts/José Álvarez.md", "file name"),
        # the file Countess.md wins over Ada's alias "Countess", as in Obsidian
        ("[[Countess]]", "contacts/Countess.md", "file name"),
    ],
)
def test_resolution(value: str, expected: str, rank: str) -> None:
    res = links.LinkResolver(PEOPLE).resolve(value)
    assert res.contact is not None and res.contact.path == expected
    assert res.rank == rank and not res.ambiguous


@pytest.mark.parametrize("value", ["[[Alan Turing]]", "[[elsewhere/bob]]", "[[ada-lovelace/x]]", "[[]]", "[[ | x]]"])
def test_links_to_nobody(value: str) -> None:
    res = links.LinkResolver(PEOPLE).resolve(value)
    assert res.contact is None and res.candidates == () and res.rank is None


def test_ambiguous_file_name() -> None:
    res = links.LinkResolver(PEOPLE).resolve("[[bob]]")
    assert res.contact is None and res.ambiguous and res.rank == "file name"
    assert [c.path for c in res.candidates] == ["contacts/home/bob.md", "contacts/work/bob.md"]
    assert links.resolve_link(ContactIndex(PEOPLE), "[[bob]]") is None
    assert links.resolve_link(ContactIndex(PEOPLE), "[[Bob Smith]]") == PEOPLE[2]


ADA = """---
name: Ada Lovelace
tier: 1
introduced_by: "[[Grace Hopper]]"
knows:
  - "[[Charles Babbage]]"
  - "[[Sam]]"
  - Grace Hopper
---
# Ada

## Log
- 2026-11-03 Coffee [gave:: intro to [[Bob Smith]] and [[2026 Offsite]]] [got:: [[Grace Hopper|Grace]]]
"""


def test_link_diagnostics_positions_and_messages() -> None:
    ada = parsed("contacts/ada.md", ADA)
    others = [
        person("contacts/grace-hopper.md", "Grace Hopper"),
        person("contacts/sam-a.md", "Sam"),
        person("contacts/sam-b.md", "Sam"),
    ]
    index = ContactIndex([ada, *others])
    diags = links.link_diagnostics(index.contacts, index, texts={"contacts/ada.md": ADA})
    got = [(d.path, d.line, d.column, d.severity, d.code, d.message) for d in diags]
    assert got == [
        ("contacts/ada.md", 6, 5, "warning", "link.unresolved", "[[Charles Babbage]] links to nobody in the vault"),
        ("contacts/ada.md", 7, 5, "warning", "link.ambiguous",
         "[[Sam]] could mean any of: Sam (contacts/sam-a.md), Sam (contacts/sam-b.md)"),
        ("contacts/ada.md", 13, 38, "warning", "link.unresolved", "[[Bob Smith]] links to nobody in the vault"),
        ("contacts/ada.md", 13, 56, "warning", "link.unresolved", "[[2026 Offsite]] links to nobody in the vault"),
    ]
    assert 'netkit new "Charles Babbage"' in diags[0].hint
    assert "[[contacts/sam-a]]" in diags[1].hint
    shown = format_text(diags[2])
    assert shown.splitlines()[1].endswith(ADA.splitlines()[12])
    assert shown.splitlines()[2].index("^") - shown.splitlines()[1].index("-") == 37


def test_known_notes_quiet_log_links_but_not_people_fields() -> None:
    text = ADA.replace('"[[Charles Babbage]]"', '"[[projects/engine]]"')
    ada = parsed("contacts/ada.md", text)
    index = ContactIndex([ada, person("contacts/grace-hopper.md", "Grace Hopper"),
                          person("contacts/bob.md", "Bob Smith"), person("contacts/sam.md", "Sam")])
    diags = links.link_diagnostics([ada], index, known_notes=["meetings/2026 Offsite.md", "projects/engine.md"])
    assert [(d.line, d.code, d.message) for d in diags] == [
        (6, "link.unresolved", "[[projects/engine]] in `knows` is a note, not a contact"),
    ]


def test_a_clean_vault_has_no_link_diagnostics() -> None:
    ada = parsed("contacts/ada.md", '---\nname: Ada\nknows:\n  - "[[contacts/grace]]"\n---\n')
    grace = parsed("contacts/grace.md", '---\nname: Grace\nintroduced_by: "[[Ada]]"\n---\n')
    index = ContactIndex([ada, grace])
    assert links.link_diagnostics(index.contacts, index) == []


def test_empty_link_is_reported() -> None:
    ada = parsed("contacts/ada.md", "---\nname: Ada\n---\n## Log\n- 2026-01-01 Met [[ ]] today\n")
    diags = links.link_diagnostics([ada], ContactIndex([ada]))
    assert [(d.line, d.column, d.code) for d in diags] == [(5, 18, "link.unresolved")]
    assert "empty link" in diags[0].message


def test_relative_links_resolve_from_the_linking_file() -> None:
    resolver = links.LinkResolver(PEOPLE)
    source = "contacts/work/bob.md"
    assert resolver.contact_for("[[../ada-lovelace]]", source) == PEOPLE[0]
    assert resolver.contact_for("[[./bob]]", source) == PEOPLE[2]
    assert resolver.contact_for("[[../home/bob.md|Rob]]", source) == PEOPLE[3]
    assert resolver.contact_for("[[../../contacts/grace-hopper]]", source) == PEOPLE[1]
    assert resolver.contact_for("[[../../../outside]]", source) is None
    assert resolver.contact_for("[[./ada-lovelace]]", source) is None  # exact path only
    assert resolver.contact_for("[[../ada-lovelace]]") is None  # relative to nothing
    note = "journal/2026-11-03.md"
    assert resolver.contact_for("[[../contacts/ada-lovelace]]", note) == PEOPLE[0]
