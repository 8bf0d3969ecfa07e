"""The build behind ``publish serve``: the site built into a private work folder, its URLs on
the preview's origin, drafts and scheduled items shown on request, and nothing written back.

The production build writes three things outside its output folder: the id ledger (items
without an ``id``), the podcast GUID pinned into ``publish.toml``, and its cache. Here the
ledger is a copy inside the work folder, the GUID is given (computed from the production feed
URL, so the preview's podcast feed shows the one production will pin), and the cache lives in
the work folder too; ``feeds/`` is never touched.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pipeline.build.keys import ItemKeys, KeyedSite
from pipeline.build.run import Hooks, build
from pipeline.build.site import HtmlMissing, HtmlSource
from pipeline.config import Config
from pipeline.errors import ConfigError, ContentError
from pipeline.load.record import stat_key
from pipeline.model import Item
from pipeline.preview.digest import DigestPreview
from pipeline.support.paths import typed

FAR_FUTURE = dt.datetime(9999, 1, 1, tzinfo=dt.UTC)
"""The build's "now" under ``--future``: every scheduled item counts as published."""

Loader = Callable[[], tuple[Config, Path]]
"""Reads the configuration afresh and decides the content folder (``publish.toml`` edits)."""


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Showing:
    """What a preview shows: drafts (``--drafts``) and scheduled items (``--future``), as of
    the time ``clock`` gives."""

    drafts: bool = False
    future: bool = False
    clock: Callable[[], dt.datetime] = _utc_now


@dataclass(frozen=True)
class Outcome:
    """One preview build: what changed, or the problems that kept the last good build."""

    ok: bool
    written: tuple[str, ...] = ()
    """Output paths (relative to the site folder) whose bytes changed or that were removed."""
    problems: tuple[str, ...] = ()
    """``path:line: field: message`` lines, as the CLI prints them."""
    marks: Mapping[str, str] = field(default_factory=dict)
    """Site path of a page (``/essays/x/``) -> its banner ("Draft", "Scheduled for ...")."""
    seconds: float = 0.0
    warnings: tuple[str, ...] = ()
    """The build's warnings, as the CLI prints them (``warning: path:line: ...``)."""


class PreviewSite:
    """Builds the site into ``work/site`` for a preview at ``origin``, as often as asked."""

    def __init__(
        self,
        load: Loader,
        work: Path,
        origin: str,
        showing: Showing = Showing(),
    ) -> None:
        self.load = load
        self.work = work
        self.origin = origin.rstrip("/") + "/"
        self.drafts = showing.drafts
        self.future = showing.future
        self.clock = showing.clock
        self.site_dir = work / "site"
        self.site_dir.mkdir(parents=True, exist_ok=True)
        self.marks: dict[str, str] = {}
        self._ledger_copied: str | None = None
        """The production id ledger's stat when it was last copied: the copy is left alone
        while it stays the same (a copy each build would make every build a full one)."""
        self._searched: tuple[Config, KeyedSite, dt.datetime] | None = None
        """The configuration, site (as shown) and time of the last build that wrote its pages:
        what its search index is made of."""
        self._good: tuple[Config, KeyedSite] | None = None
        """The configuration and site (before drafts were shown) of the last good build."""

    def rebuild(self) -> Outcome:
        """Build once; a content or configuration error leaves the last good build in place."""
        started = time.perf_counter()
        try:
            cfg, content = self.load()
            preview_cfg = self._preview_config(cfg, content)
            now = self.clock()
            marks: dict[str, str] = {}
            loaded: list[KeyedSite] = []
            shown_sites: list[KeyedSite] = []

            def adjust(site: KeyedSite) -> KeyedSite:
                shown_sites.append(self._adjust(site, now, marks, loaded))
                return shown_sites[-1]

            result = build(
                preview_cfg,
                content,
                self.site_dir,
                now=FAR_FUTURE if self.future else now,
                cache_dir=self.work / "cache",
                hooks=Hooks(adjust, index_search=False),  # the index after the reload
            )
        except (ContentError, ConfigError) as exc:
            shown = [str(typed(p)) for p in exc.problems]  # the CLI's words
            if isinstance(exc, ContentError):
                shown += [f"warning: {typed(w)}" for w in exc.warnings]
            return Outcome(False, problems=tuple(shown), seconds=time.perf_counter() - started)
        except Exception as exc:  # the server outlives any build: say what went wrong
            from pipeline.support.secrets import redact

            where = f"{exc.filename}: " if isinstance(exc, OSError) and exc.filename else ""
            text = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            problem = redact(f"error: {where}{text or type(exc).__name__}")
            return Outcome(False, problems=(problem,), seconds=time.perf_counter() - started)
        self.marks = marks
        if loaded:
            self._good = (preview_cfg, loaded[0])
        if shown_sites:
            self._searched = (preview_cfg, shown_sites[-1], FAR_FUTURE if self.future else now)
        return Outcome(
            True,
            written=(*result.written, *result.removed),
            marks=marks,
            seconds=time.perf_counter() - started,
            warnings=tuple(f"warning: {typed(w)}" for w in result.warnings),
        )

    def index_search(self, written: tuple[str, ...]) -> list[str]:
        """Update the search index for the pages ``written`` since it was last updated, as
        the production build does right after writing them; its warnings."""
        from pipeline.build.searchcache import refresh_search

        if self._searched is None:
            return []
        cfg, site, now = self._searched
        return refresh_search(cfg, self.site_dir, self.work / "cache", site, now)

    def digest(self) -> DigestPreview:
        """What ``publish digest`` would send now: the newsletter's selection (the ledger read,
        never written) and composition, on the last good build's items and the clock's now.
        Drafts and scheduled items are not in it, whatever ``--drafts`` and ``--future`` show."""
        from pipeline.newsletter.compose import compose
        from pipeline.newsletter.deliver import Choice
        from pipeline.newsletter.ledger import Ledger

        now = self.clock()
        if self._good is None:
            return DigestPreview(now, problems=("error: no build has succeeded yet",))
        cfg, keyed = self._good
        html = HtmlSource(self.work / "cache", keyed.keys)
        try:
            ledger = Ledger(cfg.root / cfg.newsletter.ledger)  # read, as publish digest does
            published = keyed.site.published(now)
            selection = Choice().select(published, ledger, cfg.newsletter.max_items)
            if not selection.items:
                return DigestPreview(now, warnings=selection.warnings)
            html.load(selection.items)
            items = tuple(html.fill(i) for i in selection.items)
            digest = compose(cfg, items, now=now)
        except (ContentError, ConfigError) as exc:
            return DigestPreview(now, problems=tuple(str(typed(p)) for p in exc.problems))
        except HtmlMissing as exc:  # a rebuild replaced the cache meanwhile: the next request
            return DigestPreview(now, problems=(f"error: {exc}",))
        finally:
            html.close()
        return DigestPreview(now, digest, items, selection.warnings + digest.warnings)

    def _preview_config(self, cfg: Config, content: Path) -> Config:
        """The configuration with the preview's origin, a private ledger and a given GUID."""
        ledger = self.work / "ids.json"
        real = content / cfg.content.id_ledger
        production = stat_key(real)
        if production != self._ledger_copied:  # new, changed or removed since the last copy
            if production is not None:
                shutil.copyfile(real, ledger)
            else:
                ledger.unlink(missing_ok=True)
            self._ledger_copied = production
        podcast = cfg.podcast
        if not podcast.guid:
            from pipeline.podcast.show import show_guid

            podcast = dataclasses.replace(podcast, guid=show_guid(cfg))
        return dataclasses.replace(
            cfg,
            site=dataclasses.replace(cfg.site, base_url=self.origin, feeds_url=""),
            content=dataclasses.replace(cfg.content, id_ledger=str(ledger.resolve())),
            podcast=podcast,
        )

    def _adjust(
        self, keyed: KeyedSite, now: dt.datetime, marks: dict[str, str], loaded: list[KeyedSite]
    ) -> KeyedSite:
        """Drafts and scheduled items made visible, each titled (and marked) as what it is
        (its output key changed with its title); the site as loaded kept in ``loaded`` (the
        digest takes what is published)."""
        loaded.append(keyed)
        site = keyed.site
        keys = dict(keyed.keys)
        items: list[Item] = []
        for item in site.items:
            label = self._label(item, now)
            if label is None:
                items.append(item)
                continue
            marks[unquote(urlsplit(item.url).path)] = label  # as the server reads a path
            items.append(item.evolve(draft=False, title=f"{label}: {item.title}"))
            was = keys[item.source]  # the title is part of every output
            keys[item.source] = ItemKeys(was.body, was.html, f"{was.output}:{label}")
        return KeyedSite(dataclasses.replace(site, items=tuple(items)), keys)

    def _label(self, item: Item, now: dt.datetime) -> str | None:
        if item.draft:
            return "Draft" if self.drafts else None
        if self.future and item.is_feed_item and item.date is not None and item.date > now:
            return f"Scheduled for {item.date.strftime('%d %B %Y, %H:%M %Z').strip()}"
        return None
