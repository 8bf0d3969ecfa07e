"""The reload script (and a page's Draft / Scheduled banner) added to HTML as it is served;
the files on disk stay as the build wrote them."""

from __future__ import annotations

import html

SCRIPT = b'<script src="/_preview/live.js"'
"""How the reload script's tag starts; it names the build the page was served from."""
BANNER = (
    '<div class="publish-preview-banner" role="status" style="position:sticky;top:0;'
    "z-index:2147483646;padding:.5rem 1rem;background:#fef3c7;color:#78350f;"
    'font:600 16px/1.4 system-ui,sans-serif;border-bottom:2px solid #f59e0b">{}</div>'
)


def script_tag(build: int) -> bytes:
    """The reload script for a page of build number ``build``: it asks for the news after
    that build, so a rebuild finished before the script connected still reaches the page."""
    return SCRIPT + f' data-build="{build}"></script>'.encode()


def inject(page: bytes, build: int, banner: str | None = None) -> bytes:
    """``page`` with the script before ``</body>`` (or at the end) and ``banner`` after
    ``<body ...>`` (or at the start). Found with plain searches: no regex on user text."""
    lower = page.lower()
    end = lower.rfind(b"</body>")
    tag = script_tag(build)
    page = page + tag if end < 0 else page[:end] + tag + page[end:]
    if banner:
        mark = BANNER.format(html.escape(banner)).encode()
        start = lower.find(b"<body")
        close = page.find(b">", start) if start >= 0 else -1
        at = close + 1 if close >= 0 else 0
        page = page[:at] + mark + page[at:]
    return page
