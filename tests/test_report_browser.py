"""End to end: the HTML report in headless Chromium (``pytest -m browser`` selects it).

Opens a demo report — with a contact named ``<script>alert(1)</script>`` — from disk, as a
user would, and checks what the browser made of it:

* it loads with no console message at all from our page (CSP violations, "Refused to …",
  "Uncaught …" would show up there), both in light and in dark mode;
* a control page with an inline script under the same policy *does* log a violation, so an
  empty log means "nothing was blocked", not "the log capture is broken";
* the DOM (``--dump-dom``) has the headings, the due table and the accessible SVG charts,
  and no ``<script>`` element;
* screenshots land in ``artifacts/`` (git-ignored) for a human to look at.

Skipped, with the reason, when ``/usr/bin/chromium`` is missing (``.ci/run`` installs
Debian's ``chromium`` when it can). The four browser runs go in parallel: well under 30 s.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import tempfile
import zlib
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import run_cli

from netkit import report

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts"
TODAY = "2026-11-22"
SCRIPT_NAME = "<script>alert(1)</script>"
TIMEOUT = 25  # seconds per browser run; they run in parallel

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason="/usr/bin/chromium is missing: `apt-get install chromium` to run the "
                              "browser test (.ci/run does it when it can)"),
]

# flags that keep a headless run hermetic: no network chatter, no first-run UI, a fresh
# profile (given per run), no GPU (CI has none)
BASE_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--hide-scrollbars", "--enable-logging=stderr", "--v=0",
)

# `[pid:tid:time:INFO:CONSOLE:12] "message", source: file:///…/Report.html (12)`; older
# Chromium versions write `CONSOLE(12)`
CONSOLE = re.compile(r'CONSOLE[:(]\d*\)?\] "(?P<message>.*)", source: (?P<source>\S*)')
ALARMS = ("Refused to", "Uncaught", "Content Security Policy", "violates")


class Browser:
    """Starts Chromium runs in parallel, each with its own fresh profile."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.runs: dict[str, subprocess.Popen[str]] = {}

    def start(self, name: str, url: str, *flags: str) -> None:
        profile = tempfile.mkdtemp(prefix=f"chromium-{name}-", dir=self.workdir)
        args = [str(CHROMIUM), *BASE_FLAGS, f"--user-data-dir={profile}", *flags, url]
        self.runs[name] = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                           text=True, errors="replace", cwd=self.workdir)

    def finish(self, name: str) -> tuple[int, str, str]:
        proc = self.runs.pop(name)
        try:
            out, err = proc.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            pytest.fail(f"chromium ({name}) did not finish within {TIMEOUT} s:\n{err[-2000:]}")
        return proc.returncode, out, err

    def close(self) -> None:
        for proc in self.runs.values():  # only the processes this test started
            proc.kill()
            proc.communicate()


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Browser]:
    b = Browser(tmp_path)
    yield b
    b.close()


def console_messages(stderr: str, url_prefix: str) -> list[str]:
    """Console messages Chromium logged for pages under ``url_prefix``."""
    return [m.group("message") for m in CONSOLE.finditer(stderr) if m.group("source").startswith(url_prefix)]


def top_left_pixel(png: bytes) -> tuple[int, ...]:
    """The RGB of pixel (0, 0) of an 8-bit PNG, without an imaging library.

    For the first pixel of the first row every PNG filter predicts 0, so the filtered byte
    is the raw value: only the start of the image data needs inflating.
    """
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    width = depth = colour = 0
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos:pos + 8])
        chunk = png[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, _height, depth, colour = struct.unpack(">IIBB", chunk[:10])
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    assert width and depth == 8 and colour in (2, 6), (depth, colour)
    first = zlib.decompressobj().decompress(idat, 16)
    return tuple(first[1:4])


class DomCheck(HTMLParser):
    """Counts what the browser's DOM holds: headings, tables, SVGs with titles, scripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.headings: list[tuple[str, str]] = []
        self.scripts = 0
        self.due_table = False
        self.due_rows = 0
        self.svg_img = 0
        self.svg_titled = 0
        self.text: list[str] = []
        self._heading: tuple[str, list[str]] | None = None
        self._in_due = False
        self._svg_depth: int | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.stack.append(tag)
        if tag == "script":
            self.scripts += 1
        if tag in ("h1", "h2"):
            self._heading = (tag, [])
        if tag == "table" and a.get("id") == "due-table":
            self.due_table = self._in_due = True
        if tag == "tr" and self._in_due:
            self.due_rows += 1
        if tag == "svg" and a.get("role") == "img":
            self.svg_img += 1
            self._svg_depth = len(self.stack)
        if tag == "title" and self._svg_depth is not None and len(self.stack) == self._svg_depth + 1:
            self.svg_titled += 1

    def handle_endtag(self, tag: str) -> None:
        if self._heading and tag == self._heading[0]:
            self.headings.append((tag, "".join(self._heading[1]).strip()))
            self._heading = None
        if tag == "table":
            self._in_due = False
        if tag == "svg":
            self._svg_depth = None
        while self.stack:
            if self.stack.pop() == tag:
                break

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._heading:
            self._heading[1].append(data)


def test_report_in_headless_chromium(tmp_path: Path, browser: Browser) -> None:
    vault = tmp_path / "demo"
    code, _out, err = run_cli(["--today", TODAY, "init", str(vault), "--demo"])
    assert code == 0, err
    (vault / "contacts" / "evil.md").write_text(
        f'---\nname: "{SCRIPT_NAME}"\ntier: 1\ncompany: "\\"><img src=x onerror=alert(2)>"\n'
        'knows: ["[[Priya Raman]]"]\n---\n# Evil\n\n## Log\n'
        '- 2026-01-05 <iframe src=https://example.com></iframe> [channel:: email] [by:: me]\n',
        encoding="utf-8")
    code, _out, err = run_cli(["--vault", str(vault), "--today", TODAY, "report"])
    assert code == 0, err
    page = vault / "pages" / "Report.html"
    url = page.resolve().as_uri()

    control = tmp_path / "control.html"
    control.write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{report.CSP}"><title>control</title>'
        "</head><body><p>control</p><script>document.title = 'ran'</script></body></html>\n",
        encoding="utf-8")

    ARTIFACTS.mkdir(exist_ok=True)
    light_png, dark_png = ARTIFACTS / "report.png", ARTIFACTS / "report-dark.png"
    for png in (light_png, dark_png):
        png.unlink(missing_ok=True)
    browser.start("light", url, f"--screenshot={light_png}", "--window-size=1280,2000")
    browser.start("dark", url, f"--screenshot={dark_png}", "--window-size=1280,2000", "--force-dark-mode")
    browser.start("dom", url, "--dump-dom")
    browser.start("control", control.resolve().as_uri(), "--dump-dom")

    # the log capture works: an inline script under the report's policy is reported
    code, _out, control_err = browser.finish("control")
    assert code == 0, control_err[-2000:]
    blocked = console_messages(control_err, control.resolve().as_uri())
    assert any("Content Security Policy" in m or "Refused to" in m for m in blocked), control_err[-3000:]

    for name, png in (("light", light_png), ("dark", dark_png)):
        code, _out, err = browser.finish(name)
        assert code == 0, err[-2000:]
        messages = console_messages(err, url)
        assert messages == [], f"{name}: console messages from the report: {messages}"
        assert not [line for line in err.splitlines() if any(a in line for a in ALARMS)], err[-3000:]
        assert png.is_file() and png.stat().st_size > 20_000, f"{name}: no screenshot"

    # light mode paints a white page, dark mode a dark one: prefers-color-scheme works
    light_bg = top_left_pixel(light_png.read_bytes())
    dark_bg = top_left_pixel(dark_png.read_bytes())
    assert min(light_bg) >= 240, light_bg
    assert max(dark_bg) <= 40, dark_bg

    code, dom_html, err = browser.finish("dom")
    assert code == 0, err[-2000:]
    assert not console_messages(err, url)
    dom = DomCheck()
    dom.feed(dom_html)
    assert dom.scripts == 0 and "<script" not in dom_html.lower()
    assert "<img" not in dom_html and "<iframe" not in dom_html
    assert ("h1", "Network report") in dom.headings
    assert {h for tag, h in dom.headings if tag == "h2"} >= {
        "Health and what to do next", "Tiers and Dunbar's layers", "Touchpoints per month", "Due",
        "Reciprocity", "Diversity", "Relationship graph"}
    assert dom.due_table and dom.due_rows >= 10
    assert dom.svg_img >= 11 and dom.svg_titled == dom.svg_img
    assert SCRIPT_NAME in "".join(dom.text)  # the hostile name is on the page, as text
    shutil.copyfile(page, ARTIFACTS / "report.html")  # next to the screenshots, for a look
