"""Term mining on small real excerpts of the seeds."""

from pathlib import Path

import pytest

from glossary.config import load_settings
from glossary.model import Document, Paragraph
from glossary.mining.mine import mine_corpus

EXCERPTS = {
    2018: [
        "根据GC.17/Res.6号决议，本文件提出了工发组织在其任务和资源范围内与中等收入国家展开合作的战略框架，旨在促进这些国家实现包容和可持续的工业发展。",
        "将中等收入国家定性为实现包容和可持续的工业发展的合作伙伴。",
        "鉴于工发组织在包容和可持续的工业发展方面的独特任务，本组织既要独自加强与中等收入国家的伙伴关系。",
        "工发组织将通过国别伙伴关系方案支持中等收入国家。",
    ],
    2020: [
        "工业在应对危机方面可发挥重要作用，从而凸显了目标9所载包容及可持续工业发展的重要性。",
        "在10个国家落实国家伙伴关系方案仍然是工发组织的一个主要方案重点。",
        "除国家伙伴关系方案外，工发组织还在各区域执行多达45个国家方案。",
        "与私营部门之间的投资和技术转让项目，都有助于加速实现包容及可持续工业发展。",
    ],
    2021: [
        "《利马宣言》确立并界定了包容可持续工业发展的共同愿景。",
        "《阿布扎比宣言》重申了工发组织推进包容可持续工业发展的任务授权。",
        "工发组织是联合国系统在包容可持续工业发展方面的核心协调机构，并支持中等收入国家的国家伙伴关系方案。",
        "私营部门的合作和技术转让使工发组织涵盖全球的任务授权无比重要。",
    ],
}


def make_documents(excerpts=EXCERPTS):
    documents = []
    for year, texts in excerpts.items():
        paragraphs = [Paragraph(text, i, str(i + 1), "body", i + 1) for i, text in enumerate(texts)]
        documents.append(Document(Path(f"{year}.txt"), "\n".join(texts), paragraphs, dates=[f"{year}-11-01"]))
    return documents


@pytest.fixture(scope="module")
def mined():
    return mine_corpus(make_documents(), load_settings())


def test_variants_group_the_isid_forms_and_the_programme(mined):
    terms = mined.terms.set_index("term")
    isid = [t for t in terms.index if "包容" in t and "工业发展" in t]
    assert len(isid) == 1, isid
    forms = {isid[0], *terms.loc[isid[0], "variants"].split("|")}
    assert {"包容和可持续的工业发展", "包容及可持续工业发展", "包容可持续工业发展"} <= forms
    assert "国别伙伴关系方案" in terms.loc["国家伙伴关系方案", "variants"].split("|")


def test_drift_is_recorded_by_year(mined):
    terms = mined.terms.set_index("term")
    isid = next(t for t in terms.index if "包容" in t and "工业发展" in t)
    drift = terms.loc[isid, "forms_by_year"]
    assert drift.startswith("2018: 包容和可持续的工业发展 ×3")
    assert "2020: 包容及可持续工业发展 ×2" in drift and "2021: 包容可持续工业发展 ×3" in drift
    rows = mined.variants[mined.variants["form"] == "国别伙伴关系方案"]
    assert rows[["document", "year", "count"]].values.tolist() == [["2018.txt", 2018, 1]]


def test_the_variant_table_is_read_with_plain_columns_and_held_with_categories(mined):
    import pandas as pd

    compact, plain = mined.compact_variants, mined.variants
    assert all(isinstance(compact[c].dtype, pd.CategoricalDtype) for c in ("term", "form", "document", "year"))
    assert not any(isinstance(dtype, pd.CategoricalDtype) for dtype in plain.dtypes)
    assert plain.astype(str).equals(compact.astype(str)) and mined.variants is plain  # made once
    assert {type(year) for year in plain["year"]} == {int}


def test_ranking_prefers_terms_to_fragments_and_generic_words(mined):
    ranked = mined.terms["term"].tolist()
    for term in ("中等收入国家", "国家伙伴关系方案", "私营部门", "技术转让"):
        assert term in ranked
    for junk in ("收入国家", "持续工业发展", "提供", "方面", "重要性"):
        assert junk not in ranked
    assert ranked.index("中等收入国家") < len(ranked) // 2


def test_every_score_component_is_a_column(mined):
    for column in ("cvalue", "independence", "dice", "pmi", "llr", "left_entropy", "right_entropy", "specificity",
                   "spread", "score"):
        assert column in mined.terms.columns
    assert mined.terms["score"].between(0, 1).all()
    assert mined.terms["score"].is_monotonic_decreasing


def test_contexts_name_document_and_paragraph(mined):
    rows = mined.contexts[mined.contexts["term"] == "国家伙伴关系方案"]
    assert len(rows) >= 2
    first = rows.iloc[0]
    assert first["form"] in first["sentence"] and first["document"].endswith(".txt") and first["paragraph"]


def test_unseen_traditional_script_news_gives_simplified_terms(tmp_path):
    from glossary.corpus.load import load_corpus

    news = (
        "聯合國工業發展組織（工發組織）週二在維也納發佈新報告，呼籲各國加快推動綠色氫能和低碳技術在製造業中的應用。\n\n"
        "報告指出，發展中國家的製造業仍然高度依賴化石燃料。工發組織表示，綠色氫能可以幫助發展中國家實現工業脫碳。\n\n"
        "報告建議各國加強技術轉讓，並與私營部門建立夥伴關係，共同推動綠色氫能項目。工發組織將繼續提供低碳技術援助。\n"
    )
    path = tmp_path / "news.txt"
    path.write_text(news, encoding="utf-8")
    result = mine_corpus(load_corpus([path]).documents, load_settings())
    terms = result.terms.set_index("term")
    assert {"工发组织", "绿色氢能", "发展中国家", "低碳技术"} <= set(terms.index)
    assert "联合国工业发展组织" in terms.loc["工发组织", "variants"].split("|")


def test_parallel_and_cached_mining_give_the_same_ranking(tmp_path):
    documents = make_documents()
    settings = load_settings()
    single = mine_corpus(documents, settings)
    settings = settings.replace(parallel_min_chars=0)  # force worker processes even for this small corpus
    parallel = mine_corpus(documents, settings, jobs=2, cache_dir=tmp_path)
    cached = mine_corpus(documents, settings, jobs=2, cache_dir=tmp_path)
    assert list(tmp_path.rglob("*.npz"))
    columns = ["term", "freq", "docs", "score", "variants"]
    for other in (parallel, cached):
        assert other.terms[columns].equals(single.terms[columns])
        assert other.variants.equals(single.variants) and other.contexts.equals(single.contexts)


def test_a_curated_term_kept_whole_still_ranks_as_a_multiword_term():
    documents = make_documents()
    settings = load_settings()
    plain = mine_corpus(documents, settings).terms["term"].tolist()
    curated = mine_corpus(documents, settings, curated=[["中等收入国家"]]).terms["term"].tolist()
    assert "中等收入国家" in curated
    assert curated.index("中等收入国家") <= plain.index("中等收入国家") + 1


def test_an_unchanged_corpus_is_answered_from_the_cache_without_repairing_it(tmp_path):
    from glossary.corpus.load import load_corpus

    settings = load_settings()
    corpus_dir = tmp_path / "corpus"
    corpus_dir.mkdir()
    for year, texts in EXCERPTS.items():
        (corpus_dir / f"{year}.txt").write_text("\n\n".join(texts) + "\n", encoding="utf-8")
    first = mine_corpus(load_corpus([corpus_dir], settings).documents, settings, cache_dir=tmp_path / "cache")
    again = load_corpus([corpus_dir], settings)
    cached = mine_corpus(again.documents, settings, cache_dir=tmp_path / "cache")
    assert again.documents._documents is None  # never repaired
    assert cached.terms.equals(first.terms)
    (corpus_dir / "2021.txt").write_text("工发组织支持国家伙伴关系方案。\n", encoding="utf-8")
    changed = mine_corpus(load_corpus([corpus_dir], settings).documents, settings, cache_dir=tmp_path / "cache")
    assert not changed.terms.equals(first.terms)


def test_a_candidate_seen_only_as_a_line_of_its_own_is_a_heading():
    """前言 heads each report (一、前言) and never occurs in running text: a heading, not a term.
    信托基金 is a line once, and in sentences too."""
    reports = {
        2019: ["一、前言", "理事会审议了信托基金的使用情况，并请秘书处提交信托基金年度报告。", "二、信托基金",
               "捐助国向信托基金提供了新的捐款。"],
        2020: ["一、前言", "秘书处介绍了信托基金的执行情况。", "信托基金的管理费用有所下降。"],
    }
    documents = []
    for year, texts in reports.items():
        paragraphs = [Paragraph(text, i, str(i + 1), "heading" if "、" in text else "body", i + 1)
                      for i, text in enumerate(texts)]
        documents.append(Document(Path(f"{year}.txt"), "\n".join(texts), paragraphs, dates=[f"{year}-06-01"]))
    stats = mine_corpus(documents, load_settings()).candidates.set_index("term")
    assert stats.loc["前言", "heading"] == 1.0
    assert stats.loc["信托基金", "heading"] < 0.5
    unweighed = mine_corpus(documents, load_settings().replace(heading_weight=1.0)).candidates.set_index("term")
    assert stats.loc["前言", "score"] < unweighed.loc["前言", "score"]


def test_a_candidate_recurring_only_by_a_cut_documents_end_is_weighed_down():
    """The 2020 excerpt stops mid-sentence after 信托基金管理 (…管理委员会 cut short): that candidate is seen twice
    only by counting the cut; 信托基金, seen in whole sentences too, is not concerned. Nothing is cut where a document
    ends a sentence."""
    excerpts = {
        2019: ["理事会审议了信托基金管理委员会的报告。", "捐助国向信托基金提供了新的捐款。"],
        2020: ["秘书处介绍了信托基金的执行情况。", "秘书处提议降低信托基金管理"],
    }
    stats = mine_corpus(make_documents(excerpts), load_settings()).candidates.set_index("term")
    assert stats.loc["信托基金管理", "cut_end"]
    assert not stats.loc["信托基金", "cut_end"]
    whole = {**excerpts, 2020: [*excerpts[2020][:1], "秘书处提议改进信托基金管理。"]}
    assert not mine_corpus(make_documents(whole), load_settings()).candidates.set_index("term")["cut_end"].any()



def test_paragraph_summary_reads_each_paragraph_once_and_keeps_the_short_ones_past_the_scan_limit():
    from collections import Counter

    from glossary.mining.mine import summarise_paragraphs

    texts = ["导言", "《利马宣言》确立了包容可持续工业发展的共同愿景。", "导言", "国际劳工组织（劳工组织）的报告。"]
    paragraphs = [Paragraph(text, i, None, "header" if i == 0 else "body", i + 1) for i, text in enumerate(texts)]
    documents = [Document(Path("a.txt"), "\n".join(texts), paragraphs)]
    whole = summarise_paragraphs(documents, max_scan_chars=1000, short_chars=4)
    assert whole.chars == len("\n".join(texts)) and whole.titles == Counter({"利马宣言": 1})
    assert whole.distinct == Counter({"导言": 2, texts[1]: 1, texts[3]: 1})
    assert list(whole.distinct) == ["导言", texts[1], texts[3]]  # in the order first seen
    assert whole.counted == Counter({"导言": 1, texts[1]: 1, texts[3]: 1})  # not the header
    assert whole.lines == Counter({"导言": 1})  # a short paragraph (not the header) by the name it gives a line
    # past the limit: no scan, and no paragraph kept; the lines as before
    cut = summarise_paragraphs(documents, max_scan_chars=10, short_chars=4)
    assert cut.distinct is None and not cut.counted and cut.lines == whole.lines
    assert cut.chars == whole.chars
    # what the tables read of each document, gathered in the same pass: its name, year, last paragraph counted
    only_header = Document(Path("b.txt"), "导言", [Paragraph("导言", 0, None, "header", 1)], dates=["2020-01-02"])
    both = summarise_paragraphs([documents[0], only_header], max_scan_chars=1000, short_chars=4)
    assert both.names == ["a.txt", "b.txt"] and both.years == [None, 2020] and both.last_paragraphs == [texts[3], ""]


def test_documents_read_from_their_store_are_mined_as_documents_held(tmp_path):
    """A corpus larger than held_documents_max_chars is read from the document store a document at a time: the same
    terms, variants and contexts (here every corpus is stored)."""
    from glossary.corpus.load import load_corpus
    from glossary.corpus.store import StoredDocuments
    from tests.conftest import copy_seed_halves

    (tmp_path / "corpus").mkdir()
    copy_seed_halves(tmp_path / "corpus")
    settings = load_settings()
    held = mine_corpus(load_corpus([tmp_path / "corpus"], settings).documents, settings)
    stored_settings = settings.replace(held_documents_max_chars=0)
    documents = load_corpus([tmp_path / "corpus"], stored_settings, cache_dir=tmp_path / "cache", keep_raw=False)
    assert isinstance(documents.documents._built(), StoredDocuments)
    stored = mine_corpus(documents.documents, stored_settings)
    assert stored.terms.equals(held.terms) and stored.variants.equals(held.variants)
    assert stored.contexts.equals(held.contexts) and len(held.contexts)


def test_an_overlays_items_are_what_iteration_and_lookup_give():
    """Overlay.items reads the base's items once (variant grouping reads every kept candidate's): the same pairs, in
    the same order, as a lookup of each key it iterates, with hidden keys, None values and added keys."""
    from glossary.mining.mine import Overlay

    base = {"国家伙伴关系方案": 3, "国别伙伴关系方案": 1, "伙伴关系": None, "工发组织": 7, "方案": 2}
    overlay = Overlay(base, hidden={"方案", "工发组织"})
    overlay.added.update({"方案": 5, "国别伙伴关系方案": 4, "包容可持续工业发展": 1})
    assert list(overlay.items()) == [(key, overlay[key]) for key in overlay]
    assert list(overlay.items()) == [("国家伙伴关系方案", 3), ("国别伙伴关系方案", 4), ("方案", 5),
                                     ("包容可持续工业发展", 1)]
