"""The item's image, for the channels that upload it (a Bluesky link-card thumbnail, a
Mastodon media attachment): read from the content folder when it is a local file (the URL
the build gave it is that of the copy beside the item's page), else fetched (bounded in size and
time by :mod:`pipeline.support.fetch`), checked to be an image, and fitted to the service's
size limit.

An image that is missing, not an image, or cannot be fitted never stops an announcement:
the post goes out without it and the reason is a warning (:class:`NoPicture`).
A picture that fits is sent as it is, byte for byte; a larger one (or a format the services
do not take) is re-encoded as a JPEG, scaled down until it fits.
"""

from __future__ import annotations

import io
import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import requests
from PIL import Image, UnidentifiedImageError

from pipeline.model import Item
from pipeline.support.fetch import UnreadableSource, fetch_bounded, is_web
from pipeline.support.paths import OutsideRoot, asset_url, resolve_inside

MAX_READ = 50_000_000
"""Largest image read or fetched before fitting (a camera's original is under 30 MB)."""
DEADLINE = 60.0
"""Seconds a whole image download may take."""
MIME = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
"""Formats sent as they are (the ones Bluesky and Mastodon both take)."""
LONGEST_SIDE = 2000
"""Side a re-encoded picture is first scaled to (Bluesky shows cards far smaller)."""
_STEPS = 6


class NoPicture(Exception):
    """Why the item's image is not attached (a warning; the post goes out without it)."""


@dataclass(frozen=True)
class Picture:
    data: bytes
    mime: str
    name: str
    """A file name for multipart uploads (the image's own, its extension matching ``mime``)."""
    alt: str
    """Alternative text: the item's title (as the digest's image has)."""


Fetch = Callable[..., bytes]


@dataclass(frozen=True)
class Pictures:
    """Where items' images are read from: the content folder (a relative image) or the web
    (an absolute one, through ``session``)."""

    content: Path
    session: requests.Session
    timeout: float = 30.0
    fetch: Fetch = fetch_bounded

    def load(self, item: Item, max_bytes: int) -> Picture | None:
        """The item's picture fitted to ``max_bytes``; None when it has none. Raises
        :class:`NoPicture` with the reason when it cannot be had."""
        if not item.image:
            return None
        raw = self._read(item, item.image)
        return fit(raw, max_bytes, _stem(item.image), item.title)

    def _read(self, item: Item, image: str) -> bytes:
        local = _local_asset(item, image)
        try:
            if local is not None:
                image = local  # the file the build copies beside the page: read it here
            elif is_web(image):
                return self.fetch(
                    image,
                    self.session,
                    max_bytes=MAX_READ,
                    deadline=DEADLINE,
                    timeout=self.timeout,
                )
            _, path = resolve_inside(self.content, item.source, image)
            if path.stat().st_size > MAX_READ:
                raise NoPicture(f"image {image}: more than {MAX_READ} bytes")
            return path.read_bytes()
        except UnreadableSource as exc:
            raise NoPicture(str(exc)) from None
        except OutsideRoot as exc:
            raise NoPicture(f"image {image}: {exc}") from None
        except OSError as exc:
            raise NoPicture(f"image {image}: {exc.strerror or exc}") from None


def _local_asset(item: Item, image: str) -> str | None:
    """The content file (as a path relative to the item) behind an image URL the build made
    of a local image (the asset copied beside the item's page), or None."""
    for asset in item.assets:
        if asset_url(item.url, asset) == image:
            return posixpath.relpath(asset, posixpath.dirname(item.source) or ".")
    return None


def _stem(image: str) -> str:
    name = image.split("?")[0].split("#")[0].rstrip("/").rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0] or "image"


def fit(raw: bytes, max_bytes: int, stem: str, alt: str) -> Picture:
    """``raw`` as a picture of at most ``max_bytes``: as it is when it is a JPEG, PNG, GIF or
    WebP small enough, else re-encoded as a JPEG and scaled down until it fits."""
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            kind = probe.format or ""
            probe.verify()
        if kind in MIME and len(raw) <= max_bytes:
            ext = "jpg" if kind == "JPEG" else kind.lower()
            return Picture(raw, MIME[kind], f"{stem}.{ext}", alt)
        with Image.open(io.BytesIO(raw)) as img:
            img.seek(0)
            rgb = img.convert("RGB")
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError) as exc:
        raise NoPicture(f"the image is not one that can be read ({type(exc).__name__})") from None
    side = LONGEST_SIDE
    for _ in range(_STEPS):
        small = rgb.copy()
        small.thumbnail((side, side))
        out = io.BytesIO()
        small.save(out, "JPEG", quality=82, optimize=True)
        if out.tell() <= max_bytes:
            return Picture(out.getvalue(), "image/jpeg", f"{stem}.jpg", alt)
        side //= 2
    raise NoPicture(f"the image does not fit in {max_bytes} bytes even at {side * 2} px")
