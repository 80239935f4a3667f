"""The persistent index cache (``.netkit/cache/``) and incremental loading.

Every test compares with a load that ignores the cache (``use_cache=False``): whatever the
cache does, the vault must come out exactly as a full parse would make it.
"""

from __future__ import annotations

import os
import pickle
import struct
import sys
import time
import zlib
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

import netkit
from netkit import cache, loader
from netkit.loader import Changes, Vault

HOUR_NS = 3600 * 10**9

ADA = """---
name: Ada Lovelace
tier: 1
tags:
  - mentor
  - analytics
company: Analytical Engines
met: 2024-05-01
email: ada@example.com
phone: "+44 20 7946 0000"
knows:
  - "[[Charles Babbage]]"
birthday: --12-10
---
# Ada Lovelace

Free notes.

## Log
- 2026-11-03 Coffee at the conference [channel:: in-person] [by:: them] [gave:: intro to [[Bob Smith]]]
- 2026-09-14 Sent the article on tie strength [channel:: email] [by:: me] [reply:: no]
- 2026-12-05 Dinner planned [channel:: in-person]
"""

FILES: dict[str, str | bytes] = {
    "contacts/ada.md": ADA,
    "contacts/work/grace.md": "---\nname: Grace Hopper\ntier: 2\naliases: [Amazing Grace]\ncadence: 6w\n---\n## Log\n- 2026-10-01 Call [channel:: call]\n",
    "contacts/babbage.md": "---\nname: Charles Babbage\ntier: 9\nstatus: sleeping\nfavourite: tea\n---\n",
    "contacts/bad-yaml.md": "---\nname: [unclosed\n---\nbody\n",
    "contacts/bad-log.md": "---\nname: Bad Log\n---\n## Log\n- 2026-02-30 no such day\n- 2026-01-01 x [channel:: fax] [by:: nobody]\n- 2026-01-02 [unbalanced\n",
    "contacts/latin1.md": "---\nname: Jos\xe9\n---\n".encode("latin-1"),
    "contacts/plain.md": "No front matter at all.\n",
    "contacts/dup-a.md": "---\nname: Sam Smith\n---\n",
    "contacts/dup-b.md": "---\nname: Sam Smith\n---\n",
    "contacts/José Álvarez.md": "---\nname: José Álvarez\nlinkedin: not a url\n---\n",
}


def age(root: Path, *, hours: int = 1) -> None:
    """Give every file an old mtime, so that the cache may trust stat alone."""
    old = time.time_ns() - hours * HOUR_NS
    for path in root.rglob("*"):
        if path.is_file() and ".netkit" not in path.parts:
            os.utime(path, ns=(old, old))


def reference(root: Path) -> Vault:
    """The vault as a full parse sees it (no cache read or written)."""
    return loader.load_vault(root, use_cache=False)


def assert_same(vault: Vault, expected: Vault) -> None:
    """Same contacts, same diagnostics, same counts: dataclass equality, field by field."""
    assert vault.config == expected.config
    assert vault.files == expected.files
    assert vault.diagnostics == expected.diagnostics
    assert vault.contacts == expected.contacts
    assert [c.path for c in vault.index.contacts] == [c.path for c in expected.index.contacts]


@pytest.fixture
def vault_root(make_vault: Callable[[Mapping[str, str | bytes]], Path]) -> Path:
    root = make_vault(FILES)
    age(root)
    return root


def warm(root: Path) -> Vault:
    """Write the cache with a first load and return it."""
    first = loader.load_vault(root, write_cache=True)
    assert first.stats.written, first.stats
    return first


# ----------------------------------------------------------------------------- basics


def reference_vault_contacts() -> tuple[object, ...]:
    """The contacts of FILES, parsed without any cache (in a throwaway folder)."""
    import tempfile

    from conftest import write_vault

    with tempfile.TemporaryDirectory() as folder:
        return reference(write_vault(Path(folder), FILES)).contacts


def test_warm_load_equals_cold_load(vault_root: Path) -> None:
    expected = reference(vault_root)
    cold = warm(vault_root)
    assert cold.stats.cache == "absent" and cold.stats.parsed == expected.files
    assert cold.changes.full and len(cold.changes.added) == expected.files
    assert_same(cold, expected)

    hot = loader.load_vault(vault_root)
    assert hot.stats.cache == "hit"
    assert hot.stats.parsed == 0 and hot.stats.rehashed == 0
    assert hot.changes == Changes() and not hot.changes
    assert_same(hot, expected)
    # the error-level facts a command prints come out the same way too
    assert [d.to_json() for d in hot.errors] == [d.to_json() for d in expected.errors]
    assert expected.warnings and hot.warnings == expected.warnings


def test_loading_writes_nothing_unless_asked(vault_root: Path) -> None:
    loader.load_vault(vault_root)
    assert not (vault_root / ".netkit").exists()
    vault = loader.load_vault(vault_root)
    assert loader.save_cache(vault) is None
    assert cache.cache_path(vault_root).is_file()
    assert (vault_root / cache.CACHE_FOLDER / ".gitignore").read_text(encoding="utf-8").endswith("*\n")
    assert loader.load_vault(vault_root).stats.cache == "hit"


def test_an_unchanged_vault_does_not_rewrite_the_cache(vault_root: Path) -> None:
    warm(vault_root)
    path = cache.cache_path(vault_root)
    before = path.stat().st_mtime_ns, path.read_bytes()
    vault = loader.load_vault(vault_root, write_cache=True)
    assert not vault.stats.written
    assert vault.state is not None and vault.state.persisted
    assert (path.stat().st_mtime_ns, path.read_bytes()) == before


def test_contacts_are_decoded_only_when_used(vault_root: Path) -> None:
    warm(vault_root)
    vault = loader.load_vault(vault_root)
    assert vault.state is not None
    assert all(e.contact is None for e in vault.state.entries.values())
    assert vault.diagnostics  # available without decoding anything
    assert all(e.contact is None for e in vault.state.entries.values())
    assert vault.contact_paths == tuple(c.path for c in reference(vault_root).contacts)
    ada = vault.contact_at("contacts/ada.md")
    assert ada is not None and ada.name == "Ada Lovelace"
    assert sum(e.contact is not None for e in vault.state.entries.values()) == 1
    assert vault.contact_at("contacts/bad-yaml.md") is None
    assert vault.contacts == reference(vault_root).contacts
    assert vault.contact_at("contacts/ada.md") == ada


def test_a_lazy_vault_behaves_like_a_dataclass(vault_root: Path) -> None:
    import dataclasses

    warm(vault_root)
    vault = loader.load_vault(vault_root)
    shuffled = dataclasses.replace(vault, contacts=tuple(reversed(vault.contacts)))
    assert shuffled.contacts[0] == vault.contacts[-1]
    assert shuffled.diagnostics == vault.diagnostics
    with pytest.raises(dataclasses.FrozenInstanceError):
        vault.files = 3  # type: ignore[misc]
    with pytest.raises(AttributeError):
        _ = vault.no_such_attribute  # type: ignore[attr-defined]


# ----------------------------------------------------------------------------- changes


def test_modified_added_and_removed_files_are_reported(vault_root: Path) -> None:
    warm(vault_root)
    ada = vault_root / "contacts/ada.md"
    ada.write_text(ADA + "- 2026-11-20 Lunch [channel:: in-person]\n", encoding="utf-8")
    (vault_root / "contacts/new.md").write_text("---\nname: Newcomer\n---\n", encoding="utf-8")
    (vault_root / "contacts/babbage.md").unlink()

    vault = loader.load_vault(vault_root, write_cache=True)
    assert vault.changes == Changes(added=("contacts/new.md",), modified=("contacts/ada.md",),
                                    removed=("contacts/babbage.md",))
    assert vault.stats.parsed == 2
    assert_same(vault, reference(vault_root))
    ada_contact = vault.contact_at("contacts/ada.md")
    assert ada_contact is not None and ada_contact.log[-1].text == "Dinner planned"
    assert len(ada_contact.log) == 4
    # and the rewritten cache serves the new state
    again = loader.load_vault(vault_root)
    assert again.changes == Changes() and again.stats.parsed == 0
    assert_same(again, reference(vault_root))


def test_touch_without_a_content_change_is_not_a_change(vault_root: Path) -> None:
    warm(vault_root)
    os.utime(vault_root / "contacts/ada.md")
    vault = loader.load_vault(vault_root, write_cache=True)
    assert vault.changes == Changes()
    assert vault.stats.parsed == 0 and vault.stats.rehashed == 1
    assert vault.stats.written  # the new fingerprint is remembered
    assert_same(vault, reference(vault_root))


def test_changing_netkit_yaml_invalidates_everything(vault_root: Path) -> None:
    warm(vault_root)
    config = vault_root / "netkit.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "log_heading: Log\n", encoding="utf-8")
    vault = loader.load_vault(vault_root, write_cache=True)
    assert vault.stats.cache.startswith("stale")
    assert vault.stats.parsed == vault.files
    assert vault.changes.full
    assert_same(vault, reference(vault_root))

    # a change that alters parsing (the log heading) is picked up by every file
    config.write_text("version: 1\nlog_heading: Journal\n", encoding="utf-8")
    vault = loader.load_vault(vault_root)
    assert vault.stats.cache.startswith("stale")
    ada = vault.contact_at("contacts/ada.md")
    assert ada is not None and ada.log == ()
    assert_same(vault, reference(vault_root))


def test_same_size_change_within_the_timestamp_granularity_is_detected(vault_root: Path) -> None:
    """Racy git: the file changes again right after it was cached, same size, same mtime."""
    path = vault_root / "contacts/work/grace.md"
    path.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")  # a fresh mtime: racy
    warm(vault_root)
    st = path.stat()
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Grace Hopper", "Grace Hoppex"), encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # as a coarse clock would leave it
    assert path.stat().st_size == st.st_size and path.stat().st_mtime_ns == st.st_mtime_ns

    vault = loader.load_vault(vault_root)
    assert vault.changes.modified == ("contacts/work/grace.md",)
    grace = vault.contact_at("contacts/work/grace.md")
    assert grace is not None and grace.name == "Grace Hoppex"
    assert_same(vault, reference(vault_root))


@pytest.mark.parametrize("how", ["in-place", "replaced"])
def test_same_size_same_mtime_change_of_an_old_file_is_detected(vault_root: Path, how: str) -> None:
    """An old file rewritten with the same size and its mtime set back (a tool, a restore):
    the ctime (in place) or the inode (replaced) gives it away."""
    warm(vault_root)
    path = vault_root / "contacts/work/grace.md"
    st = path.stat()
    new_text = path.read_text(encoding="utf-8").replace("tier: 2", "tier: 1")
    time.sleep(0.02)  # let the ctime move even on a coarse clock
    if how == "in-place":
        path.write_text(new_text, encoding="utf-8")
    else:
        tmp = path.with_name("grace.md.tmp")
        tmp.write_text(new_text, encoding="utf-8")
        os.replace(tmp, path)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (st.st_size, st.st_mtime_ns)

    vault = loader.load_vault(vault_root)
    assert vault.changes.modified == ("contacts/work/grace.md",)
    grace = vault.contact_at("contacts/work/grace.md")
    assert grace is not None and grace.tier == 1
    assert_same(vault, reference(vault_root))


def test_racy_entries_are_rehashed_until_old_enough(vault_root: Path) -> None:
    path = vault_root / "contacts/ada.md"
    path.write_text(ADA, encoding="utf-8")  # recent mtime
    warm(vault_root)
    vault = loader.load_vault(vault_root)
    assert vault.stats.rehashed == 1 and vault.stats.parsed == 0  # racy: checked by content
    assert vault.changes == Changes()
    # once the mtime is old, one rewrite makes the entry trusted on stat again
    age(vault_root)
    os.utime(path, ns=(time.time_ns() - HOUR_NS,) * 2)
    loader.load_vault(vault_root, write_cache=True)
    assert loader.load_vault(vault_root).stats.rehashed == 0


def test_duplicate_name_warnings_follow_changes(vault_root: Path) -> None:
    warm(vault_root)
    (vault_root / "contacts/ada2.md").write_text("---\nname: Ada Lovelace\n---\n", encoding="utf-8")
    vault = loader.load_vault(vault_root, write_cache=True)
    assert any(d.code == "index.duplicate-name" and d.path == "contacts/ada2.md" for d in vault.diagnostics)
    assert_same(vault, reference(vault_root))

    (vault_root / "contacts/ada2.md").unlink()
    vault = loader.load_vault(vault_root, write_cache=True)
    assert not any(d.path == "contacts/ada2.md" for d in vault.diagnostics)
    assert_same(vault, reference(vault_root))

    # a change that keeps every name reuses the cached warnings (and they are still right)
    (vault_root / "contacts/dup-a.md").write_text("---\nname: Sam Smith\ntier: 2\n---\n", encoding="utf-8")
    vault = loader.load_vault(vault_root)
    assert vault.state is not None and all(e.contact is None for e in vault.state.entries.values()
                                           if e is not vault.state.entries["contacts/dup-a.md"])
    assert_same(vault, reference(vault_root))


def test_an_unreadable_file_is_reported_and_not_cached(vault_root: Path) -> None:
    warm(vault_root)
    target = vault_root / "contacts/fifo.md"
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    os.mkfifo(target)
    vault = loader.load_vault(vault_root, write_cache=True)  # must not block on the FIFO
    assert [d.code for d in vault.diagnostics if d.path == "contacts/fifo.md"] == ["file.unreadable"]
    assert vault.changes.added == ("contacts/fifo.md",)
    assert vault.state is not None and "contacts/fifo.md" not in vault.state.entries
    assert_same(vault, reference(vault_root))


# ----------------------------------------------------------------------------- a bad cache


def _write_raw_cache(root: Path, index: bytes, *, key: bytes | None = None,
                     index_length: int | None = None) -> None:
    """A cache index file laid out as netkit writes it, around an index of our choosing."""
    path = cache.cache_path(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    if key is None:
        key = cache.cache_key((root / "netkit.yaml").read_bytes())
    header = struct.pack("<IQI", len(key), len(index) if index_length is None else index_length, zlib.crc32(index))
    path.write_bytes(cache.MAGIC + header + key + index)


def _cached(root: Path) -> tuple[cache.LoadState, bytes]:
    """The cached state and its index, as bytes."""
    data = cache.cache_path(root).read_bytes()
    key_length, _, _ = struct.unpack_from("<IQI", data, len(cache.MAGIC))
    state, status = cache.read(root, cache.cache_key((root / "netkit.yaml").read_bytes()))
    assert state is not None and state.blobs is not None, status
    return state, data[cache._HEADER_END + key_length:]


def _blob_files(root: Path) -> list[str]:
    return sorted(p.name for p in (root / cache.CACHE_FOLDER).glob("blobs-*.bin"))


class _RunsCode:
    """Pickles to a call of os.system: what a malicious cache would contain."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch {self.marker}",))


def _corrupt(kind: str, root: Path, tmp_path: Path) -> None:
    path = cache.cache_path(root)
    data = path.read_bytes()
    state, index = _cached(root)
    assert state.blobs is not None
    if kind == "random bytes":
        path.write_bytes(os.urandom(len(data)))
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif kind == "truncated by one byte":
        path.write_bytes(data[:-1])
    elif kind == "header only":
        path.write_bytes(data[: cache._HEADER_END])
    elif kind == "flipped byte in the index":
        at = len(data) - len(index) // 2
        path.write_bytes(data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1:])
    elif kind == "pickle running os.system":
        _write_raw_cache(root, pickle.dumps(_RunsCode(tmp_path / "pwned"), protocol=5))
    elif kind == "pickle inside the index running os.system":
        evil = (cache.FORMAT_VERSION, 0, None, (), None, None, [_RunsCode(tmp_path / "pwned")], *([[]] * 10), 0)
        _write_raw_cache(root, pickle.dumps(evil, protocol=5))
    elif kind == "well-formed pickle, wrong shape":
        _write_raw_cache(root, pickle.dumps({"entries": [1, 2, 3]}, protocol=5))
    elif kind == "wrong types in an entry":
        next(iter(state.entries.values())).size = "big"  # type: ignore[assignment]
        _write_raw_cache(root, cache._index_bytes(state, state.blobs))
    elif kind == "labels without blobs":
        for entry in state.entries.values():
            entry.segment = None
        _write_raw_cache(root, cache._index_bytes(state, state.blobs))
    elif kind == "a blob file name with a path in it":
        state.blobs.path = state.blobs.path.parent / "../../netkit.yaml"
        _write_raw_cache(root, cache._index_bytes(state, state.blobs))
    elif kind == "a position past its segment":
        entry = state.entries["contacts/ada.md"]
        assert entry.segment is not None
        entry.position = entry.segment.count
        _write_raw_cache(root, cache._index_bytes(state, state.blobs))
    elif kind == "blob file missing":
        state.blobs.path.unlink()
    elif kind == "blob file truncated":
        blob_data = state.blobs.path.read_bytes()
        state.blobs.path.write_bytes(blob_data[: len(blob_data) // 2])
    elif kind == "length past the end":
        _write_raw_cache(root, index, index_length=len(index) * 2)
    elif kind == "trailing data":
        path.write_bytes(data + b"more")
    elif kind == "a directory":
        path.unlink()
        path.mkdir()
    elif kind == "a link to a device":
        path.unlink()
        path.symlink_to("/dev/zero")
    else:  # pragma: no cover
        raise AssertionError(kind)


CORRUPTIONS = [
    "random bytes", "empty", "truncated", "truncated by one byte", "header only", "flipped byte in the index",
    "pickle running os.system", "pickle inside the index running os.system", "well-formed pickle, wrong shape",
    "wrong types in an entry", "labels without blobs", "a blob file name with a path in it",
    "a position past its segment", "blob file missing",
    "blob file truncated", "length past the end", "trailing data", "a directory", "a link to a device",
]


@pytest.mark.parametrize("kind", CORRUPTIONS)
def test_a_corrupted_cache_is_ignored_and_rebuilt(vault_root: Path, tmp_path: Path, kind: str) -> None:
    warm(vault_root)
    _corrupt(kind, vault_root, tmp_path)
    vault = loader.load_vault(vault_root, write_cache=True)
    assert not vault.stats.cache.startswith(("hit", "memory")), vault.stats
    assert vault.stats.parsed == vault.files
    assert not (tmp_path / "pwned").exists(), "the cache ran code"
    assert_same(vault, reference(vault_root))
    if kind == "a directory":  # cannot be replaced by a file: a warning, nothing else
        assert vault.stats.warning and not vault.stats.written
    else:
        assert vault.stats.written, vault.stats
        assert loader.load_vault(vault_root).stats.cache == "hit"


def test_the_unpickler_refuses_every_global_but_the_model(tmp_path: Path) -> None:
    evil = pickle.dumps(_RunsCode(tmp_path / "pwned"), protocol=2)
    with pytest.raises(cache.CacheError):
        cache.safe_loads(evil)
    with pytest.raises(cache.CacheError):
        cache.decode_segment(evil, 1)
    assert not (tmp_path / "pwned").exists()
    with pytest.raises(cache.CacheError):
        cache.safe_loads(pickle.dumps(pickle.loads, protocol=5))
    with pytest.raises(cache.CacheError):
        cache.decode_segment(pickle.dumps(("not", "a", "contact"), protocol=5), 1)
    with pytest.raises(cache.CacheError):
        cache.decode_segment(b"", 1)


def test_a_segment_round_trips_and_shares_values() -> None:
    from netkit import config as config_mod
    from netkit import contactfile

    contacts = list(reference_vault_contacts())
    decoded = cache.decode_segment(cache.encode_segment(contacts), len(contacts))
    assert decoded == contacts
    # one memo for the whole segment: what the parser shares stays shared once decoded
    text = "---\nname: {}\n---\n## Log\n- 2026-10-01 Call [channel:: call] [by:: me]\n"
    pair = [contactfile.parse_contact(text.format(n).encode(), f"contacts/{n}.md", config_mod.default_config())[0]
            for n in ("a", "b")]
    a, b = cache.decode_segment(cache.encode_segment([c for c in pair if c is not None]), 2)
    assert a.log[0].fields is b.log[0].fields and a.log[0].date is b.log[0].date


def test_a_cache_from_another_netkit_version_is_ignored(vault_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    warm(vault_root)
    monkeypatch.setattr(netkit, "__version__", "999.0")
    vault = loader.load_vault(vault_root, write_cache=True)
    assert vault.stats.cache.startswith("stale") and vault.stats.parsed == vault.files
    assert_same(vault, reference(vault_root))
    monkeypatch.undo()
    assert loader.load_vault(vault_root).stats.cache.startswith("stale")  # the 999.0 cache, now foreign


@pytest.mark.parametrize("what", ["python", "code", "format"])
def test_a_cache_from_other_code_or_python_is_ignored(
    vault_root: Path, monkeypatch: pytest.MonkeyPatch, what: str
) -> None:
    warm(vault_root)
    if what == "python":
        monkeypatch.setattr(sys, "version", sys.version + " (another build)")
    elif what == "code":
        monkeypatch.setattr(cache, "_SOURCE_FINGERPRINT", b"edited parser")
    else:
        monkeypatch.setattr(cache, "FORMAT_VERSION", cache.FORMAT_VERSION + 1)
    vault = loader.load_vault(vault_root)
    assert vault.stats.cache.startswith("stale")
    assert_same(vault, reference(vault_root))


def test_a_damaged_blob_is_parsed_from_the_file(vault_root: Path) -> None:
    """The index is intact (the cache is used) but one contact's bytes are not."""
    warm(vault_root)
    state, _ = _cached(vault_root)
    assert state.blobs is not None
    segment = state.entries["contacts/ada.md"].segment
    assert segment is not None
    path = state.blobs.path
    data = path.read_bytes()
    at = segment.offset + 10
    path.write_bytes(data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1:])
    vault = loader.load_vault(vault_root)
    assert vault.stats.cache == "hit"
    assert_same(vault, reference(vault_root))


def test_blobs_gone_before_contacts_are_decoded(vault_root: Path) -> None:
    """The blob file vanished between this load and its decoding: parse instead."""
    warm(vault_root)
    vault = loader.load_vault(vault_root)
    for name in _blob_files(vault_root):
        (vault_root / cache.CACHE_FOLDER / name).unlink()
    assert vault.contacts == reference(vault_root).contacts


def test_changes_append_to_the_blob_file_until_it_is_compacted(vault_root: Path) -> None:
    warm(vault_root)
    (first,) = _blob_files(vault_root)
    size = (vault_root / cache.CACHE_FOLDER / first).stat().st_size
    ada = vault_root / "contacts/ada.md"
    for i in range(1, 30):
        ada.write_text(ADA + f"- 2026-11-{i:02d} Note {i}\n", encoding="utf-8")
        vault = loader.load_vault(vault_root, write_cache=True)
        assert vault.changes.modified == ("contacts/ada.md",) and vault.stats.written
        assert_same(vault, reference(vault_root))
        files = _blob_files(vault_root)
        assert len(files) == 1
        if files != [first]:
            break  # compacted: the dead versions of ada.md outweighed the live blobs
        assert (vault_root / cache.CACHE_FOLDER / first).stat().st_size > size  # appended
    else:
        raise AssertionError("never compacted")
    assert_same(loader.load_vault(vault_root), reference(vault_root))


def test_blob_files_nobody_refers_to_are_removed(vault_root: Path) -> None:
    warm(vault_root)
    folder = vault_root / cache.CACHE_FOLDER
    (stale,) = _blob_files(vault_root)
    orphan = folder / "blobs-0123456789abcdef.bin"
    orphan.write_bytes(b"left by a crash")
    old = time.time_ns() - HOUR_NS
    for path in (orphan, folder / stale):
        os.utime(path, ns=(old, old))
    recent = folder / "blobs-fedcba9876543210.bin"
    recent.write_bytes(b"another netkit may be writing this one")
    (vault_root / "netkit.yaml").write_text("version: 1\n# changed\n", encoding="utf-8")  # the cache goes stale
    vault = loader.load_vault(vault_root, write_cache=True)
    assert vault.stats.written and vault.state is not None and vault.state.blobs is not None
    assert _blob_files(vault_root) == sorted([vault.state.blobs.name, recent.name])


def test_a_blob_that_does_not_decode_is_parsed_from_the_file(vault_root: Path) -> None:
    warm(vault_root)
    state, _ = _cached(vault_root)
    entry = state.entries["contacts/ada.md"]
    entry.segment, entry.position = cache.Segment(1, data=b"\x80\x05garbage"), 0
    state.persisted = False
    assert cache.write(vault_root, state) is None
    vault = loader.load_vault(vault_root)
    assert vault.stats.cache == "hit"
    assert_same(vault, reference(vault_root))


# ----------------------------------------------------------------------------- unwritable


def test_an_unwritable_cache_folder_only_gives_a_warning(vault_root: Path) -> None:
    (vault_root / ".netkit").mkdir()
    (vault_root / ".netkit" / "cache").write_text("not a folder", encoding="utf-8")
    vault = loader.load_vault(vault_root, write_cache=True)
    assert vault.stats.warning and not vault.stats.written
    assert_same(vault, reference(vault_root))
    assert not any("cache" in d.message for d in vault.diagnostics)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can write anywhere")
def test_a_read_only_cache_folder_only_gives_a_warning(vault_root: Path) -> None:
    folder = vault_root / cache.CACHE_FOLDER
    folder.mkdir(parents=True)
    folder.chmod(0o500)
    try:
        vault = loader.load_vault(vault_root, write_cache=True)
    finally:
        folder.chmod(0o700)
    assert vault.stats.warning and not vault.stats.written
    assert_same(vault, reference(vault_root))


def test_a_cache_folder_linked_outside_the_vault_is_not_written(vault_root: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (vault_root / ".netkit").mkdir()
    (vault_root / ".netkit" / "cache").symlink_to(outside, target_is_directory=True)
    vault = loader.load_vault(vault_root, write_cache=True)
    assert vault.stats.warning and not list(outside.iterdir())
    assert_same(vault, reference(vault_root))


# ----------------------------------------------------------------------------- sessions


def test_a_session_reloads_from_memory(vault_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    session = loader.VaultLoader(vault_root, write_cache=True)
    first = session.load()
    assert first.changes.full and first.stats.written

    def no_reading(*_: object) -> None:
        raise AssertionError("the cache file was read again")

    monkeypatch.setattr(cache, "read", no_reading)
    path = vault_root / "contacts/ada.md"
    path.write_text(ADA.replace("Free notes.", "Free notes, longer now."), encoding="utf-8")
    second = session.load()
    assert second.stats.cache == "memory"
    assert second.changes == Changes(modified=("contacts/ada.md",))
    assert second.stats.parsed == 1 and second.stats.written
    assert_same(second, reference(vault_root))

    third = session.load()
    assert third.changes == Changes() and not third.stats.written
    # a path an observer saw change is checked by content even when stat looks the same
    fourth = session.load(suspects={"contacts/babbage.md"})
    assert fourth.stats.rehashed >= 1 and fourth.changes == Changes()
    assert_same(fourth, reference(vault_root))


def test_previous_state_can_be_passed_by_hand(vault_root: Path) -> None:
    first = loader.load_vault(vault_root, use_cache=False)
    (vault_root / "contacts/plain.md").unlink()
    second = loader.load_vault(vault_root, use_cache=False, previous=first.state)
    assert second.stats.cache == "memory"
    assert second.changes == Changes(removed=("contacts/plain.md",))
    assert not (vault_root / ".netkit").exists()
    assert_same(second, reference(vault_root))


# ----------------------------------------------------------------------------- parallel


def _many(count: int) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = dict(FILES)
    for i in range(count):
        files[f"contacts/bulk/{i % 7}/person-{i:03d}.md"] = (
            f"---\nname: Person {i}\ntier: {1 + i % 3}\ntags: [t{i % 5}]\n---\n# Person {i}\n\n## Log\n"
            f"- 2026-0{1 + i % 9}-1{i % 10} Met [channel:: call] [by:: me]\n"
            f"- 2025-12-0{1 + i % 9} Wrote [channel:: email] [reply:: {'yes' if i % 2 else 'maybe'}]\n"
        )
    return files


def test_parallel_parsing_gives_the_serial_result(
    make_vault: Callable[[Mapping[str, str | bytes]], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_vault(_many(120))
    age(root)
    expected = reference(root)  # below the threshold: serial
    assert expected.stats.workers == 0
    monkeypatch.setattr(loader, "PARALLEL_MIN_FILES", 10)
    monkeypatch.setattr(loader, "CHUNK_FILES", 7)
    monkeypatch.setenv("NETKIT_WORKERS", "3")
    calls: list[tuple[int, int]] = []
    vault = loader.load_vault(root, write_cache=True, progress=lambda done, total: calls.append((done, total)))
    if "fork" in __import__("multiprocessing").get_all_start_methods():
        assert vault.stats.workers == 2
    assert_same(vault, expected)
    assert calls and calls[-1] == (expected.files, expected.files)
    assert all(0 < done <= total == expected.files for done, total in calls)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    hot = loader.load_vault(root)
    assert hot.stats.cache == "hit"
    assert_same(hot, expected)


def test_serial_progress_is_reported(vault_root: Path) -> None:
    calls: list[tuple[int, int]] = []
    vault = loader.load_vault(vault_root, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(i, vault.files) for i in range(1, vault.files + 1)]
    warm(vault_root)
    calls.clear()
    loader.load_vault(vault_root, progress=lambda done, total: calls.append((done, total)))
    assert calls == []  # nothing to parse


def test_saving_after_the_contacts_were_used(vault_root: Path) -> None:
    vault = loader.load_vault(vault_root)
    assert vault.contacts  # decoded / parsed first
    assert loader.save_cache(vault) is None and vault.stats.written
    assert loader.save_cache(vault) is None  # up to date: nothing to do
    hot = loader.load_vault(vault_root)
    assert hot.stats.cache == "hit"
    assert_same(hot, reference(vault_root))
    # and the same again from a warm, already decoded state after a change
    assert hot.contacts
    (vault_root / "contacts/plain.md").write_text("Still no front matter.\n", encoding="utf-8")
    changed = loader.load_vault(vault_root, previous=hot.state)
    assert changed.changes.modified == ("contacts/plain.md",)
    assert loader.save_cache(changed) is None
    assert_same(loader.load_vault(vault_root), reference(vault_root))


def test_concurrent_writers_leave_a_usable_cache(vault_root: Path) -> None:
    """Several netkit processes refreshing the cache at once: whichever index wins, what
    a later load gets is right (appends never overwrite, the index is replaced whole)."""
    import subprocess

    warm(vault_root)
    script = (
        "import sys; from pathlib import Path; from netkit import loader\n"
        "root = Path(sys.argv[1]); name = sys.argv[2]\n"
        "(root / 'contacts' / (name + '.md')).write_text('---\\nname: ' + name + '\\n---\\n', encoding='utf-8')\n"
        "for _ in range(5):\n"
        "    loader.load_vault(root, write_cache=True)\n"
    )
    procs = [subprocess.Popen([sys.executable, "-c", script, str(vault_root), f"writer{i}"]) for i in range(4)]
    assert all(p.wait(timeout=120) == 0 for p in procs)
    vault = loader.load_vault(vault_root)
    assert vault.stats.cache == "hit", vault.stats
    assert_same(vault, reference(vault_root))
