"""Corpus stage: find files, decode them, repair PDF-paste damage, split paragraphs, read metadata.

Every later stage trusts what this module returns: `Document.paragraphs` holds clean running text only
(no footnote bodies, rules, page furniture or boilerplate notices), in simplified characters with folded widths.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError  # noqa: F401  (raised by the loaders)


@dataclass
class Paragraph:
    text: str                 # repaired, normalised text of the paragraph
    index: int                # 0-based position among the document's paragraphs
    number: str | None        # UN paragraph number ("12") when the paragraph is numbered
    kind: str                 # "heading" | "body" | "item" | "footnote"
    line: int                 # 1-based line of the original file where the paragraph starts


@dataclass
class Document:
    path: Path
    text: str                               # repaired running text: paragraph texts joined by "\n"
    paragraphs: list[Paragraph]             # running text only
    footnotes: list[Paragraph] = field(default_factory=list)
    boilerplate: list[str] = field(default_factory=list)   # lines removed as boilerplate / page furniture
    raw_text: str = ""                      # decoded original text, before any repair
    encoding: str = "utf-8"
    sha256: str = ""                        # of the file's bytes
    organ: str | None = None                # 工业发展理事会 / 大会
    session: str | None = None              # 第五十二届会议
    dates: list[str] = field(default_factory=list)   # ISO dates found in the header, first = meeting start
    agenda_item: str | None = None          # "9" from 临时议程项目9
    title: str | None = None
    symbol: str | None = None               # the document's own symbol, or its session prefix (IDB.52)
    symbols: list[str] = field(default_factory=list)  # document symbols it cites, in order of first use
    repairs: dict[str, int] = field(default_factory=dict)  # repair step -> how many changes it made

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
    documents: list[Document]
    skipped: list[InputError] = field(default_factory=list)
