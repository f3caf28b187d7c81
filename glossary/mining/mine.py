"""Mining stage: candidate terms from segmented text, their statistics, and one ranking.

The pipeline, each step a named function:
  clauses()            (shape) split tagged paragraphs at punctuation: a term never crosses a clause boundary
  is_candidate()       (shape) the syntactic shape of a term: content words at both edges, a nominal head
  count_corpus()       (count) the n-grams inside clauses (the statistics need the parts too) and, for
                       candidates, their documents and neighbours: vectorised, by shard, cached, in workers
  term_statistics()    (statistics) frequency, document frequency, C-value, independence, association, branching
                       entropy, specificity
  joins_terms(), rank() (statistics) one score from those components, every component kept as a column
  mine_corpus()        the whole stage: ranked concepts with variants grouped (variants), drift by year,
                       keyword-in-context sentences (contexts)
"""

from __future__ import annotations

import math
import numbers
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from glossary.config import MiningSettings, Settings, default_settings
from glossary.parallel import collector_paused, release_freed_memory
from glossary.model import Document, Paragraphs
from glossary.mining.segment import Segmenter, read_user_dict
from glossary.mining.shape import (
    TITLE, Lexicon, before_numbers, cut_ends, ends_in_verb_phrase, has_predicate, holds_reference, inside_titles,
    is_organisation_name, is_place_name, is_quality_word, is_verbal_word, line_name, misspelt_forms, names_an_instance,
    read_patterns, symbol_heads,
)
from glossary.mining.count import Counts, DocCounter, Pruning, count_corpus
from glossary.mining.statistics import c_value, generic_heads, generic_kinds, joins_terms, rank, term_statistics
from glossary.mining.variants import (
    blocks_sharing_hashes, find_reorderings, group_variants, parenthetical_abbreviations,
)
from glossary.mining.contexts import CONTEXT_COLUMNS, find_contexts



@dataclass
class MiningResult:
    terms: pd.DataFrame  # one row per concept (variant group), best first
    candidates: pd.DataFrame  # one row per ranked surface form, with every statistic
    # the variant table as built and cached: its repeated strings as categories (see `variants`)
    compact_variants: pd.DataFrame
    contexts: pd.DataFrame  # concept, form, document, paragraph, sentence
    documents: Sequence[Document]
    # the least occurrences of a ranked candidate: the min_freq asked for, or more when the corpus had more candidates
    # than the settings' max_candidates (Counts.frequency_floor)
    min_freq: float = 0

    @cached_property
    def variants(self) -> pd.DataFrame:
        """term, form, relation, document, year, count: which document uses which form, with plain columns, made
        when first read (a row per form and document: at 100 MB of text 5 million rows, whose four string columns
        are 160 MB of pointers more than their category codes, and `glossary mine` never reads them)."""
        return _expanded(self.compact_variants)


def raised_min_freq_note(result: MiningResult, settings: MiningSettings, asked: int | None = None) -> str | None:
    """What a user is told when the corpus had more candidates than settings.max_candidates, so that rarer ones
    were left out (None when nothing was). `asked`: the min_freq mining was given, settings.min_freq by default."""
    asked = settings.min_freq if asked is None else asked
    if result.min_freq <= asked:
        return None
    kept = "only curated forms" if math.isinf(result.min_freq) else f"only those seen {result.min_freq} times or more"
    return (f"the corpus has more than {settings.max_candidates:,} candidate terms (max_candidates): {kept} were "
            f"mined, not those seen {asked} times or more")


# the modules whose code shapes a mining result: a change to any of them misses the cache
MINING_MODULES = ("glossary.text", "glossary.mining.segment", "glossary.mining.shape", "glossary.mining.hashing",
                  "glossary.mining.count", "glossary.mining.statistics", "glossary.mining.variants",
                  "glossary.mining.contexts", "glossary.mining.mine")


@dataclass
class ParagraphSummary:
    """What mining reads of a corpus's paragraphs beside counting, gathered in one pass over its documents, so the
    paragraphs are never held all at once as strings (650,000 at 100 MB of text)."""

    chars: int  # the paragraph texts joined by newlines
    titles: Counter  # the quoted titles 《…》 and their occurrences
    # each distinct paragraph and its copies (documents repeat paragraphs), in order, when their distinct text is
    # small enough to be scanned for strings (max_scan_chars); None otherwise
    distinct: Counter | None
    # the paragraphs counting reads (not headers) and their copies, when `distinct` is kept (empty otherwise)
    counted: Counter
    # what each short paragraph counting reads names as a line of its own (shape.line_name), and how often: a
    # heading (导言). Kept by name, not by paragraph: the short paragraphs of a 100 MB corpus took 64 MB.
    lines: Counter
    # each document's name, year and last paragraph counting reads (the tables and cut_ends read them: a corpus
    # read from its store is not read again for them)
    names: list[str] = field(default_factory=list)
    years: list[int | None] = field(default_factory=list)
    last_paragraphs: list[str] = field(default_factory=list)


def summarise_paragraphs(documents: Sequence[Document], max_scan_chars: int, short_chars: int) -> ParagraphSummary:
    """One pass over every paragraph of `documents`; `short_chars`: the longest paragraph that may be a line's name."""
    from functools import lru_cache

    chars, titles, lines = -1, Counter(), Counter()
    distinct: Counter | None = Counter()
    distinct_chars = 0
    counted: Counter = Counter()
    name_of = lru_cache(maxsize=1 << 16)(line_name)  # documents repeat their headings
    names, years, last_paragraphs = [], [], []
    for document in documents:
        names.append(document.name)
        years.append(document.year)
        last = ""
        for paragraph in document.paragraphs:
            text = paragraph.text
            chars += len(text) + 1
            if "《" in text:
                titles.update(m.group(1) for m in TITLE.finditer(text))
            if distinct is not None:
                if text not in distinct:
                    distinct_chars += len(text)
                distinct[text] += 1
                if distinct_chars > max_scan_chars:  # too large to scan
                    distinct, counted = None, Counter()
            if paragraph.kind != "header":
                last = text
                if distinct is not None:
                    counted[text] += 1
                if len(text) <= short_chars:
                    lines[name_of(text)] += 1
        last_paragraphs.append(last)
    return ParagraphSummary(max(chars, 0), titles, distinct, counted, lines, names, years, last_paragraphs)


def _parenthesised(documents: Sequence[Document]):
    """The paragraphs holding a parenthesis (where a document may define an abbreviation), read when needed: kept
    from the paragraphs' first reading, those of a 100 MB corpus (65,000) took 20 MB until grouping."""
    for document in documents:
        for text in _texts(document.paragraphs):
            if "（" in text or "(" in text:
                yield text


def _texts(paragraphs: Sequence, skipping: str | None = None) -> list[str]:
    """The paragraphs' texts (those of kind `skipping` left out), read without making each paragraph when they are
    held as Paragraphs."""
    if isinstance(paragraphs, Paragraphs):
        return paragraphs.texts(skipping=skipping)
    return [p.text for p in paragraphs if p.kind != skipping]


class _CountedTexts(Sequence):
    """Each document's paragraphs that counting reads (not its headers), made when asked for."""

    def __init__(self, documents: Sequence[Document]):
        self.documents = documents

    def __len__(self) -> int:
        return len(self.documents)

    def __getitem__(self, k: int) -> list[str]:
        return _texts(self.documents[k].paragraphs, skipping="header")


@collector_paused()
def mine_corpus(
    documents: Sequence[Document],
    settings: Settings | None = None,
    segmenter: Segmenter | None = None,
    curated: Sequence[Sequence[str]] = (),
    min_freq: int | None = None,
    cache_dir: Path | None = None,
    jobs: int = 1,
    progress=None,
) -> MiningResult:
    """Segment, count, score and group: the ranked terms of a corpus."""
    from glossary.cache import cache_key, code_fingerprint, entry_path, read_entry, settings_fingerprint, write_entry

    settings = settings or default_settings()
    mining, run = settings.mining, settings.run
    lexicon = Lexicon.from_settings(mining)
    min_freq = int(min_freq if min_freq is not None else mining.min_freq)
    curated_forms = [f for entry in curated for f in entry if f]
    # an unchanged corpus with unchanged settings is answered from the cache
    result_path = None
    if cache_dir is not None and segmenter is None:
        # documents loaded by glossary.corpus are known by their files' bytes: a hit repairs nothing
        known_as = getattr(documents, "key", None) or [
            f"{d.name}|{d.year}|{d.sha256}|" + "\n".join(p.kind + p.text for p in d.paragraphs) for d in documents]
        result_path = entry_path(cache_dir, "mining", cache_key(
            code_fingerprint(*MINING_MODULES), settings_fingerprint(settings), curated, min_freq, *known_as,
        ))
        # terms, statistics, variants, contexts, the least occurrences used
        cached = read_entry(result_path, (*(pd.DataFrame,) * 4, numbers.Real))
        if cached is not None:
            terms, stats, variants, contexts, used = cached
            return MiningResult(terms, stats, variants, contexts, documents, used)
    segmenter = segmenter or Segmenter(user_words=[*read_user_dict(mining.user_dict), *curated_forms])
    # the paragraphs as strings only when a step reads them: scans that find strings, not count them, read each
    # distinct paragraph once (documents repeat paragraphs), in a corpus small enough to scan
    short = 2 * mining.max_term_chars  # a paragraph this short may be a heading (line_name)
    paragraphs = summarise_paragraphs(documents, mining.reorder_scan_max_chars, short)
    scan = paragraphs.distinct is not None
    distinct_texts = list(paragraphs.distinct or ())
    ignored = mining.variant_ignored_chars
    counts = count_corpus(
        _CountedTexts(documents),
        lexicon,
        segmenter,
        mining.max_term_tokens,
        mining.max_term_chars,
        jobs=jobs,
        cache_dir=cache_dir,
        progress=progress,
        parallel_min_chars=run.parallel_min_chars,
        shard_chars=run.shard_chars,
        merge_memory_mb=run.merge_memory_mb,
        # only the rare candidates that may still reach the tables are given strings
        pruning=Pruning(min_freq, ignored, tuple(curated_forms), TYPO_MIN_CHARS if scan else None,
                        mining.max_candidates or None),
    )
    min_freq = max(min_freq, counts.frequency_floor)  # raised when the corpus had too many candidates to keep
    titles = paragraphs.titles
    rare_recurring, typos = recurring_variant_forms(counts, min_freq, ignored, paragraphs.distinct or {})
    excluded = read_patterns(mining.excluded_candidates)
    stats = term_statistics(counts, len(documents), min_freq, also=rare_recurring, excluded=excluded, jobs=jobs)
    if stats.empty:
        # too little text for any recurring candidate: empty tables, with their columns
        return MiningResult(
            pd.DataFrame(columns=[*TERM_COLUMNS, "first_year", "last_year", "forms_by_year"]),
            stats,
            pd.DataFrame(columns=VARIANT_COLUMNS),
            pd.DataFrame(columns=CONTEXT_COLUMNS),
            list(documents),
            min_freq,
        )
    # the factors below read the text columns row by row: as plain objects, not pandas strings (whose every element
    # is fetched through Python), the table is read ten times faster; they are strings again once it is ranked
    text_columns = {"term": object, "tokens": object, "pos": object}
    stats = stats.astype(text_columns)
    stats["titled"] = [titles[t] / f for t, f in zip(stats["term"], stats["freq"])]
    # the paragraphs counting read, each distinct one once with its number of copies (documents repeat paragraphs),
    # for the scans of a small corpus
    counted = paragraphs.counted
    # the share of its occurrences that are a whole line (a heading: 导言, 日期和工作时间)
    lines = paragraphs.lines
    stats["heading"] = [min(lines[t] / f, 1.0) for t, f in zip(stats["term"], stats["freq"])]
    if curated_forms:
        stats = measure_curated_as_plain_text(stats, set(curated_forms), counts)
    # of the merged counts, only the candidates' words, occurrences and documents are read from here on: the n-gram
    # counts, tags and neighbour statistics go (the n-gram counts alone took 226 MB at 100 MB of text)
    counts = Counts(segmentation=counts.segmentation, frequency=counts.frequency, per_doc=counts.per_doc,
                    tokens=counts.tokens)
    release_freed_memory()
    stats["joins_terms"] = joins_terms(stats, mining.phrase_part_min_independence, mining.phrase_max_dice)
    # a light noun heading a phrase (活动|情况, 南南合作|模式) says what is said about a concept, not which one
    stats["light_head"] = [
        len(tokens.split()) > 1 and tokens.split()[-1] in lexicon.light_heads for tokens in stats["tokens"]
    ]
    stats["predicate"] = [has_predicate(tokens.split(), tags.split(), lexicon)
                          for tokens, tags in zip(stats["tokens"], stats["pos"])]
    stats["verb_phrase"] = [ends_in_verb_phrase(tokens.split(), lexicon) for tokens in stats["tokens"]]
    # a name with one character wrong that the corpus also spells right (联合国货易和发展会议): looked for in a corpus
    # small enough to be scanned for reordered names too
    user_words = frozenset([entry[0] for entry in segmenter.user_words]) if scan else frozenset()
    # (whether the corpus spells a name some way: each distinct paragraph read once, as the reordering scan does)
    distinct_text = "\n".join(distinct_texts) if scan else ""
    stats["misspelt"] = misspelt_forms(stats["term"].tolist(), [tokens.split() for tokens in stats["tokens"]],
                                       distinct_text, user_words) if scan else False
    # the share of its occurrences right before a number (a name cut before the number that ends it: 附件|一), and
    # inside a quoted title, not the whole of it (a piece of the title: “革新联合国：改革方案”)
    ranked = set(stats["term"])
    numbered = before_numbers(counted if scan else {}, ranked, mining.max_term_chars)
    stats["before_number"] = [min(numbered[t] / f, 1.0) for t, f in zip(stats["term"], stats["freq"])]
    in_titles = inside_titles(counted if scan else {}, ranked, mining.max_term_chars)
    stats["title_piece"] = [min(in_titles[t] / f, 1.0) for t, f in zip(stats["term"], stats["freq"])]
    # an occurrence at the end of a document cut mid-sentence (an excerpt) may be a name cut short: a candidate that
    # recurs only by it (总统行政|令 once, and once where the text stops) is no recurring name
    at_cut = cut_ends(paragraphs.last_paragraphs, ranked, mining.max_term_chars)
    stats["cut_end"] = [at_cut[t] > 0 and f - at_cut[t] < min_freq for t, f in zip(stats["term"], stats["freq"])]
    symbols = symbol_heads(distinct_texts) if scan else frozenset()
    stats["reference"] = [holds_reference(tokens.split(), symbols) for tokens in stats["tokens"]]
    stats["organisation"] = [length == 1 and is_organisation_name(term, tags)
                             for term, length, tags in zip(stats["term"], stats["length"], stats["pos"])]
    stats["verbal"] = [length == 1 and is_verbal_word(term, tags)
                       for term, length, tags in zip(stats["term"], stats["length"], stats["pos"])]
    stats["quality"] = [length == 1 and is_quality_word(term) for term, length in zip(stats["term"], stats["length"])]
    stats["place"] = [" " not in tokens and is_place_name(term, tags)
                      for term, tokens, tags in zip(stats["term"], stats["tokens"], stats["pos"])]
    stats["instance"] = [names_an_instance(tokens.split(), lexicon, tags.split())
                         for tokens, tags in zip(stats["tokens"], stats["pos"])]
    stats["generic_head"] = generic_heads(stats, mining.generic_head_min_extensions, mining.generic_head_min_zipf,
                                          titles)
    stats["generic_kind"] = generic_kinds(stats, stats["generic_head"])
    stats["score"] = rank(stats, mining.single_word_weight, mining.attributive_weight, mining.light_head_weight,
                          mining.predicate_weight, mining.generic_head_weight, mining.glued_weight,
                          mining.glued_min_share, mining.instance_weight, mining.place_weight,
                          mining.common_word_min_zipf, mining.single_word_max_zipf, mining.common_word_weight,
                          verb_phrase_weight=mining.verb_phrase_weight, heading_weight=mining.heading_weight,
                          heading_min_share=mining.heading_min_share, misspelt_weight=mining.misspelt_weight,
                          before_number_weight=mining.before_number_weight,
                          before_number_min_share=mining.before_number_min_share,
                          reference_weight=mining.reference_weight, title_piece_weight=mining.title_piece_weight,
                          title_piece_min_share=mining.title_piece_min_share,
                          organisation_weight=mining.organisation_weight, verbal_weight=mining.verbal_weight,
                          quality_weight=mining.quality_weight, generic_kind_weight=mining.generic_kind_weight,
                          cut_end_weight=mining.cut_end_weight)
    fragments = set(stats.loc[stats["score"] <= 0, "term"])
    stats = stats[stats["score"] > 0]  # never seen outside a longer candidate: a fragment, not a term
    stats = stats.sort_values(["score", "freq", "term"], ascending=[False, False, True]).reset_index(drop=True)
    stats = stats.astype({column: "str" for column in text_columns})

    # a fragment (可持续的工业发展, always inside 包容和可持续的工业发展) is no form of a concept of its own
    # (views of the merged counts, not copies: two dicts of every kept candidate, 1.5 million at 100 MB of text)
    forms = Overlay(counts.segmentation, hidden=fragments)
    freq = Overlay(counts.frequency)  # every candidate's occurrences (fragments too: never looked up)
    # forms that are no candidate n-gram of their own: curated forms jieba splits oddly, reordering typos of names
    extra = [f for f in dict.fromkeys([*curated_forms, *typos]) if f not in forms]
    # (the corpus's text joined only when asked: 70 MB at 100 MB)
    document_texts = ["\n".join(p.text for p in doc.paragraphs) for doc in documents] if extra else []
    for form in [f for f in extra if any(f in text for text in document_texts)]:
        forms.added[form] = tuple(t.word for t in segmenter.tag(form))
        in_docs = [text.count(form) for text in document_texts]  # a form holds no newline
        freq.added[form] = sum(in_docs)
        counts.per_doc[form] = DocCounter([i for i, n in enumerate(in_docs) if n], [n for n in in_docs if n])
    groups = group_variants(
        forms,
        freq,
        anchors=set(stats["term"]),
        ignored=ignored,
        curated=curated,
        # (a pair found in several paragraphs links its forms once)
        defined_abbreviations=list(dict.fromkeys(parenthetical_abbreviations(_parenthesised(documents), set(forms)))),
    )
    # the documents of the forms the tables show: ranked terms and the members of their groups
    shown = dict.fromkeys([*stats["term"], *(m for members in groups.members.values() for m in members)])
    per_doc = {form: counts.per_doc.get(form, DocCounter()) for form in shown}
    members_of = {concept: groups.members.get(concept, [concept]) for concept in dict.fromkeys(
        groups.canonical.get(form, form) for form in stats["term"])}
    documents_of = {concept: _documents_of_forms(members, per_doc) for concept, members in members_of.items()}
    # the merged counts (1 GB at 100 MB of text), every candidate's form and count, and the texts' copies are read
    # no more: freed before the contexts and the tables
    freq = {form: freq[form] for form in shown if form in freq}
    names, years = paragraphs.names, paragraphs.years
    del counts, forms, fragments, document_texts, distinct_text, distinct_texts, counted, lines, paragraphs, shown, \
        ranked, rare_recurring
    release_freed_memory()
    terms = _concept_table(stats, groups, freq, documents_of, per_doc, years)
    variants = _variant_table(groups, freq, per_doc, names, years)
    # what built the tables is freed before the contexts are read (the contexts table is the largest: 250 MB at
    # 100 MB of text). Contexts are read in this process. At 100 MB of text, a process forked beside the tables'
    # building kept a copy of every page the tables touched (about 1.2 GB, the run's peak) to save 4 s; two
    # processes forked after the tables took 8.0-8.3 s against 9.8 s here, and 250 MB more
    del groups, freq, per_doc
    release_freed_memory()
    contexts = find_contexts(documents, members_of, 3, documents_of)
    del documents_of, members_of
    first_context = contexts.drop_duplicates("term").set_index("term")["sentence"] if len(contexts) else {}
    terms["example"] = [first_context.get(t, "") for t in terms["term"]]
    # a name mostly written as a title keeps its brackets: 《多哈行动纲领》
    titled = {t: f"《{t}》" for t, share in zip(stats["term"], stats["titled"]) if share >= 0.5}
    for table in (terms, contexts, variants):
        table["term"] = _with_titles(table["term"], titled)
    write_entry(result_path, (terms, stats, variants, contexts, min_freq))
    return MiningResult(terms, stats, variants, contexts, list(documents), min_freq)


class Overlay(Mapping):
    """A read-only view of `base` without its keys in `hidden` (and those whose value is None), with `added` on top
    (its new keys last, as a dict's)."""

    def __init__(self, base: Mapping, hidden: frozenset | set = frozenset()):
        self.base, self.hidden, self.added = base, hidden, {}

    def __getitem__(self, key):
        if key in self.added:
            return self.added[key]
        if key in self.hidden:
            raise KeyError(key)
        value = self.base[key]
        if value is None:
            raise KeyError(key)
        return value

    def __iter__(self):
        added, hidden = self.added, self.hidden
        yield from (key for key, value in self.base.items() if value is not None and key not in hidden)
        # (an added key the base shows keeps its place, as a dict's assignment)
        yield from (key for key in added if key in hidden or key not in self.base)

    def items(self):
        # (key, value) as iteration and lookup give them, without a lookup per key: variant grouping reads the items
        # of every kept candidate (Mapping's items looked each one up: 4.6 million items under the profiler at 100 MB
        # of text)
        added, hidden, base = self.added, self.hidden, self.base
        for key, value in base.items():
            if value is not None and key not in hidden:
                yield key, added.get(key, value)
        yield from ((key, value) for key, value in added.items() if key in hidden or key not in base)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def measure_curated_as_plain_text(stats: pd.DataFrame, curated: set[str], counts: Counts) -> pd.DataFrame:
    """A curated term is one token to the segmenter (the user dictionary keeps it whole), but a multiword term to
    the ranking: its length, C-value and word-count weights are those of its plain jieba segmentation."""
    plain = Segmenter(engine="auto")
    stats = stats.copy()
    for index in stats.index[stats["term"].isin(curated)]:
        length = len([t for t in plain.tag(stats.at[index, "term"]) if t.word.strip()])
        if length > stats.at[index, "length"]:
            nested = stats.at[index, "nested_mean"]
            stats.at[index, "length"] = length
            stats.at[index, "cvalue"] = c_value(length, stats.at[index, "freq"], [nested] if nested == nested else [])
    return stats


TYPO_MIN_CHARS = 8  # a rare name this long is looked for in reordered spellings (find_reorderings)


def recurring_variant_forms(
    counts: Counts, min_freq: int, ignored: str, texts: Mapping[str, int] | Sequence[str]
) -> tuple[set[str], dict[str, str]]:
    """Candidates rarer than `min_freq` whose concept still recurs, in several forms: 私营部门制造商全球联盟 once
    and 全球私营部门制造商联盟 once make one concept seen twice. Returns those forms, and the reordering typos of
    rare names found in `texts` (strings that are no candidate: 最不发达等国家高代办), their occurrences counted in
    them (`texts`: each distinct paragraph and its copies, or paragraphs)."""
    copies = texts if isinstance(texts, Mapping) else Counter(texts)
    rare = [g for g in counts.per_doc if counts.occurrences(g) < min_freq]
    typos = find_reorderings(list(copies), [g for g in rare if len(g) >= TYPO_MIN_CHARS]) if copies else {}
    # a typo holds no newline: its occurrences in the paragraphs joined are those in each
    occurrences = {typo: sum(text.count(typo) * n for text, n in copies.items() if typo in text) for typo in typos}
    recurring: set[str] = set()
    for members in blocks_sharing_hashes([*counts.per_doc, *typos], ignored).values():
        if any(counts.occurrences(m) >= min_freq for m in members):
            continue  # a group a ranked form already represents
        if sum(counts.occurrences(m) or occurrences.get(m, 0) for m in members) >= min_freq:
            recurring.update(m for m in members if m in counts.per_doc)
    return recurring, {typo: name for typo, name in typos.items() if name in recurring}


TERM_COLUMNS = ["term", "freq", "docs", "score", "variants", "tokens", "example"]


def _concept_table(stats, groups, freq, documents_of, per_doc, years: Sequence[int | None]) -> pd.DataFrame:
    """One row per concept, in the order of its best-ranked form, with that form's statistics."""
    terms = stats["term"].tolist()
    concept_of = [groups.canonical.get(form, form) for form in terms]
    best = pd.Series(concept_of).drop_duplicates().index.to_numpy()  # each concept's first (best) form
    concepts = [concept_of[i] for i in best]
    members = [groups.members.get(concept, [terms[i]]) for concept, i in zip(concepts, best)]
    tokens_of = dict(zip(terms, stats["tokens"].tolist()))
    ranked = stats.iloc[best].reset_index(drop=True)
    # each document's year as a small code (0: undated), so counting by year is a bincount, not a sort
    year_code, year_of_code = pd.factorize(np.array([year or 0 for year in years], dtype=np.int64), sort=True)
    year_of_code = np.asarray(year_of_code)
    doc_ids = [documents_of[concept] for concept in concepts]
    # nullable integers: a concept seen only in undated documents has no year, and the others stay 2016, not 2016.0
    first_year, last_year = [], []
    for block in _blocks([len(ids) for ids in doc_ids]):
        ids = doc_ids[block]
        owner = np.repeat(np.arange(len(ids)), [len(one) for one in ids])
        years = year_of_code[year_code[np.concatenate(ids)]] if len(owner) else np.zeros(0, dtype=np.int64)
        dated = pd.Series(years[years > 0]).groupby(owner[years > 0]).agg(["min", "max"]).reindex(range(len(ids)))
        first_year.append(dated["min"].to_numpy(dtype=float))
        last_year.append(dated["max"].to_numpy(dtype=float))
    return pd.DataFrame({
        "term": concepts,
        "freq": [sum(freq.get(m, 0) for m in forms) for forms in members],
        "docs": [len(ids) for ids in doc_ids],
        "score": [round(float(score), 4) for score in ranked["score"].tolist()],
        "variants": ["|".join(m for m in forms if m != concept) for concept, forms in zip(concepts, members)],
        "tokens": [tokens_of.get(concept, tokens_of[terms[i]]) for concept, i in zip(concepts, best)],
        "example": "",
        "first_year": pd.array(np.concatenate(first_year or [EMPTY]), dtype="Float64").astype("Int64"),
        "last_year": pd.array(np.concatenate(last_year or [EMPTY]), dtype="Float64").astype("Int64"),
        "forms_by_year": _forms_by_year(members, per_doc, year_code, year_of_code),
        **{column: ranked[column].to_numpy() for column in SCORE_COLUMNS},
    }, columns=[*TERM_COLUMNS, "first_year", "last_year", "forms_by_year", *SCORE_COLUMNS])


# the statistics behind a concept's score, and the shape factors statistics.rank weighs it by (a share of its
# occurrences, or a flag), as columns of MiningResult.terms: `mine --all-columns` shows why a concept ranks where it does
SCORE_COLUMNS = ("cvalue", "independence", "dice", "pmi", "llr", "left_entropy", "right_entropy", "specificity",
                 "general_zipf", "spread", "titled", "length", "pos",
                 "enumerated", "glued", "heading", "before_number", "title_piece", "cut_end", "joins_terms", "light_head",
                 "predicate", "verb_phrase", "misspelt", "reference", "organisation", "verbal", "quality", "place",
                 "instance", "generic_head", "generic_kind")


def _forms_by_year(members, per_doc, year_code: np.ndarray, year_of_code: np.ndarray) -> list[str]:
    """For each concept (its forms `members`), '2018: 包容和可持续的工业发展 ×12; 2020: 包容及可持续工业发展 ×3': the
    drift a terminologist looks for. Documents without a date count as 'undated'; in a year, the commonest form
    first (ties: in the order of the members). Concepts a block at a time (_blocks), each block in one grouping of
    its forms' document counts: all at once, building the concept table of a 100 MB corpus (180,000 concepts) rose
    627 MB above its start."""
    sizes = [sum(len(counter) for counter in map(per_doc.get, forms) if counter) for forms in members]
    return [text for block in _blocks(sizes)
            for text in _forms_by_year_of_block(members[block], per_doc, year_code, year_of_code)]


def _blocks(sizes: Sequence[int], limit: int = 1_000_000) -> list[slice]:
    """Consecutive slices of items of `sizes` (rows each makes), each making at most `limit` rows (or one item): the
    concept table's groupings a block at a time, so they hold a few arrays of `limit` rows, whatever the corpus (the
    first concepts, the commonest, use the most documents)."""
    blocks, start, rows = [], 0, 0
    for k, size in enumerate(sizes):
        if rows and rows + size > limit:
            blocks.append(slice(start, k))
            start, rows = k, 0
        rows += size
    if start < len(sizes):
        blocks.append(slice(start, len(sizes)))
    return blocks


def _forms_by_year_of_block(members, per_doc, year_code: np.ndarray, year_of_code: np.ndarray) -> list[str]:
    owners, places, counters = [], [], []
    for concept, forms in enumerate(members):
        for place, member in enumerate(forms):
            counter = per_doc.get(member)
            if counter:
                owners.append(concept)
                places.append(place)
                counters.append(counter)
    text = [""] * len(members)
    if not counters:
        return text
    lengths = [len(counter.docs) for counter in counters]
    docs = np.concatenate([counter.docs for counter in counters])
    counts = np.concatenate([counter.counts for counter in counters])
    # each (concept, year, form) as one integer: summed by one hash table, not a grouping by three columns (which
    # rose 330 MB above its start at 100 MB of text)
    places_per_concept = max(len(forms) for forms in members)
    key = (np.repeat(np.asarray(owners, dtype=np.int64), lengths) * len(year_of_code) + year_code[docs]) \
        * places_per_concept + np.repeat(np.asarray(places, dtype=np.int64), lengths)
    codes, keys = pd.factorize(key, sort=False)
    n = np.bincount(codes, weights=counts, minlength=len(keys)).astype(np.int64)
    keys, place = np.divmod(keys, places_per_concept)
    concepts, year = np.divmod(keys, len(year_of_code))
    names = [str(year) if year else "undated" for year in year_of_code.tolist()]
    # years in the order of their names as text ('undated' last), forms by count
    rank = np.argsort(np.argsort(np.array(names, dtype=object), kind="stable"), kind="stable")
    order = np.lexsort((place, -n, rank[year], concepts))
    parts: dict[int, list[str]] = defaultdict(list)
    current, entries = None, []
    for concept, label, place, n in zip(concepts[order].tolist(),
                                        [names[y] for y in year[order].tolist()], place[order].tolist(),
                                        n[order].tolist()):
        if (concept, label) != current:
            if entries:
                parts[current[0]].append(f"{current[1]}: " + ", ".join(entries))
            current, entries = (concept, label), []
        entries.append(f"{members[concept][place]} ×{n}")
    parts[current[0]].append(f"{current[1]}: " + ", ".join(entries))
    for concept, labels in parts.items():
        text[concept] = "; ".join(labels)
    return text


def _documents_of_forms(members, per_doc) -> np.ndarray:
    """Indices of the documents using any of the forms (a form's own are distinct already)."""
    arrays = [per_doc[m].docs for m in members if m in per_doc]
    if len(arrays) == 1:
        return arrays[0]
    return np.unique(np.concatenate(arrays)) if arrays else EMPTY


def _variant_table(groups, freq, per_doc, names: Sequence[str], years: Sequence[int | None]) -> pd.DataFrame:
    # built from arrays: a large corpus has a row for every form in every document that uses it
    names, years = np.array(names, dtype=object), np.array(years, dtype=object)
    labels, counters = [], []
    for concept, members in groups.members.items():
        for member in members:
            counter = per_doc.get(member)
            if counter:
                relation = "canonical" if member == concept else groups.relation.get(member, "variant")
                labels.append((concept, member, relation, len(counter)))
                counters.append(counter)
    if not labels:
        return pd.DataFrame(columns=VARIANT_COLUMNS)
    # the repeated values as categories: no string is hashed or copied per row; each form's documents in order,
    # written in place (a list of each form's arrays, then joined, held them twice: 5 million rows at 100 MB)
    lengths = [label[3] for label in labels]
    docs, counts = np.empty(sum(lengths), dtype=np.int32), np.empty(sum(lengths), dtype=np.int64)
    start = 0
    for counter, length in zip(counters, lengths):
        order = np.argsort(counter.docs, kind="stable")
        docs[start:start + length], counts[start:start + length] = counter.docs[order], counter.counts[order]
        start += length
    # (a form's values repeated over its rows: no array of each row's form, 200 MB at 1 GB of text)
    columns = {name: _categorical(np.array([label[k] for label in labels], dtype=object), repeats=lengths)
               for k, name in enumerate(("term", "form", "relation"))}
    columns.update(document=_categorical(names, docs), year=_categorical(years, docs), count=counts)
    return pd.DataFrame(columns, columns=VARIANT_COLUMNS, copy=False)


def _categorical(values: np.ndarray, rows: np.ndarray | None = None, *,
                 repeats: Sequence[int] = ()) -> pd.Categorical:
    """values[rows] (or each value repeated `repeats` times) as a categorical (None: missing), its codes made in the
    narrowest integer type: pandas narrows int64 codes by copying them (40 MB a column for the 5 million rows of a
    100 MB corpus's variant table)."""
    codes, categories = pd.factorize(values)
    dtype = np.int8 if len(categories) < 1 << 7 else np.int16 if len(categories) < 1 << 15 else np.int32
    codes = codes.astype(dtype)
    return pd.Categorical.from_codes(codes[rows] if rows is not None else np.repeat(codes, repeats), categories)


VARIANT_COLUMNS = ["term", "form", "relation", "document", "year", "count"]
_REPEATED = ["term", "form", "relation", "document"]


def _expanded(variants: pd.DataFrame) -> pd.DataFrame:
    """The variant table with plain string columns, as users read it (it is built and cached with categories)."""
    expanded = variants.copy(deep=False)  # the other columns shared, not copied (a row per form and document)
    for column in _REPEATED:
        if column in variants and isinstance(variants[column].dtype, pd.CategoricalDtype):
            expanded[column] = variants[column].astype(variants[column].cat.categories.dtype)
    if "year" in variants and isinstance(variants["year"].dtype, pd.CategoricalDtype):
        # a year, or None for an undated document (not NaN): as the documents give it
        years = variants["year"].cat
        expanded["year"] = np.array([*years.categories.tolist(), None], dtype=object)[years.codes.to_numpy()]
    return expanded


def _with_titles(column: pd.Series, titled: dict[str, str]) -> pd.Series | np.ndarray:
    """A term column with each name that is mostly written as a title in its brackets: 《多哈行动纲领》."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        renamed = [titled.get(name, name) for name in column.cat.categories]
        if len(set(renamed)) == len(renamed):
            return column.cat.rename_categories(renamed)
        column = column.astype(object)
    codes, names = pd.factorize(column)
    return np.array([titled.get(name, name) for name in names] + [None], dtype=object)[codes]


EMPTY = np.zeros(0, dtype=np.int64)
