"""Local links and images that point at nothing, as warnings of ``build`` and ``validate``.

Rendering records the target of every link and image that stays inside the content tree
(:class:`LinkRecorder`, kept with the item and in the render cache). Each build checks those
targets against the files with the link checker's own :class:`~.local.LocalChecker` (no
second resolver): cheap, because nothing is parsed again. Only a file with a target that
points at nothing is scanned, to name the line of each such link.

Same-page anchors and our own absolute URLs are left to ``publish links``: this is the
"a 404 download link" check, not the full link report.
"""

from __future__ import annotations

import hashlib
import posixpath
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.config import Config
from pipeline.errors import ContentError, Problem
from pipeline.linkcheck.local import LocalChecker
from pipeline.linkcheck.results import BROKEN, Outcome
from pipeline.linkcheck.sitepaths import LOCAL, classify
from pipeline.load.loader import shown
from pipeline.load.mode import gitbook_mode
from pipeline.model import Item, LinkRef, Site
from pipeline.render.links import PageContext
from pipeline.render.markdown import scan
from pipeline.support.text import nfc


@dataclass
class LinkRecorder(PageContext):
    """A :class:`PageContext` that also notes each local target it resolves, in order."""

    local: dict[tuple[str, str], None] = field(default_factory=dict)
    """(kind, target as written) -> None: an ordered set."""

    def resolve(self, target: str, kind: str) -> str:
        if is_local(target, self.site_url):
            self.local[(kind, target.strip())] = None
        return super().resolve(target, kind)

    def titled(self, target: str) -> tuple[str, str] | None:
        """The page named and its title, the page noted as a ``card`` link when found: this
        one is rendered again when that title changes (see :mod:`pipeline.build.snapshot`)."""
        page = super().titled(target)
        if page is not None:
            self.local[(CARD, page[0])] = None
        return page


CARD = "card"
"""The kind of a local "link" that names the source of a page whose title this one shows
(a GitBook link card): not a link as written, never checked as one."""


def is_local(target: str, base_url: str) -> bool:
    """A link to a file or folder of the content tree (not an anchor on the same page)."""
    stripped = target.strip()
    return bool(stripped) and stripped[0] != "#" and classify(stripped, base_url) == LOCAL


BodyOf = Callable[[Item], str]
"""The Markdown body of an item, also of one loaded without it (the build passes one that
reads it again: :func:`pipeline.build.keys.body_reader`)."""


@dataclass(frozen=True)
class KnownLinks:
    """Each item's broken local targets as an earlier check found them, valid while ``state``
    is the same (the caller's key of the settings and of the names and kinds of every file and
    folder of the tree, with the unpublished pages). The build keeps it between builds."""

    state: str
    broken: Mapping[str, tuple[str, frozenset[str]]]
    """Source -> (a digest of its local links, the targets among them that point at nothing)."""


def dangling_links(
    cfg: Config,
    content_dir: Path,
    items: Sequence[Item],
    *,
    body_of: BodyOf | None = None,
    tree: str | None = None,
    known: KnownLinks | None = None,
) -> tuple[list[Problem], KnownLinks | None]:
    """A warning at ``path:line`` for each local link or image of ``items`` that points at
    nothing (a missing file, a folder without an index, a page that is not published).

    ``tree`` is the caller's digest of everything else a check reads (the build's key and the
    tree's names; None: nothing is kept): with it, the results of ``known`` are reused for every
    item whose links are the same, and the results to keep are returned with the warnings.
    ``body_of`` gives the body of an item loaded without it (only read for an item with a
    broken link, to name its line); items hold theirs without one."""
    checker = LocalChecker(
        content_dir,
        (),
        base_url=cfg.site.base_url,
        redirects=cfg.content.redirects,
        unpublished={i.source for i in items if i.draft},
        toc=cfg.content.summary,
        clamp=gitbook_mode(cfg, content_dir),
    )
    state = "" if tree is None else _state(cfg, checker, tree)
    reuse = known.broken if known is not None and state and known.state == state else {}
    kept: dict[str, tuple[str, frozenset[str]]] = {}
    found: list[Problem] = []
    # a link's status depends on its folder, its target and whether a page links it, not on
    # which file of the folder: 110,000 links of 10,000 posts are ~14,000 checks, not 110,000
    status: dict[tuple[str, str, str, bool], bool] = {}
    for item in items:
        if not item.local_links:
            continue
        links = _digest(*(f"{kind}\0{target}" for kind, target in item.local_links))
        last = reuse.get(item.source)
        broken = (
            last[1] if last is not None and last[0] == links else _broken(checker, item, status)
        )
        kept[item.source] = (links, broken)
        if broken:
            body = body_of(item) if body_of is not None else item.body
            found.extend(_where(cfg, checker, item, body, broken))
    return [shown(content_dir, p) for p in found], KnownLinks(state, kept) if state else None


def _state(cfg: Config, checker: LocalChecker, tree: str) -> str:
    """The digest of everything a link's status depends on besides the item: the caller's
    ``tree``, the site's URL, the redirects, SUMMARY.md and the unpublished files."""
    return _digest(
        tree,
        cfg.site.base_url,
        *(f"{k}\0{v}" for k, v in sorted(cfg.content.redirects.items())),
        cfg.content.summary,
        f"clamp={checker.clamp}",
        *sorted(checker.unpublished),
    )


def _broken(
    checker: LocalChecker, item: Item, status: dict[tuple[str, str, str, bool], bool]
) -> frozenset[str]:
    """The targets of ``item``'s local links that point at nothing. ``status`` keeps each
    check's answer by (folder, kind, target, linked from a published page): a link's status
    depends on those, not on which file of the folder links."""
    folder = posixpath.dirname(item.source)
    from_page = nfc(item.source) not in checker.unpublished and item.source != checker.toc
    bad_targets = set()
    for kind, target in item.local_links:
        if kind == CARD:  # a page's title shown: its link is checked as a link
            continue
        key = (folder, kind, target, from_page)
        bad = status.get(key)
        if bad is None:
            ref = LinkRef(item.source, item.body_line, target, "", kind)
            bad = status[key] = checker.check(ref).status == BROKEN
        if bad:
            bad_targets.add(target)
    return frozenset(bad_targets)


def _digest(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _where(
    cfg: Config, checker: LocalChecker, item: Item, body: str, broken: frozenset[str]
) -> Iterable[Problem]:
    """The broken links of one item with their lines (its ``body`` scanned again, only here)."""
    doc = scan(body, item.source, slug_style=cfg.content.slug_style, line_offset=item.body_line - 1)
    named: set[str] = set()
    for ref in doc.links:
        if ref.url.strip() in broken or ref.url in broken:
            outcome = checker.check(ref)
            if outcome.status == BROKEN:
                named.add(ref.url.strip())
                yield _problem(ref, outcome)
    for target in sorted(broken - named):  # seen by the renderer alone: at the body's start
        ref = LinkRef(item.source, item.body_line, target, "", "link")
        yield _problem(ref, checker.check(ref))


def _problem(ref: LinkRef, outcome: Outcome) -> Problem:
    detail = "; ".join(x for x in (outcome.reason, outcome.suggestion) if x)
    return Problem(ref.source, ref.line, ref.kind, f"{ref.url} points at nothing ({detail})")


def with_link_warnings(cfg: Config, content_dir: Path, site: Site, *, strict: bool) -> Site:
    """``site`` with its dangling local links among its warnings; with ``strict``, any
    warning is an error, raised before anything is written."""
    return add_warnings(site, dangling_links(cfg, content_dir, site.items)[0], strict=strict)


def add_warnings(site: Site, found: Iterable[Problem], *, strict: bool) -> Site:
    """``site`` with ``found`` among its warnings; with ``strict``, any warning is an error."""
    warnings = sorted({*site.warnings, *found})
    if strict and warnings:
        raise ContentError(warnings)
    return Site(site.items, tuple(warnings))
