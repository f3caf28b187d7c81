"""Finding, decoding and loading documents; metadata of the five seeds."""

from __future__ import annotations

import pytest

from conftest import SEEDS_DIR, seed_path
from glossary.corpus.load import (
    Document,
    chinese_number,
    collect_paths,
    decode_bytes,
    find_symbols,
    load_corpus,
    load_document,
    markdown_to_text,
    parse_dates,
)
from glossary.errors import InputError

# seed 000, opening lines
EXCERPT = "工业发展理事会\n\n第五十二届会议\n\n临时议程项目9\n\n1. 世界银行称，目前工发组织有103个成员国被列为中等收入国家。\n"
TRADITIONAL = "聯合國工業發展組織的任務是促進包容和可持續的工業發展。\n"


# ------------------------------------------------------------------ collect_paths


def test_collect_paths_recurses_sorted_and_ignores_other_and_hidden_files(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / ".cache").mkdir()
    for name in ["b/2.md", "a.txt", "b/1.docx", "notes.csv", ".hidden.txt", ".cache/x.txt", "b/~$1.docx", "c.PDF"]:
        (tmp_path / name).write_bytes(b"x")
    found = collect_paths([tmp_path])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == ["a.txt", "b/1.docx", "b/2.md", "c.PDF"]
    assert collect_paths([tmp_path / "a.txt", tmp_path]) == found      # no duplicates


def test_collect_paths_rejects_missing_paths_and_named_unsupported_files(tmp_path):
    with pytest.raises(InputError, match="no such file or folder") as error:
        collect_paths([tmp_path / "missing.txt"])
    assert error.value.path.endswith("missing.txt")
    (tmp_path / "table.xlsx").write_bytes(b"x")
    with pytest.raises(InputError, match=r"unsupported file type '\.xlsx'"):
        collect_paths([tmp_path / "table.xlsx"])


# ------------------------------------------------------------------ decoding


@pytest.mark.parametrize("codec, expected", [
    ("gb18030", "gb18030"),
    ("gbk", "gb18030"),
    ("utf-16", "utf-16"),              # with BOM
    ("utf-16-le", "utf-16-le"),        # without BOM
    ("utf-8-sig", "utf-8-sig"),
    ("utf-8", "utf-8"),
])
def test_decode_simplified_chinese(codec, expected):
    assert decode_bytes(EXCERPT.encode(codec), "x.txt") == (EXCERPT, expected)


def test_decode_big5_traditional_sentence_and_short_ambiguous_gbk():
    text, codec = decode_bytes(TRADITIONAL.encode("big5"), "x.txt")
    assert (text, codec) == (TRADITIONAL, "big5hkscs")
    # 12 bytes that also decode cleanly as Korean: only a Chinese reading is accepted
    assert decode_bytes("中等收入国家".encode("gbk"), "x.txt") == ("中等收入国家", "gb18030")


@pytest.mark.parametrize("data, problem", [
    (bytes(range(256)) * 4, "binary file"),
    (b"\x89PNG\r\n\x1a\n" + bytes(100), "binary file"),
    ("Ceci est un texte français, très joli.".encode("latin-1"), "cannot decode"),
    ("これは日本語の文章です。東京都に住んでいます。".encode("shift_jis"), "cannot decode"),
    (b"", "empty file"),
    (b" \r\n\n\t", "empty file"),
    (b"\xef\xbb\xbf\n", "empty file"),
])
def test_decode_refuses_to_guess(data, problem):
    with pytest.raises(InputError, match=problem) as error:
        decode_bytes(data, "bad.txt")
    assert str(error.value).startswith("bad.txt: ") and "\n" not in str(error.value)


def test_gb18030_copy_of_a_seed_loads_like_the_original(tmp_path, settings):
    original = seed_path("000")
    copy = tmp_path / "000.txt"
    copy.write_bytes(original.read_text(encoding="utf-8").encode("gb18030"))
    a, b = load_document(original, settings), load_document(copy, settings)
    assert b.encoding == "gb18030"
    assert b.text == a.text and b.title == a.title and b.sha256 != a.sha256


def test_traditional_file_is_converted_to_simplified(tmp_path, settings):
    path = tmp_path / "big5.txt"
    path.write_bytes(TRADITIONAL.encode("big5"))
    doc = load_document(path, settings)
    assert doc.text == "联合国工业发展组织的任务是促进包容和可持续的工业发展。"
    assert doc.repairs["traditional_converted"] == 11


# ------------------------------------------------------------------ readers


def test_markdown_markup_is_stripped_and_headings_recognised(tmp_path, settings):
    assert markdown_to_text("**工发组织**与*中等收入国家*，见[网站](https://x.org)") == "工发组织与中等收入国家，见网站"
    path = tmp_path / "doc.md"
    path.write_text("## 一. 背景\n\n1. **世界银行**称，目前工发组织有103个成员国。\n", encoding="utf-8")
    doc = load_document(path, settings)
    assert [(p.kind, p.label, p.number, p.text) for p in doc.paragraphs] == [
        ("heading", "一", None, "背景"), ("body", None, "1", "世界银行称，目前工发组织有103个成员国。"),
    ]


def test_docx_of_seed_000_gives_the_same_document_as_the_txt(tmp_path, settings):
    import docx

    source = seed_path("000")
    word = docx.Document()
    for line in source.read_text(encoding="utf-8").splitlines():
        if line.strip():
            word.add_paragraph(line)
    table = word.add_table(rows=1, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "表格单元一。", "表格单元二。"
    path = tmp_path / "000.docx"
    word.save(path)

    txt, doc = load_document(source, settings), load_document(path, settings)
    shape = lambda d: [(p.text, p.kind, p.number, p.label) for p in d.paragraphs]  # noqa: E731
    assert shape(doc)[:-2] == shape(txt)
    assert [p.text for p in doc.paragraphs[-2:]] == ["表格单元一。", "表格单元二。"]
    assert [f.text for f in doc.footnotes] == [f.text for f in txt.footnotes]
    for key in ("organ", "session", "dates", "agenda_item", "title", "symbol", "symbols"):
        assert getattr(doc, key) == getattr(txt, key), key
    assert doc.encoding == "docx"


def test_docx_heading_styles_merged_cells_and_line_breaks(tmp_path, settings):
    import docx

    word = docx.Document()
    word.add_heading("一. 背景", level=1)
    table = word.add_table(rows=2, cols=2)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "合并单元格。"
    table.cell(1, 0).text, table.cell(1, 1).text = "甲。", "乙。"
    paragraph = word.add_paragraph("工发组织与《最不发达国家维也纳")
    paragraph.add_run().add_break()
    paragraph.add_run("部长级宣言》有关的活动。")
    path = tmp_path / "styled.docx"
    word.save(path)
    doc = load_document(path, settings)
    assert [(p.kind, p.label, p.text, p.line) for p in doc.paragraphs] == [
        ("heading", "一", "背景", 1),
        ("body", None, "合并单元格。", 2),             # once, although it spans two columns
        ("body", None, "甲。", 3),
        ("body", None, "乙。", 4),
        ("body", None, "工发组织与《最不发达国家维也纳部长级宣言》有关的活动。", 5),
    ]


def test_pdf_text_layer_is_read(tmp_path, settings):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    from matplotlib.backends.backend_pdf import PdfPages
    import matplotlib.pyplot as plt

    path, empty = tmp_path / "report.pdf", tmp_path / "scan.pdf"
    with PdfPages(path) as pdf:
        figure = plt.figure()
        figure.text(0.1, 0.8, "Industrial Development Board")
        figure.text(0.1, 0.6, "1. The Board took note of IDB.52/9.")
        pdf.savefig(figure)
        plt.close(figure)
    with PdfPages(empty) as pdf:
        figure = plt.figure()
        pdf.savefig(figure)
        plt.close(figure)
    doc = load_document(path, settings)
    assert doc.encoding == "pdf"
    assert [p.text for p in doc.paragraphs] == ["Industrial Development Board", "The Board took note of IDB.52/9."]
    assert doc.paragraphs[1].number == "1" and doc.symbols == ["IDB.52/9"]
    with pytest.raises(InputError, match="PDF has no text layer"):
        load_document(empty, settings)


@pytest.mark.parametrize("name, data, problem", [
    ("broken.pdf", b"%PDF-1.4\n1 0 obj garbage\n%%EOF", "not a readable PDF"),
    ("renamed.pdf", b"just some text", "not a readable PDF"),
    ("broken.docx", b"PK\x03\x04garbage", r"not a readable Word \(\.docx\) document"),
    ("empty.md", b"", "empty file"),
])
def test_unreadable_files_raise_one_line_input_errors(tmp_path, settings, name, data, problem):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputError, match=problem) as error:
        load_document(path, settings)
    assert error.value.path == str(path) and "\n" not in str(error.value)


# ------------------------------------------------------------------ load_corpus


def test_load_corpus_stops_at_the_first_bad_file_unless_told_to_skip(tmp_path, settings):
    (tmp_path / "good.txt").write_text(EXCERPT, encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(bytes(range(256)))
    with pytest.raises(InputError, match="binary file"):
        load_corpus([tmp_path], settings)
    corpus = load_corpus([tmp_path, tmp_path / "missing"], settings, skip_bad=True)
    assert [d.name for d in corpus.documents] == ["good.txt"]
    assert [(e.path.rsplit("/", 1)[-1], e.problem) for e in corpus.skipped] == [("missing", "no such file or folder"), ("bad.txt", "binary file")]


def test_line_recurring_across_documents_is_removed_as_boilerplate(tmp_path, settings):
    notice = "本报告所用名称及其编写方式并不意味着秘书处对任何国家的法律地位发表任何意见。"
    for n in range(3):
        (tmp_path / f"{n}.txt").write_text(f"大会\n\n第十九届会议\n\n{notice}\n\n1. 正文第{n}段。\n", encoding="utf-8")
    corpus = load_corpus([tmp_path], settings)
    for doc in corpus.documents:
        assert doc.boilerplate == [notice] and notice not in doc.text
        assert doc.organ == "大会"                     # short header lines are never boilerplate
    single = load_document(tmp_path / "0.txt", settings)
    assert notice in single.text                       # one document alone has nothing recurring


def test_seed_corpus_is_clean(seed_corpus):
    assert len(seed_corpus.documents) == 5 and seed_corpus.skipped == []
    for doc in seed_corpus.documents:
        assert isinstance(doc, Document) and len(doc.sha256) == 64 and doc.encoding == "utf-8"
        assert "本文件未作" not in doc.text and len(doc.boilerplate) == 1
        assert doc.text == "\n".join(p.text for p in doc.paragraphs)
        assert [p.index for p in doc.paragraphs] == list(range(len(doc.paragraphs)))
        for paragraph in doc.paragraphs:
            assert "  " not in paragraph.text and "____" not in paragraph.text
            assert not paragraph.text.startswith(("http", "¹", "²"))


# ------------------------------------------------------------------ metadata

SEED_METADATA = {
    "000": ("工业发展理事会", "第五十二届会议", ["2024-11-25", "2024-11-27"], "9", "IDB.52",
            "中等收入国家的包容可持续发展", "中等收入国家的包容可持续发展"),
    "001": ("工业发展理事会", "第四十六届会议", ["2018-11-26", "2018-11-28"], "8", "IDB.46",
            "中等收入国家的可持续工业发展", "与中等收入国家建立伙伴关系的战略框架"),
    "002": ("工业发展理事会", "第四十八届会议", ["2020-11-23", "2020-11-25"], "7", "IDB.48",
            "工发组织与《2030年可持续发展议程》", "工发组织与《2030年可持续发展议程》"),
    "003": ("大会", "第十九届会议", ["2021-11-29", "2021-12-03"], "16", "GC.19",
            "工发组织与《阿布扎比宣言》有关的活动", "工发组织与《阿布扎比宣言》有关的活动"),
    "004": ("大会", "第二十届会议", ["2023-11-27", "2023-12-01"], "21", "GC.20",
            "工发组织与《最不发达国家维也纳部长级宣言》有关的活动", "工发组织2022-2031年最不发达国家业务战略编制过程最新情况"),
}


@pytest.mark.parametrize("number", sorted(SEED_METADATA))
def test_seed_metadata(seed_docs, number):
    doc = seed_docs[number]
    organ, session, dates, agenda_item, symbol, agenda_title, title = SEED_METADATA[number]
    assert (doc.organ, doc.session, doc.dates, doc.agenda_item, doc.symbol) == (organ, session, dates, agenda_item, symbol)
    assert (doc.agenda_title, doc.title) == (agenda_title, title)
    assert doc.date == dates[0] and doc.year == int(dates[0][:4])
    assert [p.kind for p in doc.paragraphs[:4]] == ["header"] * 4
    assert doc.paragraphs[6].text == "总干事的报告" and doc.paragraphs[6].kind == "heading"


def test_seed_symbols_and_paragraph_structure(seed_docs):
    assert seed_docs["000"].symbols == ["GC.20/16", "IDB.51/20", "GC.18/Res.9", "IDB.51/CRP.4", "A/78/224"]
    assert seed_docs["002"].symbols == ["GC.15/Res.1", "GC.16/Res.2", "IDB.44/Dec.9(e)", "A/75/158"]
    doc = seed_docs["000"]
    first = next(p for p in doc.paragraphs if p.number == "1")
    assert first.text == "世界银行称，目前工发组织有103个成员国被列为中等收入国家。" and first.line == 23
    assert [(p.kind, p.label, p.text) for p in doc.paragraphs if p.label][:2] == [("heading", "一", "背景"), ("heading", "二", "工发组织与中等收入国家建立伙伴关系工作计划")]
    assert [(f.number, f.text[:11]) for f in doc.footnotes][0] == ("1", "截至2024年9月4日")
    items = [(p.label, p.text[:6]) for p in seed_docs["001"].paragraphs if p.kind == "item"]
    assert items == [("a", "伙伴关系和筹"), ("㈠", "与商业部门、"), ("㈡", "联合国系统内"), ("㈢", "探寻为包容和"), ("b", "南南合作：南")]


def test_find_symbols():
    text = ("见 IDB.52/9、IDB.51/CRP.4 和 GC.19/Res.3 号决议，理事会第 IDB.44/Dec.9(e)㈠号决定，"
            "A/78/224。A/RES/70/1，PBC.40/5，IDB.52/9 以及 https://undocs.org/en/A/75/158 和 2016/6。")
    assert find_symbols(text) == ["IDB.52/9", "IDB.51/CRP.4", "GC.19/Res.3", "IDB.44/Dec.9(e)", "A/78/224", "A/RES/70/1", "PBC.40/5"]


@pytest.mark.parametrize("numeral, value", [("第五十二", 52), ("十九", 19), ("二十", 20), ("四十六", 46), ("一百零三", 103), ("二〇二四", 2024), ("48", 48)])
def test_chinese_number(numeral, value):
    assert chinese_number(numeral) == value


def test_parse_dates_tolerates_pdf_spaces_and_month_changes():
    assert parse_dates("2018 年 11 月 26 日至 28 日，维也纳") == ["2018-11-26", "2018-11-28"]
    assert parse_dates("2021年11月29日至12月3日，维也纳") == ["2021-11-29", "2021-12-03"]
    assert parse_dates("2025年12月30日至1月2日") == ["2025-12-30", "2026-01-02"]


def test_seeds_folder_is_where_config_says(seed_corpus):
    from glossary.config import SEEDS_DIR as CONFIGURED

    assert CONFIGURED.resolve() == SEEDS_DIR.resolve()


def test_repaired_documents_are_cached_by_content(tmp_path):
    from glossary.config import load_settings
    from glossary.corpus.load import load_corpus

    corpus_dir = tmp_path / "corpus"
    corpus_dir.mkdir()
    (corpus_dir / "a.txt").write_text(seed_path("001").read_text(encoding="utf-8"), encoding="utf-8")
    cache = tmp_path / "cache"

    def entries() -> list:
        return [path for path in (cache / "documents").rglob("*") if path.is_file()] if cache.exists() else []

    first = load_corpus([corpus_dir], load_settings(), cache_dir=cache)
    assert not entries()  # documents are repaired when first used
    assert first.documents[0].paragraphs
    assert len(entries()) == 1
    again = load_corpus([corpus_dir], load_settings(), cache_dir=cache)
    assert [p.text for p in again.documents[0].paragraphs] == [p.text for p in first.documents[0].paragraphs]
    # read back whole: every field of every paragraph, the running text, the original
    assert again.documents[0] == first.documents[0] and list(again.documents[0].paragraphs)[5].kind
    settings = load_settings().replace(rejoin_broken_lines=False)  # another setting: another entry, not the cached one
    unjoined = load_corpus([corpus_dir], settings, cache_dir=cache)
    assert len(unjoined.documents[0].paragraphs) > len(first.documents[0].paragraphs)
    assert len(entries()) == 2


def test_a_corpus_loaded_without_its_original_texts_gives_the_same_documents(tmp_path, settings):
    """keep_raw=False (mining) lets the original texts go once the documents are repaired, and nothing else."""
    (tmp_path / "a.txt").write_text(EXCERPT, encoding="utf-8")
    (tmp_path / "b.txt").write_text(TRADITIONAL, encoding="utf-8")
    kept = list(load_corpus([tmp_path], settings).documents)
    lean = list(load_corpus([tmp_path], settings, keep_raw=False).documents)
    assert [d.raw_text for d in kept] == [EXCERPT, TRADITIONAL] and [d.raw_text for d in lean] == ["", ""]
    assert [(d.text, list(d.paragraphs), d.title) for d in lean] == [(d.text, list(d.paragraphs), d.title) for d in kept]


def test_a_repaired_documents_paragraphs_hold_its_own_text(tmp_path, settings):
    """The paragraphs read their texts from the document's running text, not from a second copy of it (a corpus's
    text held twice while it is mined), whether repaired here, in workers or read back from the cache."""
    (tmp_path / "a.txt").write_text(EXCERPT, encoding="utf-8")
    (tmp_path / "b.txt").write_text(TRADITIONAL, encoding="utf-8")
    cache = tmp_path / "cache"
    for documents in (load_corpus([tmp_path], settings).documents, load_corpus([tmp_path], settings,
                      cache_dir=cache).documents, load_corpus([tmp_path], settings, cache_dir=cache).documents):
        assert all(document.paragraphs.text is document.text for document in documents)
