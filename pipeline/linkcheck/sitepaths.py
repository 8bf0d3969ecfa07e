"""Which links are the site's own (:func:`classify`), and the site's paths on a site served
under a path (``base_url = "https://e.org/docs/"``).

Everything the site publishes is below its base: an item at ``/docs/essays/x/``, an alias
``/old/`` at ``/docs/old/`` (Hugo reads an alias from the site's base, as the build writes it:
:func:`pipeline.config.oldurls.from_site_base`), a ``[content] redirects`` key likewise. A
link's path is looked up below the base. A root-relative link naming a file of the content
tree (``/essays/x.md``, ``/essays/x/``) is linked by the renderer to its page below the base,
as GitBook reads it, and checked so (``LocalChecker._content_named``). What the host serves
outside the base (``https://e.org/blog/``, ``/blog/``) the site cannot know: such a link is an
outside link, fetched as any other (as lychee does), unless it writes the path of one of the
site's own pages or redirects without the base (``/old/`` for the alias ``/docs/old/``, which
the renderer cannot name): that one is broken, with the way to the page.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from urllib.parse import unquote, urlsplit

from pipeline.config.oldurls import from_site_base
from pipeline.linkcheck.results import BROKEN, OK, Outcome
from pipeline.support.paths import with_scheme
from pipeline.support.text import nfc


def norm_site_path(path: str) -> str:
    """``/essays/x/``, ``/essays/x``, ``/essays/x/index.html`` all become ``/essays/x``."""
    path = nfc(unquote(path))
    if not path.startswith("/"):
        path = "/" + path
    for suffix in ("/index.html", "/index.htm"):
        if path.endswith(suffix):
            path = path[: -len(suffix) + 1]
    return path.rstrip("/") or "/"


@functools.lru_cache(maxsize=8)
def base_path_of(base_url: str) -> str:
    """The normalised path the site at ``base_url`` is served from (``/docs``, or ``/``)."""
    return norm_site_path(urlsplit(base_url).path or "/")


def keyed_below_base(paths: Mapping[str, str] | None, base_url: str) -> dict[str, str]:
    """``paths`` (a permalink's, an alias's or an old URL's path -> content file) keyed by the
    path below the site's base each names, as :func:`norm_site_path` compares paths."""
    return {norm_site_path(from_site_base(k, base_url)): v for k, v in (paths or {}).items()}


def site_paths(urls: Iterable[str], base_url: str) -> frozenset[str]:
    """The paths below the base of the site at ``base_url`` that ``urls`` (absolute) name, as
    :func:`norm_site_path` compares paths; URLs of another host or outside the base left out."""
    base_path = base_path_of(base_url)
    found = set()
    for url in urls:
        if same_site(url, base_url):
            path = below_base(norm_site_path(urlsplit(url).path), base_path)
            if path is not None:
                found.add(path)
    return frozenset(found)


def below_base(path: str, base_path: str) -> str | None:
    """A link's normalised ``path`` below ``base_path`` (``/docs``; ``/``: the server's root),
    None when it is outside it."""
    if base_path == "/":
        return path
    if not (path + "/").startswith(base_path + "/"):
        return None
    return path[len(base_path) :] or "/"


def inside_base(path: str, base_url: str) -> bool:
    """Whether a link's ``path`` (as written) is below the path of the site at ``base_url``:
    always on a site at its host's root."""
    base_path = base_path_of(base_url)
    return base_path == "/" or below_base(norm_site_path(path), base_path) is not None


def fetched_at(url: str, base_url: str) -> str:
    """The absolute URL an outside link is fetched at: ``//host/x`` with the scheme of
    ``base_url`` (as the renderer gives it: :func:`~pipeline.support.paths.with_scheme`), a
    root-relative ``/blog/`` on the scheme and host of ``base_url``, any other as written."""
    base = urlsplit(base_url)
    if url.startswith("//"):
        return with_scheme(url, base.scheme or "https")
    if url.startswith("/"):
        return f"{base.scheme}://{base.netloc}{url}"
    return url


def outside_base(path: str, base_path: str, from_base: Outcome) -> Outcome:
    """A root-relative link to ``path``, outside the site at ``base_path``: broken when it
    names a page of this site read from the base (``from_base``: that link's outcome), with the
    way to it; else an outside link, not the local check's to judge (the remote check fetches
    it: :meth:`~.local.LocalChecker.kind`)."""
    if from_base.status == OK:
        reason = (
            f"no page at {path}: the site is served from {base_path}/, and {path} is outside it"
        )
        return Outcome(BROKEN, reason, f"did you mean {base_path}{path}?")
    return Outcome(OK, f"{path} is outside the site at {base_path}/: an outside link")


LOCAL = "local"
SITE = "site"
REMOTE = "remote"
SKIP = "skip"
MALFORMED = "malformed"

_SKIPPED_SCHEMES = frozenset({"mailto", "tel", "data", "javascript", "sms", "irc", "news"})


def classify(url: str, base_url: str) -> str:
    """``local`` (relative, same-page), ``site`` (our own absolute URL), ``remote``, ``skip``,
    or ``malformed`` for text that is no URL at all (``https://[::1``)."""
    if ":" not in url and url.isprintable() and not url.startswith(("//", " ")):
        # no scheme and no host, nor anything urlsplit strips (leading blanks) or removes
        # (tabs, line breaks) that could make one: a path, as urlsplit says, without its 3 µs
        # (every relative link of every page is asked about)
        return SITE if url.startswith("/") else LOCAL
    try:
        parts = urlsplit(url)
        if url.startswith("//") or parts.scheme.lower() in ("http", "https"):
            same_site(url, base_url)  # parses the host, which may be what is malformed
    except ValueError:
        return MALFORMED
    scheme = parts.scheme.lower()
    if url.startswith("//"):
        scheme = "https"
    if not scheme:
        return SITE if url.startswith("/") else LOCAL
    if scheme in ("http", "https"):
        on_site = same_site(url, base_url) and inside_base(parts.path, base_url)
        return SITE if on_site else REMOTE
    if len(scheme) == 1:  # a Windows drive letter such as C:\
        return LOCAL
    return SKIP if scheme in _SKIPPED_SCHEMES else REMOTE


def same_site(url: str, base_url: str) -> bool:
    """True when ``url`` is on the host of ``base_url`` (http or https, ``www.`` ignored)."""
    host = (urlsplit(url if not url.startswith("//") else "https:" + url).hostname or "").lower()
    base = (urlsplit(base_url).hostname or "").lower()
    return bool(host) and host.removeprefix("www.") == base.removeprefix("www.")
