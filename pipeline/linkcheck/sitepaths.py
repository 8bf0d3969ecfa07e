"""The site's own paths on a site served under a path (``base_url = "https://e.org/docs/"``).

Everything the site publishes is below its base: an item at ``/docs/essays/x/``, an alias
``/old/`` at ``/docs/old/`` (Hugo reads an alias from the site's base, as the build writes it:
:func:`pipeline.config.oldurls.from_site_base`), a ``[content] redirects`` key likewise. A
link's path is looked up below the base; one outside it (``/old/``, which the page links as
``https://e.org/old/``) is no page of this site.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from pipeline.config.oldurls import from_site_base
from pipeline.linkcheck.results import BROKEN, OK, Outcome


def keyed_below_base(
    paths: Mapping[str, str] | None, base_url: str, norm: Callable[[str], str]
) -> dict[str, str]:
    """``paths`` (a permalink's, an alias's or an old URL's path -> content file) keyed by the
    path below the site's base each names, as ``norm`` compares paths."""
    return {norm(from_site_base(k, base_url)): v for k, v in (paths or {}).items()}


def below_base(path: str, base_path: str) -> str | None:
    """A link's normalised ``path`` below ``base_path`` (``/docs``; ``/``: the server's root),
    None when it is outside it."""
    if base_path == "/":
        return path
    if not (path + "/").startswith(base_path + "/"):
        return None
    return path[len(base_path) :] or "/"


def outside_base(path: str, base_path: str, from_base: Outcome) -> Outcome:
    """A link to ``path``, outside the site at ``base_path``: broken, with the way to the page
    it names when read from the base (``from_base``: that link's outcome) if there is one."""
    reason = f"no page at {path}: the site is served from {base_path}/, and {path} is outside it"
    return Outcome(
        BROKEN, reason, f"did you mean {base_path}{path}?" if from_base.status == OK else ""
    )
