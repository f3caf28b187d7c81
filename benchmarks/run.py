"""Speed and scale benchmark: `glossary mine` against plain jieba on the same text, measured in one run.

    python benchmarks/run.py [--sizes 1 10 100] [--kinds growing repeated] [--jobs 2] [--no-baselines]
                             [--out benchmarks/latest.md]

For each size and kind it writes a corpus of that many MB built from the bundled seeds (benchmarks/corpus.py:
`growing`, whose vocabulary grows like real Chinese text, or `repeated`, the seeds' paragraphs shuffled), spread
over documents of about 8 KB, then measures, each in a fresh process:
  - `glossary mine` end to end (read, repair, segment, count, rank, group, contexts), with an empty cache;
  - the same command again (unchanged corpus: answered from the cache);
  - with --jobs N > 1, the command in one process (fresh cache): its time, and whether the ranking is the same;
  - plain `jieba.lcut` over the same text (dictionary loading excluded);
  - `jieba.analyse.extract_tags` over the same text;
and the peak memory of each command, its worker processes included (sampled every 0.25 s), and the word types
jieba finds. --no-baselines leaves out jieba (at 1 GB, `jieba.lcut` of the whole text would hold 300 million
strings). Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import make_corpus  # noqa: E402  (benchmarks/corpus.py: the two kinds of benchmark corpus)

JIEBA_SNIPPET = """
import json, sys, time, jieba, jieba.analyse
jieba.setLogLevel(60)
jieba.initialize()
from pathlib import Path
text = "\\n".join(p.read_text(encoding="utf-8") for p in sorted(Path(sys.argv[1]).glob("*.txt")))
start = time.perf_counter()
types = 0
if sys.argv[2] == "lcut":
    types = len(set(jieba.lcut(text)))
else:
    jieba.analyse.extract_tags(text, topK=200)
print(json.dumps({"seconds": time.perf_counter() - start, "types": types}))
"""


def tree_memory_mb(root: int) -> float:
    """Memory of a process and all its descendants (worker processes), in MB: the sum of their proportional set
    sizes, so pages a forked worker shares with its parent count once. Linux only (/proc); 0 elsewhere."""
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        try:
            for children in Path(f"/proc/{pid}/task").glob("*/children"):
                todo += [int(child) for child in children.read_text().split()]
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) / 1024
        except (OSError, ValueError):
            continue
    return total


def timed(command: list[str], env: dict | None = None) -> tuple[float, float, str]:
    """Wall seconds, peak memory of the command and its worker processes together (MB), stdout."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, text=True, env=env)
        peak = 0.0
        while process.poll() is None:
            peak = max(peak, tree_memory_mb(process.pid))
            time.sleep(0.25)
        seconds = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{stderr[-2000:]}")
    if not peak:  # no /proc: the largest single process, as the OS reports it
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return seconds, peak, stdout


def measure(work: Path, size: float, kind: str, glossary: list[str], jobs: int, baselines: bool) -> dict:
    """One row of the table: a fresh corpus of `size` MB of `kind`, mined and (with `baselines`) segmented."""
    corpus = work / f"{kind}-{size:g}MB"
    written = make_corpus(corpus, size, kind)
    cache = work / f"cache-{kind}-{size:g}"
    single_cache = work / f"cache-{kind}-{size:g}-single"
    try:
        env = {**os.environ, "GLOSSARY_CACHE": str(cache)}
        mine_cmd = [*glossary, "mine", str(corpus), "--format", "tsv", "--top", "200", "--jobs", str(jobs)]
        mine_s, mine_mb, ranked = timed(mine_cmd, env)
        again_s, _, _ = timed(mine_cmd, env)
        # the ranking must not depend on the number of worker processes
        single_env = {**os.environ, "GLOSSARY_CACHE": str(single_cache)}
        single_s, single_mb, single = timed([*mine_cmd[:-1], "1"], single_env) if jobs > 1 else (mine_s, mine_mb, ranked)
        lcut_s = tags_s = types = None
        if baselines:
            out = timed([sys.executable, "-c", JIEBA_SNIPPET, str(corpus), "lcut"])[2]
            lcut_s, types = json.loads(out)["seconds"], json.loads(out)["types"]
            tags_s = json.loads(timed([sys.executable, "-c", JIEBA_SNIPPET, str(corpus), "tags"])[2])["seconds"]
        return {
            "corpus": kind,
            "MB": round(written / 1e6, 1),
            "documents": len(list(corpus.glob("*.txt"))),
            "word types (jieba)": f"{types:,}" if types else "",
            "glossary mine (s)": round(mine_s, 1),
            "--jobs 1 (s)": round(single_s, 1),
            "re-run, unchanged (s)": round(again_s, 1),
            "jieba.lcut (s)": round(lcut_s, 1) if lcut_s else "",
            "extract_tags (s)": round(tags_s, 1) if tags_s else "",
            "lcut / mine": round(lcut_s / mine_s, 2) if lcut_s else "",
            "re-run / first": round(again_s / mine_s, 2),
            "peak MB (mine)": round(mine_mb),
            "peak MB (--jobs 1)": round(single_mb),
            "same ranking as --jobs 1": "yes" if single == ranked else "NO",
        }
    finally:
        for folder in (corpus, cache, single_cache):
            shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=float, default=[1, 10, 100])
    parser.add_argument("--kinds", nargs="+", choices=["growing", "repeated"], default=["growing", "repeated"])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--no-baselines", dest="baselines", action="store_false",
                        help="leave out jieba.lcut and extract_tags (for a corpus too large to segment in memory)")
    # the measured table alone; benchmarks/results.md holds the tables with what they show
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "latest.md")
    args = parser.parse_args()
    glossary = [sys.executable, "-m", "glossary.cli"]
    rows = []
    work = Path(tempfile.mkdtemp(prefix="glossary-bench-"))
    try:
        for size in args.sizes:
            for kind in args.kinds:
                rows.append(measure(work, size, kind, glossary, args.jobs, args.baselines))
                print(rows[-1], flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    header = list(rows[0])
    table = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    table += ["| " + " | ".join(str(row[h]) for h in header) + " |" for row in rows]
    text = (
        f"Measured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} cores, `--jobs {args.jobs}`, "
        f"Python {sys.version.split()[0]}.\n\n" + "\n".join(table) + "\n"
    )
    print(text)
    args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
