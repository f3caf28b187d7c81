"""Fit the calibration of alignment scores (glossary.align.calibration) on judged alignments, cross-validated by
document, and write its coefficients to data/align_calibration.tsv.

A judged set is a corpus and a gold TSV (columns en, zh: every accepted Chinese form, `|`-separated; an empty zh
means the term has no equivalent in the corpus; an optional `file` column names the document the term comes from),
optionally with the English versions as parallel text. The aligner is handed only the English; the first proposal
of every term becomes one example: its features (glossary.align.calibration.FEATURES) and whether it is an accepted
form. Examples are grouped by document (the `file` column, else the corpus document where the gold form first
occurs): each fold leaves one group out, fits on the rest and predicts the left-out group, so the reported log-loss,
Brier score and decisions are those of documents the fit did not see.

Usage (from the project root):
    python scripts/fit_align_calibration.py \
        --set seeds ../shared/eval/dev_terms.tsv \
        --set seeds data/terms_en.csv \
        --set DIR_OF_ZH_FILES ../shared/eval/unseen_align_dev.tsv \
        --set DIR_OF_ZH_FILES ../shared/eval/unseen_align_dev.tsv DIR_OF_EN_FILES \
        [--l2 1.0] [--threshold 0.5] [--write data/align_calibration.tsv]
`seeds` means the bundled corpus.
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
from datetime import date
from pathlib import Path

import numpy as np

from glossary.align.align import term_proposals
from glossary.align.calibration import FEATURES, fit_logistic, proposal_features
from glossary.config import SEEDS_DIR, default_settings
from glossary.corpus.load import load_corpus
from glossary.report.evaluate import normalise


def read_judged(path: Path) -> list[dict]:
    text = path.read_text(encoding="utf-8-sig")
    delimiter = "\t" if path.suffix in (".tsv", ".txt") else ","
    rows = list(csv.DictReader([l for l in text.splitlines() if not l.startswith("#")], delimiter=delimiter))
    return [{"en": r["en"].strip(), "forms": {normalise(f) for f in (r.get("zh") or "").split("|") if f.strip()},
             "file": (r.get("file") or "").strip()} for r in rows if (r.get("en") or "").strip()]


def examples(corpus: str, gold: Path, parallel: str | None, settings) -> tuple[list[list[float]], list[int], list[str]]:
    documents = load_corpus([SEEDS_DIR if corpus == "seeds" else Path(corpus)], settings=settings).documents
    english = load_corpus([Path(parallel)], settings=settings).documents if parallel else None
    judged = read_judged(gold)
    proposals, pool = term_proposals([r["en"] for r in judged], documents, settings, parallel=english,
                                     use_curated=False)
    flat = {d.name: normalise(d.text) for d in documents}
    X, y, groups = [], [], []
    for row, term in zip(judged, proposals):
        if not term.ranked:
            continue
        best = term.ranked[0]
        X.append(proposal_features(best, term.ranked[1] if len(term.ranked) > 1 else None, pool, settings.align))
        y.append(int(normalise(best.zh) in row["forms"]))
        group = row["file"] if row["file"] not in ("", "-") else next(
            (name for name, text in flat.items() if any(f in text for f in row["forms"])), "absent")
        groups.append(f"{corpus}:{group}")
    return X, y, groups


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", nargs="+", action="append", required=True, metavar="ARG",
                        help="CORPUS GOLD [PARALLEL]: a judged set")
    parser.add_argument("--l2", type=float, default=1.0)
    parser.add_argument("--threshold", type=float, default=0.5)
    parser.add_argument("--write", type=Path)
    args = parser.parse_args(argv)
    settings = default_settings()
    X, y, groups = [], [], []
    for spec in args.set:
        corpus, gold, parallel = spec[0], Path(spec[1]), (spec[2] if len(spec) > 2 else None)
        xs, ys, gs = examples(corpus, gold, parallel, settings)
        X += xs
        y += ys
        groups += gs
        print(f"{corpus} {gold.name}{' + ' + parallel if parallel else ''}: {len(ys)} examples, {sum(ys)} right")
    X_arr, y_arr = np.array(X), np.array(y, dtype=float)
    held_out = np.zeros(len(y_arr))
    for group in sorted(set(groups)):
        test = np.array([g == group for g in groups])
        weights = fit_logistic(X_arr[~test], y_arr[~test], args.l2)
        held_out[test] = 1 / (1 + np.exp(-np.clip(X_arr[test] @ weights, -30, 30)))
    eps = 1e-9
    log_loss = -np.mean(y_arr * np.log(held_out + eps) + (1 - y_arr) * np.log(1 - held_out + eps))
    brier = np.mean((held_out - y_arr) ** 2)
    accepted = held_out >= args.threshold
    print(f"cross-validated by document ({len(set(groups))} groups, {len(y_arr)} examples): log-loss {log_loss:.3f}, "
          f"Brier {brier:.3f}; at p >= {args.threshold}: {int(accepted.sum())} accepted, "
          f"{int((accepted & (y_arr == 1)).sum())} right, {int((accepted & (y_arr == 0)).sum())} wrong, "
          f"{int((~accepted & (y_arr == 1)).sum())} right ones rejected")
    for low in np.arange(0, 1, 0.2):
        band = (held_out >= low) & (held_out < low + 0.2)
        if band.any():
            print(f"  predicted {low:.1f}-{low + 0.2:.1f}: {int(band.sum())} examples, {y_arr[band].mean():.2f} right")
    weights = fit_logistic(X_arr, y_arr, args.l2)
    for name, weight in zip(FEATURES, weights):
        print(f"  {name:18} {weight:+.3f}")
    if args.write:
        lines = [
            "# Calibration of alignment scores (glossary.align.calibration): logistic coefficients, one per feature.",
            f"# Written by scripts/fit_align_calibration.py on {date.today().isoformat()} from {len(y_arr)} judged "
            f"first proposals ({int(y_arr.sum())} right) in {len(set(groups))} document groups;",
            f"# cross-validated by document: log-loss {log_loss:.3f}, Brier {brier:.3f}.",
            "feature\tweight",
            *[f"{name}\t{weight:.4f}" for name, weight in zip(FEATURES, weights)],
        ]
        args.write.write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"wrote {args.write}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
