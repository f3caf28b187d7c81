"""Keyword-in-context sentences (glossary.mining.contexts) on a small real excerpt of a seed."""

from pathlib import Path

import numpy as np
import pandas as pd

from glossary.mining.contexts import find_contexts
from glossary.model import Document, Paragraph, Paragraphs

PARAGRAPHS = [
    "工发组织的国家伙伴关系方案。",
    "国家伙伴关系方案是一种多利益攸关方伙伴关系模式。各国政府支持该方案。",
    "在10个国家落实国别伙伴关系方案仍然是工发组织的一个主要方案重点。",
]


def documents(compact: bool) -> list[Document]:
    # numbered 11 and 13, the second unnumbered: a row shows the number, else the paragraph's place
    paragraphs = [Paragraph(text, k, None if k == 1 else str(k + 11), "body", k + 1) for k, text in enumerate(PARAGRAPHS)]
    text = "\n".join(PARAGRAPHS)
    held = Paragraphs.of(text, paragraphs) if compact else paragraphs
    return [Document(Path("IDB52_6.txt"), text, held, dates=["2020-06-01"])]


def test_contexts_are_the_same_from_paragraphs_held_compactly_or_as_a_list():
    """The compact paragraphs give find_contexts their joined text and starts: the same sentences as a list's."""
    groups = {"国家伙伴关系方案": ["国家伙伴关系方案", "国别伙伴关系方案"], "工发组织": ["工发组织"]}
    compact, listed = documents(True), documents(False)
    assert isinstance(compact[0].paragraphs, Paragraphs)
    for documents_of in (None, {"国家伙伴关系方案": np.array([0]), "工发组织": np.array([0])}):
        table = find_contexts(compact, groups, 3, documents_of)
        pd.testing.assert_frame_equal(table, find_contexts(listed, groups, 3, documents_of))
    rows = table[table["term"] == "国家伙伴关系方案"]
    assert rows["form"].tolist() == ["国家伙伴关系方案", "国家伙伴关系方案", "国别伙伴关系方案"]
    assert rows["paragraph"].tolist() == ["11", "2", "13"]
    assert rows["document"].tolist() == ["IDB52_6.txt"] * 3 and rows["year"].tolist() == [2020] * 3
    assert rows["sentence"].iloc[1] == "国家伙伴关系方案是一种多利益攸关方伙伴关系模式。"
