"""`netkit report`: the self-contained HTML report — content, safety, determinism, writing.

The browser end-to-end test (headless Chromium) is in ``test_report_browser.py``.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import xml.etree.ElementTree as ET
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from conftest import VaultFactory, run_cli

from netkit import loader, pages, report

TODAY = "2026-11-22"
DAY = dt.date.fromisoformat(TODAY)
SCRIPT_NAME = "<script>alert(1)</script>"

CONTACTS: dict[str, str | bytes] = {
    "contacts/ada.md": """---
name: Ada Lovelace
tier: 1
company: Analytical Engines
role: Research lead
industry: computing
location: London
career_stage: senior
how_met: PyCon 2024
knows: ["[[Grace Hopper]]"]
email: ada@example.com
---
# Ada Lovelace

Goals: a book on engines.

## Log
- 2026-11-03 Coffee at the conference [channel:: in-person] [by:: them] [gave:: intro to [[Grace Hopper]]]
- 2026-09-14 Sent the article [channel:: email] [by:: me] [got:: feedback]
- 2026-12-05 Dinner planned [channel:: in-person]
""",
    "contacts/grace.md": """---
name: Grace Hopper
tier: 2
company: Navy
role: Rear admiral
industry: computing
location: Arlington
career_stage: executive
introduced_by: "[[Ada Lovelace]]"
---
# Grace Hopper

## Log
- 2026-06-02 Call about compilers [channel:: call] [by:: me] [gave:: a paper]
- 2025-12-20 Holiday card [channel:: message] [by:: me]
""",
    "contacts/evil.md": """---
name: "<script>alert(1)</script>"
tier: 1
company: "\\"><img src=x onerror=alert(1)>"
role: "</style><style>body{display:none}</style>"
industry: "<svg onload=alert(1)>"
knows: ["[[Ada Lovelace]]"]
---
# Evil

## Log
- 2026-01-05 <b>bold</b> & "quotes" <iframe src=//evil.example> [channel:: email] [by:: me]
""",
}


# ================================================================= helpers


def make_report_vault(make_vault: VaultFactory, extra: dict[str, str | bytes] | None = None) -> Path:
    return make_vault({**CONTACTS, **(extra or {})})


def cli(root: Path, *args: str) -> tuple[int, str, str]:
    return run_cli(["--vault", str(root), "--today", TODAY, "report", *args])


def context_for(root: Path) -> dict[str, Any]:
    return pages.build_context(loader.load_vault(root), DAY)


def render(root: Path) -> str:
    text, diags = report.render_report(context_for(root), root)
    assert text is not None, diags
    return text


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """The demo vault, with dates relative to TODAY."""
    root = tmp_path / "demo"
    code, _out, err = run_cli(["--today", TODAY, "init", str(root), "--demo"])
    assert code == 0, err
    return root


class Dom(HTMLParser):
    """A small DOM summary: every start tag with its attributes, text, and heading texts."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.headings: list[tuple[str, str]] = []
        self._heading: str | None = None
        self._buffer: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in ("h1", "h2", "h3"):
            self._heading, self._buffer = tag, []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag == self._heading:
            self.headings.append((tag, "".join(self._buffer).strip()))
            self._heading = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._heading:
            self._buffer.append(data)

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for t, attrs in self.tags if t == tag]


def svgs(text: str) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", text, flags=re.DOTALL)


# ============================================================ writing and the CLI


def test_default_output_is_report_html_in_pages_with_the_marker(make_vault: VaultFactory) -> None:
    root = make_report_vault(make_vault)
    code, out, err = cli(root)
    assert code == 0, err
    target = root / "pages" / "Report.html"
    assert out.strip().endswith("Report.html written")
    data = target.read_bytes()
    assert data.startswith((pages.MARKER + "\n<!DOCTYPE html>\n").encode())
    assert data.endswith(b"</html>\n") and b"\r" not in data


def test_second_run_leaves_the_file_alone(make_vault: VaultFactory) -> None:
    root = make_report_vault(make_vault)
    assert cli(root)[0] == 0
    target = root / "pages" / "Report.html"
    before = (target.read_bytes(), target.stat().st_mtime_ns)
    code, out, _ = cli(root)
    assert code == 0 and out.strip().endswith("Report.html unchanged")
    assert (target.read_bytes(), target.stat().st_mtime_ns) == before


def test_a_changed_report_is_rewritten(make_vault: VaultFactory) -> None:
    root = make_report_vault(make_vault)
    assert cli(root)[0] == 0
    target = root / "pages" / "Report.html"
    first = target.read_bytes()
    code, out, _ = run_cli(["--vault", str(root), "--today", "2026-11-23", "report"])
    assert code == 0 and "written" in out
    assert target.read_bytes() != first and b"2026-11-23" in target.read_bytes()


def test_never_overwrites_a_file_without_the_marker(make_vault: VaultFactory) -> None:
    root = make_report_vault(make_vault, {"pages/Report.html": "<p>my own notes</p>\n"})
    code, _out, err = cli(root)
    assert code == 1
    assert "page.not-generated" in err and "Report.html" in err
    assert (root / "pages" / "Report.html").read_text() == "<p>my own notes</p>\n"


def test_a_symlink_in_the_pages_folder_is_refused(make_vault: VaultFactory, tmp_path: Path) -> None:
    root = make_report_vault(make_vault)
    outside = tmp_path / "outside.html"
    outside.write_text(pages.MARKER + "\nold\n")
    (root / "pages").mkdir(exist_ok=True)
    (root / "pages" / "Report.html").symlink_to(outside)
    code, _out, err = cli(root)
    assert code == 1 and "symbolic link" in err
    assert outside.read_text() == pages.MARKER + "\nold\n"


def test_output_file_stdout_and_default_are_the_same_bytes(make_vault: VaultFactory, tmp_path: Path) -> None:
    root = make_report_vault(make_vault)
    assert cli(root)[0] == 0
    default = (root / "pages" / "Report.html").read_bytes()
    out_file = tmp_path / "elsewhere" / "network.html"
    out_file.parent.mkdir()
    code, out, err = cli(root, "-o", str(out_file))
    assert code == 0, err
    assert out.strip() == f"{out_file} written"
    assert out_file.read_bytes() == default
    code, stdout, err = cli(root, "-o", "-")
    assert code == 0 and err == ""
    assert stdout.encode("utf-8") == default
    # and -o refreshes its own earlier report (it carries the marker)
    code, out, _ = cli(root, "-o", str(out_file))
    assert code == 0 and out.strip().endswith("unchanged")


def test_output_file_never_clobbers_a_foreign_file(make_vault: VaultFactory, tmp_path: Path) -> None:
    root = make_report_vault(make_vault)
    contact = root / "contacts" / "ada.md"
    before = contact.read_bytes()
    code, _out, err = cli(root, "-o", str(contact))
    assert code == 1 and "refusing to overwrite" in err
    assert contact.read_bytes() == before
    code, _out, err = cli(root, "-o", str(tmp_path))
    assert code == 1 and "is a folder" in err


def test_vault_errors_exit_1_and_are_listed_in_the_report(make_vault: VaultFactory) -> None:
    root = make_report_vault(make_vault, {"contacts/broken.md": "---\nname: Broken\ntier: lots\n---\n"})
    code, _out, err = cli(root)
    assert code == 1
    assert "contacts/broken.md" in err
    text = (root / "pages" / "Report.html").read_text()
    dom = Dom(text)
    assert ("h2", "Problems in the vault") in dom.headings
    assert "contacts/broken.md:3:" in text
    assert "Ada Lovelace" in text  # the valid part is still reported


def test_the_context_is_computed_once(make_vault: VaultFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """The report renders from build_context: quality and due lists are not recomputed."""
    from netkit import cadence, quality

    calls: Counter[str] = Counter()
    real_assess, real_due = quality.assess, cadence.due_items

    def assess(*args: Any, **kwargs: Any) -> Any:
        calls["assess"] += 1
        return real_assess(*args, **kwargs)

    def due_items(*args: Any, **kwargs: Any) -> Any:
        calls["due_items"] += 1
        return real_due(*args, **kwargs)

    monkeypatch.setattr(quality, "assess", assess)
    monkeypatch.setattr(cadence, "due_items", due_items)
    root = make_report_vault(make_vault)
    assert cli(root)[0] == 0
    assert calls == {"assess": 1, "due_items": 1}


def test_help_describes_the_default_output() -> None:
    code, out, _ = run_cli(["report", "--help"])
    assert code == 0
    assert "Report.html" in out and "-o, --output FILE" in out


# ============================================================ safety


def test_csp_meta_tag_forbids_scripts_and_remote_loads(make_vault: VaultFactory) -> None:
    text = render(make_report_vault(make_vault))
    head = text.split("</head>", 1)[0]
    metas = Dom(head).all("meta")
    assert metas[0] == {"charset": "utf-8"}  # first: the charset must be known early
    csp = [m for m in metas if (m.get("http-equiv") or "").lower() == "content-security-policy"]
    assert len(csp) == 1 and csp[0]["content"] == report.CSP
    directives = dict(d.strip().split(" ", 1) for d in report.CSP.split(";"))
    assert directives["default-src"] == "'none'"  # no script-src: scripts fall back to 'none'
    assert directives["style-src"] == "'unsafe-inline'"
    assert directives["img-src"] == "data:"
    assert "script-src" not in directives and "connect-src" not in directives
    # the policy comes before anything it governs
    assert head.index("Content-Security-Policy") < head.index("<style>")


def test_the_report_is_self_contained(demo: Path) -> None:
    text = render(demo)
    dom = Dom(text)
    assert not dom.all("script") and not dom.all("link") and not dom.all("img")
    assert not dom.all("iframe") and not dom.all("object") and not dom.all("base")
    for tag, attrs in dom.tags:
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
        href = attrs.get("href")
        assert href is None or href.startswith("#"), (tag, href)
        assert "src" not in attrs, tag
    # the only URL is the SVG namespace, an identifier that is never fetched
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", text))
    assert urls == {"http://www.w3.org/2000/svg"}
    assert "url(" not in text and "@import" not in text


def test_a_hostile_name_renders_as_text(make_vault: VaultFactory) -> None:
    root = make_report_vault(make_vault)
    text = render(root)
    assert SCRIPT_NAME not in text
    assert html.escape(SCRIPT_NAME, quote=False) in text
    assert "<img" not in text and "<iframe" not in text and "<b>bold" not in text
    assert "</style><style>" not in text and "<svg onload" not in text
    dom = Dom(text)
    assert not dom.all("script") and not dom.all("img") and not dom.all("iframe")
    assert len(dom.all("style")) == 1  # ours; the role did not open a second one
    visible = "".join(dom.text)
    assert SCRIPT_NAME in visible  # shown as text, in the due table, the actions, the graph ...
    assert visible.count(SCRIPT_NAME) >= 3
    # inside the charts (XML-escaped by charts/svg.py) the name is text too
    graph_svg = [s for s in svgs(text) if "nk-chart-graph" in s]
    assert graph_svg and "&lt;script&gt;alert(1)&lt;/script&gt;" in graph_svg[0]


def test_vault_template_override_is_autoescaped(make_vault: VaultFactory) -> None:
    root = make_report_vault(make_vault, {
        ".netkit/templates/report.html.j2": "<ul>{% for c in contacts %}<li>{{ c.name }}</li>{% endfor %}</ul>\n",
    })
    code, _out, err = cli(root)
    assert code == 0, err
    text = (root / "pages" / "Report.html").read_text()
    assert text.startswith(pages.MARKER + "\n<ul>")
    assert "<li>&lt;script&gt;alert(1)&lt;/script&gt;</li>" in text


def test_a_broken_override_is_a_diagnostic_and_writes_nothing(make_vault: VaultFactory) -> None:
    root = make_report_vault(make_vault, {".netkit/templates/report.html.j2": "{% for %}\n"})
    code, _out, err = cli(root)
    assert code == 1 and "template.syntax" in err
    assert not (root / "pages" / "Report.html").exists()


# ============================================================ content and accessibility


def test_sections_headings_and_lang(demo: Path) -> None:
    text = render(demo)
    assert '<html lang="en">' in text
    dom = Dom(text)
    assert [h for h in dom.headings if h[0] == "h1"] == [("h1", "Network report")]
    h2 = [t for tag, t in dom.headings if tag == "h2"]
    assert h2 == ["Health and what to do next", "Tiers and Dunbar's layers", "Touchpoints per month",
                  "Due", "Reciprocity", "Diversity", "Relationship graph"]
    ids = [a["id"] for _t, a in dom.tags if a.get("id")]
    assert len(ids) == len(set(ids)), "duplicate ids"
    for _tag, attrs in dom.tags:  # every in-page link has a target
        href = attrs.get("href") or ""
        if href.startswith("#"):
            assert href[1:] in ids
    assert dom.all("main") and dom.all("nav") and dom.all("footer")


def test_due_list_is_a_table_with_headers(demo: Path) -> None:
    context = context_for(demo)
    text = render(demo)
    table = re.search(r'<table id="due-table">.*?</table>', text, flags=re.DOTALL)
    assert table is not None
    dom = Dom(table.group(0))
    assert dom.all("caption")
    assert [a.get("scope") for a in dom.all("th")][:5] == ["col"] * 5
    due = context["due"]
    rows = [*due["overdue"], *due["this_week"], *due["coming_up"]]
    assert len(dom.all("tr")) == 1 + len(rows)
    first = rows[0]
    assert html.escape(first.contact.name) in table.group(0) and first.date in table.group(0)
    assert f"{-first.days_until} days overdue" in table.group(0)


def test_every_chart_is_accessible_well_formed_svg(demo: Path) -> None:
    text = render(demo)
    charts = svgs(text)
    # tiers, layers, activity, reciprocity x2, 5 diversity dimensions, graph
    assert len(charts) == 11
    ids = set(re.findall(r'\bid="([^"]+)"', text))
    for chart in charts:
        root = ET.fromstring(chart)  # well-formed XML
        assert root.get("role") == "img"
        assert root[0].tag.endswith("title") and (root[0].text or "").strip()
        assert root[1].tag.endswith("desc") and (root[1].text or "").strip()
        for ref in (root.get("aria-labelledby") or "").split():
            assert ref in ids
    kinds = [re.search(r'class="nk-chart nk-chart-(\w+)"', c).group(1) for c in charts]  # type: ignore[union-attr]
    assert Counter(kinds) == {"bar": 5, "hbar": 5, "graph": 1}


def test_dark_mode_and_print_styles_are_inline(make_vault: VaultFactory) -> None:
    text = render(make_report_vault(make_vault))
    style = text.split("<style>", 1)[1].split("</style>", 1)[0]
    assert style.count("@media (prefers-color-scheme: dark)") >= 2  # charts and page
    assert "@media print" in style
    assert '<meta name="color-scheme" content="light dark">' in text
    assert "&#39;" not in style and "&quot;" not in style  # the CSS was not HTML-escaped


def test_output_is_deterministic(demo: Path) -> None:
    first = render(demo)
    second = render(demo)
    assert first == second
    assert "2026-11-22" in first


def test_empty_vault_renders_placeholders(make_vault: VaultFactory) -> None:
    root = make_vault({})
    code, _out, err = cli(root)
    assert code == 0, err
    text = (root / "pages" / "Report.html").read_text()
    assert "No data yet" in text
    assert "No connections between contacts yet" in text
    assert "Nobody is overdue or due in the next 30 days." in text


# ============================================================ report-only data


def test_month_by_channel_adds_up_to_the_context(demo: Path) -> None:
    context = context_for(demo)
    series, rows = report.month_by_channel(context)
    assert [m for m, _c in rows] == [m.month for m in context["activity"]]
    assert [sum(c) for _m, c in rows] == [m.count for m in context["activity"]]
    totals = {name: sum(c[i] for _m, c in rows) for i, name in enumerate(series)}
    assert totals == {c.channel: c.count for c in context["channels"]}
    # with fewer series than channels the rest is merged into "other", totals unchanged
    series2, rows2 = report.month_by_channel(context, limit=2)
    assert series2 == (*series[:2], "other")
    assert [sum(c) for _m, c in rows2] == [m.count for m in context["activity"]]


def test_reciprocity_per_tier_adds_up_to_the_network(demo: Path) -> None:
    context = context_for(demo)
    rows = report.reciprocity_by_tier(context)
    net = context["network"].reciprocity
    assert [r.key for r in rows] == [t.key for t in context["tiers"]]
    for field in ("gave", "got", "by_me", "by_them", "with_data", "one_way"):
        assert sum(getattr(r, field) for r in rows) == getattr(net, field), field


def test_diversity_values_agree_with_quality(demo: Path) -> None:
    context = context_for(demo)
    for d in context["network"].diversity:
        values = report.diversity_values(context, d.dimension)
        assert sum(v.count for v in values) == d.known
        assert values[0].value == d.dominant
        assert values[0].share == pytest.approx(d.dominant_share)


def test_graph_view_draws_connected_people_and_caps_them(demo: Path) -> None:
    context = context_for(demo)
    view = report.graph_view(context)
    assert view.chart is not None and view.shown == view.people
    assert view.chart.count('class="nk-node') == view.people
    small = report.graph_view(context, limit=5)
    assert small.shown == 5 and small.chart is not None
    assert small.chart.count('class="nk-node') == 5
    assert f"{view.people} connected people, 5 shown" in small.chart
    assert small.edges >= 4  # a connected excerpt, not scattered dots


def test_when_filter() -> None:
    when = report.make_filters()["when"]
    assert [when(d) for d in (-3, -1, 0, 1, 12, None)] == [
        "3 days overdue", "1 day overdue", "today", "tomorrow", "in 12 days", "—"]


def test_write_report_outcomes(tmp_path: Path) -> None:
    target = tmp_path / "r.html"
    data = (pages.MARKER + "\n<p>x</p>\n").encode()
    assert report.write_report(target, data) == "written"
    assert report.write_report(target, data) == "unchanged"
    assert report.write_report(target, data + b"<p>y</p>\n") == "written"
    foreign = tmp_path / "mine.html"
    foreign.write_text("<p>mine</p>")
    assert report.write_report(foreign, data) == "its first line is not the netkit marker"
    folder = tmp_path / "dir.html"
    folder.mkdir()
    assert report.write_report(folder, data) == "it is not a regular file"
    link = tmp_path / "link.html"
    os.symlink(target, link)
    assert report.write_report(link, data) == "it is a symbolic link"
    assert report.write_report(link, data, follow_symlink=True) == "written"
    assert link.is_symlink() and target.read_bytes() == data


def test_output_is_identical_across_processes(make_vault: VaultFactory) -> None:
    """No set or dict order leaks into the file: other hash seeds give the same bytes."""
    import subprocess
    import sys

    root = make_report_vault(make_vault)
    outputs = set()
    for seed in ("1", "2"):
        proc = subprocess.run(
            [sys.executable, "-m", "netkit", "--vault", str(root), "--today", TODAY, "report", "-o", "-"],
            capture_output=True, env={**os.environ, "PYTHONHASHSEED": seed}, timeout=60, check=True)
        outputs.add(proc.stdout)
    assert len(outputs) == 1
