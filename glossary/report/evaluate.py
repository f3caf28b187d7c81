"""Measure a ranked term list (or alignment) against a reference list, as defined in the project's eval README.

Precision at K: share of the first K mined terms that equal a reference form or a term judged valid.
Recall at K: of the reference concepts that occur at least twice in the corpus, the share with a form among
the first K mined terms. Spaces and 《》 are ignored when comparing.

Judged precision at K (any corpus, no reference list): share of the first K mined terms judged `term` in a
judgements file (`term`, `judgement`, `note`); a candidate nobody judged counts as not a term, and is listed so it
can be judged and the measure repeated.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import pandas as pd

from glossary.errors import InputError, os_problem


def normalise(term: str) -> str:
    """The form terms are compared by: without 《》 and without any whitespace."""
    return "".join(ch for ch in str(term) if ch not in "《》" and not ch.isspace())


@dataclass
class GoldConcept:
    en: str
    forms: list[str]


def read_gold(path: Path, keep_absent: bool = False) -> list[GoldConcept]:
    """A TSV with columns `en` and `zh` (every accepted Chinese form, `|`-separated, the first preferred); lines
    starting with '#' are comments. With `keep_absent`, rows with an empty zh (terms with no equivalent in the
    corpus: the right answer is none) are kept, with no forms."""
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
        if row.get("en") and (forms or keep_absent):
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


JUDGEMENTS = ("term", "not-term")
JUDGEMENT_COLUMNS = ("term", "judgement", "note")


@dataclass(frozen=True)
class Judgement:
    term: str  # as written in the file
    judgement: str  # "term" or "not-term"
    note: str = ""
    line: int = 0  # line number in the file, for messages


def read_judgements(path: Path) -> dict[str, Judgement]:
    """A judgements file: TSV with the header `term<TAB>judgement<TAB>note` (note may be left out), judgement `term`
    or `not-term`; lines starting with '#' and blank lines are skipped. Keyed by the normalised form. A form judged
    twice must be judged the same way."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(path, f"not a UTF-8 text file ({exc.__class__.__name__})") from None
    except OSError as exc:
        raise InputError(path, os_problem(exc)) from None
    lines = [(number, line) for number, line in enumerate(text.splitlines(), 1)
             if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        raise InputError(path, "has no header row: needs the columns term, judgement and note (tab-separated)")
    header_line, header = lines[0][0], [cell.strip().lower() for cell in lines[0][1].split("\t")]
    missing = [column for column in ("term", "judgement") if column not in header]
    if missing:
        raise InputError(path, f"line {header_line}: the header lacks the column(s) {', '.join(missing)}; a "
                               "judgements file has the columns term, judgement and note (tab-separated)")
    at = {column: header.index(column) for column in JUDGEMENT_COLUMNS if column in header}
    judged: dict[str, Judgement] = {}
    for number, line in lines[1:]:
        cells = line.split("\t")
        cell = {column: cells[i].strip() if i < len(cells) else "" for column, i in at.items()}
        form = normalise(cell["term"])
        if not form:
            raise InputError(path, f"line {number}: no term")
        value = cell["judgement"].lower()
        if value not in JUDGEMENTS:
            raise InputError(path, f"line {number}: judgement must be term or not-term, not {cell['judgement']!r}")
        earlier = judged.get(form)
        if earlier is not None and earlier.judgement != value:
            raise InputError(path, f"line {number}: {cell['term']} is judged {value} here and {earlier.judgement} "
                                   f"on line {earlier.line}")
        if earlier is None:
            judged[form] = Judgement(cell["term"], value, cell.get("note", ""), number)
    return judged


@dataclass
class JudgedScores:
    """Precision at K of a ranking against judgements, unjudged candidates counted as not terms.

    `ranking` has one row per candidate of the first max(K): rank (from 1), term, judgement ("term", "not-term",
    or "" when unjudged) and note. `summary` has one row per K: K, P@K, terms, not-terms, unjudged."""

    ks: list[int]
    precision: dict[int, float]
    ranking: pd.DataFrame
    summary: pd.DataFrame
    judgements: int = 0  # forms in the judgements file

    def unjudged(self, k: int | None = None) -> pd.DataFrame:
        """Candidates of the first k (default: the largest K) nobody judged."""
        top = self.ranking.head(k if k is not None else max(self.ks, default=0))
        return top[top["judgement"] == ""]

    def not_terms(self, k: int | None = None) -> pd.DataFrame:
        """Candidates of the first k (default: the largest K) judged not-term."""
        top = self.ranking.head(k if k is not None else max(self.ks, default=0))
        return top[top["judgement"] == "not-term"]


def score_judged(ranked_terms: Sequence[str], judgements: dict[str, Judgement], ks: Sequence[int]) -> JudgedScores:
    """Precision at each K: candidates judged `term` among the first K, divided by K (a ranking shorter than K
    counts the missing places as misses). Forms are compared after `normalise`."""
    ks = sorted({int(k) for k in ks})
    if any(k < 1 for k in ks):
        raise InputError(None, f"K must be at least 1, not {min(ks)}")
    deepest = max(ks, default=0)
    rows = []
    for rank, term in enumerate(list(ranked_terms)[:deepest], 1):
        found = judgements.get(normalise(term))
        rows.append({"rank": rank, "term": str(term), "judgement": found.judgement if found else "",
                     "note": found.note if found else ""})
    ranking = pd.DataFrame(rows, columns=["rank", "term", "judgement", "note"])
    precision, summary = {}, []
    for k in ks:
        top = ranking.head(k)["judgement"]
        terms, not_terms = int((top == "term").sum()), int((top == "not-term").sum())
        precision[k] = terms / k
        summary.append({"K": k, "P@K": round(precision[k], 3), "terms": terms, "not-terms": not_terms,
                        "unjudged": int((top == "").sum()), "ranked": len(top)})
    return JudgedScores(ks, precision, ranking, pd.DataFrame(summary), len(judgements))


@dataclass
class AlignmentScores:
    accuracy_at_1: float  # over the terms with forms
    accuracy_at_3: float
    terms: int
    details: pd.DataFrame
    answered: int = 0  # non-empty first answers, absent terms included
    wrong: int = 0  # of those, not an accepted form (any answer to an absent term is wrong)
    absent: int = 0  # terms with no forms: the right answer is none
    absent_empty: int = 0  # of those, answered empty

    @property
    def wrong_share(self) -> float:
        return self.wrong / self.answered if self.answered else 0.0

    @property
    def absent_left_empty(self) -> float:
        return self.absent_empty / self.absent if self.absent else 0.0


def score_alignment(proposals: pd.DataFrame, gold: Sequence[GoldConcept]) -> AlignmentScores:
    """`proposals` has one row per English term: `en`, `zh` and `alternatives` (`|`-separated). Accuracy at 1
    and 3 count the concepts with forms; a concept without forms (absent from the corpus) counts for the wrong
    share when answered and for `absent_left_empty` when not."""
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
    details = pd.DataFrame(rows, columns=["en", "proposed", "at_1", "at_3", "accepted"])
    present = details[details["accepted"] != ""]
    absent = details[details["accepted"] == ""]
    answered = details[details["proposed"] != ""]
    n = len(present)
    return AlignmentScores(
        float(present["at_1"].mean()) if n else 0.0, float(present["at_3"].mean()) if n else 0.0, n, details,
        answered=len(answered), wrong=int((~answered["at_1"]).sum()), absent=len(absent),
        absent_empty=int((absent["proposed"] == "").sum()),
    )
