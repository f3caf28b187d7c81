"""The folder lock of a glossary folder: two builds never claim the same version number.

    version_lock(folder, timeout, stale_after)   (a context manager holding DIR/.glossary.lock)
    remove_abandoned_temps(folder)               (temporary workbooks of builds killed before their rename)
"""

from __future__ import annotations

import json
import os
import re
import socket
import stat
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from glossary.config import default_settings
from glossary.errors import InputError, os_problem

LOCK_NAME = ".glossary.lock"
# files.atomic_path writes ".glossary-v3.xlsx.<random>.xlsx" beside the target; a killed build may leave one
ABANDONED_TEMP = re.compile(r"^\.glossary-v\d+\.xlsx\..+")


def _process_alive(pid: int) -> bool:
    if os.name == "nt" or pid <= 0:
        return True  # on Windows os.kill(pid, 0) would terminate the process: rely on the lock's age there
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # exists but belongs to someone else, or we cannot tell: assume it is alive
    return True


# a lock file is one line of JSON; anything longer is not one of ours and is not read further
LOCK_MAX_BYTES = 4096
# seconds an unparsable lock may be young because its build is writing it this instant
LOCK_WRITING_GRACE = 10


def _read_lock(lock: Path) -> str | None:
    """The lock's content, None when there is none (any more). Never follows a link nor waits on a pipe: a lock
    that is not a plain file stops the build with its name."""
    try:
        descriptor = os.open(lock, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        return None
    except OSError as error:
        raise InputError(lock, f"is not a lock file a build left ({os_problem(error)}): remove it if no build "
                               "is running") from None
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        raise InputError(lock, "is not a lock file a build left: remove it if no build is running")
    with os.fdopen(descriptor, "rb") as handle:
        return handle.read(LOCK_MAX_BYTES + 1).decode("utf-8", errors="replace")


def _is_owner(owner) -> bool:
    """Whether a lock's JSON names a build as builds write it: {"pid": int, "host": str, "since": number}."""
    if not isinstance(owner, dict):
        return False
    pid, host = owner.get("pid"), owner.get("host")
    return type(pid) is int and 0 < pid < 2**31 and isinstance(host, str)


def _lock_is_stale(lock: Path, stale_after: float) -> tuple[bool, str]:
    """(stale?, content). Stale: its process died on this host, it is older than `stale_after` seconds, or it is
    not a lock a build writes (`[]`, `{"pid": "abc"}`, pages of text: no build is there to wait for)."""
    content = _read_lock(lock)
    try:
        age = time.time() - lock.stat().st_mtime
    except FileNotFoundError:
        content = None
    if content is None:
        return True, ""
    try:
        owner = json.loads(content) if len(content) <= LOCK_MAX_BYTES else None
    except RecursionError:
        owner = None
    except ValueError:
        # empty or cut short: a build may be writing it this instant; only an old one is abandoned
        return age > LOCK_WRITING_GRACE, content
    if not _is_owner(owner):
        return True, content
    if owner["host"] == socket.gethostname() and not _process_alive(owner["pid"]):
        return True, content
    return age > stale_after, content


@contextmanager
def version_lock(folder: Path, timeout: float | None = None, stale_after: float | None = None) -> Iterator[Path]:
    """Hold DIR/.glossary.lock (created with O_EXCL) so two builds cannot claim the same version number.

    A lock left by a build that died (its process is gone, or it is older than `stale_after` seconds) is broken;
    a live one is waited for up to `timeout` seconds (both default to build_lock_timeout and build_lock_stale_after).
    A folder the lock cannot be written in stops with InputError naming it.
    """
    defaults = default_settings().review
    timeout = defaults.build_lock_timeout if timeout is None else timeout
    stale_after = defaults.build_lock_stale_after if stale_after is None else stale_after
    lock = Path(folder) / LOCK_NAME
    deadline = time.monotonic() + timeout
    me = json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "since": time.time()})
    while True:
        try:
            descriptor = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            stale, content = _lock_is_stale(lock, stale_after)
            if stale:
                _break_lock(lock, content)
                continue
            if time.monotonic() >= deadline:
                raise InputError(lock, "another build is writing to this folder; try again when it has finished "
                                       "(or delete the lock file if no build is running)") from None
            time.sleep(0.1)
            continue
        except OSError as error:
            raise InputError(folder, f"cannot write the next version here: {os_problem(error)}") from None
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                handle.write(me)
        except OSError as error:  # a full disk: no half-written lock is left for the next build to wait on
            lock.unlink(missing_ok=True)
            raise InputError(folder, f"cannot write the next version here: {os_problem(error)}") from None
        break
    try:
        yield lock
    finally:
        try:
            if _read_lock(lock) == me:
                lock.unlink()
        except (OSError, InputError):
            pass  # someone replaced our lock: it is theirs now


def _break_lock(lock: Path, judged: str) -> None:
    """Remove a stale lock, but only the one judged stale: move it aside first, then check it is still that one."""
    aside = lock.with_name(f"{lock.name}.stale.{os.getpid()}")
    try:
        os.replace(lock, aside)
    except FileNotFoundError:
        return
    except OSError as error:
        raise InputError(lock, f"cannot remove this abandoned lock: {os_problem(error)}") from None
    try:
        if (_read_lock(aside) or "") != judged:
            # another build broke the stale lock and took a fresh one in between: give it back
            try:
                os.link(aside, lock)
            except OSError:
                pass
    finally:
        aside.unlink(missing_ok=True)


def remove_abandoned_temps(folder: Path) -> None:
    """Temporary workbooks of builds killed before their rename (we hold the lock: none is being written)."""
    for path in Path(folder).iterdir():
        if ABANDONED_TEMP.match(path.name) and path.is_file():
            path.unlink(missing_ok=True)
