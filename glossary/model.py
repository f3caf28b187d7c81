"""The data every stage shares: a source file as read, its paragraphs, a repaired document, a corpus.

Built by glossary.corpus (load, repair), read by every later stage; this module imports nothing of the package
but the error type, so any stage may depend on it.
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from glossary.errors import InputError


@dataclass
class Source:
    path: Path
    text: str
    encoding: str
    sha256: str
    heading_lines: frozenset[int] = frozenset()


@dataclass(slots=True)  # a large corpus holds a million of them: no dict each (40 MB less at 100 MB of text)
class Paragraph:
    text: str                 # repaired, normalised text of the paragraph (without its "12. " / "一. " / "(a)" label)
    index: int                # 0-based position among the document's paragraphs
    number: str | None        # UN paragraph number ("12") when the paragraph is numbered
    kind: str                 # "header" | "heading" | "body" | "item" | "footnote"
    #                           header: organ / session / date / agenda-item / symbol lines at the top
    #                           heading: titles, "总干事的报告", section headings (一. 背景, A. 政策职能, markdown #)
    line: int                 # 1-based line of the original file where the paragraph starts
    label: str | None = None  # heading or item label: "一", "A", "a", "㈠" (numbered paragraphs use `number`)


class Paragraphs(Sequence):
    """A document's paragraphs held as its running text and one column per field, each Paragraph made when it is
    read. A corpus holds these for as long as it is mined: the documents of a 100 MB corpus (650,000 paragraphs)
    took 370 MB as Paragraph objects with strings of their own, 250 MB this way (resident size, read from the
    cache)."""

    def __init__(self, text: str, lengths: Sequence[int], index: Sequence[int], number: Sequence[str | None],
                 kind: Sequence[str], line: Sequence[int], label: Sequence[str | None]):
        """`text`: the paragraph texts joined by "\n", `lengths` their lengths; the other columns as Paragraph's.
        The integer columns may be numpy arrays (as the cache and the repair workers send them)."""
        from itertools import accumulate

        # in plain Python: a document has tens of paragraphs, where numpy's calls cost more than the work (a stored
        # corpus makes every document's paragraphs again on each pass over it)
        self.text = text
        lengths = lengths.tolist() if hasattr(lengths, "tolist") else list(lengths)
        self.starts = array("q", [0, *accumulate(length + 1 for length in lengths)])
        if self.starts[-1] != (len(text) + 1 if lengths else 0):
            raise ValueError("the paragraphs' lengths do not add up to the text")
        self.index, self.line = _packed(index), _packed(line)
        self.number, self.label = list(number), list(label)
        # a handful of distinct kinds: a code per paragraph, not a string (read back from a cache, one each)
        kind = [str(name) for name in kind]
        self.kinds = tuple(sys.intern(name) for name in sorted(set(kind)))
        code = {name: k for k, name in enumerate(self.kinds)}
        self.kind_codes = array("q", [code[name] for name in kind])

    @classmethod
    def of(cls, text: str, paragraphs: Sequence[Paragraph]) -> "Paragraphs | list[Paragraph]":
        """`paragraphs` held compactly, when `text` is their texts joined by "\n" (as a repaired document's is);
        otherwise as a list."""
        if isinstance(paragraphs, Paragraphs) and paragraphs.text is text:
            return paragraphs
        paragraphs = list(paragraphs)
        if "\n".join([p.text for p in paragraphs]) != text:
            return paragraphs
        columns = ([len(p.text) for p in paragraphs], *([getattr(p, name) for p in paragraphs]
                                                         for name in ("index", "number", "kind", "line", "label")))
        return cls(text, *columns)

    def __len__(self) -> int:
        return len(self.index)

    def columns(self) -> tuple:
        """The columns the constructor takes, but the text: lengths, index and line as numpy arrays (one buffer
        each to send or store, where lists made a Python int of every value: freed among the objects that stay,
        their memory stayed, 120 of the 250 MB the documents of a 100 MB corpus took when read back)."""
        import numpy as np

        lengths = np.diff(np.frombuffer(self.starts, dtype=np.int64)) - 1
        kind = np.asarray(self.kinds, dtype=str)[np.frombuffer(self.kind_codes, dtype=np.int64)]
        return (lengths, np.frombuffer(self.index, dtype=np.int64).copy(), self.number, kind,
                np.frombuffer(self.line, dtype=np.int64).copy(), self.label)

    def lengths(self) -> list[int]:
        """Each paragraph's length in characters."""
        starts = self.starts
        return [starts[k + 1] - starts[k] - 1 for k in range(len(self))]

    def texts(self, *, skipping: str | None = None) -> list[str]:
        """Each paragraph's text, those of kind `skipping` left out, without making the paragraphs."""
        text, starts, codes = self.text, self.starts, self.kind_codes
        skipped = self.kinds.index(skipping) if skipping in self.kinds else -1
        return [text[starts[k]: starts[k + 1] - 1] for k in range(len(codes)) if codes[k] != skipped]

    def _paragraph(self, k: int) -> Paragraph:
        return Paragraph(self.text[self.starts[k]: self.starts[k + 1] - 1], self.index[k], self.number[k],
                         self.kinds[self.kind_codes[k]], self.line[k], self.label[k])

    def __getitem__(self, k):
        if isinstance(k, slice):
            return [self._paragraph(i) for i in range(*k.indices(len(self)))]
        if not -len(self) <= k < len(self):
            raise IndexError("paragraph index out of range")
        return self._paragraph(k % len(self))

    def __iter__(self):
        return map(self._paragraph, range(len(self)))

    def __eq__(self, other) -> bool:
        return isinstance(other, Sequence) and len(self) == len(other) and all(a == b for a, b in zip(self, other))

    def __repr__(self) -> str:
        return f"Paragraphs({len(self)} paragraphs, {len(self.text)} characters)"


def _packed(column) -> array:
    """A column of integers as an array of 64-bit ones; from a numpy array through its bytes, with no Python int made
    per value."""
    import numpy as np

    packed = array("q")
    if isinstance(column, np.ndarray):
        packed.frombytes(np.ascontiguousarray(column, dtype=np.int64).tobytes())
    else:
        packed.extend(column)
    return packed


@dataclass
class Document:
    path: Path
    text: str                               # repaired running text: paragraph texts joined by "\n"
    paragraphs: Sequence[Paragraph]         # running text only (a list, or Paragraphs over `text`)
    footnotes: list[Paragraph] = field(default_factory=list)
    boilerplate: list[str] = field(default_factory=list)   # lines removed as boilerplate / page furniture
    raw_text: str = ""                      # decoded original text, before any repair
    encoding: str = "utf-8"                 # text files: the codec; "docx" / "pdf" for those containers
    sha256: str = ""                        # of the file's bytes
    organ: str | None = None                # 工业发展理事会 / 大会
    session: str | None = None              # 第五十二届会议
    dates: list[str] = field(default_factory=list)   # ISO dates found in the header, first = meeting start
    agenda_item: str | None = None          # "9" from 临时议程项目9
    title: str | None = None                # the report's own title (see read_metadata)
    symbol: str | None = None               # the document's own symbol, or its session prefix (IDB.52)
    symbols: list[str] = field(default_factory=list)  # document symbols it cites, in order of first use
    repairs: dict[str, int] = field(default_factory=dict)  # repair step -> how many changes it made
    agenda_title: str | None = None         # title of the agenda item the report is submitted under
    session_number: int | None = None       # 52 for 第五十二届会议
    organ_code: str | None = None           # IDB / GC / PBC, from data/organs.csv

    @property
    def date(self) -> str | None:
        return self.dates[0] if self.dates else None

    @property
    def year(self) -> int | None:
        return int(self.dates[0][:4]) if self.dates else None

    @property
    def name(self) -> str:
        return self.path.name


@dataclass
class Corpus:
    documents: Sequence[Document]
    skipped: list[InputError] = field(default_factory=list)
