"""The folder lock with whatever a damaged or hostile folder holds at its name: never a wait without end, never a
traceback, never a half-written lock left for the next build."""

from __future__ import annotations

import errno
import json
import os
import socket
import time

import pytest

from glossary.errors import InputError
from glossary.review import lock as lock_module
from glossary.review.lock import LOCK_NAME, version_lock

HOST = socket.gethostname()


def hold(folder, timeout=0.5, stale_after=600):
    """Take and release the lock; the seconds it took."""
    start = time.monotonic()
    with version_lock(folder, timeout=timeout, stale_after=stale_after):
        assert (folder / LOCK_NAME).is_file()
    assert not (folder / LOCK_NAME).exists()
    return time.monotonic() - start


@pytest.mark.parametrize("content", [
    "[]", "null", '"a string"', "3", '{"pid": "abc"}', '{"pid": "abc", "host": "%s"}' % HOST, '{"pid": -5}',
    '{"pid": 0, "host": "%s"}' % HOST, '{"pid": 1e400, "host": "x"}', '{"pid": %d, "host": "%s"}' % (2**80, HOST),
    '{"pid": true, "host": "x"}', '{"pid": 12, "host": ["x"]}', "[" * 100_000 + "]" * 100_000,
], ids=lambda c: c[:30])
def test_a_lock_no_build_writes_is_broken_at_once(tmp_path, content):
    (tmp_path / LOCK_NAME).write_text(content, encoding="utf-8")
    assert hold(tmp_path, timeout=5) < 1


@pytest.mark.parametrize("content", ["", '{"pid": 12'])
def test_a_lock_cut_short_is_waited_for_only_while_young(tmp_path, content):
    lock = tmp_path / LOCK_NAME
    lock.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match="another build"):
        hold(tmp_path, timeout=0.3)  # a build may be writing it this instant
    old = time.time() - lock_module.LOCK_WRITING_GRACE - 5
    os.utime(lock, (old, old))
    assert hold(tmp_path) < 1


def test_binary_garbage_in_a_lock(tmp_path):
    (tmp_path / LOCK_NAME).write_bytes(bytes(range(256)) * 100)
    old = time.time() - 3600
    os.utime(tmp_path / LOCK_NAME, (old, old))
    assert hold(tmp_path) < 1


def test_a_live_lock_is_waited_for_then_named(tmp_path):
    (tmp_path / LOCK_NAME).write_text(json.dumps({"pid": os.getpid(), "host": HOST, "since": time.time()}))
    start = time.monotonic()
    with pytest.raises(InputError, match="another build") as raised:
        hold(tmp_path, timeout=0.3)
    assert raised.value.path == str(tmp_path / LOCK_NAME) and time.monotonic() - start < 2


def test_a_folder_at_the_lock_name_is_named_not_waited_for(tmp_path):
    (tmp_path / LOCK_NAME).mkdir()
    with pytest.raises(InputError, match="not a lock file") as raised:
        hold(tmp_path, timeout=30)
    assert raised.value.path == str(tmp_path / LOCK_NAME)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_pipe_or_a_link_at_the_lock_name_is_never_read(tmp_path):
    os.mkfifo(tmp_path / LOCK_NAME)  # reading it would wait for a writer forever
    with pytest.raises(InputError, match="not a lock file"):
        hold(tmp_path, timeout=30)
    (tmp_path / LOCK_NAME).unlink()
    os.symlink("/dev/zero", tmp_path / LOCK_NAME)  # reading it would never end
    with pytest.raises(InputError, match="not a lock file"):
        hold(tmp_path, timeout=30)


def test_a_folder_where_the_lock_cannot_be_written(tmp_path, monkeypatch):
    real_open = os.open

    def read_only(path, flags, *args):
        if flags & os.O_CREAT:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(lock_module.os, "open", read_only)
    with pytest.raises(InputError, match="cannot write the next version here: permission denied") as raised:
        hold(tmp_path)
    assert raised.value.path == str(tmp_path)


def test_a_full_disk_leaves_no_half_written_lock(tmp_path, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    class FullFile:
        def __init__(self, descriptor, *args, **kwargs):
            os.close(descriptor)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        write = full

    monkeypatch.setattr(lock_module.os, "fdopen", FullFile)
    with pytest.raises(InputError, match="no space left on the disk"):
        hold(tmp_path)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(os.name == "nt" or os.geteuid() == 0, reason="root writes to read-only folders")
def test_a_really_read_only_folder(tmp_path):
    tmp_path.chmod(0o555)
    try:
        with pytest.raises(InputError, match="permission denied"):
            hold(tmp_path)
    finally:
        tmp_path.chmod(0o755)
