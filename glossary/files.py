"""Files: the one atomic writer every output, version and cache entry goes through, the checks of an output path
made before the work (check_output_file, check_output_folder), the one file collector, and the zip-bomb check.

An output is written to a temporary file beside its target and renamed over it only when complete, so a reader
(or a crash) never sees half a file; nothing is left behind when writing fails.
"""

from __future__ import annotations

import errno
import io
import os
import stat
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from glossary.errors import InputError, os_problem


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


# --- outputs: checked before the work, so a mistyped path stops at once, not after it ---------------------------


def check_output_file(path: Path | None) -> None:
    """Stop before the work, naming `path`, when an output could not be written there: it is a folder, its folder
    does not exist (a mistyped path is not created) or is a file, or that folder is not writable."""
    if path is None:
        return
    if path.is_dir():
        raise InputError(path, "is a folder, not a file")
    folder = path.parent
    if not folder.is_dir():
        what = "is a file, not a folder" if folder.exists() else "does not exist"
        raise InputError(path, f"cannot be written: the folder {folder} {what}")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(path, f"cannot be written: the folder {folder} is read-only")


def check_output_folder(out_dir: Path) -> None:
    """Stop at once, naming the folder, when the versions could not be written there: it is a file, a file sits
    where one of its parents should be, or it (or the parent it would be created in) is not writable."""
    existing = out_dir
    while not os.path.lexists(existing) and existing.parent != existing:
        existing = existing.parent
    if not existing.is_dir():
        what = "is a file" if existing == out_dir else f"cannot be created: {existing} is a file"
        raise InputError(out_dir, f"{what}, not a folder (--out-dir names the folder of glossary versions)")
    if not os.access(existing, os.W_OK | os.X_OK):
        where = "" if existing == out_dir else f" ({existing})"
        raise InputError(out_dir, f"cannot write in this folder{where}: permission denied or a read-only disk")


def describe_suffixes(suffixes: Iterable[str]) -> str:
    """('.txt', '.md', '.pdf') -> '.txt, .md or .pdf', for messages."""
    names = list(suffixes)
    return ", ".join(names[:-1]) + " or " + names[-1] if len(names) > 1 else "".join(names)


def _hidden_name(name: str) -> bool:
    # ~$name.docx: the lock file Word leaves next to an open document
    return name.startswith((".", "~$"))


def files_under(folder: Path, suffixes: Iterable[str], problems: list[InputError] | None = None) -> list[Path]:
    """Regular, not hidden files under a folder with one of `suffixes`, in the order of their path's parts (as
    sorted(rglob) gives). What cannot be read is an InputError: raised, or appended to `problems` when given (and
    the walk goes on)."""
    return [Path(path) for path, _ in _walk(folder, tuple(suffixes), problems)]


def _walk(folder: Path, wanted: tuple[str, ...], problems: list[InputError] | None) -> list[tuple[str, os.stat_result]]:
    """(path, status) of the files `files_under` finds.

    A stack of folders, not recursion: a folder nested thousands deep is no deeper a call. Strings, not Path objects:
    a folder of ten thousand documents makes those slow. Links to folders are not followed (a link to / would read
    the whole disk) and a folder met twice (a bind mount inside itself) is read once. A folder without permission,
    a broken or looping link, a file deleted while the folder is read, a link to a folder, a pipe: each is a
    problem named, never a file silently left out."""

    met: list[InputError] = []
    problem = met.append
    found: list[tuple[tuple[str, ...], str, os.stat_result]] = []
    pending: list[tuple[str, tuple[str, ...]]] = [(os.fspath(folder), ())]
    visited: set[tuple[int, int]] = set()
    while pending:
        directory, parts = pending.pop()
        try:
            status = os.stat(directory)
            if (status.st_dev, status.st_ino) in visited:
                continue
            visited.add((status.st_dev, status.st_ino))
            with os.scandir(directory) as listing:
                entries = list(listing)
        except OSError as error:
            problem(InputError(directory, f"cannot read folder: {os_problem(error)}"))
            continue
        for entry in entries:
            name = entry.name
            if _hidden_name(name):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    pending.append((entry.path, (*parts, name)))
                    continue
            except OSError as error:
                problem(InputError(entry.path, os_problem(error)))
                continue
            if os.path.splitext(name)[1].lower() not in wanted:
                if entry.is_symlink() and _links_to_folder(entry):   # named, not silently left out
                    problem(InputError(entry.path, _LINKED_FOLDER))
                continue
            try:
                status = entry.stat()  # through a link: the file it names
            except OSError as error:
                problem(InputError(entry.path, _unreachable(entry.path, error)))
                continue
            if stat.S_ISDIR(status.st_mode):
                problem(InputError(entry.path, _LINKED_FOLDER))
            elif not stat.S_ISREG(status.st_mode):
                problem(InputError(entry.path, "not a regular file"))
            else:
                found.append(((*parts, name), entry.path, status))
    met.sort(key=lambda error: error.path or "")
    if met and problems is None:
        raise met[0]
    if problems is not None:
        problems.extend(met)
    found.sort(key=lambda item: item[0])
    return [(path, status) for _, path, status in found]


_LINKED_FOLDER = "a link to a folder is not followed (name the folder itself)"


def _links_to_folder(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:     # a looping link: no folder, and with no document's suffix nothing to report
        return False


def _unreachable(path: str, error: OSError) -> str:
    """Why a path listed in a folder (or named) cannot be opened."""
    if error.errno == errno.ENOENT and os.path.islink(path):
        return "broken symbolic link: its target does not exist"
    return os_problem(error)


def collect_files(paths: Iterable[str | Path], suffixes: Iterable[str], *, any_named_file: bool = False,
                  skipped: list[InputError] | None = None) -> list[Path]:
    """Files named, plus the files with one of `suffixes` found (recursively, sorted) in folders named. No
    duplicates: a file reached twice (named twice, or through a link) is read once. A named file of another type
    is refused (InputError), unless `any_named_file` (the checker takes every text file pre-commit passes).
    Every path that cannot be read (see `files_under`) is an InputError: raised, or appended to `skipped` when
    given, and the rest is collected."""
    wanted = tuple(suffixes)
    found: list[Path] = []
    seen: set[tuple[int, int]] = set()

    def add(path: Path, status: os.stat_result) -> None:
        key = (status.st_dev, status.st_ino)
        if key not in seen:
            seen.add(key)
            found.append(path)

    def problem(error: InputError) -> None:
        if skipped is None:
            raise error
        skipped.append(error)

    for path in map(Path, paths):
        try:
            status = os.stat(path)
        except OSError as error:
            problem(InputError(path, _unreachable(os.fspath(path), error)))
            continue
        if stat.S_ISDIR(status.st_mode):
            for candidate, candidate_status in _walk(path, wanted, skipped):
                add(Path(candidate), candidate_status)
        elif not stat.S_ISREG(status.st_mode):
            problem(InputError(path, "not a regular file"))
        elif not any_named_file and path.suffix.lower() not in wanted:
            problem(InputError(path, f"unsupported file type '{path.suffix or '(none)'}' "
                                     f"(expected {describe_suffixes(wanted)})"))
        else:
            add(path, status)
    return found


# a part this small cannot hurt whatever its ratio (a short, repetitive styles.xml compresses very well)
RATIO_CHECKED_FROM_BYTES = 1 << 20
# more parts than any document or workbook has: each costs memory before anything is read
MAX_ARCHIVE_PARTS = 10_000
# parts are unpacked this much at a time to count what they hold
_PIECE = 1 << 20


def check_zip_archive(path: str | Path, max_unpacked: int, max_ratio: float, *, data: bytes | None = None,
                      kind: str = "a readable zip archive", unpacked_setting: str = "archive_max_unpacked_bytes",
                      ratio_setting: str = "archive_max_ratio") -> list:
    """Refuse a zip archive (.docx, .xlsx) that is a decompression bomb before a reader unpacks it: more than
    `max_unpacked` bytes in all, a part unpacking to more than `max_ratio` times its packed size, or a part that
    holds more than the archive says. Returns its parts (zipfile.ZipInfo).

    The sizes the central directory declares are checked first; then each part is unpacked a piece at a time and
    counted, stopping at its declared size: zipfile itself unpacks up to 2 GB in one call before it cuts a part to
    that size, so an archive that understates its parts must be caught here.
    `data`: the archive's bytes when the caller has read them already (they are checked, not the file again);
    `path` names the file in the message, `kind` what it should be, and the settings that raise the limits."""
    try:
        with io.BytesIO(data) if data is not None else open(path, "rb") as handle:
            with zipfile.ZipFile(handle) as archive:
                parts = archive.infolist()
            _check_declared(path, parts, max_unpacked, max_ratio, unpacked_setting, ratio_setting)
            for part in parts:
                if _unpacked_size(handle, part) > part.file_size:
                    raise InputError(path, f"part {part.filename[:80]!r} holds more than the {part.file_size:,} "
                                           f"bytes the archive declares: a decompression bomb")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, ValueError, EOFError, struct.error,
            NotImplementedError):  # zipfile: "zip file version 9.4", a packing method it does not know
        raise InputError(path, f"not {kind}: the file is not a zip archive, or a damaged one") from None
    return parts


def _check_declared(path, parts: list, max_unpacked: int, max_ratio: float, unpacked_setting: str,
                    ratio_setting: str) -> None:
    if len(parts) > MAX_ARCHIVE_PARTS:
        raise InputError(path, f"the archive holds {len(parts):,} parts, more than {MAX_ARCHIVE_PARTS:,}")
    unpacked = sum(part.file_size for part in parts)
    if unpacked > max_unpacked:
        raise InputError(path, f"unpacks to {unpacked:,} bytes, more than {unpacked_setting} ({max_unpacked:,}): "
                               f"a decompression bomb, or raise the setting")
    for part in parts:
        if part.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise InputError(path, f"part {part.filename[:80]!r} is packed with method {part.compress_type}, "
                                   f"not deflate: not an Office file")
        if part.file_size >= RATIO_CHECKED_FROM_BYTES and part.file_size > max_ratio * max(part.compress_size, 1):
            ratio = part.file_size / max(part.compress_size, 1)
            raise InputError(path, f"part {part.filename[:80]!r} unpacks to {ratio:,.0f} times its packed size, "
                                   f"more than {ratio_setting} ({max_ratio:g}): a decompression bomb, or raise the "
                                   f"setting")


def _unpacked_size(handle, part) -> int:
    """What a part really unpacks to, counted a piece at a time, and no further than one piece past its declared
    size."""
    handle.seek(part.header_offset)
    header = handle.read(30)
    if header[:4] != b"PK\x03\x04":
        raise ValueError("no local file header")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    handle.seek(part.header_offset + 30 + name_length + extra_length)
    if part.compress_type == zipfile.ZIP_STORED:
        return part.compress_size
    decompressor = zlib.decompressobj(-15)
    remaining, pending, size = part.compress_size, b"", 0
    while not decompressor.eof and size <= part.file_size:
        if not pending and remaining > 0:
            pending = handle.read(min(remaining, _PIECE))
            if not pending:
                break  # the file ends before the packed size the archive declares: a damaged part
            remaining -= len(pending)
        out = decompressor.decompress(pending, _PIECE)
        pending = decompressor.unconsumed_tail
        size += len(out)
        if not out and not pending and remaining <= 0:
            break       # the data ends before the stream does: zipfile fails such a part when it is read
    return size
