"""The terms file: a curated list of English terms with their approved Chinese (CSV, TSV or XLSX), and the
`|`-separated form lists it shares with the glossary workbook.

    read_terms(path, settings=None) -> DataFrame   one row per English term, every column as text
    curated_forms(terms) -> [[forms]]     each entry's Chinese forms, preferred first
    split_forms("a|b| a") -> ["a", "b"]   the one reading of a form list: trimmed, blanks and repeats dropped
"""

from __future__ import annotations

import csv
import io
import math
import re
import warnings
from pathlib import Path
from typing import Any, Iterable

import pandas as pd

from glossary.config import Settings, default_settings
from glossary.errors import InputError, os_problem

TERM_COLUMNS = ("en", "zh", "abbr", "domain", "note", "source")


def is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def cell_text(value: Any) -> str:
    """A cell as trimmed text ('' for blanks); whole floats lose their '.0' (Excel stores 2018 as 2018.0)."""
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def split_forms(value: Any) -> list[str]:
    """'a|b| c' -> ['a', 'b', 'c']: the |-separated form lists of the Glossary sheet and the terms file."""
    seen: list[str] = []
    for part in cell_text(value).split("|"):
        part = part.strip()
        if part and part not in seen:
            seen.append(part)
    return seen


def join_forms(forms: Iterable[str]) -> str:
    out: list[str] = []
    for form in forms:
        if form and form not in out:
            out.append(form)
    return "|".join(out)


class TermsFileWarning(UserWarning):
    """A terms-file problem that does not stop the run (the same Chinese form claimed by two English terms)."""


# --- the terms file -----------------------------------------------------------------------------------------


def read_rows(path: Path, settings: Settings | None = None) -> tuple[list[str], list[tuple[int, list[str]]], int]:
    """Header, (file row number, values) of a CSV, TSV or XLSX file (blank rows skipped), and how many control
    characters were replaced by spaces (no workbook or XML export could hold them). A workbook is read within the
    limits of any archive (unpacked size, ratio) and of a reviewed workbook's rows and columns."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        rows = _workbook_rows(path, settings or default_settings())
    else:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            raise InputError(path, "not UTF-8 text (save the terms file as UTF-8)") from None
        except OSError as exc:
            raise InputError(path, os_problem(exc)) from None
        first_line = text.split("\n", 1)[0]
        delimiter = "\t" if suffix in (".tsv", ".tab") or (suffix != ".csv" and "\t" in first_line) else ","
        reader = csv.reader(io.StringIO(text), delimiter=delimiter)
        rows = []
        try:
            for values in reader:
                rows.append((reader.line_num, values))
        except csv.Error as exc:
            raise InputError(path, f"row {reader.line_num}: {exc}") from None
    from glossary.corpus.repair import replace_control_characters

    replaced = 0
    cleaned = []
    for number, values in rows:
        kept = []
        for value in values:
            value, count = replace_control_characters(value)
            replaced += count
            kept.append(value.strip())
        if any(kept):
            cleaned.append((number, kept))
    if not cleaned:
        raise InputError(path, "empty terms file (needs a header row with a column 'en')")
    return cleaned[0][1], cleaned[1:], replaced


# how Office writes a character XML cannot hold (a vertical tab pasted from Word is _x000B_); openpyxl leaves it
_OFFICE_ESCAPE = re.compile("_x([0-9A-Fa-f]{4})_")


def _cell_string(value: Any) -> str:
    if value is None:
        return ""
    return _OFFICE_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), value) if isinstance(value, str) else str(value)


def _workbook_rows(path: Path, settings: Settings) -> list[tuple[int, list[str]]]:
    """The first sheet's rows as text, refused before parsing when the file is no plausible workbook or a
    decompression bomb, and while reading past workbook_max_rows or workbook_max_columns."""
    from openpyxl import load_workbook

    from glossary.files import check_zip_archive

    # the archive check a .docx gets (glossary.formats.workbook, which imports this module, cannot be imported here)
    check_zip_archive(path, settings.corpus.archive_max_unpacked_bytes, settings.corpus.archive_max_ratio,
                      kind="a readable XLSX workbook")
    max_rows, max_columns = settings.review.workbook_max_rows, settings.review.workbook_max_columns
    rows = []
    try:
        sheet = load_workbook(path, read_only=True, data_only=True).worksheets[0]
        # the dimensions the sheet states are not trusted: openpyxl drops the rows past them, and pads every row to
        # the width they claim. Rows are counted as they come (an empty one for each row number skipped: a row
        # numbered in the billions stops at the limit, not after a billion empty ones)
        sheet.reset_dimensions()
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > max_rows + 1:
                raise InputError(path, f"more than workbook_max_rows ({max_rows}) rows")
            if len(values) > max_columns and not all(is_blank(v) for v in values[max_columns:]):
                raise InputError(path, f"more than workbook_max_columns ({max_columns}) columns")
            rows.append((number, [_cell_string(v) for v in values[:max_columns]]))
    except InputError:
        raise
    except Exception as exc:  # openpyxl, zipfile and the XML parser each raise their own types for damaged files
        raise InputError(path, f"not a readable XLSX workbook ({type(exc).__name__})") from None
    return rows


def read_terms(path: str | Path, settings: Settings | None = None) -> pd.DataFrame:
    """A terms file (CSV, TSV or XLSX with a header row) as a DataFrame of strings, one row per English term.

    Required column `en`; optional `zh` (approved Chinese, '|'-separated, the first preferred, the rest deprecated),
    `abbr`, `domain`, `note`, `source` (added empty when absent); other columns are carried through.
    Raises InputError naming the file and row for a missing `en` column, an empty `en` or a duplicate `en`.
    Warns (TermsFileWarning; also listed in `.attrs["warnings"]`) when one Chinese form is given for two terms, and
    when control characters were replaced by spaces (their count in `.attrs["control_characters"]`).
    `settings`: the limits a workbook is read within (the shipped defaults when None)."""
    path = Path(path)
    if path.is_dir():
        raise InputError(path, "is a folder, not a terms file")
    if not path.is_file():
        raise InputError(path, "no such file")
    header, rows, replaced = read_rows(path, settings)
    columns = []
    for name in header:
        key = name.strip()
        key = key.lower() if key.lower() in TERM_COLUMNS else key
        if key in columns:
            raise InputError(path, f"row 1: column {key!r} appears twice in the header")
        columns.append(key or f"column{len(columns) + 1}")
    if "en" not in columns:
        raise InputError(path, "no 'en' column: the header row needs a column named en")
    records, seen_en, claimed, problems = [], {}, {}, []
    en_at = columns.index("en")
    for number, values in rows:
        values = (values + [""] * len(columns))[: len(columns)]
        en = " ".join(values[en_at].split())
        if not en:
            raise InputError(path, f"row {number}: empty 'en'")
        key = en.casefold()
        if key in seen_en:
            raise InputError(path, f"rows {seen_en[key]} and {number}: duplicate en {en!r}")
        seen_en[key] = number
        record = dict(zip(columns, values))
        record["en"] = en
        records.append(record)
        for form in split_forms(record.get("zh", "")):
            other = claimed.get(normalise_zh(form))
            if other and other[1].casefold() != key:
                problems.append(f"{path}: rows {other[0]} and {number}: zh {form!r} is given for both "
                                f"{other[1]!r} and {en!r}")
            else:
                claimed[normalise_zh(form)] = (number, en)
    if replaced:
        problems.append(f"{path}: {replaced} control characters replaced by spaces")
    frame = pd.DataFrame(records, columns=columns)
    for column in TERM_COLUMNS:
        if column not in frame.columns:
            frame[column] = ""
    for message in problems:
        warnings.warn(message, TermsFileWarning, stacklevel=2)
    frame.attrs["warnings"] = problems
    frame.attrs["source"] = str(path)
    frame.attrs["control_characters"] = replaced
    return frame


def curated_forms(terms: pd.DataFrame) -> list[list[str]]:
    """Each curated entry's Chinese forms, preferred first, then deprecated and admitted ones: the known terms the
    segmenter keeps whole and the variant grouping takes its canonical form from."""
    admitted = terms["admitted"] if "admitted" in terms.columns else [""] * len(terms)
    return [split_forms(z) + split_forms(a) for z, a in zip(terms["zh"], admitted) if split_forms(z)]


_IGNORED_IN_FORMS = str.maketrans("", "", "《》 \u3000\t\n")


def normalise_zh(text: str) -> str:
    """A Chinese form compared without spaces and title brackets (as glossary.evaluate compares)."""
    return str(text).translate(_IGNORED_IN_FORMS)
