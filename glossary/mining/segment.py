"""Segmentation stage: jieba word segmentation with POS tags, known terms kept whole, cached per document.

rjieba (a binding of jieba-rs: the same algorithm and dictionary, compiled) is used when installed and
jieba stays the reference implementation and the fallback; tests compare the two on the seeds.
"""

from __future__ import annotations

import hashlib
import logging
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from glossary.files import write_text_atomic

log = logging.getLogger(__name__)

# Frequency given to user-dictionary words: high enough that jieba's DAG prefers the whole term even with HMM on
# (jieba warns that words added without a frequency may still be split).
USER_WORD_FREQ = 200_000
SEGMENTER_VERSION = "1"


@dataclass(frozen=True)
class Token:
    word: str
    pos: str
    start: int  # character offset in the segmented text

    @property
    def end(self) -> int:
        return self.start + len(self.word)


def _entry(word: str | tuple) -> tuple[str, int, str]:
    """A user-dictionary entry: a bare word (a known term: kept whole) or (word, frequency, tag)."""
    if isinstance(word, str):
        return (word.strip(), USER_WORD_FREQ, "nz")
    text, *rest = word
    return (text.strip(), int(rest[0]) if rest else USER_WORD_FREQ, rest[1] if len(rest) > 1 else "nz")


def read_user_dict(path: Path) -> list[tuple[str, int, str]]:
    """jieba's user-dictionary format: word [frequency] [tag], '#' comments allowed."""
    entries = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        parts = line.split("#", 1)[0].split()
        if parts:
            entries.append(_entry(tuple(parts)))
    return entries


def _guess_tag(word: str) -> str:
    if word.isascii() and any(ch.isalpha() for ch in word):
        return "eng"
    if any(ch.isdigit() for ch in word):
        return "m"
    return "x"


def _engine_name(preferred: str) -> str:
    if preferred in ("auto", "rjieba"):
        try:
            import rjieba  # noqa: F401

            return "rjieba"
        except ImportError:
            if preferred == "rjieba":
                raise
    return "jieba"


class Segmenter:
    """One segmenter instance: an engine, its user dictionary, and a cache of tagged texts."""

    def __init__(self, user_words: Iterable[str] = (), engine: str = "auto", cache_dir: Path | None = None):
        self.engine = _engine_name(engine)
        self.user_words = sorted({_entry(w) for w in user_words if w and (w if isinstance(w, str) else w[0]).strip()})
        self.cache_dir = cache_dir
        self._memory: dict[str, list[Token]] = {}
        self._backend = None
        self._cut = None
        fingerprint = "\n".join([self.engine, SEGMENTER_VERSION, *map(repr, self.user_words)])
        self.fingerprint = hashlib.sha256(fingerprint.encode("utf-8")).hexdigest()[:16]

    def _load_backend(self):
        if self._backend is not None:
            return self._backend
        if self.engine == "rjieba":
            import rjieba

            backend = rjieba.Jieba()
            for word, freq, tag in self.user_words:
                backend.add_word(word, freq, tag)
            self._backend, self._cut = backend.tag, backend.cut
        else:
            import jieba
            import jieba.posseg

            jieba.setLogLevel(logging.WARNING)
            tokenizer = jieba.Tokenizer()
            tags = dict(jieba.posseg.dt.word_tag_tab)
            for word, freq, tag in self.user_words:
                tokenizer.add_word(word, freq, tag)
                tags[word] = tag
            # jieba.lcut's tokens, tagged from the dictionary as jieba-rs does (jieba.posseg runs another HMM
            # and segments differently: 了工|发|组织)
            self._backend = lambda text: [(word, tags.get(word) or _guess_tag(word)) for word in tokenizer.lcut(text)]
            self._cut = tokenizer.lcut
        return self._backend

    def tag(self, text: str) -> list[Token]:
        """Tokens of one text with POS tags and offsets (memoised: UN documents repeat their lines)."""
        if text not in self._memory:
            if len(self._memory) > 50_000:
                self._memory.clear()
            self._memory[text] = self._tag_uncached(text)
        return self._memory[text]

    def tag_document(self, texts: Sequence[str]) -> list[list[Token]]:
        """Tokens of each paragraph of one document, cached on disk (with cache_dir) by the content's hash."""
        key = hashlib.sha256("\0".join([self.fingerprint, *texts]).encode("utf-8")).hexdigest()
        cached = self._read_cache(key)
        if cached is not None and len(cached) == len(texts):
            return cached
        tagged = [self._tag_uncached(text) for text in texts]
        self._write_cache(key, tagged)
        return tagged

    def tag_raw(self, text: str) -> list[tuple[str, str]]:
        """(word, tag) pairs of a whole text, every character in some word."""
        return self._load_backend()(text)

    def cut_raw(self, text: str) -> list[str]:
        """The words of a whole text, every character in some word, untagged: the fast path for counting (a word's
        tag comes from the dictionary, so counting asks tag_raw only for words it has not seen)."""
        self._load_backend()
        return self._cut(text)

    def _tag_uncached(self, text: str) -> list[Token]:
        tokens = []
        offset = 0
        for word, pos in self._load_backend()(text):
            tokens.append(Token(word, pos, offset))
            offset += len(word)
        return tokens

    def _cache_path(self, key: str) -> Path | None:
        return self.cache_dir / key[:2] / f"{key}.json" if self.cache_dir else None

    def _read_cache(self, key: str) -> list[list[Token]] | None:
        path = self._cache_path(key)
        if path is None or not path.is_file():
            return None
        try:
            rows = json.loads(path.read_text(encoding="utf-8"))
            return [[Token(word, pos, start) for word, pos, start in paragraph] for paragraph in rows]
        except (OSError, ValueError, TypeError):
            return None  # a damaged cache entry is recomputed, never trusted

    def _write_cache(self, key: str, tagged: list[list[Token]]) -> None:
        path = self._cache_path(key)
        if path is None:
            return
        try:
            rows = [[[t.word, t.pos, t.start] for t in paragraph] for paragraph in tagged]
            write_text_atomic(path, json.dumps(rows, ensure_ascii=False, separators=(",", ":")))
        except OSError as exc:  # a read-only cache folder slows us down but must not fail the run
            log.debug("segmentation cache not written: %s", exc)


def default_cache_dir() -> Path:
    from glossary.config import cache_root

    return cache_root() / "segment"
