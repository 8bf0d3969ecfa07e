"""The remote-media cache: length and type of each remote episode file, asked once.

Enclosure URLs are immutable by convention (Apple ignores a reused URL), so an entry never
expires; delete the cache file to measure again. :class:`RemoteMedia` is the prober the edge
passes to loading (:data:`pipeline.podcast.media.MediaProber`): it holds the network session,
so no loading worker ever opens one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.podcast.media import MediaError, MediaFacts, fetch_remote
from pipeline.support import jsontext
from pipeline.support.output import write_if_changed

if TYPE_CHECKING:  # a build that probes no remote media never imports requests
    import requests

DEFAULT_CACHE_DIR = ".publish-cache"
"""The cache folder beside the configuration, where no other is named."""
CACHE_FILE = "podcast-media.json"
"""Name of the remote-media cache inside the cache folder."""


class RemoteCache:
    """A JSON file mapping a remote media URL to its length and type."""

    def __init__(self, cache_dir: Path) -> None:
        self.path = cache_dir / CACHE_FILE
        self._entries: dict[str, dict[str, object]] = {}
        try:
            data = jsontext.loads(self.path.read_text("utf-8"))
            if isinstance(data, dict) and isinstance(data.get("entries"), dict):
                self._entries = data["entries"]
        except (OSError, ValueError):
            pass

    def get(self, url: str) -> MediaFacts | None:
        entry = self._entries.get(url)
        if not isinstance(entry, dict):
            return None
        length, mime = entry.get("length"), entry.get("type")
        if isinstance(length, int) and isinstance(mime, str):
            return MediaFacts(mime, length)
        return None

    def put(self, url: str, facts: MediaFacts) -> None:
        self._entries[url] = {"length": facts.length, "type": facts.mime_type}
        data = {"version": 1, "entries": dict(sorted(self._entries.items()))}
        write_if_changed(self.path, (json.dumps(data, indent=1) + "\n").encode())


class RemoteMedia:
    """Facts of remote media from the cache in ``cache_dir``, else from the server through
    ``session`` (one of its own, made on first use and closed by :meth:`close`, when none is
    given); answers are cached."""

    def __init__(
        self, cache_dir: Path, session: requests.Session | None = None, timeout: float = 20.0
    ) -> None:
        self.cache_dir = cache_dir
        self.timeout = timeout
        self._session = session
        self._own: requests.Session | None = None
        self._cache: RemoteCache | None = None

    def __call__(self, url: str) -> MediaFacts:
        if self._cache is None:
            self._cache = RemoteCache(self.cache_dir)
        cached = self._cache.get(url)
        if cached is not None:
            return cached
        facts = fetch_remote(url, self._open(), self.timeout)
        self._cache.put(url, facts)
        return facts

    def _open(self) -> requests.Session:
        if self._session is not None:
            return self._session
        if self._own is None:
            import requests

            self._own = requests.Session()
        return self._own

    def close(self) -> None:
        if self._own is not None:
            self._own.close()
            self._own = None


def offline_media(url: str) -> MediaFacts:
    """The prober of ``--offline`` runs: no request; a remote file must state its facts."""
    raise MediaError(f"{url}: offline: state 'length' and 'type' of a remote file")
