"""Speed and scale benchmark: `glossary mine` against plain jieba on the same text, measured in one run.

    python benchmarks/run.py [--sizes 1 10 100] [--jobs 2] [--out benchmarks/results.md]

For each size it writes a corpus of that many MB built from the bundled seeds (their paragraphs shuffled and
spread over documents of about 8 KB, as a year of UN documents would be), then measures, each in a fresh process:
  - `glossary mine` end to end (read, repair, segment, count, rank, group, contexts), with an empty cache;
  - the same command again (unchanged corpus: answered from the cache);
  - with --jobs N > 1, the command in one process (fresh cache), to check the ranking is the same;
  - plain `jieba.lcut` over the same text (dictionary loading excluded);
  - `jieba.analyse.extract_tags` over the same text;
and the peak memory of each command, its worker processes included (sampled every 0.25 s). Not part of the test
suite.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DOC_BYTES = 8_000

JIEBA_SNIPPET = """
import json, sys, time, jieba, jieba.analyse
jieba.setLogLevel(60)
jieba.initialize()
from pathlib import Path
text = "\\n".join(p.read_text(encoding="utf-8") for p in sorted(Path(sys.argv[1]).glob("*.txt")))
start = time.perf_counter()
if sys.argv[2] == "lcut":
    jieba.lcut(text)
else:
    jieba.analyse.extract_tags(text, topK=200)
print(json.dumps({"seconds": time.perf_counter() - start}))
"""


def make_corpus(folder: Path, megabytes: float, seed: int = 0) -> int:
    paragraphs = [p.strip() for f in sorted(SEEDS.glob("*.txt")) for p in f.read_text(encoding="utf-8").split("\n\n")]
    paragraphs = [p for p in paragraphs if p]
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    target, written, index = int(megabytes * 1_000_000), 0, 0
    while written < target:
        body, size = [], 0
        while size < DOC_BYTES:
            paragraph = rng.choice(paragraphs)
            body.append(paragraph)
            size += len(paragraph.encode("utf-8"))
        text = "\n\n".join(body) + "\n"
        (folder / f"doc{index:06d}.txt").write_text(text, encoding="utf-8")
        written += len(text.encode("utf-8"))
        index += 1
    return written


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=float, default=[1, 10, 100])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results.md")
    args = parser.parse_args()
    glossary = [sys.executable, "-m", "glossary.cli"]
    rows = []
    work = Path(tempfile.mkdtemp(prefix="glossary-bench-"))
    try:
        for size in args.sizes:
            corpus = work / f"{size:g}MB"
            written = make_corpus(corpus, size)
            cache = work / f"cache-{size:g}"
            env = {**os.environ, "GLOSSARY_CACHE": str(cache)}
            mine_cmd = [*glossary, "mine", str(corpus), "--format", "tsv", "--top", "200", "--jobs", str(args.jobs)]
            mine_s, mine_mb, ranked = timed(mine_cmd, env)
            again_s, again_mb, _ = timed(mine_cmd, env)
            # the ranking must not depend on the number of worker processes
            single_env = {**os.environ, "GLOSSARY_CACHE": str(work / f"cache-{size:g}-single")}
            single = timed([*mine_cmd[:-1], "1"], single_env)[2] if args.jobs > 1 else ranked
            lcut_wall, lcut_mb, out = timed([sys.executable, "-c", JIEBA_SNIPPET, str(corpus), "lcut"])
            lcut_s = json.loads(out)["seconds"]
            tags_wall, tags_mb, out = timed([sys.executable, "-c", JIEBA_SNIPPET, str(corpus), "tags"])
            tags_s = json.loads(out)["seconds"]
            rows.append(
                {
                    "MB": round(written / 1e6, 1),
                    "documents": len(list(corpus.glob("*.txt"))),
                    "glossary mine (s)": round(mine_s, 1),
                    "re-run, unchanged (s)": round(again_s, 1),
                    "jieba.lcut (s)": round(lcut_s, 1),
                    "extract_tags (s)": round(tags_s, 1),
                    "lcut / mine": round(lcut_s / mine_s, 2),
                    "re-run / first": round(again_s / mine_s, 2),
                    "peak MB (mine)": round(mine_mb),
                    "same ranking as --jobs 1": "yes" if single == ranked else "NO",
                }
            )
            print(rows[-1], flush=True)
            shutil.rmtree(corpus, ignore_errors=True)
            shutil.rmtree(cache, ignore_errors=True)
            shutil.rmtree(work / f"cache-{size:g}-single", ignore_errors=True)
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
