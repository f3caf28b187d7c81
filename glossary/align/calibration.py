"""Calibrated scores: the probability that a proposed Chinese equivalent is right, from a logistic model over the
evidence behind it, fit on judged alignments (scripts/fit_align_calibration.py, cross-validated by document).

  proposal_features(best, runner_up, pool, config)   the evidence of one proposal as numbers (FEATURES)
  read_calibration(path)                             the model's coefficients (data/align_calibration.tsv)
  probability(features, coefficients)                the logistic function of their weighted sum
  fit_logistic(X, y, l2)                             the fit itself (Newton's method, L2-penalised)

Logistic regression as a calibrator: Platt 1999 (a sigmoid over a classifier's scores); here over several
features, so that coverage, head, frequency and co-occurrence each count as the judged data say.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

import numpy as np

from glossary.align.candidates import CandidatePool
from glossary.align.proposals import Proposal
from glossary.config import AlignSettings
from glossary.errors import InputError

FEATURES = [
    "bias",
    "match",  # the compositional match × termhood the proposal was ranked by
    "english_coverage",  # share of the English (informativeness-weighted) the Chinese renders
    "chinese_coverage",  # share of the Chinese a rendering covers
    "head_aligned",  # the Chinese ends with the English head's translation
    "rules_accept",  # min_score, min_english_coverage and the head rule all hold
    "frequency",  # log occurrences of the form in the corpus, over log 100 (capped at 1)
    "margin",  # lead over the next proposal: 1 - runner-up score / score
    "parallel",  # Dice of the form with the term over aligned sentence pairs, 0 without parallel text
    "named",  # found as a name: short name of an acronym, or an acronym the corpus defines
]


def proposal_features(best: Proposal, runner_up: Proposal | None, pool: CandidatePool,
                      config: AlignSettings) -> list[float]:
    """The evidence behind a proposal, in FEATURES order."""
    freq = pool.occurrences(best.zh)
    margin = 1 - (runner_up.score / best.score) if runner_up is not None and best.score > 0 else 1.0
    return [
        1.0,
        float(best.dictionary_score or best.score),
        float(best.english_coverage),
        float(best.chinese_coverage if best.chinese_coverage is not None else 1.0),
        float(best.head_aligned),
        float(best.acceptable(config)),
        min(1.0, math.log1p(freq) / math.log(100)),
        max(0.0, min(1.0, margin)),
        float(best.parallel_score),
        float(best.method in ("short_name", "acronym")),
    ]


@lru_cache(maxsize=4)
def read_calibration(path: str) -> tuple[float, ...] | None:
    """data/align_calibration.tsv: feature, weight (lines starting with # are comments). None when the file is
    absent (scores are then the match scores, uncalibrated)."""
    file = Path(path)
    if not file.is_file():
        return None
    weights: dict[str, float] = {}
    for number, line in enumerate(file.read_text(encoding="utf-8-sig").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#") or line.startswith("feature\t"):
            continue
        name, _, value = line.partition("\t")
        try:
            weights[name.strip()] = float(value)
        except ValueError:
            raise InputError(file, f"line {number}: the weight of {name.strip()!r} is not a number") from None
    missing = [f for f in FEATURES if f not in weights]
    if missing:
        raise InputError(file, f"no weight for {', '.join(missing)}")
    return tuple(weights[f] for f in FEATURES)


def probability(features: list[float], coefficients: tuple[float, ...]) -> float:
    z = sum(w * x for w, x in zip(coefficients, features))
    return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))


def fit_logistic(X: np.ndarray, y: np.ndarray, l2: float = 1.0, iterations: int = 50) -> np.ndarray:
    """Maximum-likelihood logistic regression with an L2 penalty (the bias unpenalised), by Newton's method."""
    weights = np.zeros(X.shape[1])
    penalty = np.full(X.shape[1], l2)
    penalty[0] = 0.0
    for _ in range(iterations):
        p = 1 / (1 + np.exp(-np.clip(X @ weights, -30, 30)))
        gradient = X.T @ (p - y) + penalty * weights
        hessian = (X * (p * (1 - p))[:, None]).T @ X + np.diag(penalty) + 1e-9 * np.eye(X.shape[1])
        step = np.linalg.solve(hessian, gradient)
        weights -= step
        if np.max(np.abs(step)) < 1e-8:
            break
    return weights
