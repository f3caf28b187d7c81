"""Shared fixtures: the bundled seed corpus, loaded once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"


def seed_path(prefix: str) -> Path:
    """seeds/001_….txt from its number."""
    (path,) = SEEDS_DIR.glob(f"{prefix}_*.txt")
    return path


@pytest.fixture(scope="session")
def settings():
    from glossary.config import load_settings

    return load_settings(SEEDS_DIR)


@pytest.fixture(scope="session")
def seed_corpus(settings):
    from glossary.corpus import load_corpus

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
