"""Notes and links are wired into every command: daily notes move `last_contact`, dangling
links are warnings in `netkit check`."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from netkit.cli import cli

ADA = "---\nname: Ada Lovelace\ntier: 1\nknows:\n  - \"[[Grace Hopper]]\"\n---\n## Log\n- 2026-01-10 Coffee [channel:: in-person]\n"


def vault(tmp_path: Path, files: dict[str, str]) -> Path:
    (tmp_path / "netkit.yaml").write_text("version: 1\n", encoding="utf-8")
    for rel, text in {"contacts/ada-lovelace.md": ADA, **files}.items():
        target = tmp_path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return tmp_path


def run(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [*args, "--vault", str(root), "--today", "2026-06-01"])
    return result.exit_code, result.stdout


def test_daily_note_moves_last_contact_and_due(tmp_path: Path) -> None:
    root = vault(tmp_path, {"contacts/grace-hopper.md": "---\nname: Grace Hopper\ntier: 1\n---\n"})
    _, before = run(root, "show", "Ada", "--json")
    assert json.loads(before)["last_contact"] == "2026-01-10"
    (root / "journal").mkdir()
    (root / "journal" / "2026-05-20.md").write_text("Lunch with [[Ada Lovelace]] about engines.\n", encoding="utf-8")
    _, after = run(root, "show", "Ada", "--json")
    data = json.loads(after)
    assert data["last_contact"] == "2026-05-20"
    assert any(e.get("source") == "journal/2026-05-20.md" for e in data["log"])
    _, due = run(root, "due", "--json", "--within", "7")
    assert "Ada Lovelace" not in [item["name"] for item in json.loads(due) if item["kind"] == "touchpoint"]


def test_meeting_note_with_date_property(tmp_path: Path) -> None:
    note = "---\ndate: 2026-05-28\nattendees:\n  - \"[[Ada Lovelace]]\"\n---\n# Planning\n"
    root = vault(tmp_path, {"contacts/grace-hopper.md": "---\nname: Grace Hopper\n---\n", "meetings/planning.md": note})
    _, out = run(root, "show", "Ada", "--json")
    assert json.loads(out)["last_contact"] == "2026-05-28"


def test_dangling_link_is_a_warning_with_position(tmp_path: Path) -> None:
    root = vault(tmp_path, {})
    code, out = run(root, "check", "--format", "json")
    data = json.loads(out)
    links = [d for d in data["diagnostics"] if d["code"] == "link.unresolved"]
    assert code == 0 and len(links) == 1
    assert (links[0]["path"], links[0]["line"], links[0]["column"]) == ("contacts/ada-lovelace.md", 5, 5)
    assert run(root, "check", "--strict")[0] == 1


def test_show_names_the_source_note(tmp_path: Path) -> None:
    root = vault(tmp_path, {"contacts/grace-hopper.md": "---\nname: Grace Hopper\n---\n",
                            "journal/2026-05-20.md": "Lunch with [[Ada Lovelace]].\n"})
    code, out = run(root, "show", "Ada")
    assert code == 0
    assert "2026-05-20" in out and "from [[journal/2026-05-20]]" in out
