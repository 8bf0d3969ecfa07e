"""``Site.published`` and its siblings are answered once per tuple of items (a build asks
several times), and never with another site's answer: asked alternately of two sites, at two
moments, each answer is the one worked out afresh."""

from __future__ import annotations

import datetime as dt
import threading

from pipeline.model import Item, Site

UTC = dt.UTC


def _item(n: int, day: int, draft: bool = False, kind: str = "essay") -> Item:
    return Item(
        id=f"i{n}", kind=kind, section="essays", source=f"essays/{n}.md", title=f"T{n}",
        slug=f"t{n}", url=f"https://e.org/{n}/", date=dt.datetime(2024, 1, day, tzinfo=UTC),
        draft=draft,
    )  # fmt: skip


def _fresh(site: Site, now: dt.datetime) -> tuple[Item, ...]:
    """What ``published`` answers, worked out here."""
    live = [i for i in site.items if i.is_feed_item and not i.draft and i.date and i.date <= now]
    return tuple(sorted(live, key=lambda i: (i.date, i.guid), reverse=True))


def test_answers_are_each_sites_own_at_each_moment() -> None:
    one = Site((_item(1, 1), _item(2, 5), _item(3, 3, draft=True), _item(4, 9)))
    two = Site((_item(5, 2), _item(6, 8, kind="page"), _item(7, 4)))
    copy = Site(tuple(one.items[:2]))  # equal items, another tuple
    moments = [dt.datetime(2024, 1, d, tzinfo=UTC) for d in (4, 10)]
    for _ in range(2):
        for site in (one, two, copy, one):
            for now in moments:
                assert site.published(now) == _fresh(site, now)
                assert site.count_published(now) == len(_fresh(site, now))
    assert one.published(moments[1]) is one.published(moments[1])  # worked out once


def test_threads_asking_of_different_sites_get_their_own_answers() -> None:
    sites = [Site(tuple(_item(n * 10 + k, k + 1) for k in range(n + 1))) for n in range(6)]
    now = dt.datetime(2024, 2, 1, tzinfo=UTC)
    wrong: list[int] = []

    def ask(site: Site) -> None:
        for _ in range(300):
            if len(site.published(now)) != len(site.items):
                wrong.append(len(site.items))

    threads = [threading.Thread(target=ask, args=(s,)) for s in sites]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert wrong == []
