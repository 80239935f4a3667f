"""Safe writes: fingerprinted reads, atomic replace, and the vault lock.

design.md §5: every write is atomic (temp file in the same folder, fsync, rename) and
refuses to proceed if the file changed since it was read. This module is the only place
that writes bytes to a user's vault, so every failure mode ends in a :class:`NetkitIOError`
whose message names the path in plain English (the CLI prints it; no tracebacks).
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import hashlib
import json
import os
import secrets
import socket
import stat
import sys
import time
from pathlib import Path
from types import TracebackType

#: temp files start and end like this so editors, Obsidian, watchers and indexers can
#: recognise and ignore them (``netkit watch`` must not react to its own temp files)
TEMP_PREFIX = ".netkit-tmp-"
TEMP_SUFFIX = ".tmp"

#: a lock older than this is considered abandoned even if its PID looks alive
DEFAULT_STALE_AFTER = 600.0

#: a lock file we cannot parse is probably being written right now by its creator (it is
#: created empty with O_EXCL, then filled); only after this many seconds is it garbage
_UNREADABLE_LOCK_GRACE = 5.0

#: a leftover ``lock.break`` file (a process died while breaking a stale lock) is removed
#: after this many seconds
_BREAKER_STALE_AFTER = 30.0


# --------------------------------------------------------------------------- errors


class NetkitIOError(Exception):
    """A file-system problem, with a user-facing message that names the path."""

    def __init__(self, path: str | os.PathLike[str], message: str) -> None:
        super().__init__(message)
        self.path = os.fspath(path)
        self.message = message

    def __str__(self) -> str:
        return self.message


class WriteError(NetkitIOError):
    """Writing failed (disk full, permission denied, read-only file system, ...).

    ``errno`` is the underlying OS error number, or None.
    """

    def __init__(
        self, path: str | os.PathLike[str], message: str, *, errno_: int | None = None
    ) -> None:
        super().__init__(path, message)
        self.errno = errno_


class FileChangedError(NetkitIOError):
    """The file changed (or vanished) between our read and our write; nothing was written."""


class AlreadyExistsError(NetkitIOError):
    """``create_only`` was requested but the target already exists; nothing was written."""


#: the name the project brief used; same class
FileExistsErrorNK = AlreadyExistsError


class LockedError(NetkitIOError):
    """Another live netkit process holds the vault lock."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        message: str,
        *,
        pid: int | None = None,
        host: str | None = None,
        age: float | None = None,
    ) -> None:
        super().__init__(path, message)
        self.pid = pid
        self.host = host
        self.age = age


def describe_os_error(exc: OSError, path: str | os.PathLike[str], action: str = "write") -> str:
    """A plain-English sentence for ``exc`` that names ``path``.

    ``action`` is the verb ("write", "read", "create", "lock"). The common causes a user
    can fix get their own wording; anything else falls back to the OS's description.
    """
    where = os.fspath(path)
    code = exc.errno
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return f"cannot {action} {where}: the disk is full (no space left on the device or quota exceeded)"
    if code in (errno.EACCES, errno.EPERM) or isinstance(exc, PermissionError):
        return (
            f"cannot {action} {where}: permission denied "
            "(check that you may write to the file and to its folder)"
        )
    if code == errno.EROFS:
        return f"cannot {action} {where}: the file system is read-only"
    if code == errno.ENAMETOOLONG:
        return f"cannot {action} {where}: the file name is too long for this file system"
    if isinstance(exc, FileNotFoundError):
        return f"cannot {action} {where}: the file or its folder does not exist"
    reason = exc.strerror or str(exc) or type(exc).__name__
    return f"cannot {action} {where}: {reason}"


def _write_error(exc: OSError, path: str | os.PathLike[str], action: str = "write") -> WriteError:
    return WriteError(path, describe_os_error(exc, path, action), errno_=exc.errno)


# --------------------------------------------------------------------- fingerprints


@dataclasses.dataclass(frozen=True, slots=True)
class Fingerprint:
    """What a file looked like when we read it.

    ``sha256`` (hex) decides whether the file changed; ``mtime_ns`` and ``size`` are kept
    for callers (e.g. a cache) that want a cheap "probably unchanged" check.
    """

    mtime_ns: int
    size: int
    sha256: str

    def same_content(self, other: Fingerprint) -> bool:
        """True when both fingerprints describe the same bytes (mtime is ignored)."""
        return self.size == other.size and self.sha256 == other.sha256


def fingerprint_bytes(data: bytes, mtime_ns: int = 0) -> Fingerprint:
    """Fingerprint of in-memory ``data`` (``mtime_ns`` is whatever the caller knows)."""
    return Fingerprint(mtime_ns, len(data), hashlib.sha256(data).hexdigest())


def read_with_fingerprint(path: str | os.PathLike[str]) -> tuple[bytes, Fingerprint]:
    """Read a file's bytes and fingerprint them, for a later ``atomic_write(expected=...)``.

    The stat comes from the open file descriptor, so the size/mtime describe the same file
    the bytes came from even if the path is replaced meanwhile. OS errors propagate
    unchanged (callers reading user files usually turn them into diagnostics).
    """
    with open(path, "rb") as fh:
        st = os.fstat(fh.fileno())
        data = fh.read()
    return data, fingerprint_bytes(data, st.st_mtime_ns)


# ---------------------------------------------------------------------- atomic write


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable (POSIX); a no-op where directories can't be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return  # Windows, or a platform that does not allow opening directories
    try:
        os.fsync(fd)
    except OSError:
        # Some file systems (and all of Windows) refuse to fsync a directory. The rename has
        # already happened and the data is in place: reporting a failure now would be false.
        pass
    finally:
        os.close(fd)


def _open_temp(directory: Path, mode: int) -> tuple[int, Path]:
    """Create a new, uniquely named temp file in ``directory``.

    We don't use ``tempfile.mkstemp`` because it always creates mode 0600; opening with
    ``mode`` lets the kernel apply the user's umask exactly as for any new file.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    flags |= getattr(os, "O_NOINHERIT", 0) | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        tmp = directory / f"{TEMP_PREFIX}{secrets.token_hex(6)}{TEMP_SUFFIX}"
        try:
            return os.open(tmp, flags, mode), tmp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "could not find a free temporary file name", str(directory))


def _check_unchanged(path: Path, expected: Fingerprint) -> None:
    try:
        _, now = read_with_fingerprint(path)
    except FileNotFoundError:
        raise FileChangedError(
            path, f"{path} was deleted or moved since it was read; nothing was written"
        ) from None
    except OSError as exc:
        raise _write_error(exc, path, "re-read") from exc
    if not now.same_content(expected):
        raise FileChangedError(
            path,
            f"{path} changed since it was read (edited elsewhere?); nothing was written — "
            "run the command again",
        )


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def atomic_write(
    path: str | os.PathLike[str],
    data: bytes,
    *,
    expected: Fingerprint | None = None,
    create_only: bool = False,
) -> None:
    """Write ``data`` to ``path`` atomically: readers see the old file or the new one.

    Steps: write a temp file (``.netkit-tmp-*.tmp``) in the same folder, fsync it, then
    ``os.replace`` it over the target (or, with ``create_only``, hard-link it to the target,
    which fails if the target exists), then fsync the folder.

    * ``expected``: the fingerprint from :func:`read_with_fingerprint`. The target is
      re-read just before the rename; if its content differs (or it is gone),
      :class:`FileChangedError` is raised. Only content counts: a ``touch`` alone is not a
      change. A tiny window between this check and the rename remains (POSIX offers no
      compare-and-swap rename); it is microseconds, not the seconds a user takes to save.
    * ``create_only``: never overwrite; :class:`AlreadyExistsError` if the target exists.
    * A target without any write permission bit is refused (:class:`WriteError`), as an
      editor would; ``os.replace`` itself would not notice.
    * An existing target keeps its permission bits (and owner, where we are allowed to set
      it); a new file gets the default mode for the user's umask.
    * A symlinked target is written through: the link's destination is replaced and the
      link stays a link.

    On any failure the temp file is removed, the target is untouched, and the error is a
    :class:`NetkitIOError` (``WriteError`` for OS errors) with a plain-English message.
    """
    if expected is not None and create_only:
        raise ValueError("expected= and create_only= are mutually exclusive")
    target = Path(path)
    if create_only and target.is_symlink():
        # even a dangling link "exists": creating through it would write wherever it points
        raise AlreadyExistsError(target, f"{target} already exists (as a symbolic link); nothing was written")
    if target.is_symlink():
        # replacing the link itself would turn a user's symlinked note into a plain copy
        target = Path(os.path.realpath(target))
    directory = target.parent

    mode = 0o666  # the kernel applies the umask; for an existing file we fchmod below
    owner: tuple[int, int] | None = None
    if not create_only:
        try:
            st = os.stat(target)
        except FileNotFoundError:
            st = None
        except OSError as exc:
            raise _write_error(exc, target) from exc
        if st is not None:
            if not stat.S_ISREG(st.st_mode):
                raise WriteError(target, f"cannot write {target}: it is not a regular file")
            mode = stat.S_IMODE(st.st_mode)
            owner = (st.st_uid, st.st_gid)
            if not mode & 0o222:
                # Replacing a file is allowed by the *folder's* permissions, so a read-only
                # file would be silently overwritten; like an editor, respect the user's flag.
                raise WriteError(
                    target,
                    f"cannot write {target}: the file is read-only (make it writable first)",
                    errno_=errno.EACCES,
                )

    try:
        fd, tmp = _open_temp(directory, 0o600 if owner else mode)
    except OSError as exc:
        # most often: the folder is read-only, missing, or the disk is full
        raise _write_error(exc, target) from exc

    fd_open = True
    try:
        _write_all(fd, data)
        if owner is not None:
            _copy_owner_and_mode(fd, owner, mode)
        os.fsync(fd)
        os.close(fd)
        fd_open = False
        if expected is not None:
            _check_unchanged(target, expected)
        if create_only:
            _link_new(tmp, target)
        else:
            os.replace(tmp, target)
    except BaseException as exc:
        # BaseException: even Ctrl-C must not leave a temp file next to the user's notes
        if fd_open:
            with contextlib.suppress(OSError):
                os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise _write_error(exc, target) from exc
        raise
    _fsync_directory(directory)


def _copy_owner_and_mode(fd: int, owner: tuple[int, int], mode: int) -> None:
    if hasattr(os, "fchown"):
        uid, gid = owner
        # Only root can give a file away; for anyone else this is a no-op or EPERM. Keeping
        # the owner matters when e.g. ``sudo netkit`` edits a user's vault.
        if (uid, gid) != (os.geteuid(), os.getegid()):
            with contextlib.suppress(OSError):
                os.fchown(fd, uid, gid)
    if hasattr(os, "fchmod"):
        os.fchmod(fd, mode)
    # (Windows: no fchmod; the read-only flag is the only permission bit and a read-only
    # file would have failed os.replace anyway.)


def _link_new(tmp: Path, target: Path) -> None:
    """Publish ``tmp`` as ``target`` only if ``target`` does not exist, then drop ``tmp``."""
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise AlreadyExistsError(
            target, f"{target} already exists; netkit never overwrites it"
        ) from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS, errno.EXDEV):
            raise
        # The file system has no hard links (FAT, some network shares). Fall back to
        # reserving the name with O_EXCL, then replacing the empty placeholder: still never
        # overwrites an existing file, and readers never see a partial one.
        try:
            placeholder = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            raise AlreadyExistsError(
                target, f"{target} already exists; netkit never overwrites it"
            ) from None
        os.close(placeholder)
        try:
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(target)
            raise
        return
    # the data now has two names; removing the temp one cannot lose it
    with contextlib.suppress(OSError):
        os.unlink(tmp)


# ------------------------------------------------------------------------ vault lock


def _pid_alive(pid: int) -> bool:
    """Is a process with this PID running on this machine? Errs on the side of "yes"."""
    if pid <= 0:
        return False
    if sys.platform == "win32":
        # os.kill(pid, 0) on Windows *terminates* the process; ask the kernel instead.
        import ctypes

        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return ctypes.GetLastError() == 5  # ERROR_ACCESS_DENIED: exists, not ours
        try:
            code = ctypes.c_ulong()
            kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
            return code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by another user
    except OSError:
        return True
    return True


def _format_age(seconds: float) -> str:
    seconds = max(0.0, seconds)
    if seconds < 60:
        return f"{int(seconds)} s"
    if seconds < 3600:
        return f"{int(seconds // 60)} min"
    return f"{seconds / 3600:.1f} h"


class VaultLock:
    """Exclusive lock on a vault, held by one netkit process at a time.

    The lock is the file ``<root>/.netkit/lock``, created with ``O_CREAT|O_EXCL`` and holding
    JSON ``{"pid", "host", "started"}`` (``started``: Unix time). An existing lock is *stale*,
    and taken over, when its PID is not running on this host, when it is older than
    ``stale_after`` seconds, or when it is unreadable for more than a few seconds. Otherwise
    :class:`LockedError` names the holder. ``wait`` retries for that many seconds first.

    Long-running holders (``netkit watch``) should call :meth:`refresh` now and then so that
    their lock never looks older than ``stale_after``.

    Usage::

        with VaultLock(root):
            ...  # read, compute, atomic_write
    """

    def __init__(
        self,
        root: str | os.PathLike[str],
        *,
        wait: float = 0.0,
        stale_after: float = DEFAULT_STALE_AFTER,
        poll_interval: float = 0.1,
    ) -> None:
        self.root = Path(root)
        self.path = self.root / ".netkit" / "lock"
        self.wait = wait
        self.stale_after = stale_after
        self.poll_interval = poll_interval
        #: the exact bytes we wrote; the lock is "ours" only while the file still holds them
        self._written: bytes | None = None

    # -- public API

    @property
    def held(self) -> bool:
        """True while this object holds the lock (as far as it knows)."""
        return self._written is not None

    def acquire(self) -> None:
        """Take the lock, retrying up to ``wait`` seconds; raise :class:`LockedError`."""
        if self._written is not None:
            raise RuntimeError("VaultLock is not re-entrant")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _write_error(exc, self.path.parent, "create") from exc
        deadline = time.monotonic() + max(0.0, self.wait)
        while True:
            if self._try_create():
                return
            observed = self._read()
            if observed is None:
                if self.path.is_symlink():
                    # a dangling link: O_EXCL says "exists", reading says "missing"; it can
                    # never be a live lock (netkit writes a plain file), so remove it
                    with contextlib.suppress(OSError):
                        os.unlink(self.path)
                continue  # it vanished between our attempts: try again at once
            blocker = self._judge(observed)
            if blocker is None:
                self._break(observed)
                continue
            if time.monotonic() >= deadline:
                raise blocker
            time.sleep(self.poll_interval)

    def release(self) -> None:
        """Remove the lock file if (and only if) it is still the one we wrote."""
        written, self._written = self._written, None
        if written is None:
            return
        if self._read() == written:
            # (someone who judged us stale could have replaced it; then it is theirs)
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.path)

    def refresh(self) -> None:
        """Renew ``started`` so a long-held lock is not judged stale by age."""
        if self._written is None or self._read() != self._written:
            raise LockedError(self.path, f"the vault lock {self.path} is no longer held by us")
        payload = self._payload()
        atomic_write(self.path, payload)
        self._written = payload

    def __enter__(self) -> VaultLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()

    # -- internals

    def _payload(self) -> bytes:
        info = {"pid": os.getpid(), "host": socket.gethostname(), "started": time.time()}
        return (json.dumps(info) + "\n").encode("utf-8")

    def _try_create(self) -> bool:
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            return False
        except OSError as exc:
            raise _write_error(exc, self.path, "create the lock file") from exc
        payload = self._payload()
        try:
            _write_all(fd, payload)
        except OSError as exc:
            os.close(fd)
            with contextlib.suppress(OSError):
                os.unlink(self.path)
            raise _write_error(exc, self.path) from exc
        os.close(fd)
        self._written = payload
        return True

    def _read(self) -> bytes | None:
        try:
            return self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise _write_error(exc, self.path, "read the lock file") from exc

    def _judge(self, observed: bytes) -> LockedError | None:
        """None when the observed lock is stale; else the error describing its holder."""
        now = time.time()
        try:
            info = json.loads(observed.decode("utf-8"))
            pid = int(info["pid"])
            host = str(info["host"])
            started = float(info["started"])
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            try:
                age = now - self.path.stat().st_mtime
            except FileNotFoundError:
                return None
            if age > _UNREADABLE_LOCK_GRACE:
                return None
            return LockedError(
                self.path,
                f"another netkit is taking the vault lock ({self.path}); try again in a moment",
            )
        age = now - started
        if age > self.stale_after:
            return None
        if host == socket.gethostname() and not _pid_alive(pid):
            return None
        where = "" if host == socket.gethostname() else f" on {host}"
        return LockedError(
            self.path,
            f"another netkit (pid {pid}{where}) has held the vault lock for {_format_age(age)}; "
            f"if no other netkit is running, delete {self.path}",
            pid=pid,
            host=host,
            age=age,
        )

    def _break(self, observed: bytes) -> None:
        """Delete a stale lock, unless someone replaced it meanwhile.

        A plain unlink would race: two processes could both judge the same lock stale, and
        the slower one would delete the lock the faster one just created. So breaking takes
        a short-lived second lock, and re-checks that the file still holds the stale bytes.
        """
        breaker = self.path.with_name("lock.break")
        try:
            fd = os.open(breaker, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            with contextlib.suppress(OSError):
                if time.time() - breaker.stat().st_mtime > _BREAKER_STALE_AFTER:
                    os.unlink(breaker)  # its owner died mid-break
            time.sleep(min(self.poll_interval, 0.05))
            return
        except OSError as exc:
            raise _write_error(exc, breaker, "create") from exc
        try:
            if self._read() == observed:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(self.path)
        finally:
            os.close(fd)
            with contextlib.suppress(OSError):
                os.unlink(breaker)
