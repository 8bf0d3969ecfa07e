"""A pruned menu's key (what a page's inputs digest holds of its menu) changes exactly when the
menu the page shows changes: an edit inside its window, or to another group's first entry,
rewrites it; one far outside, not (the edit build of a large GitBook space rewrites a hundred
pages, not ten thousand)."""

from __future__ import annotations

import dataclasses

from pipeline.syndication.theme.navigation import (
    KEY_BLOCK,
    MENU_WINDOW,
    NavGroup,
    Navigation,
    NavLink,
)

SIZES = (400, 7, 1)


def _nav(titles: dict[tuple[int, int], str] | None = None) -> Navigation:
    titles = titles or {}
    groups = tuple(
        NavGroup(
            f"Group {g}",
            tuple(
                NavLink(
                    titles.get((g, n), f"Page {g}-{n}"), f"https://e.org/{g}/{n}/", 1, f"{g}/{n}.md"
                )
                for n in range(size)
            ),
        )
        for g, size in enumerate(SIZES)
    )
    return Navigation(groups)


def _menu(nav: Navigation, source: str) -> tuple[NavGroup, ...]:
    return nav.menu_for(source)


def test_the_key_changes_with_the_window_and_the_other_groups_heads_only() -> None:
    base = _nav()
    page = "0/200.md"
    cases = {
        (0, 200 + MENU_WINDOW): True,  # the window's last entry
        (0, 200 - MENU_WINDOW): True,  # its first
        (0, 0): False,  # its own group's first entry, far outside the window
        (0, 399): False,
        (1, 0): True,  # another group's first entry: shown on every page
        (1, 3): False,  # another group's entry not shown here
        (2, 0): True,
    }
    for (g, n), shown in cases.items():
        edited = _nav({(g, n): "Renamed"})
        assert (_menu(edited, page) != _menu(base, page)) is shown, (g, n)
        assert (edited.digest_for(page) != base.digest_for(page)) is shown, (g, n)


def test_the_key_of_every_page_follows_its_menu() -> None:
    """Over every page of a group, and one edit near a block's edge: the key differs exactly
    where the menu does (pages whose window misses the edit by less than a block may be
    rewritten too: never a page whose menu changed kept)."""
    base = _nav()
    edited = _nav({(0, 2 * KEY_BLOCK): "Renamed"})
    rewritten = 0
    for n in range(SIZES[0]):
        page = f"0/{n}.md"
        menu_changed = _menu(edited, page) != _menu(base, page)
        key_changed = edited.digest_for(page) != base.digest_for(page)
        assert key_changed or not menu_changed, n
        rewritten += key_changed
    assert rewritten <= 2 * MENU_WINDOW + 1 + 2 * KEY_BLOCK


def test_pages_at_other_places_have_other_keys() -> None:
    nav = _nav()
    keys = {nav.digest_for(f"0/{n}.md") for n in range(SIZES[0])}
    assert len(keys) == SIZES[0]
    outside = nav.digest_for("elsewhere.md")
    assert outside not in keys
    grown = dataclasses.replace(nav, groups=(*nav.groups, NavGroup("More", ())))
    assert grown.digest_for("0/5.md") != nav.digest_for("0/5.md")
    assert grown.digest_for("elsewhere.md") != outside
