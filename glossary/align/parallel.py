"""Parallel-text evidence: where the English of the corpus exists (English versions of the documents, bitext files
with both languages on a line, TMX and XLIFF files), an English term and its Chinese equivalent occur in the same
aligned sentences.

  parallel_text(documents, inputs, dictionary, config)   the aligned sentence pairs of every input, the acronyms
                                                         the English defines, and the Chinese of bitext inputs
  defined_acronyms(texts)                                "United Nations Mission in South Sudan (UNMISS)" -> UNMISS
  chinese_acronyms(documents, pool)                      "联合国南苏丹特派团(UNMISS)" -> UNMISS
  parallel_matches(term, pairs, pool, abbreviations)     candidates co-occurring with the term, with their Dice
  add_parallel_evidence(term, proposals, evidence, ...)  the evidence added to the dictionary's proposals: it
                                                         confirms an answer, fills an empty one, never replaces one

Documents pair by symbol or file name (glossary.corpus.pairing); their sentences align by length with lexical
anchors (glossary.align.sentences), so paragraph numbers need not match.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from glossary.align.candidates import CandidatePool
from glossary.align.matching import EnglishTerm, chinese_negation, compositional_match, match_weights
from glossary.align.proposals import Proposal, rank_proposals, termhood
from glossary.align.sentences import align_sentences, anchors, split_bitext_line, split_chinese, split_english
from glossary.config import AlignSettings
from glossary.corpus.pairing import AlignedParagraph, pair_documents
from glossary.dictionary import ENGLISH_FUNCTION_WORDS, Dictionary, expand_abbreviations, gloss_words
from glossary.formats.terms import normalise_zh
from glossary.model import Document, Paragraph
from glossary.text import HAN_CHAR

# "the United Nations Mission in South Sudan (UNMISS)": words before an acronym in brackets
ACRONYM_DEFINITION = re.compile(r"((?:[A-Za-z][\w'’\-]*[\s,]+){1,16})\(([A-Z][A-Za-z\-]{1,11})\)")
CHINESE_ACRONYM = re.compile(r"([\u4e00-\u9fff《》]{2,40})[（(]([A-Z][A-Za-z\-]{1,11})[)）]")


@dataclass
class ParallelSegments:
    """Translation units read elsewhere (a TMX or XLIFF file): (English, Chinese) pairs, already aligned."""

    name: str
    units: list[tuple[str, str]]


@dataclass
class ParallelText:
    pairs: list[AlignedParagraph] = field(default_factory=list)  # aligned sentences (number: the bead's index)
    acronyms: dict[str, str] = field(default_factory=dict)  # acronym -> English name, as the English defines it
    chinese_documents: list[Document] = field(default_factory=list)  # the Chinese of bitext and TMX inputs


def english_stem_sequence(text: str, dictionary: Dictionary, abbreviations: dict[str, str]) -> list[str]:
    expanded = expand_abbreviations(text, abbreviations)
    return [dictionary.stem(w) for w in gloss_words(expanded) if w not in ENGLISH_FUNCTION_WORDS]


def _contains_sequence(haystack: Sequence[str], needle: Sequence[str]) -> bool:
    n = len(needle)
    return n > 0 and any(list(haystack[i: i + n]) == list(needle) for i in range(len(haystack) - n + 1))


# --- the aligned sentences of the inputs ---------------------------------------------------------------------


def load_parallel_inputs(paths: Sequence[str | Path], settings=None, skip_bad: bool = False) -> tuple[list, list]:
    """What `align --parallel PATHS` reads: TMX and XLIFF files (named, or found in folders named) as
    ParallelSegments, every other file as a document (glossary.corpus.load: English versions, bitext files).
    Returns the inputs and the problems skipped (with skip_bad; without it the first problem is raised, an
    InputError naming the file)."""
    from glossary.corpus.load import load_corpus
    from glossary.errors import InputError
    from glossary.files import collect_files
    from glossary.formats.tmx import TRANSLATION_MEMORY_SUFFIXES, read_translation_units

    skipped: list = []
    memories = collect_files(paths, TRANSLATION_MEMORY_SUFFIXES, any_named_file=True,
                             skipped=skipped if skip_bad else None)
    inputs: list = []
    for memory in (m for m in memories if m.suffix.lower() in TRANSLATION_MEMORY_SUFFIXES):
        try:
            inputs.append(ParallelSegments(memory.name, read_translation_units(memory)))
        except InputError as problem:
            if not skip_bad:
                raise
            skipped.append(problem)
    others = [p for p in paths if not (Path(p).is_file() and Path(p).suffix.lower() in TRANSLATION_MEMORY_SUFFIXES)]
    if others:
        corpus = load_corpus(others, settings=settings, skip_bad=skip_bad)
        inputs.extend(corpus.documents)
        skipped.extend(p for p in corpus.skipped if p not in skipped)
    return inputs, skipped


def is_bitext(document: Document, min_share: float = 0.5) -> bool:
    """A file of lines each holding an English segment and then its Chinese (`*.zh-en.txt`): most lines split in
    two with Latin letters before the first Chinese character."""
    lines = [line for line in (document.raw_text or document.text).splitlines() if line.strip()]
    if not lines:
        return False
    both = 0
    for line in lines:
        english, chinese = split_bitext_line(line)
        both += bool(chinese and re.search("[A-Za-z]{3}", english))
    return both / len(lines) >= min_share


def bitext_units(document: Document) -> list[tuple[str, str]]:
    """(English, Chinese) of each line of a bitext file that has both."""
    units = []
    for line in (document.raw_text or document.text).splitlines():
        english, chinese = split_bitext_line(line)
        if english and chinese and re.search("[A-Za-z]", english):
            units.append((english, chinese))
    return units


def chinese_document(name: str, sentences: Sequence[str]) -> Document:
    """The Chinese side of pre-aligned units as a document of the corpus (its candidates join the pool)."""
    paragraphs = [Paragraph(text, i, None, "body", i + 1) for i, text in enumerate(sentences)]
    return Document(Path(name), "\n".join(sentences), paragraphs)


class LexicalSimilarity:
    """The share of a sentence pair's words that translate each other (dictionary pieces of two characters or more
    whose glosses the English uses) and of the numbers and Latin tokens both write: the anchors hunalign adds to
    the length model (Varga et al. 2005)."""

    def __init__(self, dictionary: Dictionary):
        self.dictionary = dictionary
        self.zh_cache: dict[str, tuple[list[frozenset[str]], set[str]]] = {}
        self.en_cache: dict[str, tuple[set[str], set[str]]] = {}

    def chinese(self, text: str) -> tuple[list[frozenset[str]], set[str]]:
        if text not in self.zh_cache:
            words = [p.stems for p in self.dictionary.pieces(text)
                     if p.end - p.start > 1 and not p.function_word and p.stems and not p.literal]
            self.zh_cache[text] = (words, anchors(text))
        return self.zh_cache[text]

    def english(self, text: str) -> tuple[set[str], set[str]]:
        if text not in self.en_cache:
            stems = {self.dictionary.stem(w) for w in gloss_words(text) if w not in ENGLISH_FUNCTION_WORDS}
            self.en_cache[text] = (stems, anchors(text))
        return self.en_cache[text]

    def __call__(self, zh: str, en: str) -> float:
        words, zh_anchors = self.chinese(zh)
        stems, en_anchors = self.english(en)
        word_share = sum(1 for w in words if w & stems) / len(words) if words else 0.0
        if not (zh_anchors or en_anchors):
            return word_share
        anchor_share = len(zh_anchors & en_anchors) / max(len(zh_anchors), len(en_anchors))
        return (word_share + anchor_share) / 2


def parallel_text(documents: Sequence[Document], inputs: Iterable, dictionary: Dictionary,
                  config: AlignSettings) -> ParallelText:
    """Aligned sentence pairs from every input: English versions of corpus documents (paired by symbol or name,
    sentences aligned by glossary.align.sentences), bitext documents (of the corpus or the inputs) and
    ParallelSegments (TMX, XLIFF). Also the acronyms the English defines."""
    result = ParallelText()
    similarity = LexicalSimilarity(dictionary)
    english_documents = []
    for item in inputs:
        if isinstance(item, ParallelSegments):
            name, units = item.name, item.units
        elif is_bitext(item):
            name, units = item.name, bitext_units(item)
        else:
            english_documents.append(item)
            continue
        result.pairs.extend(AlignedParagraph(name, str(i), zh, en) for i, (en, zh) in enumerate(units))
        result.chinese_documents.append(chinese_document(name, [zh for _, zh in units]))
    for document in documents:  # a bitext file given as corpus: its own lines are parallel
        if any(HAN_CHAR.search(p.text) and re.search("[A-Za-z]{3}", p.text) for p in document.paragraphs[:50]) \
                and is_bitext(document):
            result.pairs.extend(AlignedParagraph(document.name, str(i), zh, en)
                                for i, (en, zh) in enumerate(bitext_units(document)))
    for zh_document, en_document in pair_documents(documents, english_documents):
        zh_sentences = split_chinese([p.text for p in zh_document.paragraphs if p.kind != "header"])
        en_sentences = split_english([p.text for p in en_document.paragraphs])
        beads = align_sentences(zh_sentences, en_sentences, similarity, config.sentence_length_ratio,
                                config.sentence_length_variance, config.sentence_anchor_weight)
        result.pairs.extend(AlignedParagraph(zh_document.name, str(i), bead.zh, bead.en)
                            for i, bead in enumerate(beads))
    english_texts = [d.text for d in english_documents] + [p.en for p in result.pairs]
    result.acronyms = defined_acronyms(english_texts)
    return result


def defined_acronyms(texts: Iterable[str]) -> dict[str, str]:
    """Acronyms the English defines in brackets after the name: the shortest run of words before the bracket that
    starts with a capital and whose initials hold the acronym's letters (UNMISS: United Nations Mission In South
    Sudan; MINUSCA, in French order, from the English name's initials all the same)."""
    found: dict[str, str] = {}
    for text in texts:
        for match in ACRONYM_DEFINITION.finditer(" ".join(text.split())):
            acronym = match.group(2)
            letters = Counter(ch.lower() for ch in acronym if ch.isupper())
            words = re.findall(r"[A-Za-z][\w'’\-]*", match.group(1))
            for start in range(len(words) - 1, -1, -1):
                if not words[start][:1].isupper():
                    continue
                initials = Counter(w[0].lower() for w in words[start:])
                if not letters - initials and len(words) - start >= 2:
                    found.setdefault(acronym, " ".join(words[start:]))
                    break
    return found


def chinese_acronyms(documents: Sequence[Document], pool: CandidatePool) -> dict[str, str]:
    """Acronyms the Chinese gives in brackets after a name (联合国南苏丹特派团(UNMISS)): the longest ending of the
    Chinese before the bracket that the corpus has as a term candidate."""
    found: dict[str, str] = {}
    for document in documents:
        for match in CHINESE_ACRONYM.finditer(document.text):
            run = match.group(1).replace("《", "").replace("》", "")
            for start in range(len(run) - 1):
                if run[start:] in pool.candidates:
                    found.setdefault(match.group(2), run[start:])
                    break
    return found


# --- term evidence -------------------------------------------------------------------------------------------


@dataclass
class ParallelEvidence:
    dice: float
    joint: int
    english_paragraphs: int
    chinese_paragraphs: int


def candidate_occurrences(pairs: Sequence[AlignedParagraph], pool: CandidatePool) -> dict[str, set[int]]:
    """Candidate form -> the pairs whose Chinese holds it, in one pass of an Aho-Corasick automaton."""
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for form in pool.candidates:
        key = normalise_zh(form)
        if len(key) >= 2:
            automaton.add_word(key, key)
    occurrences: dict[str, set[int]] = defaultdict(set)
    if not len(automaton):
        return occurrences
    automaton.make_automaton()
    for index, pair in enumerate(pairs):
        for _, key in automaton.iter(normalise_zh(pair.zh)):
            occurrences[key].add(index)
    return occurrences


def parallel_matches(
    term: str,
    aligned: Sequence[AlignedParagraph],
    pool: CandidatePool,
    abbreviations: dict[str, str],
    _cache: dict | None = None,
) -> dict[str, ParallelEvidence]:
    """Candidates co-occurring with the English term in aligned sentence pairs, with their Dice coefficient."""
    dictionary = pool.dictionary
    needle = english_stem_sequence(term, dictionary, abbreviations)
    cache = _cache if _cache is not None else {}
    if "en" not in cache:
        cache["en"] = [english_stem_sequence(p.en, dictionary, abbreviations) for p in aligned]
        cache["occurrences"] = candidate_occurrences(aligned, pool)
    with_term = {i for i, stems in enumerate(cache["en"]) if _contains_sequence(stems, needle)}
    if not with_term:
        return {}
    evidence = {}
    for form in pool.candidates:
        pairs = cache["occurrences"].get(normalise_zh(form))
        if not pairs:
            continue
        joint = len(pairs & with_term)
        if joint:
            # Dice coefficient of the two sets of sentence pairs (Smadja, McKeown & Hatzivassiloglou 1996)
            evidence[form] = ParallelEvidence(2 * joint / (len(with_term) + len(pairs)), joint, len(with_term),
                                              len(pairs))
    return evidence


def add_parallel_evidence(term: EnglishTerm, proposals: list[Proposal], evidence: dict[str, ParallelEvidence],
                          pool: CandidatePool, config: AlignSettings) -> list[Proposal]:
    """The co-occurrence evidence added to the dictionary's proposals, so that a pair of texts never makes an
    answer worse than the corpus alone:
      - an answer the dictionary found stays first; co-occurring with the term, it carries the Dice as its
        parallel score (the calibration reads it);
      - with no answer, the candidate co-occurring best becomes one (method `parallel`), when it shares at least
        parallel_min_joint sentence pairs with the term and its Dice reaches parallel_min_dice, it negates
        nothing the English does not, the dictionary renders part of the term in it
        (parallel_min_english_coverage, the head included; a term of names or acronyms only must share one pair
        more), and its untranslated parts balance the
        English's: English words no dictionary renders face Chinese characters no dictionary renders, as much of
        one as of the other (co-occurrence cannot tell a name, 曙光倡议, from its head word, 倡议);
      - with no answer and no such candidate, the dictionary's best candidate is one when the translation
        confirms it: it shares a sentence pair with the term (Dice ≥ parallel_min_dice), renders every word of
        the name and parallel_min_english_coverage of the English, and its untranslated parts balance (what
        failed was a head word no dictionary knows, 特派团 for Mission);
      - the parallel choice otherwise joins the alternatives, after the dictionary's."""
    for proposal in proposals:
        if proposal.zh in evidence:
            proposal.parallel_score = evidence[proposal.zh].dice
    best = next((p for p in proposals if p.acceptable(config)), None)
    choice = best_co_occurring(term, evidence, pool, config)
    if best is None and choice is None and proposals and confirmed_near_miss(proposals[0], evidence, config):
        choice = proposals[0]
        choice.method = "parallel"
    if choice is None:
        return proposals
    if best is None:
        return [choice] + [p for p in proposals if p.zh != choice.zh]
    if all(p.zh != choice.zh for p in proposals):
        choice.score = min(choice.score, best.score * config.alternative_min_ratio)
        return proposals + [choice]
    return proposals


def confirmed_near_miss(proposal: Proposal, evidence: dict[str, ParallelEvidence], config: AlignSettings) -> bool:
    """The dictionary's best candidate, rejected only for what no dictionary knows (its head word, part of the
    name), found in the very sentences the English term is translated in: the translation confirms it."""
    found = evidence.get(proposal.zh)
    if found is None or found.dice < config.parallel_min_dice or not proposal.names_rendered:
        return False
    balance = 1 - abs((proposal.chinese_coverage or 0.0) - proposal.english_coverage)
    return proposal.english_coverage >= config.parallel_min_english_coverage and balance >= config.parallel_min_balance


def best_co_occurring(term: EnglishTerm, evidence: dict[str, ParallelEvidence], pool: CandidatePool,
                      config: AlignSettings) -> Proposal | None:
    scored = []
    known_words = any(not w.name and not w.literal for w in term.words)
    for form, found in evidence.items():
        # one shared sentence pair says little: every word of that sentence has a Dice of 1 with the term
        if found.dice < config.parallel_min_dice or found.joint < config.parallel_min_joint:
            continue
        pieces = pool.dictionary.pieces(form)
        if not term.negated and chinese_negation(pieces, form):  # 粮食不安全 is never "food security"
            continue
        match = compositional_match(term.words, term.related, form, pieces, match_weights(config),
                                    term.coordinated, term.negated)
        if term.words and match.english_coverage > 0 and not match.head_aligned:
            continue
        if known_words:
            # the dictionary must see part of the term in it, its head included: co-occurrence alone also
            # rewards the topic words of the sentences
            if match.english_coverage < config.parallel_min_english_coverage or not match.head_aligned:
                continue
        elif found.joint < config.parallel_min_joint + 1:  # nothing to translate (an acronym, a name)
            continue
        # untranslated shares should balance, as lengths do in sentence alignment (Gale & Church 1993)
        balance = 1 - abs(match.chinese_coverage - match.english_coverage)
        if balance < config.parallel_min_balance:
            continue
        candidate = pool.candidates[form]
        if candidate.independence == 0.0 and not candidate.mined:  # never seen outside a longer candidate
            continue
        # co-occurrence first, then what the dictionary makes of the pair (the harmonic mean of its coverages)
        strength = found.dice * termhood(candidate, config) * (match.score if known_words else balance)
        scored.append(Proposal(form, strength, "parallel", match.glosses, match.score, found.dice,
                               match.english_coverage, True, candidate, match.chinese_coverage))
    ranked = rank_proposals(scored)
    return ranked[0] if ranked and ranked[0].score >= config.min_score else None
