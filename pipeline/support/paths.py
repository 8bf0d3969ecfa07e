"""Resolving paths and URLs that content names, safely.

Content may only reach files inside the content root: ``../../etc/passwd``, absolute paths
and symlinks pointing out are refused before anything is read or copied.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import posixpath
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import SplitResult, quote, unquote, urlsplit, urlunsplit

from pipeline.errors import Problem


class OutsideRoot(ValueError):
    """A path that would leave the content root."""


class LinkedOut(OutsideRoot):
    """A path that leaves the content root through a symbolic link (its spelling stays in)."""


def as_typed(path: str | Path) -> str:
    """A path as the user would type it: relative to the working folder when inside it (the
    one place that asks the working folder; only the CLI's messages use it). A URL (an
    import's source) is as it was given: ``relpath`` would make ``http://h`` ``http:/h``."""
    text = str(path)
    if is_external(text):
        return text
    try:
        shown = os.path.relpath(text)
    except ValueError:
        return text
    return text if shown.startswith("..") else shown


def typed(problem: Problem) -> Problem:
    """``problem`` with its path as the user would type it (for messages only)."""
    return dataclasses.replace(problem, path=as_typed(problem.path))


def is_external(target: str) -> bool:
    """True for URLs with a scheme or a network location (``https:``, ``mailto:``, ``//h``)."""
    return bool(url_scheme(target)) or target.startswith("//")


def with_scheme(target: str, scheme: str) -> str:
    """``target`` given ``scheme`` when it is protocol-relative (``//host/x``: external, but
    with no scheme of its own), else as it is. A page resolves it against its own address; a
    feed's reader, against whatever URL it took the feed from (its cache's, a ``file:``), or
    not at all, and validators warn about it."""
    try:
        relative = is_external(target) and not url_scheme(target)
    except ValueError:  # not a URL (``//[x``): left as written, as the renderer leaves it
        return target
    return f"{scheme}:{target}" if relative else target


_PLAIN_URL = re.compile(
    r"(?![\x00-\x20])(?:([A-Za-z][A-Za-z0-9+.-]*):)?+"
    r"(?://[^/?#\[\]\t\r\n\x80-\U0010ffff]*+(?=[/?#]|\Z)|(?!//))[^\t\r\n]*+"
)


def url_scheme(target: str) -> str:
    """``urlsplit(target).scheme``, without the parse when nothing can make it differ.

    Renders ask this of every link, and most URLs are plain: no leading blank, no tab or line
    break (urlsplit strips those first), an ASCII host without brackets (which urlsplit checks
    and may reject with ValueError). Anything else goes to urlsplit itself.
    """
    m = _PLAIN_URL.fullmatch(target)
    if m is None:
        return urlsplit(target).scheme
    return m.group(1).lower() if m.group(1) else ""


_NOT_URI = re.compile(r"[^!#-;=?-\[\]_a-z~]")
"""A character a URI may not hold as it is (RFC 3986): a blank, a control, non-ASCII text or
one of ``"<>\\^`{|}``."""


def iri_to_uri(url: str) -> str:
    """An absolute URL as a URI: what a URI may not hold percent-encoded as UTF-8, a non-ASCII
    host in IDNA, escapes already there kept. Browsers accept either form; podcast apps and
    Apple's validator refuse an enclosure URL with a space or an ``é`` in it."""
    if not _NOT_URI.search(url):
        return url
    parts = urlsplit(url.strip())
    netloc = parts.netloc
    host = parts.hostname or ""
    if not host.isascii():
        user, at, _ = netloc.rpartition("@")
        port = f":{parts.port}" if _has_port(parts) else ""
        with contextlib.suppress(UnicodeError, ValueError):  # else for the link checker
            netloc = f"{user}{at}{_idna(host)}{port}"
    safe = "!#$%&'()*+,/:;=?@[]~-._"
    return parts._replace(
        netloc=quote(netloc, safe=safe),
        path=quote(parts.path, safe=safe),
        query=quote(parts.query, safe=safe),
        fragment=quote(parts.fragment, safe=safe),
    ).geturl()


DEFAULT_PORTS = {"http": 80, "https": 443}
"""The port a scheme's URL names when it names none."""


def requested_url(url: str) -> str:
    """``url`` as a browser or podcast app requests it: :func:`iri_to_uri`, the scheme and
    host in lower case, no port when it is the scheme's own, ``/`` for no path
    (``https://O.EXAMPLE.com:443`` is ``https://o.example.com/``); a URL no parser reads as
    written."""
    try:
        uri = iri_to_uri(url)
        parts = urlsplit(uri)
        host, port = parts.hostname, parts.port
    except ValueError:
        return url
    if not host:
        return uri
    scheme = parts.scheme.lower()
    user = parts.netloc.rpartition("@")[0]
    netloc = (f"{user}@" if user else "") + (f"[{host}]" if ":" in host else host)
    if port is not None and port != DEFAULT_PORTS.get(scheme):
        netloc += f":{port}"
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, parts.fragment))


def _has_port(parts: SplitResult) -> bool:
    try:
        return parts.port is not None
    except ValueError:
        return False


def _idna(host: str) -> str:
    """A host in IDNA 2008 with UTS 46 mapping, as browsers spell it (Python's own codec is
    IDNA 2003: ``faß.de`` would become another host, ``fass.de``)."""
    import idna

    return str(idna.encode(host, uts46=True).decode("ascii"))


_SCHEME = re.compile(r"[\x00-\x20]*([A-Za-z][A-Za-z0-9+.-]*):")
IMAGE_SCHEMES = ("http", "https")
"""The only schemes an image may be shown from; a relative path names a local file."""


def image_url_problem(target: str) -> str | None:
    """Why ``target`` may not be an image's URL (``javascript:``, ``data:``, ``file:``), or
    None for an http(s) URL or a relative path. The scheme is read as browsers read it:
    blanks and controls before it, tabs and line breaks inside it, ignored."""
    m = _SCHEME.match(target.replace("\t", "").replace("\n", "").replace("\r", ""))
    if m is None or m.group(1).lower() in IMAGE_SCHEMES:
        return None
    return f"{target!r} is not an image URL: use http(s) or a path inside the content folder"


def url_error(value: str) -> str | None:
    """Why ``value`` is not a URL at all (``https://[::1``: a host no parser takes), or None.
    Such text cannot be followed, and its scheme cannot be trusted."""
    try:
        parts = urlsplit(value)
        parts.hostname  # noqa: B018 - parsing the host is the check
        parts.port  # noqa: B018 - and the port (``:99999`` is out of range: no client opens it)
    except ValueError as exc:
        return str(exc)
    return None


def _without_password(url: str) -> str:
    """``url`` with the password of its ``user:password@`` as ``***`` (for a message)."""
    scheme, sep, rest = url.partition("://")
    where, at, host = rest.partition("@")
    if not sep or not at or ":" not in where or "/" in where:
        return url
    return f"{scheme}://{where.split(':', 1)[0]}:***@{host}"


def base_url_problem(value: str) -> str | None:
    """Why ``value`` cannot be a site's base URL (``[site] base_url``, ``feeds_url``, the one
    ``publish init`` finds), or None: an absolute http(s) URL with a host, without a ``?query``
    or ``#fragment`` (every page and feed hangs off it: ``https://e.org/?p=1essays/x/``).
    Characters a URL cannot hold are not refused: the configuration reads its URLs as IRIs
    (:func:`iri_to_uri` percent-encodes them)."""
    shown = _without_password(value)[:200]
    expected = f"expected an absolute http(s) URL, got {shown!r}"
    if not re.match(r"https?://[^/\s]", value) or url_error(value):
        return expected
    if "?" in value or "#" in value:
        return f"{expected}: a base URL has no ?query or #fragment"
    parts = urlsplit(value)
    if parts.username is not None or parts.password is not None:
        return f"{expected}: no user or password in it (every feed and page would show them)"
    if parts.port == 0:
        return f"{expected}: port 0 is no port"
    return None


def joined_inside(base: str, path: str, *, clamp: bool = False) -> str | None:
    """``path`` (relative, from the file ``base``) as a path from the root, normalised ("" for
    the root itself); None when it leaves the root. Names only: no file is looked at.

    With ``clamp`` (a GitBook space), a ``..`` at the root stays there, as GitBook and a browser
    resolve a URL: ``../../.gitbook/assets/a.png`` from ``qa/x.md`` is ``.gitbook/assets/a.png``.
    Only the ``..`` past the root are dropped, so the result is still inside it."""
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(base), path))
    if clamp and (joined == ".." or joined.startswith("../")):
        joined = clamped(joined)
    if joined == ".." or joined.startswith(("../", "/")):
        return None
    return "" if joined == "." else joined


def clamped(normal: str) -> str:
    """A normalised relative path without its leading ``..`` segments (those past the root;
    normpath leaves none after a name): "." when nothing else is left."""
    at = 0
    while normal.startswith("../", at):  # one pass: a slice per segment was quadratic
        at += 3
    rest = normal[at:]
    return "." if rest in ("", "..") else rest


def climbs_past(base: str, path: str) -> bool:
    """True when ``path`` (relative, from the file ``base``) has more ``..`` than ``base`` is
    deep: GitBook stops them at the root (see :func:`joined_inside`'s ``clamp``)."""
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(base), path))
    return joined == ".." or joined.startswith("../")


def link_path(target: str) -> str:
    """The path of a relative link ``target``: split from its query and fragment first, then
    percent-decoded (``c%23sharp.md`` names the file ``c#sharp.md``, ``what%3F.md`` the file
    ``what?.md``; decoded first, both were cut at the ``#`` or ``?`` their escape spells)."""
    path = target.partition("#")[0].partition("?")[0]
    return unquote(path) if "%" in path else path


_KEPT_ESCAPES = re.compile(r"(%(?:23|3[Ff]|25))")
"""The escapes of ``#``, ``?`` and ``%``: decoded, they would change what a URL says."""


def readable_link(target: str) -> str:
    """``target`` percent-decoded but for the escapes of ``#``, ``?`` and ``%`` (``%23``,
    ``%3F``, ``%25``): readable as written (``image (1).png``, ``café.md``), and still split
    at its own ``#`` and ``?`` by :func:`link_path`, which decodes the rest (a fully decoded
    ``c%23sharp.md`` read as the file ``c`` and the fragment ``sharp.md``)."""
    if "%" not in target:
        return target
    pieces = _KEPT_ESCAPES.split(target)  # odd indexes: the escapes kept
    return "".join(p if n % 2 else unquote(p) for n, p in enumerate(pieces))


def resolve_inside(root: Path, base: str, target: str, *, clamp: bool = False) -> tuple[str, Path]:
    """Resolve ``target`` (a relative link from the file ``base``) inside ``root``.

    Returns the path relative to the root (POSIX) and the absolute path. Raises
    :class:`OutsideRoot` when the target escapes the root, including through a symlink. With
    ``clamp`` (a GitBook space), ``..`` past the root stop at it (see :func:`joined_inside`):
    the path is still one inside the root, and a symlink out is still refused.
    """
    return file_inside(root, base, link_path(target), clamp=clamp, shown=target)


def file_inside(
    root: Path, base: str, path_part: str, *, clamp: bool = False, shown: str | None = None
) -> tuple[str, Path]:
    """:func:`resolve_inside` of a file's path as it is on disk (decoded, no query or
    fragment: ``hash#tag.png`` is that file), ``shown`` in the errors (default: the path)."""
    target = path_part if shown is None else shown
    if path_part.startswith("/") or (len(path_part) > 1 and path_part[1] == ":"):
        raise OutsideRoot(f"absolute path {path_part!r} is not allowed; use a relative path")
    rel = joined_inside(base, path_part, clamp=clamp)
    if rel is None:
        raise OutsideRoot(f"{target!r} points outside the content root")
    absolute = root / rel
    real_root = root.resolve()
    try:
        real = absolute.resolve()
    except OSError as exc:  # symlink loops
        raise OutsideRoot(f"{target!r} cannot be resolved: {exc}") from None
    if real != real_root and real_root not in real.parents:
        raise LinkedOut(f"{target!r} resolves outside the content root (symlink?)")
    return rel, absolute


def escapes(root: Path, path: Path) -> bool:
    """Whether ``path``, each symlink on the way followed, lies outside the folder ``root``
    (or cannot be followed: a loop). A file written there would land elsewhere:
    ``content/essays -> /elsewhere`` once had a new essay written there."""
    top = root.resolve()
    try:
        where = path.resolve()
    except (OSError, RuntimeError):  # a symlink loop (RuntimeError before Python 3.13)
        return True
    return where != top and top not in where.parents


def read_within(root: Path, path: Path) -> bytes:
    """The bytes of ``path``, a file that steers the build (SUMMARY.md, ``.gitbook.yaml``, the
    dates file); :class:`OutsideRoot` when it, each symlink on the way followed, lies outside
    ``root``: linked out, another file's text would become the site's menu, or be quoted in
    its errors."""
    if escapes(root, path):
        raise LinkedOut("a symbolic link to a file outside the content folder; refused")
    return path.read_bytes()


def asset_url(item_url: str, asset_rel: str) -> str:
    """URL of a local file an item uses: it is copied next to the item's page."""
    base = item_url if item_url.endswith("/") else item_url.rsplit("/", 1)[0] + "/"
    return base + quote(posixpath.basename(asset_rel))


def is_url(value: str) -> bool:
    """True for an absolute http(s) URL (``http://[x``, which no parser reads, is none)."""
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def walk(top: str | Path) -> Iterator[tuple[str, list[str], list[str]]]:
    """``os.walk(top)``, top-down, links to folders listed but not followed, without its
    recursion: Python 3.11's recursed once per level, so a tree 1,000 folders deep raised
    RecursionError (exit 1). The caller may prune ``dirnames`` in place, as with os.walk."""
    stack = [os.fspath(top)]
    while stack:
        path = stack.pop()
        try:
            with os.scandir(path) as listing:
                entries = list(listing)
        except OSError:
            continue
        dirs: list[str] = []
        files: list[str] = []
        for entry in entries:
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            (dirs if is_dir else files).append(entry.name)
        yield path, dirs, files
        below = [os.path.join(path, d) for d in dirs]
        stack.extend(p for p in reversed(below) if not os.path.islink(p))
