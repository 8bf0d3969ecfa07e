"""Links and images written from the space's root (``/dir/page.md``, ``/dir/img.png``), as
GitBook reads them (0xn3va/cheat-sheets has some twenty): the page's URL and the copied image,
as the link checker finds them. The page kept the ``.md`` path and the image was not copied,
while ``publish links`` called both fine."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import main
from tests.gitbook.conftest import run_space, write_space

FILES = {
    "SUMMARY.md": "# Summary\n\n* [Home](README.md)\n* [Cookies](Web%20App/cookies.md)\n"
    "* [Linux](Linux/README.md)\n  * [Files](Linux/files.md)\n",
    "README.md": "# Home\n\nSee [files](/Linux/files.md#setuid), [cookies](/Web%20App/cookies.md),"
    " [the folder](/Linux/) and [home](/).\n\n![diagram](/Web%20App/img/d.png)\n",
    "Web App/cookies.md": "# Cookies\n\nBack [home](/README.md).\n",
    "Linux/files.md": "# Files\n\n## setuid\n\nBits.\n",
    "Linux/README.md": "# Linux\n\nA folder.\n",
}


def _space(tmp_path: Path) -> Path:
    root = write_space(tmp_path / "space", FILES)
    (root / "Web App" / "img").mkdir()
    (root / "Web App" / "img" / "d.png").write_bytes(b"\x89PNG\r\n\x1a\n-diagram-")
    return root


def _hrefs(page: str) -> list[str]:
    main_part = page[page.index("<main") : page.index("</main>")]
    return re.findall(r'(?:href|src)="([^"]*)"', main_part)


def test_links_from_the_root_name_pages_and_copied_files(tmp_path: Path) -> None:
    root = _space(tmp_path)
    out = tmp_path / "out"
    args = ["--config", str(root / "publish.toml"), "--content", str(root)]
    built = CliRunner().invoke(main, ["build", *args, "--out", str(out)])
    assert built.exit_code == 0, built.output
    home = (out / "index.html").read_text(encoding="utf-8")
    links = _hrefs(home)
    assert "./Linux/files/#setuid" in links
    assert "./Web%20App/cookies/" in links
    assert "./Linux/" in links
    assert not any(".md" in link for link in links), links
    image = next(link for link in links if link.endswith("d.png"))
    assert (out / image).read_bytes() == b"\x89PNG\r\n\x1a\n-diagram-"
    cookies = _hrefs((out / "Web App" / "cookies" / "index.html").read_text(encoding="utf-8"))
    assert "../../" in cookies  # /README.md: the home page
    checked = CliRunner().invoke(main, ["links", "--offline", *args])
    assert checked.exit_code == 0, checked.output


def test_a_missing_file_from_the_root_stays_a_site_url_and_is_reported(tmp_path: Path) -> None:
    root = _space(tmp_path)
    (root / "README.md").write_text("# Home\n\nSee [gone](/Linux/gone.md).\n", encoding="utf-8")
    args = ["--config", str(root / "publish.toml"), "--content", str(root)]
    out = tmp_path / "out"
    built = CliRunner().invoke(main, ["build", *args, "--out", str(out)])
    assert built.exit_code == 0, built.output
    assert "./Linux/gone.md" in _hrefs((out / "index.html").read_text(encoding="utf-8"))
    checked = CliRunner().invoke(main, ["links", "--offline", *args])
    assert checked.exit_code == 2
    assert "README.md\n  3: broken: /Linux/gone.md" in checked.output


def test_a_broken_root_link_is_told_the_page_beside_it_first(tmp_path: Path) -> None:
    """A handbook kept in versions (``contents/9/``, ``contents/10/``): the suggestion for a
    broken ``/contents/Basic.md`` from a v10 page was the v9 page (83 times in
    BrighterCommand's docs; a helper's finding)."""
    files = {
        "SUMMARY.md": "# S\n\n* [Home](README.md)\n"
        + "".join(
            f"* [K{v}](contents/{v}/Kafka.md)\n* [B{v}](contents/{v}/Basic.md)\n" for v in (9, 10)
        ),
        "README.md": "# Home\n",
        "contents/9/Kafka.md": "# K\n\nSee [basic](/contents/Basic.md).\n",
        "contents/9/Basic.md": "# B\n",
        "contents/10/Kafka.md": "# K\n\nSee [basic](/contents/Basic.md).\n",
        "contents/10/Basic.md": "# B\n",
    }
    root = write_space(tmp_path / "space", files)
    result = run_space(root, "links", "--offline", "--format", "json")
    rows = {r["source"].rsplit("/", 2)[-2]: r for r in json.loads(result.stdout)}
    assert rows["10"]["suggestion"] == "did you mean /contents/10/basic?"
    assert rows["9"]["suggestion"] == "did you mean /contents/9/basic?"
