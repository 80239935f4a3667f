"""Byte-minimal front-matter edits (netkit.frontmatter_edit) and import merging (netkit.merge)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from netkit import contactfile, frontmatter_edit, merge
from netkit.config import default_config
from netkit.fileio import fingerprint_bytes
from netkit.formats import ImportedPerson
from netkit.frontmatter_edit import RawLines, edit, is_insertion_only, render_field
from netkit.model import Birthday, Contact

CONFIG = default_config()


def front_matter(content: bytes) -> dict[str, Any]:
    contact, diags = contactfile.parse_contact(content, "contacts/x.md", CONFIG)
    assert contact is not None, diags
    assert not [d for d in diags if d.is_error], diags
    return dict(contact.front_matter)


# ------------------------------------------------------------------ frontmatter_edit


def test_missing_keys_go_just_before_the_closing_fence_crlf_bom() -> None:
    old = "\ufeff---\r\nname: Ada  # keep me\r\ntier: 1\r\n---\r\n# Ada\r\n\r\n## Log\r\n".encode()
    result = edit(old, {"company": "Acme, Inc.", "met": dt.date(2023, 8, 24)})
    assert result.content == (
        "\ufeff---\r\nname: Ada  # keep me\r\ntier: 1\r\n"
        'company: "Acme, Inc."\r\nmet: 2023-08-24\r\n'
        "---\r\n# Ada\r\n\r\n## Log\r\n"
    ).encode()
    assert result.added == ("company", "met")
    assert is_insertion_only(old, result.content)


def test_lists_gain_items_by_insertion_only() -> None:
    old = (
        b"---\n"
        b"name: Ada\n"
        b"tags:\n"
        b"  - a  # first\n"
        b"  - 'b'\n"
        b"aliases: [Ada L.]\n"
        b"source: []\n"
        b"email: ada@example.com  # work\n"
        b"knows:\n"
        b"- \"[[Bob]]\"\n"
        b"---\n"
    )
    result = edit(old, add_items={"tags": ["c"], "aliases": ["A. Lovelace"], "source": ["google"],
                                  "email": ["ada@home.example"], "knows": ["[[Cy]]"]})
    assert result.content == (
        b"---\n"
        b"name: Ada\n"
        b"tags:\n"
        b"  - a  # first\n"
        b"  - 'b'\n"
        b"  - c\n"
        b"aliases: [Ada L., A. Lovelace]\n"
        b"source: [google]\n"
        b'email: [ada@example.com, "ada@home.example"]  # work\n'
        b"knows:\n"
        b"- \"[[Bob]]\"\n"
        b"- \"[[Cy]]\"\n"
        b"---\n"
    )
    fm = front_matter(result.content)
    assert fm["tags"] == ["a", "b", "c"]
    assert fm["email"] == ["ada@example.com", "ada@home.example"]
    assert fm["knows"] == ["[[Bob]]", "[[Cy]]"]
    assert fm["source"] == ["google"]
    assert set(result.extended) == {"tags", "aliases", "source", "email", "knows"}


def test_empty_keys_are_filled_in_place() -> None:
    old = b"---\nname: Ada\nemail:\nphone:   # mobile\ntags:\n---\n"
    result = edit(old, {"email": "ada@example.com", "phone": "+44 20", "tags": ["x", "z"]})
    assert result.content == (
        b'---\nname: Ada\nemail: "ada@example.com"\nphone: "+44 20"   # mobile\ntags:\n  - x\n  - z\n---\n'
    )
    assert set(result.added) == {"email", "phone", "tags"}


@pytest.mark.parametrize(
    ("old", "key"),
    [
        (b"---\nname: Ada\nemail: ~\n---\n", "email"),  # explicit null: not replaced
        (b"---\nname: Ada\nemail: |\n  a@b.org\n---\n", "email"),  # block scalar
        (b"---\nname: Ada\nemail: \"a@b.org\n  \"\n---\n", "email"),  # multi-line scalar
        (b"---\nname: Ada\nemail:\n  work: a@b.org\n---\n", "email"),  # a mapping
    ],
)
def test_what_cannot_be_extended_by_insertion_is_skipped(old: bytes, key: str) -> None:
    result = edit(old, add_items={key: ["c@d.org"]})
    assert result.content == old
    assert [k for k, _ in result.skipped] == [key]


def test_present_value_is_never_replaced() -> None:
    old = b"---\nname: Ada\ncompany: Acme\n---\n"
    result = edit(old, {"company": "Other"})
    assert result.content == old
    assert result.skipped == (("company", "already set"),)


def test_file_without_front_matter_gets_one_after_the_bom() -> None:
    old = "\ufeff# Ada\r\n\r\nNotes.\r\n".encode()
    result = edit(old, {"email": "ada@example.com"})
    assert result.content == '\ufeff---\r\nemail: "ada@example.com"\r\n---\r\n# Ada\r\n\r\nNotes.\r\n'.encode()


def test_flow_root_mapping_is_not_extended() -> None:
    old = b"---\n{name: Ada, tier: 1}\n---\n"
    result = edit(old, {"company": "Acme"})
    assert result.content == old
    assert result.skipped and result.skipped[0][0] == "company"


def test_unterminated_front_matter_is_an_edit_error() -> None:
    with pytest.raises(frontmatter_edit.EditError):
        edit(b"---\nname: Ada\n", {"company": "Acme"})


def test_render_field_shapes() -> None:
    assert render_field("tags", ["a", "b c"]) == ["tags:", "  - a", "  - b c"]
    assert render_field("phone", "+44 20") == ['phone: "+44 20"']
    assert render_field("birthday", Birthday(12, 10)) == ['birthday: "--12-10"']
    assert render_field("birthday", Birthday(12, 10, 1815)) == ["birthday: 1815-12-10"]
    assert render_field("vcard", {"X-A": "1", "NO": ["x"]}) == ["vcard:", '  X-A: "1"', '  "NO":', "    - x"]
    assert render_field("k", RawLines(("k: 'v'  # c",))) == ["k: 'v'  # c"]


_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)


@settings(max_examples=300, deadline=None)
@given(value=_TEXT, items=st.lists(_TEXT.filter(lambda s: s.strip() != ""), min_size=1, max_size=3),
       crlf=st.booleans(), bom=st.booleans())
def test_edits_are_insertions_that_read_back(value: str, items: list[str], crlf: bool, bom: bool) -> None:
    nl = "\r\n" if crlf else "\n"
    head = "\ufeff" if bom else ""
    old = (head + nl.join(["---", "name: Ada", "tags: [x]", "aliases:", "  - A", "---", "# Ada", ""])).encode()
    result = edit(old, {"company": value}, {"tags": items, "aliases": items})
    assert is_insertion_only(old, result.content)
    if result.skipped:
        return
    loaded = yaml.safe_load(result.content.decode().removeprefix("\ufeff").split("---")[1])
    assert loaded["company"] == value
    assert loaded["tags"] == ["x", *items]
    assert loaded["aliases"] == ["A", *items]
    assert (b"\r\n" in result.content) == crlf
    assert result.content.startswith(b"\xef\xbb\xbf") == bom


def test_is_insertion_only() -> None:
    assert is_insertion_only(b"abc", b"xaybzc")
    assert not is_insertion_only(b"abc", b"acb")


# --------------------------------------------------------------------------- merge


def contact(path: str, **kw: Any) -> Contact:
    fm = kw.pop("front_matter", None)
    c = Contact(path=path, stem=path.rsplit("/", 1)[-1][:-3], name=kw.pop("name"), tier=3, **kw)
    if fm is None:
        fm = {"name": c.name}
        if c.emails:
            fm["email"] = list(c.emails)
        if c.linkedin:
            fm["linkedin"] = c.linkedin
    return Contact(**{**{f: getattr(c, f) for f in c.__dataclass_fields__}, "front_matter": fm})


def person(name: str, **kw: Any) -> ImportedPerson:
    return ImportedPerson(name=name, source=kw.pop("source", "linkedin"), line=kw.pop("line", 2), **kw)


def plan(people: list[ImportedPerson], contacts: list[Contact], files: dict[str, bytes] | None = None,
         errors: dict[str, int] | None = None) -> merge.ImportPlan:
    files = files or {}

    def read(rel: str) -> tuple[bytes, Any]:
        data = files[rel]
        return data, fingerprint_bytes(data)

    return merge.plan_import(people, contacts=contacts, config=CONFIG, error_paths=errors or {},
                             read=read, exists=lambda rel: rel in files)


def test_match_order_email_then_linkedin_then_name() -> None:
    a = contact("contacts/a.md", name="Ann Example", emails=("ann@x.org",))
    b = contact("contacts/b.md", name="Bea Example", linkedin="https://www.linkedin.com/in/bea")
    c = contact("contacts/c.md", name="José Álvarez")
    matcher = merge.Matcher()
    for ct in (a, b, c):
        values, present = merge.existing_values(ct)
        matcher.add(merge.Target(ct.path, ct, values, present))

    def match(p: ImportedPerson) -> tuple[str, list[str]]:
        how, hits = matcher.match(merge.incoming(p, CONFIG))
        return how, [t.path for t in hits]

    assert match(person("Someone Else", emails=("ANN@x.org",))) == ("email", ["contacts/a.md"])
    assert match(person("Someone", linkedin="https://uk.linkedin.com/in/bea/")) == ("linkedin", ["contacts/b.md"])
    assert match(person("  jose  alvarez ")) == ("name", ["contacts/c.md"])
    # same name, but a different LinkedIn profile: another person
    c2 = contact("contacts/d.md", name="Dan Doe", linkedin="https://www.linkedin.com/in/dan-1")
    values, present = merge.existing_values(c2)
    matcher.add(merge.Target(c2.path, c2, values, present))
    assert match(person("Dan Doe", linkedin="https://www.linkedin.com/in/dan-2")) == ("", [])
    assert match(person("Dan Doe")) == ("name", ["contacts/d.md"])


def test_new_person_gets_a_full_file_that_reads_back() -> None:
    p = person("Ada Lovelace", emails=("ada@x.org",), phones=("+44 20", "+44 21"), company="Acme, Inc.",
               role="CTO", linkedin="https://www.linkedin.com/in/ada", met=dt.date(2023, 8, 24),
               birthday=Birthday(12, 10), tags=("linkedin",), notes="# not a heading\nplain")
    result = plan([p], [])
    (change,) = result.changes
    assert change.action == "create" and change.path == "contacts/ada-lovelace.md"
    assert change.new is not None
    text = change.new.decode()
    assert text.startswith("---\nname: Ada Lovelace\ntier: 3\nstatus: active\ntags:\n  - linkedin\nsource:\n  - linkedin\n")
    assert "\\# not a heading" in text
    fm = front_matter(change.new)
    assert fm["email"] == "ada@x.org" and fm["phone"] == ["+44 20", "+44 21"]
    assert fm["birthday"] == "--12-10" and fm["met"] == "2023-08-24"


def test_existing_contact_gains_missing_fields_and_reports_conflicts() -> None:
    raw = b"---\nname: Ada Lovelace\ncompany: Analytical Engines\ntags:\n  - mentor\n---\n# Ada\n"
    c, _ = contactfile.parse_contact(raw, "contacts/ada.md", CONFIG)
    assert c is not None
    p = person("Ada Lovelace", company="Acme", role="CTO", tags=("linkedin",), line=7)
    result = plan([p], [c], {"contacts/ada.md": raw})
    (change,) = result.changes
    assert change.action == "update"
    assert change.new == (b"---\nname: Ada Lovelace\ncompany: Analytical Engines\ntags:\n  - mentor\n  - linkedin\n"
                          b"source:\n  - linkedin\nrole: CTO\n---\n# Ada\n")
    (conflict,) = change.conflicts
    assert (conflict.field, conflict.existing, conflict.incoming, conflict.line) == (
        "company", '"Analytical Engines"', '"Acme"', 7)
    assert "keeps" in conflict.describe()


def test_same_values_spelled_differently_are_no_conflict() -> None:
    raw = (b"---\nname: Ada\nemail: ADA@X.org\nphone: \"+44 (20) 7946-0000\"\nlinkedin: https://linkedin.com/in/ada/\n"
           b"company: analytical  engines\nbirthday: 1815-12-10\nsource: [linkedin]\ntags: [linkedin]\n---\n")
    c, _ = contactfile.parse_contact(raw, "contacts/ada.md", CONFIG)
    assert c is not None
    p = person("Ada", emails=("ada@x.org",), phones=("+44 20 7946 0000",), company="Analytical Engines",
               linkedin="https://www.linkedin.com/in/ada", birthday=Birthday(12, 10), tags=("linkedin",))
    (change,) = plan([p], [c], {"contacts/ada.md": raw}).changes
    assert change.action == "unchanged" and change.conflicts == []


def test_files_with_errors_are_skipped_and_ambiguity_is_reported() -> None:
    a = contact("contacts/a.md", name="Sam Same")
    b = contact("contacts/b.md", name="Sam Same")
    result = plan([person("Sam Same")], [a, b])
    assert result.changes == [] and "several contacts" in result.unplaced[0].reason
    result = plan([person("Sam Same", emails=("s@x.org",))], [a], errors={"contacts/a.md": 2})
    (change,) = result.changes
    assert change.action == "skipped" and "2 error(s)" in change.reason


def test_no_new_file_under_the_name_of_a_broken_file() -> None:
    result = plan([person("Ada Lovelace")], [], files={"contacts/ada-lovelace.md": b"---\n"},
                  errors={"contacts/ada-lovelace.md": 1})
    assert result.changes == []
    assert "contacts/ada-lovelace.md" in result.unplaced[0].reason


def test_duplicate_rows_in_one_import_merge_into_one_new_file() -> None:
    rows = [person("Ada Lovelace", emails=("ada@x.org",), line=2),
            person("Ada Lovelace", emails=("ada@x.org", "ada@y.org"), company="Acme", line=3),
            person("Ada Lovelace", linkedin="https://www.linkedin.com/in/other", line=4)]
    result = plan(rows, [], files={"contacts/ada-lovelace.md": b"taken"})
    paths = [c.path for c in result.changes]
    # the name was taken on disk; the third row matches by name and adds its LinkedIn URL
    assert paths[0] == "contacts/ada-lovelace-2.md"
    first = result.changes[0]
    assert first.new is not None
    fm = front_matter(first.new)
    assert fm["email"] == ["ada@x.org", "ada@y.org"] and fm["company"] == "Acme"
    assert fm["linkedin"] == "https://www.linkedin.com/in/other"
    assert first.lines == [2, 3, 4]


def test_summary_counts() -> None:
    result = merge.ImportPlan([merge.FileChange("a", "create"), merge.FileChange("b", "unchanged")], [])
    assert result.summary() == "1 created, 0 updated, 1 unchanged, 0 conflicts"


_ANY = st.text(max_size=30)


@settings(max_examples=300, deadline=None)
@given(name=_ANY.filter(lambda s: s.strip() != ""), company=_ANY, tags=st.lists(_ANY, max_size=3),
       phones=st.lists(_ANY, max_size=2), notes=_ANY, extra=st.lists(st.tuples(_ANY, _ANY), max_size=3),
       source=st.sampled_from(["linkedin", "google", "vcard"]))
def test_any_imported_person_gives_a_valid_file_or_a_reported_skip(
        name: str, company: str, tags: list[str], phones: list[str], notes: str,
        extra: list[tuple[str, str]], source: str) -> None:
    p = ImportedPerson(name=name, company=company or None, tags=tuple(tags), phones=tuple(phones),
                       notes=notes or None, extra=tuple(extra), source=source, line=3)
    result = plan([p], [])
    for change in result.changes:
        if change.action == "create":
            assert change.new is not None
            fm = front_matter(change.new)  # parses without errors
            assert fm["name"] == merge.single_line(name)
            created, _ = contactfile.parse_contact(change.new, change.path, CONFIG)
            assert created is not None and created.log == ()
        else:
            assert change.action == "skipped" and change.reason
    # and the same person again merges into what was created: nothing to add
    if result.changes and result.changes[0].action == "create":
        new = result.changes[0]
        assert new.new is not None
        created, _ = contactfile.parse_contact(new.new, new.path, CONFIG)
        assert created is not None
        again = plan([p], [created], {new.path: new.new})
        assert [c.action for c in again.changes] == ["unchanged"], again.changes


_FM_LINES = st.sampled_from([
    "name: Ada Lovelace", "email:", "email: ada@x.org", "email: [ada@x.org]", "email:\n  - ada@x.org",
    "email: |\n  ada@x.org", "email: ~", "tags: []", "tags: linkedin", "tags:\n- a\n- b", "tags: [a,\n  b]",
    "company: Acme  # c", "company:", "# a comment", "phone: '+44 20'", "source: [google]", "met: 2020-01-01",
    "vcard:\n  X-A: b", "aliases: [Ada]", "", "role: >\n  folded\n  text", "linkedin: https://linkedin.com/in/ada",
])


@settings(max_examples=400, deadline=None)
@given(lines=st.lists(_FM_LINES, max_size=8), crlf=st.booleans(), bom=st.booleans(),
       source=st.sampled_from(["linkedin", "google"]))
def test_merging_into_any_existing_file_only_inserts(lines: list[str], crlf: bool, bom: bool, source: str) -> None:
    text = "\n".join(["---", "name: Ada Lovelace", *lines, "---", "# Ada", "", "## Log", "- 2026-01-01 Tea", ""])
    raw = (("\ufeff" if bom else "") + (text.replace("\n", "\r\n") if crlf else text)).encode()
    existing, diags = contactfile.parse_contact(raw, "contacts/ada.md", CONFIG)
    errors = {"contacts/ada.md": 1} if existing is None or any(d.is_error for d in diags) else {}
    if existing is None:
        return
    p = ImportedPerson(name="Ada Lovelace", emails=("ada@x.org", "ada@y.org"), phones=("+44 21",),
                       company="Other Co", tags=("linkedin", "new"), linkedin="https://www.linkedin.com/in/ada",
                       met=dt.date(2021, 2, 3), extra=(("X-Y", "z"),), source=source, line=2)
    (change,) = plan([p], [existing], {"contacts/ada.md": raw}, errors=errors).changes
    if errors:
        assert change.action == "skipped"
        return
    assert change.action in ("update", "unchanged", "skipped"), change
    if change.action == "update":
        assert change.new is not None and is_insertion_only(raw, change.new)
        after = front_matter(change.new)
        for key, value in existing.front_matter.items():
            if value is None or key in ("email", "tags", "source", "phone"):
                continue  # filled in place / extended
            assert after[key] == value
        # a second run has nothing left to add
        merged, _ = contactfile.parse_contact(change.new, "contacts/ada.md", CONFIG)
        assert merged is not None
        (again,) = plan([p], [merged], {"contacts/ada.md": change.new}).changes
        assert again.action == "unchanged", again
