"""Termhood and association measures, and the ranking (glossary.mining.statistics)."""

from collections import Counter

import pandas as pd
import pytest

from glossary.mining.statistics import (
    branching_entropy, c_value, dice, generic_heads, independence, log_likelihood, rank,
)


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


def test_a_common_word_heading_several_names_is_a_generic_head():
    """理事会 ends 安全理事会, 人权理事会 and 经济及社会理事会, each used on its own: the category noun, not a name.
    伙伴关系 is as productive but rare in general Chinese: a concept of the domain. A fragment (国家伙伴关系, never
    outside 国家伙伴关系方案: independence 0) is no name for its head to end."""
    rows = [
        ("理事会", 1, 4.1, 0.7), ("安全理事会", 2, 4.1, 1.0), ("人权理事会", 2, 4.1, 1.0), ("经济及社会理事会", 4, 4.1, 1.0),
        ("伙伴关系", 1, 3.1, 0.9), ("全球伙伴关系", 2, 3.1, 1.0), ("企业伙伴关系", 2, 3.1, 1.0),
        ("工作组", 1, 3.5, 0.9), ("会前工作组", 2, 3.5, 1.0), ("开放工作组", 2, 3.5, 0.0),
    ]
    stats = pd.DataFrame(rows, columns=["term", "length", "general_zipf", "independence"])
    flagged = dict(zip(stats["term"], generic_heads(stats, min_extensions=2, min_zipf=3.5)))
    assert flagged["理事会"]
    assert not flagged["伙伴关系"]  # rarer than Zipf 3.5 in general Chinese
    assert not flagged["工作组"]  # one extension only: 开放工作组 is a fragment here
    assert not flagged["安全理事会"]  # a multiword name heads nothing here


def test_rank_weighs_glued_instances_places_and_generic_heads():
    row = {"cvalue": 10.0, "independence": 1.0, "specificity": 3.0, "llr": 20.0, "length": 2, "tokens": "南南 合作",
           "joins_terms": False, "light_head": False, "freq": 2, "glued": 0.5, "instance": False, "place": False,
           "generic_head": False}
    stats = pd.DataFrame([row, {**row, "glued": 1.0}, {**row, "glued": 1.0, "freq": 1}, {**row, "instance": True},
                          {**row, "place": True}, {**row, "generic_head": True}])
    scores = rank(stats, glued_weight=0.4, glued_min_share=1.0, instance_weight=0.3, place_weight=0.2,
                  generic_head_weight=0.5).tolist()
    assert scores[0] == 1.0
    assert scores[1] == pytest.approx(0.4)  # always next to the same name word
    assert scores[2] == 1.0  # seen once: one neighbour says nothing
    assert scores[3:] == pytest.approx([0.3, 0.2, 0.5])


def test_rank_weighs_a_one_word_candidate_down_the_more_common_it_is_in_general_chinese():
    """公约 (Zipf 4.4) and 任命 (4.5) are everyday words: as entries of their own they weigh less than 缔约方 (2.5), a
    word of treaties; a multiword candidate is not concerned (its general_zipf is its commonest word's)."""
    row = {"cvalue": 10.0, "independence": 1.0, "specificity": 3.0, "llr": 20.0, "length": 1, "tokens": "缔约方",
           "joins_terms": False, "light_head": False, "general_zipf": 2.5}
    stats = pd.DataFrame([row, {**row, "tokens": "公约", "general_zipf": 4.4}, {**row, "tokens": "任命", "general_zipf": 4.6},
                          {**row, "tokens": "甲 委员会", "length": 2, "general_zipf": 4.6}])
    scores = rank(stats, single_word_weight=1.0, common_word_min_zipf=3.5, common_word_max_zipf=4.6,
                  common_word_weight=0.7).tolist()
    assert scores[0] == 1.0
    assert scores[1] == pytest.approx(1 - 0.3 * 0.9 / 1.1)  # linear between Zipf 3.5 and 4.6
    assert scores[2] == pytest.approx(0.7)
    assert scores[3] == pytest.approx(20 / (20 + 10.83))  # its parts' association only, no common-word weight
