"""Versioned glossaries: each build proposes terms from the corpus and carries every reviewer decision forward.

    build.py  the next glossary-vN.xlsx (build_glossary): proposal, carry-forward, the Changes report, diff
    lock.py   the folder lock, so concurrent builds take consecutive version numbers

The workbook file itself (reading, writing, versions) is glossary.formats.workbook.
"""

from glossary.review.build import (
    BuildResult,
    approved_forms,
    build_glossary,
    carry_forward,
    compare_glossaries,
    diff_glossaries,
    propose_rows,
)
from glossary.review.lock import version_lock

__all__ = [
    "BuildResult",
    "approved_forms",
    "build_glossary",
    "carry_forward",
    "compare_glossaries",
    "diff_glossaries",
    "propose_rows",
    "version_lock",
]
