"""`netkit index` keeps the cache warm; read-only commands never write it."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from netkit import loader
from netkit.cli import cli

ADA = "---\nname: Ada Lovelace\ntier: 1\n---\n## Log\n- 2026-01-10 Coffee [channel:: in-person]\n"


def make(tmp_path: Path) -> Path:
    (tmp_path / "netkit.yaml").write_text("version: 1\n", encoding="utf-8")
    (tmp_path / "contacts").mkdir()
    (tmp_path / "contacts" / "ada.md").write_text(ADA, encoding="utf-8")
    return tmp_path


def invoke(root: Path, *args: str) -> int:
    return CliRunner().invoke(cli, [*args, "--vault", str(root), "--today", "2026-06-01"]).exit_code


def test_index_writes_the_cache_and_the_next_load_uses_it(tmp_path: Path) -> None:
    root = make(tmp_path)
    assert invoke(root, "index") == 0
    assert (root / ".netkit" / "cache" / "contacts.cache").is_file()
    vault = loader.load_vault(root)
    assert vault.stats.cache == "hit" and vault.stats.parsed == 0
    assert [c.name for c in vault.contacts] == ["Ada Lovelace"]


def test_read_commands_write_nothing(tmp_path: Path) -> None:
    root = make(tmp_path)
    for args in (["check"], ["due"], ["list"], ["health"], ["show", "Ada"]):
        assert invoke(root, *args) == 0, args
    assert not (root / ".netkit").exists()
