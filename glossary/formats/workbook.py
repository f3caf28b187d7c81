"""Versioned glossary workbooks: build version N+1 from the corpus, carrying forward every reviewer decision of N.

A glossary folder holds glossary-v1.xlsx, glossary-v2.xlsx, ... Each build writes a new version and never touches
an old one. Reviewers edit the newest version in Excel; the next build reads it back and keeps their decisions.

Public API:
    build_glossary(paths, terms_path, out_dir, settings=None, skip_bad=False, cache_dir=None) -> BuildResult
    read_glossary(path, settings=None) -> StoredGlossary      (a workbook as reviewers left it, validated)
    resolve_glossary(path) -> Path                            (a workbook, or the newest version in a folder)
    list_versions(folder) -> list[(number, path)]
    propose_rows(mining, alignment, terms, drafts) -> DataFrame   (what the tool proposes from the corpus)
    carry_forward(proposal, previous, documents) -> DataFrame     (the proposal with reviewer decisions applied)
    compare_glossaries(old, new) -> DataFrame                 (the Changes report)
    diff_glossaries(old_path, new_path) -> DataFrame          (the same report between two workbooks)

One row per concept. The concept is identified by `concept_id` (last column; carried from version to version) and,
when a reviewer's workbook lost it, by its Chinese forms or its English. The preferred Chinese is `zh`; forms a
terminologist forbids are listed in `deprecated`, accepted synonyms in `admitted` (both `|`-separated), the other
surface forms found in the corpus in `variants`. A row gets status `deprecated` only when a reviewer marks it so:
its `zh` is then a form not to use, and export attaches it to the approved concept with the same English.

Every build also stores, in the hidden sheet `_published`, the Glossary table exactly as the tool wrote it, plus a
column `_owned` listing the cells each row holds from earlier reviews. Comparing a reviewer's workbook with it tells
which cells the reviewer changed (those stay the reviewer's in every later version), and the next version's Changes
sheet is reported against it, so reviewer decisions show up as changes. Without the snapshot (a workbook copied
through another tool), every filled-in reviewer cell counts as a decision: nothing a person wrote is lost.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import math
import os
import re
import socket
import sys
import time
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

import pandas as pd

from glossary.errors import InputError
from glossary.formats.terms import cell_text as _text, is_blank as _blank, join_forms, split_forms  # noqa: F401
from glossary.formats.tables import records, set_cell
from glossary.files import atomic_path

STATUSES = ("candidate", "approved", "rejected", "deprecated")
DECIDED = ("approved", "rejected", "deprecated")  # statuses only a person sets; the tool never overrides them

GLOSSARY_SHEET = "Glossary"
PUBLISHED_SHEET = "_published"
VERSION_NAME = re.compile(r"^glossary-v(\d+)\.xlsx$", re.IGNORECASE)
# output.atomic_path writes ".glossary-v3.xlsx.<random>.xlsx" beside the target; a killed build may leave one
ABANDONED_TEMP = re.compile(r"^\.glossary-v\d+\.xlsx\..+")
LOCK_NAME = ".glossary.lock"

# The Glossary sheet, left to right. Columns a terms file adds (domain, source, anything unknown) follow `glosses`;
# columns a reviewer adds are kept wherever they put them; concept_id stays last.
GLOSSARY_COLUMNS = [
    "zh", "en", "status", "note", "deprecated", "admitted", "variants", "freq", "docs", "score", "method",
    "abbr", "domain", "source", "first_year", "last_year", "example", "alternatives", "glosses", "termhood",
]
ID_COLUMN = "concept_id"
# Bookkeeping kept only in the hidden snapshot: the reviewer-held cells of each row ('en|note'), so a value a
# reviewer set once stays theirs in every later version, not only in the next one.
OWNED_COLUMN = "_owned"
# Cells a person owns: a reviewer's value always wins over a new proposal once they changed it, and rows with a
# decided status keep DECISION_FIELDS as the reviewer left them even when they did not change them.
REVIEWER_FIELDS = ["zh", "en", "status", "note", "deprecated", "admitted", "abbr", "domain", "source"]
DECISION_FIELDS = ["zh", "en", "status", "note", "deprecated", "admitted"]
# Recomputed from the corpus on every build; edits to them are not kept.
MACHINE_FIELDS = [c for c in GLOSSARY_COLUMNS if c not in REVIEWER_FIELDS]
# Compared by the Changes report; `score` only when it moved by at least workbook_changes_min_score_delta.
CHANGE_FIELDS = REVIEWER_FIELDS + ["score"]
FORM_FIELDS = ["zh", "variants", "deprecated", "admitted"]
# Terms-file columns the tool interprets; every other terms-file column is carried into the Glossary untouched.
TERMS_FILE_COLUMNS = {"en", "zh", "abbr", "domain", "note", "source"}

DEFAULT_LIMITS = {
    "workbook_max_bytes": 50_000_000,
    "workbook_max_uncompressed_bytes": 300_000_000,
    "workbook_max_rows": 200_000,
    "workbook_max_columns": 200,
}


# --- small value helpers ------------------------------------------------------------------------------------------


def _same(a: Any, b: Any) -> bool:
    """Equal as a reviewer sees them: blanks equal, numbers by value (3 == 3.0), text trimmed."""
    if _blank(a) and _blank(b):
        return True
    if _blank(a) or _blank(b):
        return False
    try:
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    except (TypeError, ValueError):
        return _text(a) == _text(b)


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def make_concept_id(key: str) -> str:
    """A stable XML-safe id from a concept's first key ('zh:可持续发展' / 'en:sustainable development')."""
    return "c" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


def concept_key(row: dict) -> str:
    """The natural key of a row: its preferred Chinese, or its English when it has no Chinese."""
    zh = _text(row.get("zh"))
    return f"zh:{zh}" if zh else f"en:{_text(row.get('en')).casefold()}"


def row_forms(row: dict) -> list[str]:
    """Every Chinese form a row names, the preferred one first."""
    forms: list[str] = []
    for column in FORM_FIELDS:
        forms += [f for f in split_forms(row.get(column)) if f not in forms]
    return forms


def _setting(settings, key: str, default):
    value = settings.get(key, default) if settings is not None else default
    return type(default)(value) if default is not None and value is not None else value


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- versions and the folder lock ---------------------------------------------------------------------------------


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


def _process_alive(pid: int) -> bool:
    if os.name == "nt" or pid <= 0:
        return True  # on Windows os.kill(pid, 0) would terminate the process: rely on the lock's age there
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # exists but belongs to someone else, or we cannot tell: assume it is alive
    return True


def _lock_is_stale(lock: Path, stale_after: float) -> tuple[bool, str]:
    """(stale?, content). Stale: its process died on this host, or it is older than `stale_after` seconds."""
    try:
        content = lock.read_text(encoding="utf-8")
        age = time.time() - lock.stat().st_mtime
    except FileNotFoundError:
        return True, ""
    try:
        owner = json.loads(content)
    except ValueError:
        # a lock being written this instant is briefly empty; only an old unreadable lock is stale
        return age > 10, content
    if owner.get("host") == socket.gethostname() and not _process_alive(int(owner.get("pid", 0))):
        return True, content
    return age > stale_after, content


@contextmanager
def version_lock(folder: Path, timeout: float = 120.0, stale_after: float = 600.0) -> Iterator[Path]:
    """Hold DIR/.glossary.lock (created with O_EXCL) so two builds cannot claim the same version number.

    A lock left by a build that died (its process is gone, or it is older than `stale_after` seconds) is broken;
    a live one is waited for up to `timeout` seconds.
    """
    lock = Path(folder) / LOCK_NAME
    deadline = time.monotonic() + timeout
    me = json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "since": time.time()})
    while True:
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            stale, content = _lock_is_stale(lock, stale_after)
            if stale:
                _break_lock(lock, content)
                continue
            if time.monotonic() >= deadline:
                raise InputError(lock, "another build is writing to this folder; try again when it has finished "
                                       "(or delete the lock file if no build is running)") from None
            time.sleep(0.1)
            continue
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(me)
        break
    try:
        yield lock
    finally:
        try:
            if lock.read_text(encoding="utf-8") == me:
                lock.unlink()
        except FileNotFoundError:
            pass


def _break_lock(lock: Path, judged: str) -> None:
    """Remove a stale lock, but only the one judged stale: move it aside first, then check it is still that one."""
    aside = lock.with_name(f"{lock.name}.stale.{os.getpid()}")
    try:
        os.replace(lock, aside)
    except FileNotFoundError:
        return
    try:
        if aside.read_text(encoding="utf-8") != judged:
            # another build broke the stale lock and took a fresh one in between: give it back
            try:
                os.link(aside, lock)
            except OSError:
                pass
    finally:
        aside.unlink(missing_ok=True)


def _remove_abandoned_temps(folder: Path) -> None:
    """Temporary workbooks of builds killed before their rename (we hold the lock: none is being written)."""
    for path in Path(folder).iterdir():
        if ABANDONED_TEMP.match(path.name) and path.is_file():
            path.unlink(missing_ok=True)


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


def check_workbook_file(path: Path, settings=None) -> None:
    """Refuse what is not a plausible .xlsx before any XML is parsed: size on disk, zip structure, unpacked size."""
    import openpyxl

    path = Path(path)
    if not path.is_file():
        raise InputError(path, "no such workbook")
    if not openpyxl.DEFUSEDXML:
        # openpyxl parses with defusedxml (no entity expansion, no external entities) only when it is importable
        raise InputError(path, "refusing to read a workbook without defusedxml installed (pip install defusedxml)")
    limits = {k: _setting(settings, k, v) for k, v in DEFAULT_LIMITS.items()}
    size = path.stat().st_size
    if size > limits["workbook_max_bytes"]:
        raise InputError(path, f"workbook is {size:,} bytes, more than workbook_max_bytes "
                               f"({limits['workbook_max_bytes']:,})")
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise InputError(path, "not an Excel workbook (.xlsx): the file is not a zip archive") from None
    unpacked = sum(m.file_size for m in members)
    if len(members) > 10_000 or unpacked > limits["workbook_max_uncompressed_bytes"]:
        raise InputError(path, f"workbook unpacks to {unpacked:,} bytes in {len(members)} parts, more than "
                               f"workbook_max_uncompressed_bytes ({limits['workbook_max_uncompressed_bytes']:,})")
    if not any(m.filename == "[Content_Types].xml" for m in members):
        raise InputError(path, "not an Excel workbook (.xlsx): no [Content_Types].xml inside")


def _open_workbook(path: Path, settings=None):
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


def _read_table(path: Path, sheet, settings=None) -> tuple[list[str], list[dict]]:
    """Header (first non-blank row) and rows as dicts with `_row` = Excel row number; blank rows skipped."""
    max_rows = _setting(settings, "workbook_max_rows", DEFAULT_LIMITS["workbook_max_rows"])
    max_columns = _setting(settings, "workbook_max_columns", DEFAULT_LIMITS["workbook_max_columns"])
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
        if all(_blank(v) for v in values):
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
    name = _text(value)
    lowered = name.casefold()
    return lowered if lowered in GLOSSARY_COLUMNS or lowered == ID_COLUMN else name


def read_glossary(path: Path, settings=None) -> StoredGlossary:
    """A glossary workbook as reviewers left it, validated: InputError (naming the file and row) when it cannot be
    trusted to carry decisions forward."""
    path = Path(path)
    workbook = _open_workbook(path, settings)
    try:
        return _read_glossary(path, workbook, settings)
    except InputError:
        raise
    except Exception as exc:  # read_only parses sheets while iterating: damage (or an XML attack) shows up here
        raise InputError(path, f"cannot read the workbook ({_first_line(exc)})") from None
    finally:
        workbook.close()


def _read_glossary(path: Path, workbook, settings) -> StoredGlossary:
    """The Glossary sheet (validated) and the hidden snapshot of an open workbook."""
    sheet = _find_sheet(workbook, GLOSSARY_SHEET)
    if sheet is None:
        raise InputError(path, f"no sheet named {GLOSSARY_SHEET!r} (sheets: {', '.join(workbook.sheetnames)})")
    columns, rows = _read_table(path, sheet, settings)
    hidden = _find_sheet(workbook, PUBLISHED_SHEET)
    published = None
    if hidden is not None:
        published_columns, published_rows = _read_table(path, hidden, settings)
        if ID_COLUMN in published_columns:
            published = pd.DataFrame(published_rows, columns=["_row", *published_columns])
    if "zh" not in columns:
        raise InputError(path, f"sheet {GLOSSARY_SHEET} has no 'zh' column "
                               f"(its columns: {', '.join(columns) or 'none'})")
    for row in rows:
        status = _text(row.get("status")).casefold() or "candidate"
        if status not in STATUSES:
            raise InputError(path, f"row {row['_row']}: status {_text(row.get('status'))!r} is not one of "
                                   f"{', '.join(STATUSES)}")
        row["status"] = status
        if not _text(row.get("zh")) and not _text(row.get("en")):
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
        zh, en = _text(row.get("zh")), _text(row.get("en")).casefold()
        if zh:
            for other in by_zh.get(zh, []):
                other_en = _text(other.get("en")).casefold()
                if not en or not other_en or en == other_en:
                    raise InputError(path, f"rows {other['_row']} and {row['_row']} are the same concept "
                                           f"(zh {zh!r}): merge them or delete one")
            by_zh.setdefault(zh, []).append(row)
        else:
            if en in by_en:
                raise InputError(path, f"rows {by_en[en]['_row']} and {row['_row']} are the same concept "
                                       f"(en {_text(row.get('en'))!r}, no zh): merge them or delete one")
            by_en[en] = row


# --- what the tool proposes ---------------------------------------------------------------------------------------


def _mined_index(terms: pd.DataFrame) -> dict[str, dict]:
    """Every surface form of a mined concept -> that concept's row (the canonical form wins over variants)."""
    index: dict[str, dict] = {}
    for row in records(terms) if terms is not None and len(terms) else []:
        for form in [row.get("term"), *split_forms(row.get("variants"))]:
            if form and form not in index:
                index[form] = row
    return index


def propose_rows(
    mining,
    alignment: pd.DataFrame | None = None,
    terms: pd.DataFrame | None = None,
    drafts: pd.DataFrame | None = None,
    max_mined: int | None = None,
) -> pd.DataFrame:
    """The rows the corpus suggests, before any review: curated English terms first (terms-file order), then mined
    Chinese terms that no curated entry covers, best first, with their draft English.

    A terms-file entry with Chinese is status approved (the terms file is the terminologists' own list, its first
    form preferred, the rest deprecated); everything else is a candidate.
    """
    mined_terms = mining.terms if mining is not None else pd.DataFrame()
    mined = _mined_index(mined_terms)
    terms_rows = records(terms) if terms is not None and len(terms) else []
    terms_by_en = {}
    for row in terms_rows:
        terms_by_en.setdefault(_text(row.get("en")).casefold(), row)
    carried = [c for c in (terms.columns if terms is not None else []) if c not in TERMS_FILE_COLUMNS
               and c not in GLOSSARY_COLUMNS and c != ID_COLUMN and not str(c).startswith("_")]
    rows: list[dict] = []
    taken: set[str] = set()  # Chinese forms already given to a row
    seen_en: set[str] = set()

    for aligned in records(alignment) if alignment is not None and len(alignment) else []:
        en = _text(aligned.get("en"))
        if not en or en.casefold() in seen_en:
            continue
        seen_en.add(en.casefold())
        curated = terms_by_en.get(en.casefold(), {})
        curated_forms = split_forms(curated.get("zh"))
        found = _text(aligned.get("zh"))
        zh = curated_forms[0] if curated_forms else found
        deprecated = curated_forms[1:]
        concept = mined.get(zh) or mined.get(found) or {}
        listed = [zh, *deprecated, *split_forms(curated.get("admitted"))]
        variants = [f for f in [found, *split_forms(aligned.get("variants")), concept.get("term"),
                                *split_forms(concept.get("variants"))]
                    if f and f not in listed]
        row = {
            "zh": zh,
            "en": en,
            "status": "approved" if curated_forms else "candidate",
            "note": _text(curated.get("note", aligned.get("note"))),
            "deprecated": join_forms(deprecated),
            # a terms file may name accepted synonyms in an optional `admitted` column (工发组织 beside 联合国工业发展组织)
            "admitted": join_forms(split_forms(curated.get("admitted"))),
            "variants": join_forms(variants),
            "freq": _first_number(aligned.get("freq"), concept.get("freq")),
            "docs": _first_number(aligned.get("docs"), concept.get("docs")),
            "score": _round(aligned.get("score")),
            "method": _text(aligned.get("method")) or ("curated" if curated_forms else ""),
            "abbr": _text(curated.get("abbr", aligned.get("abbr"))),
            "domain": _text(curated.get("domain", aligned.get("domain"))),
            "source": _text(curated.get("source", aligned.get("source"))),
            "first_year": concept.get("first_year"),
            "last_year": concept.get("last_year"),
            "example": _text(aligned.get("context")) or _text(concept.get("example")),
            "alternatives": _text(aligned.get("alternatives")),
            "glosses": _text(aligned.get("glosses")),
            "termhood": _round(concept.get("score")),
        }
        for column in carried:
            row[column] = curated.get(column, aligned.get(column))
        row[ID_COLUMN] = make_concept_id(f"en:{en.casefold()}")
        taken.update(row_forms(row))
        rows.append(row)

    draft_by_term = {}
    for draft in records(drafts) if drafts is not None and len(drafts) else []:
        draft_by_term.setdefault(_text(draft.get("term")), draft)
    added = 0
    for concept in records(mined_terms) if len(mined_terms) else []:
        term = _text(concept.get("term"))
        forms = [term, *split_forms(concept.get("variants"))]
        if not term or any(f in taken for f in forms):
            continue  # a curated entry already names this concept
        if max_mined is not None and added >= max_mined:
            break
        draft = draft_by_term.get(term, {})
        en = _text(draft.get("en"))
        row = {
            "zh": term, "en": en, "status": "candidate", "note": "", "deprecated": "", "admitted": "",
            "variants": join_forms(forms[1:]),
            "freq": concept.get("freq"), "docs": concept.get("docs"),
            "score": _round(draft.get("score")) if en else None,
            "method": (_text(draft.get("method")) or "draft") if en else "mined",
            "abbr": "", "domain": "", "source": "",
            "first_year": concept.get("first_year"), "last_year": concept.get("last_year"),
            "example": _text(concept.get("example")), "alternatives": "", "glosses": _text(draft.get("glosses")),
            "termhood": _round(concept.get("score")),
            ID_COLUMN: make_concept_id(f"zh:{term}"),
        }
        taken.update(forms)
        rows.append(row)
        added += 1
    return pd.DataFrame(rows, columns=[*GLOSSARY_COLUMNS, *carried, ID_COLUMN])


def _first_number(*values):
    for value in values:
        number = _number(value)
        if number is not None:
            return int(number) if number.is_integer() else number
    return None


def _round(value, digits: int = 4):
    number = _number(value)
    return None if number is None else round(number, digits)


# --- carry-forward ------------------------------------------------------------------------------------------------


def _held_fields(row: dict, published: dict[str, dict] | None, fields: Iterable[str]) -> set[str] | None:
    """The cells of a reviewed row that belong to the reviewer: those changed since the tool wrote the row, plus
    those already held from earlier reviews (the `_owned` list of the hidden snapshot). None for a row the tool
    never wrote (added by hand). `published` maps concept ids and natural keys to the snapshot's rows."""
    concept_id = _text(row.get(ID_COLUMN))
    if published is None:
        # the hidden snapshot is gone: treat every filled-in reviewer cell as a decision, so nothing is lost
        return {f for f in fields if not _blank(row.get(f))} if concept_id else None
    # a row whose id cell was cleared is still the tool's row if the snapshot has its Chinese (or English)
    original = published.get(concept_id) if concept_id else published.get(concept_key(row))
    if original is None:
        return None
    held = {f for f in fields if not _same(row.get(f), original.get(f))}
    return held | (set(split_forms(original.get(OWNED_COLUMN))) & set(fields))


def _compatible(proposed: dict, existing: dict) -> bool:
    """Can a proposal and an existing row with the same Chinese be one concept? Yes unless both carry different
    English and the proposal's English is curated (draft English is a guess and never tells concepts apart)."""
    ea, eb = _text(proposed.get("en")).casefold(), _text(existing.get("en")).casefold()
    return not ea or not eb or ea == eb or proposed.get("method") in ("draft", "mined")


def _match_rows(proposal: list[dict], old: list[dict]) -> dict[int, int]:
    """new index -> old index. In order of trust: same concept_id, same Chinese (and compatible English), any shared
    Chinese form, same English (curated terms only: draft English is too unreliable to identify a concept)."""
    matched: dict[int, int] = {}
    used: set[int] = set()

    def claim(new_index: int, old_index: int | None) -> None:
        if old_index is not None and old_index not in used and new_index not in matched:
            matched[new_index] = old_index
            used.add(old_index)

    by_id = {}
    for i, row in enumerate(old):
        by_id.setdefault(_text(row.get(ID_COLUMN)), i)
    by_id.pop("", None)
    for n, row in enumerate(proposal):
        claim(n, by_id.get(_text(row.get(ID_COLUMN))))

    by_zh: dict[str, list[int]] = {}
    by_form: dict[str, list[int]] = {}
    by_en: dict[str, list[int]] = {}
    for i, row in enumerate(old):
        if _text(row.get("zh")):
            by_zh.setdefault(_text(row["zh"]), []).append(i)
        for form in row_forms(row):
            by_form.setdefault(form, []).append(i)
        if _text(row.get("en")):
            by_en.setdefault(_text(row["en"]).casefold(), []).append(i)
    for n, row in enumerate(proposal):
        zh = _text(row.get("zh"))
        candidates = [i for i in by_zh.get(zh, []) if i not in used] if zh else []
        exact = [i for i in candidates if _text(old[i].get("en")).casefold() == _text(row.get("en")).casefold()]
        claim(n, (exact or [i for i in candidates if _compatible(row, old[i])] or [None])[0])
    for n, row in enumerate(proposal):
        for form in row_forms(row):
            free = [i for i in by_form.get(form, []) if i not in used and _compatible(row, old[i])]
            if free and n not in matched:
                claim(n, free[0])
    for n, row in enumerate(proposal):
        if row.get("method") in ("draft", "mined") or not _text(row.get("en")):
            continue
        free = [i for i in by_en.get(_text(row["en"]).casefold(), []) if i not in used]
        if free:
            claim(n, free[0])
    return matched


def carry_forward(proposal: pd.DataFrame, previous: StoredGlossary | None, documents: Sequence = ()) -> pd.DataFrame:
    """The new proposal with every reviewer decision of the previous version applied (plus the bookkeeping column
    `_owned`: the cells each row holds from reviews, stored in the hidden snapshot only).

    - approved / rejected / deprecated rows keep zh, en, status, note, deprecated and admitted as the reviewer
      left them, whatever the new score; their corpus figures are refreshed
    - any reviewer-owned cell a reviewer changed (en, zh, note, abbr, ...) wins over the new proposal
    - columns a reviewer added are kept, with their values
    - rows a reviewer added by hand are kept (method `manual`), counted in the corpus
    - a proposal whose Chinese a kept row already names (a rejected term, a form a reviewer moved) is not proposed
      again; candidate rows nobody touched that the corpus no longer yields are dropped
    """
    new_rows = records(proposal)
    new_columns = list(proposal.columns)
    if previous is None:
        return _finish(new_rows, new_columns, documents)
    old_rows = [{k: v for k, v in row.items()} for row in records(previous.rows)]
    published_index = None  # snapshot rows by concept id, and by natural key for rows whose id was cleared
    if previous.published is not None:
        published_index = {}
        for snapshot in records(previous.published):
            published_index.setdefault(concept_key(snapshot), snapshot)
            if _text(snapshot.get(ID_COLUMN)):
                published_index[_text(snapshot.get(ID_COLUMN))] = snapshot
    reviewer_added = [c for c in previous.columns if c not in new_columns and c not in GLOSSARY_COLUMNS
                      and c != ID_COLUMN and not c.startswith("_")]
    owned = REVIEWER_FIELDS + [c for c in previous.columns if c not in GLOSSARY_COLUMNS and c != ID_COLUMN]
    edits = [_held_fields(row, published_index, owned) for row in old_rows]

    matched = _match_rows(new_rows, old_rows)
    carried = set(matched.values())
    result: list[dict] = []
    for n, new in enumerate(new_rows):
        if n not in matched:
            result.append(new)
            continue
        old, edited = old_rows[matched[n]], edits[matched[n]]
        row = dict(new)
        # a hand-made row: what the reviewer filled in wins; the cells they left empty take the proposal
        held = {f for f in owned if not _blank(old.get(f))} if edited is None else set(edited)
        keep = held | (set(DECISION_FIELDS) if old["status"] in DECIDED else set())
        for column in keep | set(reviewer_added):
            if column in old:
                row[column] = old[column]
        row["status"] = _text(row.get("status")) or "candidate"
        row[OWNED_COLUMN] = join_forms(sorted(held))
        row[ID_COLUMN] = _text(old.get(ID_COLUMN)) or new[ID_COLUMN]
        row["_previous"] = True
        result.append(row)

    for i, old in enumerate(old_rows):
        if i in carried:
            continue
        edited = edits[i]
        if old["status"] in DECIDED or edited is None or edited:
            row = {c: old.get(c) for c in [*new_columns, *reviewer_added] if c in old}
            row["status"] = old["status"]
            row["method"] = _text(old.get("method")) or "manual"
            row[ID_COLUMN] = _text(old.get(ID_COLUMN))
            held = {f for f in owned if not _blank(old.get(f))} if edited is None else set(edited)
            row[OWNED_COLUMN] = join_forms(sorted(held))
            row["_recount"] = True
            row["_previous"] = True
            result.append(row)
    # a fresh proposal is dropped when a row carried from the review already decides about its Chinese: the same
    # zh with compatible English, or any form of a rejected row (a rejected term is not proposed again)
    decided_forms: dict[str, list[dict]] = {}
    for row in result:
        if row.get("_previous"):
            forms = row_forms(row) if row["status"] == "rejected" else [_text(row.get("zh"))]
            for form in filter(None, forms):
                decided_forms.setdefault(form, []).append(row)
    result = [r for r in result if r.get("_previous")
              or not any(_compatible(r, k) for f in row_forms(r)[:1] for k in decided_forms.get(f, []))]
    return _finish(result, [*new_columns, *[c for c in reviewer_added if c not in new_columns]], documents)


def _finish(rows: list[dict], columns: list[str], documents: Sequence) -> pd.DataFrame:
    """Unique concept ids, corpus figures for rows the miner did not count, blanks instead of NaN."""
    counter = _FormCounter(documents) if documents else None
    seen_ids: set[str] = set()
    for row in rows:
        concept_id = _text(row.get(ID_COLUMN)) or make_concept_id(concept_key(row))
        base, serial = concept_id, 1
        while concept_id in seen_ids:
            serial += 1
            concept_id = f"{base}-{serial}"
        seen_ids.add(concept_id)
        row[ID_COLUMN] = concept_id
        forms = row_forms(row) if counter is not None else []
        if forms and row.pop("_recount", False):
            row.update(counter.figures(forms))  # a row carried from the review: its figures are all stale
        elif forms and any(_blank(row.get(k)) for k in ("docs", "first_year")) and row.get("freq") != 0:
            # a curated term the miner did not rank: complete what the alignment did not say
            figures = counter.figures(forms)
            row.update({k: v for k, v in figures.items() if _blank(row.get(k))})
        row.pop("_previous", None)
        row.pop("_recount", None)
    columns = [c for c in columns if c not in (ID_COLUMN, OWNED_COLUMN)] + [ID_COLUMN, OWNED_COLUMN]
    frame = pd.DataFrame(rows, columns=columns, dtype=object)  # object: counts stay ints next to blanks
    return frame.where(pd.notna(frame), None)


class _FormCounter:
    """Occurrences of given Chinese forms in the corpus (longest form first, no overlaps), for rows the miner did
    not count: hand-made rows, curated terms the miner did not rank, approved terms no longer mined."""

    def __init__(self, documents: Sequence):
        self.documents = [(doc, "\n".join(p.text for p in doc.paragraphs)) for doc in documents]

    def per_document(self, forms: Sequence[str]) -> list[tuple[Any, dict[str, int]]]:
        pattern = re.compile("|".join(re.escape(f) for f in sorted(set(forms), key=len, reverse=True)))
        found = []
        for doc, text in self.documents:
            counts: dict[str, int] = {}
            for match in pattern.finditer(text):
                counts[match.group(0)] = counts.get(match.group(0), 0) + 1
            if counts:
                found.append((doc, counts))
        return found

    def figures(self, forms: Sequence[str]) -> dict[str, Any]:
        found = self.per_document(forms)
        years = sorted(doc.year for doc, _ in found if doc.year)
        return {
            "freq": sum(sum(c.values()) for _, c in found),
            "docs": len(found),
            "first_year": years[0] if years else None,
            "last_year": years[-1] if years else None,
        }


# --- the Changes report -------------------------------------------------------------------------------------------

CHANGE_COLUMNS = ["change", "zh", "en", "field", "old", "new", ID_COLUMN]


def compare_glossaries(old: pd.DataFrame | None, new: pd.DataFrame, min_score_delta: float = 0.05) -> pd.DataFrame:
    """added / removed concepts and changed cells between two Glossary tables, one line per change.

    Rows pair up by concept_id, then by their natural key (zh, or en without zh): a hand-made row has no id until
    the next build gives it one. Compared: the reviewer-owned columns, columns either side added, and the score when
    it moved by at least `min_score_delta`.
    """
    if old is None:
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    old_rows = records(old.drop(columns=["_row"], errors="ignore"))
    new_rows = records(new.drop(columns=["_row"], errors="ignore"))
    extra = [c for c in [*old.columns, *new.columns] if c not in GLOSSARY_COLUMNS and c != ID_COLUMN
             and not str(c).startswith("_")]
    fields = CHANGE_FIELDS + [c for c in dict.fromkeys(extra) if c not in CHANGE_FIELDS]
    old_by_id = {_text(r.get(ID_COLUMN)): i for i, r in enumerate(old_rows) if _text(r.get(ID_COLUMN))}
    old_by_key: dict[str, int] = {}
    for i, r in enumerate(old_rows):
        old_by_key.setdefault(concept_key(r), i)
    used: set[int] = set()
    changes: list[dict] = []

    def line(kind, row, field_name="", before=None, after=None):
        changes.append({"change": kind, "zh": _text(row.get("zh")), "en": _text(row.get("en")), "field": field_name,
                        "old": before, "new": after, ID_COLUMN: _text(row.get(ID_COLUMN))})

    pairs = []
    for row in new_rows:
        i = old_by_id.get(_text(row.get(ID_COLUMN)))
        if i is None or i in used:
            i = old_by_key.get(concept_key(row))
        if i is None or i in used:
            pairs.append((None, row))
            continue
        used.add(i)
        pairs.append((old_rows[i], row))
    for before, row in pairs:
        if before is None:
            line("added", row)
            continue
        for name in fields:
            a, b = before.get(name), row.get(name)
            if name == "status":  # a blank status is a candidate
                a, b = _text(a) or "candidate", _text(b) or "candidate"
            if name == "score":
                x, y = _number(a), _number(b)
                if (x is None) != (y is None) or (x is not None and abs(x - y) >= min_score_delta):
                    line("changed", row, name, a, b)
            elif not _same(a, b):
                line("changed", row, name, _text(a) or None, _text(b) or None)
    for i, row in enumerate(old_rows):
        if i not in used:
            line("removed", row)
    return pd.DataFrame(changes, columns=CHANGE_COLUMNS)


def diff_glossaries(old_path: Path, new_path: Path, settings=None, reviewed_old: bool = False) -> pd.DataFrame:
    """The Changes report between two workbooks (files or folders: their newest version).

    OLD is taken as the tool published it (its hidden snapshot), NEW as it is now, so `diff v2 v3` is exactly v3's
    Changes sheet. reviewed_old=True compares OLD as reviewers left it: what the corpus changed since the review.
    """
    old = read_glossary(resolve_glossary(old_path), settings)
    new = read_glossary(resolve_glossary(new_path), settings)
    baseline = old.rows if reviewed_old or old.published is None else old.published
    return compare_glossaries(baseline, new.rows, _setting(settings, "workbook_changes_min_score_delta", 0.05))


# --- the other sheets ---------------------------------------------------------------------------------------------


def _form_owner(rows: pd.DataFrame) -> dict[str, str]:
    """Chinese form -> the zh of the Glossary row it belongs to."""
    owner: dict[str, str] = {}
    for row in records(rows):
        zh = _text(row.get("zh"))
        for form in row_forms(row):
            owner.setdefault(form, zh or form)
    return owner


def variants_table(rows: pd.DataFrame, mining, documents: Sequence) -> pd.DataFrame:
    """Each surface form of each concept with its relation (preferred, deprecated, admitted, or how the miner linked
    it) and its count in each document: which document, which year, uses which form."""
    mined: dict[str, list[dict]] = {}
    relations: dict[str, str] = {}
    if mining is not None and len(mining.variants):
        for row in records(mining.variants):
            mined.setdefault(row["form"], []).append(row)
            relations.setdefault(row["form"], row.get("relation") or "variant")
    counter = _FormCounter(documents)
    out = []
    for row in records(rows):
        group = _text(row.get("zh")) or _text(row.get("en"))
        labelled = [(f, "preferred") for f in split_forms(row.get("zh"))]
        labelled += [(f, "deprecated") for f in split_forms(row.get("deprecated"))]
        labelled += [(f, "admitted") for f in split_forms(row.get("admitted"))]
        labelled += [(f, relations.get(f, "variant")) for f in split_forms(row.get("variants"))]
        seen: set[str] = set()
        for form, relation in labelled:
            if form in seen:
                continue
            seen.add(form)
            if form in mined:
                counts = [(m["document"], m["year"], m["count"]) for m in mined[form]]
            else:
                counts = [(doc.name, doc.year, n) for doc, c in counter.per_document([form]) for n in c.values()]
            for document, year, count in counts:
                out.append({"zh": group, "en": _text(row.get("en")), "status": row.get("status"), "form": form,
                            "relation": relation, "document": document, "year": year, "count": count})
    return pd.DataFrame(out, columns=["zh", "en", "status", "form", "relation", "document", "year", "count"])


def contexts_table(rows: pd.DataFrame, mining) -> pd.DataFrame:
    """Sentences showing each concept in use (from the miner), under the Glossary row's zh."""
    columns = ["zh", "en", "form", "document", "year", "paragraph", "sentence"]
    if mining is None or not len(mining.contexts):
        return pd.DataFrame(columns=columns)
    owner = _form_owner(rows)
    english = {_text(r.get("zh")): _text(r.get("en")) for r in records(rows)}
    out = []
    for context in records(mining.contexts):
        zh = owner.get(context.get("form")) or owner.get(context.get("term"))
        if zh is None:
            continue
        out.append({"zh": zh, "en": english.get(zh, ""), **{c: context.get(c) for c in columns[2:]}})
    return pd.DataFrame(out, columns=columns)


def about_table(version: int, created: str, documents: Sequence, terms_path: Path | None, previous: Path | None,
                settings, skipped: Sequence = ()) -> pd.DataFrame:
    """Everything needed to reproduce this version: inputs with checksums, tool version, settings."""
    from glossary import __version__

    rows = [
        ("build", "version", version, f"glossary-v{version}.xlsx"),
        ("build", "created", created, "UTC"),
        ("build", "tool", f"glossary {__version__}", f"Python {sys.version.split()[0]}"),
        ("build", "previous version", str(previous) if previous else "(none)",
         sha256_of(previous) if previous and previous.exists() else ""),
        ("build", "terms file", str(terms_path) if terms_path else "(none)",
         sha256_of(terms_path) if terms_path and Path(terms_path).is_file() else ""),
        ("build", "documents", len(documents), ""),
    ]
    for doc in documents:
        rows.append(("input", str(doc.path), doc.sha256, " ".join(filter(None, [doc.date, doc.symbol, doc.title]))))
    for problem in skipped:
        rows.append(("skipped", str(getattr(problem, "path", "") or ""), "", str(problem)))
    values = settings.flat()
    for key in sorted(values):
        value = values[key]
        rows.append(("setting", key, value if isinstance(value, (int, float, bool)) else str(value), ""))
    for source in settings.sources:
        rows.append(("settings file", source, sha256_of(Path(source)) if Path(source).is_file() else "", ""))
    return pd.DataFrame(rows, columns=["section", "name", "value", "detail"])


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
                            charts: list[tuple[str, bytes]] = ()):
    """Glossary, Variants, Contexts, Statistics, Changes, About and the hidden snapshot `_published` (the Glossary
    table plus its bookkeeping column `_owned`), saved atomically.

    Every text cell is a string cell (output.set_cell): a document line starting with '=' stays text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from glossary.formats.style import style_table_sheet

    workbook = Workbook()
    workbook.remove(workbook.active)
    glossary = sheets[GLOSSARY_SHEET]
    sheet = _table_sheet(workbook, GLOSSARY_SHEET, glossary)
    status_column = get_column_letter(list(glossary.columns).index("status") + 1)
    choice = DataValidation(type="list", formula1='"' + ",".join(STATUSES) + '"', allow_blank=True,
                            showErrorMessage=True, errorTitle="status",
                            error="status is one of " + ", ".join(STATUSES))
    choice.add(f"{status_column}2:{status_column}{len(glossary) + 1000}")  # room for rows reviewers add
    sheet.add_data_validation(choice)
    grey = Font(color="808080")
    for row in sheet.iter_rows(min_row=2, min_col=len(glossary.columns), max_col=len(glossary.columns)):
        row[0].font = grey  # concept_id: the tool's bookkeeping, not for editing
    for name in ("Variants", "Contexts"):
        _table_sheet(workbook, name, sheets[name])
    summary, per_document = statistics
    stats_sheet = workbook.create_sheet("Statistics")
    _write_rows(stats_sheet, summary)
    _write_rows(stats_sheet, per_document, start_row=len(summary) + 3)
    style_table_sheet(stats_sheet, per_document)  # widths from the wider table
    stats_sheet.auto_filter.ref = None
    stats_sheet.freeze_panes = None
    if charts:  # the pictures `glossary stats --plot` draws, under the tables
        from glossary.report.plots import add_statistics_charts

        add_statistics_charts(stats_sheet, None, None, charts=list(charts))
    for name in ("Changes", "About"):
        _table_sheet(workbook, name, sheets[name])
    hidden = workbook.create_sheet(PUBLISHED_SHEET)
    _write_rows(hidden, published if published is not None else glossary)
    hidden.sheet_state = "hidden"
    workbook.active = 0
    if target.exists():  # the lock makes this impossible between builds; never overwrite a version anyway
        raise InputError(target, "already exists; refusing to overwrite a glossary version")
    with atomic_path(target, ".xlsx") as tmp:
        workbook.save(tmp)


def approved_forms(stored: StoredGlossary | None) -> list[list[str]]:
    """The Chinese forms of approved rows, preferred first: known terms for the next mining."""
    if stored is None or not len(stored.rows):
        return []
    rows = stored.rows[stored.rows["status"].map(_text) == "approved"]
    forms = []
    for _, row in rows.iterrows():
        entry = split_forms(row.get("zh")) + split_forms(row.get("deprecated")) + split_forms(row.get("admitted"))
        if entry:
            forms.append(entry)
    return forms


# --- the build ----------------------------------------------------------------------------------------------------


@dataclass
class BuildResult:
    path: Path
    version: int
    rows: pd.DataFrame  # the Glossary sheet written
    changes: pd.DataFrame  # the Changes sheet written (empty for v1)
    previous: Path | None = None
    skipped: list = field(default_factory=list)  # unreadable inputs passed over (skip_bad=True)

    def summary(self) -> str:
        counts = self.rows["status"].value_counts().to_dict() if len(self.rows) else {}
        by_status = ", ".join(f"{counts.get(s, 0)} {s}" for s in STATUSES)
        kinds = self.changes["change"].value_counts().to_dict() if len(self.changes) else {}
        against = f" against {self.previous.name}" if self.previous else ""
        changed = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) or "none"
        return f"glossary v{self.version}: {len(self.rows)} concepts ({by_status}); changes{against}: {changed}"


def _statistics(documents, settings) -> tuple[pd.DataFrame, pd.DataFrame]:
    from glossary.report.stats import corpus_stats

    result = corpus_stats(documents, settings, top=0)
    per_document = result.documents_table()
    return result.summary_table(), per_document


def build_glossary(
    paths: Sequence[str | Path] | None,
    terms_path: str | Path | None = None,
    out_dir: str | Path = "glossaries",
    settings=None,
    skip_bad: bool = False,
    cache_dir: Path | None = None,
) -> BuildResult:
    """Mine and align the corpus, apply the newest version's review, write the next glossary-vN.xlsx.

    The slow part (mining, alignment) runs before the folder lock is taken; reading the previous version,
    numbering and writing the new one happen under it, so concurrent builds get consecutive numbers.
    `cache_dir`: where segmentations are cached between runs (the CLI passes config.cache_root()).
    """
    from glossary.config import DATA_DIR, SEEDS_DIR, default_settings
    from glossary.corpus.load import load_corpus
    from glossary.mining.mine import mine_corpus

    settings = settings or default_settings()
    out_dir = Path(out_dir)
    if terms_path is None:  # the curated list named in [tool.glossary] `terms`, when there is one
        default_terms = Path(settings.get("terms") or DATA_DIR / "terms_en.csv")
        terms_path = default_terms if default_terms.is_file() else None
    elif not Path(terms_path).is_file():
        raise InputError(terms_path, "no such terms file")
    terms_path = Path(terms_path) if terms_path is not None else None
    versions = list_versions(out_dir)
    # a damaged review stops the build now, not after the mining
    reviewed = read_glossary(versions[-1][1], settings) if versions else None
    corpus = load_corpus(list(paths) if paths else [SEEDS_DIR], settings=settings, skip_bad=skip_bad,
                         cache_dir=cache_dir)
    documents = corpus.documents
    if not documents:
        raise InputError(None, "no readable documents in the given paths")

    from glossary.align.align import align_terms, covered_forms, draft_english
    from glossary.formats.terms import curated_forms, read_terms

    terms = read_terms(terms_path) if terms_path is not None else pd.DataFrame(columns=["en", "zh"])
    curated = curated_forms(terms)
    # terms reviewers approved join the curated ones: the segmenter keeps them whole, their group takes their form
    mining = mine_corpus(documents, settings, curated=curated + approved_forms(reviewed), cache_dir=cache_dir)
    alignment = align_terms(terms, documents, settings, mining=mining) if len(terms) else pd.DataFrame()
    covered = (covered_forms(alignment) if len(alignment) else set()) | {f for forms in curated for f in forms}
    drafts = draft_english(mining, covered, settings)
    proposal = propose_rows(mining, alignment, terms, drafts,
                            max_mined=_setting(settings, "build_max_candidates", 1000) or None)
    statistics = _statistics(documents, settings)
    from glossary.report.plots import statistics_charts

    charts = statistics_charts(mining, documents, settings=settings)

    out_dir.mkdir(parents=True, exist_ok=True)
    with version_lock(out_dir, _setting(settings, "build_lock_timeout", 120.0),
                      _setting(settings, "build_lock_stale_after", 600.0)):
        _remove_abandoned_temps(out_dir)
        versions = list_versions(out_dir)
        previous_path = versions[-1][1] if versions else None
        previous = read_glossary(previous_path, settings) if previous_path else None
        published = carry_forward(proposal, previous, documents)
        rows = published.drop(columns=OWNED_COLUMN)
        baseline = None
        if previous is not None:
            baseline = previous.published if previous.published is not None else previous.rows
        changes = compare_glossaries(baseline, rows, _setting(settings, "workbook_changes_min_score_delta", 0.05))
        version = (versions[-1][0] if versions else 0) + 1
        target = out_dir / f"glossary-v{version}.xlsx"
        created = _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()
        sheets = {
            GLOSSARY_SHEET: rows,
            "Variants": variants_table(rows, mining, documents),
            "Contexts": contexts_table(rows, mining),
            "Changes": changes,
            "About": about_table(version, created, documents, terms_path, previous_path, settings, corpus.skipped),
        }
        write_glossary_workbook(target, sheets, statistics, published, charts)
    return BuildResult(target, version, rows, changes, previous_path, list(corpus.skipped))
