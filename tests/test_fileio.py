"""Tests of atomic writes, fingerprints and the vault lock."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from netkit import fileio
from netkit.fileio import (
    AlreadyExistsError,
    FileChangedError,
    LockedError,
    NetkitIOError,
    VaultLock,
    WriteError,
    atomic_write,
    describe_os_error,
    read_with_fingerprint,
)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".netkit-tmp-"))


# -------------------------------------------------------------------- fingerprints


def test_read_with_fingerprint(tmp_path: Path) -> None:
    f = tmp_path / "a.md"
    f.write_bytes(b"hello\r\n")
    data, fp = read_with_fingerprint(f)
    assert data == b"hello\r\n"
    assert fp.size == 7
    assert fp.mtime_ns == f.stat().st_mtime_ns
    assert fp.sha256 == hashlib.sha256(b"hello\r\n").hexdigest()


# -------------------------------------------------------------------- atomic_write


def test_atomic_write_creates_and_replaces(tmp_path: Path) -> None:
    f = tmp_path / "a.md"
    atomic_write(f, b"one")
    assert f.read_bytes() == b"one"
    atomic_write(f, b"two\r\n\xef\xbb\xbf")
    assert f.read_bytes() == b"two\r\n\xef\xbb\xbf"
    assert leftovers(tmp_path) == []


def test_expected_fingerprint_ok(tmp_path: Path) -> None:
    f = tmp_path / "a.md"
    f.write_bytes(b"original")
    _, fp = read_with_fingerprint(f)
    os.utime(f, ns=(1, 1))  # a touch alone is not a change of content
    atomic_write(f, b"new", expected=fp)
    assert f.read_bytes() == b"new"


def test_expected_fingerprint_mismatch(tmp_path: Path) -> None:
    f = tmp_path / "a.md"
    f.write_bytes(b"original")
    _, fp = read_with_fingerprint(f)
    f.write_bytes(b"edited by the user")
    with pytest.raises(FileChangedError, match="changed since it was read") as info:
        atomic_write(f, b"ours", expected=fp)
    assert str(f) in str(info.value)
    assert isinstance(info.value, NetkitIOError)
    assert f.read_bytes() == b"edited by the user"
    assert leftovers(tmp_path) == []


def test_expected_but_file_deleted(tmp_path: Path) -> None:
    f = tmp_path / "a.md"
    f.write_bytes(b"original")
    _, fp = read_with_fingerprint(f)
    f.unlink()
    with pytest.raises(FileChangedError, match="deleted"):
        atomic_write(f, b"ours", expected=fp)
    assert not f.exists()
    assert leftovers(tmp_path) == []


def test_failure_leaves_no_temp_and_original_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    f = tmp_path / "a.md"
    f.write_bytes(b"original")

    def boom(src: object, dst: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(fileio.os, "replace", boom)
    with pytest.raises(WriteError) as info:
        atomic_write(f, b"new")
    assert info.value.errno == errno.ENOSPC
    assert "disk is full" in str(info.value)
    assert str(f) in str(info.value)
    assert f.read_bytes() == b"original"
    assert leftovers(tmp_path) == []


def test_interrupt_leaves_no_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    f = tmp_path / "a.md"
    f.write_bytes(b"original")

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(fileio.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(f, b"new")
    assert f.read_bytes() == b"original"
    assert leftovers(tmp_path) == []


def test_create_only_refuses_existing(tmp_path: Path) -> None:
    f = tmp_path / "a.md"
    f.write_bytes(b"mine")
    with pytest.raises(AlreadyExistsError, match="already exists"):
        atomic_write(f, b"new", create_only=True)
    assert f.read_bytes() == b"mine"
    assert leftovers(tmp_path) == []
    assert fileio.FileExistsErrorNK is AlreadyExistsError


def test_create_only_creates(tmp_path: Path) -> None:
    f = tmp_path / "new.md"
    atomic_write(f, b"hello", create_only=True)
    assert f.read_bytes() == b"hello"
    assert leftovers(tmp_path) == []
    # default mode for a new file follows the umask, not mkstemp's 0600
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(f.stat().st_mode) == 0o666 & ~umask


def test_create_only_without_hard_links(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_links(src: object, dst: object) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(fileio.os, "link", no_links)
    f = tmp_path / "new.md"
    atomic_write(f, b"hello", create_only=True)
    assert f.read_bytes() == b"hello"
    with pytest.raises(AlreadyExistsError):
        atomic_write(f, b"again", create_only=True)
    assert f.read_bytes() == b"hello"
    assert leftovers(tmp_path) == []


def test_permission_bits_preserved(tmp_path: Path) -> None:
    f = tmp_path / "a.md"
    f.write_bytes(b"x")
    os.chmod(f, 0o640)
    atomic_write(f, b"y")
    assert stat.S_IMODE(f.stat().st_mode) == 0o640
    os.chmod(f, 0o604)
    atomic_write(f, b"z")
    assert stat.S_IMODE(f.stat().st_mode) == 0o604


def test_read_only_file_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "a.md"
    f.write_bytes(b"x")
    os.chmod(f, 0o444)
    with pytest.raises(WriteError, match="read-only"):
        atomic_write(f, b"y")
    assert f.read_bytes() == b"x"
    assert leftovers(tmp_path) == []


def test_symlink_is_written_through(tmp_path: Path) -> None:
    real = tmp_path / "real.md"
    real.write_bytes(b"x")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    atomic_write(link, b"y")
    assert link.is_symlink()
    assert real.read_bytes() == b"y"


def test_read_only_folder_gives_clear_write_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # we run as root, where chmod cannot make a folder read-only: simulate the OS refusing
    f = tmp_path / "a.md"
    f.write_bytes(b"original")
    real_open = os.open

    def refuse(path: object, flags: int, mode: int = 0o777) -> int:
        if Path(str(path)).name.startswith(".netkit-tmp-"):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, mode)  # type: ignore[arg-type]

    monkeypatch.setattr(fileio.os, "open", refuse)
    with pytest.raises(WriteError, match="permission denied") as info:
        atomic_write(f, b"new")
    assert str(f) in str(info.value)
    assert "Traceback" not in str(info.value)
    assert f.read_bytes() == b"original"


def test_error_messages() -> None:
    p = "contacts/ada.md"
    assert "read-only" in describe_os_error(OSError(errno.EROFS, "x"), p)
    assert "permission denied" in describe_os_error(OSError(errno.EPERM, "x"), p)
    assert "disk is full" in describe_os_error(OSError(errno.ENOSPC, "x"), p)
    assert describe_os_error(OSError(errno.EIO, "I/O error"), p) == f"cannot write {p}: I/O error"


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(WriteError, match="does not exist"):
        atomic_write(tmp_path / "nope" / "a.md", b"x")


def test_not_a_regular_file(tmp_path: Path) -> None:
    with pytest.raises(WriteError, match="not a regular file"):
        atomic_write(tmp_path, b"x")


def test_expected_and_create_only_conflict(tmp_path: Path) -> None:
    fp = fileio.fingerprint_bytes(b"")
    with pytest.raises(ValueError):
        atomic_write(tmp_path / "a", b"x", expected=fp, create_only=True)


# ---------------------------------------------------------------------- VaultLock


def test_lock_contents_and_release(tmp_path: Path) -> None:
    with VaultLock(tmp_path) as lock:
        info = json.loads((tmp_path / ".netkit" / "lock").read_text())
        assert info["pid"] == os.getpid()
        assert info["host"] == socket.gethostname()
        assert abs(info["started"] - time.time()) < 60
        assert lock.held
    assert not (tmp_path / ".netkit" / "lock").exists()


def test_second_acquire_raises_naming_pid(tmp_path: Path) -> None:
    with VaultLock(tmp_path):
        with pytest.raises(LockedError) as info:
            VaultLock(tmp_path).acquire()
        assert f"another netkit (pid {os.getpid()}) has held the vault lock for" in str(info.value)
        assert info.value.pid == os.getpid()
    # released: can take it again
    with VaultLock(tmp_path):
        pass


def test_wait_gives_up_after_timeout(tmp_path: Path) -> None:
    with VaultLock(tmp_path):
        start = time.monotonic()
        with pytest.raises(LockedError):
            VaultLock(tmp_path, wait=0.3, poll_interval=0.05).acquire()
        assert time.monotonic() - start >= 0.3


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _write_lock(root: Path, pid: int, started: float, host: str | None = None) -> Path:
    path = root / ".netkit" / "lock"
    path.parent.mkdir(exist_ok=True)
    info = {"pid": pid, "host": host or socket.gethostname(), "started": started}
    path.write_text(json.dumps(info))
    return path


def test_stale_lock_of_dead_pid_is_taken_over(tmp_path: Path) -> None:
    path = _write_lock(tmp_path, _dead_pid(), time.time())
    with VaultLock(tmp_path):
        assert json.loads(path.read_text())["pid"] == os.getpid()
    assert not path.exists()
    assert not (tmp_path / ".netkit" / "lock.break").exists()


def test_old_lock_is_stale_even_if_pid_alive(tmp_path: Path) -> None:
    path = _write_lock(tmp_path, os.getppid(), time.time() - 3600)
    with VaultLock(tmp_path):
        assert json.loads(path.read_text())["pid"] == os.getpid()


def test_live_lock_on_other_host_blocks(tmp_path: Path) -> None:
    _write_lock(tmp_path, 1234, time.time() - 3, host="elsewhere.example")
    with pytest.raises(LockedError, match=r"pid 1234 on elsewhere.example\) has held the vault lock for 3 s"):
        VaultLock(tmp_path).acquire()


def test_unreadable_lock(tmp_path: Path) -> None:
    path = tmp_path / ".netkit" / "lock"
    path.parent.mkdir()
    path.write_bytes(b"")
    with pytest.raises(LockedError):  # maybe being written right now
        VaultLock(tmp_path).acquire()
    old = time.time() - 60
    os.utime(path, (old, old))
    with VaultLock(tmp_path):  # garbage for a minute: stale
        pass


def test_release_only_removes_our_lock(tmp_path: Path) -> None:
    lock = VaultLock(tmp_path)
    lock.acquire()
    path = tmp_path / ".netkit" / "lock"
    # someone judged us stale and took over
    path.write_text(json.dumps({"pid": 999999, "host": "other", "started": time.time()}))
    lock.release()
    assert path.exists()
    assert json.loads(path.read_text())["pid"] == 999999


def test_refresh_renews_started(tmp_path: Path) -> None:
    with VaultLock(tmp_path) as lock:
        path = tmp_path / ".netkit" / "lock"
        before = json.loads(path.read_text())["started"]
        time.sleep(0.01)
        lock.refresh()
        assert json.loads(path.read_text())["started"] > before
        assert leftovers(path.parent) == []
    assert not path.exists()


def test_lock_folder_not_writable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_open = os.open

    def refuse(path: object, flags: int, mode: int = 0o777) -> int:
        if str(path).endswith("lock"):
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_open(path, flags, mode)  # type: ignore[arg-type]

    monkeypatch.setattr(fileio.os, "open", refuse)
    with pytest.raises(WriteError, match="read-only"):
        VaultLock(tmp_path).acquire()
