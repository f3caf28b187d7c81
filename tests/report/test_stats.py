from pathlib import Path

import pytest

from glossary.corpus.load import load_corpus
from glossary.report.stats import corpus_stats, count_sentences
from conftest import SEEDS_DIR

SEEDS = SEEDS_DIR


@pytest.fixture(scope="module")
def seeds_stats():
    return corpus_stats(load_corpus([SEEDS]).documents)


def test_corpus_figures_add_up(seeds_stats):
    assert seeds_stats.documents == 5
    assert seeds_stats.characters == sum(d.characters for d in seeds_stats.per_document)
    assert seeds_stats.tokens == sum(d.tokens for d in seeds_stats.per_document)
    assert 0 < seeds_stats.cjk_characters < seeds_stats.characters
    assert 0 < seeds_stats.hapax < seeds_stats.types < seeds_stats.tokens
    assert seeds_stats.type_token_ratio == pytest.approx(seeds_stats.types / seeds_stats.tokens)


def test_per_document_metadata_matches_the_documents(seeds_stats):
    by_name = {Path(d.path).name[:3]: d for d in seeds_stats.per_document}
    assert by_name["000"].date == "2024-11-25" and by_name["000"].title == "中等收入国家的包容可持续发展"
    assert by_name["001"].date == "2018-11-26" and by_name["001"].title == "与中等收入国家建立伙伴关系的战略框架"
    assert by_name["003"].organ == "大会" and by_name["003"].symbol == "GC.19"
    assert "A/78/224" in by_name["000"].symbols_cited


def test_repairs_are_reported(seeds_stats):
    assert seeds_stats.repairs["rejoined_lines"] > 100
    assert seeds_stats.repairs["boilerplate_lines"] == 5  # one paper-saving notice per seed
    assert seeds_stats.repairs["traditional_converted"] == 1  # 任務 in seed 003


def test_top_terms_are_content_words(seeds_stats):
    words = [row["word"] for row in seeds_stats.top_terms]
    assert "工发" in words or "中等" in words
    assert not {"的", "和", "在", "。", "2030"} & set(words)


def test_sentence_count():
    assert count_sentences("第一句。第二句！第三句；没有结尾") == 4


def test_control_characters_are_counted_as_a_repair(tmp_path):
    """A vertical tab from a Word export, \\x01 and \\x00 become spaces when read, and stats says how many."""
    path = tmp_path / "controls.txt"
    path.write_text("1. 工发组织\x0b促进包容\x01和可持续\x00工业发展。\n", encoding="utf-8")
    stats = corpus_stats(load_corpus([path]).documents)
    assert stats.repairs["control_characters"] == 3
    table = stats.summary_table()
    assert table.loc[table["measure"] == "repair: control_characters", "value"].tolist() == [3]
    assert stats.per_document[0].characters == len("工发组织促进包容和可持续工业发展。")


def test_a_long_document_is_tagged_in_batches_with_the_same_result(seeds_stats, monkeypatch):
    """The tokens of a 50 MB document held at once took gigabytes: it is tagged a million characters at a time."""
    import glossary.report.stats as stats_module

    monkeypatch.setattr(stats_module, "TAG_BATCH_CHARS", 500)
    batched = corpus_stats(load_corpus([SEEDS]).documents)
    assert (batched.tokens, batched.types, batched.sentences) == (seeds_stats.tokens, seeds_stats.types,
                                                                  seeds_stats.sentences)
    assert batched.top_terms == seeds_stats.top_terms
