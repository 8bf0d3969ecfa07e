"""The pages a link of ``SUMMARY.md`` (or of ``.gitbook.yaml``) may name, and the page it
names: a path read as GitBook reads it (a folder or a name without ``.md`` leads to its
``README.md``), then the same path of another case, said.

One table of a space's pages (:func:`page_names`) serves every reader of one table of
contents in a build (loading, the first page, navigation, the space's old URLs), each target
resolved once: at 10,000 pages, four readers had made 40,000 resolutions of 10,000 targets.
"""

from __future__ import annotations

import functools
import posixpath
from collections.abc import Callable, Iterable, Iterator, Mapping

from pipeline.support.paths import link_path
from pipeline.support.text import nfc

FOLDER_INDEXES = ("README.md", "index.md")
"""The pages a folder named in a table of contents leads to, in this order."""


class PageNames(Mapping[str, str]):
    """The pages a table of contents may name: the NFC form of each path -> the path as found
    on disk, as :func:`resolve_target` takes them. Read-only, so the case-folded map a link
    that names no page is looked up in is made once, on the first such link (made per link,
    a table listing 10,000 pages the build does not have cost 10,000 passes over every page).
    """

    def __init__(self, sources: Iterable[str]) -> None:
        self._by_nfc = {nfc(s): s for s in sources}
        self.resolved: dict[str, tuple[str | None, str]] = {}
        """:func:`resolve_target`'s answers so far (a build asks each entry's target of the
        same pages three or four times: loading, navigation, the space's old URLs)."""

    def __getitem__(self, key: str) -> str:
        return self._by_nfc[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_nfc)

    def __len__(self) -> int:
        return len(self._by_nfc)

    def __contains__(self, key: object) -> bool:
        return key in self._by_nfc

    @functools.cached_property
    def folded(self) -> dict[str, str]:
        return _folded(self._by_nfc)

    def resolve(self, target: str) -> tuple[str | None, str]:
        """:func:`resolve_target` of ``target`` among these pages."""
        return resolve_target(target, self)


def page_names(sources: Iterable[str]) -> PageNames:
    """The :class:`PageNames` of these sources, the same one (its answers kept) for the same
    sources in the same order."""
    return _page_names(tuple(sources))


@functools.lru_cache(maxsize=4)
def _page_names(sources: tuple[str, ...]) -> PageNames:
    return PageNames(sources)


def page_resolver(sources: Iterable[str]) -> Callable[[str], tuple[str | None, str]]:
    """:func:`resolve_target` among these pages' sources (the theme's navigation is given it:
    see :data:`pipeline.syndication.theme.navigation.Resolver`)."""
    return page_names(sources).resolve


def _folded(sources: Mapping[str, str]) -> dict[str, str]:
    return {k.casefold(): v for k, v in sources.items()}


def resolve_target(target: str, sources: Mapping[str, str]) -> tuple[str | None, str]:
    """The page a SUMMARY.md link points at, and a note when only case differs.

    ``sources`` maps the NFC form of each page path to the path as found on disk. Folders and
    paths without ``.md`` lead to their ``README.md``/``index.md``; a leading ``/`` or ``./``
    is ignored (both mean the content root here). The path is percent-decoded once cut from
    its query and fragment (:func:`~pipeline.support.paths.link_path`).
    """
    if isinstance(sources, PageNames):
        found = sources.resolved.get(target)
        if found is None:
            found = sources.resolved[target] = _resolve_target(target, sources)
        return found
    return _resolve_target(target, sources)


def _resolve_target(target: str, sources: Mapping[str, str]) -> tuple[str | None, str]:
    path = link_path(target).strip()
    path = posixpath.normpath(nfc(path).lstrip("/")) if path else ""
    path = "" if path == "." else path
    candidates = [path] if path.lower().endswith((".md", ".markdown")) else []
    candidates += [posixpath.join(path, index) for index in FOLDER_INDEXES] + [f"{path}.md"]
    for candidate in candidates:
        if candidate in sources:
            return sources[candidate], ""
    folded = sources.folded if isinstance(sources, PageNames) else _folded(sources)
    for candidate in candidates:
        if candidate.casefold() in folded:
            found = folded[candidate.casefold()]
            return found, f"link writes {target!r} but the file is {found!r} (case differs)"
    return None, ""
