"""How work runs beside this process (glossary.parallel)."""

import os
import sys

import pytest

from glossary.parallel import map_forked, mapped_beside


def _square_and_pid(n):
    return n * n, os.getpid()


@pytest.mark.skipif(sys.platform != "linux", reason="processes are forked on Linux only")
def test_work_mapped_beside_runs_in_a_forked_process_and_keeps_the_order():
    with mapped_beside(_square_and_pid, range(6), 1) as results:
        here = [n for n in range(3)]  # this process goes on meanwhile
        squares, pids = zip(*results)
    assert here == [0, 1, 2] and squares == (0, 1, 4, 9, 16, 25)
    assert os.getpid() not in pids


def test_with_no_process_to_spare_work_runs_here_as_it_is_read():
    with mapped_beside(_square_and_pid, [3, 4], 0) as results:
        assert list(results) == [(9, os.getpid()), (16, os.getpid())]
    with mapped_beside(_square_and_pid, [5], 2) as results:  # one item: not worth a process
        assert list(results) == [(25, os.getpid())]


def test_map_forked_gives_the_same_in_order():
    assert [square for square, _ in map_forked(_square_and_pid, list(range(5)), 2)] == [0, 1, 4, 9, 16]
