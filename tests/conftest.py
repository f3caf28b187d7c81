"""Shared fixtures: the bundled seed corpus, loaded once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

TESTS_DIR = Path(__file__).resolve().parent
ROOT = TESTS_DIR.parent
SEEDS_DIR = ROOT / "seeds"
TEST_DATA = TESTS_DIR / "data"  # vendored schemas
SHARED_EVAL = ROOT.parent / "shared" / "eval"  # the shared evaluation material (CI has ../shared)


def seed_path(prefix: str) -> Path:
    """seeds/001_….txt from its number."""
    (path,) = SEEDS_DIR.glob(f"{prefix}_*.txt")
    return path


def copy_seed_halves(folder: Path) -> None:
    """The first half of seeds 001 (2018) and 002 (2020): real text, small enough for builds of half a second."""
    for prefix in ("001", "002"):
        (seed,) = SEEDS_DIR.glob(f"{prefix}_*.txt")
        lines = seed.read_text(encoding="utf-8").splitlines()
        end = next(i for i in range(len(lines) // 2, len(lines)) if lines[i].rstrip().endswith("。"))
        (folder / seed.name).write_text("\n".join(lines[: end + 1]) + "\n", encoding="utf-8")


@pytest.fixture(scope="session")
def settings():
    from glossary.config import load_settings

    return load_settings(SEEDS_DIR)


@pytest.fixture(scope="session")
def seed_corpus(settings):
    from glossary.corpus.load import load_corpus

    return load_corpus([SEEDS_DIR], settings)


@pytest.fixture(scope="session")
def seed_docs(seed_corpus):
    """Seed documents by number: seed_docs["001"]."""
    return {doc.name[:3]: doc for doc in seed_corpus.documents}


@pytest.fixture(autouse=True, scope="session")
def private_segmentation_cache(tmp_path_factory):
    """Tests never write to the user's ~/.cache: the CLI's segmentation cache goes to a temporary folder."""
    import os

    previous = os.environ.get("GLOSSARY_CACHE")
    os.environ["GLOSSARY_CACHE"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if previous is None:
        os.environ.pop("GLOSSARY_CACHE", None)
    else:
        os.environ["GLOSSARY_CACHE"] = previous
