"""Sentences of two versions of a document put side by side, when their paragraph numbers do not say which goes
with which (press releases quoting a resolution, pages that lost their numbering, excerpts of different lengths).

  split_chinese(paragraphs) / split_english(paragraphs)   sentences, resolution paragraphs kept apart
  align_sentences(zh, en, similarity, ratio, variance)    Gale & Church (1993) length-based alignment by dynamic
                                                          programming, with lexical anchors as hunalign adds them
                                                          (Varga et al. 2005): a pair sharing translations,
                                                          numbers or Latin tokens is cheaper
  split_bitext_line(line)                                 "English segment中文句段" -> (English, Chinese)

The length model counts characters: an English sentence of UN text is about three times as long as its Chinese
(the ratio and its variance are settings).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Callable, Sequence

from glossary.text import HAN_CHAR

CHINESE_SENTENCE_END = re.compile(r"(?<=[。！？；])")
# a sentence ends at . ; ! ? before a space and a capital, digit or opening quote; "No. 5", "Mr. X" and single
# capitals ("U.S.", "Petr V. Iliichev") are no ends
# (and a resolution's paragraphs run together end at the comma before the next one's participle: "…Council,
# Recalling…", "…2016), Acting under…")
ENGLISH_SENTENCE_END = re.compile(
    r"(?<!\bNo\.)(?<!\bMr\.)(?<!\bMs\.)(?<!\bDr\.)(?<!\b[A-Z]\.)(?<=[.;!?])\s+(?=[\"“(]?[A-Z0-9])"
    r"|(?<=,)\s*(?=[\"“]?[A-Z][a-z]+ing\b)")
TERMINAL = (".", ";", ":", "!", "?", ",", "。", "；", "：", "！", "？", "，")
LATIN_TOKEN = re.compile(r"[A-Za-z]*\d[\w./()\-]*|[A-Z]{2,}[\w./\-]*")
NUMBER = re.compile(r"\d+")

MAX_CELLS = 500_000  # of the DP: about 5 s on this machine; two versions of 600 sentences take half a second

# Gale & Church 1993, table 5: prior probability of each bead (Chinese sentences, English sentences)
BEAD_PRIORS = {(1, 1): 0.89, (1, 0): 0.0099, (0, 1): 0.0099, (2, 1): 0.089, (1, 2): 0.089, (2, 2): 0.011}


def split_chinese(paragraphs: Sequence[str]) -> list[str]:
    """Chinese sentences: each paragraph cut after 。！？；, empty pieces dropped."""
    sentences = []
    for paragraph in paragraphs:
        sentences.extend(s.strip() for s in CHINESE_SENTENCE_END.split(paragraph) if s.strip())
    return sentences


def join_wrapped_lines(paragraphs: Sequence[str]) -> list[str]:
    """English pasted with hard line wraps: a line that ends without punctuation joins the next when the next
    starts with a small letter or the line ends in one ("Acting under / Chapter VII"; a heading ends with a
    capitalised word or a number); a hyphen at a wrap is kept (thirty-/seventh)."""
    joined: list[str] = []
    for paragraph in (p.strip() for p in paragraphs):
        if not paragraph:
            continue
        if joined and not joined[-1].endswith(TERMINAL) and (
                paragraph[:1].islower() or joined[-1].endswith("-") or joined[-1].split()[-1][:1].islower()):
            joined[-1] = joined[-1] + ("" if joined[-1].endswith("-") else " ") + paragraph
        else:
            joined.append(paragraph)
    return joined


def split_english(paragraphs: Sequence[str]) -> list[str]:
    """English sentences: wrapped lines joined, then each paragraph cut after . ; ! ? before a capital."""
    sentences = []
    for paragraph in join_wrapped_lines(paragraphs):
        sentences.extend(s.strip() for s in ENGLISH_SENTENCE_END.split(paragraph) if s.strip())
    return sentences


def split_bitext_line(line: str) -> tuple[str, str]:
    """A line of a bitext file, an English segment followed at once by its Chinese (as the UN Languages Service
    publishes them): cut before the first Chinese character, or before the bracket or title mark opening it."""
    match = HAN_CHAR.search(line)
    if match is None:
        return line.strip(), ""
    cut = match.start()
    while cut > 0 and line[cut - 1] in "《（(“\"〈[【":
        cut -= 1
    return line[:cut].strip(), line[cut:].strip()


def anchors(text: str) -> set[str]:
    """What a sentence and its translation write the same way: numbers and Latin tokens (2326, S/RES/2326)."""
    return set(NUMBER.findall(text)) | {t.lower() for t in LATIN_TOKEN.findall(text) if not t.isdigit()}


def length_cost(zh_chars: int, en_chars: int, ratio: float, variance: float) -> float:
    """-log P(delta | match) of Gale & Church 1993: delta = (l_en - l_zh * c) / sqrt(l_zh * s^2), two-tailed
    normal probability."""
    if zh_chars == 0 and en_chars == 0:
        return 0.0
    mean = (zh_chars + en_chars / ratio) / 2
    delta = (en_chars - zh_chars * ratio) / math.sqrt(max(mean, 1.0) * variance)
    probability = 2 * (1 - 0.5 * (1 + math.erf(abs(delta) / math.sqrt(2))))
    return -math.log(max(probability, 1e-12))


@dataclass
class SentencePair:
    zh: str
    en: str
    cost: float  # the bead's cost: lower is surer


def align_sentences(zh: Sequence[str], en: Sequence[str], similarity: Callable[[str, str], float] | None = None,
                    ratio: float = 3.0, variance: float = 6.8, anchor_weight: float = 4.0,
                    band: int = 30) -> list[SentencePair]:
    """Gale & Church (1993) alignment of two sentence lists by dynamic programming over beads 1-1, 1-0, 0-1, 2-1,
    1-2 and 2-2, each costing -log prior - log P(length difference); `similarity` (0..1, the share of lexical
    anchors two sentences share; a bead takes its best pair's) lowers a bead's cost by `anchor_weight` times it, as
    hunalign's dictionary score does. Returns the 1-1, 2-1, 1-2 and 2-2 beads (sentences joined). The DP stays
    within `band` sentences of the diagonal (scaled to the two lengths), widened by the difference of the two
    lengths (one version may stop early) up to MAX_CELLS cells in all."""
    n, m = len(zh), len(en)
    if not n or not m:
        return []
    zh_len = [len(s.replace(" ", "")) for s in zh]
    en_len = [len(s) for s in en]
    infinity = float("inf")
    cost = [[infinity] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    slope = m / n
    width = max(band, min(abs(n - m) + 5, MAX_CELLS // (2 * n + 2)))
    priors = {bead: -math.log(p) for bead, p in BEAD_PRIORS.items()}
    similarities: dict[tuple[int, int], float] = {}

    def pair_similarity(a: int, b: int) -> float:
        # a bead of several sentences is as similar as its best pair of sentences: each pair is scored once
        if (a, b) not in similarities:
            similarities[a, b] = similarity(zh[a], en[b])
        return similarities[a, b]
    for i in range(n + 1):
        centre = i * slope
        for j in range(max(0, int(centre - width)), min(m, int(centre + width)) + 1):
            if i == 0 and j == 0:
                continue
            best, step = infinity, None
            for (di, dj), prior in priors.items():
                pi, pj = i - di, j - dj
                if pi < 0 or pj < 0 or cost[pi][pj] == infinity:
                    continue
                c = cost[pi][pj] + prior
                if di and dj:  # a sentence left out costs its prior only (as hunalign skips): no length to compare
                    c += length_cost(sum(zh_len[pi:i]), sum(en_len[pj:j]), ratio, variance)
                if di and dj and similarity is not None:
                    c -= anchor_weight * max(pair_similarity(a, b) for a in range(pi, i) for b in range(pj, j))
                if c < best:
                    best, step = c, (di, dj)
            cost[i][j], back[i][j] = best, step
    pairs: list[SentencePair] = []
    i, j = n, m
    while (i or j) and back[i][j] is not None:
        di, dj = back[i][j]
        if di and dj:
            bead = cost[i][j] - cost[i - di][j - dj]
            pairs.append(SentencePair("".join(zh[i - di:i]), " ".join(en[j - dj:j]), bead))
        i, j = i - di, j - dj
    return pairs[::-1]
