"""Characters: the one definition of Chinese (Han) characters, CJK punctuation, and display width.

Han: the CJK Unified Ideographs with Extension A, the compatibility ideographs and the supplementary planes'
extensions B to F (U+20000 to U+2FFFF), so a rare character of a name is never taken for a separator.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"
HAN_CHAR = re.compile(f"[{HAN}]")
HAN_RUN = re.compile(f"[{HAN}]+")
# full-width punctuation that belongs to Chinese running text
CJK_PUNCT = "，。；：！？、（）《》〈〉“”‘’「」『』【】〔〕…—～·"


# Control characters from a document (or its name, or a glossary) would reach the terminal or the CI log as escape
# sequences: ESC ] 0 ; ... BEL retitles the window, ESC [ 31 m colours the rest of the log, a carriage return
# overwrites the line. C0 controls but the tab are shown as their Control Pictures (␛, ␍), DEL as ␡, C1 controls
# and lone surrogates (a file name that is no UTF-8) as the replacement character; one character, one cell each.
UNPRINTABLE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\ud800-\udfff]")


def _picture(char: str) -> str:
    code = ord(char)
    return chr(0x2400 + code) if code < 0x20 else "\u2421" if code == 0x7F else "\ufffd"


def printable(text: str) -> str:
    """`text` with no control character a terminal or a CI log would act on (one character for one)."""
    return UNPRINTABLE.sub(lambda m: _picture(m.group()), text) if UNPRINTABLE.search(text) else text


def is_han(char: str) -> bool:
    return bool(char) and HAN_CHAR.match(char) is not None


def is_cjk(char: str) -> bool:
    """Han character or punctuation that only occurs in CJK text."""
    if not char:
        return False
    code = ord(char)
    return (
        is_han(char)
        or char in CJK_PUNCT
        or 0x3000 <= code <= 0x303F       # CJK symbols and punctuation
        or 0x3200 <= code <= 0x32FF       # enclosed CJK (㈠)
        or 0xFF01 <= code <= 0xFF60       # full-width forms
    )


class _WideCharDeleter(dict):
    """str.translate table that deletes the characters taking two columns (East Asian Width W or F).

    Filled in as characters are met: the whole table would mean looking up all 1.1 million code points.
    """

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.east_asian_width(chr(code)) in "WF" else code
        self[code] = kept
        return kept


_WIDE_CHAR_DELETER = _WideCharDeleter()


# the layout tests ask for the width of each line several times (page width, margin, open paragraph)
@lru_cache(maxsize=4096)
def display_width(text: str) -> int:
    """Columns the text takes in a monospaced layout: Chinese characters count double."""
    if text.isascii():
        return len(text)
    # one pass in C instead of a Python call per character: the width is the length plus one per wide character
    return 2 * len(text) - len(text.translate(_WIDE_CHAR_DELETER))
