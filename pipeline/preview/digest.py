"""``/_preview/digest``: what ``publish digest`` would send now, shown in the browser.

The build side composes it (:meth:`pipeline.build.preview.PreviewSite.digest`, with the
newsletter's own selection and composition); this module only holds the result and renders
the page around it. The HTML part is served as composed at ``/_preview/digest.html`` (shown
in a frame, its bytes untouched) and the text part at ``/_preview/digest.txt``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import jinja2

from pipeline.model import Item
from pipeline.newsletter.compose import Digest

TEMPLATE = "digest.html.j2"
NOTHING = "Nothing new since the last digest; nothing to send."
"""The words ``publish digest`` prints when no item is waiting."""


@dataclass(frozen=True)
class DigestPreview:
    """The digest ``publish digest`` would compose at ``now``, or why there is none."""

    now: datetime
    digest: Digest | None = None
    items: tuple[Item, ...] = ()
    """Newest first, as the digest lists them."""
    warnings: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    """``path:line: field: message`` lines that kept the digest from being composed."""


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).resolve().parent),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def render_page(preview: DigestPreview) -> bytes:
    """The preview page: subject, preheader, items and warnings, the HTML part in a frame
    and the text part in full."""
    page = (
        _environment()
        .get_template(TEMPLATE)
        .render(
            preview=preview,
            digest=preview.digest,
            nothing=NOTHING,
            when=preview.now.strftime("%Y-%m-%d %H:%M %Z").strip(),
        )
    )
    return page.encode("utf-8")
