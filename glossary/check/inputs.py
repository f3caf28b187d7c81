"""The files `glossary check` reads: text as it is on disk, with the line and column of every character.

Plain text and Markdown are read as they are, .docx and .pdf through glossary.corpus.load, XLIFF and TMX with a
safe XML parser (their Chinese segments, and the English beside them for the bilingual rules). Nothing is
repaired: a finding must point into the file.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Iterable, Sequence

from glossary.config import CorpusSettings
from glossary.errors import InputError
from glossary.files import collect_files

TEXT_SUFFIXES = (".txt", ".md")
CONTAINER_SUFFIXES = (".docx", ".pdf")
BILINGUAL_SUFFIXES = (".xlf", ".xliff", ".tmx")
CHECKED_SUFFIXES = TEXT_SUFFIXES + CONTAINER_SUFFIXES + BILINGUAL_SUFFIXES
MARKDOWN_EMPHASIS = "*_`"  # **包容及**可持续工业发展 is still the term


@dataclass
class Segment:
    """A run of text to check and where each of its characters is in the file."""

    text: str
    anchors: list[tuple[int, int, int]]  # (offset in text, line, column) where a run of characters starts; 1-based

    def locate(self, offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(self._offsets, offset) - 1
        start, line, column = self.anchors[max(index, 0)]
        return line, column + offset - start

    @cached_property
    def _offsets(self) -> list[int]:
        return [anchor[0] for anchor in self.anchors]


def text_segment(text: str) -> Segment:
    """A whole file: a run starts at every line."""
    anchors = [(0, 1, 1)] + [(m.end(), number, 1) for number, m in enumerate(re.finditer("\n", text), start=2)]
    return Segment(text, anchors)


@dataclass
class Unit:
    """One translation unit of an XLIFF or TMX file: its English and its Chinese segments."""

    label: str
    english: str
    chinese: list[Segment]
    line: int


@dataclass
class CheckedFile:
    path: Path
    shown: str  # the path as reported
    lines: list[str]
    segments: list[Segment]
    units: list[Unit] = field(default_factory=list)
    extra_skip: str = ""

    def line_text(self, line: int) -> str:
        """The text of a 1-based line, '' past the end."""
        return self.lines[line - 1] if 0 < line <= len(self.lines) else ""


def shown_path(path: Path) -> str:
    path = Path(path)
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def collect_check_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files named (any text file), plus the checkable files found recursively in folders named. No duplicates."""
    return collect_files(paths, CHECKED_SUFFIXES, any_named_file=True)


def read_checked_file(path: Path, settings: CorpusSettings | None = None) -> CheckedFile | None:
    """The text of one file as it is on disk (decoded, nothing repaired: positions must point into the file).
    None for an explicitly named file of another type that is not text (pre-commit passes every text file)."""
    from glossary.corpus.load import decode_bytes, read_source

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in BILINGUAL_SUFFIXES:
        return read_bilingual_file(path)
    if suffix in CONTAINER_SUFFIXES:
        text = read_source(path, settings).text  # .docx: a line per Word paragraph; .pdf: the text layer's lines
    else:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(path, f"cannot read file ({exc.strerror or exc})") from None
        if not data.strip(b" \t\r\n\x00\x0c\xef\xbb\xbf\xff\xfe"):
            return CheckedFile(path, shown_path(path), [], [])
        try:
            text, _ = decode_bytes(data, path)
        except InputError:
            if suffix in TEXT_SUFFIXES:
                raise
            return None
    return CheckedFile(path, shown_path(path), [line.rstrip("\r") for line in text.split("\n")],
                       [text_segment(text)], extra_skip=MARKDOWN_EMPHASIS if suffix == ".md" else "")


# XLIFF 1.2/2.x and TMX are read with defusedxml's expat SAX parser (no entity expansion, no external entities,
# no network): a translator's file is untrusted input. SAX rather than translate-toolkit because a finding needs the
# line and column of each character in the file, which expat reports for every run of text and lxml does not.
INLINE_CODES = {"bpt", "ept", "it", "ph", "ut"}  # native codes inside segments: not text
UNIT_ELEMENTS = ("trans-unit", "segment", "tu")  # XLIFF 1.2, XLIFF 2.x, TMX


def _language_side(lang: str) -> str | None:
    lang = (lang or "").lower()
    return "zh" if lang.startswith("zh") else "en" if lang.startswith("en") else None


def read_bilingual_file(path: Path) -> CheckedFile:
    import io
    import xml.sax
    from xml.parsers import expat
    from xml.sax.handler import ContentHandler

    from defusedxml import DefusedXmlException
    from defusedxml.expatreader import DefusedExpatParser

    from glossary.corpus.load import decode_bytes

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot read file ({exc.strerror or exc})") from None

    class NestedUnit(Exception):
        """A unit inside a unit: no XLIFF or TMX file has one, and its text could not be placed in either."""

    class Handler(ContentHandler):
        def __init__(self):
            super().__init__()
            self.stack: list[str] = []
            self.languages = {"source": "en", "target": "zh"}  # XLIFF without language attributes: en -> zh
            self.units: list[Unit] = []
            self.unit: dict | None = None
            self.capture: tuple[str, list[str], list[tuple[int, int, int]]] | None = None  # (side, chunks, anchors)
            self.code_depth = 0
            self.locator = None

        def setDocumentLocator(self, locator):
            self.locator = locator

        def startElement(self, qname, attrs):
            name = qname.rsplit(":", 1)[-1]
            parent = self.stack[-1] if self.stack else ""
            self.stack.append(name)
            line = self.locator.getLineNumber() if self.locator else 0
            if name == "file" and attrs.get("source-language"):  # XLIFF 1.2
                self.languages = {"source": attrs.get("source-language"),
                                  "target": attrs.get("target-language") or "zh"}
            elif name == "xliff" and attrs.get("srcLang"):  # XLIFF 2.x
                self.languages = {"source": attrs.get("srcLang"), "target": attrs.get("trgLang") or "zh"}
            if name in UNIT_ELEMENTS:
                if self.unit is not None:
                    raise NestedUnit(f"<{qname}> inside <{self.unit['element']}> (line {line})")
                unit_id = attrs.get("id") or attrs.get("tuid") or str(len(self.units) + 1)
                self.unit = {"label": f"unit {unit_id}", "en": [], "zh": [], "line": line, "element": qname}
            elif name == "tuv" and self.unit is not None:
                self.unit["lang"] = _language_side(attrs.get("xml:lang") or attrs.get("lang") or "")
            if self.unit is not None and self.capture is None and (
                    (name in ("source", "target") and parent in ("trans-unit", "segment"))
                    or (name == "seg" and parent == "tuv")):
                side = _language_side(self.languages[name]) if name != "seg" else self.unit.get("lang")
                self.capture = (side or "", [], [])
                self.captured = 0  # characters captured so far in this element
            elif self.capture is not None and name in INLINE_CODES:
                self.code_depth += 1

        def endElement(self, qname):
            name = self.stack.pop() if self.stack else qname
            if self.capture is not None and name in INLINE_CODES:
                self.code_depth -= 1
            elif self.capture is not None and name in ("source", "target", "seg") and (
                    len(self.stack) and self.stack[-1] in ("trans-unit", "segment", "tuv")):
                side, chunks, anchors = self.capture
                self.capture = None
                text = "".join(chunks)
                if side == "zh" and text.strip():
                    self.unit["zh"].append(Segment(text, anchors))
                elif side == "en":
                    self.unit["en"].append(text)
            elif name in UNIT_ELEMENTS and self.unit is not None:
                unit = self.unit
                self.unit = None
                self.units.append(Unit(unit["label"], " ".join(unit["en"]), unit["zh"], unit["line"]))

        def characters(self, content):
            if self.capture is None or self.code_depth:
                return
            _, chunks, anchors = self.capture
            # expat reports each run of character data where it starts (1-based line, 0-based column, counted in
            # characters); a run holds no newline in practice, but split on them anyway
            line, column = self.locator.getLineNumber(), self.locator.getColumnNumber() + 1
            offset = self.captured
            for number, piece in enumerate(content.split("\n")):
                if number:
                    offset, line, column = offset + 1, line + 1, 1
                if piece:
                    anchors.append((offset, line, column))
                    offset += len(piece)
            self.captured = offset
            chunks.append(content)

    class Parser(DefusedExpatParser):
        def reset(self):
            super().reset()
            # never read the external DTD a TMX file names (<!DOCTYPE tmx SYSTEM "tmx14.dtd">): nothing from outside
            # the file is loaded, and defusedxml would refuse the whole file for merely naming it
            self._parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def parse(data: bytes) -> Handler:
        handler = Handler()
        parser = Parser()
        parser.setContentHandler(handler)
        parser.setFeature(xml.sax.handler.feature_namespaces, False)
        parser.parse(io.BytesIO(data))
        return handler

    try:
        try:
            handler = parse(data)
        except ValueError as exc:  # expat reads UTF-8, UTF-16 and single-byte encodings only
            if "multi-byte" not in str(exc):
                raise
            data = _as_utf8(data, path)  # and its lines, too, are read from the UTF-8
            handler = parse(data)
    except LookupError as exc:  # an encoding Python does not know either: "unknown encoding: NAME"
        raise InputError(path, f"the XML declares an unknown encoding ({str(exc).rpartition(': ')[2]})") from None
    except NestedUnit as exc:
        raise InputError(path, f"not a valid XLIFF or TMX file: {exc}") from None
    except xml.sax.SAXParseException as exc:
        raise InputError(path, f"not well-formed XML (line {exc.getLineNumber()}, column "
                               f"{exc.getColumnNumber() + 1}): {exc.getMessage()}") from None
    except DefusedXmlException as exc:
        raise InputError(path, f"refused: the XML declares entities or loads external ones ({type(exc).__name__})") \
            from None
    try:
        text, _ = decode_bytes(data, path)
    except InputError:
        text = data.decode("utf-8", "replace")
    segments = [segment for unit in handler.units for segment in unit.chinese]
    return CheckedFile(path, shown_path(path), [line.rstrip("\r") for line in text.split("\n")], segments,
                       handler.units)


_ENCODING_DECLARATION = re.compile(rb"^(\xef\xbb\xbf)?(<\?xml[^>]*?)(\sencoding\s*=\s*(\"[^\"]*\"|'[^']*'))")


def _as_utf8(data: bytes, path: Path) -> bytes:
    """An XML file in a multi-byte encoding expat cannot read (GB18030, GBK, Big5: Chinese translators' tools save
    them) as UTF-8, its encoding declaration blanked out with as many spaces, so lines and columns stay those of the
    file."""
    declared = _ENCODING_DECLARATION.match(data)
    if declared is None:
        raise InputError(path, "the XML is in an encoding expat cannot read and declares none")
    encoding = declared.group(4)[1:-1].decode("ascii", "replace")
    try:
        text = data.decode(encoding)  # a codec Python has: expat asked it before refusing a multi-byte one
    except UnicodeDecodeError as exc:
        raise InputError(path, f"not valid {encoding} (byte {exc.start})") from None
    declaration = declared.group(3).decode("ascii", "replace")
    return text.replace(declaration, " " * len(declaration), 1).encode("utf-8")


def ignored_lines(lines: Sequence[str], marker: str) -> set[int]:
    """1-based lines a `marker` (any comment: <!-- glossary-ignore -->, # glossary-ignore) exempts: its own line,
    or with `marker-next-line` the line after it."""
    same_line = re.compile(re.escape(marker) + r"(?!-next-line)")
    next_line = marker + "-next-line"
    ignored = set()
    for number, line in enumerate(lines, start=1):
        if marker not in line:
            continue
        if same_line.search(line):
            ignored.add(number)
        if next_line in line:
            ignored.add(number + 1)
    return ignored
