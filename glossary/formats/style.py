"""How a table sheet looks on screen and on paper: styled header, frozen header row, autofilter, columns sized to
their content with long text wrapped, statuses coloured, and a print setup (header row on every page, landscape,
one page wide) so a printout or PDF reads like the screen instead of one column per page."""

from __future__ import annotations

import math

import pandas as pd

from glossary.formats.terms import is_blank
from glossary.text import display_width  # CJK characters take two columns in Excel's default fonts too

HEADER_FILL = "1F4E78"
# Columns of sentences: the widest, always wrapped.
SENTENCE_COLUMNS = {"example", "sentence", "context", "evidence", "detail"}
SENTENCE_MAX_WIDTH = 40
# Columns of notes and form lists: always wrapped, never wider than a term.
LIST_COLUMNS = {"note", "variants", "deprecated", "admitted", "alternatives", "glosses", "source", "forms_by_year",
                "title", "symbols_cited"}
TERM_MAX_WIDTH = 24  # any other column: wider content wraps
WIDTH_PERCENTILE = 0.9  # a column fits nine values in ten on one line; the longest few wrap instead of widening it
FILTER_BUTTON_WIDTH = 3  # the autofilter arrow covers the end of the header text
WIDTH_SAMPLE_ROWS = 2000  # enough rows to see a column's widths without measuring a huge sheet
LATIN_LETTER_WIDTH = 0.85  # of a digit, in the default proportional font
LINE_HEIGHT = 15  # points, one line of the default 11-point font
MAX_LINES = 12  # a row grows to show this many wrapped lines at most
ROOM_FOR_ADDED_ROWS = 1000  # status colours and choices also cover rows reviewers add below the table

# status -> (fill, font colour): Excel's own good / neutral / bad palette, plus grey for what was turned down.
STATUS_COLOURS = {
    "approved": ("C6EFCE", "006100"),
    "candidate": ("FFEB9C", "9C5700"),
    "rejected": ("D9D9D9", "595959"),
    "deprecated": ("FFC7CE", "9C0006"),
}


def style_table_sheet(sheet, df: pd.DataFrame, repeat_header: bool = True) -> None:
    """Style a sheet holding `df` with its header in row 1. repeat_header=False for a sheet of several tables, where
    row 1 is not every page's header."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(vertical="center")
    sheet.freeze_panes = "B2" if len(df.columns) > 1 else "A2"
    if len(df.columns):
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(df.columns))}{max(sheet.max_row, 1)}"
    top = Alignment(vertical="top")
    wrapped = Alignment(wrap_text=True, vertical="top")
    lines: dict[int, int] = {}  # row -> lines its tallest wrapped cell needs
    for index, column in enumerate(df.columns, start=1):
        width, wrap = column_width(str(column), df[column].head(WIDTH_SAMPLE_ROWS).tolist())
        sheet.column_dimensions[get_column_letter(index)].width = width
        alignment = wrapped if wrap else top  # top: a tall wrapped neighbour leaves short cells on the first line
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
            cell.alignment = alignment
            if wrap and cell.value is not None:
                lines[cell.row] = max(lines.get(cell.row, 1), wrapped_lines(str(cell.value), width))
    # LibreOffice does not fit row heights to wrapped text when it opens a file: give each tall row its height
    for row, count in lines.items():
        if count > 1:
            sheet.row_dimensions[row].height = LINE_HEIGHT * min(count, MAX_LINES)
    if "status" in df.columns:
        colour_statuses(sheet, get_column_letter(list(df.columns).index("status") + 1), len(df) + 1)
    set_print_setup(sheet, repeat_header)


def column_width(name: str, values: list) -> tuple[float, bool]:
    """(width, wrap) of a column: wide enough for its header and for nine values in ten, up to a cap for its kind;
    what is wider wraps."""
    widths = sorted(display_width(line) for v in values if not is_blank(v) for line in str(v).splitlines())
    typical = widths[int(WIDTH_PERCENTILE * (len(widths) - 1))] if widths else 0
    cap = SENTENCE_MAX_WIDTH if name in SENTENCE_COLUMNS else TERM_MAX_WIDTH
    width = min(max(display_width(name) + FILTER_BUTTON_WIDTH, typical + 1), cap)
    always = name in SENTENCE_COLUMNS or name in LIST_COLUMNS
    return width, always or bool(widths) and widths[-1] + 1 > width


def wrapped_lines(text: str, width: float) -> int:
    """Lines a wrapped cell takes in a column `width` characters wide. A column's unit is a digit's width: a Chinese
    character takes about two (display_width), a Latin letter about LATIN_LETTER_WIDTH, breaks at word ends
    included."""
    usable = max(width - 1, 1)

    def needed(line: str) -> int:
        latin = sum(1 for ch in line if ch.isascii())
        return max(1, math.ceil((display_width(line) - (1 - LATIN_LETTER_WIDTH) * latin) / usable))

    return sum(needed(line) for line in text.splitlines() or [""])


def colour_statuses(sheet, column: str, last_row: int) -> None:
    """Conditional formatting on a status column: each status its colour, in Excel and LibreOffice alike, and on
    whatever status a reviewer types later. The comparison is the tool's own formula; no cell value is one."""
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import Font, PatternFill

    cells = f"{column}2:{column}{last_row + ROOM_FOR_ADDED_ROWS}"
    for status, (fill, font) in STATUS_COLOURS.items():
        # a differential style's solid fill is read from its background colour (Excel), some readers take the
        # foreground: give both
        sheet.conditional_formatting.add(cells, CellIsRule(
            operator="equal", formula=[f'"{status}"'], font=Font(color=font),
            fill=PatternFill(fill_type="solid", start_color=fill, end_color=fill)))


def set_print_setup(sheet, repeat_header: bool = True) -> None:
    """Landscape, every column on one page width (as many pages down as needed), narrow margins, gridlines, the
    header row repeated on every page, and the sheet name and page number in the footer."""
    from openpyxl.worksheet.page import PageMargins
    from openpyxl.worksheet.properties import PageSetupProperties

    sheet.page_setup.orientation = "landscape"
    # said explicitly: a page setup without a paper size means Letter, and UN offices print on A4
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    # inches; narrow margins leave the width to the table, which then needs less shrinking to fit the page
    sheet.page_margins = PageMargins(left=0.3, right=0.3, top=0.5, bottom=0.5, header=0.2, footer=0.2)
    if sheet.sheet_properties.pageSetUpPr is None:
        sheet.sheet_properties.pageSetUpPr = PageSetupProperties()
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # 0: no limit on the number of pages down
    sheet.print_options.gridLines = True
    sheet.oddFooter.center.text = "&A, page &P of &N"
    if repeat_header:
        sheet.print_title_rows = "1:1"
