from glossary.mining.hashing import polynomial_hashes, string_hash, string_hashes


def test_the_numpy_hashes_are_those_of_each_string():
    """string_hashes (all strings in one pass) equals string_hash (one string, as counting hashes a window)."""
    strings = ["", "工发组织", "联合国工业发展组织", "COVID-19大流行病", "工发组织", "", "非"]
    assert string_hashes(strings).tolist() == [string_hash(text) for text in strings]
    assert string_hash("工发组织") != string_hash("组织工发")
    assert string_hashes([]).tolist() == []


def test_hashes_of_code_point_columns_are_those_of_the_strings():
    """polynomial_hashes (rows of code points given column by column) equals string_hash of each row's string."""
    import numpy as np

    strings = ["工发组织", "国别方案", "货易发展"]
    columns = [np.array([ord(text[k]) for text in strings], dtype=np.uint32) for k in range(4)]
    assert polynomial_hashes(columns).tolist() == [string_hash(text) for text in strings]


def test_binary_searches_of_unsorted_values_find_each_place():
    """searched equals numpy's searchsorted whatever the values' order; sorted_positions gives -1 for a key absent."""
    import numpy as np

    from glossary.mining.hashing import searched, sorted_positions

    keys = np.array([3, 8, 8, 15, 40], dtype=np.uint64)
    values = np.array([40, 0, 8, 16, 3, 99], dtype=np.uint64)
    for side in ("left", "right"):
        assert searched(keys, values, side).tolist() == np.searchsorted(keys, values, side).tolist()
    distinct = np.array([3, 8, 15, 40], dtype=np.uint64)
    assert sorted_positions(distinct, values).tolist() == [3, -1, 1, -1, 0, -1]
    assert sorted_positions(distinct[:0], values).tolist() == [-1] * 6
