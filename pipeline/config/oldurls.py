"""An old URL of the site: what an item's ``aliases`` and a ``[content] redirects`` key may be.

The build writes a redirect page at each old URL (``essays/old/index.html``), so each must be
a path on this site, as Hugo's aliases are: ``/old/page/``, ``/old/page`` or
``/2019/page.html`` (a ``?query`` or ``#fragment`` is ignored), or an absolute http(s) URL on
the host of ``[site] base_url`` and under its path, of which only the path is used. Anything
else once became a folder of the site (``javascript:alert(1)/index.html``, ``evil.example/``
from ``//evil.example/x``, ``https:/other.example/``) or was dropped without a word (``..``,
``""``); each is refused, saying what was expected. An item's alias without its leading ``/``
is read from the page's folder, as Hugo reads it (:mod:`pipeline.load.aliases` resolves it
first); a ``[content] redirects`` key, which has no page, from the site's root.

On a site served under a path (``base_url = "https://e.org/docs/"``) a path is read from the
site's base, as Hugo reads an alias: ``/old/`` is ``https://e.org/docs/old/``, where its page
is written (``old/index.html`` of the output) and where the link checker finds it. One
already under the base's path (``/docs/old/``, an absolute URL's path, what ``publish import``
keeps) names that place itself (:func:`from_site_base`).
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote, urlsplit

from pipeline.support.paths import DEFAULT_PORTS

EXPECTED = "expected a path on this site such as /old/page/"

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def old_url_problem(value: str, base_url: str) -> str | None:
    """Why ``value`` is not an old URL of the site at ``base_url``, else None."""
    reason = _reason(value, base_url)
    if reason is None:
        return None
    return f"{EXPECTED}, got {shown_old(value)}" + (f" ({reason})" if reason else "")


def shown_old(value: str) -> str:
    """An old URL as a message quotes it: its first 100 characters (a 1 MB alias once made a
    1 MB line)."""
    return repr(value[:100]) + ("…" if len(value) > 100 else "")


def old_url_path(value: str) -> str:
    """The site path an accepted old URL names: an absolute URL's path, else ``value``."""
    if value.startswith("//") or _SCHEME.match(value):
        return urlsplit(value).path or "/"
    return value


def from_site_base(path: str, base_url: str) -> str:
    """The path below the site's base (``/old/``, starting with ``/``, its ``?query`` and
    ``#fragment`` dropped) that the old path ``path`` names on the site at ``base_url``: one
    under the base's path (``/docs/old/`` on ``https://e.org/docs/``) without it, any other
    as written (Hugo's site-relative alias). ``/`` is the site's root, its home page."""
    path = path.split("#", 1)[0].split("?", 1)[0]
    if not path.startswith("/"):
        path = "/" + path
    base = (urlsplit(base_url).path or "/").rstrip("/")
    if base and (path + "/").startswith(base + "/"):
        path = path[len(base) :] or "/"
    return path


def is_relative(value: str) -> bool:
    """An old path written without its leading ``/`` (nor a scheme): Hugo reads an alias so
    from the page's folder (:mod:`pipeline.load.aliases`)."""
    return not value.startswith("/") and not _SCHEME.match(value)


def file_address(path: str) -> str | None:
    """The file name an old path ends in when it is a file's address, not a page's (an image,
    a PDF, ``rss.xml``: a name with a dot, not ``.html``): no redirect page is written there,
    as a server would send it as that type. None for a page's path."""
    last = path.split("#", 1)[0].split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    return last if "." in last and not last.endswith((".html", ".htm")) else None


def names_root(path: str, base_url: str) -> bool:
    """True when the old path ``path`` is the site's root (``/``, ``/docs/`` on a site at
    ``https://e.org/docs/``, ``/?p=1``, ``/index.html``): the home page's place, where no
    redirect can be."""
    folder, _, last = from_site_base(path, base_url).rpartition("/")
    return not (folder if last in ("index.html", "index.htm") else f"{folder}/{last}").strip("/")


def root_problem(value: str, base_url: str, expected: str = EXPECTED) -> str | None:
    """Why ``value`` can be no old URL: it names the site's root (``/``, ``/docs/`` or
    ``https://e.org/docs/`` on the site at ``https://e.org/docs/``), the home page's place,
    where no redirect page can be (it was dropped without a word); else None."""
    if not names_root(old_url_path(value), base_url):
        return None
    base = (urlsplit(base_url).path or "/").rstrip("/")
    where = f" {base}/" if base else ""  # the base path of a site served under one
    kept = "; a ?query or #fragment is not part of the path" if "?" in value or "#" in value else ""
    return f"{expected}, got {shown_old(value)}: it is the site's root{where} (its home page){kept}"


def _reason(value: str, base_url: str) -> str | None:
    """What is wrong with ``value`` ('' when nothing more needs saying), else None."""
    if not value.strip():
        return ""
    if value != value.strip():
        return "blanks before or after it"
    decoded = unquote(value)
    if _CONTROL.search(value) or _CONTROL.search(decoded):
        return "a control character in it"
    if "\\" in decoded:
        return "a backslash in it; a URL's parts are separated by /"
    if "\\" in unicodedata.normalize("NFKC", decoded):
        return "a character NFKC normalisation makes a backslash; a URL's parts are separated by /"
    scheme = _SCHEME.match(value)
    if scheme and scheme.group().lower() not in ("http:", "https:"):
        return f"a {scheme.group()} URL, not a path"
    if scheme or value.startswith("//"):
        return _url_reason(value, base_url)
    return _path_reason(value if value.startswith("/") else "/" + value)


def _url_reason(value: str, base_url: str) -> str | None:
    """An absolute or protocol-relative URL: on the site's host and under its path."""
    try:
        parts, site = urlsplit(value), urlsplit(base_url)
        port = _port(parts.scheme or site.scheme, parts.port)
        site_port = _port(site.scheme, site.port)
    except ValueError:
        return "not a valid URL"
    if (_host(parts.hostname), port, parts.username) != (_host(site.hostname), site_port, None):
        where = parts.netloc or "no host"
        return f"on {where}, not on {site.netloc}, the host of [site] base_url"
    path = parts.path or "/"
    base_path = site.path.rstrip("/")
    if base_path and not (path + "/").startswith(base_path + "/"):
        return f"outside the site at {base_url}"
    return _path_reason(path)


def _host(name: str | None) -> str:
    """A host name as compared: lower case, an international name in its ASCII form (the
    base URL is read as a URI)."""
    try:
        return (name or "").encode("idna").decode("ascii").lower()
    except UnicodeError:
        return (name or "").lower()


def _port(scheme: str, port: int | None) -> int | None:
    return None if port == DEFAULT_PORTS.get(scheme.lower()) else port


def _path_reason(path: str) -> str | None:
    """A path from the root: no ``.`` or ``..`` part, ``%2e`` spelt or not (the redirect page
    would be written outside the site, or nowhere), nor one some servers read as such
    (:func:`_read_as_dots`: its page would be served at another URL). An encoded ``/``
    (``%2F``) is part of a segment's name, as RFC 3986 reads it."""
    path = path.split("#", 1)[0].split("?", 1)[0]
    for part in path.split("/"):
        if (dots := _read_as_dots(part)) is not None:
            why = "they cut a ';' parameter off, strip blanks, decode %2F and normalise to NFKC"
            return f"a part {shown_old(part)} that some servers read as {dots!r}: {why}"
    if any(unquote(part) in (".", "..") for part in path.split("/")):
        return "a '.' or '..' part in it; write the path as the site serves it"
    written = unquote(path).encode("utf-8", "surrogatepass")  # as the page is written
    if len(written) > _MAX_PATH_BYTES:
        return f"a path of {len(written)} bytes; the page's file may have at most {_MAX_PATH_BYTES}"
    longest = max(len(part) for part in written.split(b"/"))
    if longest > _MAX_NAME_BYTES:
        return f"a part of {longest} bytes; a file name may have at most {_MAX_NAME_BYTES}"
    return None


def _read_as_dots(part: str) -> str | None:
    """The ``.`` or ``..`` a server may read the path segment ``part`` as, though it is not
    one as written (nor ``%2e``-spelt): Tomcat and Jetty drop a ``;`` path parameter
    (``..;``, ``..;jsessionid=1``), a server or CDN that normalises to NFKC reads ``．．``
    (U+FF0E) or ``‥`` as ``..``, and one strips blanks (``.. ``); one that decodes ``%2F``
    (or reads ``／``, U+FF0F, as ``/``) before it resolves dots reads ``..%2fx`` as ``../x``.
    Else None. Linear in ``part``'s length."""
    name = unquote(part)
    if name in (".", ".."):
        return None
    for piece in unicodedata.normalize("NFKC", name).replace("\\", "/").split("/"):
        read = piece.split(";", 1)[0].strip()
        if read in (".", ".."):
            return read
    return None


_MAX_NAME_BYTES = 255
_MAX_PATH_BYTES = 1000
"""What a redirect page's file may be named: a name of 255 bytes (NAME_MAX), a path of 1,000
(an item's own files get 1,024: :mod:`pipeline.load.namelimits`; ``index.html`` is added). A
longer one passed and failed the build half-way ("File name too long", exit 3)."""
