"""The on-disk cache (glossary.cache): entries are data sealed by the cache's own key; anything else is redone.

Every way an entry can be wrong (a planted pickle, another cache's entry, a valid entry of the wrong type, one
nested too deeply, truncated or damaged bytes, a read-only cache holding a damaged entry) gives None, never an
exception, and the caller recomputes.
"""

from __future__ import annotations

import dataclasses
import os
import pickle
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

from glossary import cache
from glossary.cache import KEY_NAME, cache_key, entry_path, read_entry, write_entry
from glossary.model import Document, Paragraph
from conftest import seed_path

KEY = cache_key("an entry")


@pytest.fixture(autouse=True)
def fresh_process_state():
    """Each test sees the cache as a new process would: no key read, no folder known unwritable."""
    cache._secrets.clear()
    cache._unwritable.clear()
    yield
    cache._secrets.clear()
    cache._unwritable.clear()


def stored(tmp_path: Path, value, kind: str = "mining") -> Path:
    path = entry_path(tmp_path, kind, KEY)
    write_entry(path, value)
    assert path.is_file()
    return path


def frames_equal(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert list(a.dtypes.astype(str)) == list(b.dtypes.astype(str))


# --- round trips --------------------------------------------------------------------------------------------------

LONG = ["促进包容及可持续工业发展。" * 10, "", "工发组织", "a\tb\nc"] * 20


@pytest.mark.parametrize("value", [
    None, True, 0, -2**70, 1.5, float("inf"), "文本", [], [1, "a", None, 2.5],
    (1, (2, 3), [4]), {1: "a", "b": (2,), None: [3]}, {"x", "y"}, frozenset({1, 2}),
    Path("some/where.txt"), LONG, [*LONG, "a\0b"],  # a NUL in a string keeps that list in the JSON
    {"deep": [[[["文"] * 3] * 2]]},
    list(range(-5, 30)), [2**63 + k for k in range(20)], [2**64 + k for k in range(20)],  # int64, uint64, neither
    [(k, "a") for k in range(20)], [(("工发", "组织"), ("nz", "n"))] * 5, [((1,), 2)] * 3, [(1,), 2, [3]],
], ids=lambda value: repr(value)[:40])
def test_plain_values_come_back_equal(tmp_path, value):
    assert read_entry(stored(tmp_path, value)) == value


def test_arrays_and_numpy_scalars_keep_their_dtypes(tmp_path):
    value = (np.arange(5, dtype=np.uint64), np.array([1.5, np.nan]), np.array([True, False]),
             np.array(["a", "工发"]), np.zeros((2, 3), dtype=np.int32), np.int64(7), np.float32(0.5))
    back = read_entry(stored(tmp_path, value))
    for original, read in zip(value, back):
        assert type(read) is type(original) and np.asarray(read).dtype == np.asarray(original).dtype
        np.testing.assert_array_equal(read, original)


def test_frames_keep_columns_types_and_index(tmp_path):
    frame = pd.DataFrame({
        "term": pd.Series(["工发组织", "中等收入国家", None], dtype="str"),
        "freq": np.array([3, 2, 1], dtype=np.int64),
        "score": [0.5, np.nan, 1.0],
        "kept": [True, False, True],
        "first_year": pd.array([2018, None, 2020], dtype="Int64"),
        "relation": pd.Categorical(["canonical", "variant", "canonical"]),
        "year": np.array([2018, None, "n/a"], dtype=object),
        "forms": np.array([["a", "b"], [], None] + [None], dtype=object)[:3],
    })
    frames = (frame, frame.iloc[[2, 0]], pd.DataFrame(columns=["term", "freq"]),
              frame.set_index("freq"), pd.DataFrame(index=pd.RangeIndex(2, 8, 2)))
    for original, read in zip(frames, read_entry(stored(tmp_path, frames))):
        frames_equal(read, original)


def test_documents_as_the_corpus_caches_them(tmp_path):
    paragraphs = [Paragraph("工发组织。", 0, "1", "body", 3), Paragraph("一. 背景", 1, None, "heading", 1, "一")]
    document = Document(Path("a.txt"), "", paragraphs, footnotes=[], dates=["2020-11-23"], repairs={"x": 2},
                        session_number=52)
    portable = dataclasses.replace(document, paragraphs=tuple(map(list, zip(*(dataclasses.astuple(p)
                                                                              for p in paragraphs)))))
    assert read_entry(stored(tmp_path, {"k.txt": document, "p.txt": portable}, "documents")) == \
        {"k.txt": document, "p.txt": portable}


def test_shard_counts_come_back(tmp_path):
    from glossary.mining.count import ShardCounts

    table = (np.arange(3, dtype=np.uint64), np.ones(3, dtype=np.int64))
    forms = {"key": table[0], "slots": np.arange(6, dtype=np.uint64).reshape(3, 2), "vocabulary": ["工发", "组织"],
             "tags": ["nz", "n"]}
    pairs = (*table, table[1])
    part = ShardCounts(5, table, pairs, pairs, pairs, pairs, pairs, table, forms)
    back = read_entry(stored(tmp_path, part, "counts"), ShardCounts)
    assert back.tokens == 5 and back.forms["vocabulary"] == ["工发", "组织"] and back.forms["tags"] == ["nz", "n"]
    np.testing.assert_array_equal(back.per_doc[0], part.per_doc[0])
    np.testing.assert_array_equal(back.forms["slots"], forms["slots"])


def test_a_mining_result_comes_back_exactly(tmp_path, settings):
    from glossary.corpus.load import load_corpus
    from glossary.mining.mine import mine_corpus

    documents = load_corpus([seed_path("001")], settings).documents
    first = mine_corpus(documents, settings, cache_dir=tmp_path)
    (entry,) = (tmp_path / "mining").rglob("*.npz")
    again = mine_corpus(documents, settings, cache_dir=tmp_path)
    for name in ("terms", "candidates", "variants", "contexts"):
        frames_equal(getattr(again, name), getattr(first, name))
    assert entry.is_file()


def test_values_the_format_cannot_hold_are_not_cached(tmp_path):
    class Custom:
        pass

    for value in (Custom(), np.array([object()], dtype=object), pd.DataFrame({"d": pd.to_datetime(["2020-01-01"])
                                                                             .tz_localize("UTC")}),
                  _nested(MAX_DEPTH_PLUS)):
        path = entry_path(tmp_path, "mining", cache_key(repr(type(value))))
        write_entry(path, value)  # no exception: the work simply is not cached
        assert not path.exists()


MAX_DEPTH_PLUS = cache.MAX_DEPTH + 5


def _nested(depth: int):
    value: list = []
    for _ in range(depth):
        value = [value, 1]
    return value


# --- entries that are not data of this cache: never run, never trusted --------------------------------------------


class Planted:
    """A pickle that, loaded, would create a file: the attack the cache must not fall for."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def test_a_planted_pickle_is_never_run(tmp_path):
    path = stored(tmp_path, "a real entry")  # the cache folder has its key
    marker = tmp_path / "ran"
    path.write_bytes(pickle.dumps(Planted(marker)))
    assert read_entry(path) is None and not marker.exists()
    assert not path.exists()  # deleted: the next run does not read it again
    old_style = path.with_suffix(".pickle")  # an entry of the pickle cache, left from before
    old_style.write_bytes(pickle.dumps(Planted(marker)))
    assert read_entry(path) is None and not marker.exists()


def test_an_entry_not_sealed_by_this_cache_is_not_read(tmp_path):
    path = stored(tmp_path / "mine", ["工发组织"])
    elsewhere = stored(tmp_path / "other", ["planted"])
    shutil.copy(elsewhere, path)  # sealed, but with another cache's key
    assert read_entry(path) is None and not path.exists()
    moved = entry_path(tmp_path / "mine", "mining", cache_key("another key"))
    stored(tmp_path / "mine", ["工发组织"])
    moved.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, moved)  # this cache's entry under another name
    assert read_entry(moved) is None and read_entry(path) == ["工发组织"]


def test_a_valid_entry_of_the_wrong_type_is_redone(tmp_path):
    path = stored(tmp_path, {"not": "frames"})
    assert read_entry(path, (pd.DataFrame,) * 4) is None and not path.exists()
    path = stored(tmp_path, (pd.DataFrame(),) * 3)
    assert read_entry(path, (pd.DataFrame,) * 4) is None
    path = stored(tmp_path, [1, 2], "counts")
    from glossary.mining.count import ShardCounts

    assert read_entry(path, ShardCounts) is None


def test_mining_redoes_a_wrong_or_damaged_entry(tmp_path, settings):
    from glossary.corpus.load import load_corpus
    from glossary.mining.mine import mine_corpus

    documents = load_corpus([seed_path("002")], settings).documents
    expected = mine_corpus(documents, settings, cache_dir=tmp_path).terms
    entries = [p for p in tmp_path.rglob("*.npz")]
    assert {p.parent.parent.name for p in entries} == {"mining", "counts"}
    for entry in entries:
        write_entry(entry, ["the wrong type"])
    frames_equal(mine_corpus(documents, settings, cache_dir=tmp_path).terms, expected)
    for entry in tmp_path.rglob("*.npz"):
        entry.write_bytes(entry.read_bytes()[:100])  # truncated
    frames_equal(mine_corpus(documents, settings, cache_dir=tmp_path).terms, expected)


def test_a_deeply_nested_entry_is_redone(tmp_path):
    """An entry of this cache nested far deeper than any the tool writes (a bug, or a key in the wrong hands)."""
    path = stored(tmp_path, "placeholder")
    secret = cache._secret(tmp_path, create=False)
    skeleton = ('{"pools":{"strings":0},"value":' + "[" * 100_000 + "]" * 100_000 + "}").encode()
    _write_sealed(path, secret, skeleton)
    assert read_entry(path) is None and not path.exists()
    skeleton = ('{"pools":{"strings":0},"value":' + '{"$":"tuple","v":[' * 200 + "]}" * 200 + "}").encode()
    _write_sealed(path, secret, skeleton)
    assert read_entry(path) is None


def _write_sealed(path: Path, secret: bytes, skeleton: bytes) -> None:
    with open(path, "w+b") as handle:
        handle.write(cache.MAGIC + bytes(cache.SEAL_BYTES - len(cache.MAGIC)))
        with zipfile.ZipFile(handle, "w", zipfile.ZIP_STORED) as archive:  # an archive of the skeleton alone
            archive.writestr(cache.SKELETON, skeleton)
        handle.write(cache._seal(handle, secret, cache._identity(path)))


@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(min_value=0), flips=st.lists(st.tuples(st.integers(min_value=0), st.integers(1, 255)),
                                                    max_size=3))
def test_damaged_bytes_give_none_never_an_exception(tmp_path, cut, flips):
    path = stored(tmp_path, {"terms": LONG, "counts": np.arange(50)})
    data = bytearray(path.read_bytes())
    for position, mask in flips:
        data[position % len(data)] ^= mask
    damaged = bytes(data[: cut % (len(data) + 1)]) if cut % 3 else bytes(data)
    if damaged == path.read_bytes():
        return
    path.write_bytes(damaged)
    assert read_entry(path) is None


# --- the key and read-only caches ---------------------------------------------------------------------------------


def test_the_key_is_private_and_a_shared_one_is_not_trusted(tmp_path):
    path = stored(tmp_path, "value")
    key = tmp_path / KEY_NAME
    if os.name != "nt":
        assert key.stat().st_mode & 0o777 == 0o600
        key.chmod(0o644)  # others could read it, and seal entries of their own
        cache._secrets.clear()
        assert read_entry(path) is None
        write_entry(path, "again")  # a new private key; the old entries are redone
        assert key.stat().st_mode & 0o777 == 0o600 and read_entry(path) == "again"


def test_a_cache_without_its_key_reads_nothing(tmp_path):
    path = stored(tmp_path, "value")
    (tmp_path / KEY_NAME).unlink()
    cache._secrets.clear()
    assert read_entry(path) is None


def _simulate_read_only(monkeypatch):
    """Every change to the cache folder fails as on a read-only disk (chmod does not stop root)."""

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(cache, "atomic_path", refuse)
    monkeypatch.setattr(Path, "unlink", refuse)
    monkeypatch.setattr(cache.os, "link", refuse)


def test_a_read_only_cache_with_a_damaged_entry(tmp_path, monkeypatch):
    path = stored(tmp_path, "value")
    path.write_bytes(path.read_bytes()[:-10])
    damaged = path.read_bytes()
    _simulate_read_only(monkeypatch)
    for _ in range(2):  # every run: redone, nothing raised, the entry left as it is
        assert read_entry(path) is None
        write_entry(path, "value")
    assert path.read_bytes() == damaged
    assert str(tmp_path) in cache._unwritable  # not tried again in this process


@pytest.mark.skipif(os.name == "nt" or os.geteuid() == 0, reason="root writes to read-only folders")
def test_a_really_read_only_cache(tmp_path):
    path = stored(tmp_path, "value")
    path.write_bytes(b"damaged")
    folders = [tmp_path, *(p for p in tmp_path.rglob("*") if p.is_dir())]
    for folder in folders:
        folder.chmod(0o555)
    try:
        cache._secrets.clear()
        assert read_entry(path) is None
        write_entry(path, "value")
        assert path.read_bytes() == b"damaged"
        new = entry_path(tmp_path, "counts", KEY)
        write_entry(new, "value")
        assert not new.exists()
    finally:
        for folder in folders:
            folder.chmod(0o755)


def test_a_cache_folder_that_cannot_be_created(tmp_path):
    (tmp_path / "file").write_text("not a folder")
    path = entry_path(tmp_path / "file" / "cache", "mining", KEY)
    write_entry(path, "value")
    assert read_entry(path) is None


# --- the segmentation cache ---------------------------------------------------------------------------------------


def test_the_segmentation_cache_keys_on_its_code(monkeypatch):
    from glossary.mining import segment

    before = segment.Segmenter(engine="jieba").fingerprint
    monkeypatch.setattr(segment, "code_fingerprint", lambda *names: "edited segment.py")
    assert segment.Segmenter(engine="jieba").fingerprint != before


def test_a_segmentation_entry_that_does_not_fit_is_redone(tmp_path):
    from glossary.mining.segment import Segmenter

    texts = ["工发组织支持中等收入国家。", ""]
    expected = Segmenter(engine="jieba", cache_dir=tmp_path).tag_document(texts)
    (entry,) = tmp_path.rglob("*.npz")
    for wrong in ((["工发组织"], ["nt"], [1, 0]), (["x"] * 3, ["n"] * 3, [3, 0]), ([1], ["n"], [1, 0]),
                  ("words", "tags", "counts"), (["工发组织"], ["nt"], [-1, 2])):
        write_entry(entry, wrong)
        assert Segmenter(engine="jieba", cache_dir=tmp_path).tag_document(texts) == expected
    entry.write_bytes(b"not an entry")
    assert Segmenter(engine="jieba", cache_dir=tmp_path).tag_document(texts) == expected


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_pipe_or_a_device_in_place_of_an_entry_is_not_read(tmp_path):
    path = stored(tmp_path, "value")
    path.unlink()
    os.mkfifo(path)  # opened for reading, it would wait for a writer forever
    assert read_entry(path) is None
    os.symlink("/dev/zero", path.with_name("other.npz"))
    assert read_entry(path.with_name("other.npz")) is None


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_key_that_is_not_a_plain_file_is_no_key(tmp_path):
    path = stored(tmp_path, "value")
    key = tmp_path / KEY_NAME
    for replace in (lambda: key.mkdir(), lambda: os.mkfifo(key), lambda: key.symlink_to("/dev/zero")):
        key.unlink() if not key.is_dir() or key.is_symlink() else key.rmdir()
        replace()
        cache._secrets.clear()
        assert read_entry(path) is None  # no exception, no wait


def test_long_lists_of_strings_written_in_pieces_read_back_whole(tmp_path):
    """Strings are written to the archive a few thousand at a time, as they are encoded: lists longer than a piece,
    one after another, and a frame's text column come back as they were."""
    many = [f"第{k}段：包容和可持续的工业发展" for k in range(cache.STRINGS_PER_WRITE * 2 + 3)]
    frame = pd.DataFrame({"sentence": many[::-1], "n": np.arange(len(many))})
    value = {"first": many, "second": many[: cache.STRINGS_PER_WRITE], "frame": frame, "short": ["a", "b"]}
    found = read_entry(stored(tmp_path, value))
    assert found["first"] == many and found["second"] == many[: cache.STRINGS_PER_WRITE]
    assert found["short"] == ["a", "b"]
    frames_equal(found["frame"], frame)
