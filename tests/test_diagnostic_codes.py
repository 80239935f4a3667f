"""One test per diagnostic code: each planted problem is reported at the right line and column."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from netkit.cli import cli

GOOD = "---\nname: Good Person\ntier: 2\n---\n# Good\n\n## Log\n- 2026-01-05 Lunch [channel:: in-person]\n"


def check(tmp_path: Path, files: dict[str, str | bytes], config: str = "version: 1\n") -> dict:
    (tmp_path / "netkit.yaml").write_text(config, encoding="utf-8")
    (tmp_path / "contacts").mkdir(exist_ok=True)
    (tmp_path / "contacts" / "good.md").write_text(GOOD, encoding="utf-8")
    for rel, content in files.items():
        target = tmp_path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "--vault", str(tmp_path), "--format", "json"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    data = json.loads(result.stdout)
    data["exit_code"] = result.exit_code
    return data


def find(data: dict, code: str) -> dict:
    hits = [d for d in data["diagnostics"] if d["code"] == code]
    assert hits, f"no {code} in {json.dumps(data['diagnostics'], indent=1)}"
    return hits[0]


# code -> (file content, expected line, expected column)
CONTACT_CASES: dict[str, tuple[str | bytes, int, int]] = {
    "yaml.syntax": ("---\nname: Ada\nrole: CTO: platform\n---\n", 3, 10),
    "yaml.alias": ("---\nname: Ada\ntags: &t [a]\nknows: *t\n---\n", 4, 8),
    "yaml.too-deep": ("---\nname: Ada\nx: " + "[" * 40 + "]" * 40 + "\n---\n", 3, 3 + 33),
    "yaml.tag": ("---\nname: Ada\nx: !!python/object/apply:os.system [echo hi]\n---\n", 3, 4),
    "yaml.duplicate-key": ("---\nname: Ada\ntier: 1\ntier: 2\n---\n", 4, 1),
    "yaml.value": ("---\nname: Ada\nmet: 2024-02-30\n---\n", 3, 6),
    "yaml.key": ("---\nname: Ada\n? [a, b]\n: c\n---\n", 3, 3),
    "frontmatter.not-mapping": ("---\n- a\n- b\n---\n", 2, 1),
    "frontmatter.unterminated": ("---\nname: Ada\ntier: 1\n", 1, 1),
    "file.binary": (b"---\nname: A\x00da\n---\n", 2, 8),
    "file.encoding": ("---\nname: Jos\xe9\n---\n".encode("latin-1"), 2, 10),
    "git.conflict": ("---\nname: Ada\n---\n<<<<<<< HEAD\nmine\n=======\ntheirs\n>>>>>>> branch\n", 4, 1),
    "schema.type": ("---\nname: Ada\ntier: one\n---\n", 3, 7),
    "schema.tier": ("---\nname: Ada\ntier: 9\n---\n", 3, 7),
    "schema.enum": ("---\nname: Ada\nstatus: sleeping\n---\n", 3, 9),
    "schema.date": ("---\nname: Ada\nmet: last spring\n---\n", 3, 6),
    "schema.duration": ("---\nname: Ada\ncadence: monthly\n---\n", 3, 10),
    "schema.birthday": ("---\nname: Ada\nbirthday: \"--13-40\"\n---\n", 3, 11),
    "schema.yaml-trap": ("---\nname: Ada\nphone: +4915123456789\n---\n", 3, 8),
    "schema.unknown-field": ("---\nname: Ada\nfavourite_colour: blue\n---\n", 3, 1),
    "schema.unquoted-link": ("---\nname: Ada\nknows:\n  - [[Grace Hopper]]\n---\n", 4, 5),
    "schema.email": ("---\nname: Ada\nemail: not-an-email\n---\n", 3, 8),
    "schema.url": ("---\nname: Ada\nlinkedin: ada-lovelace\n---\n", 3, 11),
    "log.date": ("---\nname: Ada\n---\n## Log\n- 2026-13-01 Coffee\n", 5, 3),
    "log.channel": ("---\nname: Ada\n---\n## Log\n- 2026-01-01 Coffee [channel:: fax]\n", 5, 21),
    "log.by": ("---\nname: Ada\n---\n## Log\n- 2026-01-01 Coffee [by:: us]\n", 5, 21),
    "log.reply": ("---\nname: Ada\n---\n## Log\n- 2026-01-01 Mail [reply:: maybe]\n", 5, 19),
    "log.brackets": ("---\nname: Ada\n---\n## Log\n- 2026-01-01 Met [[Bob Smith\n", 5, 18),
}


@pytest.mark.parametrize("code", sorted(CONTACT_CASES))
def test_contact_diagnostic_codes(tmp_path: Path, code: str) -> None:
    content, line, column = CONTACT_CASES[code]
    data = check(tmp_path, {"contacts/case.md": content})
    diag = find(data, code)
    assert diag["path"] == "contacts/case.md"
    assert (diag["line"], diag["column"]) == (line, column), diag
    assert diag["message"]
    # the good file is still indexed whatever is wrong with the other one
    assert data["contacts"] >= 1
    severity_expected = "warning" if code in {"schema.unknown-field", "schema.email", "schema.url"} else "error"
    assert diag["severity"] == severity_expected
    assert data["exit_code"] == (1 if severity_expected == "error" else 0)


def test_file_too_large(tmp_path: Path) -> None:
    big = "---\nname: Big\n---\n" + ("x" * 1000 + "\n") * 3000
    data = check(tmp_path, {"contacts/big.md": big})
    diag = find(data, "file.too-large")
    assert (diag["line"], diag["column"]) == (1, 1)
    assert data["contacts"] == 1


def test_yaml_too_large(tmp_path: Path) -> None:
    items = "".join(f"  - t{i}\n" for i in range(25_000))
    data = check(tmp_path, {"contacts/many.md": f"---\nname: Many\ntags:\n{items}---\n"})
    assert find(data, "yaml.too-large")["path"] == "contacts/many.md"


def test_duplicate_name_warning(tmp_path: Path) -> None:
    data = check(tmp_path, {"contacts/a.md": "---\nname: Same Person\n---\n", "contacts/b.md": "---\nname: same  person\n---\n"})
    diag = find(data, "index.duplicate-name")
    assert diag["severity"] == "warning"


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_symlink_outside_and_broken(tmp_path: Path) -> None:
    outside = tmp_path.parent / (tmp_path.name + "-outside.md")
    outside.write_text("---\nname: Outside\n---\n", encoding="utf-8")
    (tmp_path / "contacts").mkdir()
    os.symlink(outside, tmp_path / "contacts" / "out.md")
    os.symlink(tmp_path / "contacts" / "loop.md", tmp_path / "contacts" / "loop.md")
    data = check(tmp_path, {})
    assert find(data, "file.symlink-outside")["path"] == "contacts/out.md"
    assert find(data, "file.broken-link")["path"] == "contacts/loop.md"
    assert data["contacts"] == 1


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from netkit import loader

    def refusing(real):  # type: ignore[no-untyped-def]
        def fake_open(path, *args, **kwargs):  # type: ignore[no-untyped-def]
            if str(path).endswith("secret.md"):
                raise PermissionError(13, "Permission denied")
            return real(path, *args, **kwargs)
        return fake_open

    # tests run as root: every way of opening the file refuses it instead of chmod
    monkeypatch.setattr("builtins.open", refusing(open))
    monkeypatch.setattr(os, "open", refusing(os.open))
    (tmp_path / "contacts").mkdir()
    (tmp_path / "contacts" / "secret.md").write_text("---\nname: S\n---\n", encoding="utf-8")
    (tmp_path / "netkit.yaml").write_text("version: 1\n", encoding="utf-8")
    vault = loader.load_vault(tmp_path, use_cache=False)
    codes = [d.code for d in vault.diagnostics]
    assert "file.unreadable" in codes


# config codes -> (netkit.yaml, line, column)
CONFIG_CASES: dict[str, tuple[str, int, int]] = {
    "config.unknown-key": ("version: 1\ncolour: blue\n", 2, 1),
    "config.version": ("version: 7\n", 1, 10),
    "config.type": ("version: 1\npages: [a, b]\n", 2, 8),
    "config.tier": ("version: 1\ndefault_tier: 9\n", 2, 15),
    "config.duration": ("version: 1\ntiers:\n  1: {label: A, cadence: often, target: [1, 2]}\n", 3, 26),
    "config.field-type": ("version: 1\nfields:\n  pronouns: colour\n", 3, 13),
    "config.missing-folder": ("version: 1\ncontacts: [contacts, people]\n", 1, 1),
}


@pytest.mark.parametrize("code", sorted(CONFIG_CASES))
def test_config_diagnostic_codes(tmp_path: Path, code: str) -> None:
    config, line, column = CONFIG_CASES[code]
    data = check(tmp_path, {}, config=config)
    diag = find(data, code)
    assert diag["path"] == "netkit.yaml"
    assert (diag["line"], diag["column"]) == (line, column), diag


def test_config_reports_every_problem_at_once(tmp_path: Path) -> None:
    config = "version: 1\ncolour: blue\npages: [x]\ndefault_tier: 12\nfields:\n  kids: whatever\n"
    data = check(tmp_path, {}, config=config)
    codes = {d["code"] for d in data["diagnostics"] if d["path"] == "netkit.yaml"}
    assert {"config.unknown-key", "config.type", "config.tier", "config.field-type"} <= codes
