"""Where the preview listens, and the origin its pages link to.

Pages are built once, so every link in them names one origin. On 127.0.0.1 (the default)
that is the listening address. Listening on every interface (``--bind 0.0.0.0`` or ``::``) is
for a browser on another machine (a phone on the same network), to which 127.0.0.1 would be
itself: the links then use this machine's host name, or the ``--base-url`` given (as
``hugo server --bind 0.0.0.0 --baseURL http://192.168.1.20/`` does; the port is added when the
URL names none, as Hugo's ``--appendPort``).
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

WILDCARDS = ("0.0.0.0", "::", "")


def origin_problem(url: str) -> str | None:
    """Why ``url`` cannot be the preview's origin, or None."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises ValueError for a port that is not one)
    except ValueError as exc:
        return f"not a URL ({exc})"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"expected http://HOST[:PORT]/, got {url!r}"
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        return f"the preview is served from the root: give http://{parts.netloc}/, not {url!r}"
    return None


def _host_in_url(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def origin_for(bind: str, port: int, base_url: str | None = None) -> str:
    """The origin the preview's pages link to (ends with ``/``)."""
    if base_url:
        parts = urlsplit(base_url)
        netloc = parts.netloc if parts.port is not None else f"{parts.netloc}:{port}"
        return f"{parts.scheme}://{netloc}/"
    host = socket.gethostname() if bind in WILDCARDS else bind
    return f"http://{_host_in_url(host)}:{port}/"


def family_of(bind: str) -> socket.AddressFamily:
    """IPv6 for an IPv6 address (``::`` takes IPv4 too where the system allows), else IPv4."""
    return socket.AF_INET6 if ":" in bind else socket.AF_INET


def port_note(bind: str, port: int, base_url: str | None) -> str:
    """What the "Serving" line adds when the links' origin is not the listening address."""
    if bind not in WILDCARDS and not base_url:
        return ""
    note = f"listening on {_host_in_url(bind or '*')}:{port}; "
    if not base_url:
        note += "other machines must resolve this name, else give --base-url; "
    return note


def host_allowed(host: str | None, origin: str) -> bool:
    """Whether a request's ``Host`` header names this preview: an IP address, ``localhost``
    (or a name under it), or the host of ``origin``. Anything else is how a page on another
    site reads the preview (drafts included) after pointing its own name at 127.0.0.1 (DNS
    rebinding), so it is refused, as Vite's ``server.allowedHosts`` refuses it. No header (an
    HTTP/1.0 client) is not a browser's request."""
    if not host:
        return True
    try:
        name = urlsplit(f"//{host}").hostname or ""
    except ValueError:
        return False
    try:
        ipaddress.ip_address(name)
        return True
    except ValueError:
        pass
    if name == "localhost" or name.endswith(".localhost"):
        return True
    return name == (urlsplit(origin).hostname or "").lower()
