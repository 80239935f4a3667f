"""Untrusted vault templates fail closed: no file reads, no code, no hangs, no huge output."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from netkit import templating
from netkit.templating import Renderer

HOSTILE = {
    "globals.md.j2": ("{{ cycler.__init__.__globals__.os.system('echo pwned') }}", "template.unsafe"),
    "attr.md.j2": ("{{ ''|attr('__class__') }}", "template.unsafe"),
    "format.md.j2": ("{{ '{0.__class__.__init__.__globals__}'.format(x) }}", "template.unsafe"),
    "repeat.md.j2": ("{{ 'a' * 10**9 }}", "template.limit"),
    "power.md.j2": ("{{ 2 ** 10000000 }}", "template.limit"),
    "include.md.j2": ("{% include '../../../etc/passwd' %}", "template.missing"),
    "absolute.md.j2": ("{% include '/etc/passwd' %}", "template.missing"),
    "recurse.md.j2": ("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", "template.limit"),
    "undefined.md.j2": ("ok\n{{ no_such_name }}", "template.error"),
    "syntax.md.j2": ("{% if %}", "template.syntax"),
}


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    (tmp_path / ".netkit" / "templates").mkdir(parents=True)
    return tmp_path


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_template_fails_closed(vault: Path, name: str) -> None:
    source, code = HOSTILE[name]
    (vault / ".netkit" / "templates" / name).write_text(source, encoding="utf-8")
    out, diags = Renderer(vault).render(name, {"x": 1})
    assert out is None
    assert [d.code for d in diags] == [code]
    assert diags[0].path == f".netkit/templates/{name}"


def test_error_points_at_template_line(vault: Path) -> None:
    (vault / ".netkit" / "templates" / "t.md.j2").write_text("one\ntwo\n{{ missing }}\n", encoding="utf-8")
    _, diags = Renderer(vault).render("t.md.j2", {})
    assert diags[0].line == 3


def test_endless_loop_is_stopped(vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(templating, "RENDER_SECONDS", 0.5)
    loop = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    (vault / ".netkit" / "templates" / "loop.md.j2").write_text(loop, encoding="utf-8")
    start = time.monotonic()
    out, diags = Renderer(vault).render("loop.md.j2", {})
    assert out is None and diags[0].code == "template.limit"
    assert time.monotonic() - start < 3


def test_output_size_is_limited(vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(templating, "MAX_OUTPUT", 10_000)
    big = "{% for i in range(100000) %}xxxxxxxxxx{% endfor %}"
    (vault / ".netkit" / "templates" / "big.md.j2").write_text(big, encoding="utf-8")
    out, diags = Renderer(vault).render("big.md.j2", {})
    assert out is None and diags[0].code == "template.limit"


def test_the_output_limit_grows_with_the_vault(vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a page may list every person: 1,000 characters each on top of the fixed cap
    monkeypatch.setattr(templating, "MAX_OUTPUT", 10_000)
    page = "{% for i in range(counts.contacts) %}" + "x" * 500 + "{% endfor %}"
    (vault / ".netkit" / "templates" / "all.md.j2").write_text(page, encoding="utf-8")
    out, diags = Renderer(vault).render("all.md.j2", {"counts": {"contacts": 100}})
    assert diags == [] and out is not None and len(out) == 50_000
    runaway = "{% for i in range(counts.contacts * 3) %}" + "x" * 500 + "{% endfor %}"
    (vault / ".netkit" / "templates" / "runaway.md.j2").write_text(runaway, encoding="utf-8")
    out, diags = Renderer(vault).render("runaway.md.j2", {"counts": {"contacts": 100}})
    assert out is None and diags[0].code == "template.limit"


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_symlinked_template_is_not_followed(vault: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    secret = tmp_path_factory.mktemp("outside") / "secret.txt"
    secret.write_text("TOP SECRET", encoding="utf-8")
    os.symlink(secret, vault / ".netkit" / "templates" / "leak.md.j2")
    out, diags = Renderer(vault).render("leak.md.j2", {})
    assert out is None or "TOP SECRET" not in out
    assert diags and diags[0].code in ("template.missing", "template.unsafe")


def test_override_wins_over_builtin(vault: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    builtin = tmp_path_factory.mktemp("builtin")
    (builtin / "page.md.j2").write_text("built-in {{ x }}", encoding="utf-8")
    monkeypatch.setattr(templating, "BUILTIN_DIR", builtin)
    assert Renderer(vault).render("page.md.j2", {"x": 1})[0] == "built-in 1"
    (vault / ".netkit" / "templates" / "page.md.j2").write_text("mine {{ x }}", encoding="utf-8")
    assert Renderer(vault).render("page.md.j2", {"x": 2})[0] == "mine 2"


def test_html_autoescape(vault: Path) -> None:
    (vault / ".netkit" / "templates" / "r.html.j2").write_text("<p>{{ name }}</p>", encoding="utf-8")
    out, _ = Renderer(vault, autoescape=True).render("r.html.j2", {"name": "<script>alert(1)</script>"})
    assert out == "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"
