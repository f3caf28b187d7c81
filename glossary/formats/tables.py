"""Writing tables: terminal (rich), TSV, CSV, JSON and XLSX, atomically, with document text kept as text.

Text from documents is data, never code: a cell that would start a spreadsheet formula (= + - @, or a tab or
carriage return before one) is written as a string cell in XLSX, and with a leading apostrophe in CSV/TSV
(the OWASP recommendation for CSV injection).
"""

from __future__ import annotations

import io
import json
import math
import sys
from pathlib import Path

import pandas as pd

from glossary.files import atomic_path, write_text_atomic

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
    buffer = io.StringIO()
    safe = df.apply(lambda column: column.map(neutralise_formula)) if len(df) else df
    safe.to_csv(buffer, sep=sep, index=False, lineterminator="\n")
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
    with atomic_path(target, ".xlsx") as tmp:
        workbook.save(tmp)


def fill_sheet(sheet, df: pd.DataFrame) -> None:
    sheet.append([str(c) for c in df.columns])
    for row in records(df):
        sheet.append([None] * len(df.columns))
        for col, value in enumerate(row.values(), start=1):
            set_cell(sheet.cell(row=sheet.max_row, column=col), value)


def set_cell(cell, value) -> None:
    """Assign a value; text stays text even when it starts like a formula."""
    if isinstance(value, (list, tuple, set)):
        value = "|".join(map(str, value))
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def render_table(df: pd.DataFrame, title: str | None = None, max_width: int = 40) -> str:
    """A rich table as text, long cells shortened for the terminal."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, show_lines=False)
    for column in df.columns:
        table.add_column(str(column), overflow="fold", max_width=max_width)
    for row in records(df):
        table.add_row(*["" if v is None else (f"{v:.4g}" if isinstance(v, float) else str(v)) for v in row.values()])
    console = Console(file=io.StringIO(), width=max(100, min(200, 24 * len(df.columns))), force_terminal=False)
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
