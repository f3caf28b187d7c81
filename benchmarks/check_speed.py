"""How fast `glossary check` is: N synthetic glossary entries against M files made from the seeds.

    .venv/bin/python benchmarks/check_speed.py [--entries 5000] [--files 200]

Entries: see synthetic_terms. Files: the five seeds, each file `--repeat` copies of one seed (UN reports run to
10-30k characters; the seeds are 4-15k).
"""

from __future__ import annotations

import argparse
import random
import re
import tempfile
import time
from pathlib import Path

import pandas as pd

from glossary.check import TermMatcher, rulebook_from_terms, run_check
from glossary.config import SEEDS_DIR, load_settings


def synthetic_terms(count: int, seed: int = 7) -> pd.DataFrame:
    """`count` entries shaped like UN terms: a tenth are real multiword spans of the seeds (they occur), the rest
    are 2-4 words of the seeds put together (they mostly do not occur, but their words do, as in a real glossary).
    Each has a deprecated form: the particle 的 inserted between two of its words."""
    import rjieba

    text = "".join(path.read_text(encoding="utf-8") for path in sorted(SEEDS_DIR.glob("*.txt")))
    runs = re.findall(r"[\u4e00-\u9fff]{4,}", text)
    words = [w for run in runs for w in rjieba.cut(run) if len(w) >= 2]
    rng = random.Random(seed)
    rows, seen = [], set()
    while len(rows) < count:
        if len(rows) % 10 == 0:
            tokens = list(rjieba.cut(rng.choice(runs)))
            start = rng.randrange(len(tokens))
            parts = tokens[start:start + rng.randint(2, 4)]
        else:
            parts = [rng.choice(words) for _ in range(rng.randint(2, 4))]
        form = "".join(parts)
        if len(parts) < 2 or len(form) < 4 or form in seen:
            continue
        seen.add(form)
        cut = rng.randint(1, len(parts) - 1)
        rows.append({"en": f"term {len(rows)}", "zh": f"{form}|{''.join(parts[:cut])}的{''.join(parts[cut:])}"})
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=5000)
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    settings = load_settings()
    rulebook = rulebook_from_terms(synthetic_terms(args.entries))
    started = time.perf_counter()
    from glossary.check import CheckOptions

    matcher = TermMatcher(rulebook, CheckOptions.from_settings(settings.check))
    built = time.perf_counter() - started
    seeds = sorted(SEEDS_DIR.glob("*.txt"))
    with tempfile.TemporaryDirectory() as folder:
        for number in range(args.files):
            text = seeds[number % len(seeds)].read_text(encoding="utf-8")
            (Path(folder) / f"doc{number:04d}.txt").write_text(text * args.repeat, encoding="utf-8")
        characters = sum(len(p.read_text(encoding="utf-8")) for p in Path(folder).iterdir())
        started = time.perf_counter()
        result = run_check([folder], rulebook, settings, matcher=matcher)
        checked = time.perf_counter() - started
    print(f"{args.entries} entries: automaton and word-choice index built in {built:.2f} s")
    print(f"{args.files} files, {characters:,} characters: checked in {checked:.2f} s "
          f"({characters / checked / 1e6:.2f} M chars/s), {len(result.findings):,} findings")


if __name__ == "__main__":
    main()
