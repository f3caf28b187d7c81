"""The glossary workbook file: glossary-vN.xlsx, read back (an untrusted file, validated) and written.

A glossary folder holds glossary-v1.xlsx, glossary-v2.xlsx, ... (glossary.review.build makes each version from the
corpus and the review of the previous one). This module knows the file: its sheets and columns, how versions are
numbered and found, how a reviewed workbook is read safely, how a version is written.

Public API:
    read_glossary(path, settings=None) -> StoredGlossary      (a workbook as reviewers left it, validated)
    resolve_glossary(path) -> Path                            (a workbook, or the newest version in a folder)
    list_versions(folder) -> list[(number, path)]
    check_workbook_file(path, settings=None)                  (refuse what is not a plausible .xlsx, before parsing)
    write_glossary_workbook(target, sheets, statistics, published, add_charts)

One row per concept. The concept is identified by `concept_id` (last column; carried from version to version) and,
when a reviewer's workbook lost it, by its Chinese forms or its English. The preferred Chinese is `zh`; forms a
terminologist forbids are listed in `deprecated`, accepted synonyms in `admitted` (both `|`-separated), the other
surface forms found in the corpus in `variants`.

Every version also stores, in the hidden sheet `_published`, the Glossary table exactly as the tool wrote it, plus a
column `_owned` listing the cells each row holds from earlier reviews (see glossary.review.build).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pandas as pd

from glossary.config import ReviewSettings, Settings, default_settings
from glossary.errors import InputError
from glossary.files import check_zip_archive
from glossary.formats.tables import records, save_workbook, set_cell
from glossary.formats.terms import cell_text, is_blank

STATUSES = ("candidate", "approved", "rejected", "deprecated")

GLOSSARY_SHEET = "Glossary"
PUBLISHED_SHEET = "_published"
VERSION_NAME = re.compile(r"^glossary-v(\d+)\.xlsx$", re.IGNORECASE)

# The Glossary sheet, left to right. Columns a terms file adds (domain, source, anything unknown) follow `glosses`;
# columns a reviewer adds are kept wherever they put them; concept_id stays last.
GLOSSARY_COLUMNS = [
    "zh", "en", "status", "note", "deprecated", "admitted", "variants", "freq", "docs", "score", "method",
    "abbr", "domain", "source", "first_year", "last_year", "example", "alternatives", "glosses", "termhood",
]
ID_COLUMN = "concept_id"
# The last Glossary column printed: after it come the tool's working columns (alternatives, glosses, termhood, the
# terms file's own columns, concept_id), which stay on screen.
PRINTED_UP_TO = "example"
# Bookkeeping kept only in the hidden snapshot: the reviewer-held cells of each row ('en|note'), so a value a
# reviewer set once stays theirs in every later version, not only in the next one.
OWNED_COLUMN = "_owned"


# --- versions -----------------------------------------------------------------------------------------------------


def list_versions(folder: Path) -> list[tuple[int, Path]]:
    """(number, path) of every glossary-vN.xlsx in `folder`, oldest first."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        match = VERSION_NAME.match(path.name)
        if match and path.is_file():
            found.append((int(match.group(1)), path))
    return sorted(found)


def resolve_glossary(path: Path) -> Path:
    """A workbook path as given, or the newest glossary-vN.xlsx in a folder."""
    path = Path(path)
    if path.is_dir():
        versions = list_versions(path)
        if not versions:
            raise InputError(path, "no glossary-vN.xlsx in this folder (run `glossary build` first)")
        return versions[-1][1]
    if not path.exists():
        raise InputError(path, "no such file or folder")
    return path


# --- reading workbooks (untrusted input) --------------------------------------------------------------------------


@dataclass
class StoredGlossary:
    path: Path
    rows: pd.DataFrame  # the Glossary sheet as reviewers left it; `_row` holds each row's Excel row number
    published: pd.DataFrame | None  # the Glossary sheet as the tool wrote it (hidden sheet), if still there
    columns: list[str]  # the Glossary sheet's columns in the reviewer's order

    @property
    def version(self) -> int | None:
        match = VERSION_NAME.match(self.path.name)
        return int(match.group(1)) if match else None


def check_workbook_file(path: Path, settings: Settings | None = None) -> None:
    """Refuse what is not a plausible .xlsx before any XML is parsed: size on disk, zip structure, unpacked size."""
    import openpyxl

    settings = settings or default_settings()
    limits = settings.review
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "no such workbook")
    if not openpyxl.DEFUSEDXML:
        # openpyxl parses with defusedxml (no entity expansion, no external entities) only when it is importable
        raise InputError(path, "refusing to read a workbook without defusedxml installed (pip install defusedxml)")
    size = path.stat().st_size
    if size > limits.workbook_max_bytes:
        raise InputError(path, f"workbook is {size:,} bytes, more than workbook_max_bytes "
                               f"({limits.workbook_max_bytes:,})")
    # a workbook is a zip archive: refused if it is a decompression bomb, before openpyxl unpacks any part
    members = check_zip_archive(path, limits.workbook_max_uncompressed_bytes,
                                settings.corpus.archive_max_ratio,
                                kind="an Excel workbook (.xlsx)", unpacked_setting="workbook_max_uncompressed_bytes")
    if not any(m.filename == "[Content_Types].xml" for m in members):
        raise InputError(path, "not an Excel workbook (.xlsx): no [Content_Types].xml inside")


def _open_workbook(path: Path, settings: Settings):
    from openpyxl import load_workbook

    check_workbook_file(path, settings)
    try:
        # read_only streams the sheets; data_only reads the values Excel cached, never formulas
        return load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise InputError(path, f"cannot read the workbook ({_first_line(exc)})") from None


def _first_line(exc: Exception) -> str:
    """An exception as one short line: the CLI's error message stays one line."""
    cause = exc.__cause__ or exc.__context__
    if isinstance(cause, Exception) and type(cause).__module__.startswith("defusedxml"):
        return f"unsafe XML refused: {type(cause).__name__}"
    text = (str(exc).strip().splitlines() or [""])[0]
    return f"{type(exc).__name__}: {text[:160]}"


def _find_sheet(workbook, name: str):
    for sheet_name in workbook.sheetnames:
        if sheet_name.strip().casefold() == name.casefold():
            return workbook[sheet_name]
    return None


def _read_table(path: Path, sheet, limits: ReviewSettings) -> tuple[list[str], list[dict]]:
    """Header (first non-blank row) and rows as dicts with `_row` = Excel row number; blank rows skipped."""
    max_rows, max_columns = limits.workbook_max_rows, limits.workbook_max_columns
    if (sheet.max_row or 0) > max_rows + 1 or (sheet.max_column or 0) > max_columns:
        raise InputError(path, f"sheet {sheet.title} is {sheet.max_row} rows x {sheet.max_column} columns, more than "
                               f"workbook_max_rows ({max_rows}) x workbook_max_columns ({max_columns})")
    header: list[str] | None = None
    rows: list[dict] = []
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        if number > max_rows + 1:
            raise InputError(path, f"sheet {sheet.title} has more than workbook_max_rows ({max_rows}) rows")
        values = list(values[:max_columns + 1])
        if len(values) > max_columns:
            raise InputError(path, f"sheet {sheet.title} has more than workbook_max_columns ({max_columns}) columns")
        if all(is_blank(v) for v in values):
            continue
        if header is None:
            header = [_header_name(v) for v in values]
            while header and not header[-1]:
                header.pop()
            named = [h for h in header if h]
            duplicated = sorted({h for h in named if named.count(h) > 1})
            if duplicated:
                raise InputError(path, f"sheet {sheet.title}: column {duplicated[0]!r} appears twice in the header row")
            continue
        row = {"_row": number}
        for name, value in zip(header, values):
            if name:
                row[name] = value.strip() if isinstance(value, str) else value
        rows.append(row)
    return [h for h in (header or []) if h], rows


def _header_name(value: Any) -> str:
    """Known columns match whatever their case and spacing (' ZH ' is zh); other names are only trimmed."""
    name = cell_text(value)
    lowered = name.casefold()
    return lowered if lowered in GLOSSARY_COLUMNS or lowered == ID_COLUMN else name


def read_glossary(path: Path, settings: Settings | None = None) -> StoredGlossary:
    """A glossary workbook as reviewers left it, validated: InputError (naming the file and row) when it cannot be
    trusted to carry decisions forward."""
    settings = settings or default_settings()
    path = Path(path)
    workbook = _open_workbook(path, settings)
    try:
        return _read_glossary(path, workbook, settings.review)
    except InputError:
        raise
    except Exception as exc:  # read_only parses sheets while iterating: damage (or an XML attack) shows up here
        raise InputError(path, f"cannot read the workbook ({_first_line(exc)})") from None
    finally:
        workbook.close()


def _read_glossary(path: Path, workbook, limits: ReviewSettings) -> StoredGlossary:
    """The Glossary sheet (validated) and the hidden snapshot of an open workbook."""
    sheet = _find_sheet(workbook, GLOSSARY_SHEET)
    if sheet is None:
        raise InputError(path, f"no sheet named {GLOSSARY_SHEET!r} (sheets: {', '.join(workbook.sheetnames)})")
    columns, rows = _read_table(path, sheet, limits)
    hidden = _find_sheet(workbook, PUBLISHED_SHEET)
    published = None
    if hidden is not None:
        published_columns, published_rows = _read_table(path, hidden, limits)
        if ID_COLUMN in published_columns:
            published = pd.DataFrame(published_rows, columns=["_row", *published_columns])
    if "zh" not in columns:
        raise InputError(path, f"sheet {GLOSSARY_SHEET} has no 'zh' column "
                               f"(its columns: {', '.join(columns) or 'none'})")
    for row in rows:
        status = cell_text(row.get("status")).casefold() or "candidate"
        if status not in STATUSES:
            raise InputError(path, f"row {row['_row']}: status {cell_text(row.get('status'))!r} is not one of "
                                   f"{', '.join(STATUSES)}")
        row["status"] = status
        if not cell_text(row.get("zh")) and not cell_text(row.get("en")):
            raise InputError(path, f"row {row['_row']}: neither zh nor en is filled in")
    _refuse_duplicates(path, rows)
    frame = pd.DataFrame(rows, columns=["_row", *columns, *(["status"] if "status" not in columns else [])])
    return StoredGlossary(path, frame, published, columns)


def _refuse_duplicates(path: Path, rows: list[dict]) -> None:
    """Two rows are one concept when they share their Chinese and their English agrees (or one has none), or when
    neither has Chinese and their English is the same. Carry-forward could not tell which row's decision wins."""
    by_zh: dict[str, list[dict]] = {}
    by_en: dict[str, dict] = {}
    for row in rows:
        zh, en = cell_text(row.get("zh")), cell_text(row.get("en")).casefold()
        if zh:
            for other in by_zh.get(zh, []):
                other_en = cell_text(other.get("en")).casefold()
                if not en or not other_en or en == other_en:
                    raise InputError(path, f"rows {other['_row']} and {row['_row']} are the same concept "
                                           f"(zh {zh!r}): merge them or delete one")
            by_zh.setdefault(zh, []).append(row)
        else:
            if en in by_en:
                raise InputError(path, f"rows {by_en[en]['_row']} and {row['_row']} are the same concept "
                                       f"(en {cell_text(row.get('en'))!r}, no zh): merge them or delete one")
            by_en[en] = row


# --- writing ------------------------------------------------------------------------------------------------------


def _write_rows(sheet, df: pd.DataFrame, start_row: int = 1) -> None:
    from openpyxl.styles import Font, PatternFill

    from glossary.formats.style import HEADER_FILL

    for col, name in enumerate(df.columns, start=1):
        cell = sheet.cell(row=start_row, column=col)
        set_cell(cell, str(name))
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
    for r, row in enumerate(records(df), start=start_row + 1):
        for col, value in enumerate(row.values(), start=1):
            set_cell(sheet.cell(row=r, column=col), value)


def _table_sheet(workbook, name: str, df: pd.DataFrame):
    from glossary.formats.style import style_table_sheet

    sheet = workbook.create_sheet(name)
    _write_rows(sheet, df)
    style_table_sheet(sheet, df)
    return sheet


def write_glossary_workbook(target: Path, sheets: dict[str, pd.DataFrame],
                            statistics: tuple[pd.DataFrame, pd.DataFrame], published: pd.DataFrame | None = None,
                            add_charts: Callable[[Any], Any] | None = None):
    """Glossary, Variants, Contexts, Statistics, Changes, About and the hidden snapshot `_published` (the Glossary
    table plus its bookkeeping column `_owned`), saved atomically. `add_charts(sheet)` draws under the Statistics
    tables (the builder passes the charts of `glossary stats --plot`: drawing them is the report stage's work).

    Every text cell is a string cell (tables.set_cell): a document line starting with '=' stays text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from glossary.formats.style import ROOM_FOR_ADDED_ROWS, style_table_sheet

    workbook = Workbook()
    workbook.remove(workbook.active)
    glossary = sheets[GLOSSARY_SHEET]
    sheet = _table_sheet(workbook, GLOSSARY_SHEET, glossary)
    status_column = get_column_letter(list(glossary.columns).index("status") + 1)
    choice = DataValidation(type="list", formula1='"' + ",".join(STATUSES) + '"', allow_blank=True,
                            showErrorMessage=True, errorTitle="status",
                            error="status is one of " + ", ".join(STATUSES))
    choice.add(f"{status_column}2:{status_column}{len(glossary) + 1 + ROOM_FOR_ADDED_ROWS}")
    sheet.add_data_validation(choice)
    grey = Font(color="808080")
    for row in sheet.iter_rows(min_row=2, min_col=len(glossary.columns), max_col=len(glossary.columns)):
        row[0].font = grey  # concept_id: the tool's bookkeeping, not for editing
    if PRINTED_UP_TO in glossary.columns:
        # one page wide is legible only without the tool's working columns: paper shows zh to example
        last = get_column_letter(list(glossary.columns).index(PRINTED_UP_TO) + 1)
        sheet.print_area = f"A1:{last}{len(glossary) + 1}"
    for name in ("Variants", "Contexts"):
        _table_sheet(workbook, name, sheets[name])
    summary, per_document = statistics
    stats_sheet = workbook.create_sheet("Statistics")
    _write_rows(stats_sheet, summary)
    _write_rows(stats_sheet, per_document, start_row=len(summary) + 3)
    style_table_sheet(stats_sheet, per_document, repeat_header=False)  # widths from the wider table
    stats_sheet.auto_filter.ref = None
    stats_sheet.freeze_panes = None
    stats_sheet.print_options.gridLines = False  # they would rule the charts too
    if add_charts is not None:
        add_charts(stats_sheet)
    for name in ("Changes", "About"):
        _table_sheet(workbook, name, sheets[name])
    hidden = workbook.create_sheet(PUBLISHED_SHEET)
    _write_rows(hidden, published if published is not None else glossary)
    hidden.sheet_state = "hidden"
    workbook.active = 0
    if target.exists():  # the lock makes this impossible between builds; never overwrite a version anyway
        raise InputError(target, "already exists; refusing to overwrite a glossary version")
    save_workbook(workbook, target)

