"""Orchestrating a link check: extract (SourceDocs) -> check local and remote -> cache -> results.

:func:`check_links` is a pure-ish stage: it takes the scanned documents, the content root, the
configuration, a cache and the options, and returns a :class:`CheckReport`. :func:`run` is the
edge that scans the content, reads the cache, asks git what changed, and saves the cache.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import subprocess
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from pipeline import __version__
from pipeline.config import Config
from pipeline.errors import ConfigError, ContentError, Problem
from pipeline.linkcheck.cache import LinkCache
from pipeline.linkcheck.local import LocalChecker
from pipeline.linkcheck.remote import MediaExpectation, RemoteChecker, network_down
from pipeline.linkcheck.results import BROKEN, LinkResult, Outcome
from pipeline.linkcheck.sitepaths import LOCAL, MALFORMED, REMOTE, SITE, fetched_at, same_site
from pipeline.load.mode import gitbook_mode
from pipeline.model import LinkRef, Media, Site, SourceDoc
from pipeline.podcast.media import MediaProber
from pipeline.support.text import nfc


@dataclass(frozen=True)
class CheckOptions:
    offline: bool = False
    """Check only local files and anchors; external URLs are skipped."""
    exclude: tuple[str, ...] = ()
    """Regexes (searched in the URL) of links not to check, added to ``[links] exclude``."""
    changed: frozenset[str] | None = None
    """Only links in these content files (plus stale cache entries); None checks everything."""


@dataclass(frozen=True)
class Published:
    """What the site publishes, as the links are checked against it."""

    permalinks: Mapping[str, str] = field(default_factory=dict)
    """URL path -> content file, for links to the site's own URLs."""
    media: Sequence[MediaRef] = ()
    """The enclosures and images the feeds name (checked as links are)."""
    unpublished: Collection[str] = ()
    """Content files the build does not publish (drafts; in a GitBook space, pages SUMMARY.md
    does not list): a published page's link to one is dead on the site."""
    generated: Callable[[], Collection[str]] = tuple
    """The URL of every other file the build writes (lists, feeds, the sitemap, theme files:
    :func:`pipeline.build.preflight.planned_urls`); a link to one is a link to the site.
    Asked for when a link to the site names no item (most checks never plan the build)."""


@dataclass(frozen=True)
class CheckReport:
    results: tuple[LinkResult, ...]
    requests: int = 0
    """HTTP requests sent (redirect hops and retries included)."""
    skipped: int = 0
    """Links not checked: excluded, other schemes, or external under ``--offline``."""
    per_url: Mapping[str, int] = field(default_factory=dict)
    """Requests sent per URL (redirect hops included), for tests and the benchmark."""
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class MediaRef:
    """An enclosure or image a feed names, with what the feed says about it."""

    ref: LinkRef
    expect: MediaExpectation


def permalinks_of(site: Site) -> dict[str, str]:
    """Absolute permalink path -> content file, for mapping the site's own URLs; an item's
    ``aliases`` (its old paths, kept by ``publish import``) map to it too."""
    from urllib.parse import urlsplit

    found = {urlsplit(i.url).path or "/": i.source for i in site.items if i.url}
    for item in site.items:
        for alias in item.aliases:
            found.setdefault("/" + alias.lstrip("/"), item.source)
    return found


def media_of(site: Site, base_url: str, content_dir: Path | None = None) -> list[MediaRef]:
    """External enclosures, transcripts, chapters and images of items, to check by Range GET;
    each at the line of its item's file that names it (read from ``content_dir``), else 1."""
    out: list[MediaRef] = []
    texts: dict[str, str] = {}

    def add(item_source: str, media: Media | None, kind: str) -> None:
        if media is None or media.source is not None or same_site(media.url, base_url):
            return
        line = 1
        if content_dir is not None:
            if item_source not in texts:
                texts[item_source] = _read_text(content_dir / item_source)
            text = texts[item_source]
            at = text.find(media.url)
            line = text.count("\n", 0, at) + 1 if at >= 0 else 1
        ref = LinkRef(item_source, line, media.url, kind, "enclosure")
        out.append(MediaRef(ref, MediaExpectation(media.length, media.mime_type)))

    for item in site.items:
        if item.image and item.image.lower().startswith(("http://", "https://")):
            add(item.source, Media(item.image, ""), "image")  # the feeds' and the page's image
        if item.episode is not None:
            add(item.source, item.episode.audio, "audio")
            add(item.source, item.episode.transcript, "transcript")
            add(item.source, item.episode.chapters, "chapters")
    return out


def cache_key(config: Config) -> str:
    """What a cached ok verdict depends on besides the URL: this version of the checker and
    the ``[links]`` settings that can turn a verdict (a host's accepted codes and headers,
    redirects followed, bytes read for a fragment, header size allowed)."""
    links = config.links
    hosts = [(h.pattern, sorted(h.accept), sorted(h.headers.items())) for h in links.hosts]
    parts = (__version__, hosts, links.max_redirects, links.max_body_bytes, links.max_header_bytes)
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def changed_files(content_dir: Path, ref: str) -> frozenset[str]:
    """Content files changed since the git ``ref`` (committed, staged, unstaged or untracked).
    A ``ref`` that starts with ``-`` is refused: git read it as an option
    (``--changed-since=--output=content/a.md`` emptied that file, and exit 0)."""
    if ref.startswith("-"):
        why = f"{ref!r} is not a git revision (it starts with '-'); e.g. origin/main"
        raise ConfigError([Problem(str(content_dir), 1, "--changed-since", why)])
    commands = [
        ["git", "-C", str(content_dir), "diff", "-z", "--name-only", "--relative", ref, "--"],
        ["git", "-C", str(content_dir), "ls-files", "-z", "--others", "--exclude-standard"],
    ]
    names: set[str] = set()
    inside = subprocess.run(
        ["git", "-C", str(content_dir), "rev-parse", "--is-inside-work-tree"],
        capture_output=True,
        text=True,
        check=False,
    )
    if inside.returncode != 0:  # git's own answer would be its usage text
        raise ConfigError(
            [Problem(str(content_dir), 1, "--changed-since", "not inside a git repository")]
        )
    for cmd in commands:
        proc = subprocess.run(cmd, capture_output=True, check=False)
        if proc.returncode != 0:
            lines = os.fsdecode(proc.stderr).strip().splitlines()
            message = next((ln for ln in lines if ln.startswith("fatal:")), None)
            message = message or (lines[0] if lines else "failed")
            raise ConfigError([Problem(str(content_dir), 1, "--changed-since", f"git: {message}")])
        # names as the file system has them (a name that is not UTF-8 escaped, as the walk
        # reads it): decoding them strictly ended the run, "unexpected error"
        names.update(nfc(os.fsdecode(n)) for n in proc.stdout.split(b"\0") if n)
    return frozenset(names)


def check_links(
    docs: Sequence[SourceDoc],
    content_dir: Path,
    config: Config,
    *,
    options: CheckOptions = CheckOptions(),
    cache: LinkCache | None = None,
    site: Published | None = None,
    progress: Callable[[str], None] | None = None,
) -> CheckReport:
    """Check every link of ``docs`` (and the media ``site`` names); one result per link, in
    source order."""
    site = site or Published()
    excludes = [re.compile(p) for p in (*config.links.exclude, *options.exclude)]
    local = LocalChecker(
        content_dir,
        docs,
        base_url=config.site.base_url,
        permalinks=site.permalinks,
        redirects=config.content.redirects,
        unpublished=site.unpublished,
        generated=site.generated,
        toc=config.content.summary,
        html_anchors=True,
        clamp=gitbook_mode(config, content_dir),
    )
    stale = cache.stale() if cache is not None else set()
    local_refs, remote_refs, malformed, skipped = _sort(docs, local, options, excludes, stale)
    base = config.site.base_url
    media_refs = [
        m
        for m in site.media
        if not options.offline
        and not _excluded(m, excludes)
        and (options.changed is None or nfc(m.ref.source) in options.changed)
    ]
    expectations = {fetched_at(m.ref.url, base): m.expect for m in media_refs}
    checker = RemoteChecker(config.links, progress=progress)
    urls = dict.fromkeys([*(fetched_at(r.url, base) for r in remote_refs), *expectations])
    outcomes = _outcomes(list(urls), expectations, checker, cache)

    results = [_result(r, local.check(r)) for r in local_refs]
    results += [_result(r, outcomes[fetched_at(r.url, base)]) for r in remote_refs]
    results += [_result(m.ref, outcomes[fetched_at(m.ref.url, base)]) for m in media_refs]
    not_a_url = Outcome(BROKEN, "not a URL: it cannot be parsed (look at the host part)")
    results += [_result(r, not_a_url) for r in malformed]
    results.sort(key=lambda r: (r.source, r.line, r.url))
    warnings: tuple[str, ...] = ()
    down = network_down(checker.stats)
    if down:
        hosts = len(checker.stats.unreachable)
        warnings = (
            f"every external host failed the same way ({down}, {hosts} hosts): "
            "the network looks down; their links are listed as unverifiable",
        )
    return CheckReport(
        tuple(results),
        checker.stats.requests,
        skipped,
        dict(checker.stats.per_url),
        warnings,
    )


class _Sorted(NamedTuple):
    """The links of the documents by how they are checked, and how many are not."""

    local: list[LinkRef]
    remote: list[LinkRef]
    malformed: list[LinkRef]
    skipped: int


def _sort(
    docs: Sequence[SourceDoc],
    local: LocalChecker,
    options: CheckOptions,
    excludes: list[re.Pattern[str]],
    stale: Collection[str],
) -> _Sorted:
    """Each link of ``docs`` as local, remote or malformed, or skipped: excluded, out of
    scope (``options.changed``), remote while offline (unless its cached result is stale),
    or a scheme that is not ours to fetch. A root-relative link outside the base of a site
    served under a path may be remote (:meth:`LocalChecker.kind`)."""
    found = _Sorted([], [], [], 0)
    skipped = 0
    for doc in docs:
        in_scope = options.changed is None or nfc(doc.source) in options.changed
        for ref in doc.links:
            if any(rx.search(ref.url) for rx in excludes):
                skipped += 1
                continue
            kind = local.kind(ref)
            if kind == MALFORMED and in_scope:
                found.malformed.append(ref)
            elif kind in (LOCAL, SITE) and in_scope:
                found.local.append(ref)
            elif (
                kind == REMOTE
                and not options.offline
                and (in_scope or fetched_at(ref.url, local.base_url) in stale)
            ):
                if fetched_at(ref.url, local.base_url).lower().startswith(("http://", "https://")):
                    found.remote.append(ref)
                else:
                    skipped += 1  # ftp:, ssh: and friends: not ours to fetch
            else:
                skipped += 1
    return found._replace(skipped=skipped)


def _outcomes(
    urls: list[str],
    expectations: Mapping[str, MediaExpectation],
    checker: RemoteChecker,
    cache: LinkCache | None,
) -> dict[str, Outcome]:
    """The outcome of each URL: from the cache while fresh, else fetched (media URLs with
    what they are expected to be) and recorded in the cache."""
    outcomes: dict[str, Outcome] = {}
    to_fetch: list[str] = []
    for url in urls:
        hit = cache.fresh(url) if cache is not None else None
        if hit is not None:
            outcomes[url] = hit
        else:
            to_fetch.append(url)
    if to_fetch:
        media_wanted = {u: e for u, e in expectations.items() if u in set(to_fetch)}
        plain = [u for u in to_fetch if u not in media_wanted]
        outcomes.update(checker.check(plain, media_wanted))
    if cache is not None:
        for url in to_fetch:
            cache.record(url, outcomes[url])
    return outcomes


def _excluded(media: MediaRef, excludes: list[re.Pattern[str]]) -> bool:
    return any(rx.search(media.ref.url) for rx in excludes)


def _result(ref: LinkRef, outcome: Outcome) -> LinkResult:
    return LinkResult(
        source=ref.source,
        line=ref.line,
        url=ref.url,
        text=ref.text,
        kind=ref.kind,
        status=outcome.status,
        reason=outcome.reason,
        suggestion=outcome.suggestion,
    )


def run(
    config: Config,
    content_dir: Path,
    cache_dir: Path | None,
    options: CheckOptions,
    *,
    changed_since: str | None = None,
    now: float | None = None,
    progress: Callable[[str], None] | None = None,
    media: MediaProber | None = None,
    generated: Callable[[Site], Collection[str]] | None = None,
) -> CheckReport:
    """Scan the content, check its links, and save the cache (the I/O edge of the stage).
    ``media`` answers for remote episode files while loading (see :func:`load_site`);
    ``generated`` gives the URLs of the files a build of the loaded site writes beside its
    items' pages (see :attr:`Published.generated`), passed in by the command."""
    from pipeline.linkcheck.extract import scan_sources
    from pipeline.load.gitbook_urls import rooted, space_urls
    from pipeline.load.loader import load_site

    docs = scan_sources(config, content_dir)
    warnings: list[str] = []
    try:  # permalinks and enclosures; rendering is not needed
        site = load_site(config, content_dir, media=media)
    except ContentError as exc:  # `publish validate`'s job; links still run (a bug is not hidden)
        site = Site(items=())
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        warnings.append(
            f"content did not load ({first}); the site's own URLs are checked "
            "against files and [content] redirects only"
        )

    def made() -> Collection[str]:
        if generated is None or not site.items:
            return ()
        try:
            return generated(site)
        except (ContentError, ConfigError, OSError) as exc:  # the build says so, with paths
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            warnings.append(f"the build's own pages were not planned ({first})")
            return ()

    if changed_since:
        options = CheckOptions(
            options.offline, options.exclude, changed_files(content_dir, changed_since)
        )
    clock = time.time() if now is None else now
    cache = None
    if cache_dir is not None and not options.offline:
        cache = LinkCache.load(cache_dir, config.links.cache_max_age, clock, cache_key(config))
    report = check_links(
        docs,
        content_dir,
        config,
        options=options,
        cache=cache,
        site=Published(
            # a GitBook space's own URLs (/practice-programs/vibes-program) lead to their pages
            {
                **rooted(space_urls(config, content_dir, [d.source for d in docs])),
                **permalinks_of(site),
            },
            media_of(site, config.site.base_url, content_dir),
            {i.source for i in site.items if i.draft},
            made,
        ),
        progress=progress,
    )
    if cache is not None:
        cache.save()
    return dataclasses.replace(report, warnings=(*warnings, *report.warnings))
