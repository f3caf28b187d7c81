"""Termhood and association measures, and the ranking (glossary.mining.statistics)."""

from collections import Counter

import pandas as pd
import pytest

from glossary.mining.count import StringCounts
from glossary.mining.hashing import string_hash
from glossary.mining.statistics import (
    branching_entropy, c_value, dice, generic_heads, generic_kinds, independence, log_likelihood, rank,
    weakest_split, weakest_splits,
)


def test_statistics_formulas():
    assert c_value(2, 10, []) == pytest.approx(15.849625)  # log2(3) * 10
    assert c_value(2, 10, [4, 2]) == pytest.approx(1.5849625 * 7)  # nested: minus the mean of the longer terms
    assert independence(84, [80, 2]) == pytest.approx(4 / 84)  # 收入国家 inside 中等收入国家
    assert branching_entropy(Counter({"a": 1, "b": 1})) == pytest.approx(1.0)
    assert dice(5, 10, 10) == 0.5
    assert log_likelihood(10, 10, 10, 1000) > log_likelihood(1, 10, 10, 1000)


def test_weakest_splits_look_up_all_parts_at_once_as_weakest_split_does_one_term():
    """The counts of every part read in one pass (StringCounts.many) give each term the split weakest_split finds:
    国家|伙伴关系|方案 is weakest after 国家 (国别 competes with it), and of equal splits the first is taken."""
    ngrams = Counter({"国家伙伴关系方案": 4, "国家": 50, "伙伴关系方案": 5, "国家伙伴关系": 4, "方案": 30,
                      "工发组织": 9, "工发": 9, "组织": 9, "南南合作": 3})
    segmentations = [("国家", "伙伴关系", "方案"), ("工发", "组织"), ("南南合作",), ("南南", "合作")]
    expected = [weakest_split(tokens, ngrams, 1000) for tokens in segmentations]
    assert weakest_splits(segmentations, ngrams, 1000) == expected
    hashed = StringCounts({string_hash(text): n for text, n in ngrams.items()})
    assert weakest_splits(segmentations, hashed, 1000) == expected
    assert expected[0][0] == dice(4, 50, 5) and expected[2] == (1.0, 0.0, 0.0)


def test_term_statistics_are_the_same_with_general_frequencies_read_beside(monkeypatch):
    """With two jobs the general frequencies are read in a forked process, a chunk at a time: the same table."""
    import glossary.mining.statistics as statistics
    from glossary.config import load_settings
    from glossary.mining.count import count_corpus
    from glossary.mining.segment import Segmenter, read_user_dict
    from glossary.mining.shape import Lexicon

    settings = load_settings()
    documents = [["工发组织将通过国别伙伴关系方案支持中等收入国家。", "国家伙伴关系方案仍然是工发组织的重点。"],
                 ["工发组织支持中等收入国家的国家伙伴关系方案和南南合作。", "南南合作与三角合作是工发组织的方案。"]]
    counts = count_corpus(documents, Lexicon.from_settings(settings.mining),
                          Segmenter(user_words=read_user_dict(settings.mining.user_dict)), 8, 24)
    alone = statistics.term_statistics(counts, 2, 2)
    monkeypatch.setattr(statistics, "GENERAL_CHUNK", 2)  # several chunks, so a process is forked
    beside = statistics.term_statistics(counts, 2, 2, jobs=2)
    assert len(alone) > 4 and alone["specificity"].notna().sum() > 2
    pd.testing.assert_frame_equal(alone, beside)


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


def test_quoted_titles_extend_a_generic_head():
    """条约 heads 《不扩散核武器条约》 and 《全面禁止核试验条约》, each quoted once (no candidate): a document's 《条约》
    is its short reference to one of them, not a name of its own; a title equal to the word extends nothing."""
    stats = pd.DataFrame([("条约", 1, 4.0, 1.0), ("核武器", 1, 3.0, 1.0)],
                         columns=["term", "length", "general_zipf", "independence"])
    assert not generic_heads(stats, min_extensions=2, min_zipf=3.5).any()
    titles = ["不扩散核武器条约", "全面禁止核试验条约", "条约"]
    assert generic_heads(stats, min_extensions=2, min_zipf=3.5, titles=titles).tolist() == [True, False]


def test_one_word_ending_in_a_generic_head_is_a_kind_not_a_name():
    """条约 heads several names here: 多边条约, one word to jieba ('multilateral treaty'), is the general word for a kind
    of them; the head itself, a multiword candidate and an organisation's name (tag nt) ending so are not kinds."""
    stats = pd.DataFrame([("条约", 1, "n"), ("多边条约", 1, "n"), ("武器贸易条约", 2, "n"), ("条约组织", 1, "nt"),
                          ("公约", 1, "n"), ("核武器", 1, "n")], columns=["term", "length", "pos"])
    generic = pd.Series([True, False, False, False, False, False])
    assert generic_kinds(stats, generic).tolist() == [False, True, False, False, False, False]


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


def test_rank_weighs_an_organisation_held_as_one_word_as_a_multiword_name():
    """国际劳工组织 is one word to jieba (tag nt) and a multiword name to the reader: neither the one-word weight nor
    the common-word weight applies to it; 秘书长 (a one-word n) keeps both."""
    row = {"cvalue": 10.0, "independence": 1.0, "specificity": 3.0, "llr": 0.0, "length": 1, "tokens": "国际劳工组织",
           "joins_terms": False, "light_head": False, "general_zipf": 4.6, "organisation": True}
    stats = pd.DataFrame([row, {**row, "tokens": "秘书长", "organisation": False}])
    scores = rank(stats, single_word_weight=0.6, common_word_min_zipf=3.5, common_word_max_zipf=4.6,
                  common_word_weight=0.7, organisation_weight=1.0).tolist()
    assert scores == pytest.approx([1.0, 0.6 * 0.7])


@pytest.mark.parametrize("column, settings, cases, expected", [
    # headed by a verb and its object held as one word (第七章|采取行动)
    ("verb_phrase", {"verb_phrase_weight": 0.35}, [(False, 2), (True, 2)], [1.0, 0.35]),
    # one word glossed first as a verb (批准 'to approve'): an action reported
    ("verbal", {"verbal_weight": 0.5}, [(False, 2), (True, 2)], [1.0, 0.5]),
    # one word of a quality (合法|性)
    ("quality", {"quality_weight": 0.5}, [(False, 2), (True, 2)], [1.0, 0.5]),
    # one word of a kind a generic head names (多边|条约)
    ("generic_kind", {"generic_kind_weight": 0.4}, [(False, 2), (True, 2)], [1.0, 0.4]),
    # recurring only by an occurrence where a cut document stops
    ("cut_end", {"cut_end_weight": 0.3}, [(False, 2), (True, 2)], [1.0, 0.3]),
    # one character wrong in a name the corpus also spells right
    ("misspelt", {"misspelt_weight": 0.2}, [(False, 2), (True, 2)], [1.0, 0.2]),
    # a document symbol's part or a placeholder glued to a name (公约|ICCD)
    ("reference", {"reference_weight": 0.3}, [(False, 2), (True, 2)], [1.0, 0.3]),
    # shares of the occurrences: weighed from the least share on, for a candidate seen twice or more (once says
    # nothing): a line of its own, right before a number, inside a longer quoted title
    ("heading", {"heading_weight": 0.3, "heading_min_share": 1.0}, [(0.5, 2), (1.0, 2), (1.0, 1)], [1.0, 0.3, 1.0]),
    ("before_number", {"before_number_weight": 0.3, "before_number_min_share": 1.0}, [(0.5, 2), (1.0, 2), (1.0, 1)],
     [1.0, 0.3, 1.0]),
    ("title_piece", {"title_piece_weight": 0.3, "title_piece_min_share": 0.8}, [(0.5, 2), (0.9, 2), (1.0, 1)],
     [1.0, 0.3, 1.0]),
])
def test_rank_weighs_each_shape_factor_as_configured(column, settings, cases, expected):
    row = {"cvalue": 10.0, "independence": 1.0, "specificity": 3.0, "llr": 20.0, "length": 2, "tokens": "甲 乙",
           "joins_terms": False, "light_head": False}
    stats = pd.DataFrame([{**row, column: value, "freq": freq} for value, freq in cases])
    assert rank(stats, **settings).tolist() == pytest.approx(expected)


def test_rank_weighs_the_literary_attributive_like_de():
    """之 is the literary 的: 会址|之|所在地 is a possessive phrase as 会址|的|所在地 is."""
    row = {"cvalue": 10.0, "independence": 1.0, "specificity": 3.0, "llr": 20.0, "length": 3, "tokens": "总部 所在地",
           "joins_terms": False, "light_head": False}
    stats = pd.DataFrame([row, {**row, "tokens": "总部 之 所在地"}, {**row, "tokens": "总部 的 所在地"}])
    assert rank(stats, attributive_weight=0.5).tolist() == pytest.approx([1.0, 0.5, 0.5])


def test_general_frequencies_are_wordfreqs_own_with_its_strings_segmented_by_rjieba(monkeypatch):
    """rjieba, loaded with wordfreq's dictionary, cuts every substring of a seed report's opening as wordfreq's
    pure-Python jieba does, and general_frequency gives what word_frequency gives with jieba's own cut."""
    import jieba
    import wordfreq
    from wordfreq import chinese

    import glossary.mining.statistics as statistics
    from tests.conftest import seed_path

    pytest.importorskip("rjieba")
    text = "".join(seed_path("001").read_text(encoding="utf-8").split())[:400]
    strings = list(dict.fromkeys(text[i:i + n] for n in range(2, 12) for i in range(len(text) - n)))
    strings += ["2030年可持续发展议程", "联合国工业发展组织（UNIDO）", "經濟及社會理事會"]
    pure = jieba.Tokenizer(dictionary=chinese.DICT_FILENAME)
    compiled = statistics.RjiebaOnWordfreqDictionary(chinese.DICT_FILENAME)
    simplified = [chinese.simplify_chinese(s) for s in strings]
    assert [list(compiled.tokenize(s, HMM=False)) for s in simplified] == \
        [list(pure.tokenize(s, HMM=False)) for s in simplified]
    monkeypatch.setattr(chinese, "jieba_tokenizer", pure)
    # wordfreq keeps its answers: each side starts with none, so neither reads the other's
    monkeypatch.setattr(wordfreq, "_wf_cache", {})
    expected = [wordfreq.word_frequency(s, "zh") for s in strings]
    monkeypatch.setattr(chinese, "jieba_tokenizer", None)
    monkeypatch.setattr(wordfreq, "_wf_cache", {})
    statistics.general_frequency.cache_clear()
    statistics.segment_wordfreq_with_rjieba.cache_clear()
    assert [statistics.general_frequency(s) for s in strings] == expected
    assert isinstance(chinese.jieba_tokenizer, statistics.RjiebaOnWordfreqDictionary)
    assert sum(f > 0 for f in expected) > len(strings) / 10  # strings wordfreq knows, not only zeros
