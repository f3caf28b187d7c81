"""Terminal tables: as wide as the terminal and no wider, long cells cut with an ellipsis, numbers as numbers."""

from __future__ import annotations

import pandas as pd
import pytest

from glossary.formats.tables import fit_widths, render_table, terminal_width
from glossary.text import display_width

LONG_ZH = "促进包容和可持续工业发展，" * 8
LONG_EN = "inclusive and sustainable industrial development " * 4


def widest(text: str) -> int:
    return max(display_width(line) for line in text.splitlines())


def test_widths_that_fit_are_kept():
    assert fit_widths([10, 5], [8, 5], 20) == [10, 5]


def test_the_widest_columns_are_cut_first_and_evenly():
    assert fit_widths([40, 30, 4], [8, 8, 4], 40) == [18, 18, 4]
    assert fit_widths([40, 10, 4], [8, 8, 4], 40) == [26, 10, 4]


def test_no_widths_when_even_the_narrowest_do_not_fit():
    assert fit_widths([40, 40], [8, 8], 15) == []


@pytest.mark.parametrize("width", [60, 80, 100])
def test_no_line_wider_than_the_terminal_and_long_cells_end_in_an_ellipsis(width):
    frame = pd.DataFrame({"term": [LONG_ZH, "工发组织"], "en": [LONG_EN, "UNIDO"], "freq": [12345, 7]})
    text = render_table(frame, "Terms", width=width)
    assert widest(text) <= width
    assert "…" in text and "12345" in text  # text is cut, numbers never are


def test_columns_that_cannot_fit_are_left_out_and_named():
    frame = pd.DataFrame({f"statistic_{n}": [0.5] for n in range(20)})
    text = render_table(frame, width=80)
    assert widest(text) <= 80
    table, left_out = text.split("Left out")
    assert "statist…" in table and "statistic_0," not in left_out and "statistic_19" in left_out


def test_numbers_print_as_numbers():
    summary = pd.DataFrame([("characters", 16660), ("type/token ratio", 0.3439)], columns=["measure", "value"],
                           dtype=object)
    text = render_table(summary, width=80)
    assert "16660" in text and "0.3439" in text and "e+" not in text
    years = pd.DataFrame({"term": ["a", "b"], "first_year": [2016, None], "score": [0.5, 0.25]})  # float64 years
    text = render_table(years, width=80)
    assert "2016" in text and "2016.0" not in text and "nan" not in text.lower()
    assert "0.50" in text and "0.25" in text  # one number of decimals a column


def test_document_text_is_shown_as_it_is_on_one_line():
    frame = pd.DataFrame({"example": ["[bold]工发组织[/bold]\t支持\n中等收入国家\x1b[2J"]})
    text = render_table(frame, width=80)
    # markup stays text; the escape shows as its Control Picture (glossary.text.printable), acting on nothing
    assert "[bold]工发组织[/bold] 支持 中等收入国家␛[2J" in text and "\x1b" not in text


def test_the_terminal_width_comes_from_columns(monkeypatch):
    monkeypatch.setenv("COLUMNS", "87")
    assert terminal_width() == 87
    assert widest(render_table(pd.DataFrame({"zh": [LONG_ZH]}))) == 87


# --- headers are cells too (issue 18) -------------------------------------------------------------------------------

FORMULA_HEADERS = pd.DataFrame({"=1+2": ["=3+4"], "@SUM(A1)": ["x"], "-2": [1], "en": ["\x0bvertical tab"]})


@pytest.mark.parametrize("sep", [",", "\t"])
def test_delimited_headers_are_neutralised_like_values(sep):
    from glossary.formats.tables import to_delimited

    header, row = to_delimited(FORMULA_HEADERS, sep).rstrip("\n").split("\n")
    assert header.split(sep) == ["'=1+2", "'@SUM(A1)", "'-2", "en"]
    assert row.split(sep)[0] == "'=3+4"
    # neutralising twice changes nothing (export neutralises its settings' headers itself)
    assert to_delimited(FORMULA_HEADERS.rename(columns=lambda c: "'" + c if c[0] in "=@-" else c), sep) == \
        to_delimited(FORMULA_HEADERS, sep)
    # and a table without rows still has a safe header
    assert to_delimited(FORMULA_HEADERS.iloc[:0], sep).splitlines()[0].startswith("'=1+2")


def test_xlsx_headers_are_text_cells_and_illegal_characters_do_not_crash(tmp_path):
    from openpyxl import load_workbook

    from glossary.formats.tables import write_xlsx_sheets

    write_xlsx_sheets(tmp_path / "t.xlsx", {"Terms": FORMULA_HEADERS})
    sheet = load_workbook(tmp_path / "t.xlsx")["Terms"]
    header, row = list(sheet.iter_rows(min_row=1, max_row=2))
    assert [(c.value, c.data_type) for c in header] == [("=1+2", "s"), ("@SUM(A1)", "s"), ("-2", "s"), ("en", "s")]
    assert (row[0].value, row[0].data_type) == ("=3+4", "s")
    assert row[3].value == "\ufffdvertical tab"  # XML cannot hold it: replaced, not IllegalCharacterError


def test_terminal_headers_are_shown_on_one_line_without_escapes():
    frame = pd.DataFrame({"\x1b]0;title\x07name\nsecond": ["a"]})
    text = render_table(frame, width=80)
    assert "\x1b" not in text and "\x07" not in text and "␛]0;title␇name second" in text
