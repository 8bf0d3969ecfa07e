"""The tasks of a parallel write: each format's feeds as one, then the pages in tasks that
shrink towards the end, so the two processes taking them in turn end together."""

from __future__ import annotations

import pytest

from pipeline.build.plan import Output
from pipeline.build.write import _Job, _ranges

FEEDS = ("rss.xml", "essays/rss.xml", "atom.xml", "essays/atom.xml")


@pytest.mark.parametrize("pages", [1, 15, 300, 3000, 12500])
def test_page_tasks_shrink_to_a_few_pages_at_the_end(pages: int) -> None:
    jobs = [_Job(Output(path), False) for path in FEEDS]
    jobs += [_Job(Output(f"essays/post-{n:05d}/index.html"), False) for n in range(pages)]
    ranges = _ranges(jobs)
    assert [start for start, _ in ranges] == [0, *(stop for _, stop in ranges[:-1])]
    assert ranges[-1][1] == len(jobs)
    assert ranges[:2] == [(0, 2), (2, 4)]  # a format's feeds in one task (one memo)
    sizes = [stop - start for start, stop in ranges[2:]]
    assert max(sizes) <= 256
    assert sizes == sorted(sizes, reverse=True)
    for n, size in enumerate(sizes[:-1]):  # at most an eighth of what is left, or 16
        left = sum(sizes[n:])
        assert size <= max(16, left // 8)
    assert sizes[-1] <= 16
