"""The folder lock of a glossary folder: two builds never claim the same version number.

    version_lock(folder, timeout, stale_after)   (a context manager holding DIR/.glossary.lock)
    remove_abandoned_temps(folder)               (temporary workbooks of builds killed before their rename)
"""

from __future__ import annotations

import json
import os
import re
import socket
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from glossary.config import default_settings
from glossary.errors import InputError

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


def _lock_is_stale(lock: Path, stale_after: float) -> tuple[bool, str]:
    """(stale?, content). Stale: its process died on this host, or it is older than `stale_after` seconds."""
    try:
        content = lock.read_text(encoding="utf-8")
        age = time.time() - lock.stat().st_mtime
    except FileNotFoundError:
        return True, ""
    try:
        owner = json.loads(content)
    except ValueError:
        # a lock being written this instant is briefly empty; only an old unreadable lock is stale
        return age > 10, content
    if owner.get("host") == socket.gethostname() and not _process_alive(int(owner.get("pid", 0))):
        return True, content
    return age > stale_after, content


@contextmanager
def version_lock(folder: Path, timeout: float | None = None, stale_after: float | None = None) -> Iterator[Path]:
    """Hold DIR/.glossary.lock (created with O_EXCL) so two builds cannot claim the same version number.

    A lock left by a build that died (its process is gone, or it is older than `stale_after` seconds) is broken;
    a live one is waited for up to `timeout` seconds (both default to build_lock_timeout and build_lock_stale_after).
    """
    defaults = default_settings().review
    timeout = defaults.build_lock_timeout if timeout is None else timeout
    stale_after = defaults.build_lock_stale_after if stale_after is None else stale_after
    lock = Path(folder) / LOCK_NAME
    deadline = time.monotonic() + timeout
    me = json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "since": time.time()})
    while True:
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
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
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(me)
        break
    try:
        yield lock
    finally:
        try:
            if lock.read_text(encoding="utf-8") == me:
                lock.unlink()
        except FileNotFoundError:
            pass


def _break_lock(lock: Path, judged: str) -> None:
    """Remove a stale lock, but only the one judged stale: move it aside first, then check it is still that one."""
    aside = lock.with_name(f"{lock.name}.stale.{os.getpid()}")
    try:
        os.replace(lock, aside)
    except FileNotFoundError:
        return
    try:
        if aside.read_text(encoding="utf-8") != judged:
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
