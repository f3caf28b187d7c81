"""The one exception type the CLI turns into a plain message and exit code 2."""

from __future__ import annotations

import errno
from pathlib import Path


class InputError(Exception):
    """Bad input a user can fix: names the file and what is wrong with it."""

    def __init__(self, path: str | Path | None, problem: str):
        self.path = str(path) if path is not None else None
        self.problem = problem
        super().__init__(f"{self.path}: {problem}" if self.path else problem)

    def __reduce__(self):
        # rebuilt from its two fields, so an error raised in a worker process reaches the parent intact
        return (type(self), (self.path, self.problem))


# what the errors a user can fix mean, in the words of the rest of the messages
_OS_PROBLEMS = {
    errno.EISDIR: "is a folder, not a file",
    errno.ENOTDIR: "part of the path is a file, not a folder",
    errno.ENOENT: "no such file or folder",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "the disk is read-only",
    errno.ENOSPC: "no space left on the disk",
    getattr(errno, "EDQUOT", -1): "disk quota exceeded",  # not on Windows
    errno.EFBIG: "the file is too large for the disk",
    errno.ENAMETOOLONG: "the name is too long",
    errno.ELOOP: "a symbolic link loops or may not be followed",
    errno.EEXIST: "already exists",
}


def os_problem(error: OSError) -> str:
    """An OSError in a few plain words ('is a folder, not a file', 'no space left on the disk'), for InputError."""
    return _OS_PROBLEMS.get(error.errno) or (error.strerror or str(error)).lower()
