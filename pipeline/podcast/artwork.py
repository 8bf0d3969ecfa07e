"""Cover art checks: what Apple Podcasts and Spotify accept.

JPEG or PNG, square, 1400 to 3000 pixels a side, RGB colour space, served from a URL whose
path, or whole text, ends in ``.jpg``, ``.jpeg`` or ``.png`` (any case): Apple reads the name
as written, so hosts that serve artwork from a path without one end its query so
(Buzzsprout's ``…/plu57f2w?.jpg``, Acast's ``/image?…&source=…original.jpg``).
"""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import urlsplit

from pipeline.support.paths import url_error

MIN_SIDE = 1400
MAX_SIDE = 3000
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png")


def url_problem(url: str) -> str | None:
    """Why an artwork URL is refused (not absolute, or neither its path nor the URL as written
    ending .jpg/.jpeg/.png), or None."""
    try:
        parts = urlsplit(url)
    except ValueError:  # "http://[x": an IPv6 host never closed
        return f"artwork URL {url!r} is not a URL ({url_error(url) or 'unreadable'})"
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return f"artwork URL {url!r} must be an absolute http(s) URL"
    written = url.split("#", 1)[0].strip().lower()
    if not (parts.path.lower().endswith(IMAGE_SUFFIXES) or written.endswith(IMAGE_SUFFIXES)):
        return f"artwork URL {url!r} must end in .jpg, .jpeg or .png (Apple refuses other names)"
    return None


def image_problems(data: bytes) -> list[str]:
    """Why these image bytes are refused as podcast artwork; empty when they are fine."""
    from PIL import Image, UnidentifiedImageError  # costly to import; only cover art needs it

    try:
        with Image.open(io.BytesIO(data)) as img:
            fmt, (width, height), mode = img.format, img.size, img.mode
    except (UnidentifiedImageError, OSError):
        return ["artwork is not a readable image"]
    except Image.DecompressionBombError:  # pixels enough to exhaust memory once decoded
        return ["artwork has too many pixels to read safely (a decompression bomb?)"]
    out: list[str] = []
    if fmt not in ("JPEG", "PNG"):
        out.append(f"artwork is {fmt}; Apple accepts JPEG or PNG")
    if width != height or not MIN_SIDE <= width <= MAX_SIDE:
        out.append(
            f"artwork is {width}×{height} px; Apple needs a square {MIN_SIDE}–{MAX_SIDE} px image"
        )
    if mode not in ("RGB", "P") or (mode == "P" and fmt != "PNG"):
        out.append(f"artwork colour mode is {mode}; Apple needs RGB")
    return out


def file_problems(path: Path) -> list[str]:
    """Why the local artwork file ``path`` is refused; empty when it is fine."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return [f"cannot read artwork {path.name}: {exc.strerror or exc}"]
    return image_problems(data)
