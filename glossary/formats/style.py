"""How a table sheet looks: styled header, frozen header row, autofilter, sensible widths, wrapped long text."""

from __future__ import annotations

import pandas as pd

from glossary.text import display_width  # CJK characters take two columns in Excel's default fonts too

HEADER_FILL = "1F4E78"
WRAP_COLUMNS = {"example", "sentence", "context", "note", "variants", "forms_by_year", "evidence", "alternatives"}


def style_table_sheet(sheet, df: pd.DataFrame) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(vertical="center")
    sheet.freeze_panes = "B2" if len(df.columns) > 1 else "A2"
    if len(df.columns):
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(df.columns))}{max(sheet.max_row, 1)}"
    for index, column in enumerate(df.columns, start=1):
        sample = [str(column)] + [str(v) for v in df[column].head(200).tolist() if v is not None]
        width = max(display_width(s) for s in sample) + 2
        wrap = str(column) in WRAP_COLUMNS
        sheet.column_dimensions[get_column_letter(index)].width = min(width, 60 if wrap else 40)
        if wrap:
            for row in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                row[0].alignment = Alignment(wrap_text=True, vertical="top")
