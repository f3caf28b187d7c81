"""Vectorised n-gram counting (glossary.count) on small real excerpts of the seeds."""

from collections import Counter

import pytest

from glossary.config import load_settings
from glossary.mining.count import CandidateValues, StringCounts, count_corpus, shard_count, shard_of, values_of
from glossary.mining.hashing import string_hash
from glossary.mining.shape import Lexicon, clauses
from glossary.mining.segment import Segmenter, read_user_dict

DOCUMENTS = [
    [
        "工发组织将通过国别伙伴关系方案支持中等收入国家。",
        "将中等收入国家定性为实现包容和可持续的工业发展的合作伙伴。",
    ],
    [
        "在10个国家落实国家伙伴关系方案仍然是工发组织的一个主要方案重点。",
        "除国家伙伴关系方案外，工发组织还在各区域执行多达45个国家方案。",
    ],
    ["工发组织是联合国系统在包容可持续工业发展方面的核心协调机构，并支持中等收入国家的国家伙伴关系方案。"],
]


@pytest.fixture(scope="module")
def setup():
    settings = load_settings()
    return Lexicon.from_settings(settings.mining), Segmenter(user_words=read_user_dict(settings.mining.user_dict))


def count(setup, documents=DOCUMENTS, **kwargs):
    lexicon, segmenter = setup
    return count_corpus(documents, lexicon, segmenter, 8, 24, **kwargs)


def test_string_counts_look_up_by_string():
    counts = StringCounts({string_hash("国家伙伴关系方案"): 4})
    assert counts["国家伙伴关系方案"] == 4 and counts["伙伴关系方案"] == 0
    assert "国家伙伴关系方案" in counts and "方案" not in counts


def test_string_counts_from_columns_look_up_the_same():
    import numpy as np

    keys = np.array([string_hash("国家伙伴关系方案"), string_hash("方案")], dtype=np.uint64)
    counts = StringCounts(keys=keys, occurrences=np.array([4, 9]))
    assert counts["国家伙伴关系方案"] == 4 and counts.get("方案") == 9 and counts.get("伙伴", -1) == -1
    assert len(counts) == 2 and "伙伴" not in counts


def test_string_counts_look_up_many_strings_at_once_as_one_at_a_time():
    counts = StringCounts({string_hash("国家伙伴关系方案"): 4, string_hash("方案"): 9})
    texts = ["方案", "伙伴", "国家伙伴关系方案", "", "方案"]
    assert counts.many(texts).tolist() == [counts[text] for text in texts] == [9, 0, 4, 0, 9]


def test_candidate_values_share_one_index_and_leave_out_the_missing():
    """Tables over one name -> row index: None is a candidate without a value, absent from that table only."""
    row = {"国家伙伴关系方案": 0, "国别伙伴关系方案": 1, "工发组织": 2}
    entropy = CandidateValues(row, [1.5, None, 0.0])
    frequency = CandidateValues(row, [4, 2, 7])
    assert entropy["国家伙伴关系方案"] == 1.5 and entropy.get("工发组织") == 0.0
    assert entropy.get("国别伙伴关系方案", 0.0) == 0.0 and "国别伙伴关系方案" not in entropy
    with pytest.raises(KeyError):
        entropy["国别伙伴关系方案"]
    assert list(entropy) == ["国家伙伴关系方案", "工发组织"] and len(entropy) == 2
    assert dict(frequency.items()) == {"国家伙伴关系方案": 4, "国别伙伴关系方案": 2, "工发组织": 7}
    assert frequency.get("包容可持续工业发展") is None
    # read for many names at once, as the statistics read them: the same as get, for any mapping
    names = ["工发组织", "包容可持续工业发展", "国别伙伴关系方案", "国家伙伴关系方案"]
    assert values_of(entropy, names, 0.0) == [entropy.get(name, 0.0) for name in names] == [0.0, 0.0, 0.0, 1.5]
    assert values_of(dict(frequency.items()), names) == values_of(frequency, names) == [7, None, 2, 4]


def test_counts_match_a_plain_count_of_the_clauses(setup):
    """Every candidate's frequency and document counts equal a straightforward count over the clauses."""
    lexicon, segmenter = setup
    counts = count(setup)
    plain, docs = Counter(), Counter()
    for index, paragraphs in enumerate(DOCUMENTS):
        seen = set()
        for text in paragraphs:
            for clause in clauses(segmenter.tag(text), lexicon.pos_overrides):
                words = [t.word for t in clause]
                for i in range(len(words)):
                    for j in range(i + 1, min(len(words), i + 8) + 1):
                        plain["".join(words[i:j])] += 1
                        seen.add("".join(words[i:j]))
        docs.update(seen)
    for term in ("国家伙伴关系方案", "中等收入国家", "工发组织", "国别伙伴关系方案"):
        assert term in counts.per_doc, term
        assert counts.ngrams[term] == plain[term]
        assert len(counts.per_doc[term]) == docs[term]
    assert dict(counts.per_doc["国家伙伴关系方案"].items()) == {1: 2, 2: 1}
    # the parts of a candidate are counted too (the association statistics read them)
    tokens = counts.segmentation["国家伙伴关系方案"]
    assert counts.ngrams["".join(tokens[1:])] == plain["".join(tokens[1:])]
    assert "的工业发展" not in counts.per_doc  # a particle at the edge: no candidate


def test_shards_parallel_workers_and_cache_give_the_same_counts(setup, tmp_path):
    single = count(setup)
    sharded = count(setup, jobs=2, parallel_min_chars=0, shard_chars=40, cache_dir=tmp_path)
    cached = count(setup, jobs=2, parallel_min_chars=0, shard_chars=40, cache_dir=tmp_path)
    assert list(tmp_path.rglob("*.npz"))
    for other in (sharded, cached):
        assert other.segmentation == single.segmentation
        for term in single.per_doc:
            assert dict(other.per_doc[term].items()) == dict(single.per_doc[term].items())
            assert other.ngrams[term] == single.ngrams[term]
        assert other.left_entropy == pytest.approx(single.left_entropy)


def test_adding_a_document_recounts_only_its_shard(setup, tmp_path):
    shards = shard_count(sum(len(p) for d in DOCUMENTS for p in d), 40)
    count(setup, shard_chars=40, cache_dir=tmp_path)
    before = set(tmp_path.rglob("*.npz"))
    grown = [*DOCUMENTS, ["工发组织与私营部门开展技术转让合作。"]]
    assert shard_count(sum(len(p) for d in grown for p in d), 40) == shards
    count(setup, grown, shard_chars=40, cache_dir=tmp_path)
    assert len(set(tmp_path.rglob("*.npz")) - before) == 1


def test_shards_are_chosen_by_content():
    assert shard_count(1, 300_000) == 1 and shard_count(900_001, 300_000) == 4
    assert shard_of("ff" * 32, 4) == shard_of("ff" * 32, 4) == int("ff" * 6, 16) % 4


def test_the_reference_segmenter_gives_the_same_counts(setup):
    """jieba and rjieba cut Chinese alike; only the tags of words outside jieba's dictionary differ (工发), which
    can make a candidate of one and not of the other. Every candidate both find is counted alike."""
    lexicon, segmenter = setup
    fallback = Segmenter(user_words=segmenter.user_words, engine="jieba")
    compiled, reference = count(setup), count_corpus(DOCUMENTS, lexicon, fallback, 8, 24)
    shared = reference.per_doc.keys() & compiled.per_doc.keys()
    assert {"国家伙伴关系方案", "中等收入国家", "包容和可持续的工业发展"} <= shared
    for term in shared:
        assert reference.segmentation[term] == compiled.segmentation[term]
        assert dict(reference.per_doc[term].items()) == dict(compiled.per_doc[term].items())
        assert reference.ngrams[term] == compiled.ngrams[term]


def test_documents_without_chinese_count_nothing(setup):
    counts = count(setup, [[], [""], ["。，"], ["Hello world"]])
    assert not counts.per_doc and counts.tokens == 2
    assert not count(setup, []).per_doc


def test_a_word_is_tagged_as_in_its_context(setup):
    """Counting cuts without tags and tags each new word from its line: the tag jieba gives it in context."""
    from glossary.mining.count import tags_in_context

    _, segmenter = setup
    text = "\n".join(p for document in DOCUMENTS for p in document) + "\n南南合作和三角合作仍是重点。"
    tag_at, offset = tags_in_context(segmenter, text), 0
    for word, tag in segmenter.tag_raw(text):
        assert tag_at(offset, word) == tag, word
        offset += len(word)


def test_document_counts_are_grouped_by_candidate():
    import numpy as np

    from glossary.mining.count import DocCounter, DocumentCounts, documents_using, documents_using_each

    codes = np.array([1, 0, 1, 1])
    per_doc = DocumentCounts(["a", "b"], codes, np.array([0, 0, 1, 2]), np.array([2, 1, 1, 5]))
    assert documents_using(per_doc, "b") == 3 and dict(per_doc["b"].items()) == {0: 2, 1: 1, 2: 5}
    assert documents_using_each(per_doc, ["b", "a"]) == [3, 1]
    per_doc["c"] = DocCounter([4], [2])  # a form counted in the text afterwards
    assert list(per_doc) == ["a", "b", "c"] and len(per_doc) == 3 and documents_using(per_doc, "c") == 1
    assert documents_using_each(per_doc, ["c", "b", "a"]) == [1, 3, 1]
    assert documents_using_each({"b": DocCounter([0, 1], [1, 1])}, ["b"]) == [2]
    with pytest.raises(KeyError):
        per_doc["d"]


def test_window_verdicts_agree_with_is_candidate_on_every_window(setup):
    """The vectorised shape test (shape.window_verdicts over WordTable's flags, as count_shard applies it) gives
    is_candidate's verdict for every window of up to 8 tokens of a seed report and of hand-made edge cases."""
    import numpy as np

    from glossary.config import SEEDS_DIR
    from glossary.mining.count import WordTable
    from glossary.mining.segment import Token
    from glossary.mining.shape import WORD_FLAGS, is_candidate, window_verdicts

    lexicon, segmenter = setup
    table = WordTable(lexicon)
    texts = sorted(SEEDS_DIR.glob("*.txt"))[0].read_text(encoding="utf-8").splitlines()
    texts += ["框架和政策", "科学、技术和创新", "2030年可持续发展议程", "第三个非洲工业发展十年", "COVID-19大流行病",
              "经济及社会理事会-UnitedNations", "不限成员名额工作组", "会议开幕", "《2030年议程》和77国集团"]
    windows = 0
    for text in texts:
        for clause in clauses(segmenter.tag(text), lexicon.pos_overrides):
            words = list(dict.fromkeys(t.word for t in clause))
            tag_of = {t.word: t.pos for t in reversed(clause)}  # the first occurrence's tag, as counting reads it
            columns = table.table(words, lambda k: tag_of[words[k]])
            codes = np.array([words.index(t.word) for t in clause])
            flags = {flag: columns[flag][codes] for flag in WORD_FLAGS}
            tokens = [Token(columns["word"][c], columns["pos"][c], 0) for c in codes]
            starts, stops = zip(*[(a, b) for a in range(len(codes)) for b in range(a + 1, min(len(codes), a + 8) + 1)])
            verdicts = window_verdicts(flags, np.array(starts), np.array(stops))
            for a, b, verdict in zip(starts, stops, verdicts.tolist()):
                assert verdict == is_candidate(tokens[a:b], lexicon), "".join(t.word for t in tokens[a:b])
            windows += len(starts)
    assert windows > 5000


PRUNED = [
    ["联合国工业发展组织的工发组织理事会开会。", "工发组织理事会通过了决定。"],
    ["国家伙伴关系方案在三个国家执行。", "国家伙伴关系方案取得进展。", "会议讨论了国别伙伴关系方案。"],
    ["包容和可持续的工业发展是目标。", "包容可持续工业发展是核心。", "各国讨论了海洋塑料污染治理问题。"],
    ["国际劳工组织（劳工组织）发表了报告。"],
]


def test_pruning_keeps_the_rare_candidates_a_variant_relation_may_join(setup):
    """With pruning, a candidate seen once is kept only when it may join a frequent one (as count.Pruning lists):
    the full name of an abbreviation, a word-choice variant, a form sharing a variant key, a name beside a
    parenthesis; a rare phrase related to nothing is dropped. Kept candidates' counts are those without pruning."""
    from glossary.mining.count import Pruning

    full = count(setup, PRUNED)
    pruned = count(setup, PRUNED, pruning=Pruning(2, "和及与的、"))
    for rare in ("联合国工业发展组织", "国别伙伴关系方案", "包容和可持续的工业发展", "包容可持续工业发展",
                 "国际劳工组织"):
        assert full.occurrences(rare) == 1 and rare in pruned.per_doc, rare
    assert "海洋塑料污染" in full.per_doc and "海洋塑料污染" not in pruned.per_doc
    for kept in pruned.per_doc:
        assert pruned.occurrences(kept) == full.occurrences(kept), kept
        assert pruned.segmentation[kept] == full.segmentation[kept] and pruned.pos[kept] == full.pos[kept]
        assert pruned.left_entropy.get(kept) == full.left_entropy.get(kept)
        assert dict(pruned.per_doc[kept].items()) == dict(full.per_doc[kept].items())
    assert len(pruned.per_doc) < len(full.per_doc)


def test_shard_hashes_are_those_of_the_candidate_strings(setup, tmp_path):
    """count_shard sums each form's variant-key and multiset hashes from its words: equal to the hashes of its
    string (variants.variant_key_hashes, char_multiset_hashes), so forms and curated strings compare."""
    import numpy as np

    from glossary.mining.count import WordTable, count_shard
    from glossary.mining.variants import char_masks, char_multiset_hashes, variant_key_hashes

    lexicon, segmenter = setup
    part = count_shard(PRUNED, segmenter, WordTable(lexicon, "和及与的、"), 8, 24)
    forms = part.forms
    names = ["".join(forms["vocabulary"][w] for w in row if w >= 0) for row in forms["words"].tolist()]
    assert "包容和可持续的工业发展" in names
    np.testing.assert_array_equal(forms["variant"], variant_key_hashes(names, "和及与的、"))
    np.testing.assert_array_equal(forms["multiset"], char_multiset_hashes(names))
    np.testing.assert_array_equal(forms["char_mask"], char_masks(names))
    np.testing.assert_array_equal(forms["key"], [string_hash(name) for name in names])


def test_occurrences_next_to_one_same_name_word_are_counted_as_glue(setup):
    """特别|程序任务负责人 twice: always after the same word that may extend the name (shape.extends_name), so a piece
    of 特别程序任务负责人. After a particle (的) or a governing verb (支持) the boundary is a phrase's, not a name's."""
    documents = [
        ["人权理事会的特别程序任务负责人发出了联合呼吁。", "委员会感谢特别程序任务负责人的合作。"],
        ["会员国支持国家伙伴关系方案。", "秘书处介绍了国家伙伴关系方案的执行情况。"],
    ]
    counts = count(setup, documents)
    assert counts.left_glued.get("程序任务负责人") == 2
    assert counts.left_glued.get("国家伙伴关系方案", 0) == 0  # after 支持 (a verb) and 了 (a particle)


def test_a_verb_after_a_candidate_counts_as_glue_on_its_right(setup):
    """大会可持续发展目标|开放工作组: the same verb after every occurrence (a longer name, or one clause repeated)."""
    documents = [["大会可持续发展目标开放工作组举行了会议。"], ["大会可持续发展目标开放工作组提交了报告。"]]
    counts = count(setup, documents)
    assert counts.right_glued.get("大会可持续发展目标") == 2


def test_a_merge_reading_shards_back_from_the_cache_keeps_the_same_counts(setup, tmp_path):
    """Past merge_memory_mb a merge reads cached shards back from disk instead of holding them: the counts are those
    of a merge held in memory, over several shards (a rare candidate and its relative in different shards)."""
    from glossary.mining.count import Pruning

    pruning = Pruning(2, "和及与的、")
    held = count(setup, PRUNED, pruning=pruning, shard_chars=40)
    read_back = count(setup, PRUNED, pruning=pruning, shard_chars=40, cache_dir=tmp_path, merge_memory_mb=0)
    assert len(list(tmp_path.rglob("*.npz"))) > 1
    assert list(read_back.per_doc) == list(held.per_doc) and "联合国工业发展组织" in held.per_doc
    for name in held.per_doc:
        assert read_back.occurrences(name) == held.occurrences(name)
        assert dict(read_back.per_doc[name].items()) == dict(held.per_doc[name].items())
        assert read_back.right_entropy.get(name) == held.right_entropy.get(name)


def test_the_frequency_floor_keeps_at_most_the_limit():
    """frequency_floor: the least occurrences at most `limit` candidates reach; never below min_freq; curated forms
    (an infinite level) always reach it."""
    import math

    import numpy as np

    from glossary.mining.count import frequency_floor

    level = np.array([9, 5, 5, 3, 2, 2, 1], dtype=float)
    assert frequency_floor(level, 2, 10) == 2  # fewer candidates than the limit
    assert frequency_floor(level, 2, 3) == 4 and (level >= 4).sum() == 3
    assert frequency_floor(level, 2, 2) == 6 and (level >= 6).sum() == 1  # the ties at 5 would make three
    assert frequency_floor(level, 7, 4) == 7
    assert frequency_floor(np.array([math.inf] * 3 + [4.0]), 2, 2) == math.inf


def test_a_merge_past_max_candidates_raises_the_least_occurrences(setup):
    """With more candidates than Pruning.max_candidates, the merge keeps those seen often enough, as many as the
    bound allows, with the counts they have without it, and says what least occurrences it used: the rare name
    and its variants go, the frequent name stays."""
    from glossary.mining.count import Pruning

    free = count(setup, PRUNED, pruning=Pruning(2, "和及与的、"))
    assert free.frequency_floor == 2
    bounded = count(setup, PRUNED, pruning=Pruning(2, "和及与的、", max_candidates=3))
    assert bounded.frequency_floor == 3 and 0 < len(bounded.per_doc) <= 3
    assert "伙伴关系方案" in bounded.per_doc  # three times
    assert "国家伙伴关系方案" not in bounded.per_doc and "国别伙伴关系方案" not in bounded.per_doc  # twice, once
    for name in bounded.per_doc:
        assert bounded.occurrences(name) == free.occurrences(name) >= bounded.frequency_floor, name
        assert dict(bounded.per_doc[name].items()) == dict(free.per_doc[name].items())


def test_a_merge_setting_its_tables_aside_by_range_keeps_the_same_counts(setup, tmp_path, monkeypatch):
    """A corpus of many shards has its shards' n-gram counts and summaries set aside on disk, a range of keys a
    file, and merged a range at a time: the same counts as one range held in memory; the files are gone after."""
    from glossary.mining import count as counting
    from glossary.mining.count import Pruning

    documents = [[paragraph] for document in PRUNED + DOCUMENTS for paragraph in document]
    pruning = Pruning(2, "和及与的、")
    held = count(setup, documents, pruning=pruning, shard_chars=20)
    monkeypatch.setattr(counting, "SHARDS_PER_RANGE", 1)  # as many ranges as a power of two of shards allows
    files = []

    class Watched(counting._Spill):
        def take(self, name, r, dtype):
            files.extend(self.folder.iterdir())
            return super().take(name, r, dtype)

    monkeypatch.setattr(counting, "_Spill", Watched)
    ranges = count(setup, documents, pruning=pruning, shard_chars=20, cache_dir=tmp_path)
    assert {file.name for file in files} >= {"ngrams.7", "summary.7", "summed.0", "shards.0"}
    # and the kept candidates' neighbour tables and parts, summed a range at a time at the end
    assert {"left", "right", "left_glued", "right_glued", "enumerated", "parts"} <= {file.stem for file in files}
    # the ranges read in two forked processes
    forked = count(setup, documents, pruning=pruning, shard_chars=20, cache_dir=tmp_path, jobs=2, parallel_min_chars=0)
    assert not list(tmp_path.glob("glossary-merge-*"))
    assert list(ranges.per_doc) == list(held.per_doc) == list(forked.per_doc) and "国别伙伴关系方案" in held.per_doc
    for name in held.per_doc:
        assert forked.occurrences(name) == held.occurrences(name) and forked.pos[name] == held.pos[name]
        assert dict(forked.per_doc[name].items()) == dict(held.per_doc[name].items())
        assert ranges.occurrences(name) == held.occurrences(name)
        assert ranges.segmentation[name] == held.segmentation[name] and ranges.pos[name] == held.pos[name]
        assert dict(ranges.per_doc[name].items()) == dict(held.per_doc[name].items())
        for merged in (ranges, forked):
            assert merged.left_entropy.get(name) == held.left_entropy.get(name)
            assert merged.right_entropy.get(name) == held.right_entropy.get(name)
            assert merged.left_glued.get(name) == held.left_glued.get(name)
            assert merged.right_glued.get(name) == held.right_glued.get(name)
            assert merged.enumerated.get(name) == held.enumerated.get(name)
        tokens = held.segmentation[name]
        for split in range(1, len(tokens)):  # the parts association reads
            for part in ("".join(tokens[:split]), "".join(tokens[split:])):
                assert ranges.ngrams[part] == held.ngrams[part], part


def test_document_counts_grouped_part_by_part_are_those_grouped_whole():
    import numpy as np

    from glossary.mining.count import DocumentCounts

    random = np.random.default_rng(7)
    names = [f"c{k}" for k in range(50)]
    parts = [(random.integers(0, 50, size).astype(np.int32), random.integers(0, 1000, size).astype(np.int32),
              random.integers(1, 9, size)) for size in (0, 1, 300, 57, 1000)]
    # what grouping all the rows at once gives: a stable sort of them by candidate
    codes, docs, occurrences = (np.concatenate([part[c] for part in parts]) for c in range(3))
    order = np.argsort(codes, kind="stable")
    codes, docs, occurrences = codes[order], docs[order], occurrences[order]
    by_part = DocumentCounts.of_parts(names, list(parts))
    whole = DocumentCounts(names, *(np.concatenate([part[c] for part in parts]) for c in range(3)))
    for k, name in enumerate(names):
        assert by_part.documents(name) == whole.documents(name) == (codes == k).sum()
        a = by_part[name]
        assert a.docs.tolist() == docs[codes == k].tolist() and a.counts.tolist() == occurrences[codes == k].tolist()
        assert a.docs.dtype == docs.dtype and a.counts.dtype == occurrences.dtype
    assert DocumentCounts.of_parts(names, []).documents("c3") == 0


def test_shared_hashes_are_found_a_share_at_a_time_as_at_once():
    import numpy as np
    import pandas as pd

    from glossary.mining.count import repeated_hashes

    hashes = np.random.default_rng(3).integers(0, 1 << 21, 1 << 20, dtype=np.uint64) * np.uint64(0x9E3779B1)
    assert (repeated_hashes(hashes) == pd.Series(hashes).duplicated(keep=False).to_numpy()).all()
    assert 0 < repeated_hashes(hashes).sum() < len(hashes)


def test_repeated_hashes_among_some_rows_and_group_sums_are_pandas_answers():
    """repeated_hashes among a mask of rows (pruning's character multisets, long forms only) and hash_group_sums
    (pruning's levels past max_candidates), a share of the hashes at a time, answer as pandas does at once."""
    import numpy as np
    import pandas as pd

    from glossary.mining.count import hash_group_sums, repeated_hashes

    rng = np.random.default_rng(5)
    for n in (1_000, 1 << 20):
        hashes = rng.integers(0, n, n, dtype=np.uint64) * np.uint64(0x9E3779B1)
        among = rng.random(n) < 0.7
        expected = np.zeros(n, dtype=bool)
        expected[among] = pd.Series(hashes[among]).duplicated(keep=False).to_numpy()
        found = repeated_hashes(hashes, among=among)
        assert (found == expected).all() and 0 < found.sum() < among.sum()
        values = rng.integers(1, 50, n)
        sums = hash_group_sums(hashes, values)
        assert (sums == pd.Series(values).groupby(hashes).transform("sum").to_numpy()).all()
        assert (sums > values).any()
