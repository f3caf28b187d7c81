"""glossary.report.evaluate: the reference list a clone ships for trying `glossary evaluate`."""

from __future__ import annotations

from conftest import ROOT

from glossary.report.evaluate import read_gold, read_valid_terms

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
