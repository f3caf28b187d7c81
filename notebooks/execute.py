"""Run a notebook top to bottom with nbclient and, unless --check, save it with its outputs.

    .venv/bin/python notebooks/execute.py                 # refresh notebooks/tour.ipynb's saved outputs
    .venv/bin/python notebooks/execute.py --check         # run it, change nothing (what CI does)

tests/test_notebook.py runs `execute_notebook` on a copy in a temporary folder with a temporary GLOSSARY_CACHE.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TOUR = HERE / "tour.ipynb"


def execute_notebook(path: Path, cwd: Path | None = None, timeout: int = 120):
    """The executed notebook (nbformat node); raises nbclient's CellExecutionError at the first failing cell."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(cwd or path.parent)}})
    client.execute()
    return notebook


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook", nargs="?", type=Path, default=TOUR)
    parser.add_argument("--check", action="store_true", help="run only; do not save the outputs")
    args = parser.parse_args(argv)
    import nbformat

    started = time.perf_counter()
    notebook = execute_notebook(args.notebook.resolve())
    print(f"{args.notebook}: ran in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    if not args.check:
        nbformat.write(notebook, args.notebook)
    return 0


if __name__ == "__main__":
    sys.exit(main())
