"""Alignment of English terms to the Chinese of a corpus, on short real excerpts of the seeds (and English
versions written for the parallel tests)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from conftest import EN_PARALLEL, ZH_PARALLEL
from conftest import make_documents as make_excerpt_documents

from glossary.align import (
    align_terms,
    build_candidate_pool,
    cedict_lookup_baseline,
    compositional_match,
    covered_forms,
    curated_match,
    dictionary_matches,
    draft_english,
    draft_translation,
    parallel_matches,
    prepare_english,
)
from glossary.dictionary import (
    english_term_words,
    expand_abbreviations,
    light_stem,
    load_dictionary,
    normalise_english_word,
    read_abbreviations,
    stem_relation,
)
from glossary.cli import app
from glossary.config import load_settings
from glossary.corpus.pairing import aligned_paragraphs
from glossary.errors import InputError
from glossary.formats.terms import TermsFileWarning, read_terms

# Sentences of the seeds (2018, 2020, 2021, 2023 and 2024 reports), as the corpus stage leaves them
EXCERPTS = {
    "IDB.46": [
        "根据GC.17/Res.6号决议，本文件提出了工发组织与中等收入国家展开合作的战略框架，旨在促进这些国家实现包容和可持续的工业发展。",
        "与此同时，逐步扩大诸如国别伙伴关系方案之类多利益攸关方做法，将通过协助中等收入国家提升发展影响而增强工发组织的作用。",
        "中等收入国家通过南南合作实践接受和提供发展援助的双重角色，将对作为知识和技术转让受益者的最不发达国家产生积极影响。",
        "工发组织将继续支持中等收入国家履行其在包括《蒙特利尔议定书》、《斯德哥尔摩公约》和《汞问题水俣公约》等多边环境协定下所持义务。",
        "有助于摆脱中等收入陷阱。",
    ],
    "IDB.48": [
        "在10个国家落实国家伙伴关系方案仍然是工发组织的一个主要方案重点。",
        "除国家伙伴关系方案外，工发组织还在各区域执行多达45个国家方案。",
        "与私营部门之间的投资和技术转让项目，都有助于加速实现包容及可持续工业发展。",
        "工发组织支持成员国履行本国在包括《巴黎协定》和《联合国气候变化框架公约》等不同的多边环境协定下所承担的义务。",
    ],
    "GC.19": [
        "《利马宣言》确立并界定了包容可持续工业发展的共同愿景。",
        "《阿布扎比宣言》重申了工发组织推进包容可持续工业发展的任务授权。",
        "工发组织支持最不发达国家的活动情况，GC.19/17号文件介绍了工发组织支持小岛屿发展中国家的活动情况。",
        "在可持续发展目标9加速器的南南合作和三角合作机制框架内开展了8项知识交流和技术合作举措。",
    ],
}


def make_documents(excerpts=EXCERPTS, names=None):
    return make_excerpt_documents(excerpts, names)


@pytest.fixture(scope="module")
def settings():
    return load_settings()


@pytest.fixture(scope="module")
def dictionary(settings):
    return load_dictionary(settings.align)


@pytest.fixture(scope="module")
def documents():
    return make_documents()


@pytest.fixture(scope="module")
def pool(documents, settings, dictionary):
    from glossary.mining.mine import mine_corpus

    return build_candidate_pool(documents, settings, dictionary, mine_corpus(documents, settings))


@pytest.fixture(scope="module")
def abbreviations(settings):
    return read_abbreviations(str(settings.align.abbreviations))


def best(term, pool, abbreviations, settings):
    proposals = dictionary_matches(prepare_english(term, pool, abbreviations), pool, settings.align)
    return proposals[0] if proposals else None


# ------------------------------------------------------------------ English normalisation


def test_english_words_are_compared_by_stem_spelling_and_base_word():
    stem = normalise_english_word
    assert stem("programmes") == stem("program")  # plural and British spelling
    assert stem("industrial") == stem("industry") == stem("industrialization")
    assert stem("sustainable") == stem("sustainability")
    assert stem("Organisation") == stem("organization")
    assert stem("women's", {"women": "woman"}) == stem("woman")
    # developed and developing share a stem; only the light stem tells them apart
    assert stem("developed") == stem("developing")
    assert light_stem("developed") != light_stem("developing")
    assert light_stem("countries") == "country"


def test_word_families_join_derivations_not_compounds():
    assert stem_relation("partner", "partnership") > 0
    assert stem_relation("econom", "economi") > 0
    assert stem_relation("green", "greenhous") == 0
    assert stem_relation("trade", "trademark") == 0


def test_abbreviations_are_spelt_out_with_their_plural():
    table = {"LDC": "least developed country", "SIDS": "small island developing States"}
    assert expand_abbreviations("LDCs", table) == "least developed countries"
    assert expand_abbreviations("LDC Ministerial Conference", table) == "least developed country Ministerial Conference"
    assert expand_abbreviations("SIDS", table) == "small island developing States"


def test_term_words_weights_head_and_names(dictionary, abbreviations):
    words = english_term_words("Programme for Country Partnership", dictionary, abbreviations)
    assert [w.text for w in words if w.head] == ["programme"]
    words = english_term_words("Minamata Convention on Mercury", dictionary, abbreviations)
    assert [w.text for w in words if w.head] == ["convention"]
    names = [w.text for w in words if w.name]  # capitalised and rare in glosses: possibly a name
    assert "minamata" in names and "convention" not in names
    assert [w.text for w in english_term_words("Agenda 2063", dictionary) if w.head] == ["agenda"]
    assert [w.text for w in english_term_words("World Without Hunger Conference", dictionary) if w.head] == [
        "conference"]
    weights = {w.text: w.weight for w in english_term_words("mercury development", dictionary)}
    assert weights["mercury"] > weights["development"]  # the rarer gloss word tells more


# ------------------------------------------------------------------ dictionary method


def test_compositional_match_covers_both_directions_whatever_the_order(pool, abbreviations):
    term = prepare_english("Programme for Country Partnership", pool, abbreviations)
    pieces = pool.dictionary.pieces
    exact = compositional_match(term.words, term.related, "国家伙伴关系方案", pieces("国家伙伴关系方案"))
    assert exact.score == pytest.approx(1.0) and exact.head_aligned
    shorter = compositional_match(term.words, term.related, "伙伴关系", pieces("伙伴关系"))
    assert shorter.english_coverage < 1 and not shorter.head_aligned
    longer = compositional_match(term.words, term.related, "国家伙伴关系方案仍然是", pieces("国家伙伴关系方案仍然是"))
    assert longer.chinese_coverage < 1


@pytest.mark.parametrize(
    "english, chinese",
    [
        ("inclusive and sustainable industrial development", {"包容和可持续的工业发展", "包容及可持续工业发展",
                                                              "包容可持续工业发展"}),
        ("Programme for Country Partnership", {"国家伙伴关系方案"}),
        ("technology transfer", {"技术转让"}),
        ("Minamata Convention on Mercury", {"汞问题水俣公约"}),  # reordered, with a name no dictionary knows
        ("United Nations Framework Convention on Climate Change", {"联合国气候变化框架公约"}),
        ("multilateral environmental agreements", {"多边环境协定"}),
        ("middle-income trap", {"中等收入陷阱"}),
        ("MICs", {"中等收入国家"}),  # abbreviation
        ("LDCs", {"最不发达国家"}),
        ("SIDS", {"小岛屿发展中国家"}),
        ("triangular cooperation", {"三角合作"}),
        ("South-South and triangular cooperation", {"南南合作和三角合作"}),
        ("Lima Declaration", {"利马宣言"}),
    ],
)
def test_dictionary_method_finds_the_corpus_form(english, chinese, pool, abbreviations, settings):
    proposal = best(english, pool, abbreviations, settings)
    assert proposal is not None and proposal.zh in chinese, proposal


def test_a_term_absent_from_the_corpus_gets_no_chinese(documents, settings):
    result = align_terms(["nuclear safety", "desertification", "International Atomic Energy Agency",
                          "renewable energy"], documents, settings)
    assert list(result["zh"]) == ["", "", "", ""]
    assert list(result["method"]) == ["", "", "", ""]
    assert (result["score"] <= settings.align.min_score).all()
    assert (result["alternatives"] == "").all()
    assert result["near_miss"][0].startswith("安全 (") or result["near_miss"][0] == ""


def test_align_terms_keeps_input_order_columns_and_evidence(documents, settings):
    terms = pd.DataFrame({"en": ["technology transfer", "nuclear safety", "Programme for Country Partnership"],
                          "domain": ["cooperation", "energy", "programme"], "reviewer": ["a", "b", "c"]})
    result = align_terms(terms, documents, settings)
    assert list(result["en"]) == list(terms["en"])
    for column in ("en", "zh", "score", "method", "alternatives", "freq", "variants", "glosses", "context",
                   "near_miss", "domain", "reviewer"):
        assert column in result.columns
    row = result.iloc[2]
    assert row["zh"] == "国家伙伴关系方案" and row["method"] == "dictionary" and row["freq"] == 2
    assert "伙伴关系=partnership" in row["glosses"]
    assert row["context"].startswith("IDB.48.txt: ") and "国家伙伴关系方案" in row["context"]
    assert 0 <= row["score"] <= 1


# ------------------------------------------------------------------ curated and variant


def test_curated_form_found_directly_or_through_its_variants(documents, settings):
    terms = pd.DataFrame({
        "en": ["Programme for Country Partnership", "inclusive and sustainable industrial development",
               "technology transfer", "a term whose Chinese is not in the corpus"],
        "zh": ["国家伙伴关系方案|国别伙伴关系方案", "包容与可持续工业发展", "技术移转|技术转让", "核安全"],
    })
    result = align_terms(terms, documents, settings)
    assert list(result["method"][:3]) == ["curated", "variant", "variant"]
    assert result["zh"][0] == "国家伙伴关系方案" and result["score"][0] == 1.0
    assert result["zh"][1] in {"包容及可持续工业发展", "包容和可持续的工业发展", "包容可持续工业发展"}
    assert result["zh"][2] == "技术转让"  # the deprecated form is what the corpus uses
    assert result["zh"][3] == ""
    assert list(result["curated_zh"]) == list(terms["zh"])
    ignored = align_terms(terms, documents, settings, use_curated=False)
    assert ignored["method"][0] == "dictionary"


def test_the_terms_file_abbreviations_spell_out_other_terms(documents, settings):
    terms = pd.DataFrame({"en": ["middle-income traps", "MTs"], "abbr": ["MTs", ""]})
    result = align_terms(terms, documents, settings)
    assert list(result["zh"]) == ["中等收入陷阱", "中等收入陷阱"]


def test_curated_match_needs_a_form_in_the_corpus(pool):
    assert curated_match(["国家伙伴关系方案"], pool).method == "curated"
    assert curated_match(["核安全"], pool) is None


# ------------------------------------------------------------------ terms file


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_read_terms_csv_tsv_and_xlsx_carry_unknown_columns(tmp_path):
    csv_terms = read_terms(write(tmp_path / "t.csv", "en,zh,reviewer\nSouth-South cooperation,南南合作,MW\n"
                                                      "\"Organisation of African, Caribbean and Pacific States\",,\n"))
    assert list(csv_terms["en"]) == ["South-South cooperation", "Organisation of African, Caribbean and Pacific States"]
    assert list(csv_terms["reviewer"]) == ["MW", ""]
    assert {"abbr", "domain", "note", "source"} <= set(csv_terms.columns)
    tsv_terms = read_terms(write(tmp_path / "t.tsv", "EN\tzh\nclimate change\t气候变化\n"))
    assert list(tsv_terms["en"]) == ["climate change"]
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["en", "zh", "note"])
    workbook.active.append(["gender equality", "性别平等|两性平等", None])
    workbook.save(tmp_path / "t.xlsx")
    xlsx_terms = read_terms(tmp_path / "t.xlsx")
    assert list(xlsx_terms["zh"]) == ["性别平等|两性平等"]


@pytest.mark.parametrize(
    "text, message",
    [
        ("term,zh\nclimate change,气候变化\n", "no 'en' column"),
        ("en,zh\nclimate change,气候变化\n,南南合作\n", "row 3: empty 'en'"),
        ("en,zh\nclimate change,气候变化\nvalue chain,价值链\nClimate  change,气候变化\n", "rows 2 and 4: duplicate en"),
    ],
)
def test_read_terms_errors_name_the_file_and_row(tmp_path, text, message):
    path = write(tmp_path / "terms.csv", text)
    with pytest.raises(InputError) as error:
        read_terms(path)
    assert message in str(error.value) and str(path) in str(error.value)


def test_read_terms_warns_when_two_terms_claim_one_chinese_form(tmp_path):
    path = write(tmp_path / "terms.csv", "en,zh\ngender equality,性别平等\nequality of the sexes,两性平等|性别平等\n")
    with pytest.warns(TermsFileWarning, match="rows 2 and 3"):
        frame = read_terms(path)
    assert len(frame.attrs["warnings"]) == 1


def test_missing_terms_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_terms(tmp_path / "absent.csv")


# ------------------------------------------------------------------ parallel documents



def test_parallel_co_occurrence_finds_what_no_dictionary_knows(settings, dictionary, abbreviations):
    zh, en = make_documents(ZH_PARALLEL), make_documents(EN_PARALLEL)
    pool = build_candidate_pool(zh, settings, dictionary)
    evidence = parallel_matches("Aurora Initiative", aligned_paragraphs(zh, en), pool, abbreviations)
    assert evidence["曙光倡议"].dice == 1.0 and evidence["曙光倡议"].joint == 2
    alone = align_terms(["Aurora Initiative"], zh, settings)
    assert alone["zh"][0] == ""  # 'aurora' is no gloss of 曙光 in any dictionary
    both = align_terms(["Aurora Initiative", "Global Cement and Concrete Association"], zh, settings, parallel=en)
    assert list(both["zh"]) == ["曙光倡议", "全球水泥和混凝土协会"]
    assert both["method"][0] == "parallel"


# ------------------------------------------------------------------ drafts


@pytest.mark.parametrize(
    "chinese, english",
    [
        ("技术合作", "technical cooperation"),
        ("中等收入国家的工业化", "industrialization of middle-income country"),
        ("汞问题水俣公约", "水俣 convention on mercury"),  # a name no dictionary knows stays Chinese
        ("南南合作和三角合作", "South-South cooperation and triangular cooperation"),
        ("第三个非洲工业发展十年", "third Africa industrial development decade"),
    ],
)
def test_draft_translation_composes_in_english_word_order(chinese, english, dictionary):
    draft, glosses, confidence = draft_translation(chinese, dictionary)
    assert draft == english
    assert glosses and 0 < confidence <= 1


def test_drafts_cover_only_new_chinese_terms(documents, settings):
    from glossary.mining.mine import mine_corpus

    mining = mine_corpus(documents, settings)
    alignment = align_terms(["Programme for Country Partnership"], documents, settings, mining=mining)
    drafts = draft_english(mining, covered_forms(alignment), settings)
    assert list(drafts.columns) == ["term", "en", "score", "method", "glosses", "untranslated", "freq"]
    assert "国家伙伴关系方案" not in set(drafts["term"])
    assert set(drafts["method"]) == {"draft"}
    assert len(drafts) == len(mining.terms) - 1


def test_cedict_whole_term_baseline(documents):
    baseline = cedict_lookup_baseline(["climate change", "Programme for Country Partnership"], documents)
    assert list(baseline["zh"]) == ["气候变化", ""]  # CC-CEDICT has words, not UN terms


# ------------------------------------------------------------------ command line

runner = CliRunner()


@pytest.fixture()
def corpus_dir(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    for symbol, texts in EXCERPTS.items():
        lines = [f"{i}. {text}" for i, text in enumerate(texts, start=1)]
        (folder / f"{symbol}.txt").write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_cli_align_tsv_one_row_per_term_in_order(corpus_dir, tmp_path):
    terms = write(tmp_path / "terms.csv", "en,zh,note\ntechnology transfer,,\nnuclear safety,,absent\n"
                                          "Programme for Country Partnership,国家伙伴关系方案,\n")
    result = runner.invoke(app, ["align", str(corpus_dir), "--terms", str(terms), "--format", "tsv"])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(__import__("io").StringIO(result.stdout), sep="\t", dtype=str, keep_default_na=False)
    assert list(table.columns[:6]) == ["en", "zh", "score", "method", "alternatives", "freq"]
    assert list(table["en"]) == ["technology transfer", "nuclear safety", "Programme for Country Partnership"]
    assert list(table["zh"]) == ["技术转让", "", "国家伙伴关系方案"]
    assert list(table["method"]) == ["dictionary", "", "curated"]


def test_cli_align_json_xlsx_and_drafts(corpus_dir, tmp_path):
    terms = write(tmp_path / "terms.tsv", "en\nmiddle-income trap\n")
    result = runner.invoke(app, ["align", str(corpus_dir), "--terms", str(terms), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["zh"] == "中等收入陷阱"
    workbook = tmp_path / "out.xlsx"
    result = runner.invoke(app, ["align", str(corpus_dir), "--terms", str(terms), "--format", "xlsx", "--out",
                                 str(workbook), "--drafts"])
    assert result.exit_code == 0, result.output
    from openpyxl import load_workbook

    assert load_workbook(workbook).sheetnames == ["Alignment", "Drafts"]
    result = runner.invoke(app, ["align", str(corpus_dir), "--terms", str(terms), "--format", "csv", "--drafts"])
    assert result.stdout.startswith("term,en,score,method,glosses,untranslated,freq")


def test_cli_align_bad_terms_file_exits_2_with_one_line(corpus_dir, tmp_path):
    terms = write(tmp_path / "terms.csv", "en\nvalue chain\nvalue chain\n")
    result = runner.invoke(app, ["align", str(corpus_dir), "--terms", str(terms)])
    assert result.exit_code == 2
    assert "duplicate en" in result.stderr and "Traceback" not in result.output


def test_cli_align_with_parallel_english(tmp_path):
    zh_dir, en_dir = tmp_path / "zh", tmp_path / "en"
    zh_dir.mkdir(), en_dir.mkdir()
    numbered = lambda texts: "IDB.52/9\n\n" + "\n\n".join(f"{i}. {t}" for i, t in enumerate(texts, start=1)) + "\n"
    (zh_dir / "report.txt").write_text(numbered(ZH_PARALLEL["IDB.52/9"]), encoding="utf-8")
    (en_dir / "report.txt").write_text(numbered(EN_PARALLEL["IDB.52/9"]), encoding="utf-8")
    terms = write(tmp_path / "terms.csv", "en\nAurora Initiative\n")
    result = runner.invoke(app, ["align", str(zh_dir), "--terms", str(terms), "--parallel", str(en_dir),
                                 "--format", "csv"])
    assert result.exit_code == 0, result.output
    row = pd.read_csv(__import__("io").StringIO(result.stdout), dtype=str, keep_default_na=False).iloc[0]
    assert (row["zh"], row["method"]) == ("曙光倡议", "parallel")


def test_cli_evaluate_align_prints_both_accuracies_and_the_baseline(corpus_dir, tmp_path):
    gold = write(tmp_path / "gold.tsv", "en\tzh\ntechnology transfer\t技术转让\nclimate change\t气候变化\n"
                                        "Programme for Country Partnership\t国家伙伴关系方案|国别伙伴关系方案\n")
    result = runner.invoke(app, ["evaluate", str(corpus_dir), "--gold", str(gold), "--task", "align"])
    assert result.exit_code == 0, result.output
    assert "alignment accuracy at 1: 1.000" in result.stdout
    assert "alignment accuracy at 3: 1.000" in result.stdout
    assert "plain CC-CEDICT lookup of the whole English term: accuracy at 1: 0.333" in result.stdout


def test_columns_carried_from_the_terms_file_are_written_as_text(documents, settings, tmp_path):
    """A column named like a formula in a terms file reaches align's output as a header: never a formula (issue 18)."""
    from openpyxl import load_workbook

    from glossary.formats.tables import to_delimited, write_xlsx_sheets

    terms = pd.DataFrame({"en": ["technology transfer"], "=1+2": ["=HYPERLINK(\"http://x\")"], "@SUM(A1)": ["+1"]})
    result = align_terms(terms, documents, settings)
    assert {"=1+2", "@SUM(A1)"} <= set(result.columns)
    for sep in (",", "\t"):
        header = to_delimited(result, sep).split("\n")[0].split(sep)
        assert "'=1+2" in header and "'@SUM(A1)" in header and "=1+2" not in header
    write_xlsx_sheets(tmp_path / "aligned.xlsx", {"Alignment": result})
    sheet = load_workbook(tmp_path / "aligned.xlsx")["Alignment"]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert {"=1+2", "@SUM(A1)"} <= {cell.value for cell in sheet[1]}
