"""GitBook's dark-mode images as Git Sync writes them: ``<picture><source srcset="…/image
(8).png" media="(prefers-color-scheme: dark)"><img src="…/image (3).png"></picture>``, the
files named as GitBook names pasted images. The HTML standard's ``srcset`` split reads that
URL to its first blank (``…/image``): the dark image was "points at nothing" for the build
and ``publish links``, never copied, and its ``srcset`` led nowhere."""

from __future__ import annotations

import html
from pathlib import Path

from tests.gitbook.conftest import article, run_space, write_space

PAGE = (
    "# Page\n\nThe diagram:\n\n"
    '<figure><picture><source srcset="../.gitbook/assets/image (8).png" '
    'media="(prefers-color-scheme: dark)"><img src="../.gitbook/assets/image (3).png" alt="">'
    "</picture><figcaption></figcaption></figure>\n"
)


def test_a_dark_mode_image_named_with_blanks_is_copied_and_linked(tmp_path: Path) -> None:
    files = {
        "SUMMARY.md": "# Summary\n\n* [Home](README.md)\n* [Page](guide/page.md)\n",
        "README.md": "# Home\n\nHome.\n",
        "guide/page.md": PAGE,
    }
    root = write_space(tmp_path / "space", files)
    assets = root / ".gitbook" / "assets"
    assets.mkdir(parents=True)
    (assets / "image (8).png").write_bytes(b"dark")
    (assets / "image (3).png").write_bytes(b"light")
    out = tmp_path / "out"
    built = run_space(root, "build", "--out", str(out))
    assert built.exit_code == 0, built.output
    assert "points at nothing" not in built.stderr
    assert (out / "guide" / "page" / "image (8).png").read_bytes() == b"dark"
    page = html.unescape(article(out, "guide/page"))
    assert 'srcset="https://h.example/guide/page/image%20%288%29.png"' in page
    assert 'src="../../guide/page/image%20%283%29.png"' in page
    links = run_space(root, "links", "--offline")
    assert links.exit_code == 0, links.output


def test_a_srcset_of_candidates_is_still_read_as_the_standard_reads_it(tmp_path: Path) -> None:
    files = {
        "SUMMARY.md": "# Summary\n\n* [Home](README.md)\n",
        "README.md": '# Home\n\n<img src="a.png" srcset="a.png 1x, b.png 2x" alt="">\n',
    }
    root = write_space(tmp_path / "space", files)
    (root / "a.png").write_bytes(b"a")
    (root / "b.png").write_bytes(b"b")
    out = tmp_path / "out"
    built = run_space(root, "build", "--out", str(out))
    assert built.exit_code == 0, built.output
    assert "points at nothing" not in built.stderr
    assert (out / "b.png").read_bytes() == b"b"
    home = (out / "index.html").read_text(encoding="utf-8")
    assert "a.png 1x, " in home and "b.png 2x" in home
