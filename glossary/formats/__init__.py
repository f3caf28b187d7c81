"""File formats: the terms file, the glossary workbook (glossary-vN.xlsx), exports for translation tools, and the
tables every command writes.

    terms.py     the curated terms file (CSV, TSV, XLSX) and the `|`-separated form lists
    tables.py    tables to the terminal, TSV, CSV, JSON and XLSX, document text kept as text
    style.py     how a table sheet looks
    workbook.py  the glossary workbook: versions, reading a reviewed one safely, writing a new one
    export.py    TBX-Basic, CSV, TSV (OmegaT) and XLSX exports of a reviewed glossary

Nothing here imports glossary.review: the builder uses these formats, never the other way round.
"""

from glossary.formats.export import (
    ExportConcept,
    ExportFormat,
    ExportResult,
    ExportTerm,
    concepts_table,
    export_glossary,
    glossary_concepts,
    parse_statuses,
    to_tbx,
)
from glossary.formats.style import style_table_sheet
from glossary.formats.tables import (
    emit,
    neutralise_formula,
    records,
    render_table,
    set_cell,
    to_delimited,
    to_json,
    write_xlsx_sheets,
)
from glossary.formats.terms import (
    TermsFileWarning,
    cell_text,
    curated_forms,
    is_blank,
    join_forms,
    normalise_zh,
    read_rows,
    read_terms,
    split_forms,
)
from glossary.formats.workbook import (
    GLOSSARY_COLUMNS,
    ID_COLUMN,
    STATUSES,
    StoredGlossary,
    check_workbook_file,
    list_versions,
    read_glossary,
    resolve_glossary,
    write_glossary_workbook,
)

__all__ = [
    "GLOSSARY_COLUMNS",
    "ID_COLUMN",
    "STATUSES",
    "ExportConcept",
    "ExportFormat",
    "ExportResult",
    "ExportTerm",
    "StoredGlossary",
    "TermsFileWarning",
    "cell_text",
    "check_workbook_file",
    "concepts_table",
    "curated_forms",
    "emit",
    "export_glossary",
    "glossary_concepts",
    "is_blank",
    "join_forms",
    "list_versions",
    "neutralise_formula",
    "normalise_zh",
    "parse_statuses",
    "read_glossary",
    "read_rows",
    "read_terms",
    "records",
    "render_table",
    "resolve_glossary",
    "set_cell",
    "split_forms",
    "style_table_sheet",
    "to_delimited",
    "to_json",
    "to_tbx",
    "write_glossary_workbook",
    "write_xlsx_sheets",
]
