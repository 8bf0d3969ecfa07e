"""``publish serve`` as a library: the server, the site it serves, a rebuild on each save, and
the work that follows a rebuild (the search index), started and stopped together.

The CLI parses options, makes the temporary folder and prints; everything here runs in the
one long-running process, so what a rebuild needs stays in memory between saves.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipeline.build.preview import Loader, PreviewSite, Showing
from pipeline.config import Config
from pipeline.errors import PublishError
from pipeline.preview.address import origin_for
from pipeline.preview.later import Later
from pipeline.preview.news import Newsroom
from pipeline.preview.server import PreviewServer, serve_in_thread
from pipeline.preview.watch import watch, watched_paths
from pipeline.support.text import counted

DIGEST_PAGE = "_preview/digest"
"""Told to the open pages as changed when a newsletter template or the ledger was saved."""


@dataclass(frozen=True)
class Listen:
    """Where to listen and what the pages link to (see :mod:`pipeline.preview.address`)."""

    bind: str = "127.0.0.1"
    port: int = 8000
    base_url: str | None = None


class PreviewSession:
    """One ``publish serve``: listening from construction (OSError: the port is taken),
    serving from :meth:`start`, rebuilding on saves in :meth:`watch` until :meth:`close`."""

    def __init__(
        self,
        load: Loader,
        cfg: Config,
        config_path: Path,
        content: Path,
        work: Path,
        listen: Listen,
        showing: Showing,
        say: Callable[[str], None],
    ) -> None:
        self.say = say
        self._warned: set[str] = set()
        self._good_once = False
        self.news = Newsroom()
        self.server = PreviewServer(
            (listen.bind, listen.port),
            work / "site",
            self.news,
            lambda: self.site.marks,
            lambda: self.site.digest(),
        )
        self.port = int(self.server.server_address[1])
        self.origin = self.server.origin = origin_for(listen.bind, self.port, listen.base_url)
        self.site = PreviewSite(load, work, self.origin, showing)
        self.load, self.config_path = load, config_path
        self.newsletter: list[Path] = []
        self.watched = self._watched(cfg, content)
        self.ignored = [cfg.root / "feeds", cfg.root / ".publish-cache", work]
        self.stop = threading.Event()
        self._serving = False
        self._building = threading.Lock()
        self._watcher: threading.Thread | None = None
        self.later = Later(self._index)  # last: its thread is stopped by close() alone
        self.news.busy = lambda: self.later.busy

    def _watched(self, cfg: Config, content: Path) -> list[Path]:
        """What a save in starts a rebuild, as ``cfg`` names it (the newsletter's files kept
        in :attr:`newsletter`)."""
        nl = cfg.newsletter
        self.newsletter = [(cfg.root / p).resolve() for p in (nl.templates, nl.ledger)]
        extra = [cfg.root / cfg.theme.templates, cfg.root / cfg.theme.static, *self.newsletter]
        return watched_paths(self.config_path, content, extra)

    def _watched_now(self, changed: set[str]) -> list[Path]:
        """:meth:`_watched` as the configuration says now, read again when it is one of the
        ``changed`` paths: a ``[content] folder`` or ``[theme] templates`` changed while
        serving was never watched, and saves in it did nothing."""
        if str(self.config_path.resolve()) not in changed:
            return self.watched
        try:
            cfg, content = self.load()
        except (PublishError, OSError):  # a folder gone, a config broken: the page says so
            return self.watched  # the page shows the error; watch what was watched
        self.watched = self._watched(cfg, content)
        return self.watched

    def start(self) -> None:
        """Watch (a save made from now on is seen, even during the first build), build once
        (an error in it is shown, not raised), then serve."""
        ready = threading.Event()
        self._watcher = threading.Thread(
            target=self._watch, args=(ready,), name="publish-serve-watch", daemon=True
        )
        self._watcher.start()
        while not ready.wait(0.1):
            if not self._watcher.is_alive():
                raise RuntimeError("the file watcher stopped before it started")
        self.rebuild(set())
        self.later.wait()  # the first pages are served with their search index
        serve_in_thread(self.server)
        self._serving = True

    def _watch(self, ready: threading.Event) -> None:
        try:
            watch(self.watched, self.rebuild, self.stop, self.ignored, ready, self._watched_now)
        except Exception as exc:  # said once; the server stops with it
            self.say(f"error: the file watcher stopped: {exc}")
        finally:
            self.stop.set()

    def wait(self) -> None:
        """Until :meth:`close` or Ctrl-C (KeyboardInterrupt, raised in this thread)."""
        while not self.stop.wait(0.5):
            pass

    def rebuild(self, changed: set[str]) -> None:
        """Build once for the files ``changed``, tell the open pages, print one line."""
        with self._building:  # the first build and the watcher's: one at a time
            self._rebuild(changed)

    def _rebuild(self, changed: set[str]) -> None:
        outcome = self.site.rebuild()
        written = outcome.written
        if any(Path(p).is_relative_to(n) for p in changed for n in self.newsletter):
            written += (DIGEST_PAGE,)  # no output changed, but the digest preview did
        self.news.after_build(outcome.ok, written, outcome.problems, changed)
        if outcome.ok:
            self._good_once = True
            self.later.due(outcome.written)  # the search index, once the pages have reloaded
            # the build's warnings (a broken link or image), each said once: the preview said
            # none, where publish build names them
            for line in outcome.warnings:
                if line not in self._warned:
                    self.say(line)
            self._warned = set(outcome.warnings)
            n = len(outcome.written)
            self.say(f"Rebuilt in {outcome.seconds:.2f} s: {counted(n, 'file')} changed")
        else:
            for line in outcome.problems:
                self.say(line)
            if self._good_once:
                self.say("Build failed; serving the last good build.")
            else:  # no good build yet: every page is "Not found" until the fix
                self.say("Build failed; nothing to serve until it is fixed (the page reloads).")

    def _index(self, written: tuple[str, ...]) -> None:
        for note in self.site.index_search(written):
            self.say(note)

    def close(self) -> None:
        """Stop watching and serving; wait for the search index under way (the work folder
        is removed after)."""
        self.stop.set()
        if self._watcher is not None:
            self._watcher.join()
        self.news.close()
        if self._serving:
            self.server.shutdown()
        self.server.server_close()
        self.later.close()
