"""Corpus statistics: size, vocabulary, what the repair changed, and the most frequent content words."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Iterator, Sequence

import pandas as pd

from glossary.config import Settings, default_settings
from glossary.model import Document
from glossary.text import HAN_CHAR
from glossary.mining.shape import FUNCTION_POS, NUMBER, PUNCTUATION, read_word_list
from glossary.mining.segment import Segmenter, default_cache_dir, read_user_dict

CJK_CHAR = HAN_CHAR
SENTENCE_END = re.compile(r"[。！？!?；;]+")
CONTENT_POS_PREFIXES = ("n", "v", "a", "j", "l", "i", "eng")


@dataclass
class DocumentStats:
    path: str
    title: str | None
    symbol: str | None
    date: str | None
    organ: str | None
    session: str | None
    agenda_item: str | None
    symbols_cited: list[str]
    encoding: str
    characters: int
    cjk_characters: int
    paragraphs: int
    sentences: int
    tokens: int
    footnotes: int
    boilerplate_lines: int


@dataclass
class CorpusStats:
    documents: int
    characters: int
    cjk_characters: int
    paragraphs: int
    sentences: int
    tokens: int
    types: int
    type_token_ratio: float
    hapax: int
    repairs: dict[str, int]
    per_document: list[DocumentStats]
    top_terms: list[dict] = field(default_factory=list)  # most frequent content words: word, pos, count

    def to_dict(self) -> dict:
        return asdict(self)

    def summary_table(self) -> pd.DataFrame:
        rows = [
            ("documents", self.documents),
            ("characters", self.characters),
            ("CJK characters", self.cjk_characters),
            ("paragraphs", self.paragraphs),
            ("sentences", self.sentences),
            ("tokens (jieba)", self.tokens),
            ("types", self.types),
            ("type/token ratio", round(self.type_token_ratio, 4)),
            ("hapax legomena", self.hapax),
        ]
        rows += [(f"repair: {step}", count) for step, count in sorted(self.repairs.items())]
        # object, not float64: counts stay integers beside the one ratio (16660, not 1.666e+04 or 16660.0)
        return pd.DataFrame(rows, columns=["measure", "value"], dtype=object)

    def documents_table(self) -> pd.DataFrame:
        table = pd.DataFrame([asdict(d) for d in self.per_document])
        if len(table):
            table["symbols_cited"] = table["symbols_cited"].map(" ".join)
        return table

    def top_terms_table(self) -> pd.DataFrame:
        return pd.DataFrame(self.top_terms, columns=["word", "pos", "count"])


# a document is tagged this many characters of paragraphs at a time: the tokens of a 50 MB document held at once
# would take gigabytes (a document of UN size is one batch, cached as one entry)
TAG_BATCH_CHARS = 1_000_000


def tagged_paragraphs(segmenter: Segmenter, paragraphs: Sequence) -> Iterator[tuple]:
    """(paragraph, its tokens) for each paragraph, tagged a batch of TAG_BATCH_CHARS at a time."""
    batch: list = []
    size = 0
    for index, paragraph in enumerate(paragraphs):
        batch.append(paragraph)
        size += len(paragraph.text)
        if size >= TAG_BATCH_CHARS or index == len(paragraphs) - 1:
            yield from zip(batch, segmenter.tag_document([p.text for p in batch]))
            batch, size = [], 0


def count_sentences(text: str) -> int:
    return sum(1 for part in SENTENCE_END.split(text) if part.strip())


def is_content_word(word: str, pos: str, stopwords: frozenset[str]) -> bool:
    return (
        len(word) >= 2
        and pos.startswith(CONTENT_POS_PREFIXES)
        and pos not in FUNCTION_POS
        and word not in stopwords
        and not NUMBER.match(word)
        and not PUNCTUATION.match(word)
    )


def corpus_stats(
    documents: Sequence[Document],
    settings: Settings | None = None,
    segmenter: Segmenter | None = None,
    top: int = 30,
) -> CorpusStats:
    settings = settings or default_settings()
    segmenter = segmenter or Segmenter(
        user_words=read_user_dict(settings.mining.user_dict), cache_dir=default_cache_dir()
    )
    stopwords = read_word_list(settings.mining.stopwords)
    vocabulary: Counter = Counter()
    content: Counter = Counter()
    repairs: Counter = Counter()
    per_document = []
    for doc in documents:
        doc_tokens = 0
        sentences = 0
        # tagged per document, cached on disk by content (glossary.segment)
        for paragraph, tokens in tagged_paragraphs(segmenter, doc.paragraphs):
            sentences += count_sentences(paragraph.text)
            for token in tokens:
                if not token.word.strip() or PUNCTUATION.match(token.word):
                    continue
                doc_tokens += 1
                vocabulary[token.word] += 1
                if is_content_word(token.word, token.pos, stopwords):
                    content[(token.word, token.pos)] += 1
        repairs.update(doc.repairs)
        text = "\n".join(p.text for p in doc.paragraphs)
        per_document.append(
            DocumentStats(
                path=str(doc.path),
                title=doc.title,
                symbol=doc.symbol,
                date=doc.date,
                organ=doc.organ,
                session=doc.session,
                agenda_item=doc.agenda_item,
                symbols_cited=list(doc.symbols),
                encoding=doc.encoding,
                characters=len(text),
                cjk_characters=CJK_CHAR.subn("", text)[1],  # not a list of every character: gigabytes at 50 MB
                paragraphs=len(doc.paragraphs),
                sentences=sentences,
                tokens=doc_tokens,
                footnotes=len(doc.footnotes),
                boilerplate_lines=len(doc.boilerplate),
            )
        )
    tokens = sum(vocabulary.values())
    return CorpusStats(
        documents=len(documents),
        characters=sum(d.characters for d in per_document),
        cjk_characters=sum(d.cjk_characters for d in per_document),
        paragraphs=sum(d.paragraphs for d in per_document),
        sentences=sum(d.sentences for d in per_document),
        tokens=tokens,
        types=len(vocabulary),
        type_token_ratio=len(vocabulary) / tokens if tokens else 0.0,
        hapax=sum(1 for n in vocabulary.values() if n == 1),
        repairs=dict(repairs),
        per_document=per_document,
        top_terms=[{"word": w, "pos": p, "count": n} for (w, p), n in content.most_common(top)],
    )
