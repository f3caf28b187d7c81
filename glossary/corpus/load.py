"""Corpus stage: find files, decode them, repair PDF-paste damage, split paragraphs, read metadata.

Every later stage trusts what this module returns: `Document.paragraphs` holds clean running text only
(no footnote bodies, rules, page furniture or boilerplate notices), in simplified characters with folded widths.

Public API:
    collect_paths(paths, skipped=None) -> list[Path]
    decode_bytes(data, path) -> (text, encoding)
    read_source(path, settings=None) -> Source       (decoded text of one file, before repair)
    load_document(path, settings=None, boilerplate_lines=frozenset()) -> Document
    load_corpus(paths, settings=None, skip_bad=False) -> Corpus
    read_metadata(paragraphs, header_size, organs) -> dict   (organ, session, dates, title, ...)
    chinese_number(text) -> int                      (第五十二 -> 52)
    find_symbols(text) -> list[str]                  (UN document symbols, in order, unique)
"""

from __future__ import annotations

import csv
import hashlib
import logging
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from glossary.parallel import collector_paused, release_freed_memory
from glossary.config import CorpusSettings, Settings, default_settings
from glossary.errors import InputError, os_problem
from glossary.files import check_zip_archive, collect_files, describe_suffixes
from glossary.text import HAN_CHAR
from glossary.corpus.store import STORE_SUFFIX, encode_document
from glossary.model import Corpus, Document, Paragraph, Paragraphs, Source  # noqa: F401  (what this stage builds)


# --------------------------------------------------------------------------------------------------
# finding files

SUPPORTED_SUFFIXES = (".txt", ".md", ".docx", ".pdf")
SUPPORTED_NAMES = describe_suffixes(SUPPORTED_SUFFIXES)


def collect_paths(paths: Iterable[str | Path], skipped: list[InputError] | None = None) -> list[Path]:
    """Files named, plus supported files found (recursively, sorted) in folders named; a named file of another
    type is refused. No duplicates. What cannot be read (a missing path, a folder without permission, a broken
    link) raises InputError, or is appended to `skipped` when given."""
    return collect_files(paths, SUPPORTED_SUFFIXES, skipped=skipped)


# --------------------------------------------------------------------------------------------------
# decoding

# legacy Chinese codecs charset-normalizer may name -> the codec we decode with (a superset: GB18030
# covers GBK and GB2312, Big5-HKSCS covers Big5); any other detection is refused rather than guessed.
# UTF-8 and UTF-16 are recognised before the detector runs.
_CHINESE_CODECS = {
    "gb18030": "gb18030", "gbk": "gb18030", "gb2312": "gb18030",
    "big5": "big5hkscs", "big5hkscs": "big5hkscs", "cp950": "cp950",
}
# a Chinese document decoded with a legacy codec must look Chinese: at least this share of its
# visible characters are Han (UN Chinese documents: 70-90%; mis-decoded Latin text: far less)
MIN_HAN_SHARE = 0.3
_UNDECODABLE = "cannot decode: not UTF-8, UTF-16, GB18030 or Big5 text"


_SPACE_RE = re.compile(r"\s")


def _han_share(text: str) -> float:
    # counted by substitution: a list of every character (or of every match) of a 50 MB text takes gigabytes
    visible = len(text) - _SPACE_RE.subn("", text)[1]
    return HAN_CHAR.subn("", text)[1] / visible if visible else 0.0


def _plausible_text(text: str) -> bool:
    """No control characters other than whitespace: what a wrongly decoded binary would produce."""
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\t\n\r\x0c")
    return controls == 0 and "\ufffd" not in text


def _mostly_nul(text: str) -> bool:
    """More NULs than a stray one per thousand characters: binary data (or UTF-16 read as UTF-8), not text."""
    return "\x00" in text and text.count("\x00") > max(1, len(text) // 1000)


def _decode_utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """ASCII characters in UTF-16 have a NUL in every other byte: LE puts it second, BE first."""
    if len(data) % 2:
        return None
    even_nuls, odd_nuls = data[0::2].count(0), data[1::2].count(0)
    codec = "utf-16-le" if odd_nuls > even_nuls else "utf-16-be"
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    if _plausible_text(text) and (_han_share(text) >= MIN_HAN_SHARE or text.isascii()):
        return text, codec
    return None


def decode_bytes(data: bytes, path: str | Path | None = None) -> tuple[str, str]:
    """Decode a text file: UTF-8 (± BOM), UTF-16 (± BOM), GB18030/GBK or Big5. Never a silent guess."""
    if not data.strip(b" \t\r\n\x00\x0c"):
        raise InputError(path, "empty file")
    if data.startswith(b"\xef\xbb\xbf"):
        boms = [("utf-8-sig", data)]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")) and not data.startswith(b"\xff\xfe\x00\x00"):
        boms = [("utf-16", data)]
    else:
        boms = []
    for codec, payload in boms or [("utf-8", data)]:
        try:
            text = payload.decode(codec)
        except UnicodeDecodeError:
            if boms:
                raise InputError(path, f"{_UNDECODABLE} (starts with a {codec} byte-order mark but is not valid {codec})") from None
            break
        if not text.strip("\ufeff \t\r\n"):
            raise InputError(path, "empty file")
        if _mostly_nul(text):
            if boms:
                raise InputError(path, "binary file")
            break           # UTF-16 without a byte-order mark is valid UTF-8 too, a NUL every other byte
        return text, codec  # a stray NUL of a broken export is a control character: the repair replaces it
    if b"\x00" in data:
        decoded = _decode_utf16_without_bom(data)
        if decoded is None:
            raise InputError(path, "binary file")
        return decoded

    from charset_normalizer import from_bytes

    # charset-normalizer ranks candidate codecs by how garbled ("chaos") the decoded text looks. Take
    # a Chinese codec only if it is as good as the detector's best guess and the text reads as
    # Chinese: short texts are ambiguous (中等收入国家 in GBK decodes cleanly as Korean cp949 too),
    # while Japanese or Korean files rank their own codec first and are refused.
    # UTF-16 without BOM is only accepted through the NUL-byte check above: pure-CJK UTF-16 without a
    # single ASCII character cannot be told apart from random bytes.
    matches = list(from_bytes(data))
    if matches:
        least_chaos = min(match.chaos for match in matches)
        for match in matches:
            codec = _CHINESE_CODECS.get(match.encoding.lower())
            if codec is None or match.chaos > least_chaos + 0.02:
                continue
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                continue
            if _plausible_text(text) and _han_share(text) >= MIN_HAN_SHARE:
                return text, codec
    raise InputError(path, _UNDECODABLE)


# --------------------------------------------------------------------------------------------------
# readers: file -> decoded text (+ lines the source marks as headings)


_MD_INLINE = [
    (re.compile(r"^\s{0,3}[*+\-]\s+"), ""),                        # bullet of an unordered list
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),               # ![alt](image)
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),                 # [text](url)
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),         # **strong**
    (re.compile(r"(?<![*\\])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?!\*)"), r"\1"),   # *emphasis*
    (re.compile(r"(?<![\w\\])_(?=[^\s_])([^_\n]+?)(?<=[^\s_])_(?![\w])"), r"\1"),  # _emphasis_
    (re.compile(r"`([^`\n]+)`"), r"\1"),                           # `code`
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!>])"), r"\1"),             # backslash escapes
]
_MD_BLOCKQUOTE_RE = re.compile(r"^\s{0,3}>\s?")
# --- and *** are thematic breaks; ____ is left alone: it is how a footnote rule is pasted
_MD_THEMATIC_BREAK_RE = re.compile(r"^\s{0,3}([*\-])(?:\s*\1){2,}\s*$")
_MD_RULE_RE = re.compile(r"^\s*_{3,}\s*$")


def markdown_to_text(text: str) -> str:
    """Markdown markup off, text kept, line count unchanged (so line numbers still point into the file).

    `#` heading markers are left for the repair stage, which reads them as headings (.txt files
    pasted from markdown carry them too).
    """
    out = []
    for line in text.split("\n"):
        if _MD_THEMATIC_BREAK_RE.match(line):
            out.append("")
            continue
        if _MD_RULE_RE.match(line):
            out.append(line)
            continue
        line = _MD_BLOCKQUOTE_RE.sub("", line)
        for pattern, replacement in _MD_INLINE:
            line = pattern.sub(replacement, line)
        out.append(line)
    return "\n".join(out)


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    """The file's bytes, at most `max_bytes` of them (read that far and no further: a file may grow while read)."""
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(path, os_problem(exc)) from None
    if len(data) > max_bytes:
        raise InputError(path, f"the file is larger than document_max_bytes ({max_bytes:,})")
    return data


def _read_docx(path: Path, data: bytes, limits: CorpusSettings) -> tuple[str, frozenset[int]]:
    """Paragraphs in document order, table cells row by row; Word heading styles are remembered."""
    import io

    from docx import Document as open_docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.table import Table

    from glossary.corpus.repair import join_fragments

    check_zip_archive(path, limits.archive_max_unpacked_bytes, limits.archive_max_ratio, data=data,
                      kind="a readable Word (.docx) document")
    try:
        document = open_docx(io.BytesIO(data))
        lines: list[str] = []
        headings: set[int] = set()
        # python-docx's paragraph.style looks the default style up among all styles for every paragraph without
        # one (a millisecond each): the style names are read once, and each paragraph's style id looked up in them
        style_names = {style.style_id: style.name or "" for style in document.styles
                       if style.type == WD_STYLE_TYPE.PARAGRAPH}
        default_style = document.styles.default(WD_STYLE_TYPE.PARAGRAPH)
        default_name = (default_style.name if default_style is not None else "") or ""

        def add_paragraph(paragraph) -> None:
            # a manual line break (Shift+Enter) inside a paragraph does not end it
            pieces = [piece.strip() for piece in paragraph.text.split("\n")]
            text = ""
            for piece in pieces:
                text = join_fragments(text, piece)
            style = style_names.get(paragraph._p.style, default_name)
            if text and style.lower().startswith(("heading", "title")):
                headings.add(len(lines) + 1)
            lines.append(text)              # one line per Word paragraph: Paragraph.line = its ordinal

        def add_table(table: Table) -> None:
            seen_cells = set()
            for row in table.rows:
                for cell in row.cells:
                    if cell._tc in seen_cells:          # a merged cell is returned once per grid column
                        continue
                    seen_cells.add(cell._tc)
                    add_blocks(cell.iter_inner_content())

        def add_blocks(blocks) -> None:
            for block in blocks:
                if isinstance(block, Table):
                    add_table(block)
                else:
                    add_paragraph(block)

        add_blocks(document.iter_inner_content())
    except Exception as exc:  # zipfile, lxml and python-docx each raise their own types for damaged packages
        raise InputError(path, f"not a readable Word (.docx) document ({type(exc).__name__})") from None
    text = "\n".join(lines)
    if not text.strip():
        raise InputError(path, "empty file")
    return text, frozenset(headings)


_CID_RE = re.compile(r"\(cid:\d+\)")


def _read_pdf(path: Path, data: bytes, limits: CorpusSettings) -> str:
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    from glossary.corpus.pdf import PdfLimitReached, extract_pdf_text

    if b"%PDF-" not in data[:1024]:
        raise InputError(path, "not a readable PDF (no %PDF header)")
    logging.getLogger("pdfminer").setLevel(logging.ERROR)   # warnings about damaged objects are noise here
    try:
        text = extract_pdf_text(data, limits)
    except PdfLimitReached as exc:
        raise InputError(path, str(exc)) from None
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise InputError(path, "PDF is password-protected") from None
    except Exception as exc:  # pdfminer has no common base class for parse errors
        raise InputError(path, f"not a readable PDF ({type(exc).__name__})") from None
    if not text.strip():
        raise InputError(path, "PDF has no text layer (scanned image?): run OCR first")
    if not _CID_RE.sub("", text).strip():
        raise InputError(path, "PDF text layer cannot be extracted (fonts without a Unicode map)")
    return text.replace("\x0c", "\n")


def read_source(path: str | Path, settings: CorpusSettings | None = None) -> Source:
    """Read and decode one file within the limits of `settings` (sizes, archive and PDF limits; the shipped
    defaults when None); every failure is an InputError naming the file."""
    path = Path(path)
    limits = settings or default_settings().corpus
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        if not path.exists():
            raise InputError(path, "no such file or folder")
        raise InputError(path, f"unsupported file type '{path.suffix or '(none)'}' (expected {SUPPORTED_NAMES})")
    data = _read_bytes(path, limits.document_max_bytes)
    digest = hashlib.sha256(data).hexdigest()
    if not data.strip():
        raise InputError(path, "empty file")
    if suffix == ".docx":
        text, headings = _read_docx(path, data, limits)
        return Source(path, text, "docx", digest, headings)
    if suffix == ".pdf":
        return Source(path, _read_pdf(path, data, limits), "pdf", digest)
    text, encoding = decode_bytes(data, path)
    if suffix == ".md":
        text = markdown_to_text(text)
    return Source(path, text, encoding, digest)


# --------------------------------------------------------------------------------------------------
# metadata

_CHINESE_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CHINESE_UNITS = {"十": 10, "百": 100, "千": 1000}


def chinese_number(text: str) -> int:
    """第五十二 -> 52, 十九 -> 19, 一百零三 -> 103, 二〇二四 -> 2024, 52 -> 52."""
    text = text.strip().removeprefix("第")
    if text.isdigit():
        return int(text)
    if not text or any(c not in _CHINESE_DIGITS and c not in _CHINESE_UNITS for c in text):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    if not any(c in _CHINESE_UNITS for c in text):      # digit by digit: 二〇二四
        return int("".join(str(_CHINESE_DIGITS[c]) for c in text))
    total, digit = 0, None
    for char in text:
        if char in _CHINESE_DIGITS:
            digit = _CHINESE_DIGITS[char]
        else:
            total += (1 if digit is None else digit) * _CHINESE_UNITS[char]   # 十九: a bare 十 is 10
            digit = None
    return total + (digit or 0)


SESSION_RE = re.compile(r"第\s*([零〇一二两三四五六七八九十百\d]+)\s*届(?:特别)?会议")
_DATE = r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"
DATE_RANGE_RE = re.compile(
    _DATE + r"(?:\s*(?:至|到|-|–|—|~|～)\s*(?:(\d{4})\s*年\s*)?(?:(\d{1,2})\s*月\s*)?(\d{1,2})\s*日)?"
)
AGENDA_RE = re.compile(r"(?:临时)?议程项目\s*(\d+(?:\s*\(\s*[a-z]\s*\))?)")
# the byline under the title: 总干事的报告, 秘书处的说明, 主席的报告 ...
BYLINE_RE = re.compile(r"^.{0,24}的(?:报告|说明|增编|备忘录)$|^(?:报告|说明)$")
# UN document symbols: IDB.52/9, IDB.51/CRP.4, GC.19/Res.3, IDB.44/Dec.9(e), A/78/224, A/RES/70/1, E/2020/56
# "(?<!X)(?:[AES]|[A-Z]{2,6}...)" written "[A-Z](?<!X[A-Z])(?:(?<=[AES])|[A-Z]{1,5}...)": the same matches,
# but re skips ahead to the next capital letter instead of trying the lookbehind at every character
SYMBOL_RE = re.compile(
    r"[A-Z](?<![A-Za-z0-9./][A-Z])(?:(?<=[AES])|[A-Z]{1,5}\.\d{1,3})"
    r"(?:/(?:[A-Z][A-Za-z]{0,5}(?:\.\d+)?|\d+(?:\.\d+)?)(?:\([a-z0-9]{1,4}\))?)+"
)


def find_symbols(text: str) -> list[str]:
    """UN document symbols in order of first occurrence, unique, without trailing punctuation."""
    found: list[str] = []
    for m in SYMBOL_RE.finditer(text):
        symbol = m.group(0).rstrip(".,;:")
        if any(c.isdigit() for c in symbol) and symbol not in found:
            found.append(symbol)
    return found


def _iso(year: str | int, month: str | int, day: str | int) -> str | None:
    try:
        import datetime

        return datetime.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def parse_dates(text: str) -> list[str]:
    """`2024年11月25日至27日` -> [2024-11-25, 2024-11-27]; `2021年11月29日至12月3日` -> [.., 2021-12-03]."""
    dates: list[str] = []
    for m in DATE_RANGE_RE.finditer(text):
        year, month, day, end_year, end_month, end_day = m.groups()
        start = _iso(year, month, day)
        if start:
            dates.append(start)
        if end_day:
            end_month = end_month or month
            if end_year is None:
                # 12月30日至1月2日 crosses into the next year
                end_year = int(year) + (1 if int(end_month) < int(month) else 0)
            end = _iso(end_year, end_month, end_day)
            if end:
                dates.append(end)
    return dates


@lru_cache(maxsize=8)
def load_organs(path: str | Path) -> tuple[tuple[str, str], ...]:
    """(name, code) pairs from data/organs.csv, longest name first (方案和预算委员会 before 大会)."""
    path = Path(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = [(row["name"].strip(), row["code"].strip()) for row in csv.DictReader(handle) if row.get("name")]
    except FileNotFoundError:
        raise InputError(path, "no such file (organ list)") from None
    except (KeyError, csv.Error, UnicodeDecodeError) as exc:
        raise InputError(path, f"not a valid organ list: needs columns name,code ({exc})") from None
    return tuple(sorted(rows, key=lambda row: -len(row[0])))


def read_metadata(paragraphs: list[Paragraph], header_size: int, organs: Iterable[tuple[str, str]] = ()) -> dict[str, Any]:
    """Metadata from the header paragraphs (those before the first body paragraph).

    Title choice: UN reports print the agenda item's title under 临时议程项目N and then the report's
    own title (they often coincide, e.g. seed 000). `title` is the report's own title: the title
    lines after the first one, up to the byline (总干事的报告), joined; `agenda_title` is the first
    title line after the agenda item. With a single title line both are that line. The report's own title is what names the document
    (and matches the English version's title); the agenda title is kept for grouping by agenda item.
    Header paragraphs that carry metadata get kind "header".
    """
    organs = list(organs)
    meta: dict[str, Any] = {
        "organ": None, "organ_code": None, "session": None, "session_number": None, "dates": [],
        "agenda_item": None, "title": None, "agenda_title": None, "symbol": None,
    }
    title_lines: list[str] = []
    after_agenda = False
    for paragraph in paragraphs[:header_size]:
        text = paragraph.text.strip()
        is_meta = False
        for name, code in organs:
            rest = text[len(name):].strip()
            if meta["organ"] is None and text.startswith(name) and (not rest or SESSION_RE.match(rest)):
                meta["organ"], meta["organ_code"], is_meta = name, code, True
                break
        if meta["session"] is None and (m := SESSION_RE.search(text)):
            meta["session"] = re.sub(r"\s+", "", m.group(0))
            try:
                meta["session_number"] = chinese_number(m.group(1))
            except ValueError:
                pass
            is_meta = True
        if not meta["dates"] and (dates := parse_dates(text)):
            meta["dates"], is_meta = dates, True
        if meta["agenda_item"] is None and (m := AGENDA_RE.search(text)):
            meta["agenda_item"] = re.sub(r"\s+", "", m.group(1))
            after_agenda = is_meta = True
            title_lines.clear()             # titles are the lines after the agenda item
            paragraph.kind = "header"
            continue
        if meta["symbol"] is None and (symbols := find_symbols(text)) and symbols[0] == text.rstrip("*"):
            meta["symbol"], is_meta = symbols[0], True
        if is_meta:
            paragraph.kind = "header"
        elif BYLINE_RE.match(text):
            after_agenda = False
        elif after_agenda or meta["agenda_item"] is None:
            title_lines.append(text)
    if title_lines:
        from glossary.corpus.repair import join_fragments

        if meta["agenda_item"]:
            meta["agenda_title"] = title_lines[0]
            own = title_lines[1:] or title_lines[:1]
        else:
            own = title_lines
        title = ""
        for line in own:                    # a long title may still come in pieces
            title = join_fragments(title, line)
        meta["title"] = title
    if meta["symbol"] is None and meta["organ_code"] and meta["session_number"]:
        meta["symbol"] = f"{meta['organ_code']}.{meta['session_number']}"
    return meta


# --------------------------------------------------------------------------------------------------
# loading


def build_document(source: Source, settings: CorpusSettings | None = None, boilerplate_lines: frozenset[str] = frozenset()) -> Document:
    """Repair a decoded source and read its metadata."""
    from glossary.corpus.repair import repair_text

    settings = settings or default_settings().corpus
    result = repair_text(source.text, settings, boilerplate_lines, heading_lines=source.heading_lines)
    meta = read_metadata(result.paragraphs, result.header_size, load_organs(str(settings.organs)))
    body = [p.text for p in result.paragraphs if p.kind != "header"]
    cited = [s for s in find_symbols("\n".join(body + [f.text for f in result.footnotes])) if s != meta["symbol"]]
    text = result.text  # joined once: the paragraphs hold the document's own string, not a second copy
    return Document(
        path=source.path,
        text=text,
        paragraphs=Paragraphs.of(text, result.paragraphs),
        footnotes=result.footnotes,
        boilerplate=result.boilerplate,
        raw_text=source.text,
        encoding=source.encoding,
        sha256=source.sha256,
        symbols=cited,
        repairs=result.counts,
        **meta,
    )


def _record_remotely(source: Source, settings, boilerplate_lines: frozenset[str]) -> bytes:
    """build_document in a worker process, answered as the store's record (what the caller writes as it is)."""
    return encode_document(build_document(source, settings, boilerplate_lines))


def load_document(path: str | Path, settings: Settings | None = None, boilerplate_lines: frozenset[str] = frozenset()) -> Document:
    """Read, decode, repair one file. Raises InputError naming the file on any input problem."""
    corpus_settings = (settings or default_settings()).corpus
    return build_document(read_source(path, corpus_settings), corpus_settings, boilerplate_lines)


def load_corpus(
    paths: Iterable[str | Path],
    settings: Settings | None = None,
    skip_bad: bool = False,
    cache_dir: Path | None = None,
    jobs: int = 1,
    keep_raw: bool = True,
) -> Corpus:
    """Load every supported file under `paths` (callers pass [config.SEEDS_DIR] when the user gave none).

    skip_bad=False: the first bad file raises InputError. skip_bad=True: bad files, and every path that cannot be
    read (missing, a folder without permission, a broken link: see glossary.files.collect_files), are listed in
    Corpus.skipped and the rest is loaded.
    Lines recurring in `boilerplate_min_docs` documents or more are removed as boilerplate.
    keep_raw=False: once repaired, the documents hold no original text (Document.raw_text is ""), for a caller that
    never reads it (mining: 75 MB at 100 MB of text, for as long as the corpus is held).
    """
    settings = settings or default_settings()
    paths = list(paths)
    if not paths:
        raise InputError(None, "no input files or folders given")
    skipped: list[InputError] = []
    files: list[Path] = []
    seen: set[Path] = set()
    for file in collect_paths(paths, skipped if skip_bad else None):
        if file not in seen:
            seen.add(file)
            files.append(file)

    sources: list[Source] = []
    for path in files:
        try:
            sources.append(read_source(path, settings.corpus))
        except InputError as error:
            if not skip_bad:
                raise
            skipped.append(error)
    if not sources and not skipped:
        raise InputError(", ".join(map(str, paths)), f"no {SUPPORTED_NAMES} files found")

    return Corpus(Documents(sources, settings, cache_dir, jobs, keep_raw), skipped)


# the modules a document depends on: the cache keys on their code
_CODE = ("glossary.corpus.load", "glossary.corpus.pdf", "glossary.corpus.repair", "glossary.corpus.store")


class Documents(Sequence):
    """A corpus's documents, repaired on first use, so a command answered from its cache never repairs them.
    `key` identifies them without repairing: the files' names and bytes, the settings and the repair code."""

    def __init__(self, sources: list[Source], settings, cache_dir: Path | None = None, jobs: int = 1,
                 keep_raw: bool = True):
        self.sources, self.settings, self.cache_dir, self.jobs = sources, settings, cache_dir, jobs
        self.keep_raw = keep_raw  # False: the original texts are let go once the documents are repaired
        self.progress = None  # called once per document repaired (a progress bar)
        self._documents: list[Document] | None = None

    @property
    def key(self) -> str:
        from glossary.cache import cache_key, code_fingerprint, settings_fingerprint

        return cache_key(code_fingerprint(*_CODE), settings_fingerprint(self.settings),
                         *(f"{s.path.name}|{s.path.suffix.lower()}|{s.sha256}" for s in self.sources))

    def _built(self) -> list[Document]:
        if self._documents is None:
            with collector_paused():
                self._documents = self._repaired()
            # what repair freed (the original texts, the workers' answers as they were read): at 100 MB of text
            # the documents took 355 MB resident once loaded, 259 MB after this
            release_freed_memory()
        return self._documents

    def _repaired(self) -> list[Document]:
        from glossary.corpus.repair import find_recurring_lines

        recurring = frozenset()
        if self.settings.corpus.remove_boilerplate:
            recurring = find_recurring_lines(
                [source.text for source in self.sources],
                min_docs=self.settings.corpus.boilerplate_min_docs,
                min_share=self.settings.corpus.boilerplate_min_share,
                min_chars=self.settings.corpus.boilerplate_min_chars,
            )
        return build_documents(self.sources, self.settings, recurring, self.cache_dir, self.jobs, self.progress,
                               self.keep_raw)

    def __len__(self) -> int:
        return len(self.sources)

    def __getitem__(self, index):
        return self._built()[index]

    def __iter__(self):
        return iter(self._built())


def build_documents(
    sources: list[Source], settings, recurring: frozenset[str], cache_dir: Path | None = None, jobs: int = 1,
    progress=None, keep_raw: bool = True,
) -> Sequence[Document]:
    """Repair every source, in `jobs` worker processes for a large corpus, each document written to a store on
    disk (glossary.corpus.store) as it is made: a list of the documents for a corpus of at most
    settings.run.held_documents_max_chars characters, otherwise the documents read from the store when asked for.

    The store is the cache: one per fingerprint of everything the repair reads (code, settings, data files,
    recurring lines), a record per document keyed by the hash of its file's bytes (and its type: .md text loses its
    markup). A run that repairs anything writes a new store with the records it still uses, keeping older ones
    while they are fewer than this run's (a corpus edited over time does not grow it without end).
    keep_raw=False: a source's original text is let go once its document is made (Document.raw_text is "").
    """
    from glossary.cache import cache_key, code_fingerprint, entry_path, settings_fingerprint
    from glossary.corpus.store import DocumentStore, StoreWriter, StoredDocuments, decode_document

    fingerprint = repr((code_fingerprint(*_CODE), settings_fingerprint(settings), sorted(recurring)))
    path = entry_path(cache_dir, "documents", cache_key(fingerprint))
    path = path.with_suffix(STORE_SUFFIX) if path is not None else None  # a store, not an entry's archive
    previous = DocumentStore.open(path)
    keys = [f"{s.sha256}{s.path.suffix.lower()}" for s in sources]
    held = sum(len(source.text) for source in sources) <= settings.run.held_documents_max_chars
    documents: dict[int, Document] = {}  # the documents made here, when they are held

    def done(index: int, document: Document | None = None) -> None:
        if not keep_raw:
            sources[index].text = ""
            if document is not None:
                document.raw_text = ""
        if document is not None and held:
            documents[index] = document
        if progress:
            progress()

    reused: set[str] = set()  # the keys the previous store gives (a held document is read back: one of no use is redone)
    for index, key in enumerate(keys):
        if previous is None or key not in previous:
            continue
        if held:
            try:
                documents[index] = decode_document(previous.record(key), sources[index])
            except (ValueError, OSError):
                continue
        reused.add(key)
    missing = [i for i, key in enumerate(keys) if key not in reused]
    if previous is not None and not missing and len(previous.locations) < 2 * len(set(keys)):
        store = previous  # as it is: it holds this corpus's documents, and older ones fewer than those
    else:
        writer = StoreWriter(path)
        try:
            for key in dict.fromkeys(keys):
                if key in reused:
                    writer.add(key, previous.record(key))
            large = sum(len(sources[i].text) for i in missing) >= settings.run.parallel_min_chars
            if jobs > 1 and len(missing) > 1 and large:
                from concurrent.futures import ProcessPoolExecutor
                from functools import partial

                with ProcessPoolExecutor(max_workers=jobs) as pool:
                    records = pool.map(partial(_record_remotely, settings=settings.corpus,
                                               boilerplate_lines=recurring),
                                       [sources[i] for i in missing], chunksize=max(1, len(missing) // (jobs * 8)))
                    for index, record in zip(missing, records):
                        if keys[index] not in writer:  # the same bytes twice in the corpus: one record
                            writer.add(keys[index], record)
                        done(index, decode_document(record, sources[index]) if held else None)
            else:
                for index in missing:
                    document = build_document(sources[index], settings.corpus, recurring)
                    if keys[index] not in writer:
                        writer.add(keys[index], encode_document(document))
                    done(index, document)
            older = [key for key in (previous.locations if previous is not None else ()) if key not in writer]
            if len(older) < len(writer.locations):
                for key in older:
                    writer.add(key, previous.record(key))
            store = writer.finish()
        except BaseException:
            writer.discard()
            raise
        finally:
            if previous is not None:
                previous.close()
    for index in sorted(set(range(len(sources))) - set(missing)):
        done(index, documents.get(index))
    if not held:
        return StoredDocuments(store, sources, keys)
    store.close()
    return [documents[i] for i in range(len(sources))]
