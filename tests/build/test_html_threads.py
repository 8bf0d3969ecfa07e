"""The render cache's HTML read from several threads at once (the feeds spliced ahead on a
thread while the main thread plans, and renders a page of each template): each thread reads
through a connection of its own (SQLite refuses one another thread opened), and a page's HTML
is found whatever another thread read or let go meanwhile."""

from __future__ import annotations

import threading
from pathlib import Path

from pipeline.build.keys import ItemKeys
from pipeline.build.site import HtmlSource, RenderCache, Rendered
from pipeline.model import Item

COUNT = 40


def _item(n: int) -> Item:
    return Item(
        id=f"i{n}", kind="essay", section="essays", source=f"essays/{n}.md", title=f"T{n}",
        slug=f"t{n}", url=f"https://e.org/{n}/", date=None,
    )  # fmt: skip


def _source(folder: Path) -> tuple[HtmlSource, list[Item]]:
    """Items whose HTML (``<p>n</p>``) is in the render cache of ``folder``."""
    items = [_item(n) for n in range(COUNT)]
    cache = RenderCache(folder)
    cache.put_many(
        (f"k{n}", Rendered(f"<p>{n}</p>", (), None, (), (), f"sha{n}")) for n in range(COUNT)
    )
    cache.close()
    keys = {i.source: ItemKeys("b", f"k{n}") for n, i in enumerate(items)}
    return HtmlSource(folder, keys), items


class _ReadMeanwhile(dict[str, str]):
    """The HTML read so far, where another thread reads a page's HTML just after this one
    found it missing (the moment a race leaves)."""

    def __init__(self, meanwhile: dict[str, str]) -> None:
        super().__init__()
        self.meanwhile = meanwhile

    def get(self, key: str, default: str | None = None) -> str | None:  # type: ignore[override]
        found = super().get(key, default)
        if found is None and key in self.meanwhile:
            self[key] = self.meanwhile.pop(key)  # the other thread's read lands now
        return found


def test_html_another_thread_read_meanwhile_is_found(tmp_path: Path) -> None:
    source, items = _source(tmp_path)
    source.html = _ReadMeanwhile({"k3": "<p>3</p>"})
    assert source.fill(items[3]).html == "<p>3</p>"


def test_threads_read_the_html_through_their_own_connections(tmp_path: Path) -> None:
    source, items = _source(tmp_path)
    failed: list[BaseException] = []
    wrong: list[str] = []

    def read(offset: int) -> None:
        try:
            for round_ in range(200):
                n = (offset + round_) % COUNT
                if round_ % 3 == 0:
                    source.forget()  # as a writer lets go of what it read
                if round_ % 5 == 0:
                    source.load(items[n : n + 4])
                filled = source.fill(items[n])
                if filled.html != f"<p>{n}</p>":
                    wrong.append(filled.html)
        except BaseException as exc:
            failed.append(exc)

    threads = [threading.Thread(target=read, args=(k * 7,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failed == []
    assert wrong == []
