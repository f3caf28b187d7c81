"""Pairing the two languages of a document: files by UN symbol or by name, paragraphs by UN paragraph number."""

from __future__ import annotations

from conftest import EN_PARALLEL, ZH_PARALLEL, make_documents

from glossary.corpus.pairing import aligned_paragraphs, pair_documents


def test_documents_pair_by_symbol_or_by_name():
    zh = make_documents(ZH_PARALLEL)
    en = make_documents(EN_PARALLEL)
    assert pair_documents(zh, en) == [(zh[0], en[0])]
    zh_named = make_documents({"": ZH_PARALLEL["IDB.52/9"]}, names=["report.zh.txt"])
    en_named = make_documents({"": EN_PARALLEL["IDB.52/9"]}, names=["report.en.txt"])
    assert pair_documents(zh_named, en_named) == [(zh_named[0], en_named[0])]
    assert pair_documents(zh_named, make_documents({"": ["x"]}, names=["other.en.txt"])) == []
    pairs = aligned_paragraphs(zh, en)
    assert [p.number for p in pairs] == ["1", "2", "3", "4"]
    assert pairs[1].zh.startswith("工发组织启动了曙光倡议") and "Aurora Initiative" in pairs[1].en
