"""The baseline: findings accepted for now, keyed without line numbers, so edits elsewhere in a file do not bring
them back.

    write_baseline(path, findings) / read_baseline(path) -> Counter / apply_baseline(findings, baseline)
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Sequence

from glossary.check.rules import Finding
from glossary.errors import InputError
from glossary.files import write_text_atomic

BASELINE_VERSION = 1


def _baseline_key(path: str, rule: str, found: str, line_hash: str) -> tuple[str, str, str, str]:
    return (path, rule, found, line_hash)


def write_baseline(path: str | Path, findings: Sequence[Finding]) -> None:
    """Record `findings` as accepted: keyed by path, rule, text found and a hash of the line's text (not the line
    number, so edits elsewhere in a file do not bring them back)."""
    entries = [{"path": f.path, "rule": f.rule, "found": f.found, "line_hash": f.line_hash, "line": f.line}
               for f in sorted(findings, key=lambda f: (f.path, f.line, f.column, f.rule))]
    document = {"version": BASELINE_VERSION, "tool": "glossary check",
                "note": "findings accepted for now; `line` is for people, matching ignores it",
                "findings": entries}
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    # a file name that is no UTF-8 keeps its undecodable bytes as lone surrogates: escaped, they read back the same
    write_text_atomic(Path(path), re.sub("[\ud800-\udfff]", lambda m: f"\\u{ord(m.group()):04x}", text))


NOT_A_BASELINE = ("not a baseline file (a JSON object with a 'findings' list of objects with path, rule, found and "
                  "line_hash)")


def read_baseline(path: str | Path) -> Counter:
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "no such baseline file (write one with --update-baseline)")
    try:
        document = json.loads(path.read_bytes())  # bytes that are no UTF-8 (or 16, 32) are a ValueError
    except OSError as exc:
        raise InputError(path, f"cannot read the baseline ({exc.strerror or exc})") from None
    except RecursionError:
        # a baseline nests three levels; Python's parser gives up at its recursion limit (about 1,000), in
        # milliseconds: 200,000 nested lists are refused, not a crash
        raise InputError(path, f"{NOT_A_BASELINE}: nested too deeply") from None
    except ValueError as exc:
        raise InputError(path, f"{NOT_A_BASELINE}: {exc}") from None
    try:
        entries = document["findings"]
        return Counter(_baseline_key(str(e["path"]), str(e["rule"]), str(e["found"]), str(e["line_hash"]))
                       for e in entries)
    except (KeyError, TypeError, RecursionError):
        raise InputError(path, NOT_A_BASELINE) from None


def apply_baseline(findings: Sequence[Finding], baseline: Counter) -> list[Finding]:
    """The findings the baseline does not account for (each baseline entry accounts for one finding)."""
    remaining = Counter(baseline)
    kept = []
    for finding in findings:
        key = _baseline_key(finding.path, finding.rule, finding.found, finding.line_hash)
        if remaining[key] > 0:
            remaining[key] -= 1
        else:
            kept.append(finding)
    return kept
