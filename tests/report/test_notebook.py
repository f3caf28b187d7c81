"""notebooks/tour.ipynb runs top to bottom (nbclient, a real kernel) in under a minute, writes nothing into the
repository, and is saved with its outputs."""

from __future__ import annotations

import importlib.util
import shutil
import time
from pathlib import Path

import pytest
from conftest import ROOT

TOUR = ROOT / "notebooks" / "tour.ipynb"
BUDGET_SECONDS = 60

nbformat = pytest.importorskip("nbformat")
pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")


def load_runner():
    spec = importlib.util.spec_from_file_location("notebook_execute", ROOT / "notebooks" / "execute.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def outputs_of(notebook, output_type=None):
    for cell in notebook.cells:
        if cell.cell_type == "code":
            for output in cell.outputs:
                if output_type is None or output.output_type == output_type:
                    yield output


def text_of(notebook) -> str:
    parts = []
    for output in outputs_of(notebook):
        parts.append(output.get("text", ""))
        parts.append(output.get("data", {}).get("text/plain", ""))
    return "\n".join(parts)


def files_under(*folders: str) -> set[Path]:
    return {p for folder in folders for p in (ROOT / folder).rglob("*") if "__pycache__" not in p.parts}


@pytest.mark.slow
def test_the_tour_runs_top_to_bottom_in_under_a_minute(tmp_path):
    # GLOSSARY_CACHE points at a temporary folder (conftest), and the kernel inherits it; the notebook runs from a
    # copy in a temporary folder, so nothing it does can land in the repository
    copy = tmp_path / "tour.ipynb"
    shutil.copy(TOUR, copy)
    saved = TOUR.read_bytes()
    before = files_under("notebooks", "seeds", "data", "glossary")
    had_glossaries = (ROOT / "glossaries").exists()
    started = time.perf_counter()
    executed = load_runner().execute_notebook(copy, cwd=tmp_path, timeout=BUDGET_SECONDS)
    elapsed = time.perf_counter() - started
    assert elapsed < BUDGET_SECONDS, f"the tour took {elapsed:.1f} s"

    assert not list(outputs_of(executed, "error"))
    images = [o for o in outputs_of(executed) if "image/png" in o.get("data", {})]
    assert len(images) >= 3  # Zipf, heatmap, drift
    text = text_of(executed)
    for expected in ("Noto Sans SC", "包容及可持续工业发展", "包容可持续工业发展", "glossary v1:", "found in the corpus"):
        assert expected in text
    assert "Glyph" not in "".join(o.get("text", "") for o in outputs_of(executed, "stream"))

    assert TOUR.read_bytes() == saved
    assert files_under("notebooks", "seeds", "data", "glossary") == before
    assert (ROOT / "glossaries").exists() == had_glossaries


def test_the_saved_tour_has_its_outputs():
    notebook = nbformat.read(TOUR, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code and all(cell.execution_count for cell in code)
    assert [cell.execution_count for cell in code] == list(range(1, len(code) + 1))  # one run, top to bottom
    assert not list(outputs_of(notebook, "error"))
    assert sum("image/png" in o.get("data", {}) for o in outputs_of(notebook)) >= 3
