"""Summary pages: golden files, escaping, charts, determinism and the write-if-changed rules.

Golden files live in ``tests/golden/pages/``; refresh them after an intended change with
``NETKIT_UPDATE_GOLDENS=1 pytest tests/test_pages.py`` and review the diff.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import shutil
from pathlib import Path

import pytest
from conftest import VaultFactory

from netkit import loader, pages
from netkit.charts import mermaid
from netkit.pipeline import run_index

HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "fixtures" / "pages_vault"
GOLDEN = HERE / "golden" / "pages"
TODAY = dt.date(2026, 11, 22)
UPDATE = os.environ.get("NETKIT_UPDATE_GOLDENS") == "1"
MERMAID_BLOCK = re.compile(r"^```mermaid\n.*?^```$", re.MULTILINE | re.DOTALL)


@pytest.fixture
def fixture_vault(tmp_path: Path) -> Path:
    """A fresh copy of the fixture vault (pages are written into it)."""
    root = tmp_path / "vault"
    shutil.copytree(FIXTURE, root)
    return root


def render_fixture(root: Path, today: dt.date = TODAY) -> dict[str, str]:
    vault = loader.load_vault(root)
    context = pages.build_context(vault, today)
    rendered, diags = pages.render_pages(pages.new_renderer(root, context["pages_dir"]), context)
    assert diags == []
    return rendered


# ------------------------------------------------------------------------ golden files


@pytest.mark.parametrize("page", [p.filename for p in pages.PAGES])
def test_page_matches_golden_file(fixture_vault: Path, page: str) -> None:
    text = render_fixture(fixture_vault)[page]
    golden = GOLDEN / page
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(text.encode("utf-8"))
    assert golden.is_file(), f"no golden file {golden}: run with NETKIT_UPDATE_GOLDENS=1"
    assert text == golden.read_bytes().decode("utf-8"), (
        f"{page} differs from {golden}; if the change is intended, refresh with NETKIT_UPDATE_GOLDENS=1")


def test_written_pages_are_the_rendered_ones(fixture_vault: Path) -> None:
    result = run_index(fixture_vault, TODAY)
    assert [p.name for p in result.written] == [p.filename for p in pages.PAGES]
    for spec in pages.PAGES:
        assert (fixture_vault / "pages" / spec.filename).read_bytes() == (GOLDEN / spec.filename).read_bytes()


def test_every_page_has_marker_lf_endings_and_no_clock(fixture_vault: Path) -> None:
    for name, text in render_fixture(fixture_vault).items():
        assert text.startswith(pages.MARKER + "\n"), name
        assert "\r" not in text and text.endswith("\n") and not text.endswith("\n\n"), name
        assert "\n\n\n" not in text, name
        # the only date-like values are data and --today: no generation time
        assert not re.search(r"\d{2}:\d{2}:\d{2}", text), name


def test_pages_still_show_the_valid_contacts_and_list_errors(fixture_vault: Path) -> None:
    rendered = render_fixture(fixture_vault)
    dashboard = rendered["Dashboard.md"]
    # both broken files are listed with a link and their line number
    assert "[[contacts/bad-yaml|contacts/bad-yaml.md:3]]" in dashboard
    assert "[[contacts/broken-tier|contacts/broken-tier.md:3]]" in dashboard
    assert "`schema.type`" in dashboard and "`yaml.syntax`" in dashboard
    assert "[[contacts/grace-hopper\\|Grace Hopper]]" in dashboard  # overdue, in a table
    # duplicate names link to distinct files
    tiers = rendered["Tiers.md"]
    assert "[[contacts/work/alex-kim\\|Alex Kim]]" in tiers
    assert "[[contacts/personal/alex-kim\\|Alex Kim]]" in tiers


# ---------------------------------------------------------------------------- charts


def test_every_chart_in_every_page_is_valid(fixture_vault: Path) -> None:
    found = 0
    for name, text in render_fixture(fixture_vault).items():
        for block in MERMAID_BLOCK.findall(text):
            found += 1
            assert mermaid.validate(block) == [], (name, block)
    assert found >= 5  # tier sizes (twice), touchpoints per month, channel mix, introducers


def test_context_charts_are_valid_even_without_data(make_vault: VaultFactory) -> None:
    for root in (make_vault({}), make_vault({"contacts/a.md": "---\ntier: 9\n---\n"})):
        context = pages.build_context(loader.load_vault(root), TODAY)
        for name, chart in context["charts"].all().items():
            assert mermaid.validate(chart) == [], name


def test_touchpoints_per_month_counts_the_last_twelve_calendar_months(make_vault: VaultFactory) -> None:
    log = "\n".join(f"- {d} x [channel:: call]" for d in
                    ("2025-11-30", "2025-12-01", "2026-06-15", "2026-06-16", "2026-11-22", "2026-11-23"))
    root = make_vault({"contacts/a.md": f"---\ntier: 1\n---\n## Log\n{log}\n"})
    context = pages.build_context(loader.load_vault(root), TODAY)
    counts = {m.month: m.count for m in context["activity"]}
    assert list(counts)[0] == "2025-12" and list(counts)[-1] == "2026-11" and len(counts) == 12
    assert counts["2025-12"] == 1 and counts["2026-06"] == 2 and counts["2026-11"] == 1  # future excluded
    assert [(c.channel, c.count) for c in context["channels"]] == [("call", 4)]


# -------------------------------------------------------------------------- escaping


HOSTILE_NAME = "Eve | Mallory [x]] #tag `code` <script>alert(1)</script> %%c%% ==h== $m$"


def test_cell_escapes_everything_that_could_break_a_table() -> None:
    out = pages.cell(HOSTILE_NAME)
    # no unescaped pipe, bracket, backtick, hash; no raw angle brackets
    assert not re.search(r"(?<!\\)[|\[\]`#$]", out)
    assert "<" not in out and ">" not in out
    assert "%%" not in out and "==" not in out
    assert pages.cell("a\nb\r\nc\u2028d") == "a b c d"
    assert pages.cell(None) == ""
    assert pages.cell(3) == "3"
    assert pages.cell("1. first") == "1\\. first" and pages.cell("- item") == "\\- item"
    assert pages.cell("3.5× late") == "3.5× late"
    assert pages.cell("62% done") == "62% done"


def test_wikilink_uses_the_path_and_survives_hostile_names() -> None:
    link = pages.make_wikilink("contacts/eve.md", HOSTILE_NAME)
    assert link.startswith("[[contacts/eve|") and link.endswith("]]")
    inner = link[2:-2]
    assert inner.count("|") == 1 and "[" not in inner and "]" not in inner
    assert "`" not in inner and "<" not in inner and ">" not in inner
    # in a table the alias pipe is escaped the way Obsidian and GitHub expect
    assert pages.cell(link) == link.replace("|", "\\|")
    assert pages.make_wikilink("contacts/ada-lovelace.md", "Ada Lovelace") == "[[contacts/ada-lovelace|Ada Lovelace]]"


def test_a_path_that_cannot_be_a_wikilink_gets_an_encoded_markdown_link() -> None:
    link = pages.make_wikilink("contacts/a#b [c].md", "A", "pages")
    assert link == "[A](../contacts/a%23b%20%5Bc%5D.md)"
    assert pages.make_wikilink("contacts/x.md", "", "pages") == "[[contacts/x|x.md]]"


def test_wikilink_filter_accepts_rows_contacts_and_mappings() -> None:
    wikilink = pages.make_filters("pages")["wikilink"]
    assert wikilink({"path": "contacts/a.md", "name": "A"}) == "[[contacts/a|A]]"
    assert wikilink({"path": "contacts/a.md", "name": "A"}, "label") == "[[contacts/a|label]]"
    with pytest.raises(ValueError):
        wikilink({"name": "no path"})


def test_hostile_names_cannot_break_any_page(make_vault: VaultFactory) -> None:
    name = HOSTILE_NAME.replace('"', "")
    root = make_vault({
        "contacts/eve.md": f'---\nname: "{name}"\ntier: 1\ncompany: "A|B [c] `d` <e>"\n---\n## Log\n'
                           "- 2026-01-01 hello [[x|y]] | z [channel:: email] [by:: me] [reply:: no]\n",
    })
    result = run_index(root, TODAY)
    assert result.diagnostics == ()
    for path in result.written:
        text = path.read_text(encoding="utf-8")
        assert "<script>" not in text and "<e>" not in text
        for line in text.splitlines():
            if line.startswith("|") and "Eve" in line:
                # every unescaped pipe is a cell border: the header row decides how many
                cells = re.split(r"(?<!\\)\|", line)
                header = _table_header(text, line)
                assert len(cells) == len(re.split(r"(?<!\\)\|", header)), (path.name, line)


def _table_header(text: str, row: str) -> str:
    lines = text.splitlines()
    i = lines.index(row)
    while i > 0 and lines[i - 1].startswith("|"):
        i -= 1
    return lines[i]


# ----------------------------------------------------------------- stable ordering


def test_contact_order_does_not_change_any_page(fixture_vault: Path) -> None:
    vault = loader.load_vault(fixture_vault)
    shuffled = dataclasses.replace(vault, contacts=tuple(reversed(vault.contacts)))
    renderer = pages.new_renderer(fixture_vault)
    first, _ = pages.render_pages(renderer, pages.build_context(vault, TODAY))
    second, _ = pages.render_pages(renderer, pages.build_context(shuffled, TODAY))
    assert first == second


def test_long_lists_are_capped_with_a_count_of_the_rest(make_vault: VaultFactory) -> None:
    files = {f"contacts/p{i:02d}.md": f"---\nname: Person {i:02d}\ntier: 1\n---\n" for i in range(15)}
    rendered = render_fixture(make_vault(files))
    dashboard = rendered["Dashboard.md"]
    assert dashboard.count("| [[contacts/p") == pages.DASHBOARD_LIMIT
    assert f"…and {15 - pages.DASHBOARD_LIMIT} more: see [[pages/Due|Due]]." in dashboard
    assert rendered["Due.md"].count("| [[contacts/p") == 15


def test_finish_page_normalises_line_endings_and_blank_lines() -> None:
    assert pages.finish_page("a\r\nb\r\n\r\n\r\n\r\nc\r") == f"{pages.MARKER}\na\nb\n\nc\n"
    assert pages.finish_page(f"{pages.MARKER}\nbody\n") == f"{pages.MARKER}\nbody\n"
    assert pages.finish_page("") == f"{pages.MARKER}\n"


# ------------------------------------------------------------------------ templates


def test_vault_template_overrides_the_built_in(fixture_vault: Path) -> None:
    folder = fixture_vault / ".netkit" / "templates"
    folder.mkdir(parents=True)
    (folder / "due.md.j2").write_text(
        "# My due list\n{% for r in due.overdue %}- {{ r.contact|wikilink }} {{ r.why|cell }}\n{% endfor %}",
        encoding="utf-8")
    rendered = render_fixture(fixture_vault)
    assert rendered["Due.md"].startswith(f"{pages.MARKER}\n# My due list\n- [[contacts/weird-name|")
    assert rendered["Dashboard.md"] == (GOLDEN / "Dashboard.md").read_text(encoding="utf-8")


def test_a_broken_template_drops_only_its_page(fixture_vault: Path) -> None:
    folder = fixture_vault / ".netkit" / "templates"
    folder.mkdir(parents=True)
    (folder / "tiers.md.j2").write_text("# Tiers\n\n{{ tiers|no_such_filter }}\n", encoding="utf-8")
    (folder / "review.md.j2").write_text("# Review\n\nok\n{{ review.nope.deeper }}\n", encoding="utf-8")
    vault = loader.load_vault(fixture_vault)
    context = pages.build_context(vault, TODAY)
    rendered, diags = pages.render_pages(pages.new_renderer(fixture_vault), context)
    assert sorted(rendered) == ["Dashboard.md", "Due.md", "Health.md", "Network.md"]
    by_path = {d.path: d for d in diags}
    assert by_path[".netkit/templates/tiers.md.j2"].code == "template.syntax"
    assert by_path[".netkit/templates/tiers.md.j2"].line == 3
    assert by_path[".netkit/templates/review.md.j2"].code == "template.error"
    assert by_path[".netkit/templates/review.md.j2"].line == 4


def test_built_in_templates_exist_for_every_page() -> None:
    for spec in pages.PAGES:
        assert (Path(pages.__file__).parent / "templates" / spec.template).is_file()
        assert spec.template == spec.filename.lower() + ".j2"


# ---------------------------------------------------------------------- write_pages


def test_write_pages_creates_the_folder_and_skips_unchanged(tmp_path: Path) -> None:
    folder = tmp_path / "deep" / "pages"
    page = f"{pages.MARKER}\nhello\n"
    assert pages.write_pages(folder, {"A.md": page}) == (["A.md"], [], [])
    before = (folder / "A.md").stat().st_mtime_ns
    os.utime(folder / "A.md", ns=(before - 10**9, before - 10**9))
    assert pages.write_pages(folder, {"A.md": page}) == ([], ["A.md"], [])
    assert (folder / "A.md").stat().st_mtime_ns == before - 10**9  # not even touched
    assert pages.write_pages(folder, {"A.md": page + "more\n"}) == (["A.md"], [], [])
    assert (folder / "A.md").read_text(encoding="utf-8") == page + "more\n"


def test_a_file_without_the_marker_is_never_overwritten(tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "Due.md").write_bytes(b"# my own notes\n")
    (folder / "Tiers.md").write_bytes(f"\ufeff{pages.MARKER}\nold\n".encode())  # a BOM is fine
    written, unchanged, diags = pages.write_pages(
        folder, {"Due.md": f"{pages.MARKER}\nnew\n", "Tiers.md": f"{pages.MARKER}\nnew\n"}, rel_dir="pages")
    assert written == ["Tiers.md"] and unchanged == []
    assert (folder / "Due.md").read_bytes() == b"# my own notes\n"
    [d] = diags
    assert (d.code, d.path, d.severity) == ("page.not-generated", "pages/Due.md", "error")
    assert "pages/Due.md" in d.message and "marker" in d.hint and "move it" in d.hint


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_symlinks_and_folders_in_the_pages_folder_are_left_alone(tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    outside = tmp_path / "outside.md"
    outside.write_text(f"{pages.MARKER}\nkeep\n", encoding="utf-8")
    (folder / "Due.md").symlink_to(outside)
    (folder / "Tiers.md").mkdir()
    written, _, diags = pages.write_pages(folder, {"Due.md": f"{pages.MARKER}\nx\n", "Tiers.md": f"{pages.MARKER}\nx\n"})
    assert written == []
    assert [d.code for d in diags] == ["page.not-generated", "page.not-generated"]
    assert outside.read_text(encoding="utf-8") == f"{pages.MARKER}\nkeep\n"


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_a_pages_folder_leading_outside_the_vault_is_refused(make_vault: VaultFactory, tmp_path: Path) -> None:
    root = make_vault({})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (root / "pages").symlink_to(elsewhere)
    result = run_index(root, TODAY)
    assert result.written == () and [d.code for d in result.diagnostics] == ["page.write"]
    assert list(elsewhere.iterdir()) == []
    assert not result.ok


def test_page_file_names_must_be_slugs(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        pages.write_pages(tmp_path, {"../escape.md": "x"})


# ------------------------------------------------------------------------- pipeline


def test_run_index_reports_timings_and_reuses_a_given_vault(fixture_vault: Path) -> None:
    vault = loader.with_notes_and_links(loader.load_vault(fixture_vault))
    result = run_index(fixture_vault, TODAY, vault=vault)
    assert result.vault is vault
    assert set(result.timings) == {"load", "compute", "render", "write"} and result.timings["load"] == 0.0
    assert not result.ok  # the fixture vault has errors
    again = run_index(fixture_vault, TODAY)
    assert again.written == () and len(again.unchanged) == len(pages.PAGES)
    assert again.timings["load"] > 0
