"""The shared data model: a document's paragraphs held as its running text."""

from pathlib import Path

import pytest

from glossary.model import Document, Paragraph, Paragraphs

PARAGRAPHS = [
    Paragraph("工业发展理事会", 0, None, "header", 1),
    Paragraph("一. 导言", 1, None, "heading", 3, "一"),
    Paragraph("工发组织将通过国别伙伴关系方案支持中等收入国家。", 2, "1", "body", 5),
    Paragraph("", 3, None, "body", 7),
    Paragraph("包容和可持续的工业发展", 4, "2", "item", 8, "a"),
]
TEXT = "\n".join(p.text for p in PARAGRAPHS)


def test_paragraphs_read_back_as_the_list_they_were_made_of():
    held = Paragraphs.of(TEXT, PARAGRAPHS)
    assert isinstance(held, Paragraphs)
    assert list(held) == PARAGRAPHS and held == PARAGRAPHS
    assert len(held) == 5 and held[2] == PARAGRAPHS[2] and held[-1] == PARAGRAPHS[-1]
    assert held[1:3] == PARAGRAPHS[1:3] and list(reversed(held)) == PARAGRAPHS[::-1]
    assert held.lengths() == [len(p.text) for p in PARAGRAPHS]
    with pytest.raises(IndexError):
        held[5]


def test_paragraphs_that_are_not_the_running_text_stay_a_list():
    assert Paragraphs.of(TEXT + "。", PARAGRAPHS) == PARAGRAPHS
    assert not isinstance(Paragraphs.of(TEXT + "。", PARAGRAPHS), Paragraphs)
    assert Paragraphs.of("", []) == []
    with pytest.raises(ValueError):  # lengths that do not add up to the text
        Paragraphs(TEXT, [3, 4], [0, 1], [None, None], ["body", "body"], [1, 2], [None, None])


def test_a_document_holding_paragraphs_compactly_equals_one_holding_the_list():
    listed = Document(Path("a.txt"), TEXT, PARAGRAPHS)
    held = Document(Path("a.txt"), TEXT, Paragraphs.of(TEXT, PARAGRAPHS))
    assert held == listed


def test_paragraphs_rebuilt_from_their_columns_are_the_same():
    """columns() (what the cache and the repair workers send) makes the same paragraphs again."""
    import numpy as np

    held = Paragraphs.of(TEXT, PARAGRAPHS)
    lengths, index, number, kind, line, label = held.columns()
    assert all(isinstance(column, np.ndarray) for column in (lengths, index, kind, line))
    assert list(Paragraphs(TEXT, lengths, index, number, kind, line, label)) == PARAGRAPHS
    assert len(held.kinds) == len({p.kind for p in PARAGRAPHS})  # one string per kind


def test_paragraph_texts_are_read_without_making_the_paragraphs():
    from glossary.model import Paragraph, Paragraphs

    rows = [Paragraph("大会", 0, None, "header", 1), Paragraph("工发组织。", 1, "1", "body", 3),
            Paragraph("一. 背景", 2, None, "heading", 5, "一")]
    paragraphs = Paragraphs.of("\n".join(p.text for p in rows), rows)
    assert paragraphs.texts() == ["大会", "工发组织。", "一. 背景"]
    assert paragraphs.texts(skipping="header") == ["工发组织。", "一. 背景"]
    assert paragraphs.texts(skipping="footnote") == paragraphs.texts() and list(paragraphs) == rows
