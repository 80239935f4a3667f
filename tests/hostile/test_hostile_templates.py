"""Untrusted vault templates and hostile page targets, end to end through ``netkit index``.

A hostile override in ``.netkit/templates/`` gets a diagnostic naming the template, exit 1,
the other pages are still written, and nothing outside the vault is read into a page or
written. (tests/test_templating.py covers the renderer itself.)
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import GOOD, assert_no_traceback, cli

from netkit import pages

PAGE_FILES = [p.filename for p in pages.PAGES]
TEMPLATE_DIR = ".netkit/templates"


def outside_snapshot(tmp_path: Path, vault: Path) -> dict[str, str]:
    out = {}
    for p in sorted(tmp_path.rglob("*")):
        if vault in p.parents or p == vault or not p.is_file() or p.is_symlink():
            continue
        out[p.relative_to(tmp_path).as_posix()] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def index_json(root: Path) -> tuple[int, dict[str, Any], str]:
    code, out, err = cli(root, "index", "--json")
    assert_no_traceback(out, err)
    return code, json.loads(out), err


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "outside" / "secret.txt"
    path.parent.mkdir()
    path.write_text("TOP-SECRET-OUTSIDE")
    return path


def escapes(proof: Path) -> dict[str, str]:
    p = str(proof)
    return {
        "cycler-globals": f"{{{{ cycler.__init__.__globals__.os.system('touch {p}') }}}}",
        "lipsum-globals": f"{{{{ lipsum.__globals__['os'].popen('touch {p}').read() }}}}",
        "joiner-globals": f"{{{{ joiner.__init__.__globals__['__builtins__']['open']('{p}', 'w') }}}}",
        "attr-filter": "{{ (''|attr('__class__')|attr('__mro__'))[1]|attr('__subclasses__')() }}",
        "str-format": "{{ '{0.__class__.__mro__}'.format(page) }}",
        "format-map": "{{ '{x.__class__}'.format_map({'x': page}) }}",
        "underscore-attr": "{{ page.__class__.__init__.__globals__ }}",
        "private-context": "{{ self._TemplateReference__context }}",
    }


LIMITS = {
    "repeat-1e9": "{{ 'a' * 10**9 }}",
    "list-repeat": "{{ [1] * 10**9 }}",
    "power": "{{ 2 ** 100000000 }}",  # (Jinja's ** is left-associative: 2 ** 10 ** 8 is small)
    "output-flood": "{% for i in range(99999) %}{{ 'x' * 99999 }}{% endfor %}",
    "range-1e9": "{% for i in range(10**9) %}x{% endfor %}",
    "recursion": "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
}

INCLUDES = {
    "include-dotdot": "{% include '../../netkit.yaml' %}",
    "include-absolute": "{% include '/etc/passwd' %}",
    "extends-dotdot": "{% extends '../templates/../../contacts/ada.md' %}",
    "import-hidden": "{% import '.secret' as s %}",
    "include-outside-by-name": "{% include 'secret.txt' %}",
}


def run_hostile_override(make_vault: Any, tmp_path: Path, source: str, codes: set[str],
                         template: str = "due.md.j2") -> tuple[Path, dict[str, Any]]:
    root = make_vault(dict(GOOD))
    (root / TEMPLATE_DIR).mkdir(parents=True)
    (root / TEMPLATE_DIR / template).write_text(source)
    before = outside_snapshot(tmp_path, root)
    code, data, err = index_json(root)
    assert code == 1, (data, err)
    diags = [d for d in data["diagnostics"] if d["path"] == f"{TEMPLATE_DIR}/{template}"]
    assert diags and diags[0]["code"] in codes, data["diagnostics"]
    assert diags[0]["line"] >= 1 and diags[0]["column"] >= 1
    # every other page is written, with the marker; the hostile one is not
    failed_page = next(p.filename for p in pages.PAGES if p.template == template)
    assert data["failed"] == [failed_page]
    for name in PAGE_FILES:
        page = root / "pages" / name
        if name == failed_page:
            assert not page.exists()
        else:
            assert page.read_text().startswith(pages.MARKER)
    assert outside_snapshot(tmp_path, root) == before, "index wrote outside the vault"
    return root, data


@pytest.mark.parametrize("name", sorted(escapes(Path("x"))))
def test_sandbox_escapes_fail_closed(name: str, make_vault: Any, tmp_path: Path, counted: Any) -> None:
    proof = tmp_path / f"pwned-{name}"
    counted.add()
    run_hostile_override(make_vault, tmp_path, "# Due\n\n" + escapes(proof)[name] + "\n",
                         {"template.unsafe", "template.error"})
    assert not proof.exists(), "template code ran"


@pytest.mark.parametrize("name", sorted(LIMITS))
def test_resource_bombs_are_stopped(name: str, make_vault: Any, tmp_path: Path, counted: Any) -> None:
    counted.add()
    started = time.monotonic()
    # (the sandbox's own range() limit reports an OverflowError: template.error)
    run_hostile_override(make_vault, tmp_path, LIMITS[name], {"template.limit", "template.error"})
    assert time.monotonic() - started < 10


@pytest.mark.parametrize("name", sorted(INCLUDES))
def test_includes_cannot_leave_the_template_folder(name: str, make_vault: Any, tmp_path: Path, secret: Path,
                                                  counted: Any) -> None:
    counted.add()
    root, _ = run_hostile_override(make_vault, tmp_path, INCLUDES[name], {"template.missing"})
    for page in (root / "pages").glob("*.md"):
        text = page.read_text()
        assert "TOP-SECRET" not in text and "root:x:0" not in text and "version: 1" not in text


def test_syntax_error_points_at_the_template_line(make_vault: Any, tmp_path: Path, counted: Any) -> None:
    counted.add()
    _, data = run_hostile_override(make_vault, tmp_path, "# Due\n\nfine\n{% if %}\n", {"template.syntax"})
    assert [d["line"] for d in data["diagnostics"] if d["code"] == "template.syntax"] == [4]


def test_oversized_template(make_vault: Any, tmp_path: Path, counted: Any) -> None:
    counted.add()
    run_hostile_override(make_vault, tmp_path, "x" * 300_000, {"template.error", "template.limit"})


def test_symlinked_override_never_leaks_the_outside_file(make_vault: Any, tmp_path: Path, secret: Path,
                                                         counted: Any) -> None:
    root = make_vault(dict(GOOD))
    (root / TEMPLATE_DIR).mkdir(parents=True)
    (root / TEMPLATE_DIR / "due.md.j2").symlink_to(secret)
    counted.add()
    cli(root, "index", "--json")
    assert "TOP-SECRET" not in (root / "pages" / "Due.md").read_text()


def test_symlinked_override_is_reported(make_vault: Any, tmp_path: Path, secret: Path) -> None:
    root = make_vault(dict(GOOD))
    (root / TEMPLATE_DIR).mkdir(parents=True)
    (root / TEMPLATE_DIR / "due.md.j2").symlink_to(secret)
    code, data, _ = index_json(root)
    assert code == 1
    assert [d for d in data["diagnostics"] if d["path"] == f"{TEMPLATE_DIR}/due.md.j2"]


def test_template_folder_linked_out_of_the_vault(make_vault: Any, tmp_path: Path, secret: Path,
                                                 counted: Any) -> None:
    """`.netkit/templates` itself a link to a folder outside the vault holding a page template
    that includes a file next to it."""
    (secret.parent / "due.md.j2").write_text("{% include 'secret.txt' %}")
    root = make_vault(dict(GOOD))
    (root / ".netkit").mkdir()
    (root / TEMPLATE_DIR).symlink_to(secret.parent)
    counted.add()
    cli(root, "index", "--json")
    assert "TOP-SECRET" not in (root / "pages" / "Due.md").read_text()


# ------------------------------------------------------------ hostile page targets


def test_pages_folder_linked_out_of_the_vault(make_vault: Any, tmp_path: Path, counted: Any) -> None:
    root = make_vault(dict(GOOD))
    target = tmp_path / "elsewhere"
    target.mkdir()
    (root / "pages").symlink_to(target)
    counted.add()
    code, data, _ = index_json(root)
    assert code == 1
    assert [d for d in data["diagnostics"] if d["code"] == "page.write" and d["path"] == "pages"]
    assert list(target.iterdir()) == []


@pytest.mark.parametrize("setting", ["../outside", "/tmp/netkit-hostile-pages", "pages/../../x"])
def test_pages_setting_outside_the_vault(setting: str, make_vault: Any, tmp_path: Path, counted: Any) -> None:
    root = make_vault({**GOOD, "netkit.yaml": f"version: 1\npages: {setting}\n"})
    counted.add()
    before = outside_snapshot(tmp_path, root)
    code, data, _ = index_json(root)
    assert code == 1 and data["errors"] == 1
    _, out, _ = cli(root, "check", "--format", "json")
    bad = [d for d in json.loads(out)["diagnostics"] if d["path"] == "netkit.yaml" and d["code"] == "config.type"]
    assert bad and bad[0]["line"] == 2
    assert outside_snapshot(tmp_path, root) == before
    assert not Path("/tmp/netkit-hostile-pages").exists()
    assert all(Path(root / p).resolve().is_relative_to(root.resolve()) for p in data["written"])


def test_page_that_is_a_symlink_out_is_not_written_through(make_vault: Any, tmp_path: Path, secret: Path,
                                                           counted: Any) -> None:
    root = make_vault(dict(GOOD))
    (root / "pages").mkdir()
    (root / "pages" / "Due.md").symlink_to(secret)
    counted.add()
    code, data, _ = index_json(root)
    assert code == 1
    assert [d for d in data["diagnostics"] if d["code"] == "page.not-generated" and d["path"] == "pages/Due.md"]
    assert secret.read_text() == "TOP-SECRET-OUTSIDE"
    assert (root / "pages" / "Dashboard.md").read_text().startswith(pages.MARKER)


def test_hand_written_page_is_never_overwritten(make_vault: Any, counted: Any) -> None:
    root = make_vault({**GOOD, "pages/Due.md": "my own notes\n"})
    counted.add()
    code, data, _ = index_json(root)
    assert code == 1
    assert (root / "pages" / "Due.md").read_text() == "my own notes\n"
    assert [d for d in data["diagnostics"] if d["code"] == "page.not-generated"]


HOSTILE_NAMES = ["<script>alert(1)</script>", "{{ 7*7 }}", "{% raw %}", "| a | b |", "[[Dashboard]]",
                 "](javascript:alert(1))", "<!-- generated by netkit -->", "\u202eevil", "x" * 300]


def test_hostile_names_are_inert_in_pages(make_vault: Any, tmp_path: Path, counted: Any) -> None:
    files: dict[str, str | bytes] = dict(GOOD)
    for i, name in enumerate(HOSTILE_NAMES):
        files[f"contacts/h{i}.md"] = (f"---\nname: {json.dumps(name, ensure_ascii=False)}\ntier: 1\n"
                                      f"company: {json.dumps(name, ensure_ascii=False)}\n---\n")
    root = make_vault(files)
    counted.add(len(HOSTILE_NAMES))
    before = outside_snapshot(tmp_path, root)
    code, data, err = index_json(root)
    assert code == 0, (data["diagnostics"], err)
    text = "".join((root / "pages" / n).read_text() for n in PAGE_FILES)
    assert "<script>" not in text and not re.search(r"(?<!\\)\]\(javascript:", text)
    assert "{{ 7" in text, "data is shown as text, never evaluated as a template"
    assert text.count(pages.MARKER) == len(PAGE_FILES), "a name must not forge the marker line"
    assert sorted(os.listdir(root / "pages")) == sorted(PAGE_FILES)
    assert outside_snapshot(tmp_path, root) == before
