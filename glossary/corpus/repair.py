"""Repair the damage that copying a UN document out of a PDF does to Chinese text.

Each step is a small pure function that returns its result *and* how many changes it made, so a user
can see what was touched (`Document.repairs`). `repair_text` runs the steps in order; each step can be
switched off in the [tool.glossary] table of pyproject.toml (the keys are named after the steps).

Order matters:
  0. control characters become spaces (not a step that can be switched off: XML, and so a workbook, cannot hold
     them), and a line too long to classify whole becomes a line per sentence (`split_lines`)
  1. character level, length-preserving, line by line: `to_simplified`, `fold_width`
  2. line level: `remove_boilerplate` (notices, recurring lines, page furniture), then
     `separate_footnotes` (a page break can sit inside a sentence: the footnotes printed at the foot
     of the page must leave the line stream before broken lines are rejoined across it)
  3. `rejoin_broken_lines` turns the remaining lines into paragraphs
  4. paragraph level: `detach_footnote_markers` (needs the footnote numbers found in step 2 and the
     original spacing), then `collapse_number_spaces` and `tidy_spaces`
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Callable, ClassVar, Container, Iterable, Sequence

from glossary.config import CorpusSettings, default_settings
from glossary.errors import InputError
from glossary.text import CJK_PUNCT, HAN, HAN_CHAR, display_width, is_cjk, is_han  # noqa: F401  (the one definition)

if TYPE_CHECKING:  # pragma: no cover
    from glossary.model import Paragraph

# --------------------------------------------------------------------------------------------------
# character classes

CLOSERS = "”’」』）》】〕〉)]"
SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
SUPERSCRIPT_TO_DIGIT = str.maketrans(SUPERSCRIPT_DIGITS, "0123456789")
PARENTHESISED_IDEOGRAPHS = "㈠㈡㈢㈣㈤㈥㈦㈧㈨㈩"


def is_ascii_alnum(char: str) -> bool:
    return bool(char) and char.isascii() and char.isalnum()


def lines_matching(pattern: re.Pattern, texts: list[str], joined: str | None = None) -> list[int]:
    """Indices of the texts where a match of `pattern` over them joined by newlines starts (every index when
    a text holds a newline itself: callers test each text they get).

    A step that touches few lines of a document finds them with one search per such line over the
    joined text instead of a search per line. `joined`: "\n".join(texts), when the caller has it.
    """
    joined = "\n".join(texts) if joined is None else joined
    if joined.count("\n") != len(texts) - 1:
        return list(range(len(texts)))
    found: list[int] = []
    index = position = 0                # the text starting at `position`
    while m := pattern.search(joined, position):
        index += joined.count("\n", position, m.start())
        found.append(index)
        position = joined.find("\n", m.start()) + 1
        if not position:
            break
        index += 1
    return found


# a sentence ends with one of these, possibly followed by closing quotes/brackets
_SENTENCE_END_RE = re.compile(f"[。！？；：!?;:…][{re.escape(CLOSERS)}]*$")
# footnote markers left at the end of a line do not change whether the sentence ended
_TRAILING_MARKER_RE = re.compile(f"(?:[{SUPERSCRIPT_DIGITS}]+|(?<=[。；，：！？{re.escape(CLOSERS)}]) ?\\d{{1,2}})$")


def ends_sentence(text: str) -> bool:
    text = text.rstrip()
    # a marker ends in a digit: without one the pattern would be tried at every character in vain
    if text[-1:].isdecimal() or text[-1:] in SUPERSCRIPT_DIGITS:
        text = _TRAILING_MARKER_RE.sub("", text).rstrip()
    return bool(_SENTENCE_END_RE.search(text))


def unbalanced_brackets(text: str) -> bool:
    """True when the text opens a 《title》, “quote” or （aside） it does not close: the line goes on."""
    for opening, closing in _BRACKETS:
        if opening in text and text.count(opening) > text.count(closing):
            return True
    return False


_BRACKETS = ("《》", "“”", "（）", "「」")


# --------------------------------------------------------------------------------------------------
# paragraph shapes

NUMBERED_RE = re.compile(f"^(\\d{{1,3}})\\.(?:\\s+|(?=[{HAN}《“（]))(.*)$")
ZH_HEADING_RE = re.compile(r"^([一二三四五六七八九十]{1,3})\s*[.．、]\s*(\S.*)$")
LATIN_HEADING_RE = re.compile(r"^([A-Z]|[IVX]{1,5})\.\s+(\S.*)$")
ITEM_RE = re.compile(
    r"^(?:\(([a-z]{1,2}|[ivx]{1,5}|\d{1,2})\)|（([a-z]{1,2}|[一二三四五六七八九十]{1,3})）"
    f"|([{PARENTHESISED_IDEOGRAPHS}]))\\s*(\\S.*)$"
)
MARKDOWN_HEADING_RE = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$")
MARKDOWN_AUTOLINK_RE = re.compile(r"<((?:https?://|www\.)[^>\s]+)>")
_MARKUP_RE = re.compile("[#<]")       # a line without either has no markup split_lines takes off


def paragraph_shape(text: str) -> tuple[str, str | None, str]:
    """(kind, label, text without label) from how a paragraph starts: `12. ` `一. ` `A. ` `(a)` `㈠`."""
    if m := NUMBERED_RE.match(text):
        return "numbered", m.group(1), m.group(2).strip()
    if m := ZH_HEADING_RE.match(text):
        return "heading", m.group(1), m.group(2).strip()
    if m := LATIN_HEADING_RE.match(text):
        return "heading", m.group(1), m.group(2).strip()
    if m := ITEM_RE.match(text):
        return "item", m.group(1) or m.group(2) or m.group(3), m.group(4).strip()
    return "body", None, text


# --------------------------------------------------------------------------------------------------
# lines


@dataclass
class Line:
    text: str
    number: int                # 1-based line number in the decoded file
    heading: bool = False      # marked as a heading by the source (markdown #, Word heading style)
    piece: ClassVar[bool] = False   # a class attribute: one more field would slow every line's creation


class Piece(Line):
    """A later sentence of a line too long to classify whole (see split_long_line)."""

    piece: ClassVar[bool] = True


def split_lines(raw: str, heading_lines: Iterable[int] = (), max_chars: int = 0) -> list[Line]:
    """Lines with their original numbers; markdown `#` heading markers become `heading=True`; a line longer than
    `max_chars` (when not 0) becomes a line per sentence (`split_long_line`).

    Text pasted from markdown keeps its markup even in a .txt file (seed 004 has `## 大会`, seed 000
    `<https://…>`), so heading markers and autolink brackets are taken off here for every format.
    """
    marked = set(heading_lines)
    text = raw.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").replace("\x0c", "\n")
    texts = text.split("\n")
    lines = [Line(line, number, number in marked) for number, line in enumerate(texts, start=1)]
    if max_chars and len(text) > max_chars and max(map(len, texts)) > max_chars:
        lines = [piece for line in lines for piece in split_long_line(line, max_chars)]
        texts = [line.text for line in lines]
        text = "\n".join(texts)
    for index in lines_matching(_MARKUP_RE, texts, text):
        line = lines[index]
        if "#" in line.text and (m := MARKDOWN_HEADING_RE.match(line.text)):
            line.text, line.heading = m.group(1), True
        if "<" in line.text:
            line.text = MARKDOWN_AUTOLINK_RE.sub(r"\1", line.text)
    return lines


# where a sentence ends inside a line: Chinese full stops, and Latin ones after a small letter or a bracket and
# before a space (not 1.5, IDB.52, nor the labels 8. 一. A. that start the next paragraph); and right before a
# paragraph number glued to the heading before it (背景1. 世界银行称), as a line without its breaks has them
_SENTENCE_BREAK_RE = re.compile(
    f"(?:[。！？；…]+|(?<=[a-z{re.escape(CLOSERS)}\"'])[.!?;]+(?=\\s))[{re.escape(CLOSERS)}\"']*"
    f"|(?<=[{HAN}]) *(?=\\d{{1,3}}\\.(?: *[{HAN}《“]| +\\d))"
)
# where a sentence too long for a paragraph is cut: after a comma or a space
_CUT_AFTER = "，、,；; "


def split_long_line(line: Line, max_chars: int) -> list[Line]:
    """A line longer than `max_chars` as a line per sentence, so that each is classified on its own (a notice
    removed is one sentence, not the file; a file without line breaks is not one heading). The sentences after
    the first are `piece`s: rejoin_broken_lines puts them back together in paragraphs of at most `max_chars`.
    A sentence longer than that is cut after a comma or space (or anywhere, if it has none)."""
    if len(line.text) <= max_chars:
        return [line]
    text = line.text
    pieces: list[str] = []
    start = 0
    for end in [*(m.end() for m in _SENTENCE_BREAK_RE.finditer(text)), len(text)]:
        while end - start > max_chars:
            pieces.append(text[start:(cut := _cut_point(text, start, max_chars))])
            start = cut
        if end > start:
            pieces.append(text[start:end])
            start = end
    return [(Piece if index else Line)(piece, line.number, line.heading) for index, piece in enumerate(pieces)]


def _cut_point(text: str, start: int, max_chars: int) -> int:
    """Where to cut text[start:] at most `max_chars` on: after the last comma or space in the second half."""
    low, high = start + max_chars // 2, start + max_chars
    best = max(text.rfind(char, low, high) for char in _CUT_AFTER)
    return best + 1 if best >= 0 else high


def _content(lines: list[Line]) -> list[str]:
    """The texts of the lines that are not blank, stripped."""
    return [text for text in [line.text.strip() for line in lines] if text]


def column_width(lines: list[Line]) -> int:
    """The page's line width: wide lines of a hard-wrapped text all end near it."""
    widths = sorted(map(display_width, _content(lines)))
    return widths[int(0.9 * (len(widths) - 1))] if widths else 0


# a line this close to the page's line width reached the right margin
FULL_LINE_SHARE = 0.8
# a text is hard-wrapped (PDF paste) when this share of its lines reach the margin mid-sentence
HARD_WRAPPED_SHARE = 0.15


def is_full(text: str, width: int) -> bool:
    return width > 0 and display_width(text.strip()) >= FULL_LINE_SHARE * width


def is_hard_wrapped(lines: list[Line], width: int) -> bool:
    """PDF paste: many lines reach the right margin without ending a sentence."""
    content = _content(lines)
    if len(content) < 5:
        return False
    wrapped = sum(1 for text in content if is_full(text, width) and not ends_sentence(text))
    return wrapped >= HARD_WRAPPED_SHARE * len(content)


def join_fragments(left: str, right: str) -> str:
    """Join two pieces of one sentence: no space between Chinese characters, one between Latin words."""
    left, right = left.rstrip(), right.lstrip()
    if left and right and is_ascii_alnum(left[-1]) and is_ascii_alnum(right[0]):
        return f"{left} {right}"
    return left + right


# --------------------------------------------------------------------------------------------------
# step: control characters (always: no later stage can hold them)

# C0 controls but tab, line feed, carriage return and form feed (a page break: split_lines makes it a line break),
# DEL and C1 controls, lone surrogates, and the two non-characters XML refuses
CONTROL_CHARACTER_RE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def replace_control_characters(text: str) -> tuple[str, int]:
    """Control characters (a vertical tab from a Word export, \\x01, \\x00) become spaces: no XML, and so no .xlsx
    workbook, may hold them; a space keeps every position, and tidy_spaces drops it between Chinese characters."""
    if not CONTROL_CHARACTER_RE.search(text):
        return text, 0
    return CONTROL_CHARACTER_RE.subn(" ", text)


# --------------------------------------------------------------------------------------------------
# step: to_simplified


@lru_cache(maxsize=1)
@lru_cache(maxsize=1)
def _t2s():
    from opencc import OpenCC

    return OpenCC("t2s")


@lru_cache(maxsize=1)
def convertible_chars() -> re.Pattern | None:
    """Characters OpenCC's t2s can change (those of its character table and the changed characters of its phrase
    table). A text with none of them is already simplified and skips the pure-Python converter (about 0.6 MB/s).
    None when the tables cannot be read: then every text is converted."""
    try:
        import opencc

        folder = Path(opencc.__file__).parent / "dictionary"
        changed: set[str] = set()
        for name in ("TSCharacters.txt", "TSPhrases.txt"):
            for line in (folder / name).read_text(encoding="utf-8").splitlines():
                source, _, targets = line.partition("\t")
                target = targets.split(" ")[0]
                if len(source) != len(target):
                    changed.update(source)
                else:
                    changed.update(a for a, b in zip(source, target) if a != b)
    except (ImportError, OSError):
        return None
    if not changed:
        return None
    # re matches a class of BMP characters with one table lookup, but tries characters beyond the BMP one by
    # one: those are let through as a range, and checked one by one only where such a character stands (5x
    # faster on Chinese text). A pattern that starts with an alternation would not be scanned for its first
    # character at C speed (7x slower again).
    bmp = re.escape("".join(sorted(c for c in changed if ord(c) <= 0xFFFF)))
    astral = re.escape("".join(sorted(c for c in changed if ord(c) > 0xFFFF)))
    if not astral:
        return re.compile(f"[{bmp}]")
    return re.compile(f"[{bmp}\U00010000-\U0010FFFF](?<=[{bmp}{astral}])")


def to_simplified(text: str) -> tuple[str, int]:
    """Traditional -> simplified characters (任務 -> 任务), one character for one, so positions hold."""
    if text.isascii():
        return text, 0
    convertible = convertible_chars()
    if convertible is not None and not convertible.search(text):
        return text, 0
    if "\n" in text:  # no OpenCC phrase spans a line: convert only the lines that need it
        lines = text.split("\n")
        count = 0
        for index in lines_matching(convertible, lines, text) if convertible is not None else range(len(lines)):
            lines[index], n = to_simplified(lines[index])
            count += n
        return "\n".join(lines), count
    converter = _t2s()
    converted = converter.convert(text)
    if len(converted) != len(text):
        # a phrase rule changed the length: fall back to character by character (a character OpenCC cannot
        # change stays as it is)
        chars = []
        for char in text:
            single = converter.convert(char) if convertible is None or convertible.match(char) else char
            chars.append(single if len(single) == 1 else char)
        converted = "".join(chars)
    return converted, sum(a != b for a, b in zip(text, converted))


# --------------------------------------------------------------------------------------------------
# step: fold_width

_FULLWIDTH_JOINERS = "．／－＿＋＝＃％＆＠"          # half-width inside Latin runs (ＩＤＢ．５２／９)
_HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
_URL_RE = re.compile(r"(?:https?://|www\.)[!-~]+")
# a short label in parentheses stays half-width: (a) (iv) (12) (一), as UN Chinese documents print them
_LABEL_RE = re.compile(r"^(?:[a-z]{1,2}|[ivx]{1,5}|\d{1,2}|[一二三四五六七八九十]{1,3})$")
_FULLWIDTH_ALNUM = "\uff10-\uff19\uff21-\uff3a\uff41-\uff5a"
_FULLWIDTH_ALNUM_RE = re.compile(f"[\u3000{_FULLWIDTH_ALNUM}]")
_ALNUM_TO_HALF_WIDTH = str.maketrans(
    {"\u3000": " ", **{chr(c): chr(c - 0xFEE0) for c in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)]}}
)
# a joiner next to an ASCII letter or digit (is_ascii_alnum) is part of the Latin run
_JOINER_RE = re.compile(f"(?<=[A-Za-z0-9])[{_FULLWIDTH_JOINERS}]|[{_FULLWIDTH_JOINERS}](?=[A-Za-z0-9])")
_HALF_PUNCT_RE = re.compile(f"[{re.escape(''.join(_HALF_TO_FULL))}]")
# anything fold_width may change: most lines have none of it and are returned as they are
_FOLDABLE_RE = re.compile(f"[\u3000{_FULLWIDTH_ALNUM}{_FULLWIDTH_JOINERS}{re.escape(''.join(_HALF_TO_FULL))}]")
_PAREN_RE = re.compile(r"[()]")
_NEXT_VISIBLE_RE = re.compile(" *([^ ])")


def _paren_pairs(text: str) -> dict[int, int]:
    pairs, stack = {}, []
    for m in _PAREN_RE.finditer(text):
        i = m.start()
        if m.group() == "(":
            stack.append(i)
        elif stack:
            opening = stack.pop()
            pairs[opening] = i
            pairs[i] = opening
    return pairs


def _wants_full_width(text: str, i: int, pairs: dict[int, int]) -> bool:
    """Is the half-width ,;:?!() at `i` Chinese punctuation (see fold_width)?"""
    char = text[i]
    before = text[i - 1] if i > 0 else ""
    if char in "()" and i in pairs:
        opening, closing = sorted((i, pairs[i]))
        content = text[opening + 1:closing]
        outside_before = text[opening - 1] if opening > 0 else ""
        outside_after = text[closing + 1:closing + 2]
        if is_ascii_alnum(outside_before) or _LABEL_RE.match(content):
            return False        # 9(e), (a): part of a Latin symbol or a list label
        return bool(HAN_CHAR.search(content)) or is_cjk(outside_before) or is_cjk(outside_after)
    if is_ascii_alnum(before) and is_ascii_alnum(text[i + 1:i + 2]):
        return False            # 1,000  12:30
    next_visible = _NEXT_VISIBLE_RE.match(text, i + 1)
    return is_cjk(before) or is_cjk(next_visible.group(1) if next_visible else "")


# lines of a series of documents recur (headers, notices, links): each is folded once
@lru_cache(maxsize=8192)
def fold_width(text: str) -> tuple[str, int]:
    """One width convention: ASCII letters/digits/spaces half-width, Chinese-context punctuation full-width.

    Full-width Ａ０ and the ideographic space become ASCII. Half-width ,;:?!() become ，；：？！（）
    when they sit in Chinese text (所概述的,《2030 -> 所概述的，《2030), but stay half-width inside
    Latin runs (URLs, IDB.44/Dec.9(e), 1,000, 12:30) and around list labels like (a).
    Not NFKC: that would also fold ㈠, ¹ and 。-style punctuation.
    Every change turns a character into another, so the count is the number of characters each pass rewrote.
    """
    if not _FOLDABLE_RE.search(text):
        return text, 0
    changed = len(_FULLWIDTH_ALNUM_RE.findall(text))
    if changed:
        text = text.translate(_ALNUM_TO_HALF_WIDTH)
    text, joined = _JOINER_RE.subn(lambda m: chr(ord(m.group()) - 0xFEE0), text)
    changed += joined

    candidates = [m.start() for m in _HALF_PUNCT_RE.finditer(text)]
    if candidates:
        urls = [m.span() for m in _URL_RE.finditer(text)]
        pairs = _paren_pairs(text) if "(" in text or ")" in text else {}
        full = [
            i for i in candidates
            if not any(start <= i < end for start, end in urls) and _wants_full_width(text, i, pairs)
        ]
        if full:
            chars = list(text)
            for i in full:
                chars[i] = _HALF_TO_FULL[chars[i]]
            text = "".join(chars)
            changed += len(full)
    return text, changed


# --------------------------------------------------------------------------------------------------
# step: remove_boilerplate


@dataclass(frozen=True)
class BoilerplatePatterns:
    notices: tuple[re.Pattern, ...] = ()
    page_furniture: tuple[re.Pattern, ...] = ()


@lru_cache(maxsize=8)
def load_boilerplate_patterns(path: str | Path) -> BoilerplatePatterns:
    """Regexes from data/boilerplate.txt: `[notice]` and `[page_furniture]` sections, # comments."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise InputError(path, "no such file (boilerplate patterns)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, f"cannot read boilerplate patterns ({exc})") from None
    sections: dict[str, list[re.Pattern]] = {"notice": [], "page_furniture": []}
    section = "notice"
    for number, line in enumerate(lines, start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip()
            if section not in sections:
                raise InputError(path, f"line {number}: unknown section [{section}] (expected [notice] or [page_furniture])")
            continue
        try:
            sections[section].append(re.compile(line))
        except re.error as exc:
            raise InputError(path, f"line {number}: invalid pattern {line!r} ({exc})") from None
    return BoilerplatePatterns(tuple(sections["notice"]), tuple(sections["page_furniture"]))


_WHITESPACE_RE = re.compile(r"\s+")
_WHITESPACE_IN_LINE_RE = re.compile(r"[^\S\n]+")


def normalise_line(text: str) -> str:
    """The form in which lines are compared across documents: simplified, folded, no whitespace."""
    text = fold_width(to_simplified(text)[0])[0]
    return _WHITESPACE_RE.sub("", text)


def normalise_lines(texts: list[str]) -> list[str]:
    """normalise_line of each text, each step a pass over them all: none reaches across a line."""
    simplified = to_simplified("\n".join(texts))[0]
    lines = simplified.split("\n")
    if len(lines) != len(texts):          # a text of several lines (or none at all)
        return [normalise_line(text) for text in texts]
    normals = _WHITESPACE_IN_LINE_RE.sub("", simplified).split("\n")
    for index in lines_matching(_FOLDABLE_RE, lines, simplified):    # few lines have anything to fold
        normals[index] = _WHITESPACE_RE.sub("", fold_width(lines[index])[0])
    return normals


def recurring_line_candidate(text: str, min_chars: int) -> str | None:
    """A line that may be cross-document boilerplate: a complete sentence, not a numbered paragraph."""
    stripped = text.strip()
    if len(stripped) < min_chars or not ends_sentence(fold_width(stripped[-3:])[0]):
        return None  # cheap test first: normalising keeps or shortens the line, and keeps how it ends
    normal = normalise_line(stripped)
    if len(normal) < min_chars or not ends_sentence(normal):
        return None
    if paragraph_shape(stripped)[0] != "body" or MARKDOWN_HEADING_RE.match(stripped):
        return None
    return normal


def find_recurring_lines(texts: Sequence[str], min_docs: int, min_share: float = 0.0,
                         min_chars: int = 10) -> frozenset[str]:
    """Normalised lines that occur in at least `min_docs` (and `min_share`) of the documents. Their documents are
    counted by a 64-bit hash of each line first, then exactly, for the lines whose hash is in enough documents, in
    the documents holding one: most body lines of a corpus may be boilerplate (a sentence of its own), and counting
    them by their text held a second copy of the corpus's text."""
    import numpy as np

    if len(texts) < max(min_docs, 1):
        return frozenset()
    needed = max(min_docs, min_share * len(texts))
    candidates: dict[str, str | None] = {}  # a line met again (the very boilerplate sought) is examined once

    def normal_lines(text: str) -> set[str]:
        if len(candidates) > RECURRING_MEMO_LINES:
            candidates.clear()
        seen = set()
        for line in text.splitlines():
            if len(line) < min_chars:
                continue  # too short even before stripping
            if line not in candidates:
                candidates[line] = recurring_line_candidate(line, min_chars)
            seen.add(candidates[line])
        seen.discard(None)
        return seen

    hashes = [np.unique(np.fromiter(map(hash, normal_lines(text)), dtype=np.int64)) for text in texts]
    values, documents = np.unique(np.concatenate(hashes), return_counts=True)
    recurring = values[documents >= needed]
    if not len(recurring):
        return frozenset()
    wanted = set(recurring.tolist())
    exact: dict[str, int] = {}
    for text, found in zip(texts, hashes):
        if np.isin(found, recurring).any():
            for normal in normal_lines(text):
                if hash(normal) in wanted:
                    exact[normal] = exact.get(normal, 0) + 1
    return frozenset(normal for normal, count in exact.items() if count >= needed)


RECURRING_MEMO_LINES = 100_000  # the lines find_recurring_lines remembers the verdict of, at most


# a pattern that refers to its own groups (\\1, (?P=name), (?(1)...)) would read another's in an alternation
_GROUP_REFERENCE_RE = re.compile(r"\\[1-9]|\(\?P=|\(\?\(")


@lru_cache(maxsize=32)
def _any_search(patterns: tuple[re.Pattern, ...]) -> Callable[[str], bool]:
    """Does any of the patterns occur in a text? One alternation searched once instead of a search per pattern."""
    if not patterns:
        return lambda text: False
    if not any(_GROUP_REFERENCE_RE.search(p.pattern) for p in patterns):
        try:
            combined = re.compile("|".join(f"(?:{p.pattern})" for p in patterns))
        except re.error:
            pass                # global flags such as (?i) only compile at the start of a pattern
        else:
            return lambda text: combined.search(text) is not None
    return lambda text: any(p.search(text) for p in patterns)


# can see past the end of a line: a match in the line may then have none in the lines joined by newlines
_LINE_BOUND_RE = re.compile(r"\\[AZ]|\(\?<?!|\(\?\(|\(\?[a-zA-Z]*-")


@lru_cache(maxsize=32)
def _joined_search(patterns: tuple[re.Pattern, ...]) -> re.Pattern | None:
    """One pattern that matches wherever any of the patterns matches one of several lines joined by newlines
    (it may also match elsewhere); None when the patterns cannot be combined so."""
    if not patterns or any(_LINE_BOUND_RE.search(p.pattern) or _GROUP_REFERENCE_RE.search(p.pattern) for p in patterns):
        return None
    try:
        # ^ and $ of a line match at a newline of the lines joined
        return re.compile("|".join(f"(?:{p.pattern})" for p in patterns), re.MULTILINE)
    except re.error:
        return None


def _maybe_matching(patterns: tuple[re.Pattern, ...], texts: list[str], joined: str) -> Container[int]:
    """Indices of the texts that may contain a match of any of the patterns (a superset)."""
    if not patterns:
        return ()
    combined = _joined_search(patterns)
    return range(len(texts)) if combined is None else set(lines_matching(combined, texts, joined))


# a notice that ends in a colon introduces a list (下列联合国文件在全球属于公有领域: / 1. …; / - …;): its items are the
# notice's too, up to the first line that is no list item
_INTRODUCES_LIST_RE = re.compile(r"[:：]$")
_LIST_ITEM_RE = re.compile(r"^(?:\d{1,2}\s*[.．、)）]|[-–—*•·]|[(（](?:[a-z]|\d{1,2}|[一二三四五六七八九十]{1,3})[)）])\s*\S")


def remove_boilerplate(
    lines: list[Line], patterns: BoilerplatePatterns, recurring: frozenset[str] | set[str] = frozenset()
) -> tuple[list[Line], list[str], dict[str, int]]:
    """Drop notice lines (pattern or recurring across documents) and page furniture. A line of a notice pattern
    ending in a colon takes the list items that follow it (blank lines between them allowed) with it.

    Returns the kept lines (blank lines kept, they matter for layout), the removed lines, and counts
    {"boilerplate_lines": n, "page_furniture": n}.
    """
    kept, removed = [], []
    counts = {"boilerplate_lines": 0, "page_furniture": 0}
    is_notice, is_furniture = _any_search(patterns.notices), _any_search(patterns.page_furniture)
    texts = [line.text.strip() for line in lines]
    joined = "\n".join(texts)
    # a search over the whole document rules out most lines: only the others are tested one by one
    notices = _maybe_matching(patterns.notices, texts, joined)
    furniture = _maybe_matching(patterns.page_furniture, texts, joined)
    normals = normalise_lines(texts) if recurring else [""] * len(texts)
    listing = False  # inside the list a notice introduced
    for index, (line, text) in enumerate(zip(lines, texts)):
        if not text:
            kept.append(line)
            continue
        noticed = index in notices and is_notice(text)
        if noticed or normals[index] in recurring:
            counts["boilerplate_lines"] += 1
            removed.append(text)
            # a line only recurring may be a document's own lead-in (决定如下:): its list is text
            listing = noticed and _INTRODUCES_LIST_RE.search(text) is not None
            continue
        if listing and _LIST_ITEM_RE.match(text):
            counts["boilerplate_lines"] += 1
            removed.append(text)
            continue
        listing = False
        if index in furniture and is_furniture(text):
            counts["page_furniture"] += 1
            removed.append(text)
        else:
            kept.append(line)
    return kept, removed, counts


# --------------------------------------------------------------------------------------------------
# step: separate_footnotes

RULE_RE = re.compile(r"^\s*[_＿]{5,}\s*$")
# inside a footnote area (after a ____ rule): " 2 见 A/75/158。", " * 因技术原因于...重发。"
NUMBERED_FOOTNOTE_RE = re.compile(r"^\s*(\d{1,3}|\*{1,3}|[†‡])\s+(\S.*)$")
# anywhere: "¹ 截至2024年9月4日的数字。" (a superscript cannot start a sentence of running text)
SUPERSCRIPT_FOOTNOTE_RE = re.compile(f"^\\s*([{SUPERSCRIPT_DIGITS}]+)\\s*(\\S.*)$")
URL_LINE_RE = re.compile(r"^\s*<?(?:https?://|www\.)\S+>?\s*$")
_FOOTNOTE_START_RE = re.compile(f"[_＿{SUPERSCRIPT_DIGITS}]")    # on every line RULE_RE or SUPERSCRIPT_FOOTNOTE_RE match


@dataclass
class Footnote:
    marker: str | None          # "2", "*"; None for a bare link line
    text: str
    line: int
    open: bool = False          # the body may continue on the next line

    def extend(self, text: str, width: int) -> None:
        self.text = join_fragments(self.text, text)
        self.open = _footnote_continues(text, width)


def _footnote_continues(text: str, width: int) -> bool:
    """A footnote goes on only when its line reaches the margin mid-sentence (卢 / 旺达)."""
    text = text.strip()
    return is_full(text, width) and not ends_sentence(text) and not URL_LINE_RE.match(text.split()[-1])


def separate_footnotes(lines: list[Line], width: int | None = None) -> tuple[list[Line], list[Footnote], dict[str, int]]:
    """Move footnote bodies, `____` rules and the bare links printed after them out of the running text.

    Numbered bodies (` 2 见 A/75/158。`) are recognised only after a rule, so a wrapped line starting
    with a number (`20 个发展伙伴`) is never mistaken for one; superscript bodies (`¹ 截至…`) anywhere.
    A body continues on the next line only if it reached the margin mid-sentence; the first line
    after it that is not a body ends the footnote area, so running text broken by the page break is
    free to rejoin.
    """
    width = column_width(lines) if width is None else width
    # up to the first rule or superscript body nothing can be a footnote: those lines are kept unread
    first = next(iter(lines_matching(_FOOTNOTE_START_RE, [line.text for line in lines])), len(lines))
    kept: list[Line] = lines[:first]
    notes: list[Footnote] = []
    counts = {"footnote_bodies": 0, "footnote_links": 0, "rules": 0}
    in_area = False             # after a rule, before the next running text
    after_notes = False         # running text has not resumed since the last footnote
    current: Footnote | None = None
    for line in lines[first:]:
        text = line.text.strip()
        if not text:
            kept.append(line)
            continue
        if RULE_RE.match(text):
            counts["rules"] += 1
            in_area, after_notes, current = True, True, None
            continue
        start = SUPERSCRIPT_FOOTNOTE_RE.match(text) or (in_area and NUMBERED_FOOTNOTE_RE.match(text))
        if start:
            marker = start.group(1).translate(SUPERSCRIPT_TO_DIGIT)
            current = Footnote(marker, start.group(2).strip(), line.number)
            current.open = _footnote_continues(text, width)
            notes.append(current)
            counts["footnote_bodies"] += 1
            after_notes = True
        elif current is not None and current.open:
            current.extend(text, width)
        elif after_notes and URL_LINE_RE.match(text):
            notes.append(Footnote(None, text.strip("<> "), line.number))
            counts["footnote_links"] += 1
            current = None
        else:
            kept.append(line)
            in_area, after_notes, current = False, False, None
    return kept, notes, counts


# --------------------------------------------------------------------------------------------------
# step: rejoin_broken_lines


@dataclass
class Block:
    """A paragraph being assembled from lines."""
    text: str
    line: int
    heading: bool = False
    last_line: str = ""         # the last physical line appended, as printed
    lines: int = 1
    last_number: int = 0        # the number of that line


# an unclosed 《 or “ keeps a short line open for at most this many lines
MAX_BRACKET_LINES = 3


def rejoin_broken_lines(lines: list[Line], width: int | None = None, max_chars: int = 0) -> tuple[list[Block], int]:
    """Turn lines into paragraphs, rejoining sentences that a PDF broke at the line end.

    A paragraph goes on to the next line when its last line is still open: it reached the right
    margin of a hard-wrapped text (a PDF wraps at the margin, also right after a 。), it leaves a
    《title》/“quote” unclosed (seed 004's title), or it ends in a markdown hard break.
    Even then a new paragraph starts
      - after a finished sentence (。；： …), at any paragraph shape: `12. `, `一. `, `A. `, `(a)`, `㈠`;
      - after a sentence broken mid-way, only at the unambiguous ones: `一. ` and `12. ` when 12 is
        the next paragraph number (a wrapped line may well begin with `(c)` or `A. `).
    Short lines (titles, headings, the date line) never reach the margin, so they stay on their own.
    Blank lines between the pieces do not matter: PDF pastes put them everywhere.
    The pieces are joined without a space, except between two Latin letters/digits.
    The sentences of a line too long to classify whole (`Line.piece`) go back together unless one starts a
    paragraph. No paragraph grows past `max_chars` (when not 0).
    Returns the paragraphs and the number of line joins.
    """
    width = column_width(lines) if width is None else width
    hard_wrapped = is_hard_wrapped(lines, width)
    blocks: list[Block] = []
    joins = 0
    next_number = 1
    blank_before = False
    for line in lines:
        text = line.text.strip()
        if not text:
            blank_before = True
            continue
        previous = blocks[-1] if blocks else None
        if previous is not None:
            if line.piece and previous.last_number == line.number:
                # a piece starts where a sentence ended, or before a paragraph number: any paragraph shape starts one
                if (not max_chars or len(previous.text) + len(text) < max_chars) and not _starts_paragraph(
                    text, next_number, after_sentence_end=True
                ):
                    # the space the line had between its sentences (Latin text), none between Chinese ones
                    spaced = line.text[:1].isspace() or previous.last_line[-1:].isspace()
                    previous.text += (" " if spaced else "") + text
                    previous.last_line = line.text
                    continue
            elif not previous.heading and not line.heading and _is_open(
                previous, hard_wrapped, width, blank_before
            ) and not _starts_paragraph(text, next_number, after_sentence_end=ends_sentence(previous.last_line)) and (
                not max_chars or len(previous.text) + len(text) < max_chars
            ):
                previous.text = join_fragments(previous.text, text)
                previous.last_number = line.number
                previous.last_line = line.text
                previous.lines += 1
                joins += 1
                blank_before = False
                continue
        blocks.append(Block(text, line.number, line.heading, line.text, 1, line.number))
        if m := NUMBERED_RE.match(text):
            next_number = int(m.group(1)) + 1
        blank_before = False
    blocks, attested = rejoin_attested_breaks(blocks, max_chars)
    return blocks, joins + attested


# a short line broken off a heading is rejoined only when the document prints the join, from this many characters
ATTESTED_MIN_CHARS = 8
# only lines this short (characters) are tested: headings and title lines, not paragraphs of running text
ATTESTED_MAX_LINE_CHARS = 40


def rejoin_attested_breaks(blocks: list[Block], max_chars: int = 0) -> tuple[list[Block], int]:
    """Rejoin a short line and the short line after it where the document itself prints them unbroken: a heading a
    PDF or web paste broke in two (经济及社会理事会主持召开的可持续 / 发展高级别政治论坛, while another line of the same
    document reads 可持续发展高级别政治论坛部长级会议). The first line ends no sentence; the second opens no paragraph
    (no label); the last two characters of the first and the whole second, at least ATTESTED_MIN_CHARS characters,
    occur in another paragraph of the document as they are (no space at the break). A join the text attests, not
    one a dictionary guesses: two headings that merely follow each other are not printed run together elsewhere.
    Every possible join is looked up in one pass over the document (Aho-Corasick), so a document of many short
    lines costs its length, not its length times its lines. Returns the blocks and the number of joins."""
    if len(blocks) < 3:
        return blocks, 0
    wanted = {blocks[k].text[-2:] + blocks[k + 1].text for k in range(len(blocks) - 1)
              if _may_join_attested(blocks[k], blocks[k + 1], max_chars)}
    attested = _occurring(wanted, "\n".join(block.text for block in blocks))
    kept: list[Block] = [blocks[0]]
    joins = 0
    for block in blocks[1:]:
        previous = kept[-1]
        if _may_join_attested(previous, block, max_chars) and previous.text[-2:] + block.text in attested:
            previous.text = join_fragments(previous.text, block.text)
            previous.last_line, previous.last_number = block.last_line, block.last_number
            previous.lines += block.lines
            joins += 1
            continue
        kept.append(block)
    return kept, joins


def _may_join_attested(previous: Block, block: Block, max_chars: int) -> bool:
    """The shape rejoin_attested_breaks asks of two short lines before looking their join up."""
    return (
        not previous.heading and not block.heading
        and len(previous.last_line.strip()) <= ATTESTED_MAX_LINE_CHARS
        and len(block.text) <= ATTESTED_MAX_LINE_CHARS
        and len(previous.text) >= 2
        and is_han(previous.text[-1]) and is_han(block.text[0])
        and len(block.text) + 2 >= ATTESTED_MIN_CHARS
        and not ends_sentence(previous.text)
        and paragraph_shape(block.text)[0] == "body"
        and (not max_chars or len(previous.text) + len(block.text) < max_chars)
    )


def _occurring(needles: set[str], text: str) -> set[str]:
    """The needles that occur in the text, found in one pass."""
    if not needles:
        return set()
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for needle in needles:
        automaton.add_word(needle, needle)
    automaton.make_automaton()
    return {needle for _, needle in automaton.iter(text)}


def _is_open(block: Block, hard_wrapped: bool, width: int, blank_before: bool) -> bool:
    """Does the paragraph go on after its last line?"""
    last = block.last_line
    # 《最不发达国家维也纳 / 部长级宣言》: a title cut in two. Not after a finished sentence (a quoted
    # passage of several paragraphs closes its “ only at the end) and not for long: a stray 《 must
    # not swallow the rest of the header
    if block.lines < MAX_BRACKET_LINES and unbalanced_brackets(block.text) and not ends_sentence(last):
        return True
    if hard_wrapped:
        # a line that reaches the margin goes on, even after 。: a PDF wraps at the margin, not at
        # sentence ends; paragraphs in UN documents start with a number, a heading or an item label.
        # A heading line that happens to be that long stays on its own.
        return is_full(last, width) and not (block.lines == 1 and paragraph_shape(block.text)[0] == "heading")
    markdown_hard_break = last.endswith("  ") and not blank_before
    return markdown_hard_break and not ends_sentence(last)


def _starts_paragraph(text: str, next_number: int, after_sentence_end: bool) -> bool:
    """Does this line start a paragraph although the previous line reached the margin?

    After a finished sentence any paragraph shape does (`(a)` after `：`); after a sentence broken at
    the margin only the unambiguous ones: `一. 背景`, and `12. ` when 12 is the next number.
    """
    if after_sentence_end and paragraph_shape(text)[0] != "body":
        return True
    if ZH_HEADING_RE.match(text):
        return True
    m = NUMBERED_RE.match(text)
    return bool(m) and int(m.group(1)) == next_number


# --------------------------------------------------------------------------------------------------
# step: detach_footnote_markers

_HAN_CLASS = f"[{HAN}]"
_CLOSING_PUNCT = f"[。；，：！？{re.escape(CLOSERS)}]"
_SUPERSCRIPT_MARKER_RE = re.compile(f"(?<![A-Za-z0-9])[{SUPERSCRIPT_DIGITS}]+")
_SUPERSCRIPT_DIGIT_RE = re.compile(f"[{SUPERSCRIPT_DIGITS}]")


@lru_cache(maxsize=256)
def _marker_patterns(number: str) -> list[re.Pattern]:
    n = re.escape(number)
    return [
        # 重要性 2工业: spaced off the word before, glued to the next word (a number would have a space)
        re.compile(f"(?<={_HAN_CLASS}) {n}(?={_HAN_CLASS})"),
        # 行动十年 1，呼吁: right before Chinese punctuation
        re.compile(f"(?<={_HAN_CLASS}|[{re.escape(CLOSERS)}]) ?{n}(?=[，。；：！？])"),
        # 合作活动；4 at the end of a paragraph
        re.compile(f"(?<={_CLOSING_PUNCT}) ?{n}(?=\\s*$)"),
    ]


def detach_footnote_markers(texts: list[str], footnote_numbers: Iterable[str]) -> tuple[list[str], list[tuple[int, str]], int]:
    """Remove footnote reference numbers from running text.

    Superscript digits (¹) are always markers unless they follow a Latin letter or digit (m²).
    A plain digit is taken as a marker only if the document has a footnote body with that number,
    it has one of the marker shapes (see `_marker_patterns`), and it comes after the marker of the
    previous footnote: markers are printed in order, real numbers such as 17 项, 目标 9 促进, 2030 年,
    103个 never have these shapes.  Returns the texts, the markers found as (paragraph index, number),
    and their count.
    """
    texts = list(texts)
    markers: list[tuple[int, str]] = []
    for index in lines_matching(_SUPERSCRIPT_DIGIT_RE, texts):      # few paragraphs have a superscript digit
        text = texts[index]
        found = [(index, m.group(0).translate(SUPERSCRIPT_TO_DIGIT)) for m in _SUPERSCRIPT_MARKER_RE.finditer(text)]
        if found:
            markers.extend(found)
            texts[index] = _SUPERSCRIPT_MARKER_RE.sub("", text)

    numbers = sorted({n for n in footnote_numbers if n and n.isdigit()}, key=int)
    position = (0, 0)
    for number in numbers:
        patterns = _marker_patterns(number)
        found = None
        for index in range(position[0], len(texts)):
            start = position[1] if index == position[0] else 0
            if texts[index].find(number, start) < 0:
                continue        # every marker shape contains the number
            matches = [m for p in patterns if (m := p.search(texts[index], start))]
            if matches:
                found = index, min(matches, key=lambda m: m.start())
                break
        if found is None:
            continue            # no marker for this footnote: leave the text alone
        index, m = found
        texts[index] = texts[index][:m.start()] + texts[index][m.end():]
        markers.append((index, number))
        position = (index, m.start())
    markers.sort()
    return texts, markers, len(markers)


# --------------------------------------------------------------------------------------------------
# steps: collapse_number_spaces, tidy_spaces

_NUMBER = r"\d(?:[\d,.\-–/]*\d)?%?"
_NOT_IN_NUMBER = r"A-Za-z0-9_.,/\-–%"
# "(?<=X) +" written " (?<=X ) *": the same matches, but starting with a literal space lets re skip ahead to
# the next space instead of trying the lookbehind at every character
_SPACE_BEFORE_NUMBER_RE = re.compile(f" (?<={_HAN_CLASS} ) *(?={_NUMBER}(?![{_NOT_IN_NUMBER}]))")
# "(?<!X)\d..." written "\d(?<!X\d)...": the same matches, but re skips ahead to the next digit
_SPACE_AFTER_NUMBER_RE = re.compile(f"(\\d(?<![{_NOT_IN_NUMBER}]\\d){_NUMBER[2:]}) +(?={_HAN_CLASS})")
_SPACE_BEFORE_PERCENT_RE = re.compile(r" (?<=\d ) *(?=%)")


def collapse_number_spaces(text: str) -> tuple[str, int]:
    """`2018 年 11 月` -> `2018年11月`, `第 70/293 号` -> `第70/293号`, `58 %` -> `58%`.

    Only plain numbers: the spaces UN Chinese puts around Latin symbols (文件 IDB.51/CRP.4 提交,
    COVID-19 大流行) stay.
    """
    if " " not in text:
        return text, 0          # every pattern removes spaces
    count = 0
    for pattern, replacement in (
        (_SPACE_BEFORE_NUMBER_RE, ""),
        (_SPACE_AFTER_NUMBER_RE, r"\1"),
        (_SPACE_BEFORE_PERCENT_RE, ""),
    ):
        text, n = pattern.subn(replacement, text)
        count += n
    return text, count


_SPACE_AROUND_PUNCT_RE = re.compile(f" (?: *(?=[{CJK_PUNCT}])|(?<=[{CJK_PUNCT}] ) *)")     # literal first: see above
_SPACE_BETWEEN_HAN_RE = re.compile(f" (?<={_HAN_CLASS} ) *(?={_HAN_CLASS})")


# a run of blanks other than a single space: that one needs no replacing
_BLANKS_RE = re.compile(r"[\t\u00a0][ \t\u00a0]*| [ \t\u00a0]+")


def tidy_spaces(text: str) -> tuple[str, int]:
    """Single spaces; none next to full-width punctuation or between two Chinese characters."""
    return _drop_spaces(_BLANKS_RE.sub(" ", text).strip())


def _drop_spaces(text: str) -> tuple[str, int]:
    if " " not in text:
        return text, 0          # both patterns remove spaces
    count = 0
    for pattern in (_SPACE_AROUND_PUNCT_RE, _SPACE_BETWEEN_HAN_RE):
        text, n = pattern.subn("", text)
        count += n
    return text, count


def tidy_paragraphs(texts: list[str], collapse: bool = True) -> tuple[list[str], int, int]:
    """`collapse_number_spaces` (when `collapse`) then `tidy_spaces` on each text, with their counts.

    No pattern of either reaches across a newline, so texts without one are done in a single pass over
    them joined instead of a call per paragraph.
    """
    joined = "\n".join(texts)
    if joined.count("\n") != len(texts) - 1:     # a text of several lines (or none at all)
        done = [collapse_number_spaces(text) if collapse else (text, 0) for text in texts]
        tidied = [tidy_spaces(text) for text, _ in done]
        return [text for text, _ in tidied], sum(n for _, n in done), sum(n for _, n in tidied)
    collapsed = 0
    if collapse:
        joined, collapsed = collapse_number_spaces(joined)
    joined = "\n".join(text.strip() for text in _BLANKS_RE.sub(" ", joined).split("\n"))
    joined, tidied = _drop_spaces(joined)
    return joined.split("\n"), collapsed, tidied


# --------------------------------------------------------------------------------------------------
# orchestrator

COUNT_KEYS = (
    "control_characters", "traditional_converted", "width_folded", "boilerplate_lines", "page_furniture", "rules",
    "footnote_bodies", "footnote_links", "rejoined_lines", "footnote_markers", "number_spaces", "spaces_tidied",
)


@dataclass
class RepairResult:
    paragraphs: list["Paragraph"]
    footnotes: list["Paragraph"]
    boilerplate: list[str]                          # lines removed as boilerplate / page furniture
    counts: dict[str, int]                          # step -> changes made; keys: COUNT_KEYS
    markers: list[tuple[int, str]] = field(default_factory=list)  # (paragraph index, footnote number)
    header_size: int = 0                            # leading paragraphs before the first body paragraph

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.paragraphs)




def repair_text(
    raw: str,
    settings: CorpusSettings | None = None,
    boilerplate_lines: frozenset[str] | set[str] = frozenset(),
    heading_lines: Iterable[int] = (),
) -> RepairResult:
    """Run the enabled repair steps over one decoded document.

    `settings`: which steps run, and the boilerplate patterns (the shipped defaults when None).
    `boilerplate_lines`: normalised lines found to recur across documents (`find_recurring_lines`).
    `heading_lines`: line numbers the source marked as headings (Word heading styles).
    """
    from glossary.model import Paragraph

    settings = settings or default_settings().corpus
    counts = dict.fromkeys(COUNT_KEYS, 0)
    raw, counts["control_characters"] = replace_control_characters(raw)
    lines = split_lines(raw, heading_lines, settings.max_paragraph_chars)

    if settings.to_simplified:
        # no OpenCC phrase spans a line, so the text goes in whole: one scan usually finds nothing to convert
        simplified, counts["traditional_converted"] = to_simplified("\n".join(line.text for line in lines))
        if counts["traditional_converted"]:
            for line, text in zip(lines, simplified.split("\n")):
                line.text = text
    if settings.fold_width:
        # most lines have nothing to fold (fold_width would return them as they are)
        for index in lines_matching(_FOLDABLE_RE, [line.text for line in lines]):
            line = lines[index]
            line.text, n = fold_width(line.text)
            counts["width_folded"] += n

    width = column_width(lines)
    removed: list[str] = []
    if settings.remove_boilerplate:
        lines, removed, step_counts = remove_boilerplate(lines, load_boilerplate_patterns(str(settings.boilerplate_patterns)), boilerplate_lines)
        counts.update(step_counts)

    notes: list[Footnote] = []
    if settings.separate_footnotes:
        lines, notes, step_counts = separate_footnotes(lines, width)
        counts.update(step_counts)

    if settings.rejoin_broken_lines:
        blocks, counts["rejoined_lines"] = rejoin_broken_lines(lines, width, settings.max_paragraph_chars)
    else:
        blocks = [Block(line.text.strip(), line.number, line.heading, line.text) for line in lines if line.text.strip()]

    # structure: label, number and kind of each paragraph; the header ends at the first paragraph
    # that is numbered, labelled or a complete sentence (the summary)
    shaped = []
    in_header = True
    for block in blocks:
        shape, label, text = paragraph_shape(block.text)
        in_header = in_header and shape == "body" and not ends_sentence(block.text)
        kind = "heading" if block.heading or in_header else ("body" if shape == "numbered" else shape)
        number = label if shape == "numbered" else None
        shaped.append((block, kind, number, None if number else label, text, in_header))

    texts = [text for *_, text, _ in shaped]
    markers: list[tuple[int, str]] = []
    if settings.detach_footnote_markers:
        texts, markers, counts["footnote_markers"] = detach_footnote_markers(texts, [n.marker for n in notes if n.marker])

    finished, counts["number_spaces"], counts["spaces_tidied"] = tidy_paragraphs(
        texts + [note.text for note in notes], settings.collapse_number_spaces
    )
    paragraphs = []
    header_size = 0
    new_index: dict[int, int] = {}
    for position, ((block, kind, number, label, _, header), text) in enumerate(zip(shaped, finished)):
        if not text:
            continue        # nothing left once a marker was detached
        new_index[position] = len(paragraphs)
        header_size += header
        paragraphs.append(Paragraph(text=text, index=len(paragraphs), number=number, kind=kind, line=block.line, label=label))
    markers = [(new_index[i], n) for i, n in markers if i in new_index]
    footnotes = [
        Paragraph(text=text, index=i, number=note.marker, kind="footnote", line=note.line)
        for i, (note, text) in enumerate(zip(notes, finished[len(texts):]))
    ]
    return RepairResult(paragraphs, footnotes, removed, counts, markers, header_size)
