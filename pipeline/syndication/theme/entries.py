"""A list's entries and the menu's links, each rendered once per build and made relative per
page.

An item shows up on several lists (its section, each of its tags, its year, the home page),
and a menu link on every page of its part of the menu: on a site of short posts the list pages
cost as much as the item pages, and a GitBook space's menu (a hundred links a page) more than
the rest of its page. ``entry(obj, macro)`` therefore renders a macro of ``macros.html.j2``
(``item_entry``, ``menu_link``) once per object with a ``rel()`` that marks each site URL
(``\x02path\x03``) instead of making it relative; each page then replaces the marks with its
own ``../`` prefix, which gives the bytes ``rel()`` gives. The macro sees the site-wide values
(``_``, ``date``, ``tag_url`` …), not the page's: a macro whose text the marks do not account
for exactly (a mark in the object's own text, a URL compared rather than written), that uses a
page's value, or that ``macros.html.j2`` does not define, is rendered per page, as any other
macro is.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

import jinja2
from markupsafe import Markup

_OPEN, _CLOSE = "\x02", "\x03"

Macro = Callable[..., str]
"""A macro of ``macros.html.j2`` as the template passes it: called with the object (and the
menu's ``current`` flag)."""


class Count(threading.local):
    """Marks made by the rendering under way in this thread."""

    n = 0


def marking(base: str, calls: Count) -> Callable[[str], str]:
    """A ``rel()`` that marks the site's URLs, counting them in ``calls.n``."""

    def rel(url: str) -> str:
        if not url.startswith(base):
            return url
        calls.n += 1
        return f"{_OPEN}{url[len(base) :]}{_CLOSE}"

    return rel


def unmark(text: str, base: str, rel: Callable[[str], str]) -> str:
    """Each mark replaced by what the page's own ``rel()`` makes of the site URL it stands for
    (the path after the mark is already escaped: ``rel()`` only changes the URL's start)."""
    head, *marked = text.split(_OPEN)
    parts = [head]
    for piece in marked:
        path, _, tail = piece.partition(_CLOSE)
        parts.append(rel(base + path))
        parts.append(tail)
    return "".join(parts)


class Entries:
    """``entry(item, macro, rel)``: ``macro(item)`` on a page whose ``rel()`` is ``rel``, from
    the marked rendering of the macro of that name in the build's ``macros.html.j2``;
    ``macro`` itself (the page's own) when the marks cannot stand for it. ``make`` makes the
    macros module over a ``rel()``."""

    def __init__(self, make: Callable[[Callable[[str], str]], Any], base: str) -> None:
        self._make = make
        self._base = base
        self._module: Any = None
        self._calls = Count()
        self._done: dict[tuple[int, str], tuple[object, str | None]] = {}
        self._unmarked: dict[tuple[str, str], dict[int, tuple[object, str]]] = {}
        """(``rel_key``, macro name) -> id of a link -> (the link, its text on such a page)."""

    def entry(self, item: object, macro: Macro, rel: Callable[[str], str]) -> Markup:
        text = self._text(item, getattr(macro, "name", ""))
        return Markup(macro(item)) if text is None else Markup(unmark(text, self._base, rel))

    def links(
        self,
        links: Sequence[Any],
        macro: Macro,
        rel: Callable[[str], str],
        current: str,
        rel_key: str,
        list_url: str = "",
        above: frozenset[str] = frozenset(),
    ) -> Markup:
        """A menu's links, as ``entry(link, macro)`` for each but the link whose ``source`` is
        ``current`` (the page's own; on a list page, which has no source, the link without a
        source whose ``url`` is ``list_url``: a section's own entry), which is
        ``macro(link, true)``: the same bytes as a loop
        over ``entry()`` in the template. ``rel_key`` names what ``rel`` does (pages at the same
        depth share it): each link's unmarked text is kept for the next page with that key,
        which shows mostly the same links (a pruned menu shows a hundred links on each page of
        a large space). A link's marks are its own: unmarking the texts one by one gives the
        bytes of unmarking them joined. A link to a page above this one (``above``: the URLs
        of its trail, a post's section) is ``macro(link, "section")``."""
        name = getattr(macro, "name", "")
        kept = self._unmarked.setdefault((rel_key, name), {})
        parts: list[str] = []
        for link in links:
            if (current and link.source == current) or (
                list_url and not current and not link.source and link.url == list_url
            ):
                parts.append(str(macro(link, True)))
                continue
            if link.url in above:  # the section the page is in
                parts.append(str(macro(link, "section")))
                continue
            known = kept.get(id(link))
            if known is None or known[0] is not link:
                text = self._text(link, name)
                if text is None:  # rendered per page, as entry() renders it
                    parts.append(str(macro(link)))
                    continue
                known = kept[id(link)] = (link, unmark(text, self._base, rel))
            parts.append(known[1])
        return Markup("".join(parts))

    def _text(self, item: object, name: str) -> str | None:
        """The marked rendering of ``item`` by the macro ``name``, made once per object (None
        when it must be rendered per page)."""
        key = (id(item), name)
        known = self._done.get(key)
        if known is None or known[0] is not item:
            known = self._done[key] = (item, self._marked(item, name))
        return known[1]

    def _marked(self, item: object, name: str) -> str | None:
        if self._module is None:
            self._module = self._make(marking(self._base, self._calls))
        render = getattr(self._module, name, None) if name else None
        if render is None:  # not a macro of macros.html.j2: rendered per page
            return None
        self._calls.n = 0
        try:
            text = str(render(item))
        except jinja2.UndefinedError:  # it needs the page's values: rendered per page
            return None
        calls = self._calls.n
        if text.count(_OPEN) != calls or text.count(_CLOSE) != calls:
            return None
        return text
