"""Benchmark corpora built from the bundled seeds, in two kinds (used by benchmarks/run.py):

  repeated      the seeds' paragraphs shuffled into documents of about 8 KB: however large, the same ~1,600 word
                types and the same candidates (the corpus of the earlier benchmark, kept as a second column);
  growing       the same, with a share of the content words of every paragraph replaced by words of the same tag
                drawn from jieba's dictionary by their frequency there, so new words keep arriving as in a real
                archive.

Calibration of `growing` (see `calibrate`): the substitution rate is chosen so the corpus has as many word types as
real Chinese text of the same length. Reference: the People's Daily corpus of January 1998 (Peking University's
annotated corpus, the standard segmentation benchmark): about 55,000 word types in 1.1 million tokens.

    python benchmarks/corpus.py --calibrate       # word types (jieba) at several rates and sizes
"""

from __future__ import annotations

import argparse
import random
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DOC_BYTES = 8_000
# word types of real Chinese text: People's Daily, January 1998 (PKU corpus), 1.1 M tokens, ~55,000 types
REFERENCE_TOKENS, REFERENCE_TYPES = 1_100_000, 55_000
# the share of content words replaced, measured by `calibrate` to meet that reference (see benchmarks/results.md)
SUBSTITUTION_RATE = 0.19
# a word's chance of being drawn is its jieba frequency to this power: 1 draws the common words again and again, 0
# every word of the dictionary alike; 0.5 with the rate above gives 53,000 types in 1.07 M tokens (5.5 MB) and
# 78,000 in 1.94 M (10 MB): Heaps' exponent 0.64 between the two
FREQUENCY_EXPONENT = 0.5
# tags whose words are replaced: nouns, verbs, adjectives, names; function words and numbers stay
CONTENT_TAGS = ("n", "nr", "ns", "nt", "nz", "vn", "v", "a", "an", "l", "i", "j")


def seed_paragraphs() -> list[str]:
    paragraphs = [p.strip() for f in sorted(SEEDS.glob("*.txt")) for p in f.read_text(encoding="utf-8").split("\n\n")]
    return [p for p in paragraphs if p]


@lru_cache(maxsize=1)
def dictionary_words() -> dict[str, tuple[list[str], np.ndarray]]:
    """jieba's dictionary by tag: the words, and their cumulative frequency (to draw a word by its frequency)."""
    import jieba

    by_tag: dict[str, list[tuple[str, int]]] = defaultdict(list)
    path = Path(jieba.__file__).parent / "dict.txt"
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2] in CONTENT_TAGS:
            by_tag[parts[2]].append((parts[0], int(parts[1])))
    return {tag: ([w for w, _ in words], np.cumsum(np.array([f for _, f in words], dtype=np.float64)
                                                    ** FREQUENCY_EXPONENT))
            for tag, words in by_tag.items()}


@lru_cache(maxsize=1)
def tagged_seed_paragraphs() -> list[tuple[list[str], list[str]]]:
    """Each seed paragraph as jieba's words and tags (segmented once)."""
    import jieba
    import jieba.posseg

    jieba.setLogLevel(60)
    return [tuple(map(list, zip(*[(p.word, p.flag) for p in jieba.posseg.cut(text)]))) for text in seed_paragraphs()]


def make_corpus(folder: Path, megabytes: float, kind: str = "growing", rate: float = SUBSTITUTION_RATE,
                seed: int = 0) -> int:
    """Write a corpus of about `megabytes` MB into `folder` (documents of about 8 KB); returns the bytes written."""
    rng = random.Random(seed)
    draw = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paragraphs = seed_paragraphs()
    tagged = tagged_seed_paragraphs() if kind == "growing" else []
    vocabulary = dictionary_words() if kind == "growing" else {}
    target, written, index = int(megabytes * 1_000_000), 0, 0
    while written < target:
        body, size = [], 0
        while size < DOC_BYTES:
            k = rng.randrange(len(paragraphs))
            paragraph = paragraphs[k] if kind == "repeated" else _substituted(tagged[k], vocabulary, rate, draw)
            body.append(paragraph)
            size += len(paragraph.encode("utf-8"))
        text = "\n\n".join(body) + "\n"
        (folder / f"doc{index:06d}.txt").write_text(text, encoding="utf-8")
        written += len(text.encode("utf-8"))
        index += 1
    return written


def _substituted(paragraph: tuple[list[str], list[str]], vocabulary: dict, rate: float, draw) -> str:
    words, tags = paragraph
    chosen = np.flatnonzero(draw.random(len(words)) < rate)
    if not len(chosen):
        return "".join(words)
    words = list(words)
    for i in chosen.tolist():
        entry = vocabulary.get(tags[i])
        if entry is not None:
            names, cumulative = entry
            words[i] = names[int(np.searchsorted(cumulative, draw.random() * cumulative[-1], side="right"))]
    return "".join(words)


def word_types(folder: Path) -> tuple[int, int]:
    """(tokens, distinct words) of a corpus as jieba segments it (rjieba: the same dictionary and algorithm)."""
    import rjieba

    tokens, types = 0, set()
    for path in sorted(folder.glob("*.txt")):
        words = [w for w in rjieba.cut(path.read_text(encoding="utf-8")) if w.strip()]
        tokens += len(words)
        types.update(words)
    return tokens, len(types)


def calibrate(rates=(0.08, 0.19, 0.3), sizes=(1, 5.5, 10)) -> None:
    """Print tokens and word types at each rate and size, beside the reference."""
    import tempfile

    print(f"reference: {REFERENCE_TYPES} types in {REFERENCE_TOKENS} tokens (People's Daily, January 1998)")
    with tempfile.TemporaryDirectory() as work:
        for rate in rates:
            for size in sizes:
                folder = Path(work) / f"{rate}-{size}"
                make_corpus(folder, size, "growing", rate)
                tokens, types = word_types(folder)
                print(f"rate {rate:.2f}  {size:>4g} MB  {tokens:>10,} tokens  {types:>8,} types")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calibrate", action="store_true")
    parser.add_argument("--rates", nargs="+", type=float, default=[0.08, SUBSTITUTION_RATE, 0.3])
    parser.add_argument("--sizes", nargs="+", type=float, default=[1, 5.5, 10])
    args = parser.parse_args()
    if args.calibrate:
        calibrate(args.rates, args.sizes)
