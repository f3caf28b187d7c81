"""On-disk caches of work already done (repaired documents, per-document counts, mining results, segmentations).

Entries live in the user's cache folder (config.cache_root), keyed by the SHA-256 of everything the work read,
so a changed input or setting simply misses.

An entry is data, never code. It is a zip archive of NumPy arrays (read with allow_pickle=False) and one JSON
document describing the value; only the containers below and the dataclasses named in RECORD_TYPES are rebuilt
from it, field by field. Every entry is also sealed with an HMAC-SHA256 under a random key kept in its cache folder
(KEY_NAME, mode 0600), so an entry damaged, truncated or planted by anything but this tool is not even parsed: it
is deleted and the work redone. Nothing here fails a run: an unreadable, damaged or read-only cache only means the
work is done again (and a read-only cache is not written).

    write_entry(path, value)            None, bool, int, float, str, list, tuple, dict, set, Path, NumPy arrays
                                        and scalars, DataFrames (RangeIndex or a plain index), RECORD_TYPES
    read_entry(path, shape=None)        the value, or None (missing, damaged, not this cache's, not `shape`)
    SealedFile(path), open_sealed(path) a file its owner writes once and reads in place, a piece at a time
                                        (glossary.corpus.store: the repaired documents)
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import hmac
import importlib
import itertools
import json
import logging
import math
import os
import sys
import tempfile
import zipfile
from pathlib import Path, PurePath
from typing import Any

from glossary.files import atomic_path

log = logging.getLogger(__name__)

ENTRY_SUFFIX = ".npz"
KEY_NAME = "hmac.key"
KEY_BYTES = 32
# the format's name and version, first in every entry: another version's entries are simply not this cache's
MAGIC = b"GLOSSARY-CACHE-1"
SEAL_BYTES = len(MAGIC) + hashlib.sha256().digest_size
SKELETON = "skeleton.json"  # the value's structure, the pools' sizes, where each array lies in ARRAYS
ARRAYS = "arrays.bin"  # every array's bytes, one after another (each at a multiple of ARRAY_ALIGNMENT)
ARRAY_ALIGNMENT = 8
STRINGS = "strings.txt"  # the strings of the value's long lists of strings, one after another
SEPARATOR = "\0"
STRINGS_MIN_CHARS = 256  # a list of strings shorter than this stays in the JSON
STRING_MIN_CHARS = 1024  # a string this long goes to the strings member too (a document's running text)
STRINGS_PER_WRITE = 4096  # strings joined and encoded at a time
INTEGERS_MIN_COUNT = 16  # a list of fewer integers stays in the JSON; longer ones go to one array of their type
INTEGER_POOLS = {"int64": (-2**63, 2**63), "uint64": (0, 2**64)}  # dtype: the integers it holds (from, up to)
# Our entries nest a few levels (a dict of documents of columns); anything deeper is not ours.
MAX_DEPTH = 32
# The dataclasses an entry may hold, by module and name: decoding rebuilds only these (from their fields).
RECORD_TYPES = {
    "glossary.model.Document": ("glossary.model", "Document"),
    "glossary.model.Paragraph": ("glossary.model", "Paragraph"),
    "glossary.mining.count.ShardCounts": ("glossary.mining.count", "ShardCounts"),
}
# NumPy array kinds that hold plain values (bool, integers, floats, complex, strings, dates): never objects
ARRAY_KINDS = "biufcUSMm"
# pandas column types rebuilt from a list of their values; other pandas types are not cached
EXTENSION_DTYPES = {"str", "string", "boolean", "Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32",
                    "UInt64", "Float32", "Float64"}
_PLAIN = frozenset({str, int, float, bool, type(None)})

_secrets: dict[str, bytes] = {}  # cache folder -> its key, read once per process
_unwritable: set[str] = set()  # cache folders this process could not write: not tried again


def cache_key(*parts: Any) -> str:
    return hashlib.sha256("\0".join(map(str, parts)).encode("utf-8")).hexdigest()


def entry_path(cache_dir: Path | None, kind: str, key: str) -> Path | None:
    """CACHE_DIR/KIND/ab/abcdef....npz; the key that seals it is CACHE_DIR/hmac.key."""
    return cache_dir / kind / key[:2] / f"{key}{ENTRY_SUFFIX}" if cache_dir else None


def read_entry(path: Path | None, shape: Any = None) -> Any | None:
    """The value stored at `path`, or None when there is none to trust: missing, unreadable, damaged, sealed by
    another cache's key, or not of `shape` (a type, or a tuple of shapes for a tuple of that length). An entry
    found wrong is deleted (when the folder allows) so the next run does not read it again."""
    if path is None:
        return None
    secret = _secret(_cache_dir_of(path), create=False)
    if secret is None:  # no key: nothing in this folder was written by this cache
        return None
    try:
        with _open_regular(path) as handle:
            if not _seal_matches(handle, secret, _identity(path)):
                raise ValueError("not sealed by this cache")
            with zipfile.ZipFile(handle) as archive:
                value = _Unpacker(archive).read()
        if shape is not None and not _conforms(value, shape):
            raise TypeError(f"not a {shape!r}")
    except FileNotFoundError:
        return None
    except Exception as problem:  # noqa: BLE001  (any damage, however odd: redo the work)
        log.debug("cache entry %s not used: %r", path, problem)
        _discard(path)
        return None
    return value


def write_entry(path: Path | None, value: Any) -> None:
    """Store `value` at `path`, sealed. A value the format cannot hold is not cached; a cache folder that cannot
    be written (read-only, full, not ours) slows the next run down but never fails this one."""
    if path is None:
        return
    cache_dir = _cache_dir_of(path)
    if str(cache_dir) in _unwritable:
        return
    try:
        secret = _secret(cache_dir, create=True)
        if secret is None:
            raise PermissionError(f"{cache_dir / KEY_NAME}: no usable key")
        # the value is encoded as it is written: a value the format cannot hold leaves no entry behind
        with atomic_path(path, suffix=ENTRY_SUFFIX) as temporary, open(temporary, "w+b") as handle:
            handle.write(MAGIC + bytes(SEAL_BYTES - len(MAGIC)))  # the seal's place, filled once the archive is
            _Packer().write_archive(handle, value)
            handle.write(_seal(handle, secret, _identity(path)))
    except (TypeError, ValueError, RecursionError) as problem:
        log.debug("cache entry %s not written: %s", path, problem)
    except OSError as problem:
        log.debug("cache folder %s not written: %s", cache_dir, problem)
        _unwritable.add(str(cache_dir))


# --- sealed files: a cache entry its owner reads in place, a piece at a time (glossary.corpus.store) --------------

# a sealed file's first bytes: another format than an entry's, so neither is ever read as the other
FILE_MAGIC = b"GLOSSARY-FILES-1"
FILE_START = SEAL_BYTES  # where a sealed file's own bytes begin


def open_sealed(path: Path | None):
    """The file at `path` (written by SealedFile) opened for reading, its seal verified; None when there is none to
    trust (missing, damaged, another cache's), as read_entry. Its own bytes begin at FILE_START: read them with
    os.pread, which a forked process may do on the same handle."""
    if path is None:
        return None
    secret = _secret(_cache_dir_of(path), create=False)
    if secret is None:
        return None
    handle = None
    try:
        handle = _open_regular(path)
        if not _seal_matches(handle, secret, _identity(path), FILE_MAGIC):
            raise ValueError("not sealed by this cache")
    except FileNotFoundError:
        return None
    except Exception as problem:  # noqa: BLE001
        log.debug("cache file %s not used: %r", path, problem)
        if handle is not None:
            handle.close()
        _discard(path)
        return None
    return handle


class SealedFile:
    """A file written once and read back while it is used: sealed and put at `path` in the cache by `seal()`, or,
    with no cache or one that cannot be written, a temporary file of the system's, gone when closed. `handle` stays
    open for reading through both (its own bytes from FILE_START, with os.pread)."""

    def __init__(self, path: Path | None):
        self.path, self.secret = path, None
        # the cache's file is written beside `path` and put in its place when sealed (glossary.files.atomic_path)
        self.placing = contextlib.ExitStack()
        cache_dir = _cache_dir_of(path) if path is not None else None
        self.handle = None
        if cache_dir is not None and str(cache_dir) not in _unwritable:
            try:
                self.secret = _secret(cache_dir, create=True)
                if self.secret is not None:
                    self.handle = open(self.placing.enter_context(atomic_path(path)), "w+b")
            except OSError as problem:
                log.debug("cache folder %s not written: %s", cache_dir, problem)
                _unwritable.add(str(cache_dir))
                self.secret = None
                self.discard_placing()
        if self.handle is None:
            self.handle = tempfile.TemporaryFile()
        self.handle.write(FILE_MAGIC + bytes(SEAL_BYTES - len(FILE_MAGIC)))

    def seal(self) -> None:
        """Everything is written: into the cache when it can take it (the handle stays open for reading)."""
        self.handle.flush()
        if self.secret is None:
            return
        try:
            self.handle.write(_seal(self.handle, self.secret, _identity(self.path), FILE_MAGIC))
            self.handle.flush()
            self.placing.close()
        except OSError as problem:
            log.debug("cache file %s not written: %s", self.path, problem)
            self.discard_placing()

    def discard(self) -> None:
        """Not finished (an error while writing): closed, and nothing left in the cache."""
        self.handle.close()
        self.discard_placing()

    def discard_placing(self) -> None:
        """The cache's file is not put in place: its temporary file goes (atomic_path, left as by a failure)."""
        try:
            with self.placing:
                raise _NotPlaced
        except (_NotPlaced, OSError):
            pass  # OSError: a file system that keeps an open file: left for the next run


class _NotPlaced(Exception):
    """Leaves atomic_path's block as a failure does: the temporary file is removed, not renamed."""


@functools.lru_cache(maxsize=None)
def code_fingerprint(*module_names: str) -> str:
    """Hash of the source of the modules (full dotted names, so a moved module is a new key) whose code shapes a
    cached value: editing or moving them invalidates the cache."""
    digest = hashlib.sha256()
    for name in module_names:
        module = importlib.import_module(name)
        digest.update(name.encode("utf-8") + b"\0" + Path(module.__file__).read_bytes())
    return digest.hexdigest()[:16]


def settings_fingerprint(settings) -> str:
    """Hash of the settings and of the content of every data file they name (the fields typed Path: stop lists,
    patterns…), so editing a word list misses the cache as a changed setting does."""
    parts = []
    for stage in dataclasses.fields(settings):
        stage_settings = getattr(settings, stage.name)
        if not dataclasses.is_dataclass(stage_settings):
            continue  # the sources: where the values came from does not change the work
        for item in dataclasses.fields(stage_settings):
            value = getattr(stage_settings, item.name)
            if isinstance(value, Path):
                value = hashlib.sha256(value.read_bytes()).hexdigest() if value.is_file() else str(value)
            parts.append((stage.name, item.name, value))
    return cache_key(repr(parts))


# --- the seal: HMAC-SHA256 under a key of the cache folder ---------------------------------------------------------


def _cache_dir_of(entry: Path) -> Path:
    return entry.parents[2]  # CACHE_DIR/KIND/ab/KEY.npz


def _identity(entry: Path) -> bytes:
    """What an entry claims to be (KIND/KEY.npz), sealed with it: an entry copied to another key does not verify."""
    return f"{entry.parent.parent.name}/{entry.name}".encode("utf-8")


def _mac(handle, secret: bytes, identity: bytes, magic: bytes = MAGIC):
    """The HMAC of the archive after the seal, read in blocks (memory stays small whatever the file's size)."""
    mac = hmac.new(secret, magic + identity + b"\0", hashlib.sha256)
    handle.seek(SEAL_BYTES)
    while block := handle.read(1 << 20):
        mac.update(block)
    return mac


def _seal(handle, secret: bytes, identity: bytes, magic: bytes = MAGIC) -> bytes:
    """The seal of the archive written after it, the handle left where the seal goes."""
    digest = _mac(handle, secret, identity, magic).digest()
    handle.seek(len(magic))
    return digest


def _seal_matches(handle, secret: bytes, identity: bytes, magic: bytes = MAGIC) -> bool:
    header = handle.read(SEAL_BYTES)
    if len(header) != SEAL_BYTES or not header.startswith(magic):
        return False
    return hmac.compare_digest(header[len(magic):], _mac(handle, secret, identity, magic).digest())


def _secret(cache_dir: Path, create: bool) -> bytes | None:
    """The folder's key: read once per process; created (random, mode 0600) by the first write. A key another user
    owns or may read is no key: it would let them seal entries of their own."""
    known = _secrets.get(str(cache_dir))
    if known is not None:
        return known
    path = cache_dir / KEY_NAME
    secret = _read_secret(path)
    if secret is None and create:
        cache_dir.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(prefix=f".{KEY_NAME}.", dir=cache_dir)  # created 0600
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(os.urandom(KEY_BYTES))
            try:
                os.link(temporary, path)  # complete when it appears; a concurrent first write's key wins
            except FileExistsError:
                if _read_secret(path) is None:
                    os.replace(temporary, path)  # an unusable key: replaced (its entries are redone)
            except OSError:
                os.replace(temporary, path)  # a file system without hard links
        finally:
            Path(temporary).unlink(missing_ok=True)
        secret = _read_secret(path)
    if secret is not None:
        _secrets[str(cache_dir)] = secret
    return secret


def _read_secret(path: Path) -> bytes | None:
    try:
        with _open_regular(path, getattr(os, "O_NOFOLLOW", 0)) as handle:
            status = os.fstat(handle.fileno())
            if os.name != "nt" and (status.st_uid != os.geteuid() or status.st_mode & 0o077):
                return None
            secret = handle.read(KEY_BYTES + 1)
    except (OSError, ValueError):
        return None
    return secret if len(secret) == KEY_BYTES else None


def _open_regular(path: Path, flags: int = 0):
    """A plain file opened for reading: never waits on a pipe or reads a device put in its place (ValueError)."""
    import stat

    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | flags)
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        raise ValueError("not a regular file")
    return os.fdopen(descriptor, "rb")


def _discard(entry: Path) -> None:
    try:
        entry.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only cache keeps its damaged entry; each run redoes that work, and nothing fails


# --- the archive: the value as JSON, its long lists of strings as text, its arrays as NumPy arrays ----------------


class _Packer:
    """Encodes a value as JSON: plain values as themselves, everything else an object tagged "$". Arrays and long
    lists of strings are set aside (JSON is slow on long texts; the strings member holds them as plain UTF-8)."""

    def __init__(self):
        self.arrays: list = []
        # the integer pools, a list of lists per dtype; strings go to the archive as they come (pooled_strings)
        self.pools: dict[str, list] = {dtype: [] for dtype in INTEGER_POOLS}
        self.sizes = {pool: 0 for pool in ("strings", *self.pools)}  # how many values each pool holds
        self.strings = None  # the archive's member for the strings, open while the value is encoded

    def skeleton(self, value: Any) -> bytes:
        import numpy as np

        encoded = self.encode(value, 0)  # first: it fills the pools
        pools = {"strings": self.sizes["strings"]}
        for dtype in INTEGER_POOLS:
            if self.sizes[dtype]:
                values = itertools.chain.from_iterable(self.pools[dtype])
                pools[dtype] = self.array(np.fromiter(values, dtype, self.sizes[dtype]))
        directory, offset = [], 0
        for array in self.arrays:
            offset += -offset % ARRAY_ALIGNMENT
            directory.append([array.dtype.str, list(array.shape), offset])
            offset += array.nbytes
        return json.dumps({"pools": pools, "arrays": directory, "value": encoded}, ensure_ascii=False,
                          separators=(",", ":")).encode("utf-8")

    def pooled(self, pool: str, values: list, chunk: Any) -> dict:
        self.pools[pool].append(chunk)
        self.sizes[pool] += len(values)
        return {"$": pool, "i": self.sizes[pool] - len(values), "n": len(values)}

    def pooled_strings(self, values: list[str]) -> dict:
        """`values` written to the strings member at once, a few thousand at a time: the tables of a large corpus
        hold hundreds of megabytes of text, which a copy joined and encoded whole would double."""
        for start in range(0, len(values), STRINGS_PER_WRITE):
            if self.sizes["strings"] or start:
                self.strings.write(SEPARATOR.encode())
            text = SEPARATOR.join(values[start:start + STRINGS_PER_WRITE])
            self.strings.write(text.encode("utf-8", "surrogatepass"))
        self.sizes["strings"] += len(values)
        return {"$": "strings", "i": self.sizes["strings"] - len(values), "n": len(values)}

    def write_archive(self, handle, value: Any) -> None:
        """The archive of `value`: its strings, its arrays, and the skeleton (JSON) that places them."""
        import numpy as np

        with zipfile.ZipFile(handle, "w", zipfile.ZIP_STORED) as archive:
            with archive.open(STRINGS, "w", force_zip64=True) as self.strings:
                skeleton = self.skeleton(value)
            self.strings = None
            with archive.open(ARRAYS, "w", force_zip64=True) as member:
                written = 0
                for array in self.arrays:
                    padding = -written % ARRAY_ALIGNMENT
                    data = np.ascontiguousarray(array).reshape(-1).view(np.uint8)
                    member.write(bytes(padding))
                    member.write(data)
                    written += padding + len(data)
            archive.writestr(SKELETON, skeleton)

    def array(self, array) -> int:
        if array.dtype.kind not in ARRAY_KINDS:
            raise TypeError(f"cannot cache an array of {array.dtype}")
        self.arrays.append(array)
        return len(self.arrays) - 1

    def encode(self, value: Any, depth: int) -> Any:
        kind = type(value)
        if kind is str and len(value) >= STRING_MIN_CHARS and SEPARATOR not in value:
            # JSON escapes and decodes long texts slowly: with the documents' running texts in it, the skeleton of
            # a 100 MB corpus's documents was 120 MB of JSON to parse, and the memory its parsing freed stayed
            return {"$": "string", "i": self.pooled_strings([value])["i"]}
        if kind in _PLAIN:
            return value
        if depth > MAX_DEPTH:
            raise ValueError("nested too deeply to cache")
        if kind is list:
            return self.encode_list(value, depth)
        if kind is tuple:
            return {"$": "tuple", "v": self.encode_list(list(value), depth)}
        if kind is dict:
            return {"$": "dict", "k": self.encode_list(list(value), depth),
                    "v": self.encode_list(list(value.values()), depth)}
        if kind in (set, frozenset):
            return {"$": kind.__name__, "v": self.encode_list(list(value), depth)}
        if isinstance(value, PurePath):
            return {"$": "path", "v": str(value)}
        name = f"{kind.__module__}.{kind.__qualname__}"
        if name in RECORD_TYPES and dataclasses.is_dataclass(value):
            fields = {f.name: self.encode(getattr(value, f.name), depth + 1) for f in dataclasses.fields(value)}
            return {"$": "record", "type": name, "f": fields}
        import numpy as np
        import pandas as pd

        if isinstance(value, (np.ndarray, np.generic)):
            return {"$": "array" if kind is np.ndarray else "scalar", "i": self.array(np.asarray(value))}
        if kind is pd.DataFrame:
            return self.encode_frame(value, depth)
        raise TypeError(f"cannot cache a {name}")

    def encode_list(self, values: list, depth: int) -> Any:
        types = set(map(type, values))
        if types == {str}:
            # worth it for long texts; a string holding the separator itself keeps the list in the JSON
            if sum(map(len, values)) >= STRINGS_MIN_CHARS and not any(SEPARATOR in value for value in values):
                return self.pooled_strings(values)
        elif types == {int} and len(values) >= INTEGERS_MIN_COUNT:
            low, high = min(values), max(values)
            for dtype, (least, beyond) in INTEGER_POOLS.items():
                if least <= low and high < beyond:
                    return self.pooled(dtype, values, values)
        elif types == {tuple} and (nesting := _tuple_nesting(values)):
            # as columns: every plain value inside, and the length of each tuple at each level
            leaves, lengths = values, []
            for _ in range(nesting):
                lengths.append(self.encode_list(list(map(len, leaves)), depth + 1))
                leaves = list(itertools.chain.from_iterable(leaves))
            return {"$": "tuples", "lengths": lengths, "leaves": self.encode_list(leaves, depth + 1)}
        if types <= _PLAIN:
            return values
        return [self.encode(v, depth + 1) for v in values]

    def encode_frame(self, frame, depth: int) -> dict:
        import pandas as pd

        if isinstance(frame.columns, pd.MultiIndex) or isinstance(frame.index, pd.MultiIndex):
            raise TypeError("cannot cache a DataFrame with a MultiIndex")
        return {
            "$": "frame",
            "columns": self.encode_index(frame.columns, depth),
            "data": [self.encode_column(frame.iloc[:, position], depth) for position in range(frame.shape[1])],
            "index": self.encode_index(frame.index, depth),
        }

    def encode_index(self, index, depth: int) -> dict:
        import pandas as pd

        if type(index) is pd.RangeIndex:
            return {"$": "range", "v": [index.start, index.stop, index.step], "name": self.encode(index.name, depth)}
        return self.encode_column(index.to_series(name=index.name), depth)

    def encode_column(self, column, depth: int) -> dict:
        """An array (NumPy types), codes and categories, values restored to their pandas type, or objects."""
        import numpy as np
        import pandas as pd

        dtype = column.dtype
        name = self.encode(column.name, depth + 1)
        if isinstance(dtype, np.dtype) and dtype.kind in ARRAY_KINDS:
            return {"dtype": "array", "i": self.array(column.to_numpy()), "name": name}
        if isinstance(dtype, np.dtype) and dtype.kind == "O":
            return {"dtype": "object", "v": self.encode_list(column.tolist(), depth + 1), "name": name}
        if isinstance(dtype, pd.CategoricalDtype):  # the compact form it was built in
            return {"dtype": "category", "i": self.array(column.cat.codes.to_numpy()), "ordered": bool(dtype.ordered),
                    "categories": self.encode_column(dtype.categories.to_series(), depth + 1), "name": name}
        if str(dtype) in EXTENSION_DTYPES:
            values = column.to_numpy(dtype=object, na_value=None).tolist()
            return {"dtype": str(dtype), "v": self.encode_list(values, depth + 1), "name": name}
        raise TypeError(f"cannot cache a column of {dtype}")


class _Unpacker:
    """Rebuilds what _Packer wrote, refusing anything else (a ValueError or TypeError, never a guess)."""

    def __init__(self, archive: zipfile.ZipFile):
        self.archive = archive
        self.loaded: dict[str, list] = {}  # the pools read so far
        self.blob: bytearray | None = None  # ARRAYS, once an array is asked for

    def read(self) -> Any:
        skeleton = json.loads(self.archive.read(SKELETON))
        if type(skeleton) is not dict or type(skeleton.get("pools")) is not dict:
            raise ValueError("not a cache entry")
        self.pools, self.directory = skeleton["pools"], _list(skeleton.get("arrays", []))
        return self.decode(skeleton.get("value"), 0)

    def pooled(self, pool: str, start: Any, count: Any) -> list:
        if pool not in self.loaded:
            self.loaded[pool] = self.strings() if pool == "strings" else self.integers(pool)
        start, count = _number(start), _number(count)
        if start + count > len(self.loaded[pool]):
            raise ValueError(f"{pool} out of range")
        return self.loaded[pool][start:start + count]

    def strings(self) -> list[str]:
        expected = _number(self.pools["strings"])
        text = self.archive.read(STRINGS).decode("utf-8", errors="surrogatepass")
        strings = text.split(SEPARATOR) if expected else []
        if len(strings) != expected:
            raise ValueError("the strings do not match the entry")
        return strings

    def integers(self, dtype: str) -> list[int]:
        values = self.array(self.pools[dtype])
        if values.dtype != dtype or values.ndim != 1:
            raise ValueError(f"the {dtype} pool is not a list of {dtype}")
        return values.tolist()

    def array(self, number: Any):
        """An array as a view of ARRAYS (read once, writable): its type a plain one, never objects."""
        import numpy as np

        if self.blob is None:
            self.blob = self.read_member(ARRAYS)
        descriptor, shape, offset = _list(self.directory[_number(number)])
        dtype = np.dtype(_text(descriptor))
        if dtype.kind not in ARRAY_KINDS or dtype.hasobject:
            raise TypeError(f"an array of {dtype} is not data")
        shape, offset = tuple(map(_number, _list(shape))), _number(offset)
        count = math.prod(shape)
        if offset + count * dtype.itemsize > len(self.blob):
            raise ValueError("an array beyond the end of the arrays")
        return np.frombuffer(self.blob, dtype, count, offset).reshape(shape)

    def read_member(self, name: str) -> bytearray:
        size = self.archive.getinfo(name).file_size
        blob, done = bytearray(size), 0
        with self.archive.open(name) as member:
            while done < size:
                read = member.readinto(memoryview(blob)[done:])
                if not read:
                    raise ValueError(f"{name} is cut short")
                done += read
        return blob

    def decode(self, node: Any, depth: int) -> Any:
        kind = type(node)
        if depth > MAX_DEPTH:
            raise ValueError("nested too deeply")
        if kind is list:
            return node if set(map(type, node)) <= _PLAIN else [self.decode(v, depth + 1) for v in node]
        if kind is not dict:
            return node
        tag = node["$"]
        if tag == "strings" or tag in INTEGER_POOLS:
            return self.pooled(tag, node["i"], node["n"])
        if tag == "string":
            return self.pooled("strings", node["i"], 1)[0]
        if tag == "tuples":
            items = self.decode_list(node["leaves"], depth)
            levels = [self.decode_list(lengths, depth) for lengths in _list(node["lengths"])]
            types = set(map(type, items))
            if not types <= _PLAIN or len(levels) not in (1, 2):
                raise TypeError("tuples of plain values were expected")
            if types == {str}:  # words and tags recur: one string each, as pickle's memo gave
                items = list(map(sys.intern, items))
            for lengths in reversed(levels):
                items = _regroup(items, lengths)
            return items
        if tag == "tuple":
            return tuple(self.decode_list(node["v"], depth))
        if tag in ("set", "frozenset"):
            return (set if tag == "set" else frozenset)(self.decode_list(node["v"], depth))
        if tag == "dict":
            keys, values = self.decode_list(node["k"], depth), self.decode_list(node["v"], depth)
            if len(keys) != len(values):
                raise ValueError("a dict's keys and values differ in number")
            return dict(zip(keys, values))
        if tag == "path":
            return Path(_text(node["v"]))
        if tag == "array":
            return self.array(node["i"])
        if tag == "scalar":
            return self.array(node["i"])[()]
        if tag == "frame":
            return self.decode_frame(node, depth)
        if tag == "record":
            module, name = RECORD_TYPES[_text(node["type"])]
            record_type = getattr(importlib.import_module(module), name)
            fields = node["f"]
            if type(fields) is not dict or set(fields) - {f.name for f in dataclasses.fields(record_type) if f.init}:
                raise ValueError(f"not the fields of {name}")
            return record_type(**{key: self.decode(value, depth + 1) for key, value in fields.items()})
        raise ValueError(f"unknown tag {tag!r}")

    def decode_list(self, node: Any, depth: int) -> list:
        return _list(self.decode(node, depth + 1))

    def decode_column(self, node: Any, depth: int):
        import numpy as np
        import pandas as pd

        dtype = _text(node["dtype"])
        name = self.decode(node["name"], depth + 1)
        if dtype == "array":
            values = self.array(node["i"])
            if values.ndim != 1:
                raise ValueError("a column is one-dimensional")
            return pd.Series(values, name=name, copy=False)
        if dtype == "category":
            categories = pd.Index(self.decode_column(node["categories"], depth + 1))
            codes = pd.Categorical.from_codes(self.array(node["i"]), categories, ordered=node["ordered"] is True)
            return pd.Series(codes, name=name)
        values = self.decode_list(node["v"], depth)
        if dtype == "object":
            column = np.empty(len(values), dtype=object)
            if set(map(type, values)) <= _PLAIN:
                column[:] = values
            else:  # one by one: a list in a cell is that cell's value, not a row of a 2-D array
                for position, value in enumerate(values):
                    column[position] = value
            return pd.Series(column, name=name, copy=False)
        if dtype not in EXTENSION_DTYPES:
            raise ValueError(f"unknown column type {dtype!r}")
        return pd.Series(pd.array(values, dtype=dtype), name=name)

    def decode_frame(self, node: dict, depth: int):
        import pandas as pd

        data = node["data"]
        if type(data) is not list:
            raise TypeError("a list of columns was expected")
        columns = [self.decode_column(column, depth + 1) for column in data]
        index, labels = self.decode_index(node["index"], depth), self.decode_index(node["columns"], depth)
        if len(labels) != len(columns) or any(len(column) != len(index) for column in columns):
            raise ValueError("a DataFrame's columns differ in length")
        frame = pd.concat(columns, axis=1, ignore_index=True) if columns else pd.DataFrame(index=range(len(index)))
        frame.columns = labels
        frame.index = index
        return frame

    def decode_index(self, node: Any, depth: int):
        import pandas as pd

        if type(node) is dict and node.get("$") == "range":
            start, stop, step = self.decode_list(node["v"], depth)
            if not {type(start), type(stop), type(step)} <= {int}:
                raise TypeError("a range of integers was expected")
            return pd.RangeIndex(start, stop, step, name=self.decode(node.get("name"), depth + 1))
        column = self.decode_column(node, depth + 1)
        return pd.Index(column, name=column.name)


def _tuple_nesting(values: list) -> int:
    """1 for a list of tuples of plain values, 2 for a list of tuples of those ((words, tags) pairs), else 0."""
    items = values
    for nesting in (1, 2):
        items = list(itertools.chain.from_iterable(items))
        types = set(map(type, items))
        if types <= _PLAIN:
            return nesting
        if types != {tuple}:
            return 0
    return 0


def _regroup(items: list, lengths: list) -> list[tuple]:
    """`items` cut into tuples of the given lengths, which must use them all."""
    if not set(map(type, lengths)) <= {int} or min(lengths, default=0) < 0 or sum(lengths) != len(items):
        raise ValueError("the lengths do not fit the values")
    values = iter(items)
    if len(set(lengths)) == 1:  # all of one length (pairs): zip cuts them at C speed
        return list(zip(*[values] * lengths[0])) if lengths[0] else [()] * len(lengths)
    return [tuple(itertools.islice(values, length)) for length in lengths]


def _list(node: Any) -> list:
    if type(node) is not list:
        raise TypeError("a list was expected")
    return node


def _number(node: Any) -> int:
    if type(node) is not int or node < 0:
        raise TypeError("a count was expected")
    return node


def _text(node: Any) -> str:
    if type(node) is not str:
        raise TypeError("a string was expected")
    return node


def _conforms(value: Any, shape: Any) -> bool:
    if type(shape) is tuple:
        return type(value) is tuple and len(value) == len(shape) and all(map(_conforms, value, shape))
    return isinstance(value, shape)
