"""Measure a ranked term list (or alignment) against a reference list, as defined in the project's eval README.

Precision at K: share of the first K mined terms that equal a reference form or a term judged valid.
Recall at K: of the reference concepts that occur at least twice in the corpus, the share with a form among
the first K mined terms. Spaces and 《》 are ignored when comparing.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import pandas as pd

from glossary.errors import InputError


def normalise(term: str) -> str:
    return "".join(ch for ch in str(term) if ch not in "《》 \u3000\t")


@dataclass
class GoldConcept:
    en: str
    forms: list[str]


def read_gold(path: Path) -> list[GoldConcept]:
    """A TSV with columns `en` and `zh` (every accepted Chinese form, `|`-separated, the first preferred); lines
    starting with '#' are comments."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except (UnicodeDecodeError, IsADirectoryError) as exc:
        raise InputError(path, f"not a UTF-8 text file ({exc.__class__.__name__})") from None
    rows = list(csv.DictReader([line for line in text.splitlines() if not line.startswith("#")], delimiter="\t"))
    if not rows or "en" not in rows[0] or "zh" not in rows[0]:
        raise InputError(path, "needs a header row with the columns 'en' and 'zh' (tab-separated)")
    concepts = []
    for row in rows:
        forms = [f.strip() for f in (row.get("zh") or "").split("|") if f.strip()]
        if row.get("en") and forms:
            concepts.append(GoldConcept(row["en"].strip(), forms))
    return concepts


def read_valid_terms(path: Path | None) -> set[str]:
    """Further terms judged valid, one per line ('#' comments)."""
    if path is None:
        return set()
    try:
        lines = Path(path).read_text(encoding="utf-8-sig").splitlines()
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    return {normalise(line.split("#", 1)[0]) for line in lines if line.split("#", 1)[0].strip()}


def corpus_occurrences(concept: GoldConcept, corpus_text: str) -> int:
    """Occurrences of a concept's forms in the corpus, longer forms first so nested forms are not counted twice."""
    text = normalise(corpus_text)
    total = 0
    for form in sorted({normalise(f) for f in concept.forms}, key=len, reverse=True):
        total += text.count(form)
        text = text.replace(form, "\0")
    return total


@dataclass
class RankingScores:
    system: str
    precision: dict[int, float] = field(default_factory=dict)
    recall: dict[int, float] = field(default_factory=dict)
    judged: int = 0  # reference concepts that occur at least twice


def score_ranking(
    ranked_terms: Sequence[str],
    gold: Sequence[GoldConcept],
    corpus_text: str,
    ks: Sequence[int],
    valid_terms: set[str] = frozenset(),
    system: str = "glossary",
) -> RankingScores:
    ranked = [normalise(t) for t in ranked_terms]
    gold_forms = {normalise(f) for c in gold for f in c.forms}
    accepted = gold_forms | set(valid_terms)
    occurring = [c for c in gold if corpus_occurrences(c, corpus_text) >= 2]
    scores = RankingScores(system, judged=len(occurring))
    for k in ks:
        top = ranked[:k]
        scores.precision[k] = sum(t in accepted for t in top) / k if k else 0.0
        top_set = set(top)
        found = sum(any(normalise(f) in top_set for f in c.forms) for c in occurring)
        scores.recall[k] = found / len(occurring) if occurring else 0.0
    return scores


def tfidf_baseline(corpus_text: str, k: int) -> list[str]:
    """jieba's TF-IDF keyword extraction over the same text: the comparison the issue asks for."""
    import jieba
    import jieba.analyse

    jieba.setLogLevel(60)
    return jieba.analyse.extract_tags(corpus_text, topK=k)


def scores_table(results: Sequence[RankingScores], ks: Sequence[int]) -> pd.DataFrame:
    rows = []
    for result in results:
        row = {"system": result.system}
        for k in ks:
            row[f"P@{k}"] = round(result.precision[k], 3)
        for k in ks:
            row[f"R@{k}"] = round(result.recall[k], 3)
        row["reference concepts (freq>=2)"] = result.judged
        rows.append(row)
    return pd.DataFrame(rows)


@dataclass
class AlignmentScores:
    accuracy_at_1: float
    accuracy_at_3: float
    terms: int
    details: pd.DataFrame


def score_alignment(proposals: pd.DataFrame, gold: Sequence[GoldConcept]) -> AlignmentScores:
    """`proposals` has one row per English term: `en`, `zh` and `alternatives` (`|`-separated)."""
    by_en = {str(row["en"]).strip(): row for _, row in proposals.iterrows()}
    rows = []
    for concept in gold:
        row = by_en.get(concept.en)
        ranked = []
        if row is not None:
            ranked = [str(row.get("zh") or "")] + [a for a in str(row.get("alternatives") or "").split("|") if a]
        ranked = [normalise(r) for r in ranked if r]
        accepted = {normalise(f) for f in concept.forms}
        rows.append(
            {
                "en": concept.en,
                "proposed": ranked[0] if ranked else "",
                "at_1": bool(ranked[:1]) and ranked[0] in accepted,
                "at_3": any(r in accepted for r in ranked[:3]),
                "accepted": "|".join(concept.forms),
            }
        )
    details = pd.DataFrame(rows)
    n = len(details)
    return AlignmentScores(
        float(details["at_1"].mean()) if n else 0.0, float(details["at_3"].mean()) if n else 0.0, n, details
    )
