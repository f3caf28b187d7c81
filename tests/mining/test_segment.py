import re

import pytest

from glossary.mining.segment import Segmenter, read_user_dict
from conftest import SEEDS_DIR

SEEDS = SEEDS_DIR
EXCERPT = "2019年大会第十八届会议经由GC.18/Res.9号决议通过了工发组织与中等收入国家建立伙伴关系战略框架。"


def test_offsets_point_back_into_the_text():
    tokens = Segmenter(engine="jieba").tag(EXCERPT)
    assert "".join(t.word for t in tokens) == EXCERPT
    for token in tokens:
        assert EXCERPT[token.start : token.end] == token.word


def test_user_words_stay_whole():
    text = "国别伙伴关系方案和最不发达国家等高代办"
    plain = [t.word for t in Segmenter(engine="jieba").tag(text)]
    assert "国别伙伴关系方案" not in plain
    with_terms = [t.word for t in Segmenter(["国别伙伴关系方案"], engine="jieba").tag(text)]
    assert "国别伙伴关系方案" in with_terms


def test_user_dict_file_entries(tmp_path):
    path = tmp_path / "dict.txt"
    path.write_text("# comment\n可持续 20000 a\n南南合作\n", encoding="utf-8")
    assert read_user_dict(path) == [("可持续", 20000, "a"), ("南南合作", 200000, "nz")]


def test_rjieba_gives_the_same_tokens_as_jieba_on_chinese_text():
    # They differ only on Latin and digit runs, where rjieba keeps 2025-2030 and URLs whole, and in the tags of
    # words outside jieba's dictionary (jieba-rs tags them from its own table).
    pytest.importorskip("rjieba")
    reference, compiled = Segmenter(engine="jieba"), Segmenter(engine="rjieba")
    runs = 0
    for seed in sorted(SEEDS.glob("*.txt")):
        for run in re.findall(r"[\u4e00-\u9fff，。、；：“”《》（）]+", seed.read_text(encoding="utf-8")):
            runs += 1
            assert [t.word for t in compiled.tag(run)] == [t.word for t in reference.tag(run)], run
    assert runs > 500


def test_disk_cache_round_trip(tmp_path):
    paragraphs = [EXCERPT, "国别伙伴关系方案"]
    first = Segmenter(engine="jieba", cache_dir=tmp_path).tag_document(paragraphs)
    assert len(list(tmp_path.rglob("*.npz"))) == 1  # one entry per document
    again = Segmenter(engine="jieba", cache_dir=tmp_path)
    again._load_backend = lambda: pytest.fail("a cached document must not be segmented again")
    assert again.tag_document(paragraphs) == first
    other_dictionary = Segmenter(["国别伙伴关系方案"], engine="jieba", cache_dir=tmp_path)
    assert other_dictionary.tag_document(paragraphs)[1][0].word == "国别伙伴关系方案"  # a new dictionary, a new key


def test_a_damaged_cache_entry_is_recomputed(tmp_path):
    segmenter = Segmenter(engine="jieba", cache_dir=tmp_path)
    expected = segmenter.tag_document([EXCERPT])
    for entry in tmp_path.rglob("*.npz"):
        entry.write_text("not json", encoding="utf-8")
    assert Segmenter(engine="jieba", cache_dir=tmp_path).tag_document([EXCERPT]) == expected
