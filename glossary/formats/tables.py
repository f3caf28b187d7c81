"""Writing tables: terminal (rich), TSV, CSV, JSON and XLSX, atomically, with document text kept as text.

Text from documents is data, never code: a cell that would start a spreadsheet formula (= + - @, or a tab or
carriage return before one) is written as a string cell in XLSX, and with a leading apostrophe in CSV/TSV
(the OWASP recommendation for CSV injection). Headers are cells too: a column named `=1+2` in a terms file is
carried into align's output, and is neutralised like any value.

A terminal table is as wide as the terminal (COLUMNS, else the terminal's width, else 100), counted in cells (two
for a Chinese character): long text cells end in …, and columns that cannot fit are left out and named.
"""

from __future__ import annotations

import io
import json
import math
import shutil
import sys
from pathlib import Path

import pandas as pd

from glossary.files import atomic_path, write_text_atomic
from glossary.text import printable

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FORMATS = ("table", "tsv", "csv", "json", "xlsx")


def neutralise_formula(value):
    """For CSV/TSV: a text value a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _json_default(value):
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return str(value)


def records(df: pd.DataFrame) -> list[dict]:
    """Rows as plain dicts, NaN as None, numpy scalars as Python numbers."""
    clean = df.astype(object).where(pd.notna(df), None)
    return [{k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()} for row in clean.to_dict("records")]


def to_json(data) -> str:
    if isinstance(data, pd.DataFrame):
        data = records(data)
    return json.dumps(data, ensure_ascii=False, indent=2, default=_json_default) + "\n"


def to_delimited(df: pd.DataFrame, sep: str) -> str:
    """CSV or TSV, header and values neutralised (neutralise_formula)."""
    buffer = io.StringIO()
    safe = df.apply(lambda column: column.map(neutralise_formula)) if len(df) else df
    safe.rename(columns=neutralise_formula).to_csv(buffer, sep=sep, index=False, lineterminator="\n")
    return buffer.getvalue()


def write_xlsx_sheets(target: Path, sheets: dict[str, pd.DataFrame]) -> None:
    """A plain workbook, one sheet per table, every text cell stored as a string (never a formula)."""
    from openpyxl import Workbook

    from glossary.formats.style import style_table_sheet

    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, df in sheets.items():
        sheet = workbook.create_sheet(name[:31])
        fill_sheet(sheet, df)
        style_table_sheet(sheet, df)
    save_workbook(workbook, target)


def save_workbook(workbook, target: Path) -> None:
    """`workbook` written to `target` atomically. openpyxl's own save leaves its zip file open when writing fails
    (a full disk), and Python reports the failed close later as a traceback: here the archive is closed either way."""
    from zipfile import ZIP_DEFLATED, ZipFile

    from openpyxl.writer.excel import ExcelWriter

    with atomic_path(target, ".xlsx") as tmp, ZipFile(tmp, "w", ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(workbook, archive).save()


def fill_sheet(sheet, df: pd.DataFrame) -> None:
    for col, name in enumerate(df.columns, start=1):  # the header is text from the input too: set_cell, like values
        set_cell(sheet.cell(row=1, column=col), str(name))
    for row in records(df):
        sheet.append([None] * len(df.columns))
        for col, value in enumerate(row.values(), start=1):
            set_cell(sheet.cell(row=sheet.max_row, column=col), value)


def set_cell(cell, value) -> None:
    """Assign a value; text stays text even when it starts like a formula. A control character XML cannot hold (a
    vertical tab from Word, NUL) becomes U+FFFD here rather than openpyxl's IllegalCharacterError: readers clean
    them, and a table from anywhere else is still written."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, (list, tuple, set)):
        value = "|".join(map(str, value))
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


# --- the terminal -------------------------------------------------------------------------------------------------

# a table cell is one line: it never wraps, and what does not fit ends in an ellipsis
TABLE_OVERHEAD_PER_COLUMN = 3  # rich's border and one space of padding either side: width = sum(cells) + 3n + 1
NARROWEST_TEXT_CELL = 8  # a text column is cut down to no fewer cells than this before columns are left out
MAX_DECIMALS = 4


def terminal_width(default: int = 100) -> int:
    """The columns to fill: COLUMNS when set, else the terminal's width, else `default` (output piped to a file)."""
    return shutil.get_terminal_size((default, 24)).columns


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _decimals(values: list[float]) -> int:
    """Decimals shown for a column's floats: as many as its most precise value needs, up to MAX_DECIMALS, the same
    for every row so the points line up. A column of whole numbers (years, counts with a gap) shows none."""
    return max((len(f"{v:.{MAX_DECIMALS}f}".rstrip("0").partition(".")[2]) for v in values if math.isfinite(v)),
               default=0)


def _format_column(values: list) -> tuple[list[str], bool]:
    """Each value (as `records` gives it: None when missing) as table text, and whether the column is numbers
    (right-aligned, never cut). Integers stay integers and floats have fixed decimals: never 1.666e+04, never
    2016.0."""
    present = [v for v in values if v is not None]
    numeric = bool(present) and all(_is_number(v) for v in present)
    decimals = _decimals([float(v) for v in present if isinstance(v, float)])
    texts = []
    for value in values:
        if value is None:
            texts.append("")
        elif isinstance(value, float) and math.isfinite(value):
            texts.append(f"{value:.{decimals}f}")
        elif isinstance(value, (list, tuple, set)):
            texts.append("|".join(map(str, value)))
        else:
            texts.append(one_line(str(value)))
    return texts, numeric


def one_line(text: str) -> str:
    """A table cell's text on one line: a line break or tab would break the table apart, and an escape sequence
    from a document would reach the terminal (glossary.text.printable shows the other controls)."""
    return " ".join(printable(text.replace("\t", " ").replace("\n", " ").replace("\r", " ")).split())


def _room(width: int, columns: int) -> int:
    """Cells left for the text of `columns` columns in a table `width` cells wide."""
    return width - TABLE_OVERHEAD_PER_COLUMN * columns - 1


def fit_widths(natural: list[int], narrowest: list[int], room: int) -> list[int]:
    """Column widths (in cells) summing to at most `room`: the widest columns are cut first, all to the same
    width, none below its narrowest; [] when even the narrowest widths do not fit."""
    if sum(natural) <= room:
        return list(natural)
    if sum(narrowest) > room:
        return []
    low, high = 0, max(natural)  # the largest common cap that fits
    while low < high:
        cap = (low + high + 1) // 2
        if sum(max(least, min(width, cap)) for width, least in zip(natural, narrowest)) <= room:
            low = cap
        else:
            high = cap - 1
    return [max(least, min(width, low)) for width, least in zip(natural, narrowest)]


def render_table(df: pd.DataFrame, title: str | None = None, width: int | None = None) -> str:
    """A rich table as text no line of which is wider than `width` cells (default: the terminal's width).

    Long text cells end in an ellipsis; when even cut columns cannot fit, the last columns are left out (the caller
    orders columns by importance) and the caption says which. Widths are counted in terminal cells, two per Chinese
    character.
    """
    from rich.cells import cell_len
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    width = width or terminal_width()
    names = [one_line(str(column)) for column in df.columns]  # a header from a terms file is document text too
    rows = records(df)
    columns = [_format_column([row[column] for row in rows]) for column in df.columns]
    natural = [max([1, cell_len(name), *map(cell_len, texts)]) for name, (texts, _) in zip(names, columns)]
    # numbers are never cut (a cut number reads as another number), only a long header; text down to a few cells
    narrowest = [max([min(wide, NARROWEST_TEXT_CELL), *(map(cell_len, texts) if numeric else ())])
                 for (texts, numeric), wide in zip(columns, natural)]
    shown, widths = len(names), []
    while shown and not (widths := fit_widths(natural[:shown], narrowest[:shown], _room(width, shown))):
        shown -= 1
    if names and not widths:  # not even the first column at its narrowest: cut it to the terminal anyway
        shown, widths = 1, [max(1, _room(width, 1))]
    left_out = names[shown:]
    caption = Text(f"Left out, too wide for {width} columns: {', '.join(left_out)}") if left_out else None
    table = Table(title=Text(title) if title else None, caption=caption)
    for name, (_, numeric), cells in zip(names, columns, widths):
        table.add_column(Text(name), width=cells, no_wrap=True, overflow="ellipsis",
                         justify="right" if numeric else "left")
    for index in range(len(rows)):
        # Text, not str: rich would read [brackets] in document text as markup
        table.add_row(*[Text(texts[index]) for texts, _ in columns[:shown]])
    console = Console(file=io.StringIO(), width=width, force_terminal=False, color_system=None)
    console.print(table)
    return console.file.getvalue()


def emit(df: pd.DataFrame, fmt: str, out: Path | None, title: str | None = None, sheet: str = "Terms") -> None:
    """Write `df` in `fmt` to `out` (atomically) or stdout."""
    if fmt == "xlsx":
        if out is None:
            raise ValueError("--format xlsx needs --out FILE")
        write_xlsx_sheets(out, {sheet: df})
        return
    text = {
        "table": lambda: render_table(df, title),
        "tsv": lambda: to_delimited(df, "\t"),
        "csv": lambda: to_delimited(df, ","),
        "json": lambda: to_json(df),
    }[fmt]()
    if out is None:
        sys.stdout.write(text)
    else:
        write_text_atomic(out, text)
