"""Where each page of the site is written: a permalink under the base URL -> a path of the
output folder (the pages themselves: :mod:`pipeline.syndication.theme`)."""

from __future__ import annotations

import functools
from urllib.parse import unquote, urlsplit

from pipeline.config import Config


@functools.lru_cache(maxsize=8)
def _origin_and_base(base_url: str) -> tuple[str, str]:
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}", parts.path.rstrip("/")


def page_path(cfg: Config, url: str) -> str | None:
    """Output path (relative to the output folder) of a page URL under the site's base URL."""
    origin, base = _origin_and_base(cfg.site.base_url)
    if url.startswith(origin + base + "/") and "?" not in url and "#" not in url and "%" not in url:
        path = url[len(origin) :]  # a plain URL on the site: no parsing needed
    else:
        path = unquote(urlsplit(url).path)
    if not path.startswith(base + "/") and path != base:
        return None
    rel = path[len(base) :].lstrip("/")
    if not rel or rel.endswith("/"):
        rel += "index.html"
    wrapped = f"/{rel}/"
    if "/./" in wrapped or "/../" in wrapped:
        return None
    return rel
