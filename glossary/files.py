"""Files: the one atomic writer every output, version and cache entry goes through, and the one file collector.

An output is written to a temporary file beside its target and renamed over it only when complete, so a reader
(or a crash) never sees half a file; nothing is left behind when writing fails.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from glossary.errors import InputError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_paths(targets: Iterable[Path], suffix: str = "") -> Iterator[list[Path]]:
    """Temporary paths beside each target, renamed over them only when the block succeeds: all or none."""
    temporaries: list[tuple[str, Path]] = []
    try:
        for target in map(Path, targets):
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix or ".tmp", dir=target.parent)
            os.close(fd)
            temporaries.append((tmp, target))
            os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; an output file gets the usual permissions
        yield [Path(tmp) for tmp, _ in temporaries]
        for tmp, target in temporaries:
            os.replace(tmp, target)
    finally:
        for tmp, _ in temporaries:
            if os.path.exists(tmp):
                os.unlink(tmp)


@contextmanager
def atomic_path(target: Path, suffix: str = "") -> Iterator[Path]:
    """A temporary path beside `target`, renamed over it only when the block succeeds."""
    with atomic_paths([target], suffix) as (tmp,):
        yield tmp


def write_text_atomic(target: Path, text: str) -> None:
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_bytes_atomic(target: Path, data: bytes) -> None:
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)


def describe_suffixes(suffixes: Iterable[str]) -> str:
    """('.txt', '.md', '.pdf') -> '.txt, .md or .pdf', for messages."""
    names = list(suffixes)
    return ", ".join(names[:-1]) + " or " + names[-1] if len(names) > 1 else "".join(names)


def is_hidden(relative: Path) -> bool:
    # ~$name.docx: the lock file Word leaves next to an open document
    return any(part.startswith((".", "~$")) for part in relative.parts)


def files_under(folder: Path, suffixes: Iterable[str]) -> list[Path]:
    """Regular, not hidden files under a folder with one of `suffixes`, in the order of their path's parts (as
    sorted(rglob) gives): walked with strings, as a folder of ten thousand documents makes Path objects slow."""
    wanted = tuple(suffixes)
    found = []
    for directory, _, names in os.walk(folder):
        relative = os.path.relpath(directory, folder)
        parts = () if relative == os.curdir else tuple(relative.split(os.sep))
        for name in names:
            if os.path.splitext(name)[1].lower() in wanted and not is_hidden(Path(*parts, name)):
                found.append(((*parts, name), os.path.join(directory, name)))
    return [Path(path) for _, path in sorted(found)]


def collect_files(paths: Iterable[str | Path], suffixes: Iterable[str], *, any_named_file: bool = False) -> list[Path]:
    """Files named, plus the files with one of `suffixes` found (recursively, sorted) in folders named. No
    duplicates: a file reached twice (named twice, or through a link) is read once. A named file of another type
    is refused (InputError), unless `any_named_file` (the checker takes every text file pre-commit passes)."""
    wanted = tuple(suffixes)
    found: list[Path] = []
    seen: set[tuple[int, int]] = set()

    def add(path: Path, status: os.stat_result) -> None:
        key = (status.st_dev, status.st_ino)
        if key not in seen:
            seen.add(key)
            found.append(path)

    for path in map(Path, paths):
        if path.is_dir():
            for candidate in files_under(path, wanted):
                status = os.stat(candidate)
                if stat.S_ISREG(status.st_mode):
                    add(candidate, status)
        elif path.is_file():
            if not any_named_file and path.suffix.lower() not in wanted:
                raise InputError(path, f"unsupported file type '{path.suffix or '(none)'}' "
                                       f"(expected {describe_suffixes(wanted)})")
            add(path, os.stat(path))
        else:
            raise InputError(path, "no such file or folder")
    return found
