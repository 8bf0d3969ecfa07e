"""A static search index a browser reads with no server: the words of every page, split
into small JSON files by the words' first two characters, so a query fetches only the files
of its own words.

``search/manifest.json``
    ``{"format": 1, "docs": N, "per_file": 500, "files": [shard keys], "state": "…"}``:
    how many pages, how the page table is split, which word files exist (the search box
    fetches no file that is not there), and a digest of the whole index (``?v=`` of every
    fetch, so a browser never mixes files of two builds from its cache).
``search/docs/K.json``
    pages ``K*500`` to ``K*500+499``: ``[[url, title, summary, section], …]``, ``url``
    relative to the site's root.
``search/words/KEY.json``
    ``{"word": [page, weight, page, weight, …], …}`` for every word starting with the two
    characters of ``KEY`` (:func:`shard_key`), pages in increasing order. ``weight`` is how
    often the word occurs in the page's text and description, plus :data:`TITLE_WEIGHT`
    times how often it occurs in its title.

A page's number is its position in the sorted list of URLs, so the same pages always give
the same bytes. Pure functions: :mod:`pipeline.build.searchcache` decides what to rewrite.
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from pipeline.support import jsontext
from pipeline.syndication.search.tokens import counts, html_text, summary_of

FORMAT = 1
TITLE_WEIGHT = 5
PER_FILE = 500
"""Pages per file of the page table (about 150 KB at 300 bytes a page)."""
FOLDER = "search"
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class SearchPage:
    """A page as the index sees it."""

    url: str
    """Relative to the site's root: ``essays/why-we-gather/``, ``""`` for the home page."""
    title: str
    description: str | None
    section: str
    html: str
    """The rendered body (the page's own text: no menus, dates or lists)."""


@dataclass(frozen=True)
class PageWords:
    """What the index holds of one page, apart from its URL, title and section."""

    summary: str
    """The description, else the start of the text."""
    weights: Mapping[str, int]
    """Word -> weight (see the module's docstring)."""


Doc = tuple[str, str, str, str]
"""A row of the page table: url, title, summary, section."""


def analyse(page: SearchPage) -> PageWords:
    """The words of one page and their weights, and its summary."""
    text = html_text(page.html)
    found = counts(text)
    if page.description:
        found.update(counts(page.description))
    for word, n in counts(page.title).items():
        found[word] += TITLE_WEIGHT * n
    summary = " ".join(page.description.split()) if page.description else summary_of(text)
    return PageWords(summary, dict(found))


def shard_key(word: str) -> str:
    """The file a word is in: its first two characters as they are when both are ASCII
    (letters, digits, ``_``: safe in a file name and a URL), else ``x`` and their code points
    in hex joined by ``-`` (``x67-fc``), which no ASCII key (two characters) can be."""
    head = word[:2]
    if head.isascii():
        return head
    return "x" + "-".join(f"{ord(c):x}" for c in head)


def shard_path(key: str) -> str:
    return f"words/{key}.json"


def docs_path(number: int) -> str:
    return f"docs/{number}.json"


def _dump(value: object) -> bytes:
    return (json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def shard_bytes(postings: Mapping[str, Sequence[int]]) -> bytes:
    """A word file: words sorted, each one's pages in increasing order (as given)."""
    return _dump({word: _ints(postings[word]) for word in sorted(postings)})


def _ints(pairs: Sequence[int]) -> list[int]:
    """A word's pages and weights as a list for the encoder (an array's ``tolist`` is one C
    call; ``list`` of it makes each int by a call of the iterator)."""
    return pairs.tolist() if isinstance(pairs, array) else list(pairs)


def docs_bytes(rows: Sequence[Doc]) -> bytes:
    return _dump([list(row) for row in rows])


def manifest_bytes(docs: int, keys: Iterable[str], state: str) -> bytes:
    value = {
        "format": FORMAT,
        "docs": docs,
        "per_file": PER_FILE,
        "files": sorted(keys),
        "state": state,
    }
    return _dump(value)


class BadIndexFile(ValueError):
    """A file of the index on disk is not what this module writes."""


def parse_shard(data: bytes) -> dict[str, list[int]]:
    try:
        value = jsontext.loads(data)
    except ValueError:
        raise BadIndexFile("not JSON") from None
    if not isinstance(value, dict) or not all(
        isinstance(v, list) and len(v) % 2 == 0 and all(type(n) is int for n in v)
        for v in value.values()
    ):
        raise BadIndexFile("not a word file")
    return value


def parse_docs(data: bytes) -> list[Doc]:
    try:
        value = jsontext.loads(data)
    except ValueError:
        raise BadIndexFile("not JSON") from None
    if not isinstance(value, list) or not all(
        isinstance(row, list) and len(row) == 4 and all(isinstance(v, str) for v in row)
        for row in value
    ):
        raise BadIndexFile("not a page table")
    return [(row[0], row[1], row[2], row[3]) for row in value]


def parse_manifest(data: bytes) -> tuple[int, list[str], str]:
    """(pages, word file keys, state) of a manifest this module wrote."""
    try:
        value = jsontext.loads(data)
    except ValueError:
        raise BadIndexFile("not JSON") from None
    if (
        not isinstance(value, dict)
        or value.get("format") != FORMAT
        or value.get("per_file") != PER_FILE
        or type(value.get("docs")) is not int
        or not isinstance(value.get("files"), list)
        or not all(isinstance(k, str) for k in value["files"])
        or not isinstance(value.get("state"), str)
    ):
        raise BadIndexFile("not a manifest of this version")
    return value["docs"], value["files"], value["state"]


def postings_of(
    first: int,
    weights: Iterable[Mapping[str, int]],
    into: dict[str, array[int]] | None = None,
) -> dict[str, array[int]]:
    """Word -> ``[page, weight, page, weight, …]`` of pages numbered from ``first``, as
    machine integers: 3 million pairs of 10,000 pages are 48 MB, not a list's 200 MB of ints.
    ``into``: the postings of the pages before them, added to (not merged afterwards)."""
    postings: dict[str, array[int]] = {} if into is None else into
    for number, found in enumerate(weights, first):
        for word, weight in found.items():
            at = postings.get(word)
            if at is None:
                postings[word] = array("q", (number, weight))
            else:
                at.append(number)
                at.append(weight)
    return postings


def add_postings(into: dict[str, array[int]], later: Mapping[str, array[int]]) -> None:
    """Append the postings of later pages (a word's pages at a time, not a page at a time)."""
    for word, pairs in later.items():
        at = into.get(word)
        if at is None:
            into[word] = pairs
        else:
            at.extend(pairs)


def word_files(postings: dict[str, array[int]]) -> dict[str, dict[str, array[int]]]:
    """``postings`` by the key of the word file each word is in (``postings`` is emptied)."""
    shards: dict[str, dict[str, array[int]]] = {}
    for word in list(postings):
        shards.setdefault(shard_key(word), {})[word] = postings.pop(word)
    return shards


def table_files(
    docs: Sequence[Doc], keys: Sequence[str], state: str
) -> Iterator[tuple[str, bytes]]:
    """The page table's files and the manifest (last), which lists the word files ``keys``."""
    for start in range(0, len(docs), PER_FILE):
        yield docs_path(start // PER_FILE), docs_bytes(docs[start : start + PER_FILE])
    yield MANIFEST, manifest_bytes(len(docs), sorted(keys), state)


def index_files(
    docs: Sequence[Doc], postings: dict[str, array[int]], state: str
) -> Iterator[tuple[str, bytes]]:
    """Every file of the index (path under ``search/``, bytes), the manifest last: ``docs``
    sorted by URL, ``postings`` of those page numbers (emptied as its files are made)."""
    shards = word_files(postings)
    keys = sorted(shards)
    for key in keys:
        yield shard_path(key), shard_bytes(shards.pop(key))
    yield from table_files(docs, keys, state)


def whole_index(pages: Sequence[tuple[Doc, Mapping[str, int]]], state: str) -> dict[str, bytes]:
    """Every file of the index of ``pages`` (each its page table row and weights, sorted by
    URL), by path under ``search/``."""
    postings = postings_of(0, (weights for _, weights in pages))
    return dict(index_files([row for row, _ in pages], postings, state))


def changed_words(old: Mapping[str, int], new: Mapping[str, int]) -> set[str]:
    """Words whose weight in a page differs between two versions of it."""
    return {w for w in old.keys() | new.keys() if old.get(w) != new.get(w)}


def update_postings(
    postings: dict[str, list[int]],
    words: Iterable[str],
    changes: Mapping[int, Mapping[str, int]],
) -> None:
    """Set, in one word file's ``postings``, each page's new weight of each of ``words``
    (``changes``: page number -> its new weights; a word it no longer has is removed, and a
    word no page has any more goes)."""
    for word in words:
        pairs = postings.get(word, [])
        weight_of = dict(zip(pairs[::2], pairs[1::2], strict=True))
        for number, found in changes.items():
            weight = found.get(word)
            if weight is None:
                weight_of.pop(number, None)
            else:
                weight_of[number] = weight
        if weight_of:
            postings[word] = [
                n for number in sorted(weight_of) for n in (number, weight_of[number])
            ]
        else:
            postings.pop(word, None)
