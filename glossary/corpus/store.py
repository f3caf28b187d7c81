"""Repaired documents on disk, a record each, read back one at a time: the corpus stage's cache, and where a large
corpus's documents are while it is used (never all in memory: the documents of a 1 GB corpus would take about
2.6 GB, ten times the 259 MB measured at 100 MB).

A store is one sealed file of the cache (glossary.cache.SealedFile): the records one after another, then an index
(JSON: each document's key, where its record starts, its size), then where the index starts (8 bytes). A record is
data, never code: the length of its header (4 bytes), the header (JSON: every field of the document but its path and
original text, which its source gives, with its paragraphs as columns), then its running text (UTF-8).
"""

from __future__ import annotations

import dataclasses
import json
import os
import struct
from collections.abc import Sequence
from pathlib import Path

from glossary.cache import FILE_START, SealedFile, open_sealed
from glossary.model import Document, Paragraph, Paragraphs, Source

FORMAT = 1
STORE_SUFFIX = ".store"  # a store's file name in the cache: KEY.store
_HEAD = struct.Struct("<I")
_TRAILER = struct.Struct("<Q")
# the fields a record's source gives back, and those written as they are (the header holds the rest)
_FROM_SOURCE = ("path", "raw_text")
_OWN = ("text", "paragraphs", "footnotes")
_PLAIN = tuple(f.name for f in dataclasses.fields(Document) if f.name not in (*_FROM_SOURCE, *_OWN))
_PARAGRAPH = ("text", "index", "number", "kind", "line", "label")


def encode_document(document: Document) -> bytes:
    """A document as a record (its path and original text are left out: the source gives them back)."""
    paragraphs = Paragraphs.of(document.text, document.paragraphs)
    if isinstance(paragraphs, Paragraphs):  # their texts as their lengths in the running text
        lengths, index, number, kind, line, label = paragraphs.columns()
        columns = {"lengths": lengths.tolist(), "index": index.tolist(), "number": number, "kind": kind.tolist(),
                   "line": line.tolist(), "label": label}
    else:  # paragraphs that are not the running text (never from repair): with their texts
        columns = {"rows": [[getattr(p, name) for name in _PARAGRAPH] for p in paragraphs]}
    header = {name: getattr(document, name) for name in _PLAIN}
    header["paragraphs"] = columns
    header["footnotes"] = [[getattr(p, name) for name in _PARAGRAPH] for p in document.footnotes]
    head = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return _HEAD.pack(len(head)) + head + document.text.encode("utf-8", "surrogatepass")


def decode_document(record: bytes, source: Source) -> Document:
    """The document of a record, at the path of `source` and with its original text. ValueError when the record
    is not one (a damaged store)."""
    try:
        (size,) = _HEAD.unpack_from(record)
        header = json.loads(record[_HEAD.size:_HEAD.size + size].decode("utf-8"))
        text = record[_HEAD.size + size:].decode("utf-8", "surrogatepass")
        if not isinstance(header, dict) or set(header) != {*_PLAIN, "paragraphs", "footnotes"}:
            raise ValueError("not a document's fields")
        columns = header.pop("paragraphs")
        if "rows" in columns:
            paragraphs = [Paragraph(*row) for row in columns["rows"]]
        else:
            paragraphs = Paragraphs(text, columns["lengths"], columns["index"], columns["number"], columns["kind"],
                                    columns["line"], columns["label"])
        footnotes = [Paragraph(*row) for row in header.pop("footnotes")]
        return Document(path=source.path, text=text, paragraphs=paragraphs, footnotes=footnotes,
                        raw_text=source.text, **header)
    except (struct.error, UnicodeDecodeError, TypeError, KeyError, AttributeError) as problem:
        raise ValueError(f"not a document record: {problem}") from problem


def _read_at(handle, size: int, offset: int) -> bytes:
    """`size` bytes at `offset`: with pread where there is one (no shared position: a forked process may read the
    same handle), else by seeking."""
    if hasattr(os, "pread"):
        return os.pread(handle.fileno(), size, offset)
    handle.seek(offset)
    return handle.read(size)


class DocumentStore:
    """Records by key in one file, read a record at a time (`record`), written once (`StoreWriter`)."""

    def __init__(self, handle, locations: dict[str, tuple[int, int]]):
        self.handle, self.locations = handle, locations  # key -> (where its record starts, its size)

    @classmethod
    def open(cls, path: Path | None) -> "DocumentStore | None":
        """The store sealed at `path`, or None (none, or not one to trust: see glossary.cache.open_sealed)."""
        handle = open_sealed(path)
        if handle is None:
            return None
        try:
            end = os.fstat(handle.fileno()).st_size
            (start,) = _TRAILER.unpack(_read_at(handle, _TRAILER.size, end - _TRAILER.size))
            index = json.loads(_read_at(handle, end - _TRAILER.size - FILE_START - start,
                                        FILE_START + start).decode("utf-8"))
            if index.get("format") != FORMAT:
                raise ValueError("another format")
            locations = {str(key): (int(offset), int(size)) for key, offset, size in index["records"]}
        except (ValueError, TypeError, KeyError, AttributeError, struct.error, OSError):
            handle.close()
            return None
        return cls(handle, locations)

    def __contains__(self, key: str) -> bool:
        return key in self.locations

    def record(self, key: str) -> bytes:
        offset, size = self.locations[key]
        data = _read_at(self.handle, size, FILE_START + offset)
        if len(data) != size:
            raise ValueError("a document store cut short")
        return data

    def close(self) -> None:
        self.handle.close()


class StoreWriter:
    """A new store, its records added one at a time (`add`), then `finish()`ed: sealed into the cache at `path`, or
    a temporary file when there is no cache to write (glossary.cache.SealedFile)."""

    def __init__(self, path: Path | None):
        self.file = SealedFile(path)
        self.locations: dict[str, tuple[int, int]] = {}
        self.written = 0

    def __contains__(self, key: str) -> bool:
        return key in self.locations

    def add(self, key: str, record: bytes) -> None:
        self.file.handle.write(record)
        self.locations[key] = (self.written, len(record))
        self.written += len(record)

    def finish(self) -> DocumentStore:
        records = [[key, offset, size] for key, (offset, size) in self.locations.items()]
        self.file.handle.write(json.dumps({"format": FORMAT, "records": records}).encode("utf-8"))
        self.file.handle.write(_TRAILER.pack(self.written))
        self.file.seal()
        return DocumentStore(self.file.handle, self.locations)

    def discard(self) -> None:
        self.file.discard()


class StoredDocuments(Sequence):
    """A corpus's documents read from a store when asked for, one at a time (`sources[k]` gives document k its path
    and original text), so however large the corpus only the documents in use are in memory."""

    def __init__(self, store: DocumentStore, sources: Sequence[Source], keys: Sequence[str]):
        self.store, self.sources, self.keys = store, sources, keys

    def __len__(self) -> int:
        return len(self.keys)

    def __getitem__(self, k):
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(len(self)))]
        if not -len(self) <= k < len(self):
            raise IndexError("document index out of range")
        k %= len(self)
        return decode_document(self.store.record(self.keys[k]), self.sources[k])

    def __iter__(self):
        return map(self.__getitem__, range(len(self)))
