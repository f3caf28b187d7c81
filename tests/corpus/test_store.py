"""The document store: repaired documents on disk, read back one at a time (glossary.corpus.store)."""

import dataclasses
import os
from pathlib import Path

import pytest

from glossary.config import load_settings
from glossary.corpus.load import load_corpus
from glossary.corpus.store import DocumentStore, StoredDocuments, StoreWriter, decode_document, encode_document
from glossary.model import Document, Paragraph, Source
from tests.conftest import SEEDS_DIR

# every document read from the store, whatever the corpus's size
STORED = {"held_documents_max_chars": 0}


def seed_files(folder: Path, names=("001", "003", "004")) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        source = next(SEEDS_DIR.glob(f"{name}*"))
        (folder / source.name).write_bytes(source.read_bytes())
    return folder


def store_files(cache: Path) -> list[Path]:
    return sorted(p for p in (cache / "documents").rglob("*") if p.is_file()) if cache.exists() else []


def test_a_record_gives_back_every_field(seed_corpus):
    for document in seed_corpus.documents:
        source = Source(document.path, document.raw_text, document.encoding, document.sha256)
        again = decode_document(encode_document(document), source)
        assert again == document and again.paragraphs.text is again.text


def test_paragraphs_that_are_not_the_running_text_keep_their_texts():
    paragraphs = [Paragraph("工发组织。", 0, "1", "body", 3), Paragraph("一. 背景", 1, None, "heading", 1, "一")]
    document = Document(Path("a.txt"), "", paragraphs, footnotes=[Paragraph("注", 0, None, "footnote", 9)],
                        dates=["2020-11-23"], repairs={"x": 2}, session_number=52)
    again = decode_document(encode_document(document), Source(Path("b/a.txt"), "原文", "utf-8", ""))
    assert again == dataclasses.replace(document, path=Path("b/a.txt"), raw_text="原文")


def test_a_record_that_is_not_one_is_refused():
    source = Source(Path("a.txt"), "", "utf-8", "")
    record = encode_document(Document(Path("a.txt"), "文本", [Paragraph("文本", 0, None, "body", 1)]))
    for damaged in (record[:3], record[:4] + b"[1, 2]" + record[4:], b"\xff" * 12):
        with pytest.raises(ValueError):
            decode_document(damaged, source)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_large_corpus_is_read_from_its_store_as_the_same_documents(tmp_path, jobs):
    corpus = seed_files(tmp_path / "corpus")
    held = list(load_corpus([corpus], load_settings()).documents)
    settings = load_settings().replace(**STORED, parallel_min_chars=0)  # workers even for three documents
    for _ in range(2):  # repaired, then read from the cache
        documents = load_corpus([corpus], settings, cache_dir=tmp_path / "cache", jobs=jobs).documents
        assert isinstance(documents._built(), StoredDocuments)
        assert list(documents) == held and documents[-1] == held[-1] and documents[0:2] == held[0:2]
    assert len(store_files(tmp_path / "cache")) == 1
    lean = load_corpus([corpus], settings, cache_dir=tmp_path / "cache", keep_raw=False).documents
    assert [d.raw_text for d in lean] == ["", "", ""] and [d.text for d in lean] == [d.text for d in held]


def test_a_store_without_a_cache_is_a_temporary_file(tmp_path):
    corpus = seed_files(tmp_path / "corpus", ("001",))
    documents = load_corpus([corpus], load_settings().replace(**STORED)).documents
    assert documents[0] == load_corpus([corpus], load_settings()).documents[0]


def test_a_damaged_store_is_not_read_and_is_written_again(tmp_path):
    corpus = seed_files(tmp_path / "corpus")
    held = list(load_corpus([corpus], load_settings()).documents)
    cache = tmp_path / "cache"
    list(load_corpus([corpus], load_settings(), cache_dir=cache).documents)
    (store,) = store_files(cache)
    data = bytearray(store.read_bytes())
    data[len(data) // 2] ^= 1
    store.write_bytes(bytes(data))
    assert DocumentStore.open(store) is None and not store.exists()  # the seal does not match: deleted
    assert list(load_corpus([corpus], load_settings(), cache_dir=cache).documents) == held
    assert DocumentStore.open(store) is not None


def test_a_grown_corpus_reuses_the_stored_documents_and_keeps_older_ones_while_fewer(tmp_path, monkeypatch):
    import glossary.corpus.load as load

    corpus = seed_files(tmp_path / "corpus", ("001", "003"))
    cache = tmp_path / "cache"
    list(load_corpus([corpus], load_settings(), cache_dir=cache).documents)
    seed_files(corpus, ("004",))
    built = []
    real = load.build_document
    monkeypatch.setattr(load, "build_document", lambda source, *a: built.append(source.path.name) or real(source, *a))
    documents = list(load_corpus([corpus], load_settings(), cache_dir=cache).documents)
    assert built == [next(SEEDS_DIR.glob("004*")).name]  # only the document added is repaired
    assert documents == list(load_corpus([corpus], load_settings()).documents)
    # a document taken out stays in the store (one older record, three current), and is not repaired again
    removed = next(corpus.glob("003*"))
    data = removed.read_bytes()
    removed.unlink()
    list(load_corpus([corpus], load_settings(), cache_dir=cache).documents)
    removed.write_bytes(data)
    built.clear()
    list(load_corpus([corpus], load_settings(), cache_dir=cache).documents)
    assert built == []
    (store,) = store_files(cache)
    assert len(DocumentStore.open(store).locations) == 3


def test_a_writer_that_fails_leaves_nothing_in_the_cache(tmp_path):
    from glossary.cache import entry_path

    path = entry_path(tmp_path, "documents", "ab" * 32)
    writer = StoreWriter(path)
    writer.add("k", b"record")
    writer.discard()
    assert not path.exists() and not list(path.parent.iterdir())
    assert set(os.listdir(tmp_path)) == {"hmac.key", "documents"}


def test_a_cache_that_cannot_be_written_leaves_the_store_a_temporary_file(tmp_path, monkeypatch):
    import glossary.cache as cache

    corpus = seed_files(tmp_path / "corpus", ("001",))
    held = load_corpus([corpus], load_settings()).documents[0]

    def refused(*args, **kwargs):
        raise PermissionError("read-only file system")

    monkeypatch.setattr(cache.tempfile, "mkstemp", refused)  # as a read-only folder answers (root ignores chmod)
    monkeypatch.setattr(cache, "_unwritable", set())
    documents = load_corpus([corpus], load_settings().replace(**STORED), cache_dir=tmp_path / "cache").documents
    assert documents[0] == held and not store_files(tmp_path / "cache")
