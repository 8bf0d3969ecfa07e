"""Images on Bluesky (a link-card thumbnail, ``uploadBlob``) and Mastodon (a media
attachment, ``POST /api/v2/media``, polled while processing), and both services' rate-limit
budgets, against the contract servers."""

from __future__ import annotations

import io
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from tests.announce.conftest import (
    IDS,
    bluesky_channel,
    cli,
    mastodon_channel,
    site,
    states,
)
from tests.contract.bluesky_server import BlueskyServer
from tests.contract.fakehttp import FakeHTTPServer, Request, Response
from tests.contract.mastodon_server import MastodonServer

ESSAY = "first-steps.md"  # the oldest of the three essays: IDS[0], posted first


def _png(size: tuple[int, int] = (64, 48), noise: bool = False) -> bytes:
    img = Image.new("RGB", size, (30, 120, 200))
    if noise:  # incompressible: a big PNG that must be re-encoded to fit
        rng = random.Random(7)
        img.frombytes(rng.randbytes(size[0] * size[1] * 3))
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def _with_image(config: Path, image: str, data: bytes | None = None, name: str = "") -> Path:
    """Give the first essay ``image: <image>`` (and write ``data`` as the file ``name``)."""
    essay = config.parent / "content" / "essays" / ESSAY
    text = essay.read_text(encoding="utf-8")
    essay.write_text(text.replace("---\n", f"---\nimage: {image}\n", 1), encoding="utf-8")
    if data is not None:
        (essay.parent / (name or image)).write_bytes(data)
    return essay.parent / (name or image)


class ImageHost(FakeHTTPServer):
    """Serves ``/cover.png``; anything else is 404."""

    def __init__(self, data: bytes) -> None:
        super().__init__()
        self.data = data

    def handle(self, req: Request) -> Response:
        if req.path == "/cover.png":
            return 200, {"Content-Type": "image/png"}, self.data
        return 404, {"Content-Type": "text/plain"}, b"not found"


@pytest.fixture
def image_host() -> Iterator[ImageHost]:
    server = ImageHost(_png((40, 40)))
    server.start()
    yield server
    server.stop()


def _thumb(bluesky: BlueskyServer, n: int = 0) -> dict[str, object] | None:
    record = list(bluesky.records.values())[n]
    external = record["embed"]["external"]
    thumb = external.get("thumb")
    return thumb if isinstance(thumb, dict) else None


def test_bluesky_uploads_a_local_image_as_the_link_card_thumbnail(
    tmp_path: Path, bluesky: BlueskyServer
) -> None:
    config = site(tmp_path, bluesky_channel(bluesky.url))
    data = _png()
    _with_image(config, "cover.png", data)
    result = cli(config, "--send")
    assert result.exit_code == 0, result.stderr
    assert len(bluesky.records) == 3
    thumb = _thumb(bluesky)
    assert thumb is not None and thumb["mimeType"] == "image/png" and thumb["size"] == len(data)
    (blob,) = bluesky.blobs.values()
    assert blob == (data, "image/png")  # sent as it is: small enough, a PNG
    assert _thumb(bluesky, 1) is None  # the other essays have no image
    assert "warning:" not in result.stderr


def test_bluesky_fits_a_large_image_under_the_thumbnail_limit(
    tmp_path: Path, bluesky: BlueskyServer
) -> None:
    config = site(tmp_path, bluesky_channel(bluesky.url))
    data = _png((1200, 900), noise=True)
    assert len(data) > 1_000_000
    _with_image(config, "big.png", data)
    result = cli(config, "--send")
    assert result.exit_code == 0, result.stderr
    thumb = _thumb(bluesky)
    assert thumb is not None and thumb["mimeType"] == "image/jpeg"
    (blob,) = bluesky.blobs.values()
    assert len(blob[0]) <= 1_000_000
    with Image.open(io.BytesIO(blob[0])) as img:
        assert img.format == "JPEG" and img.size == (1200, 900)


def test_bluesky_fetches_an_image_url_and_posts_without_a_missing_one(
    tmp_path: Path, bluesky: BlueskyServer, image_host: ImageHost
) -> None:
    config = site(tmp_path, bluesky_channel(bluesky.url))
    _with_image(config, f"{image_host.url}/cover.png")
    second = config.parent / "content" / "essays" / "open-decisions.md"
    text = second.read_text(encoding="utf-8")
    second.write_text(
        text.replace("---\n", f"---\nimage: {image_host.url}/gone.png\n", 1), encoding="utf-8"
    )
    result = cli(config, "--send")
    assert result.exit_code == 0, result.stderr
    assert len(bluesky.records) == 3
    assert _thumb(bluesky) is not None and _thumb(bluesky, 1) is None
    assert f"bluesky/{IDS[1]}: posted without a link-card image" in result.stderr
    assert "HTTP 404" in result.stderr


@pytest.mark.parametrize(
    ("image", "data", "why"),
    [
        ("notes.png", b"this is not a picture", "not one that can be read"),
        ("missing.png", None, "image missing.png: No such file"),
    ],
)
def test_an_image_that_cannot_be_had_is_a_warning_and_the_post_goes_out(
    tmp_path: Path,
    bluesky: BlueskyServer,
    mastodon: MastodonServer,
    image: str,
    data: bytes | None,
    why: str,
) -> None:
    config = site(tmp_path, bluesky_channel(bluesky.url) + mastodon_channel(mastodon.url))
    _with_image(config, image, data)
    result = cli(config, "--send")
    assert result.exit_code == 0, result.stderr
    assert len(bluesky.records) == 3 and len(mastodon.statuses) == 3
    assert bluesky.blobs == {} and mastodon.media == {}
    assert f"bluesky/{IDS[0]}: posted without a link-card image" in result.stderr
    assert f"mastodon/{IDS[0]}: posted without its image" in result.stderr
    assert why in result.stderr


@pytest.mark.parametrize("polls", [0, 2])
def test_mastodon_attaches_the_image_with_its_description_once_processed(
    tmp_path: Path, mastodon: MastodonServer, polls: int
) -> None:
    mastodon.processing = polls  # 0: 200 at once; 2: 202, then 206 twice, then 200
    config = site(tmp_path, mastodon_channel(mastodon.url))
    data = _png()
    _with_image(config, "cover.png", data)
    result = cli(config, "--send")
    assert result.exit_code == 0, result.stderr
    first = mastodon.statuses[0]
    (media,) = first["media_attachments"]
    assert media["description"] == "First steps" and media["url"]
    assert mastodon.files[media["id"]] == data
    gets = [r for r in mastodon.requests if r.path.startswith("/api/v1/media/")]
    assert len(gets) == polls + (1 if polls else 0)
    assert [len(s["media_attachments"]) for s in mastodon.statuses] == [1, 0, 0]
    assert set(states(config, "mastodon").values()) == {"sent"}


def test_mastodon_fits_the_image_to_the_server_limit(
    tmp_path: Path, mastodon: MastodonServer
) -> None:
    mastodon.image_size_limit = 20_000
    config = site(tmp_path, mastodon_channel(mastodon.url))
    _with_image(config, "big.png", _png((400, 300), noise=True))
    result = cli(config, "--send")
    assert result.exit_code == 0, result.stderr
    (media,) = mastodon.statuses[0]["media_attachments"]
    assert len(mastodon.files[media["id"]]) <= 20_000
    assert mastodon.media[media["id"]]["mime"] == "image/jpeg"


def test_mastodon_posts_without_an_image_still_processing(
    tmp_path: Path, mastodon: MastodonServer
) -> None:
    mastodon.processing = 1000
    config = site(tmp_path, mastodon_channel(mastodon.url))
    _with_image(config, "cover.png", _png())
    result = cli(config, "--send")
    assert result.exit_code == 0, result.stderr
    assert len(mastodon.statuses) == 3 and mastodon.statuses[0]["media_attachments"] == []
    assert "posted without its image: the server was still processing it" in result.stderr


def test_bluesky_rate_limit_budget_is_waited_out_never_a_429(
    tmp_path: Path, bluesky: BlueskyServer
) -> None:
    bluesky.budget, bluesky.window = 2, 0.5  # createSession + one post empty it
    result = cli(site(tmp_path, bluesky_channel(bluesky.url)), "--send")
    assert result.exit_code == 0, result.stderr
    assert len(bluesky.records) == 3 and bluesky.throttled == 0


def test_mastodon_rate_limit_budget_is_waited_out_never_a_429(
    tmp_path: Path, mastodon: MastodonServer
) -> None:
    mastodon.budget, mastodon.window = 2, 0.5  # verify_credentials + one post empty it
    result = cli(site(tmp_path, mastodon_channel(mastodon.url)), "--send")
    assert result.exit_code == 0, result.stderr
    assert len(mastodon.statuses) == 3 and mastodon.throttled == 0


def test_a_429_with_the_bluesky_reset_header_is_retried_after_it(
    tmp_path: Path, bluesky: BlueskyServer
) -> None:
    bluesky.budget, bluesky.window = 1, 0.5
    bluesky.used = 1  # the budget is already spent when the run starts
    bluesky.reset_at = __import__("time").time() + 0.5
    result = cli(site(tmp_path, bluesky_channel(bluesky.url, retries=3)), "--send")
    assert result.exit_code == 0, result.stderr
    assert len(bluesky.records) == 3 and bluesky.throttled >= 1
