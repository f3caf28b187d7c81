"""Where the time of `glossary mine` goes, phase by phase, and which phases use the worker processes.

    python benchmarks/phases.py FOLDER [--jobs 2]

Runs the mining stage in this process on FOLDER (a corpus written by benchmarks/corpus.py, or any folder):
  - reading and repair (glossary.corpus.load_corpus, in `jobs` workers);
  - counting, twice on one fresh cache: the first call segments and counts every shard in `jobs` workers and
    merges; the second finds every shard cached and only merges (the merge runs in this process), so counting
    alone is the difference;
  - mine_corpus on that warm cache, each stage function timed where mine.py calls it.
Prints one table: phase, seconds, and where it runs (workers / this process / a forked process beside). The
phases in this process are the part that more cores do not shorten. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import glossary.mining.mine as mine
from glossary.config import default_settings
from glossary.corpus.load import load_corpus
from glossary.mining.count import Pruning, count_corpus
from glossary.mining.segment import Segmenter, read_user_dict
from glossary.mining.shape import Lexicon

# the stage functions mine_corpus calls, and where each runs with more than one job
STAGES = {
    "summarise_paragraphs": "this process",
    "recurring_variant_forms": "this process",
    "term_statistics": "this process, half beside",
    "group_variants": "this process",
    "find_contexts": "this process",
    "_concept_table": "this process",
    "_variant_table": "this process",
}


def timed_stages(seconds: dict[str, float]) -> None:
    """Wrap the stage functions as mine.py sees them, adding each call's time to `seconds`."""
    for name in STAGES:
        function = getattr(mine, name)

        def wrapper(*args, _function=function, _name=name, **kwargs):
            start = time.perf_counter()
            try:
                return _function(*args, **kwargs)
            finally:
                seconds[_name] = seconds.get(_name, 0.0) + time.perf_counter() - start

        setattr(mine, name, wrapper)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    settings = default_settings()
    mining = settings.mining
    rows = []
    start = time.perf_counter()
    documents = list(load_corpus([args.folder], settings, jobs=args.jobs).documents)
    rows.append(("read and repair", time.perf_counter() - start, f"{args.jobs} workers"))
    cache = Path(tempfile.mkdtemp(prefix="phases-"))
    texts = [[p.text for p in doc.paragraphs if p.kind != "header"] for doc in documents]
    segmenter = Segmenter(user_words=read_user_dict(mining.user_dict))
    pruning = Pruning(mining.min_freq, mining.variant_ignored_chars)
    times = []
    for _ in range(2):
        start = time.perf_counter()
        count_corpus(texts, Lexicon.from_settings(mining), segmenter, mining.max_term_tokens, mining.max_term_chars,
                     jobs=args.jobs, cache_dir=cache, parallel_min_chars=settings.run.parallel_min_chars,
                     shard_chars=settings.run.shard_chars, pruning=pruning)
        times.append(time.perf_counter() - start)
    rows.append(("segment and count the shards", times[0] - times[1], f"{args.jobs} workers"))
    rows.append(("merge the shards, keep candidates", times[1], "this process"))
    seconds: dict[str, float] = {}
    timed_stages(seconds)
    start = time.perf_counter()
    mine.mine_corpus(documents, settings, jobs=args.jobs, cache_dir=cache)
    total = time.perf_counter() - start
    # mine_corpus's count on the warm cache is the merge again; its other steps are the stages below
    rows += [(name.strip("_"), seconds.get(name, 0.0), where) for name, where in STAGES.items()]
    rows.append(("mine_corpus in all, counting cached", total, ""))
    print(f"| phase ({args.folder.name}, --jobs {args.jobs}) | seconds | runs in |")
    print("| --- | --- | --- |")
    for name, value, where in rows:
        print(f"| {name} | {value:.1f} | {where} |")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
