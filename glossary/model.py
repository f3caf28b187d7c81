"""The data every stage shares: a source file as read, its paragraphs, a repaired document, a corpus.

Built by glossary.corpus (load, repair), read by every later stage; this module imports nothing of the package
but the error type, so any stage may depend on it.
"""

from __future__ import annotations

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


@dataclass
class Document:
    path: Path
    text: str                               # repaired running text: paragraph texts joined by "\n"
    paragraphs: list[Paragraph]             # running text only
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
