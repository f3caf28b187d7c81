"""The one exception type the CLI turns into a plain message and exit code 2."""

from __future__ import annotations

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
