"""What the checker says of two links the site serves or GitBook wrote: a file named in another
Unicode normalisation than the link writes (the build copies it under the link's name, so the
site finds it: no warning, no broken link, a note in the report), and GitBook's
``/broken/spaces/<space>/pages/<page>`` (a hint saying what GitBook did, as for
``broken-reference``)."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import main

FRONT = "---\ntitle: {title}\nid: {id}\ndate: 2024-01-01\n---\n"
NFD_FOLDER = unicodedata.normalize("NFD", "Menüs")
NFD_NAME = unicodedata.normalize("NFD", "Community Smörgåsbord.pdf")


def _site(tmp_path: Path, pages: dict[str, str], files: dict[str, bytes]) -> list[str]:
    content = tmp_path / "content"
    for rel, body in pages.items():
        path = content / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(FRONT.format(title=path.stem, id=f"id-{path.stem}") + body, "utf-8")
    for rel, data in files.items():
        (content / rel).parent.mkdir(parents=True, exist_ok=True)
        (content / rel).write_bytes(data)
    (tmp_path / "publish.toml").write_text(
        '[site]\ntitle = "T"\nbase_url = "https://t.example/"\n', encoding="utf-8"
    )
    return ["--content", str(content), "--config", str(tmp_path / "publish.toml")]


def test_a_file_the_build_copies_under_the_links_name_is_neither_warned_nor_broken(
    tmp_path: Path,
) -> None:
    args = _site(
        tmp_path,
        {
            "essays/p.md": "The [menu](<Menüs/Community Smörgåsbord.pdf>).\n",
            "essays/q.md": "The [page](<Menüs/café.md>).\n",
        },
        {
            f"essays/{NFD_FOLDER}/{NFD_NAME}": b"%PDF-1.4 menu",
            f"essays/{NFD_FOLDER}/" + unicodedata.normalize("NFD", "café.md"): (
                FRONT.format(title="Cafe", id="cafe") + "Hi.\n"
            ).encode(),
        },
    )
    built = CliRunner().invoke(main, ["build", *args, "--out", str(tmp_path / "out")])
    assert built.exit_code == 0, built.output
    warned = [line for line in built.output.splitlines() if "points at nothing" in line]
    assert len(warned) == 1, built.output  # the page: its link is not the page's URL
    assert "essays/q.md" in warned[0] and "café.md" in warned[0]
    copied = tmp_path / "out" / "essays" / "p" / "Community Smörgåsbord.pdf"
    assert copied.read_bytes() == b"%PDF-1.4 menu"

    checked = CliRunner().invoke(main, ["links", "--offline", "--format", "json", *args])
    rows = {r["source"].split("content/")[-1].split(":")[0]: r for r in json.loads(checked.stdout)}
    assert checked.exit_code == 2, checked.output  # the page only
    menu = rows["essays/p.md"]
    assert menu["status"] == "ok"
    assert "GitHub's" in menu["reason"]
    assert menu["suggestion"] == "rename the file to its NFC (composed) form"
    assert rows["essays/q.md"]["status"] == "broken"


def test_gitbooks_lost_cross_space_link_gets_a_hint(tmp_path: Path) -> None:
    lost = "/broken/spaces/446mKak1zDrGv70ahuYZ/pages/FvVxmMr2tYoEekbWHjKR"
    args = _site(tmp_path, {"p.md": f"See [the radius]({lost}) and [x](/nowhere/).\n"}, {})
    checked = CliRunner().invoke(main, ["links", "--offline", "--format", "json", *args])
    assert checked.exit_code == 2, checked.output
    rows = {r["url"]: r for r in json.loads(checked.stdout)}
    assert rows[lost]["status"] == "broken"
    assert rows[lost]["suggestion"].startswith("GitBook writes /broken/spaces/<space>/pages/")
    assert "link the page by its published URL" in rows[lost]["suggestion"]
    assert "GitBook" not in (rows["/nowhere/"]["suggestion"] or "")
