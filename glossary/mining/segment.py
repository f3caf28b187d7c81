"""Segmentation stage: jieba word segmentation with POS tags, known terms kept whole, cached per document.

rjieba (a binding of jieba-rs: the same algorithm and dictionary, compiled) is used when installed and
jieba stays the reference implementation and the fallback; tests compare the two on the seeds.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

from glossary.cache import code_fingerprint, entry_path, read_entry, write_entry

# Frequency given to user-dictionary words: high enough that jieba's DAG prefers the whole term even with HMM on
# (jieba warns that words added without a frequency may still be split).
USER_WORD_FREQ = 200_000


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
        self._user_word_set: set[str] | None = None
        # what shapes a segmentation: this module's code, the engine and its version (its dictionary), the words
        fingerprint = "\n".join([code_fingerprint(__name__), _engine_version(self.engine), *map(repr, self.user_words)])
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

    def dictionary_tag(self, word: str) -> str | None:
        """The tag jieba's dictionary gives `word`, which both engines give it in any context; None for a word the
        dictionary lacks (the engine's model tags it in context) or one of the user words (tagged by their entry)."""
        if self._user_word_set is None:
            self._user_word_set = {entry[0] for entry in self.user_words}
        return None if word in self._user_word_set else dictionary_tags().get(word)

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
        path = entry_path(self.cache_dir, "tokens", key)
        cached = _tokens_of_entry(read_entry(path, (list, list, list)), texts)
        if cached is not None:
            return cached
        tagged = [self._tag_uncached(text) for text in texts]
        write_entry(path, _entry_of_tokens(tagged))
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


@lru_cache(maxsize=1)
def dictionary_tags() -> dict[str, str]:
    """word -> tag of jieba's dictionary (dict.txt, shipped with jieba; jieba-rs embeds the same file)."""
    import jieba

    tags = {}
    with open(Path(jieba.__file__).parent / "dict.txt", encoding="utf-8") as lines:
        for line in lines:
            parts = line.split()
            if len(parts) == 3:
                tags[parts[0]] = parts[2]
    return tags


@lru_cache(maxsize=None)
def _engine_version(engine: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"{engine} {version(engine)}"
    except PackageNotFoundError:
        return engine


def _entry_of_tokens(tagged: list[list[Token]]) -> tuple[list[str], list[str], list[int]]:
    """A document's tokens as a cache entry: every word, every tag, how many tokens each paragraph has (the
    offsets follow from the words: they cover the text)."""
    return ([t.word for tokens in tagged for t in tokens], [t.pos for tokens in tagged for t in tokens],
            [len(tokens) for tokens in tagged])


def _tokens_of_entry(entry: tuple | None, texts: Sequence[str]) -> list[list[Token]] | None:
    """The tokens `_entry_of_tokens` stored, or None when the entry does not fit `texts` (then they are redone)."""
    if entry is None:
        return None
    words, tags, counts = entry
    if not (set(map(type, words)) | set(map(type, tags)) <= {str} and set(map(type, counts)) <= {int}):
        return None
    if len(counts) != len(texts) or len(words) != len(tags) or sum(counts) != len(words) or min(counts, default=0) < 0:
        return None
    tagged, position = [], 0
    for text, count in zip(texts, counts):
        tokens, offset = [], 0
        for word, tag in zip(words[position:position + count], tags[position:position + count]):
            tokens.append(Token(word, tag, offset))
            offset += len(word)
        if "".join(words[position:position + count]) != text:
            return None
        tagged.append(tokens)
        position += count
    return tagged


def default_cache_dir() -> Path:
    from glossary.config import cache_root

    return cache_root() / "segment"
