"""glossary.report.evaluate: the reference list a clone ships for trying `glossary evaluate`, and precision at K
against a judgements file (`glossary evaluate --judged`)."""

from __future__ import annotations

import pytest

from conftest import ROOT, SHARED_EVAL, TESTS_DIR
from glossary.errors import InputError
from glossary.report.evaluate import normalise, read_gold, read_judgements, read_valid_terms, score_judged

EXAMPLE_REFERENCE = ROOT / "data" / "example_reference.tsv"


def test_the_shipped_example_reference_is_read_without_its_comment_lines():
    concepts = read_gold(EXAMPLE_REFERENCE)
    assert len(concepts) == 30 and not any(c.en.startswith("#") for c in concepts)
    assert all(c.forms for c in concepts)


def test_the_example_reference_is_drawn_from_the_project_s_own_judgements():
    # the example is the project's reviewed terms with English, not a copy of an evaluation list
    valid = read_valid_terms(ROOT / "data" / "valid_terms.txt")
    assert all(any(form.strip("《》") in valid for form in c.forms) for c in read_gold(EXAMPLE_REFERENCE))


def test_comment_lines_in_a_reference_file_are_skipped(tmp_path):
    path = tmp_path / "gold.tsv"
    path.write_text("en\tzh\n# a comment\tnot a term\nstakeholder\t利益攸关方\n", encoding="utf-8")
    assert [(c.en, c.forms) for c in read_gold(path)] == [("stakeholder", ["利益攸关方"])]


# --- precision at K against a judgements file (`glossary evaluate --judged`) --------------------------------------

UNSEEN_DEV_JUDGEMENTS = TESTS_DIR / "data" / "judgements" / "unseen_dev.tsv"


def judgements_file(tmp_path, body: str, name: str = "judged.tsv"):
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def test_normalise_drops_title_marks_and_every_kind_of_space():
    assert normalise("《京都 议定书》\u3000") == normalise("京都\n议定书") == "京都议定书"


def test_a_judgements_file_is_read_by_normalised_form_without_comments(tmp_path):
    path = judgements_file(tmp_path, "# who judged, and how\nterm\tjudgement\tnote\n"
                                     "《京都议定书》\tterm\tinstrument\n\n票赞成\tnot-term\tclause piece\n"
                                     "# a comment between rows\n秘书长\tterm\n")
    judged = read_judgements(path)
    assert set(judged) == {"京都议定书", "票赞成", "秘书长"}
    assert judged["京都议定书"].judgement == "term" and judged["京都议定书"].term == "《京都议定书》"
    assert judged["票赞成"].note == "clause piece" and judged["秘书长"].note == ""


def test_the_columns_may_come_in_any_order_and_the_note_may_be_left_out(tmp_path):
    path = judgements_file(tmp_path, "judgement\tterm\nnot-term\t附件\n")
    assert read_judgements(path)["附件"].judgement == "not-term"


@pytest.mark.parametrize("body, fragment", [
    ("term\tnote\n安全理事会\torgan\n", "judgement"),
    ("zh\tjudgement\tnote\n安全理事会\tterm\t\n", "term"),
    ("安全理事会\tterm\torgan\n", "term, judgement"),  # no header row
    ("# only a comment\n", "no header"),
    ("term\tjudgement\tnote\n安全理事会\tyes\t\n", "line 2"),
    ("term\tjudgement\tnote\n安全理事会\tterm\t\n《安全理事会》\tnot-term\t\n", "line 3"),
    ("term\tjudgement\tnote\n\tterm\t\n", "no term"),
])
def test_a_bad_judgements_file_is_an_input_error_naming_it(tmp_path, body, fragment):
    path = judgements_file(tmp_path, body, "mine_judged.tsv")
    with pytest.raises(InputError) as caught:
        read_judgements(path)
    assert caught.value.path == str(path) and fragment in str(caught.value)


def test_a_missing_or_binary_judgements_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_judgements(tmp_path / "absent.tsv")
    binary = tmp_path / "binary.tsv"
    binary.write_bytes(b"\xff\xfe\x00\x81term")
    with pytest.raises(InputError, match="UTF-8"):
        read_judgements(binary)


def test_precision_at_k_counts_unjudged_candidates_as_not_terms(tmp_path):
    judged = read_judgements(judgements_file(
        tmp_path, "term\tjudgement\tnote\n安全理事会\tterm\t\n秘书长\tterm\t\n附件\tnot-term\tgeneric word\n"))
    ranked = ["安全理事会", "附件", "票赞成", "《秘书长》", "导言"]
    scores = score_judged(ranked, judged, [4, 2])
    assert scores.ks == [2, 4] and scores.precision == {2: 0.5, 4: 0.5}
    assert scores.summary.to_dict("records") == [
        {"K": 2, "P@K": 0.5, "terms": 1, "not-terms": 1, "unjudged": 0, "ranked": 2},
        {"K": 4, "P@K": 0.5, "terms": 2, "not-terms": 1, "unjudged": 1, "ranked": 4},
    ]
    assert scores.unjudged()["term"].tolist() == ["票赞成"] and scores.unjudged()["rank"].tolist() == [3]
    assert scores.not_terms()[["term", "note"]].values.tolist() == [["附件", "generic word"]]
    assert scores.unjudged(2).empty  # within the first 2 everything was judged
    assert len(scores.ranking) == 4  # the candidates of the largest K only


def test_a_ranking_shorter_than_k_counts_the_missing_places_as_misses(tmp_path):
    judged = read_judgements(judgements_file(tmp_path, "term\tjudgement\n秘书长\tterm\n"))
    scores = score_judged(["秘书长"], judged, [4])
    assert scores.precision == {4: 0.25} and scores.summary.loc[0, "ranked"] == 1


def test_k_below_one_is_refused():
    with pytest.raises(InputError, match="at least 1"):
        score_judged(["秘书长"], {}, [0])


def test_the_shipped_unseen_dev_judgements_are_well_formed():
    judged = read_judgements(UNSEEN_DEV_JUDGEMENTS)
    assert len(judged) >= 150
    kinds = {j.judgement for j in judged.values()}
    assert kinds == {"term", "not-term"}
    assert all(j.note for j in judged.values() if j.judgement == "not-term")  # every rejection says why
    assert UNSEEN_DEV_JUDGEMENTS.read_text(encoding="utf-8").startswith("#")  # says what it is


@pytest.mark.skipif(not (SHARED_EVAL / "unseen-dev").is_dir(), reason="needs ../shared/eval/unseen-dev")
def test_the_unseen_dev_judgements_are_forms_of_that_corpus():
    # judged forms come from rankings on those files: each occurs in their text as the loader reads it
    from glossary.corpus.load import load_corpus

    corpus = load_corpus(sorted((SHARED_EVAL / "unseen-dev").glob("*.zh.txt")))
    # the running text, and the lines later removed as boilerplate (judged when an earlier ranking still held them)
    text = normalise("".join(p.text for d in corpus.documents for p in d.paragraphs)
                     + "".join(line for d in corpus.documents for line in d.boilerplate))
    assert [form for form in read_judgements(UNSEEN_DEV_JUDGEMENTS) if form not in text] == []


def test_absent_terms_count_for_the_wrong_share_and_left_empty(tmp_path):
    import pandas as pd
    from glossary.report.evaluate import read_gold, score_alignment

    path = tmp_path / "gold.tsv"
    path.write_text("en\tzh\nstakeholder\t利益攸关方\nFifth Committee\t\nSpecial Rapporteur\t\n", encoding="utf-8")
    gold = read_gold(path, keep_absent=True)
    assert [c.forms for c in gold] == [["利益攸关方"], [], []] and len(read_gold(path)) == 1
    answers = pd.DataFrame({"en": ["stakeholder", "Fifth Committee", "Special Rapporteur"],
                            "zh": ["利益攸关方", "第五委员会", ""], "alternatives": ["", "", ""]})
    scores = score_alignment(answers, gold)
    assert (scores.accuracy_at_1, scores.terms, scores.wrong, scores.answered) == (1.0, 1, 1, 2)
    assert scores.wrong_share == 0.5 and scores.absent_left_empty == 0.5
