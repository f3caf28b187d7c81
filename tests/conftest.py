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


# a real excerpt of IDB.52/9 in both languages, paragraphs in the same order
ZH_PARALLEL = {
    "IDB.52/9": [
        "世界银行称，目前工发组织有103个成员国被列为中等收入国家。",
        "工发组织启动了曙光倡议，该倡议首先将向8个中等收入国家提供支持。",
        "工发组织与全球水泥和混凝土协会签署了一项伙伴关系协定。",
        "曙光倡议还将支持巴西启动新的工业脱碳中心。",
    ]
}
EN_PARALLEL = {
    "IDB.52/9": [
        "According to the World Bank, 103 UNIDO Member States are currently classified as middle-income countries.",
        "UNIDO launched the Aurora Initiative, which will first support eight middle-income countries.",
        "UNIDO signed a partnership agreement with the Global Cement and Concrete Association.",
        "The Aurora Initiative will also support Brazil in launching a new hub for industrial decarbonization.",
    ]
}


def make_documents(excerpts, names=None):
    """Documents of numbered body paragraphs, one per {symbol: [paragraph texts]} entry, dated a year apart."""
    from glossary.model import Document, Paragraph

    documents = []
    for position, (symbol, texts) in enumerate(excerpts.items()):
        paragraphs = [Paragraph(text, i, str(i + 1), "body", i + 1) for i, text in enumerate(texts)]
        name = names[position] if names else f"{symbol}.txt"
        documents.append(Document(Path(name), "\n".join(texts), paragraphs, symbol=symbol,
                                  dates=[f"{2018 + position}-11-01"]))
    return documents



def write_glossary_rows(path: Path, rows: list[dict]) -> Path:
    """A glossary workbook holding these Glossary rows (every other column empty) and empty other sheets."""
    import pandas as pd

    from glossary.formats.workbook import GLOSSARY_COLUMNS, write_glossary_workbook

    frame = pd.DataFrame([{c: None for c in GLOSSARY_COLUMNS} | r for r in rows]).astype(object)
    frame = frame.where(pd.notna(frame), None)
    empty = pd.DataFrame(columns=["x"])
    sheets = {"Glossary": frame, "Variants": empty, "Contexts": empty, "Changes": empty, "About": empty}
    write_glossary_workbook(path, sheets, (empty, empty))
    return path


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
