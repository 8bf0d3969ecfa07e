"""An item's ``aliases`` (its old URLs, a redirect page written at each) checked: each a
path on this site (:mod:`pipeline.config.oldurls`), else an error at the key's line.

A path without its leading ``/`` (``old-post``, ``../old/path``) is read as Hugo reads it:
from the folder of the page's own URL (a page at ``/posts/new-post/`` with ``old-post`` has
its redirect at ``/posts/old-post/``; Hugo's ``hugolib/page__output.go``, the page's target
joined with ``..``). One that climbs above the site's root, or comes to the root itself
(the home page's place), is refused, as is one written as the root (``/``, the site's URL
or its base path, :func:`pipeline.config.oldurls.names_root`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote, urlsplit

from pipeline.config.oldurls import (
    file_address,
    is_relative,
    old_url_path,
    old_url_problem,
    root_problem,
    shown_old,
)
from pipeline.load.fields import Checker


def site_aliases(chk: Checker, meta: Mapping[str, Any], base_url: str, page_url: str) -> list[str]:
    """The ``aliases`` as site paths: a path as written, an absolute URL on the site's host
    as its path, a relative path resolved from the folder of ``page_url`` (the item's own
    URL) to the path from the server's root. Each value is checked as written (a control
    character the text cleaning would drop is refused too); a value that is not text is the
    list checker's error."""
    aliases = chk.string_list(meta, "aliases", allow_str=True)
    value = meta.get("aliases")
    written = value if isinstance(value, list) else [value]
    texts = (v for v in written if isinstance(v, (str, int, float)) and not isinstance(v, bool))
    for text in dict.fromkeys(str(v) for v in texts):  # each value said once
        if not text.strip():
            continue  # the list's own check says so
        if problem := _problem(text, base_url, page_url):
            chk.error("aliases", problem)
    out = []
    for alias in aliases:
        path = _resolved(alias, base_url, page_url) if is_relative(alias) else alias
        out.append(old_url_path(path) if path is not None else alias)
        if path is not None and (name := file_address(old_url_path(path))) is not None:
            message = f"{shown_old(alias)} is the address of a file ({shown_old(name)}), not of"
            chk.warn("aliases", f"{message} a page: no redirect is written there")
    return out


def _problem(text: str, base_url: str, page_url: str) -> str | None:
    """Why ``text`` is no alias of the page at ``page_url``, else None."""
    if not is_relative(text) or text != text.strip():
        if problem := old_url_problem(text, base_url):
            return problem
        return root_problem(text, base_url, _SAID)
    undotted = "/".join(p for p in text.split("/") if unquote(p) not in (".", ".."))
    if problem := old_url_problem(undotted or "x", base_url):  # the value's own characters
        return old_url_problem(text, base_url) or problem
    base, folder = _places(base_url, page_url)
    where = "/" + "".join(p + "/" for p in (*base, *folder))
    resolved = _resolved(text, base_url, page_url)
    said = f"{_SAID}, got {shown_old(text)}"
    if resolved is None:
        return f"{said}: read from the page's folder {where}, it climbs above the site's root"
    if resolved.split("?", 1)[0].split("#", 1)[0].strip("/") == "/".join(base):
        return f"{said}: read from the page's folder {where}, it is the site's root (its home page)"
    if problem := old_url_problem(resolved, base_url):
        return f"{problem}, read from the page's folder {where} as {shown_old(text)}"
    return None


_SAID = "expected a path on this site such as old-page or /old/page/"
"""What an alias may be: a relative one too (:data:`pipeline.config.oldurls.EXPECTED`'s
paths start with ``/``)."""


def _places(base_url: str, page_url: str) -> tuple[list[str], list[str]]:
    """The segments of the site's own path (``base_url``'s), and those of the folder of the
    page's URL below it: Hugo's base of a relative alias (``posts`` for ``/posts/new/``)."""
    base = [p for p in urlsplit(base_url).path.split("/") if p]
    path = [p for p in urlsplit(page_url).path.split("/") if p]
    if path[: len(base)] == base:
        path = path[len(base) :]
    return base, path[:-1]


def _resolved(value: str, base_url: str, page_url: str) -> str | None:
    """The relative alias ``value`` as a path from the server's root (its ``?query`` or
    ``#fragment`` kept); None when it climbs above the site's root (the path of
    ``base_url``). A ``%2e`` is a dot here, as browsers resolve it."""
    cut = min((i for i in (value.find("?"), value.find("#")) if i >= 0), default=len(value))
    path, rest = value[:cut], value[cut:]
    base, parts = _places(base_url, page_url)
    for part in path.split("/"):
        name = unquote(part)
        if name in ("", "."):
            continue
        if name == "..":
            if not parts:
                return None
            parts.pop()
        else:
            parts.append(part)
    last = unquote(path.rsplit("/", 1)[-1])
    trail = "/" if parts and (path.endswith("/") or last in (".", "..")) else ""
    return "/" + "/".join((*base, *parts)) + trail + rest
