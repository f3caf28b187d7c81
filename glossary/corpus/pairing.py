"""Two languages of one document: which files pair up, and which paragraphs.

Used by alignment (term evidence from parallel text) and by the checker (a source paragraph beside its
translation). Documents pair by UN symbol, else by file name without language marks; paragraphs by UN paragraph
number, else (when asked, and when both versions have as many) by order.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from glossary.model import Document, Paragraph

LANGUAGE_MARK = re.compile(r"(?:[._\-\s](?:zh|zh-cn|zhs|ch|chi|chn|c|en|eng|e))+$", re.IGNORECASE)


@dataclass
class AlignedParagraph:
    document: str
    number: str
    zh: str
    en: str


def document_key(doc: Document) -> str:
    """A file name without extension and language marks: IDB52_9_C.txt and IDB52_9_E.txt -> idb52_9."""
    return LANGUAGE_MARK.sub("", doc.path.stem).lower()


def pair_documents(zh_docs: Sequence[Document], en_docs: Sequence[Document]) -> list[tuple[Document, Document]]:
    """Chinese and English versions of one document: the same symbol (or one the session prefix of the other,
    IDB.52 / IDB.52/9, when only one document fits), else the same file name without language marks."""
    pairs, used = [], set()
    for zh in zh_docs:
        match = None
        if zh.symbol:
            same = [en for en in en_docs if en.symbol == zh.symbol and id(en) not in used]
            prefixed = [en for en in en_docs if id(en) not in used and en.symbol
                        and (en.symbol.startswith(zh.symbol + "/") or zh.symbol.startswith(en.symbol + "/"))]
            match = same[0] if same else (prefixed[0] if len(prefixed) == 1 else None)
        if match is None:
            named = [en for en in en_docs if id(en) not in used and document_key(en) == document_key(zh)]
            match = named[0] if named else None
        if match is not None:
            used.add(id(match))
            pairs.append((zh, match))
    return pairs


def paragraph_pairs(zh_doc: Document, en_doc: Document, *,
                    by_order: bool = False) -> list[tuple[Paragraph, Paragraph]] | None:
    """Paragraphs of two versions of a document by UN paragraph number (numbers used once in both). With
    `by_order`, versions without numbers pair by order when both have as many body paragraphs; None when they
    cannot be paired that way."""
    zh_numbers = Counter(p.number for p in zh_doc.paragraphs if p.number)
    en_numbers = Counter(p.number for p in en_doc.paragraphs if p.number)
    if not by_order or (zh_numbers and en_numbers):
        en_by_number = {p.number: p for p in en_doc.paragraphs if p.number and en_numbers[p.number] == 1}
        return [(p, en_by_number[p.number]) for p in zh_doc.paragraphs
                if p.number and zh_numbers[p.number] == 1 and p.number in en_by_number]
    zh_body = [p for p in zh_doc.paragraphs if p.kind != "header"]
    en_body = [p for p in en_doc.paragraphs if p.kind != "header"]
    return list(zip(zh_body, en_body)) if len(zh_body) == len(en_body) else None


def aligned_paragraphs(zh_docs: Sequence[Document], en_docs: Sequence[Document]) -> list[AlignedParagraph]:
    """Paragraph pairs of paired documents, by UN paragraph number (numbers used once in both versions)."""
    return [AlignedParagraph(zh.name, zh_paragraph.number, zh_paragraph.text, en_paragraph.text)
            for zh, en in pair_documents(zh_docs, en_docs)
            for zh_paragraph, en_paragraph in paragraph_pairs(zh, en)]
