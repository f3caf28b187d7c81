"""Termhood and association measures, and the ranking (glossary.mining.statistics)."""

from collections import Counter

import pandas as pd
import pytest

from glossary.mining.statistics import branching_entropy, c_value, dice, independence, log_likelihood, rank


def test_statistics_formulas():
    assert c_value(2, 10, []) == pytest.approx(15.849625)  # log2(3) * 10
    assert c_value(2, 10, [4, 2]) == pytest.approx(1.5849625 * 7)  # nested: minus the mean of the longer terms
    assert independence(84, [80, 2]) == pytest.approx(4 / 84)  # 收入国家 inside 中等收入国家
    assert branching_entropy(Counter({"a": 1, "b": 1})) == pytest.approx(1.0)
    assert dice(5, 10, 10) == 0.5
    assert log_likelihood(10, 10, 10, 1000) > log_likelihood(1, 10, 10, 1000)


def test_rank_weighs_shape_factors_as_configured():
    row = {"cvalue": 10.0, "independence": 1.0, "specificity": 3.0, "llr": 20.0, "length": 2, "tokens": "南南 合作",
           "joins_terms": False, "light_head": False}
    stats = pd.DataFrame([row, {**row, "light_head": True}, {**row, "tokens": "南南 的 合作"},
                          {**row, "joins_terms": True}])
    scores = rank(stats, light_head_weight=0.5, attributive_weight=0.4).tolist()
    assert scores[0] == 1.0 and scores[1] == pytest.approx(0.5) and scores[2] == pytest.approx(0.4)
    assert scores[3] == 0.0  # a phrase of terms is no term
